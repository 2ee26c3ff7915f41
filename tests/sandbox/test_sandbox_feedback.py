"""Issue 15 in `charterbot sandbox`, through the page's API (what its buttons send): a
customer answers the survey after their inquiry is resolved, and the manager handles the
complaint opened from the low rating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.sandbox_process import SandboxProcess


def _with_action(
    messages: list[dict[str, Any]], prefix: str
) -> list[tuple[dict[str, Any], int, int]]:
    """(message, block index, element index) of each element whose action id starts so."""
    found = []
    for m in messages:
        for b, block in enumerate(m["blocks"]):
            for e, element in enumerate(block.get("elements") or []):
                if str(element.get("action_id", "")).startswith(prefix):
                    found.append((m, b, e))
    return found


def _wait(sb: SandboxProcess, check: Any) -> Any:
    # generous: the whole suite shares two cores with other work
    return sb.wait_for(check, timeout=30.0)


def test_customer_answers_survey_and_manager_handles_complaint(tmp_path: Path) -> None:
    sb = SandboxProcess(tmp_path)
    try:
        ok = (200, {"ok": True})
        assert (
            sb.post(
                "/sandbox/api/send",
                {"as": "dana", "channel": "dm", "text": "/inquiry new support Login fails"},
            )
            == ok
        )
        _wait(sb, lambda: [m for m in sb.messages("alex", "triage") if m["blocks"]])
        # one command at a time: the sandbox, like Slack, runs commands concurrently, and a
        # resolve that overtook the assignment would leave nobody to be rated
        for text, done in (
            ("/inquiry assign 1 @minji", "taking care"),
            ("/inquiry resolve 1 Password reset", "resolved"),
        ):
            assert (
                sb.post("/sandbox/api/send", {"as": "minji", "channel": "triage", "text": text})
                == ok
            )
            _wait(sb, lambda done=done: [m for m in sb.messages("dana", "dm") if done in m["text"]])
        # the customer's survey, in her DM with the bot: rate 1 (the first button)
        rates = _wait(sb, lambda: _with_action(sb.messages("dana", "dm"), "survey:rate#"))
        message, block, _ = rates[0]
        status, _ = sb.post(
            "/sandbox/api/action",
            {
                "as": "dana",
                "channel": "dm",
                "ts": message["ts"],
                "block_index": block,
                "element_index": 0,
            },
        )
        assert status == 200
        view = _wait(sb, lambda: sb.get("/sandbox/api/modal?as=dana")[1]["view"])
        assert view["callback_id"] == "survey-comment-modal"
        status, _ = sb.post(
            "/sandbox/api/submit",
            {"as": "dana", "view_id": view["id"], "values": {"comment": "Nobody called back"}},
        )
        assert status == 200
        # the manager (Jihoon) is alerted at once and opens a complaint with one button
        # (once for the rating, once more when the comment arrives)
        alerts = _wait(
            sb,
            lambda: [
                a
                for a in _with_action(sb.messages("jihoon", "dm"), "complaint:open#")
                if "Nobody called back" in a[0]["text"]
            ],
        )
        message, block, element = alerts[0]
        status, _ = sb.post(
            "/sandbox/api/action",
            {
                "as": "jihoon",
                "channel": "dm",
                "ts": message["ts"],
                "block_index": block,
                "element_index": element,
            },
        )
        assert status == 200
        _wait(sb, lambda: [m for m in sb.messages("jihoon", "dm") if "K1" in m["text"]])
        # … and confirms it, records the corrective action and marks the reward sent
        for text in (
            "/feedback 확인 K1 콜백 누락 확인",
            "/feedback 조치 K1 고객께 사과 전화, 콜백 절차 교육 기한: 12월 4일",
            "/feedback 발송 K1 커피 쿠폰 문자 발송",
        ):

            def answers() -> list[dict[str, Any]]:
                return [
                    m
                    for m in sb.messages("jihoon", "triage")
                    if m["ephemeral"] and "K1" in m["text"]
                ]

            before = len(answers())
            assert (
                sb.post("/sandbox/api/send", {"as": "jihoon", "channel": "triage", "text": text})
                == ok
            )
            _wait(sb, lambda before=before: len(answers()) > before)
        _wait(
            sb,
            lambda: [
                m for m in sb.messages("dana", "dm") if "K1" in m["text"] and "sent" in m["text"]
            ],
        )
        answers = _wait(
            sb,
            lambda: [
                m for m in sb.messages("jihoon", "triage") if m["ephemeral"] and "K1" in m["text"]
            ],
        )
        assert len(answers) >= 1
        # nobody else sees the case
        assert not [m for m in sb.messages("alex", "triage") if "K1" in m["text"]]
    finally:
        code = sb.stop()
    assert code == 0, sb.output[-3000:]


def _click(sb: SandboxProcess, user: str, found: tuple[dict[str, Any], int, int]) -> None:
    message, block, element = found
    status, _ = sb.post(
        "/sandbox/api/action",
        {
            "as": user,
            "channel": "dm",
            "ts": message["ts"],
            "block_index": block,
            "element_index": element,
        },
    )
    assert status == 200


def _submit(sb: SandboxProcess, user: str, callback_id: str, values: dict[str, str]) -> None:
    view = _wait(
        sb,
        lambda: (
            (v := sb.get(f"/sandbox/api/modal?as={user}")[1]["view"])
            and v["callback_id"] == callback_id
            and v
        ),
    )
    status, _ = sb.post(
        "/sandbox/api/submit", {"as": user, "view_id": view["id"], "values": values}
    )
    assert status == 200


def test_manager_handles_a_complaint_with_the_case_card_buttons(tmp_path: Path) -> None:
    sb = SandboxProcess(tmp_path)
    try:
        text = "/feedback complaint @minji 고객 응대가 <b>불친절</b>했습니다"
        sent = sb.post("/sandbox/api/send", {"as": "alex", "channel": "triage", "text": text})
        assert sent == (200, {"ok": True})
        # the manager's DM: the case, with confirm and dismiss
        confirm = _wait(sb, lambda: _with_action(sb.messages("jihoon", "dm"), "complaint:confirm#"))
        card_ts = confirm[0][0]["ts"]
        assert _with_action(sb.messages("jihoon", "dm"), "complaint:dismiss#")
        _click(sb, "jihoon", confirm[0])
        _submit(sb, "jihoon", "complaint-form-modal", {"complaint_text": "통화 녹음으로 확인"})

        # the same card, updated in place: the corrective action's button (and, jihoon being
        # an admin, the reward's)
        def card_now() -> list[tuple[dict[str, Any], int, int]]:
            return [
                f
                for f in _with_action(sb.messages("jihoon", "dm"), "complaint:action#")
                if f[0]["ts"] == card_ts
            ]

        action = _wait(sb, card_now)
        assert not _with_action(
            [m for m in sb.messages("jihoon", "dm") if m["ts"] == card_ts], "complaint:confirm#"
        )
        _click(sb, "jihoon", action[0])
        _submit(
            sb,
            "jihoon",
            "complaint-form-modal",
            {"complaint_text": "사과 전화, 응대 교육", "complaint_due": "12월 4일"},
        )
        _wait(
            sb,
            lambda: [
                m
                for m in sb.messages("jihoon", "dm")
                if m["ts"] == card_ts and "사과 전화" in m["text"]
            ],
        )
        # the staff member is told privately; nobody else sees the case
        _wait(sb, lambda: [m for m in sb.messages("minji", "dm") if "사과 전화" in m["text"]])
        assert not [m for m in sb.messages("alex", "triage") if "불친절" in m["text"]]
    finally:
        code = sb.stop()
    assert code == 0, sb.output[-3000:]
