"""`POST /intake/voc` end to end: signatures, replays, sizes, malformed bodies, idempotency,
the voc inquiry it opens (masked in channels), and the signed callback with the receiving end
failing then recovering (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select

from bot.adapters.slack.blocks.common import literal
from bot.domain.voc import check_signature, sign
from e2e.harness import Bot, serve_local, start_bot
from e2e.world import TEST_CONFIG
from storage.models import Inquiry, OutboxMessage, VocSubmission

SECRET = "voc-test-secret"
CONFIG: dict[str, Any] = copy.deepcopy(TEST_CONFIG)
SUBMISSION = {
    "id": "web-0001",
    "name": "홍길동",
    "contact": "010-1234-5678",
    "company": "미래에셋",
    "title": "앱 로그인 불편",
    "text": "로그인할 때마다 인증서를 다시 골라야 합니다.\n개선해 주세요.",
    "submitted_at": "2026-12-01T09:55:00+09:00",
}


@pytest.fixture
async def vbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(db_url, CONFIG, env={"VOC_WEBHOOK_SECRET": SECRET})
    yield driver
    await stop()


async def post_voc(
    bot: Bot,
    body: bytes,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
    signature: str | None = None,
) -> tuple[int, dict[str, Any]]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    hdrs = {
        "Content-Type": "application/json",
        "X-Charterbot-Timestamp": ts,
        "X-Charterbot-Signature": signature or sign(secret, ts, body),
    }
    if headers is not None:
        hdrs = headers
    async with bot.http.post(f"{bot.url}/intake/voc", data=body, headers=hdrs) as resp:
        text = await resp.text()
        return resp.status, json.loads(text) if text.startswith("{") else {"raw": text}


def body_of(**changes: Any) -> bytes:
    data = {**SUBMISSION, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


async def rows(bot: Bot) -> tuple[list[Inquiry], list[VocSubmission]]:
    async with bot.deps.sessions() as s:
        inquiries = list((await s.exec(select(Inquiry))).all())
        subs = list((await s.exec(select(VocSubmission))).all())
    return inquiries, subs


async def test_no_secret_no_route(bot: Bot) -> None:
    status, _ = await post_voc(bot, body_of())
    assert status == 404
    async with bot.http.get(f"{bot.url}/voc") as resp:
        assert resp.status == 404


async def test_accepted_submission_becomes_a_masked_voc_inquiry(vbot: Bot) -> None:
    status, answer = await post_voc(vbot, body_of())
    assert (status, answer) == (200, {"inquiry": 1, "duplicate": False})
    (inq,), (sub,) = await rows(vbot)
    assert (inq.kind, inq.source, inq.requester_id, inq.contact) == (
        "voc",
        "web",
        "web",
        "010-1234-5678",
    )
    assert inq.customer == "홍길동 (미래에셋)" and inq.title == "앱 로그인 불편"
    assert sub.external_id == "web-0001" and sub.inquiry_id == inq.id
    # the review SLA: one business day (Tue 10:00 → Wed 10:00)
    assert inq.deadline_at is not None
    assert inq.deadline_at.astimezone(vbot.deps.tz).strftime("%m-%d %H:%M") == "12-02 10:00"
    await vbot.settle()
    (card,) = vbot.posts("C0TRIAGE")
    shown = json.dumps(card, ensure_ascii=False)
    # masked (Slack shows the `*` as inert look-alikes)
    assert literal("010-****-5678") in shown and literal("홍**") in shown
    assert "1234" not in shown and "길동" not in shown
    full = await vbot.reply_to("USTAFF1", "show 1")
    assert "010-1234-5678" in full and "홍길동" in full


async def test_resubmission_names_the_same_inquiry(vbot: Bot) -> None:
    assert (await post_voc(vbot, body_of()))[1]["inquiry"] == 1
    status, answer = await post_voc(vbot, body_of(text="같은 id, 다른 내용"))
    assert (status, answer) == (200, {"inquiry": 1, "duplicate": True})
    status, answer = await post_voc(vbot, body_of(id="web-0002"))
    assert (status, answer) == (200, {"inquiry": 2, "duplicate": False})
    inquiries, subs = await rows(vbot)
    assert len(inquiries) == 2 and len(subs) == 2


async def test_signature_replay_and_window(vbot: Bot) -> None:
    body = body_of()
    ts = int(time.time())
    signature = sign(SECRET, str(ts), body)
    assert (await post_voc(vbot, body, timestamp=ts, signature=signature))[0] == 200
    # the very same request again: a replay
    status, answer = await post_voc(vbot, body, timestamp=ts, signature=signature)
    assert (status, answer) == (401, {"error": "unauthorized"})
    other = body_of(id="web-9")
    assert (await post_voc(vbot, other, secret="wrong"))[0] == 401
    now = int(time.time())
    assert (await post_voc(vbot, other, timestamp=now - 310))[0] == 401
    assert (await post_voc(vbot, other, timestamp=now + 310))[0] == 401
    now = int(time.time())
    assert (await post_voc(vbot, other, timestamp=now - 280))[0] == 200  # inside the window
    assert (await post_voc(vbot, body_of(id="x"), headers={"Content-Type": "application/json"}))[
        0
    ] == 401
    # a signature over another body does not carry over
    forged = sign(SECRET, str(ts), body_of(id="y"))
    assert (await post_voc(vbot, body_of(id="z"), timestamp=ts, signature=forged))[0] == 401
    inquiries, subs = await rows(vbot)
    assert len(inquiries) == 2 and len(subs) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b"\xff\xfe", "body"),
        (json.dumps({**SUBMISSION, "text": ""}).encode(), "text"),
        (json.dumps({k: v for k, v in SUBMISSION.items() if k != "text"}).encode(), "text"),
        (json.dumps({**SUBMISSION, "id": 7}).encode(), "id"),
        (json.dumps({**SUBMISSION, "contact": None}).encode(), "contact"),
        (json.dumps({**SUBMISSION, "admin": True}).encode(), "admin"),
        (json.dumps({**SUBMISSION, "title": "x" * 201}).encode(), "title"),
        (json.dumps({**SUBMISSION, "submitted_at": "yesterday"}).encode(), "submitted_at"),
        (json.dumps({**SUBMISSION, "text": "가" * 70000}).encode(), "body"),
    ],
)
async def test_malformed_and_oversized_bodies(vbot: Bot, body: bytes, field: str) -> None:
    status, answer = await post_voc(vbot, body)
    assert status == 400 and answer["error"] == "invalid" and answer["field"] == field
    assert await rows(vbot) == ([], [])


async def test_unsigned_oversized_is_refused_before_reading(vbot: Bot) -> None:
    status, answer = await post_voc(
        vbot, b"x" * (64 * 1024 + 1), headers={"Content-Type": "application/json"}
    )
    assert (status, answer["field"]) == (400, "body")


class Receiver:
    """A loopback website: fails `failures` times with 500, then answers 200."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes, int]] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        status = 500 if len(self.requests) < self.failures else 200
        self.requests.append((dict(request.headers), body, status))
        return web.Response(status=status, text="ok")


