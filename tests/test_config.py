"""bot.config: TOML loading, validation problems named by key, environment defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import (
    CharterConfig,
    ConfigError,
    EnvSettings,
    PersonConfig,
    TeamsChannelsConfig,
    load_config,
    parse_config,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "charterbot.example.toml"


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert info.value.problems, "ConfigError without problems"
    return info.value.problems


def _keys(problems: list[str]) -> list[str]:
    return [p.split(": ", 1)[0] for p in problems]


# --- one problem per document: (document, key, words the message must contain) ---

BAD_DOCUMENTS = [
    pytest.param({"colour": "blue"}, "colour", "unknown key", id="unknown-top-level"),
    pytest.param({"sla": {"voc_reviw": "1bd"}}, "sla.voc_reviw", "unknown key", id="unknown-sla"),
    pytest.param(
        {"channels": {"triag": "C0TRIAGE"}}, "channels.triag", "unknown key", id="unknown-channels"
    ),
    pytest.param(
        {"teams": [{"name": "a", "manager": "U0MGR", "lead": "U0X"}]},
        "teams.0.lead",
        "unknown key",
        id="unknown-in-team",
    ),
    pytest.param({"sla": {"voc_review": "3x"}}, "sla.voc_review", "3x", id="bad-duration"),
    pytest.param(
        {"sla": {"support_first_response": "-5m"}},
        "sla.support_first_response",
        "-5m",
        id="negative-duration",
    ),
    pytest.param(
        {"sla": {"regulatory_warnings": ["30d", "soon"]}},
        "sla.regulatory_warnings",
        "soon",
        id="bad-duration-in-list",
    ),
    pytest.param(
        {"scheduler": {"sweep_interval": "often"}},
        "scheduler.sweep_interval",
        "often",
        id="bad-sweep-interval",
    ),
    pytest.param(
        {"scheduler": {"digest_time": "25:00"}},
        "scheduler.digest_time",
        "25:00",
        id="bad-digest-time",
    ),
    pytest.param({"sla": {"approaching": 1.5}}, "sla.approaching", "", id="approaching-over-1"),
    pytest.param(
        {"sla": {"escalation_grace": "half an hour"}},
        "sla.escalation_grace",
        "half an hour",
        id="bad-escalation-grace",
    ),
    pytest.param(
        {"sla": {"overdue_repeat": "0bd"}},
        "sla.overdue_repeat",
        "longer than zero",
        id="zero-overdue-repeat",
    ),
    pytest.param(
        {"channels": {"triage": "#general"}}, "channels.triage", "#general", id="bad-channel"
    ),
    pytest.param(
        {"channels": {"intake": ["C0INTAKE", "intake"]}},
        "channels.intake",
        "intake",
        id="bad-channel-in-list",
    ),
    pytest.param(
        {"channels": {"intake": "C0INTAKE"}},
        "channels.intake",
        "list",
        id="channel-list-not-a-list",
    ),
    pytest.param({"roles": {"admins": ["alice"]}}, "roles.admins", "alice", id="bad-user"),
    pytest.param(
        {"roles": {"receptionists": ["C0NOTAUSER"]}},
        "roles.receptionists",
        "C0NOTAUSER",
        id="channel-as-user",
    ),
    pytest.param(
        {"teams": [{"name": "a", "manager": "bob"}]}, "teams.0.manager", "bob", id="bad-manager"
    ),
    pytest.param(
        {"teams": [{"name": "a", "manager": "U0MGR", "members": ["U0OK", "x"]}]},
        "teams.0.members",
        "'x'",
        id="bad-member",
    ),
    pytest.param(
        {"teams": [{"name": "HTS support", "members": ["U0STAFF1"]}]},
        "teams.0.manager",
        "required key is missing",
        id="team-without-manager",
    ),
    pytest.param(
        {"teams": [{"manager": "U0MGR"}]},
        "teams.0.name",
        "required key is missing",
        id="team-without-name",
    ),
    pytest.param(
        {"timezone": "Asia/Pyongyang-ish"}, "timezone", "Asia/Pyongyang-ish", id="bad-timezone"
    ),
    pytest.param({"language": "fr"}, "language", "", id="bad-language"),
    pytest.param({"calendar": {"hours": ["9-12"]}}, "calendar.hours", "9-12", id="bad-hours"),
    pytest.param(
        {"calendar": {"hours": ["13:00-09:00"]}},
        "calendar.hours",
        "13:00-09:00",
        id="hours-end-before-start",
    ),
    pytest.param(
        {"calendar": {"hours": ["09:00-25:00"]}},
        "calendar.hours",
        "09:00-25:00",
        id="hours-out-of-range",
    ),
    pytest.param({"calendar": {"hours": []}}, "calendar.hours", "slot", id="no-hours"),
    pytest.param(
        {"calendar": {"workdays": ["mon", "funday"]}},
        "calendar.workdays",
        "funday",
        id="bad-workday",
    ),
    pytest.param(
        {"calendar": {"extra_holidays": ["2025-02-30"]}},
        "calendar.extra_holidays",
        "2025-02-30",
        id="bad-extra-holiday",
    ),
    pytest.param(
        {"calendar": {"extra_workdays": ["2026-5-1"]}},
        "calendar.extra_workdays",
        "2026-5-1",
        id="bad-extra-workday",
    ),
    pytest.param({"bilingual_channels": "yes please"}, "bilingual_channels", "", id="bad-bool"),
    pytest.param(
        {"retention": {"events": "1bd"}}, "retention.events", "wall clock", id="retention-business"
    ),
    pytest.param(
        {"retention": {"outbox": "10m"}}, "retention.outbox", "too short", id="retention-short"
    ),
    pytest.param(
        {"retention": {"reminders": "forever"}},
        "retention.reminders",
        "forever",
        id="retention-bad",
    ),
    pytest.param({"retention": {"keep": "1d"}}, "retention.keep", "unknown", id="retention-key"),
    # issue 15: surveys, complaints, praise
    pytest.param({"surveys": {"sample": 1.5}}, "surveys.sample", "1", id="survey-sample"),
    pytest.param({"surveys": {"cooldown": "2bd"}}, "surveys.cooldown", "wall clock", id="cooldown"),
    pytest.param(
        {"surveys": {"expires": "0d"}}, "surveys.expires", "longer than zero", id="expiry"
    ),
    pytest.param({"surveys": {"every": "1d"}}, "surveys.every", "unknown", id="survey-key"),
    pytest.param(
        {"sla": {"complaint_review": "soon"}}, "sla.complaint_review", "soon", id="review"
    ),
    pytest.param({"complaints": {"reward": ""}}, "complaints.reward", "1", id="reward-empty"),
    pytest.param(
        {"praise": {"channel": "#kudos"}}, "praise.channel", "#kudos", id="praise-channel"
    ),
    pytest.param({"praise": {"public": "maybe"}}, "praise.public", "bool", id="praise-public"),
]


@pytest.mark.parametrize(("data", "key", "words"), BAD_DOCUMENTS)
def test_one_problem_is_named_by_its_key(data: dict[str, Any], key: str, words: str) -> None:
    problems = _problems(data)
    assert _keys(problems) == [key], problems
    assert words in problems[0].split(": ", 1)[1]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"colour": "blue"}, "colour: unknown key"),
        (
            {"calendar": {"hours": ["09:00-18:00"], "lunch": "12:00-13:00"}},
            "calendar.lunch: unknown key",
        ),
        ({"teams": [{"name": "HTS support"}]}, "teams.0.manager: required key is missing"),
        (
            {"teams": [{"name": "a", "manager": "U0A"}, {"name": "b"}]},
            "teams.1.manager: required key is missing",
        ),
    ],
)
def test_exact_problem_lines(data: dict[str, Any], problem: str) -> None:
    assert _problems(data) == [problem]


def test_bad_duration_message_names_key_and_value() -> None:
    (problem,) = _problems({"sla": {"voc_review": "3x"}})
    assert problem.startswith("sla.voc_review: ")
    assert "'3x'" in problem


def test_several_problems_are_reported_at_once() -> None:
    problems = _problems(
        {
            "colour": "blue",
            "timezone": "Nowhere/Land",
            "channels": {"triage": "general"},
            "calendar": {"hours": ["nine to five"]},
            "sla": {"voc_review": "3x", "callback": "5m", "approachin": 0.5},
            "teams": [{"name": "HTS support", "members": ["U0STAFF1"]}],
            "roles": {"admins": ["root"]},
        }
    )
    assert sorted(_keys(problems)) == sorted(
        [
            "colour",
            "timezone",
            "channels.triage",
            "calendar.hours",
            "sla.voc_review",
            "sla.approachin",
            "teams.0.manager",
            "roles.admins",
        ]
    )
    assert "teams.0.manager: required key is missing" in problems
    assert "sla.approachin: unknown key" in problems


def test_config_error_message_carries_path_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "charterbot.toml"
    path.write_text('timezone = "Nowhere/Land"\n[sla]\nvoc_review = "3x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.path == str(path)
    assert sorted(_keys(info.value.problems)) == ["sla.voc_review", "timezone"]
    assert str(path) in str(info.value)
    assert "sla.voc_review" in str(info.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("timezone = \n", "not valid TOML"),
        ('language = "ko"\nlanguage = "en"\n', "not valid TOML"),
        ("[sla\n", "not valid TOML"),
    ],
)
def test_load_config_reports_unreadable_toml(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.problems) == 1
    assert words in info.value.problems[0]


def test_load_config_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "absent.toml")
    assert info.value.problems == ["file not found"]


def test_load_config_reads_teams_array_of_tables(tmp_path: Path) -> None:
    path = tmp_path / "teams.toml"
    path.write_text(
        '[[teams]]\nname = "A"\nmanager = "U0MA"\n\n[[teams]]\nname = "B"\nmembers = ["U0B1"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.problems == ["teams.1.manager: required key is missing"]


def test_defaults_when_path_is_none() -> None:
    config = load_config(None)
    assert config == CharterConfig()
    assert config.language == "ko"
    assert config.bilingual_channels is True
    assert config.timezone == "Asia/Seoul"
    assert config.calendar.hours == ["09:00-12:00", "13:00-18:00"]
    assert config.calendar.workdays == ["mon", "tue", "wed", "thu", "fri"]
    assert config.calendar.holidays == "KR"
    assert config.calendar.always_open is False
    assert config.sla.voc_review == "1bd"
    assert config.sla.support_first_response == "15bm"
    assert config.sla.support_eta == "1bh"
    assert config.sla.request_review == "3bd"
    assert config.sla.long_request == "30d"
    assert config.sla.regulatory_warnings == ["30d", "7d", "1d"]
    assert config.sla.callback == "5m"
    assert config.sla.approaching == 0.75
    assert config.sla.overdue_repeat == "1bd"
    assert config.sla.escalation_grace == "30bm"
    assert config.scheduler.sweep_interval == "30s"
    assert config.scheduler.digest_time == "08:30"
    assert config.retention.events == "30d"
    assert config.retention.outbox == "30d"
    assert config.retention.reminders == "90d"
    assert config.retention.receipts == "1d"
    assert config.teams == []
    assert config.staff == frozenset()


def test_empty_document_is_the_defaults() -> None:
    assert parse_config({}) == CharterConfig()


def test_example_file_is_valid() -> None:
    config = load_config(EXAMPLE)
    assert config.channels.triage == "C0TRIAGE"
    assert config.channels.intake == ["C0INTAKE"]
    assert [t.name for t in config.teams] == ["HTS support"]
    assert config.teams[0].manager == "U0MANAGER"  # named "Park Jihoon", resolved to Slack's id
    # the manager is a [[people]] entry with a Teams id too: staff by either id
    assert config.staff == {
        "U0MANAGER",
        "U0STAFF1",
        "U0STAFF2",
        "U0ADMIN",
        "U0RECEPTION",
        "29:1ManagerExampleId",
    }
    assert config.team_of("U0STAFF2") is config.teams[0]
    assert config.team_of("29:1ManagerExampleId") is config.teams[0]
    assert config.team_of("U0CUSTOMER") is None
    assert config.channels_for("teams").triage == "19:triage0example@thread.tacv2"


def test_example_file_documents_every_key() -> None:
    """Every key line of the example carries a comment (what it means, units, default)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "[")):
            continue
        assert "#" in stripped.split("=", 1)[1], f"line {number} has no comment: {line}"


