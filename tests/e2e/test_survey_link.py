"""The survey link, `GET|POST /survey/<token>`, over real HTTP: answer, change the answer,
hostile input (forged, expired, truncated, huge tokens; XSS in comments; CSRF; wrong methods;
oversized bodies), on SQLite and PostgreSQL; and the page in Chromium (Playwright)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.domain.feedback import sign_token
from bot.services.surveys import link_for
from e2e.harness import Bot, start_bot
from storage.models import Inquiry, Survey

SECRET = "survey-test-secret"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
async def linked(db_url: str) -> AsyncIterator[Bot]:
    bot, stop = await start_bot(db_url, env={"SURVEY_SECRET": SECRET})
    yield bot
    await stop()


async def _survey(bot: Bot) -> Survey:
    await bot.reply_to("UCUST", "new support Login fails")
    await bot.reply_to("USTAFF1", "assign 1 <@USTAFF1>")
    await bot.reply_to("USTAFF1", "resolve 1 Fixed")
    await bot.settle()
    async with bot.deps.sessions() as s:
        return (await s.exec(select(Survey))).one()


async def _get(bot: Bot, path: str, **kw: Any) -> tuple[int, str, Any]:
    async with bot.http.get(f"{bot.url}{path}", **kw) as resp:
        return resp.status, await resp.text(), resp.headers


async def _post(bot: Bot, path: str, data: Any, **kw: Any) -> tuple[int, str]:
    async with bot.http.post(f"{bot.url}{path}", data=data, **kw) as resp:
        return resp.status, await resp.text()


def _csrf(page: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert m, page
    return m.group(1)


async def test_answer_then_change_it_never_duplicates(linked: Bot) -> None:
    bot = linked
    survey = await _survey(bot)
    path = link_for(bot.deps, survey)
    assert path and path.startswith("/survey/")
    status, page, headers = await _get(bot, path)
    assert status == 200
    assert '<html lang="ko">' in page and 'lang="en"' in page
    assert "만족도 조사" in page and "Satisfaction survey" in page
    assert headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert page.count('type="radio"') == 5 and "<label" in page and "<legend>" in page
    csrf = _csrf(page)
    xss = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    status, page = await _post(bot, path, {"csrf": csrf, "rating": "2", "comment": xss})
    assert status == 200 and "감사합니다" in page
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert html.escape(xss) in page
    status, page = await _post(bot, path, {"csrf": csrf, "rating": "4", "comment": "better now"})
    assert status == 200 and 'value="4" required checked' in page
    await bot.settle()
    async with bot.deps.sessions() as s:
        rows = list((await s.exec(select(Survey))).all())
    assert [(r.rating, r.comment, r.answered_via) for r in rows] == [(4, "better now", "link")]
    # the first (low) answer alerted the manager, escaped
    manager = bot.dm_texts("UMANAGER")
    assert any("2/5" in t for t in manager)
    assert all("<script>" not in t for t in manager)


async def test_hostile_tokens_and_requests(linked: Bot) -> None:
    bot = linked
    survey = await _survey(bot)
    path = link_for(bot.deps, survey)
    assert path
    token = path.rsplit("/", 1)[1]
    assert survey.id is not None
    forged = sign_token("not-our-secret", survey.id, survey.nonce, survey.expires_at)
    other_nonce = sign_token(SECRET, survey.id, "zzzzzzzzzzzzzzzz", survey.expires_at)
    no_survey = sign_token(SECRET, 999, survey.nonce, survey.expires_at)
    for bad in (
        forged,
        other_nonce,
        no_survey,
        token[:-3],
        token[:10],
        "x",
        "A" * 5000,
        "%3Cscript%3E",
        token + "." + token,
    ):
        status, page, _ = await _get(bot, f"/survey/{bad}")
        assert status == 404, bad[:40]
        assert "올바르지 않습니다" in page and "not valid" in page
        assert "Traceback" not in page and "<script>" not in page
    status, page = await _post(bot, f"/survey/{forged}", {"rating": "5"})
    assert status == 404
    # CSRF: a form posted without (or with another link's) csrf field changes nothing
    status, _ = await _post(bot, path, {"rating": "1"})
    assert status == 403
    status, _ = await _post(bot, path, {"rating": "1", "csrf": "0" * 64})
    assert status == 403
    _, page, _ = await _get(bot, path)
    csrf = _csrf(page)
    status, _ = await _post(
        bot, path, {"rating": "1", "csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert status == 403
    # bad values, sizes and content types
    status, page = await _post(bot, path, {"rating": "9", "csrf": csrf})
    assert status == 400 and "1부터 5까지" in page
    status, _ = await _post(bot, path, {"rating": "3", "csrf": csrf, "comment": "가" * 2001})
    assert status == 413
    status, _ = await _post(bot, path, b"x" * 100_000, headers={"Content-Type": "text/plain"})
    assert status == 413
    status, _ = await _post(
        bot, path, '{"rating": 3}', headers={"Content-Type": "application/json"}
    )
    assert status == 415
    status, _ = await _post(
        bot,
        path,
        b"rating=%FF%FE&csrf=" + csrf.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status in (200, 400)  # replacement characters or a refusal, never a 500
    for method in ("PUT", "DELETE", "PATCH"):
        async with bot.http.request(method, f"{bot.url}{path}") as resp:
            assert resp.status == 405
    async with bot.deps.sessions() as s:
        (row,) = (await s.exec(select(Survey))).all()
    assert row.rating is None  # nothing hostile was stored
    # expired: a page that says so, and no answer taken
    bot.clock.advance(timedelta(days=15))
    status, page, _ = await _get(bot, path)
    assert status == 410 and "기간이 지났습니다" in page and "expired" in page
    status, _ = await _post(bot, path, {"rating": "5", "csrf": csrf})
    assert status == 410


async def test_route_is_off_without_a_secret(bot: Bot) -> None:
    status, _, _ = await _get(bot, "/survey/1.2.abcdefghij." + "A" * 43)
    assert status == 404


async def test_a_requester_without_a_chat_account_gets_a_link_survey(linked: Bot) -> None:
    bot = linked
    from bot.domain.inquiry import Kind
    from bot.services import inquiries as svc
    from bot.services.intake import make_draft

    async with bot.deps.sessions.begin() as session:
        draft = make_draft(kind=Kind.VOC, title="웹 문의", requester_id="VOC17", via="command")
        await svc.open_inquiry(session, bot.deps, draft)
    await bot.reply_to("USTAFF1", "resolve 1 답변 드렸습니다")
    await bot.settle()
    async with bot.deps.sessions() as s:
        (survey,) = (await s.exec(select(Survey))).all()
        (inquiry,) = (await s.exec(select(Inquiry))).all()
    assert (survey.platform, survey.requester_id, inquiry.requester_id) == (
        "link",
        "VOC17",
        "VOC17",
    )
    path = link_for(bot.deps, survey)
    assert path
    status, page, _ = await _get(bot, path)
    assert status == 200 and "#1" in page


def _need_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    pytest.importorskip("playwright.async_api")


@pytest.mark.browser
async def test_link_survey_in_chromium(tmp_path: Path) -> None:
    # one database is enough here: the HTTP tests above run the page on both
    _need_browser()
    from playwright.async_api import async_playwright

    db_url = f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}"

    bot, stop = await start_bot(db_url, env={"SURVEY_SECRET": SECRET})
    try:
        survey = await _survey(bot)
        path = link_for(bot.deps, survey)
        assert path
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page(locale="ko-KR")
            await page.goto(f"{bot.url}{path}")
            assert "만족도 조사" in await page.title()
            # answer: pick by the accessible label, write a comment, send
            await page.get_by_label(re.compile("3 보통")).check()
            await page.get_by_label(re.compile("의견")).fill("<b>괜찮았어요</b>")
            await page.get_by_role("button", name=re.compile("보내기")).click()
            await page.wait_for_load_state()
            assert "감사합니다" in await page.content()
            assert await page.locator("b", has_text="괜찮았어요").count() == 0
            # change the answer from the same page
            await page.get_by_label(re.compile("5 매우 만족")).check()
            await page.get_by_role("button", name=re.compile("보내기")).click()
            await page.wait_for_load_state()
            assert await page.get_by_label(re.compile("5 매우 만족")).is_checked()
            # a forged token and an expired one
            await page.goto(f"{bot.url}{path[:-4]}AAAA")
            assert "올바르지 않습니다" in await page.content()
            bot.clock.advance(timedelta(days=15))
            await page.goto(f"{bot.url}{path}")
            assert "기간이 지났습니다" in await page.content()
            await browser.close()
        async with bot.deps.sessions() as s:
            rows = list((await s.exec(select(Survey))).all())
        assert [(r.rating, r.comment) for r in rows] == [(5, "<b>괜찮았어요</b>")]
    finally:
        await stop()