async def test_callback_delivery_fails_then_recovers(db_url: str) -> None:
    receiver = Receiver(failures=2)
    app = web.Application()
    app.router.add_post("/callback", receiver.handle)
    runner, port = await serve_local(app)
    bot, stop = await start_bot(
        db_url,
        CONFIG,
        env={"VOC_WEBHOOK_SECRET": SECRET, "VOC_CALLBACK_URL": f"http://127.0.0.1:{port}/callback"},
    )
    try:
        assert (await post_voc(bot, body_of()))[0] == 200
        await bot.settle()
        assert "#1" in await bot.reply_to(
            "USTAFF1", "resolve 1 인증서 선택을 기억하도록 고쳤습니다"
        )
        for _ in range(200):
            if any(status == 200 for _h, _b, status in receiver.requests):
                break
            bot.clock.advance(timedelta(seconds=30))  # past the retry's backoff
            bot.deps.outbox.kick()
            await asyncio.sleep(0.05)
        await bot.settle()
        statuses = [status for _h, _b, status in receiver.requests]
        assert statuses == [500, 500, 200]
        deliveries = {h["X-Charterbot-Delivery"] for h, _b, _s in receiver.requests}
        assert len(deliveries) == 1  # one id on every retry: the receiver can drop repeats
        for headers, body, _status in receiver.requests:
            assert (
                check_signature(
                    SECRET,
                    body,
                    [headers["X-Charterbot-Timestamp"]],
                    [headers["X-Charterbot-Signature"]],
                    now=time.time(),
                )
                is None
            )
        sent = json.loads(receiver.requests[-1][1])
        assert sent["id"] == "web-0001" and sent["inquiry"] == 1 and sent["event"] == "resolved"
        assert sent["resolution"] == "인증서 선택을 기억하도록 고쳤습니다"
        async with bot.deps.sessions() as s:
            rows_ = (
                await s.exec(select(OutboxMessage).where(OutboxMessage.kind == "webhook"))
            ).all()
        assert [(r.state, r.attempts) for r in rows_] == [("sent", 3)]
    finally:
        await stop()
        await runner.cleanup()