def test_example_file_sets_every_known_key() -> None:
    """The example shows every key the config model accepts, so nothing goes undocumented."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(data) == set(CharterConfig.model_fields)
    for section in ("channels", "calendar", "sla", "scheduler", "roles"):
        model = CharterConfig.model_fields[section].annotation
        assert set(data[section]) == set(model.model_fields), section  # type: ignore[union-attr]
    assert set(data["teams"][0]) == {"name", "manager", "members"}
    assert set(data["people"][0]) == set(PersonConfig.model_fields)
    assert set(data["channels"]["teams"]) == set(TeamsChannelsConfig.model_fields)


def test_duplicate_team_names_are_refused() -> None:
    problems = _problems(
        {"teams": [{"name": "A", "manager": "U0MA"}, {"name": "A", "manager": "U0MB"}]}
    )
    assert len(problems) == 1
    assert "unique" in problems[0] and "A" in problems[0]


def test_duplicate_team_names_are_named_by_teams_key() -> None:
    (problem,) = _problems(
        {"teams": [{"name": "A", "manager": "U0MA"}, {"name": "A", "manager": "U0MB"}]}
    )
    assert problem.startswith("teams")


def test_unknown_holiday_country_is_a_config_problem() -> None:
    assert _keys(_problems({"calendar": {"holidays": "ZZ"}})) == ["calendar.holidays"]


def test_holiday_country_may_be_empty() -> None:
    assert parse_config({"calendar": {"holidays": ""}}).calendar.holidays == ""


# --- environment ---

ENV_DEFAULTS = {
    "SLACK_BOT_TOKEN": "",
    "SLACK_SIGNING_SECRET": "",
    "SLACK_APP_TOKEN": "",
    "SLACK_API_URL": "https://slack.com/api/",
    "DATABASE_URL": "sqlite+aiosqlite:///charterbot.db",
    "CHARTERBOT_CONFIG": "",
    "HOST": "0.0.0.0",
    "PORT": 3000,
}


def test_env_settings_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env file can leak in
    for name in ENV_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    env = EnvSettings()
    assert {name: getattr(env, name) for name in ENV_DEFAULTS} == ENV_DEFAULTS


def test_env_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db/charter")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api/")
    env = EnvSettings()
    assert env.DATABASE_URL == "postgresql+asyncpg://u:p@db/charter"
    assert env.PORT == 8080
    assert env.HOST == "127.0.0.1"
    assert env.SLACK_API_URL == "http://127.0.0.1:9999/api/"


# --- who is staff and who may be an assignee: (user, staff?, assignable?) ---

ROLE_CONFIG = {
    "teams": [
        {"name": "A", "manager": "U0MGR", "members": ["U0STAFF", "U0BOTH"]},
        {"name": "B", "manager": "U0MGR2", "members": ["U0STAFF"]},
    ],
    "roles": {"admins": ["U0ADMIN", "U0BOTH"], "receptionists": ["U0DESK"]},
}


@pytest.mark.parametrize(
    ("user", "staff", "assignable"),
    [
        ("U0STAFF", True, True),  # team member
        ("U0MGR", True, True),  # team manager
        ("U0MGR2", True, True),
        ("U0BOTH", True, True),  # admin who is also in a team
        ("U0ADMIN", True, False),  # admin only: runs the bot, is not assigned work
        ("U0DESK", True, False),  # receptionist: staff for reception work only
        ("U0CUSTOMER", False, False),  # anyone else is a customer
    ],
)
def test_staff_and_assignable(user: str, staff: bool, assignable: bool) -> None:
    config = parse_config(ROLE_CONFIG)
    assert (user in config.staff, user in config.assignable) == (staff, assignable)


def test_assignable_in_config_order_without_duplicates() -> None:
    config = parse_config(ROLE_CONFIG)
    assert config.assignable_in_order() == ["U0STAFF", "U0BOTH", "U0MGR", "U0MGR2"]


# --- [[people]]: a person named once, with their id on each platform ---

MINJI = {"name": "Kim Minji", "slack": "U0MINJI", "teams": "29:1minjiTeamsId", "lang": "ko"}
JIHOON = {
    "name": "Park Jihoon",
    "teams": "8d3f2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
    "email": "jihoon@example.com",
}
PEOPLE_CONFIG = {
    "people": [MINJI, JIHOON],
    "teams": [
        {"name": "A", "manager": "Park Jihoon", "members": ["Kim Minji", "U0PLAIN"]},
        {"name": "B", "manager": "U0MGRB", "members": []},
    ],
    "roles": {"admins": ["Park Jihoon"], "receptionists": ["U0DESK"]},
}
TEAMS_ID = "29:1minjiTeamsId"
GUID = "8d3f2a1b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"


def test_names_resolve_to_each_persons_primary_id() -> None:
    config = parse_config(PEOPLE_CONFIG)
    team = config.teams[0]
    assert team.members == ["U0MINJI", "U0PLAIN"]  # Slack's id when the person has one
    assert team.manager == GUID  # a Teams-only person keeps their Teams id
    assert config.roles.admins == [GUID]
    assert config.person_of(TEAMS_ID) == config.person_of("U0MINJI")
    assert config.person_of("U0PLAIN") is None


@pytest.mark.parametrize(
    ("user", "staff", "assignable", "team"),
    [
        ("U0MINJI", True, True, "A"),
        (TEAMS_ID, True, True, "A"),  # the same person on Teams
        (GUID, True, True, "A"),  # a manager known only on Teams
        ("U0PLAIN", True, True, "A"),  # plain Slack ids work as before
        ("U0MGRB", True, True, "B"),
        ("U0DESK", True, False, None),
        ("29:1someoneElse", False, False, None),
        ("U0CUSTOMER", False, False, None),
    ],
)
def test_a_person_is_the_same_on_either_platform(
    user: str, staff: bool, assignable: bool, team: str | None
) -> None:
    config = parse_config(PEOPLE_CONFIG)
    assert (user in config.staff, user in config.assignable) == (staff, assignable)
    found = config.team_of(user)
    assert (found.name if found else None) == team


def test_manager_and_role_checks_accept_either_id() -> None:
    config = parse_config(PEOPLE_CONFIG)
    assert [t.name for t in config.teams_managed_by(GUID)] == ["A"]
    assert config.teams_managed_by("U0MINJI") == []
    assert config.is_admin(GUID) and not config.is_admin("U0MINJI")
    assert config.is_receptionist("U0DESK")
    assert config.same_person("U0MINJI", TEAMS_ID) and config.same_person(TEAMS_ID, "U0MINJI")
    assert not config.same_person("U0MINJI", "U0PLAIN")


def test_ids_per_platform() -> None:
    config = parse_config(PEOPLE_CONFIG)
    assert config.id_on("U0MINJI", "teams") == TEAMS_ID
    assert config.id_on(TEAMS_ID, "slack") == "U0MINJI"
    assert config.id_on(GUID, "slack") == ""
    assert config.id_on("U0PLAIN", "slack") == "U0PLAIN"
    assert config.id_on("U0PLAIN", "teams") == ""
    assert config.ids_of("U0MINJI") == ("U0MINJI", TEAMS_ID)
    assert config.ids_of("U0PLAIN") == ("U0PLAIN",)
    assert (config.lang_of(TEAMS_ID), config.lang_of(GUID), config.lang_of("U0PLAIN")) == (
        "ko",
        None,
        None,
    )
    # the Slack picker lists Slack ids only; Teams lists Teams ids only
    assert config.assignable_in_order() == ["U0MINJI", "U0PLAIN", "U0MGRB"]
    assert config.assignable_in_order("teams") == [TEAMS_ID, GUID]


def test_plain_slack_ids_work_exactly_as_before() -> None:
    without = parse_config(ROLE_CONFIG)
    with_people = parse_config({**ROLE_CONFIG, "people": [MINJI]})
    assert with_people.teams == without.teams
    assert with_people.staff == without.staff
    assert with_people.assignable_in_order() == without.assignable_in_order()


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        pytest.param(
            {"people": [MINJI], "teams": [{"name": "A", "manager": "U0M", "members": ["Minji"]}]},
            "teams.0.members",
            "'Minji'",
            id="unknown-person-in-team",
        ),
        pytest.param(
            {"teams": [{"name": "A", "manager": "Park Jihoon"}]},
            "teams.0.manager",
            "'Park Jihoon'",
            id="unknown-manager-without-people",
        ),
        pytest.param(
            {"people": [MINJI], "roles": {"admins": ["Kim  Minji"]}},
            "roles.admins",
            "[[people]]",
            id="unknown-person-in-roles",
        ),
        pytest.param(
            {"people": [MINJI, {**JIHOON, "name": "Kim Minji"}]},
            "people",
            "names must be unique: Kim Minji",
            id="duplicate-names",
        ),
        pytest.param(
            {"people": [MINJI, {"name": "Other", "slack": "U0MINJI"}]},
            "people",
            "slack ids must be unique: U0MINJI",
            id="duplicate-slack-ids",
        ),
        pytest.param(
            {"people": [MINJI, {"name": "Other", "teams": TEAMS_ID}]},
            "people",
            "teams ids must be unique",
            id="duplicate-teams-ids",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "teams": "U0MINJI"}]},
            "people.0.teams",
            "'U0MINJI' is a Slack user id",
            id="slack-id-in-teams-field",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "teams": "minji@example.com"}]},
            "people.0.teams",
            "not a Teams user id",
            id="bad-teams-id",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "slack": TEAMS_ID}]},
            "people.0.slack",
            "not a Slack user id",
            id="teams-id-in-slack-field",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "email": "minji@example.com"}]},
            "people.0",
            "needs a `slack` or a `teams` user id",
            id="person-without-ids",
        ),
        pytest.param(
            {"people": [{"name": "U0MINJI", "slack": "U0MINJI"}]},
            "people.0.name",
            "looks like a user id",
            id="name-like-an-id",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "slack": "U0MINJI", "lang": "fr"}]},
            "people.0.lang",
            "",
            id="bad-lang",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "slack": "U0MINJI", "email": "nope"}]},
            "people.0.email",
            "nope",
            id="bad-email",
        ),
        pytest.param(
            {"people": [{"name": "Kim Minji", "slack": "U0MINJI", "phone": "010"}]},
            "people.0.phone",
            "unknown key",
            id="unknown-person-key",
        ),
        pytest.param(
            {"channels": {"teams": {"triage": "C0TRIAGE"}}},
            "channels.teams.triage",
            "not a Teams conversation id",
            id="slack-channel-in-teams",
        ),
        pytest.param(
            {"channels": {"teams": {"intake": ["19:ok@thread.tacv2", "19:bad"]}}},
            "channels.teams.intake",
            "'19:bad'",
            id="bad-teams-channel-in-list",
        ),
        pytest.param(
            {"channels": {"teams": {"digest": "19:ok@thread.tacv2"}}},
            "channels.teams.digest",
            "unknown key",
            id="unknown-teams-channel-key",
        ),
        pytest.param(
            {"channels": {"triage": "19:ok@thread.tacv2"}},
            "channels.triage",
            "not a Slack channel id",
            id="teams-channel-in-slack",
        ),
    ],
)
def test_bad_people_and_teams_channels(data: dict[str, Any], key: str, words: str) -> None:
    problems = _problems(data)
    assert _keys(problems) == [key], problems
    assert words in problems[0].split(": ", 1)[1]


@pytest.mark.parametrize(
    "conversation",
    [
        "19:a1b2c3d4e5f6@thread.tacv2",
        "19:d8f7c6b5a4@thread.skype",
        "19:meeting_NjM5ZDk4@thread.v2",
        "19:-Ab_c.d=@thread.tacv2",
    ],
)
def test_teams_channels_per_role(conversation: str) -> None:
    config = parse_config(
        {
            "channels": {
                "triage": "C0TRIAGE",
                "teams": {"triage": conversation, "intake": [conversation]},
            }
        }
    )
    slack, teams = config.channels_for("slack"), config.channels_for("teams")
    assert (slack.triage, slack.intake) == ("C0TRIAGE", [])
    assert (teams.triage, teams.intake, teams.reports) == (conversation, [conversation], "")


def test_teams_channels_default_to_nothing() -> None:
    teams = CharterConfig().channels_for("teams")
    assert (teams.triage, teams.intake, teams.reception, teams.notices, teams.reports) == (
        "",
        [],
        "",
        [],
        "",
    )
