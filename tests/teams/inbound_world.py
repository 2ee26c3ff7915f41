"""The Teams inbound tests' world: the e2e config with Teams ids for its people and Teams
channels, helpers that send a message or a card action and read the bot's answer."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from e2e.world import TEST_CONFIG
from sqlmodel import select
from support.polling import eventually

from storage.models import Inquiry, OutboxMessage
from teams.support import BOT_ID, TENANT, TeamsBot, message, start_teams_bot

STAFF = "29:user-minji"  # Minji: team member (Slack USTAFF1)
ALEX = "29:alex"  # Alex: team member (Slack USTAFF2)
ADMIN = "29:admin"
CUSTOMER = "29:customer"  # in no team, no role: a customer
TRIAGE = "19:triage@thread.tacv2"
INTAKE = "19:intake@thread.tacv2"
TEAM = "19:team@thread.tacv2"

TEAMS_CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "channels": {**TEST_CONFIG["channels"], "teams": {"triage": TRIAGE, "intake": [INTAKE]}},
    "people": [
        {"name": "Minji", "slack": "USTAFF1", "teams": STAFF},
        {"name": "Alex", "slack": "USTAFF2", "teams": ALEX},
        {"name": "Boss", "slack": "UMANAGER", "teams": "29:boss"},
        {"name": "Admin", "slack": "UADMIN", "teams": ADMIN},
    ],
}
USERS = {STAFF: "Minji", ALEX: "Alex", ADMIN: "Admin", CUSTOMER: "Customer Kim"}
_ids = itertools.count(1)


@pytest.fixture
async def teams(db_url: str) -> AsyncIterator[TeamsBot]:
    bot, stop = await start_teams_bot(db_url, anonymous=True, config=TEAMS_CONFIG)
    yield bot
    await stop()


def said(
    bot: TeamsBot, text: str, *, user: str = STAFF, locale: str = "en-US", **extra: Any
) -> dict[str, Any]:
    """A personal-chat message of one of the world's people."""
    return message(
        text,
        service_url=bot.service_url,
        user=user,
        name=USERS.get(user, "Someone"),
        aad=f"aad-{user[3:]}",
        conversation=f"a:personal-{user}",
        locale=locale,
        **extra,
    )


async def ask(bot: TeamsBot, text: str, **kw: Any) -> dict[str, Any]:
    """Send a message to the bot and return its answer (the activity it replied with)."""
    before = len(bot.connector.calls)
    status, _ = await bot.post(said(bot, text, **kw))
    assert status in (200, 202)
    await eventually(lambda: len(bot.connector.calls) > before)
    return bot.connector.calls[before].body


def text_of(activity: dict[str, Any]) -> str:
    """Everything a person reads in an answer: its text, or its card's texts."""
    parts = [str(activity.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str):
                    parts.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(activity.get("attachments") or [])
    return "\n".join(p for p in parts if p)


def card_in(activity: dict[str, Any]) -> dict[str, Any]:
    attachments = activity.get("attachments") or []
    assert (
        attachments and attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    )
    content: dict[str, Any] = attachments[0]["content"]
    return content


def actions_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute of a card (top level and in action sets)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def invoke(
    bot: TeamsBot,
    verb: str,
    data: dict[str, Any],
    *,
    user: str = STAFF,
    locale: str = "en-US",
    activity_id: str | None = None,
    reply_to: str = "",
    conversation: str | None = None,
    kind: str = "personal",
) -> dict[str, Any]:
    """An `adaptiveCard/action` invoke (an Action.Execute pressed or submitted)."""
    body = message(
        "",
        service_url=bot.service_url,
        user=user,
        name=USERS.get(user, "Someone"),
        aad=f"aad-{user[3:]}",
        conversation=conversation or f"a:personal-{user}",
        kind=kind,
        locale=locale,
        activity_id=activity_id or f"f:{next(_ids)}",
    )
    body.update(
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
    )
    if reply_to:
        body["replyToId"] = reply_to
    return body


async def act(bot: TeamsBot, body: dict[str, Any]) -> dict[str, Any]:
    """Post an invoke and return its (synchronous) response body."""
    async with bot.http.post(f"{bot.url}/api/messages", json=body) as resp:
        assert resp.status == 200, await resp.text()
        answer: dict[str, Any] = await resp.json()
    assert answer["statusCode"] == 200
    return answer


def channel_post(
    bot: TeamsBot,
    text: str,
    *,
    channel: str = INTAKE,
    user: str = CUSTOMER,
    activity_id: str | None = None,
    root: str | None = None,
    mention_bot: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A channel message (a new post, or with `root` a reply in that post's reply chain)."""
    activity_id = activity_id or f"17019{next(_ids):08d}"
    body = message(
        f"<at>charterbot</at> {text}" if mention_bot else text,
        service_url=bot.service_url,
        user=user,
        name=USERS.get(user, "Someone"),
        aad=f"aad-{user[3:]}",
        conversation=f"{channel};messageid={root or activity_id}",
        kind="channel",
        activity_id=activity_id,
        channelData={
            "team": {"id": TEAM},
            "channel": {"id": channel},
            "tenant": {"id": TENANT},
        },
        **extra,
    )
    if mention_bot:
        body["entities"] = [
            {"type": "mention", "text": "<at>charterbot</at>", "mentioned": {"id": BOT_ID}}
        ]
    return body


async def inquiries(bot: TeamsBot) -> list[Inquiry]:
    async with bot.runtime.deps.sessions() as s:
        return list((await s.exec(select(Inquiry).order_by(Inquiry.number))).all())


async def outbox(bot: TeamsBot) -> list[OutboxMessage]:
    async with bot.runtime.deps.sessions() as s:
        return list((await s.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def quiet() -> None:
    await asyncio.sleep(0.15)
