"""`[visitors]`, `[[rooms]]` and `[sla] fieldvisit_report`: validated by check-config and all
documented in the example file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, RoomConfig, VisitorsConfig, parse_config

EXAMPLE = Path(__file__).resolve().parents[1] / "charterbot.example.toml"


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    return err.value.problems


@pytest.mark.parametrize(
    ("data", "start"),
    [
        ({"visitors": {"host_grace": "5bm"}}, "visitors.host_grace: '5bm' must be wall clock"),
        ({"visitors": {"before": "0m"}}, "visitors.before: bad duration '0m'"),
        ({"visitors": {"default_length": "soon"}}, "visitors.default_length:"),
        ({"visitors": {"reminder_time": "5pm"}}, "visitors.reminder_time: '5pm' is not a time"),
        ({"visitors": {"end_of_day": "24:00"}}, "visitors.end_of_day: '24:00' is not a time"),
        ({"visitors": {"retention_days": 0}}, "visitors.retention_days:"),
        ({"visitors": {"colour": "red"}}, "visitors.colour: unknown key"),
        ({"rooms": [{"capacity": 3}]}, "rooms.0.name: required key is missing"),
        ({"rooms": [{"name": "A", "capacity": 0}]}, "rooms.0.capacity:"),
        ({"rooms": [{"name": "A", "slack_channel": "reception"}]}, "rooms.0.slack_channel:"),
        ({"rooms": [{"name": "A", "teams_channel": "C0ABC"}]}, "rooms.0.teams_channel:"),
        ({"rooms": [{"name": "A"}, {"name": "A"}]}, "rooms: room names must be unique: A"),
        ({"sla": {"fieldvisit_report": "tomorrow"}}, "sla.fieldvisit_report:"),
    ],
)
def test_bad_visit_config_is_named_by_its_key(data: dict[str, Any], start: str) -> None:
    problems = _problems(data)
    assert len(problems) == 1 and problems[0].startswith(start), problems


def test_defaults_and_room_lookup() -> None:
    config = parse_config({"rooms": [{"name": "접견실 1", "capacity": 6, "floor": "3F"}]})
    assert config.visitors == VisitorsConfig()
    assert (config.visitors.host_grace, config.visitors.retention_days) == ("5m", 90)
    assert config.sla.fieldvisit_report == "1bd"
    room = config.room_named("접견실1")
    assert room is not None and room.name == "접견실 1" and room.capacity == 6
    assert config.room_named("접견실 9") is None


def test_example_file_sets_every_visit_key() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(data["visitors"]) == set(VisitorsConfig.model_fields)
    assert set(data["rooms"][0]) == set(RoomConfig.model_fields)
    assert "fieldvisit_report" in data["sla"]