async def test_without_callback_staff_are_reminded_to_answer(vbot: Bot) -> None:
    assert (await post_voc(vbot, body_of()))[0] == 200
    await vbot.reply_to("USTAFF1", "assign 1 <@USTAFF2|alex>")
    await vbot.reply_to("USTAFF2", "progress 1 검토 결과: 다음 배포에 반영합니다")
    await vbot.settle()
    dms = vbot.dm_texts("USTAFF2")
    assert any("010-1234-5678" in t and "다음 배포에 반영" in t for t in dms)


async def test_http_client_cannot_smuggle_a_huge_body(vbot: Bot) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{vbot.url}/intake/voc", data=b"{" * (2 * 1024 * 1024)) as resp,
    ):
        assert resp.status in (400, 413)


SURVEY_KEY = "survey-signing-key-for-tests-000"


async def _resolve_web_voc(bot: Bot) -> None:
    assert (await post_voc(bot, body_of()))[0] == 200
    await bot.settle()
    assert "#1" in await bot.reply_to("USTAFF1", "resolve 1 인증서 선택을 기억하도록 고쳤습니다")
    await bot.settle()


async def test_a_resolved_web_voc_sends_its_survey_link_by_the_callback(db_url: str) -> None:
    receiver = Receiver(failures=0)
    app = web.Application()
    app.router.add_post("/callback", receiver.handle)
    runner, port = await serve_local(app)
    bot, stop = await start_bot(
        db_url,
        CONFIG,
        env={
            "VOC_WEBHOOK_SECRET": SECRET,
            "VOC_CALLBACK_URL": f"http://127.0.0.1:{port}/callback",
            "SURVEY_SECRET": SURVEY_KEY,
            "PUBLIC_URL": "https://bot.example.com",
        },
    )
    try:
        await _resolve_web_voc(bot)
        for _ in range(100):
            if len(receiver.requests) >= 2:
                break
            bot.deps.outbox.kick()
            await asyncio.sleep(0.05)
        events = [json.loads(body) for _h, body, _s in receiver.requests]
        assert [e["event"] for e in events] == ["resolved", "survey"]
        survey = events[1]
        assert survey["id"] == "web-0001" and survey["inquiry"] == 1
        url = survey["survey_url"]
        assert url.startswith("https://bot.example.com/survey/")
        # the link works for someone without a chat account: the bilingual survey page
        path = url.removeprefix("https://bot.example.com")
        async with bot.http.get(f"{bot.url}{path}") as resp:
            assert resp.status == 200
            page = await resp.text()
        assert "#1" in page
    finally:
        await stop()
        await runner.cleanup()


async def test_without_a_callback_staff_get_the_survey_link_to_send(db_url: str) -> None:
    bot, stop = await start_bot(
        db_url, CONFIG, env={"VOC_WEBHOOK_SECRET": SECRET, "SURVEY_SECRET": SURVEY_KEY}
    )
    try:
        await _resolve_web_voc(bot)
        texts = [str(m.get("text") or "") for m in bot.posts()]
        links = [t for t in texts if "/survey/" in t]
        assert len(links) == 1  # once, to staff: the customer has no chat account
        assert "#1" in links[0]
    finally:
        await stop()
