"""POST /api/messages: 404 without Teams, anonymous mode, and the SDK's JWT validation against a
key set the test serves itself (accepted; missing, forged, expired, wrong audience, wrong
issuer → 401 with nothing changed and nothing of the body logged)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select
from support.polling import eventually

from storage.models import TeamsConversation
from teams.support import APP_ID, SigningKey, TeamsBot, installed, message, start_teams_bot

SECRET_WORDS = "do-not-log-this-body-9f3a"


@pytest.fixture
async def key() -> AsyncIterator[SigningKey]:
    k = SigningKey()
    await k.start()
    yield k
    await k.stop()


@pytest.fixture
async def secured(db_url: str, key: SigningKey) -> AsyncIterator[TeamsBot]:
    bot, stop = await start_teams_bot(
        db_url, app_id=APP_ID, anonymous=False, jwks_url=key.jwks_url, connector_token="out-tok"
    )
    yield bot
    await stop()


async def _conversations(bot: TeamsBot) -> list[TeamsConversation]:
    async with bot.runtime.deps.sessions() as s:
        return list((await s.exec(select(TeamsConversation))).all())


async def test_no_teams_credentials_means_no_route(db_url: str) -> None:
    bot, stop = await start_teams_bot(db_url, anonymous=False)
    try:
        status, _ = await bot.post(message("help", service_url=bot.service_url))
        assert status == 404
    finally:
        await stop()


async def test_anonymous_mode_answers_help_without_a_token(db_url: str) -> None:
    bot, stop = await start_teams_bot(db_url, anonymous=True)
    try:
        status, _ = await bot.post(message("help", service_url=bot.service_url))
        assert status in (200, 202)
        await eventually(lambda: len(bot.connector.calls) == 1)
        call = bot.connector.calls[0]
        assert call.authorization == ""  # replies carry no token in anonymous mode
        assert "inquiry list" in call.body["text"]
    finally:
        await stop()


async def test_anonymous_mode_never_posts_off_this_machine(db_url: str) -> None:
    bot, stop = await start_teams_bot(db_url, anonymous=True)
    try:
        status, _ = await bot.post(message("help", service_url="https://example.invalid/"))
        assert status == 400
        assert bot.connector.calls == []
        assert await _conversations(bot) == []
    finally:
        await stop()


async def test_valid_token_is_accepted(secured: TeamsBot, key: SigningKey) -> None:
    token = key.token(serviceurl=secured.service_url)
    status, _ = await secured.post(message("help", service_url=secured.service_url), token=token)
    assert status in (200, 202)
    await eventually(lambda: len(secured.connector.calls) == 1)
    assert secured.connector.calls[0].authorization == "Bearer out-tok"
    assert key.requests >= 1  # the keys came from our own JWKS endpoint


def _forged() -> str:
    return SigningKey("test-key").token()  # same kid, another key: a forgery


@pytest.mark.parametrize(
    "case",
    ["missing", "not-bearer", "garbage", "forged", "expired", "wrong-audience", "wrong-issuer"],
)
async def test_bad_tokens_get_401_and_change_nothing(
    secured: TeamsBot, key: SigningKey, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = {
        "missing": None,
        "garbage": "not.a.jwt",
        "forged": _forged(),
        "expired": key.token(exp=1_000_000_000, nbf=999_999_000, iat=999_999_000),
        "wrong-audience": key.token(aud="someone-else"),
        "wrong-issuer": key.token(iss="https://evil.example/"),
        "not-bearer": "x",
    }
    body = installed(secured.service_url, name=SECRET_WORDS)
    body["text"] = SECRET_WORDS
    caplog.set_level(logging.DEBUG)
    if case == "not-bearer":
        async with secured.http.post(
            f"{secured.url}/api/messages", json=body, headers={"Authorization": "Basic abc"}
        ) as resp:
            status = resp.status
    else:
        status, _ = await secured.post(body, token=tokens[case])
    assert status == 401
    assert secured.connector.calls == []
    assert await _conversations(secured) == []
    assert SECRET_WORDS not in caplog.text


async def test_service_url_must_match_the_tokens(secured: TeamsBot, key: SigningKey) -> None:
    token = key.token(serviceurl="https://smba.example.invalid/")
    status, _ = await secured.post(message("help", service_url=secured.service_url), token=token)
    assert status == 401
    assert secured.connector.calls == []


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[1,2]", b'{"type": "message"}', b'{"type": 5, "conversation": {}}'],
)
async def test_bad_bodies_are_400_never_500(db_url: str, raw: bytes) -> None:
    bot, stop = await start_teams_bot(db_url, anonymous=True)
    try:
        status, _ = await bot.post(None, raw=raw)
        assert status == 400
    finally:
        await stop()


async def test_credentials_win_over_the_anonymous_switch() -> None:
    from bot.adapters.teams.auth import TeamsAuth

    auth = TeamsAuth(app_id=APP_ID, anonymous=True, jwks_url="http://127.0.0.1:9/keys")
    assert auth.anonymous is False
    assert await auth.identify(None) is None
    assert await auth.identify("Bearer not.a.token") is None
    off = TeamsAuth(app_id="", anonymous=False)
    assert await off.identify(None) is None


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc  ", "abc"),
        ("Bearer", None),
        ("Basic abc", None),
        ("Bearer a b", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header: str | None, token: str | None) -> None:
    from bot.adapters.teams.auth import bearer_token

    assert bearer_token(header) == token
