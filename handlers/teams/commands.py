"""Commands typed to the bot in Teams: `help`, and `inquiry …` / `문의 …` run by the command
service (bot/services/inquiry_commands.py), answered in the conversation."""

from __future__ import annotations

import re

from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.adapters.teams.callbacks import build_feature_reply
from bot.adapters.teams.notice_replies import build_notice_reply
from bot.adapters.teams.render import names_of, swap_people, teams_people
from bot.adapters.teams.replies import build_charter_reply, build_command_reply, help_message
from bot.deps import Deps
from bot.domain.commands import split_command
from bot.domain.grammar import charter_name, feature_command, notice_command_name
from bot.i18n import Lang
from bot.i18n.markup import people_of
from bot.services.callback_commands import (
    FeatureRequest,
    OpenCallbackForm,
    run_away_command,
    run_callback_command,
)
from bot.services.charter import Lines, run_charter_command
from bot.services.home_refresh import opened_home
from bot.services.inquiry_commands import (
    CommandRequest,
    CommandResult,
    CustomerList,
    Help,
    StaffList,
    StaffShow,
    run_inquiry_command,
)
from bot.services.notice_commands import NoticeFeature, NoticeRequest, run_notice_command
from bot.services.receipts import receipt_key
from bot.services.results import Said
from handlers.teams.common import language_of, reply, staff_choices, teams_user_id
from handlers.teams.feedback import feedback_words, handle_feedback_text
from handlers.teams.other_commands import answer_other, split_other
from handlers.teams.visits import handle_visit_command, visit_words
from storage.repos.slack_events import add_processed_event

HELP_WORDS = frozenset({"help", "도움말", "?"})
# `문의` is the Korean name of the command (as `/문의` would be); the grammar's own list of
# command names may know it too.
COMMAND_ALIASES = {"문의": "inquiry"}


def notice_words(text: str) -> tuple[str, str] | None:
    """(`notice` | `outage`, the words after it) for `notice …`, `공지 …`, `outage …`,
    `장애 …` (also with a leading `/`); None for any other text."""
    head, _, rest = text.strip().partition(" ")
    feature = notice_command_name(head) if head else None
    return None if feature is None else (feature, rest.strip())


def command_words(text: str) -> str | None:
    """The words after the command name (`inquiry list` → `list`; `help` → `help`; `home` →
    `home`), or None when the text is no command."""
    words = text.strip()
    other = split_other(words)
    if other is not None:
        return other[0]
    if words.lower() in HELP_WORDS:
        return "help"
    feedback = feedback_words(words)
    if feedback is not None:
        return feedback[1]  # `survey …`, `feedback …`: see handle_command
    if notice_words(words) is not None:
        return words
    head, _, rest = words.partition(" ")
    alias = COMMAND_ALIASES.get(head.lower().removeprefix("/"))
    if alias is not None:
        words = f"{alias} {rest}"
    split = split_command(words)
    return None if split is None else split[1]


def charter_words(text: str) -> str | None:
    """The words after `charter` / `헌장` (`charter 언어 영어` → `언어 영어`), or None."""
    head, _, rest = text.strip().partition(" ")
    return rest.strip() if charter_name(head) is not None else None


def with_mentions(text: str, inbound: Inbound) -> str:
    """The command text with each person @mentioned in it as `<@id>`, as the grammar reads a
    mention; the names people typed in angle brackets stay text."""
    for tag, user_id, _name in inbound.mentions:
        text = text.replace(tag, f" <@{user_id}> ")
    return re.sub(r"\s+", " ", text).strip()


async def _first_delivery(deps: Deps, inbound: Inbound) -> bool:
    # Teams redelivers an activity it got no answer for in time: the id was seen, done.
    if not inbound.activity_id:
        return False
    key = f"teams:{inbound.conversation_id}:{inbound.activity_id}"
    async with deps.sessions.begin() as session:
        return await add_processed_event(session, event_id=key, at=deps.clock.now())


def _people(result: CommandResult) -> list[str | None]:
    if isinstance(result, Said):
        return list(people_of(result.params))
    if isinstance(result, StaffList):
        return [r.get("assignee") for r in result.rows]
    if isinstance(result, StaffShow):
        card = result.card
        found = [card["requester"], card["assignee"], card.get("last_note_by")]
        for e in result.history:
            found += [e["actor"], e.get("detail_user")]
        return found
    return []


def feature_words(text: str) -> tuple[str, str] | None:
    """(`callback` | `away`, the words after it) for `callback …`, `콜백 …`, `away …`,
    `부재 …`; None for any other text."""
    head, _, rest = text.strip().partition(" ")
    name = feature_command(head)
    return None if name is None else (name, rest.strip())


