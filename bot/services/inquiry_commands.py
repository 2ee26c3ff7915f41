"""The `inquiry …` command on any platform: parse the text, run the subcommand, say what
happened as a neutral result.

Slack hands in the text after `/inquiry`; Teams the text after `inquiry` typed to the bot.
The grammar is bot.domain.commands; each subcommand is one row of SUBCOMMANDS (who may run it,
whether it reads or writes, its executor). Results carry catalogue keys, view models and
ids, never platform markup: each adapter renders them its own way.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.commands import InquiryCommand, UsageError, parse_inquiry_command
from bot.domain.inquiry import Actor
from bot.errors import DomainError
from bot.i18n import Day, Phrase
from bot.ports import Platform
from bot.services import inquiries as svc
from bot.services.handoffs import transfer_inquiry
from bot.services.inquiry_forms import assignee_choices, non_working_day
from bot.services.intake import make_draft
from bot.services.receipts import claim_action
from bot.services.results import Replayed, Said
from storage.models import InquiryEvent
from storage.repos.outbox import count_outbox, list_failed_outbox


@dataclass(frozen=True)
class CommandRequest:
    """One `inquiry …` command: who typed what, where, on which platform."""

    user_id: str
    text: str  # the words after the command name ("list mine", "new support …", "" → form)
    platform: Platform = "slack"
    conversation_id: str | None = None  # where it was typed (the new-inquiry form keeps it)
    key: str | None = None  # this delivery's idempotency key (a retry carries the same)


@dataclass(frozen=True)
class Usage:
    """The text does not follow the grammar: what is wrong, and the usage to show."""

    key: str
    params: Mapping[str, Any]
    usage: str


@dataclass(frozen=True)
class Refused:
    """The use case refused (no such inquiry, forbidden, bad state, bad value)."""

    error: DomainError


@dataclass(frozen=True)
class OpenNewForm:
    """Show the new-inquiry form (prefilled when it has values)."""

    conversation_id: str | None
    assignees: list[tuple[str, str]] | None  # (user id, name) the person may pick; None: none
    title: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DeliveryFailures:
    """For admins: how many notifications the outbox gave up on, and the latest ones."""

    total: int
    latest: list[tuple[str, str, str]] = field(default_factory=list)  # key, recipient, error


@dataclass(frozen=True)
class Help:
    """The command's help; admins also see the delivery failures."""

    failures: DeliveryFailures | None = None


@dataclass(frozen=True)
class StaffList:
    """A list of inquiries for staff (`describe` rows), at most 20 of `total`."""

    scope: str
    total: int
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class CustomerList:
    """A customer's own open inquiries, as the customer may see them."""

    total: int
    rows: list[svc.CustomerView]


@dataclass(frozen=True)
class StaffShow:
    """One inquiry with its history, for staff; which buttons the viewer gets follows from
    `viewer_id` and `assignable`."""

    number: int
    card: dict[str, Any]
    history: list[dict[str, Any]]
    viewer_id: str
    assignable: bool


@dataclass(frozen=True)
class CustomerShow:
    """One inquiry as its requester (a customer) may see it."""

    view: svc.CustomerView


CommandResult = (
    Said
    | Usage
    | Refused
    | OpenNewForm
    | Help
    | StaffList
    | CustomerList
    | StaffShow
    | CustomerShow
    | Replayed
)


@dataclass(frozen=True)
class Caller:
    """Who runs the command; `zone`: a customer living in another time zone than the
    company's (her times then name the company's zone)."""

    actor: Actor
    zone: bool = False
    platform: Platform = "slack"  # where the command was typed: card links point there


Executor = Callable[[AsyncSession, Deps, Caller, InquiryCommand], Awaitable[CommandResult]]


@dataclass(frozen=True)
class Subcommand:
    """Who may run a subcommand, whether it writes, and what runs it."""

    permission: Literal["anyone", "staff"]
    writes: bool
    run: Executor


async def outside_zone(deps: Deps, user_id: str) -> bool:
    """Whether user_id's time zone is known and not the company's (times then say the zone)."""
    reader = await deps.languages.reader_of(user_id)
    return reader.tz not in ("", deps.config.timezone)


