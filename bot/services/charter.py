"""The `charter …` command on any platform: the charter's own help, the SLAs in force, the
teams, the roles, a person's language, and the monthly charter report.

Slack hands in the text after `/charter`; Teams the text after `charter` (or `헌장`) typed to
the bot. The grammar is bot.domain.charter (keywords in bot.domain.grammar); each subcommand
is one row of SUBCOMMANDS, as in bot.services.inquiry_commands: adding one (`report`) is a row
here, its aliases in `grammar.CHARTER_SUBCOMMANDS` and its line in the help. Answers are
neutral lines (catalogue keys and parameters) that each platform renders in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.calendar import WEEKDAY_NAMES, parse_workdays
from bot.domain.charter import USAGE, CharterCommand, parse_charter_command
from bot.domain.commands import UsageError
from bot.domain.digest import parse_month, previous_month
from bot.domain.durations import parse_duration
from bot.errors import DomainError, Forbidden
from bot.i18n import Phrase
from bot.services.inquiry_commands import CommandRequest, Refused, Usage
from bot.services.receipts import claim_action
from bot.services.reports.figures import Report
from bot.services.reports.publish import is_published, report_for, report_link
from bot.services.results import Replayed, Said
from storage.repos.people import get_person_language, set_person_language


@dataclass(frozen=True)
class Lines:
    """An answer of several lines, each a catalogue key with its parameters (a `Phrase`
    parameter is rendered in the same language); `lang`: the language to answer in when
    the command just changed it."""

    lines: tuple[Said, ...]
    lang: Literal["ko", "en"] | None = None


@dataclass(frozen=True)
class ReportShown:
    """A month's charter report (bot.services.reports), and a link to its page ("" when the
    reader gets none)."""

    report: Report
    link: str


CharterResult = Lines | ReportShown | Usage | Refused | Replayed

Executor = Callable[[AsyncSession, Deps, str, CharterCommand], Awaitable[Lines | ReportShown]]


@dataclass(frozen=True)
class CharterSubcommand:
    """Who may run a subcommand, whether it writes, and what runs it."""

    permission: Literal["anyone", "staff"]
    writes: bool
    run: Executor


def _span(text: str) -> str:
    """A configured duration as the catalogue's duration parameters take it (`1bd`)."""
    parse_duration(text)  # validated at load; kept as written (`3bd`, `15bm`)
    return text


async def _help(session: AsyncSession, deps: Deps, user_id: str, cmd: CharterCommand) -> Lines:
    lines = [Said("charter.help")]
    if deps.is_staff(user_id):
        lines.append(Said("charter.help_staff"))
    return Lines(tuple(lines))


async def _policies(session: AsyncSession, deps: Deps, user_id: str, cmd: CharterCommand) -> Lines:
    sla, cal = deps.config.sla, deps.config.calendar
    days = sorted(parse_workdays(cal.workdays))
    lines = [
        Said("charter.policies.heading"),
        Said(
            "charter.policies.voc", {"kind": Phrase("kind.voc"), "duration": _span(sla.voc_review)}
        ),
        Said(
            "charter.policies.support",
            {
                "kind": Phrase("kind.support"),
                "duration": _span(sla.support_first_response),
                "eta_duration": _span(sla.support_eta),
            },
        ),
        Said(
            "charter.policies.request",
            {
                "kind": Phrase("kind.request"),
                "duration": _span(sla.request_review),
                "long_duration": _span(sla.long_request),
            },
        ),
        Said(
            "charter.policies.regulatory",
            {
                "kind": Phrase("kind.regulatory"),
                "warnings": [
                    Phrase("charter.policies.before", {"duration": _span(w)})
                    for w in sla.regulatory_warnings
                ]
                or [Phrase("charter.policies.no_warnings")],
            },
        ),
        Said("charter.policies.callback", {"duration": _span(sla.callback)}),
        Said(
            "charter.policies.nudges",
            {
                "percent": str(round(sla.approaching * 100)),
                "repeat_duration": _span(sla.overdue_repeat),
                "grace_duration": _span(sla.escalation_grace),
            },
        ),
    ]
    if cal.always_open:
        lines.append(Said("charter.policies.always_open"))
    else:
        lines.append(
            Said(
                "charter.policies.hours",
                {
                    "days": [Phrase(f"weekday.{WEEKDAY_NAMES[d]}") for d in days],
                    "hours": ", ".join(cal.hours),
                    "zone": deps.config.timezone,
                },
            )
        )
        if cal.holidays:
            lines.append(Said("charter.policies.holidays", {"country": cal.holidays}))
    return Lines(tuple(lines))


