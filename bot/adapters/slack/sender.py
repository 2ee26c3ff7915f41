"""Deliver outbox rows to Slack: render, send, mark; retry with backoff; never twice.

How a notification is sent exactly once
---------------------------------------
Every message the sender posts carries the row's idempotency key in Slack message metadata
(``metadata={"event_type": "charterbot_outbox" | "charterbot_card",
"event_payload": {"key": <outbox key>, ...}}``). A row is claimed (``pending`` →
``sending``, attempts + 1) before the request and marked ``sent`` with the message ``ts``
after it. Whenever the outcome of an earlier attempt is unknown the row is *uncertain*
(``last_error`` starts with ``uncertain:``):

* the request timed out, the connection broke, or Slack answered 5xx (the message may
  have been posted anyway);
* the process died between sending and marking: the row stays ``sending``; while a sender
  works on a row it renews the row's lease (``available_at``) every ``lease / 3`` seconds,
  so a row whose lease is older than ``lease`` belongs to nobody and is given back as
  pending + uncertain (any worker may do this; the update is conditional).

Before sending an uncertain row again, the sender reads the channel
(``conversations.history``, or ``conversations.replies`` for thread replies, with
``include_all_metadata=true``, from the row's ``created_at`` minus ``lookback``) and looks
for a message whose metadata carries the row's key. Found → the row is marked ``sent`` with
that ``ts`` (and a card's ``ts`` is recorded on its inquiry); not found → it is sent.
DMs are addressed by user id; their history is read from the DM channel that
``conversations.open(users=…)`` returns. Card *updates* (``chat.update``) are idempotent
and need no check.

Why metadata: ``chat.postMessage`` has no idempotency key of its own, and a message's
``ts`` is only known from the answer that was lost. Metadata travels with the message, is
returned by the history methods, and is invisible to people. The check needs the history
scopes (``channels:history``, ``groups:history``, ``im:history``; in the manifest); when
it fails the row is retried (or failed on a permanent error) — never sent blind.

The check only sees a message Slack has finished storing, so it runs late enough: a retry
after an unanswered request waits at least the request timeout, and a lease (60 s) is far
longer than a request (the sender's client has a 10 s timeout and retries only 429s once;
see ``make_delivery_client``). The shared client is not used for delivery because it
retries 5xx and broken connections by itself, which could post twice.

Other rules
-----------
* 429: the channel is paused for ``Retry-After`` and the row waits as long; 429s do not
  count towards ``max_attempts`` (Slack said "later", not "no").
* Permanent Slack errors (``PERMANENT``) and ``max_attempts`` failed attempts → ``failed``
  with ``last_error``, logged at ERROR, listed by ``list_failed_outbox``.
* Pacing: at most one ``chat.postMessage`` per channel (row recipient) per
  ``channel_interval`` seconds, measured in real time from the previous answer. A hot
  channel's rows stay pending (untouched) and the round goes on with other channels.
* Order: a row is only picked when no older row for the same recipient is pending or
  sending (see ``list_due_outbox``), so a retried row holds back its channel's later rows.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.common import literal
from bot.adapters.slack.blocks.inquiry import build_inquiry_card, texts
from bot.adapters.slack.blocks.nudges import build_nudge_message
from bot.adapters.slack.client import make_delivery_client
from bot.adapters.slack.text import escape, t
from bot.aio import cancel_and_wait
from bot.deps import Deps
from bot.i18n import Lang, with_times
from bot.services import inquiries as svc
from storage.models import OutboxMessage
from storage.repos.inquiries import get_inquiry_by_id
from storage.repos.outbox import (
    claim_outbox_message,
    fail_outbox_message,
    list_due_outbox,
    mark_outbox_sent,
    release_stale_outbox,
    renew_outbox_lease,
    renew_outbox_leases,
    reschedule_outbox_message,
)

log = logging.getLogger("charterbot.outbox")
MAX_ATTEMPTS = 8
UNCERTAIN = "uncertain: "
# Slack errors that no retry can fix.
PERMANENT = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "user_not_found",
        "no_text",
        "invalid_arguments",
        "message_not_found",
        "cant_update_message",
        "missing_scope",
        "restricted_action",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "too_many_attachments",
        "invalid_attachments",
        "team_access_not_granted",
        "token_revoked",
        "ekm_access_denied",
    }
)


@dataclass(frozen=True)
class DeliverySettings:
    """Tunables of the sender (all durations in seconds)."""

    max_attempts: int = MAX_ATTEMPTS  # failed attempts before a row is given up
    backoff_base: float = 2.0  # retry n waits backoff_base * 2**(n-1) ...
    backoff_max: float = 300.0  # ... capped here
    lease: float = 60.0  # a 'sending' row not renewed for this long is re-examined
    # Pacing: min time between two posts to one channel (Slack allows about 1 message per
    # second per channel). Faster only against a Web API that allows it (the test harness).
    channel_interval: float = 1.0
    batch: int = 50  # rows claimed per round
    timeout: float | None = None  # per Slack request; None: the shared client's
    lookback: float = 300.0  # history search starts this long before the row was queued
    history_pages: int = 20  # pages of 200 messages read at most when checking
    idle: float = 1.0  # poll interval when nothing is due


@dataclass
class _Check:
    """Whether the attempt still has to look for an earlier, unconfirmed delivery."""

    needed: bool

    def carry(self, outcome: _Outcome) -> _Outcome:
        """Keep the row uncertain when this attempt failed before finishing its check."""
        if self.needed and not outcome.uncertain:
            outcome.error = UNCERTAIN + outcome.error
            outcome.uncertain = True
        return outcome


@dataclass
class _Outcome:
    """Why an attempt did not end with 'sent'."""

    error: str
    permanent: bool = False
    uncertain: bool = False
    retry_after: float | None = None  # 429
    unanswered: bool = False  # no answer: Slack may still be working on the request


class OutboxSender:
    """Claims due outbox rows and sends them through the Web API (see the module doc)."""

    def __init__(
        self, deps: Deps, client: AsyncWebClient, settings: DeliverySettings | None = None
    ) -> None:
        self._deps = deps
        self._shared = client
        self._settings = settings or DeliverySettings()
        self._client = make_delivery_client(client, timeout=self._settings.timeout)
        self._last_post: dict[str, float] = {}  # recipient -> monotonic time it may post again
        self._inflight: set[int] = set()
        self._dm_channels: dict[str, str] = {}
        self._wake_at: float | None = None
        self._next_release = 0.0  # monotonic time of the next look for expired leases

    @property
    def settings(self) -> DeliverySettings:
        """The current tunables."""
        return self._settings

    @settings.setter
    def settings(self, value: DeliverySettings) -> None:
        self._settings = value
        self._next_release = 0.0
        timeout = self._shared.timeout if value.timeout is None else value.timeout
        self._client.timeout = timeout  # type: ignore[assignment]  # aiohttp takes fractions

    # ------------------------------------------------------------------ loop

    async def run_forever(self, idle: float | None = None) -> None:
        """Deliver until cancelled; sleeps until kicked, a channel cools down or `idle` passes."""
        me = asyncio.current_task()
        while True:
            if me is not None and me.cancelling():
                # Stop was requested but a library swallowed the CancelledError on its way out
                # (3.11's asyncio.wait_for does so in a race; see Wakeup.wait): stop anyway,
                # or whoever awaits this task after cancelling it waits forever.
                raise asyncio.CancelledError
            try:
                sent = await self.deliver_due()
            except Exception:
                log.exception("outbox delivery round failed")
                sent = 0
            if sent == 0:
                await self._deps.outbox.wait(self._sleep_for(idle))

    def _sleep_for(self, idle: float | None) -> float:
        wait = self._settings.idle if idle is None else idle
        if self._wake_at is not None:
            # A wake-up that passed during the round just run: one more round at once.
            wait = min(wait, max(0.01, self._wake_at - time.monotonic()))
        return wait

    def _wake(self, delay: float) -> None:
        at = time.monotonic() + max(0.0, delay)
        if self._wake_at is None or at < self._wake_at or self._wake_at < time.monotonic():
            self._wake_at = at

    def _hot(self) -> set[str]:
        """Recipients posted to less than `channel_interval` ago (or paused by a 429)."""
        now = time.monotonic()
        hot = {r for r, until in self._last_post.items() if until > now}
        for recipient in [r for r in self._last_post if r not in hot]:
            del self._last_post[recipient]
        if hot:
            self._wake(min(self._last_post[r] for r in hot) - now)
        return hot

    def _pause(self, recipient: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._last_post[recipient] = max(self._last_post.get(recipient, 0.0), until)

    async def deliver_due(self, limit: int | None = None) -> int:
        """Deliver one batch of due rows; return how many were handled."""
        deps = self._deps
        settings = self._settings
        if self._wake_at is not None and self._wake_at <= time.monotonic():
            # This round serves the wake-up. Left set, it would stay in the past and make
            # every later sleep 10 ms: the sender would poll the database 100 times a second
            # until the next post (on the event loop it shares with the app, or the sandbox).
            self._wake_at = None
        now = deps.clock.now()
        await self._release_stale(now)
        hot = self._hot()
        claimed: list[OutboxMessage] = []
        async with deps.sessions.begin() as session:
            rows = await list_due_outbox(
                session, now=now, limit=limit or settings.batch, exclude_recipients=hot
            )
            for row in rows:
                assert row.id is not None
                if row.recipient in hot:
                    continue
                if await claim_outbox_message(session, message_id=row.id, now=now):
                    claimed.append(row)
        if not claimed:
            return 0
        ids = {row.id for row in claimed if row.id is not None}
        self._inflight |= ids
        heartbeat = asyncio.create_task(self._heartbeat())
        started = 0
        try:
            for row in claimed:
                started += 1
                await self._deliver(row)
        except asyncio.CancelledError:
            await self._unclaim(claimed[started:])
            raise
        finally:
            self._inflight -= ids
            await cancel_and_wait(heartbeat)
        return len(claimed)

    async def _unclaim(self, rows: list[OutboxMessage]) -> None:
        """On shutdown, give claimed rows that were not tried yet back at once (no lease wait)."""
        try:
            async with self._deps.sessions.begin() as session:
                for row in rows:
                    assert row.id is not None
                    await reschedule_outbox_message(
                        session,
                        message_id=row.id,
                        available_at=row.available_at,
                        error=row.last_error,
                        count_attempt=False,
                        claim=row.attempts + 1,
                    )
        except Exception:  # the lease brings them back anyway
            log.warning("outbox: could not give back %d unsent row(s)", len(rows), exc_info=True)

    async def _release_stale(self, now: Any) -> None:
        """Every lease/4 seconds, give rows whose lease expired back as pending + uncertain."""
        if time.monotonic() < self._next_release:
            return
        self._next_release = time.monotonic() + self._settings.lease / 4
        before = now - timedelta(seconds=self._settings.lease)
        async with self._deps.sessions.begin() as session:
            released = await release_stale_outbox(
                session,
                before=before,
                now=now,
                error=UNCERTAIN + "lease expired while sending",
                keep=set(self._inflight),
            )
        if released:
            log.warning(
                "outbox: %d row(s) left 'sending' by a dead sender re-examined", len(released)
            )

    # ------------------------------------------------------------------ one row

    async def _deliver(self, row: OutboxMessage) -> None:
        assert row.id is not None
        claim = row.attempts + 1  # the claim's attempt number fences this worker's updates
        async with self._deps.sessions.begin() as session:
            ours = await renew_outbox_lease(
                session, message_id=row.id, now=self._deps.clock.now(), claim=claim
            )
        if not ours:  # our lease expired while earlier rows of the batch were sent
            log.warning(
                "outbox %s: lease lost before sending; left to its new owner", row.idempotency_key
            )
            return
        try:
            outcome = await self._attempt(row)
        except Exception as exc:  # whatever went wrong, the row is retried
            log.exception("outbox %s: delivery raised", row.idempotency_key)
            outcome = _Outcome(f"{UNCERTAIN}{exc!r}"[:500], uncertain=True)
        if outcome is not None:
            await self._not_sent(row, outcome)

    async def _heartbeat(self) -> None:
        """Renew the lease of every row this sender holds, every lease/3 seconds."""
        period = max(0.05, self._settings.lease / 3)
        while True:
            await asyncio.sleep(period)
            try:
                async with self._deps.sessions.begin() as session:
                    await renew_outbox_leases(
                        session, ids=sorted(self._inflight), now=self._deps.clock.now()
                    )
            except Exception:  # a missed heartbeat only risks a re-check
                log.warning("outbox: lease renewal failed", exc_info=True)

    async def _attempt(self, row: OutboxMessage) -> _Outcome | None:
        """Send one claimed row; None when it is done (sent), else why not."""
        check = _Check(row.last_error.startswith(UNCERTAIN))
        try:
            if row.kind == "card":
                await self._attempt_card(row, check)
                return None
            if check.needed:
                found = await self._find_sent(row)
                if found is not None:
                    log.info("outbox %s was already delivered (%s)", row.idempotency_key, found[1])
                    await self._mark_sent(row, found[1])
                    return None
                check.needed = False
            ts, _channel = await self._post_message(row)
        except SlackApiError as exc:
            return check.carry(_classify_api_error(exc))
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return _Outcome(f"{UNCERTAIN}network: {exc!r}", uncertain=True, unanswered=True)
        await self._mark_sent(row, ts)
        return None

    async def _attempt_card(self, row: OutboxMessage, check: _Check) -> None:
        deps = self._deps
        inquiry_id = json.loads(row.payload)["inquiry_id"]
        async with deps.sessions() as session:
            inquiry = await get_inquiry_by_id(session, inquiry_id)
            if inquiry is None:
                await self._mark_sent(row, None)
                return
            card = await svc.describe_with_history(session, deps, inquiry)
        cfg = deps.config
        blocks = build_inquiry_card(card, texts(cfg.language, cfg.bilingual_channels))
        fallback = f"#{card['number']} {escape(card['title'])}"
        if inquiry.card_ts and inquiry.card_channel:
            # chat.update is idempotent: no check needed even after an unknown outcome.
            await self._client.chat_update(
                channel=inquiry.card_channel, ts=inquiry.card_ts, text=fallback, blocks=blocks
            )
            await self._mark_sent(row, inquiry.card_ts)
            if not inquiry.card_permalink:
                await self._remember_permalink(inquiry_id, inquiry.card_channel, inquiry.card_ts)
            return
        if check.needed:
            found = await self._find_sent(row)
            if found is not None:
                log.info("outbox %s: card already posted (%s)", row.idempotency_key, found[1])
                await self._mark_sent(row, found[1], card=(inquiry_id, found[0]))
                return
            check.needed = False
        resp = await self._post(
            row.recipient,
            channel=row.recipient,
            text=fallback,
            blocks=blocks,
            metadata={
                "event_type": "charterbot_card",
                "event_payload": {"key": row.idempotency_key, "inquiry": card["number"]},
            },
        )
        ts, channel = resp.get("ts"), resp.get("channel")
        await self._mark_sent(row, ts, card=(inquiry_id, channel) if ts and channel else None)
        if ts and channel:
            await self._remember_permalink(inquiry_id, channel, ts)

    async def _remember_permalink(self, inquiry_id: int, channel: str, ts: str) -> None:
        """Fetch the card's workspace permalink once and store it on the inquiry.

        Nudges, `show` and Home link to the card with it. It is a nicety: when Slack does not
        answer, the link is simply fetched again at the card's next update.
        """
        try:
            resp = await self._shared.chat_getPermalink(channel=channel, message_ts=ts)
        except (SlackApiError, TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning("card permalink of %s/%s not fetched: %r", channel, ts, exc)
            return
        link = resp.get("permalink")
        if isinstance(link, str) and link:
            async with self._deps.sessions.begin() as session:
                await svc.remember_permalink(session, inquiry_id, link)

    async def _mark_sent(
        self, row: OutboxMessage, ts: str | None, *, card: tuple[int, str] | None = None
    ) -> None:
        deps = self._deps
        assert row.id is not None
        async with deps.sessions.begin() as session:
            await mark_outbox_sent(session, message_id=row.id, now=deps.clock.now(), ts=ts)
            if card is not None and ts:
                await svc.mark_card_posted(session, card[0], card[1], ts)

    async def _not_sent(self, row: OutboxMessage, outcome: _Outcome) -> None:
        deps = self._deps
        settings = self._settings
        assert row.id is not None
        attempts = row.attempts + 1  # the claim counted this attempt
        if outcome.retry_after is not None:
            self._pause(row.recipient, outcome.retry_after)
            async with deps.sessions.begin() as session:
                await reschedule_outbox_message(
                    session,
                    message_id=row.id,
                    available_at=deps.clock.now() + timedelta(seconds=outcome.retry_after),
                    error=outcome.error,
                    count_attempt=False,
                    claim=attempts,
                )
            self._wake(outcome.retry_after)
            log.warning(
                "outbox %s rate limited; retry in %ss", row.idempotency_key, outcome.retry_after
            )
            return
        if outcome.permanent or attempts >= settings.max_attempts:
            async with deps.sessions.begin() as session:
                await fail_outbox_message(
                    session, message_id=row.id, error=outcome.error, claim=attempts
                )
            log.error(
                "outbox %s to %s failed for good after %d attempt(s): %s",
                row.idempotency_key,
                row.recipient,
                attempts,
                outcome.error,
            )
            return
        delay = min(settings.backoff_base * 2 ** (attempts - 1), settings.backoff_max)
        if outcome.unanswered:
            # Check only after a request Slack may still be processing has surely landed.
            delay = max(delay, float(self._client.timeout))
        async with deps.sessions.begin() as session:
            await reschedule_outbox_message(
                session,
                message_id=row.id,
                available_at=deps.clock.now() + timedelta(seconds=delay),
                error=outcome.error,
                claim=attempts,
            )
        self._wake(delay)
        log.warning("outbox %s retry in %.1fs: %s", row.idempotency_key, delay, outcome.error)

    # ------------------------------------------------------------------ Slack calls

    async def _post(self, recipient: str, **kwargs: Any) -> Any:
        """chat.postMessage, paced per recipient (the pause starts when Slack answers)."""
        try:
            return await self._client.chat_postMessage(**kwargs)
        finally:
            self._pause(recipient, self._settings.channel_interval)

    async def _lang_for(self, recipient: str) -> Lang | None:
        """A user's language for DMs; None for channels (which follow the channel rule)."""
        if recipient[:1] in ("U", "W"):
            return await self._deps.languages.language_of(recipient)
        return None

    async def _render(self, row: OutboxMessage) -> dict[str, Any]:
        """text (and blocks) of a 'message' or 'nudge' row, in the recipient's language."""
        payload: dict[str, Any] = json.loads(row.payload)
        lang = await self._lang_for(row.recipient)
        cfg = self._deps.config
        if row.kind == "nudge":
            # A grouped nudge: the person's language for DMs; channels as the cards (the
            # default language first, then the other when bilingual_channels).
            text, blocks = build_nudge_message(
                lang or cfg.language,
                payload["items"],
                bilingual=lang is None and cfg.bilingual_channels,
            )
            return {"text": text[:39000], "blocks": blocks}
        key, params = payload["text_key"], dict(payload["params"])
        if isinstance(params.get("title"), str):
            params["title"] = literal(params["title"])  # a title never turns into formatting
        tz, company = self._deps.tz, cfg.timezone
        if lang is not None or payload.get("reader"):
            # A DM, or a post written for one reader (the requester in their thread).
            reader = await self._deps.languages.reader_of(payload.get("reader") or row.recipient)
            zone = reader.tz not in ("", company)
            if reader.known or lang is not None:
                text = t(reader.lang, key, **with_times(params, reader.lang, tz, zone=zone))
            else:
                # Locale unknown: both languages, the one their own message was written in first.
                first: Lang = "en" if payload.get("first") == "en" else "ko"
                other: Lang = "en" if first == "ko" else "ko"
                second = t(other, key, **with_times(params, other, tz, zone=True))
                text = f"{t(first, key, **with_times(params, first, tz, zone=True))}\n{second}"
        elif (
            payload.get("bilingual", cfg.bilingual_channels) is not False and cfg.bilingual_channels
        ):
            first = cfg.language
            other = "en" if first == "ko" else "ko"
            text = (
                f"{t(first, key, **with_times(params, first, tz, zone=True))}\n"
                f"{t(other, key, **with_times(params, other, tz, zone=True))}"
            )
        else:
            text = t(cfg.language, key, **with_times(params, cfg.language, tz, zone=False))
        return {"text": text[:39000]}

    async def _post_message(self, row: OutboxMessage) -> tuple[str | None, str | None]:
        kwargs: dict[str, Any] = {"channel": row.recipient, **await self._render(row)}
        if row.thread_ts:
            kwargs["thread_ts"] = row.thread_ts
        resp = await self._post(
            row.recipient,
            **kwargs,
            metadata={
                "event_type": "charterbot_outbox",
                "event_payload": {"key": row.idempotency_key},
            },
        )
        return resp.get("ts"), resp.get("channel")

    async def _conversation_of(self, recipient: str) -> str:
        """The channel id messages to `recipient` land in (a user's DM channel for user ids)."""
        if recipient[:1] not in ("U", "W"):
            return recipient
        channel = self._dm_channels.get(recipient)
        if channel is None:
            resp = await self._client.conversations_open(users=recipient)
            channel = str((resp.get("channel") or {})["id"])
            self._dm_channels[recipient] = channel
        return channel

    async def _find_sent(self, row: OutboxMessage) -> tuple[str, str] | None:
        """(channel, ts) of a message already carrying the row's key, or None."""
        channel = await self._conversation_of(row.recipient)
        oldest = f"{(row.created_at - timedelta(seconds=self._settings.lookback)).timestamp():.6f}"
        cursor: str | None = None
        for _page in range(self._settings.history_pages):
            args: dict[str, Any] = {
                "channel": channel,
                "oldest": oldest,
                "inclusive": True,
                "limit": 200,
                "include_all_metadata": True,
            }
            if cursor:
                args["cursor"] = cursor
            if row.thread_ts:
                resp = await self._client.conversations_replies(ts=row.thread_ts, **args)
            else:
                resp = await self._client.conversations_history(**args)
            for message in resp.get("messages") or []:
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("key") == row.idempotency_key and message.get("ts"):
                    return channel, str(message["ts"])
            cursor = ((resp.get("response_metadata") or {}).get("next_cursor")) or None
            if not resp.get("has_more") or not cursor:
                return None
        log.warning("outbox %s: gave up searching %s for it", row.idempotency_key, channel)
        return None


def _classify_api_error(exc: SlackApiError) -> _Outcome:
    response = exc.response
    status = getattr(response, "status_code", 200) if response is not None else 0
    error = str(response.get("error", "")) if response is not None else ""
    error = error or f"http_{status}"
    if status == 429 or error == "ratelimited":
        headers = getattr(response, "headers", None) or {}
        value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            retry_after = max(1.0, float(value)) if value is not None else 1.0
        except ValueError:
            retry_after = 1.0
        return _Outcome(f"ratelimited (Retry-After {retry_after:g}s)", retry_after=retry_after)
    if error in PERMANENT:
        return _Outcome(error, permanent=True)
    # 5xx, internal_error, fatal_error, request_timeout …: Slack may have acted on it.
    return _Outcome(f"{UNCERTAIN}{error} (HTTP {status})", uncertain=True)
