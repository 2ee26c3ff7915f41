"""Settings from the environment and the TOML config file, with validation."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.durations import DurationError, parse_duration
from bot.domain.text import is_teams_conversation_id, is_teams_user_id
from bot.ports import Platform, platform_of_user

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
    # where `serve` and `worker` write their pid files (`charterbot calendar reload` reads them)
    CHARTERBOT_RUN_DIR: str = ""
    HOST: str = "0.0.0.0"
    PORT: int = 3000
    # Microsoft Teams (single tenant). Without TEAMS_APP_ID Teams is off (/api/messages is a
    # 404) unless TEAMS_ALLOW_ANONYMOUS=1: local tests and the Agents Playground, no tokens.
    TEAMS_APP_ID: str = ""
    TEAMS_APP_PASSWORD: str = ""
    TEAMS_TENANT_ID: str = ""
    TEAMS_ALLOW_ANONYMOUS: bool = False
    # HMAC key of the survey links (GET/POST /survey/<token>); unset: no links, the route is off
    SURVEY_SECRET: str = ""
    # Where people reach this server from outside (https://bot.example.com): survey links are
    # written as absolute URLs with it ("" : the path alone, /survey/<token>)
    PUBLIC_URL: str = ""
    # Web voice of customer (C12): without the secret POST /intake/voc (and GET /voc) is a
    # 404; with a callback URL the answers to web VOCs are posted back there (signed alike).
    VOC_WEBHOOK_SECRET: str = ""
    VOC_CALLBACK_URL: str = ""

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


class ChannelRoles(_Strict):
    """The channel of each role on one platform (an empty value turns the feature off)."""

    triage: str = ""
    intake: list[str] = Field(default_factory=list)
    reception: str = ""
    notices: list[str] = Field(default_factory=list)
    reports: str = ""


class TeamsChannelsConfig(ChannelRoles):
    """[channels.teams]: the same roles as Microsoft Teams conversation ids."""

    @field_validator("triage", "reception", "reports")
    @classmethod
    def _one_conversation(cls, v: str) -> str:
        if v and not is_teams_conversation_id(v):
            raise ValueError(_not_a_conversation(v))
        return v

    @field_validator("intake", "notices")
    @classmethod
    def _many_conversations(cls, v: list[str]) -> list[str]:
        for c in v:
            if not is_teams_conversation_id(c):
                raise ValueError(_not_a_conversation(c))
        return v


def _not_a_conversation(v: str) -> str:
    return f"'{v}' is not a Teams conversation id (like 19:abc123@thread.tacv2)"


class ChannelsConfig(ChannelRoles):
    """[channels]: Slack channel ids per role, and [channels.teams] for Teams."""

    teams: TeamsChannelsConfig = Field(default_factory=TeamsChannelsConfig)

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
    extra_workdays: list[str] = Field(default_factory=list)  # company working days
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

    @field_validator("extra_holidays", "extra_workdays")
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
    complaint_review: str = "1bd"  # a complaint about staff: confirmed or dismissed within
    fieldvisit_report: str = "1bd"  # a field visit's result report, after its planned end

    @field_validator(
        "complaint_review",
        "fieldvisit_report",
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


class DigestConfig(_Strict):
    """[digest]: the managers' daily digest."""

    post_to_reports: bool = False  # also post each team's summary to the reports channel


class ReportsConfig(_Strict):
    """[reports]: the monthly charter report's pages."""

    public: bool = False  # false: GET /reports/… only with a signed link (admins get one)
    url: str = ""  # this server's public base URL, for links in chat ("" : no links)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not re.fullmatch(r"https?://[^\s<>|\"']{1,200}", v):
            raise ValueError(f"'{v}' is not an http(s) base URL")
        return v.rstrip("/")


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


