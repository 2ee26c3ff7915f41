"""Surveys, complaints and praise in Teams (pure data): the answers of `survey …` and
`feedback …` as message activities, the survey comment form and the praise consent card as
Adaptive Cards (Action.Execute with the neutral FeedbackVerb as verb)."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.adapters.teams.cards import adaptive_card, build_text_message, card_activity, text_block
from bot.adapters.teams.markup import Mentions, Names, escape_card_text, t
from bot.adapters.teams.replies import usage_message
from bot.domain.feedback import MAX_COMMENT_CHARS
from bot.i18n import Lang
from bot.i18n.lines import survey_results_lines
from bot.services.complaint_views import CaseView
from bot.services.feedback_commands import (
    ComplaintList,
    ComplaintShow,
    FeedbackHelp,
    FeedbackResult,
    PraiseGiven,
)
from bot.services.feedback_common import FeedbackVerb
from bot.services.inquiry_commands import Usage
from bot.services.results import Said
from bot.services.surveys import SurveyResults

COMMENT = "comment"
CONSENT = "consent"
# A case form's inputs (the finding, reason or action; the action's due date) and the flag
# its submit carries (a click on the card's button without it opens the form).
CASE_TEXT = "text"
CASE_DUE = "due"
CASE_FORM = "form"
# A case form's verb -> its catalogue words (title, the text input's label).
CASE_FORM_WORDS = {
    FeedbackVerb.CONFIRM: ("complaint.form.title_confirm", "complaint.form.finding"),
    FeedbackVerb.DISMISS: ("complaint.form.title_dismiss", "complaint.form.reason"),
    FeedbackVerb.RECORD_ACTION: ("complaint.form.title_action", "complaint.form.action"),
}


def text_activity(text: str, mentions: Mentions | None = None) -> dict[str, Any]:
    """A markdown message activity (with its mention entities)."""
    return build_text_message(text, mentions=mentions)


def results_text(lang: Lang, r: SurveyResults) -> str:
    """`survey results` as text: totals, per kind and team, comments without identities."""
    lines = [t(lang, "survey.results_heading", message=True, month=f"{r.year:04d}-{r.month:02d}")]
    lines += survey_results_lines(partial(t, lang, message=True), r)
    if r.comments:
        lines.append(t(lang, "survey.results_comments", message=True))
        lines += [
            t(
                lang,
                "complaint.line_outcome",
                message=True,
                ref=f"{rating}★ {kind}/{team}",
                status=text[:300],
            )
            for rating, kind, team, text in r.comments
        ]
    return "\n\n".join(lines)


def case_text(lang: Lang, case: CaseView, names: Names | None, mentions: Mentions) -> str:
    """One case: everything for its reviewers, the outcome for its staff member and reporter."""
    d = case.data
    status = t(lang, f"complaint.status.{case.status}", message=True)
    if not case.full:
        return t(
            lang,
            "complaint.show_outcome",
            message=True,
            ref=case.ref,
            status=status,
            action=d["action"] or "-",
        )
    return t(
        lang,
        "complaint.show",
        message=True,
        mentions=mentions,
        names=names,
        ref=case.ref,
        status=status,
        staff_user=d["staff_user"],
        reporter_user=d["reporter_user"],
        text=str(d["text"]),
        due=d["due"],
        reason=d["reason"] or "-",
        action=d["action"] or "-",
        by=d["action_by"] or "-",
        reward=d["reward"] or "-",
        reward_state=t(lang, f"complaint.reward_state.{d['reward_state'] or 'none'}", message=True),
    )


def execute_actions(lang: Lang, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A prompt's buttons (outbox `button` specs) as Action.Execute, in the reader's words."""
    return [
        {
            "type": "Action.Execute",
            "title": t(lang, str(spec.get("label_key") or "")),
            "verb": str(spec["verb"]),
            "data": {"value": str(spec.get("value") or "")[:200]},
            **({"style": "positive"} if spec.get("style") == "primary" else {}),
            **({"style": "destructive"} if spec.get("style") == "danger" else {}),
        }
        for spec in specs[:6]
    ]


def case_card(
    lang: Lang, case: CaseView, names: Names | None = None, *, note: str = ""
) -> dict[str, Any]:
    """A case as its reviewer's card shows it (all of it, the buttons of its state): what
    replaces the card a case form was submitted from. `note`: why a button no longer applied."""
    mentions = Mentions()
    d = case.data
    text = t(
        lang,
        "complaint.show",
        mentions=mentions,
        names=names,
        ref=case.ref,
        status=t(lang, f"complaint.status.{case.status}"),
        staff_user=d["staff_user"],
        reporter_user=d["reporter_user"],
        text=str(d["text"]),
        due=d["due"],
        reason=d["reason"] or "-",
        action=d["action"] or "-",
        by=d["action_by"] or "-",
        reward=d["reward"] or "-",
        reward_state=t(lang, f"complaint.reward_state.{d['reward_state'] or 'none'}"),
    )
    body = [text_block(text)]
    if note:
        body.insert(0, text_block(note, color="Attention"))
    return adaptive_card(body, execute_actions(lang, case.buttons), mentions=mentions)


