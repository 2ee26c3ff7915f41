"""The `callback …` and `away …` commands on any platform, and the callback buttons: parse,
run, answer with a neutral result (like bot/services/inquiry_commands.py).

Slack hands in the text after `/callback` / `/away`; Teams the text after `callback` /
`away` typed to the bot. Each subcommand is one row of a table (who may run it, whether it
writes, its executor); a write claims the request's key first, so a retried delivery or a
double click acts once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.callback_commands import (
    AwayCommand,
    CallbackCommand,
    parse_away_command,
    parse_callback_command,
)
from bot.domain.callbacks import normalize_phone
from bot.domain.commands import UsageError, clean_text, parse_ref
from bot.errors import Conflict, DomainError, Forbidden
from bot.i18n import dated, timed
from bot.ports import Platform
from bot.services import callbacks as cbs
from bot.services.absence import end_away, resolve_until, set_away
from bot.services.formatting import fmt_time
from bot.services.inquiry_commands import Refused, Usage
from bot.services.people import absence_of
from bot.services.receipts import DOUBLE_CLICK, claim_action
from bot.services.results import Replayed, Said
from storage.repos.callbacks import list_callbacks, list_steps


@dataclass(frozen=True)
class FeatureRequest:
    """One `callback …` / `away …` command or callback button: who, what, where."""

    user_id: str
    text: str
    platform: Platform = "slack"
    key: str | None = None  # this delivery's idempotency key (a retry carries the same)
    intent: str | None = None  # a button: the same button pressed twice in a moment


@dataclass(frozen=True)
class OpenCallbackForm:
    """Show the "log a callback" form (owners to pick from)."""

    owners: list[str]


@dataclass(frozen=True)
class OpenPassForm:
    """Show the "can't" form of callback CB<number> (an optional colleague, a reason)."""

    number: int
    colleagues: list[str]


@dataclass(frozen=True)
class CallbackList:
    """Callbacks (at most 20), newest first: display values."""

    scope: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class CallbackShow:
    """One callback with every step (who was offered it, who claimed, when called back)."""

    view: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class FeatureHelp:
    """The command's help text (catalogue key)."""

    key: str


FeatureResult = (
    Said
    | Usage
    | Refused
    | Replayed
    | OpenCallbackForm
    | CallbackList
    | CallbackShow
    | FeatureHelp
    | OpenPassForm
)

Executor = Callable[
    [AsyncSession, Deps, "FeatureRequest", CallbackCommand], Awaitable[FeatureResult]
]


