"""Write notifications to the outbox inside the caller's transaction."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import OutboxMessage
from storage.repos.outbox import add_outbox_message, add_outbox_messages

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger("charterbot.outbox")
CARD = "card"
MESSAGE = "message"
NUDGE = "nudge"


async def enqueue_message(
    session: AsyncSession,
    *,
    key: str,
    recipient: str,
    text_key: str,
    params: dict[str, Any],
    now: datetime,
    thread_ts: str | None = None,
    bilingual: bool | None = None,
    reader: str | None = None,
    first: str | None = None,
) -> None:
    """Queue a catalogue message for a user (DM) or a channel; `key` makes it idempotent.

    `reader`: the user a channel post is written for (a requester in their thread): it follows
    their language, or both languages with `first` first when their locale is unknown.
    """
    payload: dict[str, Any] = {"text_key": text_key, "params": params, "bilingual": bilingual}
    if reader:
        payload["reader"] = reader
        payload["first"] = first
    await add_outbox_message(
        session,
        OutboxMessage(
            idempotency_key=key,
            kind=MESSAGE,
            recipient=recipient,
            thread_ts=thread_ts,
            payload=json.dumps(payload, ensure_ascii=False, default=str),
            available_at=now,
            created_at=now,
        ),
    )


def may_receive_internal(deps: Deps, recipient: str, what: str) -> bool:
    """Return whether an internal message (assignment, reminder, card link) may go to recipient.

    Channels are configured by the operator; a person must be staff. Anyone else (a customer
    left as assignee from before this rule, or someone removed from the config) is skipped and
    logged: internal data never reaches a customer.
    """
    if recipient[:1] in ("U", "W") and not deps.is_staff(recipient):
        log.warning("internal %s to non-staff %s skipped", what, recipient)
        return False
    return True


async def enqueue_internal_message(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    recipient: str,
    text_key: str,
    params: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue a staff-only message; skip (and log) a recipient who is not staff."""
    if not may_receive_internal(deps, recipient, text_key):
        return False
    await enqueue_message(
        session, key=key, recipient=recipient, text_key=text_key, params=params, now=now
    )
    return True


async def enqueue_card_sync(
    session: AsyncSession, *, key: str, inquiry_id: int, channel: str, now: datetime
) -> None:
    """Queue a post-or-update of an inquiry's triage card (rendered at delivery time)."""
    await add_outbox_message(
        session,
        OutboxMessage(
            idempotency_key=key,
            kind=CARD,
            recipient=channel,
            payload=json.dumps({"inquiry_id": inquiry_id}),
            available_at=now,
            created_at=now,
        ),
    )


async def enqueue_nudges(
    session: AsyncSession,
    deps: Deps,
    nudges: list[tuple[str, str, list[dict[str, Any]]]],
    *,
    now: datetime,
) -> None:
    """Queue grouped nudges, given as (key, recipient, items), in one batch; rendered at delivery.

    Nudges are internal (snooze buttons, card links): a non-staff recipient is skipped.
    """
    nudges = [n for n in nudges if may_receive_internal(deps, n[1], "nudge")]
    await add_outbox_messages(
        session,
        [
            OutboxMessage(
                idempotency_key=key,
                kind=NUDGE,
                recipient=recipient,
                payload=json.dumps({"items": items}, ensure_ascii=False, default=str),
                available_at=now,
                created_at=now,
            )
            for key, recipient, items in nudges
        ],
    )
