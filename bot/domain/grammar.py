"""The one command grammar's keywords: each canonical word with its Korean and English aliases
(pure). `bot.domain.commands` parses with these tables, and the help text documents them.

English aliases match in any case; Korean has none. A keyword written with a space
(`고객의 소리`) is matched over two words.
"""

from __future__ import annotations

import re
from typing import TypeVar

from bot.domain.inquiry import Kind

T = TypeVar("T")

# subcommand -> aliases (the first is the canonical English word)
SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "new": ("new", "새", "등록", "신규", "접수"),
    "list": ("list", "목록"),
    "show": ("show", "보기", "조회"),
    "assign": ("assign", "배정", "담당"),
    "eta": ("eta", "예상", "예정"),
    "progress": ("progress", "진행"),
    "milestone": ("milestone", "단계"),
    "hold": ("hold", "보류"),
    "resume": ("resume", "재개"),
    "resolve": ("resolve", "해결"),
    "reopen": ("reopen", "재오픈", "다시열기"),
    "transfer": ("transfer", "이관", "인계", "넘기기"),
}

# list scope -> aliases
SCOPES: dict[str, tuple[str, ...]] = {
    "mine": ("mine", "내것", "내거", "내꺼", "나"),
    "team": ("team", "팀"),
    "open": ("open", "열린", "진행중"),
    "overdue": ("overdue", "지연", "초과", "기한초과"),
    "all": ("all", "전체", "모두"),
}

# kind -> aliases (a Korean service desk's words; `고객의 소리` also with its space)
KINDS: dict[Kind, tuple[str, ...]] = {
    Kind.VOC: ("voc", "고객의소리", "고객의 소리", "불만", "칭찬"),
    Kind.SUPPORT: ("support", "지원", "지원문의", "문의"),
    Kind.REQUEST: ("request", "요청", "개선요청", "개선"),
    Kind.REGULATORY: ("regulatory", "제도", "제도변경", "규제", "규정"),
}

# option key -> aliases, written `key:value`, `key: value`, `key :value`, `key：value`
KEYS: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "고객", "고객사"),
    "due": ("due", "마감", "마감일", "기한"),
}

# the command's own name, typed as a message (Teams) or after `/` (Slack)
COMMAND_NAMES: tuple[str, ...] = ("inquiry", "문의")

# `/digest` words -> aliases (`/digest` alone shows the digest now; `@manager` an admin's look)
DIGEST_WORDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "off": ("off", "끄기", "끔", "중지", "그만"),
    "on": ("on", "켜기", "켬", "받기", "다시"),
}

# `/charter` subcommand -> aliases (a new subcommand is one row here and one in
# bot.services.charter.SUBCOMMANDS)
CHARTER_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "policies": ("policies", "policy", "sla", "정책", "기준"),
    "teams": ("teams", "team", "팀", "팀목록"),
    "roles": ("roles", "role", "역할", "권한"),
    "language": ("language", "lang", "언어"),
    "report": ("report", "보고서", "리포트", "결과"),
}

# `/charter language` choice -> aliases
LANGUAGE_CHOICES: dict[str, tuple[str, ...]] = {
    "ko": ("ko", "korean", "한국어", "한국말", "한글"),
    "en": ("en", "english", "영어"),
    "auto": ("auto", "default", "자동", "기본"),
}

CHARTER_NAMES: tuple[str, ...] = ("charter", "헌장")

# ----------------------------------------------------------------- surveys, complaints, praise
# `/survey …` (설문) and `/feedback …` (피드백): the same grammar, their own keywords.
SURVEY_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "results": ("results", "result", "결과", "통계", "집계"),
}
FEEDBACK_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "complaint": ("complaint", "complain", "불만", "민원", "불친절"),
    "praise": ("praise", "칭찬"),
    "exemplary": ("exemplary", "example", "모범", "우수", "모범사례"),
    "confirm": ("confirm", "확인", "인정"),
    "dismiss": ("dismiss", "기각", "반려"),
    "action": ("action", "조치", "시정", "시정조치"),
    "sent": ("sent", "발송", "지급", "전달"),
    "list": ("list", "목록"),
    "show": ("show", "보기", "조회"),
}
# `/feedback action K3 <what was done> by:<date>`: when the corrective action is (was) done
FEEDBACK_KEYS: dict[str, tuple[str, ...]] = {
    "by": ("by", "until", "기한", "까지", "완료일"),
}
SURVEY_NAMES: tuple[str, ...] = ("survey", "설문", "만족도")
FEEDBACK_NAMES: tuple[str, ...] = ("feedback", "피드백")


