"""Teams delivery through the real outbox engine: the bot server in anonymous mode (Teams on,
conversation references saved from real install activities), the fake Bot Connector on a free
port recording every request; on SQLite and PostgreSQL.

Message, card and nudge rows reach a person's 1:1 chat, the triage channel and a reply chain;
a card is posted once and then updated in place (PUT of the same activity); failures are
classified (429 Retry-After, 412, 502/504 uncertain, permanent 4xx); an uncertain row is
re-sent at most once; a person Teams will not let the bot reach fails with the reason.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from e2e.harness import serve_local
from e2e.world import START, TEST_CONFIG, bot_env
from sqlmodel import col, select

from bot.adapters.teams.delivery import TeamsDelivery
from bot.app import build_runtime, build_web_app
from bot.clock import SettableClock
from bot.config import EnvSettings, parse_config
from bot.delivery.engine import DeliveryEngine, DeliverySettings
from bot.domain.inquiry import Actor, Kind
from bot.ports import MessageRef, ToPerson, ToRole, ToThread
from bot.sandbox.fake_teams import FakeConnector
from bot.services import inquiries as svc
from bot.services.inquiry_commands import delivery_failures
from bot.services.intake import make_draft
from bot.services.outbox import configured_platforms, enqueue_message, enqueue_nudges
from bot.services.refs import find_message, remember_message
from storage.migrate import upgrade_async
from storage.models import OutboxMessage
from teams.support import BOT_ID, TENANT, TeamsBot, installed, message

TRIAGE = "19:triage@thread.tacv2"
MINJI = "29:user-minji"  # installed the app personally (Korean Teams)
STRANGER = "29:user-stranger"  # staff in config, never talked to the bot
CONFIG: dict[str, Any] = {
    **TEST_CONFIG,
    "channels": {"teams": {"triage": TRIAGE}},
    "teams": [
        {
            "name": "HTS support",
            "manager": "UMANAGER",
            "members": ["USTAFF1", "USTAFF2", MINJI, STRANGER],
        }
    ],
}
# No pacing between posts (the engine's 1 s per conversation is tested with Slack); retries
# wait on the test's clock (moved by hand), after an unknown outcome at least the timeout.
FAST = DeliverySettings(channel_interval=0.0, backoff_base=1.0, timeout=5.0)


def team_installed(service_url: str, channel: str = TRIAGE) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the app is added to a team."""
    body = message("", service_url=service_url, user="29:user-admin", conversation=channel)
    body["conversation"]["conversationType"] = "channel"
    body.pop("text")
    body.update(
        type="conversationUpdate",
        membersAdded=[{"id": BOT_ID}],
        channelData={
            "tenant": {"id": TENANT},
            "team": {"id": channel, "name": "Support"},
            "eventType": "teamMemberAdded",
        },
    )
    return body


async def start(
    db_url: str, *, allow_create: bool = True, config: dict[str, Any] | None = None
) -> tuple[TeamsBot, Any]:
    connector = FakeConnector(allow_create=allow_create)
    await connector.start()
    await upgrade_async(db_url)
    env = bot_env("http://127.0.0.1:9/api/", db_url).model_copy(
        update={"TEAMS_ALLOW_ANONYMOUS": True}
    )
    runtime = build_runtime(
        env, parse_config(config or CONFIG), clock=SettableClock(START), delivery=FAST
    )
    runner, port = await serve_local(build_web_app(runtime, run_sender=False))
    http = aiohttp.ClientSession()
    bot = TeamsBot(runtime, connector, f"http://127.0.0.1:{port}", http)

    async def stop() -> None:
        await http.close()
        await runner.cleanup()
        await connector.stop()

    return bot, stop


@pytest.fixture
async def teams(db_url: str) -> AsyncIterator[TeamsBot]:
    bot, stop = await start(db_url)
    yield bot
    await stop()


async def install(bot: TeamsBot, *, team: bool = True) -> None:
    """Minji installs the app personally (Korean), and the app is added to the triage team."""
    status, _ = await bot.post(installed(bot.service_url, user=MINJI, name="Minji"))
    assert status in (200, 202)
    if team:
        status, _ = await bot.post(team_installed(bot.service_url))
        assert status in (200, 202)


