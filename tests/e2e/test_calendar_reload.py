"""`charterbot calendar reload` reaches a real `charterbot serve` process: the operator adds
holidays to the config file, the command sends SIGHUP through the server's pid file, the
server reloads `[calendar]`, moves the open inquiry's deadline, writes it to the history
(shown by `/inquiry show` in Korean and English) and updates the card; on SQLite and
PostgreSQL. A config that does not load is refused by the command and nothing is sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier
from sqlmodel import select
from support.polling import eventually

from bot.sandbox.fake_slack import FakeSlack
from e2e.harness import start_world_fake
from e2e.world import KST, SECRET, TOKEN
from storage.db import make_engine, make_sessions
from storage.models import Inquiry, InquiryEvent, Reminder

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """
language = "ko"
bilingual_channels = true
timezone = "Asia/Seoul"

[channels]
triage = "C0TRIAGE"

[calendar]
extra_holidays = [{holidays}]

[[teams]]
name = "HTS support"
manager = "UMANAGER"
members = ["USTAFF1", "USTAFF2"]

[roles]
admins = ["UADMIN"]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _write_config(path: Path, holidays: list[date]) -> None:
    path.write_text(
        CONFIG.format(holidays=", ".join(f'"{d.isoformat()}"' for d in holidays)),
        encoding="utf-8",
    )


class Server:
    """A `python -m bot serve` process and what it needs."""

    def __init__(self, tmp: Path, db_url: str, fake: FakeSlack, api: str) -> None:
        self.tmp, self.db_url, self.fake = tmp, db_url, fake
        self.config = tmp / "charterbot.toml"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "serve.log"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "CHARTERBOT_", "TEAMS_"))
        }
        self.env.update(
            DATABASE_URL=db_url,
            SLACK_API_URL=api,
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            CHARTERBOT_CONFIG=str(self.config),
            CHARTERBOT_RUN_DIR=str(tmp / "run"),
            HOST="127.0.0.1",
            PORT=str(self.port),
            PYTHONPATH=str(ROOT),
        )
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        out = self.log.open("ab")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "serve",
                env=self.env,
                stdout=out,
                stderr=out,
                cwd=self.tmp,
            )
        finally:
            out.close()
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as http:
            while True:
                assert self.proc.returncode is None, self.log.read_text()[-3000:]
                try:
                    async with http.get(f"{self.url}/healthz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                assert time.monotonic() < deadline, self.log.read_text()[-3000:]
                await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            await asyncio.wait_for(self.proc.wait(), 30)

    async def cli(self, *args: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            env=self.env,
            cwd=self.tmp,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode is not None
        return proc.returncode, out.decode()

    async def command(self, user: str, text: str) -> str:
        """A signed `/inquiry` command; the ephemeral answer it produced."""
        before = len(self.fake.calls_to("response_url"))
        form = {
            "token": "legacy",
            "team_id": "T0TEST",
            "channel_id": "C0TRIAGE",
            "user_id": user,
            "command": "/inquiry",
            "text": text,
            "api_app_id": "A0TEST",
            "response_url": self.fake.new_response_url(channel="C0TRIAGE", user=user),
            "trigger_id": self.fake.new_trigger_id(),
        }
        body = urlencode(form).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                timestamp=ts, body=body
            ),
        }
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{self.url}/slack/events", data=body, headers=headers) as r,
        ):
            assert r.status == 200, await r.text()
        await eventually(lambda: len(self.fake.calls_to("response_url")) > before, timeout=30)
        call = self.fake.calls_to("response_url")[before]
        return str(call.args.get("text") or "") + json.dumps(
            call.args.get("blocks") or [], ensure_ascii=False
        )


@pytest.fixture
async def server(db_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    fake, api = await start_world_fake(FakeSlack(token=TOKEN))
    fake.ts_clock = time.time  # the server runs on the system clock
    srv = Server(tmp_path, db_url, fake, api)
    _write_config(srv.config, [])
    try:
        yield srv
    finally:
        await srv.stop()
        await fake.stop()


async def _inquiry(db_url: str, number: int) -> tuple[Inquiry, list[InquiryEvent]]:
    engine = make_engine(db_url)
    try:
        async with make_sessions(engine)() as session:
            inq = (await session.exec(select(Inquiry).where(Inquiry.number == number))).one()
            events = (
                await session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inq.id))
            ).all()
            return inq, list(events)
    finally:
        await engine.dispose()


