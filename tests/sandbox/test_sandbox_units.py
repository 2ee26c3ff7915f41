"""Pure parts of the sandbox: Slack payload builders, manifest reading, error reporting."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.blocks.inquiry import build_new_inquiry_modal
from bot.adapters.slack.ids import Command, Shortcut
from bot.sandbox import slack_requests as sr
from bot.sandbox.fake_slack import Call, FakeSlack
from bot.sandbox.manifest import read_manifest
from bot.sandbox.server import Sandbox, next_push
from bot.sandbox.workspace import load_workspace, populate
from handlers.inquiry import parse_view_state

ME = sr.Person("U0MINJI", "minji")


def _payload(req: sr.SlackRequest) -> dict[str, Any]:
    return json.loads(parse_qs(req.body.decode())["payload"][0])


def test_signature_verifies_with_slack_sdk() -> None:
    body = b"token=x&text=hello"
    headers = sr.sign("s3cret", body)
    assert SignatureVerifier("s3cret").is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


def test_view_state_round_trips_through_the_bots_parser() -> None:
    # the assignee picker offers only assignable people (issue 9 §1): a static_select
    view = build_new_inquiry_modal("en", assignees=[("U0ALEX", "alex")])
    raw = {
        "kind": "request",
        "title": "VPN drops",
        "detail": "",
        "due": "2026-12-04",
        "assignee": "U0ALEX",
        "customer": None,
    }
    state = sr.view_state(view, raw)
    assert state["values"]["kind"]["kind"]["selected_option"]["value"] == "request"
    assert state["values"]["detail"]["detail"] == {"type": "plain_text_input", "value": None}
    parsed = parse_view_state({"state": state})
    assert parsed["kind"] == "request" and parsed["title"] == "VPN drops"
    assert parsed["due"] == "2026-12-04" and parsed["assignee"] == "U0ALEX"
    submission = _payload(
        sr.view_submission(ME, view={**view, "id": "V1"}, state=state, trigger_id="1.2.a")
    )
    assert submission["type"] == "view_submission" and submission["view"]["state"] == state


def test_block_actions_and_message_action_shapes() -> None:
    button = {
        "type": "button",
        "action_id": "inquiry-assign-me",
        "value": "7",
        "text": {"type": "plain_text", "text": "Assign"},
        "style": "primary",
    }
    msg = {"ts": "1.000100", "text": "card", "user": "UBOT", "blocks": [], "channel": "C0TRIAGE"}
    p = _payload(
        sr.block_actions(
            ME,
            actions=[sr.action_entry(button, block_id="b")],
            trigger_id="t",
            channel_id="C0TRIAGE",
            channel_name="triage",
            message=msg,
            response_url="http://x/response/R1",
        )
    )
    assert p["actions"][0]["value"] == "7" and p["container"]["message_ts"] == "1.000100"
    assert p["message"]["ts"] == "1.000100" and "channel" not in p["message"]
    sel = {
        "type": "static_select",
        "action_id": "pick",
        "options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"}],
    }
    assert sr.action_entry(sel, block_id="b", raw="a")["selected_option"]["value"] == "a"
    shortcut = _payload(
        sr.message_action(
            ME,
            callback_id="inquiry-from-message",
            channel_id="C0INTAKE",
            channel_name="intake",
            message=msg,
            trigger_id="t",
            response_url="u",
        )
    )
    assert (
        shortcut["message_ts"] == "1.000100" and shortcut["callback_id"] == "inquiry-from-message"
    )


def test_events_have_ids_and_slack_shapes() -> None:
    event = sr.message_event(
        ME, channel="C0INTAKE", text="hi", ts="1.1", thread_ts="1.0", parent_user_id="U0DANA"
    )
    body = json.loads(sr.event_callback(event, bot_user_id="UBOT").body)
    assert body["type"] == "event_callback" and body["event_id"].startswith("Ev")
    assert body["event"]["thread_ts"] == "1.0" and body["event"]["parent_user_id"] == "U0DANA"
    reaction = sr.reaction_added_event(
        ME, reaction="ticket", channel="C1", ts="1.1", item_user="U0DANA", event_ts="2.2"
    )
    assert reaction["item"] == {"type": "message", "channel": "C1", "ts": "1.1"}


def test_manifest_commands_and_shortcuts_match_ids() -> None:
    m = read_manifest()
    assert [c["command"] for c in m["commands"]] == [c.value for c in Command]
    assert "new <kind>" in m["commands"][0]["usage_hint"]
    assert [s["callback_id"] for s in m["shortcuts"]] == [s.value for s in Shortcut]


def test_rejected_calls_become_error_events_and_workspace_round_trips() -> None:
    fake = FakeSlack()
    populate(fake, load_workspace())
    sandbox = Sandbox(
        fake=fake,
        runtime=None,
        clock=None,
        secret="s",
        workspace=load_workspace(),  # type: ignore[arg-type]
        manifest=read_manifest(),
        state_file=None,
    )
    import asyncio

    queue: asyncio.Queue[Any] = asyncio.Queue()
    sandbox.clients.add(queue)
    sandbox._on_call(
        Call(
            "chat.postMessage",
            {"channel": "C0TRIAGE"},
            0.0,
            {
                "ok": False,
                "error": "invalid_blocks",
                "errors": ["must be less than 151 characters [json-pointer:/blocks/0/text/text]"],
            },
        )
    )
    event = queue.get_nowait()
    assert event["type"] == "error" and event["error"] == "invalid_blocks"
    assert "json-pointer" in event["details"][0] and list(sandbox.errors) == [event]

    msg = fake.post_user_message("C0INTAKE", "U0DANA", "hello")
    assert fake.toggle_user_reaction("C0INTAKE", msg["ts"], "U0MINJI", "ticket") is True
    copy = FakeSlack()
    populate(copy, load_workspace())
    copy.restore(json.loads(json.dumps(fake.snapshot())))
    again = copy.get_message("C0INTAKE", msg["ts"])
    assert again is not None and again["reactions"][0]["users"] == ["U0MINJI"]
    assert float(copy.post_user_message("C0INTAKE", "U0DANA", "later")["ts"]) > float(msg["ts"])
    assert fake.toggle_user_reaction("C0INTAKE", msg["ts"], "U0MINJI", "ticket") is False


def test_typed_text_is_escaped_and_linked_like_slacks_client() -> None:
    fake = FakeSlack()
    ws = load_workspace()
    populate(fake, ws)
    sandbox = Sandbox(
        fake=fake,
        runtime=None,
        clock=None,
        secret="s",
        workspace=ws,  # type: ignore[arg-type]
        manifest=read_manifest(),
        state_file=None,
    )
    out = sandbox.encode_text("<b>hi</b> & @alex see #triage https://x.test/a?b=1&c=2.")
    assert out == (
        "&lt;b&gt;hi&lt;/b&gt; &amp; <@U0ALEX> see <#C0TRIAGE|triage> "
        "<https://x.test/a?b=1&amp;c=2>."
    )


@pytest.mark.parametrize("yields", [0, 1, 2, 3])
async def test_a_push_in_the_same_instant_as_a_stop_does_not_lose_the_stop(yields: int) -> None:
    # A page's live-update stream waits for pushes; stopping the sandbox cancels it. With
    # Python 3.11's `asyncio.wait_for` a push and a cancel in the same loop iteration lost the
    # cancel (the stream ran on).
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    async def stream() -> None:
        while True:
            await next_push(queue, 60.0)

    task = asyncio.create_task(stream())
    await asyncio.sleep(0.01)  # now waiting
    queue.put_nowait({"kind": "x"})
    for _ in range(yields):
        await asyncio.sleep(0)
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=10.0)
    assert task in done and task.cancelled(), "the cancellation was swallowed"


async def test_next_push_answers_an_item_or_a_timeout() -> None:
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    assert await next_push(queue, 0.01) == (False, None)
    queue.put_nowait({"kind": "x"})
    assert await next_push(queue, 60.0) == (True, {"kind": "x"})
    queue.put_nowait(None)
    assert await next_push(queue, 60.0) == (True, None)
