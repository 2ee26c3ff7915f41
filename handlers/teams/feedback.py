"""`survey …` / `feedback …` typed to the bot in Teams, and the feedback cards' actions
(rating buttons, the comment form, open a complaint, reward sent, praise from a survey, the
praise consent): the services' neutral results, answered in Teams' own way."""

from __future__ import annotations

from typing import Any

from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.adapters.teams.feedback import (
    CASE_DUE,
    CASE_FORM,
    CASE_TEXT,
    COMMENT,
    CONSENT,
    build_feedback_reply,
    case_card,
    case_form_card,
    comment_card,
)
from bot.adapters.teams.markup import t
from bot.adapters.teams.render import names_of
from bot.adapters.teams.replies import (
    card_response,
    confirmation_card,
    error_text,
    message_response,
)
from bot.deps import Deps
from bot.domain.grammar import feedback_command_name
from bot.errors import DomainError
from bot.i18n.markup import people_of
from bot.services.complaint_views import CaseView, refusal_of, reviewer_card
from bot.services.feedback_actions import (
    AskComment,
    CaseChanged,
    FeedbackAction,
    perform_feedback,
)
from bot.services.feedback_commands import (
    ComplaintList,
    ComplaintShow,
    FeedbackResult,
    PraiseGiven,
    run_feedback_command,
    run_survey_command,
)
from bot.services.feedback_common import CASE_FORMS, FeedbackVerb
from bot.services.inquiry_commands import CommandRequest, Refused
from bot.services.receipts import receipt_key
from bot.services.results import Replayed, Said
from handlers.teams.common import language_of, reply, teams_user_id

VERBS = frozenset(v.value for v in FeedbackVerb)


def feedback_words(text: str) -> tuple[str, str] | None:
    """(`survey` | `feedback`, the words after it) of a message, or None when it is neither."""
    head, _, rest = text.strip().partition(" ")
    name = feedback_command_name(head)
    return None if name is None else (name, rest.strip())


def _people(result: FeedbackResult) -> list[str | None]:
    if isinstance(result, Said):
        return list(people_of(result.params))
    if isinstance(result, PraiseGiven):
        return list(people_of(result.said.params))
    if isinstance(result, ComplaintShow) and result.case.full:
        return [result.case.data["staff_user"], result.case.data["reporter_user"]]
    if isinstance(result, ComplaintList):
        return [c.data.get("staff_user") for c in result.cases if c.full]
    return []


async def handle_feedback_text(
    deps: Deps, context: TurnContext, inbound: Inbound, name: str, words: str
) -> None:
    """Run `survey …` or `feedback …` and answer in the conversation."""
    lang = await language_of(deps, inbound)
    request = CommandRequest(
        user_id=teams_user_id(deps, inbound),
        text=words,
        platform="teams",
        conversation_id=inbound.conversation_id,
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    run = run_survey_command if name == "survey" else run_feedback_command
    result = await run(deps, request)
    deps.outbox.kick()
    if isinstance(result, Replayed):
        return
    if isinstance(result, Refused):
        await reply(
            context,
            {"type": "message", "text": error_text(lang, result.error), "textFormat": "markdown"},
        )
        return
    names = await names_of(deps, _people(result))
    await reply(context, build_feedback_reply(result, lang, names))


# Refusals of a case form's inputs: shown in the form again, with what was entered.
INPUT_ERRORS = frozenset(
    {"feedback.error.missing_text", "feedback.error.too_long", "complaint.error.bad_date"}
)


async def _case_names(deps: Deps, case: CaseView) -> Any:
    return await names_of(deps, [case.data.get("staff_user"), case.data.get("reporter_user")])


async def case_form_action(
    deps: Deps, inbound: Inbound, verb: FeedbackVerb, fields: dict[str, str], key: str
) -> dict[str, Any]:
    """A case card's confirm / dismiss / corrective-action button opens its form in the card
    (reviewers only); the form's submit does what `feedback confirm|dismiss|action K<n> …`
    does and refreshes the card with the case as it is now."""
    lang = await language_of(deps, inbound)
    user_id = teams_user_id(deps, inbound)
    value = fields.get("value", "")
    try:
        if not value.isdigit() or len(value) > 9:
            raise DomainError("feedback.error.stale")
        async with deps.reads() as session:
            case = await reviewer_card(session, deps, int(value), user_id)
    except DomainError as exc:
        return message_response(error_text(lang, exc))
    refusal = refusal_of(case, verb.value)
    if refusal is not None:
        # decided meanwhile (typed, or on another card): the card shows the case as it is
        note = error_text(lang, refusal, message=False)
        return card_response(case_card(lang, case, await _case_names(deps, case), note=note))
    if fields.get(CASE_FORM) != "1":
        return card_response(case_form_card(lang, verb, case, await _case_names(deps, case)))
    result = await perform_feedback(
        deps,
        FeedbackAction(
            verb,
            user_id,
            value,
            via="teams",
            key=key,
            comment=fields.get(CASE_TEXT, ""),
            due=fields.get(CASE_DUE, ""),
        ),
    )
    deps.outbox.kick()
    if isinstance(result, Refused) and result.error.key in INPUT_ERRORS:
        error = error_text(lang, result.error, message=False)
        form = case_form_card(
            lang, verb, case, await _case_names(deps, case), values=fields, error=error
        )
        return card_response(form)
    if isinstance(result, Refused):
        return message_response(error_text(lang, result.error))
    if not isinstance(result, CaseChanged):
        return message_response(t(lang, "inquiry.teams_already_done", message=True))
    return card_response(case_card(lang, result.case, await _case_names(deps, result.case)))


async def feedback_card_action(
    deps: Deps, inbound: Inbound, verb: str, fields: dict[str, str], key: str
) -> dict[str, Any]:
    """The invoke response of a feedback card's button or form."""
    if verb in CASE_FORMS:
        return await case_form_action(deps, inbound, FeedbackVerb(verb), fields, key)
    lang = await language_of(deps, inbound)
    user_id = teams_user_id(deps, inbound)
    value = fields.get("value", "")
    if verb == FeedbackVerb.SHARE_PRAISE and fields.get(CONSENT) != "true":
        return message_response(t(lang, "praise.consent_hint", message=True))
    action = FeedbackAction(
        FeedbackVerb(verb),
        user_id,
        value,
        via="teams",
        key=key,
        comment=fields.get(COMMENT, "") if verb == FeedbackVerb.COMMENT else None,
    )
    result = await perform_feedback(deps, action)
    deps.outbox.kick()
    if isinstance(result, Refused):
        return message_response(error_text(lang, result.error))
    if isinstance(result, Replayed):
        return message_response(t(lang, "inquiry.teams_already_done", message=True))
    if isinstance(result, AskComment):
        return card_response(comment_card(lang, result.survey_id, result.number, result.rating))
    if isinstance(result, CaseChanged):  # not reached: case forms are answered above
        result = result.said
    names = await names_of(deps, people_of(result.params))
    text = t(lang, result.key, names=names, **result.params)
    if verb == FeedbackVerb.COMMENT:
        return card_response(confirmation_card(text))
    return message_response(t(lang, result.key, message=True, names=names, **result.params))
