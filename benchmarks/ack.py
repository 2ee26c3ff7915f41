"""Slash-command ack benchmark: charterbot vs a bare Bolt app, over real HTTP on loopback.

Usage::

    .venv/bin/python benchmarks/ack.py [--requests 2000] [--concurrency 20] [--warmup 50]

One run starts four processes: this one (load generator + response_url receiver), the fake Slack
Web API, the real charterbot server on a temporary SQLite file (built like ``start_bot`` in
tests/e2e/harness.py) and a bare Bolt ``AsyncApp`` whose only listener acks ``/inquiry``. The
servers are this same script in ``--serve-fake`` / ``--serve-bot`` / ``--serve-bare`` mode.

Scenarios (N signed, form-encoded slash commands each, after a warm-up):

  (a) bare ack                 -> the bare Bolt app
  (b) /inquiry new support ... -> charterbot, as staff USTAFF1
  (c) /inquiry list open       -> charterbot, as staff, with 10,000 seeded inquiries

(c) runs before (b) so that the database holds exactly the seeded rows. ``rps``/latency are
measured to the HTTP answer (the ack); ``done`` is when the deferred ephemeral answer reached
the response_url receiver (completion throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "tests"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

# The test workspace of tests/e2e/harness.py (e2e.world imports nothing heavy, so the bare
# app's process stays bare).
from e2e.world import CHANNELS, PEOPLE, SECRET, START, TEST_CONFIG, TOKEN, bot_env

SEED_INQUIRIES = 10_000
STAFF = "USTAFF1"
SCENARIO_CAP_S = 45.0  # hard cap on one scenario's measured phase
COMPLETION_CAP_S = 45.0  # hard cap on waiting for deferred answers after a scenario
STARTUP_CAP_S = 60.0

# ====================================================================== server modes (children)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def _announce(url: str) -> None:
    print(f"READY {url}", flush=True)


async def serve_fake(relay: str) -> None:
    """The fake Web API, plus `/bench-response/{rid}`, which relays deferred answers to the
    load generator's receiver: the bot posts only to response_urls on its SLACK_API_URL host
    (it refuses any other host), so the answers have to come in through the fake's address."""
    import aiohttp
    from aiohttp import web

    from bot.sandbox.fake_slack import FakeSlack

    fake = FakeSlack(token=TOKEN)
    for uid, name, locale in PEOPLE:
        fake.add_user(uid, name, locale=locale)
    for cid, name in CHANNELS:
        fake.add_channel(cid, name)
    http = aiohttp.ClientSession()

    async def relay_answer(request: web.Request) -> web.Response:
        body = await request.read()
        url = f"{relay}/response/{request.match_info['rid']}"
        headers = {"Content-Type": request.content_type}
        async with http.post(url, data=body, headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read())

    app = web.Application()
    fake.add_routes(app)
    app.router.add_post("/bench-response/{rid}", relay_answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    fake.root_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    _announce(fake.base_url)
    await _until_stopped()
    await runner.cleanup()
    await http.close()


async def serve_bot(db_url: str, api_url: str) -> None:
    """Like tests/e2e/harness.py start_bot, minus the fake (it is its own process here)."""
    from aiohttp import web

    from bot.app import build_runtime, build_web_app
    from bot.clock import SettableClock
    from bot.config import parse_config
    from storage.migrate import upgrade_async

    await upgrade_async(db_url)
    runtime = build_runtime(
        bot_env(api_url, db_url), parse_config(TEST_CONFIG), clock=SettableClock(START)
    )
    app = build_web_app(runtime)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    _announce(f"http://127.0.0.1:{port}")
    await _until_stopped()
    await runner.cleanup()


async def serve_bare(api_url: str) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=False,
    )

    @bolt.command("/inquiry")
    async def _ack(ack: AsyncAck) -> None:
        await ack("ok")

    async def slack_events(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    _announce(f"http://127.0.0.1:{runner.addresses[0][1]}")
    await _until_stopped()
    await runner.cleanup()


def _serve_main(args: argparse.Namespace) -> int:
    import logging

    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    profile = None
    if args.cprofile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    try:
        if args.serve_fake:
            asyncio.run(serve_fake(args.relay))
        elif args.serve_bot:
            asyncio.run(serve_bot(args.db, args.api))
        else:
            asyncio.run(serve_bare(args.api))
    finally:
        if profile is not None:
            profile.disable()
            profile.dump_stats(args.cprofile)
    return 0


# ====================================================================== parent: set-up helpers


def seed(db_path: Path, n: int) -> int:
    """Bulk-insert n inquiries (9 in 10 open) and set the counter; return the open count."""
    import sqlalchemy as sa

    from storage.models import Counter, Inquiry

    engine = sa.create_engine(f"sqlite:///{db_path}")
    now = START.astimezone(UTC)
    open_statuses = ("new", "acknowledged", "in_progress", "on_hold")
    rows: list[dict[str, Any]] = []
    open_count = 0
    for i in range(1, n + 1):
        is_open = i % 10 != 0
        open_count += is_open
        status = open_statuses[i % 4] if is_open else "resolved"
        created = now - timedelta(minutes=n - i)
        rows.append(
            {
                "number": i,
                "kind": ("voc", "support", "request")[i % 3],
                "status": status,
                "title": f"seeded inquiry {i}",
                "detail": "",
                "customer": "",
                "contact": "",
                "requester_id": ("UCUST", "UCUST2")[i % 2],
                "assignee_id": (None, "USTAFF1", "USTAFF2")[i % 3],
                "source": "command",
                "created_at": created,
                "updated_at": created,
                "sla_start_at": created,
                "due_date": None,
                "deadline_at": created + timedelta(hours=8) if is_open else None,
                "eta_at": None,
                "first_response_at": None,
                "resolved_at": None if is_open else created,
                "hold_started_at": created if status == "on_hold" else None,
                "resolution": "",
            }
        )
    with engine.begin() as conn:
        conn.execute(sa.insert(Inquiry.__table__), rows)  # type: ignore[attr-defined]
        conn.execute(
            sa.insert(Counter.__table__).prefix_with("OR REPLACE"),  # type: ignore[attr-defined]
            {"name": "inquiry", "value": n},
        )
    engine.dispose()
    return open_count


def outbox_pending(db_path: Path) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return int(
            con.execute(
                "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
            ).fetchone()[0]
        )
    finally:
        con.close()


def cpu_s(pid: int) -> float:
    """User+system CPU seconds used so far by pid (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of pid in MiB."""
    vals = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            vals[key] = int(rest.split()[0]) / 1024
    return vals.get("VmRSS", float("nan")), vals.get("VmHWM", float("nan"))


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Child:
    def __init__(self, name: str, proc: asyncio.subprocess.Process, url: str, log: Path) -> None:
        self.name, self.proc, self.url, self.log = name, proc, url, log

    @property
    def pid(self) -> int:
        return self.proc.pid


def _open_log(path: Path) -> BinaryIO:
    return open(path, "wb")


async def spawn(name: str, tmp: Path, *extra: str) -> Child:
    log = tmp / f"{name}.log"
    with _open_log(log) as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).resolve()),
            *extra,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=err,
            cwd=str(ROOT),
            preexec_fn=_die_with_parent,
        )
    child = Child(name, proc, "", log)
    assert proc.stdout is not None
    try:
        deadline = time.monotonic() + STARTUP_CAP_S
        while time.monotonic() < deadline:
            line = await asyncio.wait_for(proc.stdout.readline(), deadline - time.monotonic())
            if not line:
                raise RuntimeError(
                    f"{name} exited during start-up; see {log}:\n{log.read_text()[-2000:]}"
                )
            if line.startswith(b"READY "):
                child.url = line.decode().split()[1]
                return child
        raise TimeoutError(f"{name} did not start within {STARTUP_CAP_S}s")
    except BaseException:
        await stop_child(child)
        raise


