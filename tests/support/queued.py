"""What a service test reads back: the outbox rows (what was queued, to whom), inquiries and
their history, straight from the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from bot.deps import Deps
from storage.models import Inquiry, InquiryEvent, OutboxMessage


@dataclass(frozen=True)
class Queued:
    """One outbox row, as a test reads it: what kind, to whom, in which thread, what text."""

    kind: str
    to: str
    thread: str | None
    text_key: str  # "" for cards and nudges (rendered at delivery)
    params: dict[str, Any]


async def queued(deps: Deps) -> list[Queued]:
    """Everything in the outbox, oldest first."""
    async with deps.sessions() as s:
        rows = (await s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    out = []
    for r in rows:
        payload = json.loads(r.payload)
        out.append(
            Queued(
                r.kind,
                r.recipient,
                r.thread_ts,
                payload.get("text_key", ""),
                payload.get("params", {}),
            )
        )
    return out


async def messages(deps: Deps) -> list[tuple[str, str]]:
    """The queued texts as (recipient, catalogue key), cards and nudges left out."""
    return [(q.to, q.text_key) for q in await queued(deps) if q.kind == "message"]


async def inquiry(deps: Deps, number: int) -> Inquiry:
    """Inquiry #number as stored now."""
    async with deps.sessions() as s:
        row = (await s.exec(select(Inquiry).where(Inquiry.number == number))).one()
    return row


async def events(deps: Deps, kind: str | None = None) -> list[InquiryEvent]:
    """Every history entry (of one kind), oldest first."""
    stmt = select(InquiryEvent).order_by(col(InquiryEvent.id))
    if kind is not None:
        stmt = stmt.where(InquiryEvent.kind == kind)
    async with deps.sessions() as s:
        return list((await s.exec(stmt)).all())
