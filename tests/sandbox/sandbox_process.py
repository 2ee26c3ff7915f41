"""Start `charterbot sandbox` as a subprocess for tests, and talk to its JSON API."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
# Tuesday 2026-12-01 10:00 in Seoul: inside business hours.
START = "2026-12-01T10:00:00+09:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SandboxProcess:
    """A running sandbox: its URL, its output, and helpers for the page's API."""

    def __init__(
        self,
        cwd: Path,
        *,
        reset: bool = True,
        start: str | None = START,
        extra: list[str] | None = None,
    ) -> None:
        self.cwd = cwd
        self._token: str | None = None
        self.port = free_port()
        args = [sys.executable, "-m", "bot", "sandbox", "--port", str(self.port)]
        if reset:
            args.append("--reset")
        if start:
            args += ["--start", start]
        args += extra or []
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "CHARTERBOT_CONFIG")
        }
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        self.proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.url = ""
        ready = threading.Event()

        def pump() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                m = re.search(r"open (http://\S+?)/?\s", line)
                if m and not self.url:
                    self.url = m.group(1).rstrip("/")
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(30) or not self.url:
            self.stop()
            raise AssertionError("sandbox did not start:\n" + "".join(self.lines[-40:]))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as resp:
                body = resp.read().decode()
                ctype = resp.headers.get("Content-Type", "")
                return resp.status, json.loads(body) if "json" in ctype else body
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read().decode() or "null")

    @property
    def token(self) -> str:
        """The page token of this start, read from the page like the browser does."""
        if self._token is None:
            status, page = self.get("/")
            m = re.search(r'name="sandbox-token" content="([^"]+)"', str(page))
            assert status == 200 and m, page
            self._token = m.group(1)
        return self._token

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, Any]:
        """A POST as the page sends it: JSON, with the page's token."""
        return self.raw_post(
            path,
            json.dumps(data).encode(),
            {"Content-Type": "application/json", "X-Sandbox-Token": self.token},
        )

    def raw_post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        """A POST with exactly these headers (urllib adds Host and Content-Length)."""
        req = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read().decode())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read().decode() or "null")

    def messages(self, persona: str, channel: str) -> list[dict[str, Any]]:
        status, body = self.get(f"/sandbox/api/messages?as={persona}&channel={channel}")
        assert status == 200, body
        return list(body["messages"])

    def wait_for(self, check: Any, timeout: float = 8.0) -> Any:
        return wait_until(check, timeout)

    def stop(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise AssertionError("sandbox did not stop on SIGTERM:\n" + self.output[-3000:])
        return int(self.proc.returncode)