class SurveysConfig(_Strict):
    """[surveys]: who is asked how satisfied they were after an inquiry was resolved."""

    sample: float = Field(default=1.0, ge=0, le=1)  # the share of resolutions surveyed
    cooldown: str = "30d"  # at most one survey per person within
    internal: bool = False  # survey staff who raised an inquiry themselves
    expires: str = "14d"  # a survey (and its link) can be answered for

    @field_validator("cooldown", "expires")
    @classmethod
    def _wall(cls, v: str) -> str:
        _check_duration(v)
        if parse_duration(v).is_business:
            raise ValueError(f"'{v}' must be wall clock (s m h d), not business time")
        return v

    @field_validator("expires")
    @classmethod
    def _not_zero(cls, v: str) -> str:
        if parse_duration(v).is_zero:
            raise ValueError(f"'{v}' must be longer than zero")
        return v


class ComplaintsConfig(_Strict):
    """[complaints]: the small gift a customer whose complaint is confirmed receives."""

    reward: str = Field(default="커피 쿠폰", min_length=1, max_length=100)


class PraiseConfig(_Strict):
    """[praise]: whether praise may be posted publicly (with the giver's consent), and where."""

    public: bool = False
    # a Slack channel id (C…), or a Teams conversation id (19:…@thread.tacv2)
    channel: str = ""

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str) -> str:
        if v and not (CHANNEL_ID.match(v) or is_teams_conversation_id(v)):
            raise ValueError(
                f"'{v}' is neither a Slack channel id (like C0123ABCD) "
                "nor a Teams conversation id (like 19:abc123@thread.tacv2)"
            )
        return v


def _wall_clock(v: str) -> str:
    _check_duration(v)
    if parse_duration(v).is_business:
        raise ValueError(f"'{v}' must be wall clock (s m h d), not business time")
    if parse_duration(v).is_zero:
        raise ValueError(f"'{v}' must be longer than zero")
    return v


def _time_of_day(v: str) -> str:
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", v):
        raise ValueError(f"'{v}' is not a time of day (HH:MM)")
    return v


class VisitorsConfig(_Strict):
    """[visitors]: the receptionist's desk (issue 12). Durations are wall clock."""

    host_grace: str = "5m"  # the host is nudged this long after the visitor is seated
    before: str = "30m"  # the host's reminder before the visit
    reminder_time: str = "17:00"  # the host's reminder on the business day before
    end_of_day: str = "18:00"  # badges not returned and IDs still held, to reception
    retention_days: int = Field(default=90, ge=1, le=3650)
    default_length: str = "1h"  # a visit's room booking when no end is given

    @field_validator("host_grace", "before", "default_length")
    @classmethod
    def _duration(cls, v: str) -> str:
        return _wall_clock(v)

    @field_validator("reminder_time", "end_of_day")
    @classmethod
    def _time(cls, v: str) -> str:
        return _time_of_day(v)


class RoomConfig(_Strict):
    """[[rooms]]: a reception room; alerts go to the reception channel, or to the room's own
    channel on a platform when one is given."""

    name: str
    capacity: int = Field(default=4, ge=1, le=1000)
    floor: str = ""
    slack_channel: str = ""
    teams_channel: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip() or len(v) > 100:
            raise ValueError("a room needs a name of at most 100 characters")
        return v.strip()

    @field_validator("slack_channel")
    @classmethod
    def _slack(cls, v: str) -> str:
        if v and not CHANNEL_ID.match(v):
            raise ValueError(f"'{v}' is not a Slack channel id (like C0123ABCD)")
        return v

    @field_validator("teams_channel")
    @classmethod
    def _teams(cls, v: str) -> str:
        if v and not is_teams_conversation_id(v):
            raise ValueError(_not_a_conversation(v))
        return v


class CallbacksConfig(_Strict):
    """[callbacks]: the phone callback ladder (C7), wall clock from the moment a call is
    logged; the whole budget is `[sla] callback`."""

    owner_wait: str = "2m"
    team_wait: str = "4m"
    claim_timeout: str = "10m"
    retention_days: int = Field(default=90, ge=1, le=3650)
    away_status_emoji: list[str] = Field(
        default_factory=lambda: [":palm_tree:", ":airplane:", ":face_with_thermometer:"]
    )

    @field_validator("owner_wait", "team_wait", "claim_timeout")
    @classmethod
    def _wall(cls, v: str) -> str:
        _check_duration(v)
        duration = parse_duration(v)
        if duration.is_business or duration.is_zero:
            raise ValueError(f"'{v}' must be a wall-clock duration (s m h) longer than zero")
        return v

    @field_validator("away_status_emoji")
    @classmethod
    def _emoji(cls, v: list[str]) -> list[str]:
        for item in v:
            if not re.fullmatch(r":[a-z0-9_+'-]{1,100}:", item):
                raise ValueError(f"'{item}' is not an emoji code such as ':palm_tree:'")
        return v

        return v


