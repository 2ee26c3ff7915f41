"""The digest's sections of the charter features against a real database (SQLite and
PostgreSQL): what each holds for the manager's team, in the reserved rank order, links to
cards where a message reference exists, collapse, the channel summary without complaints,
and one query per section whatever the number of items.

The clock: Tuesday 1 December 2026 10:00 (Seoul); the digest covers Monday 30 November 08:30
until now. Team "HTS support": UMANAGER with USTAFF1 and USTAFF2; UADMIN is in no team.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from e2e.world import KST
from sqlalchemy import event

from bot.adapters.slack.blocks.digest import build_digest
from bot.adapters.teams.digest import build_digest_card
from bot.deps import Deps
from bot.services.digest.features import callbacks_missed, digest_links, load_callbacks
from bot.services.digest.run import current_moment, digest_payload, scope_of
from bot.services.notices import post_ref
from storage.models import (
    Callback,
    Complaint,
    FieldVisit,
    MessageRefRecord,
    Notice,
    Outage,
    Visit,
)

FEATURES = ["visits_today", "callbacks_missed", "notices", "outage_free_days", "complaints_open"]


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KST)


def _visit(at: datetime, host: str, status: str = "expected", visitor: str = "Kim") -> Visit:
    return Visit(
        status=status,
        visitor=visitor,
        company="Acme",
        host_id=host,
        registered_by="URECEPTION",
        visit_at=at,
        ends_at=at,
        created_at=_at(11, 30, 9),
    )


def _field(at: datetime, staff: list[str]) -> FieldVisit:
    return FieldVisit(
        status="planned",
        customer="Mirae Asset",
        visit_at=at,
        ends_at=at,
        staff=json.dumps(staff),
        created_by=staff[0],
        report_due_at=at,
        created_at=_at(11, 30, 9),
    )


def _callback(start: datetime, called: datetime | None, owner: str = "USTAFF1") -> Callback:
    return Callback(
        owner_id=owner,
        logged_by="USTAFF2",
        topic="login trouble",
        state="done" if called else "open",
        logged_at=start,
        start_at=start,
        called_back_at=called,
    )


def _notice(start: datetime, status: str, title: str) -> Notice:
    return Notice(
        title=title,
        status=status,
        start_at=start,
        end_at=start.replace(hour=start.hour + 3),
        planned_at=_at(11, 1, 9),
        created_by="USTAFF1",
        updated_at=start,
    )


def _complaint(staff: str, status: str, manager: str = "UMANAGER") -> Complaint:
    return Complaint(
        staff_id=staff,
        manager_id=manager,
        reporter_id="UCUST",
        source="command",
        text="rude on the phone",
        status=status,
        created_at=_at(11, 30, 9),
        review_due_at=_at(12, 1, 9),
    )


async def _fixture(deps: Deps) -> None:
    rows: list[object] = [
        _visit(_at(12, 1, 10, 30), "USTAFF1", visitor="Kim <!channel>"),
        _visit(_at(12, 1, 14), "UADMIN"),  # another team's host
        _visit(_at(12, 1, 9), "USTAFF2", status="cancelled"),
        _visit(_at(12, 2, 10), "USTAFF1"),  # tomorrow
        _field(_at(12, 1, 15), ["USTAFF2"]),
        _field(_at(12, 1, 11), ["UADMIN"]),
        _callback(_at(11, 30, 10), _at(11, 30, 10, 8)),  # missed: called back after 8 min
        _callback(_at(11, 30, 11), _at(11, 30, 11, 3)),  # in time
        _callback(_at(11, 30, 15), None),  # missed: never called back
        _callback(_at(12, 1, 9, 58), None),  # still inside its 5 minutes
        _callback(_at(11, 30, 10), None, owner="UADMIN"),  # another team's
        _callback(_at(11, 27, 10), None),  # before the last digest
        _notice(_at(12, 1, 9), "running", "DB upgrade"),
        _notice(_at(12, 3, 9), "planned", "Network work"),
        _notice(_at(12, 20, 9), "planned", "Far ahead"),
        _notice(_at(11, 30, 9), "completed", "Done already"),
        Outage(
            title="HTS down",
            services="HTS",
            status="resolved",
            started_at=_at(11, 20, 10),
            resolved_at=_at(11, 20, 11),
            created_by="USTAFF1",
            updated_at=_at(11, 20, 11),
        ),
        _complaint("USTAFF1", "open"),  # overdue since 09:00
        _complaint("USTAFF2", "confirmed"),  # corrective action owed
        _complaint("USTAFF1", "dismissed"),
        _complaint("UADMIN", "open", manager=""),  # admins review it
    ]
    async with deps.sessions.begin() as session:
        for row in rows:
            session.add(row)
        await session.flush()
        session.add(
            MessageRefRecord(
                object_kind="notice",
                object_id=1,
                ref=post_ref("C0NOTICES"),  # its first post in the notice channel
                platform="slack",
                conversation_id="C0NOTICES",
                message_id="1.1",
                permalink="https://example.slack.com/archives/C0NOTICES/p11",
                created_at=_at(11, 1, 9),
            )
        )


async def _payload(deps: Deps, manager: str = "UMANAGER") -> dict[str, Any]:
    now = deps.clock.now()
    scope = scope_of(deps, manager, current_moment(deps, now, KST), now, KST)
    async with deps.sessions() as session:
        return await digest_payload(session, deps, scope)


def _section(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in payload["sections"] if s["key"] == key)


def _refs(payload: dict[str, Any], key: str) -> list[str]:
    return [i["ref"] for i in _section(payload, key)["items"]]


async def test_feature_sections_for_the_team_in_rank_order(deps: Deps) -> None:
    await _fixture(deps)
    payload = await _payload(deps)
    assert [s["key"] for s in payload["sections"]] == FEATURES
    assert _refs(payload, "visits_today") == ["V1", "F1"]
    assert _refs(payload, "callbacks_missed") == ["CB1", "CB3"]
    missed = _section(payload, "callbacks_missed")
    assert missed["params"] == {"minutes": 5}
    assert [i["note_key"] for i in missed["items"]] == [
        "digest.note.called_back_after",
        "digest.note.not_called_back",
    ]
    assert missed["items"][0]["note"] == {"minutes": 8}
    assert _refs(payload, "notices") == ["N1", "N2"]
    outage = _section(payload, "outage_free_days")
    assert (outage["total"], outage["items"], outage["params"]["days"]) == (0, [], 11)
    complaints = _section(payload, "complaints_open")
    assert [(i["ref"], i["who"], i["note_key"]) for i in complaints["items"]] == [
        ("K1", "USTAFF1", "digest.note.complaint_overdue"),
        ("K2", "USTAFF2", "digest.note.complaint_action"),
    ]
    assert all(i["title"] == "" for i in complaints["items"])  # never the complaint's text


async def test_rendered_for_slack_and_teams_with_card_links(deps: Deps) -> None:
    await _fixture(deps)
    payload = json.loads(json.dumps(await _payload(deps), default=str))
    links = await digest_links(deps, payload, "slack")
    assert links == {("notice", 1): "https://example.slack.com/archives/C0NOTICES/p11"}
    _text, blocks = build_digest("ko", payload, links)
    shown = json.dumps(blocks, ensure_ascii=False)
    for heading in ("오늘 내방객과 고객 방문", "5분 안에 회신하지 못한 전화", "작업 공지"):
        assert heading in shown
    assert "무장애 11일째" in shown and "검토를 기다리는 불친절 신고" in shown
    assert "<https://example.slack.com/archives/C0NOTICES/p11|N1>" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "rude" not in shown
    # the team summary in the reports channel: headings only, never the complaints
    _text, summary = build_digest("en", {**payload, "summary": True}, links)
    shown = json.dumps(summary, ensure_ascii=False)
    assert "Visitors and field visits today" in shown and "Complaints" not in shown
    card = json.dumps(build_digest_card("en", payload, {}), ensure_ascii=False)
    assert "Calls not returned within 5 min" in card and "11 days without" in card
    assert "K1" in card and "CB3" in card and "rude" not in card


async def test_long_sections_collapse_and_open_outages(deps: Deps) -> None:
    await _fixture(deps)
    async with deps.sessions.begin() as session:
        for minute in range(12):
            session.add(_visit(_at(12, 1, 16, minute), "USTAFF2"))
        session.add(
            Outage(
                title="MTS down",
                services="MTS",
                status="open",
                started_at=_at(12, 1, 9, 30),
                created_by="USTAFF1",
                updated_at=_at(12, 1, 9, 30),
            )
        )
    payload = json.loads(json.dumps(await _payload(deps), default=str))
    assert _section(payload, "visits_today")["total"] == 14
    outage = _section(payload, "outage_free_days")
    assert (outage["params"]["days"], _refs(payload, "outage_free_days")) == (0, ["O2"])
    _text, blocks = build_digest("en", payload, {})
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "and 9 more" in shown  # 14 visits: the first 5 shown
    assert len(blocks) <= 50


async def test_one_query_per_section_whatever_the_items(deps: Deps) -> None:
    await _fixture(deps)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(deps.engine.sync_engine, "before_cursor_execute", count)
    try:
        await _payload(deps)
        few = len(statements)
        async with deps.sessions.begin() as session:
            for n in range(20):
                session.add(_visit(_at(12, 1, 16, n), "USTAFF1"))
                session.add(_field(_at(12, 1, 17, n), ["USTAFF1"]))
                session.add(_callback(_at(11, 30, 16, n), None))
                session.add(_complaint("USTAFF2", "open"))
                session.add(_notice(_at(12, 2, 9), "planned", f"Work {n}"))
        statements.clear()
        payload = await _payload(deps)
        assert len(statements) == few
    finally:
        event.remove(deps.engine.sync_engine, "before_cursor_execute", count)
    assert _section(payload, "visits_today")["total"] == 42


async def test_an_empty_team_has_none_of_the_feature_sections(deps: Deps) -> None:
    payload = await _payload(deps)
    assert payload["sections"] == []  # no outage ever recorded: no outage-free count either


async def test_a_batch_reads_the_callbacks_once_and_gives_each_team_its_own(deps: Deps) -> None:
    """The scheduler's batch (load_callbacks: one query for every team) gives each team the
    section it gets alone; a second team here is UADMIN's people."""
    await _fixture(deps)
    now = deps.clock.now()
    whole = scope_of(deps, "UMANAGER", current_moment(deps, now, KST), now, KST)
    other = replace(whole, manager_id="UOTHER", members=("UADMIN",), cache={}, shared={})
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async with deps.sessions() as session:
        alone = [
            await callbacks_missed(session, deps, replace(s, cache={}, shared={}))
            for s in (whole, other)
        ]
        event.listen(deps.engine.sync_engine, "before_cursor_execute", count)
        try:
            await load_callbacks(session, deps, [whole, other])
            assert len(statements) == 1
            batch = [await callbacks_missed(session, deps, s) for s in (whole, other)]
            assert len(statements) == 1  # the providers read nothing more
        finally:
            event.remove(deps.engine.sync_engine, "before_cursor_execute", count)
    assert batch == alone
    assert alone[0] is not None and [i["ref"] for i in alone[0].items] == ["CB1", "CB3"]
    assert alone[1] is not None and [i["ref"] for i in alone[1].items] == ["CB5"]
