"""The Teams transport against the fake Bot Connector: send, reply, update, 1:1 creation, and
how each failure is classified (429 Retry-After, 412, 502/504 uncertain, permanent 4xx), with
the duplicate rule after a lost answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.teams.cards import adaptive_card, build_text_message, card_activity, text_block
from bot.adapters.teams.transport import (
    UNCERTAIN_RESENDS,
    TeamsSendError,
    TeamsTransport,
    retry_after_seconds,
)
from bot.sandbox.fake_teams import FakeConnector

CONV = "19:triage@thread.tacv2"


class Tokens:
    async def token(self) -> str:
        return "tok"


@pytest.fixture
async def fake() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector(token="tok")
    await connector.start()
    yield connector
    await connector.stop()


@pytest.fixture
def transport() -> TeamsTransport:
    return TeamsTransport(Tokens(), timeout=5)


def _card(text: str = "card") -> dict[str, object]:
    return card_activity(adaptive_card([text_block(text)]))


async def test_send_reply_update_roundtrip(fake: FakeConnector, transport: TeamsTransport) -> None:
    sent = await transport.send(fake.url, CONV, _card("v1"))
    assert sent.message_id
    reply = await transport.reply(fake.url, CONV, sent.message_id, build_text_message("hi"))
    await transport.update(fake.url, CONV, sent.message_id, _card("v2"))
    assert [c.op for c in fake.calls] == ["send", "reply", "update"]
    assert all(c.authorization == "Bearer tok" for c in fake.calls)
    messages = fake.messages(CONV)
    assert messages[0]["attachments"][0]["content"]["body"][0]["text"] == "v2"
    assert messages[1]["replyToId"] == sent.message_id and messages[1]["id"] == reply.message_id


async def test_429_carries_retry_after_and_is_certain(
    fake: FakeConnector, transport: TeamsTransport
) -> None:
    fake.fail_next(429, retry_after="7")
    with pytest.raises(TeamsSendError) as err:
        await transport.send(fake.url, CONV, build_text_message("x"))
    assert err.value.retry and not err.value.uncertain and err.value.retry_after == 7
    assert fake.messages(CONV) == []
    await transport.send(fake.url, CONV, build_text_message("x"))  # the retry goes through
    assert len(fake.messages(CONV)) == 1


async def test_412_is_retried_and_certain(fake: FakeConnector, transport: TeamsTransport) -> None:
    fake.fail_next(412)
    with pytest.raises(TeamsSendError) as err:
        await transport.send(fake.url, CONV, build_text_message("x"))
    assert err.value.retry and not err.value.uncertain and err.value.status == 412


@pytest.mark.parametrize("status", [502, 504])
async def test_gateway_errors_are_retried_as_uncertain(
    fake: FakeConnector, transport: TeamsTransport, status: int
) -> None:
    fake.fail_next(status)
    with pytest.raises(TeamsSendError) as err:
        await transport.send(fake.url, CONV, build_text_message("x"))
    assert err.value.retry and err.value.uncertain


async def test_an_update_is_never_uncertain(fake: FakeConnector, transport: TeamsTransport) -> None:
    sent = await transport.send(fake.url, CONV, _card())
    fake.fail_next(504)
    with pytest.raises(TeamsSendError) as err:
        await transport.update(fake.url, CONV, sent.message_id, _card("v2"))
    assert err.value.retry and not err.value.uncertain  # a PUT can be repeated safely


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_refusals_are_permanent(
    fake: FakeConnector, transport: TeamsTransport, status: int
) -> None:
    fake.fail_next(status)
    with pytest.raises(TeamsSendError) as err:
        await transport.send(fake.url, CONV, build_text_message("x"))
    assert err.value.permanent and err.value.status == status


async def test_what_teams_rejects_is_permanent(
    fake: FakeConnector, transport: TeamsTransport
) -> None:
    huge = card_activity(adaptive_card([text_block("x" * 40_000)]))
    with pytest.raises(TeamsSendError) as err:
        await transport.send(fake.url, CONV, huge)
    assert err.value.permanent and err.value.status == 413
    bad = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": {"body": []}}
        ],
    }
    with pytest.raises(TeamsSendError) as err:
        await transport.send(fake.url, CONV, bad)
    assert err.value.permanent and err.value.status == 400
    assert fake.messages(CONV) == []


async def test_cannot_connect_is_a_certain_retry(transport: TeamsTransport) -> None:
    with pytest.raises(TeamsSendError) as err:
        await transport.send("http://127.0.0.1:9/", CONV, build_text_message("x"))
    assert err.value.retry and not err.value.uncertain


async def test_lost_answer_then_resend_makes_at_most_two_copies(
    fake: FakeConnector, transport: TeamsTransport
) -> None:
    """The documented guarantee: after an uncertain outcome, at most UNCERTAIN_RESENDS more."""
    fake.lose_answer_next(5)  # Teams keeps delivering and keeps losing the answer
    attempts = 0
    uncertain = 0
    while True:
        attempts += 1
        try:
            await transport.send(fake.url, CONV, build_text_message("nudge"))
            break
        except TeamsSendError as exc:
            assert exc.retry
            uncertain += exc.uncertain
            if uncertain > UNCERTAIN_RESENDS:
                break  # the engine stops here: the row fails as "uncertain"
    assert len(fake.messages(CONV)) == UNCERTAIN_RESENDS + 1 == 2


async def test_create_personal_conversation(fake: FakeConnector, transport: TeamsTransport) -> None:
    cid = await transport.create_personal(
        fake.url, tenant_id="t1", bot_id="28:bot", user_id="29:someone"
    )
    assert cid and fake.calls_of("create_conversation")[0].body["members"][0]["id"] == "29:someone"
    again = await transport.create_personal(
        fake.url, tenant_id="t1", bot_id="28:bot", user_id="29:someone"
    )
    assert again == cid
    fake.allow_create = False
    with pytest.raises(TeamsSendError) as err:
        await transport.create_personal(fake.url, tenant_id="t1", bot_id="28:bot", user_id="29:x")
    assert err.value.permanent and "does not allow" in err.value.reason


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("0", 1.0), ("99999", 3600.0), ("soon", None), (None, None)],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert retry_after_seconds(header) == expected


def test_retry_after_http_date() -> None:
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:30 GMT", now=1767225600.0) == 30.0