async def _new(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> Said:
    assert cmd.owner is not None
    cb = await cbs.log_callback(
        session,
        deps,
        by=request.user_id,
        owner=cmd.owner,
        caller=cmd.caller,
        company=cmd.company,
        phone=cmd.phone,
        topic=cmd.topic,
        inquiry_number=cmd.inquiry,
        urgent=cmd.urgent,
        platform=request.platform,
    )
    if cb.start_at > cb.logged_at:
        return Said(
            "callback.logged_after_hours",
            {"number": cb.id, "user": cmd.owner, "start": timed(cb.start_at, deps.tz)},
        )
    return Said("callback.logged", {"number": cb.id, "user": cmd.owner})


async def _claim(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> Said:
    assert cmd.number is not None
    cb = await cbs.claim(session, deps, cmd.number, request.user_id)
    return Said("callback.claimed", {"number": cb.id, "phone": cb.phone, "caller": cb.caller})


async def _done(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> Said:
    assert cmd.number is not None
    cb = await cbs.called_back(session, deps, cmd.number, request.user_id, cmd.note)
    return Said("callback.done", {"number": cb.id})


async def _pass(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> Said:
    assert cmd.number is not None
    cb = await cbs.pass_on(
        session, deps, cmd.number, request.user_id, colleague=cmd.owner, note=cmd.note
    )
    if cmd.owner is not None:
        return Said("callback.transferred", {"number": cb.id, "user": cmd.owner})
    return Said("callback.passed", {"number": cb.id})


def _row(cb: Any, deps: Deps) -> dict[str, Any]:
    return {
        "number": cb.id,
        "owner": cb.owner_id,
        "caller": cb.caller,
        "company": cb.company,
        "phone": cb.phone,
        "topic": cb.topic,
        "state": cb.state,
        "claimed_by": cb.claimed_by or "",
        "logged_at": fmt_time(cb.logged_at, deps),
    }


async def _list(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> CallbackList:
    states = None if cmd.scope == "all" else ("open", "claimed")
    owner = request.user_id if cmd.scope == "mine" else None
    rows = await list_callbacks(session, states=states, owner_id=owner)
    return CallbackList(cmd.scope, [_row(cb, deps) for cb in rows])


async def _show(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> CallbackShow:
    assert cmd.number is not None
    cb = await cbs.find_callback(session, cmd.number)
    assert cb.id is not None
    steps = [
        {
            "at": fmt_time(s.at, deps),
            "kind": s.kind,
            "rung": s.rung,
            "actor": s.actor_id,
            "user": s.user_id,
            "note": s.note if s.kind != "offered" else "",
        }
        for s in await list_steps(session, callback_id=cb.id)
    ]
    return CallbackShow(_row(cb, deps), steps)


async def _help(
    session: AsyncSession, deps: Deps, request: FeatureRequest, cmd: CallbackCommand
) -> FeatureHelp:
    return FeatureHelp("callback.help")


@dataclass(frozen=True)
class Sub:
    writes: bool
    run: Executor


SUBCOMMANDS: dict[str, Sub] = {
    "help": Sub(False, _help),
    "new": Sub(True, _new),
    "list": Sub(False, _list),
    "show": Sub(False, _show),
    "claim": Sub(True, _claim),
    "done": Sub(True, _done),
    "pass": Sub(True, _pass),
}


async def _once(session: AsyncSession, deps: Deps, request: FeatureRequest) -> bool:
    if request.key and not await claim_action(session, deps, request.key):
        return False
    if request.intent is None:
        return True
    return await claim_action(session, deps, request.intent, window=DOUBLE_CLICK)


async def run_callback_command(deps: Deps, request: FeatureRequest) -> FeatureResult:
    """Parse and run one `callback …` command (or a callback button, given as its words:
    `claim 3`, `done 3`, `pass 3`); refusals come back as Refused or Usage. Its own unit
    of work (see run_inquiry_command)."""
    try:
        cmd = parse_callback_command(request.text)
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    if not deps.is_staff(request.user_id):
        return Refused(Forbidden("callback.error.staff_only"))
    if cmd.action == "form":
        return OpenCallbackForm(deps.config.assignable_in_order(request.platform))
    sub = SUBCOMMANDS[cmd.action]
    factory = deps.sessions if sub.writes else deps.reads
    try:
        async with factory.begin() as session:
            if sub.writes and not await _once(session, deps, request):
                return Replayed()
            return await sub.run(session, deps, request, cmd)
    except DomainError as exc:
        return Refused(exc)


PASS_NOTE_CHARS = 500


async def open_pass_form(deps: Deps, request: FeatureRequest, number: int | None) -> FeatureResult:
    """The "can't" button: its form, for staff and a callback nobody has called back yet
    (refused at once otherwise: unknown, done)."""
    if not deps.is_staff(request.user_id):
        return Refused(Forbidden("callback.error.staff_only"))
    if number is None:
        return Refused(DomainError("callback.error.missing_ref"))
    try:
        async with deps.sessions.begin() as session:  # a double click is recorded
            cb = await cbs.find_callback(session, number)
            if cb.state == "done":
                return Refused(
                    Conflict("callback.error.done", number=number, user=cb.called_back_by or "-")
                )
            if request.intent and not await claim_action(
                session, deps, request.intent, window=DOUBLE_CLICK
            ):
                return Replayed()
    except DomainError as exc:
        return Refused(exc)
    return OpenPassForm(number, deps.config.assignable_in_order(request.platform))


async def pass_from_form(
    deps: Deps, request: FeatureRequest, number: int, colleague: str | None, note: str
) -> FeatureResult:
    """The "can't" form submitted: with a colleague, the callback is handed to them with its
    context (the handoff card); without, it passes on along the ladder, as `pass CB<n>`."""
    if not deps.is_staff(request.user_id):
        return Refused(Forbidden("callback.error.staff_only"))
    cmd = CallbackCommand("pass", number=number, owner=colleague or None, note=note)
    try:
        async with deps.sessions.begin() as session:
            if not await _once(session, deps, request):
                return Replayed()
            return await _pass(session, deps, request, cmd)
    except DomainError as exc:
        return Refused(exc)


# --------------------------------------------------------------------------- /away


async def _away_status(session: AsyncSession, deps: Deps, user_id: str) -> Said:
    absence = await absence_of(session, user_id, at=deps.clock.now(), deps=deps)
    if absence is None:
        return Said("away.status_present")
    if absence.source == "status":
        return Said("away.status_from_platform", {"emoji": absence.reason})
    return Said(
        "away.status_away",
        {
            "until": _until_param(absence.until, deps),
            "delegate_user": absence.delegate or "",
            "reason": absence.reason or "-",
        },
    )


async def _away_set(session: AsyncSession, deps: Deps, user_id: str, cmd: AwayCommand) -> Said:
    until = resolve_until(cmd, deps, deps.clock.now())
    row = await set_away(
        session, deps, user_id, until=until, delegate=cmd.delegate, reason=cmd.reason
    )
    if row.delegate:
        return Said(
            "away.set_delegate", {"until": _until_param(row.until, deps), "user": row.delegate}
        )
    return Said("away.set", {"until": _until_param(row.until, deps)})


def _until_param(until: datetime, deps: Deps) -> dict[str, str] | None:
    """The end of an absence for the reader: a whole day off (`까지: 금요일`, ending at the next
    midnight) as that day, `12월 4일(금)`; any other end as a moment, `12월 4일(금) 17:00`."""
    local = until.astimezone(deps.tz)
    today = deps.clock.now().astimezone(deps.tz).date()
    if local.time() == time(0):
        return dated(local.date() - timedelta(days=1), today)
    return timed(until, deps.tz, today)


async def run_away_command(deps: Deps, request: FeatureRequest) -> FeatureResult:
    """Parse and run one `away …` command (set, off, status, help)."""
    today = deps.clock.now().astimezone(deps.tz).date()
    try:
        cmd = parse_away_command(request.text, today)
    except UsageError as exc:
        return Usage(exc.key, exc.params, exc.usage)
    if cmd.action == "help":
        return FeatureHelp("away.help")
    if not deps.is_staff(request.user_id):
        return Refused(Forbidden("away.error.staff_only"))
    try:
        if cmd.action == "status":
            async with deps.reads.begin() as session:
                return await _away_status(session, deps, request.user_id)
        async with deps.sessions.begin() as session:
            if not await _once(session, deps, request):
                return Replayed()
            if cmd.action == "off":
                ended = await end_away(session, deps, request.user_id)
                return Said("away.off" if ended else "away.off_none")
            return await _away_set(session, deps, request.user_id, cmd)
    except DomainError as exc:
        return Refused(exc)


# --------------------------------------------------------------------------- the form

FORM_FIELDS = ("owner", "caller", "company", "phone", "topic", "inquiry", "urgent")


@dataclass(frozen=True)
class CallbackForm:
    """A checked log-a-callback form."""

    owner: str
    caller: str
    company: str
    phone: str
    topic: str
    inquiry: int | None
    urgent: bool


def read_callback_form(
    values: dict[str, str | None],
) -> tuple[CallbackForm | None, dict[str, str]]:
    """Check a submitted form (field name → value): the form, or errors by field (catalogue
    keys, rendered by the adapter under each field)."""
    errors: dict[str, str] = {}

    def text(name: str, limit: int) -> str:
        value = clean_text(values.get(name) or "")
        if len(value) > limit:
            errors[name] = "callback.form.too_long"
        return value[:limit]

    owner = (values.get("owner") or "").strip()
    if not owner:
        errors["owner"] = "callback.error.missing_owner"
    phone_text = text("phone", 40)
    phone = normalize_phone(phone_text) if phone_text else None
    if phone is None:
        errors["phone"] = (
            "callback.form.bad_phone" if phone_text else "callback.error.missing_phone"
        )
    inquiry_text = text("inquiry", 20)
    inquiry = parse_ref(inquiry_text) if inquiry_text else None
    if inquiry_text and inquiry is None:
        errors["inquiry"] = "callback.form.bad_inquiry"
    form = CallbackForm(
        owner=owner,
        caller=text("caller", 200),
        company=text("company", 200),
        phone=phone or "",
        topic=text("topic", 500),
        inquiry=inquiry,
        urgent="urgent" in (values.get("urgent") or ""),
    )
    return (None, errors) if errors else (form, {})


async def log_from_form(
    deps: Deps, user_id: str, form: CallbackForm, key: str, platform: Platform
) -> FeatureResult:
    """Log the callback a form describes (once per submission key)."""
    if not deps.is_staff(user_id):
        return Refused(Forbidden("callback.error.staff_only"))
    try:
        async with deps.sessions.begin() as session:
            if not await claim_action(session, deps, key):
                return Replayed()
            cb = await cbs.log_callback(
                session,
                deps,
                by=user_id,
                owner=form.owner,
                caller=form.caller,
                company=form.company,
                phone=form.phone,
                topic=form.topic,
                inquiry_number=form.inquiry,
                urgent=form.urgent,
                platform=platform,
            )
    except DomainError as exc:
        return Refused(exc)
    if cb.start_at > cb.logged_at:
        return Said(
            "callback.logged_after_hours",
            {"number": cb.id, "user": form.owner, "start": timed(cb.start_at, deps.tz)},
        )
    return Said("callback.logged", {"number": cb.id, "user": form.owner})
