"""Teams: the manager's `digest` card and the `home` cards per role with the charter
features' sections and panels (the real server in anonymous mode, the fake Bot Connector;
SQLite and PostgreSQL). The features' rows are recorded directly: their commands are tested
on their own; here what matters is what the digest and the dashboards read of them."""

from __future__ import annotations

import json
from datetime import datetime

from e2e.world import KST

from storage.models import Callback, Complaint, Notice, Outage, Visit
from teams.inbound_world import ALEX, STAFF, ask, card_in, teams, text_of
from teams.support import TeamsBot

__all__ = ["teams"]
BOSS = "29:boss"


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KST)


async def _rows(bot: TeamsBot) -> None:
    deps = bot.runtime.deps
    async with deps.sessions.begin() as s:
        s.add(
            Visit(
                status="expected",
                visitor="Hong Gildong",
                company="Mirae",
                host_id=STAFF,  # the host by their Teams id
                registered_by=ALEX,
                visit_at=_at(12, 1, 13),
                ends_at=_at(12, 1, 14),
                created_at=_at(11, 30, 9),
            )
        )
        s.add(
            Callback(
                owner_id="USTAFF1",  # the same person by their Slack id
                logged_by=ALEX,
                topic="missing fills",
                phone="02-1234-5678",
                state="open",
                logged_at=_at(11, 30, 10),
                start_at=_at(11, 30, 10),
            )
        )
        s.add(
            Notice(
                title="DB upgrade",
                status="running",
                start_at=_at(12, 1, 9),
                end_at=_at(12, 1, 12),
                planned_at=_at(11, 20, 9),
                created_by="USTAFF1",
                updated_at=_at(12, 1, 9),
            )
        )
        s.add(
            Outage(
                title="HTS down",
                status="resolved",
                started_at=_at(11, 20, 10),
                resolved_at=_at(11, 20, 11),
                created_by="USTAFF1",
                updated_at=_at(11, 20, 11),
            )
        )
        s.add(
            Complaint(
                staff_id="USTAFF1",
                manager_id="UMANAGER",
                reporter_id="UCUST",
                source="command",
                text="was rude",
                created_at=_at(11, 30, 9),
                review_due_at=_at(12, 2, 9),
            )
        )


async def test_digest_card_holds_the_feature_sections(teams: TeamsBot) -> None:
    await _rows(teams)
    answer = await ask(teams, "digest", user=BOSS)
    card_in(answer)
    text = text_of(answer).replace("\\", "").replace("**", "")
    order = [
        "Visitors and field visits today (1)",
        "Calls not returned within 5 min",
        "Running and upcoming notices (1)",
        "11 days without an unplanned outage",
        "Complaints awaiting you (1)",
    ]
    places = [text.index(heading) for heading in order]
    assert places == sorted(places)
    assert "V1 Hong Gildong · Mirae" in text and "CB1 missing fills" in text
    assert "N1 DB upgrade" in text and "K1" in text
    assert "was rude" not in text and "02-1234-5678" not in text


async def test_home_cards_per_role_with_the_feature_panels(teams: TeamsBot) -> None:
    await _rows(teams)
    staff = text_of(await ask(teams, "home")).replace("**", "")
    assert "My visits and field visits today (1)" in staff and "V1 Hong Gildong" in staff
    assert "My callbacks (1)" in staff and "CB1 missing fills" in staff
    assert "Complaints awaiting review" not in staff
    boss = await ask(teams, "home", user=BOSS)
    card_in(boss)
    text = text_of(boss).replace("**", "")
    assert "Today's visitors of the team (1)" in text
    assert "Complaints awaiting review (1)" in text and "K1" in text
    assert "was rude" not in json.dumps(boss)
