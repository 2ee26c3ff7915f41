"""Reminders: keep them in step with each inquiry, fire due ones as grouped nudges, snooze."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Kind, Status
from bot.domain.nudges import Facts, next_repeat, plan, snooze_until
from bot.errors import Forbidden
from bot.services.formatting import fmt_time
from bot.services.outbox import enqueue_nudges
from storage.models import Inquiry, InquiryEvent, Reminder
from storage.repos.inquiries import list_events
from storage.repos.reminders import (
    add_reminders,
    cancel_reminders,
    claim_due_reminders,
    get_reminders,
    list_pending_reminders,
)

OPEN = {Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ON_HOLD}


def base_key(key: str) -> str:
    """The planned key a snoozed or repeated reminder descends from."""
    return key.split("~", 1)[0]


def facts_of(inquiry: Inquiry, events: list[InquiryEvent]) -> Facts:
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
    )


async def sync_reminders(session: AsyncSession, deps: Deps, inquiry: Inquiry) -> None:
    """Recompute the inquiry's reminders: cancel the pointless ones, add the missing ones."""
    assert inquiry.id is not None
    await session.flush()
    events = await list_events(session, inquiry_id=inquiry.id)
    wanted = plan(inquiry.id, facts_of(inquiry, events), deps.calendar, deps.nudges)
    wanted_keys = {p.key for p in wanted}
    pending = await list_pending_reminders(session, inquiry_id=inquiry.id)
    await cancel_reminders(
        session, ids=[r.id for r in pending if r.id and base_key(r.key) not in wanted_keys]
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
            for p in wanted
            if p.key not in have
        ],
    )


def _manager_of(deps: Deps, user_id: str | None) -> str | None:
    team = deps.config.team_of(user_id) if user_id else None
    if team is not None:
        return team.manager
    return deps.config.teams[0].manager if deps.config.teams else None


def _recipients(deps: Deps, inquiry: Inquiry, audience: str) -> list[str]:
    triage = deps.config.channels.triage
    if audience == "assignee":
        return [inquiry.assignee_id] if inquiry.assignee_id else ([triage] if triage else [])
    manager = _manager_of(deps, inquiry.assignee_id)
    out = [manager] if manager else []
    if not inquiry.assignee_id and triage:
        out.append(triage)
    return out


def _card_link(inquiry: Inquiry) -> str:
    if inquiry.card_channel and inquiry.card_ts:
        return (
            f"https://slack.com/archives/{inquiry.card_channel}/p{inquiry.card_ts.replace('.', '')}"
        )
    return ""


async def send_due_nudges(session: AsyncSession, deps: Deps, *, limit: int = 1000) -> int:
    """Claim due reminders and queue one grouped nudge per recipient; return how many fired."""
    now = deps.clock.now()
    claimed = await claim_due_reminders(session, now=now, limit=limit)
    if not claimed:
        return 0
    ids = sorted({r.inquiry_id for r in claimed})
    inquiries = {
        i.id: i for i in (await session.exec(select(Inquiry).where(col(Inquiry.id).in_(ids)))).all()
    }
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    repeats: list[dict[str, Any]] = []
    for r in claimed:
        inquiry = inquiries.get(r.inquiry_id)
        if (
            inquiry is None
            or Status(inquiry.status) not in OPEN
            or inquiry.status == Status.ON_HOLD
        ):
            continue
        item = {
            "reminder": r.id,
            "number": inquiry.number,
            "title": inquiry.title,
            "obligation": r.obligation.split(":")[0],
            "kind": r.kind,
            "deadline": fmt_time(r.deadline_at, deps),
            "assignee": inquiry.assignee_id or "",
            "link": _card_link(inquiry),
            "overdue": now >= r.deadline_at,
        }
        for recipient in _recipients(deps, inquiry, r.audience):
            groups[recipient].append(item)
        if r.kind == "escalation":
            # counted from now: a sweep that runs late (or a jumped clock) must not fire a burst
            again = next_repeat(max(r.due_at, now), deps.calendar, deps.nudges.overdue_repeat)
            base = base_key(r.key)
            for kind, audience, key in (
                ("escalation", r.audience, base),
                ("deadline", "assignee", f"{base.rsplit(':', 1)[0]}:deadline"),
            ):
                repeats.append(
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
    await add_reminders(session, repeats)
    nudges = []
    for recipient, items in groups.items():
        digest = hashlib.sha1(",".join(str(i["reminder"]) for i in items).encode()).hexdigest()
        nudges.append((f"nudge:{recipient}:{digest}", recipient, items))
    await enqueue_nudges(session, nudges, now=now)
    return len(claimed)


async def snooze_reminders(
    session: AsyncSession, deps: Deps, *, ids: list[int], minutes: int, user_id: str
) -> datetime:
    """Fire these reminders again after `minutes` of business time (staff only)."""
    if not deps.is_staff(user_id):
        raise Forbidden("nudge.error.forbidden", who_key="inquiry.who.staff")
    now = deps.clock.now()
    until = snooze_until(now, minutes, deps.calendar)
    stamp = until.strftime("%Y%m%dT%H%M")
    originals = await get_reminders(session, ids=ids)
    await add_reminders(
        session,
        [
            Reminder(
                key=f"{base_key(r.key)}~snz{stamp}",
                inquiry_id=r.inquiry_id,
                obligation=r.obligation,
                kind=r.kind,
                audience=r.audience,
                due_at=until,
                deadline_at=r.deadline_at,
                repeat=r.repeat,
                created_at=now,
            )
            for r in originals
        ],
    )
    return until
