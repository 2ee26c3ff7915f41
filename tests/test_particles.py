"""Issue 17: Korean particles chosen from how the inserted word is read (a table), rendered
through the neutral markup's `{name:particle}` spec, and never hard-coded after a placeholder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.adapters.slack.text import SLACK, t
from bot.i18n import render_template
from bot.i18n.particles import attach, particle

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("word", "form", "expected"),
    [
        ("#40", "로", "#40으로"),  # 사십
        ("#41", "로", "#41로"),  # 사십일: ㄹ takes 로
        ("#42", "로", "#42로"),  # 사십이
        ("#43", "을", "#43을"),  # 사십삼
        ("#46", "은", "#46은"),  # 사십육
        ("#49", "가", "#49가"),  # 사십구
        ("#10", "가", "#10이"),  # 십
        ("#100", "를", "#100을"),  # 백
        ("#1000", "와", "#1000과"),  # 천
        ("#10000", "로", "#10000으로"),  # 만
        ("#0", "는", "#0은"),  # 영
        ("#7", "로", "#7로"),  # 칠
        ("3시", "가", "3시가"),
        ("3시", "으로", "3시로"),
        ("15:00", "이", "15:00가"),  # 열다섯 시
        ("15:30", "이", "15:30이"),  # … 삼십 분
        ("API", "가", "API가"),  # 에이피아이
        ("API", "로", "API로"),
        ("HTML", "로", "HTML로"),  # …엘
        ("CRM", "은", "CRM은"),  # …엠
        ("Login", "을", "Login을"),  # 로그인
        ("Login", "로", "Login으로"),
        ("Slack", "을", "Slack을"),  # 슬랙
        ("Google", "로", "Google로"),  # 구글: ㄹ
        ("Teams", "를", "Teams를"),  # 팀스
        ("미래에셋", "는", "미래에셋은"),
        ("미래에셋", "와", "미래에셋과"),
        ("규제", "은", "규제는"),
        ("서울", "으로", "서울로"),
        ("부산", "로", "부산으로"),
        ("'규제'", "은", "'규제'는"),
        ("12월 4일 (금)", "이", "12월 4일 (금)이"),  # the word before the parenthesis
        ("회의 (월)", "가", "회의 (월)가"),
        ("서울 (본사)", "이", "서울 (본사)이"),
        ("고객", "예요", "고객이에요"),
    ],
)
def test_particle_table(word: str, form: str, expected: str) -> None:
    assert attach(word, form) == expected


def test_unreadable_ends_give_both_forms() -> None:
    assert particle("???", "를") == "을(를)"
    assert particle("", "로") == "(으)로"


@pytest.mark.parametrize(
    ("template", "params", "expected"),
    [
        ("**#{number:으로}** 접수", {"number": 40}, "*#40으로* 접수"),
        ("**#{number:으로}** 접수", {"number": 41}, "*#41로* 접수"),
        ("'{kind:'은} 모릅니다", {"kind": "규제"}, "'규제'는 모릅니다"),
        ("{title:을} 배정", {"title": "<b>API"}, "&lt;b&gt;API를 배정"),
        ("{title:을} 배정", {"title": "Login"}, "Login을 배정"),
        ("{x:>5}", {"x": "ab"}, "   ab"),  # other specs keep their meaning
    ],
)
def test_markup_particle_spec(template: str, params: dict[str, object], expected: str) -> None:
    assert render_template(template, SLACK, params).text == expected


def test_catalogue_strings_pick_the_particle() -> None:
    assert "#40으로" in t("ko", "inquiry.notify.received", number=40, deadline="d")
    assert "#41로" in t("ko", "inquiry.notify.received", number=41, deadline="d")
    assert t("ko", "inquiry.error.bad_kind", kind="규제x").startswith("'규제x'는 ")
    assert t("ko", "inquiry.error.bad_kind", kind="미래에셋").startswith("'미래에셋'은 ")


PARTICLE = r"(?:은|는|이|가|을|를|으로|로|과|와|이에요|예요)"
PAIR = r"(?:은\(는\)|는\(은\)|을\(를\)|를\(을\)|이\(가\)|가\(이\)|\(으\)로|과\(와\)|와\(과\))"
# a placeholder (maybe inside bold or code, maybe quoted) then a fixed particle or a pair
FIXED_AFTER_PLACEHOLDER = re.compile(
    r"\{\w+\}(?:\*\*|`)?['’”\"]?\s?(" + PAIR + "|" + PARTICLE + r")(?=[\s.,:!?]|$)"
)


def test_no_korean_template_hard_codes_a_particle_after_a_placeholder() -> None:
    ko = json.loads((ROOT / "bot" / "i18n" / "ko.json").read_text("utf-8"))
    found = {k: m.group(0) for k, v in ko.items() if (m := FIXED_AFTER_PLACEHOLDER.search(v))}
    assert found == {}
    pairs = {k: v for k, v in ko.items() if re.search(PAIR, v)}
    assert pairs == {}, "write {name:particle} instead of a pair such as 을(를)"


# a placeholder, then a parenthesis, then a particle: the particle goes with the placeholder's
# word (`{visitor} ({at})를`), so it is fixed text after a value
AFTER_PARENTHESIS = re.compile(r"\{\w+\}(?:\*\*)?\s?\([^()]*\)(" + PARTICLE + r")(?=[\s.,:!?]|$)")
# the value written twice: once plain, once with its particle (`{id}{id:을}` → `1212를`)
WRITTEN_TWICE = re.compile(r"\{(\w+)\}\W{0,3}\{\1:")


def test_no_korean_template_writes_a_value_twice_or_fixes_a_particle_after_brackets() -> None:
    ko = json.loads((ROOT / "bot" / "i18n" / "ko.json").read_text("utf-8"))
    assert {k: v for k, v in ko.items() if AFTER_PARENTHESIS.search(v)} == {}
    assert {k: v for k, v in ko.items() if WRITTEN_TWICE.search(v)} == {}


@pytest.mark.parametrize(
    "bad",
    ["#{number} 은(는) 이미", "'{kind}' 는 알 수", "{deadline} 이 지났", "**#{number}** 로 접수"],
)
def test_the_check_finds_hard_coded_particles(bad: str) -> None:
    assert FIXED_AFTER_PLACEHOLDER.search(bad) or re.search(PAIR, bad)


@pytest.mark.parametrize(
    ("bad", "check"),
    [
        ("방문 {visitor} ({at})를 취소", AFTER_PARENTHESIS),
        ("전달 {id}{id:을} 버렸습니다", WRITTEN_TWICE),
        ("`{word}`{word:을} 알 수 없습니다", WRITTEN_TWICE),
    ],
)
def test_the_checks_find_values_written_twice_and_particles_after_brackets(
    bad: str, check: re.Pattern[str]
) -> None:
    assert check.search(bad)
    assert not check.search("공휴일({country})과 대체공휴일")
    assert t("ko", "dash.failure_discarded", id=12) == "전달 12를 버렸습니다."
