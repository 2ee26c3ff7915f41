"""A throw-away PostgreSQL cluster for the test session.

Usage (from a conftest fixture)::

    cluster = start_cluster()          # raises PgUnavailable when it cannot
    url = create_database(cluster, "charterbot_t_mymodule")
    ...
    cluster.stop()

The cluster runs from a private temp directory on a free TCP port of 127.0.0.1
with ``trust`` authentication and durability switched off (fast, disposable).
PostgreSQL refuses to run as root, so when this process is root the server-side
commands (initdb, pg_ctl) run as the ``postgres`` system user via ``runuser``.

Set ``CHARTERBOT_PG_BIN`` to a directory holding ``initdb``/``pg_ctl`` to
override the binary lookup.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PgCluster",
    "PgUnavailable",
    "create_database",
    "find_pg_bin",
    "start_cluster",
]

DEFAULT_DB = "charterbot_test"
SUPERUSER = "postgres"
_DB_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_TIMEOUT = 120  # seconds for any single pg command


class PgUnavailable(RuntimeError):
    """No PostgreSQL cluster can be had here; ``str(exc)`` says why."""


@dataclass
class PgCluster:
    url: str  # "postgresql+asyncpg://postgres@127.0.0.1:<port>/charterbot_test"
    dsn: str  # "postgresql://postgres@127.0.0.1:<port>/charterbot_test" (asyncpg)
    datadir: Path
    port: int
    bindir: Path = field(default=Path("."), repr=False)
    rootdir: Path = field(default=Path("."), repr=False)  # temp dir holding datadir, log, socket
    _stopped: bool = field(default=False, repr=False)

    def url_for(self, dbname: str) -> str:
        """SQLAlchemy async URL of database ``dbname`` on this cluster."""
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def dsn_for(self, dbname: str) -> str:
        """Plain libpq/asyncpg DSN of database ``dbname`` on this cluster."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    @property
    def logfile(self) -> Path:
        return self.rootdir / "log"

    def stop(self) -> None:
        """Stop the server (immediate mode) and delete its files. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if (self.datadir / "postmaster.pid").exists():
                _run_server_cmd(
                    [
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        str(self.datadir),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ],
                    cwd=self.rootdir,
                    check=False,
                )
        finally:
            shutil.rmtree(self.rootdir, ignore_errors=True)


# --------------------------------------------------------------------------- binaries


def _has_server_bins(d: Path) -> bool:
    return all(os.access(d / name, os.X_OK) for name in ("initdb", "pg_ctl"))


def _version_key(d: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin
    parts = re.findall(r"\d+", d.parent.name)
    return tuple(int(p) for p in parts) or (0,)


def find_pg_bin() -> Path | None:
    """Directory containing ``initdb`` and ``pg_ctl``.

    Order: ``$CHARTERBOT_PG_BIN``, ``PATH`` (symlinks resolved, so the real bin
    dir with createdb/psql is preferred), then the highest
    ``/usr/lib/postgresql/*/bin``.
    """
    override = os.environ.get("CHARTERBOT_PG_BIN")
    if override and _has_server_bins(Path(override)):
        return Path(override)

    found = shutil.which("initdb")
    if found:
        real = Path(found).resolve().parent
        if _has_server_bins(real):
            return real
        if _has_server_bins(Path(found).parent):
            return Path(found).parent

    candidates = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")]
    candidates = [d for d in candidates if _has_server_bins(d)]
    if candidates:
        return max(candidates, key=_version_key)
    return None


# --------------------------------------------------------------------------- helpers


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _server_prefix() -> list[str]:
    """Command prefix for the server-side tools (postgres refuses root)."""
    if not _is_root():
        return []
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    if not os.access(runuser, os.X_OK):
        raise PgUnavailable("running as root but `runuser` is not available")
    return [runuser, "-u", SUPERUSER, "--"]


def _run_server_cmd(
    args: list[str], *, cwd: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return _run(_server_prefix() + args, cwd=cwd, check=check)


def _run(
    args: list[str], *, cwd: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # Never let the caller's libpq settings leak into our commands.
    for var in (
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGDATABASE",
        "PGPASSWORD",
        "PGSERVICE",
        "PGOPTIONS",
        "PGDATA",
    ):
        env.pop(var, None)
    env["LC_ALL"] = "C"
    try:
        proc = subprocess.run(
            args,
            check=False,
            cwd=str(cwd) if cwd else None,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PgUnavailable(f"`{' '.join(args)}` failed: {exc}") from exc
    if check and proc.returncode != 0:
        raise PgUnavailable(
            f"`{' '.join(args)}` exited {proc.returncode}: "
            f"{(proc.stderr or proc.stdout).strip()[-2000:]}"
        )
    return proc


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return ""


# --------------------------------------------------------------------------- public API


def start_cluster(base_dir: Path | None = None) -> PgCluster:
    """initdb + start a private cluster and create the ``charterbot_test`` database.

    Raises ``PgUnavailable(reason)`` when binaries are missing or start fails.
    The returned cluster is also stopped at interpreter exit as a safety net.
    """
    bindir = find_pg_bin()
    if bindir is None:
        raise PgUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
            "/usr/lib/postgresql/*/bin"
        )

    if base_dir is not None:
        base_dir.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="charterbot-pg-", dir=base_dir))
    if _is_root():
        try:
            shutil.chown(root, user=SUPERUSER, group=None)
        except (LookupError, OSError) as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise PgUnavailable(
                f"running as root and cannot hand {root} to the `{SUPERUSER}` user "
                f"(create it with useradd): {exc}"
            ) from exc
        # mkdtemp made it 0700; now owned by postgres. Its parents must be
        # traversable by postgres too (true for the default temp dir).

    datadir = root / "data"
    log = root / "log"
    cluster = PgCluster(url="", dsn="", datadir=datadir, port=0, bindir=bindir, rootdir=root)
    atexit.register(cluster.stop)
    try:
        _run_server_cmd(
            [
                str(bindir / "initdb"),
                "-D",
                str(datadir),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            cwd=root,
        )
        last_error = ""
        for _attempt in range(5):  # the free port can be taken between probe and bind
            port = _free_port()
            opts = (
                f"-F -p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            proc = _run_server_cmd(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(datadir),
                    "-o",
                    opts,
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
                cwd=root,
                check=False,
            )
            if proc.returncode == 0:
                break
            last_error = f"{proc.stderr.strip()}\n{_tail(log)}"
            if "already in use" not in last_error:
                raise PgUnavailable(f"pg_ctl start failed (exit {proc.returncode}):\n{last_error}")
            time.sleep(0.1)
        else:
            raise PgUnavailable(f"pg_ctl start failed: no free port\n{last_error}")

        cluster.port = port
        cluster.url = cluster.url_for(DEFAULT_DB)
        cluster.dsn = cluster.dsn_for(DEFAULT_DB)
        create_database(cluster, DEFAULT_DB)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def create_database(cluster: PgCluster, name: str) -> str:
    """Create an empty database ``name`` and return its SQLAlchemy asyncpg URL.

    Runs ``createdb`` (or ``psql``) from the cluster's bin dir as a subprocess,
    so it is safe to call from inside a running event loop.
    """
    if not _DB_NAME_RE.match(name):
        raise ValueError(f"invalid database name {name!r} (use [A-Za-z_][A-Za-z0-9_]*)")
    conn = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", SUPERUSER]
    createdb = cluster.bindir / "createdb"
    psql = cluster.bindir / "psql"
    if os.access(createdb, os.X_OK):
        _run([str(createdb), *conn, name])
    elif os.access(psql, os.X_OK):
        _run(
            [
                str(psql),
                *conn,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-c",
                f'CREATE DATABASE "{name}"',
            ]
        )
    else:
        raise PgUnavailable(f"neither createdb nor psql in {cluster.bindir}")
    return cluster.url_for(name)
