"""Visitor personal data is anonymised after `visitors.retention_days` (PIPA): names,
companies, phones, purposes and notes go; counts, times and statuses stay for reports."""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.visits import retention_cutoff
from storage.repos.visits import anonymise_visits

log = logging.getLogger("charterbot.visits")


async def purge_visitor_data(session: AsyncSession, deps: Deps) -> int:
    """Anonymise the visits older than the retention period; return how many (0 when run
    again: idempotent). The count is logged, never a name."""
    now = deps.clock.now()
    cutoff = retention_cutoff(now, deps.config.visitors.retention_days)
    count = await anonymise_visits(session, before=cutoff, now=now)
    if count:
        log.info("visitor data anonymised: %d visit(s) before %s", count, cutoff.date())
    return count
