"""Dates, times and relative durations as people type them, in Korean or English (pure).

One parser for every command. `today` is a parameter (the caller passes the date on the
business calendar's zone), so nothing here reads a clock. The forms (the help text lists them):

- days: `2026-12-31`, `2026.12.31`, `2026/12/31`, `12/31`, `12월 4일`, `2027년 1월 5일`,
  `Dec 4`, `4 Dec`, `오늘`/`today`, `내일`/`tomorrow`, `모레`, `금요일`/`fri`/`friday`,
  `이번주 금요일`/`this friday`, `다음주 월요일`/`next monday`;
- times: `15:00`, `9:05`, `15시`, `15시 30분`, `3시 반`, `오전 10시`, `오후 3시`, `3pm`, `3:30pm`;
- relative (ETAs): `+2시간`, `+30분`, `+2시간 30분`, `+1일`, `+3영업일`, `+2영업시간`, `+2h`,
  `+30m`, `+1d`, `+3bd`, `+1bd2bh`.

Rules that resolve what a person leaves out (never guessed silently: the help states them):
- a day without a year (`12/31`, `12월 4일`, `Dec 4`) is its next occurrence, today included;
- a weekday alone (`금요일`, `friday`) is the next such day after today (today is `오늘`);
  `이번주`/`this` is that day in this week (Monday to Sunday), `다음주`/`next` in the next week;
- an hour from 1 to 6 without 오전/오후 or am/pm (`3시`) is in the afternoon (business hours):
  write `오전 3시` or `03:00` for the night.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

__all__ = [
    "Moment",
    "parse_day",
    "parse_moment",
    "parse_month",
    "parse_relative",
]

_KO_WEEKDAYS = ("월", "화", "수", "목", "금", "토", "일")
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)


def _weekday(word: str) -> int | None:
    """Monday = 0 for `월요일`, `월욜`, `mon`, `monday` (None otherwise)."""
    word = word.lower()
    m = re.fullmatch(r"([월화수목금토일])(?:요일|욜)", word)
    if m:
        return _KO_WEEKDAYS.index(m.group(1))
    for i, name in enumerate(_EN_WEEKDAYS):
        if word in (name, name[:3]) or (len(word) >= 3 and name.startswith(word)):
            return i
    return None


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) < 3:
        return None
    for i, name in enumerate(_EN_MONTHS):
        if word.startswith(name) and (
            len(word) == 3
            or word
            in (
                "january",
                "february",
                "march",
                "april",
                "june",
                "july",
                "august",
                "september",
                "sept",
                "october",
                "november",
                "december",
            )
        ):
            return i + 1
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(month: int, day: int, today: date) -> date | None:
    """The next `month`/`day` from today on (today included); None if no year has it soon."""
    for year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        found = _safe_date(year, month, day)
        if found is not None and found >= today:
            return found
    return None


_ISO = re.compile(r"(\d{4})([-./])(\d{1,2})\2(\d{1,2})\.?")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})")
_KO_DATE = re.compile(r"(?:(\d{4})\s*년\s*)?(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_REL_DAYS = {"오늘": 0, "today": 0, "내일": 1, "tomorrow": 1, "모레": 2, "내일모레": 2}
_THIS = ("이번주", "이번 주", "금주", "this")
_NEXT = ("다음주", "다음 주", "담주", "차주", "next")


def parse_day(text: str, today: date) -> date | None:
    """The day a whole text names (see the module's forms and rules), else None."""
    text = " ".join(text.split()).lower()
    if not text:
        return None
    if m := _ISO.fullmatch(text):
        return _safe_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if m := _SLASH.fullmatch(text):
        return _next_occurrence(int(m.group(1)), int(m.group(2)), today)
    if m := _KO_DATE.fullmatch(text):
        month, day = int(m.group(2)), int(m.group(3))
        if m.group(1):
            return _safe_date(int(m.group(1)), month, day)
        return _next_occurrence(month, day, today)
    if text in _REL_DAYS:
        return today + timedelta(days=_REL_DAYS[text])
    words = text.split()
    if len(words) == 2:
        first, second = words
        named = _month(first)
        if named and second.isdigit():
            return _next_occurrence(named, int(second), today)
        named = _month(second)
        if named and first.isdigit():
            return _next_occurrence(named, int(first), today)
    for prefixes, week in ((_THIS, 0), (_NEXT, 1)):
        for prefix in prefixes:
            if text.startswith(prefix + " ") or (prefix[0] > "z" and text.startswith(prefix)):
                rest = text[len(prefix) :].strip()
                wd = _weekday(rest)
                if wd is None:
                    return None
                monday = today - timedelta(days=today.weekday()) + timedelta(weeks=week)
                return monday + timedelta(days=wd)
    wd = _weekday(text)
    if wd is not None:
        ahead = (wd - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    return None


_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_KO_TIME = re.compile(
    r"(?:(오전|오후|아침|저녁|밤)\s*)?(\d{1,2})\s*시(?:\s*(?:(\d{1,2})\s*분|(반)))?"
)
_EN_TIME = re.compile(r"(\d{1,2})(?::([0-5]\d))?\s*(am|pm)")


def parse_time(text: str) -> time | None:
    """The time of day a whole text names (`15:00`, `15시 30분`, `오후 3시`, `3pm`), else None."""
    text = " ".join(text.split()).lower()
    if m := _CLOCK.fullmatch(text):
        return time(int(m.group(1)), int(m.group(2)))
    if m := _EN_TIME.fullmatch(text):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
        return time(hour, minute)
    if m := _KO_TIME.fullmatch(text):
        half, hour = m.group(1), int(m.group(2))
        minute = 30 if m.group(4) else int(m.group(3) or 0)
        if minute > 59 or hour > 24:
            return None
        if half in ("오전", "아침"):
            if hour > 12:
                return None
            hour %= 12
        elif half in ("오후", "저녁", "밤"):
            if hour > 12:
                return None
            hour = hour % 12 + 12
        elif 1 <= hour <= 6:
            hour += 12  # business hours: `3시` is 15:00 (the night needs `오전 3시`)
        if hour == 24:
            if minute:
                return None
            hour = 0
        return time(hour, minute)
    return None


_REL_UNITS = {
    "영업일": "bd",
    "영업시간": "bh",
    "영업분": "bm",
    "시간": "h",
    "분": "m",
    "초": "s",
    "일": "d",
    "bd": "bd",
    "bh": "bh",
    "bm": "bm",
    "d": "d",
    "h": "h",
    "m": "m",
    "s": "s",
}
_REL_PART = re.compile(r"\s*(\d{1,7})\s*(" + "|".join(_REL_UNITS) + r")", re.IGNORECASE)


def parse_relative(text: str) -> str | None:
    """The canonical duration text (`2h30m`, `3bd`) of `+2시간 30분`, `+3영업일`, `+2h`…;
    None when the text is not a `+` duration. The duration's own limits are checked by
    `bot.domain.durations.parse_duration` (the caller)."""
    text = text.strip()
    if not text.startswith("+"):
        return None
    rest, out, pos = text[1:], [], 0
    while pos < len(rest):
        m = _REL_PART.match(rest, pos)
        if not m:
            return None
        out.append(m.group(1) + _REL_UNITS[m.group(2).lower()])
        pos = m.end()
    return "".join(out) if out else None


@dataclass(frozen=True)
class Moment:
    """What a date/time text names: a day and maybe a time, or a time alone (today), or a
    relative duration (canonical text such as `2h`, `3bd`)."""

    day: date | None = None
    at: time | None = None
    relative: str | None = None


def parse_moment(text: str, today: date) -> Moment | None:
    """A day, a day and a time, a time alone (on `today`), or a `+` duration; else None."""
    text = " ".join(text.split())
    if not text:
        return None
    if text.startswith("+"):
        rel = parse_relative(text)
        return Moment(relative=rel) if rel else None
    if (day := parse_day(text, today)) is not None:
        return Moment(day=day)
    if (at := parse_time(text)) is not None:
        return Moment(day=today, at=at)
    words = text.split()
    # a day, then a time: try every split (days and times take at most four words each)
    for cut in range(1, len(words)):
        day = parse_day(" ".join(words[:cut]), today)
        if day is None:
            continue
        at = parse_time(" ".join(words[cut:]))
        if at is not None:
            return Moment(day=day, at=at)
    # `오후3시` glued to a Korean date: `12월4일오후3시` → try at each 일 boundary
    m = re.fullmatch(r"(.+?일)\s*((?:오전|오후).+|\d{1,2}\s*시.*)", text)
    if m and (day := parse_day(m.group(1), today)) and (at := parse_time(m.group(2))):
        return Moment(day=day, at=at)
    return None


# --------------------------------------------------------------------------- months
# Months for reports (`/survey results 2026-11`): `2026-11`, `2026.11`, `2026/11`, `11월`,
# `2026년 11월`, `Nov`, `november 2026`, `Nov 2026`, `이번달`/`this month`,
# `지난달`/`last month`. A month without a year is the latest one not after this month
# (in January, `12월` is last December): reports look back.
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*월?")
_KO_MONTH = re.compile(r"(\d{1,2})\s*월")
_THIS_MONTH = ("이번달", "이번 달", "이달", "금월", "this month")
_LAST_MONTH = ("지난달", "지난 달", "전월", "저번달", "저번 달", "last month")


def _month_back(month: int, today: date) -> tuple[int, int] | None:
    if not 1 <= month <= 12:
        return None
    return (today.year if month <= today.month else today.year - 1), month


def parse_month(text: str, today: date) -> tuple[int, int] | None:
    """The (year, month) a whole text names (see the forms above), else None."""
    text = " ".join(text.split()).lower()
    if not text:
        return None
    if text in _THIS_MONTH:
        return today.year, today.month
    if text in _LAST_MONTH:
        return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if m := _YEAR_MONTH.fullmatch(text):
        year, month = int(m.group(1)), int(m.group(2))
        return (year, month) if 1 <= month <= 12 and 1900 < year < 3000 else None
    if m := _KO_MONTH.fullmatch(text):
        return _month_back(int(m.group(1)), today)
    words = text.split()
    named = _month(words[0])
    if named and len(words) == 1:
        return _month_back(named, today)
    if named and len(words) == 2 and words[1].isdigit() and len(words[1]) == 4:
        return int(words[1]), named
    return None
