"""`POST /api/messages`: the Agents SDK's CloudAdapter behind our own checks.

Order per request: authenticate (bot/adapters/teams/auth.py) before the body is read, then
check the body is an activity of a usable shape (400 otherwise, never a 500), then hand it to
the SDK's `CloudAdapter.process`, which builds the `TurnContext` (with a connector client for
replies) and calls our agent. The agent turns the activity into neutral facts and calls the
inbound handler composed in bot/app.py (handlers/teams.py): bot.adapters never imports handlers.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import uuid
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from aiohttp import web
from microsoft_agents.activity import Activity, InvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase, UserTokenClientBase
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient
from pydantic import ValidationError

from bot.adapters.teams.activity import Inbound, parse_activity
from bot.adapters.teams.auth import TeamsAuth
from bot.adapters.teams.markup import t
from bot.i18n import lang_of_locale

log = logging.getLogger("charterbot.teams")

BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
TurnHandler = Callable[[TurnContext, Inbound], Awaitable[None]]


class TokenSource(Protocol):
    """Bearer tokens for the bot's own calls to the Bot Connector ("" = send none)."""

    async def token(self) -> str: ...


class NoTokens:
    """Anonymous mode (Agents Playground, tests): replies carry no token."""

    async def token(self) -> str:
        return ""


class MsalTokens:
    """Client-credential tokens of the bot's Entra app registration (single tenant)."""

    def __init__(self, app_id: str, password: str, tenant_id: str) -> None:
        from microsoft_agents.authentication.msal import MsalAuth
        from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration

        self._auth = MsalAuth(
            AgentAuthConfiguration(
                client_id=app_id, client_secret=password, tenant_id=tenant_id or None
            )
        )

    async def token(self) -> str:
        return await self._auth.get_access_token(
            BOT_FRAMEWORK_SCOPE, [f"{BOT_FRAMEWORK_SCOPE}/.default"]
        )


class _ClientFactory:
    """The SDK's channel-service client factory, with our tokens (MSAL, or none)."""

    def __init__(self, tokens: TokenSource, app_id: str) -> None:
        self._tokens = tokens
        self._app_id = app_id

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        token = "" if use_anonymous else await self._tokens.token()
        return TeamsConnectorClient(endpoint=service_url, token=token)

    async def create_user_token_client(
        self, context: TurnContext, claims_identity: ClaimsIdentity, use_anonymous: bool = False
    ) -> UserTokenClientBase:
        # The bot asks for no user tokens (no OAuth sign-in); the SDK still wants a client.
        return UserTokenClient(
            endpoint=BOT_FRAMEWORK_SCOPE, token="", app_id=self._app_id or "anonymous"
        )


class _Agent:
    """The SDK's `Agent`: every turn becomes neutral facts and goes to the inbound handler."""

    def __init__(self, handler: TurnHandler) -> None:
        self._handler = handler

    async def on_turn(self, context: TurnContext) -> None:
        body = context.activity.model_dump(by_alias=True, mode="json", exclude_none=True)
        inbound = parse_activity(body)
        if inbound is not None:
            await self._handler(context, inbound)


def is_loopback_url(url: str) -> bool:
    """An http(s) URL on this machine (127.0.0.0/8, ::1, localhost)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def body_problem(raw: bytes, *, anonymous: bool) -> str | None:
    """Why a body is no usable activity (a fixed phrase, never its content); None: usable."""
    try:
        body: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "body is not JSON"
    if not isinstance(body, dict):
        return "body is not an object"
    if parse_activity(body) is None:
        return "activity has no type or conversation"
    service_url = body.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url:
        return "activity has no serviceUrl"
    if anonymous and not is_loopback_url(service_url):
        # Anonymous mode answers whoever asks: never to an address off this machine, so the
        # bot cannot be made to post to someone else's server (the Playground is local).
        return "anonymous activity names a serviceUrl off this machine"
    try:
        Activity.model_validate(body)
    except ValidationError:
        return "activity has a malformed field"
    return None


def service_url_of(raw: bytes) -> str:
    """The serviceUrl of a body that passed `body_problem`."""
    value = json.loads(raw).get("serviceUrl")
    return value if isinstance(value, str) else ""


def _same_host(a: str, b: str) -> bool:
    try:
        return (urlsplit(a).hostname or "").casefold() == (urlsplit(b).hostname or "").casefold()
    except ValueError:
        return False


class TeamsEndpoint:
    """The /api/messages handler: our checks, then the SDK's CloudAdapter."""

    def __init__(self, auth: TeamsAuth, handler: TurnHandler, tokens: TokenSource) -> None:
        self.auth = auth
        self.adapter = CloudAdapter(
            channel_service_client_factory=_ClientFactory(tokens, auth.app_id)
        )
        self.adapter.on_turn_error = self._on_turn_error
        self._agent = _Agent(handler)

    @staticmethod
    async def _on_turn_error(context: TurnContext, error: Exception) -> None:
        # The SDK's default sends the exception text to the user and prints a traceback: we
        # log it with a reference instead and tell the person only that reference (never
        # silence: a message gets it as an answer, a card action as the invoke's response).
        ref = uuid.uuid4().hex[:8]
        log.error("Teams turn failed (ref %s)", ref, exc_info=error)
        activity = context.activity
        lang = lang_of_locale(activity.locale, "ko")
        text = t(lang, "error.unexpected", message=True, ref=ref)
        try:
            if activity.type == "invoke":
                body = {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}
                response = InvokeResponse(status=200, body=body)
                await context.send_activity(Activity(type="invokeResponse", value=response))
            elif activity.type == "message":
                await context.send_activity(
                    Activity(type="message", text=text, text_format="markdown")
                )
        except Exception:  # noqa: BLE001 - the answer is best effort; the failure is logged
            log.warning("could not tell the person about failure %s", ref)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one POST /api/messages."""
        claims = await self.auth.identify(request.headers.get("Authorization"))
        if claims is None:
            # nothing of the body is read, parsed or logged before the caller is known
            return web.json_response({"error": "unauthorized"}, status=401)
        raw = await request.read()
        problem = body_problem(raw, anonymous=self.auth.anonymous)
        if problem is not None:
            log.warning("refused a Teams activity (length %d): %s", len(raw), problem)
            return web.json_response({"error": "invalid activity"}, status=400)
        claimed = claims.get_claim_value("serviceurl")
        if isinstance(claimed, str) and claimed and not _same_host(claimed, service_url_of(raw)):
            # The Bot Framework names the service URL in the token; a body naming another
            # would have the bot send its token there.
            log.warning("refused a Teams activity: serviceUrl differs from the token's")
            return web.json_response({"error": "unauthorized"}, status=401)
        with warnings.catch_warnings():
            # the SDK reads the claims under this plain string key (AiohttpRequestAdapter)
            warnings.simplefilter("ignore", web.NotAppKeyWarning)
            request["claims_identity"] = claims
        response = await self.adapter.process(request, self._agent)
        return response if response is not None else web.Response(status=202)
