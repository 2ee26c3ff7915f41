"""Microsoft's own Teams client emulator, the Agents Playground, against the running bot.

The bot runs as `charterbot serve` in anonymous Teams mode (no Slack), the Playground
(npm @microsoft/m365agentsplayground, installed by `make install-dev` into tools/playground)
is pointed at it, and Chromium drives the Playground page: install (the Playground sends
installationUpdate / conversationUpdate), type `help`, see the bot's answer; open an inquiry,
show its card, press its buttons and see the card change in place.

The Playground's user is made a Teams-shaped one (`29:…`, its own config file
`.m365agentsplayground.yml`) whom the bot's config (`CHARTERBOT_CONFIG`) names a team member:
the Playground's built-in user id (`user-id-0`) is no Teams user id, so the bot would treat
them as an unknown customer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


PLAYGROUND_USER = "29:playground-alex"
# the Playground wants at least five other people in its tenant
OTHERS = ["Megan Bowen", "Adele Vance", "Isaiah Langer", "Patti Fernandez", "Lynne Robbins"]


def _users() -> str:
    return "".join(
        f"""  - id: "29:playground-{name.split()[0].lower()}"
    name: {name}
    userPrincipleName: {name.split()[0].lower()}@example.com
    aadObjectId: 00000000-0000-4000-8000-0000000000{21 + i}
    givenName: {name.split()[0]}
    surname: {name.split()[1]}
    email: {name.split()[0].lower()}@example.com
"""
        for i, name in enumerate(OTHERS)
    )


PLAYGROUND_CONFIG = f"""\
version: "0.1.1"
tenantId: 00000000-0000-4000-8000-000000000001
bot:
  id: 00000000-0000-4000-8000-000000000011
  name: charterbot
currentUser:
  id: "{PLAYGROUND_USER}"
  name: Alex Wilber
  userPrincipleName: alexw@example.com
  aadObjectId: 00000000-0000-4000-8000-000000000020
  givenName: Alex
  surname: Wilber
  email: alexw@example.com
users:
{_users()}personalChat:
  id: __PERSONAL_CHAT_ID__
groupChat:
  id: __GROUP_CHAT_ID__
  name: Group Chat
team:
  id: team-id
  name: My Team
  aadGroupId: 00000000-0000-4000-8000-000000000031
  channels:
    - id: channel-announcements-id
      name: Announcements
"""
BOT_CONFIG = f"""\
language = "en"

[[teams]]
name = "Support"
manager = "29:playground-megan"
members = ["{PLAYGROUND_USER}"]
"""


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
    (tmp_path / ".m365agentsplayground.yml").write_text(PLAYGROUND_CONFIG)
    (tmp_path / "charterbot.toml").write_text(BOT_CONFIG)
    env.update(
        CHARTERBOT_CONFIG=str(tmp_path / "charterbot.toml"),
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
        print("--- playground log (tail) ---\n" + (tmp_path / "playground.log").read_text()[-1500:])


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


def _send(page: Any, text: str) -> None:
    box = page.get_by_role("textbox").first
    box.wait_for(timeout=30_000)
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_an_inquiry_card_acted_on_in_the_agents_playground(playground: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(playground)
            _send(page, "inquiry new support 로그인 안됨")
            # the answer names the new inquiry's number
            page.get_by_text("#1 opened: 로그인 안됨").first.wait_for(timeout=30_000)
            _send(page, "inquiry show 1")
            # the inquiry's Adaptive Card, with its number, and the viewer's buttons
            page.get_by_text("#1 로그인 안됨").first.wait_for(timeout=30_000)
            assign = page.get_by_role("button", name="Assign to me")
            assign.first.wait_for(timeout=30_000)
            assign.first.click()
            # Universal Actions: the invoke's answer replaces the card in place, assigned
            page.get_by_text("Alex Wilber").first.wait_for(timeout=30_000)
            page.wait_for_function(
                "() => ![...document.querySelectorAll('button')]"
                ".some(b => b.textContent.trim() === 'Assign to me')",
                timeout=30_000,
            )
            # a button that needs input answers with its form, in place of the card
            page.get_by_role("button", name="Add progress").first.click()
            submit = page.get_by_role("button", name="Submit")
            submit.first.wait_for(timeout=30_000)
            page.locator("textarea").last.fill("checked the login logs")
            submit.first.click()
            # submitted: the card is back, with the latest progress note on it
            page.get_by_text("checked the login logs").first.wait_for(timeout=30_000)
            page.get_by_role("button", name="Add progress").first.wait_for(timeout=30_000)
        finally:
            browser.close()
