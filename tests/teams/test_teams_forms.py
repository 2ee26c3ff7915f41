"""Adaptive Card forms for Teams: inputs, required fields, errors under their field, values
kept as typed, submit buttons with the neutral verb; submissions read back from an invoke."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.adapters.teams.cards import MAX_MESSAGE_BYTES, VERSION, Verb, card_activity, message_size
from bot.adapters.teams.forms import (
    build_eta_form,
    build_new_inquiry_form,
    build_note_form,
    read_submission,
)

INPUTS = {"Input.Text", "Input.Date", "Input.Time", "Input.ChoiceSet"}


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if e["type"] in INPUTS}


def _check(card: dict[str, Any]) -> None:
    assert card["type"] == "AdaptiveCard" and card["version"] == VERSION
    assert all(e["type"] in INPUTS | {"TextBlock"} for e in card["body"])
    for element in _inputs(card).values():
        assert element["label"]
        if element.get("isRequired"):
            assert element["errorMessage"]
    (submit,) = card["actions"]
    assert submit["type"] == "Action.Execute" and submit["verb"] in {str(v) for v in Verb}
    assert message_size(card_activity(card)) < MAX_MESSAGE_BYTES


def test_eta_form_with_an_error_under_its_field() -> None:
    card = build_eta_form(7, "en", date="2026-12-40", errors={"date": "Unreadable date."})
    _check(card)
    fields = _inputs(card)
    assert fields["date"]["isRequired"] and fields["date"]["value"] == "2026-12-40"
    assert "isRequired" not in fields["time"]
    ids = [e.get("id") or e.get("text") for e in card["body"]]
    assert ids[ids.index("date") + 1] == "Unreadable date."
    assert card["actions"][0]["data"] == {"number": 7, "form": "eta"}
    assert "**#7**" in card["body"][1]["text"]


@pytest.mark.parametrize("verb", [Verb.PROGRESS, Verb.RESOLVE, Verb.REOPEN])
def test_note_forms(verb: Verb) -> None:
    note = "<at>Boss</at> **as typed**"
    card = build_note_form(verb, 3, "ko", note=note)
    _check(card)
    field = _inputs(card)["note"]
    assert field["value"] == note  # an input's value is what the person edits, not markup
    assert field["isMultiline"] and field["isRequired"]
    assert card["actions"][0]["verb"] == verb


def test_new_inquiry_form_keeps_values_and_shows_errors() -> None:
    card = build_new_inquiry_form(
        "ko",
        values={"kind": "support", "title": "로그인 안됨", "due": "2026-12-24", "customer": "x"},
        errors={"title": "제목을 입력하세요."},
    )
    _check(card)
    fields = _inputs(card)
    assert [c["value"] for c in fields["kind"]["choices"]] == [
        "voc",
        "support",
        "request",
        "regulatory",
    ]
    assert fields["kind"]["value"] == "support" and fields["due"]["value"] == "2026-12-24"
    assert fields["title"]["isRequired"] and "isRequired" not in fields["detail"]
    assert "제목을 입력하세요." in json.dumps(card, ensure_ascii=False)
    assert build_new_inquiry_form("en", values={"kind": "bogus"})["body"][1].get("value") is None


def test_read_submission() -> None:
    value = {
        "action": {
            "type": "Action.Execute",
            "verb": "inquiry.set_eta",
            "data": {"number": 7, "form": "eta", "date": "2026-12-24", "time": "", "x": [1]},
        },
        "trigger": "manual",
    }
    assert read_submission(value) == (
        "inquiry.set_eta",
        {"number": "7", "form": "eta", "date": "2026-12-24", "time": ""},
    )


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {},
        {"action": "x"},
        {"action": {"type": "Action.Submit", "verb": "v", "data": {}}},
        {"action": {"type": "Action.Execute", "verb": 3, "data": {}}},
        {"action": {"type": "Action.Execute", "verb": "v", "data": "x"}},
    ],
)
def test_read_submission_of_anything_else(value: Any) -> None:
    assert read_submission(value) is None
