"""The desk in Teams: `visitor …`, `room …`, `fieldvisit …` typed to the bot (and their Korean
names `방문객`, `접견실`, `외근`), and the desk's card buttons and forms (`visit.*` verbs), run
by the same services as Slack's (bot/services/visits/)."""

from __future__ import annotations

from typing import Any

from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.adapters.teams.cards import adaptive_card, text_block
from bot.adapters.teams.markup import Mentions, t
from bot.adapters.teams.render import names_of
from bot.adapters.teams.replies import card_response, error_text, message_response
from bot.adapters.teams.visits import (
    FORM_MARK,
    build_reason_form,
    build_report_form,
    build_visit_form,
    build_visit_reply,
    said_text,
)
from bot.deps import Deps
from bot.domain.grammar import visit_command_name
from bot.errors import DomainError
from bot.i18n.markup import people_of
from bot.services.inquiry_commands import Refused
from bot.services.receipts import receipt_key
from bot.services.results import Replayed, Said
from bot.services.visits.actions import AskReason, AskReport, VisitAction, perform_visit_action
from bot.services.visits.commands import (
    FieldVisitList,
    VisitList,
    VisitRequest,
    VisitResult,
    run_visit_command,
)
from bot.services.visits.common import VisitVerb
from bot.services.visits.forms import read_text_form, read_visit_form
from handlers.teams.common import language_of, reply, teams_user_id

VERBS = frozenset(str(v) for v in VisitVerb)


def visit_words(text: str) -> tuple[str, str] | None:
    """(`visitor`|`room`|`fieldvisit`, the words after it) when the text is a desk command."""
    parts = text.strip().split(None, 1)
    name = visit_command_name(parts[0]) if parts else None
    if name is None:
        return None
    return name, parts[1] if len(parts) > 1 else ""


def _people(result: VisitResult) -> list[str | None]:
    if isinstance(result, Said):
        return list(people_of(result.params))
    if isinstance(result, VisitList):
        return [r.get("host") for r in result.rows]
    if isinstance(result, FieldVisitList):
        return [p for r in result.rows for p in r["staff"]]
    return []


async def handle_visit_command(
    deps: Deps, context: TurnContext, inbound: Inbound, command: str, words: str
) -> None:
    """Run a desk command typed to the bot and answer it in the conversation."""
    lang = await language_of(deps, inbound)
    request = VisitRequest(
        user_id=teams_user_id(deps, inbound),
        command=command,
        text=words,
        platform="teams",
        conversation_id=inbound.conversation_id,
        key=receipt_key("teams-command", inbound.conversation_id, inbound.activity_id),
    )
    result = await run_visit_command(deps, request)
    deps.outbox.kick()
    if isinstance(result, Replayed):
        return
    if isinstance(result, Refused):
        await reply(context, {"type": "message", "text": error_text(lang, result.error)})
        return
    names = await names_of(deps, _people(result))
    activity = build_visit_reply(result, lang, names=names, tz=deps.tz)
    if activity is not None:
        await reply(context, activity)


def is_visit_verb(verb: str) -> bool:
    """Whether a card action's verb is one of the desk's."""
    return verb in VERBS


async def visit_card_action(
    deps: Deps, inbound: Inbound, verb_text: str, fields: dict[str, str], key: str, intent: str
) -> dict[str, Any]:
    """The invoke response to a desk button or form (refusals in Slack's words)."""
    lang = await language_of(deps, inbound)
    user_id = teams_user_id(deps, inbound)
    verb = VisitVerb(verb_text)
    number_text = fields.get("number", "")
    number = int(number_text) if number_text.isdigit() and len(number_text) <= 9 else 0
    from_form = bool(fields.get(FORM_MARK))
    action = VisitAction(
        verb=verb,
        user_id=user_id,
        number=number,
        platform="teams",
        room=fields.get("room", "")[:100],
        key=key,
        intent=None if from_form else intent,
    )
    if verb == VisitVerb.REGISTER:
        today = deps.clock.now().astimezone(deps.tz).date()
        values = {**fields, "host": fields.get("host") or user_id}
        draft, errors = read_visit_form(values, today)
        if errors or draft is None:
            shown = {f: t(lang, k) for f, k in errors.items()}
            rooms = [r.name for r in deps.config.rooms]
            clean = {
                k: v for k, v in fields.items() if k not in errors
            }  # a refused value is not sent back
            return card_response(build_visit_form(lang, rooms, values=clean, errors=shown))
        action = VisitAction(verb=verb, user_id=user_id, platform="teams", draft=draft, key=key)
    elif verb == VisitVerb.DECLINE and from_form:
        texts, errors = read_text_form(fields, "reason")
        if errors or texts is None:
            shown = {f: t(lang, k) for f, k in errors.items()}
            return card_response(build_reason_form(lang, number, errors=shown))
        action = VisitAction(
            verb=verb,
            user_id=user_id,
            number=number,
            platform="teams",
            reason=texts["reason"],
            key=key,
        )
    elif verb == VisitVerb.REPORT and from_form:
        texts, errors = read_text_form(fields, "outcome", "next")
        if errors or texts is None:
            shown = {f: t(lang, k) for f, k in errors.items()}
            return card_response(build_report_form(lang, number, errors=shown))
        action = VisitAction(
            verb=verb,
            user_id=user_id,
            number=number,
            platform="teams",
            outcome=texts["outcome"],
            next_steps=texts.get("next", ""),
            key=key,
        )
    try:
        async with deps.sessions.begin() as session:
            result = await perform_visit_action(session, deps, action)
        deps.outbox.kick()
    except DomainError as exc:
        return message_response(error_text(lang, exc))
    if isinstance(result, AskReason):
        return card_response(build_reason_form(lang, result.number))
    if isinstance(result, AskReport):
        return card_response(build_report_form(lang, result.number))
    if isinstance(result, Replayed):
        return message_response(t(lang, "inquiry.teams_already_done", message=True))
    names = await names_of(deps, people_of(result.params))
    mentions = Mentions()
    text = said_text(lang, result, deps.tz, mentions=mentions, names=names)
    if from_form:
        return card_response(adaptive_card([text_block(text)], mentions=mentions))
    return message_response(said_text(lang, result, deps.tz, message=True, names=names))
