"""What a service test reads back: the outbox rows (what was queued, to whom), inquiries and
their history, straight from the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from bot.deps import Deps
from storage.models import Inquiry, InquiryEvent, OutboxMessage
from storage.repos.message_refs import get_message_ref


@dataclass(frozen=True)
class Queued:
    """One outbox row, as a test reads it: what kind, to whom (the encoded neutral recipient:
    `person:U…`, `role:triage`, `thread:inquiry:<id>:source`), on which platform, what text."""

    kind: str
    to: str
    platform: str
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
                r.platform,
                payload.get("text_key", ""),
                payload.get("params", {}),
            )
        )
    return out


async def messages(deps: Deps) -> list[tuple[str, str]]:
    """The queued texts as (recipient, catalogue key), cards and nudges left out; a DM's
    recipient is the person's id, anything else its encoded form."""
    return [
        (q.to.removeprefix("person:"), q.text_key)
        for q in await queued(deps)
        if q.kind == "message"
    ]


async def source_of(deps: Deps, number: int) -> tuple[str, str] | None:
    """(conversation, message id) of the Slack message inquiry #number was opened from."""
    row = await inquiry(deps, number)
    async with deps.sessions() as s:
        ref = await get_message_ref(
            s, object_kind="inquiry", object_id=row.id or 0, ref="source", platform="slack"
        )
    return None if ref is None else (ref.conversation_id, ref.message_id)


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
