"""Teams inbound end-to-end: the real aiohttp server in anonymous mode, Teams-shaped activities,
the fake Bot Connector recording the answers (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select
from support.polling import eventually

from storage.models import TeamsConversation
from teams.support import BOT_ID, TeamsBot, installed, message, start_teams_bot


@pytest.fixture
async def teams(db_url: str) -> AsyncIterator[TeamsBot]:
    bot, stop = await start_teams_bot(db_url, anonymous=True)
    yield bot
    await stop()


async def _rows(bot: TeamsBot) -> list[TeamsConversation]:
    async with bot.runtime.deps.sessions() as s:
        return list((await s.exec(select(TeamsConversation))).all())


async def _answers(bot: TeamsBot, count: int) -> list[str]:
    await eventually(lambda: len(bot.connector.calls) >= count)
    await asyncio.sleep(0.05)  # nothing more arrives
    return [c.body.get("text", "") for c in bot.connector.calls]


async def test_help_in_korean_and_english(teams: TeamsBot) -> None:
    ko = message("help", service_url=teams.service_url, locale="ko-KR")
    status, _ = await teams.post(ko)
    assert status in (200, 202)
    en = message("help", service_url=teams.service_url, locale="en-US", user="29:alex")
    await teams.post(en)
    texts = await _answers(teams, 2)
    assert "명령" in texts[0] and "inquiry list" in texts[0]
    assert "commands" in texts[1] and "명령" not in texts[1].split("\n")[0]
    first = teams.connector.calls[0]
    assert first.op == "reply" and first.activity_id == ko["id"]
    assert first.conversation_id == "a:personal-minji"
    assert first.body["textFormat"] == "markdown"


async def test_korean_alias_and_channel_mention(teams: TeamsBot) -> None:
    body = message(
        "<at>charterbot</at> 도움말",
        service_url=teams.service_url,
        conversation="19:triage@thread.tacv2;messageid=1700000000000",
        kind="channel",
        entities=[{"type": "mention", "text": "<at>charterbot</at>", "mentioned": {"id": BOT_ID}}],
        channelData={"team": {"id": "19:team@thread.tacv2"}, "tenant": {"id": "t"}},
    )
    await teams.post(body)
    texts = await _answers(teams, 1)
    assert "inquiry list" in texts[0]
    assert teams.connector.calls[0].conversation_id.startswith("19:triage@thread.tacv2")


async def test_a_redelivered_activity_is_answered_once(teams: TeamsBot) -> None:
    body = message("help", service_url=teams.service_url, activity_id="1701000000777")
    for _ in range(3):
        status, _ = await teams.post(body)
        assert status in (200, 202)
    assert len(await _answers(teams, 1)) == 1


@pytest.mark.parametrize(
    "variant",
    [
        {"from": {"id": "28:another-bot", "name": "bot"}},
        {"from": {"id": "29:x", "name": "x", "role": "bot"}},
        {"type": "messageUpdate", "channelData": {"eventType": "editMessage"}},
        {"channelData": {"eventType": "editMessage"}},
        {"type": "messageReaction"},
        {"type": "typing"},
    ],
)
async def test_bots_edits_and_system_activities_do_nothing(
    teams: TeamsBot, variant: dict[str, object]
) -> None:
    status, _ = await teams.post(message("help", service_url=teams.service_url, **variant))
    assert status < 500
    await asyncio.sleep(0.2)
    assert teams.connector.calls == []


async def test_install_saves_and_uninstall_forgets_the_conversation(teams: TeamsBot) -> None:
    status, _ = await teams.post(installed(teams.service_url))
    assert status in (200, 202)
    rows = await _rows(teams)
    assert [(r.conversation_id, r.kind, r.user_id, r.aad_object_id) for r in rows] == [
        ("a:personal-minji", "personal", "29:user-minji", "aad-minji")
    ]
    assert teams.connector.calls == []  # installing says nothing by itself
    removed = installed(teams.service_url)
    removed["action"] = "remove"
    await teams.post(removed)
    assert await _rows(teams) == []


async def test_first_message_saves_the_conversation(teams: TeamsBot) -> None:
    await teams.post(
        message("help", service_url=teams.service_url, user="29:new", conversation="a:new")
    )
    await _answers(teams, 1)
    rows = await _rows(teams)
    assert [r.user_id for r in rows] == ["29:new"]


async def test_unknown_text_gets_the_command_list(teams: TeamsBot) -> None:
    await teams.post(message("what can you do", service_url=teams.service_url, locale="en-US"))
    texts = await _answers(teams, 1)
    assert "inquiry list" in texts[0]


async def test_card_action_invoke_of_a_customer_is_refused_in_slacks_words(
    teams: TeamsBot,
) -> None:
    body = message("", service_url=teams.service_url, locale="en-US")
    body.update(
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": "inquiry.resolve", "data": {"number": 1}}
        },
    )
    async with teams.http.post(f"{teams.url}/api/messages", json=body) as resp:
        assert resp.status == 200
        answer = await resp.json()
    assert answer["statusCode"] == 200
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert answer["value"] == "#1: only staff (team members, managers, admins) may resolve."
    assert teams.connector.calls == []  # nothing was posted or changed
