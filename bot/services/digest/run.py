"""Build a manager's digest and queue it once per business day, in their own time zone."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.digest import DigestMoment, digest_due, digest_time
from bot.ports import ToPerson, ToRole
from bot.services.digest.sections import Scope, Section, build_digests, build_sections
from bot.services.outbox import DIGEST, Rendered, configured_platforms, enqueue_rendered_many
from storage.repos.digest import claim_digest_runs, list_disabled

log = logging.getLogger("charterbot.digest")
BATCH = 100  # digests claimed, read and queued per transaction (one query per loader)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch is built.

    A batch allocates tens of thousands of short-lived rows and items (about 25,000 rows at
    1M inquiries); each few hundred allocations would start a collection, and the oldest
    generation's walk over the whole process heap took a third of a batch's CPU. Reference
    counting still frees everything at once; the collector resumes after the batch.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def managers(deps: Deps) -> list[str]:
    """Every configured manager once (by their primary id), in config order."""
    return list(dict.fromkeys(team.manager for team in deps.config.teams))


async def zone_of(deps: Deps, user_id: str) -> ZoneInfo:
    """The person's time zone (Slack users.info `tz`, Teams where known), else the config's."""
    tz = (await deps.languages.reader_of(user_id)).tz
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("unknown time zone %r of %s: using the configured one", tz, user_id)
    return deps.tz


def scope_of(
    deps: Deps,
    manager_id: str,
    moment: DigestMoment,
    now: datetime,
    zone: ZoneInfo,
    shared: dict[str, Any] | None = None,
) -> Scope:
    """The digest scope of a manager: everyone of the teams they manage, by every id.

    Its moments are in UTC, like the rows read from the database: comparing datetimes of one
    time zone object is a plain comparison, of two zones a conversion each time."""
    config = deps.config
    ids = {manager_id, *config.ids_of(manager_id)}
    # config.teams_managed_by, without its per-team id look-ups (a run asks it per manager)
    teams = [team for team in config.teams if team.manager in ids]
    members = sorted(
        {i for team in teams for m in (*team.members, team.manager) for i in config.ids_of(m)}
    )
    return Scope(
        manager_id=manager_id,
        members=tuple(members),
        teams=tuple(t.name for t in teams),
        since=moment.since.astimezone(UTC),
        now=now.astimezone(UTC),
        day=moment.day,
        zone=zone,
        shared=shared if shared is not None else {},
    )


def payload_of(scope: Scope, sections: list[Section]) -> dict[str, Any]:
    """The outbox payload of a digest (rendered per platform at delivery)."""
    return {
        "manager": scope.manager_id,
        "teams": list(scope.teams),
        "day": scope.day.isoformat(),
        "sections": [s.as_payload() for s in sections],
    }


async def digest_payload(session: AsyncSession, deps: Deps, scope: Scope) -> dict[str, Any]:
    """The outbox payload of one manager's digest (`/digest`)."""
    return payload_of(scope, await build_sections(session, deps, scope))


def current_moment(deps: Deps, now: datetime, zone: ZoneInfo) -> DigestMoment:
    """The digest window as of now (for `/digest`: since the last business day's digest)."""
    at = digest_time(deps.config.scheduler.digest_time)
    local = now.astimezone(zone)
    day = local.date()
    since_day = deps.calendar.previous_business_day(day)
    return DigestMoment(day, now, datetime.combine(since_day, at, zone))


async def send_due_digests(deps: Deps) -> int:
    """Queue every digest due now, in batches of BATCH managers; return how many.

    Per batch, one transaction: claim the (manager, day) runs in one statement, read every
    claimed manager's sections (one query per section loader for the whole batch), queue the
    digests in one insert, commit. The claim and the queued digest commit together, so two
    processes (or a restart within the minute) queue each digest once; a process that was
    down at the digest time sends it when it is back the same day, and never a past day's.
    """
    at = digest_time(deps.config.scheduler.digest_time)
    now = deps.clock.now()
    due: list[tuple[str, ZoneInfo, DigestMoment]] = []
    for manager in managers(deps):
        # Looked up before the transaction: a first lookup writes the profile it learnt.
        zone = await zone_of(deps, manager)
        moment = digest_due(now, at, zone, deps.calendar)
        if moment is not None:
            due.append((manager, zone, moment))
    if not due:
        return 0
    async with deps.reads() as session:  # the opt-outs, read once a run
        disabled = await list_disabled(session)
    due = [d for d in due if not disabled.intersection(deps.config.ids_of(d[0]))]
    to_reports = deps.config.digest.post_to_reports and bool(configured_platforms(deps, "reports"))
    shared: dict[str, Any] = {}  # read once per run: the same for every manager
    sent = 0
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        with collector_paused():
            try:
                sent += await _send_batch(deps, batch, now, shared, to_reports)
                continue
            except Exception:
                if len(batch) == 1:
                    raise
                # One manager's digest failing must not hold back the other 99: the batch
                # was rolled back whole, so its digests are sent one by one; only the failing
                # ones are left (to the next run, which tries again the same day).
                log.exception("digest batch of %d failed: sending them one by one", len(batch))
            for one in batch:
                try:
                    sent += await _send_batch(deps, [one], now, shared, to_reports)
                except Exception:
                    log.exception("digest of %s failed", one[0])
    return sent


async def _send_batch(
    deps: Deps,
    batch: list[tuple[str, ZoneInfo, DigestMoment]],
    now: datetime,
    shared: dict[str, Any],
    to_reports: bool,
) -> int:
    """One transaction: claim the batch's runs, build the digests of those claimed, queue
    them; return how many were queued."""
    async with deps.sessions.begin() as session:
        runs = [(manager, moment.day.isoformat()) for manager, _zone, moment in batch]
        claimed = await claim_digest_runs(session, runs=runs, now=now)
        scopes = [
            scope_of(deps, manager, moment, now, zone, shared)
            for manager, zone, moment in batch
            if (manager, moment.day.isoformat()) in claimed
        ]
        if not scopes:
            return 0
        messages: list[Rendered] = []
        digests = await build_digests(session, deps, scopes)
        for scope, sections in zip(scopes, digests, strict=True):
            payload = payload_of(scope, sections)
            day = scope.day.isoformat()
            manager = scope.manager_id
            messages.append(Rendered(f"digest:{manager}:{day}", DIGEST, ToPerson(manager), payload))
            if to_reports:
                summary = {**payload, "summary": True}
                key = f"digest-summary:{manager}:{day}"
                messages.append(Rendered(key, DIGEST, ToRole("reports"), summary))
        await enqueue_rendered_many(session, deps, messages, now=now)
    return len(scopes)
