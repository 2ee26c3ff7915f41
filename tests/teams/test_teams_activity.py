"""Inbound activities as neutral facts (a table of Teams-shaped activities)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.teams.activity import parse_activity

BOT = "28:app"
SVC = "https://smba.example/"


def act(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "id": "1700000000001",
        "serviceUrl": SVC,
        "channelId": "msteams",
        "from": {"id": "29:kim", "name": "Kim", "aadObjectId": "aad-kim"},
        "recipient": {"id": BOT, "name": "charterbot"},
        "conversation": {"id": "a:chat", "conversationType": "personal", "tenantId": "t1"},
        "locale": "ko-KR",
        "text": "help",
    }
    body.update(over)
    return body


CHANNEL_REPLY = act(
    conversation={
        "id": "19:abc@thread.tacv2;messageid=1699999999999",
        "conversationType": "channel",
        "tenantId": "t1",
    },
    replyToId="1699999999999",
    text="<at>charterbot</at> inquiry list  mine",
    entities=[
        {"type": "mention", "text": "<at>charterbot</at>", "mentioned": {"id": BOT}},
        {"type": "clientInfo", "locale": "ko-KR"},
    ],
    channelData={"team": {"id": "19:team@thread.tacv2"}, "channel": {"id": "19:abc@thread.tacv2"}},
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            act(),
            {
                "text": "help",
                "is_command": True,
                "conversation_kind": "personal",
                "locale": "ko-KR",
            },
        ),
        (
            CHANNEL_REPLY,
            {
                "conversation_id": "19:abc@thread.tacv2",
                "thread_id": "1699999999999",
                "reply_to_id": "1699999999999",
                "text": "inquiry list mine",
                "is_command": True,
            },
        ),
        (
            act(
                text="<at>charterbot</at> inquiry assign 3 <at>Lee</at>",
                entities=[
                    {"type": "mention", "text": "<at>charterbot</at>", "mentioned": {"id": BOT}},
                    {"type": "mention", "text": "<at>Lee</at>", "mentioned": {"id": "29:lee"}},
                ],
            ),
            {"text": "inquiry assign 3 <at>Lee</at>"},  # other people's mentions stay
        ),
        (
            act(**{"from": {"id": "28:other-bot", "name": "b"}}),
            {"is_bot": True, "is_command": False},
        ),
        (act(**{"from": {"id": "29:x", "role": "bot"}}), {"is_bot": True, "is_command": False}),
        (
            act(type="messageUpdate", channelData={"eventType": "editMessage"}),
            {"is_edit": True, "is_command": False},
        ),
        (act(channelData={"eventType": "editMessage"}), {"is_edit": True, "is_command": False}),
        (
            act(type="conversationUpdate", membersAdded=[{"id": BOT}]),
            {"is_system": True, "is_command": False},
        ),
        (act(type="installationUpdate", action="add"), {"action": "add", "is_system": True}),
        (
            act(
                type="invoke",
                name="adaptiveCard/action",
                value={"action": {"verb": "inquiry.resolve"}},
            ),
            {"name": "adaptiveCard/action", "is_command": False},
        ),
        (act(text="   "), {"is_command": False}),
        (act(locale=None), {"locale": ""}),
        (act(text=None), {"text": ""}),
    ],
)
def test_facts(body: dict[str, Any], expected: dict[str, Any]) -> None:
    facts = parse_activity(body)
    assert facts is not None
    for name, value in expected.items():
        assert getattr(facts, name) == value, name
    assert facts.platform == "teams"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "x",
        {},
        {"type": "message"},
        {"conversation": {"id": "a"}},
        act(type=5),
        act(conversation="x"),
    ],
)
def test_not_an_activity(body: Any) -> None:
    assert parse_activity(body) is None


def test_weird_field_shapes_never_raise() -> None:
    facts = parse_activity(act(**{"from": "x", "recipient": [], "entities": "y", "channelData": 3}))
    assert facts is not None and facts.author_id == "" and facts.conversation is None


def test_conversation_reference_of_a_personal_chat() -> None:
    facts = parse_activity(act())
    assert facts is not None and facts.conversation is not None
    ref = facts.conversation
    assert (ref.user_id, ref.aad_object_id, ref.kind, ref.tenant_id) == (
        "29:kim",
        "aad-kim",
        "personal",
        "t1",
    )
    assert ref.reference() == {
        "channelId": "msteams",
        "serviceUrl": SVC,
        "conversation": {"id": "a:chat", "conversationType": "personal", "tenantId": "t1"},
        "bot": {"id": BOT, "name": "charterbot"},
        "user": {"id": "29:kim", "name": "Kim", "aadObjectId": "aad-kim"},
        "locale": "ko-KR",
    }


def test_conversation_reference_of_a_channel_has_no_user() -> None:
    facts = parse_activity(CHANNEL_REPLY)
    assert facts is not None and facts.conversation is not None
    ref = facts.conversation
    assert ref.user_id == "" and ref.team_id == "19:team@thread.tacv2"
    assert ref.conversation_id == "19:abc@thread.tacv2"
    assert "user" not in ref.reference()
