"""Teams test support: a signing key with its own OpenID/JWKS server, tokens, activities, and
the bot server with Teams on (anonymous, or with an app id checked against our own keys)."""

from __future__ import annotations

import base64
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from e2e.harness import serve_local
from e2e.world import START, TEST_CONFIG, bot_env

from bot.app import Runtime, build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import parse_config
from bot.sandbox.fake_teams import FakeConnector
from storage.migrate import upgrade_async

APP_ID = "00000000-0000-4000-8000-00000000a99d"
TENANT = "11111111-1111-4111-8111-111111111111"
BOT_ID = f"28:{APP_ID}"
BF_ISSUER = "https://api.botframework.com"


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class SigningKey:
    """An RSA key of the test's own, published as a JWKS on 127.0.0.1."""

    def __init__(self, kid: str = "test-key") -> None:
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.runner: web.AppRunner | None = None
        self.jwks_url = ""
        self.requests = 0

    def jwks(self) -> dict[str, Any]:
        pub = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _b64(pub.n),
                    "e": _b64(pub.e),
                    "endorsements": ["msteams"],
                }
            ]
        }

    async def start(self) -> str:
        async def keys(_request: web.Request) -> web.Response:
            self.requests += 1
            return web.json_response(self.jwks())

        async def openid(request: web.Request) -> web.Response:
            base = f"http://{request.host}"
            return web.json_response({"issuer": BF_ISSUER, "jwks_uri": f"{base}/keys"})

        app = web.Application()
        app.router.add_get("/keys", keys)
        app.router.add_get("/.well-known/openidconfiguration", openid)
        self.runner, port = await serve_local(app)
        self.jwks_url = f"http://127.0.0.1:{port}/keys"
        return self.jwks_url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def token(self, **overrides: Any) -> str:
        """A Bot Framework token for APP_ID, valid for an hour (claims can be overridden)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": BF_ISSUER,
            "aud": APP_ID,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + 3600,
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


class StaticTokens:
    """The bot's outbound token in tests (no Entra to ask)."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token


_ids = itertools.count(1)


def message(
    text: str,
    *,
    service_url: str,
    user: str = "29:user-minji",
    name: str = "Minji",
    aad: str = "aad-minji",
    conversation: str = "a:personal-minji",
    kind: str = "personal",
    locale: str = "ko-KR",
    activity_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A Teams message activity as the Bot Connector posts it."""
    body: dict[str, Any] = {
        "type": "message",
        "id": activity_id or f"1701{next(_ids):09d}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": user, "name": name, "aadObjectId": aad},
        "recipient": {"id": BOT_ID, "name": "charterbot"},
        "conversation": {"id": conversation, "conversationType": kind, "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": locale,
        "text": text,
        "textFormat": "plain",
    }
    body.update(extra)
    return body


def installed(service_url: str, **kw: Any) -> dict[str, Any]:
    """An installationUpdate (the app was added for a person)."""
    body = message("", service_url=service_url, **kw)
    body.update(type="installationUpdate", action="add")
    body.pop("text")
    return body


@dataclass
class TeamsBot:
    """The running bot with Teams on, its fake connector and an HTTP client."""

    runtime: Runtime
    connector: FakeConnector
    url: str
    http: aiohttp.ClientSession

    @property
    def service_url(self) -> str:
        return self.connector.url

    async def post(
        self, activity: Any, *, token: str | None = None, raw: bytes | None = None
    ) -> tuple[int, str]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(activity).encode()
        async with self.http.post(f"{self.url}/api/messages", data=data, headers=headers) as resp:
            return resp.status, await resp.text()


async def start_teams_bot(
    db_url: str,
    *,
    app_id: str = "",
    anonymous: bool = True,
    jwks_url: str | None = None,
    connector_token: str = "",
    config: dict[str, Any] | None = None,
) -> tuple[TeamsBot, Callable[[], Awaitable[None]]]:
    """Start the fake connector and the bot server with Teams on (`config`: instead of the
    e2e world's TEST_CONFIG)."""
    connector = FakeConnector(token=connector_token)
    await connector.start()
    await upgrade_async(db_url)
    env = bot_env("http://127.0.0.1:9/api/", db_url).model_copy(
        update={
            "TEAMS_APP_ID": app_id,
            "TEAMS_APP_PASSWORD": "secret" if app_id else "",
            "TEAMS_TENANT_ID": TENANT if app_id else "",
            "TEAMS_ALLOW_ANONYMOUS": anonymous,
        }
    )
    runtime = build_runtime(env, parse_config(config or TEST_CONFIG), clock=SettableClock(START))
    app = build_web_app(
        runtime,
        run_sender=False,
        teams_jwks_url=jwks_url,
        teams_tokens=StaticTokens(connector_token) if app_id else None,
    )
    runner, port = await serve_local(app)
    http = aiohttp.ClientSession()
    bot = TeamsBot(runtime, connector, f"http://127.0.0.1:{port}", http)

    async def stop() -> None:
        await http.close()
        await runner.cleanup()
        await connector.stop()

    return bot, stop
