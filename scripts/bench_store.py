"""Benchmark of the store's write path (issue 12, item 3): cost per ingest against store size.

Builds a store of ``--notices`` notices fast: ``--base`` generated notices (30 KB each, from
``scripts/gen_scale_corpus.py``; the fictional ``tests/notice_factory`` when it is missing) are
ingested for real, then their rows are replicated with SQL under new notice ids until the store
holds ``--notices`` (every table keyed by notice id; replicated passages join their original's
cluster and keep no band keys, as a real copy would). Then it prints:

- ``+1``: one new notice into the store (median of ``--repeat`` runs, each a new file);
- ``unchanged``: a re-ingest of ``--notices`` unchanged files (copies of one file, whose stat
  the store holds for each path, so every file is skipped on its stat as in a real rerun);
- ``readers``: latency and errors of reader processes (open through the turnstile, one query,
  close) while a writer ingests ``--batch`` new notices in one run;
- the store's size;
- with ``--profile``, one more +1 timed phase by phase (cProfile): analysis, look-ups, session
  open, deletes, inserts, the shared-passage steps, the checkpoint.

Timings are wall-clock on whatever else the machine runs. Run:
``python scripts/bench_store.py --notices 10000 [--notices 100000] [--base 300]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.ingest import NOTICE_TABLES, ingest_paths  # noqa: E402
from extract.store import StoreWriter, open_readonly  # noqa: E402

GENERATOR = REPO / "scripts" / "gen_scale_corpus.py"


def make_corpus(out: Path, notices: int, seed: int) -> list[Path]:
    """``notices`` fictional notice files (the scale generator's, else the test factory's)."""
    if GENERATOR.exists():
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--out",
                str(out),
                "-n",
                str(notices),
                "--seed",
                str(seed),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return sorted(out.rglob("*.txt"))
    from tests.notice_factory import write_notice

    past = time.time_ns() - 60_000_000_000
    files = []
    for i in range(notices):
        f = write_notice(out, f"n{seed}_{i:06d}.txt", unit=f"第{seed}_{i}单位", study=i)
        os.utime(f, ns=(past, past))
        files.append(f)
    return files


def replicate(db: Path, target: int) -> float:
    """Copy every notice's rows under new ids until the store holds ``target`` notices."""
    started = time.perf_counter()
    with StoreWriter(db, session=False) as writer, writer.session() as con:
        have = con.execute("SELECT count(*) FROM notices").fetchone()[0]
        copies = -(-target // have) - 1
        con.execute(
            "CREATE TEMP TABLE ids AS SELECT n.notice_id AS old, r.k, "
            "substr(sha256(n.notice_id || ':' || r.k), 1, 16) AS new "
            f"FROM notices n, range(1, {copies + 1}) r(k) "
            f"QUALIFY row_number() OVER (ORDER BY r.k, n.notice_id) <= {target - have}"
        )
        # a passage no other notice shared becomes a one-member cluster its copies join
        # a singleton is its key's representative, and may keep band keys (passage_texts)
        for table in ("passages", "passage_keys", "passage_texts"):
            con.execute(
                f"UPDATE {table} SET cluster_id = notice_id || ':' || passage_id "
                "WHERE cluster_id IS NULL"
            )
        for table in NOTICE_TABLES:
            if table in ("passage_bands", "passage_links"):
                continue  # a copy matches its original's text key: no bands, links not needed
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            exprs = ", ".join(
                "i.new"
                if c == "notice_id"
                else "coalesce(t.cluster_id, t.notice_id || ':' || t.passage_id)"
                if c == "cluster_id"
                else f"t.{c}"
                for c in cols
            )
            con.execute("BEGIN")
            con.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) SELECT {exprs} "
                f"FROM {table} t JOIN ids i ON t.notice_id = i.old"
            )
            con.execute("COMMIT")
        con.execute("BEGIN")
        recount_clusters(con)
        con.execute("COMMIT")
    return time.perf_counter() - started


