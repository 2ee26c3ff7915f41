"""Adaptive Cards and answers for callbacks, `/away` and handoffs in Teams: the callback
offer with its buttons (Action.Execute `callback.claim|done|pass`), the handoff card and the
`callback …` / `away …` command answers, from the same neutral lines as Slack
(bot/services/callbacks/layout.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from bot.adapters.teams.cards import adaptive_card, card_activity, clip, execute, text_block
from bot.adapters.teams.forms import FORM_MARK, choice_set, form_card, text_input
from bot.adapters.teams.markup import Mentions, Names, TeamsMarkup, t
from bot.adapters.teams.replies import error_text, said_message, text_message, usage_message
from bot.i18n import Lang, template
from bot.services.callback_commands import (
    PASS_NOTE_CHARS,
    CallbackList,
    CallbackShow,
    FeatureHelp,
    FeatureResult,
    OpenCallbackForm,
)
from bot.services.callbacks.layout import (
    Line,
    handoff_lines,
    list_lines,
    offer_lines,
    render_lines,
    state_params,
    step_lines,
)
from bot.services.inquiry_commands import Refused, Usage
from bot.services.results import Said

_CALLBACK = "callback"  # verbs are `callback.<what>`; built so no literal looks like a key
SUMMARY_CHARS = 120


class CallbackVerb(StrEnum):
    """The buttons of a callback offer (the same as Slack's I'll call / called back / can't)."""

    CLAIM = f"{_CALLBACK}.claim"
    DONE = f"{_CALLBACK}.done"
    PASS = f"{_CALLBACK}.pass"  # without a form mark: open the can't form
    LOG = f"{_CALLBACK}.log"  # the log-a-callback form's submit


# each button and the subcommand words it runs (can't opens its form first)
VERB_WORDS = {CallbackVerb.CLAIM: "claim", CallbackVerb.DONE: "done", CallbackVerb.PASS: "pass"}
# the inputs of the log-a-callback form, as Slack's modal has them
_FIELD_LIMITS = {"caller": 200, "company": 200, "phone": 40, "topic": 500, "inquiry": 20}
_LABELS = {
    CallbackVerb.CLAIM: ("callback.button.claim", "positive"),
    CallbackVerb.DONE: ("callback.button.done", ""),
    CallbackVerb.PASS: ("callback.button.pass", "destructive"),
}


def _lines(lang: Lang, lines: list[Line], names: Names | None, mentions: Mentions) -> list[str]:
    return render_lines(lang, lines, TeamsMarkup(mentions=mentions, names=names))


def _buttons(lang: Lang, number: int) -> list[dict[str, Any]]:
    return [
        execute(t(lang, label), verb, {"number": str(number)}, style=style)
        for verb, (label, style) in _LABELS.items()
    ]


def build_callback_card(
    langs: list[Lang],
    view: dict[str, Any],
    why: str,
    extra: dict[str, Any],
    *,
    names: Names | None = None,
) -> dict[str, Any]:
    """A callback offer as a card activity: its lines, and the buttons while it is not done."""
    mentions = Mentions()
    lines = offer_lines({**view, **state_params(view)}, why, extra)
    texts = [line for lang in langs for line in _lines(lang, lines, names, mentions)]
    actions = _buttons(langs[0], int(view["number"])) if view["state"] != "done" else []
    card = adaptive_card([text_block(x) for x in texts], actions, mentions=mentions)
    return card_activity(card, summary=clip(f"CB{view['number']}", SUMMARY_CHARS))


def build_handoff_card(
    lang: Lang, view: dict[str, Any], *, names: Names | None = None
) -> dict[str, Any]:
    """The handoff card of a transferred inquiry or callback (C8), one card with everything
    said (a callback's with its buttons while nobody has called back)."""
    mentions = Mentions()
    texts = _lines(lang, handoff_lines(view), names, mentions)
    if view.get("callback"):
        actions = [] if view["state"] == "done" else _buttons(lang, int(view["number"]))
        card = adaptive_card([text_block(x) for x in texts], actions, mentions=mentions)
        return card_activity(card, summary=clip(f"CB{view['number']}", SUMMARY_CHARS))
    card = adaptive_card([text_block(x) for x in texts], mentions=mentions)
    return card_activity(card, summary=clip(f"#{view['number']} {view['title']}", SUMMARY_CHARS))


def build_feature_reply(
    result: FeatureResult, lang: Lang, *, names: Names | None = None
) -> dict[str, Any] | None:
    """The answer to `callback …` / `away …` typed to the bot (None: already answered)."""
    if isinstance(result, Said):
        return said_message(lang, result, names)
    if isinstance(result, Usage):
        return usage_message(lang, result)
    if isinstance(result, Refused):
        return text_message(error_text(lang, result.error))
    if isinstance(result, FeatureHelp):
        return text_message(t(lang, result.key, message=True))
    if isinstance(result, OpenCallbackForm):
        choices = [(o, (names or {}).get(o, o)) for o in result.owners]
        return card_activity(build_callback_form(lang, choices))
    mentions = Mentions()
    markup = TeamsMarkup(message=True, mentions=mentions, names=names)
    if isinstance(result, CallbackList):
        head = t(lang, "callback.list.header", message=True, count=len(result.rows))
        body = render_lines(lang, list_lines(result.rows), markup)
    elif isinstance(result, CallbackShow):
        lines = render_lines(lang, list_lines([result.view]), markup)
        head, body = lines[0], render_lines(lang, step_lines(result.steps), markup)
    else:
        return None  # Replayed
    activity = text_message("\n\n".join([head, *body]))
    if mentions.entities:
        activity["entities"] = list(mentions.entities)
    return activity


def build_callback_form(
    lang: Lang,
    owners: Sequence[tuple[str, str]],
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The log-a-callback form, the fields of Slack's modal: whose call (a choice of the staff
    who may own one), caller, company, phone (required), topic, inquiry number, urgent; the
    service's errors come back under their fields."""
    values = values or {}
    owner = choice_set(
        "owner",
        template(lang, "callback.form.owner"),
        owners,
        values.get("owner", ""),
        required_msg=template(lang, "callback.error.missing_owner"),
    )
    inputs = [owner]
    for name, limit in _FIELD_LIMITS.items():
        element = text_input(
            name,
            template(lang, f"callback.form.{name}"),
            values.get(name, "")[:limit],
            required=name == "phone",
            required_msg=template(lang, "callback.error.missing_phone"),
            maxLength=limit,
            isMultiline=name == "topic",
        )
        inputs.append(element)
    urgent = {
        "type": "Input.Toggle",
        "id": "urgent",
        "title": template(lang, "callback.form.urgent"),
        "valueOn": "urgent",
        "valueOff": "",
        "value": "urgent" if values.get("urgent") == "urgent" else "",
    }
    submit = execute(
        template(lang, "callback.form.submit"), CallbackVerb.LOG, {FORM_MARK: "callback"}
    )
    return form_card(template(lang, "callback.form.title"), [*inputs, urgent], errors, submit)


def build_pass_form(
    lang: Lang,
    number: int,
    colleagues: Sequence[tuple[str, str]],
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The "can't" form: a colleague to hand the call to with its context (optional: none
    passes it on along the ladder) and why."""
    values = values or {}
    colleague = choice_set(
        "colleague",
        template(lang, "callback.pass_form.colleague"),
        colleagues,
        values.get("colleague", ""),
    )
    reason = text_input(
        "reason",
        template(lang, "callback.pass_form.reason"),
        values.get("reason", "")[:PASS_NOTE_CHARS],
        isMultiline=True,
        maxLength=PASS_NOTE_CHARS,
    )
    data = {"number": str(number), FORM_MARK: "pass"}
    return form_card(
        template(lang, "callback.pass_form.title"),
        [colleague, reason],
        errors,
        execute(template(lang, "callback.pass_form.submit"), CallbackVerb.PASS, data),
        intro=t(lang, "callback.pass_form.intro", number=number),
        fallback=f"CB{number}",
    )
