"""Composition root: build Deps, the Bolt app, the aiohttp web app and the background tasks."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.client import SlackDirectory, make_client
from bot.adapters.slack.presence import SlackPresence
from bot.adapters.slack.transport import SlackTransport
from bot.adapters.slack.verify import (
    RefusalLog,
    allowed_response_url,
    check_signature,
    host_of,
    parse_body,
    shape_problem,
)
from bot.aio import cancel_and_wait
from bot.clock import Clock, SystemClock
from bot.config import CharterConfig, EnvSettings
from bot.delivery.engine import DeliveryEngine, DeliverySettings
from bot.deps import Deps, Wakeup
from bot.domain.calendar import BusinessCalendar, holiday_dates, parse_slots, parse_workdays
from bot.domain.durations import parse_duration
from bot.domain.nudges import NudgePolicy
from bot.domain.sla import SlaPolicy
from bot.holidays_kr import public_holidays
from bot.logs import quiet_slack_loggers
from bot.ports import Directory, Platform, Transport

if TYPE_CHECKING:
    from bot.adapters.teams.delivery import TeamsDelivery
    from bot.adapters.teams.host import TeamsEndpoint, TokenSource
    from bot.adapters.teams.transport import TeamsTransport
    from bot.services.calendar_reload import CalendarApplied
from bot.services.people import Languages
from handlers import register_all
from handlers.voc_web import add_voc_routes
from storage.db import make_engine, make_sessions, ping

log = logging.getLogger("charterbot")


def build_calendar(config: CharterConfig, now: datetime) -> BusinessCalendar:
    """Build the business calendar of the config: public holidays are loaded per year when a
    date of that year is first looked at; the operator's extra holidays and working days."""
    from zoneinfo import ZoneInfo

    cal = config.calendar
    country = cal.holidays
    return BusinessCalendar(
        tz=ZoneInfo(config.timezone),
        slots=parse_slots(cal.hours),
        workdays=parse_workdays(cal.workdays),
        holidays=holiday_dates(cal.extra_holidays),
        always_open=cal.always_open,
        holiday_years=lambda year: public_holidays(country, [year]),
        extra_workdays=holiday_dates(cal.extra_workdays),
    )


async def reload_calendar(deps: Deps) -> CalendarApplied | None:
    """Read the config file again and apply its `[calendar]` to the running process: swap the
    calendar, then recompute open inquiries' deadlines and reminders (bot.services.calendar_reload).

    Only the calendar changes (other sections need a restart). A config that does not load
    leaves the old calendar in force and is logged; None then.
    """
    from bot.config import ConfigError, config_path, load_config
    from bot.services.calendar_reload import apply_calendar

    try:
        fresh = load_config(config_path(deps.env))
        calendar = build_calendar(fresh, deps.clock.now())
    except (ConfigError, ValueError) as exc:
        log.error("calendar reload refused, the old calendar stays: %s", exc)
        return None
    if fresh.timezone != deps.config.timezone:
        log.warning("calendar reload: a new timezone needs a restart; keeping the old one")
        calendar = dataclasses.replace(calendar, tz=deps.calendar.tz)
    deps.use_calendar(deps.config.model_copy(update={"calendar": fresh.calendar}), calendar)
    applied = await apply_calendar(deps)
    log.info(
        "calendar reloaded: %d open inquiries checked, deadline moved for %s",
        applied.checked,
        ", ".join(f"#{n}" for n in applied.moved) or "none",
    )
    return applied


def build_policy(config: CharterConfig) -> SlaPolicy:
    """Parse the [sla] section into durations."""
    s = config.sla
    return SlaPolicy.from_texts(
        voc_review=s.voc_review,
        support_first_response=s.support_first_response,
        support_eta=s.support_eta,
        request_review=s.request_review,
        long_request=s.long_request,
        approaching=s.approaching,
    )


def build_nudge_policy(config: CharterConfig) -> NudgePolicy:
    """Parse the nudge settings of the [sla] section."""
    return NudgePolicy(
        sla=build_policy(config),
        regulatory_warnings=tuple(parse_duration(w) for w in config.sla.regulatory_warnings),
        overdue_repeat=parse_duration(config.sla.overdue_repeat),
        escalation_grace=parse_duration(config.sla.escalation_grace),
    )


