"""The sandbox server: the real bot, the fake Slack Web API and the page on one aiohttp app.

Every action on the page becomes a signed, Slack-shaped request to the bot's own
`POST /slack/events`; the bot answers through the fake Web API mounted on the same server;
the fake's call log is pushed to the page with server-sent events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot.adapters.slack.text import t
from bot.aio import cancel_and_wait
from bot.app import Runtime, build_web_app
from bot.clock import SettableClock
from bot.domain.durations import parse_duration
from bot.domain.grammar import subcommand as grammar_subcommand
from bot.i18n import LANGS, Lang, catalogue, lang_of_locale
from bot.sandbox import slack_requests as sr
from bot.sandbox.fake_slack import Call, FakeSlack, validate_view
from bot.sandbox.workspace import GUIDE_ID, Persona, Workspace, save_state

log = logging.getLogger("charterbot.sandbox")
STATIC = Path(__file__).resolve().parent / "static"
SLACK_TIMEOUT = 3.0  # Slack gives up on the app after 3 seconds
PAGE_SIZE = 100
CLOCK_STEPS = ("1m", "15m", "1h", "morning", "1bd")
# The page sends this header with every state-changing request; its value is made at start
# and served only inside the page, so another web page cannot forge the request.
TOKEN_HEADER = "X-Sandbox-Token"
# Bounds on what the page's API may make the sandbox hold (it keeps everything in memory).
MAX_BODY_BYTES = 64 * 1024
MAX_FILL = 5000  # messages one load-test call may add
MAX_MESSAGES = 50_000  # messages the whole workspace may hold
MAX_REACTIONS = 23  # distinct emoji on one message, like Slack
MAX_CALLS = 5000  # Web API calls kept for /sandbox/api/calls
MAX_EPHEMERALS = 2000
MAX_VIEWS = 500
MAX_STREAMS = 32  # open pages (live-update streams) at once
MAX_BACKLOG = 2000  # events waiting for one page; a page that stops reading is let go


# The /inquiry subcommands the composer offers, in the order of `/inquiry help`.
SUBCOMMANDS = (
    "new",
    "list",
    "show",
    "assign",
    "transfer",
    "eta",
    "progress",
    "milestone",
    "hold",
    "resume",
    "resolve",
    "reopen",
    "help",
)
_USAGE = re.compile(r"`/inquiry (\S+)\s*([^`]*)`")


def page_texts(lang: Lang) -> dict[str, str]:
    """The page's own labels in one language (catalogue keys `sandbox.*`, prefix removed)."""
    return {k[8:]: v for k, v in catalogue(lang).items() if k.startswith("sandbox.")}


def subcommands(lang: Lang) -> list[dict[str, str]]:
    """Every /inquiry subcommand with its arguments (from the bot's usage text) and its own
    description, for the composer's autocomplete."""
    texts = catalogue(lang)
    out = []
    for name in SUBCOMMANDS:
        usage = texts.get(f"inquiry.usage.{name}", "")
        m = _USAGE.search(usage)
        # the neutral catalogue writes `<`, `>`, `&` as themselves: the page shows them as is
        # the usage names the subcommand in the reader's words (`배정` is `assign`)
        args = m.group(2).strip() if m and grammar_subcommand(m.group(1)) == name else ""
        out.append({"name": name, "args": args, "description": texts[f"sandbox.sub.{name}"]})
    return out


