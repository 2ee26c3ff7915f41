"""App Home dashboards per role: a manager's team board, an admin's delivery failures with
retry and discard (refused to anyone else), configuration and warnings; staff without
panels; refreshed after a change, within Slack's view limits."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from e2e.harness import Bot
from support.polling import eventually

from bot.sandbox.fake_slack import validate_view
from storage.models import OutboxMessage
from storage.repos.outbox import add_outbox_messages, get_outbox_message


async def _home(bot: Bot, user: str) -> dict[str, Any]:
    before = len(bot.fake.calls_to("views.publish"))
    await bot.event({"type": "app_home_opened", "user": user, "tab": "home"})
    await eventually(lambda: len(bot.fake.calls_to("views.publish")) > before)
    call = [c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == user][-1]
    view = call.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert validate_view(view, home_only=True) == []
    return view  # type: ignore[no-any-return]


def _text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


async def _failed_rows(bot: Bot, count: int) -> list[int]:
    now = bot.clock.now()
    rows = [
        OutboxMessage(
            idempotency_key=f"broken:{n}",
            kind="message",
            platform="slack",
            recipient="person:USTAFF1",
            payload=json.dumps({"text_key": "digest.empty", "params": {}}),
            state="failed",
            attempts=5,
            available_at=now,
            created_at=now,
            last_error="channel_not_found <!channel>",
        )
        for n in range(count)
    ]
    async with bot.deps.sessions.begin() as s:
        await add_outbox_messages(s, rows)
    async with bot.deps.sessions() as s:
        from storage.repos.outbox import list_failed_outbox

        return [r.id for r in await list_failed_outbox(s, limit=100) if r.id]


async def _click_home(bot: Bot, user: str, action_id: str, value: str) -> None:
    reply = await bot.interact(
        {
            "type": "block_actions",
            "team": {"id": "T0TEST"},
            "api_app_id": "A0TEST",
            "user": {"id": user, "username": user.lower(), "team_id": "T0TEST"},
            "container": {"type": "view", "view_id": "V0HOME"},
            "view": {"id": "V0HOME", "type": "home", "hash": "h"},
            "trigger_id": bot.fake.new_trigger_id(),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": f"outbox-{value}",
                    "value": value,
                    "type": "button",
                    "action_ts": str(time.time()),
                }
            ],
        }
    )
    assert reply.status == 200


async def test_manager_board_and_staff_without_panels(bot: Bot) -> None:
    await bot.reply_to("USTAFF1", "new support Login fails <@USTAFF1>")
    bot.clock.set(bot.clock.now() + timedelta(hours=2))
    text = _text(await _home(bot, "UMANAGER"))
    assert "팀 현황" in text and "HTS support" in text and "기한 초과 1" in text
    assert "전달 실패" not in text and "설정 요약" not in text
    text = _text(await _home(bot, "USTAFF1"))
    assert "팀 현황" not in text and "전달 실패" not in text


async def test_admin_failures_retry_discard_and_config(bot: Bot) -> None:
    ids = await _failed_rows(bot, 14)
    view = await _home(bot, "UADMIN")
    text = _text(view)
    assert "Delivery failures* (14)" in text and "Configuration" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "reports.url: empty" in text  # a check-config warning
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {e["action_id"] for e in buttons} == {"outbox-retry", "outbox-discard"}
    assert len(buttons) == 2 * 10  # the newest ten, each with retry and discard
    assert "and 4 more" in text
    newest = max(ids)
    # a staff member's forged click is refused and changes nothing
    await _click_home(bot, "USTAFF1", "outbox-retry", str(newest))
    await _click_home(bot, "UADMIN", "outbox-retry", str(newest))

    async def state(i: int) -> str:
        async with bot.deps.sessions() as s:
            row = await get_outbox_message(s, i)
            assert row is not None
            return row.state

    for _ in range(200):
        if await state(newest) != "failed":
            break
        await _sleep()
    assert await state(newest) in ("pending", "sending", "sent")
    await _click_home(bot, "UADMIN", "outbox-discard", str(min(ids)))
    for _ in range(200):
        if await state(min(ids)) != "failed":
            break
        await _sleep()
    assert await state(min(ids)) == "cancelled"
    # the Home is published again (debounced) without the rows acted on
    await eventually(
        lambda: (
            len([c for c in bot.fake.calls_to("views.publish") if c.args["user_id"] == "UADMIN"])
            >= 2
        ),
        timeout=10,
    )
    await _click_home(bot, "UADMIN", "outbox-retry", "12abc")  # forged: ignored


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.05)
