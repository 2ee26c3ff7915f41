"""The page's own texts come from the catalogues; the welcome note; the subcommand list."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import load_config
from bot.i18n import LANGS, catalogue
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.manifest import read_manifest
from bot.sandbox.server import SUBCOMMANDS, Sandbox, page_texts, subcommands
from bot.sandbox.workspace import GUIDE_ID, SEED_CONFIG, load_workspace, populate

APP_JS = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "static" / "app.js"


def test_every_page_label_is_in_both_catalogues() -> None:
    source = APP_JS.read_text(encoding="utf-8")
    used = set(re.findall(r"\bL(?:both)?\(\"([a-z0-9_.]+)\"", source))
    assert len(used) > 30, "found suspiciously few L(...) keys; is the regex broken?"
    # keys the page builds from data: clock.<step>, clock.<step>_tip, role.<role>, cmd.<name>
    used |= {f"clock.{s}" for s in ("1m", "15m", "1h", "morning", "1bd")}
    used |= {f"clock.{s}_tip" for s in ("1m", "15m", "1h", "morning", "1bd")}
    used |= {f"role.{r}" for r in ("manager", "receptionist", "staff", "customer")}
    used |= {f"cmd.{c['command'][1:]}" for c in read_manifest()["commands"]}
    for lang in LANGS:
        texts = page_texts(lang)
        assert sorted(used - set(texts)) == [], lang
    assert page_texts("ko")["optional"] == "(선택)" and page_texts("en")["optional"] == "(optional)"


def test_subcommands_have_arguments_and_their_own_description() -> None:
    for lang in LANGS:
        subs = subcommands(lang)
        assert [s["name"] for s in subs] == list(SUBCOMMANDS)
        descriptions = [s["description"] for s in subs]
        assert len(set(descriptions)) == len(descriptions), lang
        by_name = {s["name"]: s for s in subs}
        assert by_name["help"]["args"] == ""
        assert all(by_name[n]["args"] for n in SUBCOMMANDS if n != "help"), lang
        assert "&lt;" not in str(subs)
    en = {s["name"]: s for s in subcommands("en")}
    assert en["assign"]["args"] == "<number> @user"
    assert en["list"]["args"] == "[mine|team|open|overdue|all]"
    assert {s["name"]: s for s in subcommands("ko")}["assign"]["args"] == "<번호> @담당자"
    # every subcommand the bot's own help names is offered
    helped = set(re.findall(r"`/inquiry (\w+)", catalogue("en")["inquiry.help"]))
    assert helped <= set(SUBCOMMANDS)


def _sandbox() -> tuple[Sandbox, FakeSlack]:
    fake = FakeSlack()
    ws = load_workspace()
    populate(fake, ws)
    runtime: Any = SimpleNamespace(deps=SimpleNamespace(config=load_config(SEED_CONFIG)))
    sandbox = Sandbox(
        fake=fake,
        runtime=runtime,
        clock=None,  # type: ignore[arg-type]
        secret="s",
        workspace=ws,
        manifest=read_manifest(),
        state_file=None,
    )
    return sandbox, fake


def test_welcome_note_in_triage_and_every_dm() -> None:
    sandbox, fake = _sandbox()
    sandbox.seed_welcome()
    triage = fake.channel_messages("C0TRIAGE")
    assert len(triage) == 1 and triage[0]["user"] == GUIDE_ID and not triage[0]["blocks"]
    text = triage[0]["text"]
    assert text.index("해 보기") < text.index("Try:"), "ko first, then en"
    assert "<#C0INTAKE>" in text and "dana" in text
    for person in sandbox.workspace.people:
        (note,) = fake.channel_messages(fake.dm_channel_for(person.id))
        assert note["user"] == GUIDE_ID
        korean = person.locale.startswith("ko")
        assert ("해 보기" in note["text"]) is korean and ("Try:" in note["text"]) is not korean
    guide = fake.users[GUIDE_ID]
    assert guide["is_bot"] and GUIDE_ID != fake.bot_user_id


def test_state_serves_the_page_texts_and_each_personas_language() -> None:
    sandbox, _ = _sandbox()
    runtime: Any = sandbox.runtime
    runtime.deps.is_staff = lambda user: user in ("U0MINJI", "U0ALEX", "U0SUJIN", "U0JIHOON")
    runtime.deps.tz = ZoneInfo("Asia/Seoul")
    sandbox.clock = SimpleNamespace(now=lambda: datetime(2026, 12, 1, tzinfo=UTC))  # type: ignore[assignment]
    state = sandbox.state()
    assert {p["name"]: p["lang"] for p in state["people"]} == {
        "minji": "ko",
        "alex": "en",
        "sujin": "ko",
        "jihoon": "ko",
        "dana": "en",
    }
    assert state["i18n"]["ko"]["acting_as"] == "현재 사용자"
    assert state["i18n"]["en"]["acting_as"] == "Acting as"
    assert state["subcommands"]["en"][0]["name"] == "new"
    assert state["guide"] == GUIDE_ID and state["language"] == "ko"
