"""Adaptive Card actions in Teams (`adaptiveCard/action` invokes, Universal Actions): card
buttons and form submissions, run by the action service (bot/services/inquiry_actions.py) in
their own transaction, answered in the invoke's response.

- A button whose verb needs input (ETA, a note) answers with its form, replacing the card;
  the form remembers which card it replaced (`view`).
- A submitted form is checked by the same readers as Slack's modals
  (bot/services/inquiry_forms.py); a refused value comes back as the same form with the
  error under its field.
- Done: the triage card (or the `inquiry show` card) is answered refreshed; acted on from
  elsewhere (a nudge), a short message is shown under the card (a form there is replaced
  by the confirmation).
- The invoke's activity id is the delivery key: Teams' redelivery acts once; the same button
  pressed twice in a moment acts once (`intent`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams.activity import Inbound
from bot.adapters.teams.callbacks import (
    VERB_WORDS,
    CallbackVerb,
    build_callback_form,
    build_pass_form,
)
from bot.adapters.teams.cards import Verb, build_inquiry_card
from bot.adapters.teams.forms import (
    FORM_MARK,
    build_new_inquiry_form,
    build_transfer_form,
    read_submission,
)
from bot.adapters.teams.home import OUTBOX_DISCARD, OUTBOX_RETRY, home_card
from bot.adapters.teams.markup import Mentions, TeamsMarkup, t
from bot.adapters.teams.notice_replies import (
    NOTICE_PLAN_VERB,
    build_notice_form,
    build_notice_reply,
)
from bot.adapters.teams.render import names_of
from bot.adapters.teams.replies import (
    VIEW,
    build_command_reply,
    build_form,
    card_of,
    card_response,
    confirmation_card,
    error_text,
    form_error_texts,
    message_response,
    said_card_text,
)
from bot.deps import Deps
from bot.domain.callbacks import parse_callback_ref
from bot.domain.notice_commands import FORM_FIELDS
from bot.errors import DomainError
from bot.i18n import Lang, render
from bot.i18n.markup import Rendered, people_of
from bot.ports import ActionVerb
from bot.services import inquiries as svc
from bot.services.callback_commands import FORM_FIELDS as CALLBACK_FORM_FIELDS
from bot.services.callback_commands import (
    PASS_NOTE_CHARS,
    FeatureRequest,
    FeatureResult,
    OpenPassForm,
    log_from_form,
    open_pass_form,
    pass_from_form,
    read_callback_form,
    run_callback_command,
)
from bot.services.dashboard import act_on_failure
from bot.services.inquiries import assignable_refusal
from bot.services.inquiry_actions import (
    ActionRequest,
    ActionResult,
    AskFor,
    Created,
    Done,
    SnoozedNudge,
    number_of,
    perform,
)
from bot.services.inquiry_commands import (
    CommandRequest,
    CustomerShow,
    Refused,
    StaffShow,
    run_inquiry_command,
)
from bot.services.inquiry_forms import (
    FormField,
    read_eta_form,
    read_new_inquiry_form,
    read_note_form,
    read_transfer_form,
)
from bot.services.notice_commands import FormErrors, submit_notice_form
from bot.services.receipts import claim_action, receipt_key
from bot.services.refs import CARD, find_message
from bot.services.reminders import Snoozed
from bot.services.results import Replayed, Said
from handlers.teams.common import (
    answer_invoke,
    language_of,
    staff_choices,
    teams_user_id,
)
from handlers.teams.feedback import VERBS as FEEDBACK_VERBS
from handlers.teams.feedback import feedback_card_action
from handlers.teams.visits import is_visit_verb, visit_card_action

# The Teams verbs and the neutral one each is (the new-inquiry form submits `inquiry.new`).
VERBS: dict[str, ActionVerb] = {
    Verb.ASSIGN_ME: ActionVerb.ASSIGN_ME,
    Verb.SET_ETA: ActionVerb.SET_ETA,
    Verb.PROGRESS: ActionVerb.PROGRESS,
    Verb.RESOLVE: ActionVerb.RESOLVE,
    Verb.REOPEN: ActionVerb.REOPEN,
    Verb.SNOOZE: ActionVerb.SNOOZE,
    Verb.NEW: ActionVerb.CREATE,
    Verb.TRANSFER: ActionVerb.TRANSFER,
    ActionVerb.CREATE: ActionVerb.CREATE,
}
ETA_FIELDS = {str(FormField.ETA_DATE): "date", str(FormField.ETA_TIME): "time"}
MAX_REMINDERS = 50
SNOOZE_MINUTES = (15, 30, 60, 120, 240, 480, 1440)


def _raw_data(inbound: Inbound) -> dict[str, Any]:
    action = inbound.value.get("action")
    data = action.get("data") if isinstance(action, dict) else None
    return data if isinstance(data, dict) else {}


def reminder_ids(data: dict[str, Any]) -> tuple[int, ...]:
    """The reminder ids a snooze button carries (a list of ids); anything else is none."""
    raw = data.get("reminders")
    if not isinstance(raw, list):
        return ()
    return tuple(int(i) for i in raw[:MAX_REMINDERS] if str(i).isdigit() and len(str(i)) <= 9)


def snooze_minutes(value: object) -> int:
    """The snooze length a button carries, one of the offered ones (else an hour)."""
    text = str(value or "")
    return int(text) if text.isdigit() and int(text) in SNOOZE_MINUTES else 60


def delivery_key(inbound: Inbound) -> str:
    """This invoke's identity: its activity id (a redelivery carries the same)."""
    if inbound.activity_id:
        return receipt_key("teams-invoke", inbound.conversation_id, inbound.activity_id)
    return receipt_key(
        "teams-invoke", inbound.author_id, json.dumps(inbound.value, sort_keys=True, default=str)
    )


