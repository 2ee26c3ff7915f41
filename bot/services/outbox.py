"""Write notifications to the outbox inside the caller's transaction.

Services address people and places neutrally (bot.ports: ToPerson, ToRole, ToThread); each
row carries the platform whose transport delivers it and the encoded recipient. A ToRole
without a platform fans out to every platform where the role is configured
(`configured_platforms`), and a card sync goes to every platform it is asked for: the Slack
row keeps the given key, any other platform's row gets `<key>@<platform>` (keys are unique
per row).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Day, When, dated, timed
from bot.ports import (
    PLATFORMS,
    Address,
    ChannelRole,
    Platform,
    Recipient,
    ToPerson,
    ToRole,
    encode_recipient,
    platform_of_user,
)
from bot.services.refs import CARD as CARD_REF
from storage.models import OutboxMessage
from storage.repos.outbox import add_outbox_messages

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger("charterbot.outbox")
CARD = "card"
MESSAGE = "message"
NUDGE = "nudge"
PROMPT = "prompt"  # a catalogue message with buttons (a survey's ratings, "open a complaint")
DIGEST = "digest"
REPORT = "report"
DEFAULT_PLATFORM: Platform = "slack"
# A payload's "after_row": the idempotency key of the row this one waits for (a reply for the
# message it threads under): the delivery engine leaves it while that row is unsent.
AFTER = "after_row"
# A payload's "in_place": the row rewrites its anchor's message where it lives (a notice's
# first post kept current); it never posts: an anchor never delivered is left alone.
IN_PLACE = "in_place"


def configured_platforms(deps: Deps, role: ChannelRole) -> list[Platform]:
    """The platforms on which a channel role has a channel, Slack first.

    Slack: the `[channels]` table. Teams: `[channels.teams]`, and only while Teams is on
    (`TEAMS_APP_ID`, or `TEAMS_ALLOW_ANONYMOUS`): without it no transport delivers Teams rows,
    and rows queued for nobody would wait forever instead of being reported.
    """
    return [
        platform
        for platform in PLATFORMS
        if getattr(deps.config.channels_for(platform), role, None)
        and (platform == DEFAULT_PLATFORM or deps.env.teams_enabled)
    ]


def _platforms(deps: Deps | None, recipient: Address, platform: Platform | None) -> list[Platform]:
    """Where a row for `recipient` goes: the given platform, a person's own, a role's all."""
    if platform is not None:
        return [platform]
    if isinstance(recipient, ToPerson):
        return [platform_of_user(recipient.user_id) or DEFAULT_PLATFORM]
    if isinstance(recipient, ToRole):
        if deps is None:
            raise ValueError("a role without a platform needs deps to find where it is set up")
        return configured_platforms(deps, recipient.role)
    raise ValueError(f"{recipient!r} needs the platform its message lives on")


def stored_value(value: Any) -> Any:
    """A parameter as stored in a message's JSON: a moment or a day as a mark that each
    reader's render writes in their words (`12월 4일(금) 15:00`), never `YYYY-MM-DD HH:MM`."""
    if isinstance(value, When):
        return timed(value.moment, value.tz, value.today)
    if isinstance(value, Day):
        return dated(value.day, value.today)
    return str(value)


def _rows(
    deps: Deps | None,
    *,
    key: str,
    kind: str,
    recipient: Address,
    platform: Platform | None,
    payload: dict[str, Any],
    now: datetime,
    fan_out: bool = False,
) -> list[OutboxMessage]:
    body = json.dumps(payload, ensure_ascii=False, default=stored_value)
    # One key, several platforms' rows: every platform but Slack gets its own suffix.
    fan_out = fan_out or (platform is None and isinstance(recipient, ToRole))
    return [
        OutboxMessage(
            idempotency_key=f"{key}@{p}" if fan_out and p != DEFAULT_PLATFORM else key,
            kind=kind,
            platform=p,
            recipient=encode_recipient(recipient),
            payload=body,
            available_at=now,
            created_at=now,
        )
        for p in _platforms(deps, recipient, platform)
    ]


