"""The `notice …` and `outage …` answers in Teams: a command's neutral result as a message
activity (pure; the same catalogue texts as Slack's bot/adapters/slack/blocks/notices.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.adapters.teams.cards import card_activity, execute
from bot.adapters.teams.forms import FORM_MARK, form_card
from bot.adapters.teams.markup import t
from bot.adapters.teams.replies import error_text, text_message, usage_message
from bot.domain.notice_commands import FORM_FIELDS
from bot.i18n import Lang, template
from bot.i18n.lines import notice_line, notice_text, outage_status_lines
from bot.services.inquiry_commands import Refused, Usage
from bot.services.notice_commands import (
    FeatureHelp,
    NoticeList,
    NoticeResult,
    NoticeShow,
    OpenNoticeForm,
    OutageStatus,
)
from bot.services.results import Said

NOTICE_PLAN_VERB = "notice.plan"  # the new-notice form's submit (an Action.Execute verb)
_LIMITS = {"title": 200, "title_en": 200, "impact": 500, "impact_en": 500, "services": 500}
_REQUIRED = frozenset({"title", "start", "end", "services"})


def build_notice_form(
    lang: Lang,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The new-notice form as an Adaptive Card (the same fields as Slack's modal); the
    service's errors come back under their fields."""
    values = values or {}
    inputs: list[dict[str, Any]] = []
    for name in FORM_FIELDS:
        label = template(lang, f"notice.form.{name}")
        element: dict[str, Any]
        if name in ("reason", "urgent"):
            options = (
                ("maintenance", "regulation", "improvement") if name == "reason" else ("no", "yes")
            )
            element = {
                "type": "Input.ChoiceSet",
                "id": name,
                "label": label,
                "style": "compact",
                "value": values.get(name) if values.get(name) in options else options[0],
                "choices": [
                    {"title": template(lang, f"notice.form.{name}.{o}"), "value": o}
                    for o in options
                ],
            }
        else:
            element = {
                "type": "Input.Text",
                "id": name,
                "label": label,
                "maxLength": _LIMITS.get(name, 100),
            }
            if values.get(name):
                element["value"] = values[name][: _LIMITS.get(name, 100)]
            if name in ("start", "end"):
                element["placeholder"] = template(lang, "notice.form.when_hint")
            if name in _REQUIRED:
                element.update(isRequired=True, errorMessage=template(lang, "notice.form.required"))
        inputs.append(element)
    submit = execute(template(lang, "modal.submit"), NOTICE_PLAN_VERB, {FORM_MARK: "notice"})
    return form_card(template(lang, "notice.form.heading"), inputs, errors, submit)


def _t(lang: Lang, key: str, **params: Any) -> str:
    return t(lang, key, message=True, **params)


def build_notice_reply(result: NoticeResult, lang: Lang) -> dict[str, Any] | None:
    """The answer to `notice …` / `outage …` typed to the bot (None: a replay, answered once)."""
    tr = partial(_t, lang)
    if isinstance(result, Said):
        return text_message(_t(lang, result.key, **result.params))
    if isinstance(result, Usage):
        return usage_message(lang, result)
    if isinstance(result, Refused):
        return text_message(error_text(lang, result.error))
    if isinstance(result, OpenNoticeForm):
        return card_activity(build_notice_form(lang))
    if isinstance(result, FeatureHelp):
        key = f"{result.feature}.help"
        return text_message(_t(lang, key, lead=result.lead, reminders=result.reminders))
    if isinstance(result, NoticeList):
        if not result.rows:
            return text_message(_t(lang, "notice.list.empty"))
        lines = [_t(lang, "notice.list.heading", count=len(result.rows))]
        lines += [f"- {notice_line(tr, row)}" for row in result.rows]
        return text_message("\n".join(lines))
    if isinstance(result, NoticeShow):
        return text_message(notice_text(tr, result.row))
    if isinstance(result, OutageStatus):
        return text_message("\n\n".join(outage_status_lines(tr, result.uptime, bullet="- ")))
    return None  # Replayed
