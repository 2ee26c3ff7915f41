"""The handoff card, the transfer and can't modals as plain data (issue 13): within Slack's
limits however much was said, every user-derived string escaped."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks.callbacks import build_handoff_card, build_pass_modal
from bot.adapters.slack.blocks.inquiry import build_transfer_modal
from bot.adapters.teams.callbacks import build_handoff_card as build_teams_handoff_card
from bot.sandbox.fake_slack import validate_message_blocks, validate_view
from bot.services.callback_commands import OpenPassForm

HOSTILE = "<!channel> *bold* `code` <https://evil.example|click> & done"


def _view(**extra: Any) -> dict[str, Any]:
    long = "가" * 2900
    return {
        "number": 7,
        "title": HOSTILE,
        "detail": long,
        "customer": HOSTILE,
        "contact": "-",
        "requester": "UCUST",
        "history": [
            {"at": f"10:{i:02d}", "actor": "USTAFF1", "kind": "progress", "detail": long}
            for i in range(12)
        ],
        "messages": [{"at": f"11:{i:02d}", "text": HOSTILE + "x" * 480} for i in range(5)],
        "earlier_messages": 9,
        "promises": [{"obligation": "resolution", "deadline": "Thu 3 Dec, 18:00"}],
        "eta": "-",
        "from": "USTAFF1",
        "to": "USTAFF2",
        "by": "USTAFF1",
        "reason": HOSTILE,
        "at": "12:00",
    }


def _text(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        str((b.get("text") or {}).get("text") or "") for b in blocks if b.get("type") == "section"
    )


def test_the_handoff_card_fits_slack_and_escapes_everything() -> None:
    text, blocks = build_handoff_card("en", _view())
    assert validate_message_blocks(blocks) == []
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b.get("type") == "section")
    shown = _text(blocks)
    assert "(and 9 earlier)" in shown and "What the requester wrote since" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert "<https://evil.example" not in shown
    assert text


def test_a_callback_handoff_card_carries_its_buttons_until_called_back() -> None:
    view = {
        **_view(),
        "callback": True,
        "owner": "USTAFF2",
        "logged_by": "URECEPTION",
        "caller": HOSTILE,
        "company": "미래에셋증권",
        "phone": "02-1234-5678",
        "topic": HOSTILE,
        "urgent": False,
        "state": "open",
        "logged_at": "10:00",
        "claimed_by": "",
        "called_back_by": "",
        "inquiry": None,
    }
    _, blocks = build_handoff_card("ko", view)
    assert validate_message_blocks(blocks) == []
    assert blocks[-1]["type"] == "actions"
    assert [e["action_id"] for e in blocks[-1]["elements"]] == [
        "callback-claim",
        "callback-done",
        "callback-pass",
    ]
    shown = _text(blocks)
    assert "02-1234-5678" in shown and "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    _, done = build_handoff_card("ko", {**view, "state": "done", "called_back_by": "USTAFF2"})
    assert all(b["type"] != "actions" for b in done)
    card = build_teams_handoff_card("en", {**view, "topic": "<at>Boss</at> **x**"})
    dumped = str(card)
    assert "Action.Execute" in dumped and "<at>Boss</at>" not in dumped


def test_the_transfer_and_cant_modals_are_valid() -> None:
    transfer = build_transfer_modal("ko", 3)
    assert validate_view(transfer) == []
    assert transfer["callback_id"] == "inquiry-transfer-modal"
    picker = next(b for b in transfer["blocks"] if b.get("block_id") == "transfer_to")
    assert picker["element"]["type"] == "users_select" and not picker["optional"]
    cant = build_pass_modal("en", OpenPassForm(4, ["USTAFF1"]))
    assert validate_view(cant) == []
    assert (
        cant["callback_id"] == "callback-pass-modal" and '"number": 4' in cant["private_metadata"]
    )