async def enqueue_message(
    session: AsyncSession,
    *,
    key: str,
    recipient: Address,
    text_key: str,
    params: dict[str, Any],
    now: datetime,
    platform: Platform | None = None,
    deps: Deps | None = None,
    bilingual: bool | None = None,
    reader: str | None = None,
    first: str | None = None,
    anchor: tuple[str, int] | tuple[str, int, str] | None = None,
    localized: dict[str, dict[str, Any]] | None = None,
    after: str | None = None,
    in_place: bool = False,
) -> None:
    """Queue a catalogue message for a person, a role's channel or a thread; idempotent by key.

    `platform`: needed for a thread (where its message lives); a person's is known from
    their id, a role fans out to where it is configured (then `deps` is needed).
    `reader`: the user a channel post is written for (a requester in their thread): it follows
    their language, or both languages with `first` first when their locale is unknown.
    `anchor`: the object (kind, id[, ref]) this post stands for: where it lands is remembered
    as the object's `ref` message ("card" by default), so later posts can thread under it
    (ToThread(kind, id, ref)).
    `localized`: parameters that differ per language (`{"en": {"title": …}}`), used when the
    message is written in that language; an empty value keeps the common one.
    `after`: the key of a row this one must wait for (see `AFTER`): a reply queued before the
    message it threads under was delivered.
    `in_place`: rewrite the `anchor`'s message instead of posting (see `IN_PLACE`); address
    it as the anchor's own row was, so it is delivered after it.
    """
    payload: dict[str, Any] = {"text_key": text_key, "params": params, "bilingual": bilingual}
    if reader:
        payload["reader"] = reader
        payload["first"] = first
    if anchor is not None:
        payload["anchor"] = list(anchor)
    if localized:
        payload["localized"] = localized
    if after:
        payload[AFTER] = after
    if in_place:
        if anchor is None:
            raise ValueError("an in-place rewrite needs the anchor whose message it rewrites")
        payload[IN_PLACE] = True
    await add_outbox_messages(
        session,
        _rows(
            deps,
            key=key,
            kind=MESSAGE,
            recipient=recipient,
            platform=platform,
            payload=payload,
            now=now,
        ),
    )


def anchor_of(payload: dict[str, Any]) -> tuple[tuple[str, int] | None, str]:
    """The object a message row stands for (kind, id) and which of its messages it is (its
    ref, "card" unless the anchor names one); (None, "card") for any other message."""
    anchor = payload.get("anchor")
    if not anchor:
        return None, CARD_REF
    ref = str(anchor[2]) if len(anchor) > 2 and anchor[2] else CARD_REF
    return (str(anchor[0]), int(anchor[1])), ref


def after_of(payload: str) -> str | None:
    """The key a row's JSON payload says it waits for (`AFTER`), or None."""
    if f'"{AFTER}"' not in payload:  # most rows: no JSON parsing on the engine's hot path
        return None
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    key = value.get(AFTER) if isinstance(value, dict) else None
    return key if isinstance(key, str) and key else None


def button(
    verb: str, value: str, label_key: str, *, style: str = "", **label_params: Any
) -> dict[str, Any]:
    """One button of a prompt: the neutral verb it performs, the value it carries (an id, an
    id and a rating), its label as a catalogue key, and `primary`/`danger` or no style."""
    return {
        "verb": verb,
        "value": value,
        "label_key": label_key,
        "label_params": label_params,
        "style": style,
    }


async def enqueue_prompt(
    session: AsyncSession,
    *,
    key: str,
    recipient: Address,
    text_key: str,
    params: dict[str, Any],
    buttons: list[dict[str, Any]],
    now: datetime,
    platform: Platform | None = None,
    deps: Deps | None = None,
    reader: str | None = None,
    first: str | None = None,
    anchor: tuple[str, int, str] | None = None,
) -> None:
    """Queue a catalogue message with buttons (see `button`); addressed like enqueue_message,
    rendered by each platform's `prompt` renderer (Block Kit buttons, Adaptive Card
    Action.Execute). `anchor`: the object (kind, id, ref) whose `ref` message it becomes
    (the first one delivered keeps it), so a later change can rewrite it in place."""
    payload: dict[str, Any] = {"text_key": text_key, "params": params, "buttons": buttons}
    if reader:
        payload["reader"] = reader
        payload["first"] = first
    if anchor is not None:
        payload["anchor"] = list(anchor)
    await add_outbox_messages(
        session,
        _rows(
            deps,
            key=key,
            kind=PROMPT,
            recipient=recipient,
            platform=platform,
            payload=payload,
            now=now,
        ),
    )


