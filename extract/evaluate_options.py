"""The options of ``xuncha evaluate`` (and ``python -m extract.evaluate``), on their own.

Why a module of their own: every ``xuncha`` command builds the whole argument parser, and
importing :mod:`extract.evaluate` for its options cost each of them 8-12 ms (a one-notice
ingest included), for a command most runs never use.
"""

from __future__ import annotations

import argparse
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD_DIR = REPO_ROOT / "tests" / "gold"
DEFAULT_CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"
DESCRIPTION = "Score extract.extract_quantities against the hand-checked gold set."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options, shared by ``xuncha evaluate`` and ``python -m extract.evaluate``."""
    p.add_argument(
        "--gold",
        type=Path,
        default=DEFAULT_GOLD_DIR,
        help="folder of gold *.jsonl files (default: tests/gold of this checkout)",
    )
    p.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS_DIR,
        help="folder of the corpus notices (default: ../shared/corpus beside this checkout)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="list up to N misses, false positives and wrong values per category",
    )
    p.add_argument(
        "--show-metric-errors",
        type=int,
        default=0,
        metavar="N",
        help="list up to N quantities whose metric id disagrees with the label",
    )
