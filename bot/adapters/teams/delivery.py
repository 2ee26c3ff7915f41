"""The Teams transport of the delivery engine: resolve, render, post or update, pace.

What it does with one outbox row (bot.ports.Outgoing of platform "teams"):
- renders it (bot/adapters/teams/render.py: text with `<at>` mentions, or an Adaptive Card);
- a card row whose inquiry already has a Teams card (message_refs: ref "card", platform
  "teams") *updates* that activity in place (PUT); otherwise it is posted to the triage channel
  and its place is handed back (`Delivered.refs`) so every later sync updates it; a row
  marked `in_place` updates its anchor's message likewise (never posts);
- anything else is posted where the recipient resolves to:
  a person → their 1:1 chat (the stored one, or a new one: bot/adapters/teams/addresses.py;
  a person the bot cannot reach fails for good with the reason, listed to admins by
  `inquiry help` like Slack failures); a role → the channel `[channels.teams]` names (the
  first for list roles, or the one it names: a notice goes to each notice channel); an
  object's thread → a reply in the reply chain of the message
  message_refs holds on Teams; a conversation → that conversation (and reply chain).

Delivery guarantee: at most one re-send after an unknown outcome
-----------------------------------------------------------------
Teams has no way to find a bot's message again (no metadata look-up, no history read through
the Bot Connector) and assigns activity ids itself, so after a lost answer (a time-out, a
dropped connection, 500/502/504: bot/adapters/teams/transport.py) nothing can tell whether the
message arrived. Such a row is marked *uncertain* by the engine and re-sent once:
- a row that reaches this transport uncertain and whose send is *again* of unknown outcome
  fails for good ("not sent a third time"): a message reaches its conversation at most twice,
  and only when Teams failed twice mid-request; the failure is listed to admins;
- a certain failure of that re-send (429, 412, 503, a refused connection) keeps the row
  uncertain: nothing more arrived, so its one re-send is still owed;
- a process that died between sending and marking leaves the row to the engine's lease, which
  hands it back uncertain: the same single re-send.
Updates (PUT of the whole card) are idempotent: retried freely, never counted.
A card whose first post had an unknown outcome may therefore exist twice in the channel; the
second is the one message_refs records and every later sync updates.

Pacing
------
Microsoft documents these limits per bot per conversation (1:1 chat, group chat or channel)
for "send to conversation": 7 operations per second, 8 per 2 s, 60 per 30 s, 1800 per hour;
and 30 requests per second per app and tenant. Every request this transport makes to a
conversation (post, reply, update) is counted against them; one that would exceed a window
is not made: the row is given back with `retry_after` (the engine pauses that conversation,
the attempt does not count). On top of this the engine paces new posts to one conversation
(`DeliverySettings.channel_interval`, 1 s). A 429 from Teams nonetheless pauses the
conversation for its Retry-After, and 412/502/504 are retried with the engine's backoff.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlencode

from bot.adapters.teams.addresses import (
    NotReachable,
    Target,
    conversation_target,
    is_channel,
    person_target,
    thread_conversation,
)
from bot.adapters.teams.render import RENDERERS, Rendered
from bot.adapters.teams.transport import TeamsSendError, TeamsTransport
from bot.deps import Deps
from bot.ports import (
    Delivered,
    DeliveryFailed,
    LearnedRef,
    MessageRef,
    Outgoing,
    ToConversation,
    ToPerson,
    ToRole,
    ToThread,
    person_of,
)
from bot.services.home_refresh import HOME
from bot.services.outbox import IN_PLACE
from bot.services.refs import CARD, find_message
from storage.repos.home import get_home_view

log = logging.getLogger("charterbot.outbox")

# (seconds, operations): Microsoft's per bot per conversation limits for sending.
CONVERSATION_LIMITS: tuple[tuple[float, int], ...] = (
    (1.0, 7),
    (2.0, 8),
    (30.0, 60),
    (3600.0, 1800),
)
APP_LIMITS: tuple[tuple[float, int], ...] = ((1.0, 30),)  # per app and tenant
_APP = "*"
DEEP_LINK = "https://teams.microsoft.com/l/message"


class RateWindows:
    """Sliding windows of operations per key: how long until one more fits, and taking it."""

    def __init__(
        self,
        limits: tuple[tuple[float, int], ...],
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self._limits = limits
        self._clock = clock
        self._keep = max(count for _period, count in limits)
        self._horizon = max(period for period, _count in limits)
        self._max_keys = max_keys
        self._events: dict[str, deque[float]] = {}

    def wait(self, key: str) -> float:
        """Seconds until one more operation on `key` stays within every window (0: now)."""
        events = self._events.get(key)
        if not events:
            return 0.0
        now = self._clock()
        wait = 0.0
        for period, count in self._limits:
            recent = [t for t in events if t > now - period]
            if len(recent) >= count:
                # the window admits one more once its oldest surplus operation has left it
                wait = max(wait, recent[len(recent) - count] + period - now)
        return wait

    def take(self, key: str) -> None:
        """Count one operation on `key` now."""
        events = self._events.get(key)
        if events is None:
            if len(self._events) >= self._max_keys:
                self._forget_idle()
            events = self._events[key] = deque(maxlen=self._keep)
        events.append(self._clock())

    def _forget_idle(self) -> None:
        now = self._clock()
        for key in [k for k, e in self._events.items() if not e or e[-1] < now - self._horizon]:
            del self._events[key]
        while len(self._events) >= self._max_keys:  # all busy: the least recent goes
            del self._events[min(self._events, key=lambda k: self._events[k][-1])]


class TeamsDelivery:
    """Delivers outbox rows of platform "teams" through the Bot Connector (see the module doc)."""

    def __init__(
        self,
        deps: Deps,
        http: TeamsTransport,
        *,
        conversation_limits: RateWindows | None = None,
        app_limits: RateWindows | None = None,
    ) -> None:
        self._deps = deps
        self.http = http
        self._conversations = conversation_limits or RateWindows(CONVERSATION_LIMITS)
        self._app = app_limits or RateWindows(APP_LIMITS)

    @property
    def request_timeout(self) -> float:
        """The Bot Connector client's timeout in seconds."""
        return self.http.timeout

    def tune(self, *, timeout: float | None, lookback: float, history_pages: int) -> None:
        """Take the engine's timeout (None: keep the client's); Teams has no look-up to tune."""
        if timeout is not None:
            self.http.timeout = timeout

    async def deliver(self, item: Outgoing) -> Delivered:
        """Post (or update) one row; an uncertain row is re-sent once (see the module doc)."""
        renderer = RENDERERS.get(item.kind)
        if renderer is None:
            raise DeliveryFailed(f"no Teams renderer for {item.kind!r}", permanent=True)
        rendered = await renderer(self._deps, item)
        if rendered is None:  # what it was about is gone: nothing to send
            return Delivered(None)
        if item.kind == HOME:
            return await self._update_home(item, rendered)
        if item.payload.get(IN_PLACE) and rendered.about is not None:
            # a message rewritten where its anchor lives (a notice's first post kept current)
            async with self._deps.reads() as session:
                found = await find_message(session, *rendered.about, rendered.about_ref, "teams")
            if found is None:  # never delivered: nothing to rewrite, never a new post
                return Delivered(None)
            return await self._update(item, found, rendered)
        if item.kind == CARD and rendered.about is not None:
            async with self._deps.reads() as session:
                card = await find_message(session, *rendered.about, CARD, "teams")
            if card is not None:
                return await self._update(item, card, rendered)
        target = await self._target(item)
        return await self._post(item, target, rendered)

    # ------------------------------------------------------------------ sending

    async def _update(self, item: Outgoing, card: MessageRef, rendered: Rendered) -> Delivered:
        target = await self._reach(conversation_target(self._deps.sessions, card.conversation_id))
        self._pace(item, target.conversation_id)
        try:
            await self.http.update(
                target.service_url, target.conversation_id, card.message_id, rendered.activity
            )
        except TeamsSendError as exc:
            raise _failed(
                item, exc, f"card {card.message_id} in {target.conversation_id}"
            ) from None
        return Delivered(card.message_id)

    async def _update_home(self, item: Outgoing, rendered: Rendered) -> Delivered:
        """A person's dashboard card, updated where it was sent (nothing when it is not known:
        a refresh never posts a new card)."""
        person = person_of(item.recipient)
        async with self._deps.reads() as session:
            view = await get_home_view(session, platform="teams", user_id=person or "")
        if view is None or not (view.conversation_id and view.message_id):
            return Delivered(None)
        card = MessageRef("teams", view.conversation_id, view.message_id)
        return await self._update(item, card, rendered)

    async def _post(self, item: Outgoing, target: Target, rendered: Rendered) -> Delivered:
        conversation = target.conversation_id
        self._pace(item, conversation)
        try:
            if target.reply_to_id and is_channel(conversation):
                # a channel's reply chain is its own conversation (`<channel>;messageid=<root>`)
                sent = await self.http.reply(
                    target.service_url,
                    thread_conversation(conversation, target.reply_to_id),
                    target.reply_to_id,
                    rendered.activity,
                )
            elif target.reply_to_id:
                sent = await self.http.reply(
                    target.service_url, conversation, target.reply_to_id, rendered.activity
                )
            else:
                sent = await self.http.send(target.service_url, conversation, rendered.activity)
        except TeamsSendError as exc:
            raise _failed(item, exc, conversation, posted=True) from None
        refs: tuple[LearnedRef, ...] = ()
        if rendered.about is not None and sent.message_id:
            message = MessageRef("teams", conversation, sent.message_id)
            link = deep_link(target, sent.message_id)
            refs = (LearnedRef(*rendered.about, rendered.about_ref, message, permalink=link),)
        elif rendered.about is not None:
            log.warning("outbox %s: Teams returned no id for the card: not updatable", item.key)
        return Delivered(sent.message_id or None, posted=True, refs=refs, conversation=conversation)

    def _pace(self, item: Outgoing, conversation: str) -> None:
        """Count one request to the conversation, or give the row back until it fits."""
        wait = max(self._conversations.wait(conversation), self._app.wait(_APP))
        if wait > 0:
            raise DeliveryFailed(
                f"paced: Teams' limit for one bot in {conversation} (waiting {wait:.2f}s)",
                retry_after=wait,
                uncertain=item.uncertain,  # nothing was sent: an owed re-send stays owed
                conversation=conversation,
            )
        self._conversations.take(conversation)
        self._app.take(_APP)

    # ------------------------------------------------------------------ addressing

    async def _target(self, item: Outgoing) -> Target:
        recipient = item.recipient
        sessions = self._deps.sessions
        if isinstance(recipient, ToPerson):
            user_id = self._deps.config.id_on(recipient.user_id, "teams")
            if not user_id:
                raise DeliveryFailed(f"{recipient.user_id} has no Teams id", permanent=True)
            return await self._reach(
                person_target(
                    sessions,
                    self.http,
                    user_id,
                    now=self._deps.clock.now(),
                    tenant_id=self._deps.env.TEAMS_TENANT_ID,
                ),
                f"person {user_id}",
                uncertain=item.uncertain,
            )
        if isinstance(recipient, ToRole):
            value: str | list[str] = getattr(
                self._deps.config.channels_for("teams"), recipient.role, ""
            )
            channel = value if isinstance(value, str) else next(iter(value), "")
            channel = recipient.channel or channel  # one of a list role's channels, by id
            if not channel:
                raise DeliveryFailed(
                    f"no Teams channel configured for {recipient.role}", permanent=True
                )
            return await self._reach(
                conversation_target(sessions, channel), f"{recipient.role} channel"
            )
        if isinstance(recipient, ToConversation):
            return await self._reach(
                conversation_target(
                    sessions, recipient.conversation_id, reply_to_id=recipient.thread_id or ""
                )
            )
        assert isinstance(recipient, ToThread)
        async with self._deps.reads() as session:
            message = await find_message(
                session, recipient.object_kind, recipient.object_id, recipient.ref, "teams"
            )
        if message is None:
            raise DeliveryFailed(f"no Teams message for {recipient}", permanent=True)
        return await self._reach(
            conversation_target(sessions, message.conversation_id, reply_to_id=message.message_id)
        )

    @staticmethod
    async def _reach(
        finding: Awaitable[Target], what: str = "", *, uncertain: bool = False
    ) -> Target:
        """Await a target look-up: NotReachable fails the row for good, with its reason."""
        try:
            return await finding
        except NotReachable as exc:
            prefix = f"{what}: " if what else ""
            raise DeliveryFailed(
                f"not reachable in Teams: {prefix}{exc.reason}", permanent=True
            ) from None
        except TeamsSendError as exc:  # opening a 1:1 chat failed but may work later
            raise DeliveryFailed(
                f"Teams {exc.reason}", retry_after=exc.retry_after, uncertain=uncertain
            ) from None


