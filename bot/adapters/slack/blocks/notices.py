"""The `/notice` and `/outage` answers in Slack: a command's neutral result as text (pure)."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.adapters.slack.blocks.common import MODAL_TITLE, plain
from bot.adapters.slack.ids import View
from bot.adapters.slack.text import t, t_plain, usage_text
from bot.domain.notice_commands import FORM_FIELDS
from bot.i18n import Lang
from bot.i18n.lines import notice_line, notice_text, outage_status_lines
from bot.services.inquiry_commands import Usage
from bot.services.notice_commands import (
    FeatureHelp,
    NoticeList,
    NoticeResult,
    NoticeShow,
    OutageStatus,
)
from bot.services.results import Said

Reply = tuple[str, list[dict[str, Any]] | None]
MAX_TEXT = 3000


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_TEXT]}}


_OPTIONAL = frozenset({"title_en", "impact", "impact_en"})
_LIMITS = {"title": 200, "title_en": 200, "impact": 500, "impact_en": 500, "services": 500}


def _select(lang: Lang, name: str, values: tuple[str, ...]) -> dict[str, Any]:
    options = [
        {"text": plain(t_plain(lang, f"notice.form.{name}.{v}"), 75), "value": v} for v in values
    ]
    return {"type": "static_select", "options": options, "initial_option": options[0]}


def build_notice_modal(lang: Lang) -> dict[str, Any]:
    """The new-notice form: every `/notice plan` option as a field (times typed as in the
    command: `2026-12-05 22:00`, `12월 5일 오후 10시`, `+2h`)."""
    blocks: list[dict[str, Any]] = []
    for name in FORM_FIELDS:
        if name == "reason":
            element = _select(lang, "reason", ("maintenance", "regulation", "improvement"))
        elif name == "urgent":
            element = _select(lang, "urgent", ("no", "yes"))
        else:
            element = {
                "type": "plain_text_input",
                "max_length": _LIMITS.get(name, 100),
                "multiline": name in ("impact", "impact_en"),
            }
            if name in ("start", "end"):
                element["placeholder"] = plain(t_plain(lang, "notice.form.when_hint"), 150)
        blocks.append(
            {
                "type": "input",
                "block_id": name,
                "label": plain(t_plain(lang, f"notice.form.{name}"), 2000),
                "element": {**element, "action_id": name},
                "optional": name in _OPTIONAL,
            }
        )
    return {
        "type": "modal",
        "callback_id": View.NOTICE_PLAN,
        "title": plain(t_plain(lang, "notice.form.heading"), MODAL_TITLE),
        "submit": plain(t_plain(lang, "modal.submit"), MODAL_TITLE),
        "close": plain(t_plain(lang, "modal.cancel"), MODAL_TITLE),
        "blocks": blocks,
    }


def build_notice_reply(result: NoticeResult, lang: Lang) -> Reply:
    """The ephemeral answer to `/notice` or `/outage`: its text, and blocks when it has any."""
    tr = partial(t, lang)
    if isinstance(result, Said):
        return t(lang, result.key, **result.params), None
    if isinstance(result, Usage):
        return usage_text(lang, result), None
    if isinstance(result, FeatureHelp):
        key = f"{result.feature}.help"
        return t(lang, key, lead=result.lead, reminders=result.reminders), None
    if isinstance(result, NoticeList):
        if not result.rows:
            return t(lang, "notice.list.empty"), None
        heading = t(lang, "notice.list.heading", count=len(result.rows))
        lines = [notice_line(tr, row) for row in result.rows]
        return heading, [_section(heading), *(_section(line) for line in lines)]
    if isinstance(result, NoticeShow):
        return notice_text(tr, result.row), None
    if isinstance(result, OutageStatus):
        return "\n".join(outage_status_lines(tr, result.uptime)), None
    raise TypeError(f"no Slack reply for {type(result).__name__}")  # a replay, a refusal
