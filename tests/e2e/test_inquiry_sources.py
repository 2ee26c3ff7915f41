"""Inquiries from messages, reactions, the shortcut, the modal and card buttons, end to end."""

from __future__ import annotations

import json

from sqlmodel import func, select
from support.rows import ts_of

from e2e.harness import Bot, eventually, reaction_event
from storage.models import Inquiry, InquiryEvent, ProcessedEvent


async def _count(bot: Bot) -> int:
    async with bot.deps.sessions() as s:
        return int((await s.exec(select(func.count()).select_from(Inquiry))).one())


async def _get(bot: Bot, number: int) -> Inquiry:
    async with bot.deps.sessions() as s:
        return (await s.exec(select(Inquiry).where(Inquiry.number == number))).one()


async def test_intake_message_opens_inquiry_and_replies_in_thread(bot: Bot) -> None:
    msg = await bot.user_message("UCUST", "C0INTAKE", "주문 화면이 안 열립니다\n오류 코드 500")
    await eventually(lambda: [m for m in bot.posts("C0INTAKE") if m.get("thread_ts") == msg["ts"]])
    await bot.settle()
    reply = next(m for m in bot.posts("C0INTAKE") if m.get("thread_ts") == msg["ts"])
    assert "#1" in reply["text"] and "Tue 1 Dec, 10:15" in reply["text"]
    inq = await _get(bot, 1)
    source_ts = await ts_of(bot.deps.sessions, inq.id, "source")
    assert (inq.title, inq.requester_id, inq.source, source_ts) == (
        "주문 화면이 안 열립니다",
        "UCUST",
        "message",
        msg["ts"],
    )

    # a staff reply in the thread is the first response, recorded once
    async def first_responses() -> list[InquiryEvent]:
        async with bot.deps.sessions() as s:
            return list(
                (
                    await s.exec(select(InquiryEvent).where(InquiryEvent.kind == "first_response"))
                ).all()
            )

    await bot.user_message("USTAFF1", "C0INTAKE", "확인 중입니다", thread_ts=msg["ts"])
    for _ in range(100):
        if await first_responses():
            break
        await bot.settle()
    await bot.user_message("USTAFF2", "C0INTAKE", "still on it", thread_ts=msg["ts"])
    await bot.settle()
    events = await first_responses()
    assert [e.actor_id for e in events] == ["USTAFF1"]
    # the customer's own reply in the thread does not count, and creates nothing
    await bot.user_message("UCUST", "C0INTAKE", "thanks", thread_ts=msg["ts"])
    await bot.settle()
    assert await _count(bot) == 1


async def test_retried_event_creates_nothing_twice(bot: Bot) -> None:
    msg = bot.fake.post_user_message("C0INTAKE", "UCUST", "please call me")
    event = {
        "type": "message",
        "channel": "C0INTAKE",
        "user": "UCUST",
        "text": "please call me",
        "ts": msg["ts"],
        "channel_type": "channel",
    }
    for retry in (None, 1, 2):
        reply = await bot.event(event, event_id="Ev0RETRY01", retry=retry)
        assert reply.status == 200
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    assert await _count(bot) == 1
    async with bot.deps.sessions() as s:
        assert (await s.exec(select(func.count()).select_from(ProcessedEvent))).one() == 1
    assert len(bot.posts("C0TRIAGE")) == 1


async def test_bot_edits_deletions_and_other_channels_are_ignored(bot: Bot) -> None:
    base = {"type": "message", "channel": "C0INTAKE", "text": "x", "ts": "1700000001.000100"}
    ignored = [
        {**base, "bot_id": "BBOT", "user": "UBOT"},
        {**base, "subtype": "bot_message", "bot_id": "B999"},
        {**base, "subtype": "message_changed", "message": {"text": "edited", "user": "UCUST"}},
        {**base, "subtype": "message_deleted", "previous_message": {"text": "x"}},
        {**base, "subtype": "channel_join", "user": "UCUST"},
        {**base, "user": "UCUST", "channel": "C0RANDOM"},
        {**base, "user": "UCUST", "thread_ts": "1700000000.000100"},
    ]
    for ev in ignored:
        assert (await bot.event(ev)).status == 200
    assert (
        await bot.event(
            {
                "type": "reaction_added",
                "user": "USTAFF1",
                "reaction": "thumbsup",
                "item": {"type": "message", "channel": "C0RANDOM", "ts": "1.1"},
            }
        )
    ).status == 200
    await bot.settle()
    assert await _count(bot) == 0
    assert bot.posts("C0TRIAGE") == []