def recount_clusters(con: duckdb.DuckDBPyConnection) -> None:
    """``shared_clusters`` and ``cluster_inputs`` recounted from the members, after copying.

    The copies joined their originals' clusters (passage_keys and passage_texts need no new
    rows: a copy has its original's text key and keeps no band keys). Labels are read again from
    each cluster's first member, as :func:`extract.store.passages.forget_notices` does. Members
    are grouped by their cluster after the base ingest's merges (``v_passage_clusters``).
    """
    from extract.audit.shared import label_cluster
    from extract.store.passages import MAX_LABEL_MEMBERS, _members

    rows = con.execute(
        f"""
        SELECT p.cluster_id, count(DISTINCT p.notice_id),
               list_slice(list_sort(list_distinct(list(
                   coalesce(n.inspected_unit, 'notice:' || p.notice_id)))), 1, {MAX_LABEL_MEMBERS}),
               list_slice(list_sort(list_distinct(list(
                   coalesce(n.issuer, 'notice:' || p.notice_id)))), 1, {MAX_LABEL_MEMBERS}),
               arg_min(substring(n.text, p.start_offset + 1, p.end_offset - p.start_offset),
                       (p.notice_id, p.passage_id))
        FROM v_passage_clusters p JOIN notices n USING (notice_id)
        WHERE p.cluster_id IS NOT NULL GROUP BY p.cluster_id
        """
    ).fetchall()
    import pyarrow as pa

    clusters = pa.table(
        {
            "cluster_id": [r[0] for r in rows],
            "label": [label_cluster(r[4], _members(r[2], r[3])) for r in rows],
            "notices": pa.array([r[1] for r in rows], pa.int32()),
            "labelled_at": [datetime.now()] * len(rows),
        }
    )
    inputs = pa.table(
        {
            "cluster_id": [r[0] for r in rows],
            "units": [r[2] for r in rows],
            "issuers": [r[3] for r in rows],
        }
    )
    con.execute("DELETE FROM shared_clusters")
    con.execute("DELETE FROM cluster_inputs")
    con.register("_clusters", clusters)
    con.register("_inputs", inputs)
    con.execute("INSERT INTO shared_clusters BY NAME SELECT * FROM _clusters")
    con.execute("INSERT INTO cluster_inputs BY NAME SELECT * FROM _inputs")
    con.unregister("_clusters")
    con.unregister("_inputs")


def add_sources(db: Path, folder: Path, template: Path) -> list[Path]:
    """One copy of ``template`` per stored notice, recorded as that notice's source."""
    folder.mkdir(parents=True, exist_ok=True)
    with StoreWriter(db, session=False) as writer, writer.session() as con:
        ids = [r[0] for r in con.execute("SELECT notice_id FROM notices ORDER BY 1").fetchall()]
        links = []
        for i, _ in enumerate(ids):
            link = folder / f"u{i:07d}.txt"
            shutil.copy2(template, link)  # same size and mtime (hard links count as one file)
            links.append(link)
        st = template.stat()
        import pyarrow as pa

        table = pa.table(
            {
                "source_path": [str(p) for p in links],
                "notice_id": ids,
                "file_sha256": ["0" * 64] * len(ids),
                "file_size": [st.st_size] * len(ids),
                "file_mtime_ns": [st.st_mtime_ns] * len(ids),
            }
        )
        con.register("links", table)
        con.execute(
            "INSERT INTO notice_sources BY NAME SELECT *, now()::TIMESTAMP AS seen_at FROM links"
        )
    return links


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    from extract.store import open_readonly
    db, out, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    lat, errors = [], []
    while not stop.exists():
        t = time.perf_counter()
        try:
            con = open_readonly(db)
            con.execute("SELECT count(*) FROM notices").fetchone()
            con.close()
        except Exception as exc:
            errors.append(repr(exc)[:200])
        lat.append(time.perf_counter() - t)
        time.sleep(0.02)
    out.write_text(json.dumps({"lat": lat, "errors": errors}))
