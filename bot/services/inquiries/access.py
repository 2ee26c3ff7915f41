"""Who may see and act on which inquiry: lookups that refuse clearly, the same answer for
a number that does not exist and one a customer may not see."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import STAFF_ONLY, Actor, can, may
from bot.errors import Conflict, Forbidden, NotFound
from storage.models import Inquiry
from storage.repos.inquiries import get_inquiry


def assignable_refusal(deps: Deps, user_id: str) -> Forbidden | None:
    """The refusal of someone who is not in a team as an assignee (naming who may be
    assigned); None for a team member. No I/O: a form checks it before answering."""
    if deps.is_assignable(user_id):
        return None
    return Forbidden(
        "inquiry.error.not_assignable",
        user=user_id,
        assignable_users=deps.config.assignable_in_order()[:20],
    )


def check_assignable(deps: Deps, user_id: str) -> None:
    """Refuse anyone who is not in a team as an assignee, naming who may be assigned."""
    refusal = assignable_refusal(deps, user_id)
    if refusal is not None:
        raise refusal


async def find_inquiry(session: AsyncSession, number: int, *, lock: bool = False) -> Inquiry:
    """Return inquiry #number or raise NotFound with a clear message."""
    inquiry = await get_inquiry(session, number=number, for_update=lock)
    if inquiry is None:
        raise NotFound("inquiry.error.not_found", number=number)
    return inquiry


async def find_visible(
    session: AsyncSession, number: int, actor: Actor, *, lock: bool = False
) -> Inquiry:
    """Return inquiry #number if actor may see it: staff see all, customers their own.

    A customer asking for someone else's inquiry gets the same NotFound as for a number that
    does not exist, so nobody outside staff can tell which numbers are taken.
    """
    inquiry = await get_inquiry(session, number=number, for_update=lock)
    if inquiry is None or not (actor.is_staff or inquiry.requester_id == actor.user_id):
        raise NotFound("inquiry.error.not_found", number=number)
    return inquiry


def refuse_customer(actor: Actor, action: str, number: int) -> None:
    """Refuse a staff-only action to a customer before any lookup (same answer for every number)."""
    if action in STAFF_ONLY and not actor.is_staff:
        raise Forbidden(
            "inquiry.error.forbidden", action=action, number=number, who_key="inquiry.who.staff"
        )


async def load_for(
    session: AsyncSession, deps: Deps, number: int, actor: Actor, action: str
) -> Inquiry:
    """Return inquiry #number (locked) when actor may apply action to it now; refuse clearly
    otherwise (the checks every use case makes, for a form that asks before acting)."""
    refuse_customer(actor, action, number)
    inquiry = await find_visible(session, number, actor, lock=True)
    if not may(actor, action, requester_id=inquiry.requester_id):
        who = "inquiry.who.staff" if action != "reopen" else "inquiry.who.requester_or_staff"
        raise Forbidden("inquiry.error.forbidden", action=action, number=number, who_key=who)
    if not can(action, inquiry.status):
        raise Conflict(
            "inquiry.error.bad_state", action=action, number=number, status=inquiry.status
        )
    return inquiry
