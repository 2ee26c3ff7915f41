"""The `inquiry …` command service, with no platform: every subcommand's answer (a neutral
result) and what it queued in the outbox, to whom (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.queued import events, inquiry, messages, queued

from bot.deps import Deps
from bot.domain.commands import parse_inquiry_command
from bot.domain.inquiry import STAFF_ONLY
from bot.errors import Conflict, Forbidden, NotFound
from bot.services.inquiry_commands import (
    SUBCOMMANDS,
    CommandRequest,
    CommandResult,
    CustomerList,
    CustomerShow,
    DeliveryFailures,
    Help,
    OpenNewForm,
    Refused,
    StaffList,
    StaffShow,
    Usage,
    run_inquiry_command,
)
from bot.services.results import Replayed, Said
from storage.models import OutboxMessage

STAFF, OTHER_STAFF, CUSTOMER, OTHER_CUSTOMER = "USTAFF1", "USTAFF2", "UCUST", "UCUST2"


async def run(deps: Deps, user: str, text: str, key: str | None = None) -> CommandResult:
    return await run_inquiry_command(deps, CommandRequest(user_id=user, text=text, key=key))


async def said(deps: Deps, user: str, text: str) -> Said:
    result = await run(deps, user, text)
    assert isinstance(result, Said), result
    return result


async def refused(deps: Deps, user: str, text: str) -> Refused:
    result = await run(deps, user, text)
    assert isinstance(result, Refused), result
    return result


async def open_one(deps: Deps, user: str = CUSTOMER, title: str = "Login fails") -> int:
    result = await said(deps, user, f"new support {title}")
    return int(result.params["number"])


# ------------------------------------------------------------------------------------ the table


def test_the_table_covers_the_grammar_and_staff_rows_are_the_staff_only_actions() -> None:
    samples = [
        "help", "new support x", "list", "show 1", "assign 1 <@U0AAA>", "transfer 1 <@U0AAA>",
        "eta 1 +1h",
        "progress 1 x", "milestone 1 2026-12-21 x", "hold 1 x", "resume 1", "resolve 1 x",
        "reopen 1 x",
    ]  # fmt: skip
    assert {parse_inquiry_command(s).action for s in samples} == set(SUBCOMMANDS)
    assert parse_inquiry_command("").action == "modal"  # a form, no row
    staff = {verb for verb, sub in SUBCOMMANDS.items() if sub.permission == "staff"}
    assert staff == set(STAFF_ONLY)
    reads = {verb for verb, sub in SUBCOMMANDS.items() if not sub.writes}
    assert reads == {"help", "list", "show"}


# -------------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("text", "key", "usage"),
    [
        ("frobnicate 1", "inquiry.error.unknown_subcommand", "inquiry.usage.general"),
        ("new", "inquiry.error.missing_kind", "inquiry.usage.new"),
        ("new party Cake", "inquiry.error.bad_kind", "inquiry.usage.new"),
        ("new support", "inquiry.error.missing_title", "inquiry.usage.new"),
        ("new support x due:someday", "inquiry.error.bad_date", "inquiry.usage.new"),
        ("list bogus", "inquiry.error.bad_scope", "inquiry.usage.list"),
        ("show", "inquiry.error.missing_ref", "inquiry.usage.show"),
        ("show x", "inquiry.error.bad_ref", "inquiry.usage.show"),
        ("assign 1", "inquiry.error.missing_user", "inquiry.usage.assign"),
        ("eta 1 soon", "inquiry.error.bad_eta", "inquiry.usage.eta"),
        ("progress 1", "inquiry.error.missing_text", "inquiry.usage.progress"),
        ("milestone 1 soon Design", "inquiry.error.bad_date", "inquiry.usage.milestone"),
        ("hold 1", "inquiry.error.missing_text", "inquiry.usage.hold"),
        ("resume 1 now", "inquiry.error.extra_words", "inquiry.usage.resume"),
        ("resolve", "inquiry.error.missing_ref", "inquiry.usage.resolve"),
        ("reopen 1", "inquiry.error.missing_text", "inquiry.usage.reopen"),
    ],
)
async def test_bad_input_gets_the_usage_and_changes_nothing(
    deps: Deps, text: str, key: str, usage: str
) -> None:
    result = await run(deps, STAFF, text, key="k1")
    assert isinstance(result, Usage)
    assert (result.key, result.usage) == (key, usage)
    assert await queued(deps) == []


# ----------------------------------------------------------------------------- form, help


async def test_no_words_open_the_form_once_per_delivery(deps: Deps) -> None:
    request = CommandRequest(user_id=STAFF, text="", conversation_id="C0INTAKE", key="k-form")
    form = await run_inquiry_command(deps, request)
    assert isinstance(form, OpenNewForm)
    assert form.conversation_id == "C0INTAKE"
    assert form.assignees is not None
    assert [uid for uid, _ in form.assignees] == deps.config.assignable_in_order()
    assert await run_inquiry_command(deps, request) == Replayed()
    customer = await run(deps, CUSTOMER, "  ")
    assert isinstance(customer, OpenNewForm) and customer.assignees is None


async def test_help_and_the_admins_delivery_failures(deps: Deps) -> None:
    assert await run(deps, STAFF, "help") == Help()
    assert await run(deps, CUSTOMER, "도움말") == Help()
    assert await run(deps, "UADMIN", "help") == Help(DeliveryFailures(0, []))
    now = deps.clock.now()
    async with deps.sessions.begin() as s:
        s.add(
            OutboxMessage(
                idempotency_key="tell:9",
                kind="message",
                recipient="UCUST",
                payload="{}",
                state="failed",
                last_error="channel_not_found",
                available_at=now,
                created_at=now,
            )
        )
    admin = await run(deps, "UADMIN", "help")
    assert admin == Help(DeliveryFailures(1, [("tell:9", "UCUST", "channel_not_found")]))


# ------------------------------------------------------------------------------------- new


async def test_new_by_staff_queues_the_card_and_tells_the_assignee(deps: Deps) -> None:
    result = await said(
        deps, STAFF, 'new request Export the report customer:"Mirae Asset" <@USTAFF2>'
    )
    assert result.key == "inquiry.created"
    assert result.params["number"] == 1 and result.params["title"] == "Export the report"
    assert result.params["deadline"]
    row = await inquiry(deps, 1)
    assert (row.kind, row.customer, row.assignee_id, row.source) == (
        "request",
        "Mirae Asset",
        OTHER_STAFF,
        "command",
    )
    assert [(q.kind, q.to) for q in await queued(deps)] == [
        ("card", "role:triage"),
        ("message", f"person:{OTHER_STAFF}"),
    ]
    assert await messages(deps) == [(OTHER_STAFF, "inquiry.notify.assigned_to_you")]


async def test_new_by_a_customer_says_the_promise_and_refuses_what_she_may_not(
    deps: Deps,
) -> None:
    result = await said(deps, CUSTOMER, "new 문의 Cannot log in")
    assert result.key == "inquiry.notify.received"
    assert (await inquiry(deps, 1)).requester_id == CUSTOMER
    assert [(q.kind, q.to) for q in await queued(deps)] == [("card", "role:triage")]
    error = (await refused(deps, CUSTOMER, "new support Mine <@USTAFF1>")).error
    assert isinstance(error, Forbidden) and error.key == "inquiry.error.customer_assignee"
    error = (await refused(deps, STAFF, "new regulatory New rule")).error
    assert error.key == "inquiry.error.regulatory_needs_due"
    error = (await refused(deps, STAFF, "new support Old due:2020-01-02")).error
    assert error.key == "inquiry.error.due_in_past"
    assert len(await queued(deps)) == 1


async def test_the_same_delivery_twice_opens_one_inquiry(deps: Deps) -> None:
    first = await run(deps, CUSTOMER, "new support Twice", key="trigger:1")
    assert isinstance(first, Said)
    assert await run(deps, CUSTOMER, "new support Twice", key="trigger:1") == Replayed()
    assert len(await events(deps, "created")) == 1
    assert len(await queued(deps)) == 1
    # a refusal claims nothing: the same delivery is refused again, not silently dropped
    assert isinstance(await run(deps, STAFF, "progress 99 x", key="trigger:2"), Refused)
    assert isinstance(await run(deps, STAFF, "progress 99 x", key="trigger:2"), Refused)


async def test_the_grammar_needs_no_slash_and_no_slack(deps: Deps) -> None:
    """Teams hands in the text typed to the bot after `inquiry`: the same grammar."""
    request = CommandRequest(user_id=CUSTOMER, text="new support From Teams", platform="teams")
    result = await run_inquiry_command(deps, request)
    assert isinstance(result, Said) and result.key == "inquiry.notify.received"
    listed = await run_inquiry_command(
        deps, CommandRequest(user_id=CUSTOMER, text="목록", platform="teams")
    )
    assert isinstance(listed, CustomerList) and listed.total == 1


# --------------------------------------------------------------------------------- list, show


async def test_list_for_staff_and_for_customers(deps: Deps) -> None:
    await open_one(deps, CUSTOMER, "Mine")
    await open_one(deps, OTHER_CUSTOMER, "Theirs")
    staff = await run(deps, STAFF, "list open")
    assert isinstance(staff, StaffList)
    assert (staff.scope, staff.total) == ("open", 2)
    assert {r["title"] for r in staff.rows} == {"Mine", "Theirs"}
    mine = await run(deps, CUSTOMER, "list")
    assert isinstance(mine, CustomerList)
    assert mine.total == 1 and [v.title for v in mine.rows] == ["Mine"]
    error = (await refused(deps, CUSTOMER, "list all")).error
    assert isinstance(error, Forbidden) and error.key == "inquiry.error.forbidden_list"
    assert await run(deps, STAFF, "list overdue") == StaffList("overdue", 0, [])


async def test_show_for_staff_for_the_requester_and_for_anyone_else(deps: Deps) -> None:
    number = await open_one(deps)
    await said(deps, STAFF, f"progress {number} Looking into it")
    staff = await run(deps, STAFF, f"show #{number}")
    assert isinstance(staff, StaffShow)
    assert (staff.number, staff.viewer_id, staff.assignable) == (number, STAFF, True)
    assert [h["kind"] for h in staff.history] == ["created", "progress"]
    assert staff.history[1]["detail"] == "Looking into it"
    assert staff.card["last_note"] == "Looking into it"
    reception = await run(deps, "URECEPTION", f"show {number}")
    assert isinstance(reception, StaffShow) and not reception.assignable
    own = await run(deps, CUSTOMER, f"show {number}")
    assert isinstance(own, CustomerShow)
    assert own.view.title == "Login fails" and own.view.open
    assert [u.kind for u in own.view.updates] == ["created", "progress"]
    # another customer and a missing number get the same answer
    for user, ref in ((OTHER_CUSTOMER, number), (STAFF, 99)):
        error = (await refused(deps, user, f"show {ref}")).error
        assert isinstance(error, NotFound) and error.params == {"number": ref}


# --------------------------------------------------------------------------- the staff changes


@pytest.mark.parametrize(
    "text",
    [
        "show 7",
        "assign 7 <@USTAFF2>",
        "eta 7 +1h",
        "progress 7 note",
        "milestone 7 2026-12-21 stage",
        "hold 7 why",
        "resume 7",
        "resolve 7 done",
        "reopen 7 why",
    ],
)
async def test_every_subcommand_names_a_missing_inquiry(deps: Deps, text: str) -> None:
    await open_one(deps)
    error = (await refused(deps, STAFF, text)).error
    assert isinstance(error, NotFound) and error.params == {"number": 7}


async def test_assign(deps: Deps) -> None:
    number = await open_one(deps)
    result = await said(deps, STAFF, f"assign {number} <@USTAFF2>")
    assert result == Said("inquiry.assigned", {"number": number, "user": OTHER_STAFF})
    assert (await inquiry(deps, number)).assignee_id == OTHER_STAFF
    assert await messages(deps) == [
        (CUSTOMER, "inquiry.notify.assigned"),
        (OTHER_STAFF, "inquiry.notify.assigned_to_you"),
    ]
    error = (await refused(deps, STAFF, f"assign {number} <@USTAFF2>")).error
    assert isinstance(error, Conflict) and error.key == "inquiry.error.already_assigned"
    error = (await refused(deps, STAFF, f"assign {number} <@UCUST2>")).error
    assert isinstance(error, Forbidden) and error.key == "inquiry.error.not_assignable"
    error = (await refused(deps, STAFF, "assign 99 <@USTAFF2>")).error
    assert isinstance(error, NotFound)


@pytest.mark.parametrize(
    "text",
    [
        "assign {n} <@USTAFF1>",
        "eta {n} +1h",
        "progress {n} note",
        "milestone {n} 2026-12-21 stage",
        "hold {n} why",
        "resume {n}",
        "resolve {n} done",
    ],
)
async def test_a_customer_is_refused_every_staff_change_before_any_lookup(
    deps: Deps, text: str
) -> None:
    number = await open_one(deps)
    before = await queued(deps)
    for ref in (number, 99):  # hers and a missing one: the same answer
        error = (await refused(deps, CUSTOMER, text.format(n=ref))).error
        assert isinstance(error, Forbidden)
        assert error.key == "inquiry.error.forbidden" and error.params["number"] == ref
        assert error.params["who_key"] == "inquiry.who.staff"
    assert await queued(deps) == before


async def test_eta_progress_and_milestone_tell_the_requester(deps: Deps) -> None:
    number = await open_one(deps)
    result = await said(deps, STAFF, f"eta {number} +2h")
    assert result.key == "inquiry.eta_set" and result.params["number"] == number
    assert (await inquiry(deps, number)).eta_at == deps.clock.now() + timedelta(hours=2)
    assert (await said(deps, STAFF, f"progress {number} Halfway")).key == "inquiry.progress_added"
    result = await said(deps, STAFF, f"milestone {number} 2026-12-21 Design review")
    # the day is written for the reader (`12월 21일(월)`): a Day, `2026-12-21` as text
    assert result.key == "inquiry.milestone_added"
    assert {k: str(v) for k, v in result.params.items()} == {
        "number": str(number),
        "date": "2026-12-21",
        "stage": "Design review",
    }
    assert await messages(deps) == [
        (CUSTOMER, "inquiry.notify.eta"),
        (CUSTOMER, "inquiry.notify.progress"),
        (CUSTOMER, "inquiry.notify.milestone"),
    ]
    error = (await refused(deps, STAFF, f"eta {number} 2020-01-02")).error
    assert error.key == "inquiry.error.eta_in_past"
    error = (await refused(deps, STAFF, "eta 99 +2h")).error
    assert isinstance(error, NotFound)


async def test_hold_resume_resolve_reopen(deps: Deps) -> None:
    number = await open_one(deps)
    assert (await said(deps, STAFF, f"hold {number} Waiting for logs")).key == "inquiry.held"
    error = (await refused(deps, STAFF, f"hold {number} again")).error
    assert isinstance(error, Conflict) and error.key == "inquiry.error.bad_state"
    result = await said(deps, STAFF, f"resume {number}")
    assert result.key == "inquiry.resumed" and result.params["deadline"]
    assert (await said(deps, STAFF, f"resolve {number} Fixed")).key == "inquiry.resolved"
    assert (await inquiry(deps, number)).status == "resolved"
    error = (await refused(deps, OTHER_CUSTOMER, f"reopen {number} not mine")).error
    assert isinstance(error, NotFound)
    assert (await said(deps, CUSTOMER, f"reopen {number} Still broken")).key == "inquiry.reopened"
    assert (await inquiry(deps, number)).status == "in_progress"
    assert await messages(deps) == [
        (CUSTOMER, "inquiry.notify.hold"),
        (CUSTOMER, "inquiry.notify.resume"),
        (CUSTOMER, "inquiry.notify.resolved"),
    ]  # her own reopen is not told back to her by DM (she did it, no source thread)
    error = (await refused(deps, STAFF, "resolve 99 x")).error
    assert isinstance(error, NotFound)
