"""What surveys, complaints and praise share: the neutral button verbs, and who answers for a
staff member (their manager, else the admins; an absent manager's delegate)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.errors import DomainError
from bot.services.people import absence_of


class FeedbackVerb(StrEnum):
    """Buttons and forms of the feedback features, on any platform (Slack action ids are
    `<verb>#<n>`; Teams Action.Execute verbs are the values). Written with a colon, so that no
    verb reads as a catalogue key."""

    RATE = "survey:rate"  # value `<survey id>:<rating>`
    COMMENT = "survey:comment"  # value `<survey id>`, with the comment
    OPEN_COMPLAINT = "complaint:open"  # value `<survey id>`: a low rating becomes a case
    REWARD_SENT = "complaint:reward_sent"  # value `<complaint id>`
    # The reviewer's case buttons (value `<complaint id>`): each opens a form (a Slack modal, a
    # Teams card with inputs) whose submission does what the typed command does.
    CONFIRM = "complaint:confirm"  # the finding
    DISMISS = "complaint:dismiss"  # the reason
    RECORD_ACTION = "complaint:action"  # the corrective action and its due date
    PRAISE_FROM_SURVEY = "praise:from_survey"  # value `<survey id>`: a 5's comment → praise
    SHARE_PRAISE = "praise:share"  # value `<praise id>`: the giver consents to a public post


CASE_FORMS = (FeedbackVerb.CONFIRM, FeedbackVerb.DISMISS, FeedbackVerb.RECORD_ACTION)


def manager_of(deps: Deps, staff_id: str) -> str:
    """The manager of staff_id's team ("" when they have none, or manage it themselves)."""
    team = deps.config.team_of(staff_id)
    if team is None or deps.config.same_person(team.manager, staff_id):
        return ""
    return team.manager


def team_name(deps: Deps, staff_id: str) -> str:
    """The name of staff_id's team ("" when in none)."""
    team = deps.config.team_of(staff_id)
    return team.name if team else ""


async def reviewers_of(
    session: AsyncSession, deps: Deps, staff_id: str, *, at: datetime
) -> list[str]:
    """Who is told about a staff member's feedback at once: their manager (an absent manager's
    delegate, if named), else every admin."""
    manager = manager_of(deps, staff_id)
    if manager:
        absence = await absence_of(session, manager, at=at)
        if absence is None:
            return [manager]
        if absence.delegate:
            return [absence.delegate]
    return [a for a in deps.config.roles.admins if not deps.config.same_person(a, staff_id)]


def may_review(deps: Deps, user_id: str, staff_id: str, recorded_manager: str = "") -> bool:
    """Whether user_id may see and decide a staff member's complaints: an admin, the manager
    recorded on the case, or the staff member's manager now."""
    if deps.config.is_admin(user_id):
        return True
    if recorded_manager and deps.config.same_person(user_id, recorded_manager):
        return True
    current = manager_of(deps, staff_id)
    return bool(current) and deps.config.same_person(user_id, current)


def is_manager(deps: Deps, user_id: str) -> bool:
    """Whether user_id manages a team or is an admin."""
    return deps.config.is_admin(user_id) or bool(deps.config.teams_managed_by(user_id))


def refuse_non_staff(deps: Deps, staff_id: str, usage: str) -> None:
    """Complaints and praise are about staff: anyone else is refused."""
    if not deps.is_staff(staff_id):
        raise DomainError("feedback.error.not_staff", usage=usage, user=staff_id)
