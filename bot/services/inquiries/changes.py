"""What every change of an inquiry does: its deadline, its history entry, the card update
and the notes to the requester and the assignee (shared by opening and the lifecycle)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import too_far_ahead
from bot.domain.inquiry import Kind, Status, status_after
from bot.domain.sla import current_deadline
from bot.errors import DomainError
from bot.i18n import dated, guess_lang, timed
from bot.ports import Platform, ToPerson, ToThread
from bot.services.home_refresh import refresh_for_inquiry
from bot.services.outbox import (
    configured_platforms,
    enqueue_card_sync,
    enqueue_internal_message,
    enqueue_message,
)
from bot.services.refs import CARD, SOURCE, messages_of
from bot.services.reminders import sync_reminders
from bot.services.voc_answers import WEB, WEB_REQUESTER, answer_web_requester
from storage.models import Inquiry, InquiryEvent
from storage.repos.inquiries import INQUIRY, add_event


def deadline_of(inquiry: Inquiry, deps: Deps) -> datetime | None:
    if inquiry.status in (Status.RESOLVED, Status.CLOSED):
        return None
    due = inquiry.due_date.astimezone(deps.tz).date() if inquiry.due_date else None
    return current_deadline(
        kind=Kind(inquiry.kind),
        created_at=inquiry.sla_start_at,
        due=due,
        first_response_at=inquiry.first_response_at,
        eta_at=inquiry.eta_at,
        cal=deps.calendar,
        policy=deps.policy,
    )


async def record_event(
    session: AsyncSession,
    inquiry: Inquiry,
    actor_id: str,
    kind: str,
    now: datetime,
    *,
    old: Any = None,
    new: Any = None,
    note: str = "",
) -> InquiryEvent:
    assert inquiry.id is not None
    event = InquiryEvent(
        inquiry_id=inquiry.id,
        at=now,
        actor_id=actor_id,
        kind=kind,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        note=note,
    )
    await add_event(session, event)
    await session.flush()
    return event


async def sync_card(
    session: AsyncSession, inquiry: Inquiry, event: InquiryEvent, deps: Deps
) -> None:
    """After every change: recompute reminders, queue the card update and the re-publishing
    of the dashboards that show the inquiry."""
    await sync_reminders(session, deps, inquiry)
    await refresh_for_inquiry(session, deps, inquiry, event)
    assert inquiry.id is not None
    # Where triage is configured, and wherever the card already lives (kept up to date there).
    platforms: list[Platform] = configured_platforms(deps, "triage")
    for card in await messages_of(session, INQUIRY, inquiry.id, CARD):
        if card.platform not in platforms:
            platforms.append(card.platform)
    await enqueue_card_sync(
        session,
        key=f"card:{inquiry.id}:{event.id}",
        inquiry_id=inquiry.id,
        platforms=platforms,
        now=event.at,
    )


async def tell_requester(
    session: AsyncSession,
    inquiry: Inquiry,
    event: InquiryEvent,
    deps: Deps,
    text_key: str,
    **params: Any,
) -> None:
    """Tell the requester in the source thread, or by DM when it did not come from a message.

    Short on purpose: the inquiry is named by number only (the customer knows what they wrote),
    in the requester's language, times marked with `timed` so the sender writes them for them.
    """
    params = {"number": inquiry.number, **params}
    assert inquiry.id is not None
    if inquiry.source == WEB and inquiry.requester_id == WEB_REQUESTER:
        # a web VOC's customer has no chat account: the website's callback, or staff
        await answer_web_requester(session, deps, inquiry, event, text_key, params)
        return
    sources = await messages_of(session, INQUIRY, inquiry.id, SOURCE)
    if sources:
        await enqueue_message(
            session,
            key=f"tell:{event.id}",
            recipient=ToThread(INQUIRY, inquiry.id, SOURCE),
            platform=sources[0].platform,
            text_key=text_key,
            params=params,
            now=event.at,
            reader=inquiry.requester_id,
            first=guess_lang(f"{inquiry.title}\n{inquiry.detail}"),
        )
    elif event.actor_id != inquiry.requester_id:
        await enqueue_message(
            session,
            key=f"tell:{event.id}",
            recipient=ToPerson(inquiry.requester_id),
            text_key=text_key,
            params=params,
            now=event.at,
        )


async def notify_assignee(
    session: AsyncSession, inquiry: Inquiry, event: InquiryEvent, deps: Deps
) -> None:
    assert inquiry.assignee_id
    await enqueue_internal_message(
        session,
        deps,
        key=f"assignee:{event.id}",
        recipient=ToPerson(inquiry.assignee_id),
        text_key="inquiry.notify.assigned_to_you",
        params={
            "number": inquiry.number,
            "title": inquiry.title,
            "actor": event.actor_id,
            "deadline": timed(inquiry.deadline_at),
        },
        now=event.at,
    )


def touch(inquiry: Inquiry, action: str, deps: Deps, now: datetime) -> str:
    old = inquiry.status
    inquiry.status = status_after(action, inquiry.status).value
    inquiry.updated_at = now
    inquiry.deadline_at = deadline_of(inquiry, deps)
    return old


def refuse_far(day: date | None, deps: Deps, now: datetime, usage: str) -> None:
    if day is not None and too_far_ahead(day, now.astimezone(deps.tz).date()):
        raise DomainError(
            "inquiry.error.date_too_far",
            usage=usage,
            date=dated(day, now.astimezone(deps.tz).date()),
        )
