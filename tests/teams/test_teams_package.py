"""The Teams app package: manifest fields Teams requires, the icons' sizes and colours, the
zip `charterbot teams-package` writes (ids filled in), and every listed command answered."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from support.polling import eventually

from bot.cli import TEAMS_DIR, main
from teams.support import message, start_teams_bot

APP_ID = "12345678-1234-4234-8234-123456789abc"


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((TEAMS_DIR / "manifest.json").read_text(encoding="utf-8"))
    return data


def test_manifest_has_what_teams_requires() -> None:
    m = _manifest()
    assert m["manifestVersion"] == "1.22"
    assert m["$schema"].endswith("/v1.22/MicrosoftTeams.schema.json")
    for key in ("version", "id", "developer", "name", "description", "icons", "accentColor"):
        assert m[key], key
    for key in ("name", "websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert m["developer"][key], key
    assert len(m["name"]["short"]) <= 30 and len(m["name"]["full"]) <= 100
    assert len(m["description"]["short"]) <= 80 and len(m["description"]["full"]) <= 4000
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", m["accentColor"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", m["version"])
    (bot,) = m["bots"]
    assert bot["botId"] == m["id"] == "{{TEAMS_APP_ID}}"
    assert set(bot["scopes"]) <= {"personal", "team", "groupChat"}
    for command_list in bot["commandLists"]:
        assert len(command_list["commands"]) <= 10
        for command in command_list["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    assert m["validDomains"] == ["{{BOT_DOMAIN}}"]


def test_icons_are_the_sizes_teams_asks_for() -> None:
    color = Image.open(TEAMS_DIR / "color.png")
    outline = Image.open(TEAMS_DIR / "outline.png").convert("RGBA")
    assert color.size == (192, 192) and outline.size == (32, 32)
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    # white on transparent: every visible pixel is white, and the background is see-through
    assert all(p[:3] == (255, 255, 255) for p in pixels if p[3] > 0)  # type: ignore[index]
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)


def test_teams_package_writes_the_zip_with_ids_filled(tmp_path: Path) -> None:
    out = tmp_path / "app.zip"
    code = main(
        ["teams-package", "--app-id", APP_ID, "--domain", "Bot.Example.com", "--out", str(out)]
    )
    assert code == 0
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        text = zf.read("manifest.json").decode("utf-8")
        assert Image.open(io.BytesIO(zf.read("color.png"))).size == (192, 192)
    assert "{{" not in text
    m = json.loads(text)
    assert m["id"] == m["bots"][0]["botId"] == APP_ID
    assert m["validDomains"] == ["bot.example.com"]
    assert m["developer"]["websiteUrl"] == "https://bot.example.com/"


@pytest.mark.parametrize(
    "args",
    [
        ["--app-id", "not-a-guid", "--domain", "bot.example.com"],
        ["--app-id", APP_ID, "--domain", "https://bot.example.com/"],
        ["--app-id", APP_ID, "--domain", "bot example"],
    ],
)
def test_teams_package_refuses_bad_ids(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "app.zip"
    assert main(["teams-package", *args, "--out", str(out)]) == 2
    assert not out.exists()


async def test_every_listed_command_gets_an_answer(db_url: str) -> None:
    commands = [c["title"] for c in _manifest()["bots"][0]["commandLists"][0]["commands"]]
    bot, stop = await start_teams_bot(db_url, anonymous=True)
    try:
        for n, title in enumerate(commands):
            status, _ = await bot.post(message(title, service_url=bot.service_url, locale="en-US"))
            assert status in (200, 202), title
            await eventually(lambda n=n: len(bot.connector.calls) == n + 1)
        # text, or an Adaptive Card (a list, an inquiry)
        assert all(c.body.get("text") or c.body.get("attachments") for c in bot.connector.calls)
    finally:
        await stop()