def click_key(inbound: Inbound, verb: str, number: str) -> str:
    """Which button of which card a person pressed (both presses of a double click)."""
    card = inbound.reply_to_id or inbound.thread_id
    return receipt_key("teams-click", inbound.author_id, verb, number, card)


def snoozed_text(lang: Lang, snoozed: Snoozed, deps: Deps) -> str:
    """ "Snoozed #3 (a first response to the customer) until …" (as Slack says it)."""
    markup = TeamsMarkup(message=True)
    items = []
    for number, obligations in snoozed.items:
        owed = ", ".join(render(lang, f"owed.{o}", markup).text for o in obligations)
        item = render(lang, "nudge.snoozed_item", markup, number=number, what=Rendered(owed))
        items.append(item.text)
    until = svc.fmt_time(snoozed.until, deps, relative=True)
    return t(lang, "nudge.snoozed", message=True, what=Rendered(", ".join(items)), until=until)


async def _view_of(deps: Deps, inbound: Inbound, fields: dict[str, str], number: int) -> str:
    """Which card the action came from: `show`, the inquiry's triage `card`, or "" (a nudge,
    anything else)."""
    view = fields.get(VIEW, "")
    if view in ("show", "card"):
        return view
    message = inbound.reply_to_id or inbound.thread_id
    if not message:
        return ""
    async with deps.reads() as session:
        try:
            inquiry = await svc.find_inquiry(session, number)
        except DomainError:
            return ""
        assert inquiry.id is not None
        ref = await find_message(session, "inquiry", inquiry.id, CARD, "teams")
    return "card" if ref is not None and ref.message_id == message else ""


async def _triage_card(deps: Deps, number: int) -> dict[str, Any]:
    """The shared triage card of an inquiry as it is now (as in the triage channel)."""
    async with deps.reads() as session:
        inquiry = await svc.find_inquiry(session, number)
        card = await svc.describe_with_history(session, deps, inquiry, "teams")
    names = await names_of(deps, [card["requester"], card["assignee"], card["last_note_by"]])
    return build_inquiry_card(
        card,
        deps.config.language,
        bilingual=deps.config.bilingual_channels,
        names=names,
    )


