"""The README is a contract: its Quick start, CLI table and CSV columns match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.cli import COMMANDS
from extract.export import EXPORTS
from extract.store import create_database, open_readonly
from tests.script_modules import load_script

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_quick_start_is_exactly_two_commands() -> None:
    cmds = quick_start_commands()
    assert len(cmds) == 2 and all("\n" not in c for c in cmds)
    assert "xuncha ingest data/" in cmds[0] and "xuncha dashboard" in cmds[0]
    assert "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command_unchanged() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start_commands()[1] in ci.splitlines()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command: str) -> None:
    assert f"`xuncha {command}" in README


def test_readme_cli_reference_is_the_help() -> None:
    """The README's command reference is exactly ``--help`` (scripts/readme_cli.py --write)."""
    module = load_script("readme_cli")
    assert module.current(README) == module.render(), "run: python scripts/readme_cli.py --write"


@pytest.mark.parametrize("spec", EXPORTS, ids=lambda s: s.filename)
def test_export_columns_documented_in_order(spec: object, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    create_database(db)
    con = open_readonly(db)
    try:
        cols = list(spec.columns) or [  # type: ignore[attr-defined]
            r[0]
            for r in con.execute(f"DESCRIBE {spec.view}").fetchall()  # type: ignore[attr-defined]
        ]
    finally:
        con.close()
    row = next(line for line in README.splitlines() if line.startswith(f"| `{spec.filename}`"))  # type: ignore[attr-defined]
    documented = row.rsplit("|", 2)[1].strip().strip("`").split(", ")
    assert documented == cols
