"""Complaints about staff (C14): `K<n>` cases, restricted to the staff member's manager and the
admins, confirmed or dismissed within `sla.complaint_review`, a corrective action recorded on
confirmation, and a customer reporter's reward tracked from `to_send` to `sent`.

Nothing here is ever posted to a channel: every note is a DM. The staff member and the
reporter see only their own case's outcome. Review nudges, the escalation to admins and the
reward reminders run on the shared timers (`TIMERS`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from bot.domain.feedback import (
    ComplaintStatus,
    RewardState,
    awaiting_manager,
    complaint_after,
    reward_after_sent,
    reward_on_confirm,
)
from bot.domain.text import sanitize
from bot.errors import Conflict, DomainError, Forbidden
from bot.i18n import dated, timed
from bot.ports import ToPerson
from bot.services import timers
from bot.services.feedback_common import (
    FeedbackVerb,
    manager_of,
    may_review,
    refuse_non_staff,
    reviewers_of,
)
from bot.services.home_refresh import refresh_for_complaint
from bot.services.outbox import IN_PLACE, button, enqueue_kind, enqueue_message, enqueue_prompt
from bot.services.refs import named_ref
from bot.services.timers import Due
from storage.models import Complaint
from storage.repos.complaints import (
    add_complaint,
    get_complaint,
    get_complaint_of_survey,
)
from storage.repos.surveys import get_survey

REVIEW = "complaint.review"  # timer kind: the manager owes a decision or a corrective action
REWARD = "complaint.reward"  # timer kind: an admin owes the reporter's gift
APPROACHING = 0.75  # the review nudge, at this share of the review window


COMPLAINT = "complaint"  # the object kind of a case's messages (message_refs)
CASE = "case"  # outbox kind: a reviewer's case card rewritten in place as the case now is
CARD_REF = "dm:"  # + reviewer: the first case card (DM) a reviewer got about a case


def card_anchor(complaint: Complaint, viewer: str) -> tuple[str, int, str]:
    """Where a reviewer's case card is remembered: their first DM with the case's buttons."""
    assert complaint.id is not None
    return (COMPLAINT, complaint.id, named_ref(CARD_REF, viewer))


def label(complaint: Complaint) -> str:
    """`K3`."""
    return f"K{complaint.id}"


def decision_buttons(complaint_id: int) -> list[dict[str, Any]]:
    """The reviewer's buttons on an open case: confirm (the finding), dismiss (the reason)."""
    value = str(complaint_id)
    return [
        button(FeedbackVerb.CONFIRM, value, "complaint.button.confirm", style="primary"),
        button(FeedbackVerb.DISMISS, value, "complaint.button.dismiss", style="danger"),
    ]


def action_buttons(complaint_id: int) -> list[dict[str, Any]]:
    """The reviewer's button on a confirmed case: record the corrective action."""
    return [
        button(
            FeedbackVerb.RECORD_ACTION,
            str(complaint_id),
            "complaint.button.action",
            style="primary",
        )
    ]


def _admins(deps: Deps, staff_id: str) -> list[str]:
    return [a for a in deps.config.roles.admins if not deps.config.same_person(a, staff_id)]


async def _dm(
    session: AsyncSession, deps: Deps, key: str, to: str, text_key: str, **params: Any
) -> None:
    await enqueue_message(
        session,
        key=key,
        recipient=ToPerson(to),
        text_key=text_key,
        params=params,
        now=deps.clock.now(),
        deps=deps,
    )


async def refresh_case_cards(session: AsyncSession, deps: Deps, complaint: Complaint) -> None:
    """Rewrite every reviewer's case card in place as the case now is (its status, the
    buttons of its state): a decision typed as a command, or made on another card, leaves no
    card offering what no longer applies. People who never got a card get nothing."""
    assert complaint.id is not None
    now = deps.clock.now()
    viewers = await _reviewers(session, deps, complaint) + _admins(deps, complaint.staff_id)
    if complaint.decided_by:
        viewers.append(complaint.decided_by)
    state = f"{complaint.status}:{complaint.reward_state}:{now.isoformat()}"
    for viewer in dict.fromkeys(viewers):
        anchor = card_anchor(complaint, viewer)
        await enqueue_kind(
            session,
            deps,
            key=f"complaint-card:{complaint.id}:{state}:{anchor[2]}",
            kind=CASE,
            recipient=ToPerson(viewer),  # as its card was: delivered after it
            payload={
                "complaint": complaint.id,
                "viewer": viewer,
                "anchor": list(anchor),
                IN_PLACE: True,
            },
            now=now,
        )


