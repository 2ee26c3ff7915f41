"""The answers of commands and card actions in Teams (pure data): neutral results in, message
activities and Universal Actions invoke responses out.

A command typed to the bot is answered in its conversation: text for short answers
(Said, Usage, Refused, Help), Adaptive Cards for lists, an inquiry with its history, and the
new-inquiry form. A card action (`adaptiveCard/action`) is answered in the invoke's own
response (Universal Actions): `application/vnd.microsoft.card.adaptive` replaces the card that
was acted on (a form, the refreshed card, a confirmation), and
`application/vnd.microsoft.activity.message` shows a short text under the card, leaving it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.teams.cards import (
    CONTENT_TYPE,
    VERB_LABELS,
    Verb,
    adaptive_card,
    build_inquiry_card,
    build_text_message,
    card_activity,
    card_verbs,
    clip,
    execute,
    text_block,
)
from bot.adapters.teams.forms import build_eta_form, build_new_inquiry_form, build_note_form
from bot.adapters.teams.markup import Mentions, Names, TeamsMarkup, card_texts, escape_card_text, t
from bot.adapters.teams.report import build_report_card
from bot.errors import DomainError
from bot.i18n import Lang, Phrase, localise, render
from bot.i18n.markup import Rendered
from bot.services.charter import CharterResult, Lines, ReportShown
from bot.services.inquiry_commands import (
    CommandResult,
    CustomerList,
    CustomerShow,
    DeliveryFailures,
    Help,
    OpenNewForm,
    Refused,
    StaffList,
    StaffShow,
    Usage,
)
from bot.services.inquiry_forms import FormErrors
from bot.services.results import Said

MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
CARD_RESPONSE = CONTENT_TYPE  # application/vnd.microsoft.card.adaptive
VIEW = "view"  # data key naming the card a button sits on: "card" (triage), "show"
HISTORY_LINES = 40


def _nested(lang: Lang, key: str, *, message: bool = False, **params: Any) -> Rendered:
    """A catalogue text rendered once for Teams, to pass into another (escaped only once)."""
    return render(lang, key, TeamsMarkup(message=message), **params)


def error_text(
    lang: Lang, error: DomainError, *, message: bool = True, names: Names | None = None
) -> str:
    """A refusal in the same words as Slack (the same catalogue keys and parameters; the
    Teams people in `names` by name)."""
    params = dict(error.params)
    who_key = params.pop("who_key", None)
    if who_key:
        params["who"] = _nested(lang, str(who_key), message=message)
    if "action" in params:
        params["action"] = _nested(lang, f"action.{params['action']}", message=message)
    if "status" in params:
        params["status"] = _nested(lang, f"status.{params['status']}", message=message)
    if "scope" in params:  # a list scope in the reader's words (`팀`, not `team`)
        params["scope"] = _nested(lang, f"scope.{params['scope']}", message=message)
    text = t(lang, error.key, message=message, names=names, **params)
    if error.usage:
        text += "\n\n" + t(lang, error.usage, message=message)
    return text


def said_message(lang: Lang, said: Said, names: Names | None = None) -> dict[str, Any]:
    """A service's answer as a message activity (people it names are mentions)."""
    mentions = Mentions()
    text = t(lang, said.key, message=True, mentions=mentions, names=names, **said.params)
    return build_text_message(text, mentions=mentions)


def said_card_text(lang: Lang, said: Said, names: Names | None, mentions: Mentions) -> str:
    """A service's answer as Adaptive Card text."""
    return t(lang, said.key, mentions=mentions, names=names, **said.params)


def text_message(text: str) -> dict[str, Any]:
    """A message activity of already rendered markdown text."""
    return build_text_message(text)


def usage_message(lang: Lang, usage: Usage) -> dict[str, Any]:
    """What is wrong with a command, then its usage, as a message activity."""
    text = t(lang, usage.key, message=True, **usage.params)
    return text_message(text + "\n\n" + t(lang, usage.usage, message=True))


def delivery_failures_text(lang: Lang, failures: DeliveryFailures) -> str:
    """For admins: how many notifications the outbox gave up on, and the latest reasons."""
    if not failures.total:
        return t(lang, "admin.delivery_ok", message=True)
    markup = TeamsMarkup(message=True)
    lines = [t(lang, "admin.delivery_failed", message=True, count=failures.total)]
    lines += [
        f"- {markup.escape(key[:60])} → {markup.escape(recipient)}: {markup.escape(error[:120])}"
        for key, recipient, error in failures.latest
    ]
    return "\n".join(lines)


