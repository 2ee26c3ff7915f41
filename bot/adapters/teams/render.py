"""Teams renderers of outbox messages, one per message kind (the renderer registry).

Each turns a neutral outbox row (bot.ports.Outgoing) into the message activity the Bot
Connector takes: catalogue text as Teams markdown (bot/adapters/teams/markup.py, `<at>`
mentions with their entities), the inquiry's triage card and grouped nudges as Adaptive Cards
(bot/adapters/teams/cards.py), and the object the message stands for (a card's inquiry).
The same kinds as Slack's registry (bot/adapters/slack/render.py); a new kind of message adds
one renderer here and one there.

People: a person is mentioned by their Teams id when the Directory knows their name there.
Someone known only by another platform's id (a Slack requester on a Teams card) is their
Teams id when `[[people]]` names one, else their stored display name (or their `[[people]]`
name) as plain text, else their id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.adapters.teams.callbacks import build_callback_card, build_handoff_card
from bot.adapters.teams.cards import (
    MAX_MESSAGE_BYTES,
    adaptive_card,
    build_inquiry_card,
    build_nudge_card,
    card_activity,
    clip,
    message_size,
    text_block,
)
from bot.adapters.teams.digest import build_digest_card
from bot.adapters.teams.feedback import case_card
from bot.adapters.teams.home import home_card
from bot.adapters.teams.markup import Mentions, t
from bot.adapters.teams.report import CHART_DPI, build_report_card, data_uri
from bot.adapters.teams.visits import build_visit_card
from bot.deps import Deps
from bot.domain.text import sanitize
from bot.i18n import Lang, is_people_param, is_person_param, people_of, with_times
from bot.ports import Outgoing, person_of, platform_of_user
from bot.services import inquiries as svc
from bot.services.callbacks import callback_view, handoff_view
from bot.services.complaint_views import card_to_rewrite
from bot.services.digest.features import digest_links
from bot.services.outbox import anchor_of
from bot.services.refs import CARD
from bot.services.reports.chart import chart_png
from bot.services.reports.publish import chart_link, report_for, report_link
from storage.repos.inquiries import INQUIRY
from storage.repos.people import get_profile

# Teams refuses a message over about 28 KB; Korean takes 3 bytes a character in UTF-8.
MAX_TEXT = 8000
SUMMARY_CHARS = 120  # the notification preview of a card
_CARD_PEOPLE = ("requester", "assignee", "last_note_by")  # describe()'s people


@dataclass(frozen=True)
class Rendered:
    """A message ready for the Bot Connector."""

    activity: dict[str, Any]
    # The object this message stands for (a card: ("inquiry", id)); its place is remembered.
    about: tuple[str, int] | None = None
    about_ref: str = CARD  # which of its messages ("card"; a notice's "post:<channel>")


Renderer = Callable[[Deps, Outgoing], Awaitable[Rendered | None]]


@dataclass(frozen=True)
class People:
    """How the people of one message appear in Teams: the id each given id stands for there
    (a Teams id, or a name shown as text) and the names of the Teams ids (mentionable)."""

    shown_as: dict[str, str]
    names: dict[str, str]

    def swap(self, value: Any) -> Any:
        """A person parameter (or a list of them) with every id as it appears in Teams."""
        if isinstance(value, list | tuple):
            return [self.shown_as.get(str(v), v) if v else v for v in value]
        return self.shown_as.get(value, value) if isinstance(value, str) and value else value


async def names_of(deps: Deps, user_ids: Iterable[str | None]) -> dict[str, str]:
    """Display names of the Teams people among user_ids (who can be @mentioned)."""
    names: dict[str, str] = {}
    for user_id in dict.fromkeys(u for u in user_ids if u):
        if platform_of_user(user_id) != "teams":
            continue
        name = (await deps.languages.reader_of(user_id)).name
        if name:
            names[user_id] = name
    return names


async def teams_people(deps: Deps, ids: Iterable[str]) -> People:
    """Who each id is in Teams (see the module doc), asked of deps.languages once each."""
    shown_as: dict[str, str] = {}
    names: dict[str, str] = {}
    for user_id in dict.fromkeys(i for i in ids if i):
        configured = deps.config.person_of(user_id)
        teams_id = deps.config.id_on(user_id, "teams")
        if teams_id:
            name = (await deps.languages.reader_of(teams_id)).name
            name = name or (configured.name if configured else "")
            shown_as[user_id] = teams_id
            if name:
                names[teams_id] = name
            continue
        name = ""
        if platform_of_user(user_id) is not None:
            # Only what is stored: Teams delivery never waits on another platform's API.
            async with deps.reads() as session:
                profile = await get_profile(session, user_id=user_id)
            name = profile.name if profile is not None else ""
        name = name or (configured.name if configured else "")
        if name:
            # Not a Teams id: never an `<at>` mention; the name is escaped as plain text.
            shown_as[user_id] = name
    return People(shown_as, names)


def swap_people(params: dict[str, Any], people: People) -> dict[str, Any]:
    """Message parameters with every person (and list of people) as they appear in Teams."""
    return {
        name: people.swap(value) if is_person_param(name) or is_people_param(name, value) else value
        for name, value in params.items()
    }


def text_activity(text: str, mentions: Mentions) -> dict[str, Any]:
    """A markdown message activity with its mention entities."""
    activity: dict[str, Any] = {
        "type": "message",
        "text": clip(text, MAX_TEXT),
        "textFormat": "markdown",
    }
    if mentions.entities:
        activity["entities"] = list(mentions.entities)
    return activity


async def render_message(deps: Deps, item: Outgoing) -> Rendered:
    """A catalogue message: the person's language in a DM; a requester's in their thread;
    channels both languages when bilingual_channels (as on Slack)."""
    payload = item.payload
    cfg = deps.config
    key = payload["text_key"]
    raw: dict[str, Any] = dict(payload["params"])
    people = await teams_people(deps, people_of(raw))
    params = swap_people(raw, people)
    localized: dict[str, dict[str, Any]] = payload.get("localized") or {}
    mentions = Mentions()
    tz, company = deps.tz, cfg.timezone

    def say(lang: Lang, *, zone: bool) -> str:
        own = {k: v for k, v in localized.get(lang, {}).items() if v}
        values = with_times({**params, **own}, lang, tz, zone=zone)
        return t(lang, key, message=True, mentions=mentions, names=people.names, **values)

    person = person_of(item.recipient)
    reader_id = payload.get("reader") or person
    if reader_id:
        # A DM, or a post written for one reader (the requester in their thread).
        reader = await deps.languages.reader_of(reader_id)
        zone = reader.tz not in ("", company)
        if reader.known or person is not None:
            text = say(reader.lang, zone=zone)
        else:
            # Locale unknown: both languages, the one their own message was written in first.
            first: Lang = "en" if payload.get("first") == "en" else "ko"
            other: Lang = "en" if first == "ko" else "ko"
            text = f"{say(first, zone=True)}\n\n{say(other, zone=True)}"
    elif payload.get("bilingual", cfg.bilingual_channels) is not False and cfg.bilingual_channels:
        first = cfg.language
        other = "en" if first == "ko" else "ko"
        text = f"{say(first, zone=True)}\n\n{say(other, zone=True)}"
    else:
        text = say(cfg.language, zone=False)
    about, about_ref = anchor_of(payload)
    return Rendered(text_activity(text, mentions), about=about, about_ref=about_ref)


async def render_nudge(deps: Deps, item: Outgoing) -> Rendered:
    """A grouped nudge card: the person's language for DMs; channels as the cards (the
    default language, with the other one when bilingual_channels)."""
    person = person_of(item.recipient)
    lang = await deps.languages.language_of(person) if person else None
    cfg = deps.config
    items: list[dict[str, Any]] = item.payload["items"]
    people = await teams_people(deps, (str(i.get("assignee") or "") for i in items))
    items = [{**i, "assignee": people.swap(i.get("assignee") or "")} for i in items]
    card = build_nudge_card(
        lang or cfg.language,
        items,
        bilingual=lang is None and cfg.bilingual_channels,
        names=people.names,
    )
    return Rendered(card_activity(card))


async def render_digest(deps: Deps, item: Outgoing) -> Rendered:
    """A manager's digest card (their language), or a team summary in the reports channel."""
    person = person_of(item.recipient)
    lang = await deps.languages.language_of(person) if person else deps.config.language
    payload = item.payload
    links = await digest_links(deps, payload, "teams")
    people = await teams_people(
        deps, (str(i.get("who") or "") for s in payload.get("sections") or [] for i in s["items"])
    )
    sections = [
        {**s, "items": [{**i, "who": people.swap(i.get("who") or "")} for i in s["items"]]}
        for s in payload.get("sections") or []
    ]
    card = build_digest_card(lang, {**payload, "sections": sections}, links, names=people.names)
    return Rendered(card_activity(card, summary=clip(sanitize(payload.get("day", "")), 40)))


