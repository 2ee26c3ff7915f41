"""Issue 17: moments and durations as a Korean (or English) reader writes them (tables)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.slack.text import t
from bot.i18n import span_text, timed, when, with_times

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = date(2026, 11, 30)


def kst(*a: int) -> datetime:
    return datetime(*a, tzinfo=SEOUL)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "today", "relative", "ko", "en"),
    [
        (kst(2026, 12, 4, 15), None, False, "12월 4일(금) 15:00", "Fri 4 Dec, 15:00"),
        (kst(2026, 12, 4, 15), TODAY, False, "12월 4일(금) 15:00", "Fri 4 Dec, 15:00"),
        (kst(2027, 1, 4, 9), TODAY, False, "2027년 1월 4일(월) 09:00", "Mon 4 Jan 2027, 09:00"),
        (kst(2026, 11, 30, 15), TODAY, True, "오늘 15:00", "today, 15:00"),
        (kst(2026, 12, 1, 9), TODAY, True, "내일 09:00", "tomorrow, 09:00"),
        (kst(2026, 12, 2, 9), TODAY, True, "12월 2일(수) 09:00", "Wed 2 Dec, 09:00"),
        (kst(2026, 11, 30, 15), TODAY, False, "11월 30일(월) 15:00", "Mon 30 Nov, 15:00"),
    ],
)
def test_when(moment: datetime, today: date | None, relative: bool, ko: str, en: str) -> None:
    assert when("ko", moment, SEOUL, today=today, relative=relative) == ko
    assert when("en", moment, SEOUL, today=today, relative=relative) == en


def test_when_with_the_zone_and_stored_messages_never_say_tomorrow() -> None:
    assert when("ko", kst(2026, 12, 4, 15), SEOUL, zone=True) == "12월 4일(금) 15:00 KST"
    params = with_times({"eta": timed(kst(2026, 12, 1, 9))}, "ko", SEOUL, zone=False, today=TODAY)
    assert params == {"eta": "12월 1일(화) 09:00"}


@pytest.mark.parametrize(
    ("span", "ko"),
    [
        ("2h 30m", "2시간 30분"),
        ("3bd", "3영업일"),
        ("2d 1h", "2일 1시간"),
        ("40m", "40분"),
        ("0m", "0분"),
        ("", ""),
        ("-", "-"),
        ("soon", "soon"),
    ],
)
def test_span_text(span: str, ko: str) -> None:
    assert span_text("ko", span) == ko
    assert span_text("en", span) == span


def test_verdicts_read_korean_durations() -> None:
    text = t("ko", "card.verdict.resolution_late", took="3h 20m", late="40m")
    assert text == "해결까지 3시간 20분 — 40분 지연"
    assert t("en", "card.verdict.resolution_late", took="3h 20m", late="40m").count("3h 20m") == 1
