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