async def render_report(deps: Deps, item: Outgoing) -> Rendered:
    """The monthly report card in the reports channel."""
    cfg = deps.config
    year, month = (int(x) for x in str(item.payload["month"]).split("-"))
    report = await report_for(deps, year, month)
    link = report_link(deps, report.month, for_admin=False)
    summary = f"charter {report.month}"
    inline = data_uri(chart_png(report, dpi=CHART_DPI))
    for image in (inline, chart_link(deps, report.month)):
        card = build_report_card(
            cfg.language, report, bilingual=cfg.bilingual_channels, link=link, image=image
        )
        activity = card_activity(card, summary=summary)
        if message_size(activity) <= MAX_MESSAGE_BYTES:
            break  # the chart inline; too large: by its address (or none)
    return Rendered(activity)


async def render_home(deps: Deps, item: Outgoing) -> Rendered | None:
    """A person's dashboard card as it is now (updated in place by the delivery); None for
    anything but a person."""
    person = person_of(item.recipient)
    if person is None:
        return None
    card = await home_card(deps, person, await deps.languages.language_of(person))
    return Rendered(card_activity(card))


async def render_card(deps: Deps, item: Outgoing) -> Rendered | None:
    """An inquiry's triage card as it is now; None when the inquiry is gone."""
    inquiry_id = int(item.payload["inquiry_id"])
    card = await svc.card_of(deps, inquiry_id, "teams")
    if card is None:
        return None
    people = await teams_people(deps, (str(card.get(field) or "") for field in _CARD_PEOPLE))
    for field in _CARD_PEOPLE:
        card[field] = people.swap(card.get(field) or "")
    cfg = deps.config
    content = build_inquiry_card(
        card, cfg.language, bilingual=cfg.bilingual_channels, names=people.names
    )
    summary = clip(sanitize(f"#{card['number']} {card['title']}"), SUMMARY_CHARS)
    return Rendered(card_activity(content, summary=summary), about=(INQUIRY, inquiry_id))