class NoticesConfig(_Strict):
    """[notices]: how far ahead a planned interruption must be announced (business time or
    wall clock), and when reminders are posted before its start (wall clock)."""

    min_lead: str = "3bd"
    reminders: list[str] = Field(default_factory=lambda: ["1d", "1h"])

    @field_validator("min_lead")
    @classmethod
    def _lead(cls, v: str) -> str:
        return _check_duration(v)

    @field_validator("reminders")
    @classmethod
    def _reminders(cls, v: list[str]) -> list[str]:
        for item in v:
            _check_duration(item)
            if parse_duration(item).is_business:
                raise ValueError(f"'{item}' must be wall clock (s m h d), not business time")
        if len(v) > 5:
            raise ValueError("at most 5 reminders")
        return v


class VocConfig(_Strict):
    """[voc]: the built-in public form GET /voc (needs VOC_WEBHOOK_SECRET too)."""

    public_form: bool = False
    form_rate_limit: int = Field(default=5, ge=1, le=1000)  # submissions per IP per 10 minutes


class PersonConfig(_Strict):
    """[[people]]: one person named once, with their id on each platform."""

    name: str
    slack: str = ""
    teams: str = ""
    email: str = ""
    lang: Literal["ko", "en"] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a person needs a name")
        if USER_ID.match(v) or is_teams_user_id(v):
            raise ValueError(
                f"'{v}' looks like a user id; a name is what teams and roles call them"
            )
        return v

    @field_validator("slack")
    @classmethod
    def _slack(cls, v: str) -> str:
        if v and not USER_ID.match(v):
            raise ValueError(f"'{v}' is not a Slack user id (like U0123ABCD)")
        return v

    @field_validator("teams")
    @classmethod
    def _teams(cls, v: str) -> str:
        if v and USER_ID.match(v):
            raise ValueError(f"'{v}' is a Slack user id: put it in `slack`, not `teams`")
        if v and not is_teams_user_id(v):
            raise ValueError(
                f"'{v}' is not a Teams user id (like 29:1abc… or an Entra object id GUID)"
            )
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if v and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v):
            raise ValueError(f"'{v}' is not an e-mail address")
        return v

    @model_validator(mode="after")
    def _some_id(self) -> PersonConfig:
        if not (self.slack or self.teams):
            raise ValueError(f"person '{self.name}' needs a `slack` or a `teams` user id")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        """Their ids on every platform they are on."""
        return tuple(i for i in (self.slack, self.teams) if i)

    @property
    def primary_id(self) -> str:
        """The id teams and roles resolve their name to: Slack's when they have one."""
        return self.slack or self.teams

    def id_on(self, platform: Platform) -> str:
        """Their id on platform ("" when they are not on it)."""
        return self.slack if platform == "slack" else self.teams


def _check_users(v: list[str]) -> list[str]:
    for u in v:
        if not (USER_ID.match(u) or is_teams_user_id(u)):
            raise ValueError(
                f"'{u}' is neither a Slack user id (like U0123ABCD) "
                "nor the name of a [[people]] entry"
            )
    return v


class TeamConfig(_Strict):
    """A team: its manager and members, by Slack user id or [[people]] name.

    After loading, names are resolved: `manager` and `members` hold each person's primary
    id (Slack's, else Teams'); `CharterConfig` answers for their other ids. (A Teams user id
    written here directly is accepted too: it is what a Teams-only person resolves to.)
    """

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
    operators: list[str] = Field(default_factory=list)  # notices and outages (admins too)

    @field_validator("admins", "receptionists", "operators")
    @classmethod
    def _users(cls, v: list[str]) -> list[str]:
        return _check_users(v)


