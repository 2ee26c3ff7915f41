"""What the renderers show of a callback offer and of a handoff card (platform-neutral
display values, read when the message is sent, so it shows the state of that moment)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.callbacks import mask_phone
from bot.i18n import When
from bot.services.formatting import fmt_time
from bot.services.inquiries.reading import describe
from storage.models import Inquiry
from storage.repos.callbacks import CALLBACK, get_callback, list_handoffs
from storage.repos.inquiries import INQUIRY, get_inquiry_by_id, list_events
from storage.repos.reminders import list_pending_reminders

HISTORY_LINES = 12  # the latest history entries a handoff card carries
MESSAGE_LINES = 5  # the latest requester thread messages it carries ("and N earlier")
MESSAGE_CHARS = 500  # of each (the whole message stays in `/inquiry show`)
REQUESTER_MESSAGE = "message"  # the history kind of a requester's thread message


async def inquiry_context(session: AsyncSession, deps: Deps, inquiry: Inquiry) -> dict[str, Any]:
    """Everything said so far about an inquiry, for whoever takes it over: the card's values,
    its history (progress notes, ETA, holds, transfers: the latest ones), and the promises in
    force with their deadlines."""
    assert inquiry.id is not None
    events = await list_events(session, inquiry_id=inquiry.id)
    card = describe(inquiry, deps, events=events)
    history = [
        {
            "at": fmt_time(e.at, deps),
            "actor": e.actor_id,
            "kind": e.kind,
            "detail": (e.new_value or "") if e.kind == "eta" else e.note,
            "user": e.new_value if e.kind in ("assigned", "transferred") else None,
        }
        for e in events
        if e.kind != REQUESTER_MESSAGE
    ][-HISTORY_LINES:]
    said = [e for e in events if e.kind == REQUESTER_MESSAGE]
    messages = [
        {"at": fmt_time(e.at, deps), "text": _clip(e.note, MESSAGE_CHARS)}
        for e in said[-MESSAGE_LINES:]
    ]
    promises: dict[str, When | str] = {}
    for r in sorted(
        await list_pending_reminders(session, inquiry_id=inquiry.id), key=lambda r: r.deadline_at
    ):
        promises.setdefault(r.obligation.split(":")[0], fmt_time(r.deadline_at, deps))
    return {
        **card,
        "history": history,
        "messages": messages,
        "earlier_messages": max(0, len(said) - MESSAGE_LINES),
        "promises": [{"obligation": k, "deadline": v} for k, v in promises.items()],
    }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _callback_view(
    session: AsyncSession, deps: Deps, callback_id: int, *, full_phone: bool
) -> dict[str, Any] | None:
    cb = await get_callback(session, callback_id=callback_id)
    if cb is None:
        return None
    inquiry: dict[str, Any] | None = None
    if cb.inquiry_id is not None:
        found = await get_inquiry_by_id(session, cb.inquiry_id)
        if found is not None:
            inquiry = await inquiry_context(session, deps, found)
    return {
        "number": cb.id,
        "owner": cb.owner_id,
        "logged_by": cb.logged_by,
        "caller": cb.caller,
        "company": cb.company,
        "phone": cb.phone if full_phone else mask_phone(cb.phone),
        "topic": cb.topic,
        "urgent": cb.urgent,
        "state": cb.state,
        "logged_at": fmt_time(cb.logged_at, deps),
        "claimed_by": cb.claimed_by or "",
        "called_back_by": cb.called_back_by or "",
        "inquiry": inquiry,
    }


async def callback_view(deps: Deps, callback_id: int, *, full_phone: bool) -> dict[str, Any] | None:
    """A callback as its offer shows it (None when it is gone); `full_phone`: a staff DM,
    else (a channel) the number masked."""
    async with deps.reads() as session:
        view = await _callback_view(session, deps, callback_id, full_phone=full_phone)
    if view is not None and view["inquiry"] is not None:
        view["inquiry"]["history"] = view["inquiry"]["history"][-3:]
        view["inquiry"]["messages"] = view["inquiry"]["messages"][-1:]
    return view


async def handoff_view(deps: Deps, object_kind: str, object_id: int) -> dict[str, Any] | None:
    """A handoff card: the inquiry's context, or the callback with its linked inquiry's
    (a card goes to a staff member's DM: the phone number in full), and the latest transfer
    (who, from whom, why)."""
    async with deps.reads() as session:
        handoffs = await list_handoffs(session, object_kind=object_kind, object_id=object_id)
        if not handoffs:
            return None
        context: dict[str, Any] | None
        if object_kind == CALLBACK:
            context = await _callback_view(session, deps, object_id, full_phone=True)
            if context is not None:
                context["callback"] = True
        elif object_kind == INQUIRY:
            inquiry = await get_inquiry_by_id(session, object_id)
            context = None if inquiry is None else await inquiry_context(session, deps, inquiry)
        else:
            context = None
    if context is None:
        return None
    last = handoffs[-1]
    return {
        **context,
        "from": last.from_id,
        "to": last.to_id,
        "by": last.by_id,
        "reason": last.reason,
        "at": fmt_time(last.at, deps),
    }
