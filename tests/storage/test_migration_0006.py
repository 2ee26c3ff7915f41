"""Migration 0006 (the platform seam) on a database that has lived at 0005: message references
move to message_refs, pending outbox rows get neutral recipients, and the bot keeps updating
the same cards and delivers what was pending (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from e2e.harness import START, Bot, start_bot
from e2e.world import TOKEN
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.sandbox.fake_slack import FakeSlack
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade_async
from storage.models import MessageRefRecord, OutboxMessage, UTCDateTime
from storage.repos.inquiries import get_inquiry_by_card, get_inquiry_by_source

BEFORE = START - timedelta(hours=1)
PERMALINK = "http://127.0.0.1:1/#C0TRIAGE/1"

inquiries = sa.table(
    "inquiries",
    *(
        sa.column(name)
        for name in [
            "id",
            "number",
            "kind",
            "status",
            "title",
            "detail",
            "customer",
            "contact",
            "requester_id",
            "assignee_id",
            "source",
            "source_channel",
            "source_ts",
            "card_channel",
            "card_ts",
            "card_permalink",
            "resolution",
        ]
    ),
    *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at", "sla_start_at")),
)
outbox = sa.table(
    "outbox",
    *(
        sa.column(name)
        for name in [
            "idempotency_key",
            "kind",
            "recipient",
            "thread_ts",
            "payload",
            "state",
            "attempts",
            "last_error",
        ]
    ),
    sa.column("available_at", UTCDateTime()),
    sa.column("created_at", UTCDateTime()),
)


def _inquiry(number: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": number,
        "number": number,
        "kind": "support",
        "status": "in_progress",
        "title": f"old inquiry {number}",
        "detail": "",
        "customer": "",
        "contact": "",
        "requester_id": "UCUST",
        "assignee_id": "USTAFF1",
        "source": "command",
        "source_channel": None,
        "source_ts": None,
        "card_channel": None,
        "card_ts": None,
        "card_permalink": None,
        "resolution": "",
        "created_at": BEFORE,
        "updated_at": BEFORE,
        "sla_start_at": BEFORE,
    }
    return {**row, **values}


def _note(key: str, recipient: str, thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    payload = {
        "text_key": "inquiry.notify.progress",
        "params": {"number": 1, "title": "t", "note": f"[{key}]"},
        "bilingual": None,
        **extra,
    }
    return _row(key, "message", recipient, payload, thread_ts)


def _row(
    key: str, kind: str, recipient: str, payload: dict[str, Any], thread_ts: str | None = None
) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "kind": kind,
        "recipient": recipient,
        "thread_ts": thread_ts,
        "payload": json.dumps(payload),
        "state": "pending",
        "attempts": 0,
        "last_error": "",
        "available_at": BEFORE,
        "created_at": BEFORE,
    }


@pytest.fixture
async def at_0005(db_url: str) -> AsyncIterator[str]:
    await upgrade_async(db_url, "0005")
    yield db_url


async def _fill(engine: AsyncEngine, fake: FakeSlack) -> dict[str, str]:
    """Two inquiries (one from an intake message, with a card) and pending rows of each kind."""
    source = fake.post_user_message("C0INTAKE", "UCUST", "old question")
    card = fake.post_user_message("C0TRIAGE", fake.bot_user_id, "#1 old inquiry 1")
    card.update(user=fake.bot_user_id, bot_id=fake.bot_id, app_id=fake.app_id)  # the bot's own
    stray = fake.post_user_message("C0RANDOM", "UCUST", "not an inquiry")
    async with engine.begin() as conn:
        await conn.execute(
            inquiries.insert(),
            [
                _inquiry(
                    1,
                    source="message",
                    source_channel="C0INTAKE",
                    source_ts=source["ts"],
                    card_channel="C0TRIAGE",
                    card_ts=card["ts"],
                    card_permalink=PERMALINK,
                ),
                _inquiry(2),  # opened by command; its card was never posted
            ],
        )
        await conn.execute(sa.text("INSERT INTO counters (name, value) VALUES ('inquiry', 2)"))
        await conn.execute(
            outbox.insert(),
            [
                _note("dm", "UCUST"),
                _note("thread", "C0INTAKE", source["ts"], reader="UCUST", first="ko"),
                _note("stray", "C0RANDOM", stray["ts"]),
                _note("channel", "C0NOTICES"),
                _row("card:1:9", "card", "C0TRIAGE", {"inquiry_id": 1}),
                _row("card:2:9", "card", "C0TRIAGE", {"inquiry_id": 2}),
            ],
        )
    return {"source": source["ts"], "card": card["ts"], "stray": stray["ts"]}


async def test_upgrade_moves_refs_and_recipients_and_the_bot_carries_on(at_0005: str) -> None:
    fake = FakeSlack(token=TOKEN)
    fake.strict_channels = False
    engine = make_engine(at_0005)
    try:
        ts = await _fill(engine, fake)
        await upgrade_async(at_0005)
        async with engine.connect() as conn:
            refs = (
                await conn.execute(
                    select(MessageRefRecord).order_by(col(MessageRefRecord.ref))  # type: ignore[arg-type]
                )
            ).all()
            rows = (
                await conn.execute(
                    select(OutboxMessage).order_by(col(OutboxMessage.id))  # type: ignore[arg-type]
                )
            ).all()
            columns = await conn.run_sync(
                lambda c: {x["name"] for x in sa.inspect(c).get_columns("inquiries")}
            )
    finally:
        await engine.dispose()
    assert [
        (
            r.object_kind,
            r.object_id,
            r.ref,
            r.platform,
            r.conversation_id,
            r.message_id,
            r.permalink,
        )
        for r in refs
    ] == [
        ("inquiry", 1, "card", "slack", "C0TRIAGE", ts["card"], PERMALINK),
        ("inquiry", 1, "source", "slack", "C0INTAKE", ts["source"], None),
    ]
    assert {r.idempotency_key: (r.platform, r.recipient) for r in rows} == {
        "dm": ("slack", "person:UCUST"),
        "thread": ("slack", "thread:inquiry:1:source"),
        "stray": ("slack", f"conversation:C0RANDOM {ts['stray']}"),
        "channel": ("slack", "conversation:C0NOTICES"),
        "card:1:9": ("slack", "role:triage"),
        "card:2:9": ("slack", "role:triage"),
    }
    assert not columns & {
        "source_channel",
        "source_ts",
        "card_channel",
        "card_ts",
        "card_permalink",
    }

    bot, stop = await start_bot(at_0005, fake=fake)
    try:
        await _carries_on(bot, ts)
    finally:
        await stop()


async def _carries_on(bot: Bot, ts: dict[str, str]) -> None:
    fake = bot.fake
    bot.deps.outbox.kick()
    await bot.settle()
    # the pending rows went where they were meant to, once each
    assert any("[dm]" in t for t in bot.dm_texts("UCUST"))
    thread = [m for m in bot.posts("C0INTAKE") if m.get("thread_ts") == ts["source"]]
    assert [m["text"].count("[thread]") for m in thread if m["ts"] != ts["source"]] == [1]
    assert any("[stray]" in m["text"] and m.get("thread_ts") == ts["stray"] for m in bot.posts())
    assert any("[channel]" in m["text"] for m in bot.posts("C0NOTICES"))
    # inquiry 1's card is updated where it lives; inquiry 2's is posted to triage for the first time
    updates = fake.calls_to("chat.update")
    assert [(c.args["channel"], c.args["ts"]) for c in updates] == [("C0TRIAGE", ts["card"])]
    triage = bot.posts("C0TRIAGE")
    assert triage[0]["ts"] == ts["card"] and len(triage) == 2
    assert "#2" in triage[1]["text"]
    assert not [
        c for c in fake.calls_to("chat.getPermalink") if c.args.get("message_ts") == ts["card"]
    ]
    # the bot goes on with the same card and the same thread
    answer = await bot.reply_to("USTAFF1", "progress 1 Checking the logs")
    assert "#1" in answer
    await bot.settle()
    updates = fake.calls_to("chat.update")[1:]
    assert updates and {(c.args["channel"], c.args["ts"]) for c in updates} == {
        ("C0TRIAGE", ts["card"])
    }
    assert len(bot.posts("C0TRIAGE")) == 2, "no second card for #1"
    replies = [
        m
        for m in bot.posts("C0INTAKE")
        if m.get("thread_ts") == ts["source"] and "Checking the logs" in m["text"]
    ]
    assert len(replies) == 1
    # the moved references still find #1 from its messages (a :ticket: on the old message is
    # "already tracked", a staff reply in either thread is its first response)
    async with bot.deps.reads() as session:
        by_source = await get_inquiry_by_source(session, channel="C0INTAKE", ts=ts["source"])
        by_card = await get_inquiry_by_card(session, channel="C0TRIAGE", ts=ts["card"])
    assert by_source is not None and by_source.number == 1
    assert by_card is not None and by_card.number == 1


async def test_downgrade_gives_the_old_columns_back(at_0005: str) -> None:
    fake = FakeSlack(token=TOKEN)
    engine = make_engine(at_0005)
    try:
        ts = await _fill(engine, fake)
        await upgrade_async(at_0005)
        await asyncio.to_thread(command.downgrade, alembic_config(at_0005), "0005")
        async with engine.connect() as conn:
            got = (
                await conn.execute(
                    sa.select(
                        inquiries.c.number,
                        inquiries.c.source_channel,
                        inquiries.c.source_ts,
                        inquiries.c.card_channel,
                        inquiries.c.card_ts,
                        inquiries.c.card_permalink,
                    ).order_by(inquiries.c.number)
                )
            ).all()
            rows = (
                await conn.execute(
                    sa.select(outbox.c.idempotency_key, outbox.c.recipient, outbox.c.thread_ts)
                )
            ).all()
            tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert [tuple(r) for r in got] == [
        (1, "C0INTAKE", ts["source"], "C0TRIAGE", ts["card"], PERMALINK),
        (2, None, None, None, None, None),
    ]
    assert {r.idempotency_key: (r.recipient, r.thread_ts) for r in rows} == {
        "dm": ("UCUST", None),
        "thread": ("C0INTAKE", ts["source"]),
        "stray": ("C0RANDOM", ts["stray"]),
        "channel": ("C0NOTICES", None),
        "card:1:9": ("C0TRIAGE", None),
        "card:2:9": ("C0TRIAGE", None),
    }
    assert "message_refs" not in tables
