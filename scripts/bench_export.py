"""Benchmark (issue 12, item 4): ``xuncha export`` time and peak RSS on a big store.

Each measured run is a child process, so its peak RSS (``ru_maxrss`` of the child) is the
export's alone. Prints one line per run:

- ``csv``: the export as shipped (Arrow record batches → the one CSV writer, split at the Excel
  sheet limit);
- ``parquet``: ``--format parquet``;
- ``duckdb-copy``: the alternative the issue names, DuckDB's ``COPY (SELECT … ORDER BY …) TO``
  of the same five views (plain CSV: no BOM, no CRLF, no formula guard, no split), for scale.

The store is either ``--db FILE`` (e.g. one ingested from ``scripts/gen_scale_corpus.py``), or a
scratch one built by ingesting ``--seed-folder`` (default: the five real notices and ``data/``)
and replicating every per-notice row ``--copies`` times in SQL under new notice ids: the
fastest way to a store of 10,000 notices and over a million quantities without an hour of
ingest. Replicated rows are not unique text, which does not matter to an export.

Run: ``python scripts/bench_export.py --copies 1200`` (about 10,800 notices, 1.2 M quantities).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extract.ingest import ingest_paths  # noqa: E402

SEEDS = [REPO.parent / "shared" / "corpus", REPO / "data"]
# Per-notice tables copied; the passage tables are left out (they reference other notices).
REPLICATED = (
    "notices",
    "notice_sources",
    "problems",
    "quantities",
    "sentences",
    "completion",
    "anomalies",
)


def build_store(db: Path, seeds: list[Path], copies: int) -> None:
    """Ingest ``seeds`` into ``db``, then add ``copies`` copies of every notice's rows."""
    summary = ingest_paths(seeds, db)
    if summary.failed:
        raise SystemExit(f"{summary.failed} seed file(s) failed to ingest")
    con = duckdb.connect(str(db))
    try:
        con.execute("BEGIN")
        for table in REPLICATED:
            key = "source_path" if table == "notice_sources" else None
            replace = "notice_id || '-' || k AS notice_id"
            if key:
                replace += f", {key} || '#' || k AS {key}"
            con.execute(
                f"INSERT INTO {table} SELECT * EXCLUDE (k) REPLACE ({replace}) "
                f"FROM {table} CROSS JOIN (SELECT range AS k FROM range(1, ?)) r",
                [copies + 1],
            )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()


CHILD_EXPORT = """
import sys
from pathlib import Path
from extract.export import export_all
files = export_all(Path(sys.argv[1]), Path(sys.argv[2]), fmt=sys.argv[3])
print(len(files), sum(f.rows for f in files))
"""

CHILD_COPY = """
import sys
from pathlib import Path
from extract.export import EXPORTS
from extract.store import open_readonly
con = open_readonly(Path(sys.argv[1]))
con.execute("SET enable_progress_bar = false")
out = Path(sys.argv[2]); out.mkdir(parents=True, exist_ok=True)
for spec in EXPORTS:
    cols = ", ".join(spec.columns) if spec.columns else "*"
    target = str(out / spec.filename).replace("'", "''")
    con.execute(
        f"COPY (SELECT {cols} FROM {spec.view} ORDER BY {spec.order_by}) TO '{target}' (HEADER)"
    )
print(len(EXPORTS), 0)
"""


def measure(label: str, code: str, *args: str) -> None:
    """Run ``code`` in a fresh interpreter; print its wall time and its own peak RSS."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", code, *args], cwd=REPO, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)  # this child's rusage, not all children's
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            print(f"{label}: failed\n{err.read().strip()}")
            return
        files = out.read().split()[0]
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    print(f"{label}: {seconds:.1f} s, peak RSS {peak:.0f} MiB, {files} files")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing store (default: build a scratch one)")
    parser.add_argument("--copies", type=int, default=1200, help="replicas of the seed notices")
    parser.add_argument("--seed-folder", type=Path, action="append", help="notices to replicate")
    parser.add_argument("--skip", action="append", default=[], help="csv, parquet, duckdb-copy")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xuncha-bench-export-"))
    try:
        db = args.db
        if db is None:
            db = work / "big.duckdb"
            t0 = time.perf_counter()
            build_store(db, args.seed_folder or SEEDS, args.copies)
            print(f"scratch store built in {time.perf_counter() - t0:.1f} s")
        con = duckdb.connect(str(db), read_only=True)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in REPLICATED}
        con.close()
        print("store:", ", ".join(f"{t} {c[0] if c else 0:,}" for t, c in counts.items()))
        runs = [
            ("csv", CHILD_EXPORT, str(db), str(work / "csv"), "csv"),
            ("parquet", CHILD_EXPORT, str(db), str(work / "parquet"), "parquet"),
            ("duckdb-copy", CHILD_COPY, str(db), str(work / "copy")),
        ]
        for label, code, *child_args in runs:
            if label not in args.skip:
                measure(label, code, *child_args)
        for label in ("csv", "parquet", "copy"):
            folder = work / label
            if folder.is_dir():
                size = sum(p.stat().st_size for p in folder.iterdir())
                names = sorted(p.name for p in folder.iterdir())
                print(f"{label}: {size / 2**20:.0f} MiB in {', '.join(names)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
