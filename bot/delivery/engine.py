"""Deliver outbox rows through each platform's transport: claim, send, mark; retry; never twice.

How a notification is sent exactly once
---------------------------------------
A row is claimed (``pending`` → ``sending``, attempts + 1) before its transport is asked to
deliver it and marked ``sent`` with the platform's message id after. Every message a
transport posts carries the row's idempotency key (Slack: message metadata, see
bot/adapters/slack/transport.py), so a message that was delivered can be found again.
Whenever the outcome of an earlier attempt is unknown the row is *uncertain*
(``last_error`` starts with ``uncertain:``):

* the request timed out, the connection broke, or the platform answered 5xx (the message
  may have been posted anyway);
* the process died between sending and marking: the row stays ``sending``; while the engine
  works on a row it renews the row's lease (``available_at``) every ``lease / 3`` seconds,
  so a row whose lease is older than ``lease`` belongs to nobody and is given back as
  pending + uncertain (any worker may do this; the update is conditional).

An uncertain row reaches its transport with ``Outgoing.uncertain``: the transport looks for a
message carrying the key (from the row's ``created_at`` minus ``lookback``) before it sends.
Found → it answers ``Delivered`` with that message (the row is marked ``sent``, a card's
place is recorded); not found → it sends. Updates of a message in place are idempotent and
need no look-up. When the look-up itself fails the row stays uncertain and is retried (or
failed on a permanent error) — never sent blind.

The look-up only sees a message the platform has finished storing, so it runs late enough: a
retry after an unanswered request waits at least the transport's request timeout, and a
lease (60 s) is far longer than a request.

Other rules
-----------
* Retry-After (429): the recipient is paused for that long and the row waits as long; it
  does not count towards ``max_attempts`` (the platform said "later", not "no").
* Permanent errors and ``max_attempts`` failed attempts → ``failed`` with ``last_error``,
  logged at ERROR, listed by ``list_failed_outbox``.
* Pacing: at most one new message per conversation per ``channel_interval`` seconds,
  measured in real time from the previous answer. A transport reports the conversation a
  row went to (``Delivered.conversation``); until one is known a recipient is paced on its
  own. A hot conversation's rows stay pending (untouched) and the round goes on with the
  others.
* Order: a row is only picked when no older row for the same recipient is pending or
  sending (see ``list_due_outbox``), so a retried row holds back the recipient's later rows.
* Waiting for another row: a row whose payload names ``after_row`` (another row's idempotency
  key, bot.services.outbox.AFTER) is not picked while that row is pending or sending; it
  stays pending (no attempt counted) and holds back its recipient's later rows. A reply
  queued before the message it threads under was delivered waits so for the message's
  place to be learned (the transport then finds it). Once that row is sent, failed or gone,
  the row goes ahead as any other.
* Learned references (a card posted, its permalink) are handed to bot.services.refs in the
  transaction that marks the row.
* Rows of a platform without a transport here stay pending (another worker, or a later
  configuration, delivers them).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.aio import cancel_and_wait
from bot.deps import Deps
from bot.ports import Delivered, DeliveryFailed, Outgoing, Transport, decode_recipient
from bot.services.home_refresh import HOME, refresh_for_admins
from bot.services.outbox import after_of
from bot.services.refs import remember_message, remember_permalink
from storage.models import OutboxMessage
from storage.repos.outbox import (
    claim_outbox_message,
    fail_outbox_message,
    list_due_outbox,
    list_unsent_keys,
    mark_outbox_sent,
    release_stale_outbox,
    renew_outbox_lease,
    renew_outbox_leases,
    reschedule_outbox_message,
)

log = logging.getLogger("charterbot.outbox")
MAX_ATTEMPTS = 8
UNCERTAIN = "uncertain: "
Row = tuple[str, str]  # (platform, encoded recipient): what the outbox queues by
Pace = tuple[str, str, str]  # (platform, "conversation" | "recipient", id): what is paced
MAX_LEARNED = 10_000  # recipient -> conversation pairs remembered for pacing


@dataclass(frozen=True)
class DeliverySettings:
    """Tunables of the engine and its transports (all durations in seconds)."""

    max_attempts: int = MAX_ATTEMPTS  # failed attempts before a row is given up
    backoff_base: float = 2.0  # retry n waits backoff_base * 2**(n-1) ...
    backoff_max: float = 300.0  # ... capped here
    lease: float = 60.0  # a 'sending' row not renewed for this long is re-examined
    # Pacing: min time between two posts to one recipient (Slack allows about 1 message per
    # second per channel). Faster only against a Web API that allows it (the test harness).
    channel_interval: float = 1.0
    batch: int = 50  # rows claimed per round
    timeout: float | None = None  # per platform request; None: the transport's default
    lookback: float = 300.0  # a look-up starts this long before the row was queued
    history_pages: int = 20  # pages of messages a look-up reads at most
    idle: float = 1.0  # poll interval when nothing is due


class DeliveryEngine:
    """Claims due outbox rows and hands each to its platform's transport (see the module doc)."""

    def __init__(
        self,
        deps: Deps,
        transports: Mapping[str, Transport],
        settings: DeliverySettings | None = None,
    ) -> None:
        self._deps = deps
        self._transports = dict(transports)
        self._last_post: dict[Pace, float] = {}  # monotonic time each may be posted to again
        # The conversation each recipient was last delivered to (transports report it): two
        # recipients in one conversation (two threads of one channel) share its pacing.
        self._conversation_of: dict[Row, str] = {}
        self._inflight: set[int] = set()
        self._wake_at: float | None = None
        self._next_release = 0.0  # monotonic time of the next look for expired leases
        self.settings = settings or DeliverySettings()

    @property
    def settings(self) -> DeliverySettings:
        """The current tunables."""
        return self._settings

    @settings.setter
    def settings(self, value: DeliverySettings) -> None:
        self._settings = value
        self._next_release = 0.0
        for transport in self._transports.values():
            transport.tune(
                timeout=value.timeout, lookback=value.lookback, history_pages=value.history_pages
            )

    # ------------------------------------------------------------------ loop

    async def run_forever(self, idle: float | None = None) -> None:
        """Deliver until cancelled; sleeps until kicked, a recipient cools down or `idle` passes."""
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

    def _pace(self, row: Row) -> Pace:
        conversation = self._conversation_of.get(row)
        if conversation is None:
            return (row[0], "recipient", row[1])
        return (row[0], "conversation", conversation)

    def _hot(self) -> tuple[set[Pace], set[Row]]:
        """Conversations posted to less than `channel_interval` ago (or paused by a 429), and
        the recipients known to be in them (left out of the round)."""
        now = time.monotonic()
        hot = {r for r, until in self._last_post.items() if until > now}
        for pace in [r for r in self._last_post if r not in hot]:
            del self._last_post[pace]
        if not hot:
            return hot, set()
        self._wake(min(self._last_post[r] for r in hot) - now)
        rows = {(p, r) for p, kind, r in hot if kind == "recipient"}
        rows |= {row for row in self._conversation_of if self._pace(row) in hot}
        return hot, rows

    def _pause(self, row: OutboxMessage, seconds: float, conversation: str | None = None) -> None:
        key: Row = (row.platform, row.recipient)
        if conversation:
            self._conversation_of.pop(key, None)  # the newest last: the oldest is evicted
            self._conversation_of[key] = conversation
            if len(self._conversation_of) > MAX_LEARNED:
                del self._conversation_of[next(iter(self._conversation_of))]
        pace = self._pace(key)
        until = time.monotonic() + seconds
        self._last_post[pace] = max(self._last_post.get(pace, 0.0), until)

    async def deliver_due(self, limit: int | None = None) -> int:
        """Deliver one batch of due rows; return how many were handled."""
        deps = self._deps
        settings = self._settings
        if self._wake_at is not None and self._wake_at <= time.monotonic():
            # This round serves the wake-up. Left set, it would stay in the past and make
            # every later sleep 10 ms: the engine would poll the database 100 times a second
            # until the next post (on the event loop it shares with the app, or the sandbox).
            self._wake_at = None
        now = deps.clock.now()
        await self._release_stale(now)
        hot, hot_rows = self._hot()
        claimed: list[OutboxMessage] = []
        async with deps.sessions.begin() as session:
            rows = await list_due_outbox(
                session,
                now=now,
                limit=limit or settings.batch,
                platforms=self._transports,
                exclude_recipients={recipient for _platform, recipient in hot_rows},
            )
            waiting = await _waiting(session, rows)
            taken: set[Pace] = set()  # one row per conversation and round: they are paced
            for row in rows:
                assert row.id is not None
                pace = self._pace((row.platform, row.recipient))
                if pace in hot or pace in taken or row.id in waiting:
                    continue
                if await claim_outbox_message(session, message_id=row.id, now=now):
                    claimed.append(row)
                    taken.add(pace)
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
        """On shutdown, give claimed rows that were not tried yet back at once (no lease wait).

        Bounded by the send timeout: this runs while the task is being cancelled, and a
        database that went away (disposed at shutdown) must not keep the stop waiting."""
        try:
            async with (
                asyncio.timeout(self._settings.timeout),
                self._deps.sessions.begin() as session,
            ):
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

    async def _release_stale(self, now: datetime) -> None:
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

    async def _heartbeat(self) -> None:
        """Renew the lease of every row this engine holds, every lease/3 seconds."""
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
            delivered = await self._transports[row.platform].deliver(_outgoing(row))
        except DeliveryFailed as failed:
            if failed.posted:
                self._pause(row, self._settings.channel_interval, failed.conversation)
            await self._not_sent(row, failed)
            return
        except Exception as exc:  # whatever went wrong, the row is retried
            log.exception("outbox %s: delivery raised", row.idempotency_key)
            await self._not_sent(row, DeliveryFailed(repr(exc), uncertain=True))
            return
        if delivered.posted:
            self._pause(row, self._settings.channel_interval, delivered.conversation)
        await self._mark_sent(row, delivered)

    async def _mark_sent(self, row: OutboxMessage, delivered: Delivered) -> None:
        deps = self._deps
        assert row.id is not None
        now = deps.clock.now()
        async with deps.sessions.begin() as session:
            await mark_outbox_sent(session, message_id=row.id, now=now, ts=delivered.message_id)
            for learned in delivered.refs:
                await remember_message(
                    session,
                    object_kind=learned.object_kind,
                    object_id=learned.object_id,
                    ref=learned.ref,
                    message=learned.message,
                    now=now,
                )
                if learned.permalink:
                    await remember_permalink(
                        session,
                        object_kind=learned.object_kind,
                        object_id=learned.object_id,
                        ref=learned.ref,
                        platform=learned.message.platform,
                        link=learned.permalink,
                    )

    async def _not_sent(self, row: OutboxMessage, failed: DeliveryFailed) -> None:
        deps = self._deps
        settings = self._settings
        assert row.id is not None
        attempts = row.attempts + 1  # the claim counted this attempt
        error = failed.error
        if failed.uncertain and not error.startswith(UNCERTAIN):
            error = UNCERTAIN + error
        if failed.retry_after is not None:
            self._pause(row, failed.retry_after, failed.conversation)
            async with deps.sessions.begin() as session:
                await reschedule_outbox_message(
                    session,
                    message_id=row.id,
                    available_at=deps.clock.now() + timedelta(seconds=failed.retry_after),
                    error=error,
                    count_attempt=False,
                    claim=attempts,
                )
            self._wake(failed.retry_after)
            log.warning(
                "outbox %s rate limited; retry in %ss", row.idempotency_key, failed.retry_after
            )
            return
        if failed.permanent or attempts >= settings.max_attempts:
            async with deps.sessions.begin() as session:
                await fail_outbox_message(session, message_id=row.id, error=error, claim=attempts)
                if row.kind != HOME:  # a dashboard's own failure does not re-publish them
                    await refresh_for_admins(session, deps)
            log.error(
                "outbox %s to %s failed for good after %d attempt(s): %s",
                row.idempotency_key,
                row.recipient,
                attempts,
                error,
            )
            return
        delay = min(settings.backoff_base * 2 ** (attempts - 1), settings.backoff_max)
        if failed.unanswered:
            # Look only after a request the platform may still be processing has surely landed.
            delay = max(delay, self._transports[row.platform].request_timeout)
        async with deps.sessions.begin() as session:
            await reschedule_outbox_message(
                session,
                message_id=row.id,
                available_at=deps.clock.now() + timedelta(seconds=delay),
                error=error,
                claim=attempts,
            )
        self._wake(delay)
        log.warning("outbox %s retry in %.1fs: %s", row.idempotency_key, delay, error)


async def _waiting(session: AsyncSession, rows: list[OutboxMessage]) -> set[int]:
    """The rows (by id) that wait for another row still pending or sending (see `after_of`)."""
    after = {row.id: key for row in rows if row.id is not None and (key := after_of(row.payload))}
    unsent = await list_unsent_keys(session, keys=set(after.values()))
    return {row_id for row_id, key in after.items() if key in unsent}


def _outgoing(row: OutboxMessage) -> Outgoing:
    """The transport's view of a claimed row (an unreadable recipient fails for good)."""
    try:
        recipient = decode_recipient(row.recipient)
    except ValueError as exc:
        raise DeliveryFailed(str(exc), permanent=True) from None
    return Outgoing(
        key=row.idempotency_key,
        kind=row.kind,
        platform=row.platform,  # type: ignore[arg-type]  # rows are written with a Platform
        recipient=recipient,
        payload=json.loads(row.payload),
        created_at=row.created_at,
        uncertain=row.last_error.startswith(UNCERTAIN),
    )