# the other commands' names, typed to the bot in Teams (Slack: `/digest`; `charter` is CHARTER_NAMES)
OTHER_COMMANDS: dict[str, tuple[str, ...]] = {
    "digest": ("digest", "다이제스트", "요약"),
    "home": ("home", "홈", "대시보드"),
}

COLONS = ":：︰﹕"  # ASCII, full-width and other colons a Korean keyboard or IME may give
# A word that looks like an option key (letters only, short); `http:`… are not keys
KEY_SHAPE = re.compile(r"^[A-Za-z가-힣_]{1,20}$")
NOT_KEYS = frozenset({"http", "https", "mailto", "ftp", "tel", "slack", "msteams"})


def _index(table: dict[T, tuple[str, ...]]) -> dict[str, T]:
    return {alias.lower(): canon for canon, aliases in table.items() for alias in aliases}


_SUB = _index(SUBCOMMANDS)
_SCOPE = _index(SCOPES)
_KIND = _index(KINDS)
_KEY = _index(KEYS)
_CHARTER = _index(CHARTER_SUBCOMMANDS)
_LANGUAGE = _index(LANGUAGE_CHOICES)
_SURVEY_SUB = _index(SURVEY_SUBCOMMANDS)
_FEEDBACK_SUB = _index(FEEDBACK_SUBCOMMANDS)
_FEEDBACK_KEY = _index(FEEDBACK_KEYS)
_DIGEST = _index(DIGEST_WORDS)
_OTHER = _index(OTHER_COMMANDS)


def subcommand(word: str) -> str | None:
    """The canonical subcommand a word names, or None."""
    return _SUB.get(word.strip().lower())


def scope(word: str) -> str | None:
    """The canonical list scope a word names, or None."""
    return _SCOPE.get(word.strip().lower())


def kind(words: str) -> Kind | None:
    """The kind one or two words name (`규제`, `고객의 소리`), or None."""
    return _KIND.get(" ".join(words.split()).lower())


def option_key(word: str) -> str | None:
    """The canonical option key a word names (`고객`, `Customer`), or None."""
    return _KEY.get(word.strip().lower())


def looks_like_key(word: str) -> bool:
    """Whether a word before a colon reads as an option key (then it must be a known one)."""
    return bool(KEY_SHAPE.match(word)) and word.lower() not in NOT_KEYS


def command_name(word: str) -> str | None:
    """`inquiry` for `inquiry`, `/inquiry`, `문의`; None for any other word."""
    word = word.lower().removeprefix("/")
    return "inquiry" if word in COMMAND_NAMES else None


def charter_subcommand(word: str) -> str | None:
    """The canonical `/charter` subcommand a word names (`정책` → `policies`), or None."""
    return _CHARTER.get(word.strip().lower())


def language_choice(word: str) -> str | None:
    """`ko`, `en` or `auto` for a word naming it (`한국어`, `English`, `자동`), or None."""
    return _LANGUAGE.get(word.strip().lower())


def charter_name(word: str) -> str | None:
    """`charter` for `charter`, `/charter`, `헌장`; None for any other word."""
    word = word.lower().removeprefix("/")
    return "charter" if word in CHARTER_NAMES else None


def survey_subcommand(word: str) -> str | None:
    """The canonical `/survey` subcommand a word names (`결과` → `results`), or None."""
    return _SURVEY_SUB.get(word.strip().lower())


def feedback_subcommand(word: str) -> str | None:
    """The canonical `/feedback` subcommand a word names (`칭찬` → `praise`), or None."""
    return _FEEDBACK_SUB.get(word.strip().lower())


def feedback_key(word: str) -> str | None:
    """The canonical `/feedback` option key a word names (`기한` → `by`), or None."""
    return _FEEDBACK_KEY.get(word.strip().lower())


def feedback_command_name(word: str) -> str | None:
    """`survey` or `feedback` for their names (`/survey`, `설문`, `피드백`), else None."""
    word = word.lower().removeprefix("/")
    if word in SURVEY_NAMES:
        return "survey"
    if word in FEEDBACK_NAMES:
        return "feedback"
    return None


# --------------------------------------------------------------------------- visits (issue 12)
# `/visitor`, `/room`, `/fieldvisit`: their subcommands and option keys, ko and en.

VISIT_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "register": ("register", "new", "등록", "사전등록", "예약"),
    "today": ("today", "오늘"),
    "list": ("list", "목록"),
    "show": ("show", "보기", "조회"),
    "arrived": ("arrived", "arrive", "도착"),
    "walkin": ("walkin", "walk-in", "현장방문객", "현장"),
    "seated": ("seated", "seat", "착석", "안내"),
    "met": ("met", "inroom", "입실", "면담"),
    "left": ("left", "leave", "퇴실", "퇴장"),
    "returned": ("returned", "return", "반납"),
    "cancel": ("cancel", "취소"),
    "noshow": ("noshow", "no-show", "불참", "노쇼"),
}

