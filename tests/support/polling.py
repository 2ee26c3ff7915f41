"""Polling until a condition holds: `eventually` (async) and `wait_until` (blocking)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any


def _tries(check: Callable[[], Any], timeout: float) -> Iterator[Any]:
    """Yield check()'s results; raise AssertionError once one is falsy after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if not result and time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        yield result


async def eventually(check: Callable[[], Any], timeout: float = 5.0, interval: float = 0.02) -> Any:
    """Poll check() until it returns something truthy; fail after timeout seconds."""
    for result in _tries(check, timeout):
        if result:
            return result
        await asyncio.sleep(interval)


def wait_until(check: Callable[[], Any], timeout: float = 8.0, interval: float = 0.05) -> Any:
    """Like `eventually`, for blocking code: sleeps the thread between tries."""
    for result in _tries(check, timeout):
        if result:
            return result
        time.sleep(interval)
