"""Rules of the receptionist's desk (pure): ID numbers that must never be stored, the visit
status machine, room overlaps, and when reminders and the host-in-room ladder fall due.

Time is always a parameter; the business calendar is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.calendar import BusinessCalendar
from bot.domain.durations import parse_duration

# ------------------------------------------------------------------ ID numbers (PIPA Art. 24-2)

# A resident registration number: YYMMDD, an optional hyphen (or space), then seven digits
# whose first says the century and sex (1-8 for citizens and foreign residents, 9/0 for the
# 1800s). The date part must be a date, so a phone number or an order number rarely matches.
_RRN = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[-\s‐–—]?([0-9])(\d{6})(?!\d)")
# A Korean passport number: M/S/R/O/D and eight digits, or the 2021 format M123A4567.
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[MSRODmsrod](?:\d{8}|\d{3}[A-Za-z]\d{4})(?![A-Za-z0-9])")
# A Korean driver's licence number: 12-34-567890-12 (region code, year, serial, check),
# with hyphens, spaces or none; also written with the region's name (서울 12-345678-90).
_LICENCE = re.compile(r"(?<!\d)\d{2}[-\s]?\d{2}[-\s]?\d{6}[-\s]?\d{2}(?!\d)")
_LICENCE_REGION = re.compile(r"[가-힣]{2}\s?\d{2}[-\s]?\d{6}[-\s]?\d{2}(?!\d)")


class IdNumber(StrEnum):
    """The kind of national ID number a text looks like it holds."""

    RESIDENT = "resident"
    PASSPORT = "passport"
    LICENCE = "licence"


def _plausible_rrn(m: re.Match[str]) -> bool:
    month, day = int(m.group(2)), int(m.group(3))
    return 1 <= month <= 12 and 1 <= day <= 31


def id_number_in(text: str) -> IdNumber | None:
    """The kind of ID number the text looks like it contains (None: none found).

    Visitor fields are refused when this answers, so nothing of such a request is stored or
    logged (PIPA Art. 24-2: resident registration numbers may not be collected).
    """
    if not text:
        return None
    # full-width digits and hyphens count as the ASCII ones
    text = text.translate(_FULL_WIDTH)
    if any(_plausible_rrn(m) for m in _RRN.finditer(text)):
        return IdNumber.RESIDENT
    if _LICENCE.search(text) or _LICENCE_REGION.search(text):
        return IdNumber.LICENCE
    if _PASSPORT.search(text):
        return IdNumber.PASSPORT
    return None


def id_number_in_any(texts: Iterable[str | None]) -> IdNumber | None:
    """The first ID number kind found in any of the texts."""
    for text in texts:
        found = id_number_in(text or "")
        if found is not None:
            return found
    return None


_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "－": "-"})


# ------------------------------------------------------------------ ID types held at the desk


class IdType(StrEnum):
    """The *type* of ID a visitor leaves at the desk (never its number)."""

    RESIDENT_CARD = "resident_card"
    DRIVER_LICENSE = "driver_license"
    PASSPORT = "passport"
    OTHER = "other"


ID_TYPE_ALIASES: dict[IdType, tuple[str, ...]] = {
    IdType.RESIDENT_CARD: ("resident_card", "resident", "id_card", "주민등록증", "주민증"),
    IdType.DRIVER_LICENSE: ("driver_license", "license", "licence", "운전면허증", "면허증"),
    IdType.PASSPORT: ("passport", "여권"),
    IdType.OTHER: ("other", "기타"),
}
_ID_TYPE = {a.lower(): k for k, aliases in ID_TYPE_ALIASES.items() for a in aliases}


def id_type(word: str) -> IdType | None:
    """The ID type a word names (`여권`, `passport`), or None."""
    return _ID_TYPE.get(word.strip().lower())


# ------------------------------------------------------------------ the visit status machine


class VisitStatus(StrEnum):
    EXPECTED = "expected"
    ARRIVED = "arrived"
    SEATED = "seated"
    MET = "met"
    LEFT = "left"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


S = VisitStatus
# the statuses each step may start from
ALLOWED_FROM: dict[str, frozenset[VisitStatus]] = {
    "arrive": frozenset({S.EXPECTED}),
    "seat": frozenset({S.EXPECTED, S.ARRIVED, S.SEATED}),  # seated again: moved rooms
    "meet": frozenset({S.ARRIVED, S.SEATED}),
    "leave": frozenset({S.ARRIVED, S.SEATED, S.MET}),
    "cancel": frozenset({S.EXPECTED}),
    "no_show": frozenset({S.EXPECTED}),
    "decline": frozenset({S.ARRIVED, S.SEATED}),  # the host can't meet now
    "coming": frozenset({S.ARRIVED, S.SEATED}),
}
STEP_TO: dict[str, VisitStatus | None] = {
    "arrive": S.ARRIVED,
    "seat": S.SEATED,
    "meet": S.MET,
    "leave": S.LEFT,
    "cancel": S.CANCELLED,
    "no_show": S.NO_SHOW,
    "decline": None,  # stays where it is; reception decides
    "coming": None,
}
OPEN = frozenset({S.EXPECTED, S.ARRIVED, S.SEATED, S.MET})
ON_SITE = frozenset({S.ARRIVED, S.SEATED, S.MET})


def may_step(status: str, step: str) -> bool:
    """Whether a visit in `status` may take `step` (arrive, seat, meet, leave, cancel, …)."""
    return status in ALLOWED_FROM[step]


# ------------------------------------------------------------------ rooms


@dataclass(frozen=True)
class Slot:
    """A booked stretch of a room (`label` names it for the refusal: `V3`, a booking's id)."""

    start: datetime
    end: datetime
    label: str = ""


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) share a moment (touching ends do not)."""
    return a_start < b_end and b_start < a_end


def first_conflict(slots: Sequence[Slot], start: datetime, end: datetime) -> Slot | None:
    """The earliest booked slot that overlaps [start, end), or None."""
    clashing = [s for s in slots if overlaps(s.start, s.end, start, end)]
    return min(clashing, key=lambda s: s.start) if clashing else None


def room_state(
    *,
    booked_now: bool,
    occupied_by: int | None,
    host_in_room: bool,
    waiting_since: datetime | None,
    now: datetime,
) -> tuple[str, int]:
    """A room's live state and, when a host is awaited, for how many minutes:
    `free`, `booked`, `occupied`, `waiting` (the visitor is seated, the host not yet in)."""
    if occupied_by is not None:
        if not host_in_room and waiting_since is not None:
            return "waiting", max(0, int((now - waiting_since).total_seconds() // 60))
        return "occupied", 0
    return ("booked" if booked_now else "free"), 0


# ------------------------------------------------------------------ when things fall due


def day_before_at(day: date, at: time, cal: BusinessCalendar) -> datetime:
    """`at` on the business day before `day` (a Monday visit after a holiday Friday: Thursday)."""
    before = cal.previous_business_day(day)
    return datetime.combine(before, at, tzinfo=cal.tz)


def host_reminders(
    visit_at: datetime, *, before: timedelta, reminder_time: time, cal: BusinessCalendar
) -> list[tuple[str, datetime]]:
    """The host's reminders of a visit: ("day_before", …) and ("before", …), in time order."""
    local = visit_at.astimezone(cal.tz)
    return sorted(
        [
            ("day_before", day_before_at(local.date(), reminder_time, cal)),
            ("before", visit_at - before),
        ],
        key=lambda r: r[1],
    )


def ladder_start(visit_at: datetime, seated_at: datetime) -> datetime:
    """The host is due in the room at the later of the visit time and the seating."""
    return max(visit_at, seated_at)


def host_ladder(start: datetime, grace: timedelta) -> list[tuple[str, datetime]]:
    """The host-in-room ladder: nudge the host after one grace, alert team and manager after
    two (each rung fires only while the host has not confirmed)."""
    return [("nudge", start + grace), ("escalate", start + 2 * grace)]


def minutes_late(due: datetime, at: datetime) -> int:
    """Whole minutes `at` came after `due` (0 when on time)."""
    return max(0, int((at - due).total_seconds() // 60))


def field_visit_report_due(end: datetime, report_within: str, cal: BusinessCalendar) -> datetime:
    """When a field visit's result report falls due: `report_within` (e.g. `1bd`) after its end."""
    return cal.add(end, parse_duration(report_within))


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Visits before this moment have their personal data anonymised."""
    return now - timedelta(days=days)
