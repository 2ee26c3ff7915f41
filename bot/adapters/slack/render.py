"""Slack renderers of outbox messages, one per message kind (the renderer registry).

Each turns a neutral outbox row (bot.ports.Outgoing) into what chat.postMessage /
chat.update take: fallback text, Block Kit blocks (bot/adapters/slack/blocks), and the
object the message is about (a card's inquiry). A new kind of message adds one renderer
here, and one in every other platform's registry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.slack.blocks.callbacks import build_callback_offer, build_handoff_card
from bot.adapters.slack.blocks.common import literal, section
from bot.adapters.slack.blocks.digest import build_digest
from bot.adapters.slack.blocks.feedback import build_case_card, build_prompt
from bot.adapters.slack.blocks.inquiry import build_inquiry_card, texts
from bot.adapters.slack.blocks.nudges import build_nudge_message
from bot.adapters.slack.blocks.report import build_report
from bot.adapters.slack.blocks.visits import build_visit_buttons
from bot.adapters.slack.home_view import home_view
from bot.adapters.slack.text import escape, t
from bot.deps import Deps
from bot.i18n import Lang, with_times
from bot.ports import Outgoing, person_of
from bot.services import inquiries as svc
from bot.services.callbacks import callback_view, handoff_view
from bot.services.complaint_views import card_to_rewrite
from bot.services.digest.features import digest_links
from bot.services.outbox import anchor_of
from bot.services.refs import CARD, permalinks
from bot.services.reports.chart import chart_png
from bot.services.reports.publish import report_for, report_link
from storage.repos.inquiries import INQUIRY

MAX_TEXT = 39000


@dataclass(frozen=True)
class Rendered:
    """A message ready for Slack."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    # The object this message stands for (a card: ("inquiry", id)); its place is remembered.
    about: tuple[str, int] | None = None
    about_ref: str = CARD  # which of its messages ("card"; a notice's "post:<channel>")
    metadata: dict[str, Any] = field(default_factory=dict)  # extra metadata event_payload
    # A person's App Home view: published with views.publish (idempotent) instead of posted.
    view: dict[str, Any] | None = None
    # A file to share in the channel (the report's chart): (file name, bytes, alt text),
    # uploaded with files.getUploadURLExternal and files.completeUploadExternal.
    upload: tuple[str, bytes, str] | None = None


Renderer = Callable[[Deps, Outgoing], Awaitable[Rendered | None]]


async def _lang_for(deps: Deps, item: Outgoing) -> Lang | None:
    """A person's language for DMs; None for channels (which follow the channel rule)."""
    person = person_of(item.recipient)
    return None if person is None else await deps.languages.language_of(person)


async def render_message(deps: Deps, item: Outgoing) -> Rendered:
    """A catalogue message: the person's language in a DM; a requester's in their thread;
    channels both languages when bilingual_channels."""
    payload = item.payload
    lang = await _lang_for(deps, item)
    cfg = deps.config
    key, common = payload["text_key"], dict(payload["params"])
    localized: dict[str, dict[str, Any]] = payload.get("localized") or {}

    def params_in(lang: Lang) -> dict[str, Any]:
        params = {**common, **{k: v for k, v in localized.get(lang, {}).items() if v}}
        if isinstance(params.get("title"), str):
            params["title"] = literal(params["title"])  # a title never turns into formatting
        return params

    tz, company = deps.tz, cfg.timezone
    today = deps.clock.now().astimezone(tz).date()  # dates of another year show the year
    reader_id = payload.get("reader") or person_of(item.recipient)
    if reader_id and (lang is not None or payload.get("reader")):
        # A DM, or a post written for one reader (the requester in their thread).
        reader = await deps.languages.reader_of(reader_id)
        zone = reader.tz not in ("", company)
        if reader.known or lang is not None:
            text = t(
                reader.lang,
                key,
                **with_times(params_in(reader.lang), reader.lang, tz, zone=zone, today=today),
            )
        else:
            # Locale unknown: both languages, the one their own message was written in first.
            first: Lang = "en" if payload.get("first") == "en" else "ko"
            other: Lang = "en" if first == "ko" else "ko"
            second = t(
                other, key, **with_times(params_in(other), other, tz, zone=True, today=today)
            )
            one = t(first, key, **with_times(params_in(first), first, tz, zone=True, today=today))
            text = f"{one}\n{second}"
    elif payload.get("bilingual", cfg.bilingual_channels) is not False and cfg.bilingual_channels:
        first = cfg.language
        other = "en" if first == "ko" else "ko"
        text = (
            f"{t(first, key, **with_times(params_in(first), first, tz, zone=True, today=today))}\n"
            f"{t(other, key, **with_times(params_in(other), other, tz, zone=True, today=today))}"
        )
    else:
        lang_ = cfg.language
        text = t(lang_, key, **with_times(params_in(lang_), lang_, tz, zone=False, today=today))
    about, about_ref = anchor_of(payload)
    return Rendered(text=text[:MAX_TEXT], about=about, about_ref=about_ref)


async def render_nudge(deps: Deps, item: Outgoing) -> Rendered:
    """A grouped nudge: the person's language for DMs; channels as the cards (the default
    language first, then the other when bilingual_channels)."""
    lang = await _lang_for(deps, item)
    cfg = deps.config
    items: list[dict[str, Any]] = item.payload["items"]
    ids = {int(i["inquiry_id"]) for i in items if i.get("inquiry_id") and not i.get("link")}
    if ids:
        # Each line links to its card (its permalink, stored when the card was posted).
        async with deps.reads() as session:
            links = await permalinks(session, INQUIRY, ids, CARD, "slack")
        items = [
            {**i, "link": i.get("link") or links.get(i.get("inquiry_id") or 0, "")} for i in items
        ]
    text, blocks = build_nudge_message(
        lang or cfg.language, items, bilingual=lang is None and cfg.bilingual_channels
    )
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