async def render_prompt(deps: Deps, item: Outgoing) -> Rendered:
    """A catalogue message with buttons (a survey's ratings, "open a complaint"): an Adaptive
    Card with the text as render_message writes it and one Action.Execute per button
    (the verb, and the value in its data), labelled in the reader's language."""
    message = await render_message(deps, item)
    text = str(message.activity.get("text") or "")
    person = person_of(item.recipient)
    reader_id = item.payload.get("reader") or person
    lang: Lang = deps.config.language
    if reader_id:
        lang = (await deps.languages.reader_of(reader_id)).lang
    actions = [
        {
            "type": "Action.Execute",
            "title": t(lang, str(spec.get("label_key") or ""), message=False),
            "verb": str(spec["verb"]),
            "data": {"value": str(spec.get("value") or "")[:200]},
            **({"style": "positive"} if spec.get("style") == "primary" else {}),
            **({"style": "destructive"} if spec.get("style") == "danger" else {}),
        }
        for spec in list(item.payload.get("buttons") or [])[:6]
    ]
    card = adaptive_card([text_block(text)], actions)
    entities = message.activity.get("entities")
    if entities:
        card["msteams"]["entities"] = entities
    summary = clip(sanitize(text), SUMMARY_CHARS)
    return Rendered(card_activity(card, summary=summary), message.about, message.about_ref)