async def _reviewers(session: AsyncSession, deps: Deps, complaint: Complaint) -> list[str]:
    if complaint.manager_id:
        return await reviewers_of(session, deps, complaint.staff_id, at=deps.clock.now())
    return _admins(deps, complaint.staff_id)


async def open_complaint(
    session: AsyncSession,
    deps: Deps,
    *,
    reporter_id: str,
    staff_id: str,
    text: str,
    source: str = "command",
    survey_id: int | None = None,
) -> Complaint:
    """Open a case about a staff member; their manager (else the admins) must review it."""
    usage = "feedback.usage.complaint"
    refuse_non_staff(deps, staff_id, usage)
    if deps.config.same_person(reporter_id, staff_id):
        raise DomainError("complaint.error.about_yourself", usage=usage)
    now = deps.clock.now()
    window = parse_duration(deps.config.sla.complaint_review)
    complaint = await add_complaint(
        session,
        Complaint(
            staff_id=staff_id,
            manager_id=manager_of(deps, staff_id),
            reporter_id=reporter_id,
            reporter_is_customer=not deps.is_staff(reporter_id),
            source=source,
            survey_id=survey_id,
            text=sanitize(text),
            status=ComplaintStatus.OPEN.value,
            created_at=now,
            review_due_at=deps.calendar.add(now, window),
        ),
    )
    assert complaint.id is not None
    await refresh_for_complaint(session, deps, complaint)
    for reviewer in await _reviewers(session, deps, complaint):
        await enqueue_prompt(
            session,
            key=f"complaint-new:{complaint.id}:{reviewer}",
            recipient=ToPerson(reviewer),
            anchor=card_anchor(complaint, reviewer),
            text_key="complaint.notify.new",
            params={
                "ref": label(complaint),
                "staff_user": staff_id,
                "reporter_user": reporter_id,
                "text": complaint.text,
                "due": timed(complaint.review_due_at),
            },
            buttons=decision_buttons(complaint.id),
            now=now,
            deps=deps,
        )
    cal = deps.calendar
    minutes = cal.business_minutes_between(now, complaint.review_due_at)
    nudge_at = cal.add_business_minutes(now, int(minutes * APPROACHING))
    await _plan_review(session, deps, complaint, "approaching", nudge_at, 0)
    await _plan_review(session, deps, complaint, "overdue", complaint.review_due_at, 0)
    return complaint


async def _plan_review(
    session: AsyncSession, deps: Deps, complaint: Complaint, step: str, at: datetime, n: int
) -> None:
    assert complaint.id is not None
    await timers.set_timer(
        session,
        deps,
        key=f"complaint:{complaint.id}:{step}:{n}",
        kind=REVIEW,
        subject_id=complaint.id,
        due_at=at,
        payload={"step": step, "n": n, "status": complaint.status},
    )


async def open_from_survey(
    session: AsyncSession, deps: Deps, survey_id: int, actor_id: str
) -> Complaint:
    """The manager's "open a complaint" button on a low rating: the customer is the reporter."""
    survey = await get_survey(session, survey_id, lock=True)
    if survey is None or not survey.assignee_id:
        raise DomainError("survey.error.not_found")
    if not may_review(deps, actor_id, survey.assignee_id):
        raise Forbidden("complaint.error.not_reviewer")
    existing = await get_complaint_of_survey(session, survey_id=survey_id)
    if existing is not None:
        raise Conflict("complaint.error.already_opened", ref=label(existing))
    text = survey.comment or f"#{survey.inquiry_number} ★{survey.rating}"
    return await open_complaint(
        session,
        deps,
        reporter_id=survey.requester_id,
        staff_id=survey.assignee_id,
        text=text,
        source="survey",
        survey_id=survey_id,
    )


async def _load(
    session: AsyncSession, deps: Deps, number: int, actor_id: str, *, lock: bool = False
) -> Complaint:
    """The case for one of its reviewers; anyone else gets the same refusal whether or not it
    exists (a case's existence is restricted too)."""
    complaint = await get_complaint(session, number, lock=lock)
    if complaint is None or not may_review(
        deps, actor_id, complaint.staff_id, complaint.manager_id
    ):
        raise Forbidden("complaint.error.reviewers_only", ref=f"K{number}")
    if lock:  # loaded to be changed: the dashboards that list it show the change
        await refresh_for_complaint(session, deps, complaint)
    return complaint


