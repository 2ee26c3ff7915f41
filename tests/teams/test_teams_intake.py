"""Teams channel messages and the intake rules: a post in an intake channel opens an inquiry
(its answer queued for the post's reply chain), a staff reply in an inquiry's reply chain is its
first response; bots, edits, system messages and redeliveries change nothing (more); a
person's locale is remembered (the real server in anonymous mode; SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.ports import MessageRef
from bot.services.refs import CARD, SOURCE, find_message, remember_message
from storage.models import InquiryEvent, UserProfile
from teams.inbound_world import (
    ALEX,
    CUSTOMER,
    STAFF,
    TRIAGE,
    channel_post,
    inquiries,
    outbox,
    quiet,
    said,
    teams,
)
from teams.support import TeamsBot

__all__ = ["teams"]


async def _post(bot: TeamsBot, body: dict[str, object]) -> None:
    status, _ = await bot.post(body)
    assert status in (200, 202)


async def _first_responses(bot: TeamsBot) -> int:
    async with bot.runtime.deps.sessions() as s:
        rows = (
            await s.exec(select(InquiryEvent).where(InquiryEvent.kind == "first_response"))
        ).all()
        return len(rows)


async def test_an_intake_post_opens_an_inquiry_answered_in_its_reply_chain(
    teams: TeamsBot,
) -> None:
    body = channel_post(teams, "로그인이 안 됩니다. 도와주세요", activity_id="1701900000001")
    await _post(teams, body)
    await _post(teams, body)  # Teams redelivers it
    [row] = await inquiries(teams)
    assert (row.requester_id, row.source, row.title) == (CUSTOMER, "message", "로그인이 안 됩니다.")
    assert row.id is not None
    async with teams.runtime.deps.sessions() as s:
        source = await find_message(s, "inquiry", row.id, SOURCE, "teams")
    assert source == MessageRef("teams", "19:intake@thread.tacv2", "1701900000001")
    rows = [(r.platform, r.recipient) for r in await outbox(teams)]
    assert ("teams", f"thread:inquiry:{row.id}:source") in rows  # "logged as #1, expect …"
    # its card (on Teams too once configured_platforms reads [channels.teams]: tout's part)
    assert any(recipient == "role:triage" for _, recipient in rows)
    assert teams.connector.calls == []  # the outbox answers, not the turn


@pytest.mark.parametrize(
    "variant",
    [
        {"from": {"id": "28:another-bot", "name": "bot"}},
        {"type": "messageUpdate", "channelData": {"eventType": "editMessage"}},
        {"type": "conversationUpdate"},
        {"text": ""},
    ],
)
async def test_bots_edits_and_system_messages_open_nothing(
    teams: TeamsBot, variant: dict[str, object]
) -> None:
    body = channel_post(teams, "help me")
    body.update(variant)
    await _post(teams, body)
    await quiet()
    assert await inquiries(teams) == []


async def test_a_post_elsewhere_opens_nothing(teams: TeamsBot) -> None:
    await _post(teams, channel_post(teams, "lunch?", channel="19:random@thread.tacv2"))
    await quiet()
    assert await inquiries(teams) == [] and teams.connector.calls == []


async def test_a_staff_reply_in_the_reply_chain_is_the_first_response_once(
    teams: TeamsBot,
) -> None:
    await _post(teams, channel_post(teams, "VPN down", activity_id="1701900000010"))
    # the customer's own reply is no response
    await _post(teams, channel_post(teams, "still down", root="1701900000010"))
    assert await _first_responses(teams) == 0
    await _post(teams, channel_post(teams, "looking", root="1701900000010", user=STAFF))
    await _post(teams, channel_post(teams, "me too", root="1701900000010", user=ALEX))
    [row] = await inquiries(teams)
    assert row.first_response_at is not None
    assert await _first_responses(teams) == 1


async def test_a_staff_reply_under_the_triage_card_counts(teams: TeamsBot) -> None:
    await _post(teams, channel_post(teams, "VPN down"))
    [row] = await inquiries(teams)
    assert row.id is not None
    deps = teams.runtime.deps
    async with deps.sessions.begin() as session:
        await remember_message(
            session,
            object_kind="inquiry",
            object_id=row.id,
            ref=CARD,
            message=MessageRef("teams", TRIAGE, "1701000000900"),
            now=deps.clock.now(),
        )
    await _post(
        teams, channel_post(teams, "on it", channel=TRIAGE, root="1701000000900", user=STAFF)
    )
    assert await _first_responses(teams) == 1


async def test_a_command_to_the_bot_in_the_intake_channel_is_a_command(teams: TeamsBot) -> None:
    await _post(teams, channel_post(teams, "help", mention_bot=True, locale="en-US"))
    await quiet()
    assert await inquiries(teams) == []
    [answer] = teams.connector.calls
    assert "inquiry list" in answer.body["text"]


async def test_a_mention_in_an_intake_post_is_plain_text_in_the_title(teams: TeamsBot) -> None:
    mention = {
        "type": "mention",
        "text": "<at>Alex</at>",
        "mentioned": {"id": ALEX, "name": "Alex"},
    }
    await _post(teams, channel_post(teams, "<at>Alex</at> login broken", entities=[mention]))
    [row] = await inquiries(teams)
    assert row.title == "@Alex login broken"


async def test_the_locale_of_an_activity_is_remembered(teams: TeamsBot) -> None:
    deps = teams.runtime.deps
    assert await deps.languages.language_of(CUSTOMER) == "ko"  # the company's default
    await _post(teams, said(teams, "help", user=CUSTOMER, locale="en-US"))
    await quiet()
    async with deps.sessions() as s:
        profile = await s.get(UserProfile, CUSTOMER)
    assert profile is not None and (profile.locale, profile.name) == ("en-US", "Customer Kim")
    # later messages to them (nudges, DMs) are written in English
    assert await deps.languages.language_of(CUSTOMER) == "en"
