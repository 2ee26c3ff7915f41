"""The bot's dependency bag for service tests: a real database, no platform at all."""

from __future__ import annotations

from typing import Any

# the composition root's pure builders (nothing of Slack is built or called)
from bot.app import build_calendar, build_nudge_policy, build_policy
from bot.clock import SettableClock
from bot.config import EnvSettings, parse_config
from bot.deps import Deps
from bot.services.people import Languages
from storage.db import make_engine, make_sessions


def service_deps(url: str, config: dict[str, Any], clock: SettableClock, directory: Any) -> Deps:
    """Deps on the database at `url` with this charter (a parsed TOML dict), clock and people
    directory; the caller disposes of `deps.engine`."""
    engine = make_engine(url)
    sessions = make_sessions(engine)
    charter = parse_config(config)
    return Deps(
        env=EnvSettings(DATABASE_URL=url),
        config=charter,
        engine=engine,
        sessions=sessions,
        reads=sessions,
        clock=clock,
        calendar=build_calendar(charter, clock.now()),
        policy=build_policy(charter),
        nudges=build_nudge_policy(charter),
        directory=directory,
        languages=Languages(sessions, directory, clock, charter.language),
    )
