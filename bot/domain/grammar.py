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

# `/digest` words -> aliases (`/digest` alone shows the digest now; `@manager` an admin's look)
DIGEST_WORDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "off": ("off", "끄기", "끔", "중지", "그만"),
    "on": ("on", "켜기", "켬", "받기", "다시"),
}

# `/charter` subcommands -> aliases (other subcommands join this table)
CHARTER_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "도움말", "도움"),
    "report": ("report", "보고서", "리포트", "결과"),
}

# the other commands' names, typed to the bot in Teams (Slack: `/digest`, `/charter`)
OTHER_COMMANDS: dict[str, tuple[str, ...]] = {
    "digest": ("digest", "다이제스트", "요약"),
    "charter": ("charter", "헌장"),
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
_DIGEST = _index(DIGEST_WORDS)
_CHARTER = _index(CHARTER_SUBCOMMANDS)
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


def digest_word(word: str) -> str | None:
    """The canonical `/digest` word (`끄기` → `off`), or None."""
    return _DIGEST.get(word.strip().lower())


def charter_subcommand(word: str) -> str | None:
    """The canonical `/charter` subcommand (`보고서` → `report`), or None."""
    return _CHARTER.get(word.strip().lower())


def other_command(word: str) -> str | None:
    """`digest`, `charter` or `home` for one of their names (with or without `/`), or None."""
    return _OTHER.get(word.strip().lower().removeprefix("/"))
