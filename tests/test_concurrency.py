"""Real processes: readers (dashboard-style, export) keep working while ingests run.

DuckDB allows one writing process or many reading ones, never both; xuncha's writer works on a
private copy and swaps it in, so no reader should ever see a lock error. These tests run the
actual topology with separate OS processes, not threads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from extract.ingest import ingest_paths
from extract.store import open_readonly
from tests.notice_factory import write_notice

REPO = Path(__file__).resolve().parents[1]

READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from extract.store import open_readonly, file_signature
    from extract.export import export_all
    db, out, stop, mode = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    errors, seen, loops = [], set(), 0
    con, sig = None, None
    deadline = time.monotonic() + 300  # safety net; the test creates `stop` when done
    while time.monotonic() < deadline and not stop.exists():
        loops += 1
        try:
            if mode == "export":
                export_all(db, out.parent / "exports")
                continue
            now = file_signature(db)
            if now != sig:          # the dashboard's reconnect-on-change
                if con is not None:
                    con.close()
                con, sig = open_readonly(db), now
            seen.add(con.cursor().execute("SELECT count(*) FROM notices").fetchone()[0])
            fresh = open_readonly(db)  # and a short-lived reader, like `xuncha sql`
            fresh.execute("SELECT count(*) FROM v_notices").fetchone()
            fresh.close()
        except Exception as exc:
            errors.append(repr(exc))
        time.sleep(0.01)
    out.write_text(json.dumps({"errors": errors, "seen": sorted(seen), "loops": loops}))
""")

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from extract.ingest import ingest_paths
    res = ingest_paths([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))
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
    time.sleep(1.5)  # readers are up and holding connections
    for i in range(1, 5):
        w = _spawn(WRITER, db, write_notice(tmp_path / f"in{i}", f"n{i}.txt", study=i))
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()
        time.sleep(0.5)
    time.sleep(1.0)  # let every reader notice the last swap
    stop.touch()
    for r in readers:
        _, err = r.communicate(timeout=120)
        assert r.returncode == 0, err.decode()
    results = [json.loads((tmp_path / f"reader{i}.json").read_text()) for i in range(3)]
    for res in results:
        assert res["errors"] == [], res["errors"][:3]
        assert res["loops"] > 10
    for res in results[:2]:
        assert res["seen"][0] == 1 and res["seen"][-1] == 5  # reopened and saw every swap
    assert (tmp_path / "exports" / "notices.csv").exists()


@pytest.mark.slow
def test_two_ingest_processes_serialise(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    batches = [
        [write_notice(tmp_path / f"b{b}", f"n{i}.txt", study=10 * b + i) for i in range(3)]
        for b in range(2)
    ]
    procs = [_spawn(WRITER, db, *files) for files in batches]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err.decode()
    con = open_readonly(db)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone()[0] == 6
        assert con.execute("SELECT count(*) FROM ingest_runs").fetchone()[0] == 2
    finally:
        con.close()
