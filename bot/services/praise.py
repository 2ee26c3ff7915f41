"""Praise (C15): recorded, told to the staff member and their manager, posted to the
recognition channel with `praise.public` and the giver's consent; a 5-rating survey comment
becomes praise with one button; managers name exemplary staff; the month's examples are
announced in the reports channel on the first business day of the next month (a timer the
sweep plans for every month, re-armed for the next one when it fires; a month without any
praise says so).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.feedback import PRAISE_RATING, month_bounds, monthly_examples
from bot.domain.text import sanitize
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.ports import ToConversation, ToPerson, ToRole
from bot.services import timers
from bot.services.feedback_common import manager_of, may_review, refuse_non_staff
from bot.services.outbox import enqueue_message
from bot.services.timers import Due
from storage.models import Praise
from storage.repos.praise import add_praise, get_praise, get_praise_of_survey, list_praise
from storage.repos.surveys import get_survey
from storage.repos.timers import get_timer

MONTHLY = "praise.monthly"  # timer kind: announce a month's examples


def may_share(deps: Deps) -> bool:
    """Whether praise can be posted publicly at all (`praise.public` and a channel)."""
    return deps.config.praise.public and bool(deps.config.praise.channel)


async def give_praise(
    session: AsyncSession,
    deps: Deps,
    *,
    giver_id: str,
    staff_id: str,
    text: str,
    kind: str = "praise",
    source: str = "command",
    survey_id: int | None = None,
) -> Praise:
    """Record praise (or an exemplary nomination); tell the staff member and their manager."""
    usage = f"feedback.usage.{kind}"
    refuse_non_staff(deps, staff_id, usage)
    if deps.config.same_person(giver_id, staff_id):
        raise DomainError("praise.error.yourself", usage=usage)
    if kind == "exemplary" and not may_review(deps, giver_id, staff_id):
        raise Forbidden("praise.error.managers_only")
    now = deps.clock.now()
    praise = await add_praise(
        session,
        Praise(
            kind=kind,
            staff_id=staff_id,
            giver_id=giver_id,
            source=source,
            survey_id=survey_id,
            text=sanitize(text),
            created_at=now,
        ),
    )
    assert praise.id is not None
    # a customer's praise names no customer to the staff member (the words are the point)
    giver = giver_id if deps.is_staff(giver_id) and source == "command" else ""
    people = {staff_id, manager_of(deps, staff_id)} - {"", giver_id}
    for to in sorted(people):
        text_key = "praise.notify.staff" if to == staff_id else "praise.notify.manager"
        if kind == "exemplary":
            text_key += "_exemplary"
        elif not giver:
            text_key += "_customer"  # a customer's (or a survey's) praise names nobody
        await enqueue_message(
            session,
            key=f"praise:{praise.id}:{to}",
            recipient=ToPerson(to),
            text_key=text_key,
            params={
                "staff_user": staff_id,
                "giver_user": giver,
                "text": praise.text,
            },
            now=now,
        )
    await plan_monthly(session, deps, now)
    return praise


async def share_praise(session: AsyncSession, deps: Deps, praise_id: int, user_id: str) -> Praise:
    """The giver's consent: post the praise to the recognition channel (once)."""
    praise = await get_praise(session, praise_id, lock=True)
    if praise is None:
        raise NotFound("praise.error.not_found")
    if not deps.config.same_person(user_id, praise.giver_id):
        raise Forbidden("praise.error.giver_only")
    if not may_share(deps):
        raise Conflict("praise.error.not_public")
    if praise.posted_at is not None:
        raise Conflict("praise.error.already_posted")
    now = deps.clock.now()
    praise.consent = True
    praise.posted_at = now
    channel = deps.config.praise.channel
    # The recognition channel is one configured conversation, not a channel role of
    # [channels]: its platform follows from the id (C… Slack, 19:… Teams).
    await enqueue_message(
        session,
        key=f"praise-public:{praise.id}",
        recipient=ToConversation(channel),
        platform="teams" if channel.startswith("19:") else "slack",
        text_key="praise.public",
        params={
            "staff_user": praise.staff_id,
            "text": praise.text,
        },
        now=now,
    )
    session.add(praise)
    return praise