ROOM_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "today": ("today", "오늘", "현황"),
    "book": ("book", "예약"),
    "release": ("release", "해제", "반납"),
}

FIELDVISIT_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "plan": ("plan", "new", "계획", "등록"),
    "list": ("list", "목록"),
    "show": ("show", "보기", "조회"),
    "report": ("report", "보고", "결과보고"),
    "cancel": ("cancel", "취소"),
}

VISIT_KEYS: dict[str, tuple[str, ...]] = {
    "company": ("company", "회사", "소속"),
    "host": ("host", "담당", "담당자"),
    "at": ("at", "when", "시각", "일시"),
    "room": ("room", "장소", "접견실"),
    "purpose": ("purpose", "목적"),
    "count": ("count", "인원"),
    "phone": ("phone", "전화", "연락처"),
    "badge": ("badge", "출입증"),
    "id": ("id", "신분증"),
    "slot": ("slot", "보관함"),
    "notes": ("notes", "note", "메모", "비고"),
    "reason": ("reason", "사유"),
    "with": ("with", "동행"),
    "inquiry": ("inquiry", "문의"),
    "outcome": ("outcome", "결과"),
    "next": ("next", "후속", "후속조치"),
    "date": ("date", "날짜"),
}

# each command's own name, typed as a message (Teams) or after `/` (Slack)
VISIT_COMMAND_NAMES: dict[str, tuple[str, ...]] = {
    "visitor": ("visitor", "방문객", "방문"),
    "room": ("room", "접견실", "회의실"),
    "fieldvisit": ("fieldvisit", "외근", "현장방문"),
}

_VISIT_SUBS = {
    "visitor": _index(VISIT_SUBCOMMANDS),
    "room": _index(ROOM_SUBCOMMANDS),
    "fieldvisit": _index(FIELDVISIT_SUBCOMMANDS),
}
_VISIT_KEY = _index(VISIT_KEYS)
_VISIT_NAME = _index(VISIT_COMMAND_NAMES)


def visit_subcommand(command: str, word: str) -> str | None:
    """The canonical subcommand of `visitor`, `room` or `fieldvisit` a word names, or None."""
    return _VISIT_SUBS[command].get(word.strip().lower())


def visit_key(word: str) -> str | None:
    """The canonical option key of the visit commands a word names (`회사`, `Host`), or None."""
    return _VISIT_KEY.get(word.strip().lower())


def visit_command_name(word: str) -> str | None:
    """`visitor`, `room` or `fieldvisit` for their names (`/visitor`, `방문객`, `외근`), else None."""
    return _VISIT_NAME.get(word.lower().removeprefix("/"))


# --------------------------------------------------------------------------- callbacks and /away
# `/callback` (콜백), `/away` (부재) and `/inquiry transfer` (이관): issue 13.

CALLBACK_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "list": ("list", "목록"),
    "show": ("show", "보기", "조회"),
    "claim": ("claim", "take", "제가걸게요", "내가", "맡기"),
    "done": ("done", "called", "통화완료", "완료"),
    "pass": ("pass", "cant", "can't", "못해요", "넘기기", "이관"),
}

# option keys of `/callback`: company, phone, topic, the linked inquiry
CALLBACK_KEYS: dict[str, tuple[str, ...]] = {
    "company": ("company", "회사", "회사명", "고객사"),
    "phone": ("phone", "tel", "전화", "전화번호", "연락처"),
    "topic": ("topic", "주제", "용건", "내용"),
    "inquiry": ("inquiry", "문의"),
}
URGENT_WORDS: tuple[str, ...] = ("urgent", "긴급", "급함")

AWAY_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "off": ("off", "back", "해제", "복귀", "끝"),
    "status": ("status", "상태", "확인"),
}
AWAY_KEYS: dict[str, tuple[str, ...]] = {
    "until": ("until", "까지", "종료", "복귀"),
    "delegate": ("delegate", "대리", "대리인", "대신"),
}

# the commands' own names, typed as a message (Teams) or after `/` (Slack)
FEATURE_COMMAND_NAMES: dict[str, tuple[str, ...]] = {
    "callback": ("callback", "콜백", "전화"),
    "away": ("away", "부재"),
}

_CB_SUB = _index(CALLBACK_SUBCOMMANDS)
_CB_KEY = _index(CALLBACK_KEYS)
_AWAY_SUB = _index(AWAY_SUBCOMMANDS)
_AWAY_KEY = _index(AWAY_KEYS)
_FEATURE = _index(FEATURE_COMMAND_NAMES)