class BadInput(Exception):
    """A request from the page that cannot be carried out.

    The page shows the catalogue's `sandbox.error.<code>` in the persona's language when there
    is one (filled in with `params`), else `message` as is.
    """

    def __init__(
        self, code: str, message: str, status: int = 400, params: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.params = params or {}


def _index(value: object) -> int:
    """A block or element position sent by the page."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise BadInput("element_not_found", "That button is no longer there.")


class Sandbox:
    """State of the page side: open modals, triggers, errors, live-update clients."""

    def __init__(
        self,
        *,
        fake: FakeSlack,
        runtime: Runtime,
        clock: SettableClock,
        secret: str,
        workspace: Workspace,
        manifest: dict[str, Any],
        state_file: Path | None,
        page_token: str | None = None,
        exposed: bool = False,
    ) -> None:
        self.fake = fake
        self.runtime = runtime
        self.clock = clock
        self.secret = secret
        self.workspace = workspace
        self.manifest = manifest
        self.state_file = state_file
        self.url = ""  # set once the socket is bound
        self.page_token = page_token or secrets.token_urlsafe(24)
        self.exposed = exposed  # --expose: any Host may reach the page
        self.modals: dict[str, list[str]] = {}  # user -> stack of view ids (top last)
        self.triggers: dict[str, str] = {}  # trigger_id -> user who caused it
        self.errors: deque[dict[str, Any]] = deque(maxlen=20)
        self.clients: set[asyncio.Queue[dict[str, Any] | None]] = set()
        self.seq = 0  # number of the last pushed event; snapshots carry it (see push)
        self.http: aiohttp.ClientSession | None = None
        self._save_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        fake.on_call.append(self._on_call)

    # ------------------------------------------------------------------ lookups

    def persona(self, key: str | None) -> Persona:
        """The acting persona, or a clear refusal."""
        person = self.workspace.person(key or "")
        if person is None:
            names = ", ".join(p.name for p in self.workspace.people)
            raise BadInput(
                "unknown_persona", f"Unknown persona '{key or ''}'. Pick one of: {names}.", 404
            )
        return person

    def channel_id(self, person: Persona, key: str | None) -> str:
        """A channel id the persona may see: a channel id/name, or 'dm' for the bot DM."""
        key = (key or "").strip()
        dm = self.fake.dm_channel_for(person.id)
        if key.lower() in ("dm", "@charterbot", dm.lower()):
            return dm
        channel = self.workspace.channel(key)
        if channel is None:
            names = ", ".join("#" + c.name for c in self.workspace.channels)
            raise BadInput(
                "unknown_channel",
                f"Unknown channel '{key}'. The channels are {names}, plus 'dm' and 'home'.",
                404,
                {"name": key, "channels": names},
            )
        if person.external and channel.id not in self.runtime.deps.config.channels.intake:
            raise BadInput(
                "not_in_channel",
                f"{person.real_name} is a customer from another organisation and only "
                f"sees the shared channels (#intake) and the DM with the bot.",
                403,
                {"name": person.real_name},
            )
        return channel.id

    def channel_name(self, channel: str) -> str:
        info = self.fake.channels.get(channel) or {}
        if info.get("is_im"):
            return "directmessage"
        return str(info.get("name") or channel)

    def person_of(self, user_id: str) -> sr.Person:
        info = self.fake.users.get(user_id) or {}
        return sr.Person(user_id, str(info.get("name") or user_id))

    def trigger_for(self, user: str) -> str:
        trigger = self.fake.new_trigger_id()
        self.triggers[trigger] = user
        while len(self.triggers) > 1000:  # triggers expire after 3 s; keep the map small
            del self.triggers[next(iter(self.triggers))]
        return trigger

    def now(self) -> datetime:
        return self.clock.now()

    def local_now(self) -> str:
        """The sandbox time in the configured zone, ISO 8601."""
        return self.clock.now().astimezone(self.runtime.deps.tz).isoformat()

    def event_ts(self) -> str:
        return f"{self.now().timestamp():.6f}"

    def seed_welcome(self) -> None:
        """A first-time visitor's hint: a note from the sandbox guide in #triage (in both
        languages) and in every persona's DM with the bot (in the persona's language)."""
        cfg = self.runtime.deps.config
        intake = cfg.channels.intake[0] if cfg.channels.intake else None
        first: Lang = cfg.language
        second: Lang = "en" if first == "ko" else "ko"
        if cfg.channels.triage:
            both = "\n\n".join(
                t(lang, "sandbox.welcome", channel=intake or "#intake") for lang in (first, second)
            )
            self.fake.post_user_message(cfg.channels.triage, GUIDE_ID, both)
        for person in self.workspace.people:
            lang = lang_of_locale(person.locale, cfg.language)
            self.fake.post_user_message(
                self.fake.dm_channel_for(person.id),
                GUIDE_ID,
                t(lang, "sandbox.welcome", channel=intake or "#intake"),
            )

    # ------------------------------------------------------------------ who may ask

    def allowed_hosts(self) -> set[str]:
        """The Host header values of the page's own origin (loopback names, bound port)."""
        bound = urlsplit(self.url)
        port = bound.port
        hosts = {bound.netloc.lower()}
        for name in ("localhost", "127.0.0.1", "[::1]", bound.hostname or ""):
            hosts.add(f"{name}:{port}")
            if port == 80:
                hosts.add(name)
        return hosts

    def refusal(self, request: web.Request) -> str | None:
        """Why the page's API must not answer this request (None: it may).

        Every request must name the sandbox itself as Host (no DNS rebinding); one that
        changes something must also be JSON, come from the page's own origin and carry the
        page's token, so no other web page the developer visits can act in the sandbox.
        """
        host = request.headers.get("Host", "").lower()
        if not self.exposed and host not in self.allowed_hosts():
            return f"The sandbox answers only on its own address; this request was for '{host}'."
        site = request.headers.get("Sec-Fetch-Site")
        if request.method in ("GET", "HEAD"):
            # the page itself may be opened from a link anywhere; its API only by the page
            if request.path.startswith("/sandbox/") and site in ("cross-site", "same-site"):
                return "The sandbox accepts requests from its own page only."
            return None
        if request.content_type != "application/json":
            return "The sandbox accepts only application/json requests from its page."
        if site is not None and site not in ("same-origin", "none"):
            return "The sandbox accepts requests from its own page only."
        origin = request.headers.get("Origin")
        source = origin if origin is not None else request.headers.get("Referer")
        if source is not None:
            parsed = urlsplit(source)
            if parsed.scheme not in ("http", "https") or parsed.netloc.lower() != host:
                return "The sandbox accepts requests from its own page only."
        token = request.headers.get(TOKEN_HEADER, "")
        if not secrets.compare_digest(token.encode(), self.page_token.encode()):
            return "The request lacks the page's sandbox token; reload the sandbox page."
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return f"Requests to the sandbox are limited to {MAX_BODY_BYTES // 1024} KiB."
        return None

    def trim(self) -> None:
        """Keep what accumulates with use within bounds (oldest first out)."""
        fake = self.fake
        if len(fake.calls) > MAX_CALLS:
            del fake.calls[: len(fake.calls) - MAX_CALLS]
        if len(fake.ephemerals) > MAX_EPHEMERALS:
            del fake.ephemerals[: len(fake.ephemerals) - MAX_EPHEMERALS]
        if len(fake.views) > MAX_VIEWS:
            open_views = {v for stack in self.modals.values() for v in stack}
            for view_id in list(fake.views)[: len(fake.views) - MAX_VIEWS]:
                if view_id not in open_views:
                    del fake.views[view_id]

    def message_count(self) -> int:
        """How many messages the workspace holds (all channels, threads included)."""
        return sum(len(self.fake.channel_messages(c)) for c in list(self.fake.channels))

    def room_for(self, count: int) -> None:
        """Refuse when `count` more messages would pass the workspace's bound."""
        if self.message_count() + count > MAX_MESSAGES:
            raise BadInput(
                "workspace_full",
                f"The sandbox holds at most {MAX_MESSAGES:,} messages; start over with "
                "`charterbot sandbox --reset`.",
                413,
                {"max": f"{MAX_MESSAGES:,}"},
            )

    # ------------------------------------------------------------------ live updates

    def push(self, event: dict[str, Any]) -> None:
        """Send one event to every open page.

        Events are numbered (`seq`) and every snapshot the page fetches (/messages, /thread)
        carries the number of the last event pushed before it was taken, so the page can
        apply on top of a snapshot exactly the events that arrived while it was loading and
        are newer than it (the stream and the fetch travel on different connections).
        """
        self.seq += 1
        event["seq"] = self.seq
        for queue in list(self.clients):
            if queue.qsize() >= MAX_BACKLOG:  # not reading: end its stream (it reconnects)
                self.clients.discard(queue)
                queue.put_nowait(None)
            else:
                queue.put_nowait(event)

    def changed(self) -> None:
        """Save the workspace soon (several changes in a burst give one write)."""
        if self.state_file is None or (self._save_task is not None and not self._save_task.done()):
            return
        self._save_task = asyncio.get_running_loop().create_task(self._save_soon())

    async def _save_soon(self) -> None:
        await asyncio.sleep(0.3)
        self.save()

    def save(self) -> None:
        """Write the workspace file now."""
        if self.state_file is not None:
            save_state(self.state_file, self.fake, self.now())

    def message_json(self, msg: dict[str, Any], *, ephemeral: bool = False) -> dict[str, Any]:
        """A stored message as the page renders it."""
        out = {
            "ts": msg["ts"],
            "channel": msg.get("channel"),
            "user": msg.get("user"),
            "bot": bool(msg.get("bot_id")) or msg.get("user") == self.fake.bot_user_id,
            "text": msg.get("text") or "",
            "blocks": msg.get("blocks") or [],
            "attachments": msg.get("attachments") or [],
            "thread_ts": msg.get("thread_ts"),
            "reactions": msg.get("reactions") or [],
            "edited": bool(msg.get("edited")),
            "ephemeral": ephemeral,
        }
        if ephemeral:
            out["bot"] = True
            out["user"] = self.fake.bot_user_id
        return out

    def _with_replies(self, channel: str, items: list[dict[str, Any]]) -> None:
        wanted = {m["ts"]: m for m in items if not m.get("thread_ts") or m["thread_ts"] == m["ts"]}
        if not wanted:
            return
        for msg in self.fake.channel_messages(channel):
            parent = msg.get("thread_ts")
            if parent and parent != msg["ts"] and parent in wanted:
                top = wanted[parent]
                top["reply_count"] = top.get("reply_count", 0) + 1
                users = top.setdefault("reply_users", [])
                if msg.get("user") not in users:
                    users.append(msg.get("user"))
                top["latest_reply"] = msg["ts"]

    def push_message(self, channel: str, ts: str) -> None:
        """Tell pages that a message (and its thread parent) changed."""
        msg = self.fake.get_message(channel, ts)
        if msg is None:
            self.push({"type": "deleted", "channel": channel, "ts": ts})
            return
        item = self.message_json(msg)
        self._with_replies(channel, [item])
        self.push({"type": "message", "channel": channel, "message": item})
        parent = msg.get("thread_ts")
        if parent and parent != ts:
            self.push_message(channel, parent)

    def _error(
        self, source: str, error: str, details: list[str] | None = None, user: str | None = None
    ) -> None:
        entry = {
            "type": "error",
            "source": source,
            "error": error,
            "details": details or [],
            "user": user,
            "at": time.time(),
        }
        self.errors.append(entry)
        self.push(entry)

    def _on_call(self, call: Call) -> None:
        """React to a Web API call the bot made: push what changed, report what failed."""
        resp = call.response or {}
        if call.status != 200 or resp.get("ok") is False:
            details = list(resp.get("errors") or []) or list(
                (resp.get("response_metadata") or {}).get("messages") or []
            )
            self._error(call.method, str(resp.get("error") or f"HTTP {call.status}"), details)
            self.changed()
            return
        args = call.args
        method = call.method
        if method in ("chat.postMessage", "chat.update", "chat.delete"):
            if resp.get("channel") and resp.get("ts"):
                self.push_message(str(resp["channel"]), str(resp["ts"]))
        elif method == "reactions.add":
            self.push_message(str(args.get("channel")), str(args.get("timestamp")))
        elif method == "chat.postEphemeral":
            self.push(
                {
                    "type": "refresh",
                    "channel": self.fake.channels.get(str(args.get("channel")), {}).get(
                        "id", args.get("channel")
                    ),
                    "user": args.get("user"),
                }
            )
        elif method == "response_url":
            target = self.fake.response_target(call.path.rsplit("/", 1)[-1]) or {}
            if target.get("channel"):
                self.push(
                    {"type": "refresh", "channel": target["channel"], "user": target.get("user")}
                )
        elif method in ("views.open", "views.push"):
            user = self.triggers.get(
                str(args.get("trigger_id") or args.get("interactivity_pointer"))
            )
            view_id = (resp.get("view") or {}).get("id")
            if user and view_id:
                stack = self.modals.setdefault(user, [])
                if method == "views.open":
                    stack.clear()
                stack.append(view_id)
                self.push({"type": "modal", "user": user})
        elif method == "views.update":
            view_id = (resp.get("view") or {}).get("id")
            for user, stack in self.modals.items():
                if view_id in stack:
                    self.push({"type": "modal", "user": user})
        elif method == "views.publish":
            self.push({"type": "home", "user": args.get("user_id")})
        self.trim()
        self.changed()

    # ------------------------------------------------------------------ talking to the bot

    async def post_to_bot(self, req: sr.SlackRequest) -> tuple[int, str]:
        """POST a signed request to the bot's /slack/events; (HTTP status, body).

        Like Slack, give up after 3 seconds (status 0, body "operation_timeout").
        """
        assert self.http is not None
        headers = {"Content-Type": req.content_type, **sr.sign(self.secret, req.body)}
        try:
            async with self.http.post(
                f"{self.url}/slack/events",
                data=req.body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT),
            ) as resp:
                return resp.status, await resp.text()
        except TimeoutError:
            return 0, "operation_timeout"

    def _bot_failed(self, what: str, status: int, body: str, user: str) -> dict[str, Any]:
        error = "operation_timeout" if status == 0 else "dispatch_failed"
        detail = (
            f"the bot answered HTTP {status}" if status else "the bot did not answer within 3 s"
        )
        self._error(what, error, [detail, body[:300]] if body and status else [detail], user)
        return {
            "ok": False,
            "error": error,
            "message": f'{what} failed with the error "{error}" ({detail})',
        }

    async def send(
        self, user: str | None, channel_key: str | None, text: str, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """Send what the composer holds: a slash command or a message."""
        person = self.persona(user)
        channel = self.channel_id(person, channel_key)
        text = (text or "").strip()
        if not text:
            raise BadInput("empty", "Type a message or a slash command first.")
        if len(text) > 4000:
            raise BadInput("msg_too_long", "Messages are limited to 4,000 characters.")
        if thread_ts and self.fake.get_message(channel, thread_ts) is None:
            raise BadInput("thread_not_found", "That thread no longer exists.")
        if text.startswith("/"):
            return await self._command(person, channel, text)
        self.room_for(1)
        return await self._message(person, channel, text, thread_ts)

    async def _command(self, person: Persona, channel: str, text: str) -> dict[str, Any]:
        name, _, rest = text.partition(" ")
        known = [c["command"] for c in self.manifest["commands"]]
        spec = next((c for c in self.manifest["commands"] if c["command"] == name), None)
        if spec is None:
            raise BadInput(
                "unknown_command",
                f"{name} is not a valid command. The app has: {', '.join(known)}. "
                'In Slack, messages that start with "/" are interpreted as commands.',
                params={"name": name, "commands": ", ".join(known)},
            )
        req = sr.slash_command(
            self.person_of(person.id),
            command=name,
            # Slack escapes &<> always; with should_escape it also links @names and #channels.
            text=(
                self.encode_text(rest.strip(), command=True)
                if spec.get("should_escape")
                else sr.escape_typed(rest.strip())
            ),
            channel_id=channel,
            channel_name=self.channel_name(channel),
            response_url=self.fake.new_response_url(channel=channel, user=person.id),
            trigger_id=self.trigger_for(person.id),
        )
        status, body = await self.post_to_bot(req)
        if status != 200:
            return self._bot_failed(name, status, body, person.id)
        if body.strip():  # an ack() with a message: Slack shows it to the invoker only
            try:
                answer = json.loads(body)
            except ValueError:
                answer = {"text": body}
            if isinstance(answer, dict) and (answer.get("text") or answer.get("blocks")):
                self.fake.ephemerals.append(
                    {
                        "channel": channel,
                        "user": person.id,
                        "ts": self.fake._next_ts(),
                        "text": answer.get("text") or "",
                        "blocks": answer.get("blocks") or [],
                        "thread_ts": None,
                    }
                )
                self.push({"type": "refresh", "channel": channel, "user": person.id})
                self.changed()
        return {"ok": True}

    def encode_text(self, text: str, *, command: bool = False) -> str:
        """What Slack's client sends for typed text: &<> escaped, links, @name and #channel
        linked (a slash command's shape when `command`: /inquiry has should_escape)."""
        return sr.encode_typed(
            text,
            users={p.name.lower(): p.id for p in self.workspace.people},
            channels={c.name.lower(): c.id for c in self.workspace.channels},
            command=command,
        )

    async def _message(
        self, person: Persona, channel: str, text: str, thread_ts: str | None
    ) -> dict[str, Any]:
        encoded = self.encode_text(text)
        parent = self.fake.get_message(channel, thread_ts) if thread_ts else None
        msg = self.fake.post_user_message(channel, person.id, encoded, thread_ts=thread_ts)
        self.push_message(channel, msg["ts"])
        self.changed()
        event = sr.message_event(
            self.person_of(person.id),
            channel=channel,
            text=encoded,
            ts=msg["ts"],
            thread_ts=thread_ts,
            parent_user_id=(parent or {}).get("user"),
            channel_type="im" if channel.startswith("D") else "channel",
        )
        status, body = await self.post_to_bot(
            sr.event_callback(event, bot_user_id=self.fake.bot_user_id)
        )
        if status != 200:
            return self._bot_failed("message event", status, body, person.id)
        return {"ok": True, "ts": msg["ts"]}

    async def react(
        self, user: str | None, channel_key: str | None, ts: str, name: str
    ) -> dict[str, Any]:
        """Toggle a reaction; adding one sends `reaction_added`."""
        person = self.persona(user)
        channel = self.channel_id(person, channel_key)
        if not re.fullmatch(r"[a-z0-9_+'-]{1,64}", name or ""):
            raise BadInput("invalid_name", f"'{name}' is not an emoji name.")
        current = (self.fake.get_message(channel, ts) or {}).get("reactions") or []
        if len(current) >= MAX_REACTIONS and all(r.get("name") != name for r in current):
            raise BadInput(
                "too_many_emoji",
                f"A message can carry at most {MAX_REACTIONS} different emoji.",
                params={"max": str(MAX_REACTIONS)},
            )
        added = self.fake.toggle_user_reaction(channel, ts, person.id, name)
        if added is None:
            raise BadInput("message_not_found", "That message no longer exists.")
        self.push_message(channel, ts)
        self.changed()
        if not added:  # the manifest subscribes to reaction_added only
            return {"ok": True, "added": False}
        msg = self.fake.get_message(channel, ts) or {}
        event = sr.reaction_added_event(
            self.person_of(person.id),
            reaction=name,
            channel=channel,
            ts=ts,
            item_user=msg.get("user"),
            event_ts=self.event_ts(),
        )
        status, body = await self.post_to_bot(
            sr.event_callback(event, bot_user_id=self.fake.bot_user_id)
        )
        if status != 200:
            return self._bot_failed("reaction_added event", status, body, person.id)
        return {"ok": True, "added": True}

    async def shortcut(
        self, user: str | None, channel_key: str | None, ts: str, callback_id: str
    ) -> dict[str, Any]:
        """Run a message shortcut on one message."""
        person = self.persona(user)
        channel = self.channel_id(person, channel_key)
        if callback_id not in [s["callback_id"] for s in self.manifest["shortcuts"]]:
            raise BadInput("unknown_shortcut", f"The app has no shortcut '{callback_id}'.")
        msg = self.fake.get_message(channel, ts)
        if msg is None:
            raise BadInput("message_not_found", "That message no longer exists.")
        req = sr.message_action(
            self.person_of(person.id),
            callback_id=callback_id,
            channel_id=channel,
            channel_name=self.channel_name(channel),
            message=msg,
            trigger_id=self.trigger_for(person.id),
            response_url=self.fake.new_response_url(channel=channel, user=person.id),
        )
        status, body = await self.post_to_bot(req)
        if status != 200:
            return self._bot_failed("The shortcut", status, body, person.id)
        return {"ok": True}

    def _find_view(self, person: Persona, view_id: str) -> dict[str, Any]:
        view = self.fake.views.get(view_id)
        if view is None or view_id not in self.modals.get(person.id, []):
            raise BadInput("view_not_found", "This modal is no longer open.", 404)
        return view

    @staticmethod
    def _element_at(
        blocks: list[dict[str, Any]], block_index: int, element_index: int | None
    ) -> tuple[str, dict[str, Any]]:
        try:
            block = blocks[block_index]
            if element_index is None:
                element = block.get("accessory") or block.get("element")
            else:
                element = block["elements"][element_index]
        except (IndexError, KeyError, TypeError):
            raise BadInput("element_not_found", "That button is no longer there.") from None
        if not isinstance(element, dict):
            raise BadInput("element_not_found", "That button is no longer there.")
        # Slack fills in block ids the app left out; a stable one per position is enough here.
        block_id = block.get("block_id") or f"b{block_index}"
        return block_id, element

    async def action(self, data: dict[str, Any]) -> dict[str, Any]:
        """A click or a choice on an interactive element of a message or a modal."""
        person = self.persona(data.get("as"))
        block_index = _index(data.get("block_index", -1))
        element_index = data.get("element_index")
        element_index = None if element_index is None else _index(element_index)
        raw = data.get("raw")
        who = self.person_of(person.id)
        if data.get("home") or data.get("view_id"):
            if data.get("home"):
                view = self.fake.home_views.get(person.id)
                if view is None:
                    raise BadInput("home_not_published", "App Home is not published yet.", 404)
            else:
                view = self._find_view(person, str(data["view_id"]))
            block_id, element = self._element_at(view["blocks"], block_index, element_index)
            req = sr.block_actions(
                who,
                actions=[sr.action_entry(element, block_id=block_id, raw=raw)],
                trigger_id=self.trigger_for(person.id),
                view=view,
                state=sr.view_state(view, data.get("values") or {}),
            )
        else:
            channel = self.channel_id(person, data.get("channel"))
            ts = str(data.get("ts") or "")
            if data.get("ephemeral"):
                msg = next(
                    (
                        e
                        for e in self.fake.ephemerals
                        if e["channel"] == channel and e["ts"] == ts and e["user"] == person.id
                    ),
                    None,
                )
            else:
                msg = self.fake.get_message(channel, ts)
            if msg is None:
                raise BadInput("message_not_found", "That message no longer exists.")
            block_id, element = self._element_at(
                msg.get("blocks") or [], block_index, element_index
            )
            req = sr.block_actions(
                who,
                actions=[sr.action_entry(element, block_id=block_id, raw=raw)],
                trigger_id=self.trigger_for(person.id),
                channel_id=channel,
                channel_name=self.channel_name(channel),
                message=msg,
                is_ephemeral=bool(data.get("ephemeral")),
                message_ts=ts,
                response_url=self.fake.new_response_url(
                    channel=channel, ts=None if data.get("ephemeral") else ts, user=person.id
                ),
            )
        status, body = await self.post_to_bot(req)
        if status != 200:
            return self._bot_failed("The action", status, body, person.id)
        return {"ok": True}

    def _store_view(self, view: dict[str, Any], view_id: str, root: str) -> None:
        errors = validate_view(view)
        if errors:
            raise BadInput(
                "invalid_arguments", "The bot answered with an invalid view: " + "; ".join(errors)
            )
        self.fake.views[view_id] = {
            **view,
            "id": view_id,
            "team_id": self.fake.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "root_view_id": root,
            "app_id": self.fake.app_id,
            "bot_id": self.fake.bot_id,
            "private_metadata": view.get("private_metadata") or "",
            "callback_id": view.get("callback_id") or "",
        }

    async def submit(
        self, user: str | None, view_id: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        """Submit the top modal; Slack's response_action decides what the page shows next."""
        person = self.persona(user)
        view = self._find_view(person, view_id)
        req = sr.view_submission(
            self.person_of(person.id),
            view=view,
            state=sr.view_state(view, values or {}),
            trigger_id=self.trigger_for(person.id),
        )
        status, body = await self.post_to_bot(req)
        if status != 200:
            failed = self._bot_failed("The form", status, body, person.id)
            failed["message"] = (
                "We had some trouble connecting. Try again? (" + failed["message"] + ")"
            )
            return failed
        answer: dict[str, Any] = {}
        if body.strip():
            try:
                answer = json.loads(body)
            except ValueError:
                answer = {}
        stack = self.modals.setdefault(person.id, [])
        action = answer.get("response_action")
        if action == "errors":
            errors = answer.get("errors") or {}
            return {"ok": True, "errors": errors if isinstance(errors, dict) else {}}
        if action == "update" and isinstance(answer.get("view"), dict):
            self._store_view(answer["view"], view_id, view.get("root_view_id") or view_id)
        elif action == "push" and isinstance(answer.get("view"), dict):
            new_id = f"V{secrets.token_hex(5).upper()}"
            self._store_view(answer["view"], new_id, view.get("root_view_id") or view_id)
            stack.append(new_id)
        elif action == "clear":
            stack.clear()
        elif view_id in stack:
            stack.remove(view_id)
        self.push({"type": "modal", "user": person.id})
        self.changed()
        return {"ok": True, "errors": {}}

    async def close(self, user: str | None, view_id: str) -> dict[str, Any]:
        """Close the top modal (Cancel or ×); notify the bot when the view asked for it."""
        person = self.persona(user)
        view = self.fake.views.get(view_id)
        stack = self.modals.setdefault(person.id, [])
        if view_id in stack:
            stack.remove(view_id)
        self.push({"type": "modal", "user": person.id})
        if view is not None and view.get("notify_on_close"):
            status, body = await self.post_to_bot(
                sr.view_closed(self.person_of(person.id), view=view)
            )
            if status != 200:
                return self._bot_failed("view_closed", status, body, person.id)
        return {"ok": True}

    async def open_home(self, user: str | None) -> dict[str, Any]:
        """Open the App Home tab: Slack sends app_home_opened every time."""
        person = self.persona(user)
        channel = self.fake.dm_channel_for(person.id)
        event = sr.app_home_opened_event(
            self.person_of(person.id),
            channel=channel,
            event_ts=self.event_ts(),
            view=self.fake.home_views.get(person.id),
        )
        status, body = await self.post_to_bot(
            sr.event_callback(event, bot_user_id=self.fake.bot_user_id)
        )
        if status != 200:
            return self._bot_failed("app_home_opened event", status, body, person.id)
        return {"ok": True, "view": self.fake.home_views.get(person.id)}

    # ------------------------------------------------------------------ the clock

    async def advance(self, step: str) -> dict[str, Any]:
        """Move the sandbox clock forward, then run the bot's due work at once."""
        deps = self.runtime.deps
        now = self.now()
        if step == "1m":  # a callback's ladder moves by the minute
            target = now + timedelta(minutes=1)
        elif step == "15m":
            target = now + timedelta(minutes=15)
        elif step == "1h":
            target = now + timedelta(hours=1)
        elif step == "morning":
            local = now.astimezone(deps.tz)
            today = datetime.combine(local.date(), dtime(0), deps.tz)
            target = deps.calendar.next_open(today)
            if target <= now:
                target = deps.calendar.next_open(today + timedelta(days=1))
        elif step == "1bd":
            target = deps.calendar.add(now, parse_duration("1bd"))
        else:
            raise BadInput(
                "unknown_step", f"Unknown clock step '{step}'; use one of {', '.join(CLOCK_STEPS)}."
            )
        async with self._lock:
            self.clock.set(target)
            self.push({"type": "clock", "now": self.local_now()})
            self.changed()
            await self.runtime.run_due_work()
        return {"ok": True, "now": self.local_now()}

    # ------------------------------------------------------------------ reading

    def state(self) -> dict[str, Any]:
        """Everything the page needs to start."""
        deps = self.runtime.deps
        cfg = deps.config
        people = []
        for p in self.workspace.people:
            role = (
                "manager"
                if any(t.manager == p.id for t in cfg.teams)
                else "receptionist"
                if p.id in cfg.roles.receptionists
                else "staff"
                if deps.is_staff(p.id)
                else "customer"
            )
            people.append(
                {
                    **p.as_json(),
                    "role": role,
                    "lang": lang_of_locale(p.locale, cfg.language),
                    "dm": self.fake.dm_channel_for(p.id),
                }
            )
        return {
            "team": self.workspace.team,
            "bot": {"id": self.fake.bot_user_id, "name": "charterbot"},
            "people": people,
            "users": {
                uid: {"name": u["name"], "real_name": u["real_name"], "is_bot": u["is_bot"]}
                for uid, u in self.fake.users.items()
            },
            "channels": [
                {
                    "id": c.id,
                    "name": c.name,
                    "topic": c.topic,
                    "shared": c.id in cfg.channels.intake,
                }
                for c in self.workspace.channels
            ],
            "commands": self.manifest["commands"],
            "shortcuts": self.manifest["shortcuts"],
            "now": self.local_now(),
            "timezone": cfg.timezone,
            "errors": list(self.errors),
            "clock_steps": list(CLOCK_STEPS),
            "language": cfg.language,
            "guide": GUIDE_ID,
            "i18n": {lang: page_texts(lang) for lang in LANGS},
            "subcommands": {lang: subcommands(lang) for lang in LANGS},
        }

    def _visible_ephemerals(self, person: Persona, channel: str) -> list[dict[str, Any]]:
        return [
            e for e in self.fake.ephemerals if e["channel"] == channel and e["user"] == person.id
        ]

    def messages(
        self, user: str | None, channel_key: str | None, before: str | None, limit: int = PAGE_SIZE
    ) -> dict[str, Any]:
        """The latest top-level messages of a channel (older ones with `before`)."""
        person = self.persona(user)
        channel = self.channel_id(person, channel_key)
        limit = max(1, min(limit, 500))
        top = [
            m
            for m in self.fake.channel_messages(channel)
            if not m.get("thread_ts") or m["thread_ts"] == m["ts"]
        ]
        items = [self.message_json(m) for m in top]
        items += [
            self.message_json({**e, "channel": channel}, ephemeral=True)
            for e in self._visible_ephemerals(person, channel)
            if not e.get("thread_ts")
        ]
        items.sort(key=lambda m: float(m["ts"]))
        if before:
            items = [m for m in items if float(m["ts"]) < float(before)]
        page = items[-limit:]
        self._with_replies(channel, page)
        return {
            "ok": True,
            "channel": channel,
            "messages": page,
            "has_more": len(items) > len(page),
            "seq": self.seq,
        }

    def thread(self, user: str | None, channel_key: str | None, ts: str) -> dict[str, Any]:
        """A thread: its parent and every reply (with the persona's ephemeral replies)."""
        person = self.persona(user)
        channel = self.channel_id(person, channel_key)
        parent = self.fake.get_message(channel, ts)
        if parent is None:
            raise BadInput("thread_not_found", "That thread no longer exists.", 404)
        replies = [
            self.message_json(m)
            for m in self.fake.channel_messages(channel)
            if m.get("thread_ts") == ts and m["ts"] != ts
        ]
        replies += [
            self.message_json({**e, "channel": channel}, ephemeral=True)
            for e in self._visible_ephemerals(person, channel)
            if e.get("thread_ts") == ts
        ]
        replies.sort(key=lambda m: float(m["ts"]))
        top = self.message_json(parent)
        self._with_replies(channel, [top])
        return {"ok": True, "channel": channel, "parent": top, "replies": replies, "seq": self.seq}

    def modal(self, user: str | None) -> dict[str, Any]:
        """The persona's open modal (top of the stack), if any."""
        person = self.persona(user)
        stack = [v for v in self.modals.get(person.id, []) if v in self.fake.views]
        self.modals[person.id] = stack
        return {
            "ok": True,
            "view": self.fake.views[stack[-1]] if stack else None,
            "depth": len(stack),
        }

    def fill(self, channel_key: str | None, count: int) -> dict[str, Any]:
        """Load testing: append `count` plain messages from the personas to a channel."""
        channel = self.workspace.channel(channel_key or "")
        if channel is None:
            raise BadInput("unknown_channel", f"Unknown channel '{channel_key}'.", 404)  # API only
        if not 1 <= count <= MAX_FILL:
            raise BadInput("bad_count", f"count must be between 1 and {MAX_FILL:,}.")
        self.room_for(count)
        people = [p for p in self.workspace.people if not p.external]
        for i in range(count):
            p = people[i % len(people)]
            self.fake.post_user_message(
                channel.id,
                p.id,
                f"Load-test message {i + 1} of {count}: *bold*, `code` and "
                f"<https://example.com|a link>.",
            )
        self.push({"type": "refresh", "channel": channel.id, "user": None})
        self.changed()
        return {"ok": True, "count": count}


# ---------------------------------------------------------------------- HTTP

SANDBOX_KEY: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)


async def next_push(
    queue: asyncio.Queue[dict[str, Any] | None], timeout: float
) -> tuple[bool, dict[str, Any] | None]:
    """(True, item) for the queue's next item, or (False, None) after `timeout` seconds.

    Not `asyncio.wait_for`: on Python 3.11 it swallows a cancellation that arrives after the
    item did but before the waiting task resumed (see `bot.deps.Wakeup.wait`), and the page's
    stream then ran on after the sandbox stopped it. `asyncio.timeout` re-raises it.
    """
    try:
        async with asyncio.timeout(timeout):
            return True, await queue.get()
    except TimeoutError:
        return False, None


def _json_error(exc: BadInput) -> web.Response:
    return web.json_response(
        {"ok": False, "error": exc.code, "message": exc.message, "params": exc.params},
        status=exc.status,
    )


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise BadInput("invalid_json", "The request body is not JSON.") from None
    if not isinstance(data, dict):
        raise BadInput("invalid_json", "The request body must be a JSON object.")
    return data


@web.middleware
async def _bad_input(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except BadInput as exc:
        return _json_error(exc)


def add_sandbox_routes(app: web.Application, sandbox: Sandbox) -> None:
    """The page and its API under /sandbox/api/."""
    app[SANDBOX_KEY] = sandbox
    sb = sandbox
    q = "as"

    page = (STATIC / "index.html").read_text(encoding="utf-8")

    async def index(_r: web.Request) -> web.Response:
        # The page carries the token of this start; only a same-origin page can read it.
        return web.Response(
            text=page.replace("__SANDBOX_TOKEN__", sb.page_token),
            content_type="text/html",
            headers={
                "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
                "Content-Security-Policy": "frame-ancestors 'none'",
            },
        )

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        path = request.path
        if path == "/" or path.startswith(("/static/", "/sandbox/")):
            reason = sb.refusal(request)
            if reason is not None:
                log.warning("sandbox refused %s %r: %r", request.method, path, reason)
                return web.json_response(
                    {"ok": False, "error": "forbidden", "message": reason}, status=403
                )
        response: web.StreamResponse = await handler(request)
        return response

    async def state(_r: web.Request) -> web.Response:
        return web.json_response(sb.state())

    async def messages(r: web.Request) -> web.Response:
        try:
            limit = int(r.query.get("limit", PAGE_SIZE))
        except ValueError:
            raise BadInput("bad_limit", "limit must be a number.") from None
        return web.json_response(
            sb.messages(r.query.get(q), r.query.get("channel"), r.query.get("before"), limit)
        )

    async def thread(r: web.Request) -> web.Response:
        return web.json_response(
            sb.thread(r.query.get(q), r.query.get("channel"), r.query.get("ts", ""))
        )

    async def modal(r: web.Request) -> web.Response:
        return web.json_response(sb.modal(r.query.get(q)))

    async def home(r: web.Request) -> web.Response:
        person = sb.persona(r.query.get(q))
        return web.json_response({"ok": True, "view": sb.fake.home_views.get(person.id)})

    async def open_home(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(await sb.open_home(d.get(q)))

    async def send(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(
            await sb.send(
                d.get(q), d.get("channel"), str(d.get("text") or ""), d.get("thread_ts") or None
            )
        )

    async def react(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(
            await sb.react(
                d.get(q), d.get("channel"), str(d.get("ts") or ""), str(d.get("name") or "")
            )
        )

    async def shortcut(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(
            await sb.shortcut(
                d.get(q), d.get("channel"), str(d.get("ts") or ""), str(d.get("callback_id") or "")
            )
        )

    async def action(r: web.Request) -> web.Response:
        return web.json_response(await sb.action(await _body(r)))

    async def submit(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(
            await sb.submit(d.get(q), str(d.get("view_id") or ""), d.get("values") or {})
        )

    async def close(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(await sb.close(d.get(q), str(d.get("view_id") or "")))

    async def clock(r: web.Request) -> web.Response:
        d = await _body(r)
        return web.json_response(await sb.advance(str(d.get("step") or "")))

    async def fill(r: web.Request) -> web.Response:
        d = await _body(r)
        count = d.get("count", 1000)
        if not isinstance(count, int) or isinstance(count, bool):
            raise BadInput("bad_count", "count must be a whole number.")
        return web.json_response(sb.fill(d.get("channel"), count))

    async def calls(r: web.Request) -> web.Response:
        try:
            limit = max(1, min(int(r.query.get("limit", "50")), MAX_CALLS))
        except ValueError:
            raise BadInput("bad_limit", "limit must be a number.") from None
        out = [
            {
                "method": c.method,
                "status": c.status,
                "ok": c.response.get("ok"),
                "error": c.response.get("error"),
                "args": c.args,
            }
            for c in sb.fake.calls[-limit:]
        ]
        return web.json_response({"ok": True, "calls": out})

    async def events(r: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        if len(sb.clients) >= MAX_STREAMS:
            raise BadInput(
                "too_many_pages",
                f"The sandbox serves at most {MAX_STREAMS} open pages; close some tabs.",
                503,
            )
        # Listen before answering: once the page sees the stream open, no later push can
        # miss it (the page takes its first snapshot only then).
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        sb.clients.add(queue)
        try:
            await resp.prepare(r)
            await resp.write(b"retry: 1000\n\n")
            while True:
                arrived, item = await next_push(queue, 15)
                if not arrived:
                    await resp.write(b": ping\n\n")
                    continue
                if item is None:
                    break
                await resp.write(f"data: {json.dumps(item, ensure_ascii=False)}\n\n".encode())
        except (ConnectionResetError, aiohttp.ClientConnectionResetError):
            pass
        finally:
            sb.clients.discard(queue)
        return resp

    app.middlewares.append(guard)
    app.middlewares.append(_bad_input)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC, append_version=False)
    app.router.add_get("/sandbox/api/state", state)
    app.router.add_get("/sandbox/api/messages", messages)
    app.router.add_get("/sandbox/api/thread", thread)
    app.router.add_get("/sandbox/api/modal", modal)
    app.router.add_get("/sandbox/api/home", home)
    app.router.add_post("/sandbox/api/home", open_home)
    app.router.add_post("/sandbox/api/send", send)
    app.router.add_post("/sandbox/api/react", react)
    app.router.add_post("/sandbox/api/shortcut", shortcut)
    app.router.add_post("/sandbox/api/action", action)
    app.router.add_post("/sandbox/api/submit", submit)
    app.router.add_post("/sandbox/api/close", close)
    app.router.add_post("/sandbox/api/clock", clock)
    app.router.add_post("/sandbox/api/fill", fill)
    app.router.add_get("/sandbox/api/calls", calls)
    app.router.add_get("/sandbox/api/events", events)

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        sb.http = aiohttp.ClientSession()
        yield
        for queue in list(sb.clients):
            queue.put_nowait(None)
        await sb.http.close()
        if sb._save_task is not None:
            await cancel_and_wait(sb._save_task)
        sb.save()

    async def end_streams(_app: web.Application) -> None:
        for queue in list(sb.clients):
            queue.put_nowait(None)

    app.on_shutdown.append(end_streams)
    app.cleanup_ctx.insert(0, lifecycle)


def build_sandbox_app(sandbox: Sandbox) -> web.Application:
    """One application: the bot (/slack/events, /healthz), the fake Web API, the page."""
    app = build_web_app(sandbox.runtime)
    sandbox.fake.add_routes(app)
    add_sandbox_routes(app, sandbox)
    return app