def build_deps(
    env: EnvSettings,
    config: CharterConfig,
    *,
    client: AsyncWebClient,
    clock: Clock | None = None,
    directory: Directory | None = None,
) -> Deps:
    """Wire settings, database, clock, calendar and platform ports together."""
    clock = clock or SystemClock()
    engine = make_engine(env.DATABASE_URL)
    sessions = make_sessions(engine)
    if env.DATABASE_URL.startswith("sqlite"):
        reads = make_sessions(make_engine(env.DATABASE_URL, readonly=True))
    else:
        reads = sessions
    directory = directory or SlackDirectory(client)
    directories: dict[Platform, Directory] = {"slack": directory}
    if env.teams_enabled:
        from bot.adapters.teams.addresses import TeamsDirectory

        # Teams people's names and locales, from what their own activities told the bot
        directories["teams"] = TeamsDirectory(sessions)
    return Deps(
        env=env,
        config=config,
        engine=engine,
        sessions=sessions,
        reads=reads,
        clock=clock,
        calendar=build_calendar(config, clock.now()),
        policy=build_policy(config),
        nudges=build_nudge_policy(config),
        directory=directory,
        languages=Languages(
            sessions,
            directories,
            clock,
            config.language,
            reads=reads,
            configured_lang=config.lang_of,
        ),
        outbox=Wakeup(),
        presence=SlackPresence(client, clock),
    )


async def dispose(deps: Deps) -> None:
    """Close the database engines."""
    await deps.engine.dispose()
    read_engine = deps.reads.kw.get("bind")
    if read_engine is not None and read_engine is not deps.engine:
        await read_engine.dispose()


