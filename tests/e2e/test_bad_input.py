"""Bad but signed input: a field error or a clear message, never a traceback or a 404."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlmodel import func, select

from bot.adapters.slack.text import t
from e2e.harness import Bot, eventually
from storage.models import Inquiry, InquiryEvent

LONG_ID = "U" + "A" * 4999
BACKGROUND = {"charterbot.outbox", "charterbot.scheduler"}


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record; afterwards none may carry a traceback or an unexpected error."""
    with caplog.at_level(logging.DEBUG):
        yield caplog
    bad = [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in caplog.records
        # the background sender and sweep retry on their own (and have their own tests);
        # what matters here is how requests are answered
        if r.name not in BACKGROUND
        and (r.exc_info or "unexpected error" in r.getMessage() or "Traceback" in r.getMessage())
    ]
    assert bad == []


async def _count(bot: Bot, model: Any = Inquiry) -> int:
    async with bot.deps.sessions() as s:
        return int((await s.exec(select(func.count()).select_from(model))).one())


def _errors(reply_text: str) -> dict[str, str]:
    body = json.loads(reply_text)
    assert body["response_action"] == "errors"
    errors: dict[str, str] = body["errors"]
    return errors


async def _answer_after(bot: Bot, before: int) -> str:
    calls = await eventually(lambda: bot.fake.calls_to("response_url")[before:])
    text: str = calls[0].args["text"]
    return text


async def test_bad_button_values_get_a_clear_message(
    bot: Bot, no_tracebacks: pytest.LogCaptureFixture
) -> None:
    await bot.reply_to("UCUST", "new support A real one")
    for action in ("inquiry-assign-me", "inquiry-set-eta", "inquiry-resolve"):
        for value in ("abc", "", "-1", "1.5", "99999999999", "١", "#x", "9" * 5000):
            before = len(bot.fake.calls_to("response_url"))
            reply = await bot.click("USTAFF2", action, value)
            assert reply.status == 200
            answer = await _answer_after(bot, before)
            assert "is not an inquiry number" in answer, (action, value, answer)
    # a value missing altogether
    before = len(bot.fake.calls_to("response_url"))
    payload = {
        "type": "block_actions",
        "user": {"id": "USTAFF2"},
        "channel": {"id": "C0TRIAGE"},
        "trigger_id": bot.fake.new_trigger_id(),
        "response_url": bot.fake.new_response_url(channel="C0TRIAGE", user="USTAFF2"),
        "actions": [{"action_id": "inquiry-assign-me", "type": "button"}],
    }
    assert (await bot.interact(payload)).status == 200
    assert "is not an inquiry number" in await _answer_after(bot, before)
    # snooze buttons with junk: a plain confirmation, nothing snoozed, no error
    for value in ("not json", "{}", "5", '["x", 1e9]'):
        before = len(bot.fake.calls_to("response_url"))
        assert (await bot.click("USTAFF2", "nudge-snooze-30", value)).status == 200
        await _answer_after(bot, before)
    assert not bot.fake.calls_to("views.open")


async def _eta_view(bot: Bot) -> dict[str, Any]:
    await bot.reply_to("UCUST", "new support Needs an ETA")
    await bot.click("USTAFF2", "inquiry-set-eta", "1")
    view: dict[str, Any] = (await eventually(lambda: bot.fake.calls_to("views.open")))[-1].args[
        "view"
    ]
    return view


