"""The monthly report's figures of the charter features (C1, C6–C11, C13–C15) against a
hand-computed fixture, on SQLite and PostgreSQL. November 2026 has 30 days (720 h); the
report is read on 1 December (the test clock); `sla.callback` 5 min, `visitors.host_grace`
5 min.

C1: the service log began with N1 (planned 20 Oct). Unplanned outages in November: 31 Oct
23:30 – 1 Nov 00:30 (30 min of it in November), 3 Nov 23:00 – 4 Nov 01:00 (2 h), 10 Nov
10:00 – 11:00 (1 h); a planned one on 12 Nov does not count. Down 3.5 h of 720 h:
availability 99.51 %; days with an outage: 1, 3, 4 and 10 Nov → 4.
C6: N1 (5 Nov, lead kept), N2 (20 Nov, urgent: lead not kept); N3 cancelled, N4 in
December → 1/2.
C7: CB1 called back after 4 min, CB2 after 7 min, CB3 never; CB4 in October → 1/3.
C8: H1's card sent, H2's failed; H3 has no card row kept, H4's is still pending (neither
judged); a message to H1's owner at the same moment is no card → 1/2.
C9: V1 returned badge and ID, V2 not its passport, V3 (walk-in) its badge → 2/3.
C10 (pre-registered visits the visitor came to): V1 met 3 min after it was due, V2 10 min
after, V4 never → 1/3 (V3 walk-in, V5 cancelled, V6 no-show are not judged).
C11: F1 reported before it was due, F2 a day late, F3 never; F4 cancelled, F5 due in
December → 1/3.
C13: four surveys sent in November, three answered (5, 4, 2): 3/4, average 3.67.
C14: due in November K1 (decided early), K2 (decided late), K3 (never) → 1/3; rewards of
complaints upheld in November: K1 sent, K4 still to send → 1/2.
C15: two praise and one exemplary nomination in November (one in October).
"""

from __future__ import annotations

import json
from datetime import datetime

from e2e.world import KST
from sqlmodel import col, select

from bot.adapters.web.reports import report_csv, report_html
from bot.deps import Deps
from bot.services.reports.chart import chart_svg, promise_shares
from bot.services.reports.figures import Month, build_report
from bot.services.reports.lines import report_lines
from bot.services.retention import purge_expired
from storage.models import (
    Callback,
    Complaint,
    FieldVisit,
    Handoff,
    Notice,
    Outage,
    OutboxMessage,
    Praise,
    Survey,
    Visit,
)


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KST)


def _outage(start: datetime, end: datetime, *, planned: bool = False) -> Outage:
    return Outage(
        title="HTS down",
        services="HTS",
        status="resolved",
        started_at=start,
        resolved_at=end,
        planned=planned,
        created_by="USTAFF1",
        updated_at=end,
    )


def _notice(start: datetime, *, status: str = "completed", lead_ok: bool = True) -> Notice:
    return Notice(
        title="Maintenance",
        status=status,
        start_at=start,
        end_at=start.replace(hour=start.hour + 2),
        lead_ok=lead_ok,
        urgent=not lead_ok,
        planned_at=_at(10, 20, 10),
        created_by="USTAFF1",
        updated_at=start,
    )


def _callback(start: datetime, called: datetime | None) -> Callback:
    return Callback(
        owner_id="USTAFF1",
        logged_by="USTAFF2",
        phone="010-1234-5678",
        topic="login",
        state="done" if called else "open",
        logged_at=start,
        start_at=start,
        called_back_at=called,
    )


def _card(to: str, at: datetime, kind: str, state: str, n: int) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=f"card:{n}",
        kind=kind,
        platform="slack",
        recipient=f"person:{to}",
        payload="{}",
        state=state,
        available_at=at,
        created_at=at,
    )


def _visit(
    day: int,
    hour: int,
    *,
    status: str = "left",
    walkin: bool = False,
    arrived: datetime | None = None,
    due: datetime | None = None,
    met: datetime | None = None,
    badge: str = "",
    id_type: str = "",
    badge_back: bool = False,
    id_back: bool = False,
) -> Visit:
    at = _at(11, day, hour)
    return Visit(
        status=status,
        visitor="Hong Gildong",
        company="Mirae",
        host_id="USTAFF1",
        registered_by="URECEPTION",
        walkin=walkin,
        visit_at=at,
        ends_at=at.replace(hour=hour + 1),
        badge=badge,
        id_type=id_type,
        badge_returned=badge_back,
        id_returned=id_back,
        arrived_at=arrived,
        seated_at=arrived,
        host_due_at=due,
        met_at=met,
        created_at=_at(10, 30, 9),
    )


