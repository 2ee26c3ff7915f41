"""The action service, with no platform: every verb (asking for its form, applying it,
refusing it), what it queued in the outbox and to whom, and each delivery acting once
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlmodel import col, select
from support.queued import events, inquiry, messages, queued, source_of

from bot.deps import Deps
from bot.domain.commands import EtaSpec
from bot.domain.inquiry import Kind
from bot.errors import Conflict, DomainError, Forbidden, NotFound
from bot.ports import ActionVerb, MessageRef
from bot.services.inquiry_actions import (
    VERBS,
    ActionRequest,
    ActionResult,
    AskFor,
    Created,
    Done,
    SnoozedNudge,
    number_of,
    perform,
)
from bot.services.inquiry_forms import NewInquiryForm
from bot.services.receipts import DOUBLE_CLICK
from bot.services.results import Replayed, Said
from storage.models import Reminder
from storage.repos.reminders import SNOOZE_MARK

STAFF, OTHER_STAFF, CUSTOMER, OTHER_CUSTOMER = "USTAFF1", "USTAFF2", "UCUST", "UCUST2"
TODAY = date(2026, 12, 1)
SOURCE = MessageRef("slack", "C0INTAKE", "1764550000.000100")


async def act(deps: Deps, verb: ActionVerb, user: str, **payload: object) -> ActionResult:
    async with deps.sessions.begin() as session:
        return await perform(
            session,
            deps,
            ActionRequest(verb=verb, user_id=user, **payload),  # type: ignore[arg-type]
        )


async def refusal(deps: Deps, verb: ActionVerb, user: str, **payload: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await act(deps, verb, user, **payload)
    return caught.value


async def create(deps: Deps, user: str = CUSTOMER, **form: object) -> Created:
    fields: dict[str, object] = {"kind": Kind.SUPPORT, "title": "Login fails", **form}
    result = await act(deps, ActionVerb.CREATE, user, form=NewInquiryForm(**fields))  # type: ignore[arg-type]
    assert isinstance(result, Created), result
    return result


def test_every_verb_has_an_executor_and_its_neutral_name() -> None:
    assert set(VERBS) == set(ActionVerb)
    assert [v.value for v in ActionVerb] == [
        "inquiry.create",
        "inquiry.assign_me",
        "inquiry.set_eta",
        "inquiry.progress",
        "inquiry.resolve",
        "inquiry.reopen",
        "inquiry.snooze",
        "inquiry.transfer",
    ]


async def test_transfer_asks_for_a_colleague_then_hands_over(deps: Deps) -> None:
    await create(deps, CUSTOMER)
    asked = await act(deps, ActionVerb.TRANSFER, STAFF, number=1)
    assert isinstance(asked, AskFor) and asked.number == 1
    refused = await refusal(deps, ActionVerb.TRANSFER, CUSTOMER, number=1, to_user=STAFF)
    assert isinstance(refused, Forbidden)
    outsider = await refusal(deps, ActionVerb.TRANSFER, STAFF, number=1, to_user=CUSTOMER)
    assert isinstance(outsider, Forbidden) and outsider.params["user"] == CUSTOMER
    unknown = await refusal(deps, ActionVerb.TRANSFER, STAFF, number=9, to_user=OTHER_STAFF)
    assert isinstance(unknown, NotFound)
    done = await act(deps, ActionVerb.TRANSFER, STAFF, number=1, to_user=OTHER_STAFF, note="휴가")
    assert isinstance(done, Done) and done.said is not None
    assert done.said.key == "inquiry.transferred"
    assert (await inquiry(deps, 1)).assignee_id == OTHER_STAFF
    assert len(await events(deps, "transferred")) == 1


# ------------------------------------------------------------------------------------ create


async def test_create_from_a_form_by_a_customer_and_by_staff(deps: Deps) -> None:
    mine = await create(deps, CUSTOMER)
    assert mine.created and mine.said.key == "inquiry.notify.received"
    assert mine.said.params["number"] == 1 and mine.said.params["title"] == "Login fails"
    row = await inquiry(deps, 1)
    assert (row.requester_id, row.source) == (CUSTOMER, "modal")
    assert await source_of(deps, 1) is None
    staff = await create(deps, STAFF, title="Export", kind=Kind.REQUEST, assignee=OTHER_STAFF)
    assert staff.said.key == "inquiry.created"
    assert (await inquiry(deps, 2)).assignee_id == OTHER_STAFF
    assert [(q.kind, q.to) for q in await queued(deps)] == [
        ("card", "role:triage"),
        ("card", "role:triage"),
        ("message", f"person:{OTHER_STAFF}"),
    ]
    error = await refusal(
        deps,
        ActionVerb.CREATE,
        CUSTOMER,
        form=NewInquiryForm(Kind.SUPPORT, "Mine", assignee=STAFF),
    )
    assert isinstance(error, Forbidden) and error.key == "inquiry.error.customer_assignee"


async def test_create_tracks_a_message_once_on_behalf_of_its_author(deps: Deps) -> None:
    form = NewInquiryForm(Kind.SUPPORT, "Printer on fire")
    first = await act(
        deps, ActionVerb.CREATE, STAFF, form=form, source=SOURCE, author_id=CUSTOMER, key="v1"
    )
    assert isinstance(first, Created) and first.created
    row = await inquiry(deps, 1)
    assert (row.requester_id, row.source) == (CUSTOMER, "shortcut")
    assert await source_of(deps, 1) == (SOURCE.conversation_id, SOURCE.message_id)
    # the answer goes to the message's thread, written for its author
    assert [(q.kind, q.to, q.text_key) for q in await queued(deps)] == [
        ("card", "role:triage", ""),
        ("message", f"thread:inquiry:{row.id}:source", "inquiry.notify.received"),
    ]
    # the same submission again: nothing; another person's form for it: "already tracked"
    again = await act(
        deps, ActionVerb.CREATE, STAFF, form=form, source=SOURCE, author_id=CUSTOMER, key="v1"
    )
    assert again == Replayed()
    other = await act(deps, ActionVerb.CREATE, OTHER_CUSTOMER, form=form, source=SOURCE, key="v2")
    assert other == Created(1, False, Said("inquiry.already_tracked_other"))
    staff = await act(deps, ActionVerb.CREATE, OTHER_STAFF, form=form, source=SOURCE, key="v3")
    assert staff == Created(1, False, Said("inquiry.already_tracked", {"number": 1}))
    assert len(await events(deps, "created")) == 1 and len(await queued(deps)) == 2


async def test_a_customer_never_tracks_on_anyone_elses_behalf(deps: Deps) -> None:
    form = NewInquiryForm(Kind.SUPPORT, "Report")
    await act(deps, ActionVerb.CREATE, CUSTOMER, form=form, source=SOURCE, author_id=STAFF)
    assert (await inquiry(deps, 1)).requester_id == CUSTOMER


# --------------------------------------------------------------------------------- assign me


async def test_assign_me_then_already_yours_and_a_quiet_double_click(deps: Deps) -> None:
    await create(deps)
    result = await act(deps, ActionVerb.ASSIGN_ME, STAFF, number=1, key="t1")
    assert result == Done(
        ActionVerb.ASSIGN_ME, 1, Said("inquiry.assigned", {"number": 1, "user": STAFF})
    )
    assert (await inquiry(deps, 1)).assignee_id == STAFF
    assert await messages(deps) == [(CUSTOMER, "inquiry.notify.assigned")]
    # the same delivery again, then a second click a moment later (another key)
    assert await act(deps, ActionVerb.ASSIGN_ME, STAFF, number=1, key="t1") == Replayed()
    assert await act(deps, ActionVerb.ASSIGN_ME, STAFF, number=1, key="t2") == Done(
        ActionVerb.ASSIGN_ME, 1
    )
    deps.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    later = await act(deps, ActionVerb.ASSIGN_ME, STAFF, number=1, key="t3")
    assert later == Done(
        ActionVerb.ASSIGN_ME, 1, Said("inquiry.already_yours", {"number": 1, "user": STAFF})
    )
    assert len(await events(deps, "assigned")) == 1
    assert len(await messages(deps)) == 1


async def test_assign_me_refusals(deps: Deps) -> None:
    await create(deps)
    for number in (1, 99):  # a customer gets the same answer for every number
        error = await refusal(deps, ActionVerb.ASSIGN_ME, CUSTOMER, number=number)
        assert isinstance(error, Forbidden) and error.key == "inquiry.error.forbidden"
    error = await refusal(deps, ActionVerb.ASSIGN_ME, "URECEPTION", number=1)
    assert isinstance(error, Forbidden) and error.key == "inquiry.error.not_assignable"
    error = await refusal(deps, ActionVerb.ASSIGN_ME, STAFF, number=99)
    assert isinstance(error, NotFound)
    # a refused click claims nothing: the same delivery is refused again
    for _ in range(2):
        assert isinstance(
            await refusal(deps, ActionVerb.ASSIGN_ME, STAFF, number=99, key="t9"), NotFound
        )


# ---------------------------------------------------------------------- ETA and the note verbs


async def test_set_eta_asks_for_the_moment_then_sets_it(deps: Deps) -> None:
    await create(deps)
    ask = await act(deps, ActionVerb.SET_ETA, STAFF, number=1)
    assert ask == AskFor(ActionVerb.SET_ETA, 1, TODAY)
    assert await queued(deps) == [q for q in await queued(deps) if q.kind == "card"]
    spec = EtaSpec(day=date(2026, 12, 3), at=time(15, 0))
    done = await act(deps, ActionVerb.SET_ETA, STAFF, number=1, eta=spec, key="v1")
    assert done == Done(ActionVerb.SET_ETA, 1)
    eta_at = (await inquiry(deps, 1)).eta_at
    assert eta_at is not None and eta_at.astimezone(deps.tz).isoformat().startswith(
        "2026-12-03T15:00"
    )
    assert await act(deps, ActionVerb.SET_ETA, STAFF, number=1, eta=spec, key="v1") == Replayed()
    # the same delivery of a snooze: nothing, and no answer
    snooze = {"reminder_ids": (1,), "minutes": 30, "key": "v1"}
    assert await act(deps, ActionVerb.SNOOZE, STAFF, **snooze) == Replayed()
    assert await messages(deps) == [(CUSTOMER, "inquiry.notify.eta")]
    past = EtaSpec(day=date(2026, 11, 30))
    error = await refusal(deps, ActionVerb.SET_ETA, STAFF, number=1, eta=past)
    assert error.key == "inquiry.error.eta_in_past"
    error = await refusal(deps, ActionVerb.SET_ETA, CUSTOMER, number=1)
    assert isinstance(error, Forbidden)


@pytest.mark.parametrize(
    ("verb", "event", "told"),
    [
        (ActionVerb.PROGRESS, "progress", "inquiry.notify.progress"),
        (ActionVerb.RESOLVE, "resolved", "inquiry.notify.resolved"),
    ],
)
async def test_a_note_verb_asks_for_its_note_then_records_it_once(
    deps: Deps, verb: ActionVerb, event: str, told: str
) -> None:
    await create(deps)
    assert await act(deps, verb, STAFF, number=1) == AskFor(verb, 1, TODAY)
    for _ in range(2):  # the same submission twice
        await act(deps, verb, STAFF, number=1, note="Working on it", key="view:1")
    assert [e.note for e in await events(deps, event)] == ["Working on it"]
    assert await messages(deps) == [(CUSTOMER, told)]
    error = await refusal(deps, verb, CUSTOMER, number=1, note="x")
    assert isinstance(error, Forbidden) and error.params["who_key"] == "inquiry.who.staff"
    error = await refusal(deps, verb, STAFF, number=99)
    assert isinstance(error, NotFound)


async def test_reopen_is_for_the_requester_and_staff_once_resolved(deps: Deps) -> None:
    await create(deps)
    error = await refusal(deps, ActionVerb.REOPEN, CUSTOMER, number=1)
    assert isinstance(error, Conflict) and error.key == "inquiry.error.bad_state"
    await act(deps, ActionVerb.RESOLVE, STAFF, number=1, note="Fixed")
    assert await act(deps, ActionVerb.REOPEN, CUSTOMER, number=1) == AskFor(
        ActionVerb.REOPEN, 1, TODAY
    )
    error = await refusal(deps, ActionVerb.REOPEN, OTHER_CUSTOMER, number=1)
    assert isinstance(error, NotFound)  # not hers: the same as no such inquiry
    done = await act(deps, ActionVerb.REOPEN, CUSTOMER, number=1, note="Still broken")
    assert done == Done(ActionVerb.REOPEN, 1)
    assert (await inquiry(deps, 1)).status == "in_progress"


async def test_a_double_click_asks_once_and_a_later_click_asks_again(deps: Deps) -> None:
    await create(deps)
    first = await act(deps, ActionVerb.PROGRESS, STAFF, number=1, key="t1", intent="click:1")
    assert isinstance(first, AskFor)
    # Slack sends a double click with two trigger ids: the intent is the same
    second = await act(deps, ActionVerb.PROGRESS, STAFF, number=1, key="t2", intent="click:1")
    assert second == Replayed()
    deps.clock.advance(DOUBLE_CLICK + timedelta(seconds=1))  # type: ignore[attr-defined]
    third = await act(deps, ActionVerb.PROGRESS, STAFF, number=1, key="t3", intent="click:1")
    assert isinstance(third, AskFor)


# ------------------------------------------------------------------------------------ snooze


async def test_snooze_postpones_once_per_double_click_and_answers_both(deps: Deps) -> None:
    await create(deps, STAFF, assignee=STAFF)
    async with deps.sessions() as s:
        mine = (await s.exec(select(Reminder).where(col(Reminder.audience) == "assignee"))).all()
    assert mine
    ids = tuple(r.id for r in mine if r.id is not None)
    payload: dict[str, object] = {"reminder_ids": ids, "minutes": 30}
    deps.clock.advance(timedelta(seconds=59))  # type: ignore[attr-defined]
    result = await act(deps, ActionVerb.SNOOZE, STAFF, key="t1", intent="click:s", **payload)
    assert isinstance(result, SnoozedNudge)
    assert [number for number, _ in result.snoozed.items] == [1]
    # a double click across a minute boundary (the snooze copies are keyed by the minute):
    # still one snooze
    deps.clock.advance(timedelta(seconds=1.5))  # type: ignore[attr-defined]
    again = await act(deps, ActionVerb.SNOOZE, STAFF, key="t2", intent="click:s", **payload)
    assert isinstance(again, SnoozedNudge)  # answered, like the first click
    assert again.snoozed.items == result.snoozed.items
    async with deps.sessions() as s:
        copies = (
            await s.exec(select(Reminder).where(col(Reminder.key).contains(SNOOZE_MARK)))
        ).all()
    assert len(copies) == len(mine)
    error = await refusal(deps, ActionVerb.SNOOZE, OTHER_STAFF, reminder_ids=ids, minutes=30)
    assert isinstance(error, Forbidden)
    error = await refusal(deps, ActionVerb.SNOOZE, STAFF, reminder_ids=(), minutes=30)
    assert isinstance(error, NotFound)


@pytest.mark.parametrize(
    ("value", "number"),
    [("3", 3), ("#12", 12), (" 7 ", 7), (5, 5), ("999999999", 999_999_999)],
)
def test_a_buttons_inquiry_number(value: object, number: int) -> None:
    assert number_of(value) == number


@pytest.mark.parametrize("value", [None, "", "0", "-1", "1e3", "٣", "1000000000", "x", "#", 3.5])
def test_anything_else_is_no_inquiry_number(value: object) -> None:
    with pytest.raises(DomainError) as caught:
        number_of(value)
    assert caught.value.key == "inquiry.error.bad_ref"