def history_entry(event: InquiryEvent, deps: Deps) -> dict[str, Any]:
    """One history row for display: who (an id, shown as a mention) and what, in words."""
    about = event.new_value if event.kind in ("assigned", "transferred") else None
    detail = "" if event.kind in ("assigned", "first_response", "resume") else event.note
    shown: str | Phrase = detail or ""
    if event.kind == "eta" and (moment := _moment(event.new_value, deps)) is not None:
        shown = Phrase("history.moment", {"at": svc.fmt_time(moment, deps)})
    elif event.kind == "eta":
        shown = event.new_value or ""
    if event.kind == "milestone" and event.new_value:
        planned = json.loads(event.new_value)
        shown = Phrase(
            "history.milestone_detail",
            {"date": Day(date.fromisoformat(planned["date"])), "stage": planned.get("stage", "")},
        )
    if event.kind == "calendar":
        # the deadline before and after a calendar reload (ISO instants in the row)
        old, new = _moment(event.old_value, deps), _moment(event.new_value, deps)
        shown = Phrase(
            "history.calendar_detail",
            {"old": svc.fmt_time(old, deps), "new": svc.fmt_time(new, deps)},
        )
    return {
        "at": svc.fmt_time(event.at, deps),
        "actor": event.actor_id,
        "kind": event.kind,
        "detail": shown,
        "detail_user": about,
    }


