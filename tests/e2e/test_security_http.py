"""Hostile requests to POST /slack/events: nothing of an unverified request is ever used.

Every unverified or malformed request must get a 4xx, reach neither Bolt nor the fake Web API
nor any other host, change nothing in the database and leave no traceback (nor its body) in
the log. Runs on SQLite and PostgreSQL through the real server.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.app import build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import parse_config
from e2e.harness import Bot, serve_local, start_bot, start_world_fake
from e2e.world import SECRET, START, TEST_CONFIG, bot_env
from storage.migrate import upgrade_async

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MARKER = "FORGEDBODYMARKER"


class Receiver:
    """A local HTTP server standing in for an internal host an attacker wants reached."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        async def anything(request: web.Request) -> web.Response:
            self.hits.append(f"{request.method} {request.path_qs}")
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", anything)
        self._runner, port = await serve_local(app, access_log=None)
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class Watch:
    """The bot plus everything an unverified request must leave untouched."""

    def __init__(self, bot: Bot, receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
        self.bot = bot
        self.receiver = receiver
        self.caplog = caplog
        self.dispatched = 0
        bolt = bot.runtime.bolt
        real_dispatch = bolt.async_dispatch

        async def counting_dispatch(req: Any) -> Any:
            self.dispatched += 1
            return await real_dispatch(req)

        bolt.async_dispatch = counting_dispatch  # type: ignore[method-assign]

    def forged_command(self, user: str = "UCUST", channel: str = "C0RANDOM", **extra: str) -> bytes:
        """A slash command naming a victim user and channel and a response_url to a local host."""
        form = {
            "token": "legacy",
            "team_id": "T0TEST",
            "channel_id": channel,
            "user_id": user,
            "command": "/inquiry",
            "text": "new support forged " + MARKER,
            "api_app_id": "A0TEST",
            "response_url": f"{self.receiver.url}/hook",
            "trigger_id": "1.2.3",
            **extra,
        }
        return urlencode(form).encode()

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        async with self.bot.http.post(
            f"{self.bot.url}/slack/events", data=body, headers=headers
        ) as resp:
            await resp.read()
            return resp.status

    async def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to prove a request changed nothing."""
        from sqlmodel import SQLModel

        out: dict[str, list[tuple[Any, ...]]] = {}
        async with self.bot.deps.reads() as session:
            for table in SQLModel.metadata.sorted_tables:
                rows = (await session.exec(text(f'SELECT * FROM "{table.name}"'))).all()
                out[table.name] = sorted((tuple(map(repr, r)) for r in rows), key=repr)
        return out

    def outbound(self) -> int:
        return len(self.bot.fake.calls) + len(self.receiver.hits)

    def assert_quiet_log(self) -> None:
        for record in self.caplog.records:
            assert record.exc_info is None, record.getMessage()[:300]
        assert "Traceback" not in self.caplog.text
        assert MARKER not in self.caplog.text


@pytest.fixture
async def watch(db_url: str, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Watch]:
    # INFO before the app exists: the Slack libraries take their level from the root logger
    # when they build their loggers, and production runs at INFO.
    caplog.set_level(logging.INFO)
    receiver = Receiver()
    await receiver.start()
    bot, stop = await start_bot(db_url)
    yield Watch(bot, receiver, caplog)
    await stop()
    await receiver.stop()


def signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed(
    body: bytes, content_type: str = FORM, *, timestamp: str | None = None
) -> dict[str, str]:
    ts = timestamp if timestamp is not None else str(int(time.time()))
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(body, ts),
    }


async def assert_untouched(watch: Watch, send: Callable[[], Any]) -> int:
    """Run send(); return its status after checking that nothing happened anywhere.

    An unverified request is refused inside the request (before any answer goes back), so
    whatever it could have set off has happened by the time its status is known.
    """
    before = await watch.snapshot()
    outbound = watch.outbound()
    dispatched = watch.dispatched
    status = int(await send())
    assert watch.receiver.hits == []
    assert [c.method for c in watch.bot.fake.calls][outbound:] == []
    assert watch.outbound() == outbound
    assert watch.dispatched == dispatched, "Bolt saw the request"
    assert await watch.snapshot() == before
    watch.assert_quiet_log()
    return status


# ---------------------------------------------------------------- timestamps and signatures

# Computed when each test runs: a module-level "now + 301" is fresh a few seconds later.
BAD_TIMESTAMPS: dict[str, Callable[[int], str]] = {
    "empty": lambda now: "",
    "word": lambda now: "abc",
    "float": lambda now: "1.5",
    "fresh float": lambda now: f"{now}.5",
    "negative": lambda now: "-1",
    "spaces": lambda now: f" {now} ",
    "plus sign": lambda now: f"+{now}",
    "arabic digits": lambda now: "".join(chr(0x660 + int(d)) for d in str(now)),
    "old": lambda now: str(now - 400),
    "future": lambda now: str(now + 400),
    "huge": lambda now: "9" * 40,
}


@pytest.mark.parametrize("make", BAD_TIMESTAMPS.values(), ids=BAD_TIMESTAMPS.keys())
async def test_bad_timestamp_is_refused_before_bolt(
    watch: Watch, make: Callable[[int], str]
) -> None:
    body = watch.forged_command()
    timestamp = make(int(time.time()))
    # Signed with the right secret over that very timestamp: only the timestamp is wrong.
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(body, timestamp),
    }
    status = await assert_untouched(watch, lambda: watch.post(body, headers))
    assert status == 401


def _bad_signatures(body: bytes, ts: str) -> dict[str, str]:
    good = signature(body, ts)
    return {
        "empty": "",
        "prefix only": "v0=",
        "v1": "v1=" + good[3:],
        "short": good[:-1],
        "long": good + "0",
        "upper hex": "v0=" + good[3:].upper(),
        "not hex": "v0=" + "z" * 64,
        "non ascii": "v0=" + "é" * 64,
        "wrong secret": signature(body, ts, secret="wrong"),
        "other body": signature(body + b"x", ts),
    }


@pytest.mark.parametrize("case", list(_bad_signatures(b"", "0")))
async def test_bad_signature_is_refused_before_bolt(watch: Watch, case: str) -> None:
    body = watch.forged_command()
    ts = str(int(time.time()))
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": _bad_signatures(body, ts)[case],
    }
    status = await assert_untouched(watch, lambda: watch.post(body, headers))
    assert status == 401


async def test_missing_and_repeated_headers_are_refused(watch: Watch) -> None:
    body = watch.forged_command()
    good = signed(body)
    variants: list[Any] = [
        {"Content-Type": FORM},
        {k: v for k, v in good.items() if k != "X-Slack-Signature"},
        {k: v for k, v in good.items() if k != "X-Slack-Request-Timestamp"},
        # Two timestamps: one Bolt would read, one we would: never guess which is meant.
        [*good.items(), ("X-Slack-Request-Timestamp", "abc")],
        [*good.items(), ("X-Slack-Signature", "v0=" + "0" * 64)],
    ]
    for headers in variants:
        status = await assert_untouched(
            watch, lambda h=headers: watch.post(body, aiohttp_headers(h))
        )
        assert status == 401, headers


def aiohttp_headers(headers: dict[str, str] | list[tuple[str, str]]) -> Any:
    from multidict import CIMultiDict

    return CIMultiDict(headers.items() if isinstance(headers, dict) else headers)


async def test_forged_event_naming_a_victim_gets_no_message(watch: Watch) -> None:
    event = {
        "type": "event_callback",
        "team_id": "T0TEST",
        "event": {"type": "message", "channel": "C0INTAKE", "user": "UCUST", "text": MARKER},
        "event_id": "EvFORGED",
        "response_url": f"{watch.receiver.url}/hook",
    }
    body = json.dumps(event).encode()
    headers = {"Content-Type": JSON, "X-Slack-Request-Timestamp": "1.5", "X-Slack-Signature": ""}
    assert await assert_untouched(watch, lambda: watch.post(body, headers)) == 401
    assert watch.bot.fake.messages("C0INTAKE") == []
    assert watch.bot.dm_texts("UCUST") == []


# ---------------------------------------------------------------- logs


async def test_huge_forged_body_is_not_logged(watch: Watch) -> None:
    body = watch.forged_command(text="x" * 900_000 + MARKER)
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": "0", "X-Slack-Signature": ""}
    assert await assert_untouched(watch, lambda: watch.post(body, headers)) == 401
    assert len(watch.caplog.text) < 5_000
    refusals = [r.getMessage() for r in watch.caplog.records if "refused" in r.getMessage()]
    assert refusals and "length=" in refusals[0] and "POST /slack/events" in refusals[0]
    # Over the size limit, even signed: refused unread (aiohttp's limit, kept).
    body = watch.forged_command(text="x" * (1024**2 + 10) + MARKER)
    assert await assert_untouched(watch, lambda: watch.post(body, signed(body))) == 413


async def test_a_flood_of_forged_requests_writes_few_lines(watch: Watch) -> None:
    body = watch.forged_command()
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc"}
    for _ in range(60):
        assert await watch.post(body, headers) == 401
    refusals = [r for r in watch.caplog.records if "refused" in r.getMessage()]
    assert 1 <= len(refusals) <= 20
    watch.assert_quiet_log()


def test_refusal_log_keeps_a_burst_then_counts() -> None:
    from bot.adapters.slack.verify import RefusalLog

    limit = RefusalLog(burst=3, window=60)
    assert [limit.admit(t) for t in (0, 1, 2, 3, 4)] == [0, 0, 0, None, None]
    assert limit.admit(59) is None
    # A new window logs again and says how many were left out.
    assert limit.admit(60) == 3
    assert limit.admit(61) == 0


async def test_newlines_in_a_forged_body_write_no_log_line(watch: Watch) -> None:
    from bot.logs import configure_logging

    stream = io.StringIO()
    configure_logging(logging.INFO, stream=stream)
    try:
        fake_line = "2026-12-01 10:00:00,000 ERROR charterbot: " + MARKER
        body = watch.forged_command(text="hi\n" + fake_line + "\r\n" + fake_line)
        for ts in ("", "0", str(int(time.time()))):
            headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts}
            await watch.post(body, {**headers, "X-Slack-Signature": signature(body, "1")})
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "stream", None) is stream:
                root.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines, "the refusals are logged"
    assert not any(line.startswith("2026-12-01 10:00:00,000 ERROR") for line in lines)
    assert MARKER not in stream.getvalue()


# ---------------------------------------------------------------- signed but unreadable

UNREADABLE = {
    "broken json": (b"{", JSON),
    "json list": (b"[1, 2]", JSON),
    "json string": (b'"hello"', JSON),
    "json number": (b"42", JSON),
    "form payload broken": (b"payload=%7B", FORM),
    "form payload list": (b"payload=%5B1%5D", FORM),
    "not utf-8": (b"\xff\xfe\x00command", FORM),
    "authorizations not a list": (json.dumps({"authorizations": "x"}).encode(), JSON),
    "team not an object": (json.dumps({"type": "block_actions", "team": 5}).encode(), JSON),
}


def _interactive(payload: dict[str, Any]) -> tuple[bytes, str]:
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


_VIEW = {"id": "V0X1", "callback_id": "inquiry-progress-modal", "state": {"values": {}}}
_STAFF = {"id": "USTAFF2"}
# Signed payloads of a shape Slack never sends, which Bolt indexes unchecked (a 500 from inside
# it): a view submission without `view.type`, a view that is no object, no actions, ...
UNREADABLE |= {
    "view without type": _interactive({"type": "view_submission", "user": _STAFF, "view": _VIEW}),
    "view a string": _interactive({"type": "view_submission", "user": _STAFF, "view": "x"}),
    "view a list": _interactive({"type": "view_submission", "user": _STAFF, "view": [1]}),
    "view null": _interactive({"type": "view_submission", "user": _STAFF, "view": None}),
    "view callback_id a number": _interactive(
        {
            "type": "view_submission",
            "user": _STAFF,
            "view": {**_VIEW, "type": "modal", "callback_id": 5},
        }
    ),
    "closed view a number": _interactive({"type": "view_closed", "user": _STAFF, "view": 3}),
    "no actions": _interactive({"type": "block_actions", "user": _STAFF, "actions": []}),
    "actions null": _interactive({"type": "block_actions", "user": _STAFF, "actions": None}),
    "actions not objects": _interactive({"type": "block_actions", "user": _STAFF, "actions": [5]}),
    "suggestion action_id a number": _interactive(
        {"type": "block_suggestion", "user": _STAFF, "action_id": 5}
    ),
    "channel a list": _interactive(
        {
            "type": "block_actions",
            "user": _STAFF,
            "channel": [None],
            "actions": [{"action_id": "x"}],
        }
    ),
    "type a list": _interactive({"type": [1], "user": _STAFF}),
    "event a string": (json.dumps({"type": "event_callback", "event": "x"}).encode(), JSON),
    "event subtype a list": (
        json.dumps(
            {"type": "event_callback", "event": {"type": "message", "subtype": []}}
        ).encode(),
        JSON,
    ),
    "event without type": (
        json.dumps({"type": "event_callback", "event": {"user": "UCUST"}}).encode(),
        JSON,
    ),
}


@pytest.mark.parametrize("case", UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_signed_but_unreadable_body_is_400_without_traceback(
    watch: Watch, case: tuple[bytes, str]
) -> None:
    body, content_type = case
    status = await assert_untouched(watch, lambda: watch.post(body, signed(body, content_type)))
    assert status == 400


# ---------------------------------------------------------------- response_url


async def test_signed_request_with_foreign_response_url_reaches_no_one(watch: Watch) -> None:
    # Only a leaked secret could produce this; still no request to anyone but Slack (or the
    # configured fake Web API's own origin).
    bot, port = watch.bot, watch.receiver.url.rsplit(":", 1)[1]
    await bot.reply_to("USTAFF1", "help")  # the probe below then changes nothing either
    for url in (
        f"{watch.receiver.url}/hook",
        f"https://127.0.0.1:{port}/hook",
        f"http://localhost:{port}/hook",
        f"http://x@127.0.0.1:{port}/hook",
    ):
        before = await watch.snapshot()
        body = watch.forged_command(user="USTAFF1", channel="C0TRIAGE", response_url=url)
        body = body.replace(b"new+support+forged", b"help")
        status = await watch.post(body, signed(body))
        assert 400 <= status < 500, url
        # Listeners run after the answer: a verified help that got through would answer
        # before the next one does.
        await bot.reply_to("USTAFF1", "help")
        assert watch.receiver.hits == [], url
        assert await watch.snapshot() == before
    assert {c.method for c in bot.fake.calls} <= {"response_url", "auth.test", "users.info"}
    assert not any(c.method.startswith("chat.") for c in bot.fake.calls)
    assert all(c.path.startswith("/response/") for c in bot.fake.calls_to("response_url"))
    watch.assert_quiet_log()


def test_response_url_rules() -> None:
    from bot.adapters.slack.verify import allowed_response_url

    api = "http://127.0.0.1:5000/api/"
    assert allowed_response_url("https://hooks.slack.com/commands/T1/2/abc", api)
    assert allowed_response_url("https://hooks.slack.com:443/actions/T1/2/abc", api)
    assert allowed_response_url("http://127.0.0.1:5000/response/R1", api)
    for bad in (
        "http://hooks.slack.com/commands/1",
        "https://hooks.slack.com:444/x",
        "https://hooks.slack.com.evil.example/x",
        "https://evil.example/?https://hooks.slack.com/",
        "http://127.0.0.1:5001/response/R1",
        "https://127.0.0.1:5000/response/R1",
        "http://localhost:5000/response/R1",
        "https://user@hooks.slack.com/x",
        "https://hooks.slack.com:99999/x",
        "https://hooks.slack.com/\nx",
        "",
        None,
        ["https://hooks.slack.com/x"],
    ):
        assert not allowed_response_url(bad, api), bad
    # The default Web API base allows nothing but the hooks host.
    assert not allowed_response_url("http://127.0.0.1:5000/response/R1", "https://slack.com/api/")


# ---------------------------------------------------------------- no secret, no endpoint


async def test_without_signing_secret_there_is_no_slack_endpoint(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    receiver = Receiver()
    await receiver.start()
    fake, api = await start_world_fake()
    await upgrade_async(db_url)
    env = bot_env(api, db_url).model_copy(
        update={"SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": "xapp-test"}
    )
    runtime = build_runtime(env, parse_config(TEST_CONFIG), clock=SettableClock(START))
    dispatched: list[Any] = []
    real_dispatch = runtime.bolt.async_dispatch

    async def counting_dispatch(req: Any) -> Any:
        dispatched.append(req)
        return await real_dispatch(req)

    runtime.bolt.async_dispatch = counting_dispatch  # type: ignore[method-assign]
    runner, port = await serve_local(build_web_app(runtime, run_sender=False))
    try:
        form = {
            "command": "/inquiry",
            "text": "help",
            "user_id": "UCUST",
            "channel_id": "C0RANDOM",
            "response_url": f"{receiver.url}/hook",
        }
        body = urlencode(form).encode()
        async with aiohttp.ClientSession() as http:
            for headers in (
                {"Content-Type": FORM},
                {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc"},
                {
                    "Content-Type": FORM,
                    "X-Slack-Request-Timestamp": str(int(time.time())),
                    "X-Slack-Signature": signature(body, str(int(time.time())), secret=""),
                },
            ):
                async with http.post(
                    f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
                ) as resp:
                    assert resp.status in (404, 405)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200
        await asyncio.sleep(0)
        assert dispatched == []
        assert receiver.hits == []
        assert [c.method for c in fake.calls] == []
        assert "Traceback" not in caplog.text
    finally:
        await runner.cleanup()
        await fake.stop()
        await receiver.stop()


# ---------------------------------------------------------------- /healthz


async def test_healthz_does_not_wait_for_the_write_lock(watch: Watch) -> None:
    bot = watch.bot
    async with bot.deps.sessions.begin() as session:
        # A writer holds the database (on SQLite: the write lock, taken at BEGIN).
        await session.exec(text("SELECT 1"))
        async with bot.http.get(
            f"{bot.url}/healthz", timeout=aiohttp.ClientTimeout(total=10)
        ) as resp:
            assert resp.status == 200
            assert await resp.json() == {"status": "ok"}


# ---------------------------------------------------------------- fuzz

_ascii = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80)
_victim_fields = st.fixed_dictionaries(
    {
        "command": st.sampled_from(["/inquiry", "/charter", ""]),
        "text": st.sampled_from(["help", "new support x", "list all", ""]) | _ascii,
        "user_id": st.sampled_from(["UCUST", "USTAFF1", "UMANAGER", "UNOBODY"]),
        "channel_id": st.sampled_from(["C0TRIAGE", "C0RANDOM", "D0DM"]),
        "response_url": st.just("RECEIVER"),
    }
)


@st.composite
def hostile_requests(draw: st.DrawFn) -> tuple[bytes, dict[str, str], str]:
    """A request that must be refused: (body, headers, kind of body)."""
    shape = draw(st.sampled_from(["form", "json", "payload", "bytes"]))
    fields = draw(_victim_fields)
    if shape == "form":
        body = urlencode(fields).encode()
    elif shape == "json":
        body = json.dumps({"type": "event_callback", "event": {"type": "message", **fields}})
        body = body.encode()
    elif shape == "payload":
        payload = {"type": "block_actions", "user": {"id": fields["user_id"]}, **fields}
        body = urlencode({"payload": json.dumps(payload)}).encode()
    else:
        body = draw(st.binary(max_size=600))
    content_type = draw(
        st.sampled_from([FORM, JSON, "text/plain", "multipart/form-data; boundary=x", ""]) | _ascii
    )
    now = int(time.time())
    ts_kind = draw(st.sampled_from(["absent", "fresh", "stale", "text", "float", "int"]))
    timestamp = {
        "absent": None,
        "fresh": str(now),
        "stale": str(now - draw(st.integers(301, 10**9))),
        "text": draw(_ascii),
        "float": str(draw(st.floats(allow_nan=True, allow_infinity=True))),
        "int": str(draw(st.integers(-(10**20), 10**20))),
    }[ts_kind]
    sig_kind = draw(st.sampled_from(["absent", "text", "hex", "wrong secret", "other body"]))
    ts_for_sig = timestamp or "0"
    sig = {
        "absent": None,
        "text": draw(_ascii),
        "hex": "v0=" + draw(st.binary(min_size=32, max_size=32)).hex(),
        "wrong secret": signature(body, ts_for_sig, secret="not-the-secret"),
        "other body": signature(body + b".", ts_for_sig),
    }[sig_kind]
    headers = {"Content-Type": content_type}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if sig is not None:
        headers["X-Slack-Signature"] = sig
    return body, headers, shape


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=hostile_requests())
async def test_fuzz_unverified_requests_do_nothing(
    watch: Watch, request: tuple[bytes, dict[str, str], str]
) -> None:
    body, headers, _shape = request
    body = body.replace(b"RECEIVER", watch.receiver.url.encode())
    before = await watch.snapshot()
    outbound = watch.outbound()
    dispatched = watch.dispatched
    status = await watch.post(body, headers)
    assert 400 <= status < 500, (status, headers)
    assert watch.dispatched == dispatched
    assert watch.outbound() == outbound
    assert await watch.snapshot() == before
    watch.assert_quiet_log()


async def test_error_handler_never_acts_on_an_unverified_request(watch: Watch) -> None:
    # Behind the route's check, Bolt's own error path is the last line: a context without
    # deps (set only after Bolt's signature check) gets no answer anywhere.
    from slack_bolt.async_app import AsyncBoltContext

    from handlers.errors import handle_error

    body = {
        "response_url": f"{watch.receiver.url}/hook",
        "user_id": "UCUST",
        "channel": {"id": "C0RANDOM"},
        "user": {"id": "UCUST"},
    }
    context = AsyncBoltContext({"response_url": body["response_url"]})
    await handle_error(ValueError("invalid literal"), body, context, watch.bot.runtime.client)
    assert watch.receiver.hits == []
    assert watch.bot.fake.calls == []


# Signed requests of any shape: Slack's field names with random JSON values where Bolt and the
# handlers look (a view without `type`, a number for an action id, a list for a user, ...).
_json_leaf = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | _ascii
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_ascii, inner, max_size=3),
    max_leaves=6,
)
_ids = st.sampled_from(["UCUST", "USTAFF2", "UMANAGER"])


def _maybe(field: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(field, _json)


@st.composite
def odd_signed_payloads(draw: st.DrawFn) -> tuple[bytes, str]:
    """A signed body whose fields Slack names, with values of any JSON shape."""
    kind = draw(
        st.sampled_from(
            ["view_submission", "view_closed", "block_actions", "shortcut", "message_action"]
            + ["block_suggestion", "event_callback"]
        )
    )
    if kind == "event_callback":
        event = draw(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["message", "reaction_added", "app_home_opened"])},
                optional={
                    "user": _maybe(_ids),
                    "channel": _maybe(st.just("C0INTAKE")),
                    "text": _maybe(_ascii),
                    "ts": _maybe(st.just("1700000000.000100")),
                    "thread_ts": _json,
                    "subtype": _json,
                    "item": _maybe(st.just({"type": "message", "channel": "C0INTAKE"})),
                    "reaction": _maybe(st.just("ticket")),
                    "tab": _json,
                },
            )
        )
        body = {
            "type": kind,
            "event_id": "Ev" + draw(st.text("ABC0123", max_size=8)),
            "event": event,
        }
        return json.dumps(body).encode(), JSON
    callback = st.sampled_from(
        ["inquiry-new-modal", "inquiry-report-modal", "inquiry-eta-modal", "inquiry-progress-modal"]
        + ["inquiry-resolve-modal", "inquiry-reopen-modal", "inquiry-report"]
    )
    action = st.fixed_dictionaries(
        {
            "action_id": _maybe(
                st.sampled_from(
                    ["inquiry-assign-me", "inquiry-set-eta", "inquiry-resolve", "nudge-snooze-30"]
                    + ["inquiry-reopen", "inquiry-add-progress"]
                )
            )
        },
        optional={"value": _maybe(st.just("1")), "block_id": _json, "selected_option": _json},
    )
    payload = draw(
        st.fixed_dictionaries(
            {"type": st.just(kind), "user": _maybe(st.builds(lambda u: {"id": u}, _ids))},
            optional={
                "trigger_id": st.just("1.2.abc"),
                "callback_id": _maybe(callback),
                "action_id": _json,
                "value": _json,
                "actions": _maybe(st.lists(action, min_size=1, max_size=2)),
                "view": _maybe(
                    st.fixed_dictionaries(
                        {"type": _maybe(st.just("modal")), "callback_id": _maybe(callback)},
                        optional={"private_metadata": _json, "state": _json, "id": _json},
                    )
                ),
                "message": _json,
                "channel": _json,
                "container": _json,
                "state": _json,
            },
        )
    )
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=odd_signed_payloads())
# found by the fuzz: a message event whose text is no string, from no person
@example(
    request=(
        b'{"type": "event_callback", "event_id": "Ev", "event": {"type": "message", "text": [null]}}',
        "application/json",
    )
)
async def test_fuzz_signed_payloads_of_any_shape_never_fail(
    watch: Watch, request: tuple[bytes, str]
) -> None:
    body, content_type = request
    watch.caplog.clear()
    status = await watch.post(body, signed(body, content_type))
    assert status < 500, (status, body[:300])
    await asyncio.sleep(0.3)  # listeners run after the answer
    watch.assert_quiet_log()
    assert "unexpected error" not in watch.caplog.text, body[:300]
    assert watch.receiver.hits == []