async def render_digest(deps: Deps, item: Outgoing) -> Rendered:
    """A manager's digest (their language), or a team summary in the reports channel (as the
    channel posts: the default language)."""
    lang = await _lang_for(deps, item) or deps.config.language
    payload = item.payload
    links = await digest_links(deps, payload, "slack")
    text, blocks = build_digest(lang, payload, links)
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


async def render_report(deps: Deps, item: Outgoing) -> Rendered:
    """The monthly report in the reports channel (both languages when bilingual_channels);
    its `chart` row: the chart as a PNG file to upload, with a line saying what it shows."""
    cfg = deps.config
    year, month = (int(x) for x in str(item.payload["month"]).split("-"))
    report = await report_for(deps, year, month)
    other: Lang = "en" if cfg.language == "ko" else "ko"
    langs: tuple[Lang, ...] = (cfg.language, other) if cfg.bilingual_channels else (cfg.language,)
    if item.payload.get("chart"):
        comment = "\n".join(t(la, "report.chart.comment", month=report.month) for la in langs)
        alt = t(cfg.language, "report.chart.alt", month=report.month)
        png = chart_png(report)
        return Rendered(text=comment, upload=(f"charter-{report.month}.png", png, alt))
    link = report_link(deps, report.month, for_admin=False)
    # the chart is uploaded after it (the row above): no image by address here
    text, blocks = build_report(langs, report, link=link)
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


async def render_home(deps: Deps, item: Outgoing) -> Rendered | None:
    """A person's App Home as it is now (bot.services.home_refresh); None for a channel."""
    person = person_of(item.recipient)
    if person is None:
        return None
    return Rendered(text="", view=await home_view(deps, person))


async def render_card(deps: Deps, item: Outgoing) -> Rendered | None:
    """An inquiry's triage card as it is now; None when the inquiry is gone."""
    inquiry_id = int(item.payload["inquiry_id"])
    card = await svc.card_of(deps, inquiry_id, "slack")
    if card is None:
        return None
    cfg = deps.config
    return Rendered(
        text=f"#{card['number']} {escape(card['title'])}",
        blocks=build_inquiry_card(
            card, texts(cfg.language, cfg.bilingual_channels), lang=cfg.language
        ),
        about=(INQUIRY, inquiry_id),
        metadata={"inquiry": card["number"]},
    )


async def render_prompt(deps: Deps, item: Outgoing) -> Rendered:
    """A catalogue message with buttons (a survey's ratings, "open a complaint"): the text as
    render_message writes it, the labels in the reader's language (both when unknown)."""
    message = await render_message(deps, item)
    payload = item.payload
    reader_id = payload.get("reader") or person_of(item.recipient)
    lang: Lang = deps.config.language
    bilingual = deps.config.bilingual_channels
    if reader_id:
        reader = await deps.languages.reader_of(reader_id)
        known = reader.known or person_of(item.recipient) is not None
        lang, bilingual = (reader.lang, False) if known else (lang, True)
    blocks = build_prompt(
        message.text, list(payload.get("buttons") or []), lang, bilingual=bilingual
    )
    return Rendered(
        text=message.text, blocks=blocks, about=message.about, about_ref=message.about_ref
    )


async def render_case(deps: Deps, item: Outgoing) -> Rendered | None:
    """A reviewer's complaint case card as the case now is (rewritten in place where their
    first case card lives); None when the case is gone or the viewer no longer reviews it."""
    case = await card_to_rewrite(deps, item.payload)
    if case is None:
        return None
    text, blocks = build_case_card(await _lang_for(deps, item) or deps.config.language, case)
    about, about_ref = anchor_of(item.payload)
    return Rendered(text=text, blocks=blocks, about=about, about_ref=about_ref)


async def render_visit(deps: Deps, item: Outgoing) -> Rendered:
    """A desk alert with buttons (bot.services.visits): the catalogue message as for
    `message`, and its buttons labelled in the reader's language (a channel's: the default)."""
    text = (await render_message(deps, item)).text
    lang = await _lang_for(deps, item) or deps.config.language
    blocks: list[dict[str, Any]] = [section(text[:2900])]
    actions = build_visit_buttons(lang, item.payload.get("buttons") or [])
    if actions is not None:
        blocks.append(actions)
    return Rendered(text=text, blocks=blocks)


async def _langs(deps: Deps, item: Outgoing) -> list[Lang]:
    """A DM: the person's language; a channel: the default (and the other when bilingual)."""
    lang = await _lang_for(deps, item)
    if lang is not None:
        return [lang]
    first = deps.config.language
    return [first, "en" if first == "ko" else "ko"] if deps.config.bilingual_channels else [first]


async def render_callback(deps: Deps, item: Outgoing) -> Rendered | None:
    """A callback offer (or escalation) with its buttons, as the callback is now; the phone
    number in full only in a staff member's DM (masked in a channel)."""
    payload = item.payload
    view = await callback_view(
        deps, int(payload["callback_id"]), full_phone=person_of(item.recipient) is not None
    )
    if view is None:
        return None
    text, blocks = build_callback_offer(await _langs(deps, item), view, payload["why"], payload)
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


async def render_handoff(deps: Deps, item: Outgoing) -> Rendered | None:
    """The handoff card of a transferred inquiry (C8), in the new assignee's language."""
    payload = item.payload
    view = await handoff_view(deps, payload["object_kind"], int(payload["object_id"]))
    if view is None:
        return None
    text, blocks = build_handoff_card((await _langs(deps, item))[0], view)
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


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
