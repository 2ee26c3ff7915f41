"""The `notice …` and `outage …` answers in Teams: a command's neutral result as a message
activity (pure; the same catalogue texts as Slack's bot/adapters/slack/blocks/notices.py)."""

from __future__ import annotations

from typing import Any

from bot.adapters.teams.cards import adaptive_card, card_activity, text_block
from bot.adapters.teams.markup import t
from bot.adapters.teams.replies import error_text, text_message
from bot.domain.notice_commands import FORM_FIELDS
from bot.i18n import Lang, template
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
    body: list[dict[str, Any]] = [
        text_block(template(lang, "notice.form.heading"), weight="Bolder", size="Medium")
    ]
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
        body.append(element)
        if errors and errors.get(name):
            body.append(text_block(errors[name], color="Attention", size="Small", spacing="None"))
    submit = {
        "type": "Action.Execute",
        "title": template(lang, "modal.submit"),
        "verb": NOTICE_PLAN_VERB,
        "data": {"form": "notice"},
    }
    return adaptive_card(body, [submit])


def percent(value: float) -> str:
    """An availability as people read it: `100%`, `99.954%`."""
    return "100%" if value >= 100 else f"{value:.3f}%"


def _t(lang: Lang, key: str, **params: Any) -> str:
    return t(lang, key, message=True, **params)


def build_notice_reply(result: NoticeResult, lang: Lang) -> dict[str, Any] | None:
    """The answer to `notice …` / `outage …` typed to the bot (None: a replay, answered once)."""
    if isinstance(result, Said):
        return text_message(_t(lang, result.key, **result.params))
    if isinstance(result, Usage):
        return text_message(_t(lang, result.key, **result.params) + "\n\n" + _t(lang, result.usage))
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
        for row in result.rows:
            status = _t(lang, f"notice.status.{row['status']}")
            if row.get("urgent"):
                status += " " + _t(lang, "notice.list.urgent")
            line = _t(
                lang,
                "notice.list.line",
                number=row["number"],
                title=row["title"],
                start=row["start"],
                end=row["end"],
                services=row["services"],
                status=status,
            )
            lines.append(f"- {line}")
        return text_message("\n".join(lines))
    if isinstance(result, NoticeShow):
        row = result.row
        return text_message(
            _t(
                lang,
                "notice.show",
                number=row["number"],
                title=row["title"],
                status=_t(lang, f"notice.status.{row['status']}"),
                start=row["start"],
                end=row["end"],
                services=row["services"],
                impact=row["impact"] or "-",
                reason=_t(lang, f"notice.reason.{row['reason']}"),
            )
        )
    if isinstance(result, OutageStatus):
        up = result.uptime
        lines = [
            _t(
                lang,
                "outage.status.heading",
                streak=up.streak,
                year=up.year,
                overall=percent(up.overall),
            )
        ]
        lines += [
            "- " + _t(lang, "outage.status.service", service=name, percent=percent(value))
            for name, value in up.per_service
        ]
        if up.open:
            lines.append(_t(lang, "outage.status.open_heading"))
            lines += [
                "- "
                + _t(
                    lang,
                    "outage.status.line",
                    number=o["number"],
                    title=o["title"],
                    services=o["services"],
                    start=o["start"],
                    duration=o["duration"],
                )
                for o in up.open
            ]
        else:
            lines.append(_t(lang, "outage.status.none_open"))
        return text_message("\n\n".join(lines))
    return None  # Replayed
