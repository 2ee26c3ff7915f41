"""`inquiry …` typed to the bot in Teams: every subcommand reaches the command service and is
answered in the conversation (the real server in anonymous mode, the fake Bot Connector; on
SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from teams.inbound_world import (
    ADMIN,
    ALEX,
    CUSTOMER,
    STAFF,
    act,
    actions_of,
    ask,
    card_in,
    inquiries,
    invoke,
    quiet,
    said,
    teams,
    text_of,
)
from teams.support import TeamsBot

__all__ = ["teams"]  # the fixture


async def test_a_customer_opens_an_inquiry_in_korean(teams: TeamsBot) -> None:
    answer = await ask(teams, "inquiry new support 로그인 안됨", user=CUSTOMER, locale="ko-KR")
    assert "**#1로**" in answer["text"] and "접수되었습니다" in answer["text"]
    [row] = await inquiries(teams)
    assert (row.number, row.kind, row.title, row.requester_id) == (
        1,
        "support",
        "로그인 안됨",
        CUSTOMER,
    )
    call = teams.connector.calls[0]
    assert call.op == "reply" and call.conversation_id == f"a:personal-{CUSTOMER}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inquiry list open", "#1"),
        ("inquiry eta 1 +2h", "ETA set to"),
        ("inquiry progress 1 checking the logs", "Progress report on **#1** sent."),
        ("inquiry milestone 1 2026-12-10 patch ready", "milestone added: Thu 10 Dec — patch ready"),
        ("inquiry hold 1 waiting for the customer", "on hold"),
        ("inquiry resolve 1 fixed the login", "**#1** resolved."),
    ],
)
async def test_every_staff_subcommand(teams: TeamsBot, text: str, expected: str) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    answer = await ask(teams, text)
    assert expected in text_of(answer)


async def test_resume_and_reopen(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    await ask(teams, "inquiry hold 1 waiting")
    assert "**#1** resumed." in (await ask(teams, "inquiry resume 1"))["text"]
    await ask(teams, "inquiry resolve 1 done")
    # the requester reopens their own inquiry
    answer = await ask(teams, "inquiry reopen 1 still broken", user=CUSTOMER)
    assert answer["text"] == "**#1** reopened."
    [row] = await inquiries(teams)
    assert row.status == "in_progress"


async def test_assign_by_mention(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    mention = {
        "type": "mention",
        "text": "<at>Alex</at>",
        "mentioned": {"id": ALEX, "name": "Alex"},
    }
    await ask(teams, "hello", user=ALEX)  # Alex wrote once: the bot knows their name
    answer = await ask(teams, "inquiry assign 1 <at>Alex</at>", entities=[mention])
    assert answer["text"] == "**#1** assigned to <at>Alex</at>"
    assert answer["entities"] == [
        {"type": "mention", "text": "<at>Alex</at>", "mentioned": {"id": ALEX, "name": "Alex"}}
    ]
    [row] = await inquiries(teams)
    assert row.assignee_id == ALEX


async def test_show_is_a_card_with_the_viewers_buttons_and_history(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    await ask(teams, "inquiry progress 1 looking")
    answer = await ask(teams, "inquiry show 1")
    card = card_in(answer)
    assert card["version"] == "1.5" and "#1 Login fails" in text_of(answer)
    verbs = [a["verb"] for a in actions_of(card)]
    assert verbs == [
        "inquiry.assign_me",
        "inquiry.set_eta",
        "inquiry.progress",
        "inquiry.transfer",
        "inquiry.resolve",
    ]
    assert all(a["data"] == {"number": 1, "view": "show"} for a in actions_of(card))
    assert "looking" in text_of(answer)


async def test_customer_show_and_list(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    shown = await ask(teams, "inquiry show 1", user=CUSTOMER)
    assert "#1 Login fails" in text_of(shown) and actions_of(card_in(shown)) == []
    listed = await ask(teams, "inquiry list", user=CUSTOMER)
    assert "#1" in text_of(listed) and "Login fails" in text_of(listed)


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("문의 새 support 로그인 안됨", "ko-KR", "**#1로** 등록했습니다"),
        ("문의 목록 open", "ko-KR", "#1"),
        ("문의 보기 1", "ko-KR", "#1"),
        ("문의 진행 1 확인 중", "ko-KR", "진행 보고를 보냈습니다"),
    ],
)
async def test_korean_aliases(teams: TeamsBot, text: str, locale: str, expected: str) -> None:
    if "새" not in text:
        await ask(teams, "inquiry new support 로그인 안됨", user=CUSTOMER)
    answer = await ask(teams, text, locale=locale)
    assert expected in text_of(answer)


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        ("inquiry show 99", STAFF, "No such inquiry #99."),
        ("inquiry frobnicate", STAFF, "Unknown subcommand 'frobnicate'."),
        ("inquiry eta 1", STAFF, "inquiry eta"),  # the usage of eta
        ("inquiry resolve 1 done", CUSTOMER, "only staff"),
        ("inquiry list all", CUSTOMER, "Only staff"),
        ("inquiry assign 1 Alex", STAFF, "inquiry assign"),
    ],
)
async def test_bad_input_gets_usage_or_a_refusal(
    teams: TeamsBot, text: str, user: str, expected: str
) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    answer = await ask(teams, text, user=user)
    assert expected in answer["text"]
    assert len(await inquiries(teams)) == 1


async def test_inquiry_alone_opens_the_new_inquiry_form(teams: TeamsBot) -> None:
    card = card_in(await ask(teams, "inquiry"))
    ids = [e.get("id") for e in card["body"]]
    assert {"kind", "title", "detail", "due"} <= set(ids)
    [submit] = actions_of(card)
    assert submit["verb"] == "inquiry.new"


async def test_help_for_admins_says_how_delivery_goes(teams: TeamsBot) -> None:
    staff = await ask(teams, "help")
    assert "inquiry assign" in staff["text"] and "notification" not in staff["text"]
    admin = await ask(teams, "help", user=ADMIN)
    assert "Every notification was delivered." in admin["text"]
    customer = await ask(teams, "help", user=CUSTOMER)
    assert "inquiry assign" not in customer["text"]


async def test_a_redelivered_command_acts_and_answers_once(teams: TeamsBot) -> None:
    await ask(teams, "inquiry new support Login fails", user=CUSTOMER)
    body = {"activity_id": "1701000000555"}
    await ask(teams, "inquiry resolve 1 fixed", **body)
    status, _ = await teams.post(said(teams, "inquiry resolve 1 fixed", **body))
    assert status in (200, 202)
    await quiet()
    replies = [c for c in teams.connector.calls if c.activity_id == "1701000000555"]
    assert len(replies) == 1


async def test_hostile_text_mentions_nobody_and_injects_no_markup(teams: TeamsBot) -> None:
    title = '<at>Alex</at> **bold** [x](http://evil) </p>"}]} &amp;'
    answer = await ask(teams, f"inquiry new support {title}", user=CUSTOMER)
    assert "entities" not in answer
    shown = await ask(teams, "inquiry show 1")
    card = card_in(shown)
    # the requester (whose name the bot knows) is the one person mentioned
    assert [e["mentioned"]["id"] for e in card["msteams"]["entities"]] == [CUSTOMER]
    heading = card["body"][0]["text"]
    assert "<at>" not in heading and "</" not in heading  # no tag survives (Slack's rule)
    assert "\\*\\*bold\\*\\*" in heading and "\\[x\\]\\(http://evil\\)" in heading


async def test_an_unexpected_failure_is_answered_with_a_reference(
    teams: TeamsBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import handlers.teams.actions
    import handlers.teams.commands

    async def broken(*_args: object) -> None:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(handlers.teams.commands, "run_inquiry_command", broken)
    monkeypatch.setattr(handlers.teams.actions, "perform", broken)
    answer = await ask(teams, "inquiry list")
    assert answer["text"].startswith("Something went wrong. Give your admin the reference")
    assert "database" not in answer["text"]
    body = invoke(teams, "inquiry.assign_me", {"number": 1})
    response = await act(teams, body)
    assert response["type"] == "application/vnd.microsoft.activity.message"
    assert response["value"].startswith("Something went wrong.")
