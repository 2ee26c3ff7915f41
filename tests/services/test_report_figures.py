"""The monthly report's figures against a hand-computed fixture (one query layer), on SQLite
and PostgreSQL. November 2026 has no Korean public holiday; business hours 09-12, 13-18.

| # | kind | created (Nov) | first response | resolved | obligation judged | met | hours |
|---|------|---------------|----------------|----------|-------------------|-----|-------|
| 1 | request | 2 10:00 | 3 10:00 | 10 10:00 | review (due 5 10:00) | yes | 24 |
| 2 | request | 2 10:00 | 9 10:00 | 12 10:00 | review (due 5 10:00) | no | 168 |
| 3 | support | 4 10:00 | 4 10:10 | 4 12:00 | first response (due 10:15) | yes | 0.2 |
| 4 | voc | 5 10:00 | - | 5 15:00 | resolution = review (due 6 10:00) | yes | 5 |
| 5 | voc | 5 10:00 | - | 9 10:00 | resolution = review (due 6 10:00) | no | 96 |
| 6 | regulatory | 2 10:00 | - | 19 10:00 | resolution (due 20 18:00) | yes | 408 |
| 7 | request | Oct 1 | - | Oct 2 | (October: not counted) | | |
| 8 | request | 2 10:00 | - | open | milestone Nov 25, no report | | |

C2 1/2 (50%, median 96 h) · C3 1/1 · C5 1/1 (median 0.2 h) · C12 1/2 (median 50.5 h).
C4: milestones Nov 6 (#2, progress Nov 6 17:00: on time), Nov 13 (#2, resolved Nov 12: on
time), Nov 25 (#8, nothing: late) → 2/3. Team "HTS support": 6 judged, 3 kept every promise
(#1, #4, #6; #3's resolution came after the 1 bh an ETA was owed by).
"""

from __future__ import annotations

import json
from datetime import datetime

from e2e.world import KST

from bot.deps import Deps
from bot.domain.sla import end_of_business_day
from bot.services.reports.chart import chart_png, chart_svg, promise_shares
from bot.services.reports.figures import Month, build_report
from bot.services.reports.lines import report_lines
from storage.models import Inquiry, InquiryEvent


def _at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KST)


def _row(
    number: int,
    kind: str,
    created: datetime,
    *,
    first: datetime | None = None,
    resolved: datetime | None = None,
    due: datetime | None = None,
    assignee: str = "USTAFF1",
) -> Inquiry:
    return Inquiry(
        number=number,
        kind=kind,
        status="resolved" if resolved else "in_progress",
        title=f"customer secret {number}",
        customer="Mirae Asset",
        requester_id="UCUST",
        assignee_id=assignee,
        source="command",
        created_at=created,
        updated_at=resolved or created,
        sla_start_at=created,
        first_response_at=first,
        resolved_at=resolved,
        due_date=due,
    )


async def _fixture(deps: Deps) -> None:
    cal = deps.calendar
    rows = [
        _row(1, "request", _at(11, 2, 10), first=_at(11, 3, 10), resolved=_at(11, 10, 10)),
        _row(
            2,
            "request",
            _at(11, 2, 10),
            first=_at(11, 9, 10),
            resolved=_at(11, 12, 10),
            assignee="USTAFF2",
        ),
        _row(3, "support", _at(11, 4, 10), first=_at(11, 4, 10, 10), resolved=_at(11, 4, 12)),
        _row(4, "voc", _at(11, 5, 10), resolved=_at(11, 5, 15)),
        _row(5, "voc", _at(11, 5, 10), resolved=_at(11, 9, 10), assignee="USTAFF2"),
        _row(
            6,
            "regulatory",
            _at(11, 2, 10),
            resolved=_at(11, 19, 10),
            due=end_of_business_day(datetime(2026, 11, 20).date(), cal),
            assignee="USTAFF2",
        ),
        _row(7, "request", _at(10, 1, 10), resolved=_at(10, 2, 10)),
        _row(8, "request", _at(11, 2, 10)),
    ]
    async with deps.sessions.begin() as session:
        for row in rows:
            session.add(row)
        await session.flush()
        ids = {r.number: r.id for r in rows}

        def event(number: int, kind: str, at: datetime, value: str | None = None) -> None:
            session.add(
                InquiryEvent(
                    inquiry_id=ids[number], at=at, actor_id="USTAFF2", kind=kind, new_value=value
                )
            )

        event(2, "milestone", _at(11, 2, 11), json.dumps({"date": "2026-11-06", "stage": "a"}))
        event(2, "milestone", _at(11, 2, 11), json.dumps({"date": "2026-11-13", "stage": "b"}))
        event(2, "progress", _at(11, 6, 17))
        event(2, "resolved", _at(11, 12, 10))
        event(8, "milestone", _at(11, 2, 11), json.dumps({"date": "2026-11-25", "stage": "c"}))
        event(8, "milestone", _at(11, 2, 11), json.dumps({"date": "2026-12-04", "stage": "d"}))


async def test_figures_match_the_hand_computed_fixture(deps: Deps) -> None:
    await _fixture(deps)
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))
    got = {
        p: [(f.measure, f.met, f.total, f.share, f.median_hours) for f in figs]
        for p, figs in report.figures.items()
    }
    assert got["C2"] == [("request_on_time", 1, 2, 50.0, 96.0)]
    assert got["C3"] == [("regulatory_on_time", 1, 1, 100.0, 408.0)]
    assert got["C5"] == [("support_on_time", 1, 1, 100.0, 0.2)]
    assert got["C12"] == [("voc_on_time", 1, 2, 50.0, 50.5)]
    assert got["C4"] == [("interim_on_time", 2, 3, 66.7, None)]
    # the features' promises: nothing of theirs recorded here, so nothing measured (no data)
    for promise in ("C1", "C6", "C7", "C8", "C9", "C10", "C11", "C13", "C14", "C15"):
        assert not [f for f in report.figures[promise] if f.measured], promise
    assert [(t.team, t.resolved, t.met, t.share) for t in report.teams] == [
        ("HTS support", 6, 3, 50.0)
    ]


async def test_missing_data_is_no_data_never_100_percent(deps: Deps) -> None:
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))  # nothing recorded
    assert all(share is None for _p, share in promise_shares(report))
    assert [key for key, _params in report_lines(report)] == ["report.line_no_data"] * 15
    assert report.teams[0].share is None
    png = chart_png(report)
    assert png.startswith(b"\x89PNG")
    svg = chart_svg(report)
    assert svg.startswith("<svg") and "100%" not in svg and "n/a" in svg


async def test_report_has_no_personal_data(deps: Deps) -> None:
    await _fixture(deps)
    async with deps.sessions() as session:
        report = await build_report(session, deps, Month(2026, 11, KST))
    from bot.adapters.web.reports import report_csv, report_html

    for text in (report_csv(report), report_html(report)):
        for secret in ("USTAFF1", "USTAFF2", "UCUST", "Mirae", "customer secret", "minji"):
            assert secret not in text
        assert "HTS support" in text
