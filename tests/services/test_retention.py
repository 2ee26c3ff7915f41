"""The retention job deletes what has served its purpose and nothing else (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from e2e.harness import Bot
from sqlmodel import select
from support.rows import inquiry_row, reminder_row

from bot import scheduler
from bot.scheduler import build_scheduler, run_retention_job
from storage.models import ActionReceipt, OutboxMessage, ProcessedEvent, Reminder, Timer


def _outbox(key: str, state: str, at: Any) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=key,
        kind="message",
        recipient="C0TRIAGE",
        payload="{}",
        state=state,
        available_at=at,
        created_at=at,
    )


def _timer(key: str, state: str, at: Any) -> Timer:
    return Timer(key=key, kind="test.ping", subject_id=1, due_at=at, state=state, created_at=at)


async def test_retention_job_deletes_only_expired_rows(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler, "RETENTION_BATCH", 2)  # several batches, same result
    deps = bot.deps
    now = deps.clock.now()
    old, recent = now - timedelta(days=120), now - timedelta(days=2)
    async with deps.sessions.begin() as s:
        open_ = inquiry_row(1, old, status="in_progress")
        done = inquiry_row(2, old, status="resolved")
        s.add_all([open_, done])
        await s.flush()
        assert open_.id and done.id
        s.add_all(
            [
                ProcessedEvent(event_id="Ev0OLD", received_at=old),
                ProcessedEvent(event_id="Ev0NEW", received_at=recent),
                _outbox("sent-old", "sent", old),
                _outbox("failed-old", "failed", old),
                _outbox("cancelled-old", "cancelled", old),
                _outbox("pending-old", "pending", old),
                _outbox("sent-new", "sent", recent),
                reminder_row("open-sent", open_.id, old, state="sent"),
                reminder_row("done-sent", done.id, old, state="sent"),
                reminder_row("done-cancelled", done.id, old, state="cancelled"),
                reminder_row("done-recent", done.id, recent, state="sent"),
                reminder_row("done-pending", done.id, old, state="pending"),
                ActionReceipt(key="r:old", created_at=old, expires_at=now - timedelta(hours=1)),
                ActionReceipt(key="r:new", created_at=now, expires_at=now + timedelta(hours=1)),
                _timer("t:old-fired", "fired", old),
                _timer("t:old-cancelled", "cancelled", old),
                _timer("t:old-pending", "pending", old),
                _timer("t:new-fired", "fired", recent),
            ]
        )
    deleted = await run_retention_job(deps)
    assert deleted == {
        "events": 1,
        "outbox": 3,
        "reminders": 2,
        "receipts": 1,
        "timers": 2,
        "callbacks": 0,
        "absences": 0,
        "handoff_cards": 0,  # (none made: no context card's state to keep)
    }
    async with deps.sessions() as s:
        events = {e.event_id for e in (await s.exec(select(ProcessedEvent))).all()}
        outbox = {o.idempotency_key for o in (await s.exec(select(OutboxMessage))).all()}
        reminders = {r.key for r in (await s.exec(select(Reminder))).all()}
        receipts = {r.key for r in (await s.exec(select(ActionReceipt))).all()}
        timers = {t.key for t in (await s.exec(select(Timer))).all()}
    assert events == {"Ev0NEW"}
    assert outbox == {"pending-old", "sent-new"}
    # an open inquiry keeps its fired reminders: their keys stop them being planned again
    assert reminders == {"open-sent", "done-recent", "done-pending"}
    assert receipts == {"r:new"}
    assert timers == {"t:old-pending", "t:new-fired"}
    assert await run_retention_job(deps) == {
        "timers": 0,
        "events": 0,
        "outbox": 0,
        "reminders": 0,
        "receipts": 0,
        "callbacks": 0,
        "absences": 0,
        "handoff_cards": 0,  # (none made: no context card's state to keep)
    }


async def test_retention_periods_come_from_config(db_url: str) -> None:
    import copy

    from e2e.harness import TEST_CONFIG, start_bot

    config = copy.deepcopy(TEST_CONFIG)
    config["retention"] = {"events": "2h", "outbox": "400d"}
    bot, stop = await start_bot(db_url, config)
    try:
        now = bot.deps.clock.now()
        async with bot.deps.sessions.begin() as s:
            s.add(ProcessedEvent(event_id="Ev0THREEH", received_at=now - timedelta(hours=3)))
            s.add(_outbox("sent-old", "sent", now - timedelta(days=120)))
        assert await run_retention_job(bot.deps) == {
            "events": 1,
            "outbox": 0,
            "reminders": 0,
            "receipts": 0,
            "timers": 0,
            "callbacks": 0,
            "absences": 0,
            "handoff_cards": 0,
        }
        assert build_scheduler(bot.deps).get_job("retention") is not None
    finally:
        await stop()
