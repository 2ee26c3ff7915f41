"""`/visitor`, `/room`, `/fieldvisit`, the desk's buttons and modals: Slack requests in, the
visit services' neutral results out (bot/services/visits/)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.visits import (
    VERBS,
    build_reason_modal,
    build_report_modal,
    build_visit_modal,
    build_visit_reply,
    read_room_choice,
    said,
)
from bot.adapters.slack.ids import Action, Command, View
from bot.adapters.slack.text import t
from bot.adapters.slack.views import modal_number, parse_view_state
from bot.deps import Deps
from bot.errors import DomainError
from bot.i18n import Lang
from bot.services.inquiry_commands import Refused
from bot.services.results import Replayed, Said
from bot.services.visits.actions import (
    AskReason,
    AskReport,
    VisitAction,
    VisitActionResult,
    perform_visit_action,
)
from bot.services.visits.commands import (
    OpenReportForm,
    OpenVisitForm,
    VisitRequest,
    run_visit_command,
)
from bot.services.visits.common import VisitVerb
from bot.services.visits.forms import read_text_form, read_visit_form
from handlers.common import action_key, click_key, ephemeral, submission_key
from handlers.errors import reported

COMMANDS = {Command.VISITOR: "visitor", Command.ROOM: "room", Command.FIELDVISIT: "fieldvisit"}


def register(app: AsyncApp) -> None:
    """Attach the desk's listeners."""
    app.command(Command.VISITOR)(reported(handle_visit_command))
    app.command(Command.ROOM)(reported(handle_visit_command))
    app.command(Command.FIELDVISIT)(reported(handle_visit_command))
    for action in (
        Action.VISIT_COMING,
        Action.VISIT_DECLINE,
        Action.VISIT_MET,
        Action.VISIT_BADGE_BACK,
        Action.VISIT_ID_BACK,
        Action.FIELDVISIT_REPORT,
    ):
        app.action(action)(reported(handle_visit_button_action))
    app.action(Action.VISIT_SEND_ROOM)(reported(handle_visit_room_action))
    app.view_submission(View.VISIT_NEW)(reported(handle_visit_form_submission))
    app.view_submission(View.VISIT_REASON)(reported(handle_visit_reason_submission))
    app.view_submission(View.FIELDVISIT_REPORT)(reported(handle_visit_report_submission))


async def handle_visit_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """Answer `/visitor …`, `/room …` or `/fieldvisit …` ephemerally (forms in a modal)."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = VisitRequest(
        user_id=user_id,
        command=COMMANDS[Command(command["command"])],
        text=command.get("text") or "",
        platform="slack",
        conversation_id=command.get("channel_id"),
        key=action_key(command),
    )
    result = await run_visit_command(deps, request)
    deps.outbox.kick()
    if isinstance(result, Replayed):
        return
    if isinstance(result, Refused):
        raise result.error  # answered like every refusal (handlers/errors.py)
    if isinstance(result, OpenVisitForm):
        today = deps.clock.now().astimezone(deps.tz).date().isoformat()
        view = build_visit_modal(lang, result.rooms, today, host=user_id)
        await client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    if isinstance(result, OpenReportForm):
        view = build_report_modal(lang, result.number)
        await client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    text, blocks = build_visit_reply(result, lang, deps.tz)
    await respond(**ephemeral(text, blocks))


async def _act(deps: Deps, action: VisitAction) -> VisitActionResult:
    async with deps.sessions.begin() as session:
        result = await perform_visit_action(session, deps, action)
    deps.outbox.kick()
    return result


async def _answer(
    client: AsyncWebClient,
    body: dict[str, Any],
    lang: Lang,
    result: VisitActionResult,
    deps: Deps,
) -> None:
    """Tell the person what their click did, where they clicked (a DM or a channel)."""
    if not isinstance(result, Said):
        return
    channel = (body.get("channel") or {}).get("id")
    user_id = body["user"]["id"]
    text = said(lang, result, deps.tz)
    if channel:
        await client.chat_postEphemeral(channel=channel, user=user_id, text=text)
    else:
        await client.chat_postMessage(channel=user_id, text=text)


def _number(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 9 else 0


async def handle_visit_button_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """A desk button: coming down, can't meet now (its reason form), I'm in the room, badge or
    ID back, report a field visit (its form)."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    verb = VERBS[Action(action["action_id"])]
    request = VisitAction(
        verb=verb,
        user_id=user_id,
        number=_number(action.get("value")),
        key=action_key(body),
        intent=click_key(body, action),
    )
    result = await _act(deps, request)
    if isinstance(result, AskReason):
        await client.views_open(
            trigger_id=body["trigger_id"], view=build_reason_modal(lang, result.number)
        )
        return
    if isinstance(result, AskReport):
        await client.views_open(
            trigger_id=body["trigger_id"], view=build_report_modal(lang, result.number)
        )
        return
    await _answer(client, body, lang, result, deps)


async def handle_visit_room_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """The host picked "send to room …" from the arrival alert."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    option = action.get("selected_option")
    choice = read_room_choice(option.get("value") if isinstance(option, dict) else None)
    if choice is None:
        raise DomainError("form.stale")  # never silence, even for a tampered menu
    request = VisitAction(
        verb=VisitVerb.SEND_ROOM,
        user_id=user_id,
        number=choice[0],
        room=choice[1],
        key=action_key(body),
    )
    await _answer(client, body, lang, await _act(deps, request), deps)


def _errors(lang: Lang, errors: dict[str, str]) -> dict[str, str]:
    return {field: t(lang, key) for field, key in errors.items()}


async def handle_visit_form_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Register a visit from the pre-registration modal (an ID number: refused under its
    field, nothing stored)."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    today = deps.clock.now().astimezone(deps.tz).date()
    draft, errors = read_visit_form(parse_view_state(view), today)
    if errors or draft is None:
        await ack(response_action="errors", errors=_errors(lang, errors))
        return
    await ack()
    request = VisitAction(
        verb=VisitVerb.REGISTER, user_id=user_id, draft=draft, key=submission_key(body, view)
    )
    result = await _act(deps, request)
    if isinstance(result, Said):
        await client.chat_postMessage(channel=user_id, text=said(lang, result, deps.tz))


async def handle_visit_reason_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """The host can't meet now: the reason goes to reception and the host's team."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    texts, errors = read_text_form(parse_view_state(view), "reason")
    number = modal_number(view)
    if errors or texts is None or number is None:
        await ack(
            response_action="errors", errors=_errors(lang, errors or {"reason": "form.stale"})
        )
        return
    await ack()
    request = VisitAction(
        verb=VisitVerb.DECLINE,
        user_id=user_id,
        number=number,
        reason=texts["reason"],
        key=submission_key(body, view),
    )
    result = await _act(deps, request)
    if isinstance(result, Said):
        await client.chat_postMessage(channel=user_id, text=said(lang, result, deps.tz))


async def handle_visit_report_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """A field visit's result, from its form."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    texts, errors = read_text_form(parse_view_state(view), "outcome", "next")
    number = modal_number(view)
    if errors or texts is None or number is None:
        await ack(
            response_action="errors", errors=_errors(lang, errors or {"outcome": "form.stale"})
        )
        return
    await ack()
    request = VisitAction(
        verb=VisitVerb.REPORT,
        user_id=user_id,
        number=number,
        outcome=texts["outcome"],
        next_steps=texts.get("next", ""),
        key=submission_key(body, view),
    )
    result = await _act(deps, request)
    if isinstance(result, Said):
        await client.chat_postMessage(channel=user_id, text=said(lang, result, deps.tz))