async def enqueue_kind(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    kind: str,
    recipient: Address,
    payload: dict[str, Any],
    now: datetime,
    platform: Platform | None = None,
) -> None:
    """Queue a row of a feature's own kind (e.g. `visit`: a message with buttons), rendered at
    delivery by that kind's renderer on each platform; idempotent by key."""
    rows = _rows(
        deps, key=key, kind=kind, recipient=recipient, platform=platform, payload=payload, now=now
    )
    await add_outbox_messages(session, rows)


def may_receive_internal(deps: Deps, recipient: Recipient, what: str) -> bool:
    """Return whether an internal message (assignment, reminder, card link) may go to recipient.

    Channels are configured by the operator; a person must be staff. Anyone else (a customer
    left as assignee from before this rule, or someone removed from the config) is skipped and
    logged: internal data never reaches a customer.
    """
    if isinstance(recipient, ToPerson) and not deps.is_staff(recipient.user_id):
        log.warning("internal %s to non-staff %s skipped", what, recipient.user_id)
        return False
    return True


async def enqueue_internal_message(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    recipient: Recipient,
    text_key: str,
    params: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue a staff-only message; skip (and log) a recipient who is not staff."""
    if not may_receive_internal(deps, recipient, text_key):
        return False
    await enqueue_message(
        session,
        key=key,
        recipient=recipient,
        text_key=text_key,
        params=params,
        now=now,
        deps=deps,
    )
    return True


async def enqueue_card_sync(
    session: AsyncSession,
    *,
    key: str,
    inquiry_id: int,
    platforms: list[Platform],
    now: datetime,
) -> None:
    """Queue a post-or-update of an inquiry's triage card on each platform (rendered when sent).

    The transport updates the card where message_refs says it lives, else posts it to the
    triage channel and hands the new message back (bot.services.refs.remember_message).
    """
    rows: list[OutboxMessage] = []
    for platform in platforms:
        rows += _rows(
            None,
            key=key,
            kind=CARD,
            recipient=ToRole("triage"),
            platform=platform,
            payload={"inquiry_id": inquiry_id},
            now=now,
            fan_out=True,
        )
    await add_outbox_messages(session, rows)


async def enqueue_rendered(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    kind: str,
    recipient: Recipient,
    payload: dict[str, Any],
    now: datetime,
) -> None:
    """Queue a message of a kind each platform renders at delivery (a digest, a report) for
    a person (on their platform) or a role (on every platform where it is configured)."""
    await enqueue_rendered_many(session, deps, [Rendered(key, kind, recipient, payload)], now=now)


@dataclass(frozen=True)
class Rendered:
    """One message of a kind each platform renders at delivery (see enqueue_rendered)."""

    key: str
    kind: str
    recipient: Recipient
    payload: dict[str, Any]


async def enqueue_rendered_many(
    session: AsyncSession, deps: Deps, messages: list[Rendered], *, now: datetime
) -> None:
    """`enqueue_rendered` for many messages in one insert (a batch of digests)."""
    rows: list[OutboxMessage] = []
    for m in messages:
        rows += _rows(
            deps,
            key=m.key,
            kind=m.kind,
            recipient=m.recipient,
            platform=None,
            payload=m.payload,
            now=now,
        )
    await add_outbox_messages(session, rows)


async def enqueue_nudges(
    session: AsyncSession,
    deps: Deps,
    nudges: list[tuple[str, Recipient, list[dict[str, Any]]]],
    *,
    now: datetime,
) -> None:
    """Queue grouped nudges, given as (key, recipient, items), in one batch; rendered at delivery.

    Nudges are internal (snooze buttons, card links): a non-staff recipient is skipped.
    """
    messages = [
        Rendered(key, NUDGE, recipient, {"items": items})
        for key, recipient, items in nudges
        if may_receive_internal(deps, recipient, "nudge")
    ]
    await enqueue_rendered_many(session, deps, messages, now=now)


async def enqueue_object_message(
    session: AsyncSession,
    deps: Deps,
    *,
    key: str,
    kind: str,
    recipient: Recipient,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue a message about an object, rendered when sent by the platform's renderer of
    `kind` (a callback offer, a handoff card); internal: a non-staff person is skipped."""
    if not may_receive_internal(deps, recipient, kind):
        return False
    await enqueue_rendered(
        session, deps, key=key, kind=kind, recipient=recipient, payload=payload, now=now
    )
    return True