async def test_eta_modal_bad_time_and_tampered_metadata_are_field_errors(
    bot: Bot, no_tracebacks: pytest.LogCaptureFixture
) -> None:
    view = await _eta_view(bot)
    date = {"type": "datepicker", "selected_date": "2026-12-03"}
    for bad_time in ("25:99", "12:60", "noon", "1" * 5000):
        values = {"eta_date": date, "eta_time": {"type": "timepicker", "selected_time": bad_time}}
        reply = await bot.submit("USTAFF2", view, values)
        assert reply.status == 200
        assert set(_errors(reply.text)) == {"eta_time"}
    for bad_date in ("2026-13-01", "x" * 5000, "20261203", "9999-12-31"):
        values = {"eta_date": {"type": "datepicker", "selected_date": bad_date}}
        assert set(_errors((await bot.submit("USTAFF2", view, values)).text)) == {"eta_date"}
    # far-away dates typed in commands: a clear refusal, not minutes of calendar walking
    for text in ("eta 1 9999-12-31", "eta 1 9999-12-31 10:00", "milestone 1 9999-01-01 Stage"):
        assert "too far ahead" in await bot.reply_to("USTAFF2", text)
    assert "too far ahead" in await bot.reply_to("USTAFF2", "new regulatory Rule due:9999-12-31")
    for meta in ("{not json", "[]", '{"number": "1"}', '{"number": true}', '{"number": -4}', "9"):
        values = {"eta_date": date, "eta_time": {"type": "timepicker", "selected_time": "16:30"}}
        reply = await bot.submit("USTAFF2", {**view, "private_metadata": meta}, values)
        assert reply.status == 200
        errors = _errors(reply.text)
        assert "open it again" in errors["eta_date"]
    # note modals: the same for their metadata
    await bot.click("USTAFF2", "inquiry-add-progress", "1")
    await eventually(lambda: len(bot.fake.calls_to("views.open")) >= 2)
    note_view = bot.fake.calls_to("views.open")[-1].args["view"]
    note = {"note": {"type": "plain_text_input", "value": "hello"}}
    reply = await bot.submit("USTAFF2", {**note_view, "private_metadata": "{]"}, note)
    assert "open it again" in _errors(reply.text)["note"]
    await bot.settle()
    async with bot.deps.sessions() as s:
        kinds = [e.kind for e in (await s.exec(select(InquiryEvent))).all()]
    assert kinds == ["created"]


async def test_new_inquiry_modal_tampered_metadata_and_users(
    bot: Bot, no_tracebacks: pytest.LogCaptureFixture
) -> None:
    await bot.command("UCUST", "")
    view = (await eventually(lambda: bot.fake.calls_to("views.open")))[0].args["view"]
    values: dict[str, Any] = {
        "kind": {"type": "static_select", "selected_option": {"value": "support"}},
        "title": {"type": "plain_text_input", "value": "Tampered"},
    }
    for meta in (
        "{oops",
        "[1, 2]",
        '{"channel": "<!channel>", "ts": "1700000000.000100"}',
        '{"channel": "C0RANDOM", "ts": "1700000000.000100", "author": "<!channel>"}',
        json.dumps({"channel": "C0RANDOM", "ts": "1" * 5000}),
        json.dumps({"author": LONG_ID}),
    ):
        reply = await bot.submit("UCUST", {**view, "private_metadata": meta}, values)
        assert reply.status == 200
        assert "open it again" in _errors(reply.text)["title"], meta
    for assignee in ("<!channel>", LONG_ID, "U1"):
        values["assignee"] = {"type": "users_select", "selected_user": assignee}
        assert set(_errors((await bot.submit("UCUST", view, values)).text)) == {"assignee"}
    values.pop("assignee")
    for due in ("9" * 5000, "9999-12-31"):
        values["due"] = {"type": "datepicker", "selected_date": due}
        assert set(_errors((await bot.submit("UCUST", view, values)).text)) == {"due"}
    # odd shapes in the state are read as text, not crashed on
    values["due"] = {"type": "datepicker", "selected_date": None}
    values["title"] = {"type": "plain_text_input", "value": 12345}
    assert (await bot.submit("UCUST", view, values)).status == 200
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    assert await _count(bot) == 1