async def _show_card(deps: Deps, user_id: str, number: int, lang: Lang) -> dict[str, Any] | None:
    """The `inquiry show` card for its viewer, as it is now."""
    shown = await run_inquiry_command(
        deps, CommandRequest(user_id, f"show {number}", platform="teams")
    )
    if not isinstance(shown, StaffShow | CustomerShow):
        return None
    names: dict[str, str] = {}
    if isinstance(shown, StaffShow):
        card = shown.card
        ids = [card["requester"], card["assignee"], card.get("last_note_by")]
        ids += [e["actor"] for e in shown.history] + [e.get("detail_user") for e in shown.history]
        names = await names_of(deps, ids)
    activity = build_command_reply(shown, lang, names=names)
    return card_of(activity) if activity is not None else None


async def _refreshed(
    deps: Deps, view: str, user_id: str, number: int, lang: Lang
) -> dict[str, Any] | None:
    if view == "card":
        return await _triage_card(deps, number)
    if view == "show":
        return await _show_card(deps, user_id, number, lang)
    return None


async def _said_text(deps: Deps, lang: Lang, said: Said) -> tuple[str, Mentions]:
    names = await names_of(deps, people_of(said.params))
    mentions = Mentions()
    return said_card_text(lang, said, names, mentions), mentions


async def _perform(deps: Deps, request: ActionRequest) -> ActionResult:
    async with deps.sessions.begin() as session:
        result = await perform(session, deps, request)
    deps.outbox.kick()
    return result


async def _answer(
    deps: Deps,
    lang: Lang,
    result: ActionResult,
    *,
    user_id: str,
    view: str,
    from_form: bool,
    number: int | None,
) -> dict[str, Any]:
    """The invoke response of what the action did."""
    if isinstance(result, AskFor) and result.verb == ActionVerb.TRANSFER:
        choices = await staff_choices(deps, deps.config.assignable_in_order("teams"))
        extra = {VIEW: view} if view else {}
        return card_response(build_transfer_form(result.number, lang, choices, extra=extra))
    if isinstance(result, AskFor):
        form = build_form(Verb(result.verb.value), result.number, lang, view=view)
        return card_response(form)
    if isinstance(result, SnoozedNudge):
        return message_response(snoozed_text(lang, result.snoozed, deps))
    if isinstance(result, Created):
        text, mentions = await _said_text(deps, lang, result.said)
        return card_response(confirmation_card(text, mentions))
    said = result.said if isinstance(result, Done) else None
    if number is not None:
        refreshed = await _refreshed(deps, view, user_id, number, lang)
        if refreshed is not None:
            return card_response(refreshed)
    if said is None:
        said = Said("inquiry.teams_done", {"number": number or 0})
    text, mentions = await _said_text(deps, lang, said)
    if from_form:
        return card_response(confirmation_card(text, mentions))
    # an invoke's message carries no mention entities: people by name
    names = await names_of(deps, people_of(said.params))
    return message_response(t(lang, said.key, message=True, names=names, **said.params))


