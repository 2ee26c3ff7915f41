"""The inquiry forms' rules (new inquiry, "report this", ETA, note), platform-neutral.

A platform's form (a Slack modal, a Teams Adaptive Card) hands in its values by field name and
gets back either what to act on or errors by field name, each a catalogue key with its
parameters, to show under the field before anything is acknowledged or stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any

from bot.deps import Deps
from bot.domain.commands import CLOCK, MAX_NOTE_CHARS, EtaSpec, clean_text
from bot.domain.durations import too_far_ahead
from bot.domain.inquiry import Kind, parse_kind
from bot.domain.text import is_user_id
from bot.errors import DomainError
from bot.i18n import Day
from bot.ports import Platform
from bot.services.inquiries import resolve_eta


class FormField(StrEnum):
    """The fields of the inquiry forms (Slack block ids carry the same names)."""

    KIND = "kind"
    TITLE = "title"
    DETAIL = "detail"
    CUSTOMER = "customer"
    CONTACT = "contact"
    DUE = "due"
    ASSIGNEE = "assignee"
    ETA_DATE = "eta_date"
    ETA_TIME = "eta_time"
    NOTE = "note"
    TRANSFER_TO = "transfer_to"  # the transfer form's colleague (its reason is NOTE)


@dataclass(frozen=True)
class FormError:
    """Why a field's value is refused: a catalogue key and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


FormErrors = dict[FormField, FormError]
Values = Mapping[str, str | None]


@dataclass(frozen=True)
class NewInquiryForm:
    """A valid new-inquiry (or "report this") form."""

    kind: Kind
    title: str
    detail: str = ""
    customer: str = ""
    contact: str = ""
    due: date | None = None
    assignee: str | None = None


async def assignee_choices(
    deps: Deps, user_id: str, platform: Platform = "slack"
) -> list[tuple[str, str]] | None:
    """Whom a person may pick as assignee in a form, (user id, name) in config order: the
    team members for staff (by their ids on the form's platform), nobody (None) for anyone
    else."""
    if not deps.is_staff(user_id):
        return None
    people = deps.config.assignable_in_order(platform)
    names = await asyncio.gather(*(deps.languages.name_of(p) for p in people))
    return list(zip(people, names, strict=True))


def form_date(value: object) -> date | None:
    """A date picker's value (`YYYY-MM-DD`), or None when it is anything else."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def form_time(value: object) -> time | None:
    """A time picker's value (`HH:MM`, 00:00-23:59), or None when it is anything else."""
    if not isinstance(value, str) or CLOCK.fullmatch(value) is None:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def non_working_day(day: date, deps: Deps) -> dict[str, Any] | None:
    """Why a date-only due date, milestone or ETA is refused: it is no working day (the
    message names the working days before and after it); None when it is one, or when it is
    too far ahead (refused as that)."""
    cal, today = deps.calendar, deps.clock.now().astimezone(deps.tz).date()
    if cal.is_business_day(day) or too_far_ahead(day, today):
        return None
    return {
        "date": Day(day, today),
        "before": Day(cal.previous_business_day(day), today),
        "after": Day(cal.next_business_day(day), today),
        "typed": day.isoformat(),  # what to type, with `!`, to keep it anyway
    }