def _resolve_names(data: Any) -> Any:
    """Replace [[people]] names in [[teams]] and [roles] by the person's primary id.

    Runs on the raw document, before validation, so that a name that resolves to nothing is
    reported by the field it stands in (`teams.0.members: 'Minji' is not …`).
    """
    if not isinstance(data, dict) or not isinstance(data.get("people"), list):
        return data
    ids: dict[str, str] = {}
    for person in data["people"]:
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            primary = person.get("slack") or person.get("teams")
            if isinstance(primary, str) and primary and not USER_ID.match(person["name"]):
                ids.setdefault(person["name"], primary)

    def resolve(entry: Any) -> Any:
        return ids.get(entry, entry) if isinstance(entry, str) else entry

    data = dict(data)
    if isinstance(data.get("teams"), list):
        teams = []
        for team in data["teams"]:
            if isinstance(team, dict):
                team = dict(team)
                if "manager" in team:
                    team["manager"] = resolve(team["manager"])
                if isinstance(team.get("members"), list):
                    team["members"] = [resolve(m) for m in team["members"]]
            teams.append(team)
        data["teams"] = teams
    if isinstance(data.get("roles"), dict):
        data["roles"] = {
            k: [resolve(u) for u in v] if isinstance(v, list) else v
            for k, v in data["roles"].items()
        }
    return data


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
    surveys: SurveysConfig = Field(default_factory=SurveysConfig)
    complaints: ComplaintsConfig = Field(default_factory=ComplaintsConfig)
    praise: PraiseConfig = Field(default_factory=PraiseConfig)
    visitors: VisitorsConfig = Field(default_factory=VisitorsConfig)
    rooms: list[RoomConfig] = Field(default_factory=list)
    callbacks: CallbacksConfig = Field(default_factory=CallbacksConfig)
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    voc: VocConfig = Field(default_factory=VocConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    teams: list[TeamConfig] = Field(default_factory=list)
    roles: RolesConfig = Field(default_factory=RolesConfig)
    people: list[PersonConfig] = Field(default_factory=list)
    # every id of a configured person -> that person; built after validation from the fields
    # alone, so equal configs stay equal (build a changed config with parse_config, not
    # model_copy, or this index goes stale)
    _people_by_id: dict[str, PersonConfig] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _names_to_ids(cls, data: Any) -> Any:
        return _resolve_names(data)

    @model_validator(mode="after")
    def _index_people(self) -> CharterConfig:
        self._people_by_id = {i: p for p in self.people for i in p.ids}
        return self

    @model_validator(mode="after")
    def _callback_ladder(self) -> CharterConfig:
        # each rung must come before the next, and all before the whole budget
        waits = [
            parse_duration(v).wall for v in (self.callbacks.owner_wait, self.callbacks.team_wait)
        ]
        total = parse_duration(self.sla.callback)
        if total.is_business:
            raise ValueError("sla.callback must be wall clock (the charter promises minutes)")
        if not waits[0] < waits[1] < total.wall:
            raise ValueError(
                "callbacks: owner_wait < team_wait < sla.callback is required "
                f"(got {self.callbacks.owner_wait}, {self.callbacks.team_wait}, "
                f"{self.sla.callback})"
            )
        return self

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

    @field_validator("rooms")
    @classmethod
    def _unique_rooms(cls, rooms: list[RoomConfig]) -> list[RoomConfig]:
        names = [r.name for r in rooms]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"room names must be unique: {', '.join(dupes)}")
        return rooms

    def room_named(self, name: str) -> RoomConfig | None:
        """The configured room of this name (spaces and case ignored: `접견실1` = `접견실 1`)."""
        wanted = "".join(name.split()).lower()
        for room in self.rooms:
            if "".join(room.name.split()).lower() == wanted:
                return room
        return None

    @field_validator("people")
    @classmethod
    def _unique_people(cls, people: list[PersonConfig]) -> list[PersonConfig]:
        problems = []
        for what, values in (
            ("names", [p.name for p in people]),
            ("slack ids", [p.slack for p in people if p.slack]),
            ("teams ids", [p.teams for p in people if p.teams]),
        ):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                problems.append(f"{what} must be unique: {', '.join(dupes)}")
        if problems:
            raise ValueError("; ".join(problems))
        return people

    def channels_for(self, platform: Platform) -> ChannelRoles:
        """The channel of each role on platform ([channels] for Slack, [channels.teams])."""
        return self.channels if platform == "slack" else self.channels.teams

    def person_of(self, user_id: str) -> PersonConfig | None:
        """The [[people]] entry with this id on any platform."""
        return self._people_by_id.get(user_id)

    def lang_of(self, user_id: str) -> Literal["ko", "en"] | None:
        """The `lang` [[people]] gives this person (None when not configured)."""
        person = self._people_by_id.get(user_id)
        return person.lang if person else None

    def ids_of(self, user_id: str) -> tuple[str, ...]:
        """Every id of the same person (just user_id when they are not in [[people]])."""
        person = self._people_by_id.get(user_id)
        return person.ids if person else (user_id,)

    def id_on(self, user_id: str, platform: Platform) -> str:
        """The same person's id on platform ("" when they have none there)."""
        person = self._people_by_id.get(user_id)
        if person is not None:
            return person.id_on(platform)
        return user_id if platform_of_user(user_id) == platform else ""

    def same_person(self, a: str, b: str) -> bool:
        """Whether two ids (on any platforms) are the same person."""
        return a == b or b in self.ids_of(a)

    def _everyone(self, ids: set[str]) -> frozenset[str]:
        return frozenset(i for user_id in ids for i in self.ids_of(user_id))

    @property
    def staff(self) -> frozenset[str]:
        """Everyone named in [[teams]] or [roles], by their id on every platform."""
        people: set[str] = set(self.roles.admins) | set(self.roles.receptionists)
        people |= set(self.roles.operators)
        for team in self.teams:
            people.add(team.manager)
            people.update(team.members)
        return self._everyone(people)

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
        return self._everyone(people)

    def assignable_in_order(self, platform: Platform = "slack") -> list[str]:
        """The assignable people's ids on platform in config order (teams first to last,
        members then manager); people who are not on platform are left out."""
        seen: dict[str, None] = {}
        for team in self.teams:
            for user_id in [*team.members, team.manager]:
                on_platform = self.id_on(user_id, platform)
                if on_platform:
                    seen.setdefault(on_platform, None)
        return list(seen)

    def team_of(self, user_id: str) -> TeamConfig | None:
        """Return the first team the user (by any of their ids) belongs to, as member or
        manager."""
        ids = self.ids_of(user_id)
        for team in self.teams:
            if any(i in team.members or i == team.manager for i in ids):
                return team
        return None

    def teams_managed_by(self, user_id: str) -> list[TeamConfig]:
        """The teams whose manager is this person (by any of their ids)."""
        return [team for team in self.teams if self.same_person(user_id, team.manager)]

    def is_admin(self, user_id: str) -> bool:
        """Whether this person (by any of their ids) is in [roles] admins."""
        return any(self.same_person(user_id, admin) for admin in self.roles.admins)

    def is_operator(self, user_id: str) -> bool:
        """Whether this person may plan notices and log outages: [roles] operators or admins."""
        return self.is_admin(user_id) or any(
            self.same_person(user_id, op) for op in self.roles.operators
        )

    def is_receptionist(self, user_id: str) -> bool:
        """Whether this person (by any of their ids) is in [roles] receptionists."""
        return any(self.same_person(user_id, desk) for desk in self.roles.receptionists)


def config_warnings(config: CharterConfig) -> list[str]:
    """What is valid but probably not meant (check-config prints it; admins see it on Home)."""
    out: list[str] = []
    if not config.teams:
        out.append("teams: no [[teams]]: nobody gets a digest, escalations have no manager")
    for team in config.teams:
        if not team.members:
            out.append(f"teams: '{team.name}' has no members")
    if not config.roles.admins:
        out.append("roles.admins: no admin: nobody sees delivery failures")
    if config.digest.post_to_reports and not config.channels.reports:
        out.append("digest.post_to_reports: true but channels.reports is empty")
    if not config.channels.reports:
        out.append("channels.reports: empty: the monthly report is not posted")
    if not config.reports.url:
        out.append("reports.url: empty: report posts carry no link to the report page")
    return out


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