def _field(due: datetime, reported: datetime | None, status: str = "planned") -> FieldVisit:
    return FieldVisit(
        status="reported" if reported else status,
        customer="Mirae",
        visit_at=due.replace(hour=10),
        ends_at=due.replace(hour=12),
        staff=json.dumps(["USTAFF1"]),
        created_by="USTAFF1",
        report_due_at=due,
        reported_at=reported,
        created_at=_at(10, 1, 9),
    )


def _survey(n: int, sent: datetime, rating: int | None) -> Survey:
    return Survey(
        inquiry_id=n,
        inquiry_number=n,
        inquiry_kind="support",
        team="HTS support",
        requester_id="UCUST",
        platform="slack",
        nonce=f"n{n}",
        sent_at=sent,
        expires_at=sent,
        rating=rating,
        answered_at=sent if rating else None,
    )


def _complaint(due: datetime, decided: datetime | None, status: str, reward: str = "") -> Complaint:
    return Complaint(
        staff_id="USTAFF1",
        manager_id="UMANAGER",
        reporter_id="UCUST",
        reporter_is_customer=True,
        source="command",
        text="rude",
        status=status,
        created_at=_at(10, 28, 9),
        review_due_at=due,
        decided_at=decided,
        reward_state=reward,
    )


def _praise(at: datetime, kind: str = "praise") -> Praise:
    return Praise(
        kind=kind,
        staff_id="USTAFF1",
        giver_id="UCUST",
        source="command",
        text="kind",
        created_at=at,
    )


async def _fixture(deps: Deps) -> None:
    rows: list[object] = [
        _outage(_at(10, 31, 23, 30), _at(11, 1, 0, 30)),
        _outage(_at(11, 3, 23), _at(11, 4, 1)),
        _outage(_at(11, 10, 10), _at(11, 10, 11)),
        _outage(_at(11, 12, 10), _at(11, 12, 14), planned=True),
        _notice(_at(11, 5, 10)),
        _notice(_at(11, 20, 10), lead_ok=False),
        _notice(_at(11, 25, 10), status="cancelled"),
        _notice(_at(12, 3, 10), status="planned"),
        _callback(_at(11, 2, 10), _at(11, 2, 10, 4)),
        _callback(_at(11, 2, 11), _at(11, 2, 11, 7)),
        _callback(_at(11, 3, 10), None),
        _callback(_at(10, 31, 10), None),
    ]
    handoffs = [
        ("USTAFF2", _at(11, 4, 10), "handoff", "sent"),
        ("USTAFF1", _at(11, 5, 10), "callback", "failed"),
        ("USTAFF2", _at(11, 6, 10), None, None),
        ("USTAFF2", _at(11, 7, 10), "handoff", "pending"),
    ]
    for n, (to, at, kind, state) in enumerate(handoffs):
        rows.append(
            Handoff(object_kind="inquiry", object_id=n + 1, to_id=to, by_id="UMANAGER", at=at)
        )
        if kind and state:
            rows.append(_card(to, at, kind, state, n))
    rows.append(_card("USTAFF2", _at(11, 4, 10), "message", "sent", 99))  # not a card
    rows += [
        _visit(
            2,
            10,
            arrived=_at(11, 2, 9, 55),
            due=_at(11, 2, 10),
            met=_at(11, 2, 10, 3),
            badge="B1",
            id_type="resident_card",
            badge_back=True,
            id_back=True,
        ),
        _visit(
            2,
            14,
            arrived=_at(11, 2, 14),
            due=_at(11, 2, 14, 10),
            met=_at(11, 2, 14, 20),
            badge="B2",
            id_type="passport",
            badge_back=True,
        ),
        _visit(3, 10, walkin=True, arrived=_at(11, 3, 10), badge="B3", badge_back=True),
        _visit(4, 10, arrived=_at(11, 4, 10), due=_at(11, 4, 10)),
        _visit(5, 10, status="cancelled"),
        _visit(6, 10, status="no_show"),
        _field(_at(11, 3, 18), _at(11, 3, 17)),
        _field(_at(11, 10, 18), _at(11, 11, 10)),
        _field(_at(11, 20, 18), None),
        _field(_at(11, 21, 18), None, status="cancelled"),
        _field(_at(12, 2, 18), None),
        _survey(1, _at(11, 2, 10), 5),
        _survey(2, _at(11, 3, 10), 4),
        _survey(3, _at(11, 4, 10), None),
        _survey(4, _at(11, 30, 23), 2),
        _survey(5, _at(10, 31, 10), 1),
        _complaint(_at(11, 3, 18), _at(11, 2, 10), "actioned", "sent"),
        _complaint(_at(11, 10, 18), _at(11, 12, 10), "dismissed"),
        _complaint(_at(11, 20, 18), None, "open"),
        _complaint(_at(12, 3, 18), _at(11, 28, 10), "confirmed", "to_send"),
        _praise(_at(11, 2, 10)),
        _praise(_at(11, 9, 10)),
        _praise(_at(11, 16, 10), "exemplary"),
        _praise(_at(10, 30, 10)),
    ]
    async with deps.sessions.begin() as session:
        for row in rows:
            session.add(row)


