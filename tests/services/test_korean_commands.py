"""Issue 17 through the command service (SQLite and PostgreSQL): Korean commands, dates on the
calendar's today, and date-only values on non-working days refused with the working days
around them (or kept with `!`)."""

from __future__ import annotations

import pytest
from support.queued import inquiry

from bot.deps import Deps
from bot.services.inquiry_commands import (
    CommandRequest,
    CommandResult,
    Refused,
    StaffList,
    Usage,
    run_inquiry_command,
)
from bot.services.results import Said

STAFF, CUSTOMER = "USTAFF1", "UCUST"


async def run(deps: Deps, user: str, text: str) -> CommandResult:
    return await run_inquiry_command(deps, CommandRequest(user_id=user, text=text))


async def test_a_korean_new_with_spaced_keys_and_a_korean_date(deps: Deps) -> None:
    result = await run(deps, STAFF, "새 규제 약관 개정 고객 : 미래에셋 마감: 12월 30일")
    assert isinstance(result, Said), result
    row = await inquiry(deps, int(result.params["number"]))
    assert (row.kind, row.title, row.customer) == ("regulatory", "약관 개정", "미래에셋")
    assert str(row.due_date)[:10] == "2026-12-30"


async def test_list_scopes_in_korean(deps: Deps) -> None:
    result = await run(deps, STAFF, "목록 열린")
    assert isinstance(result, StaffList) and result.scope == "open"


@pytest.mark.parametrize(
    ("text", "day", "before", "after"),
    [
        ("새 규제 약관 마감: 12월 25일", "2026-12-25", "2026-12-24", "2026-12-28"),
        ("new regulatory Rule due:2027-02-08", "2027-02-08", "2027-02-05", "2027-02-10"),
    ],
)
async def test_a_due_date_on_a_holiday_is_refused_with_the_days_around(
    deps: Deps, text: str, day: str, before: str, after: str
) -> None:
    result = await run(deps, STAFF, text)
    assert isinstance(result, Refused), result
    assert result.error.key == "inquiry.error.non_working_day"
    # the days are written for the reader (`12월 25일(금)`); `typed` is what to type with `!`
    shown = {name: str(value) for name, value in result.error.params.items()}
    assert shown == {"date": day, "before": before, "after": after, "typed": day}


async def test_a_forced_date_is_kept(deps: Deps) -> None:
    result = await run(deps, STAFF, "새 규제 약관 마감: 12월 25일!")
    assert isinstance(result, Said), result
    assert str((await inquiry(deps, int(result.params["number"]))).due_date)[:10] == "2026-12-25"


async def test_an_eta_or_milestone_on_a_weekend_is_refused(deps: Deps) -> None:
    number = int((await run(deps, CUSTOMER, "new support 로그인 오류")).params["number"])  # type: ignore[union-attr]
    for text in (f"예상 {number}번 2026-12-05", f"단계 #{number} 12월 6일 설계 검토"):
        result = await run(deps, STAFF, text)
        assert isinstance(result, Refused) and result.error.key == "inquiry.error.non_working_day"
    # with a time, an ETA is a moment, not a day: kept
    assert isinstance(await run(deps, STAFF, f"eta {number} 2026-12-05 15:00"), Said)
    assert isinstance(await run(deps, STAFF, f"단계 {number} 12월 6일! 설계 검토"), Said)


async def test_an_unknown_key_is_usage_help_not_a_title(deps: Deps) -> None:
    result = await run(deps, STAFF, "새 지원 로그인 오류 담당자: 김민수")
    assert isinstance(result, Usage) and result.key == "inquiry.error.unknown_key"
    assert result.usage == "inquiry.usage.new"
