"""Surveys, complaints and praise in Slack (pure Block Kit builders): prompts with buttons,
the survey comment modal, and the answers of `/survey` and `/feedback`."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from bot.adapters.slack.blocks.common import (
    button,
    cap_blocks,
    context,
    line_sections,
    literal,
    plain,
    section,
)
from bot.adapters.slack.ids import Block, View
from bot.adapters.slack.text import escape, t, t_plain, usage_text
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

Reply = tuple[str, list[dict[str, Any]] | None]
COMMENT_CHARS = 2000


def action_id(verb: str, index: int) -> str:
    """A button's Slack action id: its verb and its place (ids are unique within a block)."""
    return f"{verb}#{index}"


def verb_of(action: str) -> str:
    """The neutral verb of a Slack action id (see action_id)."""
    return action.split("#", 1)[0]


def label_of(lang: Lang, spec: dict[str, Any], bilingual: bool) -> str:
    """A button label in the reader's language (both, when the message is bilingual)."""
    key = str(spec.get("label_key") or "")
    if not bilingual:
        return t_plain(lang, key)
    other: Lang = "en" if lang == "ko" else "ko"
    return f"{t_plain(lang, key)} / {t_plain(other, key)}"


def build_prompt(
    text: str, buttons: list[dict[str, Any]], lang: Lang, *, bilingual: bool = False
) -> list[dict[str, Any]]:
    """A message with buttons: the text, then one actions block (at most 25 buttons)."""
    elements = [
        button(
            label_of(lang, spec, bilingual),
            action_id(str(spec["verb"]), i),
            str(spec.get("value") or "")[:2000],
            str(spec.get("style") or "") or None,
        )
        for i, spec in enumerate(buttons[:25])
    ]
    blocks: list[dict[str, Any]] = [section(text)]
    if elements:
        blocks.append({"type": "actions", "block_id": Block.PROMPT_ACTIONS, "elements": elements})
    return blocks


def build_comment_modal(lang: Lang, survey_id: int, number: int, rating: int) -> dict[str, Any]:
    """The optional comment after a rating (submitting it empty is fine)."""
    return {
        "type": "modal",
        "callback_id": View.SURVEY_COMMENT,
        "title": plain(t_plain(lang, "survey.modal_title"), 24),
        "submit": plain(t_plain(lang, "survey.modal_submit"), 24),
        "close": plain(t_plain(lang, "survey.modal_close"), 24),
        "private_metadata": json.dumps({"survey": survey_id}),
        "blocks": [
            section(t(lang, "survey.modal_intro", number=number, rating=rating)),
            {
                "type": "input",
                "block_id": Block.COMMENT,
                "optional": True,
                "label": plain(t_plain(lang, "survey.modal_comment")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": Block.COMMENT,
                    "multiline": True,
                    "max_length": COMMENT_CHARS,
                },
            },
        ],
    }


# A case form's verb -> its catalogue words (title, the text field's label).
CASE_FORM_WORDS = {
    FeedbackVerb.CONFIRM: ("complaint.form.title_confirm", "complaint.form.finding"),
    FeedbackVerb.DISMISS: ("complaint.form.title_dismiss", "complaint.form.reason"),
    FeedbackVerb.RECORD_ACTION: ("complaint.form.title_action", "complaint.form.action"),
}


def build_case_form(
    lang: Lang, verb: FeedbackVerb, case: CaseView, *, channel: str, ts: str
) -> dict[str, Any]:
    """The reviewer's form for one of a case's buttons: the finding (confirm), the reason
    (dismiss), or the corrective action and its due date. It remembers the card it was
    opened from, which its submission updates in place."""
    title, label = CASE_FORM_WORDS[verb]
    blocks: list[dict[str, Any]] = [
        section(t(lang, "complaint.form.intro", ref=case.ref, staff_user=case.data["staff_user"])),
        context(escape(literal(str(case.data["text"])[:300]))),
        {
            "type": "input",
            "block_id": Block.COMPLAINT_TEXT,
            "label": plain(t_plain(lang, label)),
            "element": {
                "type": "plain_text_input",
                "action_id": Block.COMPLAINT_TEXT,
                "multiline": True,
                "max_length": COMMENT_CHARS,
            },
        },
    ]
    if verb == FeedbackVerb.RECORD_ACTION:
        blocks.append(
            {
                "type": "input",
                "block_id": Block.COMPLAINT_DUE,
                "optional": True,
                "label": plain(t_plain(lang, "complaint.form.due")),
                "hint": plain(t_plain(lang, "complaint.form.due_hint")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": Block.COMPLAINT_DUE,
                    "max_length": 40,
                },
            }
        )
    meta = {"complaint": int(case.ref[1:]), "verb": verb.value, "channel": channel, "ts": ts}
    return {
        "type": "modal",
        "callback_id": View.COMPLAINT_FORM,
        "title": plain(t_plain(lang, title), 24),
        "submit": plain(t_plain(lang, "complaint.form.submit"), 24),
        "close": plain(t_plain(lang, "survey.modal_close"), 24),
        "private_metadata": json.dumps(meta)[:3000],
        "blocks": blocks,
    }


