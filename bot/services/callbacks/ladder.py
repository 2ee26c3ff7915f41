"""The callback ladder (C7): log a call to return, offer it rung by rung (owner → team
colleagues who are not away → the team's manager → escalation to the manager and triage),
claim it race-safely, mark it called back, pass it on, re-open it when a claim times out.

Every wall-clock step is a timer (bot/services/timers.py) planned in the transaction of the
change: keys carry the ladder's round (`callback:<id>:r<round>:<rung>`), so a re-opened
ladder plans fresh timers and a fired one never fires again. Handlers re-read the callback
and do nothing when the moment has passed (claimed, called back, a later round). Offers and
notes go through the outbox with keys per callback, round, rung and person: a retried or
re-run step sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.callbacks import (
    ESCALATE,
    MANAGER,
    OWNER,
    RUNGS,
    TEAM,
    Ladder,
    ladder_start,
    rung_times,
    within_sla,
)
from bot.domain.durations import parse_duration
from bot.errors import Conflict, Forbidden, NotFound
from bot.ports import ToPerson, ToRole, platform_of_user
from bot.services.absence import route_person
from bot.services.handoffs import hand_over, refuse_absent
from bot.services.home_refresh import refresh_for_callback
from bot.services.inquiries.access import find_inquiry
from bot.services.outbox import (
    configured_platforms,
    enqueue_internal_message,
    enqueue_object_message,
)
from bot.services.people import absence_of
from bot.services.timers import Due, Handler, cancel, set_timer
from storage.models import Callback, CallbackStep
from storage.repos.callbacks import (
    CALLBACK,
    add_callback,
    add_step,
    change_callback,
    get_callback,
    list_steps,
    offered_to,
)

OFFER = "callback"  # the outbox kind of a callback offer (rendered with its buttons)
RUNG_TIMER = "callback.rung"
ESCALATE_TIMER = "callback.escalate"
CLAIM_TIMER = "callback.claim_timeout"
LIVE = ("open", "claimed")


def ladder_of(deps: Deps) -> Ladder:
    """The configured waits (`[callbacks]`, `[sla] callback`)."""
    cfg = deps.config.callbacks
    return Ladder(
        owner_wait=parse_duration(cfg.owner_wait).wall,
        team_wait=parse_duration(cfg.team_wait).wall,
        total=parse_duration(deps.config.sla.callback).wall,
        claim_timeout=parse_duration(cfg.claim_timeout).wall,
    )


async def find_callback(session: AsyncSession, number: int, *, lock: bool = False) -> Callback:
    """Callback CB<number>, or a refusal naming it."""
    cb = await get_callback(session, callback_id=number, for_update=lock)
    if cb is None:
        raise NotFound("callback.error.not_found", number=number)
    return cb


async def _step(
    session: AsyncSession,
    deps: Deps,
    cb: Callback,
    kind: str,
    now: datetime,
    *,
    rung: str = "",
    actor: str = "",
    user: str = "",
    note: str = "",
) -> None:
    assert cb.id is not None
    await add_step(
        session,
        CallbackStep(
            callback_id=cb.id,
            at=now,
            kind=kind,
            rung=rung,
            round=cb.round,
            actor_id=actor,
            user_id=user,
            note=note,
        ),
    )
    await refresh_for_callback(session, deps, cb, also=(user, actor))


async def log_callback(
    session: AsyncSession,
    deps: Deps,
    *,
    by: str,
    owner: str,
    caller: str,
    company: str,
    phone: str,
    topic: str,
    inquiry_number: int | None,
    urgent: bool,
    platform: str,
) -> Callback:
    """Log a call to return for `owner` and start its ladder (at once, or at the next
    opening when logged outside business hours and not urgent)."""
    if not deps.is_staff(by):
        raise Forbidden("callback.error.staff_only")
    if not deps.is_assignable(owner):
        raise Forbidden("callback.error.owner_not_staff", user=owner)
    inquiry_id = None
    if inquiry_number is not None:
        inquiry_id = (await find_inquiry(session, inquiry_number)).id
    now = deps.clock.now()
    start = ladder_start(now, deps.calendar, urgent=urgent)
    cb = await add_callback(
        session,
        Callback(
            owner_id=owner,
            logged_by=by,
            platform=platform,
            caller=caller,
            company=company,
            phone=phone,
            topic=topic,
            inquiry_id=inquiry_id,
            urgent=urgent,
            logged_at=now,
            start_at=start,
        ),
    )
    await _step(session, deps, cb, "logged", now, actor=by, user=owner)
    assert cb.id is not None
    ladder = ladder_of(deps)
    await set_timer(
        session,
        deps,
        key=f"callback:{cb.id}:escalate",
        kind=ESCALATE_TIMER,
        subject_id=cb.id,
        due_at=start + ladder.total,
    )
    await _plan_round(session, deps, cb, start)
    if start <= now:
        await advance(session, deps, cb, OWNER, now)
    else:
        await set_timer(
            session,
            deps,
            key=f"callback:{cb.id}:r{cb.round}:{OWNER}",
            kind=RUNG_TIMER,
            subject_id=cb.id,
            due_at=start,
            payload={"rung": OWNER, "round": cb.round},
        )
    return cb


async def _plan_round(session: AsyncSession, deps: Deps, cb: Callback, start: datetime) -> None:
    """The team and manager rungs of the current round, counted from `start`."""
    assert cb.id is not None
    times = rung_times(start, ladder_of(deps))
    for rung in (TEAM, MANAGER):
        await set_timer(
            session,
            deps,
            key=f"callback:{cb.id}:r{cb.round}:{rung}",
            kind=RUNG_TIMER,
            subject_id=cb.id,
            due_at=times[rung],
            payload={"rung": rung, "round": cb.round},
        )


def _team_of(deps: Deps, owner: str) -> tuple[list[str], str | None]:
    """The owner's colleagues (config order) and their manager (the first team's when the
    owner is in none), by their ids on the owner's platform where they have one (a callback
    logged in Teams climbs the ladder in Teams)."""
    platform = platform_of_user(owner)

    def on_platform(user_id: str) -> str:
        return (deps.config.id_on(user_id, platform) if platform else "") or user_id

    team = deps.config.team_of(owner)
    if team is None:
        first = deps.config.teams[0] if deps.config.teams else None
        return [], on_platform(first.manager) if first else None
    members = [on_platform(m) for m in team.members if not deps.config.same_person(m, owner)]
    return members, on_platform(team.manager)


async def _who(
    session: AsyncSession, deps: Deps, cb: Callback, rung: str, now: datetime
) -> list[tuple[str, str]]:
    """Who is offered the callback at `rung`: (person, why) pairs; [] → the next rung."""
    colleagues, manager = _team_of(deps, cb.owner_id)
    if rung == OWNER:
        route = await route_person(session, deps, cb.owner_id, at=now)
        if route.to is None:
            return []
        return [(route.to, "owner" if route.to == cb.owner_id else "delegate")]
    if rung == TEAM:
        out = []
        for person in colleagues:
            if await absence_of(session, person, at=now, deps=deps) is None:
                out.append((person, "team"))
        return out
    if rung == MANAGER:
        if manager is None or deps.config.same_person(manager, cb.owner_id):
            return []
        route = await route_person(session, deps, manager, at=now)
        return [(route.to or manager, "manager")]
    return [(manager, "escalate")] if manager else []


async def _offer(
    session: AsyncSession,
    deps: Deps,
    cb: Callback,
    rung: str,
    now: datetime,
    to: str,
    why: str,
    **extra: Any,
) -> None:
    assert cb.id is not None
    await _step(session, deps, cb, "offered", now, rung=rung, user=to, note=why)
    await enqueue_object_message(
        session,
        deps,
        key=f"callback:{cb.id}:r{cb.round}:{rung}:{to}",
        kind=OFFER,
        recipient=ToPerson(to),
        payload={"callback_id": cb.id, "why": why, "owner": cb.owner_id, **extra},
        now=now,
    )


async def advance(
    session: AsyncSession, deps: Deps, cb: Callback, rung: str, now: datetime
) -> None:
    """Offer the callback at `rung`, or at the first later rung that has someone."""
    for current in RUNGS[RUNGS.index(rung) :]:
        if current == ESCALATE:
            await escalate(session, deps, cb, now)
            return
        people = await _who(session, deps, cb, current, now)
        if people:
            cb.rung = current
            for person, why in people:
                await _offer(session, deps, cb, current, now, person, why)
            return


async def escalate(session: AsyncSession, deps: Deps, cb: Callback, now: datetime) -> None:
    """The budget is spent (or nobody else is left): the manager and the triage channel."""
    assert cb.id is not None
    if cb.escalated_at is not None:
        return
    cb.escalated_at = now
    if cb.state == "open":
        cb.rung = ESCALATE
    await _step(session, deps, cb, "escalated", now, rung=ESCALATE)
    for person, why in await _who(session, deps, cb, ESCALATE, now):
        await _offer(session, deps, cb, ESCALATE, now, person, why)
    if configured_platforms(deps, "triage"):
        # a staff channel: the phone number is shown masked there
        await enqueue_object_message(
            session,
            deps,
            key=f"callback:{cb.id}:escalate:triage",
            kind=OFFER,
            recipient=ToRole("triage"),
            payload={"callback_id": cb.id, "why": "escalate", "owner": cb.owner_id},
            now=now,
        )


async def _tell(
    session: AsyncSession,
    deps: Deps,
    key: str,
    to: str,
    text_key: str,
    now: datetime,
    **params: Any,
) -> None:
    await enqueue_internal_message(
        session, deps, key=key, recipient=ToPerson(to), text_key=text_key, params=params, now=now
    )


async def claim(session: AsyncSession, deps: Deps, number: int, user_id: str) -> Callback:
    """ "I'll call": the first staff member to press it owns the call (one conditional update:
    of two presses at once exactly one wins, the other is told who has it)."""
    if not deps.is_staff(user_id):
        raise Forbidden("callback.error.staff_only")
    cb = await find_callback(session, number)
    now = deps.clock.now()
    won = await change_callback(
        session,
        callback_id=number,
        values={"state": "claimed", "claimed_by": user_id, "claimed_at": now},
        states=("open",),
    )
    cb = await find_callback(session, number)
    if not won:
        _refuse_taken(cb, user_id)
    assert cb.id is not None
    await _step(session, deps, cb, "claimed", now, actor=user_id, user=user_id)
    await cancel(
        session, keys=[f"callback:{cb.id}:r{cb.round}:{r}" for r in (OWNER, TEAM, MANAGER)]
    )
    await set_timer(
        session,
        deps,
        key=f"callback:{cb.id}:r{cb.round}:claim",
        kind=CLAIM_TIMER,
        subject_id=cb.id,
        due_at=now + ladder_of(deps).claim_timeout,
        payload={"round": cb.round, "user": user_id},
    )
    prefix = f"callback:{cb.id}:r{cb.round}:claimed"
    if not deps.config.same_person(cb.logged_by, user_id):
        await _tell(
            session,
            deps,
            f"{prefix}:logger",
            cb.logged_by,
            "callback.notify.claimed",
            now,
            number=cb.id,
            user=user_id,
        )
    for person in await offered_to(session, callback_id=cb.id, round_=cb.round):
        if person != user_id and person != cb.logged_by:
            await _tell(
                session,
                deps,
                f"{prefix}:{person}",
                person,
                "callback.notify.taken",
                now,
                number=cb.id,
                user=user_id,
            )
    return cb


def _refuse_taken(cb: Callback, user_id: str) -> None:
    if cb.state == "done":
        raise Conflict("callback.error.done", number=cb.id, user=cb.called_back_by or "-")
    if cb.claimed_by == user_id:
        raise Conflict("callback.error.already_yours", number=cb.id)
    raise Conflict("callback.error.taken", number=cb.id, user=cb.claimed_by or "-")


async def called_back(
    session: AsyncSession, deps: Deps, number: int, user_id: str, note: str
) -> Callback:
    """ "Called back": done (by whoever holds the claim, or anyone on staff while nobody
    does); the ladder stops and the person who logged it (and the owner) are told."""
    if not deps.is_staff(user_id):
        raise Forbidden("callback.error.staff_only")
    cb = await find_callback(session, number)
    now = deps.clock.now()
    won = await change_callback(
        session,
        callback_id=number,
        values={
            "state": "done",
            "called_back_at": now,
            "called_back_by": user_id,
            "claimed_by": cb.claimed_by or user_id,
            "claimed_at": cb.claimed_at or now,
            "note": note,
        },
        states=("open",),
    ) or await change_callback(
        session,
        callback_id=number,
        values={"state": "done", "called_back_at": now, "called_back_by": user_id, "note": note},
        states=("claimed",),
        claimed_by=user_id,
    )
    cb = await find_callback(session, number)
    if not won:
        if cb.state == "claimed" and cb.claimed_by != user_id:
            raise Conflict("callback.error.taken", number=cb.id, user=cb.claimed_by or "-")
        _refuse_taken(cb, "")
    assert cb.id is not None
    await _step(session, deps, cb, "called_back", now, actor=user_id, note=note)
    await cancel(session, kind_prefix="callback.", subject_id=cb.id)
    ladder = ladder_of(deps)
    minutes = max(0, int((now - cb.logged_at).total_seconds() // 60))
    params = {
        "number": cb.id,
        "user": user_id,
        "minutes": minutes,
        "note": note,
    }
    # C7: called back within `sla.callback` of the ladder's start (the logging, or the next
    # opening for a call logged outside business hours)
    told = (
        "callback.notify.called_back"
        if within_sla(cb.start_at, now, ladder.total)
        else "callback.notify.called_back_late"
    )
    for person in dict.fromkeys((cb.logged_by, cb.owner_id)):
        if not deps.config.same_person(person, user_id):
            await _tell(
                session,
                deps,
                f"callback:{cb.id}:done:{person}",
                person,
                told,
                now,
                **params,
            )
    return cb


async def pass_on(
    session: AsyncSession,
    deps: Deps,
    number: int,
    user_id: str,
    *,
    colleague: str | None = None,
    note: str = "",
) -> Callback:
    """ "Can't": the person passes the call on at once. A claimer gives it back; the owner (or
    their delegate) sends it to the team now; the last colleague offered it sends it up to
    the manager. With a colleague named it is transferred to them, with its context."""
    if not deps.is_staff(user_id):
        raise Forbidden("callback.error.staff_only")
    cb = await find_callback(session, number, lock=True)
    assert cb.id is not None
    if cb.state == "done":
        _refuse_taken(cb, "")
    now = deps.clock.now()
    if cb.state == "claimed":
        if cb.claimed_by != user_id:
            raise Conflict("callback.error.taken", number=cb.id, user=cb.claimed_by or "-")
        await change_callback(
            session,
            callback_id=cb.id,
            values={"state": "open", "claimed_by": None, "claimed_at": None},
            states=("claimed",),
        )
        cb = await find_callback(session, number)
        assert cb.id is not None
        await cancel(session, keys=[f"callback:{cb.id}:r{cb.round}:claim"])
        await _step(session, deps, cb, "released", now, actor=user_id, note=note)
    else:
        assert cb.id is not None
        offered_now = await offered_to(session, callback_id=cb.id, round_=cb.round)
        if user_id not in offered_now and not deps.config.same_person(user_id, cb.owner_id):
            raise Forbidden("callback.error.not_offered", number=cb.id)
        await _step(session, deps, cb, "passed", now, actor=user_id, note=note)
    if colleague is not None:
        await transfer_callback(session, deps, cb, user_id, colleague, note, now)
        return cb
    assert cb.id is not None
    offered = await offered_to(session, callback_id=cb.id, round_=cb.round)
    current = cb.rung or OWNER
    if current == OWNER:
        nxt = TEAM
    elif current == TEAM:
        # up to the manager once every colleague offered it has passed
        steps = await list_steps(session, callback_id=cb.id)
        passed = {s.actor_id for s in steps if s.kind in ("passed", "released")}
        passed_now = {s.actor_id for s in steps if s.round == cb.round} & passed
        nxt = MANAGER if set(offered) <= passed_now | {user_id} else ""
    elif current == MANAGER:
        nxt = ESCALATE
    else:
        nxt = ""
    if nxt:
        await advance(session, deps, cb, nxt, now)
    return cb


async def transfer_callback(
    session: AsyncSession,
    deps: Deps,
    cb: Callback,
    by: str,
    colleague: str,
    reason: str,
    now: datetime,
) -> None:
    """Hand the call to a colleague (C8): they become its owner and get the handoff card, as
    for an inquiry (bot/services/handoffs.py): the caller, the topic, the linked inquiry's
    context, who handed it over and why, with the callback's buttons."""
    assert cb.id is not None
    if not deps.is_assignable(colleague):
        raise Forbidden("callback.error.owner_not_staff", user=colleague)
    if deps.config.same_person(colleague, by):
        raise Conflict("handoff.error.self")
    await refuse_absent(session, deps, colleague, now)
    old = cb.owner_id
    cb.owner_id = colleague
    await _step(session, deps, cb, "transferred", now, actor=by, user=colleague, note=reason)
    # offered to them (they may pass it on again), the card being the offer
    await _step(session, deps, cb, "offered", now, rung=OWNER, user=colleague, note="transferred")
    await hand_over(
        session,
        deps,
        object_kind=CALLBACK,
        object_id=cb.id,
        from_id=old,
        to_user=colleague,
        by=by,
        reason=reason,
        now=now,
    )


