"""Pure builders of the card, `show` and Home, checked against Slack's Block Kit limits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.slack.blocks.common import literal
from bot.adapters.slack.blocks.home import HOME_ROWS, HomeList, build_home
from bot.adapters.slack.blocks.inquiry import (
    Viewer,
    build_history,
    build_inquiry_card,
    build_note_modal,
    texts,
)
from bot.i18n import guess_lang, when
from bot.sandbox.fake_slack import validate_message_blocks, validate_view
from bot.services.inquiries import span, title_from_text

SEOUL = ZoneInfo("Asia/Seoul")


def card(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "number": 4,
        "kind": "support",
        "status": "in_progress",
        "title": "Login *fails* with `E42`",
        "detail": "Since this morning <!channel> login *fails*",
        "customer": "Mirae & Co",
        "contact": "Kim <kim@example.com>",
        "requester": "UCUST",
        "assignee": "USTAFF1",
        "deadline": "2026-12-01 11:00",
        "deadline_state": "on_track",
        "eta": "-",
        "due": "-",
        "open": True,
        "last_note": "Logs *checked*",
        "last_note_at": "2026-12-01 10:05",
        "last_note_by": "USTAFF1",
        "resolution": "",
        "results": [],
        "link": "http://127.0.0.1:1/#C0TRIAGE/1.000100",
    }
    return {**base, **over}


def buttons(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def text_of(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


RESOLVED = card(
    status="resolved",
    open=False,
    deadline="-",
    deadline_state="met",
    resolution="Cache *cleared*",
    results=[
        {"obligation": "first_response", "took": "5m", "late": "", "judged": True},
        {"obligation": "resolution", "took": "3h 20m", "late": "40m", "judged": True},
    ],
)


def test_open_shared_card_has_staff_buttons_but_no_assign_once_assigned() -> None:
    blocks = build_inquiry_card(card(), texts("ko", bilingual=True))
    assert validate_message_blocks(blocks) == []
    assert buttons(blocks) == [
        "inquiry-set-eta",
        "inquiry-add-progress",
        "inquiry-transfer",
        "inquiry-resolve",
    ]
    unassigned = build_inquiry_card(card(assignee=None), texts("en"))
    assert buttons(unassigned)[0] == "inquiry-assign-me"
    text = text_of(blocks)
    assert "Kim &lt;kim@example.com&gt;" in text and "Mirae &amp; Co" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "Logs ∗checked∗" in text and "*checked*" not in text  # the latest progress note
    assert "- ·" not in text and "· -" not in text  # no empty ETA/due fields


def test_resolved_card_has_verdicts_and_reopen() -> None:
    blocks = build_inquiry_card(RESOLVED, texts("ko", bilingual=True))
    assert validate_message_blocks(blocks) == []
    text = text_of(blocks)
    assert "resolved in 3h 20m — 40m late" in text
    assert "first response in 5m — met" in text and "해결까지 3시간 20분 — 40분 지연" in text
    assert "Deadline" not in text and "- ·" not in text and "• ·" not in text
    assert buttons(blocks) == ["inquiry-reopen"]


@pytest.mark.parametrize(
    ("viewer", "open_", "want"),
    [
        (
            Viewer("USTAFF2", True),
            True,
            [
                "inquiry-assign-me",
                "inquiry-set-eta",
                "inquiry-add-progress",
                "inquiry-transfer",
                "inquiry-resolve",
                "inquiry-open-card",
            ],
        ),
        (
            Viewer("USTAFF1", True),  # the assignee
            True,
            [
                "inquiry-set-eta",
                "inquiry-add-progress",
                "inquiry-transfer",
                "inquiry-resolve",
                "inquiry-open-card",
            ],
        ),
        (Viewer("UCUST", False), True, []),  # the requester, a customer: nothing to press
        (Viewer("UCUST", False), False, ["inquiry-reopen"]),
        (Viewer("UOTHER", False), False, []),
        (Viewer("USTAFF2", True), False, ["inquiry-reopen", "inquiry-open-card"]),
    ],
)
def test_show_buttons_follow_the_viewer(viewer: Viewer, open_: bool, want: list[str]) -> None:
    data = card() if open_ else RESOLVED
    events = [
        {"at": "2026-12-01 10:00", "actor": "UCUST", "kind": "created", "detail": "x"},
        {
            "at": "2026-12-01 10:01",
            "actor": "USTAFF2",
            "kind": "assigned",
            "detail": "",
            "detail_user": "USTAFF1",
        },
    ]
    blocks = build_history(data, events, texts("en"), "en", viewer)
    assert validate_message_blocks(blocks) == []
    assert buttons(blocks) == want
    text = text_of(blocks)
    assert "<@USTAFF2>" in text and "→ <@USTAFF1>" in text


def test_show_never_mentions_an_unvalidated_id() -> None:
    events = [
        {
            "at": "x",
            "actor": "USTAFF1",
            "kind": "assigned",
            "detail": "",
            "detail_user": "<!channel>",
        }
    ]
    text = text_of(build_history(card(), events, texts("en"), "en", Viewer("USTAFF1", True)))
    assert "<!channel>" not in text


def test_home_lists_fit_slack_limits_and_keep_titles_literal() -> None:
    rows = [
        card(number=n, title=f"*bold* `code` ~strike~ _it_ {'x' * 200}", assignee=None)
        for n in range(1, 30)
    ]
    lists = [HomeList(key, rows, 40) for key in ("mine", "requested", "team", "overdue")]
    view = build_home("ko", lists, Viewer("UMANAGER", True))
    assert validate_view(view, home_only=True) == []
    ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(ids) == len(set(ids))
    text = text_of(view)
    for raw in ("*bold*", "`code`", "~strike~", "_it_"):
        assert raw not in text
    assert "내 담당" in text and "우리 팀" in text and "기한 초과" in text
    rows_shown = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home-mine")]
    assert len(rows_shown) == HOME_ROWS
    assert "inquiry-assign-me" in buttons(view["blocks"])


def test_home_for_a_customer_has_no_staff_buttons() -> None:
    view = build_home(
        "en", [HomeList("requested", [card(requester="UCUST")], 1)], Viewer("UCUST", False)
    )
    assert validate_view(view, home_only=True) == []
    assert buttons(view["blocks"]) == []
    empty = build_home("en", [HomeList("requested", [], 0)], Viewer("UCUST", False))
    assert "Nothing here" in text_of(empty)


def test_reopen_modal_is_valid() -> None:
    view = build_note_modal("ko", 4, "reopen", meta={"home": True})
    assert validate_view(view) == []
    assert view["callback_id"] == "inquiry-reopen-modal"
    assert json.loads(view["private_metadata"]) == {"number": 4, "home": True}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Login fails. Since 9am nobody can log in.", "Login fails."),
        ("주문 화면이 안 열립니다\n오류 코드 500", "주문 화면이 안 열립니다"),
        ("short", "short"),
        (
            (
                "Hello, since this morning our traders cannot log in to the HTS and the error "
                "screen says the certificate expired"
            ),
            "Hello, since this morning our traders cannot log in to the HTS and the error…",
        ),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_title_is_a_short_summary(text: str, want: str) -> None:
    title = title_from_text(text)
    assert title == want and len(title) <= 80


@pytest.mark.parametrize(
    ("delta", "want"),
    [
        (timedelta(minutes=40), "40m"),
        (timedelta(hours=3, minutes=20), "3h 20m"),
        (timedelta(days=2, hours=1, minutes=5), "2d 1h"),
        (timedelta(seconds=20), "0m"),
    ],
)
def test_span(delta: timedelta, want: str) -> None:
    assert span(delta) == want


def test_when_and_language_guess() -> None:
    moment = datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("UTC"))  # 15:00 in Seoul
    assert when("en", moment, SEOUL, zone=True) == "Tue 1 Dec, 15:00 KST"
    assert when("ko", moment, SEOUL) == "12월 1일(화) 15:00"
    assert guess_lang("로그인 안 됨 error") == "ko" and guess_lang("login error") == "en"
    assert literal("*a* `b` ~c~ _d_") == "∗a∗ ˋbˋ ∼c∼ ˍdˍ"
