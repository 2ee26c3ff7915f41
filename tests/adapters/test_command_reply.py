"""The `/inquiry` answers in Slack: each neutral command result as text and Block Kit, and the
modal payload readers (forged payloads of any shape)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.slack.blocks.commands import build_command_reply
from bot.adapters.slack.ids import Block
from bot.adapters.slack.views import form_errors, modal_message, modal_number, modal_source
from bot.errors import NotFound
from bot.ports import MessageRef
from bot.sandbox.fake_slack import validate_message_blocks
from bot.services.inquiries import CustomerUpdate, CustomerView
from bot.services.inquiry_commands import (
    CustomerList,
    CustomerShow,
    DeliveryFailures,
    Help,
    OpenNewForm,
    Refused,
    StaffList,
    StaffShow,
    Usage,
)
from bot.services.inquiry_forms import FormError, FormField
from bot.services.results import Replayed, Said

VIEW = CustomerView(
    number=3,
    title="<!channel> & co",
    status="in_progress",
    eta="",
    open=True,
    updates=(CustomerUpdate(at="12/01 10:00", kind="created", text=""),),
)
ROW: dict[str, Any] = {
    "number": 3,
    "kind": "support",
    "status": "new",
    "title": "Login",
    "requester": "UCUST",
    "assignee": None,
    "deadline": "12/01 10:15",
    "deadline_state": "on_track",
    "eta": "",
    "due": "",
    "open": True,
    "link": "",
    "detail": "",
    "customer": "",
    "contact": "",
    "last_note": "",
    "last_note_at": "",
    "last_note_by": "",
    "resolution": "",
    "results": [],
}


def test_texts_usage_and_help() -> None:
    assert build_command_reply(Said("inquiry.held", {"number": 3}), "en")[0].count("#3") == 1
    text, blocks = build_command_reply(
        Usage("inquiry.error.missing_ref", {}, "inquiry.usage.show"), "en"
    )
    assert blocks is None and "\n" in text
    plain, _ = build_command_reply(Help(), "en")
    failures = Help(DeliveryFailures(2, [("tell:<9>", "UCUST", "x & y")]))
    admin, _ = build_command_reply(failures, "en")
    assert admin.startswith(plain) and "tell:&lt;9&gt;" in admin and "x &amp; y" in admin
    ok, _ = build_command_reply(Help(DeliveryFailures(0)), "en")
    assert len(ok) > len(plain)


def test_lists_and_shows_are_valid_block_kit_with_escaped_titles() -> None:
    for result in (
        StaffList("open", 1, [ROW]),
        StaffList("overdue", 0, []),
        CustomerList(1, [VIEW]),
        CustomerShow(VIEW),
        StaffShow(3, {**ROW, "title": VIEW.title}, [], "USTAFF1", True),
    ):
        text, blocks = build_command_reply(result, "ko")
        assert text and blocks
        validate_message_blocks(blocks)
        assert "<!channel>" not in text + str(blocks)


@pytest.mark.parametrize(
    "result", [Replayed(), OpenNewForm(None, None), Refused(NotFound("inquiry.error.not_found"))]
)
def test_what_is_no_reply_is_refused(result: Any) -> None:
    with pytest.raises(TypeError):
        build_command_reply(result, "en")


def test_form_errors_go_under_their_blocks() -> None:
    errors = {FormField.ETA_TIME: FormError("form.bad_time")}
    assert list(form_errors("en", errors)) == [Block.ETA_TIME]


@pytest.mark.parametrize(
    ("meta", "ok"),
    [
        (None, False),
        ({}, True),
        ({"channel": "C0INTAKE", "ts": "1764550000.000100", "author": "UCUST"}, True),
        ({"channel": "<!here>"}, False),
        ({"ts": "yesterday"}, False),
        ({"author": 7}, False),
    ],
)
def test_modal_source_takes_only_what_the_bot_put_there(meta: Any, ok: bool) -> None:
    assert (modal_source(meta) is not None) is ok


def test_modal_message_and_number() -> None:
    assert modal_message({"channel": "C0INTAKE"}) is None
    assert modal_message({"channel": "C0INTAKE", "ts": "1.2"}) == MessageRef(
        "slack", "C0INTAKE", "1.2"
    )
    assert modal_number({"private_metadata": '{"number": 4}'}) == 4
    for raw in ('{"number": true}', '{"number": "4"}', '{"number": 0}', "[4]", "x"):
        assert modal_number({"private_metadata": raw}) is None


@pytest.mark.parametrize(
    ("value", "ids"),
    [("[1, 2]", [1, 2]), ("[]", []), (None, []), ({"ids": [1]}, []), ([1], []), ("{", [])],
)
def test_a_snooze_buttons_reminder_ids(value: object, ids: list[int]) -> None:
    from handlers.nudges import read_reminder_ids

    assert read_reminder_ids(value) == ids
