"""What the application needs from a chat platform (Slack now, Teams later)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum, auto
from typing import Any, Literal, Protocol

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
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


def platform_of_user(user_id: str) -> Platform:
    """The platform a user id belongs to: Slack's are `U…`/`W…`, anything else is Teams'."""
    return "slack" if SLACK_USER_ID.match(user_id) else "teams"


# Channel roles an operator configures per platform ([channels] for Slack, [channels.teams]).
ChannelRole = Literal["triage", "intake", "reception", "notices", "reports"]


@dataclass(frozen=True)
class ToPerson:
    """A person, by their id on one platform (Slack `U…`/`W…`, Teams `29:…`): a DM."""

    user_id: str


@dataclass(frozen=True)
class ToRole:
    """The channel(s) configured for a role on the row's platform (triage, reception, …)."""

    role: ChannelRole


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
