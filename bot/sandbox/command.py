"""`charterbot sandbox`: the real bot against an embedded Slack-like workspace, on one port."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import secrets
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import EnvSettings

log = logging.getLogger("charterbot.sandbox")
STATE_FILE = "sandbox-workspace.json"
DB_FILE = "sandbox.db"


def add_sandbox_parser(sub: Any) -> None:
    """Register the `sandbox` subcommand."""
    sandbox = sub.add_parser(
        "sandbox", help="run the bot against a local Slack-like workspace with a web page"
    )
    sandbox.add_argument("--port", type=int, default=3000, help="listen port (0: any free port)")
    sandbox.add_argument(
        "--host",
        default="127.0.0.1",
        help="listen address (default 127.0.0.1; anything but loopback needs --expose)",
    )
    sandbox.add_argument(
        "--expose",
        action="store_true",
        help="allow a non-loopback --host: anyone who can reach it acts as every persona",
    )
    sandbox.add_argument(
        "--reset", action="store_true", help=f"start from a clean {DB_FILE} and workspace"
    )
    sandbox.add_argument(
        "--start",
        type=_aware,
        default=None,
        metavar="ISO-TIME",
        help="sandbox clock of a fresh workspace, e.g. 2026-12-01T10:00+09:00",
    )
    sandbox.set_defaults(func=cmd_sandbox)


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-12-01T10:00+09:00")
    return moment


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def host_check(host: str, expose: bool) -> tuple[bool, str | None]:
    """May the sandbox listen on host; and what to tell the person (refusal or warning)."""
    if is_loopback(host):
        return True, None
    if not expose:
        return False, (
            f"charterbot sandbox: refusing to listen on {host}: the sandbox has no login, so "
            "anyone who can reach it could act as every persona and move the bot's clock. "
            "Leave --host at 127.0.0.1 (the default), or add --expose if you really mean to "
            "open it to your network."
        )
    return True, (
        f"charterbot sandbox: WARNING: exposed on {host} (--expose). Anyone who can reach this "
        "address can open the page, act as every persona and move the bot's clock. Use it "
        "only on a network you trust, and stop it when you are done."
    )


def cmd_sandbox(args: argparse.Namespace, _env: EnvSettings) -> int:
    """Run the sandbox until Ctrl-C or SIGTERM."""
    allowed, message = host_check(args.host, args.expose)
    if message:
        print(message, file=sys.stderr, flush=True)
    if not allowed:
        return 2
    try:
        sock = socket.create_server((args.host, args.port))
    except OSError as exc:
        print(
            f"charterbot sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}; "
            "try --port <another>",
            file=sys.stderr,
        )
        return 2
    try:
        asyncio.run(
            run_sandbox(
                sock, reset=args.reset, start=args.start, exposed=not is_loopback(args.host)
            )
        )
    finally:
        sock.close()
    return 0


async def run_sandbox(
    sock: socket.socket,
    *,
    reset: bool = False,
    start: datetime | None = None,
    cwd: Path | None = None,
    exposed: bool = False,
) -> None:
    """Serve the sandbox on an already bound socket until SIGINT/SIGTERM."""
    from aiohttp import web

    from bot.app import build_runtime
    from bot.clock import SettableClock
    from bot.config import load_config
    from bot.sandbox.fake_slack import FakeSlack
    from bot.sandbox.manifest import read_manifest
    from bot.sandbox.server import Sandbox, build_sandbox_app
    from bot.sandbox.workspace import (
        SEED_CONFIG,
        load_state,
        load_workspace,
        populate,
        reset_files,
    )
    from storage.migrate import upgrade_async

    cwd = cwd or Path.cwd()
    db_file, state_file = cwd / DB_FILE, cwd / STATE_FILE
    if reset:
        for gone in reset_files(db_file, state_file):
            log.info("reset: deleted %s", gone)
    host, port = sock.getsockname()[:2]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    token = "xoxb-sandbox-" + secrets.token_hex(8)
    secret = secrets.token_hex(16)  # only the sandbox signs requests, so a fresh one per run
    env = EnvSettings(
        SLACK_BOT_TOKEN=token,
        SLACK_SIGNING_SECRET=secret,
        SLACK_APP_TOKEN="",
        SLACK_API_URL=f"{url}/api/",
        DATABASE_URL=f"sqlite+aiosqlite:///{db_file}",
        HOST=host,
        PORT=port,
    )
    config = load_config(SEED_CONFIG)
    saved = load_state(state_file)
    if saved is not None and db_file.exists():
        clock = SettableClock(datetime.now(UTC) + saved.clock_offset)
    else:
        saved = None  # a workspace without its database (or the reverse) starts over
        clock = SettableClock(start)

    from bot.sandbox.slack_requests import APP_ID, TEAM_ID

    fake = FakeSlack(token=token, team_id=TEAM_ID)
    fake.app_id = APP_ID
    fake.team_name = "Sandbox"
    fake.root_url = url
    fake.ts_clock = lambda: clock.now().timestamp()
    # Trigger ids live 3 s in Slack; the page's round trip stays well inside that.
    workspace = load_workspace()
    populate(fake, workspace)
    if saved is not None:
        fake.restore(saved.fake)

    await upgrade_async(env.DATABASE_URL)
    runtime = build_runtime(env, config, clock=clock)
    sandbox = Sandbox(
        fake=fake,
        runtime=runtime,
        clock=clock,
        secret=secret,
        workspace=workspace,
        manifest=read_manifest(),
        state_file=state_file,
        exposed=exposed,
    )
    sandbox.url = url
    if saved is None:  # a fresh workspace: greet the first-time visitor
        sandbox.seed_welcome()
        from bot.sandbox.visits import seed_visits

        await seed_visits(runtime.deps)  # today's visitors for the reception desk
    app = build_sandbox_app(sandbox)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.SockSite(runner, sock)
    await site.start()
    print(
        f"charterbot sandbox: open {url}/  (state in {db_file.name} and {state_file.name}; "
        "Ctrl-C stops)",
        flush=True,
    )
    await stop.wait()
    print("charterbot sandbox: stopping", flush=True)
    await runner.cleanup()
