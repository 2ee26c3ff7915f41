"""Reading complaints (C14): what each viewer may see of a case. Its reviewers (the staff
member's manager, the admins) see all of it; the staff member and the reporter only its
outcome; anyone else is refused with the same words whether or not the case exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.errors import Conflict, DomainError, Forbidden
from bot.i18n import dated, timed
from bot.services.complaints import action_buttons, decision_buttons, label
from bot.services.feedback_common import FeedbackVerb, may_review
from bot.services.outbox import button
from storage.models import Complaint
from storage.repos.complaints import get_complaint, list_complaints


@dataclass(frozen=True)
class CaseView:
    """What a viewer may see of a case: everything (reviewers), or only its outcome (the
    staff member and the reporter)."""

    ref: str
    full: bool
    status: str
    data: dict[str, Any]
    # what the viewer may do next (outbox `button` specs): confirm/dismiss an open case,
    # record the corrective action of a confirmed one, an admin's "reward sent"
    buttons: list[dict[str, Any]] = field(default_factory=list)


def view_of(deps: Deps, complaint: Complaint, *, full: bool) -> CaseView:
    """A case as its reviewers (full) or its staff member and reporter (outcome) see it."""
    today = deps.clock.now().astimezone(deps.tz).date()

    def moment(at: datetime | None) -> dict[str, str] | None:
        return timed(at, deps.tz, today)  # written for each reader, this year without the year

    outcome = {
        "status": complaint.status,
        "decided_at": moment(complaint.decided_at),
        "action": complaint.action_text if complaint.status == "actioned" else "",
    }
    if not full:
        return CaseView(label(complaint), False, complaint.status, outcome)
    data = {
        **outcome,
        "staff_user": complaint.staff_id,
        "reporter_user": complaint.reporter_id,
        "customer": complaint.reporter_is_customer,
        "text": complaint.text,
        "created_at": moment(complaint.created_at),
        "due": moment(complaint.review_due_at),
        "reason": complaint.reason,
        "action_by": (
            dated(date.fromisoformat(complaint.action_by), today) if complaint.action_by else ""
        ),
        "reward": complaint.reward_kind,
        "reward_state": complaint.reward_state,
        "reward_sent_user": complaint.reward_sent_by,
        "reward_sent_at": moment(complaint.reward_sent_at),
    }
    return CaseView(label(complaint), True, complaint.status, data)


def buttons_for(deps: Deps, complaint: Complaint, viewer: str) -> list[dict[str, Any]]:
    """The case buttons a reviewer sees on its card, by the case's state."""
    assert complaint.id is not None
    specs: list[dict[str, Any]] = []
    if complaint.status == "open":
        specs += decision_buttons(complaint.id)
    elif complaint.status == "confirmed":
        specs += action_buttons(complaint.id)
    if complaint.reward_state == "to_send" and deps.config.is_admin(viewer):
        specs.append(
            button(
                FeedbackVerb.REWARD_SENT,
                str(complaint.id),
                "complaint.button.reward_sent",
                style="primary",
            )
        )
    return specs


def card_of(deps: Deps, complaint: Complaint, viewer: str) -> CaseView:
    """A case as its reviewer's card shows it: all of it, with the buttons of its state."""
    view = view_of(deps, complaint, full=True)
    return CaseView(view.ref, True, view.status, view.data, buttons_for(deps, complaint, viewer))


async def reviewer_card(session: AsyncSession, deps: Deps, number: int, viewer: str) -> CaseView:
    """The card of a case for one of its reviewers (before a form opens on it); anyone else
    is refused with the same words whether or not it exists."""
    complaint = await get_complaint(session, number)
    if complaint is None or not may_review(deps, viewer, complaint.staff_id, complaint.manager_id):
        raise Forbidden("complaint.error.reviewers_only", ref=f"K{number}")
    return card_of(deps, complaint, viewer)


async def card_to_rewrite(deps: Deps, payload: dict[str, Any]) -> CaseView | None:
    """The card a `case` outbox row rewrites: its complaint for its viewer, as it is now;
    None when the case is gone or the viewer no longer reviews it."""
    async with deps.reads() as session:
        try:
            return await reviewer_card(
                session, deps, int(payload["complaint"]), str(payload["viewer"])
            )
        except DomainError:
            return None


def refusal_of(case: CaseView, verb: str) -> DomainError | None:
    """Why a case button no longer applies (the case was decided meanwhile, by a typed
    command or on another card), or None when its form may open."""
    if any(b["verb"] == verb for b in case.buttons):
        return None
    if case.status == "open":
        return Conflict("complaint.error.confirm_first", ref=case.ref)
    return Conflict("complaint.error.already_decided", ref=case.ref, state=case.status)


async def show_complaint(session: AsyncSession, deps: Deps, number: int, viewer: str) -> CaseView:
    """One case for a reviewer (all of it) or its staff member or reporter (the outcome);
    everyone else is refused, whether or not it exists."""
    complaint = await get_complaint(session, number)
    if complaint is not None:
        if may_review(deps, viewer, complaint.staff_id, complaint.manager_id):
            return view_of(deps, complaint, full=True)
        if deps.config.same_person(viewer, complaint.staff_id) or deps.config.same_person(
            viewer, complaint.reporter_id
        ):
            return view_of(deps, complaint, full=False)
    raise Forbidden("complaint.error.reviewers_only", ref=f"K{number}")


async def list_visible(session: AsyncSession, deps: Deps, viewer: str) -> list[CaseView]:
    """The cases a viewer may see: all (admins), their teams' (managers), else only the
    outcomes of their own cases."""
    if deps.config.is_admin(viewer):
        rows = await list_complaints(session)
        return [view_of(deps, c, full=True) for c in rows]
    staff: list[str] = []
    for team in deps.config.teams_managed_by(viewer):
        staff += [i for m in team.members for i in deps.config.ids_of(m)]
    views: list[CaseView] = []
    seen: set[int] = set()
    if staff:
        for c in await list_complaints(session, staff_ids=tuple(staff)):
            seen.add(c.id or 0)
            views.append(view_of(deps, c, full=True))
    for c in await list_complaints(session, involving=deps.config.ids_of(viewer)):
        if (c.id or 0) not in seen:
            views.append(view_of(deps, c, full=False))
    return sorted(views, key=lambda v: -int(v.ref[1:]))
