"""The grouped nudge's Block Kit (pure data): one line per inquiry with the card's buttons."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

from bot.adapters.slack.blocks.nudges import WITH_BUTTONS, build_nudge_message


def item(number: int, obligation: str, kind: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "reminder": number * 10 + len(obligation),
        "number": number,
        "title": f"Title {number}",
        "obligation": obligation,
        "kind": kind,
        "deadline": "2026-12-01 10:15",
        "assignee": "USTAFF1",
        "link": "",
        "overdue": kind != "approaching",
    }
    base.update(kw)
    return base


def line_blocks(blocks: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    out = []
    for block, after in pairwise(blocks):
        if block["type"] == "section" and after["type"] == "actions":
            out.append((block["text"]["text"], [e["action_id"] for e in after["elements"]]))
    return out


def test_one_line_per_inquiry_with_its_obligations_joined() -> None:
    text, blocks = build_nudge_message(
        "en",
        [
            item(1, "first_response", "deadline"),
            item(1, "eta_required", "approaching", deadline="2026-12-01 11:00"),
            item(2, "review", "approaching", assignee=""),
        ],
    )
    assert text.splitlines()[0] == "⏰ Deadline reminders · inquiries: 2"
    rows = line_blocks(blocks)
    assert [r[0] for r in rows] == [
        (
            "• *#1* Title 1 — a first response to the customer was due at 2026-12-01 10:15; "
            "an ETA for the customer is due at 2026-12-01 11:00"
        ),
        "• *#2* Title 2 — the review result is due at 2026-12-01 10:15",
    ]
    assert rows[0][1] == [
        "inquiry-set-eta",
        "inquiry-add-progress",
        "inquiry-resolve",
        "nudge-snooze-60",
    ]
    # unassigned: "assign to me" first, as on the card
    assert rows[1][1] == [
        "inquiry-assign-me",
        "inquiry-add-progress",
        "inquiry-resolve",
        "nudge-snooze-60",
    ]
    snooze = next(b for b in blocks if b["type"] == "actions")["elements"][-1]
    assert json.loads(snooze["value"]) == [24, 22]  # only #1's reminders


def test_same_obligation_keeps_its_most_advanced_stage() -> None:
    # a manager who is also the assignee gets the deadline nudge and the escalation at once
    text, _ = build_nudge_message(
        "en",
        [item(1, "first_response", "deadline"), item(1, "first_response", "escalation")],
    )
    [line] = [x for x in text.splitlines() if x.startswith("• ")]
    assert line.startswith("• 🔺 *#1*") and line.count("first response") == 1
    assert "(assignee: <@USTAFF1>)" in line


def test_bilingual_channel_nudge_is_korean_first() -> None:
    text, blocks = build_nudge_message(
        "ko", [item(3, "first_response", "approaching", assignee="")], bilingual=True
    )
    ko = text.index("고객에 대한 첫 응답 기한이 다가옵니다")
    en = text.index("a first response to the customer is due at")
    assert ko < en
    assert text.index("문의 1건") < text.index("Deadline reminders · inquiries: 1")
    actions = next(b for b in blocks if b["type"] == "actions")
    assert actions["elements"][0]["text"]["text"] == "내가 맡기 · Assign to me"
    assert "업무 시간" in blocks[-1]["elements"][0]["text"]
    assert "business time" in blocks[-1]["elements"][0]["text"]


def test_user_text_is_escaped() -> None:
    text, blocks = build_nudge_message(
        "en", [item(1, "first_response", "deadline", title="<!channel> & <@U0EVIL>")]
    )
    assert "<!channel>" not in json.dumps(blocks) and "<!channel>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U0EVIL&gt;" in text


def test_a_title_never_turns_into_formatting() -> None:
    text, blocks = build_nudge_message(
        "en", [item(1, "first_response", "deadline", title="*urgent* `code` _x_ ~y~")]
    )
    assert "*urgent*" not in text and "`code`" not in json.dumps(blocks)
    assert "∗urgent∗" in text


def test_many_inquiries_stay_within_slacks_block_limit() -> None:
    items = [item(n, "first_response", "deadline") for n in range(1, 41)]
    text, blocks = build_nudge_message("en", items)
    assert len(blocks) <= 50
    assert len(line_blocks(blocks)) == WITH_BUTTONS
    assert all(f"*#{n}*" in text for n in range(1, 41))
    assert "*#40*" in json.dumps(blocks)  # the rest are listed without buttons


def test_two_milestones_of_one_inquiry_are_both_shown() -> None:
    text, _ = build_nudge_message(
        "en",
        [
            item(1, "milestone", "deadline", promise="milestone:2026-12-03"),
            item(1, "milestone", "approaching", promise="milestone:2026-12-10"),
        ],
    )
    [line] = [x for x in text.splitlines() if x.startswith("• ")]
    assert "the stage progress report was due" in line
    assert "the stage progress report is due" in line
