"""`charterbot` command line: serve, worker, db upgrade, check-config, teams-package,
calendar show and reload."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import ConfigError, EnvSettings, config_path, config_warnings, load_config

if TYPE_CHECKING:
    from bot.deps import Deps

SETUP_HINT = "see README.md, section 'Slack app setup'"


def survey_links(env: EnvSettings) -> str:
    """Whether survey links (`/survey/<token>`) are on, for check-config."""
    if not env.SURVEY_SECRET:
        return "survey links off (SURVEY_SECRET unset): requesters without a chat account get no survey"
    where = env.PUBLIC_URL.rstrip("/") or "(PUBLIC_URL unset: links are paths)"
    return f"survey links on: {where}/survey/<token>"


def cmd_check_config(args: argparse.Namespace, env: EnvSettings) -> int:
    """Validate a config file and print every problem with its key."""
    print(slack_mode(env))
    print(survey_links(env))
    path = args.path or config_path(env)
    if path is None:
        print(
            "no config file (CHARTERBOT_CONFIG unset and ./charterbot.toml absent): defaults are valid"
        )
        return 0
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(f"{exc.path}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    problems = voc_problems(env, config.voc.public_form)
    if problems:
        print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"{path}: ok")
    for warning in config_warnings(config):
        print(f"  warning: {warning}")
    return 0


def voc_problems(env: EnvSettings, public_form: bool) -> list[str]:
    """What is wrong with the web VOC settings (VOC_* variables and `[voc]`)."""
    problems = []
    url = env.VOC_CALLBACK_URL
    if url and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        problems.append(f"VOC_CALLBACK_URL: '{url[:80]}' is not an http(s) URL")
    if url and not env.VOC_WEBHOOK_SECRET:
        problems.append("VOC_CALLBACK_URL: needs VOC_WEBHOOK_SECRET (callbacks are signed with it)")
    if public_form and not env.VOC_WEBHOOK_SECRET:
        problems.append("voc.public_form: needs VOC_WEBHOOK_SECRET (the form's tokens are signed)")
    if env.VOC_WEBHOOK_SECRET and len(env.VOC_WEBHOOK_SECRET) < 16:
        problems.append("VOC_WEBHOOK_SECRET: use at least 16 characters")
    return problems


_KO_DAYS = "월화수목금토일"


def cmd_calendar_show(args: argparse.Namespace, env: EnvSettings) -> int:
    """Print a year's non-working days of the configured calendar, with their names."""
    from datetime import date, timedelta

    from bot.app import build_calendar
    from bot.config import parse_config
    from bot.holidays_kr import holiday_names

    path = config_path(env)
    config = load_config(path) if path is not None else parse_config({})
    year = args.year
    if not 1900 <= year <= 2200:
        print(f"charterbot: {year} is not a year to show (1900-2200)", file=sys.stderr)
        return 2
    cal = build_calendar(config, datetime.now(UTC))
    names = holiday_names(config.calendar.holidays, year)
    extra_off = {date.fromisoformat(d) for d in config.calendar.extra_holidays}
    extra_on = {date.fromisoformat(d) for d in config.calendar.extra_workdays}
    print(f"{year} ({config.timezone}, holidays {config.calendar.holidays or 'none'})")
    day, count = date(year, 1, 1), 0
    while day.year == year:
        label = names.get(day, "")
        if day in extra_off:
            label = ", ".join(x for x in (label, "extra_holidays") if x)
        weekday = _KO_DAYS[day.weekday()]
        if day in extra_on:
            print(f"  {day} ({weekday}) 근무일 (extra_workdays){' — ' + label if label else ''}")
        elif not cal.is_business_day(day) and (label or day.weekday() in cal.workdays):
            print(f"  {day} ({weekday}) {label}")
            count += day.weekday() in cal.workdays
        day += timedelta(days=1)
    print(f"{count} of them on working weekdays")
    return 0


def _database_unusable(env: EnvSettings) -> bool:
    """Print why DATABASE_URL cannot work (one line) when that is known before connecting."""
    from storage.db import database_url_problem

    problem = database_url_problem(env.DATABASE_URL)
    if problem is not None:
        print(f"charterbot: {problem}", file=sys.stderr)
    return problem is not None


