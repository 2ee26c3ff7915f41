"""The sandbox is not a remote control (issue 7, §7).

Another web page the developer visits can send the sandbox requests (a form or a `fetch` with
`text/plain` needs no CORS preflight), and a DNS-rebinding name can even read its answers. So
the page's API answers only requests for its own Host, and changes something only for a JSON
request from its own origin that carries the page's per-start token. `--host` other than
loopback needs `--expose`; what the API can make the sandbox hold is bounded.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.sandbox import server
from bot.sandbox.command import host_check, is_loopback
from bot.sandbox.fake_slack import Call, FakeSlack
from bot.sandbox.manifest import read_manifest
from bot.sandbox.server import BadInput, Sandbox
from bot.sandbox.workspace import load_workspace, populate
from sandbox.sandbox_process import ROOT, SandboxProcess, free_port

EVIL = "http://evil.example"
# Every state-changing endpoint of the page's API, with a body that would act.
ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("/sandbox/api/send", {"as": "jihoon", "channel": "triage", "text": "/inquiry new voc Pwned"}),
    ("/sandbox/api/send", {"as": "jihoon", "channel": "intake", "text": "pwned message"}),
    ("/sandbox/api/clock", {"step": "1bd"}),
    ("/sandbox/api/fill", {"channel": "reports", "count": 5000}),
    ("/sandbox/api/home", {"as": "jihoon"}),
    ("/sandbox/api/react", {"as": "jihoon", "channel": "intake", "ts": "1", "name": "ticket"}),
    ("/sandbox/api/shortcut", {"as": "jihoon", "channel": "intake", "ts": "1"}),
    ("/sandbox/api/action", {"as": "jihoon", "channel": "triage", "ts": "1", "block_index": 0}),
    ("/sandbox/api/submit", {"as": "jihoon", "view_id": "V1", "values": {}}),
    ("/sandbox/api/close", {"as": "jihoon", "view_id": "V1"}),
]


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    proc = SandboxProcess(tmp_path_factory.mktemp("sandbox-security"))
    yield proc
    assert proc.stop() == 0, proc.output[-3000:]


def _snapshot(sb: SandboxProcess) -> dict[str, Any]:
    """What an attack could change: messages everywhere, the Web API transcript, the clock."""
    status, state = sb.get("/sandbox/api/state")
    assert status == 200
    messages = {
        ch: [(m["ts"], m["text"]) for m in sb.messages("jihoon", ch)]
        for ch in ("triage", "intake", "reports", "dm")
    }
    calls = sb.get("/sandbox/api/calls?limit=5000")[1]["calls"]
    return {"messages": messages, "calls": len(calls), "now": state["now"]}


def _unchanged(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["messages"] == before["messages"]
    assert after["calls"] == before["calls"], "the bot was called"
    moved = datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"])
    assert moved.total_seconds() < 600, f"the clock moved by {moved}"


def _raw(sb: SandboxProcess, path: str, body: dict[str, Any], **headers: str) -> int:
    return sb.raw_post(path, json.dumps(body).encode(), headers)[0]


def test_cross_site_posts_do_nothing(sb: SandboxProcess) -> None:
    """What any web page can send without a preflight: text/plain, its own Origin, no token."""
    before = _snapshot(sb)
    for path, body in ACTIONS:
        status = _raw(sb, path, body, **{"Content-Type": "text/plain", "Origin": EVIL})
        assert status == 403, path
        # the same as an HTML form would send it
        status = sb.raw_post(
            path,
            urlencode({json.dumps(body): ""}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL},
        )[0]
        assert status == 403, path
    _unchanged(before, _snapshot(sb))


def test_each_check_alone_refuses(sb: SandboxProcess) -> None:
    """JSON, same origin and the token are each required; the page's own request works."""
    path, body = "/sandbox/api/send", {"as": "alex", "channel": "intake", "text": "hello"}
    own = sb.url
    token = sb.token
    before = _snapshot(sb)
    refused = [
        {"Content-Type": "application/json", "Origin": own},  # no token
        {"Content-Type": "application/json", "Origin": own, "X-Sandbox-Token": "guess"},
        {"Content-Type": "application/json", "Origin": EVIL, "X-Sandbox-Token": token},
        {"Content-Type": "application/json", "Origin": "null", "X-Sandbox-Token": token},
        {"Content-Type": "application/json", "Referer": EVIL + "/x", "X-Sandbox-Token": token},
        {"Content-Type": "text/plain", "Origin": own, "X-Sandbox-Token": token},
        {
            "Content-Type": "application/json",
            "Sec-Fetch-Site": "cross-site",
            "X-Sandbox-Token": token,
        },
        {
            "Content-Type": "application/json",
            "Host": "evil.example",
            "Origin": EVIL,
            "X-Sandbox-Token": token,
        },
    ]
    for headers in refused:
        status, answer = sb.raw_post(path, json.dumps(body).encode(), headers)
        assert status == 403, headers
        assert answer["ok"] is False and answer["error"] == "forbidden" and answer["message"]
    _unchanged(before, _snapshot(sb))

    ok = {
        "Content-Type": "application/json",
        "Origin": own,
        "Referer": own + "/#/alex/intake",
        "Sec-Fetch-Site": "same-origin",
        "X-Sandbox-Token": token,
    }
    assert sb.raw_post(path, json.dumps(body).encode(), ok)[0] == 200
    assert sb.wait_for(lambda: [m for m in sb.messages("alex", "intake") if m["text"] == "hello"])