async def _submitted(
    deps: Deps,
    lang: Lang,
    verb: ActionVerb,
    fields: dict[str, str],
    base: ActionRequest,
    number: int | None,
    view: str,
) -> ActionRequest | dict[str, Any]:
    """A form's values as the request to perform, or the form again with its errors."""
    if verb == ActionVerb.CREATE:
        today = deps.clock.now().astimezone(deps.tz).date()
        form, errors = read_new_inquiry_form(fields, today, None, deps)
        if errors or form is None:
            shown = form_error_texts(lang, errors, {})
            return card_response(build_new_inquiry_form(lang, values=fields, errors=shown))
        return replace(base, form=form)
    assert number is not None
    if verb == ActionVerb.TRANSFER:
        return await _transfer_submitted(deps, lang, fields, base, number, view)
    if verb == ActionVerb.SET_ETA:
        values: dict[str, str | None] = {
            FormField.ETA_DATE: fields.get("date", ""),
            FormField.ETA_TIME: fields.get("time", ""),
        }
        eta, errors = read_eta_form(values, deps)
        if errors or eta is None:
            shown = form_error_texts(lang, errors, ETA_FIELDS)
            again = build_form(Verb.SET_ETA, number, lang, view=view, values=fields, errors=shown)
            return card_response(again)
        return replace(base, eta=eta)
    note, errors = read_note_form(fields)
    if errors:
        shown = form_error_texts(lang, errors, {})
        again = build_form(Verb(verb.value), number, lang, view=view, values=fields, errors=shown)
        return card_response(again)
    return replace(base, note=note)


async def _transfer_submitted(
    deps: Deps,
    lang: Lang,
    fields: dict[str, str],
    base: ActionRequest,
    number: int,
    view: str,
) -> ActionRequest | dict[str, Any]:
    """The transfer form's values as the transfer to perform, or the form again with its
    errors (no colleague, one who cannot take inquiries)."""
    values: dict[str, str | None] = {
        FormField.TRANSFER_TO: fields.get("to", ""),
        FormField.NOTE: fields.get("note", ""),
    }
    to_user, reason, errors = read_transfer_form(values)
    shown = form_error_texts(lang, errors, {str(FormField.TRANSFER_TO): "to"})
    refusal = assignable_refusal(deps, to_user) if to_user is not None else None
    if refusal is not None:
        shown["to"] = error_text(lang, refusal, message=False)
    if shown or to_user is None:
        choices = await staff_choices(deps, deps.config.assignable_in_order("teams"))
        extra = {VIEW: view} if view else {}
        form = build_transfer_form(number, lang, choices, values=fields, errors=shown, extra=extra)
        return card_response(form)
    return replace(base, to_user=to_user, note=reason)


async def _feature_response(deps: Deps, lang: Lang, result: FeatureResult) -> dict[str, Any]:
    """A callback command's result as an invoke's message (refusals in Slack's words)."""
    if isinstance(result, Replayed):
        return message_response(t(lang, "inquiry.teams_already_done", message=True))
    if isinstance(result, Refused):
        error = result.error
        names = await names_of(deps, people_of(error.params))
        return message_response(t(lang, error.key, message=True, names=names, **error.params))
    if isinstance(result, Said):
        names = await names_of(deps, people_of(result.params))
        return message_response(t(lang, result.key, message=True, names=names, **result.params))
    return message_response(t(lang, "callback.help", message=True))


async def _confirmed(deps: Deps, lang: Lang, result: FeatureResult) -> dict[str, Any]:
    """A submitted callback form: replaced by what was done (a refusal leaves it as it is)."""
    if isinstance(result, Said):
        text, mentions = await _said_text(deps, lang, result)
        return card_response(confirmation_card(text, mentions))
    return await _feature_response(deps, lang, result)


async def callback_action(
    deps: Deps, inbound: Inbound, verb: str, fields: dict[str, str]
) -> dict[str, Any]:
    """A callback offer's button: the same as typing `callback claim|done CB<n>`; can't opens
    its form (a colleague, optional, and why), whose submission passes the call on."""
    lang = await language_of(deps, inbound)
    number = fields.get("number", "")
    parsed = parse_callback_ref(number)
    request = FeatureRequest(
        user_id=teams_user_id(deps, inbound),
        text=f"{VERB_WORDS[CallbackVerb(verb)]} {parsed if parsed is not None else '?'}",
        platform="teams",
        key=delivery_key(inbound),
        intent=click_key(inbound, verb, number),
    )
    if verb == CallbackVerb.PASS and fields.get(FORM_MARK):
        return await _pass_submitted(deps, lang, request, parsed, fields)
    if verb == CallbackVerb.PASS:
        opened = await open_pass_form(deps, replace(request, key=None), parsed)
        if isinstance(opened, OpenPassForm):
            choices = await staff_choices(deps, opened.colleagues)
            return card_response(build_pass_form(lang, opened.number, choices))
        return await _feature_response(deps, lang, opened)
    result = await run_callback_command(deps, request)
    deps.outbox.kick()
    return await _feature_response(deps, lang, result)


