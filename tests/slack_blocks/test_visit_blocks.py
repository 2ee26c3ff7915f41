"""The desk's Block Kit and Adaptive Cards as plain data: answers, alert buttons, forms, and
hostile visitor text escaped in every field (Slack and Teams renderers)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.adapters.slack.blocks.visits import (
    build_reason_modal,
    build_report_modal,
    build_visit_buttons,
    build_visit_modal,
    build_visit_reply,
    read_room_choice,
)
from bot.adapters.teams.visits import build_visit_card, build_visit_form
from bot.adapters.teams.visits import build_visit_reply as teams_reply
from bot.i18n import timed
from bot.services.results import Said
from bot.services.visits.commands import CheckOut, RoomBoard, VisitList
from bot.services.visits.common import VisitVerb
from bot.services.visits.rooms import RoomLine

HOSTILE = "<!channel> & <@U123> *bold*"


def row(**kw: Any) -> dict[str, Any]:
    base = {
        "number": 3,
        "time": "14:00",
        "visitor": HOSTILE,
        "company": "미래 & Co",
        "host": "USTAFF1",
        "room": "접견실 1",
        "status": "seated",
        "walkin": False,
        "badge": "17",
        "id_type": "passport",
        "slot": "4",
        "badge_out": False,
        "id_out": False,
        "waiting": 6,
    }
    return {**base, **kw}


def test_slack_list_escapes_visitor_text_and_names_the_status() -> None:
    _, blocks = build_visit_reply(VisitList("2026-12-01", [row()], True), "ko")
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "<!channel>" not in dumped and "&lt;!channel&gt;" in dumped
    assert "&amp; Co" in dumped and "착석" in dumped and "6분" in dumped
    assert "<@USTAFF1>" in dumped  # the host is a mention


def test_slack_said_writes_moments_for_the_reader() -> None:
    moment = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)  # 14:00 KST
    said = Said(
        "visit.registered",
        {
            "number": 1,
            "visitor": HOSTILE,
            "company": "-",
            "host_user": "USTAFF1",
            "room": "-",
            "at": timed(moment),
        },
    )
    text, _ = build_visit_reply(said, "en")
    assert "Thu 3 Dec, 14:00" in text and "&lt;!channel&gt;" in text


def test_slack_alert_buttons_and_room_menu() -> None:
    buttons = [
        {"verb": VisitVerb.COMING, "number": 3},
        {"verb": VisitVerb.SEND_ROOM, "number": 3, "room": "접견실 <2>"},
        {"verb": VisitVerb.DECLINE, "number": 3},
    ]
    block = build_visit_buttons("ko", buttons)
    assert block is not None
    kinds = [(e["type"], e["action_id"]) for e in block["elements"]]
    assert kinds == [
        ("button", "visit-coming"),
        ("static_select", "visit-send-room"),
        ("button", "visit-decline"),
    ]
    option = block["elements"][1]["options"][0]
    assert "&lt;2&gt;" in option["text"]["text"]
    assert read_room_choice(option["value"]) == (3, "접견실 <2>")
    assert read_room_choice("not json") is None


def test_slack_check_out_offers_what_is_still_out() -> None:
    said = Said("visit.left", {"number": 3, "visitor": "Kim"})
    _, blocks = build_visit_reply(CheckOut(said, 3, True, False), "en")
    assert blocks is not None
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["visit-badge-back"]
    _, none = build_visit_reply(CheckOut(said, 3, False, False), "en")
    assert none is None


def test_slack_room_board() -> None:
    board = RoomBoard(
        "2026-12-01",
        [
            RoomLine(
                "접견실 1",
                4,
                "3F",
                "waiting",
                3,
                7,
                [{"ref": "V3", "start": "14:00", "end": "15:00", "purpose": HOSTILE}],
            ),
            RoomLine("접견실 2", 2, "", "free", None, 0, []),
        ],
    )
    _, blocks = build_visit_reply(board, "ko")
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "V3" in dumped and "7분" in dumped and "비어 있음" in dumped
    assert "<!channel>" not in dumped


def test_slack_modals_have_the_fields_the_readers_read() -> None:
    modal = build_visit_modal("ko", ["접견실 1"], "2026-12-01", host="USTAFF1")
    ids = [b["block_id"] for b in modal["blocks"]]
    assert ids == [
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
    ]
    assert len(modal["title"]["text"]) <= 24
    assert build_reason_modal("en", 3)["private_metadata"] == '{"number": 3}'
    assert [b["block_id"] for b in build_report_modal("en", 1)["blocks"]] == ["outcome", "next"]


def test_teams_card_and_reply_escape_and_carry_verbs() -> None:
    card = build_visit_card(
        "hello",
        "en",
        [
            {"verb": VisitVerb.MET, "number": 3},
            {"verb": VisitVerb.SEND_ROOM, "number": 3, "room": "R1"},
        ],
    )
    verbs = [(a["verb"], a["data"]) for a in card["actions"]]
    assert verbs == [("visit.met", {"number": 3}), ("visit.send_room", {"number": 3, "room": "R1"})]
    activity = teams_reply(VisitList("2026-12-01", [row()], True), "ko")
    assert activity is not None
    assert "<!channel>" not in activity["text"] and "<@U123>" not in activity["text"]
    form = build_visit_form("ko", ["접견실 1"], values={"visitor": "Kim"}, errors={"time": "!"})
    ids = [e.get("id") for e in form["body"] if e.get("id")]
    assert ids[:4] == ["visitor", "company", "date", "time"]
    assert form["actions"][0]["verb"] == "visit.register"


def test_both_platforms_render_the_visit_kind() -> None:
    from bot.adapters.slack.render import RENDERERS as SLACK
    from bot.adapters.teams.render import RENDERERS as TEAMS
    from bot.services.visits.common import VISIT_KIND

    assert VISIT_KIND in SLACK and set(SLACK) == set(TEAMS)


def test_a_checked_out_visit_with_a_badge_or_id_out_stays_flagged_on_both_platforms() -> None:
    flagged = row(status="left", badge_out=True, id_out=True, waiting=0)
    _, blocks = build_visit_reply(VisitList("2026-12-01", [flagged], True), "ko")
    slack = json.dumps(blocks, ensure_ascii=False)
    assert "미반납: 출입증, 신분증" in slack and "badge" not in slack
    teams = teams_reply(VisitList("2026-12-01", [flagged], True), "en")
    assert teams is not None
    assert "not back: badge, ID" in teams["text"]
    waiting = teams_reply(VisitList("2026-12-01", [row()], True), "ko")
    assert waiting is not None and "담당자 미입실 6분" in waiting["text"]
