"""Handoffs from buttons and forms on Slack (issue 13, C8): the inquiry card's **transfer**
button and its form, the callback's **can't** form with a colleague picker, and the handoff
card carrying what the requester wrote in the thread. The real server, signed requests, the
fake Web API's transcript; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select
from support.polling import eventually

from e2e.harness import Bot, start_bot
from e2e.test_callbacks import (
    CONFIG,
    LOG,
    PHONE,
    callback,
    log_callback,
    offers,
    open_pass_form,
    submit_pass_form,
    text_of,
)
from storage.models import Handoff, InquiryEvent

HOSTILE = "<!channel> *급함* <https://evil.example|여기> & 휴가"


@pytest.fixture
async def hbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG)
    yield driver
    await stop()


def _card_buttons(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"]
        for b in message.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


async def _intake_inquiry(bot: Bot, replies: list[str]) -> dict[str, Any]:
    """The customer posts in the intake channel (inquiry #1), then writes in its thread."""
    root = await bot.user_message("UCUST", "C0INTAKE", "체결 통보가 오지 않습니다")
    await eventually(lambda: [m for m in bot.posts("C0TRIAGE") if "#1" in text_of(m)])
    await bot.settle()
    for count, text in enumerate(replies, start=1):
        await bot.user_message("UCUST", "C0INTAKE", text, thread_ts=root["ts"])
        await _wait_for_messages(bot, count)  # one at a time: they are kept in order
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF1>")
    await bot.reply_to("USTAFF1", "progress 1 로그 확인 중, 서버 A 재시작 예정")
    await bot.settle()
    return root


async def _message_events(bot: Bot) -> int:
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(InquiryEvent).where(InquiryEvent.kind == "message"))).all()
    return len(rows)


async def _wait_for_messages(bot: Bot, count: int) -> None:
    for _ in range(250):
        if await _message_events(bot) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{count} requester messages were not recorded")


async def _open_transfer(bot: Bot, user: str, number: str = "1") -> dict[str, Any]:
    before = len(bot.fake.calls_to("views.open"))
    reply = await bot.click(user, "inquiry-transfer", number)
    assert reply.status == 200
    opened = await eventually(lambda: bot.fake.calls_to("views.open")[before:])
    view: dict[str, Any] = opened[0].args["view"]
    return view


def _transfer_values(to: str | None, reason: str | None) -> dict[str, dict[str, Any]]:
    return {
        "transfer_to": {"type": "users_select", "selected_user": to},
        "note": {"type": "plain_text_input", "value": reason},
    }


def _handoff_cards(bot: Bot, user: str) -> list[str]:
    return [
        text_of(m) for m in bot.fake.messages(bot.fake.dm_channel_for(user)) if "🤝" in text_of(m)
    ]


async def _handoffs(bot: Bot) -> list[tuple[str, int, str, str]]:
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(Handoff).order_by(Handoff.id))).all()  # type: ignore[arg-type]
    return [(h.object_kind, h.object_id, h.from_id, h.to_id) for h in rows]


# --------------------------------------------------------------------------- transfer button


async def test_the_card_transfer_button_hands_the_inquiry_over(hbot: Bot) -> None:
    await _intake_inquiry(hbot, ["주문번호는 A-778 입니다", "어제 오후 3시부터 안 옵니다"])
    [card] = [m for m in hbot.posts("C0TRIAGE") if "inquiry-transfer" in _card_buttons(m)]
    view = await _open_transfer(hbot, "USTAFF1")
    assert view["callback_id"] == "inquiry-transfer-modal"
    picker = next(b for b in view["blocks"] if b.get("block_id") == "transfer_to")
    assert picker["element"]["type"] == "users_select"
    reply = await hbot.submit("USTAFF1", view, _transfer_values("USTAFF2", HOSTILE))
    assert reply.status == 200 and reply.text in ("", "{}"), reply
    await eventually(lambda: any("#1" in t for t in hbot.dm_texts("USTAFF1")))
    await hbot.settle()
    [handoff] = _handoff_cards(hbot, "USTAFF2")
    for fact in ("체결 통보가 오지 않습니다", "서버 A", "A-778", "어제 오후 3시부터"):
        assert fact in handoff, fact
    assert "<!channel>" not in handoff and "&lt;!channel&gt;" in handoff, "the reason is escaped"
    assert "<https://evil.example" not in handoff and "&amp;" in handoff
    told = hbot.dm_texts("UCUST") + [text_of(m) for m in hbot.posts("C0INTAKE")]
    assert any("USTAFF2" in t and "repeat" in t for t in told), "the requester is told"
    assert await _handoffs(hbot) == [("inquiry", 1, "USTAFF1", "USTAFF2")]
    # the very transfer of `/inquiry transfer`: the history says so
    shown = await hbot.reply_to("USTAFF2", "show 1")
    assert "이관" in shown or "transferred" in shown
    assert card  # the triage card carries the button