async def _teams(session: AsyncSession, deps: Deps, user_id: str, cmd: CharterCommand) -> Lines:
    teams = deps.config.teams
    if not teams:
        return Lines((Said("charter.teams.none"),))
    lines = [Said("charter.teams.heading", {"count": len(teams)})]
    for team in teams:
        lines.append(
            Said(
                "charter.teams.line",
                {"team": team.name, "manager": team.manager, "member_users": list(team.members)},
            )
        )
    return Lines(tuple(lines))


async def _roles(session: AsyncSession, deps: Deps, user_id: str, cmd: CharterCommand) -> Lines:
    roles = deps.config.roles
    managers = list(dict.fromkeys(team.manager for team in deps.config.teams))
    return Lines(
        (
            Said("charter.roles.heading"),
            Said("charter.roles.admins", {"admin_users": list(roles.admins)}),
            Said("charter.roles.managers", {"manager_users": managers}),
            Said("charter.roles.receptionists", {"receptionist_users": list(roles.receptionists)}),
            Said("charter.roles.staff_rule"),
        )
    )


async def _language(session: AsyncSession, deps: Deps, user_id: str, cmd: CharterCommand) -> Lines:
    if cmd.lang is None:
        chosen = await get_person_language(session, user_id=user_id)
        current = await deps.languages.language_of(user_id)
        key = "charter.language.chosen" if chosen else "charter.language.auto_now"
        return Lines((Said(key, {"language": Phrase(f"language.{current}")}), Said(USAGE)))
    ids = deps.config.ids_of(user_id)
    if user_id not in ids:
        ids = (user_id, *ids)
    lang = None if cmd.lang == "auto" else cmd.lang
    await set_person_language(session, user_ids=ids, lang=lang, at=deps.clock.now())
    forget = getattr(deps.languages, "forget", None)
    for one in ids:
        if forget is not None:
            forget(one)
    if lang is None:
        return Lines((Said("charter.language.auto_set"),))
    answer: Literal["ko", "en"] = "ko" if lang == "ko" else "en"
    return Lines(
        (Said("charter.language.set", {"language": Phrase(f"language.{answer}")}),), lang=answer
    )


async def _report(
    session: AsyncSession, deps: Deps, user_id: str, cmd: CharterCommand
) -> ReportShown:
    """`report [YYYY-MM]`: the month's figures per promise (the previous month by default)."""
    if cmd.args:
        parsed = parse_month(cmd.args[0])
        if parsed is None:
            raise DomainError("charter.error.bad_month", month=cmd.args[0][:40])
        year, month = parsed
    else:
        year, month = previous_month(deps.clock.now().astimezone(deps.tz).date())
    if not is_published(deps, year, month):
        raise DomainError("charter.error.future_month", month=f"{year:04d}-{month:02d}")
    report = await report_for(deps, year, month)
    return ReportShown(
        report, report_link(deps, report.month, for_admin=deps.config.is_admin(user_id))
    )


# A new subcommand is one row here, plus its aliases in grammar.CHARTER_SUBCOMMANDS.
SUBCOMMANDS: dict[str, CharterSubcommand] = {
    "help": CharterSubcommand("anyone", False, _help),
    "policies": CharterSubcommand("anyone", False, _policies),
    "teams": CharterSubcommand("staff", False, _teams),
    "roles": CharterSubcommand("staff", False, _roles),
    "language": CharterSubcommand("anyone", True, _language),
    "report": CharterSubcommand("staff", False, _report),
}


async def run_charter_command(deps: Deps, request: CommandRequest) -> CharterResult:
    """Parse and run one `charter …` command (its own unit of work, like run_inquiry_command);
    a refusal comes back as Refused or Usage."""
    try:
        cmd = parse_charter_command(request.text)
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    sub = SUBCOMMANDS[cmd.action]
    writes = sub.writes and cmd.lang is not None
    factory = deps.sessions if writes else deps.reads
    try:
        async with factory.begin() as session:
            if writes and request.key and not await claim_action(session, deps, request.key):
                return Replayed()
            if sub.permission == "staff" and not deps.is_staff(request.user_id):
                raise Forbidden(
                    "charter.error.staff_only",
                    sub=Phrase(f"charter.sub.{cmd.action}"),
                    who_key="inquiry.who.staff",
                )
            return await sub.run(session, deps, request.user_id, cmd)
    except DomainError as exc:
        return Refused(exc)
