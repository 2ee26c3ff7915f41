"""Answers to web VOCs: the customer has no chat account, so what the requester would be told
goes back to the website (`VOC_CALLBACK_URL`, through the outbox as a `webhook` row, signed
like the intake) or, without a callback, to staff as a reminder to answer by the contact the
customer gave. Either way the answer itself is the inquiry's recorded event.

Imported by bot/services/inquiries (tell_requester): it imports no use case itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.notices import mask_contact
from bot.i18n import TIME_MARK, is_person_param
from bot.ports import ToConversation, ToPerson, ToRole, encode_recipient
from bot.services.outbox import enqueue_internal_message
from storage.models import Inquiry, InquiryEvent, OutboxMessage
from storage.repos.outbox import add_outbox_messages
from storage.repos.voc import get_voc_submission_of

WEB = "web"  # the inquiry source of web VOCs
WEB_REQUESTER = "web"  # their requester id: nobody on any platform (platform_of_user → None)
WEBHOOK = "webhook"  # the outbox platform and kind of callbacks
CALLBACK = ToConversation("voc-callback")
# What the requester is told and the callback event it becomes ("assigned" stays internal).
EVENTS = {
    "inquiry.notify.eta": "eta",
    "inquiry.notify.progress": "progress",
    "inquiry.notify.milestone": "milestone",
    "inquiry.notify.hold": "hold",
    "inquiry.notify.resume": "resume",
    "inquiry.notify.resolved": "resolved",
    "inquiry.notify.reopened": "reopened",
}


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters as JSON values: times as ISO 8601, people left out."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if is_person_param(name):
            continue
        if isinstance(value, dict) and TIME_MARK in value:
            value = value[TIME_MARK]
        out[name] = value
    return out


def _note(params: dict[str, Any]) -> str:
    for name in ("resolution", "note", "reason", "stage", "eta", "date"):
        value = params.get(name)
        if isinstance(value, str) and value:
            return value
    return "-"


async def answer_web_requester(
    session: AsyncSession,
    deps: Deps,
    inquiry: Inquiry,
    event: InquiryEvent,
    text_key: str,
    params: dict[str, Any],
) -> None:
    """Deliver what a web VOC's requester is told: a signed callback, or a staff reminder."""
    name = EVENTS.get(text_key)
    if name is None:
        return
    assert inquiry.id is not None
    values = _plain(params)
    if deps.env.VOC_CALLBACK_URL:
        submission = await get_voc_submission_of(session, inquiry_id=inquiry.id)
        body = {
            "id": submission.external_id if submission is not None else None,
            "inquiry": inquiry.number,
            "event": name,
            "at": event.at.isoformat(),
            "status": inquiry.status,
            **{k: v for k, v in values.items() if k not in ("number",)},
        }
        now: datetime = event.at
        await add_outbox_messages(
            session,
            [
                OutboxMessage(
                    idempotency_key=f"voc-callback:{event.id}",
                    kind=WEBHOOK,
                    platform=WEBHOOK,
                    recipient=encode_recipient(CALLBACK),
                    payload=json.dumps(body, ensure_ascii=False, default=str),
                    available_at=now,
                    created_at=now,
                )
            ],
        )
        return
    note = _note(values)
    if inquiry.assignee_id:
        # a DM to the assignee (staff only): the full contact
        await enqueue_internal_message(
            session,
            deps,
            key=f"voc-answer:{event.id}",
            recipient=ToPerson(inquiry.assignee_id),
            text_key="voc.answer_by_contact",
            params={"number": inquiry.number, "contact": inquiry.contact, "note": note},
            now=event.at,
        )
        return
    # nobody assigned: the triage channel, the contact masked (the card's detail has it)
    await enqueue_internal_message(
        session,
        deps,
        key=f"voc-answer:{event.id}",
        recipient=ToRole("triage"),
        text_key="voc.answer_by_contact",
        params={"number": inquiry.number, "contact": mask_contact(inquiry.contact), "note": note},
        now=event.at,
    )
