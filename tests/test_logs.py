"""The log formatter of serve, worker and sandbox: user data never splits a log line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import CONTINUATION, configure_logging, escape

FAKE = "2026-12-01 10:00:00,000 ERROR charterbot: forged"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain 한국어 text", "plain 한국어 text"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("nul\x00", "nul\\u0000"),
        ("esc\x1b[31m", "esc\\u001b[31m"),
        ("next line\x85", "next line\\u0085"),
        ("sep\u2028x\u2029", "sep\\u2028x\\u2029"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
    ],
)
def test_escape(raw: str, shown: str) -> None:
    assert escape(raw) == shown


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    configure_logging(logging.INFO, stream=stream)
    logger = logging.getLogger("charterbot.test_logs")
    yield logger, stream
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "stream", None) is stream:
            root.removeHandler(handler)


def test_user_data_in_message_and_args_stays_on_one_line(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    logger.warning("title %s by %s", "hi\n" + FAKE, "U1\r\n" + FAKE)
    logger.info("direct\n" + FAKE + "\u2028" + FAKE)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert all(" charterbot.test_logs: " in line for line in lines)
    assert not any(line.startswith(FAKE[:10]) and "forged" in line[:60] for line in lines)


def test_tracebacks_follow_on_marked_continuation_lines(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    try:
        raise ValueError("bad\n" + FAKE)
    except ValueError:
        logger.exception("unexpected error ref=%s", "abc")
    head, *rest = stream.getvalue().splitlines()
    assert "ERROR charterbot.test_logs: unexpected error ref=abc" in head
    assert rest and all(line.startswith(CONTINUATION) for line in rest)
    assert any("Traceback" in line for line in rest)


def test_bolt_request_verification_logs_are_dropped(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    _logger, stream = logged
    logging.getLogger("slack_bolt.RequestVerification").info("body: secret stuff")
    assert "secret stuff" not in stream.getvalue()
