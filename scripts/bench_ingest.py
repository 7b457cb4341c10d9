"""Benchmark: ingest time with and without the notice parser (issue 4 asks ≤ 20% overhead).

Copies the five real notices N times into a temp folder (each copy made unique by a trailing
line so content-hash deduplication does not skip it), ingests them into a fresh database twice —
once with ``parse=False`` and once with the parser — and prints seconds, notices/s and the
parser's overhead. Run: ``python scripts/bench_ingest.py [--copies 20]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from extract.ingest import ingest_paths

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def make_inputs(folder: Path, copies: int) -> int:
    chars = 0
    for i in range(copies):
        for src in sorted(CORPUS.glob("*.txt")):
            text = src.read_text(encoding="utf-8") + f"\n(基准测试副本 {i})\n"
            (folder / f"{i:03d}_{src.name}").write_text(text, encoding="utf-8")
            chars += len(text)
    return chars


def timed_ingest(inputs: Path, db: Path, *, parse: bool) -> tuple[float, int]:
    start = time.perf_counter()
    summary = ingest_paths([inputs], db, parse=parse)
    elapsed = time.perf_counter() - start
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    return elapsed, summary.new


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=20, help="copies of the five notices")
    ap.add_argument("--rounds", type=int, default=3, help="repeat and keep the best time")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        chars = make_inputs(inputs, args.copies)
        best: dict[bool, float] = {}
        for _ in range(args.rounds):
            for parse in (False, True):
                db = Path(tmp) / f"bench_{parse}.duckdb"
                db.unlink(missing_ok=True)
                elapsed, _n = timed_ingest(inputs, db, parse=parse)
                best[parse] = min(best.get(parse, elapsed), elapsed)
        shutil.rmtree(inputs)
    n_notices = args.copies * 5
    for parse in (False, True):
        label = "with parser   " if parse else "without parser"
        print(f"{label}: {best[parse]:.2f} s for {n_notices} notices "
              f"({n_notices / best[parse]:.1f} notices/s, {chars / best[parse] / 1e6:.2f} MB/s)")
    print(f"parser overhead: {100 * (best[True] / best[False] - 1):+.1f}% (target ≤ +20%)")


if __name__ == "__main__":
    main()
