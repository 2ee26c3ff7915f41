"""The `/inquiry` answers in Slack: a command's neutral result as (text, blocks) (pure data)."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks.inquiry import (
    Viewer,
    build_customer_history,
    build_customer_lines,
    build_history,
    build_inquiry_lines,
    texts,
)
from bot.adapters.slack.text import escape, t, usage_text
from bot.i18n import Lang
from bot.services.charter import CharterResult, Lines
from bot.services.inquiry_commands import (
    CommandResult,
    CustomerList,
    CustomerShow,
    DeliveryFailures,
    Help,
    StaffList,
    StaffShow,
    Usage,
)
from bot.services.results import Said

Reply = tuple[str, list[dict[str, Any]] | None]


def build_delivery_failures(lang: Lang, failures: DeliveryFailures) -> str:
    """For admins: how many notifications the outbox gave up on, and the latest reasons."""
    if not failures.total:
        return t(lang, "admin.delivery_ok")
    lines = [t(lang, "admin.delivery_failed", count=failures.total)]
    lines += [
        f"• `{escape(key[:60])}` → {escape(recipient)}: {escape(error[:120])}"
        for key, recipient, error in failures.latest
    ]
    return "\n".join(lines)


def build_command_reply(result: CommandResult, lang: Lang) -> Reply:
    """The ephemeral answer to a command: its text, and blocks when it has any."""
    if isinstance(result, Said):
        return t(lang, result.key, **result.params), None
    if isinstance(result, Usage):
        return usage_text(lang, result), None
    if isinstance(result, Help):
        text = t(lang, "inquiry.help")
        if result.failures is not None:
            text += "\n" + build_delivery_failures(lang, result.failures)
        return text, None
    if isinstance(result, CustomerList):
        heading = t(lang, "customer.list_heading", total=result.total)
        return heading, build_customer_lines(result.rows, result.total, lang)
    if isinstance(result, StaffList):
        heading = t(
            lang, "list.heading", scope=t(lang, f"scope.{result.scope}"), total=result.total
        )
        return heading, build_inquiry_lines(
            result.rows, result.total, lang, result.scope, links=True
        )
    if isinstance(result, CustomerShow):
        view = result.view
        return f"#{view.number} {escape(view.title)}", build_customer_history(view, lang)
    if isinstance(result, StaffShow):
        viewer = Viewer(result.viewer_id, True, result.assignable)
        blocks = build_history(result.card, result.history, texts(lang), lang, viewer)
        return t(lang, "inquiry.show_fallback", number=result.number), blocks
    raise TypeError(f"no Slack reply for {type(result).__name__}")  # a form, a replay, a refusal


def build_charter_reply(result: CharterResult, lang: Lang) -> str:
    """The ephemeral answer to `/charter`: its lines (in the language it just chose, if so)."""
    if isinstance(result, Lines):
        lang = result.lang or lang
        return "\n".join(t(lang, said.key, **said.params) for said in result.lines)
    if isinstance(result, Usage):
        return usage_text(lang, result)
    raise TypeError(f"no Slack reply for {type(result).__name__}")  # a replay, a refusal