def build_case_card(lang: Lang, case: CaseView) -> Reply:
    """A case as its reviewer's card shows it: all of it, and the buttons of its state."""
    text, _ = build_case(lang, case)
    return text, build_prompt(text, case.buttons, lang)


def build_consent(lang: Lang, praise_id: int) -> dict[str, Any]:
    """The giver's consent to a public post: one checkbox (ticking it posts the praise)."""
    return {
        "type": "actions",
        "block_id": Block.PROMPT_ACTIONS,
        "elements": [
            {
                "type": "checkboxes",
                "action_id": action_id(FeedbackVerb.SHARE_PRAISE, 0),
                "options": [
                    {
                        "text": {"type": "mrkdwn", "text": t(lang, "praise.consent")},
                        "value": str(praise_id),
                    }
                ],
            }
        ],
    }


def build_results(lang: Lang, r: SurveyResults) -> Reply:
    """`/survey results`: totals, per kind and per team, and comments without identities."""
    heading = t(lang, "survey.results_heading", month=f"{r.year:04d}-{r.month:02d}")
    lines = survey_results_lines(partial(t, lang), r)
    if r.comments:
        lines.append(t(lang, "survey.results_comments"))
        lines += [
            f"• {rating}★ ({t(lang, f'kind.{kind}')}, {escape(team)}) {escape(literal(text[:300]))}"
            for rating, kind, team, text in r.comments
        ]
    return heading, cap_blocks([section(heading), *line_sections(lines)])


def case_line(lang: Lang, case: CaseView) -> str:
    """One case in a list: its number and status (and, for reviewers, who and what)."""
    status = t(lang, f"complaint.status.{case.status}")
    if not case.full:
        return t(lang, "complaint.line_outcome", ref=case.ref, status=status)
    d = case.data
    return t(
        lang,
        "complaint.line",
        ref=case.ref,
        status=status,
        staff_user=d["staff_user"],
        text=literal(str(d["text"])[:120]),
    )


def build_case(lang: Lang, case: CaseView) -> Reply:
    """One case: its outcome (staff member, reporter) or everything (reviewers)."""
    d = case.data
    status = t(lang, f"complaint.status.{case.status}")
    if not case.full:
        text = t(
            lang, "complaint.show_outcome", ref=case.ref, status=status, action=d["action"] or "-"
        )
        return text, None
    text = t(
        lang,
        "complaint.show",
        ref=case.ref,
        status=status,
        staff_user=d["staff_user"],
        reporter_user=d["reporter_user"],
        text=literal(str(d["text"])),
        due=d["due"],
        reason=d["reason"] or "-",
        action=d["action"] or "-",
        by=d["action_by"] or "-",
        reward=d["reward"] or "-",
        reward_state=t(lang, f"complaint.reward_state.{d['reward_state'] or 'none'}"),
    )
    return text, [section(text)]


def build_feedback_reply(result: FeedbackResult, lang: Lang) -> Reply:
    """The ephemeral answer of `/survey` or `/feedback`."""
    if isinstance(result, Said):
        return t(lang, result.key, **result.params), None
    if isinstance(result, Usage):
        return usage_text(lang, result), None
    if isinstance(result, FeedbackHelp):
        return t(lang, f"{result.command}.help"), None
    if isinstance(result, SurveyResults):
        return build_results(lang, result)
    if isinstance(result, ComplaintList):
        if not result.cases:
            return t(lang, "complaint.list_empty"), None
        heading = t(lang, "complaint.list_heading", total=len(result.cases))
        lines = [case_line(lang, c) for c in result.cases]
        return heading, cap_blocks([section(heading), *line_sections(lines)])
    if isinstance(result, ComplaintShow):
        return build_case(lang, result.case)
    if isinstance(result, PraiseGiven):
        text = t(lang, result.said.key, **result.said.params)
        if not result.shareable:
            return text, None
        return text, [
            section(text),
            build_consent(lang, result.praise_id),
            context(t(lang, "praise.consent_hint")),
        ]
    raise TypeError(f"no Slack reply for {type(result).__name__}")
