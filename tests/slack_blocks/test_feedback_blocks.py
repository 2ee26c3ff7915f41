"""Feedback Block Kit builders (pure data): prompts, the comment modal, the consent box, and
the answers of `/survey` and `/feedback`."""

from __future__ import annotations

from bot.adapters.slack.blocks.feedback import (
    action_id,
    build_comment_modal,
    build_feedback_reply,
    build_prompt,
    verb_of,
)
from bot.domain.feedback import summarize
from bot.services.complaint_views import CaseView
from bot.services.feedback_commands import ComplaintShow, PraiseGiven
from bot.services.outbox import button
from bot.services.results import Said
from bot.services.surveys import SurveyResults, rating_buttons


def test_prompt_buttons_have_unique_ids_and_labels_in_the_readers_language() -> None:
    blocks = build_prompt("How was it?", rating_buttons(7), "en")
    elements = blocks[1]["elements"]
    assert [e["action_id"] for e in elements] == [f"survey:rate#{i}" for i in range(5)]
    assert [e["value"] for e in elements] == [f"7:{r}" for r in range(1, 6)]
    assert elements[0]["text"]["text"] == "1 Very dissatisfied"
    both = build_prompt("x", rating_buttons(7), "ko", bilingual=True)[1]["elements"]
    assert both[4]["text"]["text"] == "5 매우 만족 / 5 Very satisfied"
    assert verb_of(action_id("complaint:open", 0)) == "complaint:open"


def test_a_prompt_without_buttons_is_one_section() -> None:
    assert [b["type"] for b in build_prompt("hi", [], "ko")] == ["section"]
    danger = build_prompt(
        "x", [button("complaint:open", "1", "complaint.button.open", style="danger")], "ko"
    )
    assert danger[1]["elements"][0]["style"] == "danger"


def test_comment_modal() -> None:
    view = build_comment_modal("ko", 3, 12, 2)
    assert view["callback_id"] == "survey-comment-modal"
    assert view["private_metadata"] == '{"survey": 3}'
    assert view["blocks"][1]["optional"] is True
    assert view["blocks"][1]["element"]["max_length"] == 2000


def test_results_hide_identities_and_escape_comments() -> None:
    s = summarize([5, 2, None])
    result = SurveyResults(
        2026,
        11,
        "all",
        s,
        {"support": s},
        {"HTS <team>": s},
        [(2, "support", "HTS", "<!channel> slow")],
    )
    text, blocks = build_feedback_reply(result, "en")
    body = str(blocks)
    assert "2026-11" in text and "67%" in body and "3.50" in body
    assert "&lt;!channel&gt; slow" in body and "<!channel>" not in body
    assert "HTS &lt;team&gt;" in body


def test_case_outcome_only_for_staff_member_and_reporter() -> None:
    outcome = CaseView(
        "K3", False, "dismissed", {"status": "dismissed", "decided_at": None, "action": ""}
    )
    text, blocks = build_feedback_reply(ComplaintShow(outcome), "en")
    assert "K3" in text and "Dismissed" in text and blocks is None


def test_praise_consent_checkbox_only_when_shareable() -> None:
    said = Said("praise.created_praise", {"staff_user": "USTAFF1"})
    _, private = build_feedback_reply(PraiseGiven(said, 4, False), "ko")
    assert private is None
    _, blocks = build_feedback_reply(PraiseGiven(said, 4, True), "ko")
    assert blocks is not None
    box = blocks[1]["elements"][0]
    assert box["type"] == "checkboxes" and box["action_id"] == "praise:share#0"
    assert box["options"][0]["value"] == "4"


def _case(status: str, buttons: list[dict[str, object]]) -> CaseView:
    data = {
        "status": status,
        "decided_at": "",
        "action": "",
        "staff_user": "USTAFF1",
        "reporter_user": "UCUST",
        "customer": True,
        "text": "<!here> *rude* & <https://x.example|y>\n> quoted",
        "created_at": "",
        "due": "12월 2일(수) 10:00",
        "reason": "",
        "action_by": "",
        "reward": "",
        "reward_state": "",
        "reward_sent_user": "",
        "reward_sent_at": "",
    }
    return CaseView("K7", True, status, data, buttons)


def test_case_card_shows_the_buttons_of_its_state_and_escapes_the_text() -> None:
    from bot.adapters.slack.blocks.feedback import build_case_card
    from bot.services.complaints import action_buttons, decision_buttons

    text, blocks = build_case_card("en", _case("open", decision_buttons(7)))
    assert "K7" in text
    assert blocks is not None
    shown = str(blocks)
    assert "<!here>" not in shown and "&lt;!here&gt;" in shown and "<https" not in shown
    actions = blocks[-1]["elements"]
    assert [(e["action_id"], e["value"]) for e in actions] == [
        ("complaint:confirm#0", "7"),
        ("complaint:dismiss#1", "7"),
    ]
    assert [e["text"]["text"] for e in actions] == ["Confirm", "Dismiss"]
    _, blocks = build_case_card("ko", _case("confirmed", action_buttons(7)))
    assert blocks is not None and blocks[-1]["elements"][0]["text"]["text"] == "시정 조치 기록"
    _, blocks = build_case_card("ko", _case("dismissed", []))
    assert blocks is not None and [b["type"] for b in blocks] == ["section"]


def test_case_forms_ask_for_the_finding_the_reason_or_the_action_and_its_due_date() -> None:
    import json

    from bot.adapters.slack.blocks.feedback import build_case_form
    from bot.services.feedback_common import FeedbackVerb

    confirm = build_case_form("en", FeedbackVerb.CONFIRM, _case("open", []), channel="D1", ts="1.2")
    assert confirm["callback_id"] == "complaint-form-modal"
    assert json.loads(confirm["private_metadata"]) == {
        "complaint": 7,
        "verb": "complaint:confirm",
        "channel": "D1",
        "ts": "1.2",
    }
    inputs = [b for b in confirm["blocks"] if b["type"] == "input"]
    assert [(b["block_id"], b["label"]["text"]) for b in inputs] == [
        ("complaint_text", "What you found")
    ]
    assert "<!here>" not in str(confirm) and "&lt;!here&gt;" in str(confirm)
    dismiss = build_case_form("ko", FeedbackVerb.DISMISS, _case("open", []), channel="", ts="")
    assert dismiss["title"]["text"] == "불만 기각"
    action = build_case_form(
        "ko", FeedbackVerb.RECORD_ACTION, _case("confirmed", []), channel="D1", ts="1"
    )
    inputs = [b for b in action["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == ["complaint_text", "complaint_due"]
    assert inputs[1]["optional"] is True