async def test_the_transfer_form_refuses_bad_input_under_the_field(hbot: Bot) -> None:
    await _intake_inquiry(hbot, [])
    view = await _open_transfer(hbot, "USTAFF1")
    missing = await hbot.submit("USTAFF1", view, _transfer_values(None, "x"))
    assert missing.status == 200 and "transfer_to" in json.loads(missing.text)["errors"]
    customer = await hbot.submit("USTAFF1", view, _transfer_values("UCUST", "x"))
    errors = json.loads(customer.text)["errors"]
    assert "transfer_to" in errors and "UCUST" in errors["transfer_to"], "non-staff refused"
    tampered = {**view, "private_metadata": json.dumps({"number": "1; drop"})}
    stale = await hbot.submit("USTAFF1", tampered, _transfer_values("USTAFF2", "x"))
    assert "transfer_to" in json.loads(stale.text)["errors"]
    assert await _handoffs(hbot) == []


async def test_the_transfer_form_refuses_someone_away_naming_the_delegate(hbot: Bot) -> None:
    await _intake_inquiry(hbot, [])
    await hbot.reply_to("USTAFF2", "until: 17:00 delegate: <@UMANAGER>", command="/away")
    view = await _open_transfer(hbot, "USTAFF1")
    before = len(hbot.dm_texts("USTAFF1"))
    reply = await hbot.submit("USTAFF1", view, _transfer_values("USTAFF2", "휴가"))
    assert reply.status == 200
    refusal = (await eventually(lambda: hbot.dm_texts("USTAFF1")[before:]))[0]
    assert "UMANAGER" in refusal and "USTAFF2" in refusal
    assert await _handoffs(hbot) == []


async def test_the_transfer_button_refuses_unknown_inquiries_and_customers(hbot: Bot) -> None:
    await _intake_inquiry(hbot, [])
    before = len(hbot.replies())
    reply = await hbot.click("UCUST", "inquiry-transfer", "1")
    assert reply.status == 200
    refused = (await eventually(lambda: hbot.replies()[before:]))[0]
    assert "#1" in refused
    reply = await hbot.click("USTAFF1", "inquiry-transfer", "99")
    assert reply.status == 200
    unknown = (await eventually(lambda: hbot.replies()[before + 1 :]))[0]
    assert "#99" in unknown
    reply = await hbot.click("USTAFF1", "inquiry-transfer", "<@U1>")
    assert reply.status == 200
    await eventually(lambda: hbot.replies()[before + 2 :])
    assert hbot.fake.calls_to("views.open") == [], "no form for any of them"
    # a forged submission for an unknown inquiry: refused in a DM, never a 500
    view = {
        "type": "modal",
        "callback_id": "inquiry-transfer-modal",
        "private_metadata": json.dumps({"number": 99}),
        "blocks": [],
    }
    dms = len(hbot.dm_texts("USTAFF1"))
    forged = await hbot.submit("USTAFF1", view, _transfer_values("USTAFF2", "x"))
    assert forged.status == 200
    assert "#99" in (await eventually(lambda: hbot.dm_texts("USTAFF1")[dms:]))[0]


# --------------------------------------------------------------------------- requester messages