def cmd_db_upgrade(_args: argparse.Namespace, env: EnvSettings) -> int:
    """Apply every Alembic migration to DATABASE_URL."""
    if _database_unusable(env):
        return 2
    from sqlalchemy.exc import InterfaceError, OperationalError

    from storage.db import describe_url
    from storage.migrate import upgrade

    try:
        upgrade(env.DATABASE_URL)
    except (OperationalError, InterfaceError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(
            f"charterbot: cannot open the database {describe_url(env.DATABASE_URL)}: {reason}",
            file=sys.stderr,
        )
        return 2
    print("database is up to date")
    return 0


def slack_mode(env: EnvSettings) -> str:
    """One line on how `charterbot serve` would take Slack's requests with this environment."""
    if env.SLACK_SIGNING_SECRET:
        socket = " (and Socket Mode, SLACK_APP_TOKEN is set)" if env.SLACK_APP_TOKEN else ""
        return f"slack: POST /slack/events verified with SLACK_SIGNING_SECRET{socket}"
    if env.SLACK_APP_TOKEN:
        return (
            "slack: Socket Mode without SLACK_SIGNING_SECRET: the HTTP listener serves only "
            "/healthz (POST /slack/events is off)"
        )
    if env.teams_enabled and not env.SLACK_BOT_TOKEN:
        return "slack: off (no Slack variables set); Teams only: POST /api/messages"
    return (
        "slack: neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is set: "
        "`charterbot serve` will refuse to start"
    )


def _missing_slack(env: EnvSettings) -> list[str]:
    missing = [] if env.SLACK_BOT_TOKEN else ["SLACK_BOT_TOKEN"]
    if not env.SLACK_APP_TOKEN and not env.SLACK_SIGNING_SECRET:
        missing.append("SLACK_SIGNING_SECRET")
    return missing


async def _serve(env: EnvSettings, *, web_part: bool, background: bool) -> None:
    from aiohttp import web

    from bot.app import build_runtime, build_web_app
    from storage.migrate import upgrade_async

    config = load_config(config_path(env))
    await upgrade_async(env.DATABASE_URL)
    runtime = build_runtime(env, config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    _reload_on_sighup(runtime.deps)
    app = build_web_app(runtime, run_sender=background)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    socket_handler = None
    if env.SLACK_APP_TOKEN:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        socket_handler = AsyncSocketModeHandler(runtime.bolt, env.SLACK_APP_TOKEN)
        await socket_handler.connect_async()  # type: ignore[no-untyped-call]
        logging.getLogger("charterbot").info("connected in Socket Mode")
    if web_part or socket_handler is None:
        site = web.TCPSite(runner, env.HOST, env.PORT)
        await site.start()
        print(f"charterbot listening on http://{env.HOST}:{env.PORT}", flush=True)
        if not env.SLACK_SIGNING_SECRET:
            print(f"charterbot {slack_mode(env)}", flush=True)
    await stop.wait()
    if socket_handler is not None:
        await socket_handler.close_async()  # type: ignore[no-untyped-call]
    await runner.cleanup()


def _reload_on_sighup(deps: Deps) -> None:
    """SIGHUP reloads the `[calendar]` of the config file (one reload at a time; a signal
    during a reload runs one more afterwards, so the last change is never missed)."""
    from bot.app import reload_calendar

    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"task": None, "again": False}
    tasks: set[asyncio.Task[None]] = set()

    async def run() -> None:
        while True:
            state["again"] = False
            await reload_calendar(deps)
            if not state["again"]:
                return

    def on_hup() -> None:
        logging.getLogger("charterbot").info("SIGHUP: reloading the calendar")
        if state["task"] is not None and not state["task"].done():
            state["again"] = True
            return
        task = loop.create_task(run(), name="calendar-reload")
        state["task"] = task
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    loop.add_signal_handler(signal.SIGHUP, on_hup)


def cmd_calendar_reload(_args: argparse.Namespace, env: EnvSettings) -> int:
    """Check the config, then tell the running server and worker to reload their calendar."""
    from bot.control import run_dir, send_reload

    path = config_path(env)
    load_config(path)  # a bad config is reported here (ConfigError), and nothing is sent
    results = send_reload(env)
    for r in results:
        if r.sent:
            print(
                f"sent SIGHUP to charterbot {r.role} (pid {r.pid}): it reloads {path or 'the defaults'}"
            )
        elif r.pid is not None:
            print(
                f"{r.path}: pid {r.pid} is not a running charterbot (stale file)", file=sys.stderr
            )
    if not any(r.sent for r in results):
        print(
            f"charterbot: no running charterbot found (no live pid file in {run_dir(env).resolve()}; "
            "set CHARTERBOT_RUN_DIR as for `charterbot serve`)",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_serve(args: argparse.Namespace, env: EnvSettings) -> int:
    """Run the web server (and the outbox sender unless --no-scheduler)."""
    slack_wanted = bool(env.SLACK_BOT_TOKEN or env.SLACK_SIGNING_SECRET or env.SLACK_APP_TOKEN)
    # Teams alone (credentials or the anonymous Playground mode) needs no Slack variables.
    missing = _missing_slack(env) if slack_wanted or not env.teams_enabled else []
    if missing:
        print(
            f"charterbot: missing environment variable(s): {', '.join(missing)}; {SETUP_HINT}",
            file=sys.stderr,
        )
        return 2
    if _database_unusable(env):
        return 2
    from bot.control import pid_file

    with pid_file(env, "serve"):
        asyncio.run(_serve(env, web_part=True, background=not args.no_scheduler))
    return 0


def cmd_worker(_args: argparse.Namespace, env: EnvSettings) -> int:
    """Run only the scheduler and the outbox sender (no HTTP listener)."""
    missing = [] if env.SLACK_BOT_TOKEN else ["SLACK_BOT_TOKEN"]
    if missing:
        print(
            f"charterbot: missing environment variable(s): {', '.join(missing)}; {SETUP_HINT}",
            file=sys.stderr,
        )
        return 2
    if _database_unusable(env):
        return 2
    from bot.control import pid_file

    with pid_file(env, "worker"):
        asyncio.run(_worker(env))
    return 0


async def _worker(env: EnvSettings) -> None:
    from bot.app import build_runtime
    from storage.migrate import upgrade_async

    await upgrade_async(env.DATABASE_URL)
    runtime = build_runtime(env, load_config(config_path(env)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    _reload_on_sighup(runtime.deps)
    from bot.app import dispose, start_background, stop_background

    start_background(runtime)
    await stop.wait()
    await stop_background(runtime)
    await dispose(runtime.deps)


TEAMS_DIR = Path(__file__).resolve().parent.parent / "teams"
TEAMS_ID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
TEAMS_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}$")


def teams_package(app_id: str, domain: str, out: Path, source: Path = TEAMS_DIR) -> Path:
    """Write the installable Teams app zip: manifest.json with the ids filled, and the icons."""
    import zipfile

    manifest = (source / "manifest.json").read_text(encoding="utf-8")
    manifest = manifest.replace("{{TEAMS_APP_ID}}", app_id).replace("{{BOT_DOMAIN}}", domain)
    json.loads(manifest)  # still JSON after filling in
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", manifest)
        for icon in ("color.png", "outline.png"):
            zf.write(source / icon, icon)
    return out


def cmd_teams_package(args: argparse.Namespace, env: EnvSettings) -> int:
    """Write the Teams app package (upload it in Teams or the Teams admin center)."""
    app_id = args.app_id or env.TEAMS_APP_ID
    if not TEAMS_ID.match(app_id or ""):
        print(
            "charterbot: teams-package needs the bot's Microsoft App ID (a GUID): set "
            "TEAMS_APP_ID or pass --app-id",
            file=sys.stderr,
        )
        return 2
    if not TEAMS_DOMAIN.match(args.domain):
        print(
            f"charterbot: '{args.domain}' is not a host name (like bot.example.com)",
            file=sys.stderr,
        )
        return 2
    out = teams_package(app_id, args.domain.lower(), args.out)
    print(f"wrote {out} (app id {app_id}, domain {args.domain.lower()})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `charterbot`."""
    parser = argparse.ArgumentParser(prog="charterbot", description="Customer service charter bot")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="web server + scheduler + outbox sender",
        description=(
            "Run the web server, the scheduler and the outbox sender. POST /slack/events "
            "exists only when SLACK_SIGNING_SECRET is set; every request is verified before "
            "the bot reads it. With SLACK_APP_TOKEN (Socket Mode) and no signing secret the "
            "HTTP listener serves only /healthz."
        ),
    )
    serve.add_argument("--no-scheduler", action="store_true", help="web part only")
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="scheduler and outbox sender only")
    worker.set_defaults(func=cmd_worker)
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations")
    up.set_defaults(func=cmd_db_upgrade)
    from bot.sandbox.command import add_sandbox_parser

    add_sandbox_parser(sub)
    package = sub.add_parser(
        "teams-package",
        help="write the Teams app package (zip) with the app id filled in",
        description=(
            "Write the installable Teams app package: teams/manifest.json with the bot's "
            "Microsoft App ID (TEAMS_APP_ID or --app-id) and the bot's public host name "
            "(--domain) filled in, plus the two icons."
        ),
    )
    package.add_argument("--app-id", default="", help="the bot's Microsoft App ID (GUID)")
    package.add_argument(
        "--domain", required=True, help="public host name of the bot, like bot.example.com"
    )
    package.add_argument(
        "--out", type=Path, default=Path("charterbot-teams.zip"), help="zip file to write"
    )
    package.set_defaults(func=cmd_teams_package)
    calendar = sub.add_parser("calendar", help="the business calendar")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", required=True)
    show = calendar_sub.add_parser(
        "show", help="print a year's non-working days (public and extra holidays) with names"
    )
    show.add_argument("year", type=int)
    show.set_defaults(func=cmd_calendar_show)
    reload = calendar_sub.add_parser(
        "reload",
        help="make the running server and worker reload [calendar] (SIGHUP)",
        description=(
            "Validate the config, then send SIGHUP to the running `charterbot serve` and "
            "`charterbot worker` (their pid files in CHARTERBOT_RUN_DIR, default the current "
            "directory). They reload extra_holidays and extra_workdays and recompute open "
            "inquiries' deadlines and reminders; a moved deadline is written to the inquiry's "
            "history."
        ),
    )
    reload.set_defaults(func=cmd_calendar_reload)
    check = sub.add_parser("check-config", help="validate a config file")
    check.add_argument("path", nargs="?", type=Path, default=None)
    check.set_defaults(func=cmd_check_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `charterbot` console script."""
    from bot.logs import configure_logging

    configure_logging(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # 7 lines of noise
    args = build_parser().parse_args(argv)
    env = EnvSettings()
    try:
        return int(args.func(args, env))
    except ConfigError as exc:
        print(f"charterbot: invalid config {exc.path}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