def test_a_rebound_host_name_gets_neither_the_page_nor_its_token(sb: SandboxProcess) -> None:
    """DNS rebinding: evil.example resolves to 127.0.0.1, so the page is same-origin for it."""
    for path in ("/", "/static/app.js", "/sandbox/api/state", "/sandbox/api/calls"):
        req = urllib.request.Request(sb.url + path, headers={"Host": f"evil.example:{sb.port}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=10)
        assert refused.value.code == 403, path
        assert sb.token not in refused.value.read().decode()
    for name in ("localhost", "127.0.0.1"):
        req = urllib.request.Request(sb.url + "/", headers={"Host": f"{name}:{sb.port}"})
        with urllib.request.urlopen(req, timeout=10) as page:
            assert sb.token in page.read().decode()


def test_the_api_refuses_cross_site_reads_but_the_page_opens_from_a_link(
    sb: SandboxProcess,
) -> None:
    cross = {"Sec-Fetch-Site": "cross-site"}
    for path in ("/sandbox/api/state", "/sandbox/api/events", "/sandbox/api/calls"):
        req = urllib.request.Request(sb.url + path, headers=cross)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=10)
        assert refused.value.code == 403, path
    req = urllib.request.Request(sb.url + "/", headers={**cross, "Sec-Fetch-Mode": "navigate"})
    with urllib.request.urlopen(req, timeout=10) as page:
        assert page.status == 200


def test_open_streams_are_bounded(sb: SandboxProcess) -> None:
    streams = []
    try:
        for _ in range(server.MAX_STREAMS + 3):
            conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
            conn.request("GET", "/sandbox/api/events")
            resp = conn.getresponse()
            streams.append(conn)
            if resp.status != 200:
                assert resp.status == 503
                assert "open pages" in json.loads(resp.read())["message"]
                break
        else:
            raise AssertionError("every stream was accepted")
        assert len(streams) == server.MAX_STREAMS + 1
    finally:
        for conn in streams:
            conn.close()


def test_response_urls_cannot_be_guessed(sb: SandboxProcess) -> None:
    """A cross-site form can post to /response/<id> without any header trick: ids must be
    unguessable (they were R000001, R000002, ...)."""
    assert sb.post(
        "/sandbox/api/send", {"as": "alex", "channel": "triage", "text": "/inquiry list"}
    ) == (200, {"ok": True})
    payload = json.dumps({"text": "pwned via response_url", "response_type": "in_channel"})
    for n in range(1, 60):
        status, _ = sb.raw_post(
            f"/response/R{n:06d}",
            urlencode({"payload": payload}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": EVIL},
        )
        assert status == 404
    for channel in ("triage", "dm"):
        assert not [m for m in sb.messages("alex", channel) if "pwned" in m["text"]]


def test_request_body_and_load_are_bounded(sb: SandboxProcess) -> None:
    big = {"as": "alex", "channel": "intake", "text": "x" * (server.MAX_BODY_BYTES + 10)}
    assert sb.post("/sandbox/api/send", big)[0] == 403
    for count in (server.MAX_FILL + 1, 0, -5, "many", 2.5, True):
        status, answer = sb.post("/sandbox/api/fill", {"channel": "reports", "count": count})
        assert status == 400 and answer["error"] == "bad_count", count
    for bad in ({"block_index": "x"}, {"block_index": -1}, {"block_index": 0, "element_index": []}):
        status, answer = sb.post(
            "/sandbox/api/action", {"as": "alex", "channel": "triage", "ts": "1", **bad}
        )
        assert status in (400, 404) and answer["ok"] is False, bad
    status, answer = sb.get("/sandbox/api/calls?limit=abc")
    assert status == 400


def test_refusals_carry_the_code_and_parameters_the_page_translates(sb: SandboxProcess) -> None:
    status, answer = sb.post("/sandbox/api/send", {"as": "minji", "channel": "x", "text": "hi"})
    assert status == 404 and answer["error"] == "unknown_channel"
    assert answer["params"]["name"] == "x" and "#triage" in answer["params"]["channels"]
    status, answer = sb.post("/sandbox/api/send", {"as": "dana", "channel": "triage", "text": "hi"})
    assert status == 403 and answer["params"] == {"name": "Dana Choi (Mirae Securities)"}


# ------------------------------------------------------------------ in-process bounds


def _sandbox() -> Sandbox:
    fake = FakeSlack()
    ws = load_workspace()
    populate(fake, ws)
    return Sandbox(
        fake=fake,
        runtime=None,  # type: ignore[arg-type]
        clock=None,  # type: ignore[arg-type]
        secret="s",
        workspace=ws,
        manifest=read_manifest(),
        state_file=None,
    )


def test_workspace_message_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "MAX_MESSAGES", 30)
    sandbox = _sandbox()
    sandbox.push = lambda event: None  # type: ignore[method-assign]
    sandbox.changed = lambda: None  # type: ignore[method-assign]
    assert sandbox.fill("reports", 25)["count"] == 25
    with pytest.raises(BadInput) as full:
        sandbox.fill("reports", 6)
    assert full.value.code == "workspace_full" and "--reset" in full.value.message
    assert sandbox.message_count() == 25


async def test_reactions_per_message_are_bounded() -> None:
    sandbox = _sandbox()
    msg = sandbox.fake.post_user_message("C0INTAKE", "U0DANA", "hello")
    for i in range(server.MAX_REACTIONS):
        sandbox.fake.toggle_user_reaction("C0INTAKE", msg["ts"], "U0DANA", f"e{i}")
    with pytest.raises(BadInput) as refused:
        await sandbox.react("alex", "intake", msg["ts"], "one_more")
    assert refused.value.code == "too_many_emoji"
    reactions = (sandbox.fake.get_message("C0INTAKE", msg["ts"]) or {})["reactions"]
    assert len(reactions) == server.MAX_REACTIONS


def test_transcript_ephemerals_and_views_are_bounded() -> None:
    sandbox = _sandbox()
    fake = sandbox.fake
    for i in range(server.MAX_CALLS + 50):
        fake.calls.append(Call("auth.test", {}, float(i), {"ok": True}))
    for i in range(server.MAX_EPHEMERALS + 50):
        fake.ephemerals.append({"channel": "C0TRIAGE", "user": "U0ALEX", "ts": str(i)})
    for i in range(server.MAX_VIEWS + 50):
        fake.views[f"V{i}"] = {"id": f"V{i}"}
    sandbox.modals["U0ALEX"] = ["V0"]  # an open modal is kept however old
    sandbox._on_call(Call("auth.test", {}, 0.0, {"ok": True}))
    assert len(fake.calls) == server.MAX_CALLS
    assert fake.calls[-1].at == float(server.MAX_CALLS + 49)
    assert len(fake.ephemerals) == server.MAX_EPHEMERALS
    assert "V0" in fake.views and f"V{server.MAX_VIEWS + 49}" in fake.views
    assert len(fake.views) <= server.MAX_VIEWS + 1


def test_a_page_that_stops_reading_is_let_go() -> None:
    sandbox = _sandbox()
    stalled: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    sandbox.clients.add(stalled)
    for _ in range(server.MAX_BACKLOG + 50):
        sandbox.push({"type": "clock", "now": "x"})
    assert stalled not in sandbox.clients
    assert stalled.qsize() == server.MAX_BACKLOG + 1  # the backlog, then the end of stream


# ------------------------------------------------------------------ --host and --expose


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("sandbox.example", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    allowed, message = host_check(host, expose=False)
    assert allowed is loopback
    assert (message is None) is loopback
    allowed, message = host_check(host, expose=True)
    assert allowed
    assert (message is None) is loopback
    if not loopback:
        assert message is not None and "WARNING" in message and "every persona" in message


def _run_sandbox_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot sandbox ARGS` in `cwd`, with only the repository on the import path."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", *args],
        check=False,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_refuses_a_network_host_without_expose(tmp_path: Path) -> None:
    port = str(free_port())
    done = _run_sandbox_cli(tmp_path, "--host", "0.0.0.0", "--port", port)
    assert done.returncode == 2
    assert "refusing to listen on 0.0.0.0" in done.stderr and "--expose" in done.stderr
    assert not list(tmp_path.iterdir()), "nothing may be created"


def test_cli_warns_when_exposed(tmp_path: Path) -> None:
    """192.0.2.1 (TEST-NET-1) is no local address: the bind fails after the warning, so this
    test opens nothing to the network."""
    done = _run_sandbox_cli(tmp_path, "--host", "192.0.2.1", "--expose", "--port", "0")
    assert "WARNING: exposed on 192.0.2.1" in done.stderr
    assert done.returncode == 2 and "cannot listen" in done.stderr
