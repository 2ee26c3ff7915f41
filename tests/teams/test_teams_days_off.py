"""Issue 17 in Teams' forms: a date-only due date or ETA on a non-working day is refused under
its field, naming the working days around it, in the reader's language (SQLite and
PostgreSQL). Saturday 2026-12-05; Christmas 2026-12-25 (a Friday)."""

from __future__ import annotations

from typing import Any

from teams.inbound_world import CUSTOMER, act, ask, inquiries, invoke, teams
from teams.support import TeamsBot

__all__ = ["teams"]
SHOW = {"number": 1, "view": "show"}


def _error_after(card: dict[str, Any], field: str) -> str:
    body = card["body"]
    index = next(i for i, e in enumerate(body) if e.get("id") == field)
    return str(body[index + 1]["text"]).replace("\\", "")  # as read: markdown escapes off


async def test_new_inquiry_form_refuses_christmas_as_a_due_date(teams: TeamsBot) -> None:
    data = {"form": "new", "kind": "regulatory", "title": "약관 개정", "due": "2026-12-25"}
    refused = await act(teams, invoke(teams, "inquiry.new", data, locale="ko-KR"))
    error = _error_after(refused["value"], "due")
    assert error.startswith("12월 25일(금)은 쉬는 날입니다(주말·공휴일).")
    assert "12월 24일(목), 12월 28일(월) 중에서 고르세요" in error
    assert await inquiries(teams) == []
    kept = await act(teams, invoke(teams, "inquiry.new", {**data, "due": "2026-12-24"}))
    assert "**#1**" in kept["value"]["body"][0]["text"]


async def test_eta_form_refuses_a_saturday_without_a_time(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    form = (await act(teams, invoke(teams, "inquiry.set_eta", SHOW)))["value"]
    submit = next(a for a in form["actions"] if a.get("verb") == "inquiry.set_eta")
    saturday = {**submit["data"], "date": "2026-12-05"}
    refused = await act(teams, invoke(teams, "inquiry.set_eta", saturday))
    assert _error_after(refused["value"], "date").startswith(
        "Sat 5 Dec is not a working day (a weekend or holiday): pick Fri 4 Dec or Mon 7 Dec."
    )
    [row] = await inquiries(teams)
    assert row.eta_at is None
    # a moment on that day (with a time) is taken as it is
    await act(teams, invoke(teams, "inquiry.set_eta", {**saturday, "time": "10:00"}))
    [row] = await inquiries(teams)
    assert row.eta_at is not None
