"""Slack's writing of the neutral catalogue: exactly the strings the bot sent before the
catalogue became platform-neutral, and no way for user text to inject mrkdwn syntax."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.slack.text import SLACK, both, escape, mention, t, t_plain
from bot.i18n import LANGS, Link, catalogue, placeholders, render, render_template

TITLE = "Login <fails> & *stuck*"
WHEN = "Tue 1 Dec, 15:00"

# Expected strings written by the mrkdwn catalogue's `t` (before the neutral markup), for
# templates with bold, code, literal `<`/`>`, people, lists of people and channels.
SLACK_TEXTS: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "en",
        "inquiry.help",
        {},
        '*`/inquiry` commands* (in Teams, type `inquiry …` or `문의 …` to the bot)\n`/inquiry` open the new-inquiry form\n`/inquiry help` this help\n`/inquiry new &lt;kind&gt; &lt;title…&gt; [customer: name] [due: date] [@user]` — kinds: voc (`고객의 소리`) · support (`지원`) · request (`요청`) · regulatory (`규제`, `제도`)\n`/inquiry list [mine|team|open|overdue|all]`\n`/inquiry show &lt;number&gt;` — number: `42`, `#42`, `42번`, `제42호`\n`/inquiry assign &lt;number&gt; @user`\n`/inquiry transfer &lt;number&gt; @user [reason…]` — hands it over with its whole context (a handoff card); the customer is told they need not repeat anything\n`/inquiry eta &lt;number&gt; &lt;date [time] | time | +duration&gt;`\n`/inquiry progress &lt;number&gt; &lt;note…&gt;`\n`/inquiry milestone &lt;number&gt; &lt;date&gt; &lt;stage…&gt;`\n`/inquiry hold &lt;number&gt; &lt;reason…&gt;` · `/inquiry resume &lt;number&gt;`\n`/inquiry resolve &lt;number&gt; &lt;resolution…&gt;` · `/inquiry reopen &lt;number&gt; &lt;reason…&gt;`\nEvery keyword has a Korean alias (새, 목록, 보기, 배정, 이관, 예상, 진행, 단계, 보류, 재개, 해결, 재오픈; 내것, 팀, 열린, 지연, 전체; 고객:, 마감:). Write `customer:` as `customer: name`, `customer : name` or with a full-width colon. An unknown `field:` is an error, never part of the title; put a title with a colon in "quotes".\n*Dates and times* dates: `2026-12-31` `2026.12.31` `12/31` `Dec 31` `today` `tomorrow` `friday` `next monday` `내일` `12월 31일` · times: `15:00` `3pm` `15시` `오후 3시` · durations: `+2h` `+30m` `+1d` `+3bd` `+2시간` `+3영업일`\nA date on a day off (weekend, holiday) is refused with the working days around it; to keep it anyway, add `!` (`due: Dec 25!`).\nA date without a year is the next one to come; a weekday alone is the next such day. An hour from 1 to 6 without am/pm is in the afternoon (`3시` = 15:00). A time alone is today. Every date and time is on the company calendar\'s time zone.\nThe SLAs in force, teams, roles and your language: `/charter help`.\n*Examples* (when today is Monday 30 November 2026)\n`new support Login fails customer: Mirae due: Dec 4` = `new support Login fails customer:Mirae due:2026-12-04`\n`list open` = `list open`\n`show #42` = `show 42`\n`eta 42 tomorrow 3pm` = `eta 42 2026-12-01 15:00`\n`eta 42 next monday` = `eta 42 2026-12-07`\n`eta 42 fri 15:30` = `eta 42 2026-12-04 15:30`\n`eta 42 +2h` = `eta 42 +2h`\n`milestone 42 12/4 Design review` = `milestone 42 2026-12-04 Design review`',
    ),
    (
        "ko",
        "inquiry.help",
        {},
        '*`/inquiry` 명령* (Teams에서는 봇에게 `문의 …` 또는 `inquiry …`로 입력)\n`/inquiry` 새 문의 양식 열기\n`/inquiry 도움말` 이 안내 보기\n`/inquiry 새 &lt;유형&gt; &lt;제목…&gt; [고객: 고객사] [마감: 날짜] [@담당자]` — 유형: 고객의소리(`고객의 소리`, voc) · 지원문의(`지원`, support) · 개선요청(`요청`, request) · 제도변경(`규제`, `제도`, regulatory)\n`/inquiry 목록 [내것|팀|열린|지연|전체]`\n`/inquiry 보기 &lt;번호&gt;` — 번호: `42`, `#42`, `42번`, `제42호`\n`/inquiry 배정 &lt;번호&gt; @담당자`\n`/inquiry 이관 &lt;번호&gt; @담당자 [사유…]` (`인계`) — 지금까지의 맥락을 담은 인계 카드와 함께 넘기고, 고객에게는 다시 설명할 필요가 없다고 알립니다\n`/inquiry 예상 &lt;번호&gt; &lt;날짜 [시각] | 시각 | +기간&gt;`\n`/inquiry 진행 &lt;번호&gt; &lt;내용…&gt;`\n`/inquiry 단계 &lt;번호&gt; &lt;날짜&gt; &lt;단계…&gt;`\n`/inquiry 보류 &lt;번호&gt; &lt;사유…&gt;` · `/inquiry 재개 &lt;번호&gt;`\n`/inquiry 해결 &lt;번호&gt; &lt;해결 내용…&gt;` · `/inquiry 재오픈 &lt;번호&gt; &lt;사유…&gt;`\n영어 명령어(new, list, show, assign, transfer, eta, progress, milestone, hold, resume, resolve, reopen, mine, team, open, overdue, all, customer:, due:)도 그대로 쓸 수 있습니다. `고객:`은 `고객: 이름`, `고객 : 이름`, `고객：이름`처럼 띄어 써도 됩니다. 모르는 `항목:`은 제목에 넣지 않고 오류로 알려 드립니다. 제목에 쌍점을 쓰려면 "따옴표"로 감싸세요.\n*날짜·시각* 날짜: `2026-12-31` `2026.12.31` `12/31` `12월 31일` `오늘` `내일` `모레` `금요일` `다음주 월요일` · 시각: `15:00` `15시` `15시 30분` `오후 3시` · 기간: `+2시간` `+30분` `+1일` `+3영업일`\n쉬는 날(주말·공휴일)인 날짜는 앞뒤 영업일을 알려 드리고 받지 않습니다. 그래도 그 날로 하려면 날짜 뒤에 `!`를 붙이세요(`마감: 12월 25일!`).\n연도가 없는 날짜는 다가오는 날짜, 요일만 쓰면 다음 그 요일입니다. 오전·오후 없이 1시부터 6시까지는 오후입니다(`3시` = 15:00). 시각만 쓰면 오늘입니다. 모든 날짜와 시각은 회사 업무 달력의 시간대 기준입니다.\n처리 기한(SLA), 팀과 역할, 언어 설정은 `/charter 도움말`에서 볼 수 있습니다.\n*예시* (오늘이 2026년 11월 30일 월요일일 때)\n`새 고객의 소리 응대 불만 고객: 미래에셋` = `new voc 응대 불만 customer:미래에셋`\n`등록 규제 약관 개정 마감: 12월 31일` = `new regulatory 약관 개정 due:2026-12-31`\n`목록 지연` = `list overdue`\n`보기 제42호` = `show 42`\n`예상 42번 내일 오후 3시` = `eta 42 2026-12-01 15:00`\n`예상 #42 다음주 월요일` = `eta 42 2026-12-07`\n`예상 42 금요일 15시 30분` = `eta 42 2026-12-04 15:30`\n`예상 42 +3영업일` = `eta 42 +3bd`\n`단계 42 12월 4일 설계 검토` = `milestone 42 2026-12-04 설계 검토`',
    ),
    (
        "en",
        "inquiry.usage.eta",
        {},
        "Usage: `/inquiry eta &lt;number&gt; &lt;date [time] | time | +duration&gt;` — e.g. `tomorrow 3pm`, `2026-12-04 15:00`, `15:00`, `+2h`, `+3bd`",
    ),
    (
        "ko",
        "inquiry.usage.new",
        {},
        "사용법: `/inquiry 새 &lt;유형&gt; &lt;제목…&gt; [고객: 고객사] [마감: 날짜] [@담당자]`",
    ),
    (
        "en",
        "inquiry.created",
        {"number": 12, "title": TITLE, "deadline": WHEN},
        "*#12* opened: Login &lt;fails&gt; &amp; *stuck*\nDeadline: Tue 1 Dec, 15:00",
    ),
    (
        "ko",
        "inquiry.created",
        {"number": 12, "title": TITLE, "deadline": WHEN},
        "*#12로* 등록했습니다: Login &lt;fails&gt; &amp; *stuck*\n기한: Tue 1 Dec, 15:00",
    ),
    ("en", "inquiry.assigned", {"number": 12, "user": "U0STAFF1"}, "*#12* assigned to <@U0STAFF1>"),
    (
        "en",
        "inquiry.assigned",
        {"number": 12, "user": "<!channel>"},
        "*#12* assigned to &lt;!channel&gt;",
    ),
    ("en", "inquiry.assigned", {"number": 12, "user": None}, "*#12* assigned to -"),
    (
        "en",
        "inquiry.notify.assigned_to_you",
        {"actor": "U0MANAGER", "number": 12, "title": TITLE, "deadline": WHEN},
        "<@U0MANAGER> assigned *#12* Login &lt;fails&gt; &amp; *stuck* to you. Deadline: Tue 1 Dec, 15:00",
    ),
    (
        "en",
        "inquiry.error.not_assignable",
        {"user": "U0CUST", "assignable_users": ["U0STAFF1", "W0STAFF2"]},
        "<@U0CUST> cannot be assigned inquiries. Only team members may be assigned: <@U0STAFF1>, <@W0STAFF2>",
    ),
    (
        "ko",
        "inquiry.error.not_assignable",
        {"user": "dana & co", "assignable_users": []},
        "dana &amp; co 님에게는 문의를 배정할 수 없습니다. 담당자는 팀 구성원만 될 수 있습니다: -",
    ),
    (
        "en",
        "nudge.error.not_yours",
        {"number": 3, "owner_user": "U0STAFF1"},
        "This reminder about #3 was sent to <@U0STAFF1>: only they may snooze it.",
    ),
    (
        "en",
        "inquiry.notify.milestones_needed",
        {"number": 7, "title": TITLE},
        "*#7* Login &lt;fails&gt; &amp; *stuck* takes more than a month: add its major stages with `/inquiry milestone 7 &lt;date&gt; &lt;stage&gt;` so the requester gets interim progress reports.",
    ),
    (
        "en",
        "history.line",
        {"at": "2026-11-30 09:00", "actor": "U0STAFF1", "what": "opened"},
        "`2026-11-30 09:00` <@U0STAFF1> opened",
    ),
    ("ko", "list.heading", {"scope": "내 담당", "total": 3}, "*내 담당* 문의 3건 (기한 순)"),
    (
        "en",
        "customer.line",
        {"number": 12, "title": TITLE, "status": "New"},
        "• *#12* Login &lt;fails&gt; &amp; *stuck* · New",
    ),
    ("ko", "home.list.mine", {"total": 2}, "*내 담당* (2)"),
    (
        "en",
        "sandbox.welcome",
        {"channel": "C0INTAKE"},
        "👋 *Welcome to the charterbot sandbox.* This workspace is pretend; the bot is real. This note comes from the sandbox, not from the bot.\n• *Try:* switch *Acting as* (top) to *dana*, the customer, and post a question in <#C0INTAKE>: it becomes an inquiry card in #triage.\n• Type `/inquiry` for the form, `/inquiry help` for every command.\n• Use the clock bar (top, +15 min, +1 h, …) to move time and see deadlines, nudges and escalations arrive.",
    ),
    (
        "ko",
        "sandbox.welcome",
        {"channel": "#intake"},
        "👋 *charterbot 샌드박스에 오신 것을 환영합니다.* 이 워크스페이스는 연습용이고 봇은 진짜입니다. 이 안내는 샌드박스가 보낸 것이며 봇의 메시지가 아닙니다.\n• *해 보기:* 위쪽 *현재 사용자*를 고객 *dana*로 바꾸고 #intake에 질문을 올려 보세요. #triage에 문의 카드가 생깁니다.\n• `/inquiry`를 입력하면 등록 양식이, `/inquiry help`를 입력하면 모든 명령이 나옵니다.\n• 위쪽 시계 막대(+15분, +1시간 …)로 시간을 옮기면 기한, 알림, 에스컬레이션이 어떻게 오는지 볼 수 있습니다.",
    ),
    (
        "en",
        "error.unexpected",
        {"ref": "E-1a2b"},
        "Something went wrong. Give your admin the reference `E-1a2b`.",
    ),
    (
        "ko",
        "nudge.line_escalated",
        {"number": 12, "title": TITLE, "owed": "첫 응답", "assignee": "U0STAFF1"},
        "• 🔺 *#12* Login &lt;fails&gt; &amp; *stuck* — 첫 응답 (담당: <@U0STAFF1>)",
    ),
    ("en", "status.new", {}, "New"),
    ("en", "deadline.none", {}, ""),
    (
        "ko",
        "inquiry.error.bad_kind",
        {"kind": "<!here>"},
        "'&lt;!here&gt;'는 알 수 없는 유형입니다. 고객의소리, 지원문의, 개선요청, 제도변경(voc, support, request, regulatory) 중 하나를 쓰세요.",
    ),
    (
        "en",
        "card.latest_progress",
        {"at": WHEN, "actor": None, "note": "see <http://evil|here>"},
        "📝 Latest progress (Tue 1 Dec, 15:00, -): see &lt;http://evil|here&gt;",
    ),
    (
        "en",
        "list.more",
        {"count": 4},
        "4 more not shown. Use `/inquiry show &lt;number&gt;` for details.",
    ),
]

# t_plain: labels, placeholders left as written (as the mrkdwn catalogue held them)
PLAIN_TEXTS: list[tuple[str, str, str]] = [
    (
        "ko",
        "inquiry.help",
        '*`/inquiry` 명령* (Teams에서는 봇에게 `문의 …` 또는 `inquiry …`로 입력)\n`/inquiry` 새 문의 양식 열기\n`/inquiry 도움말` 이 안내 보기\n`/inquiry 새 &lt;유형&gt; &lt;제목…&gt; [고객: 고객사] [마감: 날짜] [@담당자]` — 유형: 고객의소리(`고객의 소리`, voc) · 지원문의(`지원`, support) · 개선요청(`요청`, request) · 제도변경(`규제`, `제도`, regulatory)\n`/inquiry 목록 [내것|팀|열린|지연|전체]`\n`/inquiry 보기 &lt;번호&gt;` — 번호: `42`, `#42`, `42번`, `제42호`\n`/inquiry 배정 &lt;번호&gt; @담당자`\n`/inquiry 이관 &lt;번호&gt; @담당자 [사유…]` (`인계`) — 지금까지의 맥락을 담은 인계 카드와 함께 넘기고, 고객에게는 다시 설명할 필요가 없다고 알립니다\n`/inquiry 예상 &lt;번호&gt; &lt;날짜 [시각] | 시각 | +기간&gt;`\n`/inquiry 진행 &lt;번호&gt; &lt;내용…&gt;`\n`/inquiry 단계 &lt;번호&gt; &lt;날짜&gt; &lt;단계…&gt;`\n`/inquiry 보류 &lt;번호&gt; &lt;사유…&gt;` · `/inquiry 재개 &lt;번호&gt;`\n`/inquiry 해결 &lt;번호&gt; &lt;해결 내용…&gt;` · `/inquiry 재오픈 &lt;번호&gt; &lt;사유…&gt;`\n영어 명령어(new, list, show, assign, transfer, eta, progress, milestone, hold, resume, resolve, reopen, mine, team, open, overdue, all, customer:, due:)도 그대로 쓸 수 있습니다. `고객:`은 `고객: 이름`, `고객 : 이름`, `고객：이름`처럼 띄어 써도 됩니다. 모르는 `항목:`은 제목에 넣지 않고 오류로 알려 드립니다. 제목에 쌍점을 쓰려면 "따옴표"로 감싸세요.\n*날짜·시각* 날짜: `2026-12-31` `2026.12.31` `12/31` `12월 31일` `오늘` `내일` `모레` `금요일` `다음주 월요일` · 시각: `15:00` `15시` `15시 30분` `오후 3시` · 기간: `+2시간` `+30분` `+1일` `+3영업일`\n쉬는 날(주말·공휴일)인 날짜는 앞뒤 영업일을 알려 드리고 받지 않습니다. 그래도 그 날로 하려면 날짜 뒤에 `!`를 붙이세요(`마감: 12월 25일!`).\n연도가 없는 날짜는 다가오는 날짜, 요일만 쓰면 다음 그 요일입니다. 오전·오후 없이 1시부터 6시까지는 오후입니다(`3시` = 15:00). 시각만 쓰면 오늘입니다. 모든 날짜와 시각은 회사 업무 달력의 시간대 기준입니다.\n처리 기한(SLA), 팀과 역할, 언어 설정은 `/charter 도움말`에서 볼 수 있습니다.\n*예시* (오늘이 2026년 11월 30일 월요일일 때)\n`새 고객의 소리 응대 불만 고객: 미래에셋` = `new voc 응대 불만 customer:미래에셋`\n`등록 규제 약관 개정 마감: 12월 31일` = `new regulatory 약관 개정 due:2026-12-31`\n`목록 지연` = `list overdue`\n`보기 제42호` = `show 42`\n`예상 42번 내일 오후 3시` = `eta 42 2026-12-01 15:00`\n`예상 #42 다음주 월요일` = `eta 42 2026-12-07`\n`예상 42 금요일 15시 30분` = `eta 42 2026-12-04 15:30`\n`예상 42 +3영업일` = `eta 42 +3bd`\n`단계 42 12월 4일 설계 검토` = `milestone 42 2026-12-04 설계 검토`',
    ),
    ("en", "modal.eta_title", "Set ETA"),
    ("en", "home.title", "charterbot — my inquiries"),
    (
        "en",
        "inquiry.notify.milestones_needed",
        "*#{number}* {title} takes more than a month: add its major stages with `/inquiry milestone {number} &lt;date&gt; &lt;stage&gt;` so the requester gets interim progress reports.",
    ),
]
BOTH_CREATED = "*#12로* 등록했습니다: Login &lt;fails&gt; &amp; *stuck*\n기한: Tue 1 Dec, 15:00\n*#12* opened: Login &lt;fails&gt; &amp; *stuck*\nDeadline: Tue 1 Dec, 15:00"
BOTH_ASSIGNED_EN_FIRST = (
    "*#12* — <@U0STAFF1> is taking care of it.\n*#12* — <@U0STAFF1> 님이 담당합니다."
)


@pytest.mark.parametrize(("lang", "key", "params", "expected"), SLACK_TEXTS)
def test_templates_render_as_before(
    lang: str, key: str, params: dict[str, Any], expected: str
) -> None:
    assert t(lang, key, **params) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("lang", "key", "expected"), PLAIN_TEXTS)
def test_plain_labels_render_as_before(lang: str, key: str, expected: str) -> None:
    assert t_plain(lang, key) == expected  # type: ignore[arg-type]


def test_both_languages_render_as_before() -> None:
    assert both("inquiry.created", number=12, title=TITLE, deadline=WHEN) == BOTH_CREATED
    assert both("inquiry.notify.assigned", "en", number=12, user="U0STAFF1") == (
        BOTH_ASSIGNED_EN_FIRST
    )


def test_slack_needs_no_mention_entities() -> None:
    rendered = render("en", "inquiry.assigned", SLACK, number=1, user="U0STAFF1")
    assert rendered.text == "*#1* assigned to <@U0STAFF1>" and rendered.mentions == ()


# --- user text cannot inject markup ---

INJECTIONS = [
    "<!channel>",
    "<!here|here>",
    "<@U0ADMIN>",
    "<#C0TRIAGE>",
    "<https://evil.example|Reset your password>",
    "&lt;!channel&gt;",
    "U0STAFF1> <!channel",
    "{title} {user} {{number}}",
    "**bold** `code`",
    "a\u202eb\x00c <!everyone>",
]


@pytest.mark.parametrize("evil", INJECTIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_user_text_never_becomes_markup(lang: str, evil: str) -> None:
    """Every text parameter of every template, filled with hostile text: the output holds no
    `<` beyond the template's own mentions, and the hostile text appears escaped, verbatim."""
    for key, template in catalogue(lang).items():
        names = placeholders(template)
        if not names:
            continue
        params: dict[str, Any] = {name: evil for name in names}
        out = t(lang, key, **params)  # type: ignore[arg-type]
        assert "<!" not in out and "<@" not in out and "<#" not in out and "<http" not in out
        assert "<" not in out, (key, out)
        if names - {"channel", "user", "assignee", "requester", "actor", "manager"}:
            assert escape(evil) in out, key
        assert "{" not in out.replace(escape(evil), ""), key  # params are never formatted