async def _run_feature(
    deps: Deps, context: TurnContext, inbound: Inbound, name: str, words: str
) -> None:
    lang = await language_of(deps, inbound)
    request = FeatureRequest(
        user_id=teams_user_id(deps, inbound),
        text=with_mentions(words, inbound),
        platform="teams",
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    run = run_callback_command if name == "callback" else run_away_command
    result = await run(deps, request)
    deps.outbox.kick()
    if isinstance(result, OpenCallbackForm):
        # the form's choice of owners, by name (config's, else the name Teams gave)
        names = dict(await staff_choices(deps, result.owners))
    else:
        people = list(people_of(result.params)) if isinstance(result, Said) else []
        names = await names_of(deps, people)
    activity = build_feature_reply(result, lang, names=names)
    if activity is not None:
        await reply(context, activity)


async def handle_command(deps: Deps, context: TurnContext, inbound: Inbound) -> None:
    """Run a command typed to the bot and answer it (an unknown text gets the command list)."""
    if not await _first_delivery(deps, inbound):
        return
    feedback = feedback_words(with_mentions(inbound.text, inbound))
    if feedback is not None:
        await handle_feedback_text(deps, context, inbound, *feedback)
        return
    feature = feature_words(inbound.text)
    if feature is not None:
        await _run_feature(deps, context, inbound, *feature)
        return
    user_id = teams_user_id(deps, inbound)
    desk = visit_words(with_mentions(inbound.text, inbound))
    if desk is not None:
        await handle_visit_command(deps, context, inbound, *desk)
        return
    charter = charter_words(inbound.text)
    if charter is not None:
        await _charter(deps, context, inbound, user_id, charter)
        return
    lang = await language_of(deps, inbound)
    other = split_other(with_mentions(inbound.text, inbound))
    if other is not None:
        sent = await reply(context, await answer_other(deps, other[0], user_id, other[1], lang))
        if other[0] == "home" and sent and inbound.conversation_kind == "personal":
            # the dashboard card: changes that affect them update it in place from now on
            async with deps.sessions.begin() as session:
                await opened_home(
                    session,
                    deps,
                    platform="teams",
                    user_id=user_id,
                    conversation_id=inbound.conversation_id,
                    message_id=sent,
                )
        deps.outbox.kick()
        return
    staff = deps.is_staff(user_id)
    feature = notice_words(inbound.text)
    if feature is not None:
        await _run_notice(deps, context, inbound, user_id, lang, feature)
        return
    words = command_words(inbound.text)
    if words is None:
        await reply(context, help_message(lang, None, staff=staff))
        return
    request = CommandRequest(
        user_id=user_id,
        text=with_mentions(words, inbound),
        platform="teams",
        conversation_id=inbound.conversation_id,
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    result = await run_inquiry_command(deps, request)
    deps.outbox.kick()
    if isinstance(result, CustomerList | Help):
        names: dict[str, str] = {}
    else:
        names = await names_of(deps, _people(result))
    activity = build_command_reply(result, lang, names=names, staff=staff)
    if activity is not None:
        await reply(context, activity)


async def _charter(
    deps: Deps, context: TurnContext, inbound: Inbound, user_id: str, words: str
) -> None:
    """Run `charter …` and answer it: people named in the answer (teams, roles) appear as
    their Teams selves (a mention) or by name."""
    request = CommandRequest(
        user_id=user_id,
        text=words,
        platform="teams",
        conversation_id=inbound.conversation_id,
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    result = await run_charter_command(deps, request)
    lang = await language_of(deps, inbound)  # after a language change: the new one
    names: dict[str, str] = {}
    if isinstance(result, Lines):
        ids = [i for said in result.lines for i in people_of(said.params)]
        people = await teams_people(deps, ids)
        lines = tuple(
            Said(said.key, swap_people(dict(said.params), people)) for said in result.lines
        )
        result = Lines(lines, result.lang)
        names = people.names
    activity = build_charter_reply(result, lang, names=names)
    if activity is not None:
        await reply(context, activity)


async def _run_notice(
    deps: Deps,
    context: TurnContext,
    inbound: Inbound,
    user_id: str,
    lang: Lang,
    feature: tuple[str, str],
) -> None:
    name: NoticeFeature = "notice" if feature[0] == "notice" else "outage"
    request = NoticeRequest(
        user_id=user_id,
        text=with_mentions(feature[1], inbound),
        platform="teams",
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    result = await run_notice_command(deps, name, request)
    deps.outbox.kick()
    activity = build_notice_reply(result, lang)
    if activity is not None:
        await reply(context, activity)
