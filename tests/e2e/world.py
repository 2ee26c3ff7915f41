"""The test workspace: secrets, start time, charter config, people and channels.

Shared by tests/e2e/harness.py and the benchmarks. It imports nothing heavy, so the benchmarks'
server processes (the bare Bolt app in particular) can use it without loading the bot.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.config import EnvSettings

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"
KST = ZoneInfo("Asia/Seoul")
# Tuesday 2026-12-01 10:00 in Seoul: well inside business hours.
START = datetime(2026, 12, 1, 10, 0, tzinfo=KST)

TEST_CONFIG: dict[str, Any] = {
    "language": "ko",
    "bilingual_channels": True,
    "channels": {
        "triage": "C0TRIAGE",
        "intake": ["C0INTAKE"],
        "reception": "C0RECEPTION",
        "notices": ["C0NOTICES"],
        "reports": "C0REPORTS",
    },
    "teams": [{"name": "HTS support", "manager": "UMANAGER", "members": ["USTAFF1", "USTAFF2"]}],
    "roles": {"admins": ["UADMIN"], "receptionists": ["URECEPTION"]},
}

PEOPLE = [
    ("USTAFF1", "minji", "ko-KR"),
    ("USTAFF2", "alex", "en-US"),
    ("UMANAGER", "boss", "ko-KR"),
    ("UCUST", "customer", "en-US"),
    ("UCUST2", "other customer", "ko-KR"),
    ("UADMIN", "admin", "en-US"),
    ("URECEPTION", "reception", "ko-KR"),  # staff, but in no team: never an assignee
]

CHANNELS = [
    ("C0TRIAGE", "triage"),
    ("C0INTAKE", "intake"),
    ("C0RECEPTION", "reception"),
    ("C0NOTICES", "notices"),
    ("C0REPORTS", "reports"),
    ("C0RANDOM", "random"),
]


def bot_env(api_url: str, db_url: str) -> EnvSettings:
    """The bot's settings for the test workspace: fake Slack at api_url, database db_url."""
    from bot.config import EnvSettings

    return EnvSettings(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        DATABASE_URL=db_url,
        HOST="127.0.0.1",
        PORT=0,
    )
