"""Settings from the environment and the TOML config file, with validation."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.durations import DurationError, parse_duration

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class EnvSettings(BaseSettings):
    """Process environment: secrets, URLs and the listen address."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=True, extra="ignore")

    SLACK_BOT_TOKEN: str = ""
    SLACK_SIGNING_SECRET: str = ""
    SLACK_APP_TOKEN: str = ""
    SLACK_API_URL: str = "https://slack.com/api/"
    DATABASE_URL: str = "sqlite+aiosqlite:///charterbot.db"
    CHARTERBOT_CONFIG: str = ""
    HOST: str = "0.0.0.0"
    PORT: int = 3000
    # Microsoft Teams (single tenant). Without TEAMS_APP_ID Teams is off (/api/messages is a
    # 404) unless TEAMS_ALLOW_ANONYMOUS=1: local tests and the Agents Playground, no tokens.
    TEAMS_APP_ID: str = ""
    TEAMS_APP_PASSWORD: str = ""
    TEAMS_TENANT_ID: str = ""
    TEAMS_ALLOW_ANONYMOUS: bool = False

    @property
    def teams_enabled(self) -> bool:
        """Whether /api/messages exists: Teams credentials, or the anonymous test mode."""
        return bool(self.TEAMS_APP_ID) or self.TEAMS_ALLOW_ANONYMOUS


def _check_duration(value: str) -> str:
    try:
        parse_duration(value)
    except DurationError as exc:
        raise ValueError(str(exc)) from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelsConfig(_Strict):
    triage: str = ""
    intake: list[str] = Field(default_factory=list)
    reception: str = ""
    notices: list[str] = Field(default_factory=list)
    reports: str = ""

    @field_validator("triage", "reception", "reports")
    @classmethod
    def _one_channel(cls, v: str) -> str:
        if v and not CHANNEL_ID.match(v):
            raise ValueError(f"'{v}' is not a Slack channel id (like C0123ABCD)")
        return v

    @field_validator("intake", "notices")
    @classmethod
    def _many_channels(cls, v: list[str]) -> list[str]:
        for c in v:
            if not CHANNEL_ID.match(c):
                raise ValueError(f"'{c}' is not a Slack channel id (like C0123ABCD)")
        return v


class CalendarConfig(_Strict):
    hours: list[str] = Field(default_factory=lambda: ["09:00-12:00", "13:00-18:00"])
    workdays: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    holidays: str = "KR"
    extra_holidays: list[str] = Field(default_factory=list)
    always_open: bool = False

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: list[str]) -> list[str]:
        from bot.domain.calendar import parse_slots

        parse_slots(v)
        return v

    @field_validator("workdays")
    @classmethod
    def _workdays(cls, v: list[str]) -> list[str]:
        from bot.domain.calendar import parse_workdays

        parse_workdays(v)
        return v

    @field_validator("holidays")
    @classmethod
    def _country(cls, v: str) -> str:
        if v:
            import holidays

            if v.upper() not in holidays.list_supported_countries():
                raise ValueError(f"'{v}' is not a supported holiday country code (like KR)")
        return v

    @field_validator("extra_holidays")
    @classmethod
    def _dates(cls, v: list[str]) -> list[str]:
        from datetime import date

        for d in v:
            try:
                date.fromisoformat(d)
            except ValueError:
                raise ValueError(f"'{d}' is not an ISO date (YYYY-MM-DD)") from None
        return v


class SlaConfig(_Strict):
    voc_review: str = "1bd"
    support_first_response: str = "15bm"
    support_eta: str = "1bh"
    request_review: str = "3bd"
    long_request: str = "30d"
    regulatory_warnings: list[str] = Field(default_factory=lambda: ["30d", "7d", "1d"])
    callback: str = "5m"
    approaching: float = Field(default=0.75, gt=0, lt=1)
    overdue_repeat: str = "1bd"
    escalation_grace: str = "30bm"

    @field_validator(
        "voc_review",
        "support_first_response",
        "support_eta",
        "request_review",
        "long_request",
        "callback",
        "overdue_repeat",
        "escalation_grace",
    )
    @classmethod
    def _duration(cls, v: str) -> str:
        return _check_duration(v)

    @field_validator("regulatory_warnings")
    @classmethod
    def _durations(cls, v: list[str]) -> list[str]:
        for item in v:
            _check_duration(item)
        return v

    @field_validator("overdue_repeat")
    @classmethod
    def _not_zero(cls, v: str) -> str:
        # A zero interval would repeat an overdue nudge in every sweep.
        if parse_duration(v).is_zero:
            raise ValueError(f"'{v}' must be longer than zero")
        return v


class SchedulerConfig(_Strict):
    sweep_interval: str = "30s"
    digest_time: str = "08:30"

    @field_validator("sweep_interval")
    @classmethod
    def _duration(cls, v: str) -> str:
        return _check_duration(v)

    @field_validator("digest_time")
    @classmethod
    def _time(cls, v: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v):
            raise ValueError(f"'{v}' is not a time of day (HH:MM)")
        return v