async def stop_child(child: Child) -> None:
    proc = child.proc
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await asyncio.wait_for(proc.wait(), 5)


class Receiver:
    """The response_url endpoint: records when each deferred answer arrived and its text."""

    def __init__(self) -> None:
        self.arrivals: dict[str, tuple[float, str]] = {}
        self.url = ""
        self.public_url = ""  # where the bot posts: the fake's relay to this receiver
        self._runner: Any = None

    async def start(self) -> None:
        from aiohttp import web

        async def handle(request: web.Request) -> web.Response:
            rid = request.match_info["rid"]
            try:
                data = await request.json()
            except ValueError:
                data = {}
            self.arrivals[rid] = (time.perf_counter(), str(data.get("text") or ""))
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/response/{rid}", handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def wait_for(self, rids: list[str], cap: float, stall: float = 10.0) -> bool:
        """Wait until every rid arrived; give up after cap s, or stall s without progress."""
        deadline = time.monotonic() + cap
        seen, last_progress = -1, time.monotonic()
        while time.monotonic() < deadline:
            got = sum(r in self.arrivals for r in rids)
            if got == len(rids):
                return True
            if got != seen:
                seen, last_progress = got, time.monotonic()
            elif time.monotonic() - last_progress > stall:
                return False
            await asyncio.sleep(0.05)
        return False

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


