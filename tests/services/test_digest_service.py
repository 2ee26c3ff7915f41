"""The digest service against a real database: exactly once with two workers at once
(PostgreSQL and SQLite), two managers in different time zones, sections and their order."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from e2e.world import KST, PEOPLE, START, TEST_CONFIG
from sqlmodel import select
from support.deps import service_deps

from bot.clock import SettableClock
from bot.deps import Deps
from bot.ports import UserInfo
from bot.services.digest.run import send_due_digests
from storage.models import DigestRun, Inquiry, OutboxMessage

ZONES = {"UMANAGER": "Asia/Seoul", "UMANAGER2": "America/New_York"}
CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "teams": [
        *TEST_CONFIG["teams"],
        {"name": "Web support", "manager": "UMANAGER2", "members": ["USTAFF3"]},
    ],
}


class ZonedDirectory:
    """The test people, the managers in their own time zones."""

    async def user_info(self, user_id: str) -> UserInfo | None:
        for uid, name, locale in [*PEOPLE, ("UMANAGER2", "nyc boss", "en-US")]:
            if uid == user_id:
                return UserInfo(uid, locale, name, False, tz=ZONES.get(uid, "Asia/Seoul"))
        return None


def _deps(url: str, clock: SettableClock) -> Deps:
    return service_deps(url, CONFIG, clock, ZonedDirectory())


@pytest.fixture
async def workers(migrated_url: str) -> AsyncIterator[tuple[Deps, Deps, SettableClock]]:
    clock = SettableClock(START, frozen=True)
    one, two = _deps(migrated_url, clock), _deps(migrated_url, clock)
    yield one, two, clock
    await one.engine.dispose()
    await two.engine.dispose()


async def _rows(deps: Deps) -> tuple[list[OutboxMessage], list[DigestRun]]:
    async with deps.sessions() as s:
        out = list((await s.exec(select(OutboxMessage))).all())
        runs = list((await s.exec(select(DigestRun))).all())
    return out, runs


async def test_two_workers_send_each_digest_once(workers: tuple[Deps, Deps, SettableClock]) -> None:
    one, two, clock = workers
    clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=KST))
    for _ in range(3):  # three rounds of two processes racing
        await asyncio.gather(send_due_digests(one), send_due_digests(two))
    out, runs = await _rows(one)
    # 08:30 in Seoul is 18:30 the day before in New York: that manager's Tuesday digest is due
    assert sorted((r.manager_id, r.day) for r in runs) == [
        ("UMANAGER", "2026-12-02"),
        ("UMANAGER2", "2026-12-01"),
    ]
    assert sorted(r.idempotency_key for r in out) == [
        "digest:UMANAGER2:2026-12-01",
        "digest:UMANAGER:2026-12-02",
    ]


async def test_managers_in_their_own_time_zones(workers: tuple[Deps, Deps, SettableClock]) -> None:
    one, _two, clock = workers
    clock.set(datetime(2026, 12, 2, 8, 29, tzinfo=KST))  # Tuesday 18:29 in New York
    assert await send_due_digests(one) == 1  # New York's Tuesday digest (late: catch-up)
    clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=KST))
    assert await send_due_digests(one) == 1  # Seoul's manager at his 08:30
    clock.set(datetime(2026, 12, 2, 22, 29, tzinfo=KST))  # 08:29 in New York
    assert await send_due_digests(one) == 0
    clock.set(datetime(2026, 12, 2, 22, 30, tzinfo=KST))  # 08:30 in New York
    assert await send_due_digests(one) == 1
    _out, runs = await _rows(one)
    assert sorted((r.manager_id, r.day) for r in runs) == [
        ("UMANAGER", "2026-12-02"),
        ("UMANAGER2", "2026-12-01"),
        ("UMANAGER2", "2026-12-02"),
    ]


async def test_sections_most_urgent_first_and_only_the_team(
    workers: tuple[Deps, Deps, SettableClock],
) -> None:
    one, _two, clock = workers
    now = datetime(2026, 12, 2, 8, 30, tzinfo=KST)
    base: dict[str, Any] = {
        "requester_id": "UCUST",
        "source": "command",
        "kind": "support",
        "title": "t",
    }
    rows = [
        # overdue: deadline yesterday
        Inquiry(
            number=1,
            status="in_progress",
            assignee_id="USTAFF1",
            created_at=now - timedelta(days=2),
            updated_at=now,
            sla_start_at=now - timedelta(days=2),
            deadline_at=now - timedelta(hours=20),
            **base,
        ),
        # due today at 15:00
        Inquiry(
            number=2,
            status="acknowledged",
            assignee_id="USTAFF2",
            created_at=now - timedelta(days=3),
            updated_at=now,
            sla_start_at=now - timedelta(days=3),
            deadline_at=now + timedelta(hours=6, minutes=30),
            **base,
        ),
        # on hold
        Inquiry(
            number=3,
            status="on_hold",
            assignee_id="USTAFF1",
            created_at=now - timedelta(days=3),
            updated_at=now,
            sla_start_at=now - timedelta(days=3),
            hold_started_at=now - timedelta(days=1),
            deadline_at=now - timedelta(hours=1),
            **base,
        ),
        # another team's: never in this digest
        Inquiry(
            number=4,
            status="in_progress",
            assignee_id="USTAFF3",
            created_at=now - timedelta(days=2),
            updated_at=now,
            sla_start_at=now - timedelta(days=2),
            deadline_at=now - timedelta(hours=5),
            **base,
        ),
        # resolved since yesterday's digest, on time
        Inquiry(
            number=5,
            status="resolved",
            assignee_id="USTAFF2",
            created_at=now - timedelta(hours=23),
            updated_at=now,
            sla_start_at=now - timedelta(hours=23),
            first_response_at=now - timedelta(hours=22, minutes=55),
            resolved_at=now - timedelta(hours=22, minutes=50),
            **base,
        ),
        # unassigned
        Inquiry(
            number=6,
            status="new",
            created_at=now - timedelta(hours=1),
            updated_at=now,
            sla_start_at=now - timedelta(hours=1),
            deadline_at=now + timedelta(days=1),
            **base,
        ),
    ]
    async with one.sessions.begin() as s:
        for r in rows:
            s.add(r)
    clock.set(now)
    await send_due_digests(one)
    out, _runs = await _rows(one)
    [row] = [r for r in out if r.idempotency_key == "digest:UMANAGER:2026-12-02"]
    payload = json.loads(row.payload)
    got = [(s["key"], [i["ref"] for i in s["items"]]) for s in payload["sections"]]
    assert got == [
        ("overdue", ["#1"]),
        ("due_today", ["#2"]),
        ("unassigned", ["#6"]),
        ("on_hold", ["#3"]),
        ("new", ["#5"]),
        ("resolved", ["#5"]),
    ]
    assert payload["sections"][-1]["params"] == {"share": 100}