async def _pass_submitted(
    deps: Deps,
    lang: Lang,
    request: FeatureRequest,
    number: int | None,
    fields: dict[str, str],
) -> dict[str, Any]:
    """The can't form: the same form with its errors, or the call passed on (or handed to
    the colleague chosen, with its context)."""
    if number is None:
        return await _feature_response(
            deps, lang, Refused(DomainError("callback.error.missing_ref"))
        )
    colleague = fields.get("colleague", "").strip() or None
    reason = fields.get("reason", "").strip()
    errors: dict[str, str] = {}
    if colleague and not deps.is_assignable(colleague):
        names = await names_of(deps, [colleague])
        errors["colleague"] = t(lang, "callback.error.owner_not_staff", names=names, user=colleague)
    elif colleague and deps.config.same_person(colleague, request.user_id):
        errors["colleague"] = t(lang, "handoff.error.self")
    if len(reason) > PASS_NOTE_CHARS:
        errors["reason"] = t(lang, "callback.form.too_long")
    if errors:
        choices = await staff_choices(deps, deps.config.assignable_in_order("teams"))
        form = build_pass_form(lang, number, choices, values=fields, errors=errors)
        return card_response(form)
    result = await pass_from_form(deps, replace(request, intent=None), number, colleague, reason)
    deps.outbox.kick()
    return await _confirmed(deps, lang, result)


async def log_callback_action(
    deps: Deps, inbound: Inbound, fields: dict[str, str]
) -> dict[str, Any]:
    """The log-a-callback form submitted: the same form with its errors, or the callback
    logged by the same service as the typed command."""
    lang = await language_of(deps, inbound)
    user_id = teams_user_id(deps, inbound)
    values: dict[str, str | None] = {name: fields.get(name) for name in CALLBACK_FORM_FIELDS}
    form, errors = read_callback_form(values)
    shown = {name: t(lang, key) for name, key in errors.items()}
    owner = (values.get("owner") or "").strip()
    if owner and not deps.is_assignable(owner):
        names = await names_of(deps, [owner])
        shown["owner"] = t(lang, "callback.error.owner_not_staff", names=names, user=owner)
    if shown or form is None:
        choices = await staff_choices(deps, deps.config.assignable_in_order("teams"))
        again = build_callback_form(lang, choices, values=fields, errors=shown)
        return card_response(again)
    result = await log_from_form(deps, user_id, form, delivery_key(inbound), "teams")
    deps.outbox.kick()
    return await _confirmed(deps, lang, result)


