"""Issue 9 §4 in the sandbox page: "Open card" opens the page at the card and highlights it."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.sandbox_process import SandboxProcess
from sandbox.test_sandbox_browser import (  # noqa: F401 (fixtures)
    browser,
    inquiry_number,
    open_page,
    sandbox,
    send,
)

pytestmark = pytest.mark.browser


def test_open_card_link_scrolls_to_the_card(open_page: Any, sandbox: SandboxProcess) -> None:  # noqa: F811
    alex = open_page("alex/triage")
    send(alex, "/inquiry new support Permalink target card")
    number = inquiry_number(alex, "Permalink target card")
    # bury the card under many newer messages
    status, _ = sandbox.post("/sandbox/api/fill", {"channel": "triage", "count": 120})
    assert status == 200
    send(alex, f"/inquiry show {number}")
    button = alex.locator(".msg.ephemeral button", has_text="Open card").last
    button.wait_for()
    with alex.expect_popup() as popup_info:
        button.click()
    page = popup_info.value
    page.set_default_timeout(8000)
    focused = page.locator(".msg.focused")
    focused.wait_for()
    assert focused.locator(".bk-header").inner_text().startswith(f"#{number} ")
    assert page.evaluate("location.hash").startswith("#/")  # a normal page address now
    box = page.locator("#messages").bounding_box()
    spot = focused.bounding_box()
    assert box and spot and box["y"] <= spot["y"] <= box["y"] + box["height"]
    page.close()