async def test_over_long_and_malformed_ids_are_refused_cleanly(
    bot: Bot, no_tracebacks: pytest.LogCaptureFixture
) -> None:
    # a slash command from a 5,000-character user id: a clear ephemeral answer in the response
    form = {
        "team_id": "T0TEST",
        "channel_id": "C0TRIAGE",
        "user_id": LONG_ID,
        "command": "/inquiry",
        "text": "new support From nobody",
        "response_url": bot.fake.new_response_url(channel="C0TRIAGE", user="UCUST"),
        "trigger_id": bot.fake.new_trigger_id(),
    }
    reply = await bot.post_raw(urlencode(form).encode(), "application/x-www-form-urlencoded")
    assert reply.status == 200
    answer = json.loads(reply.text)
    assert answer == {"response_type": "ephemeral", "text": t("ko", "error.bad_request")}
    lines = [r.getMessage() for r in no_tracebacks.records if r.name == "charterbot.guard"]
    assert lines == ["refused a signed slash command request: malformed user id"]
    for field, value in (("channel_id", "C" + "1" * 5000), ("trigger_id", "t" * 5000)):
        bad = {**form, "user_id": "UCUST", field: value}
        reply = await bot.post_raw(urlencode(bad).encode(), "application/x-www-form-urlencoded")
        assert reply.status == 200 and json.loads(reply.text)["response_type"] == "ephemeral"
    # a request without the person or the trigger it must carry
    for field in ("user_id", "trigger_id"):
        bad = {k: v for k, v in form.items() if k != field}
        reply = await bot.post_raw(urlencode(bad).encode(), "application/x-www-form-urlencoded")
        assert reply.status == 200 and json.loads(reply.text)["response_type"] == "ephemeral"
    # a mention of an over-long id is no user at all
    answer = await bot.reply_to("UCUST", "assign 1 <@U" + "A" * 500 + ">")
    assert "/inquiry assign" in answer
    # a modal submission and a click from such a user: answered at once, not a 404
    started = time.monotonic()
    reply = await bot.interact(
        {
            "type": "view_submission",
            "user": {"id": LONG_ID},
            "view": {
                "id": "V0X1",
                "type": "modal",
                "callback_id": "inquiry-progress-modal",
                "private_metadata": '{"number": 1}',
                "state": {"values": {"note": {"note": {"type": "plain_text_input", "value": "x"}}}},
            },
        }
    )
    assert reply.status == 200 and time.monotonic() - started < 2.5
    reply = await bot.click("<!channel>", "inquiry-assign-me", "1")
    assert reply.status == 200
    # events naming such users or channels are ignored
    await bot.event({"type": "message", "channel": "C0INTAKE", "user": LONG_ID, "text": "x"})
    await bot.event({"type": "app_home_opened", "user": ["UCUST"], "tab": "home"})
    await bot.event({"type": "app_home_opened", "tab": "home"})  # no person at all
    await bot.event(
        {"type": "message", "channel": "C0INTAKE", "user": "UCUST", "text": "x", "ts": "1" * 500}
    )
    await bot.event(
        {
            "type": "reaction_added",
            "user": "USTAFF2",
            "reaction": "ticket",
            "item": {"type": "message", "channel": "C" * 3000, "ts": "1.1"},
        }
    )
    await bot.settle()
    assert await _count(bot) == 0
    assert bot.fake.calls_to("chat.postMessage") == []
    assert bot.fake.calls_to("views.publish") == []
    assert len(bot.fake.calls_to("response_url")) == 1  # the usage answer above
    # an over-long event id is still de-duplicated, and stored (PostgreSQL included)
    msg = bot.fake.post_user_message("C0INTAKE", "UCUST", "long event id")
    event = {"type": "message", "channel": "C0INTAKE", "user": "UCUST", "text": "long event id"}
    event["ts"] = msg["ts"]
    for _ in range(2):
        await bot.event(event, event_id="Ev" + "X" * 3000)
    await eventually(lambda: bot.posts("C0TRIAGE"))
    await bot.settle()
    assert await _count(bot) == 1


async def test_listener_failing_before_its_ack_still_answers_slack(bot: Bot) -> None:
    from handlers.errors import reported

    acks: list[dict[str, Any]] = []

    async def fake_ack(**kw: Any) -> None:
        acks.append(kw)

    async def handle_broken_submission(ack: Any, body: dict[str, Any]) -> None:
        raise RuntimeError("broken before ack")

    listener = reported(handle_broken_submission)
    await listener(
        ack=fake_ack,
        body={"type": "view_submission", "user": {"id": "USTAFF2"}},
        context={"deps": bot.deps},
        client=bot.runtime.client,
    )
    assert acks == [{}], "the modal is answered (closed) instead of a 404 after 3 s"
    dm = await eventually(lambda: bot.dm_texts("USTAFF2"))
    assert "reference" in dm[0]