async def decide(
    session: AsyncSession, deps: Deps, number: int, actor_id: str, action: str, reason: str
) -> Complaint:
    """Confirm or dismiss a case (with a reason); tell the reporter and the staff member."""
    complaint = await _load(session, deps, number, actor_id, lock=True)
    after = complaint_after(action, ComplaintStatus(complaint.status))
    if after is None:
        raise Conflict(
            "complaint.error.already_decided", ref=label(complaint), state=complaint.status
        )
    now = deps.clock.now()
    complaint.status = after.value
    complaint.decided_by = actor_id
    complaint.decided_at = now
    complaint.reason = sanitize(reason)
    ref = label(complaint)
    await timers.cancel(session, kind_prefix=REVIEW, subject_id=complaint.id)
    if after == ComplaintStatus.CONFIRMED:
        reward = reward_on_confirm(complaint.reporter_is_customer)
        complaint.reward_state = reward.value
        complaint.reward_kind = deps.config.complaints.reward if reward else ""
        await _dm(
            session,
            deps,
            f"complaint-thanks:{complaint.id}",
            complaint.reporter_id,
            "complaint.notify.reporter_confirmed_reward"
            if reward
            else "complaint.notify.reporter_confirmed",
            ref=ref,
            reward=complaint.reward_kind,
        )
        await _dm(
            session,
            deps,
            f"complaint-staff:{complaint.id}:confirmed",
            complaint.staff_id,
            "complaint.notify.staff_confirmed",
            ref=ref,
            reason=complaint.reason,
        )
        await enqueue_prompt(
            session,
            key=f"complaint-action-owed:{complaint.id}",
            recipient=ToPerson(actor_id),
            anchor=card_anchor(complaint, actor_id),
            text_key="complaint.notify.action_owed",
            params={"ref": ref},
            buttons=action_buttons(number),
            now=now,
            deps=deps,
        )
        next_day = deps.calendar.add(now, parse_duration("1bd"))
        await _plan_review(session, deps, complaint, "overdue", next_day, 1)
        if reward:
            await _ask_admins_for_reward(session, deps, complaint, 0)
    else:
        await _dm(
            session,
            deps,
            f"complaint-outcome:{complaint.id}",
            complaint.reporter_id,
            "complaint.notify.reporter_dismissed",
            ref=ref,
        )
        await _dm(
            session,
            deps,
            f"complaint-staff:{complaint.id}:dismissed",
            complaint.staff_id,
            "complaint.notify.staff_dismissed",
            ref=ref,
        )
    session.add(complaint)
    await refresh_case_cards(session, deps, complaint)
    return complaint


async def _ask_admins_for_reward(
    session: AsyncSession, deps: Deps, complaint: Complaint, n: int
) -> None:
    assert complaint.id is not None
    now = deps.clock.now()
    for admin in _admins(deps, complaint.staff_id):
        await enqueue_prompt(
            session,
            key=f"complaint-reward:{complaint.id}:{n}:{admin}",
            recipient=ToPerson(admin),
            anchor=card_anchor(complaint, admin),
            text_key="complaint.notify.reward_due",
            params={"ref": label(complaint), "reward": complaint.reward_kind, "n": n},
            buttons=[
                button(
                    FeedbackVerb.REWARD_SENT,
                    str(complaint.id),
                    "complaint.button.reward_sent",
                    style="primary",
                )
            ],
            now=now,
            deps=deps,
        )
    await timers.set_timer(
        session,
        deps,
        key=f"complaint:{complaint.id}:reward:{n + 1}",
        kind=REWARD,
        subject_id=complaint.id,
        due_at=deps.calendar.add(now, parse_duration("1bd")),
        payload={"n": n + 1},
    )


async def record_action(
    session: AsyncSession, deps: Deps, number: int, actor_id: str, text: str, by: date | None
) -> Complaint:
    """Record the corrective action of a confirmed case (what was done, by when)."""
    complaint = await _load(session, deps, number, actor_id, lock=True)
    after = complaint_after("action", ComplaintStatus(complaint.status))
    if after is None:
        raise Conflict("complaint.error.confirm_first", ref=label(complaint))
    now = deps.clock.now()
    complaint.status = after.value
    complaint.action_text = sanitize(text)
    complaint.action_by = by.isoformat() if by else ""
    complaint.action_at = now
    await timers.cancel(session, kind_prefix=REVIEW, subject_id=complaint.id)
    await _dm(
        session,
        deps,
        f"complaint-staff:{complaint.id}:action:{int(now.timestamp())}",
        complaint.staff_id,
        "complaint.notify.staff_action",
        ref=label(complaint),
        action=complaint.action_text,
        by=dated(by, now.astimezone(deps.tz).date()) or "-",
    )
    session.add(complaint)
    await refresh_case_cards(session, deps, complaint)
    return complaint


