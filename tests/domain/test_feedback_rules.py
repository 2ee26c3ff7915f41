"""Survey, complaint and praise rules (bot.domain.feedback) and the `/survey` / `/feedback`
grammar (bot.domain.feedback_commands, bot.domain.when.parse_month), as tables."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.commands import UsageError
from bot.domain.feedback import (
    ComplaintStatus,
    Example,
    RewardState,
    SurveyRules,
    SurveySkip,
    SurveyToken,
    TokenProblem,
    awaiting_manager,
    check_rating,
    complaint_after,
    is_low,
    monthly_examples,
    read_token,
    reward_after_sent,
    reward_on_confirm,
    sign_token,
    summarize,
    survey_skip,
)
from bot.domain.feedback_commands import (
    FeedbackCommand,
    SurveyCommand,
    parse_complaint_ref,
    parse_feedback_command,
    parse_survey_command,
)
from bot.domain.when import parse_month

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
RULES = SurveyRules(sample=1.0, cooldown=timedelta(days=30), internal=False)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("rules", "staff", "reachable", "last", "resolutions", "draw", "expected"),
    [
        (RULES, False, True, None, [], 0.0, None),
        (RULES, True, True, None, [], 0.0, SurveySkip.INTERNAL),
        (SurveyRules(internal=True), True, True, None, [], 0.0, None),
        (RULES, False, False, None, [], 0.0, SurveySkip.NO_REQUESTER),
        (RULES, False, True, NOW - 29 * DAY, [], 0.0, SurveySkip.COOLDOWN),
        (RULES, False, True, NOW - 30 * DAY, [], 0.0, None),
        (RULES, False, True, None, [(NOW - 3 * DAY, NOW - 2 * DAY)], 0.0, SurveySkip.REOPENED),
        (RULES, False, True, None, [(NOW - 5 * DAY, NOW - 2 * DAY)], 0.0, None),
        (SurveyRules(sample=0.3), False, True, None, [], 0.29, None),
        (SurveyRules(sample=0.3), False, True, None, [], 0.3, SurveySkip.SAMPLED_OUT),
        (SurveyRules(sample=0.0), False, True, None, [], 0.0, SurveySkip.SAMPLED_OUT),
        (SurveyRules(sample=1.0), False, True, None, [], 0.999, None),
    ],
)
def test_survey_skip(
    rules: SurveyRules,
    staff: bool,
    reachable: bool,
    last: datetime | None,
    resolutions: list[tuple[datetime, datetime]],
    draw: float,
    expected: SurveySkip | None,
) -> None:
    assert (
        survey_skip(
            rules=rules,
            now=NOW,
            requester_is_staff=staff,
            reachable=reachable,
            last_survey_at=last,
            resolutions=resolutions,
            draw=draw,
        )
        == expected
    )


def test_sampling_follows_the_seeded_draws() -> None:
    rules = SurveyRules(sample=0.4)
    rng, replay = random.Random(42), random.Random(42)
    decisions = [
        survey_skip(
            rules=rules,
            now=NOW,
            requester_is_staff=False,
            reachable=True,
            last_survey_at=None,
            resolutions=[],
            draw=rng.random(),
        )
        for _ in range(50)
    ]
    assert decisions == [
        None if replay.random() < 0.4 else SurveySkip.SAMPLED_OUT for _ in range(50)
    ]
    assert 10 < decisions.count(None) < 30


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("5", 5),
        (4, 4),
        (" 3 ", 3),
        ("0", None),
        ("6", None),
        ("", None),
        ("٣", None),
        ("10", None),
        ("1.5", None),
        (None, None),
        (True, None),
    ],
)
def test_check_rating(value: object, expected: int | None) -> None:
    assert check_rating(value) == expected


def test_low_ratings() -> None:
    assert [r for r in range(1, 6) if is_low(r)] == [1, 2]


SECRET = "s3cret"
EXPIRES = NOW + 14 * DAY


def test_token_round_trip() -> None:
    token = sign_token(SECRET, 12, "abcdefghij", EXPIRES)
    assert read_token(SECRET, token, NOW) == SurveyToken(12, "abcdefghij", int(EXPIRES.timestamp()))


@pytest.mark.parametrize(
    ("mangle", "now", "expected"),
    [
        (lambda t: t, EXPIRES, TokenProblem.EXPIRED),
        (lambda t: t, EXPIRES + DAY, TokenProblem.EXPIRED),
        (lambda t: t[:-1], NOW, TokenProblem.MALFORMED),  # truncated
        (lambda t: t[:20], NOW, TokenProblem.MALFORMED),
        (lambda t: "", NOW, TokenProblem.MALFORMED),
        (lambda t: t + "A" * 300, NOW, TokenProblem.MALFORMED),  # huge
        (lambda t: "13" + t[2:], NOW, TokenProblem.FORGED),  # another survey
        (
            lambda t: t.replace(t.split(".")[1], str(int(EXPIRES.timestamp()) + 99999)),
            NOW,
            TokenProblem.FORGED,
        ),  # a later expiry
        (lambda t: sign_token("other", 12, "abcdefghij", EXPIRES), NOW, TokenProblem.FORGED),
        (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), NOW, TokenProblem.FORGED),
        (lambda t: "<script>." + t, NOW, TokenProblem.MALFORMED),
        (lambda t: t.replace(".", "/"), NOW, TokenProblem.MALFORMED),
    ],
)
def test_token_refusals(mangle: object, now: datetime, expected: TokenProblem) -> None:
    token = mangle(sign_token(SECRET, 12, "abcdefghij", EXPIRES))  # type: ignore[operator]
    assert read_token(SECRET, token, now) == expected


def test_no_secret_no_token() -> None:
    with pytest.raises(ValueError):
        sign_token("", 1, "abcdefghij", EXPIRES)
    assert (
        read_token("", sign_token(SECRET, 1, "abcdefghij", EXPIRES), NOW) == TokenProblem.MALFORMED
    )


O, C, A, D = (
    ComplaintStatus.OPEN,
    ComplaintStatus.CONFIRMED,
    ComplaintStatus.ACTIONED,
    ComplaintStatus.DISMISSED,
)


@pytest.mark.parametrize(
    ("action", "status", "expected"),
    [
        ("confirm", O, C),
        ("dismiss", O, D),
        ("confirm", C, None),
        ("confirm", D, None),
        ("dismiss", C, None),
        ("dismiss", A, None),
        ("action", O, None),  # confirm first
        ("action", C, A),
        ("action", A, A),  # a corrected action replaces the record
        ("action", D, None),
    ],
)
def test_complaint_state_machine(
    action: str, status: ComplaintStatus, expected: ComplaintStatus | None
) -> None:
    assert complaint_after(action, status) == expected


def test_rewards_and_what_the_manager_owes() -> None:
    assert reward_on_confirm(True) == RewardState.TO_SEND
    assert reward_on_confirm(False) == RewardState.NONE
    assert reward_after_sent(RewardState.TO_SEND) == RewardState.SENT
    assert reward_after_sent(RewardState.SENT) is None
    assert reward_after_sent(RewardState.NONE) is None
    assert [s for s in ComplaintStatus if awaiting_manager(s)] == [O, C]


def test_summarize() -> None:
    s = summarize([5, 4, None, 1, None, 5])
    assert (s.sent, s.answered, s.rate, s.average, s.distribution) == (
        6,
        4,
        4 / 6,
        3.75,
        (1, 0, 0, 1, 2),
    )
    empty = summarize([])
    assert (empty.sent, empty.rate, empty.average) == (0, 0.0, None)


def test_monthly_examples() -> None:
    praise = ["A", "A", "A", "B", "B", "C", "D", "D"]
    assert monthly_examples(praise, ["E"], top=2) == [
        Example("A", 3, False),
        Example("B", 2, False),
        Example("D", 2, False),  # tied at the cut: included
        Example("E", 0, True),
    ]
    assert monthly_examples([], []) == []
    assert monthly_examples(["A"], ["A"]) == [Example("A", 1, True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", (2026, 11)),
        ("2026.11", (2026, 11)),
        ("2026/3", (2026, 3)),
        ("2026년 11월", (2026, 11)),
        ("11월", (2026, 11)),
        ("12월", (2026, 12)),
        ("1월", (2026, 1)),
        ("nov", (2026, 11)),
        ("November 2025", (2025, 11)),
        ("이번달", (2026, 12)),
        ("this month", (2026, 12)),
        ("지난달", (2026, 11)),
        ("last month", (2026, 11)),
        ("13월", None),
        ("2026-13", None),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_month(text: str, expected: tuple[int, int] | None) -> None:
    assert parse_month(text, TODAY) == expected


def test_a_month_without_a_year_looks_back() -> None:
    assert parse_month("12월", date(2027, 1, 10)) == (2026, 12)
    assert parse_month("지난달", date(2027, 1, 10)) == (2026, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SurveyCommand("help")),
        ("도움말", SurveyCommand("help")),
        ("results", SurveyCommand("results")),
        ("결과", SurveyCommand("results")),
        ("결과 2026-11", SurveyCommand("results", (2026, 11))),
        ("통계 지난달", SurveyCommand("results", (2026, 11))),
        ("Results Nov 2025", SurveyCommand("results", (2025, 11))),
    ],
)
def test_parse_survey_command(text: str, expected: SurveyCommand) -> None:
    assert parse_survey_command(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [("결과 언젠가", "survey.error.bad_month"), ("delete", "feedback.error.unknown_subcommand")],
)
def test_survey_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_survey_command(text, TODAY)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", FeedbackCommand("help")),
        ("help", FeedbackCommand("help")),
        (
            "불만 <@U0STAFF1|민지> 전화 응대가 불친절했습니다",
            FeedbackCommand("complaint", user="U0STAFF1", text="전화 응대가 불친절했습니다"),
        ),
        ("complaint <@U0STAFF1> rude", FeedbackCommand("complaint", user="U0STAFF1", text="rude")),
        ("민원 <@29:abcd> 불친절", FeedbackCommand("complaint", user="29:abcd", text="불친절")),
        (
            "칭찬 <@U0STAFF2> 친절한 설명",
            FeedbackCommand("praise", user="U0STAFF2", text="친절한 설명"),
        ),
        (
            "모범 <@U0STAFF2> 신입 교육",
            FeedbackCommand("exemplary", user="U0STAFF2", text="신입 교육"),
        ),
        ("확인 K3 녹취로 확인", FeedbackCommand("confirm", ref=3, text="녹취로 확인")),
        ("confirm k3 verified", FeedbackCommand("confirm", ref=3, text="verified")),
        ("기각 3번 사실 아님", FeedbackCommand("dismiss", ref=3, text="사실 아님")),
        (
            "조치 K3 사과 전화 기한: 12월 4일",
            FeedbackCommand("action", ref=3, text="사과 전화", by=date(2026, 12, 4)),
        ),
        (
            "action K3 coaching by：tomorrow",
            FeedbackCommand("action", ref=3, text="coaching", by=date(2026, 12, 2)),
        ),
        ("조치 K3 사유: 응대 교육", FeedbackCommand("action", ref=3, text="사유: 응대 교육")),
        (
            "조치 K3 사유: 응대 교육 기한 : 12월 4일",
            FeedbackCommand("action", ref=3, text="사유: 응대 교육", by=date(2026, 12, 4)),
        ),
        ("발송 K3", FeedbackCommand("sent", ref=3)),
        ("sent #3 스타벅스 쿠폰", FeedbackCommand("sent", ref=3, text="스타벅스 쿠폰")),
        ("목록", FeedbackCommand("list")),
        ("보기 K12", FeedbackCommand("show", ref=12)),
    ],
)
def test_parse_feedback_command(text: str, expected: FeedbackCommand) -> None:
    assert parse_feedback_command(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("불만 내용만", "feedback.error.missing_user"),
        ("칭찬 <@U0STAFF1>", "feedback.error.missing_text"),
        ("확인", "complaint.error.missing_ref"),
        ("확인 X3 사유", "complaint.error.bad_ref"),
        ("확인 K3", "feedback.error.missing_text"),
        ("조치 K3 사과 기한: 언젠가", "complaint.error.bad_date"),
        ("보기 K3 더", "feedback.error.extra_words"),
        ("목록 전부", "feedback.error.extra_words"),
        ("삭제 K3", "feedback.error.unknown_subcommand"),
        ("불만 <@U0STAFF1> " + "가" * 2001, "feedback.error.too_long"),
        ("x" * 3001, "feedback.error.too_long"),
    ],
)
def test_feedback_usage_errors(text: str, key: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_feedback_command(text, TODAY)
    assert err.value.key == key


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("K3", 3),
        ("k3", 3),
        ("3", 3),
        ("#3", 3),
        ("3번", 3),
        ("K", None),
        ("KK3", None),
        ("V3", None),
    ],
)
def test_parse_complaint_ref(token: str, expected: int | None) -> None:
    assert parse_complaint_ref(token) == expected