async def card_action(deps: Deps, inbound: Inbound) -> dict[str, Any]:
    """The invoke response to one `adaptiveCard/action` (refusals in Slack's words)."""
    lang = await language_of(deps, inbound)
    read = read_submission(inbound.value)
    if read is not None and read[0] in FEEDBACK_VERBS:
        return await feedback_card_action(deps, inbound, read[0], read[1], delivery_key(inbound))
    if read is not None and is_visit_verb(read[0]):
        intent = click_key(inbound, read[0], read[1].get("number", ""))
        return await visit_card_action(
            deps, inbound, read[0], read[1], delivery_key(inbound), intent
        )
    if read is not None and read[0] == CallbackVerb.LOG:
        return await log_callback_action(deps, inbound, read[1])
    if read is not None and read[0] in VERB_WORDS:
        return await callback_action(deps, inbound, read[0], read[1])
    if read is not None and read[0] == NOTICE_PLAN_VERB:
        return await notice_form_action(deps, inbound, lang, read[1])
    if read is not None and read[0] in (OUTBOX_RETRY, OUTBOX_DISCARD):
        return await outbox_action(deps, inbound, lang, read[0], read[1].get("id", ""))
    verb = VERBS.get(read[0]) if read is not None else None
    if read is None or verb is None:
        return message_response(t(lang, "inquiry.help_teams", message=True))
    fields = read[1]
    data = _raw_data(inbound)
    user_id = teams_user_id(deps, inbound)
    from_form = bool(fields.get(FORM_MARK))
    try:
        number = None if verb == ActionVerb.CREATE else number_of(fields.get("number"))
        view = await _view_of(deps, inbound, fields, number) if number is not None else ""
        request = ActionRequest(
            verb=verb,
            user_id=user_id,
            platform="teams",
            number=number,
            key=delivery_key(inbound),
            intent=None if from_form else click_key(inbound, verb.value, str(number or "")),
        )
        if verb == ActionVerb.SNOOZE:
            request = replace(
                request,
                reminder_ids=reminder_ids(data),
                minutes=snooze_minutes(data.get("minutes")),
            )
        elif from_form or verb == ActionVerb.CREATE:
            submitted = await _submitted(deps, lang, verb, fields, request, number, view)
            if isinstance(submitted, dict):
                return submitted
            request = submitted
        result = await _perform(deps, request)
        if isinstance(result, Replayed) and not view:
            return message_response(t(lang, "inquiry.teams_already_done", message=True))
        return await _answer(
            deps, lang, result, user_id=user_id, view=view, from_form=from_form, number=number
        )
    except DomainError as exc:
        names = await names_of(deps, people_of(exc.params))
        return message_response(error_text(lang, exc, names=names))


async def notice_form_action(
    deps: Deps, inbound: Inbound, lang: Lang, fields: dict[str, str]
) -> dict[str, Any]:
    """The new-notice form submitted: the same form with its errors, or the answer."""
    user_id = teams_user_id(deps, inbound)
    values: dict[str, str | None] = {name: fields.get(name) for name in FORM_FIELDS}
    result = await submit_notice_form(deps, user_id, values, key=delivery_key(inbound))
    deps.outbox.kick()
    if isinstance(result, FormErrors):
        errors = {
            field: render(lang, key, TeamsMarkup(), **params).text
            for field, (key, params) in result.errors.items()
        }
        shown = {k: v or "" for k, v in values.items()}
        return card_response(build_notice_form(lang, values=shown, errors=errors))
    if isinstance(result, Replayed):
        return message_response(t(lang, "inquiry.teams_already_done", message=True))
    if isinstance(result, Refused):
        return message_response(error_text(lang, result.error))
    activity = build_notice_reply(result, lang)
    return message_response(str((activity or {}).get("text") or ""))


async def outbox_action(
    deps: Deps, inbound: Inbound, lang: Lang, verb: str, row: str
) -> dict[str, Any]:
    """An admin's retry or discard of a failed delivery from the dashboard card; answered
    with the card refreshed (anyone else is refused in the same words as on Slack)."""
    user_id = teams_user_id(deps, inbound)
    if not row.isdigit() or len(row) > 18:
        return message_response(t(lang, "inquiry.help_teams", message=True))
    try:
        async with deps.sessions.begin() as session:
            if not await claim_action(session, deps, delivery_key(inbound)):
                return card_response(await home_card(deps, user_id, lang))
            await act_on_failure(
                session, deps, user_id, int(row), "retry" if verb == OUTBOX_RETRY else "discard"
            )
    except DomainError as exc:
        return message_response(error_text(lang, exc))
    deps.outbox.kick()
    return card_response(await home_card(deps, user_id, lang))


async def handle_card_action(deps: Deps, context: TurnContext, inbound: Inbound) -> None:
    """Answer an `adaptiveCard/action` invoke (Teams waits for this answer)."""
    await answer_invoke(context, await card_action(deps, inbound))
