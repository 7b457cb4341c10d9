"""Batch sizes follow the readers (issue 12): small while one waits, growing while none does.

Every writer session pays a fixed cost, so a bulk load nobody reads during takes larger
batches; a reader that waits for a session marks the turnstile, and the next batches are back
to ``BATCH_SIZE``. Where batches are cut never changes the rows (test_passages_incremental).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import extract.ingest as ingest_mod
from extract.ingest import BATCH_GROWTH, BATCH_SIZE, ingest_paths, next_batch_limit
from extract.store import open_readonly
from extract.store import writer as writer_mod
from extract.store.readers import turnstile_path
from extract.store.writer import StoreWriter, _reader_marked
from tests.notice_factory import write_notice

# Each row: the current limit, whether a reader waited during the last session, the next.
LIMITS = [
    (BATCH_SIZE, False, 2 * BATCH_SIZE, "no reader: the batch doubles"),
    (BATCH_GROWTH * BATCH_SIZE, False, BATCH_GROWTH * BATCH_SIZE, "up to its cap"),
    (BATCH_GROWTH * BATCH_SIZE, True, BATCH_SIZE, "a waiting reader brings it back at once"),
    (BATCH_SIZE, True, BATCH_SIZE, "and keeps it there while readers wait"),
]


@pytest.mark.parametrize("limit,waited,expected,covers", LIMITS)
def test_next_batch_limit(limit: int, waited: bool, expected: int, covers: str) -> None:
    assert next_batch_limit(limit, waited) == expected, covers


def _sessions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the number of plans each writer session writes."""
    sizes: list[int] = []
    real = ingest_mod._write_batch

    def recording(con: object, plans: list, now: object) -> None:
        if plans:
            sizes.append(len(plans))
        real(con, plans, now)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_mod, "_write_batch", recording)
    return sizes


def _notices(folder: Path, n: int) -> list[Path]:
    return [write_notice(folder, f"n{i:02d}.txt", study=i + 1, day=1 + i % 28) for i in range(n)]


def test_batches_grow_while_no_reader_waits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(ingest_mod, "BATCH_SIZE", 2)
    sizes = _sessions(monkeypatch)
    summary = ingest_paths(_notices(tmp_path / "in", 20), tmp_path / "s.duckdb", workers=1)
    assert summary.new == 20
    cap = 2 * BATCH_GROWTH
    rest = [cap] * ((20 - 2) // cap) + ([(20 - 2) % cap] if (20 - 2) % cap else [])
    assert sizes == [2, *rest], "2, then doubling up to the cap, then the rest"


def test_a_waiting_reader_keeps_batches_small(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A reader marks the turnstile during every session (as one blocked by it would)."""
    monkeypatch.setattr(ingest_mod, "BATCH_SIZE", 2)
    sizes = _sessions(monkeypatch)
    db = tmp_path / "s.duckdb"
    real_session = StoreWriter.session

    @contextlib.contextmanager
    def watched(self: StoreWriter, **kwargs: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        with real_session(self, **kwargs) as con:
            os.utime(turnstile_path(db))  # a reader arriving now would mark it
            yield con

    monkeypatch.setattr(StoreWriter, "session", watched)
    assert ingest_paths(_notices(tmp_path / "in", 9), db, workers=1).new == 9
    assert sizes == [2, 2, 2, 2, 1]


def test_a_reader_blocked_by_a_session_marks_the_turnstile(tmp_path: Path) -> None:
    """The real signal: a reader that finds the turnstile held moves its mtime to now."""
    db = tmp_path / "s.duckdb"
    assert ingest_paths(_notices(tmp_path / "in", 1), db, workers=1).new == 1
    gate = turnstile_path(db)
    assert not _reader_marked(db), "the last session left it unmarked"
    fd = os.open(gate, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer's session holds the turnstile
    opened: list[bool] = []

    def read() -> None:
        open_readonly(db).close()
        opened.append(True)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.3)
    assert not opened, "the reader waits while the session holds the turnstile"
    assert _reader_marked(db), "and says so on the turnstile"
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    reader.join(timeout=30)
    assert opened == [True]


def _row_groups(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('notices')"
        ).fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def _one_notice_runs(tmp_path: Path, n: int) -> tuple[Path, list[int]]:
    """Ingest n notices one run each; the store and its notices row groups after each run."""
    db = tmp_path / "s.duckdb"
    counts = []
    for f in _notices(tmp_path / "in", n):
        assert ingest_paths([f], db, workers=1).new == 1
        counts.append(_row_groups(db))
    return db, counts


def test_sessions_append_row_groups_without_merging(tmp_path: Path) -> None:
    """Each one-notice run adds a row group: the checkpoint does not rewrite the last one
    (the 0.24 s of a +1 into a 10k store, see extract/store/writer.count_unmerged_session)."""
    assert _one_notice_runs(tmp_path, 4)[1] == [1, 2, 3, 4]


def test_a_run_merges_once_small_row_groups_gather(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(writer_mod, "VACUUM_AFTER", 3)
    db, counts = _one_notice_runs(tmp_path, 4)
    assert counts[:2] == [1, 2], "below the threshold the groups stay"
    assert counts[2] < 3, "the third run that skipped the merge merges the groups"
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone() == (4,)
    finally:
        con.close()