async def test_ticket_reaction_tracks_message_once(bot: Bot) -> None:
    msg = bot.fake.post_user_message(
        "C0RANDOM", "UCUST", "The export button <!here> &lt;b&gt; is broken"
    )
    reaction = reaction_event("USTAFF1", "C0RANDOM", msg["ts"], item_user="UCUST", event_ts="1.2")
    assert (await bot.event(reaction)).status == 200
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.event(reaction)  # a second person reacts: still one inquiry
    await bot.settle()
    assert await _count(bot) == 1
    inq = await _get(bot, 1)
    assert inq.requester_id == "UCUST" and inq.source == "reaction"
    assert inq.title == "The export button @here <b> is broken"  # as the person saw it
    thread = [m for m in bot.posts("C0RANDOM") if m.get("thread_ts") == msg["ts"]]
    assert len(thread) == 1 and "#1" in thread[0]["text"]
    for block in bot.posts("C0TRIAGE")[0]["blocks"]:
        texts = block.get("fields", []) + ([block["text"]] if "text" in block else [])
        assert all("<!here>" not in t["text"] for t in texts if t["type"] == "mrkdwn")


async def test_shortcut_opens_prefilled_modal_and_submission_creates(bot: Bot) -> None:
    msg = bot.fake.post_user_message("C0RANDOM", "UCUST", "Need a new monthly report\nwith totals")
    assert (
        await bot.shortcut(
            "USTAFF1",
            "C0RANDOM",
            {"type": "message", "ts": msg["ts"], "user": "UCUST", "text": msg["text"]},
        )
    ).status == 200
    opened = await eventually(lambda: bot.fake.calls_to("views.open"))
    view = opened[0].args["view"]
    title_block = next(b for b in view["blocks"] if b["block_id"] == "title")
    assert title_block["element"]["initial_value"] == "Need a new monthly report"
    values = {
        "kind": {"type": "static_select", "selected_option": {"value": "request"}},
        "title": {"type": "plain_text_input", "value": "Need a new monthly report"},
        "detail": {"type": "plain_text_input", "value": msg["text"]},
        "customer": {"type": "plain_text_input", "value": "Mirae"},
        "contact": {"type": "plain_text_input", "value": None},
        "due": {"type": "datepicker", "selected_date": None},
        "assignee": {"type": "users_select", "selected_user": "USTAFF2"},
    }
    reply = await bot.submit("USTAFF1", view, values)
    assert reply.status == 200 and reply.text in ("", "{}")
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    inq = await _get(bot, 1)
    source_ts = await ts_of(bot.deps.sessions, inq.id, "source")
    assert (inq.kind, inq.requester_id, inq.assignee_id, inq.source, source_ts) == (
        "request",
        "UCUST",
        "USTAFF2",
        "shortcut",
        msg["ts"],
    )
    assert any("#1" in t for t in bot.dm_texts("USTAFF2"))  # the assignee hears of it


async def test_modal_validation_errors_come_back_inline(bot: Bot) -> None:
    await bot.command("USTAFF2", "")
    opened = await eventually(lambda: bot.fake.calls_to("views.open"))
    view = opened[0].args["view"]
    values = {
        "kind": {"type": "static_select", "selected_option": {"value": "regulatory"}},
        "title": {"type": "plain_text_input", "value": "   "},
        "due": {"type": "datepicker", "selected_date": None},
    }
    reply = await bot.submit("USTAFF2", view, values)
    body = json.loads(reply.text)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"title", "due"}
    values["due"] = {"type": "datepicker", "selected_date": "2020-01-01"}
    body = json.loads((await bot.submit("USTAFF2", view, values)).text)
    assert "past" in body["errors"]["due"]
    assert await _count(bot) == 0


