"""Regenerate the README's command-line reference from ``xuncha --help``.

Why generated: the hand-written table drifted from the real options (``--jobs`` and ``--host``
were documented late, a removed flag lingered). The README now shows exactly what
``xuncha COMMAND --help`` prints, between ``<!-- cli:start -->`` and ``<!-- cli:end -->``, and
``tests/test_docs.py`` fails when they differ. Run ``python scripts/readme_cli.py --write`` after
changing a command's options or help.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

START, END = "<!-- cli:start -->", "<!-- cli:end -->"
WIDTH = "100"  # argparse wraps to $COLUMNS; fixed so the output is the same on every terminal


def _help(parser: argparse.ArgumentParser) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        parser.print_help()
    return out.getvalue().rstrip()


def render() -> str:
    """The generated block: a summary table, then each command's full ``--help``."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        from extract.cli import build_parser

        parser = build_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        helps = {a.dest: a.help or "" for a in sub._choices_actions}
        rows = ["| command | what it does |", "| --- | --- |"]
        blocks = []
        for name, command in sub.choices.items():
            rows.append(f"| [`xuncha {name}`](#xuncha-{name}) | {helps.get(name, '')} |")
            blocks.append(f"#### xuncha {name}\n\n```text\n{_help(command)}\n```")
        head = f"```text\n{_help(parser)}\n```"
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous
    return "\n\n".join(["\n".join(rows), head, *blocks])


def current(readme: str) -> str:
    """The block now in the README (empty if the markers are missing)."""
    if START not in readme or END not in readme:
        return ""
    return readme.split(START, 1)[1].split(END, 1)[0].strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="update README.md in place")
    args = ap.parse_args(argv)
    path = REPO / "README.md"
    readme = path.read_text(encoding="utf-8")
    block = render()
    if not args.write:
        print(block)
        return 0
    if START not in readme:
        print(f"{path}: no {START} … {END} markers", file=sys.stderr)
        return 1
    before, rest = readme.split(START, 1)
    after = rest.split(END, 1)[1]
    path.write_text(f"{before}{START}\n{block}\n{END}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