def help_message(lang: Lang, failures: DeliveryFailures | None, *, staff: bool) -> dict[str, Any]:
    """The Teams command list (staff also get their commands; admins the delivery state)."""
    text = t(lang, "inquiry.help_teams", message=True)
    if staff:
        text += "\n\n" + t(lang, "inquiry.help_teams_staff", message=True)
        text += "\n\n" + t(lang, "visit.help_teams", message=True)
        text += "\n\n" + t(lang, "notice.help_teams", message=True)
    text += "\n\n" + t(lang, "feedback.help_teams", message=True)
    if failures is not None:
        text += "\n\n" + delivery_failures_text(lang, failures)
    return text_message(text)


def _line(lang: Lang, row: Mapping[str, Any], names: Names | None, mentions: Mentions) -> str:
    line = t(
        lang,
        "list.line",
        number=row["number"],
        title=clip(row["title"], 80),
        kind=_nested(lang, f"kind.{row['kind']}"),
        status=_nested(lang, f"status.{row['status']}"),
        deadline=row["deadline"],
    )
    who = row.get("assignee")
    if who:
        shown, _ = TeamsMarkup(mentions=mentions, names=names).person(who)
        line += " " + shown
    return line


def build_staff_list(result: StaffList, lang: Lang, names: Names | None = None) -> dict[str, Any]:
    """`inquiry list` for staff: one line per inquiry, by deadline, with who has it."""
    mentions = Mentions()
    scope = _nested(lang, f"scope.{result.scope}")
    if not result.rows:
        body = [text_block(t(lang, "list.empty", scope=scope))]
    else:
        body = [text_block(t(lang, "list.heading", scope=scope, total=result.total))]
        body += [text_block(_line(lang, r, names, mentions), spacing="Small") for r in result.rows]
        if result.total > len(result.rows):
            more = t(lang, "list.more", count=result.total - len(result.rows))
            body.append(text_block(more, isSubtle=True))
    return card_activity(adaptive_card(body, mentions=mentions))


def build_customer_list(result: CustomerList, lang: Lang) -> dict[str, Any]:
    """A customer's `inquiry list`: the inquiries they requested, customer view only."""
    if not result.rows:
        return card_activity(adaptive_card([text_block(t(lang, "customer.list_empty"))]))
    body = [text_block(t(lang, "customer.list_heading", total=result.total))]
    for view in result.rows:
        params: dict[str, Any] = {
            "number": view.number,
            "title": clip(view.title, 80),
            "status": _nested(lang, f"status.{view.status}"),
        }
        key = "customer.line_eta" if view.eta else "customer.line"
        if view.eta:
            params["eta"] = view.eta
        body.append(text_block(t(lang, key, **params), spacing="Small"))
    if result.total > len(result.rows):
        body.append(text_block(t(lang, "list.more", count=result.total - len(result.rows))))
    return card_activity(adaptive_card(body))


def build_customer_show(result: CustomerShow, lang: Lang) -> dict[str, Any]:
    """A customer's `inquiry show`: status, promised ETA, the updates sent to them, and
    Reopen once it is resolved (the one action a requester has)."""
    view = result.view
    facts = [
        {"title": t(lang, "customer.status"), "value": t(lang, f"status.{view.status}")},
        {
            "title": t(lang, "customer.eta"),
            "value": str(localise(lang, view.eta)) or t(lang, "customer.no_eta"),
        },
    ]
    body: list[dict[str, Any]] = [
        text_block(
            f"#{view.number} {escape_card_text(clip(view.title, 300))}",
            size="Large",
            weight="Bolder",
        ),
        {"type": "FactSet", "facts": facts},
    ]
    if view.updates:
        body.append(text_block(f"**{t(lang, 'customer.updates')}**", separator=True))
        for u in view.updates[-HISTORY_LINES:]:
            line = t(lang, "customer.update_line", at=u.at, what=_nested(lang, f"event.{u.kind}"))
            if isinstance(u.text, Phrase):  # the bot's own words, in the reader's language
                line += " — " + t(lang, u.text.key, **u.text.params)
            elif u.text:
                line += " — " + escape_card_text(clip(str(localise(lang, u.text)), 300))
            body.append(text_block(line, spacing="None", size="Small"))
    actions = []
    if not view.open:
        data = {"number": view.number, VIEW: "show"}
        actions.append(execute(t(lang, "button.reopen"), Verb.REOPEN, data))
    return card_activity(adaptive_card(body, actions, fallback=f"#{view.number}"))


def show_verbs(card: Mapping[str, Any], viewer_id: str, assignable: bool) -> list[Verb]:
    """What the staff viewer of `inquiry show` may do now (as Slack's buttons for a viewer)."""
    return card_verbs(card, may_assign=card["assignee"] != viewer_id and assignable)


