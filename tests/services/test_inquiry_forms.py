"""The inquiry forms' rules as tables: what a platform's form hands in, what is refused under
which field (the ETA form's rules are `/inquiry eta`'s, resolve_eta)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.deps import Deps
from bot.domain.commands import EtaSpec
from bot.domain.inquiry import Kind
from bot.services.inquiry_forms import (
    FormError,
    FormField,
    NewInquiryForm,
    assignee_choices,
    read_eta_form,
    read_new_inquiry_form,
    read_note_form,
    read_report_form,
)

TODAY = date(2026, 12, 1)  # the test clock's day (a Tuesday, 10:00 in Seoul)
TEAM = [("USTAFF1", "minji"), ("USTAFF2", "alex")]
OK = {"kind": "support", "title": "Login fails"}


@pytest.mark.parametrize(
    ("values", "assignable", "errors"),
    [
        ({}, TEAM, {"kind": "form.kind_required", "title": "form.title_required"}),
        ({**OK, "title": " \t "}, TEAM, {"title": "form.title_required"}),
        ({**OK, "kind": "party"}, TEAM, {"kind": "form.kind_required"}),
        ({**OK, "due": "2026-13-01"}, TEAM, {"due": "form.bad_date"}),
        ({**OK, "due": "2026-11-30"}, TEAM, {"due": "form.date_in_past"}),
        ({**OK, "due": "2040-01-01"}, TEAM, {"due": "form.date_too_far"}),
        ({**OK, "kind": "regulatory"}, TEAM, {"due": "inquiry.error.regulatory_needs_due"}),
        ({**OK, "kind": "제도", "due": "x"}, TEAM, {"due": "form.bad_date"}),
        ({**OK, "assignee": "USTAFF1"}, None, {"assignee": "form.assignee_staff_only"}),
        ({**OK, "assignee": "UCUST"}, TEAM, {"assignee": "form.not_assignable"}),
        ({**OK, "assignee": "not-an-id"}, [("not-an-id", "?")], {"assignee": "form.bad_user"}),
    ],
)
def test_new_inquiry_form_refusals(
    values: dict[str, str], assignable: list[tuple[str, str]] | None, errors: dict[str, str]
) -> None:
    form, found = read_new_inquiry_form(values, TODAY, assignable)
    assert form is None
    assert {str(f): e.key for f, e in found.items()} == errors


def test_the_not_assignable_error_names_who_may_be_picked() -> None:
    _, errors = read_new_inquiry_form({**OK, "assignee": "UCUST"}, TODAY, TEAM)
    assert errors[FormField.ASSIGNEE] == FormError("form.not_assignable", {"names": "minji, alex"})


def test_a_valid_new_inquiry_form() -> None:
    values = {
        "kind": "요청",
        "title": " Export\nthe report ",
        "detail": "  all of it  ",
        "customer": "Mirae\tAsset",
        "contact": "010",
        "due": "2026-12-24",
        "assignee": "USTAFF2",
    }
    form, errors = read_new_inquiry_form(values, TODAY, TEAM)
    assert errors == {}
    assert form == NewInquiryForm(
        kind=Kind.REQUEST,
        title="Export the report",
        detail="all of it",
        customer="Mirae Asset",
        contact="010",
        due=date(2026, 12, 24),
        assignee="USTAFF2",
    )


def test_report_and_note_forms() -> None:
    assert read_report_form({"title": ""}) == (
        None,
        {FormField.TITLE: FormError("form.title_required")},
    )
    assert read_report_form({"title": "Broken", "detail": " why "}) == (
        NewInquiryForm(Kind.SUPPORT, "Broken", detail="why"),
        {},
    )
    assert read_note_form({"note": "  "}) == ("", {FormField.NOTE: FormError("form.note_required")})
    assert read_note_form({"note": " Done "}) == ("Done", {})


@pytest.mark.parametrize(
    ("values", "field", "key"),
    [
        ({}, "eta_date", "form.bad_date"),
        ({"eta_date": "tomorrow"}, "eta_date", "form.bad_date"),
        ({"eta_date": "2040-01-01"}, "eta_date", "form.date_too_far"),
        ({"eta_date": "2040-01-01", "eta_time": "25:00"}, "eta_date", "form.date_too_far"),
        ({"eta_date": "2026-12-02", "eta_time": "25:00"}, "eta_time", "form.bad_time"),
        ({"eta_date": "2026-11-30", "eta_time": "9"}, "eta_time", "form.bad_time"),
        ({"eta_date": "2026-11-30"}, "eta_date", "form.date_in_past"),
        ({"eta_date": "2026-12-01", "eta_time": "09:59"}, "eta_date", "form.date_in_past"),
    ],
)
async def test_eta_form_refusals(deps: Deps, values: dict[str, str], field: str, key: str) -> None:
    spec, errors = read_eta_form(values, deps)
    assert spec is None
    assert {str(f): e.key for f, e in errors.items()} == {field: key}


async def test_valid_eta_forms(deps: Deps) -> None:
    assert read_eta_form({"eta_date": "2026-12-01"}, deps) == (EtaSpec(date(2026, 12, 1)), {})
    assert read_eta_form({"eta_date": "2026-12-01", "eta_time": "10:30"}, deps) == (
        EtaSpec(date(2026, 12, 1), time(10, 30)),
        {},
    )


async def test_assignee_choices_for_staff_and_nobody_for_customers(deps: Deps) -> None:
    assert await assignee_choices(deps, "UCUST") is None
    choices = await assignee_choices(deps, "USTAFF1")
    assert choices is not None
    assert dict(choices)["USTAFF1"] == "minji"
    assert [uid for uid, _ in choices] == deps.config.assignable_in_order()


# Issue 17: a date-only due date or ETA on a non-working day is refused in the forms too, with
# the working days around it (Saturday 2026-12-05; Christmas 2026-12-25, a Friday).
@pytest.mark.parametrize(
    ("due", "before", "after"),
    [("2026-12-05", "2026-12-04", "2026-12-07"), ("2026-12-25", "2026-12-24", "2026-12-28")],
)
async def test_new_inquiry_form_refuses_a_due_date_on_a_day_off(
    deps: Deps, due: str, before: str, after: str
) -> None:
    values = {**OK, "kind": "regulatory", "due": due}
    form, errors = read_new_inquiry_form(values, TODAY, TEAM, deps)
    assert form is None and list(errors) == [FormField.DUE]
    error = errors[FormField.DUE]
    assert error.key == "form.non_working_day"
    assert {k: str(v) for k, v in error.params.items()} == {
        "date": due,
        "before": before,
        "after": after,
        "typed": due,
    }
    ok, none = read_new_inquiry_form({**values, "due": before}, TODAY, TEAM, deps)
    assert ok is not None and none == {}


async def test_eta_form_refuses_a_date_only_day_off_but_keeps_a_moment(deps: Deps) -> None:
    spec, errors = read_eta_form({"eta_date": "2026-12-05"}, deps)
    assert spec is None and errors[FormField.ETA_DATE].key == "form.non_working_day"
    kept, none = read_eta_form({"eta_date": "2026-12-05", "eta_time": "10:00"}, deps)
    assert kept == EtaSpec(date(2026, 12, 5), time(10, 0)) and none == {}
