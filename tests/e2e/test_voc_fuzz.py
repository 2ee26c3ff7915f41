"""A bounded fuzz of `POST /intake/voc`: random bodies (valid, mutated, nested junk, raw bytes)
with good, wrong, stale or missing signatures. Never a 5xx, and never anything half-written:
every submission row names an existing web inquiry and every web inquiry has one."""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import select

from bot.domain.voc import sign
from e2e.harness import Bot, start_bot
from e2e.world import TEST_CONFIG
from storage.models import Inquiry, VocSubmission

SECRET = "fuzz-secret"
ROUNDS = 150
ALPHABET = "aZ09 가힣\n\t\x00\x07\u200b\u202e<>&\"'\\/{}[]:,*_~`😀"
FIELDS = ["id", "name", "contact", "text", "company", "title", "submitted_at", "extra", ""]


def junk(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(8 if depth < 3 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False, 0, -1, 1e308, 2**70])
    if choice in (2, 3, 4):
        size = rng.choice([0, 1, 5, 40, 300, 6000])
        return "".join(rng.choice(ALPHABET) for _ in range(size))
    if choice == 5:
        return [junk(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(FIELDS): junk(rng, depth + 1) for _ in range(rng.randrange(5))}


def body(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(200)))
    if kind == 1:
        return json.dumps(junk(rng)).encode()
    data: dict[str, Any] = {
        "id": f"fuzz-{rng.randrange(12)}",  # a small pool: resubmissions happen
        "name": "홍길동",
        "contact": "010-1234-5678",
        "text": "내용",
    }
    for _ in range(rng.randrange(4)):
        data[rng.choice(FIELDS)] = junk(rng)
    return json.dumps(data, ensure_ascii=rng.random() < 0.5).encode()


@pytest.fixture
async def fbot(db_url: str) -> AsyncIterator[Bot]:
    driver, stop = await start_bot(
        db_url, copy.deepcopy(TEST_CONFIG), env={"VOC_WEBHOOK_SECRET": SECRET}
    )
    yield driver
    await stop()


async def test_fuzz_intake_never_5xx_and_never_half_written(fbot: Bot) -> None:
    rng = random.Random(20261201)
    statuses: dict[int, int] = {}
    for _ in range(ROUNDS):
        raw = body(rng)
        ts = int(time.time())
        how = rng.randrange(6)
        headers = {"Content-Type": rng.choice(["application/json", "text/plain", "x/y"])}
        if how < 4:
            headers["X-Charterbot-Timestamp"] = str(ts)
            headers["X-Charterbot-Signature"] = sign(SECRET, str(ts), raw)
        elif how == 4:
            headers["X-Charterbot-Timestamp"] = rng.choice([str(ts - 999), "abc", "", "1e9"])
            headers["X-Charterbot-Signature"] = rng.choice(["sha256=00", "", "v0=xyz"])
        async with fbot.http.post(f"{fbot.url}/intake/voc", data=raw, headers=headers) as resp:
            assert resp.status < 500, (resp.status, raw[:200])
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
    assert statuses.get(200) and statuses.get(400) and statuses.get(401)
    async with fbot.deps.sessions() as s:
        subs = list((await s.exec(select(VocSubmission))).all())
        web = list((await s.exec(select(Inquiry).where(Inquiry.source == "web"))).all())
    assert all(sub.inquiry_id is not None for sub in subs)
    assert sorted(sub.inquiry_id or 0 for sub in subs) == sorted(i.id or 0 for i in web)
    assert len({sub.external_id for sub in subs}) == len(subs)