async def drain(bot: TeamsBot, rounds: int = 20) -> None:
    for _ in range(rounds):
        if await bot.runtime.sender.deliver_due() == 0:
            return


async def row(bot: TeamsBot, key: str) -> OutboxMessage:
    async with bot.runtime.deps.sessions() as s:
        found = (
            await s.exec(select(OutboxMessage).where(col(OutboxMessage.idempotency_key) == key))
        ).one()
    return found


async def note(bot: TeamsBot, key: str, recipient: Any, **params: Any) -> None:
    """Queue a progress note (its text carries the key) for a Teams recipient."""
    async with bot.runtime.deps.sessions.begin() as session:
        await enqueue_message(
            session,
            key=key,
            recipient=recipient,
            platform="teams",
            text_key="inquiry.notify.progress",
            params={"number": 7, "title": "t", "note": f"note-{key}", **params},
            now=bot.runtime.deps.clock.now(),
        )


def texts(bot: TeamsBot, conversation: str) -> list[str]:
    return [str(m.get("text", "")) for m in bot.connector.messages(conversation)]


# ------------------------------------------------------------------------------ addressing


async def test_messages_reach_a_person_a_channel_and_a_reply_chain(teams: TeamsBot) -> None:
    await install(teams)
    deps = teams.runtime.deps
    async with deps.sessions.begin() as session:
        await remember_message(
            session,
            object_kind="inquiry",
            object_id=7,
            ref="source",
            message=MessageRef("teams", TRIAGE, "1700000000123"),
            now=deps.clock.now(),
        )
        await enqueue_message(
            session,
            key="assigned",
            recipient=ToPerson(MINJI),
            platform="teams",
            text_key="inquiry.notify.assigned",
            params={"number": 7, "user": MINJI},
            now=deps.clock.now(),
        )
    await note(teams, "triage", ToRole("triage"))
    await note(teams, "thread", ToThread("inquiry", 7, "source"))
    await note(teams, "hostile", ToPerson(MINJI), note="<at>Boss</at> **x** [y](http://e.vil)")
    await note(teams, "no role", ToRole("reports"))
    await note(teams, "no thread", ToThread("inquiry", 8, "source"))
    await drain(teams)

    dm = teams.connector.messages("a:personal-minji")
    assert len(dm) == 2
    mention = dm[0]
    # Korean (her locale), a real mention: the tag and its entity
    assert "<at>Minji</at>" in mention["text"] and "담당합니다" in mention["text"]
    assert mention["entities"] == [
        {"type": "mention", "text": "<at>Minji</at>", "mentioned": {"id": MINJI, "name": "Minji"}}
    ]
    hostile = dm[1]
    assert "<at>" not in hostile["text"] and "&lt;at&gt;Boss" in hostile["text"]
    assert "\\*\\*x\\*\\*" in hostile["text"] and "](http" not in hostile["text"]
    assert "entities" not in hostile
    channel = texts(teams, TRIAGE)
    assert len(channel) == 1 and "note-triage" in channel[0]
    assert "진행" in channel[0] and "progress" in channel[0]  # bilingual channel post
    replies = teams.connector.calls_of("reply")
    assert [(c.conversation_id, c.activity_id) for c in replies] == [
        (f"{TRIAGE};messageid=1700000000123", "1700000000123")
    ]
    assert "note-thread" in replies[0].body["text"]
    assert (await row(teams, "no role")).state == "failed"
    assert "no Teams channel configured for reports" in (await row(teams, "no role")).last_error
    assert "no Teams message" in (await row(teams, "no thread")).last_error


