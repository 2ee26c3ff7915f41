"""One message opened as an inquiry by two people at the same instant (a `:ticket:` reaction
and the shortcut's form): one inquiry, and the second is told "already tracked as #N", on
SQLite and PostgreSQL (where both transactions really overlap)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession
from support.queued import events, inquiry, queued

from bot.deps import Deps
from bot.domain.inquiry import Kind
from bot.ports import ActionVerb
from bot.services.inquiry_actions import ActionRequest, Created, perform
from bot.services.inquiry_forms import NewInquiryForm
from bot.services.intake import IncomingMessage, Tracking, track_message, tracking_notice
from bot.services.results import Said

STAFF, CUSTOMER = "USTAFF1", "UCUST"
MARKED = IncomingMessage(
    platform="slack",
    conversation_id="C0RANDOM",
    message_id="1764550000.000300",
    author_id=CUSTOMER,
    text="The export button does nothing.",
    key="R1",
)

Opener = Callable[[AsyncSession, Deps], Awaitable[object]]


async def by_reaction(session: AsyncSession, deps: Deps) -> object:
    return await track_message(session, deps, MARKED)


async def by_form(session: AsyncSession, deps: Deps) -> object:
    request = ActionRequest(
        verb=ActionVerb.CREATE,
        user_id=STAFF,
        form=NewInquiryForm(Kind.SUPPORT, "Export does nothing"),
        source=MARKED.ref,
        author_id=CUSTOMER,
        key="V1",
    )
    return await perform(session, deps, request)


async def until_blocked(deps: Deps) -> None:
    """Wait until the second transaction waits for the first one's locks (PostgreSQL: it has
    read that the message is no inquiry yet); SQLite lets one writer in at a time."""
    if deps.engine.dialect.name != "postgresql":
        await asyncio.sleep(0.2)
        return
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(400):
        async with deps.engine.connect() as conn:
            if (await conn.execute(query)).scalar_one() > 0:
                return
        await asyncio.sleep(0.025)
    pytest.fail("the second opener never waited for the first")


@pytest.mark.parametrize(
    ("first", "second"), [(by_reaction, by_form), (by_form, by_reaction)], ids=["reaction", "form"]
)
async def test_a_reaction_and_a_form_at_the_same_instant_open_one_inquiry(
    deps: Deps, first: Opener, second: Opener
) -> None:
    async def later() -> object:
        async with deps.sessions.begin() as session:
            return await second(session, deps)

    async with deps.sessions.begin() as session:
        won = await first(session, deps)
        # the second starts while the first one's inquiry is not committed yet
        loser = asyncio.create_task(later())
        await until_blocked(deps)
    lost = await loser

    if isinstance(won, Created):
        assert (won.number, won.created) == (1, True)
    else:
        assert isinstance(won, Tracking) and won.status == "created"
    if isinstance(lost, Created):
        assert lost == Created(1, False, Said("inquiry.already_tracked", {"number": 1}))
    else:
        assert isinstance(lost, Tracking) and lost.status == "tracked"
        assert lost.inquiry is not None and lost.inquiry.number == 1
        assert tracking_notice(deps, lost, CUSTOMER) == Said(
            "inquiry.already_tracked", {"number": 1}
        )
    # nothing twice: one inquiry, one history entry, one card and one note to the requester
    assert len(await events(deps, "created")) == 1
    assert sorted(q.kind for q in await queued(deps)) == ["card", "message"]
    # and the loser's number was given back: the next inquiry is #2
    async with deps.sessions.begin() as session:
        other = await track_message(
            session, deps, IncomingMessage("slack", "C0RANDOM", "1764550000.000400", CUSTOMER, "x")
        )
    assert isinstance(other, Tracking) and other.inquiry is not None
    assert other.inquiry.number == 2
    assert (await inquiry(deps, 2)).title == "x"