async def test_feature_figures_match_the_hand_computed_fixture(deps: Deps) -> None:
    await _fixture(deps)
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))
    got = {
        p: [(f.measure, f.met, f.total, f.share, f.value) for f in figs if f.measured]
        for p, figs in report.figures.items()
    }
    assert got["C1"] == [("availability", 0, 0, 99.51, 99.51), ("outage_days", 4, 0, None, 4)]
    assert got["C6"] == [("notice_lead", 1, 2, 50.0, None)]
    assert got["C7"] == [("callback_in_time", 1, 3, 33.3, None)]
    assert got["C8"] == [("handoff_card", 1, 2, 50.0, None)]
    assert got["C9"] == [("badge_id_returned", 2, 3, 66.7, None)]
    assert got["C10"] == [("visit_met_on_time", 1, 3, 33.3, None)]
    assert got["C11"] == [("fieldvisit_report_on_time", 1, 3, 33.3, None)]
    assert got["C13"] == [
        ("survey_response", 3, 4, 75.0, None),
        ("survey_average", 3, 3, None, 3.67),
    ]
    assert got["C14"] == [
        ("complaint_reviewed", 1, 3, 33.3, None),
        ("reward_sent", 1, 2, 50.0, None),
    ]
    assert got["C15"] == [("praise_count", 2, 0, None, 2), ("exemplary_count", 1, 0, None, 1)]


async def test_feature_figures_on_the_lines_page_csv_and_chart(deps: Deps) -> None:
    await _fixture(deps)
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))
    lines = report_lines(report)
    keys = {(params["promise"], params.get("measure", "")): key for key, params in lines}
    assert keys[("C1", "availability")] == "report.line_percent"
    assert keys[("C1", "outage_days")] == "report.line_count"
    assert keys[("C13", "survey_response")] == "report.line_measure_no_target"
    assert keys[("C13", "survey_average")] == "report.line_average"
    assert keys[("C7", "callback_in_time")] == "report.line_measure"
    assert [p for key, p in lines if key == "report.line_no_data"] == [
        {"promise": p} for p in ("C2", "C3", "C4", "C5", "C12")
    ]
    shares = dict(promise_shares(report))
    assert shares["C1"] == 99.51 and shares["C14"] == 40.0 and shares["C15"] is None
    csv = report_csv(report)
    assert "2026-11,C1,availability,,,99.51,,100,percent,99.51" in csv
    assert "2026-11,C13,survey_average,3,3,,,,average,3.67" in csv
    assert "2026-11,C15,praise_count,,,,,,count,2" in csv
    page = report_html(report)
    assert "가용률" in page and "availability" in page and "99.51%" in page
    assert "3.67 / 5" in page and "C15" in page
    for secret in ("USTAFF1", "UCUST", "Hong", "Mirae", "rude", "010-1234"):
        assert secret not in page and secret not in csv
    svg = chart_svg(report)
    assert "n=3" in svg  # C15 is a count: written, not drawn as a share


async def test_c1_is_no_data_before_the_service_log_began(deps: Deps) -> None:
    async with deps.sessions.begin() as session:
        session.add(_outage(_at(12, 1, 9), _at(12, 1, 9, 30)))  # the first record: December
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))
    assert not [f for f in report.figures["C1"] if f.measured]
    assert dict(promise_shares(report))["C1"] is None


async def test_c8_is_kept_when_retention_deletes_the_cards_outbox_rows(deps: Deps) -> None:
    """Before the retention job deletes finished outbox rows, each handoff keeps its card's
    final state: C8 reads the same once the rows are gone; a card still pending is left (not
    judged), and a second run settles nothing again."""
    await _fixture(deps)
    deps.clock.set(_at(12, 8, 10))  # the November cards are past `retention.outbox` (30 days)
    async with deps.sessions.begin() as session:
        deleted = await purge_expired(session, deps, limit=1000)
    assert deleted["handoff_cards"] == 2
    async with deps.sessions() as session:
        handoffs = (await session.exec(select(Handoff).order_by(col(Handoff.id)))).all()
        kept = (await session.exec(select(OutboxMessage))).all()
    assert [h.card_state for h in handoffs] == ["sent", "failed", None, None]
    assert [r.state for r in kept] == ["pending"]  # the sent and failed cards are gone
    async with deps.sessions.begin() as session:
        assert (await purge_expired(session, deps, limit=1000))["handoff_cards"] == 0
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))
    (c8,) = report.figures["C8"]
    assert (c8.measure, c8.met, c8.total) == ("handoff_card", 1, 2)
