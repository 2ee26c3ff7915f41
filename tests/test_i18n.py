"""Catalogues: same keys and placeholders in ko and en, escaping, and no missing keys in code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.adapters.slack.text import t
from bot.domain.commands import LIST_SCOPES
from bot.domain.inquiry import ALLOWED_FROM, Kind, Status
from bot.i18n import LANGS, catalogue, parse, placeholders

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "bot" / "i18n"
SOURCE_DIRS = (ROOT / "bot", ROOT / "handlers")

# Prefixes of catalogue keys; a quoted string starting with one of these in the source is a key.
KEY_PREFIXES = (
    "inquiry",
    "card",
    "modal",
    "form",
    "list",
    "home",
    "button",
    "history",
    "error",
    "deadline",
    "status",
    "kind",
    "event",
    "scope",
    "action",
)
# A plain (non f-) string literal such as "inquiry.error.not_found".
_PREFIX_GROUP = "|".join(KEY_PREFIXES)
KEY_LITERAL = re.compile(
    r"""(?<![\w.])(?<![fFrRbB])(["'])((?:"""
    + _PREFIX_GROUP
    + r""")\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)\1"""
)


def _raw(lang: str) -> dict[str, str]:
    data = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _source_keys() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for directory in SOURCE_DIRS:
        for path in sorted(directory.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for match in KEY_LITERAL.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.setdefault(match.group(2), []).append(f"{path.relative_to(ROOT)}:{line}")
    return found


def test_catalogue_files_have_no_duplicate_keys() -> None:
    for lang in LANGS:
        pairs = json.loads(
            (I18N / f"{lang}.json").read_text(encoding="utf-8"), object_pairs_hook=list
        )
        keys = [k for k, _ in pairs]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        assert not dupes, f"{lang}.json repeats {dupes}"


def test_both_catalogues_have_the_same_keys() -> None:
    ko, en = set(_raw("ko")), set(_raw("en"))
    assert sorted(ko - en) == [], "keys only in ko.json"
    assert sorted(en - ko) == [], "keys only in en.json"


def test_placeholders_match_per_key() -> None:
    ko, en = _raw("ko"), _raw("en")
    mismatched = {
        key: (sorted(placeholders(ko[key])), sorted(placeholders(en[key])))
        for key in ko.keys() & en.keys()
        if placeholders(ko[key]) != placeholders(en[key])
    }
    assert mismatched == {}


@pytest.mark.parametrize("lang", LANGS)
def test_values_are_non_empty_strings(lang: str) -> None:
    for key, value in _raw(lang).items():
        assert isinstance(value, str), key
        if key.endswith(".none"):
            continue
        assert value.strip(), f"{lang}.json: {key} is empty"


@pytest.mark.parametrize("lang", LANGS)
def test_every_template_formats(lang: str) -> None:
    """A stray brace or positional {} would raise at runtime; render each with dummy params."""
    for key, template in catalogue(lang).items():
        params = {name: "x" for name in placeholders(template)}
        assert isinstance(t(lang, key, **params), str), key


# Platform syntax that a neutral template must not hold: entities, mentions, channel links,
# broadcasts and mrkdwn links (single-star bold is checked apart: `**` is the neutral bold).
PLATFORM_SYNTAX = re.compile(r"&(?:lt|gt|amp|quot|#\d+);|<[@#!]|<(?:https?|mailto):")


def _not_neutral(template: str) -> list[str]:
    found = PLATFORM_SYNTAX.findall(template)
    # outside code spans and placeholders, formatting marks other than `**`
    prose = re.sub(r"`[^`]*`|\{[^{}]*\}", "", template).replace("**", "")
    found += [f"mark {c}" for c in "*_~" if c in prose]
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_templates_use_only_the_neutral_markup(lang: str) -> None:
    """`**bold**`, `` `code` `` and placeholders; `<`, `>`, `&` written as themselves."""
    raw = _raw(lang)
    assert {key: _not_neutral(v) for key, v in raw.items() if _not_neutral(v)} == {}
    for template in raw.values():
        parse(template)  # marks pair up, placeholders are named (ValueError otherwise)


@pytest.mark.parametrize(
    "template",
    [
        "*bold*",
        "_italic_",
        "~strike~",
        "a &lt;b&gt;",
        "x &amp; y",
        "hi <@{user}>",
        "see <#C1>",
        "<!here>",
        "<https://x|y>",
    ],
)
def test_slack_syntax_is_not_neutral(template: str) -> None:
    assert _not_neutral(template)


@pytest.mark.parametrize(
    "template",
    [
        "**#{number}** <kind> & `/inquiry new <title…>`",
        "**a `b` c**",
        "{{x}}",
        "{owner_user} `snake_case ~x~`",
    ],
)
def test_neutral_markup_passes(template: str) -> None:
    assert _not_neutral(template) == []
    parse(template)


@pytest.mark.parametrize("template", ["**open", "`open", "**a `b** c`", "{}", "{x!r}"])
def test_malformed_templates_are_refused(template: str) -> None:
    with pytest.raises(ValueError):
        parse(template)


def test_placeholders_helper() -> None:
    assert placeholders("#{number} {title} by {user}") == {"number", "title", "user"}
    assert placeholders("no params") == set()


# --- escaping ---


def _key_with(name: str) -> str:
    for key, template in catalogue("en").items():
        if name in placeholders(template):
            return key
    pytest.fail(f"no catalogue key has a {{{name}}} placeholder")


@pytest.mark.parametrize("lang", LANGS)
def test_text_params_are_escaped(lang: str) -> None:
    key = _key_with("title")
    template = catalogue(lang)[key]
    params = {name: "x" for name in placeholders(template)}
    params["title"] = "<!channel> & <@U123>"
    out = t(lang, key, **params)
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in out
    assert "<!channel>" not in out
    assert "<@U123>" not in out


def test_user_param_with_an_id_becomes_a_mention() -> None:
    key = _key_with("user")
    params = {name: "x" for name in placeholders(catalogue("en")[key])}
    params["user"] = "U123ABC"
    assert "<@U123ABC>" in t("en", key, **params)


@pytest.mark.parametrize("garbage", ["<!channel>", "U123ABC> <!here", "bob & <alice>", "u123abc"])
def test_user_param_with_garbage_is_escaped_text(garbage: str) -> None:
    key = _key_with("user")
    params = {name: "x" for name in placeholders(catalogue("en")[key])}
    params["user"] = garbage
    out = t("en", key, **params)
    assert "<@" not in out
    assert "<!" not in out
    escaped = garbage.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in out


def test_missing_key_raises() -> None:
    with pytest.raises(KeyError):
        t("en", "inquiry.this_key_does_not_exist")


# --- keys used by the code exist ---


def test_key_literal_regex_finds_keys_and_skips_f_strings() -> None:
    sample = (
        't(lang, "inquiry.created", n=1); x = f"kind.{k}"; y = "list.heading"; z = "a.inquiry.b"'
    )
    assert [m.group(2) for m in KEY_LITERAL.finditer(sample)] == ["inquiry.created", "list.heading"]


def test_every_key_literal_in_source_is_in_the_catalogue() -> None:
    found = _source_keys()
    assert len(found) > 20, "the key scan found suspiciously few keys; is the regex broken?"
    known = set(_raw("en"))
    missing = {key: where for key, where in found.items() if key not in known}
    assert missing == {}


def test_keys_built_from_enums_exist() -> None:
    """Keys made with f-strings (kind.{k}, status.{s}, scope.{s}, action.{a}) are covered too."""
    known = set(_raw("en"))
    wanted = (
        {f"kind.{k.value}" for k in Kind}
        | {f"status.{s.value}" for s in Status}
        | {f"scope.{s}" for s in LIST_SCOPES}
        | {f"action.{a}" for a in ALLOWED_FROM}
    )
    assert sorted(wanted - known) == []


def test_history_event_kinds_exist() -> None:
    """Every event kind recorded by the inquiry service renders through event.<kind>."""
    package = ROOT / "bot" / "services" / "inquiries"
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py")))
    call = r"record_event\(\s*session,\s*[\w.]+,\s*[\w.]+,\s*\"(\w+)\""
    # (the lifecycle's changes record theirs through one helper: its kind is the 5th argument)
    told = r"_record_and_tell\(\s*session,\s*deps,\s*\w+,\s*\w+,\s*\"(\w+)\""
    kinds = set(re.findall(call, source)) | set(re.findall(told, source))
    assert len(kinds) >= 10, (
        f"found only {sorted(kinds)} in record_event(...) calls; update this test"
    )
    known = set(_raw("en"))
    assert sorted(f"event.{k}" for k in kinds if f"event.{k}" not in known) == []


# One register (README, "Contributing: writing Korean"): 합쇼체 sentences, requests in
# -세요/-주세요; no 해요체 questions (`있나요?`) and no noun-fragment confirmations (`취소됨.`).
# Button labels are short phrases of their own.
OFF_REGISTER = re.compile(r"[가-힣](?:나요|가요)\?|(?:[가-힣](?:됨|함)|기록)\.(?:\s|$)")


def test_the_korean_catalogue_keeps_one_register() -> None:
    found = {
        key: text
        for key, text in catalogue("ko").items()
        if ".button." not in key and OFF_REGISTER.search(text)
    }
    assert found == {}


@pytest.mark.parametrize("bad", ["방문 V1 취소됨.", "대신 맞아 주실 수 있나요?", "퇴실 기록. 확인"])
def test_the_register_check_finds_other_endings(bad: str) -> None:
    assert OFF_REGISTER.search(bad)


def test_no_korean_text_names_a_config_section() -> None:
    # a Korean reader is told who may do something in Korean words (`운영 담당자`), never by the
    # config file's English keys (`[roles] operators`)
    found = {k: v for k, v in catalogue("ko").items() if re.search(r"\[[a-z_]+\] ?[a-z_]+", v)}
    assert found == {}
