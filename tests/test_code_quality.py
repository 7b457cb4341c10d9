"""Lint, format and type checks, run by the test suite so CI runs them with the README command.

Why here and not as separate CI steps: `.ci/run` must run the README's test command unchanged,
so the checks that keep the code reviewable ride along with it, and a developer running the
suite sees them fail the same way CI would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / tool
    cmd = [str(exe), *args] if exe.exists() else [sys.executable, "-m", tool, *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    ("covers", "tool", "args"),
    [
        ("ruff lint rules of pyproject.toml", "ruff", ("check", ".")),
        ("ruff formatting", "ruff", ("format", "--check", ".")),
        ("mypy on extract/ and dashboard/", "mypy", ()),
    ],
)
def test_code_is_clean(covers: str, tool: str, args: tuple[str, ...]) -> None:
    result = _run(tool, *args)
    assert result.returncode == 0, f"{covers}:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