def _failed(
    item: Outgoing, exc: TeamsSendError, where: str, *, posted: bool = False
) -> DeliveryFailed:
    """The engine's view of a Bot Connector failure (see the module doc for the re-send rule)."""
    reason = f"Teams {exc.reason} ({where})"
    conversation = where if posted else None
    if exc.retry_after is not None:
        return DeliveryFailed(
            reason,
            retry_after=exc.retry_after,
            uncertain=item.uncertain,
            posted=posted,
            conversation=conversation,
        )
    if exc.permanent:
        return DeliveryFailed(reason, permanent=True, posted=posted, conversation=conversation)
    if exc.uncertain and item.uncertain:
        return DeliveryFailed(
            f"{reason}; the earlier attempt's outcome was unknown too: not sent a third time",
            permanent=True,
            uncertain=True,
            posted=posted,
            conversation=conversation,
        )
    if exc.uncertain:
        return DeliveryFailed(
            reason, uncertain=True, unanswered=True, posted=posted, conversation=conversation
        )
    return DeliveryFailed(
        reason, uncertain=item.uncertain, posted=posted, conversation=conversation
    )


def deep_link(target: Target, message_id: str) -> str | None:
    """The Teams link to a channel message (`/l/message/<channel>/<id>`); None elsewhere."""
    if not is_channel(target.conversation_id):
        return None
    query = {"parentMessageId": message_id}
    if target.tenant_id:
        query = {"tenantId": target.tenant_id, **query}
    channel = quote(target.conversation_id, safe="")
    return f"{DEEP_LINK}/{channel}/{quote(message_id, safe='')}?{urlencode(query)}"
