"""`charterbot sandbox`: an operator (Minji, `[roles] operators` in seed.toml) plans a notice
and opens an outage from the page's composer; the posts land in #notices, and the notice's post
there is rewritten in place when it is cancelled."""

from __future__ import annotations

from pathlib import Path

from sandbox.sandbox_process import SandboxProcess


def test_operator_plans_a_notice_and_opens_an_outage(tmp_path: Path) -> None:
    sb = SandboxProcess(tmp_path)
    try:
        status, state = sb.get("/sandbox/api/state")
        assert status == 200
        assert {"/notice", "/outage"} <= {c["command"] for c in state["commands"]}
        text = (
            '/notice 계획 "HTS 정기 점검" 시작: 12월 5일 오후 10시 종료: 12월 6일 오전 2시 '
            '서비스: "HTS, MTS" 영향: "접속 불가" 사유: 점검'
        )
        assert sb.post(
            "/sandbox/api/send", {"as": "minji", "channel": "notices", "text": text}
        ) == (
            200,
            {"ok": True},
        )
        posts = sb.wait_for(
            lambda: [m for m in sb.messages("minji", "notices") if not m["ephemeral"]]
        )
        assert "N1" in posts[0]["text"] and "HTS 정기 점검" in posts[0]["text"]
        # cancelled: the post in #notices is rewritten in place to say so
        sent = sb.post(
            "/sandbox/api/send",
            {"as": "minji", "channel": "notices", "text": "/notice 취소 N1 일정 변경"},
        )
        assert sent == (200, {"ok": True})
        sb.wait_for(
            lambda: [
                m
                for m in sb.messages("minji", "notices")
                if "N1" in m["text"] and "(취소)" in m["text"] and not m["ephemeral"]
            ]
        )
        sent = sb.post(
            "/sandbox/api/send",
            {
                "as": "minji",
                "channel": "notices",
                "text": '/outage 시작 "MTS 접속 지연" 서비스: MTS',
            },
        )
        assert sent == (200, {"ok": True})
        outage = sb.wait_for(
            lambda: [
                m
                for m in sb.messages("minji", "notices")
                if "O1" in m["text"] and not m["ephemeral"]
            ]
        )
        assert "MTS 접속 지연" in outage[0]["text"]
        # Alex is staff but no operator: refused, nothing posted
        sb.post(
            "/sandbox/api/send",
            {"as": "alex", "channel": "notices", "text": "/outage start X services: A"},
        )
        answers = sb.wait_for(lambda: [m for m in sb.messages("alex", "notices") if m["ephemeral"]])
        assert "operators" in answers[0]["text"]
    finally:
        assert sb.stop() == 0
