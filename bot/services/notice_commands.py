"""The `notice …` and `outage …` commands on any platform: parse, run, say what happened.

The same shape as bot/services/inquiry_commands.py: each subcommand is one row of a table
(whether it writes, its executor); results are neutral (catalogue keys, view models), each
adapter renders them. Slack hands in the text after `/notice` / `/outage`, Teams the text
after `notice` / `공지` / `outage` / `장애` typed to the bot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import UsageError
from bot.domain.notice_commands import (
    NoticeCommand,
    moment_at,
    parse_notice_command,
    parse_notice_form,
    parse_outage_command,
)
from bot.errors import DomainError
from bot.ports import Platform
from bot.services import notices as nsvc
from bot.services import outages as osvc
from bot.services.formatting import fmt_time
from bot.services.inquiries.reading import span
from bot.services.inquiry_commands import Refused, Usage
from bot.services.receipts import claim_action
from bot.services.results import Replayed, Said

NoticeFeature = Literal["notice", "outage"]


@dataclass(frozen=True)
class NoticeRequest:
    """One `notice …` / `outage …` command: who typed what, on which platform."""

    user_id: str
    text: str
    platform: Platform = "slack"
    key: str | None = None  # the delivery's idempotency key (a retry carries the same)


@dataclass(frozen=True)
class FeatureHelp:
    """The command's help (and its Korean words), with the configured lead and reminders."""

    feature: NoticeFeature
    lead: str = ""
    reminders: str = ""


@dataclass(frozen=True)
class OpenNoticeForm:
    """Show the new-notice form (`/notice` without words, for an operator)."""


