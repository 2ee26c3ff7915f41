"""`digest …` and `home` typed to the bot in Teams (Korean names too: `요약`, `홈`): the same
command services as Slack's `/digest` and App Home (`charter …` is handlers/teams/commands.py)."""

from __future__ import annotations

from typing import Any

from bot.adapters.teams.cards import card_activity
from bot.adapters.teams.digest import build_digest_card
from bot.adapters.teams.home import home_card
from bot.adapters.teams.markup import t
from bot.adapters.teams.render import names_of
from bot.adapters.teams.replies import error_text, said_message, text_message, usage_message
from bot.deps import Deps
from bot.domain.grammar import other_command
from bot.i18n import Lang
from bot.services.digest.command import DigestHelp, DigestRequest, DigestShown, run_digest_command
from bot.services.digest.features import digest_links
from bot.services.inquiry_commands import Refused, Usage
from bot.services.results import Said


def split_other(text: str) -> tuple[str, str] | None:
    """(`digest` | `home`, the words after it) when text starts with one."""
    head, _, rest = text.strip().partition(" ")
    name = other_command(head)
    return None if name is None else (name, rest.strip())


async def _digest(deps: Deps, user_id: str, words: str, lang: Lang) -> dict[str, Any]:
    result = await run_digest_command(deps, DigestRequest(user_id, words, platform="teams"))
    if isinstance(result, Refused):
        return text_message(error_text(lang, result.error))
    if isinstance(result, Usage):
        return usage_message(lang, result)
    if isinstance(result, DigestHelp):
        return text_message(t(lang, "digest.usage", message=True))
    if isinstance(result, Said):
        return said_message(lang, result)
    assert isinstance(result, DigestShown)
    items = [i for s in result.payload["sections"] for i in s["items"]]
    links = await digest_links(deps, result.payload, "teams")
    names = await names_of(deps, [i.get("who") for i in items])
    payload = {**result.payload, "off": not result.enabled}
    return card_activity(build_digest_card(lang, payload, links, names=names))


async def answer_other(
    deps: Deps, name: str, user_id: str, words: str, lang: Lang
) -> dict[str, Any]:
    """The reply to `digest …` or `home`."""
    if name == "digest":
        return await _digest(deps, user_id, words, lang)
    return card_activity(await home_card(deps, user_id, lang))
