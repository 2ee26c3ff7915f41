"""Callback services without a platform: the claim race on a real database (two
transactions at once), phone numbers anonymised after `callbacks.retention_days`, absences
ending by themselves, the `[callbacks]` config checks."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta

import pytest
from e2e.world import TEST_CONFIG
from sqlmodel import select

from bot.clock import SettableClock
from bot.config import ConfigError, parse_config
from bot.deps import Deps
from bot.errors import Conflict
from bot.scheduler import run_retention_job
from bot.services.absence import set_away
from bot.services.callbacks import claim, log_callback
from bot.services.people import absence_of
from storage.models import Callback, CallbackStep


async def _logged(deps: Deps) -> int:
    async with deps.sessions.begin() as session:
        cb = await log_callback(
            session,
            deps,
            by="URECEPTION",
            owner="USTAFF1",
            caller="홍길동",
            company="미래에셋증권",
            phone="02-1234-5678",
            topic="체결 통보 누락",
            inquiry_number=None,
            urgent=False,
            platform="slack",
        )
    assert cb.id is not None
    return cb.id


async def test_claims_in_two_transactions_at_once_make_one_owner(deps: Deps) -> None:
    number = await _logged(deps)

    async def press(user: str) -> str:
        try:
            async with deps.sessions.begin() as session:
                await claim(session, deps, number, user)
        except Conflict as exc:
            return f"refused:{exc.params['user']}"
        return "won"

    results = await asyncio.gather(*(press(u) for u in ("USTAFF1", "USTAFF2", "UMANAGER")))
    assert sorted(r for r in results if r == "won") == ["won"]
    async with deps.sessions() as s:
        row = await s.get(Callback, number)
        steps = (await s.exec(select(CallbackStep).where(CallbackStep.kind == "claimed"))).all()
    assert row is not None and row.claimed_by is not None
    assert len(steps) == 1
    assert all(r == f"refused:{row.claimed_by}" for r in results if r != "won")


async def test_phone_numbers_are_anonymised_after_retention(deps: Deps) -> None:
    number = await _logged(deps)
    clock = deps.clock
    assert isinstance(clock, SettableClock)
    clock.advance(timedelta(days=89))
    deleted = await run_retention_job(deps)
    assert deleted["callbacks"] == 0
    clock.advance(timedelta(days=2))
    deleted = await run_retention_job(deps)
    assert deleted["callbacks"] == 1
    async with deps.sessions() as s:
        row = await s.get(Callback, number)
    assert row is not None
    assert (row.phone, row.caller, row.anonymised_at) == ("", "", clock.now())
    assert row.company == "미래에셋증권" and row.logged_at is not None, "C7 counts remain"
    assert (await run_retention_job(deps))["callbacks"] == 0


async def test_an_absence_ends_by_itself(deps: Deps) -> None:
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        await set_away(
            session,
            deps,
            "USTAFF1",
            until=now + timedelta(hours=1),
            delegate="USTAFF2",
            reason="외근",
        )
    async with deps.sessions() as session:
        during = await absence_of(session, "USTAFF1", at=now + timedelta(minutes=59))
        after = await absence_of(session, "USTAFF1", at=now + timedelta(hours=1))
    assert during is not None and during.delegate == "USTAFF2" and during.reason == "외근"
    assert after is None


@pytest.mark.parametrize(
    ("section", "sla", "fragment"),
    [
        ({"owner_wait": "4m", "team_wait": "2m"}, "5m", "owner_wait < team_wait"),
        ({"team_wait": "6m"}, "5m", "owner_wait < team_wait < sla.callback"),
        ({"owner_wait": "2bm"}, "5m", "wall-clock"),
        ({"claim_timeout": "0m"}, "5m", "longer than zero"),
        ({"retention_days": 0}, "5m", "retention_days"),
        ({"away_status_emoji": ["palm_tree"]}, "5m", "emoji code"),
        ({}, "5bm", "sla.callback must be wall clock"),
    ],
)
def test_config_checks(section: dict[str, object], sla: str, fragment: str) -> None:
    data = copy.deepcopy(TEST_CONFIG)
    data["callbacks"] = section
    data["sla"] = {"callback": sla}
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert fragment in str(err.value)
