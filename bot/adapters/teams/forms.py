"""Adaptive Card forms for Teams (pure data): new inquiry, ETA, progress / resolve / reopen.

A form is a card returned by an `Action.Execute` (Universal Actions: the card refreshes in
place with it). Its submit button carries the same neutral verb and the inquiry number;
Teams adds the inputs' values to the action's data, read back with `read_submission`.
Required fields are checked by the client (`isRequired` + `errorMessage`); the service's own
validation errors come back as the same form, with each error under its field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.teams.cards import Verb, adaptive_card, execute, text_block
from bot.adapters.teams.markup import card_texts
from bot.i18n import Lang, template

KINDS = ("voc", "support", "request", "regulatory")
NOTE_MAX = 3000
TITLE_MAX = 200
_NOTE_FORMS = {
    Verb.PROGRESS: ("modal.progress_title", "modal.progress_intro", "modal.progress_note"),
    Verb.RESOLVE: ("modal.resolve_title", "modal.resolve_intro", "modal.resolve_note"),
    Verb.REOPEN: ("modal.reopen_title", "modal.reopen_intro", "modal.reopen_note"),
}
FORM_MARK = "form"  # data key telling a form's submission from the button that opened it


def _label(lang: Lang, key: str) -> str:
    return template(lang, key)


def _error(text: str) -> dict[str, Any]:
    return text_block(text, color="Attention", size="Small", spacing="None")


def with_error(element: dict[str, Any], errors: Mapping[str, str] | None) -> list[dict[str, Any]]:
    out = [element]
    message = (errors or {}).get(element["id"])
    if message:
        out.append(_error(message))
    return out


def form_card(
    heading: str,
    inputs: Sequence[dict[str, Any]],
    errors: Mapping[str, str] | None,
    submit: dict[str, Any],
    *,
    intro: str = "",
    fallback: str = "",
) -> dict[str, Any]:
    """A form: its heading, an intro line (when any), each input with its error under it,
    one submit button."""
    body = [text_block(heading, weight="Bolder", size="Medium")]
    if intro:
        body.append(text_block(intro))
    for element in inputs:
        body += with_error(element, errors)
    return adaptive_card(body, [submit], fallback=fallback)


def text_input(
    name: str,
    label: str,
    value: str,
    *,
    required: bool = False,
    required_msg: str = "",
    **props: Any,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "Input.Text", "id": name, "label": label, **props}
    if value:
        element["value"] = value  # what the person edits, as they wrote it (never escaped)
    if required:
        element.update(isRequired=True, errorMessage=required_msg)
    return element


def build_eta_form(
    number: int,
    lang: Lang,
    *,
    date: str = "",
    time: str = "",
    errors: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The ETA form of an inquiry: a date (required) and a time (empty: close of business);
    `extra` data rides along with the submission (where the form was opened from)."""
    tr = card_texts(lang)
    required = _label(lang, "form.bad_date")
    date_input: dict[str, Any] = {
        "type": "Input.Date",
        "id": "date",
        "label": _label(lang, "modal.eta_date"),
        "isRequired": True,
        "errorMessage": required,
    }
    if date:
        date_input["value"] = date
    time_input: dict[str, Any] = {
        "type": "Input.Time",
        "id": "time",
        "label": _label(lang, "modal.eta_time"),
    }
    if time:
        time_input["value"] = time
    data = {**(extra or {}), "number": number, FORM_MARK: "eta"}
    return form_card(
        _label(lang, "modal.eta_title"),
        [date_input, time_input],
        errors,
        execute(_label(lang, "modal.submit"), Verb.SET_ETA, data),
        intro=tr("modal.eta_intro", number=number),
        fallback=f"#{number}",
    )


