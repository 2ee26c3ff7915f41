"""Logging for serve, worker and sandbox: one record is one line, whatever users type.

Messages and their arguments carry user data (titles, ids, Slack bodies). The formatter
escapes control characters in the whole first line, so a newline in a forged value cannot
write a fake `ERROR` line; tracebacks and stack dumps follow on continuation lines that all
start with `  | `, so no user text ever begins a line.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CONTINUATION = "  | "
# C0 and C1 controls, DEL, line/paragraph separators and the bidi controls that reorder text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Bolt logs the whole body of a request that fails its signature check (at INFO). Our route
# refuses such requests before Bolt sees them, but the filter keeps it so if that changes.
_QUIET_LOGGERS = ("slack_bolt.RequestVerification", "slack_bolt.AsyncRequestVerification")


def escape(text: str) -> str:
    """Replace characters that could split or reorder a log line with visible escapes."""
    return _UNSAFE.sub(lambda m: _NAMED.get(m[0]) or f"\\u{ord(m[0]):04x}", text)


class OneLineFormatter(logging.Formatter):
    """Format a record as one escaped line plus `  | `-prefixed traceback lines."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as text that user data cannot split."""
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        head = escape(self.formatMessage(record))
        tails: list[str] = []
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            tails.append(record.exc_text)
        if record.stack_info:
            tails.append(self.formatStack(record.stack_info))
        lines = [head]
        for tail in tails:
            lines.extend(CONTINUATION + escape(line) for line in tail.splitlines())
        return "\n".join(lines)


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


def quiet_slack_loggers() -> None:
    """Drop what Bolt's request verification logs (it would log unverified bodies)."""
    for name in _QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropAll) for f in logger.filters):
            logger.addFilter(_DropAll())


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Send every log record to stderr (or stream) as one safe line.

    Like `logging.basicConfig`, leaves a root logger that already has handlers alone (pytest's
    capture, an embedding application), unless a stream is given.
    """
    quiet_slack_loggers()
    root = logging.getLogger()
    if root.handlers and stream is None:
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(OneLineFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
