"""Small asyncio helpers."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel task and wait for it to end, without swallowing a cancellation of the caller.

    `with suppress(CancelledError): await task` also eats the CancelledError meant for the
    awaiting task when it is cancelled during that await, so a stop request can be lost and the
    caller runs on (seen as a sender that never stopped).
    """
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
