"""What the application needs from a chat platform (Slack now, Teams later)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum, auto
from typing import Any, Literal, Protocol, get_args

from bot.domain.text import is_entra_id
from bot.i18n import Lang


class ActionVerb(StrEnum):
    """What a person does to an object from a button or a form, on any platform.

    Slack action and callback ids (bot/adapters/slack/ids.py) and Teams `Action.Execute` verbs
    map onto these; bot.services.inquiry_actions.perform executes them. The values are
    `inquiry.<member in lower case>` (`inquiry.assign_me`, `inquiry.set_eta`, …), generated:
    they are verbs, not catalogue keys (tests/test_i18n.py reads key-like literals as keys).
    """

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> str:
        return f"inquiry.{name.lower()}"

    CREATE = auto()  # the new-inquiry (or "report this") form, submitted
    ASSIGN_ME = auto()
    SET_ETA = auto()  # without a moment: ask for one (open the ETA form)
    PROGRESS = auto()  # without a note: ask for one; likewise resolve and reopen
    RESOLVE = auto()
    REOPEN = auto()
    SNOOZE = auto()  # a nudge's obligations, postponed by some minutes
    TRANSFER = auto()  # without a colleague: ask for one (open the transfer form)


@dataclass(frozen=True)
class UserInfo:
    """Facts about a chat user that change how the bot talks to them."""

    user_id: str
    locale: str
    name: str
    is_bot: bool
    tz: str = ""  # IANA time zone ("" when unknown)


class Directory(Protocol):
    """Looks people up on one chat platform (Slack: users.info; Teams: its roster).

    `bot.services.people.Languages` holds one per platform and asks the one of the id's
    platform (`platform_of_user`).
    """

    async def user_info(self, user_id: str) -> UserInfo | None: ...


@dataclass(frozen=True)
class PresenceStatus:
    """What a platform says of a person's presence: set away by themselves (not merely idle),
    and the emoji of their status ("" when none)."""

    away: bool
    emoji: str = ""


class Presence(Protocol):
    """Reads presence and status where the platform exposes them (Slack: users.getPresence,
    users.profile.get); None when unknown. Absence (`/away`) works without it."""

    async def status_of(self, user_id: str) -> PresenceStatus | None: ...


class Kicker(Protocol):
    """Wakes the delivery loop after a transaction wrote to the outbox."""

    def kick(self) -> None: ...


@dataclass(frozen=True)
class Reader:
    """How to write for one person: language (known from their locale or not) and time zone."""

    lang: Lang
    known: bool  # False: no locale known, `lang` is the configured default
    tz: str  # IANA zone from their profile, "" when unknown
    name: str = ""  # display name from their profile, "" when unknown


class LanguageLookup(Protocol):
    """Who a person is to the bot: language, time zone, name (bot.services.people.Languages)."""

    async def language_of(self, user_id: str) -> Lang: ...

    async def reader_of(self, user_id: str) -> Reader: ...

    async def name_of(self, user_id: str) -> str: ...


# --------------------------------------------------------------------------- the platform seam
# What crosses between the services and the platform adapters (Slack now, Teams next).
# Services say what and to whom with these types; adapters decide how.

Platform = Literal["slack", "teams"]
PLATFORMS: tuple[Platform, ...] = ("slack", "teams")

# Channel roles an operator configures per platform ([channels] for Slack, [channels.teams]).
ChannelRole = Literal["triage", "intake", "reception", "notices", "reports"]


@dataclass(frozen=True)
class ToPerson:
    """A person, by their id on one platform (Slack `U…`/`W…`, Teams `29:…`): a DM."""

    user_id: str


@dataclass(frozen=True)
class ToRole:
    """The channel configured for a role on the row's platform (triage, reception, …).

    `channel`: one of the role's channels by its id, for roles with several (notices are
    posted to each); empty: the role's channel (the first, for a list role).
    """

    role: ChannelRole
    channel: str = ""


@dataclass(frozen=True)
class ToThread:
    """The thread (reply chain) of an object's message on the row's platform.

    `ref` names the message: "source" (the message an inquiry was opened from) or "card".
    """

    object_kind: str  # "inquiry", later "visit", "callback", …
    object_id: int
    ref: str = "source"


Recipient = ToPerson | ToRole | ToThread


@dataclass(frozen=True)
class MessageRef:
    """Where a message lives on one platform: conversation (channel, chat) and message id."""

    platform: Platform
    conversation_id: str
    message_id: str


@dataclass(frozen=True)
class ToConversation:
    """Adapter-level address: one conversation (and thread) by its platform ids.

    Services never build one (they say ToPerson / ToRole / ToThread). It exists for outbox
    rows queued before the seam (migration 0006: a Slack channel id whose role cannot be
    known in a migration) and for delivery tests that post to a raw channel.
    """

    conversation_id: str
    thread_id: str | None = None


# What an outbox row may be addressed to: the neutral recipients plus the adapter-level form.
Address = Recipient | ToConversation

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


def platform_of_user(user_id: str) -> Platform | None:
    """The platform a person's id belongs to, from its format; None when it is no person id.

    Slack user ids are `U…`/`W…` (upper-case letters and digits); Teams user ids carry a
    colon (`29:1abc…`, `8:orgid:…`) or are AAD object ids (a GUID).
    """
    if _SLACK_USER.match(user_id):
        return "slack"
    if ":" in user_id or is_entra_id(user_id):
        return "teams"
    return None


def encode_recipient(recipient: Address) -> str:
    """The outbox `recipient` column of an address (see decode_recipient).

    `person:<user id>`, `role:<role>[:<channel id>]`, `thread:<object kind>:<object id>:<ref>`,
    `conversation:<conversation id>[ <thread id>]` (platform ids never contain a space).
    """
    match recipient:
        case ToPerson(user_id):
            return f"person:{user_id}"
        case ToRole(role, channel):
            return f"role:{role}:{channel}" if channel else f"role:{role}"
        case ToThread(kind, object_id, ref):
            return f"thread:{kind}:{object_id}:{ref}"
        case ToConversation(conversation, thread):
            return f"conversation:{conversation}" + (f" {thread}" if thread else "")
    raise TypeError(f"not a recipient: {recipient!r}")


_ROLES: frozenset[str] = frozenset(get_args(ChannelRole))


def decode_recipient(value: str) -> Address:
    """The address an outbox row's `recipient` column holds; ValueError when unreadable."""
    form, _, rest = value.partition(":")
    if form == "person" and rest:
        return ToPerson(rest)
    role, colon, channel = rest.partition(":")  # a role has no colon; a Teams channel id may
    if form == "role" and role in _ROLES and (channel or not colon):
        return ToRole(role, channel)  # type: ignore[arg-type]  # checked against ChannelRole above
    if form == "thread":
        kind, _, tail = rest.partition(":")
        number, _, ref = tail.partition(":")
        if kind and number.isdigit() and ref:
            return ToThread(kind, int(number), ref)
    if form == "conversation" and rest:
        conversation, _, thread = rest.partition(" ")
        return ToConversation(conversation, thread or None)
    raise ValueError(f"unreadable outbox recipient {value!r}")


