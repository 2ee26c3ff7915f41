"""Deliver outbox rows to Slack: render, send, mark; retry with backoff; never twice."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.i18n import Lang, both, t
from bot.services import inquiries as svc
from handlers.blocks.inquiry import build_inquiry_card, texts
from handlers.blocks.nudges import build_nudge_message
from storage.models import OutboxMessage
from storage.repos.inquiries import get_inquiry_by_id
from storage.repos.outbox import claim_outbox_message, get_outbox_message, list_due_outbox

log = logging.getLogger("charterbot.outbox")
MAX_ATTEMPTS = 8
# Slack errors that no retry can fix.
PERMANENT = frozenset({
    "invalid_blocks", "msg_too_long", "channel_not_found", "not_in_channel", "is_archived",
    "invalid_auth", "not_authed", "account_inactive", "user_not_found", "no_text",
    "invalid_arguments", "message_not_found", "cant_update_message",
})


class OutboxSender:
    """Claims due outbox rows and sends them through the Web API."""

    def __init__(self, deps: Deps, client: AsyncWebClient) -> None:
        self._deps = deps
        self._client = client

    async def run_forever(self, idle: float = 1.0) -> None:
        """Deliver until cancelled; sleeps until kicked or `idle` seconds pass."""
        while True:
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("outbox delivery round failed")
                sent = 0
            if sent == 0:
                await self._deps.outbox.wait(idle)

    async def deliver_due(self, limit: int = 50) -> int:
        """Deliver one batch of due rows; return how many were handled."""
        deps = self._deps
        now = deps.clock.now()
        claimed: list[int] = []
        async with deps.sessions.begin() as session:
            for row in await list_due_outbox(session, now=now, limit=limit):
                assert row.id is not None
                if await claim_outbox_message(session, message_id=row.id, now=now):
                    claimed.append(row.id)
        for message_id in claimed:
            await self._deliver(message_id)
        return len(claimed)

    async def _deliver(self, message_id: int) -> None:
        deps = self._deps
        async with deps.sessions() as session:
            row = await get_outbox_message(session, message_id)
        if row is None:
            return
        try:
            ts, channel = await self._send(row)
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) if exc.response is not None else "slack_error"
            await self._failed(row, error, permanent=error in PERMANENT)
            return
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            await self._failed(row, f"network: {exc!r}"[:400], permanent=False)
            return
        async with deps.sessions.begin() as session:
            fresh = await get_outbox_message(session, message_id)
            if fresh is not None:
                fresh.state = "sent"
                fresh.sent_at = deps.clock.now()
                fresh.sent_ts = ts
            if row.kind == "card" and ts and channel:
                await svc.mark_card_posted(session, json.loads(row.payload)["inquiry_id"], channel, ts)

    async def _failed(self, row: OutboxMessage, error: str, *, permanent: bool) -> None:
        deps = self._deps
        async with deps.sessions.begin() as session:
            fresh = await get_outbox_message(session, row.id or 0)
            if fresh is None:
                return
            fresh.last_error = error[:500]
            if permanent or fresh.attempts >= MAX_ATTEMPTS:
                fresh.state = "failed"
                log.error("outbox %s failed for good: %s", fresh.idempotency_key, error)
            else:
                fresh.state = "pending"
                delay = min(2 ** fresh.attempts, 300)
                fresh.available_at = deps.clock.now() + timedelta(seconds=delay)
                log.warning("outbox %s retry in %ss: %s", fresh.idempotency_key, delay, error)

    async def _lang_for(self, recipient: str) -> Lang | None:
        """A user's language for DMs; None for channels (which follow the channel rule)."""
        if recipient[:1] in ("U", "W"):
            return await self._deps.languages.language_of(recipient)
        return None

    async def _send(self, row: OutboxMessage) -> tuple[str | None, str | None]:
        payload: dict[str, Any] = json.loads(row.payload)
        if row.kind == "card":
            return await self._send_card(row, payload["inquiry_id"])
        if row.kind == "nudge":
            return await self._send_nudge(row, payload)
        lang = await self._lang_for(row.recipient)
        cfg = self._deps.config
        key, params = payload["text_key"], payload["params"]
        if lang is not None:
            text = t(lang, key, **params)
        elif payload.get("bilingual", cfg.bilingual_channels) is not False and cfg.bilingual_channels:
            text = both(key, cfg.language, **params)
        else:
            text = t(cfg.language, key, **params)
        kwargs: dict[str, Any] = {"channel": row.recipient, "text": text[:39000]}
        if row.thread_ts:
            kwargs["thread_ts"] = row.thread_ts
        resp = await self._client.chat_postMessage(
            **kwargs,
            metadata={"event_type": "charterbot_outbox", "event_payload": {"key": row.idempotency_key}},
        )
        return resp.get("ts"), resp.get("channel")

    async def _send_nudge(self, row: OutboxMessage, payload: dict[str, Any]) -> tuple[str | None, str | None]:
        """A grouped nudge: in the person's language for DMs, the default one in channels."""
        lang = await self._lang_for(row.recipient) or self._deps.config.language
        text, blocks = build_nudge_message(lang, payload["items"])
        resp = await self._client.chat_postMessage(
            channel=row.recipient,
            text=text[:39000],
            blocks=blocks,
            metadata={"event_type": "charterbot_outbox", "event_payload": {"key": row.idempotency_key}},
        )
        return resp.get("ts"), resp.get("channel")

    async def _send_card(self, row: OutboxMessage, inquiry_id: int) -> tuple[str | None, str | None]:
        deps = self._deps
        async with deps.sessions() as session:
            inquiry = await get_inquiry_by_id(session, inquiry_id)
            if inquiry is None:
                return None, None
            card = svc.describe(inquiry, deps)
        cfg = deps.config
        blocks = build_inquiry_card(card, texts(cfg.language, cfg.bilingual_channels))
        fallback = f"#{card['number']} {card['title']}"
        if inquiry.card_ts and inquiry.card_channel:
            resp = await self._client.chat_update(
                channel=inquiry.card_channel, ts=inquiry.card_ts, text=fallback, blocks=blocks
            )
            return None, None
        resp = await self._client.chat_postMessage(
            channel=row.recipient,
            text=fallback,
            blocks=blocks,
            metadata={"event_type": "charterbot_card", "event_payload": {"inquiry": card["number"]}},
        )
        return resp.get("ts"), resp.get("channel")
