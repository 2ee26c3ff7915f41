"""`[digest]` and `[reports]`: validated like every key, documented in the example, and
check-config's warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.world import TEST_CONFIG

from bot.cli import main
from bot.config import ConfigError, config_warnings, parse_config


def test_defaults_and_values() -> None:
    config = parse_config(TEST_CONFIG)
    assert (config.digest.post_to_reports, config.reports.public, config.reports.url) == (
        False,
        False,
        "",
    )
    config = parse_config(
        {
            **TEST_CONFIG,
            "digest": {"post_to_reports": True},
            "reports": {"public": True, "url": "https://charter.example.com/"},
        }
    )
    assert config.digest.post_to_reports and config.reports.public
    assert config.reports.url == "https://charter.example.com"


@pytest.mark.parametrize(
    "bad",
    [
        {"digest": {"post_to_reports": "sometimes"}},
        {"digest": {"unknown": 1}},
        {"reports": {"public": "maybe"}},
        {"reports": {"url": "javascript:alert(1)"}},
        {"reports": {"url": "https://x.example/<!channel>"}},
        {"reports": {"url": "ftp://x.example"}},
        {"reports": {"url": "https://" + "x" * 300}},
    ],
)
def test_bad_values_are_config_errors(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_config({**TEST_CONFIG, **bad})
    assert any(p.startswith(("digest", "reports")) for p in exc.value.problems)


def test_warnings() -> None:
    assert "teams: no [[teams]]: nobody gets a digest, escalations have no manager" in (
        config_warnings(parse_config({}))
    )
    lone = parse_config(
        {
            "teams": [{"name": "Solo", "manager": "UMANAGER"}],
            "digest": {"post_to_reports": True},
        }
    )
    warnings = config_warnings(lone)
    assert "teams: 'Solo' has no members" in warnings
    assert "digest.post_to_reports: true but channels.reports is empty" in warnings
    assert "roles.admins: no admin: nobody sees delivery failures" in warnings


def test_check_config_prints_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "charterbot.toml"
    path.write_text('[[teams]]\nname = "Solo"\nmanager = "UMANAGER"\n', encoding="utf-8")
    assert main(["check-config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: ok" in out and "warning: teams: 'Solo' has no members" in out
