"""`charterbot` command line, run in-process (and once as `python -m bot`)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "charterbot.example.toml"
SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")

BAD_CONFIG = """\
colour = "blue"
timezone = "Nowhere/Land"

[channels]
triage = "general"

[sla]
voc_review = "3x"

[[teams]]
name = "HTS support"
members = ["U0STAFF1"]
"""
BAD_KEYS = ("colour", "timezone", "channels.triage", "sla.voc_review", "teams.0.manager")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Run in an empty directory with no Slack secrets or config path from the developer's shell.
    monkeypatch.chdir(tmp_path)
    for name in (*SLACK_VARS, "CHARTERBOT_CONFIG", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_check_config_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert "ok" in out
    assert err == ""


def test_check_config_bad_file_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_CONFIG, encoding="utf-8")
    assert main(["check-config", str(path)]) != 0
    out, err = capsys.readouterr()
    assert "ok" not in out
    assert str(path) in err
    assert f"{len(BAD_KEYS)} problem" in err
    for key in BAD_KEYS:
        assert f"{key}: " in err, key
    assert "teams.0.manager: required key is missing" in err
    assert "colour: unknown key" in err
    assert "Traceback" not in err


def test_check_config_invalid_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[sla\nvoc_review = 1bd\n", encoding="utf-8")
    assert main(["check-config", str(path)]) != 0
    assert "not valid TOML" in capsys.readouterr().err


def test_check_config_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", str(tmp_path / "absent.toml")]) != 0
    assert "file not found" in capsys.readouterr().err


def test_check_config_uses_charterbot_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text(BAD_CONFIG, encoding="utf-8")
    monkeypatch.setenv("CHARTERBOT_CONFIG", str(path))
    assert main(["check-config"]) != 0
    assert "sla.voc_review" in capsys.readouterr().err


def test_check_config_uses_local_charterbot_toml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "charterbot.toml").write_text(EXAMPLE.read_text(encoding="utf-8"), "utf-8")
    assert main(["check-config"]) == 0
    assert "ok" in capsys.readouterr().out


def test_check_config_without_any_file_accepts_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check-config"]) == 0
    assert "defaults" in capsys.readouterr().out


def test_check_config_on_a_directory_is_a_problem_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config", str(tmp_path)]) == 1
    assert str(tmp_path) in capsys.readouterr().err


def test_check_config_on_non_utf8_file_is_a_problem_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('language = "ko"  # caf\xe9\n'.encode("latin-1"))
    assert main(["check-config", str(path)]) == 1
    assert str(path) in capsys.readouterr().err


@pytest.mark.parametrize("command", [["serve"], ["serve", "--no-scheduler"]])
def test_serve_without_slack_credentials_explains_and_exits_2(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 2
    out, err = capsys.readouterr()
    assert "SLACK_BOT_TOKEN" in err
    assert "SLACK_SIGNING_SECRET" in err
    assert "README" in err
    assert "Traceback" not in err + out


def test_serve_names_only_the_missing_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err
    assert "SLACK_BOT_TOKEN" not in err


def test_worker_without_bot_token_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err
    assert "README" in err


def test_db_upgrade_creates_the_tables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    assert main(["db", "upgrade"]) == 0
    assert "up to date" in capsys.readouterr().out
    with sqlite3.connect(db) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert {"inquiries", "outbox"} <= tables
    # Upgrading an up-to-date database is a no-op, not an error.
    assert main(["db", "upgrade"]) == 0


@pytest.mark.parametrize("command", [["db", "upgrade"], ["worker"], ["serve"]])
def test_a_database_folder_that_does_not_exist_is_one_clear_line_and_exit_2(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    env = {
        **{k: v for k, v in os.environ.items() if k not in SLACK_VARS},
        "DATABASE_URL": f"sqlite+aiosqlite:///{missing}/charterbot.db",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "secret",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(missing) in lines[0] and "does not exist" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not missing.exists(), "nothing is created on the way"


def test_db_upgrade_of_an_unreachable_database_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://u:hunter2@127.0.0.1:{port}/x")
    assert main(["db", "upgrade"]) == 2
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "cannot open the database" in err
    assert "hunter2" not in err and "Traceback" not in err + out


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert "usage" in capsys.readouterr().err


def test_python_dash_m_bot_check_config() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", "charterbot.example.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SLACK_SIGNING_SECRET": "s"}, "POST /slack/events verified with SLACK_SIGNING_SECRET"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "serves only /healthz (POST /slack/events is off)"),
        ({}, "`charterbot serve` will refuse to start"),
    ],
)
def test_check_config_says_how_slack_requests_are_taken(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    says: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["check-config", str(EXAMPLE)]) == 0
    assert says in capsys.readouterr().out


def test_serve_help_explains_the_signing_secret(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "POST /slack/events exists only when SLACK_SIGNING_SECRET is set" in out
    assert "serves only /healthz" in out


def test_calendar_show_prints_the_years_non_working_days_with_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "company.toml"
    path.write_text(
        '[calendar]\nextra_holidays = ["2026-12-24"]\nextra_workdays = ["2026-05-01"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CHARTERBOT_CONFIG", str(path))
    assert main(["calendar", "show", "2026"]) == 0
    out = capsys.readouterr().out
    assert "2026-02-17 (화) 설날" in out
    assert "2026-07-17 (금) 제헌절" in out
    assert "2026-10-05 (월) 개천절 대체 휴일" in out
    assert "2026-12-24 (목) extra_holidays" in out
    assert "2026-05-01 (금) 근무일 (extra_workdays) — 노동절" in out
    assert "2026-12-26" not in out  # a plain Saturday is no holiday to list
    # 16 weekday holidays of 2026, 노동절 worked, one company day off
    assert out.rstrip().endswith("16 of them on working weekdays")


def test_calendar_show_refuses_an_absurd_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "show", "99999"]) == 2


def test_check_config_says_whether_survey_links_are_on(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SURVEY_SECRET", raising=False)
    assert main(["check-config", str(EXAMPLE)]) == 0
    assert "survey links off" in capsys.readouterr().out
    monkeypatch.setenv("SURVEY_SECRET", "k")
    monkeypatch.setenv("PUBLIC_URL", "https://bot.example.com/")
    assert main(["check-config", str(EXAMPLE)]) == 0
    assert "survey links on: https://bot.example.com/survey/<token>" in capsys.readouterr().out
