"""The public voice-of-customer form (`voc.public_form = true`) in Chromium: submit, field
errors, the honeypot; and over plain HTTP: CSRF, the per-IP rate limit, the form off."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from e2e.harness import Bot, start_bot
from e2e.world import TEST_CONFIG
from storage.models import Inquiry, VocSubmission

CHROMIUM = Path("/usr/bin/chromium")
CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
CONFIG["voc"] = {"public_form": True, "form_rate_limit": 3}
ENV = {"VOC_WEBHOOK_SECRET": "form-secret"}


@pytest.fixture
async def fbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG, env=ENV)
    yield driver
    await stop()


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CHARTERBOT_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {CHROMIUM} is missing")
        pytest.skip(f"browser test skipped: {CHROMIUM} is missing")


async def _inquiries(bot: Bot) -> list[Inquiry]:
    async with bot.deps.sessions() as s:
        return list((await s.exec(select(Inquiry))).all())


@pytest.mark.browser
async def test_form_in_chromium_submit_errors_and_honeypot(fbot: Bot) -> None:
    _need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = await browser.new_page()
            await page.goto(f"{fbot.url}/voc")
            # accessible: every field has its label, Korean first then English
            assert await page.get_by_label(re.compile("이름")).count() == 1
            await page.get_by_label(re.compile("Contact")).fill("jane@example.com")
            await page.get_by_label(re.compile("Your message")).fill("앱이 느립니다")
            await page.get_by_role("button", name=re.compile("보내기")).click()
            # the name was left out: the form comes back with the error, values kept
            alert = page.get_by_role("alert")
            await alert.wait_for()
            name = page.get_by_label(re.compile("이름"))
            assert await name.get_attribute("aria-invalid") == "true"
            assert await page.locator("#name-error").inner_text() != ""
            assert (
                await page.get_by_label(re.compile("Contact")).input_value() == "jane@example.com"
            )
            assert await _inquiries(fbot) == []
            await name.fill("Jane Doe")
            await page.get_by_role("button", name=re.compile("Send")).click()
            status = page.get_by_role("status")
            await status.wait_for()
            assert "#1" in await status.inner_text()
            (inq,) = await _inquiries(fbot)
            assert (inq.kind, inq.source, inq.contact, inq.customer) == (
                "voc",
                "web",
                "jane@example.com",
                "Jane Doe",
            )
            # a bot fills the hidden field too: thanked, and nothing is stored
            await page.goto(f"{fbot.url}/voc")
            await page.get_by_label(re.compile("이름")).fill("Spam Bot")
            await page.get_by_label(re.compile("Contact")).fill("spam@example.com")
            await page.get_by_label(re.compile("Your message")).fill("buy now")
            await page.locator("#website").fill("http://spam.example")
            await page.get_by_role("button", name=re.compile("Send")).click()
            await page.get_by_role("status").wait_for()
            assert len(await _inquiries(fbot)) == 1
        finally:
            await browser.close()


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


async def test_form_csrf_resubmission_and_rate_limit(fbot: Bot) -> None:
    async with fbot.http.get(f"{fbot.url}/voc") as resp:
        assert resp.status == 200
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
        token = _token(await resp.text())
    form = {"csrf": token, "name": "홍길동", "contact": "010-1111-2222", "text": "문의합니다"}
    async with fbot.http.post(f"{fbot.url}/voc", data={**form, "csrf": "1.2.3"}) as resp:
        assert resp.status == 403
    async with fbot.http.post(f"{fbot.url}/voc", data=form) as resp:
        assert resp.status == 200 and "#1" in await resp.text()
    # the same form sent twice (a double click, a reload): the same inquiry
    async with fbot.http.post(f"{fbot.url}/voc", data=form) as resp:
        assert resp.status == 200 and "#1" in await resp.text()
    async with fbot.http.post(f"{fbot.url}/voc", data={**form, "text": "x" * 6000}) as resp:
        assert resp.status == 400
    async with fbot.http.post(f"{fbot.url}/voc", data=form) as resp:
        assert resp.status == 429  # three per IP in the window
    async with fbot.deps.sessions() as s:
        assert len((await s.exec(select(VocSubmission))).all()) == 1
    assert len(await _inquiries(fbot)) == 1


async def test_form_is_off_unless_configured(db_url: str) -> None:
    bot, stop = await start_bot(db_url, TEST_CONFIG, env=ENV)
    try:
        async with bot.http.get(f"{bot.url}/voc") as resp:
            assert resp.status in (404, 405)
    finally:
        await stop()
