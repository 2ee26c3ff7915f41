"""What the application needs from a chat platform (Slack now, Teams later)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.i18n import Lang


@dataclass(frozen=True)
class UserInfo:
    """Facts about a chat user that change how the bot talks to them."""

    user_id: str
    locale: str
    name: str
    is_bot: bool
    tz: str = ""  # IANA time zone ("" when unknown)


class Directory(Protocol):
    """Looks people up on the chat platform."""

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
