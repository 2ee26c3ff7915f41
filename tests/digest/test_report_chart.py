"""The monthly report's chart (issue 16): on Slack uploaded to the reports channel with the
external upload flow, through the outbox (a lost completion is looked for before uploading
again); on Teams carried inline in the report card, by its address when too large. The real
server, fake Slack / the Teams renderer, SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import copy
from datetime import datetime
from typing import Any

import pytest
from e2e.harness import Bot, start_bot
from e2e.world import KST, TEST_CONFIG

from bot.adapters.teams import report as teams_report
from bot.adapters.teams.cards import MAX_MESSAGE_BYTES, message_size
from bot.adapters.teams.render import RENDERERS
from bot.ports import Outgoing, ToRole
from bot.sandbox.fake_slack import _ApiError
from bot.scheduler import run_digest_job

BASE = "https://charter.example.test"


async def _post_report(bot: Bot) -> None:
    # Tuesday 2026-12-01, December's first business day, after the digest time
    bot.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=KST))
    await run_digest_job(bot.deps)
    await run_digest_job(bot.deps)  # once only
    await bot.settle()


def _shared(bot: Bot) -> list[dict[str, Any]]:
    return [m for m in bot.posts("C0REPORTS") if m.get("files")]


async def test_chart_uploaded_to_the_reports_channel(bot: Bot) -> None:
    await _post_report(bot)
    [share] = _shared(bot)
    [file] = share["files"]
    assert file["name"] == "charter-2026-11.png" and file["mimetype"] == "image/png"
    assert "2026-11" in share["text"] and "헌장 이행 결과" in share["text"]
    data = bot.fake.files[file["id"]]["data"]
    assert data.startswith(b"\x89PNG")
    [asked] = bot.fake.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "charter-2026-11.png"
    assert int(asked.args["length"]) == len(data) and asked.args["alt_txt"]
    [done] = bot.fake.calls_to("files.completeUploadExternal")
    assert done.args["channel_id"] == "C0REPORTS"
    assert done.args["initial_comment"] == share["text"]
    # the report itself has no link without `reports.url`, and no image by address
    [report] = [m for m in bot.posts("C0REPORTS") if not m.get("files")]
    assert "2026-11" in report["text"]
    assert not [b for b in report["blocks"] if b["type"] == "image"]


async def test_a_failed_completion_is_retried_once_shared(bot: Bot) -> None:
    bot.fake.fail("files.completeUploadExternal", status=500)  # Slack may have acted on it
    await _post_report(bot)
    assert len(_shared(bot)) == 1
    assert [c.status for c in bot.fake.calls_to("files.completeUploadExternal")] == [500, 200]
    # the retry looked for an earlier share before uploading again
    assert any(
        c.args.get("channel") == "C0REPORTS" for c in bot.fake.calls_to("conversations.history")
    )
    assert len(bot.fake.calls_to("files.getUploadURLExternal")) == 2


async def test_a_lost_answer_after_the_share_uploads_nothing_twice(bot: Bot) -> None:
    share = bot.fake._methods["files.completeUploadExternal"]
    answers: list[str] = []

    def share_then_err(args: dict[str, Any]) -> dict[str, Any]:
        result = share(args)
        answers.append("shared")
        if len(answers) == 1:  # Slack shared the file, then answered an internal error
            raise _ApiError("internal_error")
        return result

    bot.fake._methods["files.completeUploadExternal"] = share_then_err
    # message times follow the bot's clock, as Slack's follow the real one
    bot.fake.ts_clock = lambda: bot.clock.now().timestamp()
    await _post_report(bot)
    assert answers == ["shared"] and len(_shared(bot)) == 1
    assert len(bot.fake.calls_to("files.getUploadURLExternal")) == 1


@pytest.fixture
async def linked_bot(db_url: str) -> Any:
    config = copy.deepcopy(TEST_CONFIG)
    config["reports"] = {"public": True, "url": BASE}
    driver, stop = await start_bot(db_url, config)
    yield driver
    await stop()


async def _teams_card(bot: Bot) -> dict[str, Any]:
    item = Outgoing(
        key="report:2026-11@teams",
        kind="report",
        platform="teams",
        recipient=ToRole("reports"),
        payload={"month": "2026-11"},
        created_at=bot.clock.now(),
    )
    rendered = await RENDERERS["report"](bot.deps, item)
    assert rendered is not None
    return rendered.activity


def _images(activity: dict[str, Any]) -> list[str]:
    body = activity["attachments"][0]["content"]["body"]
    return [b["url"] for b in body if b.get("type") == "Image"]


async def test_teams_card_carries_the_chart_inline(linked_bot: Bot) -> None:
    activity = await _teams_card(linked_bot)
    [url] = _images(activity)
    head, _, data = url.partition(",")
    assert head == "data:image/png;base64"
    assert base64.b64decode(data).startswith(b"\x89PNG")
    assert message_size(activity) <= MAX_MESSAGE_BYTES
    assert f"{BASE}/reports/2026-11" in str(activity)  # the page's link stays


async def test_teams_card_falls_back_to_the_link_when_too_large(
    linked_bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teams_report, "CHART_DPI", 300)
    from bot.adapters.teams import render

    monkeypatch.setattr(render, "CHART_DPI", 300)
    activity = await _teams_card(linked_bot)
    assert _images(activity) == [f"{BASE}/reports/2026-11.png"]
    assert message_size(activity) <= MAX_MESSAGE_BYTES
