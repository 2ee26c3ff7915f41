"""The digest as Slack blocks and as a Teams card (pure builders): long sections collapse to
their top items and "and N more", everything fits Slack's 50 blocks and Teams' size, hostile
titles stay text."""

from __future__ import annotations

import json
from typing import Any

from bot.adapters.slack.blocks.digest import SECTION_ITEMS, build_digest
from bot.adapters.teams.cards import card_activity, message_size
from bot.adapters.teams.digest import build_digest_card
from bot.sandbox.fake_slack import validate_message_blocks
from bot.services.digest.sections import RANKS


def _payload(sections: int, items: int, total: int) -> dict[str, Any]:
    keys = [
        k for k in RANKS if k in ("overdue", "due_today", "at_risk", "unassigned", "on_hold", "new")
    ]
    return {
        "manager": "UMANAGER",
        "teams": ["HTS support"],
        "day": "2026-12-02",
        "sections": [
            {
                "key": keys[n % len(keys)],
                "total": total,
                "params": {},
                "items": [
                    {
                        "ref": f"#{n * 100 + i}",
                        "title": "<!channel> *bold* " + "긴 제목 " * 40,
                        "who": "USTAFF1",
                        "note_key": "digest.note.overdue_by",
                        "note": {"span": "2d 3h"},
                        "object": ["inquiry", n * 100 + i],
                    }
                    for i in range(items)
                ],
            }
            for n in range(sections)
        ],
    }


def test_long_sections_collapse_within_50_blocks() -> None:
    payload = _payload(sections=12, items=20, total=30)
    links = {i: f"https://example.slack.com/archives/C0TRIAGE/p{i}" for i in range(2000)}
    _text, blocks = build_digest("ko", payload, links)
    assert len(blocks) <= 50
    assert validate_message_blocks(blocks) == []
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "<!channel>" not in dumped and "&lt;!channel&gt;" in dumped
    assert dumped.count("외 25건") >= 1
    first = [b for b in blocks if b["type"] == "section"][2]["text"]["text"]
    assert first.count("• ") == SECTION_ITEMS
    assert "<https://example.slack.com/archives/C0TRIAGE/p0|#0>" in first


def test_one_long_section() -> None:
    _text, blocks = build_digest("en", _payload(sections=1, items=20, total=45))
    dumped = json.dumps(blocks)
    assert "and 40 more" in dumped and validate_message_blocks(blocks) == []


def test_empty_digest_and_summary() -> None:
    _text, blocks = build_digest("en", {"teams": ["A"], "day": "2026-12-02", "sections": []})
    assert "Nothing needs your attention today" in json.dumps(blocks)
    summary = {**_payload(sections=3, items=5, total=7), "summary": True}
    _text, blocks = build_digest("ko", summary)
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "팀 요약" in dumped and "#0" not in dumped  # counts only, no items


def test_teams_card_stays_small() -> None:
    card = build_digest_card("ko", _payload(sections=12, items=20, total=30), names={})
    size = message_size(card_activity(card))
    assert size < 28_000
    texts = [b["text"] for b in card["body"] if b.get("type") == "TextBlock"]
    items = [x for x in texts if x.startswith("• ")]
    assert items and all("\\<!channel\\> \\*bold\\*" in x for x in items)
    assert any("외 25건" in x for x in texts)


def test_both_platforms_render_every_kind() -> None:
    from bot.adapters.slack.render import RENDERERS as SLACK
    from bot.adapters.teams.render import RENDERERS as TEAMS

    assert set(SLACK) == set(TEAMS) >= {"digest", "report"}
