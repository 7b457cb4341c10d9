"""Real processes: readers keep working while ingests write in place, and kill -9 is harmless.

DuckDB allows one writing process or many reading ones, never both; xuncha's writer writes the
live file one batch at a time behind a turnstile, and readers pass the turnstile and hold
short-lived connections, so a reader waits for at most one batch and never sees a lock error.
These tests run the actual topology with separate OS processes, not threads.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from extract.ingest import ingest_paths
from extract.store import open_readonly
from extract.store.writer import verify_readable
from tests.notice_factory import write_notice

REPO = Path(__file__).resolve().parents[1]

READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from extract.store import open_readonly
    from extract.export import export_all
    db, out, stop, mode = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    errors, seen, loops = [], set(), 0
    deadline = time.monotonic() + 300  # safety net; the test creates `stop` when done
    while time.monotonic() < deadline and not stop.exists():
        loops += 1
        try:
            if mode == "export":
                export_all(db, out.parent / "exports")
                continue
            con = open_readonly(db)  # one short-lived connection per query, like the dashboard
            try:
                seen.add(con.execute("SELECT count(*) FROM notices").fetchone()[0])
                con.execute("SELECT count(*) FROM v_notices").fetchone()
            finally:
                con.close()
        except Exception as exc:
            errors.append(repr(exc))
        time.sleep(0.01)
    out.write_text(json.dumps({"errors": errors, "seen": sorted(seen), "loops": loops}))
""")

# A writer with batches of BATCH notices, so a run commits several times (argv: db, batch,
# files...). It announces itself once its imports are done, so kills land in the run proper.
WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    import extract.ingest as ingest_mod
    import extract.notice, extract.quantities.extractor  # imported by the run otherwise
    ingest_mod.BATCH_SIZE = int(sys.argv[2])
    print("ready", flush=True)
    res = ingest_mod.ingest_paths([Path(p) for p in sys.argv[3:]], Path(sys.argv[1]), workers=1)
    sys.exit(1 if res.failed else 0)
""")


def _spawn(code: str, *args: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_readers_never_see_lock_errors_while_ingest_runs(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    stop = tmp_path / "stop"
    ingest_paths([write_notice(tmp_path / "in0", "n0.txt", study=0)], db)
    readers = [
        _spawn(READER, db, tmp_path / f"reader{i}.json", stop, mode)
        for i, mode in enumerate(["dashboard", "dashboard", "export"])
    ]
    time.sleep(1.5)  # readers are up and querying
    for i in range(1, 5):
        files = [write_notice(tmp_path / f"in{i}", f"n{i}.txt", study=i)]
        w = _spawn(WRITER, db, 64, *files)
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()
        time.sleep(0.5)
    time.sleep(1.0)  # let every reader see the last batch
    stop.touch()
    for r in readers:
        _, err = r.communicate(timeout=120)
        assert r.returncode == 0, err.decode()
    results = [json.loads((tmp_path / f"reader{i}.json").read_text()) for i in range(3)]
    for res in results:
        assert res["errors"] == [], res["errors"][:3]
        assert res["loops"] > 10
    for res in results[:2]:
        assert res["seen"] == [1, 2, 3, 4, 5]  # saw every commit, in order, none skipped
    assert (tmp_path / "exports" / "notices.csv").exists()


@pytest.mark.slow
def test_two_ingest_processes_serialise(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    batches = [
        [write_notice(tmp_path / f"b{b}", f"n{i}.txt", study=10 * b + i) for i in range(3)]
        for b in range(2)
    ]
    procs = [_spawn(WRITER, db, 2, *files) for files in batches]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
    con = open_readonly(db)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone()[0] == 6
        assert con.execute("SELECT count(*) FROM ingest_runs").fetchone()[0] == 2
    finally:
        con.close()


def _rows_by_notice(db: Path) -> dict[str, tuple[object, ...]]:
    """Per stored source path: its notice's rows in every table (ingest times left out)."""
    con = open_readonly(db)
    try:
        verify_readable(con)  # every block of every table reads back with a valid checksum
        out: dict[str, tuple[object, ...]] = {}
        sources = con.execute("SELECT source_path, notice_id FROM notice_sources").fetchall()
        for path, nid in sources:
            one = "SELECT * {} FROM {} WHERE notice_id = ? ORDER BY ALL"
            out[path] = tuple(
                con.execute(one.format(exclude, table), [nid]).fetchall()
                for table, exclude in (
                    ("quantities", ""),
                    ("problems", ""),
                    ("completion", ""),
                    ("anomalies", ""),
                    # cluster ids follow later notices and batch order: left out
                    ("passages", "EXCLUDE (cluster_id)"),
                    ("notices", "EXCLUDE (ingested_at)"),
                )
            )
        return out
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_at_random_points_leaves_whole_batches(tmp_path: Path) -> None:
    """A writer killed at random points (before, during and between batches, in a checkpoint)
    leaves a store that opens, reads back every block, and holds exactly the batches that
    committed: a prefix of the input in whole batches, each notice with all its rows. A rerun
    then completes it to what one clean run stores."""
    batch = 2
    files = [write_notice(tmp_path / "in", f"n{i:02d}.txt", study=100 + i) for i in range(10)]
    reference = tmp_path / "reference.duckdb"
    ingest_paths(files, reference, workers=1)
    want = _rows_by_notice(reference)
    order = [str(f) for f in files]
    rng = random.Random(12)
    outcomes = set()
    for run in range(8):
        db = tmp_path / f"run{run}.duckdb"
        ingest_paths(files[:1], db, workers=1)  # a store with one notice already in it
        w = _spawn(WRITER, db, batch, *files)
        assert w.stdout is not None and w.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 3.5))  # a whole run takes about 1-3 s after "ready"
        os.kill(w.pid, signal.SIGKILL)
        w.wait(timeout=60)
        got = _rows_by_notice(db)  # opens with any leftover .wal, scans every block
        stored = [p for p in order if p in got]
        assert stored == order[: len(stored)], (run, stored)  # a prefix of the input
        assert (len(stored) - 1) % batch == 0 or len(stored) == len(order), (run, stored)
        for path in stored:
            assert got[path] == want[path], (run, path)  # each notice complete
        outcomes.add(len(stored))
        assert ingest_paths(files, db, workers=1).failed == 0
        assert _rows_by_notice(db) == want, run
    assert len(outcomes) >= 2, outcomes  # the kills landed at different points


