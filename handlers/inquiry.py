"""`/inquiry`, the triage-card buttons and the inquiry modals: Slack requests in, the
command and action services' neutral results out (bot/services/inquiry_commands.py,
inquiry_actions.py; the form rules are bot/services/inquiry_forms.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks.commands import build_command_reply
from bot.adapters.slack.blocks.inquiry import (
    build_eta_modal,
    build_new_inquiry_modal,
    build_note_modal,
    build_transfer_modal,
)
from bot.adapters.slack.ids import Action, Block, Command, View
from bot.adapters.slack.text import t
from bot.adapters.slack.views import (
    form_errors,
    modal_message,
    modal_number,
    modal_source,
    parse_view_state,
    read_metadata,
)
from bot.deps import Deps
from bot.ports import ActionVerb
from bot.services.inquiries import assignable_refusal
from bot.services.inquiry_actions import (
    NOTE_ACTIONS,
    ActionRequest,
    ActionResult,
    AskFor,
    Created,
    Done,
    number_of,
    perform,
)
from bot.services.inquiry_commands import (
    OpenNewForm,
    run_inquiry_command,
)
from bot.services.inquiry_forms import (
    NewInquiryForm,
    assignee_choices,
    read_eta_form,
    read_new_inquiry_form,
    read_note_form,
    read_report_form,
    read_transfer_form,
)
from handlers.common import (
    action_key,
    click_key,
    command_request,
    ephemeral,
    error_text,
    replayed,
    said_text,
    submission_key,
)
from handlers.errors import reported
from handlers.home import from_home, publish_home

# Slack's buttons and modals, and the neutral verb each one is.
BUTTON_VERBS = {
    Action.ASSIGN_TO_ME: ActionVerb.ASSIGN_ME,
    Action.SET_ETA: ActionVerb.SET_ETA,
    Action.ADD_PROGRESS: ActionVerb.PROGRESS,
    Action.RESOLVE: ActionVerb.RESOLVE,
    Action.REOPEN: ActionVerb.REOPEN,
    Action.TRANSFER: ActionVerb.TRANSFER,
}
NOTE_VIEWS = {
    View.PROGRESS: ActionVerb.PROGRESS,
    View.RESOLVE: ActionVerb.RESOLVE,
    View.REOPEN: ActionVerb.REOPEN,
}


def register(app: AsyncApp) -> None:
    """Attach the inquiry listeners."""
    app.command(Command.INQUIRY)(reported(handle_inquiry_command))
    app.view_submission(View.NEW_INQUIRY)(reported(handle_new_inquiry_submission))
    app.view_submission(View.REPORT)(reported(handle_report_submission))
    app.view_submission(View.ETA)(reported(handle_eta_submission))
    app.view_submission(View.PROGRESS)(reported(handle_note_submission))
    app.view_submission(View.RESOLVE)(reported(handle_note_submission))
    app.view_submission(View.REOPEN)(reported(handle_note_submission))
    app.view_submission(View.TRANSFER)(reported(handle_transfer_submission))
    app.action(Action.ASSIGN_TO_ME)(reported(handle_assign_me_action))
    app.action(Action.SET_ETA)(reported(handle_card_modal_action))
    app.action(Action.ADD_PROGRESS)(reported(handle_card_modal_action))
    app.action(Action.RESOLVE)(reported(handle_card_modal_action))
    app.action(Action.REOPEN)(reported(handle_card_modal_action))
    app.action(Action.TRANSFER)(reported(handle_card_modal_action))
    app.action(Action.OPEN_CARD)(reported(handle_open_card_action))


async def handle_inquiry_command(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
) -> None:
    """Answer `/inquiry …`: the command service runs it, the answer is ephemeral."""
    await ack()
    user_id = command["user_id"]
    lang = await deps.languages.language_of(user_id)
    request = command_request(command)
    result = await run_inquiry_command(deps, request)
    if replayed(result):
        return
    if isinstance(result, OpenNewForm):
        meta = {"channel": result.conversation_id}
        view = build_new_inquiry_modal(lang, meta=meta, assignees=result.assignees)
        await client.views_open(trigger_id=command["trigger_id"], view=view)
        return
    text, blocks = build_command_reply(result, lang)
    deps.outbox.kick()
    await respond(**ephemeral(text, blocks))


async def _perform(deps: Deps, request: ActionRequest) -> ActionResult:
    """Run an action in its own transaction, then wake the sender."""
    async with deps.sessions.begin() as session:
        result = await perform(session, deps, request)
    deps.outbox.kick()
    return result


async def _perform_from_modal(
    deps: Deps, request: ActionRequest, view: dict[str, Any], client: AsyncWebClient
) -> None:
    """Run a modal's action; a modal opened from the Home tab refreshes it once done."""
    result = await _perform(deps, request)
    if isinstance(result, Done) and (read_metadata(view) or {}).get("home"):
        await publish_home(client, deps, request.user_id)


async def _create(
    body: dict[str, Any],
    view: dict[str, Any],
    deps: Deps,
    form: NewInquiryForm,
    meta: dict[str, Any],
    *,
    author: str | None,
) -> ActionResult:
    request = ActionRequest(
        verb=ActionVerb.CREATE,
        user_id=body["user"]["id"],
        form=form,
        source=modal_message(meta),
        author_id=author,
        key=submission_key(body, view),
    )
    return await _perform(deps, request)


