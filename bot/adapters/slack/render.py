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

from bot.adapters.slack.blocks.common import literal
from bot.adapters.slack.blocks.digest import build_digest
from bot.adapters.slack.blocks.inquiry import build_inquiry_card, texts
from bot.adapters.slack.blocks.nudges import build_nudge_message
from bot.adapters.slack.blocks.report import build_report
from bot.adapters.slack.text import escape, t
from bot.deps import Deps
from bot.i18n import Lang, with_times
from bot.ports import Outgoing, person_of
from bot.services import inquiries as svc
from bot.services.refs import CARD, permalinks
from bot.services.reports.publish import chart_link, report_for, report_link
from storage.repos.inquiries import INQUIRY

MAX_TEXT = 39000


@dataclass(frozen=True)
class Rendered:
    """A message ready for Slack."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    # The object this message stands for (a card: ("inquiry", id)); its place is remembered.
    about: tuple[str, int] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # extra metadata event_payload


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
    key, params = payload["text_key"], dict(payload["params"])
    if isinstance(params.get("title"), str):
        params["title"] = literal(params["title"])  # a title never turns into formatting
    tz, company = deps.tz, cfg.timezone
    today = deps.clock.now().astimezone(tz).date()  # dates of another year show the year
    reader_id = payload.get("reader") or person_of(item.recipient)
    if reader_id and (lang is not None or payload.get("reader")):
        # A DM, or a post written for one reader (the requester in their thread).
        reader = await deps.languages.reader_of(reader_id)
        zone = reader.tz not in ("", company)
        if reader.known or lang is not None:
            text = t(
                reader.lang, key, **with_times(params, reader.lang, tz, zone=zone, today=today)
            )
        else:
            # Locale unknown: both languages, the one their own message was written in first.
            first: Lang = "en" if payload.get("first") == "en" else "ko"
            other: Lang = "en" if first == "ko" else "ko"
            second = t(other, key, **with_times(params, other, tz, zone=True, today=today))
            text = f"{t(first, key, **with_times(params, first, tz, zone=True, today=today))}\n{second}"
    elif payload.get("bilingual", cfg.bilingual_channels) is not False and cfg.bilingual_channels:
        first = cfg.language
        other = "en" if first == "ko" else "ko"
        text = (
            f"{t(first, key, **with_times(params, first, tz, zone=True, today=today))}\n"
            f"{t(other, key, **with_times(params, other, tz, zone=True, today=today))}"
        )
    else:
        text = t(cfg.language, key, **with_times(params, cfg.language, tz, zone=False, today=today))
    return Rendered(text=text[:MAX_TEXT])


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
    ids = {
        int(i["object"][1])
        for s in payload.get("sections") or []
        for i in s.get("items") or []
        if i.get("object") and i["object"][0] == INQUIRY and i["object"][1]
    }
    links: dict[int, str] = {}
    if ids:
        async with deps.reads() as session:
            links = await permalinks(session, INQUIRY, ids, CARD, "slack")
    text, blocks = build_digest(lang, payload, links)
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


async def render_report(deps: Deps, item: Outgoing) -> Rendered:
    """The monthly report in the reports channel (both languages when bilingual_channels)."""
    cfg = deps.config
    year, month = (int(x) for x in str(item.payload["month"]).split("-"))
    report = await report_for(deps, year, month)
    other: Lang = "en" if cfg.language == "ko" else "ko"
    langs: tuple[Lang, ...] = (cfg.language, other) if cfg.bilingual_channels else (cfg.language,)
    link = report_link(deps, report.month, for_admin=False)
    text, blocks = build_report(langs, report, link=link, image=chart_link(deps, report.month))
    return Rendered(text=text[:MAX_TEXT], blocks=blocks)


async def render_card(deps: Deps, item: Outgoing) -> Rendered | None:
    """An inquiry's triage card as it is now; None when the inquiry is gone."""
    inquiry_id = int(item.payload["inquiry_id"])
    card = await svc.card_of(deps, inquiry_id, "slack")
    if card is None:
        return None
    cfg = deps.config
    return Rendered(
        text=f"#{card['number']} {escape(card['title'])}",
        blocks=build_inquiry_card(card, texts(cfg.language, cfg.bilingual_channels)),
        about=(INQUIRY, inquiry_id),
        metadata={"inquiry": card["number"]},
    )


RENDERERS: dict[str, Renderer] = {
    "message": render_message,
    "nudge": render_nudge,
    "card": render_card,
    "digest": render_digest,
    "report": render_report,
}
