"""The sandbox page as a newcomer meets it (issue 9, §7), in Chromium.

A fresh sandbox of its own (the welcome note is only for a fresh workspace): the welcome in
#triage and the DMs, the clock buttons' tooltips, the composer's autocomplete (every
subcommand, Enter completes) and Slack's encoding of typed `@name`, and the page's own labels
in the persona's language.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.sandbox.server import SUBCOMMANDS
from sandbox.sandbox_process import SandboxProcess
from sandbox.test_sandbox_browser import card, inquiry_number, send

pytestmark = pytest.mark.browser

GUIDE = ".msg:has(.guide-badge)"


def test_first_time_visitor_is_welcomed(open_page: Any, sandbox: SandboxProcess) -> None:
    minji = open_page("minji/triage")  # where the page lands first
    note = minji.locator(GUIDE).first
    note.wait_for()
    text = note.inner_text()
    # both languages in the bilingual channel, Korean first (the workspace's language)
    assert "dana" in text and "#intake" in text
    assert text.index("해 보기") < text.index("Try:")
    assert "시계" in text and "clock bar" in text
    assert "charterbot" not in note.locator(".name").inner_text(), "not the bot's message"
    assert note.locator(".guide-badge").inner_text() == "샌드박스"

    alex = open_page("alex/dm")
    note = alex.locator(GUIDE).first
    note.wait_for()
    text = note.inner_text()
    assert "Try:" in text and "dana" in text and "#intake" in text and "clock bar" in text
    assert "해 보기" not in text
    assert note.locator(".guide-badge").inner_text() == "SANDBOX"
    assert note.locator(".name").inner_text() == "Sandbox guide"

    dm = open_page("minji/dm").locator(GUIDE).first
    dm.wait_for()
    assert "해 보기" in dm.inner_text() and "Try:" not in dm.inner_text()


def test_clock_buttons_say_they_run_the_due_work(open_page: Any) -> None:
    alex = open_page("alex/dm")
    for step in ("15m", "1h", "morning", "1bd"):
        tip = alex.get_attribute(f"#clockbar button[data-step='{step}']", "title") or ""
        assert "runs the bot's work" in tip and "nudges" in tip, (step, tip)
    assert alex.inner_text("#clockbar button[data-step='1h']") == "+1 h"
    minji = open_page("minji/dm")
    tip = minji.get_attribute("#clockbar button[data-step='1h']", "title") or ""
    assert "봇 작업" in tip and "알림" in tip
    assert minji.inner_text("#clockbar button[data-step='1h']") == "+1시간"


def test_autocomplete_lists_every_subcommand_and_enter_completes(open_page: Any) -> None:
    alex = open_page("alex/triage")
    alex.fill("#composer-input", "/inquiry ")
    items = alex.locator("#suggest li")
    items.first.wait_for()
    labels = items.all_inner_texts()
    names = [re.match(r"/inquiry (\w+)", label).group(1) for label in labels]  # type: ignore[union-attr]
    assert names == list(SUBCOMMANDS)  # in the order of `/inquiry help`
    hints = alex.locator("#suggest li .muted").all_inner_texts()
    assert len(set(hints)) == len(hints), "each subcommand has its own description"
    assert "log a new inquiry" in hints[0] and "assign" in labels[3] and "@user" in labels[3]

    # Enter on the highlighted entry completes it instead of sending
    alex.fill("#composer-input", "/inquiry as")
    alex.wait_for_selector("#suggest li.active:has-text('assign')")
    alex.press("#composer-input", "Enter")
    assert alex.input_value("#composer-input") == "/inquiry assign "
    alex.fill("#composer-input", "/inquiry re")
    alex.wait_for_selector("#suggest li.active:has-text('resume')")
    alex.press("#composer-input", "ArrowDown")
    alex.wait_for_selector("#suggest li.active:has-text('resolve')")
    alex.press("#composer-input", "Enter")
    assert alex.input_value("#composer-input") == "/inquiry resolve "
    assert alex.locator(".msg.ephemeral").count() == 0, "nothing was sent"

    minji = open_page("minji/triage")
    minji.fill("#composer-input", "/inquiry ")
    minji.locator("#suggest li").first.wait_for()
    ko = minji.locator("#suggest li").all_inner_texts()
    assert "새 문의 등록" in ko[0] and "<번호>" in ko[3]
    minji.fill("#composer-input", "/inq")
    minji.wait_for_selector("#suggest li:has-text('문의를 등록하고')")


def test_at_name_and_markup_typed_in_the_composer(open_page: Any) -> None:
    alex = open_page("alex/triage")
    send(alex, "/inquiry new support Badge reader resets @minji")
    number = inquiry_number(alex, "Badge reader resets")
    header = card(alex, number).locator(".bk-header").inner_text()
    assert header == f"#{number} Badge reader resets", "the mention is not part of the title"
    card(alex, number).locator(".bk-fields", has_text="@minji").wait_for()

    send(alex, "/inquiry new support <script>alert(1)</script> & <b>bold</b>")
    number = inquiry_number(alex, "alert(1)")
    header = card(alex, number).locator(".bk-header").inner_text()
    assert header == f"#{number} <script>alert(1)</script> & <b>bold</b>"
    assert card(alex, number).locator("script, .bk-header b").count() == 0


def test_page_labels_follow_the_persona(open_page: Any) -> None:
    minji = open_page("minji/triage")
    assert minji.inner_text(".persona-label-text") == "현재 사용자"
    assert minji.evaluate("document.documentElement.lang") == "ko"
    assert "직원" in minji.inner_text("#persona")
    assert minji.get_attribute("#composer-input", "placeholder") == (
        "#triage에 메시지 보내기, 또는 /inquiry 같은 슬래시 명령"
    )
    send(minji, "/nosuch thing")  # the sandbox's own answer, in her language too
    minji.locator(".composer-error", has_text="올바른 명령이 아닙니다: /nosuch").wait_for()
    assert "/inquiry" in minji.inner_text(".composer-error")
    send(minji, "/inquiry")
    modal = minji.locator(".modal")
    modal.wait_for()
    assert "(선택)" in modal.locator(".bk-input[data-block-id='detail'] label").inner_text()
    kind = modal.locator(".bk-input[data-block-id='kind'] select option[value='']")
    assert kind.inner_text() == "항목 선택"
    assignee = modal.locator(".bk-input[data-block-id='assignee'] select option[value='']")
    assert assignee.inner_text() == "항목 선택"  # a static_select of team members now
    minji.click(".modal-submit")
    error = modal.locator(".bk-input[data-block-id='title'] .field-error")
    error.wait_for()
    assert error.inner_text() == "필수 항목을 입력하세요."
    minji.click(".modal-cancel")
    modal.wait_for(state="detached")

    # the same page, now acting as alex (en-US): the page's labels switch language
    minji.select_option("#persona", "U0ALEX")
    minji.wait_for_function("location.hash.startsWith('#/alex/')")
    minji.wait_for_selector(".persona-label-text:has-text('Acting as')")
    assert minji.evaluate("document.documentElement.lang") == "en"
    send(minji, "/inquiry")
    modal.wait_for()
    assert "(optional)" in modal.locator(".bk-input[data-block-id='detail'] label").inner_text()
    assert kind.inner_text() == "Select an item"
    minji.click(".modal-submit")
    error.wait_for()
    assert error.inner_text() == "Please complete this required field."
    minji.click(".modal-cancel")
    modal.wait_for(state="detached")