def case_form_card(
    lang: Lang,
    verb: FeedbackVerb,
    case: CaseView,
    names: Names | None = None,
    *,
    values: dict[str, str] | None = None,
    error: str = "",
) -> dict[str, Any]:
    """A case button's form (replacing the card it was on): the finding (confirm), the
    reason (dismiss), or the corrective action and its due date; its submit does what the
    typed command does. `error`: why the last submission was refused (shown above the inputs)."""
    title, label = CASE_FORM_WORDS[verb]
    values = values or {}
    mentions = Mentions()
    intro = t(
        lang,
        "complaint.form.intro",
        mentions=mentions,
        names=names,
        ref=case.ref,
        staff_user=case.data["staff_user"],
    )
    body: list[dict[str, Any]] = [
        text_block(t(lang, title), weight="Bolder"),
        text_block(intro),
        text_block(escape_card_text(str(case.data["text"])[:300]), isSubtle=True),
    ]
    if error:
        body.append(text_block(error, color="Attention"))
    body.append(
        {
            "type": "Input.Text",
            "id": CASE_TEXT,
            "label": t(lang, label),
            "isMultiline": True,
            "isRequired": True,
            "maxLength": MAX_COMMENT_CHARS,
            "value": values.get(CASE_TEXT, "")[:MAX_COMMENT_CHARS],
        }
    )
    if verb == FeedbackVerb.RECORD_ACTION:
        body.append(
            {
                "type": "Input.Text",
                "id": CASE_DUE,
                "label": t(lang, "complaint.form.due"),
                "placeholder": t(lang, "complaint.form.due_hint"),
                "maxLength": 40,
                "value": values.get(CASE_DUE, "")[:40],
            }
        )
    submit = {
        "type": "Action.Execute",
        "title": t(lang, "complaint.form.submit"),
        "verb": verb.value,
        "data": {"value": case.ref[1:], CASE_FORM: "1"},
        "style": "positive",
    }
    return adaptive_card(body, [submit], mentions=mentions)


def consent_card(lang: Lang, text: str, praise_id: int, mentions: Mentions) -> dict[str, Any]:
    """The praise confirmation with the giver's consent checkbox and its button."""
    return adaptive_card(
        [
            text_block(text),
            {
                "type": "Input.Toggle",
                "id": CONSENT,
                "title": t(lang, "praise.consent"),
                "value": "false",
                "valueOn": "true",
                "valueOff": "false",
            },
            text_block(t(lang, "praise.consent_hint"), isSubtle=True, size="Small"),
        ],
        [
            {
                "type": "Action.Execute",
                "title": t(lang, "survey.page.submit"),
                "verb": FeedbackVerb.SHARE_PRAISE.value,
                "data": {"value": str(praise_id)},
            }
        ],
        mentions=mentions,
    )


def comment_card(lang: Lang, survey_id: int, number: int, rating: int) -> dict[str, Any]:
    """The optional comment after a rating (the card the rating buttons were on is replaced)."""
    return adaptive_card(
        [
            text_block(t(lang, "survey.modal_intro", number=number, rating=rating)),
            {
                "type": "Input.Text",
                "id": COMMENT,
                "label": t(lang, "survey.modal_comment"),
                "isMultiline": True,
                "maxLength": MAX_COMMENT_CHARS,
            },
        ],
        [
            {
                "type": "Action.Execute",
                "title": t(lang, "survey.modal_submit"),
                "verb": FeedbackVerb.COMMENT.value,
                "data": {"value": str(survey_id)},
            }
        ],
    )


def build_feedback_reply(
    result: FeedbackResult, lang: Lang, names: Names | None = None
) -> dict[str, Any]:
    """The answer of `survey …` or `feedback …` typed to the bot."""
    mentions = Mentions()
    if isinstance(result, Said):
        text = t(lang, result.key, message=True, mentions=mentions, names=names, **result.params)
        return text_activity(text, mentions)
    if isinstance(result, Usage):
        return usage_message(lang, result)
    if isinstance(result, FeedbackHelp):
        return text_activity(t(lang, f"{result.command}.help", message=True))
    if isinstance(result, SurveyResults):
        return text_activity(results_text(lang, result))
    if isinstance(result, ComplaintList):
        if not result.cases:
            return text_activity(t(lang, "complaint.list_empty", message=True))
        lines = [t(lang, "complaint.list_heading", message=True, total=len(result.cases))]
        for case in result.cases:
            status = t(lang, f"complaint.status.{case.status}", message=True)
            if case.full:
                lines.append(
                    t(
                        lang,
                        "complaint.line",
                        message=True,
                        mentions=mentions,
                        names=names,
                        ref=case.ref,
                        status=status,
                        staff_user=case.data["staff_user"],
                        text=str(case.data["text"])[:120],
                    )
                )
            else:
                lines.append(
                    t(lang, "complaint.line_outcome", message=True, ref=case.ref, status=status)
                )
        return text_activity("\n\n".join(lines), mentions)
    if isinstance(result, ComplaintShow):
        return text_activity(case_text(lang, result.case, names, mentions), mentions)
    if isinstance(result, PraiseGiven):
        if not result.shareable:
            said = result.said
            text = t(lang, said.key, message=True, mentions=mentions, names=names, **said.params)
            return text_activity(text, mentions)
        card_mentions = Mentions()
        text = t(lang, result.said.key, mentions=card_mentions, names=names, **result.said.params)
        return card_activity(consent_card(lang, text, result.praise_id, card_mentions))
    raise TypeError(f"no Teams reply for {type(result).__name__}")
