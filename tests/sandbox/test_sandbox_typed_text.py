"""What the sandbox sends for typed text is what Slack sends (issue 9, §7).

`/inquiry` has `should_escape: true` in manifest.yml, so Slack escapes `&`, `<`, `>` and turns
`@name` into `<@U…|name>` and `#channel` into `<#C…|name>` before the bot sees the text. The
sandbox used to send the raw text: the README's own `/inquiry new … @minji` made an unassigned
inquiry titled "… @minji", and `<script>` became "scriptalert(1)/script".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.sandbox import slack_requests as sr
from bot.sandbox.manifest import read_manifest
from sandbox.sandbox_process import ROOT, SandboxProcess

USERS = {"minji": "U0MINJI", "alex": "U0ALEX", "dana": "U0DANA"}
CHANNELS = {"triage": "C0TRIAGE", "intake": "C0INTAKE"}


@pytest.mark.parametrize(
    ("typed", "command", "message"),
    [
        ("new support Help @minji", "new support Help <@U0MINJI|minji>", None),
        ("assign 12 @alex", "assign 12 <@U0ALEX|alex>", "assign 12 <@U0ALEX>"),
        ("@Minji, look", "<@U0MINJI|minji>, look", "<@U0MINJI>, look"),
        ("thanks @minji.", "thanks <@U0MINJI|minji>.", None),
        ("@nobody and a@minji.com", "@nobody and a@minji.com", None),
        ("@here @channel @everyone", "<!here> <!channel> <!everyone>", None),
        ("see #intake, not #12 or #nope", "see <#C0INTAKE|intake>, not #12 or #nope", None),
        (
            "<script>alert(1)</script>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
        ),
        ("a & b > c < d", "a &amp; b &gt; c &lt; d", None),
        ("&lt; stays literal", "&amp;lt; stays literal", None),
        ("<@U0ALEX> typed by hand", "&lt;@U0ALEX&gt; typed by hand", None),
        ("https://x.test/a?b=1&c=2.", "<https://x.test/a?b=1&amp;c=2>.", None),
        ("(https://x.test/p#intake)", "(<https://x.test/p#intake>)", None),
        ("a <https://x.test|label>", "a &lt;<https://x.test>|label&gt;", None),
        ("1:1 @alex", "1:1 <@U0ALEX|alex>", None),
    ],
)
def test_encode_typed_like_slack(typed: str, command: str, message: str | None) -> None:
    users = USERS
    assert sr.encode_typed(typed, users=users, channels=CHANNELS, command=True) == command
    if message is not None:
        assert sr.encode_typed(typed, users=users, channels=CHANNELS, command=False) == message


def test_manifest_says_inquiry_is_escaped() -> None:
    commands = read_manifest()["commands"]
    assert [c["should_escape"] for c in commands if c["command"] == "/inquiry"] == [True]


def test_escape_typed_only_touches_the_three_characters() -> None:
    assert sr.escape_typed("<@U1> & #x @y") == "&lt;@U1&gt; &amp; #x @y"


# ------------------------------------------------------------------ through the real bot


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = SandboxProcess(tmp_path_factory.mktemp("sandbox-typed"))
    yield proc
    assert proc.stop() == 0, proc.output[-3000:]


def _cards(sb: SandboxProcess) -> dict[int, dict[str, Any]]:
    out = {}
    for m in sb.messages("alex", "triage"):
        if m["blocks"] and not m["ephemeral"] and m["blocks"][0]["type"] == "header":
            found = re.match(r"#(\d+) ", m["blocks"][0]["text"]["text"])
            if found:
                out[int(found.group(1))] = m
    return out


def _assignee(card: dict[str, Any]) -> str:
    """The card's assignee field (after its label)."""
    for block in card["blocks"]:
        for field in block.get("fields") or []:
            if "Assignee" in field["text"]:
                return str(field["text"]).split("\n", 1)[-1]
    raise AssertionError(f"no assignee field: {card['blocks']}")


def _send(sb: SandboxProcess, text: str, persona: str = "alex") -> None:
    assert sb.post("/sandbox/api/send", {"as": persona, "channel": "triage", "text": text}) == (
        200,
        {"ok": True},
    )


def _readme_examples() -> tuple[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    new = re.search(r"^/inquiry new [^\n]*@minji$", readme, re.MULTILINE)
    assign = re.search(r"/inquiry assign 12 @alex", readme)
    assert new and assign, "the README's examples changed; update this test"
    return new.group(0), assign.group(0)


def test_readme_examples_assign_people(sb: SandboxProcess) -> None:
    new, assign = _readme_examples()
    _send(sb, new)
    cards = sb.wait_for(lambda: _cards(sb).get(1))
    assert cards["blocks"][0]["text"]["text"] == "#1 Login fails"
    assert _assignee(cards) == "<@U0MINJI>", "the README's @minji assigns minji"

    for n in range(2, 13):  # make inquiry #12 exist, so the README's line runs verbatim
        _send(sb, f"/inquiry new support Filler {n}")
    sb.wait_for(lambda: 12 in _cards(sb), timeout=20)
    assert _assignee(_cards(sb)[12]) != "<@U0ALEX>"
    _send(sb, assign)
    sb.wait_for(lambda: _assignee(_cards(sb)[12]) == "<@U0ALEX>")


def _shown(plain: str) -> str:
    """What Slack (and the page) shows for a plain_text field: its three entities decoded."""
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_markup_typed_in_a_command_stays_text(sb: SandboxProcess) -> None:
    _send(sb, "/inquiry new support <script>alert(1)</script> & <!channel> for #intake")
    wanted = "<script>alert(1)</script> & <!channel> for #intake"

    def card() -> dict[str, Any] | None:
        return next(
            (
                c
                for c in _cards(sb).values()
                if _shown(c["blocks"][0]["text"]["text"]).endswith(wanted)
            ),
            None,
        )

    found = sb.wait_for(card)
    # the header is plain_text, shown as typed; nothing became a live mention
    assert "<!channel>" not in json.dumps(found["blocks"][1:]) + found["text"].replace(wanted, "")
