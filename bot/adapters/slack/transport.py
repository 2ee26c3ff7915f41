"""The Slack transport of the delivery engine: resolve, render, post or update, look up.

Exactly once on Slack
---------------------
Every message this transport posts carries the outbox row's idempotency key in Slack
message metadata (``metadata={"event_type": "charterbot_outbox" | "charterbot_card",
"event_payload": {"key": <outbox key>, ...}}``). Before posting a row the engine marks
*uncertain* (see bot/delivery/engine.py), it reads the conversation
(``conversations.history``, or ``conversations.replies`` for thread replies, with
``include_all_metadata=true``, from the row's ``created_at`` minus ``lookback``) and looks
for a message whose metadata carries the row's key. Found → delivered with that ``ts`` (and a
card's place is handed back to be recorded); not found → it is posted. DMs are addressed by
user id; their history is read from the DM channel that ``conversations.open(users=…)``
returns. Card *updates* (``chat.update``) are idempotent and need no check; so are rows that
rewrite their anchor's message in place (``in_place``: a notice's first post kept current).

Why metadata: ``chat.postMessage`` has no idempotency key of its own, and a message's
``ts`` is only known from the answer that was lost. Metadata travels with the message, is
returned by the history methods, and is invisible to people. The check needs the history
scopes (``channels:history``, ``groups:history``, ``im:history``; in the manifest); when
it fails the row is retried (or failed on a permanent error) — never posted blind.

The delivery client has a 10 s timeout and retries only 429s once (see
``make_delivery_client``); the shared client is not used for posting because it retries
5xx and broken connections by itself, which could post twice.

Recipients: a person → their DM (chat.postMessage to the user id); a role → the channel
configured for it (``[channels]``; the first one for list roles, or the one it names: a
notice goes to each notice channel); an object's thread → the
message message_refs holds for it on Slack; a conversation → that channel (and thread).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.client import make_delivery_client
from bot.adapters.slack.render import RENDERERS, Rendered
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
)
from bot.services.outbox import IN_PLACE
from bot.services.refs import CARD, find_message, permalink_of

log = logging.getLogger("charterbot.outbox")
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


@dataclass
class _Attempt:
    """What one delivery did so far: whether it still has to look for an earlier delivery,
    and whether it tried to post (the recipient's pacing interval then starts)."""

    check: bool
    posted: bool = False
    channel: str | None = None  # where it goes (pacing is per channel)

    def failed(self, error: str, **kwargs: Any) -> DeliveryFailed:
        """The failure, kept uncertain when it came before the look-up finished."""
        uncertain = bool(kwargs.pop("uncertain", False)) or self.check
        return DeliveryFailed(
            error, uncertain=uncertain, posted=self.posted, conversation=self.channel, **kwargs
        )


class SlackTransport:
    """Delivers outbox rows of platform "slack" through the Web API (see the module doc)."""

    def __init__(self, deps: Deps, client: AsyncWebClient) -> None:
        self._deps = deps
        self._shared = client
        self._client = make_delivery_client(client)
        self._lookback = 300.0
        self._history_pages = 20
        self._dm_channels: dict[str, str] = {}

    @property
    def request_timeout(self) -> float:
        """The delivery client's timeout in seconds."""
        return float(self._client.timeout)

    def tune(self, *, timeout: float | None, lookback: float, history_pages: int) -> None:
        """Take the engine's settings (timeout None: the shared client's)."""
        value = self._shared.timeout if timeout is None else timeout
        self._client.timeout = value  # type: ignore[assignment]  # aiohttp takes fractions
        self._lookback = lookback
        self._history_pages = history_pages

    async def deliver(self, item: Outgoing) -> Delivered:
        """Post (or update) one row; look for it first when an earlier attempt may have."""
        attempt = _Attempt(check=item.uncertain)
        try:
            return await self._deliver(item, attempt)
        except SlackApiError as exc:
            raise _classify_api_error(exc, attempt) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryFailed(
                f"network: {exc!r}",
                uncertain=True,
                unanswered=True,
                posted=attempt.posted,
                conversation=attempt.channel,
            ) from None

    async def _deliver(self, item: Outgoing, attempt: _Attempt) -> Delivered:
        renderer = RENDERERS.get(item.kind)
        if renderer is None:
            raise DeliveryFailed(f"no Slack renderer for {item.kind!r}", permanent=True)
        rendered = await renderer(self._deps, item)
        if rendered is None:  # what it was about is gone: nothing to send
            return Delivered(None)
        if rendered.view is not None and isinstance(item.recipient, ToPerson):
            # views.publish replaces the whole Home: idempotent, no look-up needed
            await self._client.views_publish(user_id=item.recipient.user_id, view=rendered.view)
            return Delivered(None)
        if rendered.upload is not None:
            return await self._upload(item, rendered, attempt)
        if item.payload.get(IN_PLACE) and rendered.about is not None:
            # a message rewritten where its anchor lives (chat.update: idempotent, no check)
            async with self._deps.reads() as session:
                found = await find_message(session, *rendered.about, rendered.about_ref, "slack")
            if found is None:  # never delivered: nothing to rewrite, never a new post
                return Delivered(None)
            await self._client.chat_update(
                channel=found.conversation_id,
                ts=found.message_id,
                text=rendered.text,
                blocks=rendered.blocks,  # None: a text message stays one
            )
            return Delivered(found.message_id)
        if item.kind == CARD and rendered.about is not None:
            card = await self._card_of(rendered.about)
            if card is not None:
                # chat.update is idempotent: no check needed even after an unknown outcome.
                await self._client.chat_update(
                    channel=card.conversation_id,
                    ts=card.message_id,
                    text=rendered.text,
                    blocks=rendered.blocks,
                )
                return Delivered(card.message_id, refs=await self._permalink(rendered, card))
        channel, thread = await self._resolve(item)
        attempt.channel = channel
        if attempt.check:
            found = await self._find_sent(item, channel, thread)
            if found is not None:
                log.info("outbox %s was already delivered (%s)", item.key, found.message_id)
                return Delivered(found.message_id, refs=self._learned(rendered, found))
            attempt.check = False
        event_type = "charterbot_card" if item.kind == CARD else "charterbot_outbox"
        kwargs: dict[str, Any] = {"channel": channel, "text": rendered.text}
        if rendered.blocks is not None:
            kwargs["blocks"] = rendered.blocks
        if thread:
            kwargs["thread_ts"] = thread
        attempt.posted = True
        resp = await self._client.chat_postMessage(
            **kwargs,
            metadata={
                "event_type": event_type,
                "event_payload": {"key": item.key, **rendered.metadata},
            },
        )
        ts, posted_in = resp.get("ts"), resp.get("channel")
        if not (ts and posted_in):
            return Delivered(ts, posted=True, conversation=channel)
        message = MessageRef(platform="slack", conversation_id=posted_in, message_id=ts)
        learned = self._learned(rendered, message)
        if learned and not posted_in.startswith("D"):
            # links (nudges, Home, the digest) point at channel posts; a DM (a reviewer's case
            # card) is only ever rewritten in place: no permalink to ask Slack for
            learned = await self._permalink(rendered, message, fetch=True)
        return Delivered(ts, posted=True, refs=learned, conversation=channel)

    async def _upload(self, item: Outgoing, rendered: Rendered, attempt: _Attempt) -> Delivered:
        """Share a file in the row's channel with Slack's external upload: get an upload URL,
        POST the bytes there, complete the upload into the channel with the text as its
        comment. The first two steps are harmless to repeat (an upload never completed is
        never shared); after an unknown outcome of the third, the channel is searched for a
        message carrying a file of the same name before uploading again."""
        assert rendered.upload is not None
        name, data, alt = rendered.upload
        channel, thread = await self._resolve(item)
        attempt.channel = channel
        if attempt.check:
            found = await self._find_sent(item, channel, thread, file_name=name)
            if found is not None:
                log.info("outbox %s was already uploaded (%s)", item.key, found.message_id)
                return Delivered(found.message_id)
            attempt.check = False
        resp = await self._client.files_getUploadURLExternal(
            filename=name, length=len(data), alt_txt=alt[:1000]
        )
        url, file_id = str(resp.get("upload_url") or ""), str(resp.get("file_id") or "")
        if not (url and file_id):
            raise DeliveryFailed("files.getUploadURLExternal gave no upload URL")
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            headers = {"Content-Type": "application/octet-stream"}
            async with http.post(url, data=data, headers=headers) as answer:
                if answer.status != 200:
                    raise DeliveryFailed(f"file upload: HTTP {answer.status}")
        attempt.posted = True
        await self._client.files_completeUploadExternal(
            files=[{"id": file_id, "title": name.rsplit(".", 1)[0]}],
            channel_id=channel,
            initial_comment=rendered.text,
            thread_ts=thread,
        )
        return Delivered(None, posted=True, conversation=channel)

    # ------------------------------------------------------------------ references

    async def _card_of(self, about: tuple[str, int]) -> MessageRef | None:
        async with self._deps.reads() as session:
            return await find_message(session, about[0], about[1], CARD, "slack")

    @staticmethod
    def _learned(rendered: Rendered, message: MessageRef) -> tuple[LearnedRef, ...]:
        if rendered.about is None:
            return ()
        return (LearnedRef(rendered.about[0], rendered.about[1], rendered.about_ref, message),)

    async def _permalink(
        self, rendered: Rendered, card: MessageRef, *, fetch: bool = False
    ) -> tuple[LearnedRef, ...]:
        """The card's workspace permalink, fetched once (when none is stored yet).

        Nudges, `show` and Home link to the card with it. It is a nicety: when Slack does not
        answer, the link is simply fetched again at the card's next update.
        """
        assert rendered.about is not None
        kind, object_id = rendered.about
        if not fetch:
            async with self._deps.reads() as session:
                if await permalink_of(session, kind, object_id, rendered.about_ref, "slack"):
                    return ()
        try:
            resp = await self._shared.chat_getPermalink(
                channel=card.conversation_id, message_ts=card.message_id
            )
        except (SlackApiError, TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning(
                "card permalink of %s/%s not fetched: %r",
                card.conversation_id,
                card.message_id,
                exc,
            )
            return self._learned(rendered, card)
        link = resp.get("permalink")
        link = link if isinstance(link, str) and link else None
        return (LearnedRef(kind, object_id, rendered.about_ref, card, permalink=link),)

    # ------------------------------------------------------------------ addressing

    async def _resolve(self, item: Outgoing) -> tuple[str, str | None]:
        """(channel, thread ts) a row is posted to."""
        recipient = item.recipient
        if isinstance(recipient, ToPerson):
            return recipient.user_id, None
        if isinstance(recipient, ToConversation):
            return recipient.conversation_id, recipient.thread_id
        if isinstance(recipient, ToRole):
            value: str | list[str] = getattr(self._deps.config.channels, recipient.role, "")
            channel = value if isinstance(value, str) else next(iter(value), "")
            channel = recipient.channel or channel  # one of a list role's channels, by id
            if not channel:
                raise DeliveryFailed(
                    f"no Slack channel configured for {recipient.role}", permanent=True
                )
            return channel, None
        assert isinstance(recipient, ToThread)
        async with self._deps.reads() as session:
            message = await find_message(
                session, recipient.object_kind, recipient.object_id, recipient.ref, "slack"
            )
        if message is None:
            raise DeliveryFailed(f"no Slack message for {recipient}", permanent=True)
        return message.conversation_id, message.message_id

    async def _conversation_of(self, channel: str) -> str:
        """The channel id messages to `channel` land in (a user's DM channel for user ids)."""
        if channel[:1] not in ("U", "W"):
            return channel
        dm = self._dm_channels.get(channel)
        if dm is None:
            resp = await self._client.conversations_open(users=channel)
            dm = str((resp.get("channel") or {})["id"])
            self._dm_channels[channel] = dm
        return dm

    async def _find_sent(
        self, item: Outgoing, channel: str, thread: str | None, *, file_name: str = ""
    ) -> MessageRef | None:
        """The message already carrying the row's key (or, given `file_name`, a file of that
        name: a file share carries no metadata), or None."""
        conversation = await self._conversation_of(channel)
        oldest = f"{(item.created_at - timedelta(seconds=self._lookback)).timestamp():.6f}"
        cursor: str | None = None
        for _page in range(self._history_pages):
            args: dict[str, Any] = {
                "channel": conversation,
                "oldest": oldest,
                "inclusive": True,
                "limit": 200,
                "include_all_metadata": True,
            }
            if cursor:
                args["cursor"] = cursor
            if thread:
                resp = await self._client.conversations_replies(ts=thread, **args)
            else:
                resp = await self._client.conversations_history(**args)
            for message in resp.get("messages") or []:
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                files = [f.get("name") for f in message.get("files") or [] if isinstance(f, dict)]
                mine = file_name in files if file_name else payload.get("key") == item.key
                if mine and message.get("ts"):
                    return MessageRef("slack", conversation, str(message["ts"]))
            cursor = ((resp.get("response_metadata") or {}).get("next_cursor")) or None
            if not resp.get("has_more") or not cursor:
                return None
        log.warning("outbox %s: gave up searching %s for it", item.key, conversation)
        return None


def _classify_api_error(exc: SlackApiError, attempt: _Attempt) -> DeliveryFailed:
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
        return attempt.failed(
            f"ratelimited (Retry-After {retry_after:g}s)", retry_after=retry_after
        )
    if error in PERMANENT:
        return attempt.failed(error, permanent=True)
    # 5xx, internal_error, fatal_error, request_timeout …: Slack may have acted on it.
    return attempt.failed(f"{error} (HTTP {status})", uncertain=True)
