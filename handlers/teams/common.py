"""What every Teams use case needs: who the person is, their language, names for mentions,
and sending the answer (a reply, or an invoke's response)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.deps import Deps
from bot.domain.text import is_teams_user_id
from bot.i18n import LANGS, Lang, lang_of_locale
from bot.ports import platform_of_user
from bot.services.people import Languages
from storage.models import UserProfile
from storage.repos.people import add_profile, get_person_language, get_profile

MAX_ZONE = 64  # user_profiles.tz


def teams_user_id(deps: Deps, inbound: Inbound) -> str:
    """The id the bot knows this person by: the one config names them by (their Teams user id
    `29:…` or their Entra object id), else their Teams user id, else the object id."""
    candidates = [i for i in (inbound.author_id, inbound.author_aad) if i]
    for user_id in candidates:
        if deps.config.person_of(user_id) is not None or user_id in deps.config.staff:
            return user_id
    for user_id in candidates:
        if is_teams_user_id(user_id):
            return user_id
    return inbound.author_id


async def language_of(deps: Deps, inbound: Inbound) -> Lang:
    """The writer's language: their own choice (`charter language`), else the activity's
    locale (`ko-KR` → Korean); a configured `lang`, then the company's language, when the
    activity names none."""
    async with deps.reads() as session:
        chosen = await get_person_language(session, user_id=teams_user_id(deps, inbound))
    if chosen is not None and chosen.lang in LANGS:
        return "ko" if chosen.lang == "ko" else "en"
    if inbound.locale:
        return lang_of_locale(inbound.locale, deps.config.language)
    return deps.config.lang_of(teams_user_id(deps, inbound)) or deps.config.language


def known_zone(name: str) -> str:
    """name when it is a time zone zoneinfo knows (an IANA name), else "" (a client may send
    anything: it is ignored, never an error)."""
    if not name or len(name) > MAX_ZONE or name != name.strip():
        return ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ""
    return name


async def remember_person(deps: Deps, inbound: Inbound, user_id: str) -> None:
    """Keep the locale, name and time zone a person's activity carries in their profile, so
    later messages to them (nudges, DMs) are in their language and their digest comes at
    their own morning; written only when it changed."""
    zone = known_zone(inbound.timezone)
    if not (inbound.locale or zone) or platform_of_user(user_id) != "teams":
        return
    async with deps.reads() as session:
        profile = await get_profile(session, user_id=user_id)
    name = inbound.author_name[:200] or (profile.name if profile else "")
    locale = inbound.locale[:16] or (profile.locale if profile else "")
    tz = zone or (profile.tz if profile else "")
    if profile is not None and (profile.locale, profile.name, profile.tz) == (locale, name, tz):
        return
    async with deps.sessions.begin() as session:
        await add_profile(
            session,
            UserProfile(
                user_id=user_id,
                locale=locale,
                name=name,
                tz=tz,
                fetched_at=deps.clock.now(),
            ),
        )
    if isinstance(deps.languages, Languages):
        deps.languages.forget(user_id)


async def reply(context: TurnContext, activity: dict[str, Any]) -> str | None:
    """Answer in the conversation (in the reply chain when the message was in one); return
    the answer's message id when Teams gave one."""
    sent = await context.send_activity(Activity.model_validate(activity))
    message_id = getattr(sent, "id", None)
    return message_id if isinstance(message_id, str) and message_id else None


async def answer_invoke(context: TurnContext, body: dict[str, Any]) -> None:
    """The synchronous answer of an invoke (Universal Actions: a message or a new card)."""
    response = InvokeResponse(status=200, body=body)
    await context.send_activity(Activity(type="invokeResponse", value=response))


async def staff_choices(deps: Deps, user_ids: Iterable[str]) -> list[tuple[str, str]]:
    """(id, name) pairs for a form's choice of staff: their [[people]] name, else the name
    Teams gave, else the id."""
    out: list[tuple[str, str]] = []
    for user_id in dict.fromkeys(user_ids):
        person = deps.config.person_of(user_id)
        name = person.name if person is not None else ""
        out.append((user_id, name or await deps.languages.name_of(user_id)))
    return out
