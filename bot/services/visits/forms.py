"""The desk's forms as plain values (Slack modals and Teams cards alike): read, check, and
name the catalogue key of each field's problem. A field holding what looks like an ID number
refuses the whole form (nothing stored or logged)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.domain.commands import clean_text
from bot.domain.text import is_user_id
from bot.domain.visits import id_number_in_any
from bot.domain.when import parse_day, parse_time
from bot.ports import platform_of_user
from bot.services.visits.desk import VisitDraft

VISIT_FIELDS = (
    "visitor",
    "company",
    "host",
    "date",
    "time",
    "room",
    "purpose",
    "count",
    "phone",
    "notes",
)
LIMITS = {"notes": 2000, "purpose": 500}


def _value(values: Mapping[str, str | None], name: str) -> str:
    return clean_text(values.get(name) or "")[: LIMITS.get(name, 200)]


def id_number_field(values: Mapping[str, str | None]) -> tuple[str, str] | None:
    """The first field holding what looks like an ID number, with the refusal's key."""
    for name, value in values.items():
        found = id_number_in_any([value])
        if found is not None:
            return name, f"visit.error.id_number_{found.value}"
    return None


def read_visit_form(
    values: Mapping[str, str | None], today: date
) -> tuple[VisitDraft | None, dict[str, str]]:
    """The pre-registration form's draft, or the catalogue key of each field's problem."""
    found = id_number_field(values)
    if found is not None:
        return None, {found[0]: found[1]}
    errors: dict[str, str] = {}
    visitor = _value(values, "visitor")
    if not visitor:
        errors["visitor"] = "visit.form.required"
    host = _value(values, "host")
    if not host or not (is_user_id(host) or platform_of_user(host) is not None):
        errors["host"] = "visit.form.required"
    day = parse_day(_value(values, "date"), today)
    at = parse_time(_value(values, "time"))
    if day is None:
        errors["date"] = "visit.form.bad_time"
    if at is None:
        errors["time"] = "visit.form.bad_time"
    count = _value(values, "count") or "1"
    if not count.isdigit() or not 1 <= int(count) <= 500:
        errors["count"] = "visit.form.bad_count"
    if errors:
        return None, errors
    return (
        VisitDraft(
            visitor=visitor,
            host=host,
            day=day,
            at=at,
            company=_value(values, "company"),
            room=_value(values, "room"),
            purpose=_value(values, "purpose"),
            headcount=int(count),
            phone=_value(values, "phone"),
            notes=_value(values, "notes"),
        ),
        {},
    )


def read_text_form(
    values: Mapping[str, str | None], required: str, optional: str = ""
) -> tuple[dict[str, str] | None, dict[str, str]]:
    """A reason or a result form: its texts, or the catalogue key of each field's problem."""
    found = id_number_field(values)
    if found is not None:
        return None, {found[0]: found[1]}
    main = clean_text(values.get(required) or "")[:2000]
    if not main:
        return None, {required: "visit.form.required"}
    out = {required: main}
    if optional:
        out[optional] = clean_text(values.get(optional) or "")[:2000]
    return out, {}