def _moment(value: str | None, deps: Deps) -> datetime | None:
    """A moment stored in a history row (ISO, or `YYYY-MM-DD HH:MM` in the company's zone)."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=deps.tz)


async def delivery_failures(session: AsyncSession) -> DeliveryFailures:
    """How many notifications the outbox gave up on, and the latest five."""
    total = await count_outbox(session, state="failed")
    latest = await list_failed_outbox(session, limit=5) if total else []
    return DeliveryFailures(total, [(r.idempotency_key, r.recipient, r.last_error) for r in latest])


def refuse_non_working_day(day: date | None, deps: Deps, cmd: InquiryCommand, usage: str) -> None:
    """A date-only due date, milestone or ETA on a non-working day is refused with the working
    days before and after it (a person who means it writes the date with `!`)."""
    if day is None or cmd.force:
        return
    problem = non_working_day(day, deps)
    if problem is not None:
        raise DomainError("inquiry.error.non_working_day", usage=usage, **problem)


def _ref(cmd: InquiryCommand) -> int:
    assert cmd.ref is not None, f"{cmd.action} takes an inquiry number"
    return cmd.ref


async def _new(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    assert cmd.kind is not None
    refuse_non_working_day(cmd.due, deps, cmd, "inquiry.usage.new")
    draft = make_draft(
        kind=cmd.kind,
        title=cmd.title,
        requester_id=actor.user_id,
        via="command",
        customer=cmd.customer,
        due=cmd.due,
        assignee_id=cmd.user,
        created_by=actor.user_id,
    )
    inq = (await svc.open_inquiry(session, deps, draft)).inquiry
    # a customer reads the promise made to them, not the staff confirmation
    return Said(
        "inquiry.created" if actor.is_staff else "inquiry.notify.received",
        {
            "number": inq.number,
            "title": inq.title,
            "deadline": svc.fmt_time(inq.deadline_at, deps, zone=caller.zone, relative=True),
        },
    )


async def _help(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Help:
    actor = caller.actor
    if not deps.config.is_admin(actor.user_id):
        return Help()
    return Help(await delivery_failures(session))


async def _list(
    session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand
) -> StaffList | CustomerList:
    actor = caller.actor
    rows, total = await svc.list_for(session, deps, actor, cmd.scope)
    if not actor.is_staff:
        views = [svc.describe_for_customer(r, deps, zone=caller.zone) for r in rows]
        return CustomerList(total, views)
    links = await svc.card_links(session, rows, caller.platform)
    data = [svc.describe(r, deps, link=links.get(r.id or 0, "")) for r in rows]
    return StaffList(cmd.scope, total, data)


async def _show(
    session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand
) -> StaffShow | CustomerShow:
    actor = caller.actor
    shown = await svc.show_inquiry(session, deps, _ref(cmd), actor, zone=caller.zone)
    if isinstance(shown, svc.CustomerView):
        return CustomerShow(shown)
    inq, events = shown.inquiry, shown.events
    link = (await svc.card_links(session, [inq], caller.platform)).get(inq.id or 0, "")
    return StaffShow(
        number=inq.number,
        card=svc.describe(inq, deps, events=events, link=link),
        history=[history_entry(e, deps) for e in events],
        viewer_id=actor.user_id,
        assignable=deps.is_assignable(actor.user_id),
    )


async def _assign(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    assert cmd.user is not None
    inq = await svc.assign_inquiry(session, deps, _ref(cmd), actor, cmd.user)
    return Said("inquiry.assigned", {"number": inq.number, "user": cmd.user})


async def _transfer(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    assert cmd.user is not None
    inq = await transfer_inquiry(session, deps, _ref(cmd), caller.actor, cmd.user, cmd.text)
    return Said("inquiry.transferred", {"number": inq.number, "user": cmd.user})


async def _eta(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    assert cmd.eta is not None
    if cmd.eta.at is None:
        refuse_non_working_day(cmd.eta.day, deps, cmd, "inquiry.usage.eta")
    eta = svc.resolve_eta(cmd.eta, deps)
    inq = await svc.set_eta(session, deps, _ref(cmd), actor, eta)
    eta_text = svc.fmt_time(eta, deps, relative=True)  # an answer read at once: `내일 15:00`
    return Said("inquiry.eta_set", {"number": inq.number, "eta": eta_text})


async def _progress(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    inq = await svc.add_progress(session, deps, _ref(cmd), actor, cmd.text)
    return Said("inquiry.progress_added", {"number": inq.number})


async def _milestone(
    session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand
) -> Said:
    actor = caller.actor
    assert cmd.day is not None
    refuse_non_working_day(cmd.day, deps, cmd, "inquiry.usage.milestone")
    inq = await svc.add_milestone(session, deps, _ref(cmd), actor, cmd.day, cmd.text)
    today = deps.clock.now().astimezone(deps.tz).date()
    return Said(
        "inquiry.milestone_added",
        {"number": inq.number, "date": Day(cmd.day, today), "stage": cmd.text},
    )


async def _hold(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    inq = await svc.hold_inquiry(session, deps, _ref(cmd), actor, cmd.text)
    return Said("inquiry.held", {"number": inq.number})


async def _resume(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    inq = await svc.resume_inquiry(session, deps, _ref(cmd), actor)
    return Said(
        "inquiry.resumed",
        {"number": inq.number, "deadline": svc.fmt_time(inq.deadline_at, deps, relative=True)},
    )


async def _resolve(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    inq = await svc.resolve_inquiry(session, deps, _ref(cmd), actor, cmd.text)
    return Said("inquiry.resolved", {"number": inq.number})


async def _reopen(session: AsyncSession, deps: Deps, caller: Caller, cmd: InquiryCommand) -> Said:
    actor = caller.actor
    inq = await svc.reopen_inquiry(session, deps, _ref(cmd), actor, cmd.text)
    return Said("inquiry.reopened", {"number": inq.number})


# The `modal` action (no words: the new-inquiry form) is no row: it opens a form, see below.
SUBCOMMANDS: dict[str, Subcommand] = {
    "help": Subcommand("anyone", False, _help),
    "new": Subcommand("anyone", True, _new),
    "list": Subcommand("anyone", False, _list),
    "show": Subcommand("anyone", False, _show),
    "assign": Subcommand("staff", True, _assign),
    "transfer": Subcommand("staff", True, _transfer),
    "eta": Subcommand("staff", True, _eta),
    "progress": Subcommand("staff", True, _progress),
    "milestone": Subcommand("staff", True, _milestone),
    "hold": Subcommand("staff", True, _hold),
    "resume": Subcommand("staff", True, _resume),
    "resolve": Subcommand("staff", True, _resolve),
    "reopen": Subcommand("anyone", True, _reopen),  # the requester may reopen their own
}


async def _open_form(deps: Deps, request: CommandRequest) -> OpenNewForm | Replayed:
    if request.key:
        async with deps.sessions.begin() as session:
            if not await claim_action(session, deps, request.key):
                return Replayed()  # the form was shown already
    assignees = await assignee_choices(deps, request.user_id, request.platform)
    return OpenNewForm(request.conversation_id, assignees)


async def run_inquiry_command(deps: Deps, request: CommandRequest) -> CommandResult:
    """Parse and run one `inquiry …` command; a refusal comes back as Refused or Usage.

    The command is one use case, so this entry point is its unit of work (like a scheduler
    job): the adapter calls it outside any transaction; reads run on the read-only sessions,
    a write runs in one transaction that first claims the request's key, so a retried
    delivery changes nothing twice. The executors never commit.
    """
    try:
        # dates such as `내일`, `금요일`, `12/31` resolve on the business calendar's zone
        cmd = parse_inquiry_command(request.text, deps.clock.now().astimezone(deps.tz).date())
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    if cmd.action == "modal":
        return await _open_form(deps, request)
    sub = SUBCOMMANDS[cmd.action]
    actor = Actor(user_id=request.user_id, is_staff=deps.is_staff(request.user_id))
    # Looked up before any transaction: a first lookup stores what it learnt, and on SQLite
    # (one writer at a time) that write inside the command's transaction would wait for the
    # transaction itself until the busy timeout.
    caller = Caller(
        actor,
        zone=not actor.is_staff and await outside_zone(deps, actor.user_id),
        platform=request.platform,
    )
    factory = deps.sessions if sub.writes else deps.reads
    try:
        async with factory.begin() as session:
            if sub.writes and request.key and not await claim_action(session, deps, request.key):
                return Replayed()  # acted on (and answered) the first time
            if sub.permission == "staff":
                # before any lookup: a customer cannot tell which numbers exist
                svc.refuse_customer(actor, cmd.action, _ref(cmd))
            return await sub.run(session, deps, caller, cmd)
    except DomainError as exc:
        return Refused(exc)
