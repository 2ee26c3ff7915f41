"""Web voice of customer (C12): a verified submission becomes a `voc` inquiry, once.

The route (handlers/voc_web.py) checks size and signature before anything here runs;
`accept_submission` runs in the caller's transaction and writes everything or nothing: the
signature it claims (a replay is refused), the sender's `id` (a resubmission names the same
inquiry) and the inquiry itself with its triage card and SLA (bot/services/inquiries).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.inquiry import Kind
from bot.domain.voc import Submission
from bot.services import inquiries as svc
from bot.services.voc_answers import WEB, WEB_REQUESTER
from storage.repos.inquiries import get_inquiry_by_id
from storage.repos.slack_events import add_processed_event
from storage.repos.voc import add_voc_submission, get_voc_submission


@dataclass(frozen=True)
class Accepted:
    """What became of a submission: the inquiry's number, and whether this call opened it
    ("replayed": the same signature was used before; nothing was done)."""

    outcome: Literal["created", "duplicate", "replayed"]
    number: int | None = None


def customer_of(submission: Submission) -> str:
    """The inquiry's customer: the name, and the company when given."""
    if submission.company:
        return f"{submission.name} ({submission.company})"
    return submission.name


async def accept_submission(
    session: AsyncSession, deps: Deps, submission: Submission, *, signature: str
) -> Accepted:
    """Open the `voc` inquiry of a verified submission (idempotent by its `id`)."""
    now = deps.clock.now()
    if signature and not await add_processed_event(
        session, event_id=f"voc-signature:{signature}", at=now
    ):
        return Accepted("replayed")
    row = await add_voc_submission(session, external_id=submission.id, received_at=now)
    if row is None:
        existing = await get_voc_submission(session, external_id=submission.id)
        inquiry = (
            await get_inquiry_by_id(session, existing.inquiry_id)
            if existing is not None and existing.inquiry_id is not None
            else None
        )
        return Accepted("duplicate", inquiry.number if inquiry is not None else None)
    draft = svc.Draft(
        kind=Kind.VOC,
        title=submission.title or svc.title_from_text(submission.text) or "-",
        requester_id=WEB_REQUESTER,
        detail=submission.text,
        customer=customer_of(submission),
        contact=submission.contact,
        source=WEB,
    )
    opened = await svc.open_inquiry(session, deps, draft)
    row.inquiry_id = opened.inquiry.id
    session.add(row)
    await session.flush()
    return Accepted("created", opened.inquiry.number)
