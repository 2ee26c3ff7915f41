"""Run the real bot server against the fake Slack Web API and drive it with signed requests."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from support.polling import eventually

from bot.app import Runtime, build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import parse_config
from bot.delivery.engine import DeliverySettings
from bot.sandbox.fake_slack import FakeSlack
from e2e.world import CHANNELS, KST, PEOPLE, SECRET, START, TEST_CONFIG, TOKEN, bot_env  # noqa: F401 (KST)
from storage.migrate import upgrade_async

# The fake Web API has no rate limit unless a test sets one, so the harness paces the sender
# 50 times faster than Slack's one message per second per channel (a real setting of the
# sender, see DeliverySettings.channel_interval); otherwise every test would mostly wait.
# tests/e2e/test_delivery.py::test_paced_to_one_message_per_second_per_channel runs the
# production pacing.
HARNESS_DELIVERY = DeliverySettings(channel_interval=0.02)


@dataclass
class Reply:
    status: int
    text: str


class Bot:
    """The bot server plus helpers to send Slack-shaped, signed requests to it."""

    def __init__(
        self, fake: FakeSlack, runtime: Runtime, url: str, http: aiohttp.ClientSession
    ) -> None:
        self.fake = fake
        self.runtime = runtime
        self.deps = runtime.deps
        self.url = url
        self.http = http
        self.clock: SettableClock = runtime.deps.clock  # type: ignore[assignment]
        self._signer = SignatureVerifier(SECRET)

    async def post_raw(
        self,
        body: bytes,
        content_type: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signer = SignatureVerifier(secret) if secret else self._signer
        sig = signer.generate_signature(timestamp=ts, body=body)
        hdrs = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig,
            **(headers or {}),
        }
        async with self.http.post(f"{self.url}/slack/events", data=body, headers=hdrs) as resp:
            return Reply(resp.status, await resp.text())

    async def command(
        self, user: str, text: str, *, channel: str = "C0TRIAGE", command: str = "/inquiry"
    ) -> Reply:
        form = {
            "token": "legacy",
            "team_id": "T0TEST",
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "triage",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "is_enterprise_install": "false",
            "response_url": self.fake.new_response_url(channel=channel, user=user),
            "trigger_id": self.fake.new_trigger_id(),
        }
        return await self.post_raw(urlencode(form).encode(), "application/x-www-form-urlencoded")

    async def interact(self, payload: dict[str, Any]) -> Reply:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post_raw(body, "application/x-www-form-urlencoded")

    async def click(
        self,
        user: str,
        action_id: str,
        value: str,
        *,
        channel: str = "C0TRIAGE",
        message_ts: str = "",
    ) -> Reply:
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": "T0TEST"},
                "api_app_id": "A0TEST",
                "user": {"id": user, "username": user.lower(), "team_id": "T0TEST"},
                "channel": {"id": channel, "name": "triage"},
                "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
                "message": {"ts": message_ts, "type": "message"},
                "trigger_id": self.fake.new_trigger_id(),
                "response_url": self.fake.new_response_url(channel=channel, user=user),
                "actions": [
                    {
                        "action_id": action_id,
                        "block_id": "inquiry-card-actions",
                        "value": value,
                        "type": "button",
                        "action_ts": str(time.time()),
                    }
                ],
            }
        )

    async def submit(
        self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]
    ) -> Reply:
        state = {"values": {bid: {bid: v} for bid, v in values.items()}}
        return await self.interact(
            {
                "type": "view_submission",
                "team": {"id": "T0TEST"},
                "api_app_id": "A0TEST",
                "user": {"id": user, "username": user.lower(), "team_id": "T0TEST"},
                "view": {**view, "id": "V" + uuid.uuid4().hex[:8].upper(), "state": state},
                "trigger_id": self.fake.new_trigger_id(),
            }
        )

    async def shortcut(self, user: str, channel: str, message: dict[str, Any]) -> Reply:
        return await self.interact(
            {
                "type": "message_action",
                "callback_id": "inquiry-from-message",
                "team": {"id": "T0TEST"},
                "user": {"id": user, "name": user.lower()},
                "channel": {"id": channel, "name": "intake"},
                "message_ts": message["ts"],
                "message": message,
                "trigger_id": self.fake.new_trigger_id(),
                "response_url": self.fake.new_response_url(channel=channel, user=user),
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> Reply:
        body = {
            "token": "legacy",
            "team_id": "T0TEST",
            "api_app_id": "A0TEST",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0TEST", "user_id": "UBOT", "is_bot": True}],
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.post_raw(json.dumps(body).encode(), "application/json", headers=headers)

    async def user_message(
        self,
        user: str,
        channel: str,
        text: str,
        *,
        thread_ts: str | None = None,
        event_id: str | None = None,
    ) -> dict[str, Any]:
        msg = self.fake.post_user_message(channel, user, text, thread_ts=thread_ts)
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": msg["ts"],
            "channel_type": "channel",
            "event_ts": msg["ts"],
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        await self.event(event, event_id=event_id)
        return msg

    # ---- reading what happened
    def replies(self, user: str | None = None) -> list[str]:
        """Texts the bot sent through response_url (ephemeral command answers)."""
        out = []
        for call in self.fake.calls_to("response_url"):
            text = call.args.get("text") or ""
            blocks = call.args.get("blocks") or []
            out.append(text + "\n" + json.dumps(blocks, ensure_ascii=False))
        return out

    async def reply_to(self, user: str, text: str, **kw: Any) -> str:
        """Send a command and return the ephemeral answer it produced."""
        before = len(self.fake.calls_to("response_url"))
        reply = await self.command(user, text, **kw)
        assert reply.status == 200, reply
        await eventually(lambda: len(self.fake.calls_to("response_url")) > before)
        return self.replies()[before]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        return self.fake.messages(channel)

    def dm_texts(self, user: str) -> list[str]:
        channel = self.fake.dm_channel_for(user)
        return [m["text"] for m in self.fake.messages(channel)]

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until the outbox is empty of due work (a dashboard re-publishing waiting for
        its debounce is not due until the clock reaches it: see home_refreshes)."""
        import sqlalchemy as sa
        from sqlmodel import col, select

        from storage.models import OutboxMessage

        async def pending() -> int:
            waiting = sa.and_(
                col(OutboxMessage.kind) == "home",
                col(OutboxMessage.available_at) > self.clock.now(),
            )
            stmt = (
                select(sa.func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.state).in_(["pending", "sending"]), sa.not_(waiting))
            )
            async with self.deps.sessions() as s:
                return int((await s.exec(stmt)).one())

        deadline = time.monotonic() + timeout
        while await pending():
            if time.monotonic() > deadline:
                async with self.deps.sessions() as s:
                    rows = (
                        await s.exec(
                            select(OutboxMessage).where(
                                OutboxMessage.state.in_(["pending", "sending"])
                            )
                        )
                    ).all()  # type: ignore[attr-defined]
                stuck = [
                    (r.idempotency_key, r.state, r.available_at, r.attempts, r.last_error)
                    for r in rows
                ]
                raise AssertionError(f"outbox did not drain at {self.clock.now()}: {stuck}")
            self.deps.outbox.kick()
            await asyncio.sleep(0.02)