# ====================================================================== parent: load


class Result:
    def __init__(self, name: str) -> None:
        self.name = name
        self.latencies: list[float] = []
        self.errors = 0
        self.wall = 0.0
        self.started = 0.0
        self.done_s: float | None = None  # until the last deferred answer arrived
        self.done_count = 0
        self.bad_answers = 0
        self.note = ""
        self.cpu_s = 0.0  # server CPU during the measured phase (+ its deferred work)

    @property
    def n(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.n / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        s = sorted(self.latencies)
        return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))] * 1000  # nearest rank


async def blast(
    target: str,
    receiver: Receiver,
    *,
    prefix: str,
    n: int,
    concurrency: int,
    text: str,
    ack_body: str,
    result: Result | None,
    cap_s: float,
) -> list[str]:
    """Send n signed `/inquiry <text>` commands at the given concurrency; return response ids."""
    import aiohttp
    from slack_sdk.signature import SignatureVerifier

    signer = SignatureVerifier(SECRET)
    rids: list[str] = []
    counter = iter(range(n))
    deadline = time.monotonic() + cap_s
    errors = 0
    lats: list[float] = []

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for i in counter:
            if time.monotonic() > deadline:
                return
            rid = f"{prefix}-{i}"
            form = {
                "token": "legacy",
                "team_id": "T0TEST",
                "team_domain": "test",
                "channel_id": "C0TRIAGE",
                "channel_name": "triage",
                "user_id": STAFF,
                "user_name": STAFF.lower(),
                "command": "/inquiry",
                "text": text.replace("{i}", str(i)),
                "api_app_id": "A0TEST",
                "is_enterprise_install": "false",
                "response_url": f"{receiver.public_url}/bench-response/{rid}",
                "trigger_id": f"{i}.{int(time.time())}.benchmark",
            }
            body = urlencode(form).encode()
            ts = str(int(time.time()))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signer.generate_signature(timestamp=ts, body=body) or "",
            }
            rids.append(rid)
            t0 = time.perf_counter()
            try:
                async with session.post(f"{target}/slack/events", data=body, headers=headers) as r:
                    ok = r.status == 200 and (await r.text()) == ack_body
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            lats.append(time.perf_counter() - t0)
            errors += not ok

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    if result is not None:
        result.latencies, result.errors, result.wall, result.started = lats, errors, wall, started
    return rids


async def scenario(
    name: str,
    target: str,
    receiver: Receiver,
    *,
    text: str,
    n: int,
    concurrency: int,
    warmup: int,
    deferred: bool,
    ack_body: str,
    server_pid: int,
    check: Callable[[str], bool] | None = None,
) -> Result:
    key = re.sub(r"\W+", "", name)[:12]

    async def send(prefix: str, count: int, result: Result | None) -> list[str]:
        return await blast(
            target,
            receiver,
            prefix=f"{prefix}{key}",
            n=count,
            concurrency=concurrency,
            text=text,
            ack_body=ack_body,
            result=result,
            cap_s=SCENARIO_CAP_S,
        )

    wrids = await send("w", warmup, None)
    if deferred:
        await receiver.wait_for(wrids, COMPLETION_CAP_S)
    res = Result(name)
    cpu_before = cpu_s(server_pid)
    rids = await send("m", n, res)
    if deferred:
        complete = await receiver.wait_for(rids, COMPLETION_CAP_S)
        got = [receiver.arrivals[r] for r in rids if r in receiver.arrivals]
        res.done_count = len(got)
        if got:
            res.done_s = max(at for at, _ in got) - res.started
        if check is not None:
            res.bad_answers = sum(not check(txt) for _, txt in got)
        if not complete:
            res.note = (
                f"only {len(got)}/{len(rids)} deferred answers within {COMPLETION_CAP_S:.0f}s"
            )
    res.cpu_s = cpu_s(server_pid) - cpu_before
    if res.n < n:
        res.note = (res.note + "; " if res.note else "") + f"capped at {SCENARIO_CAP_S:.0f}s"
    return res