async def render_case(deps: Deps, item: Outgoing) -> Rendered | None:
    """A reviewer's complaint case card as the case now is (updated in place where their
    first case card lives); None when the case is gone or the viewer no longer reviews it."""
    case = await card_to_rewrite(deps, item.payload)
    if case is None:
        return None
    person = person_of(item.recipient)
    lang = await deps.languages.language_of(person) if person else deps.config.language
    people = [case.data.get("staff_user"), case.data.get("reporter_user")]
    card = case_card(lang, case, await names_of(deps, people))
    about, about_ref = anchor_of(item.payload)
    return Rendered(card_activity(card, summary=case.ref), about, about_ref)


async def render_visit(deps: Deps, item: Outgoing) -> Rendered:
    """A desk alert with buttons (bot.services.visits): the catalogue message as for
    `message`, in a card with its `Action.Execute` buttons (the reader's language; a channel's:
    the default)."""
    message = (await render_message(deps, item)).activity
    person = person_of(item.recipient)
    lang = await deps.languages.language_of(person) if person else deps.config.language
    card = build_visit_card(message["text"], lang, item.payload.get("buttons") or [])
    if message.get("entities"):
        card["msteams"]["entities"] = message["entities"]
    summary = clip(sanitize(message["text"]), SUMMARY_CHARS)
    return Rendered(card_activity(card, summary=summary))


_VIEW_PEOPLE = (
    "owner",
    "logged_by",
    "claimed_by",
    "called_back_by",
    "by",
    "from",
    "to",
    "requester",
)


async def _swapped(
    deps: Deps, view: dict[str, Any], extra: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], People]:
    """A callback or handoff view (and an offer's payload) with every person as Teams shows
    them (see teams_people)."""
    ids = [str(view.get(f) or "") for f in _VIEW_PEOPLE] + [
        str(extra.get(f) or "") for f in ("owner", "by")
    ]
    history = (view.get("inquiry") or view).get("history") or []
    ids += [str(e.get("actor") or "") for e in history]
    people = await teams_people(deps, ids)
    view = {f: people.swap(v) if f in _VIEW_PEOPLE else v for f, v in view.items()}
    extra = {f: people.swap(v) if f in ("owner", "by") else v for f, v in extra.items()}
    return view, extra, people


async def _langs(deps: Deps, item: Outgoing) -> list[Lang]:
    person = person_of(item.recipient)
    if person is not None:
        return [await deps.languages.language_of(person)]
    first = deps.config.language
    return [first, "en" if first == "ko" else "ko"] if deps.config.bilingual_channels else [first]


async def render_callback(deps: Deps, item: Outgoing) -> Rendered | None:
    """A callback offer card with its buttons (the phone number in full in a DM only)."""
    payload = item.payload
    view = await callback_view(
        deps, int(payload["callback_id"]), full_phone=person_of(item.recipient) is not None
    )
    if view is None:
        return None
    view, extra, people = await _swapped(deps, view, dict(payload))
    activity = build_callback_card(
        await _langs(deps, item), view, payload["why"], extra, names=people.names
    )
    return Rendered(activity)


async def render_handoff(deps: Deps, item: Outgoing) -> Rendered | None:
    """The handoff card of a transferred inquiry, in the new assignee's language."""
    payload = item.payload
    view = await handoff_view(deps, payload["object_kind"], int(payload["object_id"]))
    if view is None:
        return None
    view, _, people = await _swapped(deps, view, {})
    lang = (await _langs(deps, item))[0]
    return Rendered(build_handoff_card(lang, view, names=people.names))


RENDERERS: dict[str, Renderer] = {
    "visit": render_visit,
    "message": render_message,
    "prompt": render_prompt,
    "case": render_case,
    "nudge": render_nudge,
    "card": render_card,
    "callback": render_callback,
    "handoff": render_handoff,
    "digest": render_digest,
    "report": render_report,
    "home": render_home,
}
