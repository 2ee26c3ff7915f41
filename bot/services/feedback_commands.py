"""The `survey …` and `feedback …` commands on any platform: parse the text, run the
subcommand, say what happened as a neutral result (like bot/services/inquiry_commands.py).

Slack hands in the text after `/survey` or `/feedback`; Teams the text after `survey` /
`feedback` (`설문`, `피드백`) typed to the bot. The grammar is bot.domain.feedback_commands;
each subcommand is one row of a table (whether it writes, its executor).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import UsageError
from bot.domain.feedback_commands import (
    FeedbackCommand,
    SurveyCommand,
    parse_feedback_command,
    parse_survey_command,
)
from bot.errors import DomainError
from bot.services import complaint_views, complaints, praise, surveys
from bot.services.complaint_views import CaseView
from bot.services.inquiry_commands import CommandRequest, Refused, Usage
from bot.services.receipts import claim_action
from bot.services.results import Replayed, Said
from bot.services.surveys import SurveyResults


@dataclass(frozen=True)
class FeedbackHelp:
    """The help of `survey` or `feedback`."""

    command: str  # survey | feedback


@dataclass(frozen=True)
class ComplaintList:
    """The cases a viewer may see (outcome-only rows for their own cases)."""

    cases: list[CaseView]


@dataclass(frozen=True)
class ComplaintShow:
    """One case, as much of it as the viewer may see."""

    case: CaseView


@dataclass(frozen=True)
class PraiseGiven:
    """Praise was recorded; `shareable`: the giver may consent to a public post (a checkbox)."""

    said: Said
    praise_id: int
    shareable: bool


FeedbackResult = (
    Said
    | Usage
    | Refused
    | Replayed
    | FeedbackHelp
    | SurveyResults
    | ComplaintList
    | ComplaintShow
    | PraiseGiven
)

Executor = Callable[[AsyncSession, Deps, str, FeedbackCommand], Awaitable[FeedbackResult]]


async def _complaint(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    assert cmd.user is not None
    case = await complaints.open_complaint(
        session, deps, reporter_id=user, staff_id=cmd.user, text=cmd.text
    )
    return Said("complaint.created", {"ref": complaints.label(case)})


async def _praise(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    assert cmd.user is not None
    given = await praise.give_praise(
        session, deps, giver_id=user, staff_id=cmd.user, text=cmd.text, kind=cmd.action
    )
    assert given.id is not None
    said = Said(f"praise.created_{cmd.action}", {"staff_user": cmd.user})
    shareable = cmd.action == "praise" and praise.may_share(deps)
    return PraiseGiven(said, given.id, shareable)


async def _decide(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    assert cmd.ref is not None
    case = await complaints.decide(session, deps, cmd.ref, user, cmd.action, cmd.text)
    return Said(f"complaint.{cmd.action}ed", {"ref": complaints.label(case)})


async def _action(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    assert cmd.ref is not None
    case = await complaints.record_action(session, deps, cmd.ref, user, cmd.text, cmd.by)
    return Said("complaint.action_recorded", {"ref": complaints.label(case)})


async def _sent(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    assert cmd.ref is not None
    case = await complaints.mark_reward_sent(session, deps, cmd.ref, user, cmd.text)
    return Said("complaint.reward_marked_sent", {"ref": complaints.label(case)})


async def _list(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    return ComplaintList(await complaint_views.list_visible(session, deps, user))


async def _show(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    assert cmd.ref is not None
    return ComplaintShow(await complaint_views.show_complaint(session, deps, cmd.ref, user))


async def _help(
    session: AsyncSession, deps: Deps, user: str, cmd: FeedbackCommand
) -> FeedbackResult:
    return FeedbackHelp("feedback")


# subcommand -> (writes, executor)
FEEDBACK_SUBCOMMANDS: dict[str, tuple[bool, Executor]] = {
    "help": (False, _help),
    "complaint": (True, _complaint),
    "praise": (True, _praise),
    "exemplary": (True, _praise),
    "confirm": (True, _decide),
    "dismiss": (True, _decide),
    "action": (True, _action),
    "sent": (True, _sent),
    "list": (False, _list),
    "show": (False, _show),
}


async def _run(
    deps: Deps, request: CommandRequest, writes: bool, run: Callable[[AsyncSession], Any]
) -> Any:
    factory = deps.sessions if writes else deps.reads
    try:
        async with factory.begin() as session:
            if writes and request.key and not await claim_action(session, deps, request.key):
                return Replayed()
            return await run(session)
    except DomainError as exc:
        return Refused(exc)


def _today(deps: Deps) -> Any:
    return deps.clock.now().astimezone(deps.tz).date()


async def run_feedback_command(deps: Deps, request: CommandRequest) -> FeedbackResult:
    """Parse and run one `feedback …` command (its own unit of work, like the inquiry one)."""
    try:
        cmd = parse_feedback_command(request.text, _today(deps))
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    writes, run = FEEDBACK_SUBCOMMANDS[cmd.action]
    result: FeedbackResult = await _run(
        deps, request, writes, lambda s: run(s, deps, request.user_id, cmd)
    )
    return result


async def run_survey_command(deps: Deps, request: CommandRequest) -> FeedbackResult:
    """Parse and run one `survey …` command: `help`, `results [month]` (managers)."""
    try:
        cmd: SurveyCommand = parse_survey_command(request.text, _today(deps))
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    if cmd.action == "help":
        return FeedbackHelp("survey")
    result: FeedbackResult = await _run(
        deps,
        request,
        False,
        lambda s: surveys.survey_results(s, deps, request.user_id, cmd.month),
    )
    return result