# A writer that holds the write lock for HOLD seconds before it writes (argv: db, hold, files).
LOCK_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import extract.ingest as ingest_mod
    real = ingest_mod._Run._open_writer
    def open_writer(self):
        fresh = real(self)
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
        return fresh
    ingest_mod._Run._open_writer = open_writer
    res = ingest_mod.ingest_paths([Path(p) for p in sys.argv[3:]], Path(sys.argv[1]), workers=1)
    sys.exit(1 if res.failed else 0)
""")


@pytest.mark.parametrize(
    ("covers", "holder"),
    [
        ("the lock is free: the look-ups made read-only stand, one read-write open", False),
        ("another writer holds the lock and stores the same file: looked up again", True),
    ],
)
def test_taking_the_write_lock_keeps_or_renews_the_look_ups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, covers: str, holder: bool
) -> None:
    """A run decides its files read-only, then takes the write lock. Taken at once, nothing
    can have been written since it looked (DuckDB refuses a read-write open while its
    read-only connection is open), so it writes on those answers and checks the schema in the
    batch's own session. Taken after a wait, another writer may just have stored the same
    file: every answer is read again, and the file is unchanged, not stored twice."""
    from extract.store.writer import StoreWriter

    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "in", "a.txt")], db)
    b = write_notice(tmp_path / "in", "b.txt", unit="乙单位")
    os.utime(b, ns=(time.time_ns() - 5 * 10**9,) * 2)  # not "racy": its stat can be trusted
    opens = []
    real = StoreWriter._connect

    def connect(self: StoreWriter, deadline: float) -> object:
        opens.append(1)
        return real(self, deadline)

    monkeypatch.setattr(StoreWriter, "_connect", connect)
    other = None
    if holder:
        other = _spawn(LOCK_HOLDER, db, 2.0, b)
        assert other.stdout is not None and other.stdout.readline().strip() == b"locked"
    summary = ingest_paths([b], db, workers=1)
    if other is not None:
        _, err = other.communicate(timeout=120)
        assert other.returncode == 0, err.decode()
    assert summary.failed == 0, [r.error for r in summary.results]
    assert [r.status for r in summary.results] == (["unchanged"] if holder else ["new"]), covers
    # after a wait: the schema check's session, then the one writing the run's record
    assert len(opens) == (2 if holder else 1), covers
    con = open_readonly(db)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone()[0] == 2, covers
        runs = con.execute("SELECT count(*) FROM ingest_runs").fetchone()[0]
        assert runs == (3 if holder else 2), covers
    finally:
        con.close()


def test_a_writer_waits_for_readers_of_its_own_process(tmp_path: Path) -> None:
    """The dashboard imports in the process that also serves queries: DuckDB refuses a
    read-write open there while a read-only connection is open ("different configuration"),
    which the writer must treat like another process' lock (wait), not as a damaged file."""
    import threading

    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "in", "a.txt")], db)
    con = open_readonly(db)
    closer = threading.Timer(0.5, con.close)
    closer.start()
    summary = ingest_paths([write_notice(tmp_path / "in", "b.txt", unit="乙单位")], db)
    closer.join()
    assert (summary.new, summary.failed) == (1, 0), [r.error for r in summary.results]


def test_the_sql_page_box_does_not_hold_the_file_between_requests(tmp_path: Path) -> None:
    """The dashboard's SQL box attaches per request: an ingest right after a query is not kept
    waiting for a connection the page no longer uses (it would wait until its timeout)."""
    from dashboard.db import ShortLivedSqlBox

    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "in", "a.txt")], db)
    box = ShortLivedSqlBox(db)
    try:
        assert box.run("SELECT count(*) AS n FROM notices").frame["n"].tolist() == [1]
        # another process (xuncha ingest): DuckDB's lock is per process, so it must be one
        w = _spawn(WRITER, db, 64, write_notice(tmp_path / "in", "b.txt", unit="乙单位"))
        _, err = w.communicate(timeout=60)  # a held box would keep it waiting 120 s
        assert w.returncode == 0, err.decode()
        assert box.run("SELECT count(*) AS n FROM notices").frame["n"].tolist() == [2]
    finally:
        box.close()