def build_bolt_app(deps: Deps, client: AsyncWebClient) -> AsyncApp:
    """Create the Bolt app with the deps middleware and every feature's listeners."""
    quiet_slack_loggers()

    async def no_slack_workspace(**_kwargs: Any) -> AuthorizeResult:
        # Teams only: no Slack token, so no Slack request is ever authorized
        raise BoltError("Slack is not configured (no SLACK_BOT_TOKEN)")

    app = AsyncApp(
        client=client,
        signing_secret=deps.env.SLACK_SIGNING_SECRET or None,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        # Bolt does not check the signature again: every HTTP request reaches it only through
        # build_web_app's /slack/events, which refused it unless check_signature (and the
        # payload checks) passed; Socket Mode requests arrive over the app token's socket and
        # Bolt never verifies those anyway. Nothing else calls async_dispatch.
        request_verification_enabled=False,
        # Bolt insists on a token or an authorize function; Teams-only runs have no token
        authorize=None if deps.env.SLACK_BOT_TOKEN else no_slack_workspace,
    )

    async def inject_deps(
        context: AsyncBoltContext, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        # Every request Bolt sees was verified before it (see request_verification_enabled);
        # deps still enter only here, and handlers/errors.py never answers a context without
        # them (an error raised before this middleware).
        url = context.response_url
        if url and not allowed_response_url(url, deps.env.SLACK_API_URL):
            # Slack only ever names its hooks host; anything else is a forgery or a leaked
            # secret, and posting there would be a blind request to an attacker's target.
            log.warning("refused a request whose response_url is on host %s", host_of(url))
            return BoltResponse(status=400, body="invalid response_url")
        context["deps"] = deps
        await next()
        return None

    app.use(inject_deps)
    register_all(app)
    return app


@dataclass
class Runtime:
    """The running pieces of `charterbot serve`."""

    deps: Deps
    client: AsyncWebClient
    bolt: AsyncApp
    sender: DeliveryEngine
    # Teams (None when off): the outbox transport, and the tokens its requests and the
    # /api/messages replies carry
    teams: TeamsDelivery | None = None
    teams_tokens: TokenSource | None = None
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    async def run_due_work(self, rounds: int = 20) -> None:
        """Run what is due now (reminder sweep, digests, then outbox delivery) until nothing is
        left.

        The sandbox calls this after moving its clock so nudges appear at once.
        """
        from bot.scheduler import run_digest_job, run_sweep_job

        await run_sweep_job(self.deps)
        await run_digest_job(self.deps)  # digests (and the monthly report) due by now
        for _ in range(rounds):
            if await self.sender.deliver_due() == 0:
                break


def _name_teams_people_through(deps: Deps, transport: TeamsTransport) -> None:
    """Let the Teams directory name people who never wrote to the bot from the members of
    the teams it is installed in."""
    from bot.adapters.teams.addresses import TeamsDirectory

    if isinstance(deps.languages, Languages):
        directory = deps.languages.directory_for("teams")
        if isinstance(directory, TeamsDirectory):
            directory.transport = transport


def build_runtime(
    env: EnvSettings,
    config: CharterConfig,
    *,
    clock: Clock | None = None,
    delivery: DeliverySettings | None = None,
    teams_tokens: TokenSource | None = None,
) -> Runtime:
    """Build deps, the Web API client, the Bolt app and the outbox sender.

    `delivery` tunes the sender (retries, leases, pacing); the default paces every channel to
    Slack's one message per second (`DeliverySettings.channel_interval`). One sender delivers
    both platforms: Slack always, Teams when it is on (`TEAMS_APP_ID` or
    `TEAMS_ALLOW_ANONYMOUS`). `teams_tokens` is a test hook (no Entra to ask).
    """
    client = make_client(env.SLACK_BOT_TOKEN, env.SLACK_API_URL)
    deps = build_deps(env, config, client=client, clock=clock)
    transports: dict[str, Transport] = {"slack": SlackTransport(deps, client)}
    teams: TeamsDelivery | None = None
    if env.teams_enabled:
        from bot.adapters.teams.delivery import TeamsDelivery
        from bot.adapters.teams.transport import TeamsTransport

        teams_tokens = teams_tokens or teams_token_source(env)
        teams = TeamsDelivery(deps, TeamsTransport(teams_tokens))
        transports["teams"] = teams
        _name_teams_people_through(deps, teams.http)
    if env.VOC_CALLBACK_URL and env.VOC_WEBHOOK_SECRET:
        from bot.adapters.webhook import WebhookTransport

        # answers to web VOCs, posted back to the website (see bot/services/voc_answers.py)
        transports["webhook"] = WebhookTransport(env.VOC_CALLBACK_URL, env.VOC_WEBHOOK_SECRET)
    sender = DeliveryEngine(deps, transports, delivery)
    return Runtime(
        deps,
        client,
        build_bolt_app(deps, client),
        sender,
        teams=teams,
        teams_tokens=teams_tokens if teams is not None else None,
    )


def start_background(runtime: Runtime) -> None:
    """Start the reminder scheduler and the outbox sender inside the running loop."""
    from bot.scheduler import build_scheduler

    scheduler = build_scheduler(runtime.deps)
    scheduler.start()
    runtime.stoppers.append(lambda: scheduler.shutdown(wait=False))
    runtime.tasks.append(asyncio.create_task(runtime.sender.run_forever(), name="outbox"))


async def stop_background(runtime: Runtime) -> None:
    """Stop the scheduler (its job runs in progress are cancelled, and waited for) and the
    sender."""
    from bot.scheduler import settle_jobs

    for stop in runtime.stoppers:
        stop()
    for task in runtime.tasks:
        await cancel_and_wait(task)
    await settle_jobs(runtime.deps)


# ------------------------------------------------------------------ Microsoft Teams (/api/messages)
def teams_token_source(env: EnvSettings) -> TokenSource:
    """The tokens the bot's Bot Connector requests carry: its Entra app's, or none (anonymous
    mode: the Agents Playground's connector takes requests without a token)."""
    from bot.adapters.teams.host import MsalTokens, NoTokens

    if env.TEAMS_APP_ID:
        return MsalTokens(env.TEAMS_APP_ID, env.TEAMS_APP_PASSWORD, env.TEAMS_TENANT_ID)
    return NoTokens()


def build_teams_endpoint(
    deps: Deps, *, jwks_url: str | None = None, tokens: TokenSource | None = None
) -> TeamsEndpoint | None:
    """The Teams endpoint, or None when Teams is off (no TEAMS_APP_ID, not anonymous).

    `jwks_url` and `tokens` are test hooks only (tests serve their own signing keys on
    127.0.0.1 and need no Entra token for the fake connector); no environment variable
    reaches them.
    """
    from bot.adapters.teams.auth import TeamsAuth
    from bot.adapters.teams.host import TeamsEndpoint
    from handlers.teams import make_turn_handler

    env = deps.env
    if not env.teams_enabled:
        return None
    auth = TeamsAuth(
        app_id=env.TEAMS_APP_ID,
        tenant_id=env.TEAMS_TENANT_ID,
        anonymous=env.TEAMS_ALLOW_ANONYMOUS,
        jwks_url=jwks_url,
    )
    if tokens is None:
        tokens = teams_token_source(env)
    return TeamsEndpoint(auth, make_turn_handler(deps), tokens)


# ----------------------------------------------------------------------------------------------
def build_web_app(
    runtime: Runtime,
    *,
    run_sender: bool = True,
    teams_jwks_url: str | None = None,
    teams_tokens: TokenSource | None = None,
) -> web.Application:
    """The aiohttp application: /slack/events, /api/messages (Teams), /healthz, and (unless
    told not to) the scheduler and the outbox sender as background work.

    Without a signing secret (Socket Mode) there is no /slack/events at all: nothing could
    tell Slack's requests from anyone else's.
    """
    bolt = runtime.bolt
    secret = runtime.deps.env.SLACK_SIGNING_SECRET
    refusals = RefusalLog()

    def refuse(request: web.Request, length: int, status: int, reason: str) -> web.Response:
        # Only what we chose to say: never the body, the headers or anything else they sent.
        skipped = refusals.admit(time.monotonic())
        if skipped is not None:
            more = f" ({skipped} more refused since the last line)" if skipped else ""
            log.warning(
                "refused %s %s length=%d: %s%s", request.method, request.path, length, reason, more
            )
        return web.Response(status=status, text="invalid request")

    async def slack_events(request: web.Request) -> web.Response:
        raw = await request.read()
        reason = check_signature(
            secret,
            raw,
            request.headers.getall("X-Slack-Request-Timestamp", []),
            request.headers.getall("X-Slack-Signature", []),
        )
        if reason is not None:
            return refuse(request, len(raw), 401, reason)
        parsed = parse_body(raw, request.content_type)
        if parsed is None:
            return refuse(request, len(raw), 400, "signed body is not a Slack payload")
        if (problem := shape_problem(parsed)) is not None:
            # A fixed word naming the field, never its value.
            return refuse(request, len(raw), 400, f"signed body has a malformed {problem}")
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=dict(request.headers),
            )
        except (AttributeError, TypeError, KeyError, IndexError, ValueError):
            # Bolt reads ids out of the body as it builds the request; a signed body of the
            # wrong shape (a list where an object belongs) makes it raise.
            return refuse(request, len(raw), 400, "signed body has the wrong shape")
        bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        # The read-only engine: on SQLite the writers' engine takes the write lock at BEGIN,
        # so a health check would queue behind a busy writer.
        if await ping(runtime.deps.reads.kw.get("bind") or runtime.deps.engine):
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unavailable"}, status=503)

    async def background(_app: web.Application) -> AsyncIterator[None]:
        if run_sender:
            start_background(runtime)
        yield
        await stop_background(runtime)
        await dispose(runtime.deps)

    app = web.Application(client_max_size=1024**2)
    if secret:
        app.router.add_post("/slack/events", slack_events)
    app.router.add_get("/healthz", healthz)
    from bot.adapters.web.reports import add_report_routes

    add_report_routes(app, runtime.deps)
    if teams_tokens is not None and runtime.teams is not None:
        runtime.teams.http.use_tokens(teams_tokens)  # the outbox signs its requests alike
    teams = build_teams_endpoint(
        runtime.deps, jwks_url=teams_jwks_url, tokens=teams_tokens or runtime.teams_tokens
    )
    if teams is not None:
        app.router.add_post("/api/messages", teams.handle)
    if runtime.deps.env.SURVEY_SECRET:
        # the survey page for people without a chat account (off without a signing key)
        from bot.adapters.web.survey import add_survey_routes

        add_survey_routes(app, runtime.deps)
    add_voc_routes(app, runtime.deps)  # POST /intake/voc, GET|POST /voc (when configured)
    app.cleanup_ctx.append(background)
    return app
