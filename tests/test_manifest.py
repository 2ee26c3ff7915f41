"""manifest.yml is a valid Slack app manifest listing exactly the ids in bot/adapters/slack/ids.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.adapters.slack.ids import Command, Event, Shortcut

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "manifest.yml"
# Slack's manifest schema, vendored from slackapi/manifest-schema 1.0.0.
SCHEMA = ROOT / "tests" / "data" / "slack" / "manifest.schema.json"
REQUEST_PATH = "/slack/events"

# Slack splits the `message` event into one subscription per conversation type.
MESSAGE_SUBSCRIPTIONS = {"message.channels", "message.groups", "message.im", "message.mpim"}


def _schema_path() -> Path:
    # Vendored (tests/data/slack/README.md): a missing copy fails, never skips the check.
    assert SCHEMA.is_file(), f"Slack manifest schema missing: {SCHEMA}"
    return SCHEMA


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _event_of(subscription: str) -> str:
    return "message" if subscription in MESSAGE_SUBSCRIPTIONS else subscription


def test_manifest_matches_slack_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(_schema_path().read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    errors = sorted(validator_cls(schema).iter_errors(manifest), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_validator_follows_schema_dialect() -> None:
    schema = json.loads(_schema_path().read_text(encoding="utf-8"))
    assert "draft-07" in schema["$schema"]
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft7Validator


def test_slash_commands_are_exactly_the_command_enum(manifest: dict[str, Any]) -> None:
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert len(commands) == len(set(commands))
    assert set(commands) == {c.value for c in Command}


def test_every_command_escapes_and_posts_to_slack_events(manifest: dict[str, Any]) -> None:
    for command in manifest["features"]["slash_commands"]:
        assert command["should_escape"] is True, command["command"]
        assert command["url"].endswith(REQUEST_PATH), command["command"]
        assert command["description"].strip()
        assert command["usage_hint"].strip()


def test_shortcuts_are_exactly_the_shortcut_enum(manifest: dict[str, Any]) -> None:
    shortcuts = manifest["features"]["shortcuts"]
    ids = [s["callback_id"] for s in shortcuts]
    assert len(ids) == len(set(ids))
    assert set(ids) == {s.value for s in Shortcut}
    by_id = {s["callback_id"]: s for s in shortcuts}
    assert by_id[Shortcut.INQUIRY_FROM_MESSAGE]["type"] == "message"
    assert by_id[Shortcut.INQUIRY_FROM_MESSAGE]["name"] == "Track as inquiry"


def test_bot_events_map_back_to_the_event_enum(manifest: dict[str, Any]) -> None:
    subscriptions = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "message" not in subscriptions, "Slack wants message.channels/.groups/.im, not message"
    events = {e.value for e in Event}
    for subscription in subscriptions:
        assert _event_of(subscription) in events, f"{subscription} has no Event member"
    assert {_event_of(s) for s in subscriptions} == events
    assert {"message.channels", "message.groups", "message.im"} <= set(subscriptions)


def test_request_urls_end_with_slack_events(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    if "message_menu_options_url" in settings["interactivity"]:
        urls.append(settings["interactivity"]["message_menu_options_url"])
    for url in urls:
        assert url.startswith("https://"), url
        assert url.endswith(REQUEST_PATH), url


def test_http_mode_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert settings["interactivity"]["is_enabled"] is True
    home = manifest["features"]["app_home"]
    assert home == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    assert manifest["features"]["bot_user"] == {"display_name": "charterbot", "always_online": True}


def test_bot_scopes(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes))
    assert set(scopes) == {
        "commands",
        "chat:write",
        "chat:write.public",
        "users:read",
        "users.profile:read",
        "im:write",
        "im:history",
        "reactions:read",
        "reactions:write",
        "channels:history",
        "groups:history",
        "channels:read",
        "files:write",  # the monthly report's chart, uploaded to the reports channel
    }


# Slack refuses a manifest whose bot events lack the scope that delivers them.
EVENT_SCOPES = {
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "reaction_added": "reactions:read",
    "app_home_opened": None,
}


def test_every_bot_event_has_its_scope(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    for subscription in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert subscription in EVENT_SCOPES, f"add {subscription} to EVENT_SCOPES"
        needed = EVENT_SCOPES[subscription]
        assert needed is None or needed in scopes, f"{subscription} needs scope {needed}"
    if manifest["features"].get("slash_commands"):
        assert "commands" in scopes
