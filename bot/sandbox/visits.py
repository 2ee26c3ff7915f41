"""A fresh sandbox's desk: a few visits for today, so sujin (the receptionist) can run the
whole desk at once (registered through the same use case as `/visitor register`)."""

from __future__ import annotations

from datetime import time, timedelta

from bot.deps import Deps
from bot.services.visits.desk import VisitDraft, register_visit

# (visitor, company, host, hours from now (rounded up to the half hour), room, purpose, people)
VISITS = (
    ("홍길동", "미래에셋증권", "U0MINJI", 0, "접견실 1", "API 연동 협의", 2),
    ("Jane Park", "Hanbit Securities", "U0ALEX", 1, "접견실 2", "Quarterly review", 1),
    ("김철수", "한국투자증권", "U0MINJI", 3, "", "장애 보고서 설명", 3),
)


async def seed_visits(deps: Deps) -> int:
    """Register today's demo visits (when the sandbox starts with a fresh workspace)."""
    now = deps.clock.now().astimezone(deps.tz)
    base = now.replace(minute=0, second=0, microsecond=0) + timedelta(
        minutes=30 if now.minute < 30 else 60
    )
    count = 0
    async with deps.sessions.begin() as session:
        for visitor, company, host, hours, room, purpose, people in VISITS:
            at = base + timedelta(hours=hours)
            if at.date() != now.date():
                continue  # late in the evening: only today's
            draft = VisitDraft(
                visitor=visitor,
                host=host,
                day=at.date(),
                at=time(at.hour, at.minute),
                company=company,
                room=room,
                purpose=purpose,
                headcount=people,
            )
            # registered by their hosts: a fresh sandbox starts without messages in flight
            await register_visit(session, deps, host, draft)
            count += 1
    deps.outbox.kick()
    return count
