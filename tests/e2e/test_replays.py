"""Replays and double submits: every command, click and modal submission takes effect once."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlmodel import func, select

from e2e.harness import Bot, eventually
from storage.models import ActionReceipt, Inquiry, InquiryEvent


async def _count(bot: Bot, model: Any = Inquiry, **where: Any) -> int:
    async with bot.deps.sessions() as s:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return int((await s.exec(stmt)).one())


def _command_body(bot: Bot, user: str, text: str) -> bytes:
    form = {
        "team_id": "T0TEST",
        "channel_id": "C0TRIAGE",
        "user_id": user,
        "command": "/inquiry",
        "text": text,
        "api_app_id": "A0TEST",
        "response_url": bot.fake.new_response_url(channel="C0TRIAGE", user=user),
        "trigger_id": bot.fake.new_trigger_id(),
    }
    return urlencode(form).encode()


def _submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    state = {"values": {bid: {bid: v} for bid, v in values.items()}}
    return {
        "type": "view_submission",
        "team": {"id": "T0TEST"},
        "user": {"id": user, "team_id": "T0TEST"},
        "view": {**view, "id": "V0REPLAY01", "hash": "1.abc", "state": state},
        "trigger_id": "123.456.abcdef",
    }


def _click(bot: Bot, user: str, action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T0TEST"},
        "user": {"id": user, "team_id": "T0TEST"},
        "channel": {"id": "C0TRIAGE"},
        "trigger_id": bot.fake.new_trigger_id(),
        "response_url": bot.fake.new_response_url(channel="C0TRIAGE", user=user),
        "actions": [{"action_id": action_id, "value": value, "action_ts": str(time.time())}],
    }


async def _wait_for(bot: Bot, check: Any) -> None:
    for _ in range(100):
        if await check():
            return
        await bot.settle()
    raise AssertionError("condition not met")


async def test_same_signed_command_three_times_makes_one_inquiry(bot: Bot) -> None:
    body = _command_body(bot, "UCUST", "new support Replayed login problem")
    ts = int(time.time())
    for _ in range(3):
        reply = await bot.post_raw(body, "application/x-www-form-urlencoded", timestamp=ts)
        assert reply.status == 200
    await eventually(lambda: bot.fake.calls_to("response_url"))
    await bot.settle()
    assert await _count(bot) == 1
    assert len(bot.posts("C0TRIAGE")) == 1
    answers = bot.fake.calls_to("response_url")
    assert len(answers) == 1 and "#1" in answers[0].args["text"]  # replays are acked silently
    # concurrent replays of another command: still once
    body = _command_body(bot, "UCUST", "new support Concurrent replay")
    replies = await asyncio.gather(
        *(bot.post_raw(body, "application/x-www-form-urlencoded", timestamp=ts) for _ in range(3))
    )
    assert [r.status for r in replies] == [200, 200, 200]
    await _wait_for(bot, lambda: _has(bot, 2))
    await bot.settle()
    assert await _count(bot) == 2


async def _has(bot: Bot, n: int) -> bool:
    return await _count(bot) >= n


async def test_replayed_modal_command_opens_one_modal_without_error(bot: Bot) -> None:
    body = _command_body(bot, "UCUST", "")
    for _ in range(2):
        assert (await bot.post_raw(body, "application/x-www-form-urlencoded")).status == 200
    await eventually(lambda: bot.fake.calls_to("views.open"))
    await bot.settle()
    assert len(bot.fake.calls_to("views.open")) == 1
    assert not [c for c in bot.fake.calls if c.response.get("ok") is False]
    assert not bot.fake.calls_to("response_url")  # no "something went wrong"


async def test_same_modal_submission_three_times_and_concurrently_makes_one(bot: Bot) -> None:
    await bot.command("USTAFF2", "")
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[0].args["view"]
    values = {
        "kind": {"type": "static_select", "selected_option": {"value": "support"}},
        "title": {"type": "plain_text_input", "value": "Submitted three times"},
    }
    payload = _submission("USTAFF2", view, values)
    for _ in range(3):
        reply = await bot.interact(payload)
        assert reply.status == 200 and reply.text in ("", "{}")  # the same answer: modal closes
    await _wait_for(bot, lambda: _has(bot, 1))
    await bot.settle()
    assert await _count(bot) == 1
    assert len([t for t in bot.dm_texts("USTAFF2") if "#1" in t]) == 1
    # a concurrent double submit of another state of the same view
    values["title"] = {"type": "plain_text_input", "value": "Double submitted"}
    payload = _submission("USTAFF2", view, values)
    replies = await asyncio.gather(bot.interact(payload), bot.interact(payload))
    assert [r.status for r in replies] == [200, 200]
    await _wait_for(bot, lambda: _has(bot, 2))
    await bot.settle()
    assert await _count(bot) == 2
    async with bot.deps.sessions() as s:
        titles = [i.title for i in (await s.exec(select(Inquiry))).all()]
    assert sorted(titles) == ["Double submitted", "Submitted three times"]


async def test_double_clicked_buttons_and_replayed_notes_act_once(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Click me twice")
    await bot.settle()
    # the same click delivered twice (a replay) and a real double click (two trigger ids)
    click = _click(bot, "USTAFF1", "inquiry-assign-me", "1")
    await asyncio.gather(bot.interact(click), bot.interact(click))
    await bot.interact(_click(bot, "USTAFF1", "inquiry-assign-me", "1"))
    await _wait_for(bot, lambda: _count(bot, InquiryEvent, kind="assigned"))
    await bot.settle()
    assert await _count(bot, InquiryEvent, kind="assigned") == 1
    # a replayed modal button opens its modal once and answers no error
    click = _click(bot, "USTAFF1", "inquiry-add-progress", "1")
    for _ in range(2):
        assert (await bot.interact(click)).status == 200
    await eventually(lambda: bot.fake.calls_to("views.open"))
    await bot.settle()
    assert len(bot.fake.calls_to("views.open")) == 1
    view = bot.fake.calls_to("views.open")[0].args["view"]
    note = {"note": {"type": "plain_text_input", "value": "Working on it"}}
    payload = _submission("USTAFF1", view, note)
    for _ in range(3):
        assert (await bot.interact(payload)).status == 200
    await _wait_for(bot, lambda: _count(bot, InquiryEvent, kind="progress"))
    await bot.settle()
    assert await _count(bot, InquiryEvent, kind="progress") == 1
    assert len([t for t in bot.dm_texts("UCUST") if "Working on it" in t]) == 1
    # a real double click on a modal button: two trigger ids, one modal
    clicks = [_click(bot, "USTAFF1", "inquiry-set-eta", "1") for _ in range(2)]
    await asyncio.gather(*(bot.interact(c) for c in clicks))
    await eventually(lambda: len(bot.fake.calls_to("views.open")) >= 2)
    await bot.settle()
    assert len(bot.fake.calls_to("views.open")) == 2
    assert not bot.fake.calls_to("response_url")[1:], "no error answers"
    assert not [c for c in bot.fake.calls if c.response.get("ok") is False]


async def test_receipts_are_recorded_with_an_expiry(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Receipt please")
    async with bot.deps.sessions() as s:
        receipts = (await s.exec(select(ActionReceipt))).all()
    assert len(receipts) == 1
    (receipt,) = receipts
    assert receipt.key.startswith("trigger:") and len(receipt.key) <= 80
    assert receipt.expires_at - receipt.created_at == timedelta(days=1)
    # reads (list, show, help) record nothing
    await bot.reply_to("UCUST", "list")
    await bot.reply_to("UCUST", "show 1")
    assert await _count(bot, ActionReceipt) == 1


async def test_a_click_after_the_double_click_window_counts_again(bot: Bot) -> None:
    from bot.services.receipts import DOUBLE_CLICK, claim_action

    async def claim() -> bool:
        async with bot.deps.sessions.begin() as s:
            return await claim_action(s, bot.deps, "click:test", window=DOUBLE_CLICK)

    assert await claim()
    assert not await claim()
    bot.clock.advance(DOUBLE_CLICK + timedelta(seconds=1))
    assert await claim()
    assert not await claim()
