"""`/charter` end to end (issue 17): help, the SLAs in force, teams, roles, and a person's own
language, which every later message to them follows (answers and DMs); SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlmodel import select

from e2e.harness import Bot
from storage.models import PersonLanguage

HANGUL = re.compile("[가-힣]")


async def charter(bot: Bot, user: str, text: str) -> str:
    return await bot.reply_to(user, text, command="/charter")


async def test_help_in_the_readers_language_staff_see_their_commands(bot: Bot) -> None:
    ko = await charter(bot, "USTAFF1", "")
    assert "/charter 정책" in ko and "/charter 언어 한국어|영어|자동" in ko
    assert "/charter 팀" in ko and "/charter 역할" in ko  # staff commands
    en = await charter(bot, "UCUST", "help")
    assert "/charter policies" in en and "/charter language ko|en|auto" in en
    assert "/charter teams" not in en  # a customer gets no staff commands


async def test_policies_are_the_slas_in_force_in_korean_words(bot: Bot) -> None:
    ko = await charter(bot, "USTAFF1", "정책")
    assert "고객의소리: 검토 결과를 1영업일 안에 알려 드립니다." in ko
    assert "첫 응답은 15영업분 안에" in ko and "1영업시간 안에 예상 완료 시각" in ko
    assert "3영업일" in ko and "30일보다 오래 걸리는" in ko
    assert "마감 30일 전·7일 전·1일 전에 미리 알려 드립니다." in ko
    assert "월·화·수·목·금 09:00-12:00, 13:00-18:00 (Asia/Seoul)" in ko
    assert not re.search(r"\d(bd|bm|bh)\b", ko)  # no config units reach a Korean reader
    en = await charter(bot, "USTAFF2", "policies")
    assert "Voice of customer: the review result within 1bd." in en
    assert "warnings 30d, 7d, 1d before it" in en
    assert "Mon, Tue, Wed, Thu, Fri, 09:00-12:00, 13:00-18:00" in en
    assert not HANGUL.search(en.split("\n[")[0].replace("Asia/Seoul", ""))


async def test_teams_and_roles_for_staff_only(bot: Bot) -> None:
    teams = await charter(bot, "USTAFF1", "팀")
    assert "*HTS support*" in teams
    assert "팀 관리자 <@UMANAGER> · 구성원 <@USTAFF1>, <@USTAFF2>" in teams
    roles = await charter(bot, "UADMIN", "roles")
    assert "Admins: <@UADMIN>" in roles and "Reception: <@URECEPTION>" in roles
    assert "Team managers: <@UMANAGER>" in roles
    # a customer is refused in their own language, without an English word
    refused = await charter(bot, "UCUST2", "팀")
    assert "'팀'은 담당 직원(팀 구성원, 관리자)만 볼 수 있습니다." in refused
    assert not re.search("[A-Za-z]{3,}", refused.split("\n[")[0].replace("charter", ""))
    refused_en = await charter(bot, "UCUST", "roles")
    assert "Only staff" in refused_en and "'roles'" in refused_en


async def test_a_persons_own_language_wins_over_their_locale(bot: Bot) -> None:
    assert "지금 언어: 한국어 (Slack·Teams 설정을 따름)" in await charter(bot, "USTAFF1", "언어")
    answer = await charter(bot, "USTAFF1", "언어 영어")
    assert answer.startswith("From now on I write to you in English.")
    async with bot.deps.sessions() as s:
        rows = (await s.exec(select(PersonLanguage))).all()
    assert [(r.user_id, r.lang) for r in rows] == [("USTAFF1", "en")]
    # answers and DMs follow the choice although Slack says ko-KR
    created = await bot.reply_to("USTAFF1", "new support Printer jam")
    assert created.startswith("*#1* opened: Printer jam")
    await bot.reply_to("USTAFF2", "new support Another one <@USTAFF1>")
    await bot.settle()
    dm = bot.dm_texts("USTAFF1")[-1]
    assert "assigned *#2* Another one to you" in dm and not HANGUL.search(dm)
    assert "Your language: English (your own choice)" in await charter(bot, "USTAFF1", "language")
    # back to the locale
    back = await charter(bot, "USTAFF1", "language auto")
    assert back.startswith("이제부터 Slack·Teams 설정의 언어로 안내해 드립니다.")
    listed = await bot.reply_to("USTAFF1", "목록")
    assert HANGUL.search(listed.split("\n")[0])
    async with bot.deps.sessions() as s:
        assert (await s.exec(select(PersonLanguage))).all() == []


async def test_bad_charter_words_get_usage_in_the_readers_language(bot: Bot) -> None:
    ko = await charter(bot, "USTAFF1", "언어 일본어")
    assert ko.startswith("'일본어'는 고를 수 있는 언어가 아닙니다.")
    assert "사용법: `/charter 언어 한국어|영어|자동`" in ko
    en = await charter(bot, "UCUST", "reprot")
    assert en.startswith("There is no charter command 'reprot'.")
    refused = await charter(bot, "UCUST", "report")  # staff only, said in the reader's words
    assert "report" in refused and not HANGUL.search(refused)