# ====================================================================== parent: main

_EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Timeout)\b.*")
_LOG_LINE = re.compile(r"^\S+ \S+ (ERROR|WARNING|CRITICAL) (\S+): (.*)")


def summarize_log(child: Child, kept: bool) -> None:
    """Print counts of a child's logged errors/warnings and of the exceptions in tracebacks."""
    text = child.log.read_text(errors="replace")
    if not text.strip():
        return
    logged: dict[str, int] = {}
    raised: dict[str, int] = {}
    for line in text.splitlines():
        if m := _LOG_LINE.match(line):
            key = f"{m[1]} {m[2]}: {re.sub(r'[0-9a-f]{8}', '…', m[3])[:90]}"
            logged[key] = logged.get(key, 0) + 1
        elif m := _EXC_LINE.match(line):
            raised[m[0][:140]] = raised.get(m[0][:140], 0) + 1
    where = str(child.log) if kept else "--keep retains the full log"
    print(f"\n{child.name} stderr ({where}):")
    for table in (logged, raised):
        for key, count in sorted(table.items(), key=lambda kv: -kv[1])[:4]:
            print(f"  {count:>5} x {key}")


def _fmt(x: float | None, spec: str = ".1f") -> str:
    return "-" if x is None else format(x, spec)


async def run(args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    t_begin = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="charterbot-bench-"))
    db_path = tmp / "bench.db"
    db_url = f"sqlite+aiosqlite:///{db_path}"
    children: list[Child] = []
    receiver = Receiver()
    try:
        await asyncio.to_thread(upgrade, db_url)
        open_total = await asyncio.to_thread(seed, db_path, SEED_INQUIRIES)
        await receiver.start()
        fake = await spawn("fake", tmp, "--serve-fake", "--relay", receiver.url)
        receiver.public_url = fake.url.removesuffix("/api/")
        children.append(fake)
        bot_args = ["--serve-bot", "--db", db_url, "--api", fake.url]
        if args.cprofile_bot:
            bot_args += ["--cprofile", str(Path(args.cprofile_bot).resolve())]
        bot, bare = await asyncio.gather(
            spawn("bot", tmp, *bot_args),
            spawn("bare", tmp, "--serve-bare", "--api", fake.url),
            return_exceptions=True,
        )
        for started in (bot, bare):
            if isinstance(started, Child):
                children.append(started)
        for started in (bot, bare):
            if isinstance(started, BaseException):
                raise started
        assert isinstance(bot, Child) and isinstance(bare, Child)
        await asyncio.sleep(1.0)  # let start-up garbage settle
        idle_rss, _ = rss_mb(bot.pid)
        bare_rss, _ = rss_mb(bare.pid)
        print(
            f"started in {time.monotonic() - t_begin:.1f}s: fake pid {fake.pid}, bot pid {bot.pid} "
            f"(idle RSS {idle_rss:.1f} MiB), bare pid {bare.pid} (idle RSS {bare_rss:.1f} MiB); "
            f"{SEED_INQUIRIES} inquiries seeded ({open_total} open)",
            flush=True,
        )

        common = {"n": args.requests, "concurrency": args.concurrency, "warmup": args.warmup}

        async def measure(
            name: str, server: Child, text: str, check: Callable[[str], bool] | None = None
        ) -> Result:
            """One scenario; the bot answers later through response_url, the bare app at once."""
            deferred = server is bot
            res = await scenario(
                name,
                server.url,
                receiver,
                text=text,
                deferred=deferred,
                ack_body="" if deferred else "ok",
                server_pid=server.pid,
                check=check,
                **common,
            )
            done = f", done {_fmt(res.done_s)}s" if deferred else ""
            print(f"  {res.name}: {res.n} in {res.wall:.1f}s{done}", flush=True)
            return res

        new_text = "new support benchmark title {i}"
        a = await measure("(a) bare ack", bare, new_text)
        list_re = re.compile(rf"(?<!\d){open_total}(?!\d)")
        c = await measure(
            "(c) /inquiry list open", bot, "list open", lambda s: bool(list_re.search(s))
        )
        pending_before = await asyncio.to_thread(outbox_pending, db_path)
        new_re = re.compile(r"\*#\d+\*")
        b = await measure("(b) /inquiry new", bot, new_text, lambda s: bool(new_re.search(s)))
        # Cards of the new inquiries go out through the outbox after the answers: time the drain.
        drain_s: float | None = None
        deadline = time.monotonic() + COMPLETION_CAP_S
        while time.monotonic() < deadline:
            if await asyncio.to_thread(outbox_pending, db_path) == 0:
                drain_s = time.perf_counter() - b.started
                break
            await asyncio.sleep(0.1)
        after_rss, peak_rss = rss_mb(bot.pid)

        results = [a, b, c]
        base = a.rps or float("nan")
        print()
        print(
            f"requests per scenario: {args.requests} (+{args.warmup} warm-up), concurrency "
            f"{args.concurrency}, SQLite, {os.cpu_count()} CPUs"
        )
        hdr = (
            f"{'scenario':<24}{'reqs':>6}{'errs':>6}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}"
            f"{'vs bare':>9}{'done s':>9}{'done rps':>10}{'bad':>5}{'cpu ms/req':>12}"
        )
        print(hdr)
        print("-" * len(hdr))
        for r in results:
            done_rps = r.done_count / r.done_s if r.done_s else None
            print(
                f"{r.name:<24}{r.n:>6}{r.errors:>6}{r.rps:>9.1f}{r.pct(0.50):>9.1f}{r.pct(0.99):>9.1f}"
                f"{r.rps / base:>9.2f}{_fmt(r.done_s):>9}{_fmt(done_rps):>10}"
                f"{(r.bad_answers if r.done_count else '-')!s:>5}"
                f"{r.cpu_s * 1000 / max(1, r.n):>12.2f}"
            )
            if r.note:
                print(f"{'':<24}note: {r.note}")
        print()
        print(
            "errs = non-200 or unexpected ack body; 'done s' = time from the first request until "
            "the last deferred answer reached response_url; 'bad' = deferred answers not of the "
            "expected shape; 'cpu ms/req' = server process CPU (all threads) per request, "
            "measured phase plus its deferred work"
        )
        print(
            f"outbox cards for (b): {_fmt(drain_s)}s from the first request until the outbox was "
            f"empty (pending before (b): {pending_before})"
        )
        print(
            f"bot RSS: idle {idle_rss:.1f} MiB after start-up+migrations, {after_rss:.1f} MiB after "
            f"the run (peak {peak_rss:.1f} MiB); bare app idle {bare_rss:.1f} MiB"
        )
        print()
        print("targets:")
        checks = [
            ("/inquiry new  rps >= 40% of bare", b.rps >= 0.4 * a.rps, f"{b.rps / base:.0%}"),
            ("/inquiry new  p99 < 300 ms", b.pct(0.99) < 300, f"{b.pct(0.99):.1f} ms"),
            ("/inquiry list rps >= 40% of bare", c.rps >= 0.4 * a.rps, f"{c.rps / base:.0%}"),
            ("/inquiry list p99 < 300 ms", c.pct(0.99) < 300, f"{c.pct(0.99):.1f} ms"),
            ("idle RSS < 150 MB", idle_rss * 1.048576 < 150, f"{idle_rss * 1.048576:.1f} MB"),
        ]
        for label, ok, value in checks:
            print(f"  [{'PASS' if ok else 'FAIL'}] {label:<36} {value}")
        errs = [r for r in results if r.errors or r.bad_answers]
        for child in children:
            summarize_log(child, args.keep)
        print(f"\ntotal time {time.monotonic() - t_begin:.1f}s")
        return 1 if errs else 0
    finally:
        for child in reversed(children):
            with contextlib.suppress(Exception):
                await stop_child(child)
        await receiver.stop()
        if args.keep:
            print(f"kept {tmp} (database, child logs)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=2000, help="measured requests per scenario")
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--keep", action="store_true", help="keep the temp dir (db, child logs)")
    p.add_argument("--cprofile-bot", metavar="FILE", help="cProfile the bot server into FILE")
    # internal: server modes
    p.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    p.add_argument("--api", help=argparse.SUPPRESS)
    p.add_argument("--relay", help=argparse.SUPPRESS)
    p.add_argument("--cprofile", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve_fake or args.serve_bot or args.serve_bare:
        return _serve_main(args)
    if args.requests < 1 or args.concurrency < 1 or args.warmup < 0:
        p.error("--requests and --concurrency must be positive")
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
