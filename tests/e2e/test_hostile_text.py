"""Hostile user text through every creation path; no outbound payload may carry live markup.

Each string goes in through `/inquiry new`, the new-inquiry modal, an intake-channel message,
a :ticket: reaction, the message shortcut, the progress/hold/resolve notes (commands and card
modals) and the ETA modal. Then every call the fake Web API recorded (every string field,
recursively: `text`, blocks, views, response_url answers) and every HTTP answer the bot gave is
scanned for `<!…>` broadcasts, `<@…>` mentions of anyone the bot did not mean to mention,
`<http…|…>` links, bidi controls and NULs.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlmodel import select
from support.rows import ts_of

from e2e.harness import CHANNELS, PEOPLE, Bot, eventually, reaction_event
from storage.models import Inquiry, InquiryEvent

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<@U0MANAGER>",
    "<https://evil.example/reset|Reset your password>",
    "&lt;!channel&gt;",
    "RLO \u202eexe.txt\u202c ok",
    "NUL \x00 byte",
    "*bold* _it_ ~st~",
    "L" * 120 + "<!here>&" * 300,
    "주문 화면이 <!everyone> 안 열립니다",
]

MARKUP = re.compile(r"<([^<>]*)>")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
KNOWN_USERS = {uid for uid, _, _ in PEOPLE}
KNOWN_CHANNELS = {cid for cid, _ in CHANNELS}
# Fields that are never rendered as text: what a person edits in an input, and data.
NOT_RENDERED = {"initial_value", "private_metadata", "value", "metadata", "event_payload"}
# The card permalinks the bot itself adds (chat.getPermalink: Slack's form, or the fake's own
# page URL that scrolls to the card).
CARD_LINK = re.compile(
    r"^(https://[a-z0-9-]*\.?slack\.com/archives/[CGD][A-Z0-9]+/p\d+"
    r"|http://127\.0\.0\.1:\d+/#[CGD][A-Z0-9]+/\d+\.\d+)\|"
)


def live_markup(text: str) -> list[str]:
    """The pieces of text Slack would turn into a broadcast, a foreign mention or a link."""
    found = []
    for m in MARKUP.finditer(text):
        inner = m.group(1)
        if inner.startswith("@") and inner[1:] in KNOWN_USERS:
            continue  # the bot's own mentions of the people in the workspace
        if inner.startswith("#") and inner[1:] in KNOWN_CHANNELS:
            continue
        if CARD_LINK.match(inner):
            continue  # the card permalink in nudges
        found.append(m.group(0))
    if BIDI.search(text):
        found.append("bidi control")
    if CONTROL.search(text):
        found.append("control character")
    return found


def scan(value: Any, path: str = "") -> list[str]:
    """Every live-markup finding in every string field of value, with its path."""
    out: list[str] = []
    if isinstance(value, str):
        out += [f"{path}: {hit}" for hit in live_markup(value)]
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_RENDERED:
                out += scan(item, f"{path}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += scan(item, f"{path}/{i}")
    return out


def test_scanner_finds_what_it_must() -> None:
    assert live_markup("a <!channel> b") == ["<!channel>"]
    assert live_markup("<@U0MANAGER> <@USTAFF1>") == ["<@U0MANAGER>"]
    assert live_markup("<https://evil|Reset>") == ["<https://evil|Reset>"]
    assert live_markup("&lt;!channel&gt; *bold*") == []
    assert live_markup("x\u202ey") == ["bidi control"]
    assert scan({"blocks": [{"text": {"text": "<!here>"}}], "value": "<!here>"}) == [
        "/blocks/0/text/text: <!here>"
    ]


async def _from_message(bot: Bot, ts: str) -> int:
    """The number of the inquiry opened from the message `ts`."""
    for r in await _inquiries(bot):
        if await ts_of(bot.deps.sessions, r.id, "source") == ts:
            return r.number
    raise AssertionError(f"no inquiry from {ts}")


async def _inquiries(bot: Bot) -> list[Inquiry]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(Inquiry).order_by(Inquiry.number))).all())


async def _notes(bot: Bot) -> list[str]:
    async with bot.deps.sessions() as s:
        return [e.note for e in (await s.exec(select(InquiryEvent))).all()]


async def _count(bot: Bot) -> int:
    return len(await _inquiries(bot))


async def _opened_view(bot: Bot, before: int) -> dict[str, Any]:
    calls = await eventually(lambda: bot.fake.calls_to("views.open")[before:], timeout=20)
    view: dict[str, Any] = calls[0].args["view"]
    return view


async def _wait_count(bot: Bot, n: int) -> None:
    for _ in range(250):
        if await _count(bot) >= n:
            return
        await bot.settle()
    raise AssertionError(f"expected {n} inquiries, have {await _count(bot)}")


async def test_hostile_text_never_reaches_slack_live(bot: Bot) -> None:
    # many thread replies go to two channels: pace them faster than Slack's 1/s
    bot.runtime.sender.settings = replace(bot.runtime.sender.settings, channel_interval=0.02)
    answers: list[str] = []  # what the bot answered over HTTP (modal errors and acks)
    expected = 0
    for i, s in enumerate(HOSTILE):
        # 1. /inquiry new (glued to a word so it stays title text, not an assignee token; no
        # `word:` glue since issue 17: an unknown key is a usage error, not title text)
        command = f'new support Broken—{s[:150]} customer:"{s[:60]}"'
        answers.append(await bot.reply_to("UCUST", command))
        expected += 1
        # 2. the new-inquiry modal
        before = len(bot.fake.calls_to("views.open"))
        await bot.command("UCUST", "")
        view = await _opened_view(bot, before)
        values = {
            "kind": {"type": "static_select", "selected_option": {"value": "support"}},
            "title": {"type": "plain_text_input", "value": s[:200]},
            "detail": {"type": "plain_text_input", "value": s},
            "customer": {"type": "plain_text_input", "value": s[:200]},
            "contact": {"type": "plain_text_input", "value": s[:200]},
        }
        reply = await bot.submit("UCUST", view, values)
        answers.append(reply.text)
        expected += 1
        # 3. an intake-channel message
        await bot.user_message("UCUST", "C0INTAKE", f"{s}\nsecond line {s}")
        expected += 1
        # 4. a :ticket: reaction on a message elsewhere
        msg = bot.fake.post_user_message("C0RANDOM", "UCUST2", f"{s} please")
        await bot.event(
            reaction_event("USTAFF1", "C0RANDOM", msg["ts"], item_user="UCUST2", event_ts=f"{i}.5")
        )
        expected += 1
        # 5. the message shortcut and its prefilled modal
        shortcut_msg = bot.fake.post_user_message("C0RANDOM", "UCUST", f"{s}\n{s}")
        before = len(bot.fake.calls_to("views.open"))
        await bot.shortcut(
            "USTAFF2",
            "C0RANDOM",
            {"type": "message", "ts": shortcut_msg["ts"], "user": "UCUST", "text": s},
        )
        prefilled = await _opened_view(bot, before)
        title = next(b for b in prefilled["blocks"] if b["block_id"] == "title")
        detail = next(b for b in prefilled["blocks"] if b["block_id"] == "detail")
        values = {
            "kind": {"type": "static_select", "selected_option": {"value": "request"}},
            "title": {"type": "plain_text_input", "value": title["element"].get("initial_value")},
            "detail": {"type": "plain_text_input", "value": detail["element"].get("initial_value")},
        }
        answers.append((await bot.submit("USTAFF2", prefilled, values)).text)
        expected += 1
        await _wait_count(bot, expected)
        # the shortcut's inquiry (UCUST is its requester); events may finish in any order
        number = await _from_message(bot, shortcut_msg["ts"])
        # 6. notes by command: progress, hold, resume, resolve, reopen, milestone
        for sub in ("progress", "hold"):
            answers.append(await bot.reply_to("USTAFF1", f"{sub} {number} {s[:2000]}"))
        answers.append(await bot.reply_to("USTAFF1", f"resume {number}"))
        answers.append(await bot.reply_to("USTAFF1", f"resolve {number} {s[:2000]}"))
        answers.append(await bot.reply_to("UCUST", f"reopen {number} {s[:2000]}"))
        answers.append(await bot.reply_to("USTAFF1", f"milestone {number} 2026-12-21 {s[:2000]}"))
        # 7. notes and the ETA from the card's modals
        # the reaction's inquiry (never the shortcut's, which must stay open for the ETA below)
        first = await _from_message(bot, msg["ts"])
        for action in ("inquiry-add-progress", "inquiry-resolve"):
            before = len(bot.fake.calls_to("views.open"))
            await bot.click("USTAFF2", action, str(first))
            note_view = await _opened_view(bot, before)
            reply = await bot.submit(
                "USTAFF2", note_view, {"note": {"type": "plain_text_input", "value": s[:2900]}}
            )
            answers.append(reply.text)
        before = len(bot.fake.calls_to("views.open"))
        await bot.click("USTAFF1", "inquiry-set-eta", str(number))
        eta_view = await _opened_view(bot, before)
        reply = await bot.submit(
            "USTAFF1",
            eta_view,
            {
                "eta_date": {"type": "datepicker", "selected_date": s[:40]},
                "eta_time": {"type": "timepicker", "selected_time": s[:40]},
            },
        )
        answers.append(reply.text)
        assert json.loads(reply.text)["response_action"] == "errors"
    await bot.settle()
    # App Home, list and show render every stored title again; overdue nudges too.
    await bot.event({"type": "app_home_opened", "user": "UCUST", "channel": "D0UCUST"})
    await eventually(lambda: bot.fake.calls_to("views.publish"))
    answers.append(await bot.reply_to("USTAFF1", "list all"))
    for inquiry in (await _inquiries(bot))[::7]:
        answers.append(await bot.reply_to("USTAFF1", f"show {inquiry.number}"))
    bot.clock.advance(timedelta(days=3))
    await bot.runtime.run_due_work()
    await bot.settle()

    # Nothing was lost: PostgreSQL took the NUL text too, and nothing stored keeps controls.
    rows = await _inquiries(bot)
    assert len(rows) == expected
    stored = [r.title for r in rows] + [r.detail for r in rows] + await _notes(bot)
    assert not [x for x in stored if BIDI.search(x) or "\x00" in x]
    assert any("<!channel>" in r.title for r in rows), "text is stored as the person wrote it"
    # Every payload the bot sent, and every answer it gave, is inert.
    findings = [f"{c.method}{hit}" for c in bot.fake.calls for hit in scan(c.args)]
    findings += [f"http answer: {hit}" for a in answers for hit in live_markup(a)]
    assert findings == []
    assert bot.fake.calls_to("views.publish") and bot.fake.calls_to("chat.update")
    assert bot.fake.messages("UMANAGER") or bot.fake.messages(bot.fake.dm_channel_for("UMANAGER"))
    assert not [c.method for c in bot.fake.calls if c.response.get("ok") is False]
