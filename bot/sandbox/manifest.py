"""Read the slash commands and message shortcuts of `manifest.yml` for the composer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _items(lines: list[str], section: str) -> list[dict[str, str]]:
    """The `- key: value` mappings listed under `section:` (a tiny YAML subset).

    PyYAML is a development dependency only, and the manifest's lists are flat mappings.
    """
    out: list[dict[str, str]] = []
    inside, indent = False, 0
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lead = len(line) - len(line.lstrip())
        if stripped == f"{section}:":
            inside, indent = True, lead
            continue
        if not inside:
            continue
        if lead <= indent and not stripped.startswith("- "):
            break
        if stripped.startswith("- "):
            out.append({})
            stripped = stripped[2:]
        if ":" in stripped and out:
            key, _, value = stripped.partition(":")
            out[-1][key.strip()] = _scalar(value)
    return out


def read_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    """Commands (command, description, usage_hint, should_escape) and message shortcuts.

    Falls back to the ids in bot/adapters/slack/ids.py when the file is not there (an installed wheel).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        from bot.adapters.slack.ids import Command, Shortcut

        return {
            "commands": [
                {"command": c.value, "description": "", "usage_hint": "", "should_escape": True}
                for c in Command
            ],
            "shortcuts": [
                {"name": s.value, "type": "message", "callback_id": s.value} for s in Shortcut
            ],
        }
    commands = [
        {
            "command": c.get("command", ""),
            "description": c.get("description", ""),
            "usage_hint": c.get("usage_hint", ""),
            "should_escape": c.get("should_escape", "false").lower() == "true",
        }
        for c in _items(lines, "slash_commands")
        if c.get("command")
    ]
    shortcuts = [
        {
            "name": s.get("name", ""),
            "type": s.get("type", ""),
            "callback_id": s.get("callback_id", ""),
        }
        for s in _items(lines, "shortcuts")
        if s.get("callback_id")
    ]
    return {"commands": commands, "shortcuts": shortcuts}
