"""`charterbot sandbox` as a subprocess: page, API, a command through the real bot, clean stop."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.sandbox_process import SandboxProcess


def _cards(sb: SandboxProcess) -> list[dict]:
    return [m for m in sb.messages("alex", "triage") if m["blocks"] and not m["ephemeral"]]


def test_sandbox_serves_page_api_and_bot_and_stops_cleanly(tmp_path: Path) -> None:
    sb = SandboxProcess(tmp_path)
    try:
        status, page = sb.get("/")
        assert status == 200 and "charterbot sandbox" in page
        assert sb.get("/static/app.js")[0] == 200
        assert sb.get("/healthz") == (200, {"status": "ok"})
        status, state = sb.get("/sandbox/api/state")
        assert status == 200
        assert {p["locale"] for p in state["people"]} >= {"ko-KR", "en-US"}
        assert {c["name"] for c in state["channels"]} == {
            "triage",
            "intake",
            "reception",
            "notices",
            "reports",
        }
        assert state["now"].startswith("2026-12-01T10:0")
        assert state["commands"][0]["command"] == "/inquiry"

        # a slash command goes through the bot; the card lands in #triage
        assert sb.post(
            "/sandbox/api/send",
            {"as": "alex", "channel": "triage", "text": "/inquiry new support Login fails"},
        ) == (200, {"ok": True})
        cards = sb.wait_for(lambda: _cards(sb))
        assert cards[0]["blocks"][0]["text"]["text"] == "#1 Login fails"
        answers = sb.wait_for(lambda: [m for m in sb.messages("alex", "triage") if m["ephemeral"]])
        assert "#1" in answers[0]["text"]
        assert not [m for m in sb.messages("minji", "triage") if m["ephemeral"]], (
            "ephemeral is private"
        )

        # bad input gets clear answers
        status, body = sb.get("/sandbox/api/messages?as=nobody&channel=triage")
        assert status == 404 and "Unknown persona" in body["message"]
        status, body = sb.get("/sandbox/api/messages?as=alex&channel=nowhere")
        assert status == 404 and "Unknown channel" in body["message"]
        status, body = sb.post(
            "/sandbox/api/send", {"as": "alex", "channel": "triage", "text": "/nosuch x"}
        )
        assert status == 400 and "not a valid command" in body["message"]
        status, body = sb.get("/sandbox/api/messages?as=dana&channel=triage")
        assert status == 403, "the external customer only sees shared channels"

        # the clock moves and the due work runs
        status, body = sb.post("/sandbox/api/clock", {"step": "1h"})
        assert status == 200 and body["now"].startswith("2026-12-01T11:0")
    finally:
        code = sb.stop()
    assert code == 0, sb.output[-3000:]
    saved = json.loads((tmp_path / "sandbox-workspace.json").read_text())
    assert any(
        m["text"] == "#1 Login fails" for msgs in saved["fake"]["messages"].values() for m in msgs
    )
    assert (tmp_path / "sandbox.db").exists()

    # a restart keeps the workspace and the database; --reset starts clean
    again = SandboxProcess(tmp_path, reset=False)
    try:
        assert [c["blocks"][0]["text"]["text"] for c in _cards(again)] == ["#1 Login fails"]
        assert again.get("/sandbox/api/state")[1]["now"] >= "2026-12-01T11:00"
    finally:
        assert again.stop() == 0
    fresh = SandboxProcess(tmp_path, reset=True)
    try:
        assert _cards(fresh) == []
    finally:
        assert fresh.stop() == 0
