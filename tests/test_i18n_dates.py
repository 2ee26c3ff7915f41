"""Issue 17: moments and durations as a Korean (or English) reader writes them (tables)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.slack.text import t
from bot.i18n import Day, Phrase, When, dated, span_text, timed, when, with_times

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


def test_stored_days_show_the_year_when_it_is_another() -> None:
    params = {"due": dated(date(2027, 1, 4)), "day": dated(date(2026, 12, 4))}
    assert with_times(params, "ko", SEOUL, zone=False, today=TODAY) == {
        "due": "2027년 1월 4일(월)",
        "day": "12월 4일(금)",
    }


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
        ("1d, 1h", "1일, 1시간"),
        ("1d,", "1d,"),
        ("1d, soon", "1d, soon"),
    ],
)
def test_span_text(span: str, ko: str) -> None:
    assert span_text("ko", span) == ko
    assert span_text("en", span) == span


def test_verdicts_read_korean_durations() -> None:
    text = t("ko", "card.verdict.resolution_late", took="3h 20m", late="40m")
    assert text == "해결까지 3시간 20분 — 40분 지연"
    assert t("en", "card.verdict.resolution_late", took="3h 20m", late="40m").count("3h 20m") == 1


# Parameters written for the reader at render time: When, Day, the JSON marks of stored
# messages (a zoned moment, a day), and Phrase entries (issue 17, point "format at render").
@pytest.mark.parametrize(
    ("value", "ko", "en"),
    [
        (When(kst(2026, 12, 4, 15), SEOUL), "12월 4일(금) 15:00", "Fri 4 Dec, 15:00"),
        (
            When(kst(2026, 11, 30, 9), SEOUL, today=TODAY, relative=True),
            "오늘 09:00",
            "today, 09:00",
        ),
        (Day(date(2026, 12, 25)), "12월 25일(금)", "Fri 25 Dec"),
        (Day(date(2027, 1, 4), TODAY), "2027년 1월 4일(월)", "Mon 4 Jan 2027"),
        (dated(date(2026, 12, 25)), "12월 25일(금)", "Fri 25 Dec"),
        # marks made with the company's today: the year when it is another one
        (dated(date(2027, 1, 4), TODAY), "2027년 1월 4일(월)", "Mon 4 Jan 2027"),
        (dated(date(2026, 12, 25), TODAY), "12월 25일(금)", "Fri 25 Dec"),
        (
            timed(kst(2027, 1, 4, 9), SEOUL, TODAY),
            "2027년 1월 4일(월) 09:00",
            "Mon 4 Jan 2027, 09:00",
        ),
        (timed(kst(2026, 12, 4, 15), SEOUL), "12월 4일(금) 15:00", "Fri 4 Dec, 15:00"),
        (Phrase("language.ko"), "한국어", "Korean"),
        ([Phrase("weekday.mon"), Phrase("weekday.fri")], "월·금", "Mon, Fri"),
    ],
)
def test_parameters_are_written_for_the_reader(value: object, ko: str, en: str) -> None:
    assert t("ko", "history.moment", at=value) == ko
    assert t("en", "history.moment", at=value) == en


def test_durations_named_duration_are_in_korean_words() -> None:
    assert t("ko", "digest.note.overdue_by", span="3h 20m") == "3시간 20분 초과"
    assert t("ko", "notice.error.short_lead", lead="3bd", earliest="-").startswith(
        "작업 공지는 시작 3영업일 전까지"
    )
    assert t("ko", "charter.policies.before", duration="30d") == "30일 전"
    assert t("ko", "charter.policies.voc", kind="고객의소리", duration="1bd").endswith(
        "1영업일 안에 알려 드립니다."
    )
