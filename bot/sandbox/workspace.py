"""The demo workspace (people, channels) and its persistence next to sandbox.db."""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.sandbox.fake_slack import FakeSlack

log = logging.getLogger("charterbot.sandbox")
HERE = Path(__file__).resolve().parent
SEED_CONFIG = HERE / "seed.toml"
WORKSPACE = HERE / "workspace.toml"
STATE_VERSION = 1
# The sandbox's own voice in the workspace (the welcome note): a user that is neither a
# persona nor the bot, so the page's text is never mistaken for the bot's.
GUIDE_ID = "U0GUIDE"


@dataclass(frozen=True)
class Persona:
    """A person of the demo workspace."""

    id: str
    name: str
    real_name: str
    title: str
    locale: str
    external: bool = False

    def as_json(self) -> dict[str, Any]:
        """The persona for the page."""
        return {
            "id": self.id,
            "name": self.name,
            "real_name": self.real_name,
            "title": self.title,
            "locale": self.locale,
            "external": self.external,
        }


@dataclass(frozen=True)
class Channel:
    """A public channel of the demo workspace."""

    id: str
    name: str
    topic: str = ""


@dataclass(frozen=True)
class Workspace:
    """People and channels of the sandbox (from workspace.toml)."""

    team: str
    people: list[Persona] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)

    def person(self, key: str) -> Persona | None:
        """A persona by id or handle (case-insensitive)."""
        key = key.strip().lstrip("@").lower()
        return next((p for p in self.people if key in (p.id.lower(), p.name.lower())), None)

    def channel(self, key: str) -> Channel | None:
        """A channel by id or name (with or without '#')."""
        key = key.strip().lstrip("#").lower()
        return next((c for c in self.channels if key in (c.id.lower(), c.name.lower())), None)


def load_workspace(path: Path = WORKSPACE) -> Workspace:
    """Read workspace.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    people = [
        Persona(
            id=p["id"],
            name=p["name"],
            real_name=p.get("real_name", p["name"]),
            title=p.get("title", ""),
            locale=p.get("locale", "en-US"),
            external=bool(p.get("external", False)),
        )
        for p in data.get("people", [])
    ]
    channels = [
        Channel(id=c["id"], name=c["name"], topic=c.get("topic", ""))
        for c in data.get("channels", [])
    ]
    return Workspace(team=data.get("team", "Sandbox"), people=people, channels=channels)


def populate(fake: FakeSlack, workspace: Workspace) -> None:
    """Create the workspace's users and channels in the fake."""
    for p in workspace.people:
        fake.add_user(p.id, p.name, locale=p.locale)
        fake.users[p.id]["real_name"] = p.real_name
    for c in workspace.channels:
        fake.add_channel(c.id, c.name)
    fake.users[fake.bot_user_id]["real_name"] = "charterbot"
    fake.add_user(GUIDE_ID, "sandbox", is_bot=True)
    fake.users[GUIDE_ID]["real_name"] = "Sandbox guide · 샌드박스 안내"


# ------------------------------------------------------------------ persistence

_SQLITE_PATH = re.compile(r"^sqlite(\+\w+)?:///(?P<path>.+)$")


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases or in-memory)."""
    m = _SQLITE_PATH.match(database_url)
    if not m or m.group("path") in (":memory:", ""):
        return None
    return Path(m.group("path"))


def reset_files(db_file: Path, state_file: Path) -> list[Path]:
    """Delete the sandbox database (with its WAL files) and workspace state; return what went."""
    gone = []
    for p in (
        db_file,
        Path(f"{db_file}-wal"),
        Path(f"{db_file}-shm"),
        Path(f"{db_file}-journal"),
        state_file,
    ):
        if p.exists():
            p.unlink()
            gone.append(p)
    return gone


@dataclass
class SavedState:
    """What the sandbox keeps between runs besides the bot's database."""

    fake: dict[str, Any]
    clock_offset: timedelta  # sandbox time minus real time when saved


def load_state(path: Path) -> SavedState | None:
    """Read the saved workspace, or None when absent or unreadable (then the sandbox starts
    with an empty workspace and says so in the log)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        log.warning("ignoring %s: unknown format", path)
        return None
    return SavedState(
        fake=data.get("fake") or {},
        clock_offset=timedelta(seconds=float(data.get("clock_offset") or 0)),
    )


def save_state(path: Path, fake: FakeSlack, sandbox_now: datetime) -> None:
    """Write the workspace atomically (a crash leaves the old file, never half a file)."""
    offset = (sandbox_now - datetime.now(UTC)).total_seconds()
    data = {"version": STATE_VERSION, "clock_offset": offset, "fake": fake.snapshot()}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
