"""Benchmark (issue 12, items 1-2): serial vs parallel fresh ingest, and the unchanged re-ingest.

Makes N notices (default 200) from the five real notices, each copy made unique by a trailing
line so content-hash deduplication does not skip it, with mtimes a minute in the past (a file
written within a second of its ingest is "racy" and always compared by content, see
``extract.ingest._RACY_NS``). Then prints:

- a fresh ingest with ``--jobs 1`` and with ``--jobs 2`` (seconds, notices/s, speed-up), after
  checking both stores hold the same rows;
- a re-ingest of the unchanged set into the parallel run's store (seconds), and whether the
  store file was left untouched (same inode, mtime and bytes).

Run: ``python scripts/bench_scale.py [--notices 200] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path

import duckdb

from extract.ingest import ingest_paths

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TABLES = ("notices", "notice_sources", "problems", "quantities", "completion", "anomalies")


def make_inputs(folder: Path, notices: int) -> int:
    """Write ``notices`` unique copies of the corpus notices; returns their total characters."""
    sources = sorted(CORPUS.glob("*.txt"))
    texts = [s.read_text(encoding="utf-8") for s in sources]
    past = time.time_ns() - 60_000_000_000
    chars = 0
    for i in range(notices):
        text = texts[i % len(texts)] + f"\n(规模基准副本 {i})\n"
        path = folder / f"{i:05d}_{sources[i % len(sources)].name}"
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(past, past))
        chars += len(text)
    return chars


def fresh(inputs: Path, db: Path, jobs: int) -> float:
    start = time.perf_counter()
    summary = ingest_paths([inputs], db, workers=jobs)
    seconds = time.perf_counter() - start
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    return seconds


def rows(db: Path) -> dict[str, int]:
    """Row counts and a digest of the quantities, to check both runs stored the same."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {t: _one(con, f"SELECT count(*) FROM {t}") for t in TABLES}
        out["quantities_digest"] = _one(
            con,
            "SELECT sum(hash(notice_id, quantity_id, surface, start_offset, value)) "
            "FROM quantities",
        )
        return out
    finally:
        con.close()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0] or 0) if row else 0


def signature(db: Path) -> tuple[int, int, str]:
    st = db.stat()
    return st.st_ino, st.st_mtime_ns, hashlib.sha256(db.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--notices", type=int, default=200, help="notices to ingest (default 200)")
    ap.add_argument("--jobs", type=int, default=2, help="workers of the parallel run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        chars = make_inputs(inputs, args.notices)
        serial_db, parallel_db = Path(tmp) / "serial.duckdb", Path(tmp) / "parallel.duckdb"
        t_serial = fresh(inputs, serial_db, 1)
        t_parallel = fresh(inputs, parallel_db, args.jobs)
        same = rows(serial_db) == rows(parallel_db)
        before = signature(parallel_db)
        start = time.perf_counter()
        again = ingest_paths([inputs], parallel_db, workers=args.jobs)
        t_again = time.perf_counter() - start
        untouched = signature(parallel_db) == before
    n = args.notices
    print(f"{n} notices, {chars / 1e6:.1f} M characters, {os.cpu_count()} cores")
    print(f"fresh ingest --jobs 1: {t_serial:.2f} s ({n / t_serial:.1f} notices/s)")
    print(
        f"fresh ingest --jobs {args.jobs}: {t_parallel:.2f} s ({n / t_parallel:.1f} notices/s), "
        f"speed-up ×{t_serial / t_parallel:.2f}; same rows as serial: {same}"
    )
    print(
        f"re-ingest unchanged: {t_again:.2f} s ({again.unchanged}/{n} unchanged); "
        f"store file untouched: {untouched}"
    )


if __name__ == "__main__":
    main()
