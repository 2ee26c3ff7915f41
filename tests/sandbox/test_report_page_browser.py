"""The monthly charter report page in Chromium: bilingual, the chart inline, figures and "no
data", no personal data; its screenshot is the README's (docs/report.png, written only with
CHARTERBOT_UPDATE_SCREENSHOT)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sandbox.sandbox_process import ROOT, SandboxProcess
from sandbox.test_sandbox_browser import (  # noqa: F401 (fixtures)
    browser,
    inquiry_number,
    open_page,
    sandbox,
    send,
)

pytestmark = pytest.mark.browser


def test_report_page_in_chromium(
    open_page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    sandbox: SandboxProcess,  # noqa: F811
    tmp_path: Path,
) -> None:
    alex = open_page("alex/triage")
    send(alex, "/inquiry new support Report page login issue")
    number = inquiry_number(alex, "Report page login issue")
    send(alex, f"/inquiry resolve {number} restarted the session service")
    alex.locator(".msg.ephemeral", has_text="resolved").last.wait_for()

    page = browser.new_page(viewport={"width": 1100, "height": 1500})
    page.set_default_timeout(8000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(f"{sandbox.url}/reports/2026-12")
    assert response is not None and response.status == 200
    title = page.locator("#title").inner_text()
    assert "고객서비스헌장 이행 결과" in title and "Customer service charter results" in title
    chart = page.locator("#chart svg")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 150
    rows = page.locator("#promises tbody tr")
    assert rows.count() == 15
    c5 = page.locator("#promises tbody tr", has_text="C5").inner_text()
    assert "1/1" in c5 and "100%" in c5
    c1 = page.locator("#promises tbody tr", has_text="C1").first.inner_text()
    assert "no data" in c1 and "100%" not in c1
    assert "HTS support" in page.locator("#teams").inner_text()
    body = page.content()
    for secret in ("Report page login issue", "U0ALEX", "alex", "restarted the session"):
        assert secret not in body
    target = (
        ROOT / "docs" / "report.png"
        if os.environ.get("CHARTERBOT_UPDATE_SCREENSHOT")
        else tmp_path / "report.png"
    )
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    page.close()
    assert not errors, errors
    csv = sandbox.get("/reports/2026-12.csv")
    assert csv[0] == 200