""")


def readers_during_write(db: Path, new_files: list[Path], tmp: Path, readers: int) -> str:
    stop = tmp / "stop"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(tmp / f"r{i}.json"), str(stop), str(REPO)]
        )
        for i in range(readers)
    ]
    time.sleep(2.0)
    started = time.perf_counter()
    summary = ingest_paths(new_files, db)
    write_s = time.perf_counter() - started
    time.sleep(0.5)
    stop.touch()
    for p in procs:
        p.wait(timeout=60)
    lat: list[float] = []
    errors: list[str] = []
    for i in range(readers):
        res = json.loads((tmp / f"r{i}.json").read_text())
        lat += res["lat"]
        errors += res["errors"]
    lat.sort()
    p95 = lat[int(0.95 * (len(lat) - 1))]
    return (
        f"readers: {readers} processes, {len(lat)} opens+queries while a writer stored "
        f"{summary.new} notices in {write_s:.2f} s: median {statistics.median(lat) * 1e3:.0f} ms, "
        f"p95 {p95 * 1e3:.0f} ms, max {lat[-1] * 1e3:.0f} ms, errors {len(errors)}"
        + (f" (first: {errors[0]})" if errors else "")
    )


def timed(paths: list[Path], db: Path) -> tuple[float, object]:
    started = time.perf_counter()
    summary = ingest_paths(paths, db)
    return time.perf_counter() - started, summary


# Phases of one ingest, as (file, function) whose cumulative time they are (cProfile).
PHASES: list[tuple[str, list[tuple[str, str]]]] = [
    ("read + analysis", [("ingest.py", "_read_serial"), ("ingest.py", "_analyse_batch")]),
    ("unchanged-file look-ups", [("ingest.py", "_snapshot"), ("ingest.py", "_decide")]),
    ("session open (+ upgrade check)", [("writer.py", "_connect"), ("migrate.py", "upgrade")]),
    ("deletes of replaced notices", [("ingest.py", "_delete_notices")]),
    ("row inserts", [("ingest.py", "_insert_rows")]),
    ("shared passages", [("passages.py", "store_passages")]),
    ("  text-key look-up", [("passages.py", "_by_text_key")]),
    ("  band look-up", [("passages.py", "_by_bands")]),
    ("  linking (confirm, union)", [("passages.py", "run")]),
    ("  writes + cluster moves", [("passages.py", "_write")]),
    ("  of which cluster labels", [("passages.py", "_label")]),
    ("run record", [("ingest.py", "_record_run")]),
]


def profiled(path: Path, db: Path) -> str:
    """One +1 ingest under cProfile, summed into the phases above (plus the checkpoint)."""
    import cProfile
    import pstats

    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    summary = ingest_paths([path], db)
    prof.disable()
    wall = time.perf_counter() - started
    assert summary.new == 1, summary.results
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]

    def cumulative(file: str, func: str) -> float:
        return sum(v[3] for (f, _, name), v in stats.items() if f.endswith(file) and name == func)

    # StoreWriter.session's own time (its Python callees excluded) is the CHECKPOINT and the
    # close: cProfile does not see duckdb's methods, so they count as the caller's own time
    checkpoint = sum(
        v[2] for (f, _, name), v in stats.items() if f.endswith("writer.py") and name == "session"
    )
    lines = [f"{'phase':<34}{'seconds':>8}"]
    for label, funcs in PHASES:
        lines.append(f"{label:<34}{sum(cumulative(f, n) for f, n in funcs):>8.3f}")
    lines.append(f"{'checkpoint + close':<34}{checkpoint:>8.3f}")
    lines.append(f"{'whole ingest (wall)':<34}{wall:>8.3f}")
    return "\n".join(lines)


def bench(
    target: int,
    base: int,
    repeat: int,
    readers: int,
    batch: int,
    keep: Path,
    profile: bool,
    plus_one_only: bool = False,
) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench_store_{target}_", dir=keep))
    db = tmp / "x.duckdb"
    files = make_corpus(tmp / "in", base, seed=1)
    t_base, _ = timed([tmp / "in"], db)
    print(f"[{target}] base: {len(files)} notices ingested for real in {t_base:.1f} s")
    t_rep = replicate(db, target)
    con = open_readonly(db)
    n, q = con.execute(
        "SELECT (SELECT count(*) FROM notices), (SELECT count(*) FROM quantities)"
    ).fetchone()
    con.close()
    print(
        f"[{target}] replicated to {n} notices, {q} quantities in {t_rep:.1f} s; "
        f"store {db.stat().st_size / 1e6:.0f} MB"
    )
    extra = make_corpus(tmp / "extra", repeat + (0 if plus_one_only else batch), seed=7)
    plus_one = []
    for f in extra[:repeat]:
        seconds, summary = timed([f], db)
        assert summary.new == 1, summary.results  # type: ignore[attr-defined]
        plus_one.append(seconds)
    print(
        f"[{target}] +1 notice: median {statistics.median(plus_one):.2f} s "
        f"(runs: {', '.join(f'{x:.2f}' for x in plus_one)})"
    )
    if profile:
        more = make_corpus(tmp / "profiled", 1, seed=11)
        print(f"[{target}] +1 notice, profiled (cProfile inflates Python time):")
        print(textwrap.indent(profiled(more[0], db), f"[{target}]   "))
    if plus_one_only:
        print(f"[{target}] store {db.stat().st_size / 1e6:.0f} MB at the end; kept in {tmp}")
        return
    links = add_sources(db, tmp / "unchanged", extra[0])
    seconds, summary = timed([tmp / "unchanged"], db)
    print(
        f"[{target}] re-ingest of {len(links)} unchanged files: {seconds:.2f} s "
        f"({summary.unchanged} unchanged)"  # type: ignore[attr-defined]
    )
    print(f"[{target}] " + readers_during_write(db, extra[repeat:], tmp, readers))
    print(f"[{target}] store {db.stat().st_size / 1e6:.0f} MB at the end; kept in {tmp}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notices", type=int, action="append", help="store sizes (repeatable)")
    ap.add_argument("--base", type=int, default=300, help="notices ingested for real")
    ap.add_argument("--repeat", type=int, default=3, help="+1 runs (median)")
    ap.add_argument("--readers", type=int, default=3, help="reader processes")
    ap.add_argument("--batch", type=int, default=64, help="notices written while readers read")
    ap.add_argument("--tmp", type=Path, default=None, help="where stores are built")
    ap.add_argument("--profile", action="store_true", help="also time one +1 ingest phase by phase")
    ap.add_argument(
        "--plus-one-only",
        action="store_true",
        help="stop after +1 (the unchanged re-ingest writes one file per stored notice)",
    )
    args = ap.parse_args()
    for target in args.notices or [10_000]:
        bench(
            target,
            args.base,
            args.repeat,
            args.readers,
            args.batch,
            args.tmp,
            args.profile,
            args.plus_one_only,
        )


if __name__ == "__main__":
    main()