def build_staff_show(
    card: dict[str, Any],
    history: list[dict[str, Any]],
    lang: Lang,
    *,
    viewer_id: str,
    assignable: bool,
    names: Names | None = None,
) -> dict[str, Any]:
    """`inquiry show` for staff: the inquiry's card with the viewer's buttons, then its
    history; the buttons say they sit on a `show` card (the action answers with this card)."""
    content = build_inquiry_card(card, lang, names=names)
    number = int(card["number"])
    content["actions"] = [
        execute(
            t(lang, VERB_LABELS[v]),
            v,
            {"number": number, VIEW: "show"},
            style="positive" if v == Verb.ASSIGN_ME else "",
        )
        for v in show_verbs(card, viewer_id, assignable)
    ]
    mentions = Mentions(list(content["msteams"].get("entities", [])))
    tr = card_texts(lang, mentions=mentions, names=names)
    lines = []
    for e in history[-HISTORY_LINES:]:
        line = tr("history.line", at=e["at"], actor=e["actor"], what=tr(f"event.{e['kind']}"))
        if e.get("detail_user"):
            line += " → " + TeamsMarkup(mentions=mentions, names=names).person(e["detail_user"])[0]
        if isinstance(e["detail"], Phrase):  # words of the bot's own, in the reader's language
            line += " — " + tr(e["detail"].key, **e["detail"].params)
        elif e["detail"]:
            line += " — " + escape_card_text(clip(e["detail"], 300))
        lines.append(line)
    if lines:
        content["body"].append(text_block("\n\n".join(lines), separator=True, size="Small"))
    if mentions.entities:
        content["msteams"]["entities"] = mentions.entities
    return card_activity(content, summary=f"#{number}")


def build_command_reply(
    result: CommandResult, lang: Lang, *, names: Names | None = None, staff: bool = False
) -> dict[str, Any] | None:
    """The answer to a command typed to the bot, as a message activity (None: nothing, the
    same command was answered the first time)."""
    if isinstance(result, Said):
        return said_message(lang, result, names)
    if isinstance(result, Usage):
        return usage_message(lang, result)
    if isinstance(result, Refused):
        return text_message(error_text(lang, result.error))
    if isinstance(result, Help):
        return help_message(lang, result.failures, staff=staff)
    if isinstance(result, StaffList):
        return build_staff_list(result, lang, names)
    if isinstance(result, CustomerList):
        return build_customer_list(result, lang)
    if isinstance(result, StaffShow):
        return build_staff_show(
            result.card,
            result.history,
            lang,
            viewer_id=result.viewer_id,
            assignable=result.assignable,
            names=names,
        )
    if isinstance(result, CustomerShow):
        return build_customer_show(result, lang)
    if isinstance(result, OpenNewForm):
        values = {"title": result.title, "detail": result.detail}
        return card_activity(build_new_inquiry_form(lang, values=values))
    return None  # Replayed


# ------------------------------------------------------------------ invoke responses
def card_response(card: dict[str, Any]) -> dict[str, Any]:
    """Replace the card acted on with this one."""
    return {"statusCode": 200, "type": CARD_RESPONSE, "value": card}


def message_response(text: str) -> dict[str, Any]:
    """Leave the card as it is and show this text."""
    return {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}


def card_of(activity: Mapping[str, Any]) -> dict[str, Any]:
    """The Adaptive Card an activity built here carries."""
    content: dict[str, Any] = activity["attachments"][0]["content"]
    return content


def confirmation_card(text: str, mentions: Mentions | None = None) -> dict[str, Any]:
    """A card that only says what was done (replaces a form whose origin is not a card)."""
    return adaptive_card([text_block(text)], mentions=mentions)


def form_error_texts(lang: Lang, errors: FormErrors, rename: Mapping[str, str]) -> dict[str, str]:
    """Form errors by the card's input id, as card text."""
    return {
        rename.get(str(field), str(field)): t(lang, error.key, **error.params)
        for field, error in errors.items()
    }


def build_form(
    verb: Verb,
    number: int,
    lang: Lang,
    *,
    view: str,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The form a verb asks for (ETA, or a note), remembering which card it replaced."""
    values = values or {}
    extra = {VIEW: view} if view else {}
    if verb == Verb.SET_ETA:
        return build_eta_form(
            number,
            lang,
            date=values.get("date", ""),
            time=values.get("time", ""),
            errors=errors,
            extra=extra,
        )
    return build_note_form(
        verb, number, lang, note=values.get("note", ""), errors=errors, extra=extra
    )


def build_charter_reply(
    result: CharterResult, lang: Lang, *, names: Names | None = None
) -> dict[str, Any] | None:
    """The answer to `charter …` typed to the bot (in the language it just chose, if so);
    None for a replay."""
    if isinstance(result, Lines):
        lang = result.lang or lang
        mentions = Mentions()
        text = "\n\n".join(
            t(lang, said.key, message=True, mentions=mentions, names=names, **said.params)
            for said in result.lines
        )
        return build_text_message(text, mentions=mentions)
    if isinstance(result, Usage):
        return usage_message(lang, result)
    if isinstance(result, Refused):
        return text_message(error_text(lang, result.error))
    if isinstance(result, ReportShown):
        return card_activity(build_report_card(lang, result.report, link=result.link))
    return None
