"""Reaching the running processes: pid files, and SIGHUP for `charterbot calendar reload`.

`charterbot serve` writes `charterbot.pid` and `charterbot worker` writes
`charterbot-worker.pid` into `CHARTERBOT_RUN_DIR` (default: the current directory), and each
removes its file when it stops. `charterbot calendar reload` sends SIGHUP to every process
named there that is alive and is a charterbot (a stale file, or a pid reused by another
program, is never signalled). A plain `kill -HUP <pid>` does the same.

Why a signal and not an admin HTTP endpoint: the worker has no HTTP listener, a Teams-only or
Socket Mode server has no Slack signing secret to protect one, and only the same operating
system user (or root) may signal a process: no new secret, no new port.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.config import EnvSettings

PID_FILES = {"serve": "charterbot.pid", "worker": "charterbot-worker.pid"}


def run_dir(env: EnvSettings) -> Path:
    """The directory of the pid files."""
    return Path(env.CHARTERBOT_RUN_DIR or ".")


def pid_path(env: EnvSettings, role: str) -> Path:
    """The pid file of `serve` or `worker`."""
    return run_dir(env) / PID_FILES[role]


@contextlib.contextmanager
def pid_file(env: EnvSettings, role: str) -> Iterator[None]:
    """Write this process's pid file while the block runs; remove it afterwards (if it is
    still ours: a second server started in the same directory took it over)."""
    path = pid_path(env, role)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(f"{os.getpid()}\n", encoding="ascii")
    tmp.replace(path)  # atomic: a reader never sees half a number
    try:
        yield
    finally:
        if read_pid(path) == os.getpid():
            path.unlink(missing_ok=True)


def read_pid(path: Path) -> int | None:
    """The pid a pid file names, or None (missing, empty, not a number)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def is_charterbot(pid: int) -> bool:
    """Whether pid is a live process running charterbot (`charterbot …` or `python -m bot …`)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # another user's process: not ours to signal
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True  # no /proc (macOS): trust the live pid of our own file
    words = cmdline.read_bytes().split(b"\0")
    return any(w.endswith(b"charterbot") for w in words) or any(
        a == b"-m" and b == b"bot" for a, b in itertools.pairwise(words)
    )


@dataclass(frozen=True)
class Signalled:
    """The outcome of a reload request for one pid file."""

    role: str
    path: Path
    pid: int | None
    sent: bool


def send_reload(env: EnvSettings) -> list[Signalled]:
    """SIGHUP every running charterbot named by a pid file in the run directory."""
    out = []
    for role in PID_FILES:
        path = pid_path(env, role)
        pid = read_pid(path)
        sent = False
        if pid is not None and is_charterbot(pid):
            os.kill(pid, signal.SIGHUP)
            sent = True
        out.append(Signalled(role, path, pid, sent))
    return out