def callback_subcommand(word: str) -> str | None:
    """The canonical `/callback` subcommand a word names (`통화완료` → done), or None."""
    return _CB_SUB.get(word.strip().lower())


def callback_key(word: str) -> str | None:
    """The canonical `/callback` option key a word names (`전화` → phone), or None."""
    return _CB_KEY.get(word.strip().lower())


def away_subcommand(word: str) -> str | None:
    """The canonical `/away` subcommand a word names (`해제` → off), or None."""
    return _AWAY_SUB.get(word.strip().lower())


def away_key(word: str) -> str | None:
    """The canonical `/away` option key a word names (`대리` → delegate), or None."""
    return _AWAY_KEY.get(word.strip().lower())


def feature_command(word: str) -> str | None:
    """`callback` or `away` for their names and aliases (`/콜백`, `부재`), else None."""
    return _FEATURE.get(word.lower().removeprefix("/"))


# ------------------------------------------------------------------ `/notice` and `/outage`
# The same shape as the inquiry tables above: the first alias is the canonical English word.
NOTICE_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "plan": ("plan", "new", "계획", "등록", "예고"),
    "list": ("list", "목록"),
    "show": ("show", "보기", "조회"),
    "update": ("update", "change", "변경", "수정"),
    "extend": ("extend", "연장"),
    "cancel": ("cancel", "취소"),
}
OUTAGE_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "start": ("start", "open", "new", "시작", "발생", "등록"),
    "update": ("update", "progress", "진행", "경과"),
    "resolve": ("resolve", "해결", "복구"),
    "status": ("status", "list", "현황", "상태", "목록"),
}
# option key -> aliases (the same `key:value` forms as KEYS)
NOTICE_KEYS: dict[str, tuple[str, ...]] = {
    "start": ("start", "from", "시작", "시작일시"),
    "end": ("end", "to", "종료", "종료일시", "끝"),
    "until": ("until", "까지", "연장까지"),
    "services": ("services", "service", "서비스", "대상"),
    "impact": ("impact", "영향"),
    "impact_en": ("impact_en", "영문영향"),
    "reason": ("reason", "사유", "구분"),
    "title": ("title", "제목"),
    "title_en": ("title_en", "영문제목"),
    "cause": ("cause", "원인"),
}
# reason value -> aliases (the charter's three: maintenance, regulatory change, improvement)
NOTICE_REASONS: dict[str, tuple[str, ...]] = {
    "maintenance": ("maintenance", "점검", "정기점검", "유지보수"),
    "regulation": ("regulation", "regulatory", "제도", "제도변경", "규제"),
    "improvement": ("improvement", "개선", "기능개선"),
}
NOTICE_URGENT_WORDS: tuple[str, ...] = ("urgent", "긴급")
NOTICE_NAMES: tuple[str, ...] = ("notice", "공지", "작업공지")
OUTAGE_NAMES: tuple[str, ...] = ("outage", "장애")

_NOTICE_SUB = _index(NOTICE_SUBCOMMANDS)
_OUTAGE_SUB = _index(OUTAGE_SUBCOMMANDS)
_NOTICE_KEY = _index(NOTICE_KEYS)
_REASON = _index(NOTICE_REASONS)


def notice_subcommand(word: str) -> str | None:
    """The canonical `/notice` subcommand a word names, or None."""
    return _NOTICE_SUB.get(word.strip().lower())


def outage_subcommand(word: str) -> str | None:
    """The canonical `/outage` subcommand a word names, or None."""
    return _OUTAGE_SUB.get(word.strip().lower())


def notice_key(word: str) -> str | None:
    """The canonical `/notice` or `/outage` option key a word names, or None."""
    return _NOTICE_KEY.get(word.strip().lower())


def notice_reason(word: str) -> str | None:
    """The canonical reason a word names (`점검` → maintenance), or None."""
    return _REASON.get(word.strip().lower())


def is_urgent_word(word: str) -> bool:
    """Whether a word is the `urgent` flag (`긴급`)."""
    return word.strip().lower() in NOTICE_URGENT_WORDS


def notice_command_name(word: str) -> str | None:
    """`notice` for `notice`, `/notice`, `공지`; `outage` for `outage`, `장애`; else None."""
    word = word.lower().removeprefix("/")
    if word in NOTICE_NAMES:
        return "notice"
    if word in OUTAGE_NAMES:
        return "outage"
    return None


def digest_word(word: str) -> str | None:
    """The canonical `/digest` word (`끄기` → `off`), or None."""
    return _DIGEST.get(word.strip().lower())


def other_command(word: str) -> str | None:
    """`digest` or `home` for one of their names (with or without `/`), or None."""
    return _OTHER.get(word.strip().lower().removeprefix("/"))
