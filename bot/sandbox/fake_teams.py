"""A fake Microsoft Bot Connector (the Teams side of the Bot Framework REST API) on a free port.

Records every call (method, path, ids, JSON body, Authorization header) like
bot/sandbox/fake_slack.py does, keeps each conversation's activities so updates replace them,
and can be told to fail the next calls the way Teams does:
- `fail_next(status, count, retry_after=…)`: 429 (with Retry-After), 412, 502, 504, 403 …;
- `lose_answer_next(count)`: the activity IS delivered, then the answer is a 504 (what a
  gateway time-out after delivery looks like to the bot).
Payloads Teams refuses are refused here too, as far as Microsoft documents them: a body that is
no activity object or has no `type` (400 BadArgument), an Adaptive Card attachment without
`type: AdaptiveCard` / a `version`, and a message over Teams' ~28 KB limit (413).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.sandbox.serving import start_app

MAX_MESSAGE_BYTES = 28 * 1024  # Teams: a bot message (text + cards) may be about 28 KB
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


@dataclass
class ConnectorCall:
    """One request the bot made."""

    method: str
    op: str  # send | reply | update | create_conversation | member
    conversation_id: str
    activity_id: str  # reply: the replyTo id; update: the updated id
    body: dict[str, Any]
    authorization: str
    status: int = 200


@dataclass
class _Failure:
    status: int
    retry_after: str | None = None
    deliver: bool = False  # deliver first, then fail (a lost answer)


@dataclass
class FakeConnector:
    """The fake Bot Connector; start() returns its base URL (the activities' serviceUrl)."""

    token: str = ""  # expected bearer token; "" accepts any (anonymous mode sends none)
    allow_create: bool = True  # False: the tenant forbids the bot to start 1:1 chats
    calls: list[ConnectorCall] = field(default_factory=list)
    conversations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the tenant's people (user id → their account: id, name, aadObjectId), as the
    # conversation member API of a team the bot is installed in answers them
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1700000000001))
    _runner: web.AppRunner | None = None
    url: str = ""

    # ---- knobs
    def fail_next(self, status: int, count: int = 1, *, retry_after: str | None = None) -> None:
        """Answer the next `count` calls with `status` (and a Retry-After header if given)."""
        self._failures.extend(_Failure(status, retry_after) for _ in range(count))

    def lose_answer_next(self, count: int = 1) -> None:
        """Deliver the next `count` activities, then answer 504 as if the answer was lost."""
        self._failures.extend(_Failure(504, deliver=True) for _ in range(count))

    # ---- reading
    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        """The activities currently in a conversation (updates applied), oldest first."""
        return self.conversations.get(conversation_id, [])

    def calls_of(self, op: str) -> list[ConnectorCall]:
        return [c for c in self.calls if c.op == op]

    # ---- server
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=4 * 1024**2)
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        app.router.add_get("/v3/conversations/{cid}/members/{uid}", self._member)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner, root = await start_app(self.make_app(), host, port)
        self.url = f"{root}/"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ---- handlers
    @staticmethod
    def _error(status: int, code: str, message: str, **headers: str) -> web.Response:
        body = {"error": {"code": code, "message": message}}
        return web.json_response(body, status=status, headers=headers or None)

    async def _record(self, request: web.Request, op: str) -> tuple[ConnectorCall, Any]:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        call = ConnectorCall(
            method=request.method,
            op=op,
            conversation_id=request.match_info.get("cid", ""),
            activity_id=request.match_info.get("aid", ""),
            body=body if isinstance(body, dict) else {},
            authorization=request.headers.get("Authorization", ""),
        )
        self.calls.append(call)
        return call, body

    async def _member(self, request: web.Request) -> web.Response:
        """GET a conversation's member (a person of the team): their account, or 404."""
        call, _ = await self._record(request, "member")
        refused = self._auth_problem(call)
        if refused is not None:
            return refused
        failure = self._failure(call)
        if failure is not None:
            return self._failed(failure)
        account = self.members.get(request.match_info["uid"])
        if account is None:
            call.status = 404
            return self._error(404, "MemberNotFoundInConversation", "The member was not found")
        return web.json_response(account)

    def _auth_problem(self, call: ConnectorCall) -> web.Response | None:
        if self.token and call.authorization != f"Bearer {self.token}":
            call.status = 401
            return self._error(401, "Unauthorized", "Authorization has been denied")
        return None

    def _failure(self, call: ConnectorCall) -> _Failure | None:
        if not self._failures:
            return None
        failure = self._failures.pop(0)
        call.status = failure.status
        return failure

    @staticmethod
    def _failed(failure: _Failure) -> web.Response:
        headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
        codes = {429: "TooManyRequests", 412: "PreconditionFailed", 403: "Forbidden"}
        code = codes.get(failure.status, "ServiceError")
        return FakeConnector._error(failure.status, code, "fake failure", **headers)

    def _payload_problem(
        self, call: ConnectorCall, body: Any, raw_size: int
    ) -> web.Response | None:
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            call.status = 400
            return self._error(400, "BadArgument", "Activity must have a type")
        if raw_size > MAX_MESSAGE_BYTES:
            call.status = 413
            return self._error(413, "MessageSizeTooBig", "Message size is too big")
        attachments = body.get("attachments") or []
        if not isinstance(attachments, list):
            call.status = 400
            return self._error(400, "BadArgument", "attachments must be a list")
        for attachment in attachments:
            if not isinstance(attachment, dict) or not attachment.get("contentType"):
                call.status = 400
                return self._error(400, "BadArgument", "attachment without contentType")
            if attachment["contentType"] == ADAPTIVE_CARD:
                content = attachment.get("content")
                if (
                    not isinstance(content, dict)
                    or content.get("type") != "AdaptiveCard"
                    or not isinstance(content.get("version"), str)
                ):
                    call.status = 400
                    return self._error(400, "BadArgument", "invalid Adaptive Card")
        if body.get("type") == "message" and not (body.get("text") or attachments):
            call.status = 400
            return self._error(400, "BadArgument", "Message has no text and no attachments")
        return None

    async def _deliver(self, request: web.Request, op: str) -> web.Response:
        call, body = await self._record(request, op)
        if (refused := self._auth_problem(call)) is not None:
            return refused
        failure = self._failure(call)
        if failure is not None and not failure.deliver:
            return self._failed(failure)
        if (bad := self._payload_problem(call, body, len(await request.read()))) is not None:
            return bad
        conversation = self.conversations.setdefault(call.conversation_id, [])
        if op == "update":
            for i, activity in enumerate(conversation):
                if activity["id"] == call.activity_id:
                    conversation[i] = {**body, "id": call.activity_id}
                    break
            else:
                call.status = 404
                return self._error(404, "ActivityNotFoundInConversation", "no such activity")
            new_id = call.activity_id
        else:
            new_id = str(next(self._ids))
            stored = {**body, "id": new_id}
            if op == "reply":
                stored["replyToId"] = call.activity_id
            conversation.append(stored)
        if failure is not None:  # delivered, but the bot never hears so
            return self._failed(failure)
        return web.json_response({"id": new_id}, status=200 if op == "update" else 201)

    async def _send(self, request: web.Request) -> web.Response:
        return await self._deliver(request, "send")

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._deliver(request, "reply")

    async def _update(self, request: web.Request) -> web.Response:
        return await self._deliver(request, "update")

    async def _create(self, request: web.Request) -> web.Response:
        call, body = await self._record(request, "create_conversation")
        if (refused := self._auth_problem(call)) is not None:
            return refused
        failure = self._failure(call)
        if failure is not None:
            return self._failed(failure)
        members = body.get("members") if isinstance(body, dict) else None
        if not isinstance(members, list) or not members:
            call.status = 400
            return self._error(400, "BadArgument", "members are required")
        if not self.allow_create:
            call.status = 403
            return self._error(403, "Forbidden", "The bot is not allowed to start this chat")
        member = members[0] if isinstance(members[0], dict) else {}
        conversation_id = f"a:fake-{member.get('id', 'someone')}"
        self.conversations.setdefault(conversation_id, [])
        return web.json_response({"id": conversation_id}, status=201)
