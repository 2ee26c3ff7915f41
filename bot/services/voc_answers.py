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
    values = _plain(params)
    if deps.env.VOC_CALLBACK_URL:
        body = {
            "status": inquiry.status,
            **{k: v for k, v in values.items() if k not in ("number",)},
        }
        await _post_callback(session, inquiry, f"voc-callback:{event.id}", name, body, event.at)
        return
    await _remind_staff(
        session,
        deps,
        inquiry,
        f"voc-answer:{event.id}",
        "voc.answer_by_contact",
        {"note": _note(values)},
        event.at,
    )


async def send_survey_link(
    session: AsyncSession, deps: Deps, inquiry: Inquiry, survey_id: int, link: str, at: datetime
) -> None:
    """Give a web VOC's requester their satisfaction survey link (C13): a `survey` callback
    event with `survey_url`, or, without a callback URL, a reminder to staff to send it by
    the contact the customer gave."""
    if deps.env.VOC_CALLBACK_URL:
        body = {"survey_url": link}
        await _post_callback(session, inquiry, f"voc-survey:{survey_id}", "survey", body, at)
        return
    await _remind_staff(
        session,
        deps,
        inquiry,
        f"voc-survey:{survey_id}",
        "voc.survey_by_contact",
        {"link": link},
        at,
    )


async def _post_callback(
    session: AsyncSession,
    inquiry: Inquiry,
    key: str,
    name: str,
    values: dict[str, Any],
    at: datetime,
) -> None:
    """Queue one signed callback event about a web VOC (retried by the outbox)."""
    assert inquiry.id is not None
    submission = await get_voc_submission_of(session, inquiry_id=inquiry.id)
    body = {
        "id": submission.external_id if submission is not None else None,
        "inquiry": inquiry.number,
        "event": name,
        "at": at.isoformat(),
        **values,
    }
    await add_outbox_messages(
        session,
        [
            OutboxMessage(
                idempotency_key=key,
                kind=WEBHOOK,
                platform=WEBHOOK,
                recipient=encode_recipient(CALLBACK),
                payload=json.dumps(body, ensure_ascii=False, default=str),
                available_at=at,
                created_at=at,
            )
        ],
    )


async def _remind_staff(
    session: AsyncSession,
    deps: Deps,
    inquiry: Inquiry,
    key: str,
    text_key: str,
    params: dict[str, Any],
    at: datetime,
) -> None:
    """Ask staff to pass something on by the customer's contact: a DM to the assignee with
    the full contact, else the triage channel with it masked (the card's detail has it)."""
    if inquiry.assignee_id:
        recipient: ToPerson | ToRole = ToPerson(inquiry.assignee_id)
        contact = inquiry.contact
    else:
        recipient, contact = ToRole("triage"), mask_contact(inquiry.contact)
    await enqueue_internal_message(
        session,
        deps,
        key=key,
        recipient=recipient,
        text_key=text_key,
        params={"number": inquiry.number, "contact": contact, **params},
        now=at,
    )
