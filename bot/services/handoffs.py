"""Handoffs (C8): `/inquiry transfer` gives an inquiry to a colleague with its context, so
the customer never explains twice.

The new assignee gets one handoff card (customer, contact, what was asked, everything said
so far, the promises in force and their deadlines, who transferred it and why); the
inquiry's reminders follow its assignee, so the previous assignee's open nudges go to the
new one; the requester is told who handles it now and that nothing needs repeating; the
history records the transfer. A transfer to someone away is refused with their delegate
suggested.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Actor
from bot.errors import Conflict
from bot.ports import ToPerson
from bot.services.inquiries.access import check_assignable, load_for
from bot.services.inquiries.changes import (
    record_event,
    sync_card,
    tell_requester,
    touch,
)
from bot.services.outbox import enqueue_object_message
from bot.services.people import absence_of
from storage.models import Handoff, Inquiry
from storage.repos.callbacks import add_handoff
from storage.repos.inquiries import INQUIRY

HANDOFF = "handoff"  # the outbox kind of a handoff card


async def refuse_absent(session: AsyncSession, deps: Deps, to_user: str, now: datetime) -> None:
    """Refuse a handoff to someone away, suggesting their delegate when they named one."""
    absence = await absence_of(session, to_user, at=now, deps=deps)
    if absence is None:
        return
    if absence.delegate:
        raise Conflict("handoff.error.absent", user=to_user, delegate_user=absence.delegate)
    raise Conflict("handoff.error.absent_no_delegate", user=to_user)


async def hand_over(
    session: AsyncSession,
    deps: Deps,
    *,
    object_kind: str,
    object_id: int,
    from_id: str,
    to_user: str,
    by: str,
    reason: str,
    now: datetime,
    key: str = "",
) -> Handoff:
    """Record a handoff (an inquiry's or a callback's) and queue its handoff card to the new
    holder: everything known about it in one message (bot/services/callbacks/views.py)."""
    handoff = Handoff(
        object_kind=object_kind,
        object_id=object_id,
        from_id=from_id,
        to_id=to_user,
        by_id=by,
        reason=reason,
        at=now,
    )
    await add_handoff(session, handoff)
    await enqueue_object_message(
        session,
        deps,
        key=key or f"handoff:{object_kind}:{handoff.id}",
        kind=HANDOFF,
        recipient=ToPerson(to_user),
        payload={"object_kind": object_kind, "object_id": object_id},
        now=now,
    )
    return handoff


async def transfer_inquiry(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, to_user: str, reason: str
) -> Inquiry:
    """Transfer inquiry #number to `to_user` with the reason (see the module doc). The one
    transfer of `/inquiry transfer`, the card's transfer form and Teams' alike."""
    inquiry = await load_for(session, deps, number, actor, "assign")
    check_assignable(deps, to_user)
    if inquiry.assignee_id and deps.config.same_person(inquiry.assignee_id, to_user):
        raise Conflict("inquiry.error.already_assigned", number=number, user=to_user)
    now = deps.clock.now()
    await refuse_absent(session, deps, to_user, now)
    old = inquiry.assignee_id
    inquiry.assignee_id = to_user
    touch(inquiry, "assign", deps, now)
    event = await record_event(
        session, inquiry, actor.user_id, "transferred", now, old=old, new=to_user, note=reason
    )
    assert inquiry.id is not None
    await sync_card(session, inquiry, event, deps)
    await hand_over(
        session,
        deps,
        object_kind=INQUIRY,
        object_id=inquiry.id,
        from_id=old or "",
        to_user=to_user,
        by=actor.user_id,
        reason=reason,
        now=now,
        key=f"handoff:{event.id}",
    )
    await tell_requester(session, inquiry, event, deps, "inquiry.notify.transferred", user=to_user)
    return inquiry