async def praise_from_survey(
    session: AsyncSession, deps: Deps, survey_id: int, actor_id: str
) -> Praise:
    """The manager's one button on a 5-rating comment: it becomes praise for the assignee."""
    survey = await get_survey(session, survey_id, lock=True)
    if survey is None or not survey.assignee_id:
        raise NotFound("survey.error.not_found")
    if not may_review(deps, actor_id, survey.assignee_id):
        raise Forbidden("praise.error.managers_only")
    if survey.rating != PRAISE_RATING or not survey.comment:
        raise Conflict("praise.error.not_five", number=survey.inquiry_number)
    if await get_praise_of_survey(session, survey_id=survey_id) is not None:
        raise Conflict("praise.error.already_from_survey", number=survey.inquiry_number)
    return await give_praise(
        session,
        deps,
        giver_id=survey.requester_id,
        staff_id=survey.assignee_id,
        text=survey.comment,
        source="survey",
        survey_id=survey_id,
    )


# --------------------------------------------------------------------------- the month's examples


def monthly_due(deps: Deps, year: int, month: int) -> datetime:
    """When a month's examples are announced: 09:00 on the first business day after it."""
    _, (ny, nm, nd) = month_bounds(year, month)
    first = date(ny, nm, nd)
    if not deps.calendar.is_business_day(first):
        first = deps.calendar.next_business_day(first)
    return datetime.combine(first, time(9), deps.tz)


def monthly_key(year: int, month: int) -> str:
    """The timer of a month's announcement (one per month)."""
    return f"praise-monthly:{year:04d}-{month:02d}"


async def plan_monthly(session: AsyncSession, deps: Deps, now: datetime) -> None:
    """Plan the announcement of the month `now` falls in (idempotent: one per month)."""
    local = now.astimezone(deps.tz)
    await timers.set_timer(
        session,
        deps,
        key=monthly_key(local.year, local.month),
        kind=MONTHLY,
        subject_id=local.year * 100 + local.month,
        due_at=monthly_due(deps, local.year, local.month),
        payload={"year": local.year, "month": local.month},
    )


async def ensure_monthly(session: AsyncSession, deps: Deps) -> bool:
    """Plan this month's announcement unless it is planned (or done) already: the sweep calls
    it, so a month without any praise still gets its post. True when it planned one."""
    local = deps.clock.now().astimezone(deps.tz)
    if await get_timer(session, monthly_key(local.year, local.month)) is not None:
        return False
    await plan_monthly(session, deps, local)
    return True


async def post_monthly_examples(session: AsyncSession, deps: Deps, year: int, month: int) -> bool:
    """Post a month's examples to the reports channel; False when the month had none."""
    (y, m, d), (ny, nm, nd) = month_bounds(year, month)
    rows = await list_praise(
        session,
        created_from=datetime.combine(date(y, m, d), time(0), deps.tz),
        created_before=datetime.combine(date(ny, nm, nd), time(0), deps.tz),
    )
    examples = monthly_examples(
        (p.staff_id for p in rows if p.kind == "praise"),
        (p.staff_id for p in rows if p.kind == "exemplary"),
    )
    if not examples:
        return False
    praised = [e for e in examples if e.praise]
    named = [p for p in rows if p.kind == "exemplary"]
    await enqueue_message(
        session,
        key=f"praise-monthly:{year:04d}-{month:02d}",
        recipient=ToRole("reports"),
        text_key="praise.monthly",
        params={
            "month": f"{year:04d}-{month:02d}",
            "praised_users": [e.staff_id for e in praised],
            "counts": ", ".join(str(e.praise) for e in praised) or "-",
            "exemplary_users": list(dict.fromkeys(p.staff_id for p in named)),
            "reasons": " / ".join(p.text for p in named) or "-",
        },
        now=deps.clock.now(),
        deps=deps,
    )
    return True


async def _monthly_timer(session: AsyncSession, deps: Deps, due: Due) -> None:
    """Announce the month's examples (or that there were none), then plan the next month's
    announcement."""
    year, month = int(due.payload["year"]), int(due.payload["month"])
    if not await post_monthly_examples(session, deps, year, month):
        await enqueue_message(
            session,
            key=f"praise-monthly:{year:04d}-{month:02d}",
            recipient=ToRole("reports"),
            text_key="praise.monthly_none",
            params={"month": f"{year:04d}-{month:02d}"},
            now=deps.clock.now(),
            deps=deps,
        )
    await plan_monthly(session, deps, monthly_due(deps, year, month))


TIMERS: dict[str, timers.Handler] = {MONTHLY: _monthly_timer}
