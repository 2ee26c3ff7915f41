"""Helpers of the delivery and crash tests: queue rows, read the fake's transcript."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ports import Address, ToConversation, ToPerson
from bot.sandbox.fake_slack import Call, FakeSlack
from bot.services.outbox import enqueue_message
from storage.models import OutboxMessage


async def queue(
    sessions: async_sessionmaker[AsyncSession],
    rows: list[tuple[str, str]],
    *,
    now: datetime,
    thread_ts: str | None = None,
) -> None:
    """Queue (key, recipient) progress notes in one transaction; the note text is the key.

    A recipient is a Slack user id (a DM) or a channel id (a post, in `thread_ts` if given).
    """
    async with sessions.begin() as session:
        for key, recipient in rows:
            await enqueue_message(
                session,
                key=key,
                recipient=slack_address(recipient, thread_ts),
                platform="slack",
                text_key="inquiry.notify.progress",
                params={"number": 1, "title": "t", "note": f"[{key}]"},
                now=now,
            )


def slack_address(recipient: str, thread_ts: str | None = None) -> Address:
    """A person for a user id, else the channel (and thread) itself."""
    if recipient[:1] in ("U", "W") and thread_ts is None:
        return ToPerson(recipient)
    return ToConversation(recipient, thread_ts)


def outbox_key(call: Call) -> str | None:
    """The outbox key a chat.postMessage call carried in its metadata."""
    metadata = call.args.get("metadata")
    if not isinstance(metadata, dict):
        return None
    payload = metadata.get("event_payload") or {}
    key = payload.get("key")
    return str(key) if key else None


def delivered(fake: FakeSlack) -> Counter[str]:
    """How many times each outbox key was posted successfully (from the transcript)."""
    return Counter(
        key
        for call in fake.calls_to("chat.postMessage")
        if call.status == 200 and call.response.get("ok") and (key := outbox_key(call))
    )


def post_attempts(fake: FakeSlack, key: str) -> list[Call]:
    """Every chat.postMessage call for one key, successful or not."""
    return [c for c in fake.calls_to("chat.postMessage") if outbox_key(c) == key]


async def rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    """All outbox rows in id order."""
    async with sessions() as session:
        return list(
            (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        )


async def wait_states(
    sessions: async_sessionmaker[AsyncSession],
    expected: dict[str, str],
    *,
    timeout: float = 15.0,
    kick: Any = None,
) -> list[OutboxMessage]:
    """Wait until every key in `expected` is in its state; fail with the rows after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        current = await rows(sessions)
        states = {r.idempotency_key: r.state for r in current}
        if all(states.get(k) == s for k, s in expected.items()):
            return current
        if time.monotonic() > deadline:
            stuck = [
                (r.idempotency_key, r.state, r.attempts, r.last_error)
                for r in current
                if states.get(r.idempotency_key) != expected.get(r.idempotency_key)
            ]
            raise AssertionError(f"outbox rows not in the expected states: {stuck}")
        if kick is not None:
            kick()
        await asyncio.sleep(0.05)
