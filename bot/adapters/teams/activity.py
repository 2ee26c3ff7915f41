"""Inbound Teams activities as neutral facts (pure: plain dicts in, dataclasses out).

Works on the decoded JSON rather than the SDK's `Activity` so a table of raw activities tests
it, and so any shape of body gives facts or None, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Teams sends a channel reply's conversation as `19:…@thread.tacv2;messageid=<root id>`.
_THREAD = re.compile(r";messageid=(\d+)$")
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class ConversationRef:
    """What a proactive message to a conversation needs (stored per conversation)."""

    conversation_id: str  # without `;messageid=…`
    kind: str  # personal | channel | groupChat
    service_url: str
    tenant_id: str
    bot_id: str
    bot_name: str = ""
    user_id: str = ""  # personal chats: the person (`29:…`)
    user_name: str = ""
    aad_object_id: str = ""
    team_id: str = ""
    channel_id: str = ""  # Teams channel id (`19:…@thread.tacv2`) for channel conversations
    locale: str = ""

    def reference(self) -> dict[str, Any]:
        """The Bot Framework ConversationReference (JSON) of this conversation."""
        ref: dict[str, Any] = {
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "conversation": {
                "id": self.conversation_id,
                "conversationType": self.kind,
                "tenantId": self.tenant_id,
            },
            "bot": {"id": self.bot_id, "name": self.bot_name},
        }
        if self.user_id:
            ref["user"] = {
                "id": self.user_id,
                "name": self.user_name,
                "aadObjectId": self.aad_object_id,
            }
        if self.locale:
            ref["locale"] = self.locale
        return ref


@dataclass(frozen=True)
class Inbound:
    """One inbound activity, as the rest of the bot cares about it."""

    type: str  # message | conversationUpdate | installationUpdate | invoke | messageUpdate …
    activity_id: str
    conversation_id: str  # without `;messageid=…`
    conversation_kind: str  # personal | channel | groupChat
    thread_id: str  # the reply chain's root message id ("" outside a channel thread)
    reply_to_id: str
    author_id: str
    author_name: str
    author_aad: str
    tenant_id: str
    locale: str
    text: str  # the bot's own @mention removed, spaces collapsed
    is_bot: bool
    is_edit: bool
    is_system: bool
    name: str = ""  # invoke name (`adaptiveCard/action`)
    action: str = ""  # installationUpdate: add | remove | add-upgrade | remove-upgrade
    value: dict[str, Any] = field(default_factory=dict)
    conversation: ConversationRef | None = None
    platform: str = "teams"
    # the bot was @mentioned (a channel message is for the bot only then)
    mentions_bot: bool = False
    # other people's mentions in `text`: (the `<at>…</at>` tag as written, their id, name)
    mentions: tuple[tuple[str, str, str], ...] = ()
    timezone: str = ""  # the sender's IANA time zone, as the client tells it ("" unknown)

    @property
    def is_command(self) -> bool:
        """A person's new message with text: something the bot may answer."""
        return (
            self.type == "message"
            and not (self.is_bot or self.is_edit or self.is_system)
            and bool(self.text)
        )


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def strip_mentions(text: str, entities: Any, bot_id: str) -> str:
    """Remove the bot's own `<at>…</at>` mentions (other people's stay, as written)."""
    for entity in entities if isinstance(entities, list) else []:
        entity = _obj(entity)
        if entity.get("type") != "mention":
            continue
        mentioned = _obj(entity.get("mentioned"))
        tag = _str(entity.get("text"))
        if tag and bot_id and _str(mentioned.get("id")) == bot_id:
            text = text.replace(tag, " ")
    return _SPACES.sub(" ", text).strip()


def mentions_of(entities: Any, bot_id: str) -> tuple[bool, tuple[tuple[str, str, str], ...]]:
    """Whether the bot is mentioned, and everyone else's mentions (tag, id, name)."""
    bot = False
    others: list[tuple[str, str, str]] = []
    for entity in entities if isinstance(entities, list) else []:
        entity = _obj(entity)
        if entity.get("type") != "mention":
            continue
        mentioned = _obj(entity.get("mentioned"))
        who, tag = _str(mentioned.get("id")), _str(entity.get("text"))
        if bot_id and who == bot_id:
            bot = True
        elif who and tag and (tag, who, _str(mentioned.get("name"))) not in others:
            others.append((tag, who, _str(mentioned.get("name"))))
    return bot, tuple(others)


