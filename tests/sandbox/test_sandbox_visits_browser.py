"""The reception desk in the sandbox page (Chromium): sujin, the receptionist, runs a seeded
visit from arrival to check-out; minji, the host, confirms from her DM."""

from __future__ import annotations

from typing import Any

from sandbox.sandbox_process import SandboxProcess
from sandbox.test_sandbox_browser import browser, open_page, sandbox, send

__all__ = ["browser", "open_page", "sandbox"]  # the module's own sandbox and browser


def test_sujin_runs_the_desk_arrival_seated_host_confirms_left(
    open_page: Any, sandbox: SandboxProcess
) -> None:
    sujin = open_page("sujin/reception")
    # the fresh sandbox has today's visits (V1: 홍길동 for minji)
    send(sujin, "/visitor 오늘")
    sujin.locator(".msg.ephemeral", has_text="홍길동").first.wait_for()
    send(sujin, "/visitor 도착 V1 출입증:17 신분증:여권 보관함:4")
    sujin.locator(".msg:not(.ephemeral)", has_text="🛎").first.wait_for()
    send(sujin, '/visitor 착석 V1 접견실:"접견실 2"')
    sujin.locator(".msg:not(.ephemeral)", has_text="🪑").first.wait_for()

    minji = open_page("minji/dm")
    waiting = minji.locator(".msg", has_text="접견실 2").last
    waiting.wait_for()
    waiting.locator("button", has_text="입실했습니다").click()
    sujin.locator(".msg:not(.ephemeral)", has_text="✅").first.wait_for()

    send(sujin, "/visitor 퇴실 V1")
    answer = sujin.locator(".msg.ephemeral", has_text="퇴실 기록").last
    answer.wait_for()
    answer.locator("button", has_text="출입증 반납").click()
    sujin.locator(".msg.ephemeral", has_text="아직 반납되지 않은").first.wait_for()
    answer.locator("button", has_text="신분증 반환").click()
    sujin.locator(".msg.ephemeral", has_text="모두 반납").first.wait_for()
    sujin.locator(".msg:not(.ephemeral)", has_text="👋").first.wait_for()

    def room_free() -> bool:
        posts = [m["text"] for m in sandbox.messages("sujin", "reception") if not m["ephemeral"]]
        return any("접견실 2" in t and "사용 가능" in t for t in posts)

    sandbox.wait_for(room_free)  # the room is free again (posts are paced: it comes last)