async def _pending_reminders(db_url: str, inquiry_id: int) -> list[Reminder]:
    engine = make_engine(db_url)
    try:
        async with make_sessions(engine)() as session:
            rows = await session.exec(select(Reminder).where(Reminder.inquiry_id == inquiry_id))
            found = [r for r in rows.all() if r.state == "pending"]
            assert found, "an open voc inquiry has pending reminders"
            return found
    finally:
        await engine.dispose()


async def test_calendar_reload_moves_an_open_deadline_and_writes_it_to_the_history(
    server: Server,
) -> None:
    await server.start()
    pid_file = server.tmp / "run" / "charterbot.pid"
    assert pid_file.read_text().strip() == str(server.proc.pid if server.proc else "")

    answer = await server.command("USTAFF1", "new 고객의소리 화면 오류")
    assert "#1" in answer
    before, _ = await _inquiry(server.db_url, 1)
    assert before.deadline_at is not None

    # the operator closes the next three weeks (a long company holiday) and reloads
    today = datetime.now(KST).date()
    closed = [today + timedelta(days=n) for n in range(-1, 22)]
    _write_config(server.config, closed)
    rc, out = await server.cli("calendar", "reload")
    assert rc == 0, out
    assert "sent SIGHUP to charterbot serve" in out

    deadline = time.monotonic() + 30
    while not any(e.kind == "calendar" for e in (await _inquiry(server.db_url, 1))[1]):
        assert time.monotonic() < deadline, server.log.read_text()[-3000:]
        await asyncio.sleep(0.1)
    after, events = await _inquiry(server.db_url, 1)
    assert after.deadline_at is not None and after.deadline_at > before.deadline_at
    assert after.deadline_at.astimezone(KST).date() not in closed
    # the reminders were planned again on the new calendar: none falls on a closed day
    for reminder in await _pending_reminders(server.db_url, after.id or 0):
        assert reminder.due_at.astimezone(KST).date() not in closed, reminder
    event = next(e for e in events if e.kind == "calendar")
    assert event.old_value is not None and event.new_value is not None
    assert datetime.fromisoformat(event.new_value) == after.deadline_at
    assert datetime.fromisoformat(event.old_value) == before.deadline_at

    # the history shows it, in the reader's language
    ko = await server.command("USTAFF1", "show 1")
    assert "영업일 변경에 따른 기한 재계산" in ko
    en = await server.command("USTAFF2", "show 1")
    assert "deadline recomputed: the business calendar changed" in en
    # and the card in the triage channel is updated (the outbox drained by the server)
    await eventually(lambda: bool(server.fake.calls_to("chat.update")), timeout=30)

    # reloading the same calendar again changes nothing more
    rc, _ = await server.cli("calendar", "reload")
    assert rc == 0
    await asyncio.sleep(1.0)
    _, events_again = await _inquiry(server.db_url, 1)
    assert [e.kind for e in events_again].count("calendar") == 1


async def test_calendar_reload_refuses_a_bad_config_and_sends_nothing(server: Server) -> None:
    await server.start()
    server.config.write_text(
        server.config.read_text(encoding="utf-8").replace(
            "extra_holidays = []", 'extra_holidays = ["2026-13-45"]'
        ),
        encoding="utf-8",
    )
    rc, out = await server.cli("calendar", "reload")
    assert rc == 1
    assert "2026-13-45" in out and "SIGHUP" not in out
    assert server.proc is not None and server.proc.returncode is None


async def test_calendar_reload_without_a_running_server_says_so(
    db_url: str, tmp_path: Path
) -> None:
    del db_url
    fake, api = await start_world_fake(FakeSlack(token=TOKEN))
    try:
        srv = Server(tmp_path, "sqlite+aiosqlite:///unused.db", fake, api)
        _write_config(srv.config, [])
        (tmp_path / "run").mkdir()
        (tmp_path / "run" / "charterbot.pid").write_text("999999999\n")  # stale
        rc, out = await srv.cli("calendar", "reload")
        assert rc == 1
        assert "stale" in out and "no running charterbot" in out
    finally:
        await fake.stop()