class RetentionConfig(_Strict):
    """How long finished rows are kept (wall-clock durations) before the retention job
    deletes them."""

    events: str = "30d"
    outbox: str = "30d"
    reminders: str = "90d"
    receipts: str = "1d"

    @field_validator("events", "outbox", "reminders", "receipts")
    @classmethod
    def _keep_for(cls, v: str) -> str:
        _check_duration(v)
        duration = parse_duration(v)
        if duration.is_business:
            raise ValueError(f"'{v}' must be wall clock (s m h d), not business time")
        # Slack retries events and accepts signed requests for five minutes: keeping less
        # would let a retry or a replay through again.
        if duration.wall.total_seconds() < 3600:
            raise ValueError(f"'{v}' is too short: keep rows at least 1h")
        return v


def _check_users(v: list[str]) -> list[str]:
    for u in v:
        if not USER_ID.match(u):
            raise ValueError(f"'{u}' is not a Slack user id (like U0123ABCD)")
    return v


class TeamConfig(_Strict):
    name: str
    manager: str
    members: list[str] = Field(default_factory=list)

    @field_validator("manager")
    @classmethod
    def _manager(cls, v: str) -> str:
        _check_users([v])
        return v

    @field_validator("members")
    @classmethod
    def _members(cls, v: list[str]) -> list[str]:
        return _check_users(v)


class RolesConfig(_Strict):
    admins: list[str] = Field(default_factory=list)
    receptionists: list[str] = Field(default_factory=list)

    @field_validator("admins", "receptionists")
    @classmethod
    def _users(cls, v: list[str]) -> list[str]:
        return _check_users(v)


class CharterConfig(_Strict):
    """The TOML configuration; every key is documented in charterbot.example.toml."""

    language: Literal["ko", "en"] = "ko"
    bilingual_channels: bool = True
    timezone: str = "Asia/Seoul"
    channels: ChannelsConfig = Field(default_factory=ChannelsConfig)
    calendar: CalendarConfig = Field(default_factory=CalendarConfig)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    scheduler: SchedulerConfig = Field(default_factory=SchedulerConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    teams: list[TeamConfig] = Field(default_factory=list)
    roles: RolesConfig = Field(default_factory=RolesConfig)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{v}'") from None
        return v

    @field_validator("teams")
    @classmethod
    def _unique_teams(cls, teams: list[TeamConfig]) -> list[TeamConfig]:
        names = [t.name for t in teams]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"team names must be unique: {', '.join(sorted(dupes))}")
        return teams

    @property
    def staff(self) -> frozenset[str]:
        """Everyone named in [[teams]] or [roles]."""
        people: set[str] = set(self.roles.admins) | set(self.roles.receptionists)
        for team in self.teams:
            people.add(team.manager)
            people.update(team.members)
        return frozenset(people)

    @property
    def assignable(self) -> frozenset[str]:
        """Who may be an inquiry's assignee: team members and managers only.

        Receptionists and admins are staff (they may work reception or run the bot) but are
        assignees only when a team names them too; nobody outside config ever is.
        """
        people: set[str] = set()
        for team in self.teams:
            people.add(team.manager)
            people.update(team.members)
        return frozenset(people)

    def assignable_in_order(self) -> list[str]:
        """The assignable people in config order (teams first to last, members then manager)."""
        seen: dict[str, None] = {}
        for team in self.teams:
            for user_id in [*team.members, team.manager]:
                seen.setdefault(user_id, None)
        return list(seen)

    def team_of(self, user_id: str) -> TeamConfig | None:
        """Return the first team the user belongs to (as member or manager)."""
        for team in self.teams:
            if user_id in team.members or user_id == team.manager:
                return team
        return None


class ConfigError(Exception):
    """The config file is unreadable or invalid; `problems` lists `key: message` lines."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


def _format_errors(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"{key}: {msg}")
    return problems


def parse_config(data: dict[str, Any], path: str = "<config>") -> CharterConfig:
    """Validate a decoded TOML document, raising ConfigError with every problem."""
    try:
        return CharterConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, _format_errors(exc)) from None


def load_config(path: str | Path | None) -> CharterConfig:
    """Load the TOML file at path, or the built-in defaults when path is None."""
    if path is None:
        return CharterConfig()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(p), ["file not found"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), [f"not valid TOML: {exc}"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(p), ["not UTF-8 text"]) from None
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read: {exc.strerror or exc}"]) from None
    return parse_config(data, str(p))


def config_path(env: EnvSettings) -> Path | None:
    """Return the config path: CHARTERBOT_CONFIG, else ./charterbot.toml when present."""
    if env.CHARTERBOT_CONFIG:
        return Path(env.CHARTERBOT_CONFIG)
    default = Path(os.getcwd()) / "charterbot.toml"
    return default if default.exists() else None


@dataclass(frozen=True)
class Settings:
    """Everything the bot is configured with."""

    env: EnvSettings
    charter: CharterConfig