async def test_the_handoff_card_shows_the_latest_requester_messages(hbot: Bot) -> None:
    said = [f"추가 정보 {i}번" for i in range(1, 8)]
    # as Slack sends what the customer typed: `<!here>` typed is `&lt;!here&gt;` on the wire
    said[-1] = "<@UADMIN> *굵게* &amp; &lt;!here&gt; 마지막"
    root = await _intake_inquiry(hbot, said)
    await hbot.user_message(
        "USTAFF2", "C0INTAKE", "직원 답변은 요청자 메시지가 아닙니다", thread_ts=root["ts"]
    )
    await hbot.settle()
    assert await _message_events(hbot) == 7, "each requester thread reply is kept, no one else's"
    await hbot.reply_to("USTAFF1", "transfer 1 <@USTAFF2> 휴가")
    await hbot.settle()
    [card] = _handoff_cards(hbot, "USTAFF2")
    assert "추가 정보 1번" not in card and "추가 정보 2번" not in card
    for shown in ("추가 정보 3번", "추가 정보 6번", "마지막"):
        assert shown in card, shown
    assert "(and 2 earlier)" in card, "how many earlier ones are left out"
    assert "직원 답변" not in card
    assert "<!here>" not in card and "&lt;!here&gt;" in card
    assert "<@UADMIN>" not in card, "a message cannot mention anyone on the card"


# --------------------------------------------------------------------------- can't form


async def test_cant_with_a_colleague_hands_the_callback_over_with_its_context(hbot: Bot) -> None:
    await _intake_inquiry(hbot, ["주문번호는 A-778 입니다"])
    await log_callback(hbot, LOG + " 문의: #1")
    view = await open_pass_form(hbot, "USTAFF1")
    picker = next(b for b in view["blocks"] if b.get("block_id") == "callback_colleague")
    assert picker["element"]["type"] == "users_select" and picker["optional"] is True
    answer = await submit_pass_form(hbot, "USTAFF1", view, "USTAFF2", HOSTILE)
    assert "CB1" in answer and "USTAFF2" in answer
    [handed] = offers(hbot, "USTAFF2")
    text = text_of(handed)
    assert "🤝" in text, "the handoff card, as for inquiries"
    for fact in (PHONE, "홍길동", "서버 A", "A-778", "체결 통보가 오지 않습니다", "휴가"):
        assert fact in text, fact
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    row = await callback(hbot)
    assert row.owner_id == "USTAFF2"
    assert await _handoffs(hbot) == [("callback", 1, "USTAFF1", "USTAFF2")]
    # the colleague may claim it from the card's own buttons
    before = len(hbot.replies())
    await hbot.click("USTAFF2", "callback-claim", "1", channel=hbot.fake.dm_channel_for("USTAFF2"))
    claimed = (await eventually(lambda: hbot.replies()[before:]))[0]
    assert PHONE in claimed
    assert (await callback(hbot)).claimed_by == "USTAFF2"


async def test_cant_form_refuses_bad_colleagues_and_stale_callbacks(hbot: Bot) -> None:
    await log_callback(hbot)
    view = await open_pass_form(hbot, "USTAFF1")
    values: dict[str, dict[str, Any]] = {
        "callback_colleague": {"type": "users_select", "selected_user": "UCUST"},
        "callback_reason": {"type": "plain_text_input", "value": "x"},
    }
    customer = await hbot.submit("USTAFF1", view, values)
    assert "callback_colleague" in json.loads(customer.text)["errors"], "non-staff refused"
    values["callback_colleague"]["selected_user"] = "USTAFF1"
    itself = await hbot.submit("USTAFF1", view, values)
    assert "callback_colleague" in json.loads(itself.text)["errors"], "not to oneself"
    await hbot.reply_to("USTAFF2", "until: 17:00 delegate: <@UMANAGER>", command="/away")
    refusal = await submit_pass_form(hbot, "USTAFF1", view, "USTAFF2", "x")
    assert "UMANAGER" in refusal, "someone away: refused with the delegate suggested"
    assert (await callback(hbot)).owner_id == "USTAFF1"
    assert await _handoffs(hbot) == []
    # unknown callback, a customer's press: answered, no form
    opened = len(hbot.fake.calls_to("views.open"))
    before = len(hbot.replies())
    dm = hbot.fake.dm_channel_for
    await hbot.click("USTAFF1", "callback-pass", "CB99", channel=dm("USTAFF1"))
    assert "CB99" in (await eventually(lambda: hbot.replies()[before:]))[0]
    await hbot.click("UCUST", "callback-pass", "1", channel=dm("UCUST"))
    await eventually(lambda: hbot.replies()[before + 1 :])
    assert len(hbot.fake.calls_to("views.open")) == opened