async def test_card_is_posted_once_then_updated_in_place(teams: TeamsBot) -> None:
    await install(teams)
    deps = teams.runtime.deps
    async with deps.sessions.begin() as session:
        draft = make_draft(
            kind=Kind.SUPPORT, title="로그인 **안됨**", requester_id="UCUST", via="command"
        )
        inquiry = (await svc.open_inquiry(session, deps, draft)).inquiry
    await drain(teams)
    sends = teams.connector.calls_of("send")
    assert [c.conversation_id for c in sends] == [TRIAGE]
    card = sends[0].body["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["body"][0]["text"].startswith(f"#{inquiry.number} 로그인 \\*\\*안됨")
    async with deps.reads() as session:
        ref = await find_message(session, "inquiry", inquiry.id or 0, "card", "teams")
    assert ref is not None and ref.conversation_id == TRIAGE

    async with deps.sessions.begin() as session:
        await svc.assign_inquiry(session, deps, inquiry.number, Actor("USTAFF1", True), MINJI)
    await drain(teams)
    updates = teams.connector.calls_of("update")
    assert [(c.conversation_id, c.activity_id) for c in updates] == [(TRIAGE, ref.message_id)]
    assert [c.conversation_id for c in teams.connector.calls_of("send")].count(TRIAGE) == 1
    shown = json.dumps(teams.connector.messages(TRIAGE)[0], ensure_ascii=False)
    assert "<at>Minji</at>" in shown and '"id": "29:user-minji"' in shown
    # the assignee heard of it in her 1:1 chat, in Korean
    assert any("#1" in t for t in texts(teams, "a:personal-minji"))


async def test_grouped_nudge_is_a_card_in_the_readers_language(teams: TeamsBot) -> None:
    await install(teams)
    deps = teams.runtime.deps
    item = {
        "number": 3,
        "title": "환불 <요청>",
        "obligation": "first_response",
        "kind": "deadline",
        "deadline": "12월 1일 (화) 15:00",
        "assignee": MINJI,
        "reminder": 11,
        "inquiry_id": 3,
    }
    async with deps.sessions.begin() as session:
        await enqueue_nudges(
            session, deps, [("nudge:1", ToPerson(MINJI), [item])], now=deps.clock.now()
        )
    await drain(teams)
    (sent,) = teams.connector.messages("a:personal-minji")
    card = sent["attachments"][0]["content"]
    body = json.dumps(card, ensure_ascii=False)
    assert "기한 알림" in body
    assert "\\\\<요청\\\\>" in body  # user text escaped in the card
    verbs = [
        a["verb"]
        for e in card["body"]
        if e["type"] == "Container"
        for a in e["items"][1]["actions"]
    ]
    assert "inquiry.snooze" in verbs


# ------------------------------------------------------------------------------ failures


@pytest.mark.parametrize(
    ("status", "retry_after", "uncertain"),
    [(429, "3", False), (412, None, False), (502, None, True), (504, None, True)],
)
async def test_retryable_failures(
    teams: TeamsBot, status: int, retry_after: str | None, uncertain: bool
) -> None:
    await install(teams)
    await note(teams, "n", ToRole("triage"))
    teams.connector.fail_next(status, retry_after=retry_after)
    await teams.runtime.sender.deliver_due()
    failed = await row(teams, "n")
    assert failed.state == "pending" and str(status) in failed.last_error
    assert failed.last_error.startswith("uncertain: ") is uncertain
    if status == 429:
        assert failed.attempts == 0  # "later" is no failed attempt
        wait = failed.available_at - teams.runtime.deps.clock.now()
        assert timedelta(seconds=1) < wait <= timedelta(seconds=3)  # Retry-After: 3
    else:
        assert failed.attempts == 1
    assert texts(teams, TRIAGE) == []  # the fake delivered nothing
    teams.runtime.deps.clock.advance(timedelta(seconds=30))
    teams.runtime.sender._last_post.clear()  # the 429 pause is in real time
    await drain(teams)
    assert (await row(teams, "n")).state == "sent"
    assert len(texts(teams, TRIAGE)) == 1


async def test_a_refusal_fails_for_good(teams: TeamsBot) -> None:
    await install(teams)
    await note(teams, "n", ToRole("triage"))
    teams.connector.fail_next(403)
    await drain(teams)
    failed = await row(teams, "n")
    assert failed.state == "failed" and "403" in failed.last_error
    assert len(teams.connector.calls_of("send")) == 1


async def test_uncertain_outcome_is_resent_at_most_once(teams: TeamsBot) -> None:
    await install(teams)
    clock = teams.runtime.deps.clock
    assert isinstance(clock, SettableClock)

    # the answer is lost once: one re-send, so the message may be there twice, never more
    await note(teams, "once", ToRole("triage"))
    teams.connector.lose_answer_next(1)
    await drain(teams)
    assert (await row(teams, "once")).last_error.startswith("uncertain: ")
    clock.advance(timedelta(seconds=10))  # past the request timeout
    await drain(teams)
    assert (await row(teams, "once")).state == "sent"
    assert texts(teams, TRIAGE).count(texts(teams, TRIAGE)[0]) == 2

    # lost twice: failed for good after the one re-send, and listed to admins
    await note(teams, "twice", ToRole("triage"))
    teams.connector.lose_answer_next(2)
    for _ in range(4):
        await drain(teams)
        clock.advance(timedelta(seconds=10))
    twice = await row(teams, "twice")
    assert twice.state == "failed" and "not sent a third time" in twice.last_error
    assert sum("note-twice" in t for t in texts(teams, TRIAGE)) == 2
    async with teams.runtime.deps.sessions() as session:
        failures = await delivery_failures(session)
    assert any(key == "twice@teams" or key == "twice" for key, _to, _e in failures.latest)

    # a certain failure of the re-send keeps the one re-send owed: still at most two copies
    await note(teams, "late", ToRole("triage"))
    teams.connector.lose_answer_next(1)
    await drain(teams)
    clock.advance(timedelta(seconds=10))
    teams.connector.fail_next(503)
    await teams.runtime.sender.deliver_due()
    late = await row(teams, "late")
    assert late.state == "pending" and late.last_error.startswith("uncertain: ")
    assert "503" in late.last_error
    clock.advance(timedelta(seconds=10))
    await drain(teams)
    assert (await row(teams, "late")).state == "sent"
    assert sum("note-late" in t for t in texts(teams, TRIAGE)) == 2


async def test_card_update_after_an_unknown_outcome_is_just_repeated(teams: TeamsBot) -> None:
    await install(teams)
    deps = teams.runtime.deps
    async with deps.sessions.begin() as session:
        draft = make_draft(kind=Kind.SUPPORT, title="t", requester_id="UCUST", via="command")
        number = (await svc.open_inquiry(session, deps, draft)).inquiry.number
    await drain(teams)
    async with deps.sessions.begin() as session:
        await svc.add_progress(session, deps, number, Actor("USTAFF1", True), "보는 중")
    teams.connector.lose_answer_next(2)  # an update is idempotent: no re-send budget
    for _ in range(3):
        await drain(teams)
        deps.clock.advance(timedelta(seconds=10))  # type: ignore[attr-defined]
    assert len(teams.connector.calls_of("send")) == 1
    assert len(teams.connector.calls_of("update")) == 3
    assert "보는 중" in json.dumps(teams.connector.messages(TRIAGE)[0], ensure_ascii=False)


# ------------------------------------------------------------------------------ not reachable


async def test_person_teams_will_not_let_us_reach_fails_with_the_reason(db_url: str) -> None:
    bot, stop = await start(db_url, allow_create=False)
    try:
        await install(bot)
        await note(bot, "stranger", ToPerson(STRANGER))
        await drain(bot)
        failed = await row(bot, "stranger")
        assert failed.state == "failed"
        assert "not reachable in Teams" in failed.last_error
        assert "does not allow the bot to start a chat" in failed.last_error
        # (their name and language were asked of the team first: a member look-up, 404)
        assert [c.op for c in bot.connector.calls] == ["member", "create_conversation"]
        async with bot.runtime.deps.sessions() as session:
            failures = await delivery_failures(session)
        assert failures.total == 1
        assert failures.latest[0][1] == f"person:{STRANGER}"
    finally:
        await stop()


async def test_a_new_person_gets_a_new_1_1_chat(teams: TeamsBot) -> None:
    await install(teams)
    await note(teams, "hello", ToPerson(STRANGER))
    await note(teams, "again", ToPerson(STRANGER))
    await drain(teams)
    assert (await row(teams, "again")).state == "sent"
    assert len(teams.connector.calls_of("create_conversation")) == 1  # stored, then reused
    assert len(texts(teams, f"a:fake-{STRANGER}")) == 2


async def test_no_team_installation_fails_channel_posts_clearly(teams: TeamsBot) -> None:
    await install(teams, team=False)
    await note(teams, "n", ToRole("triage"))
    await drain(teams)
    failed = await row(teams, "n")
    assert failed.state == "failed" and "never installed in a team" in failed.last_error
    assert teams.connector.calls == []


# ------------------------------------------------------------------------------ pacing


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_paced_within_teams_limits_per_conversation(teams: TeamsBot) -> None:
    from bot.adapters.teams.delivery import CONVERSATION_LIMITS, RateWindows

    await install(teams)
    ticks = Ticks()
    runtime = teams.runtime
    assert runtime.teams is not None
    transport = TeamsDelivery(
        runtime.deps,
        runtime.teams.http,
        conversation_limits=RateWindows(CONVERSATION_LIMITS, clock=ticks),
    )
    engine = DeliveryEngine(runtime.deps, {"teams": transport}, FAST)
    for n in range(9):
        await note(teams, f"n{n}", ToRole("triage"))
    for _ in range(12):
        await engine.deliver_due()
        engine._last_post.clear()  # the engine's own pause, real time: not what is tested
    assert len(texts(teams, TRIAGE)) == 7  # 7 in one second
    paced = await row(teams, "n7")
    assert paced.state == "pending" and paced.last_error.startswith("paced")
    assert paced.attempts == 0
    ticks.now += 1.01  # the 1 s window has room again, but 8 per 2 s allows one more only
    runtime.deps.clock.advance(timedelta(seconds=2))  # type: ignore[attr-defined]
    for _ in range(4):
        await engine.deliver_due()
        engine._last_post.clear()
    assert len(texts(teams, TRIAGE)) == 8
    assert not any(c.status == 429 for c in teams.connector.calls)


@pytest.mark.parametrize(
    ("times", "expected_wait"),
    [
        ([], 0.0),
        ([0.0] * 6, 0.0),  # 6 in the last second: a 7th fits
        ([0.0] * 7, 1.0),  # 7 in the last second: wait until the first leaves
        ([-1.5] + [-0.5] * 7, 0.5),  # 8 in 2 s: the oldest leaves the 2 s window in 0.5 s
        ([-29.0] * 60, 1.0),  # 60 in 30 s
    ],
)
def test_rate_windows(times: list[float], expected_wait: float) -> None:
    from bot.adapters.teams.delivery import CONVERSATION_LIMITS, RateWindows

    ticks = Ticks()
    windows = RateWindows(CONVERSATION_LIMITS, clock=ticks)
    for at in times:
        ticks.now = 100.0 + at
        windows.take("c")
    ticks.now = 100.0
    assert windows.wait("c") == pytest.approx(expected_wait)
    assert windows.wait("other") == 0.0


# ------------------------------------------------------------------------------ fan-out


def test_configured_platforms_follow_the_channel_tables_while_teams_is_on() -> None:
    both = parse_config({"channels": {"triage": "C0TRIAGE", "teams": {"triage": TRIAGE}}})
    teams_only = parse_config({"channels": {"teams": {"triage": TRIAGE, "intake": [TRIAGE]}}})
    on = EnvSettings(TEAMS_ALLOW_ANONYMOUS=True)
    off = EnvSettings(TEAMS_APP_ID="", TEAMS_ALLOW_ANONYMOUS=False)

    def platforms(config: Any, env: EnvSettings, role: Any) -> list[str]:
        return configured_platforms(SimpleNamespace(config=config, env=env), role)  # type: ignore[arg-type]

    assert platforms(both, on, "triage") == ["slack", "teams"]
    assert platforms(both, off, "triage") == ["slack"]  # nobody would deliver Teams rows
    assert platforms(both, on, "reports") == []
    assert platforms(teams_only, on, "triage") == ["teams"]
    assert platforms(teams_only, on, "intake") == ["teams"]


async def test_a_card_sync_queues_one_row_per_platform(db_url: str) -> None:
    config = {**CONFIG, "channels": {"triage": "C0TRIAGE", "teams": {"triage": TRIAGE}}}
    bot, stop = await start(db_url, config=config)
    try:
        deps = bot.runtime.deps
        async with deps.sessions.begin() as session:
            draft = make_draft(kind=Kind.SUPPORT, title="t", requester_id="UCUST", via="command")
            inquiry = (await svc.open_inquiry(session, deps, draft)).inquiry
        async with deps.sessions() as s:
            rows = (
                await s.exec(select(OutboxMessage).where(col(OutboxMessage.kind) == "card"))
            ).all()
        assert sorted((r.idempotency_key, r.platform, r.recipient) for r in rows) == [
            (f"card:{inquiry.id}:1", "slack", "role:triage"),
            (f"card:{inquiry.id}:1@teams", "teams", "role:triage"),
        ]
    finally:
        await stop()