def reaction_event(
    user: str,
    channel: str,
    ts: str,
    *,
    item_user: str | None,
    event_ts: str,
    reaction: str = "ticket",
) -> dict[str, Any]:
    """A `reaction_added` event: `user` put :reaction: on the message `ts` in `channel`."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts,
    }


async def start_world_fake(fake: FakeSlack | None = None) -> tuple[FakeSlack, str]:
    """Start the fake Web API with the test world's people and channels; return it and its URL."""
    fake = fake or FakeSlack(token=TOKEN)
    for uid, name, locale in PEOPLE:
        fake.add_user(uid, name, locale=locale)
    for cid, name in CHANNELS:
        fake.add_channel(cid, name)
    return fake, await fake.start()


async def serve_local(app: web.Application, **runner_options: Any) -> tuple[web.AppRunner, int]:
    """Serve `app` on a free loopback port; return its runner (to clean up) and the port."""
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def start_bot(
    db_url: str,
    config: dict[str, Any] | None = None,
    *,
    start: datetime = START,
    fake: FakeSlack | None = None,
    env: dict[str, Any] | None = None,
) -> tuple[Bot, Callable[[], Any]]:
    """Start fake Slack and the bot server; return the driver and an async stop function
    (`env`: settings to change, e.g. {"SURVEY_SECRET": …})."""
    fake, api = await start_world_fake(fake)
    await upgrade_async(db_url)
    runtime = build_runtime(
        bot_env(api, db_url).model_copy(update=env or {}),
        parse_config(config or TEST_CONFIG),
        clock=SettableClock(start),
        delivery=HARNESS_DELIVERY,
    )
    runner, port = await serve_local(build_web_app(runtime))
    http = aiohttp.ClientSession()
    bot = Bot(fake, runtime, f"http://127.0.0.1:{port}", http)

    async def stop() -> None:
        await http.close()
        await runner.cleanup()
        await fake.stop()

    return bot, stop
