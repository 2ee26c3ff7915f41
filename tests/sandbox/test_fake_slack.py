"""The fake Slack Web API, exercised through the real slack-sdk AsyncWebClient."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.fake_slack import Call, FakeSlack, validate_message_blocks, validate_view


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    slack.add_user("U1", "kim", locale="ko-KR")
    slack.add_channel("C1", "general")
    await slack.start()
    try:
        yield slack
    finally:
        await slack.stop()


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake.token, base_url=fake.base_url, timeout=5)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(blocks: list[dict[str, Any]], title: str = "Inquiry") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "inquiry",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": blocks,
    }


async def test_start_gives_base_url(fake: FakeSlack) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake.base_url.endswith("/api/")
    assert fake.base_url == fake.root_url + "/api/"


async def test_auth_test(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.auth_test()
    assert res["user_id"] == "UBOT"
    assert res["bot_id"] == "BBOT"
    assert res["team_id"] == "T0TEST"
    assert fake.calls_to("auth.test")[0].response["ok"] is True


async def test_post_then_update_shows_new_text(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="first", blocks=[section("one")])
    ts = posted["ts"]
    assert ts == "1700000000.000100"
    assert posted["channel"] == "C1"
    assert posted["message"]["text"] == "first"
    assert posted["message"]["bot_id"] == "BBOT"
    second = await client.chat_postMessage(channel="C1", text="second", thread_ts=ts)
    assert float(second["ts"]) > float(ts)
    assert second["message"]["thread_ts"] == ts

    updated = await client.chat_update(channel="C1", ts=ts, text="changed")
    assert updated["text"] == "changed"
    msgs = fake.messages("C1")
    assert [m["text"] for m in msgs] == ["changed", "second"]
    assert msgs[0]["blocks"] == [section("one")]  # omitted blocks are kept, like Slack
    await client.chat_update(channel="C1", ts=ts, text="no blocks", blocks=[])
    assert fake.messages("C1")[0]["blocks"] == []
    # JSON body: blocks arrive decoded in the recorded args.
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [section("one")]


async def test_form_encoded_blocks_are_decoded(fake: FakeSlack) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            fake.base_url + "chat.postMessage",
            data={
                "token": fake.token,
                "channel": "C1",
                "text": "hi",
                "blocks": '[{"type": "divider"}]',
            },
        ) as res,
    ):
        body = await res.json()
    assert body["ok"] is True
    call = fake.calls_to("chat.postMessage")[0]
    assert call.args["blocks"] == [{"type": "divider"}]
    assert "token" not in call.args


async def test_update_unknown_message(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C1", ts="1.000001", text="x")
    assert err.value.response["error"] == "message_not_found"


async def test_too_many_blocks_rejected(fake: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 51)
    data = err.value.response.data
    assert isinstance(data, dict)
    assert data["error"] == "invalid_blocks"
    assert "no more than 50 items allowed [json-pointer:/blocks]" in data["errors"]
    assert data["response_metadata"]["messages"][0].startswith("[ERROR] ")
    assert fake.messages() == []
    assert fake.calls[-1].response["ok"] is False  # failures are recorded too
    await client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 50)


async def test_header_over_150_rejected(client: AsyncWebClient) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x", blocks=[header])
    assert err.value.response["error"] == "invalid_blocks"
    errors = err.value.response["errors"]
    assert "must be less than 151 characters [json-pointer:/blocks/0/text/text]" in errors


def test_block_limits_named() -> None:
    assert validate_message_blocks([section("a" * 3000), {"type": "divider"}]) == []
    assert any("3001" in e for e in validate_message_blocks([section("a" * 3001)]))
    assert any("unsupported type: tabel" in e for e in validate_message_blocks([{"type": "tabel"}]))
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b" * 76}}
    assert any(
        "/blocks/0/elements/0/text/text" in e
        for e in validate_message_blocks([{"type": "actions", "elements": [button]}])
    )
    many = [
        {**button, "text": {"type": "plain_text", "text": "ok"}, "action_id": f"a{i}"}
        for i in range(26)
    ]
    assert "no more than 25 items allowed [json-pointer:/blocks/0/elements]" in (
        validate_message_blocks([{"type": "actions", "elements": many}])
    )
    fields = [{"type": "mrkdwn", "text": "f"}] * 11
    assert any(
        "no more than 10 items" in e
        for e in validate_message_blocks([{"type": "section", "fields": fields}])
    )
    assert any(
        "block_id" in e
        for e in validate_message_blocks([{"type": "divider", "block_id": "b" * 256}])
    )
    assert any(
        "must be more than 0 characters" in e for e in validate_message_blocks([section("")])
    )
    # Views: title over 24, missing submit with inputs, 101 blocks, wrong type.
    assert any("/view/title/text" in e for e in validate_view(modal([], title="t" * 25)))
    label = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"type": "plain_text_input", "action_id": "name"},
    }
    assert validate_view(modal([label])) == []
    assert any("submit" in e for e in validate_view({**modal([label]), "submit": None}))
    assert any("no more than 100 items" in e for e in validate_view(modal([section("x")] * 101)))
    assert validate_view({"type": "dialog", "blocks": []}) != []


async def test_views_open_validation_and_trigger(fake: FakeSlack, client: AsyncWebClient) -> None:
    trigger = fake.new_trigger_id()
    res = await client.views_open(trigger_id=trigger, view=modal([section("hi")]))
    assert res["view"]["id"].startswith("V")
    assert res["view"]["callback_id"] == "inquiry"
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=trigger, view=modal([section("hi")]))
    assert err.value.response["error"] == "exchanged_trigger_id"
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=fake.new_trigger_id(), view=modal([section("x")] * 101))
    assert err.value.response["error"] == "invalid_arguments"
    messages = err.value.response["response_metadata"]["messages"]
    assert "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]" in messages
    fake.trigger_ttl = 0.0
    with pytest.raises(SlackApiError) as err:
        await client.views_open(trigger_id=fake.new_trigger_id(), view=modal([]))
    assert err.value.response["error"] == "expired_trigger_id"

    view_id = res["view"]["id"]
    updated = await client.views_update(view_id=view_id, view=modal([section("new")]))
    assert updated["view"]["id"] == view_id
    assert fake.views[view_id]["blocks"] == [section("new")]
    home = {"type": "home", "blocks": [section("home")]}
    published = await client.views_publish(user_id="U1", view=home)
    assert published["view"]["type"] == "home"


async def test_external_file_upload(fake: FakeSlack, client: AsyncWebClient) -> None:
    data = b"\x89PNG fake chart"
    got = await client.files_getUploadURLExternal(filename="chart.png", length=len(data))
    url, file_id = got["upload_url"], got["file_id"]
    assert url.startswith(fake.root_url)
    with pytest.raises(SlackApiError) as err:  # not uploaded yet
        await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C1")
    assert err.value.response["error"] == "invalid_arguments"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=b"short") as resp:
            assert resp.status == 400  # not the announced length
        async with http.post(url, data=data) as resp:
            assert resp.status == 200
    done = await client.files_completeUploadExternal(
        files=[{"id": file_id, "title": "Chart"}], channel_id="C1", initial_comment="see"
    )
    assert done["files"] == [{"id": file_id, "title": "Chart"}]
    [message] = fake.messages("C1")
    assert message["text"] == "see" and message["files"][0]["name"] == "chart.png"
    assert fake.files[file_id]["data"] == data
    history = await client.conversations_history(channel="C1")
    assert history["messages"][0]["files"][0]["id"] == file_id
    with pytest.raises(SlackApiError) as err:  # shared once
        await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C1")
    assert err.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as err:
        await client.files_completeUploadExternal(files=[{"id": "F404"}], channel_id="C1")
    assert err.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as err:
        await client.files_getUploadURLExternal(filename="x.png", length=0)
    assert err.value.response["error"] == "missing_argument"


async def test_unknown_method(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.api_call("chat.postMesage", json={"channel": "C1", "text": "x"})
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "unknown_method"


async def test_users_info_with_locale(client: AsyncWebClient) -> None:
    res = await client.users_info(user="U1", include_locale=True)
    assert res["user"]["locale"] == "ko-KR"
    assert res["user"]["tz"] == "Asia/Seoul"
    assert res["user"]["tz_offset"] == 9 * 3600
    without = await client.users_info(user="U1")
    assert "locale" not in without["user"]
    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"


async def test_bad_and_missing_token(fake: FakeSlack) -> None:
    bad = AsyncWebClient(token="xoxb-wrong", base_url=fake.base_url)
    with pytest.raises(SlackApiError) as err:
        await bad.chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "invalid_auth"
    anonymous = AsyncWebClient(base_url=fake.base_url)
    with pytest.raises(SlackApiError) as err:
        await anonymous.auth_test()
    assert err.value.response["error"] == "not_authed"
    assert fake.messages() == []


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_required_args(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C404", text="x")
    assert err.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1")
    assert err.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x" * 40_001)
    assert err.value.response["error"] == "msg_too_long"


async def test_dm_ephemeral_permalink_reactions(fake: FakeSlack, client: AsyncWebClient) -> None:
    dm = await client.chat_postMessage(channel="U1", text="hello")
    assert dm["channel"].startswith("D")
    opened = await client.conversations_open(users="U1")
    assert opened["channel"]["id"] == dm["channel"]
    eph = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert eph["message_ts"]
    assert fake.ephemerals[0]["user"] == "U1"
    link = await client.chat_getPermalink(channel=dm["channel"], message_ts=dm["ts"])
    # the workspace page's own address, opening the channel at the message
    assert link["permalink"] == f"{fake.root_url}/#{dm['channel']}/{dm['ts']}"
    await client.reactions_add(channel=dm["channel"], timestamp=dm["ts"], name="eyes")
    with pytest.raises(SlackApiError) as err:
        await client.reactions_add(channel=dm["channel"], timestamp=dm["ts"], name="eyes")
    assert err.value.response["error"] == "already_reacted"
    assert fake.messages(dm["channel"])[0]["reactions"][0]["name"] == "eyes"


async def test_fault_500_then_success(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 500
    res = await client.chat_postMessage(channel="C1", text="x")
    assert res["ok"] is True
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 200]
    assert len(fake.messages("C1")) == 1


async def test_fault_error_and_delay(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("chat.postMessage", error="is_archived")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "is_archived"
    fake.fail("auth.test", delay=0.5)
    impatient = AsyncWebClient(token=fake.token, base_url=fake.base_url, timeout=0.1)  # type: ignore[arg-type]
    with pytest.raises(asyncio.TimeoutError):
        await impatient.auth_test()


async def test_429_retry_after_read_by_sdk(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", retry_after=0)
    retrying = AsyncWebClient(
        token=fake.token,
        base_url=fake.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    res = await retrying.chat_postMessage(channel="C1", text="x")
    assert res["ok"] is True
    calls = fake.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}


async def test_429_header_visible(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"


async def test_rate_limit_per_channel(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.rate_limit_per_channel = 1.0
    await client.chat_postMessage(channel="C1", text="1")
    for _ in range(3):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C1", text="again")
        assert err.value.response.status_code == 429
        assert err.value.response.headers["Retry-After"] == "1"
        assert err.value.response["error"] == "ratelimited"
    await client.chat_postMessage(channel="U1", text="other channel is fine")
    with pytest.raises(SlackApiError):  # the DM is keyed by its D channel, not the user id
        await client.chat_postMessage(channel="U1", text="again")
    assert fake.ratelimited_count == 4
    assert len(fake.messages("C1")) == 1


async def test_response_url_recorded(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="card")
    url = fake.new_response_url(channel="C1", ts=posted["ts"], user="U1")
    assert url.startswith(fake.root_url + "/response/")
    seen: list[Call] = []
    fake.on_call.append(seen.append)

    async def async_listener(call: Call) -> None:
        seen.append(call)

    fake.on_call.append(async_listener)
    async with aiohttp.ClientSession() as session:
        payload = {"replace_original": True, "text": "done"}
        async with session.post(url, json=payload) as res:
            assert res.status == 200
            assert await res.json() == {"ok": True}
        async with session.post(url, json={"text": "x", "blocks": [{"type": "nope"}]}) as res:
            assert res.status == 400
    call = fake.calls_to("response_url")[0]
    assert call.args == {"replace_original": True, "text": "done"}
    assert fake.messages("C1")[0]["text"] == "done"
    assert len(seen) == 4 and seen[0] is seen[1]


async def test_clear_and_timing(fake: FakeSlack, client: AsyncWebClient) -> None:
    before = time.monotonic()
    await client.chat_postMessage(channel="C1", text="x")
    assert fake.calls[0].at >= before
    fake.clear()
    assert fake.calls == [] and fake.messages() == []
    assert "U1" in fake.users and "C1" in fake.channels
