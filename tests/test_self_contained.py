"""A clone of the repository carries everything it needs: nothing points outside of it.

The checkout once read Slack's manifest schema from a `shared` folder beside it, which only
existed on the machine it was written on; a fresh clone failed `make test`. This test clones
the committed HEAD (what anybody else gets) and looks for such references in every file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        [
            re.escape(".." + "/" + "shared"),  # a relative path to the folder beside the checkout
            r"parent\s*/\s*[\"']" + "shared" + r"[\"']",  # the same built with pathlib
            "CHARTERBOT_" + "SHARED",  # the old environment override
        ]
    ).encode()
)


def _git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", "-c", "safe.directory=*", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()


def test_a_clone_refers_to_nothing_outside_the_repository(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (or no git): nothing to clone")
    head = _git("rev-parse", "HEAD", cwd=ROOT)
    clone = tmp_path / "clone"
    _git("clone", "--quiet", "--no-checkout", str(ROOT), str(clone))
    _git("checkout", "--quiet", "--detach", head, cwd=clone)
    files = [
        p for p in clone.rglob("*") if p.is_file() and ".git" not in p.relative_to(clone).parts
    ]
    assert (clone / "tests" / "data" / "slack" / "manifest.schema.json") in files
    offenders = [
        f"{path.relative_to(clone)}:{number}: {line.decode(errors='replace').strip()}"
        for path in files
        for number, line in enumerate(path.read_bytes().splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "files refer to a folder outside the repository:\n" + "\n".join(offenders)
