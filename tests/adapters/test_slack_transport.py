"""The Slack transport resolves each neutral recipient to a channel (and thread), and fails for
good what no retry can fix: no channel for a role, no message for a thread, an unreadable
recipient. Through the real engine against the fake Slack."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from e2e.harness import Bot
from e2e.outbox_support import wait_states

from bot.ports import Address, ToPerson, ToRole, ToThread, encode_recipient
from storage.models import OutboxMessage

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _note(
    key: str, recipient: Address | str, now: datetime, kind: str = "message"
) -> OutboxMessage:
    payload = {
        "text_key": "inquiry.notify.progress",
        "params": {"number": 1, "title": "t", "note": f"[{key}]"},
        "bilingual": False,
    }
    encoded = recipient if isinstance(recipient, str) else encode_recipient(recipient)
    return OutboxMessage(
        idempotency_key=key,
        kind=kind,
        platform="slack",
        recipient=encoded,
        payload=json.dumps(payload),
        available_at=now,
        created_at=now,
    )


@sqlite_only
async def test_recipients_resolve_to_slack_places(bot: Bot) -> None:
    msg = await bot.user_message("UCUST", "C0INTAKE", "the export is broken")
    await bot.settle()
    now = bot.clock.now()
    async with bot.deps.sessions.begin() as session:
        session.add_all(
            [
                _note("dm", ToPerson("USTAFF2"), now),
                _note("triage", ToRole("triage"), now),
                _note("intake", ToRole("intake"), now),  # a list role: its first channel
                _note("thread", ToThread("inquiry", 1, "source"), now),
                _note("nowhere", ToThread("inquiry", 1, "card-of-nothing"), now),
                _note("garbled", "C0TRIAGE", now),  # no encoded form: unreadable
                _note("unknown kind", ToRole("reports"), now, kind="poem"),
            ]
        )
    bot.deps.outbox.kick()
    done = await wait_states(
        bot.deps.sessions,
        {
            "dm": "sent",
            "triage": "sent",
            "intake": "sent",
            "thread": "sent",
            "nowhere": "failed",
            "garbled": "failed",
            "unknown kind": "failed",
        },
    )
    errors = {r.idempotency_key: r.last_error for r in done if r.state == "failed"}
    assert "no Slack message" in errors["nowhere"]
    assert "unreadable" in errors["garbled"]
    assert "no Slack renderer" in errors["unknown kind"]
    assert any("[dm]" in text for text in bot.dm_texts("USTAFF2"))
    assert any("[triage]" in m["text"] for m in bot.posts("C0TRIAGE"))
    intake = [m for m in bot.posts("C0INTAKE") if "[intake]" in m["text"]]
    assert len(intake) == 1 and not intake[0].get("thread_ts")
    thread = [m for m in bot.posts("C0INTAKE") if "[thread]" in m["text"]]
    assert len(thread) == 1 and thread[0]["thread_ts"] == msg["ts"]
    posted = {m["text"] for m in bot.posts()}
    assert not any(f"[{k}]" in text for k in ("nowhere", "garbled") for text in posted)
