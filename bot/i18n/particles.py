"""Korean particles that depend on the word before them: 이/가, 을/를, 은/는, 과/와, 으로/로,
이에요/예요, 이나/나, 이랑/랑 (pure).

The choice follows the final consonant (받침) of the word as Koreans *read* it: a Hangul
syllable by its own 받침; digits as Sino-Korean numbers (`40` 사십 → 으로, `41` 사십일 → 로,
`100` 백, `1000` 천, `10000` 만); `HH:MM` as a time (`15:00` 열다섯 시, `15:30` … 삼십 분); Latin
letters of an acronym by their Korean names (`API` 에이피아이, `HTML` …엘 → ㄹ); other Latin
words by how they are usually transcribed (`Login` 로그인, `Slack` 슬랙, `Google` 구글). 으로/로
takes 로 after a vowel and after ㄹ.
"""

from __future__ import annotations

import re

__all__ = ["PAIRS", "attach", "final_consonant", "particle", "particle_pair"]

# each pair: (after a final consonant, after a vowel)
PAIRS: tuple[tuple[str, str], ...] = (
    ("이에요", "예요"),
    ("이랑", "랑"),
    ("이나", "나"),
    ("으로", "로"),
    ("이", "가"),
    ("을", "를"),
    ("은", "는"),
    ("과", "와"),
)
_BY_FORM = {form: pair for pair in PAIRS for form in pair}

NONE = 0  # no final consonant
RIEUL = 8  # ㄹ's index among the 28 final-consonant slots
OTHER = 1  # any other final consonant (ㄱ stands for all of them)

# the final consonant of each digit read alone: 영 일 이 삼 사 오 육 칠 팔 구
_DIGIT = (21, RIEUL, NONE, 16, NONE, NONE, OTHER, RIEUL, RIEUL, NONE)
# the unit a run of trailing zeros is read with: 십 백 천 만 (만 up to 천만), 억, 조
_ZEROS = {1: 17, 2: OTHER, 3: 4, 4: 4, 5: 4, 6: 4, 7: 4, 8: OTHER, 9: OTHER, 10: OTHER, 11: OTHER}
# Latin letters read alone (acronyms): L 엘 and R 알 end in ㄹ, M 엠 and N 엔 in a consonant
_LETTER_FINAL = {"l": RIEUL, "r": RIEUL, "m": 16, "n": 4}
_TRAILING = "'\"’”」』>.,!?~…·*` "
_TIME = re.compile(r"(\d{1,2}):(\d{2})$")
_NUMBER = re.compile(r"(\d+)$")
_LATIN = re.compile(r"([A-Za-z]+)$")


def _hangul_final(ch: str) -> int | None:
    code = ord(ch) - 0xAC00
    if 0 <= code < 11172:
        return code % 28
    return None


def _number_final(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    if digits == "0":
        return 21  # 영
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == 0:
        return _DIGIT[int(digits[-1])]
    return _ZEROS.get(zeros, NONE)  # 조 (10^12 and up) ends in a vowel


def _latin_final(word: str) -> int:
    if word.isupper() or len(word) == 1:  # an acronym: its letters' names
        return _LETTER_FINAL.get(word[-1].lower(), NONE)
    low = word.lower()
    if low.endswith("e") and len(low) > 2:  # silent e: Google 구글, Line 라인, Home 홈
        before = low[-2]
        return {"l": RIEUL, "n": 4, "m": 16}.get(before, NONE)
    last = low[-1]
    if low.endswith("ng") or last in "mn":
        return 4 if last == "n" else (21 if low.endswith("ng") else 16)
    if last == "l":
        return RIEUL
    if last in "kpbt":  # Slack 슬랙, Shop 숍, Web 웹, Bot 봇
        return OTHER
    return NONE  # vowels, and endings read with a vowel: card 카드, Teams 팀스, user 유저


def final_consonant(text: str) -> int | None:
    """The final consonant index (0 = none, 8 = ㄹ, other = another consonant) of how the end
    of text is read; None when it cannot be told (no Hangul, digit or Latin letter at the end)."""
    text = text.rstrip(_TRAILING)
    while text.endswith((")", "]")):  # a parenthesis: the particle goes with the word before
        shorter = re.sub(r"\s*[(\[][^()\[\]]*[)\]]$", "", text).rstrip(_TRAILING)
        text = shorter if shorter != text else text[:-1].rstrip(_TRAILING)
    if not text:
        return None
    if (final := _hangul_final(text[-1])) is not None:
        return final
    if m := _TIME.search(text):
        return NONE if m.group(2) == "00" else 4  # … 시 / … 분
    if m := _NUMBER.search(text):
        return _number_final(m.group(1))
    if m := _LATIN.search(text):
        return _latin_final(m.group(1))
    return None


def particle_pair(form: str) -> tuple[str, str] | None:
    """The pair a particle belongs to (`를` → (`을`, `를`)), or None when it is none."""
    return _BY_FORM.get(form)


def particle(text: str, form: str) -> str:
    """The form of form's particle that fits after text (`particle("#40", "로")` → `으로`);
    both forms (`(으)로`, `을(를)`) when the end of text cannot be read."""
    pair = _BY_FORM[form]
    final = final_consonant(text)
    if final is None:
        with_c, without = pair
        if with_c.endswith(without):  # 으로/로, 이나/나 …: (으)로
            return f"({with_c[: -len(without)]}){without}"
        return f"{with_c}({without})"
    if pair == ("으로", "로"):
        return pair[1] if final in (NONE, RIEUL) else pair[0]
    return pair[1] if final == NONE else pair[0]


def attach(text: str, form: str) -> str:
    """text followed by the fitting particle (`attach("미래에셋", "를")` → `미래에셋을`)."""
    return text + particle(text, form)
