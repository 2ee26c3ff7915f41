"""The sandbox's manager opens their digest (`/digest`) and their dashboard (App Home), and
moving the clock to the next morning delivers the daily digest to their DM."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox.sandbox_process import SandboxProcess


def test_manager_digest_dashboard_and_morning_digest(tmp_path: Path) -> None:
    sb = SandboxProcess(tmp_path)
    try:
        assert sb.post(
            "/sandbox/api/send",
            {"as": "alex", "channel": "triage", "text": "/inquiry new support Login fails"},
        ) == (200, {"ok": True})
        sb.wait_for(lambda: [m for m in sb.messages("alex", "triage") if m["ephemeral"]])
        commands = [c["command"] for c in sb.get("/sandbox/api/state")[1]["commands"]]
        assert {"/digest", "/charter"} <= set(commands)

        assert sb.post(
            "/sandbox/api/send", {"as": "jihoon", "channel": "triage", "text": "/digest"}
        ) == (200, {"ok": True})
        answers = sb.wait_for(
            lambda: [m for m in sb.messages("jihoon", "triage") if m["ephemeral"]]
        )
        text = json.dumps(answers, ensure_ascii=False)
        assert "일일 요약" in text or "Daily digest" in text

        status, body = sb.post("/sandbox/api/home", {"as": "jihoon"})
        assert status == 200, body
        view = sb.wait_for(lambda: sb.get("/sandbox/api/home?as=jihoon")[1]["view"])
        home = json.dumps(view, ensure_ascii=False)
        assert "HTS support" in home and ("팀 현황" in home or "Team board" in home)
        # jihoon is also the sandbox's admin: delivery failures and the configuration
        assert "전달 실패" in home or "Delivery failures" in home

        # the next business morning (09:00, after the 08:30 digest time): jihoon's DM gets it
        assert sb.post("/sandbox/api/clock", {"step": "morning"})[0] == 200
        dms = sb.wait_for(
            lambda: [m for m in sb.messages("jihoon", "dm") if "📋" in (m.get("text") or "")]
        )
        assert "Login fails" in json.dumps(dms, ensure_ascii=False)
    finally:
        code = sb.stop()
    assert code == 0, sb.output[-3000:]