async def test_card_buttons_assign_eta_progress_resolve(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Cannot log in")
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    card = bot.posts("C0TRIAGE")[0]
    # a customer may not press staff buttons
    before = len(bot.fake.calls_to("response_url"))
    await bot.click("UCUST", "inquiry-set-eta", "1", message_ts=card["ts"])
    refusal = await eventually(lambda: bot.fake.calls_to("response_url")[before:])
    assert "staff" in refusal[-1].args["text"]
    assert not bot.fake.calls_to("views.open")
    # assign to me: a double click assigns once
    await bot.click("USTAFF1", "inquiry-assign-me", "1", message_ts=card["ts"])
    await bot.click("USTAFF1", "inquiry-assign-me", "1", message_ts=card["ts"])
    await bot.settle()

    async def assigned_events() -> int:
        async with bot.deps.sessions() as s:
            return len(
                (await s.exec(select(InquiryEvent).where(InquiryEvent.kind == "assigned"))).all()
            )

    for _ in range(50):
        if (await _get(bot, 1)).assignee_id:
            break
        await bot.settle()
    assert (await _get(bot, 1)).assignee_id == "USTAFF1"
    assert await assigned_events() == 1
    # ETA modal: a past date is refused inline, a future one accepted
    await bot.click("USTAFF1", "inquiry-set-eta", "1", message_ts=card["ts"])
    eta_view = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args["view"]
    past = {
        "eta_date": {"type": "datepicker", "selected_date": "2026-11-30"},
        "eta_time": {"type": "timepicker", "selected_time": None},
    }
    assert "eta_date" in json.loads((await bot.submit("USTAFF1", eta_view, past)).text)["errors"]
    ok = {
        "eta_date": {"type": "datepicker", "selected_date": "2026-12-03"},
        "eta_time": {"type": "timepicker", "selected_time": "16:30"},
    }
    assert (await bot.submit("USTAFF1", eta_view, ok)).status == 200
    for _ in range(50):
        if (await _get(bot, 1)).eta_at:
            break
        await bot.settle()
    assert (await _get(bot, 1)).eta_at.astimezone(bot.deps.tz).strftime(
        "%Y-%m-%d %H:%M"
    ) == "2026-12-03 16:30"
    # progress and resolve modals
    await bot.click("USTAFF1", "inquiry-add-progress", "1", message_ts=card["ts"])
    await eventually(lambda: len(bot.fake.calls_to("views.open")) >= 2)
    progress_view = bot.fake.calls_to("views.open")[-1].args["view"]
    await bot.submit(
        "USTAFF1",
        progress_view,
        {"note": {"type": "plain_text_input", "value": "Password reset sent"}},
    )
    await bot.click("USTAFF1", "inquiry-resolve", "1", message_ts=card["ts"])
    await eventually(lambda: len(bot.fake.calls_to("views.open")) >= 3)
    resolve_view = bot.fake.calls_to("views.open")[-1].args["view"]
    empty = json.loads(
        (
            await bot.submit(
                "USTAFF1", resolve_view, {"note": {"type": "plain_text_input", "value": ""}}
            )
        ).text
    )
    assert "note" in empty["errors"]
    await bot.submit(
        "USTAFF1", resolve_view, {"note": {"type": "plain_text_input", "value": "Works again"}}
    )
    for _ in range(50):
        if (await _get(bot, 1)).status == "resolved":
            break
        await bot.settle()
    await bot.settle()
    assert (await _get(bot, 1)).status == "resolved"
    dms = bot.dm_texts("UCUST")
    assert any("Password reset sent" in t for t in dms) and any("Works again" in t for t in dms)
    assert len(bot.posts("C0TRIAGE")) == 1


async def test_long_title_and_detail_fit_block_kit_limits(bot: Bot) -> None:
    long_text = "가" * 160 + "\n" + ("detail " * 900)
    await bot.user_message("UCUST", "C0INTAKE", long_text)
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    card = bot.posts("C0TRIAGE")[0]
    assert len(card["blocks"][0]["text"]["text"]) <= 150
    assert card["blocks"][0]["text"]["text"].endswith("…")
    assert not [c for c in bot.fake.calls if c.response.get("ok") is False]


async def test_app_home_lists_my_inquiries(bot: Bot) -> None:
    await bot.reply_to("UCUST", "new support Home test")
    await bot.event(
        {"type": "app_home_opened", "user": "UCUST", "channel": "D0UCUST", "tab": "home"}
    )
    published = await eventually(lambda: bot.fake.calls_to("views.publish"))
    assert "Home test" in json.dumps(published[0].args["view"], ensure_ascii=False)
