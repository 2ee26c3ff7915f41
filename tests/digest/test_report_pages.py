"""`GET /reports/<yyyy-mm>[.csv|.png]`, `/charter report`, and the monthly post: public and
signed pages, and hostile input (bad months, traversal, forged or expired signatures, huge
input): never a 500, never a page without a valid signature when private."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from e2e.harness import Bot, start_bot
from e2e.world import KST, TEST_CONFIG

from bot.scheduler import run_digest_job
from bot.services.reports.links import report_secret, sign

BASE = "https://charter.example.test"


def _config(public: bool) -> dict[str, Any]:
    config = copy.deepcopy(TEST_CONFIG)
    config["reports"] = {"public": public, "url": BASE}
    return config


@pytest.fixture
async def public_bot(db_url: str) -> Any:
    driver, stop = await start_bot(db_url, _config(True))
    yield driver
    await stop()


@pytest.fixture
async def private_bot(db_url: str) -> Any:
    driver, stop = await start_bot(db_url, _config(False))
    yield driver
    await stop()


async def _get(bot: Bot, path: str) -> tuple[int, str, str]:
    async with bot.http.get(f"{bot.url}{path}") as resp:
        body = await resp.read()
        return resp.status, resp.content_type, body.decode("utf-8", "replace")


async def test_public_pages_html_csv_png(public_bot: Bot) -> None:
    status, kind, html = await _get(public_bot, "/reports/2026-11")
    assert (status, kind) == (200, "text/html")
    assert "고객서비스헌장 이행 결과" in html and "Customer service charter results" in html
    assert "<svg" in html and "자료 없음 · no data" in html and "HTS support" in html
    status, kind, csv = await _get(public_bot, "/reports/2026-11.csv")
    assert (status, kind) == (200, "text/csv")
    assert csv.splitlines()[0].startswith("month,promise,measure,met,total,share_percent")
    assert "2026-11,C1,,,,no data" in csv
    async with public_bot.http.get(f"{public_bot.url}/reports/2026-11.png") as resp:
        assert resp.status == 200 and (await resp.read()).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "/reports/2026-13",
        "/reports/2026-00",
        "/reports/1999-12",
        "/reports/2027-01",  # not begun yet (the clock is in December 2026)
        "/reports/26-11",
        "/reports/2026-11.pdf",
        "/reports/2026-11.csv.png",
        "/reports/..%2F..%2Fetc%2Fpasswd",
        "/reports/%2e%2e",
        "/reports/2026-11%00",
        "/reports/" + "9" * 5000,
        "/reports/２０２６-１１",
    ],
)
async def test_bad_months_and_traversal_are_404(public_bot: Bot, path: str) -> None:
    status, _kind, body = await _get(public_bot, path)
    assert status in (404, 414), (path, status)
    assert "Traceback" not in body and "root:" not in body


async def test_private_pages_need_a_valid_signature(private_bot: Bot) -> None:
    bot = private_bot
    assert (await _get(bot, "/reports/2026-11"))[0] == 404
    secret = report_secret(bot.deps.env)
    assert secret is not None
    now = bot.clock.now()
    good = int((now + timedelta(days=1)).timestamp())
    sig = sign(secret, "2026-11", good)
    assert (await _get(bot, f"/reports/2026-11?exp={good}&sig={sig}"))[0] == 200
    assert (await _get(bot, f"/reports/2026-11.csv?exp={good}&sig={sig}"))[0] == 200
    forged = [
        f"/reports/2026-10?exp={good}&sig={sig}",  # another month
        f"/reports/2026-11?exp={good + 1}&sig={sig}",  # another expiry
        f"/reports/2026-11?exp={good}&sig={sig[:-1]}0",
        f"/reports/2026-11?exp={good}&sig={sig.upper()}",
        f"/reports/2026-11?exp={good}",
        f"/reports/2026-11?sig={sig}",
        f"/reports/2026-11?exp=-1&sig={sig}",
        f"/reports/2026-11?exp={'9' * 4000}&sig={sig}",
        f"/reports/2026-11?exp={good}&sig={'a' * 4000}",
        f"/reports/2026-11?exp={good}&sig={sign(b'x' * 32, '2026-11', good)}",
    ]
    for path in forged:
        assert (await _get(bot, path))[0] in (404, 414), path
    old = int((now - timedelta(seconds=1)).timestamp())
    expired = f"/reports/2026-11?exp={old}&sig={sign(secret, '2026-11', old)}"
    assert (await _get(bot, expired))[0] == 404


async def test_charter_report_command_and_admin_signed_link(private_bot: Bot) -> None:
    bot = private_bot
    reply = await bot.reply_to("USTAFF1", "report 2026-11", command="/charter")
    assert "2026-11" in reply and "자료 없음" in reply and BASE not in reply  # no link for staff
    reply = await bot.reply_to("UADMIN", "보고서", command="/charter")  # the previous month
    assert "2026-11" in reply and f"{BASE}/reports/2026-11?exp=" in reply
    link = reply.split(f"{BASE}", 1)[1].split("|", 1)[0]
    status, _kind, _body = await _get(bot, link.replace("&amp;", "&"))
    assert status == 200
    for text, expected in (
        ("report 2026-13", "월이 아닙니다"),
        ("report 2027-02", "아직 오지 않았습니다"),
        ("report 2026-11 extra", "필요 없는 단어"),
        ("nonsense", "없는 명령입니다"),
        ("", "/charter 보고서"),
    ):
        assert expected in await bot.reply_to("USTAFF1", text, command="/charter"), text
    assert "만 볼 수 있습니다" in await bot.reply_to("UCUST2", "report", command="/charter")


async def test_monthly_report_posted_once_on_first_business_day(public_bot: Bot) -> None:
    bot = public_bot
    # Tuesday 2026-12-01 is December's first business day; the digest time is 08:30
    bot.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=KST))
    await run_digest_job(bot.deps)
    bot.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=KST))
    await run_digest_job(bot.deps)
    await run_digest_job(bot.deps)
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=KST))
    await run_digest_job(bot.deps)
    await bot.settle()
    posts = [m for m in bot.posts("C0REPORTS") if "2026-11" in (m.get("text") or "")]
    # the report, then its chart uploaded as a file (not an image by address any more)
    assert [bool(m.get("files")) for m in posts] == [False, True]
    blocks = posts[0]["blocks"]
    assert not [b for b in blocks if b["type"] == "image"]
    text = json.dumps(blocks, ensure_ascii=False)
    assert "자료 없음" in text and "no data" in text and f"{BASE}/reports/2026-11" in text
    [chart] = posts[1]["files"]
    assert chart["name"] == "charter-2026-11.png"
    assert bot.fake.files[chart["id"]]["data"].startswith(b"\x89PNG")
