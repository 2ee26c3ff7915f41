"""Reminders: keep them in step with each inquiry, fire due ones as grouped nudges, snooze."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Kind, Status
from bot.domain.nudges import (
    Facts,
    Fired,
    Planned,
    channel_snoozers,
    next_repeat,
    plan,
    select_nudges,
    snooze_until,
)
from bot.errors import Conflict, Forbidden, NotFound
from bot.i18n import timed
from bot.ports import Recipient, ToPerson, ToRole, encode_recipient
from bot.services.home_refresh import refresh_homes
from bot.services.outbox import configured_platforms, enqueue_nudges
from bot.services.people import Absence, absence_of, is_absent
from storage.models import Inquiry, InquiryEvent, Reminder
from storage.repos.inquiries import list_events
from storage.repos.reminders import (
    SNOOZE_MARK,
    add_reminders,
    cancel_reminders,
    claim_due_reminders,
    get_reminders,
    list_pending_reminders,
    list_waiting_snoozes,
    move_reminders,
)

OPEN = {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD}


def base_key(key: str) -> str:
    """The planned key a snoozed or repeated reminder descends from."""
    return key.split("~", 1)[0]


def facts_of(inquiry: Inquiry, events: list[InquiryEvent], *, assignee_present: bool) -> Facts:
    """Collect what the nudge rules need from an inquiry and its history."""
    milestones: list[tuple[datetime, date]] = []
    progress: list[datetime] = []
    eta_set_at = None
    for e in events:
        if e.kind == "milestone" and e.new_value:
            milestones.append((e.at, date.fromisoformat(json.loads(e.new_value)["date"])))
        elif e.kind in ("progress", "resolved"):
            progress.append(e.at)
        elif e.kind == "eta":
            eta_set_at = e.at
    return Facts(
        kind=Kind(inquiry.kind),
        is_open=Status(inquiry.status) in OPEN,
        on_hold=inquiry.status == Status.ON_HOLD,
        sla_start=inquiry.sla_start_at,
        due_end=inquiry.due_date,
        first_response_at=inquiry.first_response_at,
        eta_at=inquiry.eta_at,
        eta_set_at=eta_set_at,
        milestones=tuple(milestones),
        progress_at=tuple(progress),
        assignee_present=assignee_present,
    )


async def _wanted(session: AsyncSession, deps: Deps, inquiry: Inquiry) -> list[Planned]:
    """The reminders the inquiry should have now."""
    assert inquiry.id is not None
    events = await list_events(session, inquiry_id=inquiry.id)
    present = inquiry.assignee_id is not None and not await is_absent(
        session, inquiry.assignee_id, at=deps.clock.now()
    )
    facts = facts_of(inquiry, events, assignee_present=present)
    return plan(inquiry.id, facts, deps.calendar, deps.nudges)


async def sync_reminders(session: AsyncSession, deps: Deps, inquiry: Inquiry) -> None:
    """Recompute the inquiry's reminders: cancel the pointless ones, move the ones whose time
    changed (an escalation once there is an assignee), add the missing ones."""
    assert inquiry.id is not None
    await session.flush()
    wanted = {p.key: p for p in await _wanted(session, deps, inquiry)}
    pending = await list_pending_reminders(session, inquiry_id=inquiry.id)
    await cancel_reminders(
        session, ids=[r.id for r in pending if r.id and base_key(r.key) not in wanted]
    )
    await move_reminders(
        session,
        [
            (r.id, wanted[r.key].due_at)
            for r in pending
            if r.id and r.key in wanted and r.due_at != wanted[r.key].due_at
        ],
    )
    have = {r.key for r in pending}
    now = deps.clock.now()
    await add_reminders(
        session,
        [
            Reminder(
                key=p.key,
                inquiry_id=inquiry.id,
                obligation=p.obligation,
                kind=p.kind,
                audience=p.audience,
                due_at=p.due_at,
                deadline_at=p.deadline_at,
                repeat=p.repeat,
                created_at=now,
            )
            for p in wanted.values()
            if p.key not in have
        ],
    )


def _manager_of(deps: Deps, user_id: str | None) -> str | None:
    team = deps.config.team_of(user_id) if user_id else None
    if team is not None:
        return team.manager
    return deps.config.teams[0].manager if deps.config.teams else None


def _recipients(deps: Deps, inquiry: Inquiry, audience: str) -> list[Recipient]:
    """Who hears a reminder: the assignee (the triage channel while there is none), or the
    assignee's manager (the first team's manager while there is none)."""
    if audience == "assignee":
        if inquiry.assignee_id:
            return [ToPerson(inquiry.assignee_id)]
        return [ToRole("triage")] if configured_platforms(deps, "triage") else []
    manager = _manager_of(deps, inquiry.assignee_id)
    return [ToPerson(manager)] if manager else []


async def _routed(
    session: AsyncSession,
    deps: Deps,
    inquiry: Inquiry,
    audience: str,
    now: datetime,
    away: dict[str, Absence | None],
) -> list[Recipient]:
    """`_recipients`, with an absent assignee's nudges going to their delegate (when the
    delegate is staff and not away too), else to the triage channel (the team)."""
    recipients = _recipients(deps, inquiry, audience)
    if audience != "assignee" or not inquiry.assignee_id:
        return recipients
    absence = await _absence(session, deps, inquiry.assignee_id, now, away)
    if absence is None:
        return recipients
    delegate = absence.delegate
    if (
        delegate
        and deps.is_staff(delegate)
        and await _absence(session, deps, delegate, now, away) is None
    ):
        return [ToPerson(delegate)]
    return [ToRole("triage")] if configured_platforms(deps, "triage") else recipients


async def _absence(
    session: AsyncSession, deps: Deps, user_id: str, now: datetime, away: dict[str, Absence | None]
) -> Absence | None:
    if user_id not in away:
        away[user_id] = await absence_of(session, user_id, at=now, deps=deps)
    return away[user_id]


def _key_part(recipient: Recipient) -> str:
    """A recipient in a nudge's idempotency key: a person's id as before the seam, else its
    encoded address."""
    return recipient.user_id if isinstance(recipient, ToPerson) else encode_recipient(recipient)


def _fired(r: Any) -> Fired:
    return Fired(
        id=r.id,
        inquiry_id=r.inquiry_id,
        obligation=r.obligation,
        kind=r.kind,
        audience=r.audience,
        deadline_at=r.deadline_at,
        snooze=SNOOZE_MARK in r.key,
    )


async def send_due_nudges(session: AsyncSession, deps: Deps, *, limit: int = 1000) -> int:
    """Claim due reminders and queue one grouped nudge per recipient; return how many fired.

    What is shown follows `select_nudges` (only the most advanced state per obligation, a
    waiting snooze holds its obligation back); the message has one line per inquiry.
    """
    now = deps.clock.now()
    claimed = await claim_due_reminders(session, now=now, limit=limit)
    if not claimed:
        return 0
    ids = sorted({r.inquiry_id for r in claimed})
    inquiries = {
        i.id: i for i in (await session.exec(select(Inquiry).where(col(Inquiry.id).in_(ids)))).all()
    }
    live = []
    for r in claimed:
        inquiry = inquiries.get(r.inquiry_id)
        if inquiry is not None and inquiry.status in OPEN and inquiry.status != Status.ON_HOLD:
            live.append(r)
    waiting = await list_waiting_snoozes(session, inquiry_ids=ids, after=now)
    snoozed = frozenset(_fired(w).slot for w in waiting)
    groups: dict[Recipient, list[dict[str, Any]]] = defaultdict(list)
    away: dict[str, Absence | None] = {}
    for shown in select_nudges([_fired(r) for r in live], now, snoozed):
        f = shown.fired
        inquiry = inquiries[f.inquiry_id]
        item = {
            "reminder": f.id,
            "number": inquiry.number,
            "title": inquiry.title,
            "obligation": f.obligation.split(":")[0],
            "promise": f.obligation,  # unique per inquiry (milestones carry their date)
            "kind": shown.stage,
            "deadline": timed(f.deadline_at, deps.tz),  # written for each reader
            "assignee": inquiry.assignee_id or "",
            # the card's link on the recipient's platform is added when the nudge is rendered
            "inquiry_id": inquiry.id,
            "overdue": now >= f.deadline_at,
        }
        for recipient in await _routed(session, deps, inquiry, f.audience, now, away):
            groups[recipient].append(item)
    await add_reminders(session, _repeats(live, deps, now))
    nudges = []
    for recipient, items in groups.items():
        digest = hashlib.sha1(",".join(str(i["reminder"]) for i in items).encode()).hexdigest()
        nudges.append((f"nudge:{_key_part(recipient)}:{digest}", recipient, items))
    await enqueue_nudges(session, deps, nudges, now=now)
    return len(claimed)


def _repeats(live: list[Any], deps: Deps, now: datetime) -> list[dict[str, Any]]:
    """While overdue: the next escalation and the assignee's next overdue nudge.

    Only planned escalations and their repeats schedule repeats (a snooze copy does not), and
    repeats land on next_repeat's shared grid, so every overdue inquiry of one person comes
    back in the same message, one line each.
    """
    out: list[dict[str, Any]] = []
    for r in live:
        if r.kind != "escalation" or SNOOZE_MARK in r.key:
            continue
        # counted from now: a sweep that runs late (or a jumped clock) must not fire a burst
        again = next_repeat(max(r.due_at, now), deps.calendar, deps.nudges.overdue_repeat)
        base = base_key(r.key)
        for kind, audience, key in (
            ("escalation", r.audience, base),
            ("deadline", "assignee", f"{base.rsplit(':', 1)[0]}:deadline"),
        ):
            out.append(
                {
                    "key": f"{key}~rep{r.repeat + 1}",
                    "inquiry_id": r.inquiry_id,
                    "obligation": r.obligation,
                    "kind": kind,
                    "audience": audience,
                    "due_at": again,
                    "deadline_at": r.deadline_at,
                    "state": "pending",
                    "repeat": r.repeat + 1,
                    "created_at": now,
                    "sent_at": None,
                }
            )
    return out


@dataclass(frozen=True)
class Snoozed:
    """What a snooze postponed: until when, and per inquiry number its obligations."""

    until: datetime
    items: list[tuple[int, list[str]]]


def _check_snoozer(
    deps: Deps, inquiry: Inquiry, audience: str, user_id: str, delegates: frozenset[str]
) -> None:
    """Only whoever a reminder is for may snooze it.

    A DM nudge: its recipient (a forged button value naming another person's reminder is
    refused). A channel nudge: the assignee and the people of the assignee's team (every
    team while unassigned).
    """
    recipients = _recipients(deps, inquiry, audience)
    if ToPerson(user_id) in recipients or (inquiry.assignee_id or "") in delegates:
        return
    if any(not isinstance(r, ToPerson) for r in recipients):
        teams = [(t.manager, t.members) for t in deps.config.teams]
        if user_id in channel_snoozers(inquiry.assignee_id, teams):
            return
        if inquiry.assignee_id is None:
            raise Forbidden(
                "nudge.error.channel_unassigned",
                number=inquiry.number,
                teams=", ".join(t.name for t in deps.config.teams) or "-",
            )
        team = deps.config.team_of(inquiry.assignee_id)
        if team is None:
            raise Forbidden(
                "nudge.error.channel_assignee", number=inquiry.number, assignee=inquiry.assignee_id
            )
        raise Forbidden(
            "nudge.error.channel_team",
            number=inquiry.number,
            assignee=inquiry.assignee_id,
            team=team.name,
        )
    owner = next((r.user_id for r in recipients if isinstance(r, ToPerson)), "")
    raise Forbidden("nudge.error.not_yours", number=inquiry.number, owner_user=owner)


async def _delegates_for(
    session: AsyncSession, deps: Deps, user_id: str, now: datetime
) -> frozenset[str]:
    """Whom user_id stands in for now: the assignees whose absence names them (their nudges
    came to user_id, so user_id may snooze them). Looked up per assignee of the team."""
    out: set[str] = set()
    for person in deps.config.assignable:
        absence = await absence_of(session, person, at=now)
        if absence is not None and absence.delegate == user_id:
            out.add(person)
    return frozenset(out)


async def snooze_reminders(
    session: AsyncSession,
    deps: Deps,
    *,
    ids: list[int],
    minutes: int,
    user_id: str,
    record: bool = True,
) -> Snoozed:
    """Postpone the obligations of these reminders by `minutes` of business time (with
    `record=False` only say what would be postponed: a double click's second click).

    The snooze copy wakes up at the stage its obligation has reached by then (see
    `stage_when_fired`); until then nothing else about those obligations reaches that
    audience. Reminders whose obligation is met in the meantime are skipped.
    """
    now = deps.clock.now()
    until = snooze_until(now, minutes, deps.calendar)
    stamp = until.strftime("%Y%m%dT%H%M")
    originals = await get_reminders(session, ids=ids)
    if not originals:
        raise NotFound("nudge.error.gone")
    inquiries = {
        i.id: i
        for i in (
            await session.exec(
                select(Inquiry).where(col(Inquiry.id).in_({r.inquiry_id for r in originals}))
            )
        ).all()
    }
    delegates = await _delegates_for(session, deps, user_id, now)
    for r in originals:
        _check_snoozer(deps, inquiries[r.inquiry_id], r.audience, user_id, delegates)
    copies: list[Reminder] = []
    snoozed: dict[int, list[str]] = defaultdict(list)
    wanted: dict[int, set[str]] = {}
    for r in originals:
        inquiry = inquiries[r.inquiry_id]
        if inquiry.id not in wanted:
            live = inquiry.status in OPEN and inquiry.status != Status.ON_HOLD
            wanted[r.inquiry_id] = (
                {p.key for p in await _wanted(session, deps, inquiry)} if live else set()
            )
        if base_key(r.key) not in wanted[r.inquiry_id]:
            continue  # met, moved or closed since: nothing left to postpone
        copies.append(
            Reminder(
                key=f"{base_key(r.key)}{SNOOZE_MARK}{stamp}",
                inquiry_id=r.inquiry_id,
                obligation=r.obligation,
                kind=r.kind,
                audience=r.audience,
                due_at=until,
                deadline_at=r.deadline_at,
                repeat=r.repeat,
                created_at=now,
            )
        )
        name = r.obligation.split(":")[0]
        if name not in snoozed[inquiry.number]:
            snoozed[inquiry.number].append(name)
    if not copies:
        numbers = sorted({i.number for i in inquiries.values()})
        raise Conflict("nudge.error.nothing_left", number=numbers[0])
    if record:
        await add_reminders(session, copies)
        await refresh_homes(session, deps, [user_id], now=now)  # their snoozed nudges
    return Snoozed(until=until, items=sorted(snoozed.items()))
