"""The sandbox walk-through of issue 13: sujin (reception) logs a callback for minji, the
clock bar moves a minute at a time (`+1 min`), alex gets it from the team rung and claims it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.sandbox_process import SandboxProcess


def _offers(sb: SandboxProcess, persona: str) -> list[dict[str, Any]]:
    return [
        m
        for m in sb.messages(persona, "dm")
        if any(
            e.get("action_id") == "callback-claim"
            for b in m.get("blocks") or []
            if b.get("type") == "actions"
            for e in b.get("elements") or []
        )
    ]


def test_sujin_logs_a_callback_for_minji_and_alex_claims_it(tmp_path: Path) -> None:
    sb = SandboxProcess(tmp_path)
    try:
        status, state = sb.get("/sandbox/api/state")
        assert {"/callback", "/away"} <= {c["command"] for c in state["commands"]}
        text = '/callback @minji 홍길동 회사: "미래에셋증권" 전화: 02-1234-5678 주제: 체결 통보'
        assert sb.post(
            "/sandbox/api/send", {"as": "sujin", "channel": "reception", "text": text}
        ) == (200, {"ok": True})
        answer = sb.wait_for(
            lambda: [m for m in sb.messages("sujin", "reception") if m["ephemeral"]]
        )
        assert "CB1" in answer[0]["text"]
        assert sb.wait_for(lambda: _offers(sb, "minji"))
        assert _offers(sb, "alex") == []
        for _ in range(2):
            status, body = sb.post("/sandbox/api/clock", {"step": "1m"})
            assert status == 200, body
        offer = sb.wait_for(lambda: _offers(sb, "alex"))[0]
        block = next(i for i, b in enumerate(offer["blocks"]) if b.get("type") == "actions")
        status, body = sb.post(
            "/sandbox/api/action",
            {
                "as": "alex",
                "channel": "dm",
                "ts": offer["ts"],
                "block_index": block,
                "element_index": 0,
            },
        )
        assert status == 200, body
        told = sb.wait_for(
            lambda: [m for m in sb.messages("sujin", "dm") if "CB1" in (m.get("text") or "")]
        )
        assert told, "sujin hears that alex is calling back"
    finally:
        assert sb.stop() == 0, sb.output[-3000:]


def test_minji_cannot_call_and_hands_the_callback_to_alex(tmp_path: Path) -> None:
    """Issue 13: can't opens a small form; with alex chosen, he gets the handoff card (the
    caller, the phone number, why) with the callback's buttons."""
    sb = SandboxProcess(tmp_path)
    try:
        text = '/callback @minji 홍길동 회사: "미래에셋증권" 전화: 02-1234-5678 주제: 체결 통보'
        assert sb.post(
            "/sandbox/api/send", {"as": "sujin", "channel": "reception", "text": text}
        ) == (200, {"ok": True})
        offer = sb.wait_for(lambda: _offers(sb, "minji"))[0]
        block = next(i for i, b in enumerate(offer["blocks"]) if b.get("type") == "actions")
        status, body = sb.post(
            "/sandbox/api/action",
            {
                "as": "minji",
                "channel": "dm",
                "ts": offer["ts"],
                "block_index": block,
                "element_index": 2,  # can't
            },
        )
        assert status == 200, body
        view = sb.wait_for(lambda: sb.get("/sandbox/api/modal?as=minji")[1]["view"])
        assert view["callback_id"] == "callback-pass-modal"
        status, body = sb.post(
            "/sandbox/api/submit",
            {
                "as": "minji",
                "view_id": view["id"],
                "values": {"callback_colleague": "U0ALEX", "callback_reason": "<!here> 회의 중"},
            },
        )
        assert status == 200, body
        handed = sb.wait_for(lambda: _offers(sb, "alex"))[0]
        shown = handed["text"] + str(handed["blocks"])
        assert "🤝" in shown and "02-1234-5678" in shown and "회의 중" in shown
        assert "<!here>" not in shown
    finally:
        assert sb.stop() == 0, sb.output[-3000:]