async def mark_reward_sent(
    session: AsyncSession, deps: Deps, number: int, actor_id: str, note: str
) -> Complaint:
    """An admin marks the reporter's gift as sent (who, when); the reminders stop."""
    if not deps.config.is_admin(actor_id):
        raise Forbidden("complaint.error.admins_only")
    complaint = await get_complaint(session, number, lock=True)
    if complaint is None:
        raise Forbidden("complaint.error.reviewers_only", ref=f"K{number}")
    after = reward_after_sent(RewardState(complaint.reward_state))
    if after is None:
        raise Conflict("complaint.error.no_reward_owed", ref=label(complaint))
    now = deps.clock.now()
    complaint.reward_state = after.value
    complaint.reward_sent_by = actor_id
    complaint.reward_sent_at = now
    complaint.reward_note = sanitize(note)[:500]
    await timers.cancel(session, kind_prefix=REWARD, subject_id=complaint.id)
    await _dm(
        session,
        deps,
        f"complaint-reward-sent:{complaint.id}",
        complaint.reporter_id,
        "complaint.notify.reporter_reward_sent",
        ref=label(complaint),
        reward=complaint.reward_kind,
    )
    session.add(complaint)
    await refresh_case_cards(session, deps, complaint)
    return complaint


# --------------------------------------------------------------------------- timers


async def _review_timer(session: AsyncSession, deps: Deps, due: Due) -> None:
    """Nudge the reviewer before the deadline; after it, nudge again and escalate to the
    admins, every business day until the decision (and the corrective action) is in."""
    complaint = await get_complaint(session, due.subject_id)
    if complaint is None or not awaiting_manager(ComplaintStatus(complaint.status)):
        return
    step, n = str(due.payload.get("step")), int(due.payload.get("n") or 0)
    owed = "decision" if complaint.status == ComplaintStatus.OPEN else "action"
    ref = label(complaint)
    reviewers = await _reviewers(session, deps, complaint)
    if complaint.decided_by and owed == "action":
        reviewers = [complaint.decided_by]
    # every reminder carries the buttons of what is owed (the same forms as the case card)
    buttons = (
        decision_buttons(due.subject_id) if owed == "decision" else action_buttons(due.subject_id)
    )
    for reviewer in reviewers:
        await enqueue_prompt(
            session,
            key=f"complaint-nudge:{complaint.id}:{step}:{n}:{reviewer}",
            recipient=ToPerson(reviewer),
            anchor=card_anchor(complaint, reviewer),
            text_key=f"complaint.nudge.{owed}",
            params={"ref": ref, "due": timed(complaint.review_due_at)},
            buttons=buttons,
            now=deps.clock.now(),
            deps=deps,
        )
    if step != "overdue":
        return
    if owed == "decision" or n > 1:
        for admin in _admins(deps, complaint.staff_id):
            if admin in reviewers:
                continue
            await enqueue_prompt(
                session,
                key=f"complaint-escalate:{complaint.id}:{n}:{admin}",
                recipient=ToPerson(admin),
                anchor=card_anchor(complaint, admin),
                text_key=f"complaint.escalation.{owed}",
                params={
                    "ref": ref,
                    "manager": complaint.decided_by or complaint.manager_id or admin,
                },
                buttons=buttons,
                now=deps.clock.now(),
                deps=deps,
            )
    await _plan_review(
        session,
        deps,
        complaint,
        "overdue",
        deps.calendar.add(due.due_at, parse_duration("1bd")),
        n + 1,
    )


async def _reward_timer(session: AsyncSession, deps: Deps, due: Due) -> None:
    """Remind the admins every business day until the gift is marked sent."""
    complaint = await get_complaint(session, due.subject_id)
    if complaint is None or complaint.reward_state != RewardState.TO_SEND:
        return
    await _ask_admins_for_reward(session, deps, complaint, int(due.payload.get("n") or 1))


TIMERS: dict[str, timers.Handler] = {REVIEW: _review_timer, REWARD: _reward_timer}