def build_note_form(
    verb: Verb,
    number: int,
    lang: Lang,
    *,
    note: str = "",
    errors: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The progress, resolve or reopen form: one required multi-line note."""
    title_key, intro_key, label_key = _NOTE_FORMS[verb]
    tr = card_texts(lang)
    note_input = text_input(
        "note",
        _label(lang, label_key),
        note[:NOTE_MAX],
        required=True,
        required_msg=_label(lang, "form.note_required"),
        isMultiline=True,
        maxLength=NOTE_MAX,
    )
    data = {**(extra or {}), "number": number, FORM_MARK: "note"}
    return form_card(
        _label(lang, title_key),
        [note_input],
        errors,
        execute(_label(lang, "modal.submit"), verb, data),
        intro=tr(intro_key, number=number),
        fallback=f"#{number}",
    )


def choice_set(
    name: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    value: str,
    *,
    required_msg: str = "",
) -> dict[str, Any]:
    """A compact choice set of people, (id, name) pairs: the name shown, the id submitted
    (a static list of the configured staff, which every Teams client renders)."""
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": name,
        "label": label,
        "style": "compact",
        "choices": [{"title": title or value_id, "value": value_id} for value_id, title in choices],
    }
    if value and value in dict(choices):
        element["value"] = value
    if required_msg:
        element.update(isRequired=True, errorMessage=required_msg)
    return element


def build_transfer_form(
    number: int,
    lang: Lang,
    choices: Sequence[tuple[str, str]],
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The transfer form of an inquiry: the colleague (a choice of the staff who may take
    inquiries) and why (optional); the same transfer as `inquiry transfer`."""
    values = values or {}
    tr = card_texts(lang)
    to = choice_set(
        "to",
        _label(lang, "inquiry.transfer_form.to"),
        choices,
        values.get("to", ""),
        required_msg=_label(lang, "inquiry.transfer_form.missing_to"),
    )
    note = text_input(
        "note",
        _label(lang, "inquiry.transfer_form.reason"),
        values.get("note", "")[:NOTE_MAX],
        isMultiline=True,
        maxLength=NOTE_MAX,
    )
    data = {**(extra or {}), "number": number, FORM_MARK: "transfer"}
    return form_card(
        _label(lang, "inquiry.transfer_form.title"),
        [to, note],
        errors,
        execute(_label(lang, "inquiry.transfer_form.submit"), Verb.TRANSFER, data),
        intro=tr("inquiry.transfer_form.intro", number=number),
        fallback=f"#{number}",
    )


def build_new_inquiry_form(
    lang: Lang,
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The new-inquiry form: kind and title required; detail, customer, contact, due date."""
    values = values or {}
    kind: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": "kind",
        "label": _label(lang, "modal.kind"),
        "style": "compact",
        "isRequired": True,
        "errorMessage": _label(lang, "form.kind_required"),
        "choices": [{"title": _label(lang, f"kind.{k}"), "value": k} for k in KINDS],
    }
    if values.get("kind") in KINDS:
        kind["value"] = values["kind"]
    fields: list[dict[str, Any]] = [
        kind,
        text_input(
            "title",
            _label(lang, "modal.title_field"),
            values.get("title", "")[:TITLE_MAX],
            required=True,
            required_msg=_label(lang, "form.title_required"),
            maxLength=TITLE_MAX,
        ),
        text_input(
            "detail",
            _label(lang, "modal.detail"),
            values.get("detail", "")[:NOTE_MAX],
            isMultiline=True,
            maxLength=NOTE_MAX,
        ),
        text_input(
            "customer",
            _label(lang, "modal.customer"),
            values.get("customer", "")[:200],
            maxLength=200,
        ),
        text_input(
            "contact",
            _label(lang, "modal.contact"),
            values.get("contact", "")[:200],
            maxLength=200,
        ),
        {"type": "Input.Date", "id": "due", "label": _label(lang, "modal.due")}
        | ({"value": values["due"]} if values.get("due") else {}),
    ]
    submit = execute(_label(lang, "modal.submit"), Verb.NEW, {FORM_MARK: "new"})
    return form_card(_label(lang, "modal.new_title"), fields, errors, submit)


def read_submission(value: Any) -> tuple[str, dict[str, str]] | None:
    """The verb and the string fields of an `adaptiveCard/action` invoke's value; None when it
    is no Action.Execute (any shape of input gives a result or None, never an exception)."""
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        return None
    verb = action.get("verb")
    data = action.get("data")
    if not isinstance(verb, str) or not isinstance(data, dict):
        return None
    fields = {
        str(k): (str(v) if not isinstance(v, bool) else ("true" if v else "false"))
        for k, v in data.items()
        if isinstance(v, str | int | bool) and len(str(k)) <= 40
    }
    return verb, fields
