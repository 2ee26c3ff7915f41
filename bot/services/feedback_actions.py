"""Buttons and forms of surveys, complaints and praise on any platform (FeedbackVerb), each
performed in its own transaction that first claims the delivery's key (a retried click acts
once). Results are neutral: a text for the person, or "ask for a comment" after a rating.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import UsageError
from bot.domain.feedback import check_rating
from bot.domain.feedback_commands import check_text, read_due
from bot.errors import DomainError
from bot.services import complaints, praise, surveys
from bot.services.complaint_views import CaseView, card_of
from bot.services.feedback_common import FeedbackVerb
from bot.services.inquiry_commands import Refused
from bot.services.receipts import claim_action
from bot.services.results import Replayed, Said


@dataclass(frozen=True)
class FeedbackAction:
    """One click or form submission."""

    verb: FeedbackVerb
    user_id: str
    value: str  # what the button carries (see FeedbackVerb)
    via: str = "slack"  # slack | teams
    key: str | None = None
    comment: str | None = None  # a survey comment; a case's finding, reason or action
    due: str | None = None  # a corrective action's due date as entered (when.py reads it)


@dataclass(frozen=True)
class AskComment:
    """The rating is recorded: offer the optional comment form."""

    survey_id: int
    number: int
    rating: int
    comment: str


@dataclass(frozen=True)
class CaseChanged:
    """A case form was submitted: what to say, and the case's card as it is now (for the
    reviewer who acted; the card they clicked is updated in place)."""

    said: Said
    case: CaseView


ActionOutcome = Said | AskComment | CaseChanged | Refused | Replayed

# A case form's verb: the `feedback` subcommand it is, its usage and its answer.
CASE_SUBCOMMANDS = {
    FeedbackVerb.CONFIRM: ("confirm", "complaint.confirmed"),
    FeedbackVerb.DISMISS: ("dismiss", "complaint.dismissed"),
    FeedbackVerb.RECORD_ACTION: ("action", "complaint.action_recorded"),
}


async def _case_form(
    session: AsyncSession, deps: Deps, action: FeedbackAction, number: int
) -> CaseChanged:
    """A case form's submission: read as the typed command reads its words, then the same
    service call (`/feedback confirm|dismiss|action K<n> …`)."""
    sub, answer = CASE_SUBCOMMANDS[action.verb]
    usage = f"feedback.usage.{sub}"
    try:
        text = check_text(action.comment or "", usage)
        today = deps.clock.now().astimezone(deps.tz).date()
        entered = (action.due or "").strip() if sub == "action" else ""
        due = read_due(entered, today, usage) if entered else None
    except UsageError as exc:
        raise DomainError(exc.key, **exc.params) from None
    if sub == "action":
        case = await complaints.record_action(session, deps, number, action.user_id, text, due)
    else:
        case = await complaints.decide(session, deps, number, action.user_id, sub, text)
    await session.flush()
    said = Said(answer, {"ref": complaints.label(case)})
    return CaseChanged(said, card_of(deps, case, action.user_id))


def _id(value: str) -> int:
    head = value.split(":", 1)[0]
    if not head.isdigit() or len(head) > 9:
        raise DomainError("feedback.error.stale")
    return int(head)


async def perform_feedback(deps: Deps, action: FeedbackAction) -> ActionOutcome:
    """Perform one feedback button or form; a refusal comes back as Refused."""
    try:
        async with deps.sessions.begin() as session:
            if action.key and not await claim_action(session, deps, action.key):
                return Replayed()
            verb, target = action.verb, _id(action.value)
            if verb == FeedbackVerb.RATE:
                rating = check_rating(action.value.split(":", 1)[-1])
                if rating is None:
                    raise DomainError("feedback.error.stale")
                done = await surveys.answer_survey(
                    session,
                    deps,
                    target,
                    user_id=action.user_id,
                    rating=rating,
                    comment=None,
                    via=action.via,
                )
                assert done.rating is not None
                return AskComment(done.survey_id, done.number, done.rating, done.comment)
            if verb == FeedbackVerb.COMMENT:
                done = await surveys.answer_survey(
                    session,
                    deps,
                    target,
                    user_id=action.user_id,
                    rating=None,
                    comment=action.comment or "",
                    via=action.via,
                )
                return Said("survey.thanks", {"number": done.number, "rating": done.rating})
            if verb == FeedbackVerb.OPEN_COMPLAINT:
                case = await complaints.open_from_survey(session, deps, target, action.user_id)
                return Said("complaint.created_from_survey", {"ref": complaints.label(case)})
            if verb in CASE_SUBCOMMANDS:
                return await _case_form(session, deps, action, target)
            if verb == FeedbackVerb.REWARD_SENT:
                case = await complaints.mark_reward_sent(session, deps, target, action.user_id, "")
                return Said("complaint.reward_marked_sent", {"ref": complaints.label(case)})
            if verb == FeedbackVerb.PRAISE_FROM_SURVEY:
                given = await praise.praise_from_survey(session, deps, target, action.user_id)
                return Said("praise.created_from_survey", {"staff_user": given.staff_id})
            if verb == FeedbackVerb.SHARE_PRAISE:
                await praise.share_praise(session, deps, target, action.user_id)
                return Said("praise.shared", {"channel": deps.config.praise.channel})
    except DomainError as exc:
        return Refused(exc)
    raise ValueError(f"unknown feedback verb {action.verb!r}")