def person_of(recipient: Address) -> str | None:
    """The user id of a ToPerson, else None (channels, threads and conversations)."""
    return recipient.user_id if isinstance(recipient, ToPerson) else None


# --------------------------------------------------------------------------- delivery
# The delivery engine (bot/delivery) claims outbox rows and hands each to the transport of the
# row's platform; the transport renders, sends and says what happened. See bot.delivery.engine.


@dataclass(frozen=True)
class Outgoing:
    """One claimed outbox row, as a transport sees it."""

    key: str  # the idempotency key: carry it with the message so a look-up can find it
    kind: str  # message | card | nudge: picks the platform's renderer
    platform: Platform
    recipient: Address
    payload: dict[str, Any]
    created_at: datetime
    # An earlier attempt may have delivered it (no answer, a crash): the transport looks for
    # a message carrying `key` before sending again, and reports it as delivered when found.
    uncertain: bool = False


@dataclass(frozen=True)
class LearnedRef:
    """A message reference a transport learned while delivering (a card it posted)."""

    object_kind: str
    object_id: int
    ref: str  # "card", …
    message: MessageRef
    permalink: str | None = None  # when known; stored once (it never changes)


@dataclass(frozen=True)
class Delivered:
    """A row is done: its message id (None when nothing had to be sent) and what was learned."""

    message_id: str | None
    # A new message was posted to the recipient: its pacing interval starts now.
    posted: bool = False
    refs: tuple[LearnedRef, ...] = ()
    # The platform conversation it went to (a channel, a DM): pacing is per conversation.
    conversation: str | None = None


class DeliveryFailed(Exception):
    """An attempt that did not deliver, and how the engine should treat it."""

    def __init__(
        self,
        error: str,
        *,
        permanent: bool = False,
        uncertain: bool = False,
        retry_after: float | None = None,
        unanswered: bool = False,
        posted: bool = False,
        conversation: str | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent  # no retry can fix it: the row fails for good
        self.uncertain = uncertain  # it may have been delivered: look before the next try
        self.retry_after = retry_after  # the platform said "later" (429): pause, no attempt
        self.unanswered = unanswered  # no answer: the platform may still act on the request
        self.posted = posted  # a post was tried: the recipient's pacing interval starts
        self.conversation = conversation  # where it was tried (see Delivered.conversation)


class Transport(Protocol):
    """Delivers outbox rows on one platform (bot/adapters/<platform>/transport.py)."""

    @property
    def request_timeout(self) -> float:
        """Seconds one request may take: an unanswered row is retried no sooner."""
        ...

    def tune(self, *, timeout: float | None, lookback: float, history_pages: int) -> None:
        """Apply the engine's settings (request timeout; how far back a look-up searches)."""
        ...

    async def deliver(self, item: Outgoing) -> Delivered:
        """Render and send one row (look it up first when uncertain); raise DeliveryFailed."""
        ...
