"""Parallel ingest (issue 12, item 1): a process pool analyses, one writer stores.

The pool must change nothing but the time: the same store, row for row, and the same
per-file results in the same order as a serial run; a file whose analysis raises, or whose
worker process dies, fails alone while the rest of the run lands.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

import extract.ingest as ingest_mod
from extract.ingest import IngestSummary, ingest_paths
from tests.notice_factory import write_notice

# The marker write_notice(study=2) puts in a notice: the file the failing tasks pick on.
BAD_MARKER = "开展集中学习2次"


def _stored_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every base table's rows, ordered, without ingest timestamps and run ids."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        out: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            cols = [
                f'"{name}"'
                for name, dtype in con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if not dtype.startswith("TIMESTAMP") and (table, name) != ("ingest_runs", "run_id")
            ]
            listed = ", ".join(cols)
            out[table] = con.execute(f'SELECT {listed} FROM "{table}" ORDER BY ALL').fetchall()
        return out
    finally:
        con.close()


def _outcomes(summary: IngestSummary) -> list[tuple[object, ...]]:
    return [(str(r.path), r.status, r.notice_id, r.quantities, r.error) for r in summary.results]


@pytest.fixture
def pool_always(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Use the pool however few files there are, and count the files sent to it."""
    monkeypatch.setattr(ingest_mod, "POOL_MIN_FILES", 1)
    sent: list[int] = []
    real_submit = ingest_mod._WorkerPool.submit

    def counting(self: ingest_mod._WorkerPool, src: ingest_mod._Source) -> object:
        sent.append(1)
        return real_submit(self, src)

    monkeypatch.setattr(ingest_mod._WorkerPool, "submit", counting)
    return sent


def test_parallel_and_serial_ingest_store_the_same_rows(
    tmp_path: Path, corpus_dir: Path, sample_dir: Path, pool_always: list[int]
) -> None:
    """Corpus + samples (+ a duplicate, so one file is decided by content): same rows, same
    results in the same order, and the pool really analysed every file."""
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(next(iter(sorted(corpus_dir.glob("*.txt")))), extra / "dup_of_first.txt")
    inputs = [corpus_dir, sample_dir, extra]
    serial = ingest_paths(inputs, tmp_path / "serial.duckdb", workers=1)
    assert pool_always == []  # --jobs 1 is the serial path: no pool
    parallel = ingest_paths(inputs, tmp_path / "parallel.duckdb", workers=2)
    assert len(pool_always) == len(parallel.results)
    assert serial.failed == 0, [r.error for r in serial.results if r.error]
    assert serial.new >= 9 and serial.unchanged == 1
    assert _outcomes(parallel) == _outcomes(serial)
    assert _stored_rows(tmp_path / "parallel.duckdb") == _stored_rows(tmp_path / "serial.duckdb")


def _parser_bug_task(path: Path, data: bytes | None, parse: bool) -> ingest_mod._Loaded:
    """Worker task: the real analysis with a parser that raises on the marked notice.

    Patched inside the worker, since a spawned worker does not see the parent's monkeypatch.
    """
    real = ingest_mod.parse_stage
    if not getattr(real, "is_flaky", False):

        def flaky(loaded: ingest_mod.LoadedNotice, *, parse: bool = True) -> object:
            if BAD_MARKER in loaded.text:
                raise ValueError("parser bug")
            return real(loaded, parse=parse)

        flaky.is_flaky = True  # type: ignore[attr-defined]
        ingest_mod.parse_stage = flaky  # type: ignore[assignment]
    return ingest_mod.analyse_file(path, data, parse)


def _killing_task(path: Path, data: bytes | None, parse: bool) -> ingest_mod._Loaded:
    """Worker task: the marked notice kills its worker, as the OOM killer would (SIGKILL)."""
    raw = data if data is not None else path.read_bytes()
    if BAD_MARKER.encode("utf-8") in raw:
        os.kill(os.getpid(), signal.SIGKILL)
    return ingest_mod.analyse_file(path, data, parse)


FAILING_WORKERS: list[tuple[str, Callable[..., ingest_mod._Loaded], str, str]] = [
    # (case, worker task, reason on the bad file, reason on its copy) — covers:
    # an exception inside a worker's analysis: reported like the serial path's message;
    ("analysis_raises", _parser_bug_task, "parser bug", "could not be analysed"),
    # a worker killed mid-file (BrokenProcessPool): the files in flight with it are re-run
    # alone, so only the file that kills its worker (and its copy, which does too) fails.
    ("worker_killed", _killing_task, "worker process died", "worker process died"),
]


@pytest.mark.parametrize(
    ("task", "bad_reason", "copy_reason"),
    [row[1:] for row in FAILING_WORKERS],
    ids=[row[0] for row in FAILING_WORKERS],
)
def test_a_file_that_fails_in_a_worker_fails_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pool_always: list[int],
    task: Callable[..., ingest_mod._Loaded],
    bad_reason: str,
    copy_reason: str,
) -> None:
    src = tmp_path / "in"
    for i in (0, 1, 3, 4, 5, 6):
        write_notice(src, f"n{i}_good.txt", study=10 + i)
    bad = write_notice(src, "n2_bad.txt", study=2)
    shutil.copy(bad, src / "n2_copy_of_bad.txt")
    monkeypatch.setattr(ingest_mod, "WORKER_TASK", task)
    db = tmp_path / "x.duckdb"
    summary = ingest_paths([src], db, workers=2)
    by_name = {r.path.name: r for r in summary.results}
    assert [r.path.name for r in summary.results] == sorted(by_name)  # input order kept
    assert by_name["n2_bad.txt"].status == "failed"
    error = by_name["n2_bad.txt"].error or ""
    assert "n2_bad.txt" in error and bad_reason in error and "\n" not in error
    assert by_name["n2_copy_of_bad.txt"].status == "failed"
    assert copy_reason in (by_name["n2_copy_of_bad.txt"].error or "")
    good = [r for name, r in by_name.items() if "good" in name]
    assert [r.status for r in good] == ["new"] * 6
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone() == (6,)
        assert con.execute("SELECT count(*) FROM notice_sources").fetchone() == (6,)
    finally:
        con.close()


def test_parallel_failure_matches_serial_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_always: list[int]
) -> None:
    """The same parser bug, serial (patched here) and in workers: the same results."""
    src = tmp_path / "in"
    for i in (1, 2, 3):
        write_notice(src, f"n{i}.txt", study=i)
    monkeypatch.setattr(ingest_mod, "WORKER_TASK", _parser_bug_task)
    parallel = ingest_paths([src], tmp_path / "p.duckdb", workers=2)
    real = ingest_mod.parse_stage

    def flaky(loaded: ingest_mod.LoadedNotice, *, parse: bool = True) -> object:
        if BAD_MARKER in loaded.text:
            raise ValueError("parser bug")
        return real(loaded, parse=parse)

    monkeypatch.setattr(ingest_mod, "parse_stage", flaky)
    serial = ingest_paths([src], tmp_path / "s.duckdb", workers=1)
    assert [r.status for r in serial.results] == ["new", "failed", "new"]
    assert _outcomes(parallel) == _outcomes(serial)
