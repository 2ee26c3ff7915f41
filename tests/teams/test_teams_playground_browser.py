"""Microsoft's own Teams client emulator, the Agents Playground, against the running bot.

The bot runs as `charterbot serve` in anonymous Teams mode (no Slack), the Playground
(npm @microsoft/m365agentsplayground, installed by `make install-dev` into tools/playground)
is pointed at it, and Chromium drives the Playground page: install (the Playground sends
installationUpdate / conversationUpdate), type `help`, see the bot's answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox.sandbox_process import free_port
from support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PLAYGROUND = ROOT / "tools/playground/node_modules/.bin/agentsplayground"
pytestmark = pytest.mark.browser


def _need() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    elif not PLAYGROUND.exists():
        reason = "the Agents Playground is not installed (make playground; needs npm)"
    if reason:
        if os.environ.get("CHARTERBOT_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {reason}")
        pytest.skip(f"browser test skipped: {reason}")


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[str]:
    _need()
    bot_port, pg_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "TEAMS_")) and k not in ("DATABASE_URL", "CHARTERBOT_CONFIG")
    }
    env.update(
        TEAMS_ALLOW_ANONYMOUS="1",
        HOST="127.0.0.1",
        PORT=str(bot_port),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/teams.db",
        PYTHONPATH=str(ROOT),
    )
    bot_log = open(tmp_path / "bot.log", "w")  # noqa: SIM115 - closed below
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tmp_path,
        env=env,
        stdout=bot_log,
        stderr=bot_log,
    )
    pg_log = open(tmp_path / "playground.log", "w")  # noqa: SIM115
    pg = subprocess.Popen(
        [
            str(PLAYGROUND),
            "-e",
            f"http://127.0.0.1:{bot_port}/api/messages",
            "-c",
            "msteams",
            "-p",
            str(pg_port),
            "--disable-telemetry",
        ],
        cwd=tmp_path,
        env={**env, "BROWSER": "none"},
        stdout=pg_log,
        stderr=pg_log,
    )
    try:
        wait_until(lambda: _up(f"http://127.0.0.1:{bot_port}/healthz"), timeout=60)
        wait_until(lambda: _up(f"http://127.0.0.1:{pg_port}/"), timeout=60)
        yield f"http://127.0.0.1:{pg_port}/"
    finally:
        for proc in (pg, bot):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        bot_log.close()
        pg_log.close()
        print("\n--- bot log (tail) ---\n" + (tmp_path / "bot.log").read_text()[-3000:])


def test_help_in_the_agents_playground(playground: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(playground)
            box = page.get_by_role("textbox").first
            box.wait_for(timeout=30_000)
            box.click()
            page.keyboard.type("help")
            page.keyboard.press("Enter")
            # the bot's answer: the Teams command list, rendered by Microsoft's client
            page.get_by_text("inquiry list [mine|team|open|overdue|all]").first.wait_for(
                timeout=30_000
            )
            assert page.get_by_text("charterbot commands (Teams)").count() >= 1
        finally:
            browser.close()
