"""Run only the outbox sender of a real runtime, as its own process (crash-safety tests).

Environment: DATABASE_URL, SLACK_API_URL, SLACK_BOT_TOKEN as for `charterbot worker`, plus
OUTBOX_LEASE, OUTBOX_INTERVAL and OUTBOX_BACKOFF (seconds) for the sender's tunables.
The database must already be migrated. Prints "ready" once the sender loop starts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.app import build_runtime
from bot.config import EnvSettings, parse_config
from bot.delivery.engine import DeliverySettings


async def main() -> None:
    runtime = build_runtime(EnvSettings(), parse_config({}))
    runtime.sender.settings = DeliverySettings(
        lease=float(os.environ.get("OUTBOX_LEASE", "1")),
        channel_interval=float(os.environ.get("OUTBOX_INTERVAL", "1")),
        backoff_base=float(os.environ.get("OUTBOX_BACKOFF", "0.2")),
        idle=0.1,
    )
    print("ready", flush=True)
    await runtime.sender.run_forever()


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(main())