@dataclass(frozen=True)
class FormErrors:
    """The form's bad fields: field → (catalogue key, params)."""

    errors: dict[str, tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class NoticeList:
    """Upcoming and running notices (`describe_notice` rows)."""

    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class NoticeShow:
    """One notice."""

    row: dict[str, Any]


@dataclass(frozen=True)
class OutageStatus:
    """C1 now: the streak, this year's availability, the open outages."""

    uptime: osvc.Uptime


NoticeResult = (
    Said
    | Usage
    | Refused
    | Replayed
    | FeatureHelp
    | NoticeList
    | NoticeShow
    | OutageStatus
    | OpenNoticeForm
    | FormErrors
)
Executor = Callable[[AsyncSession, Deps, str, NoticeCommand], Awaitable[NoticeResult]]


@dataclass(frozen=True)
class Sub:
    """Whether a subcommand writes, and what runs it."""

    writes: bool
    run: Executor


def _at(deps: Deps, cmd: NoticeCommand, name: str) -> datetime | None:
    moment = cmd.moments.get(name)
    if moment is None:
        return None
    return moment_at(moment, deps.clock.now(), deps.tz, deps.calendar)


def _ref(cmd: NoticeCommand) -> int:
    assert cmd.ref is not None
    return cmd.ref


async def _plan(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    start, end = _at(deps, cmd, "start"), _at(deps, cmd, "end")
    assert start is not None and end is not None and cmd.services
    draft = nsvc.NoticeDraft(
        title=cmd.title,
        start=start,
        end=end,
        services=cmd.services,
        impact=cmd.options.get("impact", ""),
        reason=cmd.reason or "maintenance",
        title_en=cmd.options.get("title_en", ""),
        impact_en=cmd.options.get("impact_en", ""),
        urgent=cmd.urgent,
    )
    notice = await nsvc.plan_notice(session, deps, user, draft)
    key = "notice.planned" if notice.lead_ok else "notice.planned_urgent"
    return Said(key, {"number": notice.id, "title": notice.title, "start": fmt_time(start, deps)})


async def _list(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> NoticeList:
    rows = await nsvc.current_notices(session, deps)
    return NoticeList([nsvc.describe_notice(n, deps) for n in rows])


async def _show(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> NoticeShow:
    notice = await nsvc.find_notice(session, _ref(cmd))
    return NoticeShow(nsvc.describe_notice(notice, deps))


async def _update(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    changes: dict[str, Any] = dict(cmd.options)
    for name in ("start", "end"):
        at = _at(deps, cmd, name)
        if at is not None:
            changes[name] = at
    if cmd.services:
        changes["services"] = ", ".join(cmd.services)
    if cmd.reason:
        changes["reason"] = cmd.reason
    if cmd.urgent:
        changes["urgent"] = True
    notice = await nsvc.update_notice(session, deps, user, _ref(cmd), changes)
    return Said("notice.updated", {"number": notice.id})


async def _extend(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    until = _at(deps, cmd, "until")
    assert until is not None
    notice = await nsvc.extend_notice(session, deps, user, _ref(cmd), until)
    return Said("notice.extended", {"number": notice.id, "end": fmt_time(until, deps)})


async def _cancel(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    notice = await nsvc.cancel_notice(session, deps, user, _ref(cmd), cmd.text)
    return Said("notice.cancelled", {"number": notice.id})


async def _notice_help(
    session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand
) -> FeatureHelp:
    return FeatureHelp(
        "notice", deps.config.notices.min_lead, ", ".join(deps.config.notices.reminders)
    )


async def _outage_help(
    session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand
) -> FeatureHelp:
    return FeatureHelp(
        "outage", deps.config.notices.min_lead, ", ".join(deps.config.notices.reminders)
    )


async def _start(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    assert cmd.services
    outage = await osvc.start_outage(
        session,
        deps,
        user,
        title=cmd.title,
        services=cmd.services,
        impact=cmd.options.get("impact", ""),
    )
    if outage.planned:
        return Said("outage.started_planned", {"number": outage.id, "notice": outage.notice_id})
    return Said("outage.started", {"number": outage.id})


async def _progress(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    outage = await osvc.update_outage(
        session, deps, user, _ref(cmd), cmd.text, cmd.options.get("impact", "")
    )
    return Said("outage.updated", {"number": outage.id})


async def _resolve(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> Said:
    outage = await osvc.resolve_outage(session, deps, user, _ref(cmd), cmd.text)
    assert outage.resolved_at is not None
    took = span(outage.resolved_at - outage.started_at)
    return Said("outage.resolved", {"number": outage.id, "duration": took})


async def _status(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> OutageStatus:
    return OutageStatus(await osvc.uptime(session, deps))


async def _form(session: AsyncSession, deps: Deps, user: str, cmd: NoticeCommand) -> OpenNoticeForm:
    nsvc.may_operate(deps, user)
    return OpenNoticeForm()


NOTICE_SUBCOMMANDS: dict[str, Sub] = {
    "help": Sub(False, _notice_help),
    "form": Sub(False, _form),
    "plan": Sub(True, _plan),
    "list": Sub(False, _list),
    "show": Sub(False, _show),
    "update": Sub(True, _update),
    "extend": Sub(True, _extend),
    "cancel": Sub(True, _cancel),
}
OUTAGE_SUBCOMMANDS: dict[str, Sub] = {
    "help": Sub(False, _outage_help),
    "start": Sub(True, _start),
    "update": Sub(True, _progress),
    "resolve": Sub(True, _resolve),
    "status": Sub(False, _status),
}


async def run_notice_command(
    deps: Deps, feature: NoticeFeature, request: NoticeRequest
) -> NoticeResult:
    """Parse and run one `notice …` / `outage …` command in its own unit of work; a refusal
    comes back as Refused or Usage. Staff only (operators change; other staff read)."""
    today = deps.clock.now().astimezone(deps.tz).date()
    parse = parse_notice_command if feature == "notice" else parse_outage_command
    table = NOTICE_SUBCOMMANDS if feature == "notice" else OUTAGE_SUBCOMMANDS
    try:
        cmd = parse(request.text, today)
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    sub = table[cmd.action]
    if cmd.action != "help" and not deps.is_staff(request.user_id):
        return Refused(DomainError("notice.error.staff_only"))
    factory = deps.sessions if sub.writes else deps.reads
    try:
        async with factory.begin() as session:
            if sub.writes and request.key and not await claim_action(session, deps, request.key):
                return Replayed()
            return await sub.run(session, deps, request.user_id, cmd)
    except DomainError as exc:
        return Refused(exc)
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)


async def submit_notice_form(
    deps: Deps, user_id: str, values: dict[str, str | None], *, key: str | None = None
) -> NoticeResult:
    """Plan a notice from the new-notice form (a Slack modal, a Teams card): its errors per
    field, or what `/notice plan` answers."""
    today = deps.clock.now().astimezone(deps.tz).date()
    cmd, errors = parse_notice_form(values, today)
    if cmd is None:
        return FormErrors({f: (e.key, dict(e.params)) for f, e in errors.items()})
    try:
        async with deps.sessions.begin() as session:
            if key and not await claim_action(session, deps, key):
                return Replayed()
            return await _plan(session, deps, user_id, cmd)
    except DomainError as exc:
        field = "start" if exc.key in ("notice.error.short_lead", "notice.error.start_past") else ""
        if field:
            return FormErrors({field: (exc.key, {k: str(v) for k, v in exc.params.items()})})
        return Refused(exc)
