"""Host alerts ask the absence hook (bot.services.people.absence_of, filled in by issue 13):
an absent host's alerts go to their delegate, else their team's manager."""

from __future__ import annotations

from datetime import datetime

import pytest
from e2e.world import START, TEST_CONFIG

from bot.config import parse_config
from bot.services.people import Absence
from bot.services.visits import common


class _Deps:
    """The two things host_recipients reads: the config and the clock."""

    def __init__(self) -> None:
        self.config = parse_config(TEST_CONFIG)

        class _Clock:
            def now(self) -> datetime:
                return START

        self.clock = _Clock()


@pytest.mark.parametrize(
    ("absence", "expected"),
    [
        (None, ["USTAFF1"]),
        (Absence("USTAFF1", START, delegate="USTAFF2"), ["USTAFF2"]),
        (Absence("USTAFF1", START), ["UMANAGER"]),
    ],
)
async def test_host_alerts_follow_the_absence_hook(
    monkeypatch: pytest.MonkeyPatch, absence: Absence | None, expected: list[str]
) -> None:
    async def absence_of(session: object, user_id: str, *, at: datetime) -> Absence | None:
        assert user_id == "USTAFF1" and at == START
        return absence

    # the hook is a stub until issue 13 records absences: stand in for its answer
    monkeypatch.setattr(common, "absence_of", absence_of)
    assert await common.host_recipients(None, _Deps(), "USTAFF1") == expected  # type: ignore[arg-type]
