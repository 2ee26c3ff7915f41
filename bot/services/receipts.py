"""Act on each user action once: replays and double submits of the same action are ignored."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain.durations import parse_duration
from storage.repos.receipts import add_receipt, add_receipt_after_expiry

# Two clicks of the same button by the same person this close together are one intent.
DOUBLE_CLICK = timedelta(seconds=2)


def receipt_key(kind: str, *parts: str) -> str:
    """A fixed-length key for an action identity (request values may be of any length)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"{kind}:{digest[:64]}"


async def claim_action(
    session: AsyncSession, deps: Deps, key: str, *, window: timedelta | None = None
) -> bool:
    """Claim the action inside the caller's transaction; False when it was already taken.

    Call it before the action's first change, in the same transaction: the action and its
    receipt commit (or roll back) together. With `window`, the claim only holds that long
    (a second click after it is a new intent).
    """
    now = deps.clock.now()
    if window is not None:
        return await add_receipt_after_expiry(session, key=key, now=now, expires_at=now + window)
    keep = parse_duration(deps.config.retention.receipts).wall
    return await add_receipt(session, key=key, now=now, expires_at=now + keep)