async def reopen(session: AsyncSession, deps: Deps, cb: Callback, now: datetime) -> None:
    """A claim that was not followed by "called back" in time: a new round of the ladder."""
    assert cb.id is not None
    claimer = cb.claimed_by or ""
    changed = await change_callback(
        session,
        callback_id=cb.id,
        values={
            "state": "open",
            "claimed_by": None,
            "claimed_at": None,
            "round": cb.round + 1,
            "rung": "",
        },
        states=("claimed",),
        round_=cb.round,
    )
    if not changed:
        return
    cb = await find_callback(session, cb.id)
    await _step(session, deps, cb, "reopened", now, user=claimer)
    if claimer:
        await _tell(
            session,
            deps,
            f"callback:{cb.id}:r{cb.round}:reopened:{claimer}",
            claimer,
            "callback.notify.reopened",
            now,
            number=cb.id,
        )
    await _plan_round(session, deps, cb, now)
    await advance(session, deps, cb, OWNER, now)


# --------------------------------------------------------------------------- timers


async def _on_rung(session: AsyncSession, deps: Deps, due: Due) -> None:
    cb = await get_callback(session, callback_id=due.subject_id, for_update=True)
    rung = str(due.payload.get("rung") or "")
    if (
        cb is None
        or cb.state != "open"
        or cb.round != due.payload.get("round")
        or rung not in RUNGS
    ):
        return
    if cb.rung and RUNGS.index(cb.rung) >= RUNGS.index(rung):
        return  # already there (passed on early)
    await advance(session, deps, cb, rung, deps.clock.now())


async def _on_escalate(session: AsyncSession, deps: Deps, due: Due) -> None:
    cb = await get_callback(session, callback_id=due.subject_id, for_update=True)
    if cb is None or cb.state not in LIVE:
        return
    await escalate(session, deps, cb, deps.clock.now())


async def _on_claim_timeout(session: AsyncSession, deps: Deps, due: Due) -> None:
    cb = await get_callback(session, callback_id=due.subject_id, for_update=True)
    if cb is None or cb.state != "claimed" or cb.round != due.payload.get("round"):
        return
    await reopen(session, deps, cb, deps.clock.now())


TIMERS: dict[str, Handler] = {
    RUNG_TIMER: _on_rung,
    ESCALATE_TIMER: _on_escalate,
    CLAIM_TIMER: _on_claim_timeout,
}