def read_new_inquiry_form(
    values: Values,
    today: date,
    assignable: list[tuple[str, str]] | None = None,
    deps: Deps | None = None,
) -> tuple[NewInquiryForm | None, FormErrors]:
    """Check a new-inquiry form: (the form, None when refused; errors by field).

    `assignable` lists who the submitter may pick as assignee, (user id, name) pairs; None
    means the submitter may not choose one at all (a customer). With `deps`, a due date on a
    non-working day is refused with the working days around it (as `/inquiry new`; a date
    picker has no `!`: the command keeps such a day).
    """
    errors: FormErrors = {}
    assignee = values.get(FormField.ASSIGNEE) or None
    if assignee and assignable is None:
        errors[FormField.ASSIGNEE] = FormError("form.assignee_staff_only")
    elif assignee and assignable is not None and assignee not in dict(assignable):
        names = ", ".join(name for _, name in assignable) or "-"
        errors[FormField.ASSIGNEE] = FormError("form.not_assignable", {"names": names})
    kind = parse_kind(values.get(FormField.KIND) or "")
    if kind is None:
        errors[FormField.KIND] = FormError("form.kind_required")
    title = clean_text(values.get(FormField.TITLE) or "")
    if not title:
        errors[FormField.TITLE] = FormError("form.title_required")
    due = None
    if values.get(FormField.DUE):
        due = form_date(values[FormField.DUE])
        if due is None:
            errors[FormField.DUE] = FormError("form.bad_date")
    if due is not None and due < today:
        errors[FormField.DUE] = FormError("form.date_in_past")
    if due is not None and too_far_ahead(due, today):
        errors[FormField.DUE] = FormError("form.date_too_far")
    if due is not None and deps is not None and FormField.DUE not in errors:
        problem = non_working_day(due, deps)
        if problem is not None:
            errors[FormField.DUE] = FormError("form.non_working_day", problem)
    if kind == Kind.REGULATORY and due is None and FormField.DUE not in errors:
        errors[FormField.DUE] = FormError("inquiry.error.regulatory_needs_due")
    if assignee is not None and not is_user_id(assignee):
        errors[FormField.ASSIGNEE] = FormError("form.bad_user")
    if errors or kind is None:
        return None, errors
    return NewInquiryForm(
        kind=kind,
        title=title,
        due=due,
        detail=(values.get(FormField.DETAIL) or "").strip(),
        customer=clean_text(values.get(FormField.CUSTOMER) or ""),
        contact=clean_text(values.get(FormField.CONTACT) or ""),
        assignee=assignee,
    ), errors


def read_report_form(values: Values) -> tuple[NewInquiryForm | None, FormErrors]:
    """Check a customer's "report this" form: a support inquiry with a title (and detail)."""
    title = clean_text(values.get(FormField.TITLE) or "")
    if not title:
        return None, {FormField.TITLE: FormError("form.title_required")}
    detail = (values.get(FormField.DETAIL) or "").strip()
    return NewInquiryForm(kind=Kind.SUPPORT, title=title, detail=detail), {}


# The ETA rules are resolve_eta's (the same as `/inquiry eta`); a form names them per field.
_ETA_FORM_ERRORS = {
    "inquiry.error.date_too_far": "form.date_too_far",
    "inquiry.error.eta_in_past": "form.date_in_past",
}


def read_eta_form(values: Values, deps: Deps) -> tuple[EtaSpec | None, FormErrors]:
    """Check an ETA form (a day, optionally a time): the ETA, or errors by field."""
    day = form_date(values.get(FormField.ETA_DATE))
    if day is None:
        return None, {FormField.ETA_DATE: FormError("form.bad_date")}
    at_text = values.get(FormField.ETA_TIME)
    at = form_time(at_text)
    spec = EtaSpec(day=day, at=at)
    problem = None
    try:
        resolve_eta(spec, deps)
    except DomainError as exc:
        problem = _ETA_FORM_ERRORS.get(exc.key, "form.bad_date")
    if problem == "form.date_too_far":
        return None, {FormField.ETA_DATE: FormError(problem)}
    if at_text and at is None:
        return None, {FormField.ETA_TIME: FormError("form.bad_time")}
    if problem is not None:
        return None, {FormField.ETA_DATE: FormError(problem)}
    if at is None and (closed := non_working_day(day, deps)) is not None:
        # a date-only ETA is the end of that day: a day off is refused, as `/inquiry eta`
        return None, {FormField.ETA_DATE: FormError("form.non_working_day", closed)}
    return spec, {}


def read_note_form(values: Values) -> tuple[str, FormErrors]:
    """Check a note form (progress, resolution, reopen reason): the note, or an error."""
    note = str(values.get(FormField.NOTE) or "").strip()
    if not note:
        return "", {FormField.NOTE: FormError("form.note_required")}
    return note, {}


def read_transfer_form(values: Values) -> tuple[str | None, str, FormErrors]:
    """Check a transfer form: the colleague picked (required) and the reason (optional); who
    may take it (staff, not away) is the transfer's own rule, as for `/inquiry transfer`."""
    to_user = str(values.get(FormField.TRANSFER_TO) or "").strip()
    reason = str(values.get(FormField.NOTE) or "").strip()
    errors: FormErrors = {}
    if not to_user:
        errors[FormField.TRANSFER_TO] = FormError("inquiry.transfer_form.missing_to")
    if len(reason) > MAX_NOTE_CHARS:
        errors[FormField.NOTE] = FormError(
            "inquiry.transfer_form.too_long", {"limit": MAX_NOTE_CHARS}
        )
    return (None, reason, errors) if errors else (to_user, reason, {})
