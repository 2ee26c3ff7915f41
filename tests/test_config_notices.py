"""`[notices]`, `[voc]`, `[roles] operators` and the VOC variables, as check-config sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, parse_config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("VOC_WEBHOOK_SECRET", "VOC_CALLBACK_URL", "CHARTERBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    config = parse_config({})
    assert (config.notices.min_lead, config.notices.reminders) == ("3bd", ["1d", "1h"])
    assert config.voc.public_form is False


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"notices": {"min_lead": "3x"}}, "notices.min_lead"),
        ({"notices": {"reminders": ["1bd"]}}, "notices.reminders: '1bd' must be wall clock"),
        ({"notices": {"reminders": ["1h"] * 6}}, "at most 5 reminders"),
        ({"notices": {"colour": "red"}}, "notices.colour: unknown key"),
        ({"voc": {"public_form": "yes please"}}, "voc.public_form"),
        ({"roles": {"operators": ["nobody"]}}, "roles.operators"),
    ],
)
def test_problems_name_their_key(data: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_operators_and_admins_operate_and_are_staff() -> None:
    config = parse_config({"roles": {"admins": ["UADMIN"], "operators": ["UOPS"]}})
    assert config.is_operator("UOPS") and config.is_operator("UADMIN")
    assert not config.is_operator("USOMEONE")
    assert "UOPS" in config.staff


@pytest.mark.parametrize(
    ("env", "toml", "words"),
    [
        ({"VOC_CALLBACK_URL": "ftp://x"}, "", "not an http(s) URL"),
        ({"VOC_CALLBACK_URL": "https://example.com/cb"}, "", "needs VOC_WEBHOOK_SECRET"),
        ({}, "[voc]\npublic_form = true\n", "voc.public_form: needs VOC_WEBHOOK_SECRET"),
        ({"VOC_WEBHOOK_SECRET": "short"}, "", "at least 16"),
    ],
)
def test_check_config_names_voc_problems(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    toml: str,
    words: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    assert main(["check-config", str(path)]) == 1
    assert words in capsys.readouterr().err


def test_check_config_accepts_a_good_voc_setup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VOC_WEBHOOK_SECRET", "a-long-enough-secret")
    monkeypatch.setenv("VOC_CALLBACK_URL", "https://www.example.com/voc/callback")
    path = tmp_path / "c.toml"
    path.write_text('[voc]\npublic_form = true\n[notices]\nmin_lead = "2bd"\nreminders = ["2h"]\n')
    assert main(["check-config", str(path)]) == 0
    assert "ok" in capsys.readouterr().out