async def handle_new_inquiry_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Create an inquiry from the modal (also the message shortcut's prefilled modal)."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    today = deps.clock.now().astimezone(deps.tz).date()
    values = parse_view_state(view)
    # Names only matter for the error text, so they are looked up only when one is picked.
    assignable = await assignee_choices(deps, user_id) if values.get(Block.ASSIGNEE) else []
    form, errors = read_new_inquiry_form(values, today, assignable, deps)
    meta = modal_source(read_metadata(view))
    shown = form_errors(lang, errors)
    if meta is None:
        shown = {Block.TITLE: t(lang, "form.stale")}
    if shown or meta is None or form is None:
        await ack(response_action="errors", errors=shown)
        return
    await ack()
    result = await _create(body, view, deps, form, meta, author=meta.get("author"))
    if isinstance(result, Created):
        await client.chat_postMessage(channel=user_id, text=said_text(lang, result.said))


async def handle_report_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Create an inquiry from a customer's "report this" form; they are its requester."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    form, errors = read_report_form(parse_view_state(view))
    if errors or form is None:
        await ack(response_action="errors", errors=form_errors(lang, errors))
        return
    meta = modal_source(read_metadata(view))
    if meta is None:
        await ack(response_action="errors", errors={Block.TITLE: t(lang, "form.stale")})
        return
    await ack()
    result = await _create(body, view, deps, form, meta, author=None)
    # a new inquiry's answer goes to the message's thread ("logged as #N, expect …")
    if isinstance(result, Created) and not result.created:
        await client.chat_postMessage(channel=user_id, text=said_text(lang, result.said))


async def handle_card_modal_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Open the ETA, progress, resolve, reopen or transfer modal from a card, `show` or Home
    button."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    request = ActionRequest(
        verb=BUTTON_VERBS[action["action_id"]],
        user_id=user_id,
        number=number_of(action.get("value")),
        key=action_key(body),
        intent=click_key(body, action),
    )
    async with deps.sessions.begin() as session:
        result = await perform(session, deps, request)
    if not isinstance(result, AskFor):
        return  # a replayed click or a double click: its modal was opened already
    meta = {"home": True} if from_home(body) else {}
    if result.verb == ActionVerb.SET_ETA:
        view = build_eta_modal(lang, result.number, result.today, meta=meta)
    elif result.verb == ActionVerb.TRANSFER:
        view = build_transfer_modal(lang, result.number, meta=meta)
    else:
        view = build_note_modal(lang, result.number, NOTE_ACTIONS[result.verb], meta=meta)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def handle_open_card_action(ack: AsyncAck) -> None:
    """The "open card" link button: Slack opens the link itself and still tells the app."""
    await ack()


async def handle_assign_me_action(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Assign the inquiry to the clicking staff member ("already yours" when it is)."""
    await ack()
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    request = ActionRequest(
        verb=ActionVerb.ASSIGN_ME,
        user_id=user_id,
        number=number_of(action.get("value")),
        key=action_key(body),
    )
    result = await _perform(deps, request)
    if not isinstance(result, Done):
        return  # a replayed click
    channel = (body.get("channel") or {}).get("id")
    if channel and result.said is not None:
        text = said_text(lang, result.said)
        await client.chat_postEphemeral(channel=channel, user=user_id, text=text)
    if from_home(body):
        await publish_home(client, deps, user_id)


async def handle_eta_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Set the ETA from the modal; a past or unreadable date is refused under the field."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    number = modal_number(view)
    if number is None:
        await ack(response_action="errors", errors={Block.ETA_DATE: t(lang, "form.stale")})
        return
    eta, errors = read_eta_form(parse_view_state(view), deps)
    if errors or eta is None:
        await ack(response_action="errors", errors=form_errors(lang, errors))
        return
    await ack()
    request = ActionRequest(
        verb=ActionVerb.SET_ETA,
        user_id=user_id,
        number=number,
        eta=eta,
        key=submission_key(body, view),
    )
    await _perform_from_modal(deps, request, view, client)


async def handle_note_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Record a progress report, a resolution or a reopen reason from its modal."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    note, errors = read_note_form(parse_view_state(view))
    if errors:
        await ack(response_action="errors", errors=form_errors(lang, errors))
        return
    number = modal_number(view)
    if number is None:
        await ack(response_action="errors", errors={Block.NOTE: t(lang, "form.stale")})
        return
    await ack()
    request = ActionRequest(
        verb=NOTE_VIEWS[view["callback_id"]],
        user_id=user_id,
        number=number,
        note=note,
        key=submission_key(body, view),
    )
    await _perform_from_modal(deps, request, view, client)


async def handle_transfer_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, deps: Deps
) -> None:
    """Transfer the inquiry from its modal, the same transfer as `/inquiry transfer`: no
    colleague, or one who cannot take inquiries, is refused under the field; a refusal that
    needs the database (unknown inquiry, someone away: their delegate suggested) is answered
    in a DM like every other refusal."""
    user_id = body["user"]["id"]
    lang = await deps.languages.language_of(user_id)
    number = modal_number(view)
    if number is None:
        await ack(response_action="errors", errors={Block.TRANSFER_TO: t(lang, "form.stale")})
        return
    to_user, reason, errors = read_transfer_form(parse_view_state(view))
    shown = form_errors(lang, errors)
    refusal = assignable_refusal(deps, to_user) if to_user is not None else None
    if refusal is not None:
        shown = {Block.TRANSFER_TO: error_text(lang, refusal)}
    if shown or to_user is None:
        await ack(response_action="errors", errors=shown)
        return
    await ack()
    request = ActionRequest(
        verb=ActionVerb.TRANSFER,
        user_id=user_id,
        number=number,
        to_user=to_user,
        note=reason,
        key=submission_key(body, view),
    )
    result = await _perform(deps, request)
    if not isinstance(result, Done):
        return  # a replayed submission
    if result.said is not None:
        await client.chat_postMessage(channel=user_id, text=said_text(lang, result.said))
    if (read_metadata(view) or {}).get("home"):
        await publish_home(client, deps, user_id)
