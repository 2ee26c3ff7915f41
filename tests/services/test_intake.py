"""The intake rules, with no platform: which message becomes an inquiry, a staff thread reply
as first response (once), a marked message tracked once (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from support.queued import events, inquiry, queued, source_of

from bot.deps import Deps
from bot.ports import MessageRef
from bot.services.intake import (
    IncomingMessage,
    Tracking,
    check_trackable,
    concerns_intake,
    take_message,
    track_message,
    tracking_notice,
)
from bot.services.refs import remember_message
from bot.services.results import Said
from storage.models import Inquiry

POST = IncomingMessage(
    platform="slack",
    conversation_id="C0INTAKE",
    message_id="1764550000.000100",
    author_id="UCUST",
    text="The login page is blank. Since this morning.",
    key="Ev001",
)


def reply(user: str, key: str, thread: str = POST.message_id) -> IncomingMessage:
    return IncomingMessage(
        platform="slack",
        conversation_id=POST.conversation_id,
        message_id=f"17645501{len(key):02d}.000200",
        thread_id=thread,
        author_id=user,
        text="Looking",
        key=key,
    )


@pytest.mark.parametrize(
    ("change", "concerns"),
    [
        ({}, True),
        ({"conversation_id": "C0RANDOM"}, False),  # not an intake channel
        ({"is_bot": True}, False),
        ({"kind": "other"}, False),  # an edit, a join, a deletion
        ({"author_id": None}, False),
        ({"conversation_id": "C0RANDOM", "thread_id": "1764540000.000100"}, True),  # a reply
        ({"thread_id": POST.message_id}, True),  # its own thread id: still top-level
        ({"platform": "teams"}, False),  # no Teams intake channels configured
    ],
)
def test_which_messages_the_intake_rules_act_on(
    deps: Deps, change: dict[str, object], concerns: bool
) -> None:
    assert concerns_intake(deps, replace(POST, **change)) is concerns  # type: ignore[arg-type]


async def test_an_intake_post_opens_an_inquiry_once(deps: Deps) -> None:
    async with deps.sessions.begin() as s:
        opened = await take_message(s, deps, POST)
    assert opened is not None
    row = await inquiry(deps, 1)
    assert (row.title, row.detail, row.requester_id, row.source) == (
        "The login page is blank.",
        POST.text,
        "UCUST",
        "message",
    )
    assert await source_of(deps, row.number) == ("C0INTAKE", POST.message_id)
    assert [(q.kind, q.to, q.platform, q.text_key) for q in await queued(deps)] == [
        ("card", "role:triage", "slack", ""),
        ("message", f"thread:inquiry:{row.id}:source", "slack", "inquiry.notify.received"),
    ]
    # the same event again (a retry), and the same message under another event id
    async with deps.sessions.begin() as s:
        assert await take_message(s, deps, POST) is None
        await take_message(s, deps, replace(POST, key="Ev002"))
    assert len(await events(deps, "created")) == 1 and len(await queued(deps)) == 2


async def test_messages_the_rules_ignore_open_nothing(deps: Deps) -> None:
    async with deps.sessions.begin() as s:
        for msg in (
            replace(POST, conversation_id="C0RANDOM", key="E1"),
            replace(POST, is_bot=True, key="E2"),
            replace(POST, kind="other", key="E3"),
            replace(POST, author_id=None, key="E4"),
        ):
            assert await take_message(s, deps, msg) is None
    assert await queued(deps) == []


async def test_a_staff_reply_is_the_first_response_once(deps: Deps) -> None:
    async with deps.sessions.begin() as s:
        await take_message(s, deps, POST)
        # the customer's own reply is no response; the first staff reply is, once
        assert await take_message(s, deps, reply("UCUST", "E10")) is None
        assert await take_message(s, deps, reply("USTAFF1", "E11")) is not None
        assert await take_message(s, deps, reply("USTAFF2", "E12")) is None
        assert await take_message(s, deps, reply("USTAFF1", "E11")) is None
        # a reply in a thread that is no inquiry's
        assert await take_message(s, deps, reply("USTAFF1", "E13", "1764540000.000999")) is None
    assert [e.actor_id for e in await events(deps, "first_response")] == ["USTAFF1"]
    assert (await inquiry(deps, 1)).first_response_at == deps.clock.now()


async def test_two_staff_replies_at_once_count_one_first_response(deps: Deps) -> None:
    async with deps.sessions.begin() as s:
        await take_message(s, deps, POST)
    first_done = asyncio.Event()
    second: asyncio.Task[object] | None = None
    async with deps.sessions.begin() as s:
        assert await take_message(s, deps, reply("USTAFF1", "E30")) is not None

        async def other_reply() -> object:
            first_done.set()
            async with deps.sessions.begin() as s2:
                return await take_message(s2, deps, reply("USTAFF2", "E31"))

        # the second reply starts while the first one's transaction is still open
        second = asyncio.create_task(other_reply())
        await first_done.wait()
        await asyncio.sleep(0.2)
    assert second is not None and await second is None
    assert [e.actor_id for e in await events(deps, "first_response")] == ["USTAFF1"]


async def test_a_staff_reply_under_the_card_counts_too(deps: Deps) -> None:
    async with deps.sessions.begin() as s:
        opened = await take_message(s, deps, POST)
        assert opened is not None and not isinstance(opened, Inquiry) and opened.inquiry.id
        card = MessageRef("slack", "C0TRIAGE", "1764550001.000100")
        await remember_message(
            s,
            object_kind="inquiry",
            object_id=opened.inquiry.id,
            ref="card",
            message=card,
            now=deps.clock.now(),
        )
    under_card = replace(reply("USTAFF2", "E20", "1764550001.000100"), conversation_id="C0TRIAGE")
    async with deps.sessions.begin() as s:
        assert await take_message(s, deps, under_card) is not None
    assert [e.actor_id for e in await events(deps, "first_response")] == ["USTAFF2"]


async def test_a_marked_message_is_tracked_once_and_never_a_bots(deps: Deps) -> None:
    ref = MessageRef("slack", "C0RANDOM", "1764550000.000300")
    marked = replace(POST, conversation_id=ref.conversation_id, message_id=ref.message_id, key="R1")
    async with deps.sessions.begin() as s:
        assert await check_trackable(s, ref, by_bot=True) == Tracking("bot")
        assert await check_trackable(s, ref, by_bot=False) is None
        assert await track_message(s, deps, replace(marked, is_bot=True)) == Tracking("bot")
        assert await track_message(s, deps, replace(marked, author_id=None)) == Tracking("none")
        created = await track_message(s, deps, marked)
        assert created.status == "created"
        assert await track_message(s, deps, marked) == Tracking("replay")
        again = await track_message(s, deps, replace(marked, key="R2"))
        assert again.status == "tracked"
        known = await check_trackable(s, ref, by_bot=False)
    assert known is not None and known.status == "tracked"
    assert (await inquiry(deps, 1)).source == "reaction"
    assert len(await events(deps, "created")) == 1
    assert tracking_notice(deps, known, "UCUST") == Said("inquiry.already_tracked", {"number": 1})
    assert tracking_notice(deps, known, "UCUST2") == Said("inquiry.already_tracked_other")
    assert tracking_notice(deps, Tracking("bot"), "UCUST") == Said("inquiry.error.bot_message")
    assert tracking_notice(deps, Tracking("replay"), "UCUST") is None
