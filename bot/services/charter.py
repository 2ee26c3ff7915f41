"""The `charter …` command on any platform, as a subcommand table (like
bot/services/inquiry_commands.py): `report [YYYY-MM]` and its `help`. The other subcommands
(help, policies, teams, roles, language) join SUBCOMMANDS as rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.deps import Deps
from bot.domain.digest import parse_month, previous_month
from bot.domain.grammar import charter_subcommand
from bot.errors import DomainError, Forbidden
from bot.ports import Platform
from bot.services.inquiry_commands import Refused, Usage
from bot.services.reports.figures import Report
from bot.services.reports.publish import is_published, report_for, report_link


@dataclass(frozen=True)
class CharterRequest:
    """One `charter …` command: who typed what, on which platform."""

    user_id: str
    text: str
    platform: Platform = "slack"


@dataclass(frozen=True)
class CharterHelp:
    """The command's usage."""


@dataclass(frozen=True)
class ReportShown:
    """A month's report, and a link to its page ("" when the reader gets none)."""

    report: Report
    link: str


CharterResult = CharterHelp | ReportShown | Usage | Refused
Executor = Callable[[Deps, CharterRequest, list[str]], Awaitable[CharterResult]]


@dataclass(frozen=True)
class Subcommand:
    """Who may run a subcommand, and what runs it."""

    permission: Literal["anyone", "staff"]
    run: Executor


async def _help(deps: Deps, request: CharterRequest, words: list[str]) -> CharterResult:
    return CharterHelp()


async def _report(deps: Deps, request: CharterRequest, words: list[str]) -> CharterResult:
    if len(words) > 1:
        return Usage("charter.error.extra", {"word": " ".join(words[1:])[:80]}, "charter.usage")
    if words:
        parsed = parse_month(words[0])
        if parsed is None:
            return Usage("charter.error.bad_month", {"month": words[0][:40]}, "charter.usage")
        year, month = parsed
    else:
        year, month = previous_month(deps.clock.now().astimezone(deps.tz).date())
    if not is_published(deps, year, month):
        raise DomainError("charter.error.future_month", month=f"{year:04d}-{month:02d}")
    report = await report_for(deps, year, month)
    link = report_link(deps, report.month, for_admin=deps.config.is_admin(request.user_id))
    return ReportShown(report, link)


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": Subcommand("anyone", _help),
    "report": Subcommand("staff", _report),
}


async def run_charter_command(deps: Deps, request: CharterRequest) -> CharterResult:
    """Parse and run one `charter …` command (outside any transaction: reads only)."""
    words = request.text.split()
    if not words:
        return CharterHelp()
    name = charter_subcommand(words[0])
    if name is None:
        return Usage("charter.error.unknown", {"word": words[0][:80]}, "charter.usage")
    sub = SUBCOMMANDS[name]
    try:
        if sub.permission == "staff" and not deps.is_staff(request.user_id):
            raise Forbidden("charter.error.staff_only")
        return await sub.run(deps, request, words[1:])
    except DomainError as exc:
        return Refused(exc)
