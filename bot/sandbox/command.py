"""`charterbot sandbox`: the bot against an embedded Slack-like workspace (issue 4)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_sandbox_parser(sub: Any) -> None:
    """Register the `sandbox` subcommand."""
    sandbox = sub.add_parser("sandbox", help="run the bot against a local Slack-like workspace")
    sandbox.add_argument("--port", type=int, default=3000)
    sandbox.add_argument("--reset", action="store_true", help="start from a clean sandbox.db")
    sandbox.set_defaults(func=cmd_sandbox)


def cmd_sandbox(_args: argparse.Namespace, _env: object) -> int:
    """Not built yet."""
    print("charterbot sandbox is not built yet; see README.md", file=sys.stderr)
    return 2