def timezone_of(body: dict[str, Any]) -> str:
    """The sender's time zone as the activity tells it ("" when it does not): the `timezone`
    of a `clientInfo` entity (Teams clients send one with every message), else the activity's
    `localTimezone`; an IANA name, not checked here (see handlers.teams.common)."""
    entities = body.get("entities")
    for entity in entities if isinstance(entities, list) else []:
        entity = _obj(entity)
        if entity.get("type") == "clientInfo" and _str(entity.get("timezone")):
            return _str(entity.get("timezone"))
    return _str(body.get("localTimezone"))


def parse_activity(body: Any) -> Inbound | None:
    """Facts of one activity; None when it has no type or conversation (not an activity)."""
    body = _obj(body)
    kind = _str(body.get("type"))
    conversation = _obj(body.get("conversation"))
    raw_conversation_id = _str(conversation.get("id"))
    if not kind or not raw_conversation_id:
        return None
    author = _obj(body.get("from"))
    recipient = _obj(body.get("recipient"))
    channel_data = _obj(body.get("channelData"))
    bot_id = _str(recipient.get("id"))
    thread = _THREAD.search(raw_conversation_id)
    conversation_id = raw_conversation_id[: thread.start()] if thread else raw_conversation_id
    conversation_kind = _str(conversation.get("conversationType")) or "personal"
    tenant_id = _str(conversation.get("tenantId")) or _str(
        _obj(channel_data.get("tenant")).get("id")
    )
    author_id = _str(author.get("id"))
    event_type = _str(channel_data.get("eventType"))
    is_bot = (
        _str(author.get("role")) == "bot"
        or author_id.startswith("28:")
        or (bool(bot_id) and author_id == bot_id)
    )
    is_edit = kind == "messageUpdate" or event_type in ("editMessage", "undeleteMessage")
    is_system = kind not in ("message", "invoke", "messageUpdate")
    text = strip_mentions(_str(body.get("text")), body.get("entities"), bot_id)
    mentions_bot, mentions = mentions_of(body.get("entities"), bot_id)
    locale = _str(body.get("locale"))
    team = _obj(channel_data.get("team"))
    channel = _obj(channel_data.get("channel"))
    ref = ConversationRef(
        conversation_id=conversation_id,
        kind=conversation_kind,
        service_url=_str(body.get("serviceUrl")),
        tenant_id=tenant_id,
        bot_id=bot_id,
        bot_name=_str(recipient.get("name")),
        user_id=author_id if conversation_kind == "personal" and not is_bot else "",
        user_name=_str(author.get("name")) if conversation_kind == "personal" else "",
        aad_object_id=_str(author.get("aadObjectId")) if conversation_kind == "personal" else "",
        team_id=_str(team.get("id")),
        channel_id=_str(channel.get("id")) or (conversation_id if team else ""),
        locale=locale,
    )
    activity_id = _str(body.get("id"))
    return Inbound(
        type=kind,
        activity_id=activity_id,
        conversation_id=conversation_id,
        conversation_kind=conversation_kind,
        thread_id=thread.group(1) if thread else "",
        reply_to_id=_str(body.get("replyToId")),
        author_id=author_id,
        author_name=_str(author.get("name")),
        author_aad=_str(author.get("aadObjectId")),
        tenant_id=tenant_id,
        locale=locale,
        text=text,
        is_bot=is_bot,
        is_edit=is_edit,
        is_system=is_system,
        name=_str(body.get("name")),
        action=_str(body.get("action")),
        value=_obj(body.get("value")),
        conversation=ref if ref.service_url and bot_id else None,
        mentions_bot=mentions_bot,
        mentions=mentions,
        timezone=timezone_of(body),
    )
