"""`charter …` / `헌장 …` typed to the bot in Teams (issue 17): the same subcommand table as
Slack's `/charter`, and a person's own language over their Teams locale for answers and the
messages the outbox sends them (the real server, the fake Bot Connector; SQLite and
PostgreSQL)."""

from __future__ import annotations

import re

from sqlmodel import select

from storage.models import PersonLanguage
from teams.inbound_world import ALEX, CUSTOMER, STAFF, ask, teams, text_of
from teams.support import TeamsBot

__all__ = ["teams"]  # the fixture

HANGUL = re.compile("[가-힣]")
MENTION_ALEX = {
    "type": "mention",
    "text": "<at>Alex</at>",
    "mentioned": {"id": ALEX, "name": "Alex"},
}


async def test_policies_in_korean_by_the_korean_command_name(teams: TeamsBot) -> None:
    answer = text_of(await ask(teams, "헌장 정책", locale="ko-KR"))
    assert "고객의소리: 검토 결과를 1영업일 안에 알려 드립니다." in answer
    assert "마감 30일 전·7일 전·1일 전에" in answer
    english = text_of(await ask(teams, "charter policies", locale="en-US"))
    assert "Voice of customer: the review result within 1bd." in english


async def test_help_teams_and_roles(teams: TeamsBot) -> None:
    helped = text_of(await ask(teams, "charter", locale="en-US"))
    assert "/charter teams" in helped
    listed = text_of(await ask(teams, "charter teams", locale="en-US"))
    # config names people by their Slack ids: Teams shows their Teams selves
    assert "**HTS support**" in listed and "Minji" in listed and "Alex" in listed
    assert "USTAFF1" not in listed
    refused = text_of(await ask(teams, "헌장 역할", user=CUSTOMER, locale="ko-KR"))
    assert "'역할'은 담당 직원(팀 구성원, 관리자)만 볼 수 있습니다." in refused


async def test_own_language_wins_over_the_teams_locale(teams: TeamsBot) -> None:
    set_ko = await ask(teams, "charter language ko", user=ALEX, locale="en-US")
    assert text_of(set_ko).startswith("이제부터 한국어로 안내해 드립니다.")
    async with teams.runtime.deps.sessions() as s:
        rows = (await s.exec(select(PersonLanguage).order_by(PersonLanguage.user_id))).all()
    # stored for the person under every id config knows them by (Slack too)
    assert sorted((r.user_id, r.lang) for r in rows) == [(ALEX, "ko"), ("USTAFF2", "ko")]
    created = await ask(teams, "inquiry new support Login fails", user=ALEX, locale="en-US")
    assert "**#1로** 등록했습니다" in text_of(created)
    # a message the outbox sends Alex is Korean too
    await ask(teams, "inquiry new support Printer jam", user=CUSTOMER)
    await ask(teams, "inquiry assign 2 <at>Alex</at>", entities=[MENTION_ALEX], user=STAFF)
    for _ in range(10):
        if not await teams.runtime.sender.deliver_due():
            break
    dms = [m for m in teams.connector.messages(f"a:personal-{ALEX}") if "#2" in str(m)]
    assert dms and HANGUL.search(str(dms[-1].get("text"))), dms
    back = await ask(teams, "헌장 언어 자동", user=ALEX, locale="en-US")
    assert text_of(back).startswith(
        "From now on I write to you in the language of your Slack or Teams setting."
    )