@pytest.mark.parametrize("evil", INJECTIONS)
def test_people_and_channels_only_from_ids(evil: str) -> None:
    assert mention(evil) == escape(evil)
    assert SLACK.person(evil) == (escape(evil), None)
    assert SLACK.channel(evil) == escape(evil)
    out = t("en", "inquiry.error.not_assignable", user=evil, assignable_users=[evil, "U0A1"])
    assert out.count("<") == 1 and "<@U0A1>" in out


@pytest.mark.parametrize(
    ("url", "label", "expected"),
    [
        (
            "https://x.slack.com/archives/C1/p1",
            "card #1",
            "<https://x.slack.com/archives/C1/p1|card #1>",
        ),
        (
            "https://x.example/a",
            "<!channel> & co",
            "<https://x.example/a|&lt;!channel&gt; &amp; co>",
        ),
        ("https://x.example/a|<!channel>", "card", "card"),
        ("javascript:alert(1)", "card", "card"),
        ("https://x.example/a b", "<b>", "&lt;b&gt;"),
        ("", "card", "card"),
    ],
)
def test_links_only_to_well_formed_addresses(url: str, label: str, expected: str) -> None:
    assert render_template("{card}", SLACK, {"card": Link(url, label)}).text == expected


def test_template_marks_in_params_stay_as_typed() -> None:
    """`**` and backticks in user text are not neutral markup: Slack gets them as typed."""
    out = t("en", "inquiry.created", number=1, title="**x** `y`", deadline="-")
    assert out.startswith("*#1* opened: **x** `y`\n")
