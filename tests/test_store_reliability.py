"""The store's reliability guarantees (issue: ingest never loses data silently).

One test per defect of the issue, each named after it: what a run reports is what the store
holds, and notices already stored stay byte-identical whatever a run meets.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

import extract.ingest as ingest_mod
from extract.ingest import ingest_paths
from extract.store import StoreError, StoreWriter, open_readonly
from extract.store.writer import remove_stale_copies
from tests.notice_factory import notice_text, write_notice


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = open_readonly(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _stored_digest(db: Path) -> str:
    """A digest of every stored notice, problem and quantity (not of the file's bytes)."""
    h = hashlib.sha256()
    for table, key in (
        ("notices", "notice_id"),
        ("problems", "notice_id, problem_id"),
        ("quantities", "notice_id, quantity_id"),
    ):
        for row in _rows(
            db,
            f"SELECT * EXCLUDE (ingested_at) FROM {table} ORDER BY {key}"
            if table == "notices"
            else f"SELECT * FROM {table} ORDER BY {key}",
        ):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_d1_single_file_store_failure_is_reported_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D1: a batch of one file whose write fails said "1 new, 0 failed" and stored nothing."""
    db = tmp_path / "x.duckdb"
    original = ingest_mod._insert_rows

    def broken(con: duckdb.DuckDBPyConnection, table: str, *args: object) -> None:
        if table == "quantities":
            raise duckdb.ConstraintException("simulated store failure\nsecond line")
        original(con, table, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_mod, "_insert_rows", broken)
    path = write_notice(tmp_path / "in", "a.txt")
    summary = ingest_paths([path], db)
    assert (summary.new, summary.failed) == (0, 1)
    (result,) = summary.results
    assert result.error is not None and str(path) in result.error
    assert "simulated store failure" in result.error and "\n" not in result.error
    assert _rows(db, "SELECT count(*) FROM notices") == [(0,)]
    assert _rows(db, "SELECT files, new, failed FROM ingest_runs") == [(1, 0, 1)]


def _five_notices_one_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int, unit: str, error: Exception
) -> Path:
    """Five notices (units 第0单位…第4单位) in batches of ``batch``; inserting the notice row
    of ``unit`` raises ``error``. Returns the folder."""
    monkeypatch.setattr(ingest_mod, "BATCH_SIZE", batch)
    folder = tmp_path / "in"
    for i in range(5):
        write_notice(folder, f"n{i:02d}.txt", unit=f"第{i}单位")
    original = ingest_mod._insert_rows

    def broken(con: duckdb.DuckDBPyConnection, table: str, cols: list[str], rows: list) -> None:
        if table == "notices" and any(unit in str(r) for r in rows):
            raise error
        original(con, table, cols, rows)

    monkeypatch.setattr(ingest_mod, "_insert_rows", broken)
    return folder


def test_d1_the_65th_file_of_a_folder_failing_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D1: the file that starts a new batch (BATCH_SIZE + 1) fails alone, the rest are kept."""
    failure = duckdb.IOException("simulated failure of the fifth file")
    folder = _five_notices_one_failing(tmp_path, monkeypatch, 4, "第4单位", failure)
    db = tmp_path / "x.duckdb"
    summary = ingest_paths([folder], db)
    assert (summary.new, summary.failed) == (4, 1)
    assert _rows(db, "SELECT count(*) FROM notices") == [(4,)]
    assert summary.results[-1].status == "failed"


def test_damage_met_mid_run_says_what_the_run_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches commit one by one: a run stopped by damage names the files it kept before it.

    The line must match the store (the guide: what a run reports is what the store holds),
    and a rerun on a sound store must skip what was kept.
    """
    damage = duckdb.IOException("Corrupt database file: simulated bad block")
    folder = _five_notices_one_failing(tmp_path, monkeypatch, 2, "第2单位", damage)
    db = tmp_path / "x.duckdb"
    with pytest.raises(StoreError) as caught:
        ingest_paths([folder], db, workers=1)
    line = str(caught.value)
    assert "\n" not in line and str(db) in line
    assert "2 new or updated file(s) of this run were stored" in line
    assert _rows(db, "SELECT count(*) FROM notices") == [(2,)]
    monkeypatch.undo()  # a sound store again
    again = ingest_paths([folder], db, workers=1)
    assert (again.new, again.unchanged, again.failed) == (3, 2, 0)


@pytest.mark.parametrize(
    ("covers", "text_change", "field"),
    [
        ("D7 problem total beyond INTEGER", "共反馈问题3000000000个", "completion"),
        ("D7 group number beyond BIGINT", "第99999999999999999999巡察组", "inspection_group"),
        ("D7 group number beyond INTEGER", "第99999999999巡察组", "inspection_group"),
    ],
)
def test_d7_huge_integers_never_lose_the_notice(
    tmp_path: Path, covers: str, text_change: str, field: str
) -> None:
    db = tmp_path / "x.duckdb"
    path = tmp_path / "big.txt"
    path.write_text(notice_text() + f"\n本轮巡察{text_change},已整改完成40个。\n", encoding="utf-8")
    summary = ingest_paths([path], db)
    assert (summary.new, summary.failed) == (1, 0), (covers, summary.results[0].error)
    assert _rows(db, "SELECT count(*) FROM notices") == [(1,)]


def test_d7_out_of_range_value_is_null_with_an_anomaly() -> None:
    from extract.model import Completion, NoticeMeta, ParsedNotice

    parsed = ParsedNotice(
        NoticeMeta(inspection_group=10**25), [], Completion(total=3_000_000_000), []
    )
    ingest_mod._bound_integers(parsed)
    assert parsed.meta.inspection_group is None
    assert parsed.completion is not None and parsed.completion.total == 3_000_000_000
    assert [a.kind for a in parsed.anomalies] == ["value_out_of_range"]
    assert parsed.anomalies[0].location == "inspection_group"


# DuckDB's storage layout: three 4 KiB headers, then blocks of 256 KiB (its default).
_HEADER_BYTES, _BLOCK_BYTES = 3 * 4096, 256 * 1024


def _blocks_of(db: Path, table: str) -> list[int]:
    """The ids of the blocks holding ``table``'s column segments."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            f"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') WHERE block_id >= 0"
        ).fetchall()
    finally:
        con.close()
    return sorted(int(r[0]) for r in rows)


def _corrupt_block(db: Path, block: int) -> None:
    """Garbage in the middle of one block: its checksum no longer matches."""
    with open(db, "r+b") as fh:
        fh.seek(_HEADER_BYTES + block * _BLOCK_BYTES + _BLOCK_BYTES // 2)
        fh.write(os.urandom(8192))


def _damage(table: str) -> Callable[[Path], list[int]]:
    """Corrupt every block of ``table``; return the blocks."""

    def damage(db: Path) -> list[int]:
        blocks = _blocks_of(db, table)
        assert blocks, table
        for block in blocks:
            _corrupt_block(db, block)
        return blocks

    return damage


@pytest.mark.parametrize(
    ("covers", "damage", "refused"),
    [
        (
            "D8: damage in what every new notice is looked up in (its passages' text keys): "
            "the run is refused with one bilingual line naming the store, left byte for byte",
            _damage("passage_keys"),
            True,
        ),
        (
            "damage in what every writer session reads (store_meta: the views' fingerprint)",
            _damage("store_meta"),
            True,
        ),
        (
            "damage in a block no ingest reads (quantities are only appended): the new file is "
            "stored beside it, the damaged block is not written over, `xuncha check` reports it",
            _damage("quantities"),
            False,
        ),
    ],
)
def test_d8_ingest_into_a_damaged_store(
    tmp_path: Path, covers: str, damage: Callable[[Path], list[int]], refused: bool
) -> None:
    """DuckDB checks every block it reads, so an ingest meets the damage it reads, and only
    that: it does not scan the whole store (O(store), see extract/store/writer.py), which is
    what ``xuncha check`` is for. Which blocks a run reads depends on the look-ups, not on
    where the damage happens to fall; each case damages one table's blocks."""
    from extract.store import check_store

    db = tmp_path / "x.duckdb"
    folder = tmp_path / "in"
    for i in range(40):  # enough rows that the tables hold several blocks
        write_notice(folder, f"n{i:02d}.txt", unit=f"第{i}单位")
    ingest_paths([folder], db)
    blocks = damage(db)
    before = db.read_bytes()
    new = write_notice(tmp_path / "more", "new.txt", unit="新单位")
    if refused:
        with pytest.raises(StoreError) as err:
            ingest_paths([new], db)
        message = str(err.value)
        assert str(db) in message and "\n" not in message and "损坏" in message, covers
        assert db.read_bytes() == before, covers
        assert not list(tmp_path.glob(".x.duckdb.*.next*"))
        return
    assert ingest_paths([new], db).new == 1, covers
    after = db.read_bytes()
    for block in blocks:  # the damaged blocks are left as they were, not written over
        at = _HEADER_BYTES + block * _BLOCK_BYTES
        assert after[at : at + _BLOCK_BYTES] == before[at : at + _BLOCK_BYTES], covers
    with pytest.raises(StoreError) as err:
        check_store(db)
    assert str(db) in str(err.value) and "\n" not in str(err.value), covers


def test_d9_store_path_that_is_a_folder(tmp_path: Path) -> None:
    folder_db = tmp_path / "db.duckdb"
    folder_db.mkdir()
    with pytest.raises(StoreError, match="folder"):
        ingest_paths([write_notice(tmp_path / "in", "a.txt")], folder_db)


def test_d11_stale_copies_of_dead_writers_are_removed(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "in", "a.txt")], db)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    stale = [tmp_path / f".x.duckdb.{dead_pid}.next", tmp_path / f".x.duckdb.{dead_pid}.next.wal"]
    for p in stale:
        p.write_bytes(b"left by a killed ingest")
    live = tmp_path / f".x.duckdb.{os.getppid()}.next"  # a running process: kept
    live.write_bytes(b"still running")
    assert sorted(remove_stale_copies(db)) == sorted(stale)
    assert live.exists()
    live.unlink()
    for p in stale:
        p.write_bytes(b"left by a killed ingest")
    ingest_paths([write_notice(tmp_path / "in", "b.txt", unit="乙单位")], db)  # next writer
    assert not any(p.exists() for p in stale)


def test_d13_writers_stay_serialised_without_their_lock_file(tmp_path: Path) -> None:
    """D13: with ``<db>.lock`` deleted, a second writer still cannot write beside the first:
    a batch holds the turnstile and DuckDB's own lock, so the other's batch waits (here: times
    out with a one-line reason) instead of interleaving with it."""
    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "in", "a.txt")], db)
    with StoreWriter(db) as first:
        assert first.con is not None
        first.con.execute("DELETE FROM ingest_runs")
        db.with_name(db.name + ".lock").unlink()  # someone removes the lock file
        second = StoreWriter(db, open_timeout=0.3)
        with pytest.raises(StoreError, match="turnstile") as err:
            second.__enter__()
        assert "\n" not in str(err.value) and "稍后" in str(err.value)
        first.commit()
    assert _rows(db, "SELECT count(*) FROM ingest_runs") == [(0,)]


def _fail_batch_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the batch's read-write open fail. It is the run's only one: the store was current
    when the run looked, so the schema check runs in the batch's session (upgrade_first)."""

    def connect(self: StoreWriter, deadline: float) -> duckdb.DuckDBPyConnection:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(StoreWriter, "_connect", connect)


def _fail_checkpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each batch's closing CHECKPOINT fail after its transactions committed."""
    real = StoreWriter._connect

    class Con:
        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self._con = con

        def execute(self, sql: str, *args: object) -> object:
            if sql == "CHECKPOINT":
                raise duckdb.IOException("simulated: No space left on device")
            return self._con.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

    def connect(self: StoreWriter, deadline: float) -> object:
        return Con(real(self, deadline))

    monkeypatch.setattr(StoreWriter, "_connect", connect)


@pytest.mark.parametrize(
    ("covers", "breakage", "stored", "counts"),
    [
        (
            "disk full when a batch opens the store: the batch is not stored",
            _fail_batch_open,
            False,
            (1, 1, 0),
        ),
        (
            "disk full at the checkpoint: the batch is committed (WAL), stored with a warning",
            _fail_checkpoint,
            True,
            (1, 0, 1),
        ),
    ],
)
def test_write_failure_reports_exactly_what_is_stored(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    covers: str,
    breakage: object,
    stored: bool,
    counts: tuple[int, int, int],
) -> None:
    """Whatever fails, the summary says what the store holds, one line per file."""
    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "in", "a.txt")], db)
    before = _stored_digest(db)
    breakage(monkeypatch)  # type: ignore[operator]
    summary = ingest_paths(
        [tmp_path / "in" / "a.txt", write_notice(tmp_path / "in", "b.txt", unit="乙单位")], db
    )
    monkeypatch.undo()
    assert (summary.unchanged, summary.failed, summary.new) == counts, covers
    b = summary.results[1]
    message = b.error if not stored else " ".join(b.warnings)
    assert message and "No space left" in message and "\n" not in message, covers
    assert (_stored_digest(db) != before) is stored, covers
    assert len(_rows(db, "SELECT * FROM notice_sources WHERE source_path LIKE '%b.txt'")) == int(
        stored
    ), covers


def test_d2_quantity_rows_do_not_copy_their_sentence(tmp_path: Path) -> None:
    """D2: one long line of figures stores offsets, not one copy of the line per figure."""
    db = tmp_path / "x.duckdb"
    path = tmp_path / "long.txt"
    path.write_text("巡察整改通报\n" + "开展学习2次、" * 3000 + "\n", encoding="utf-8")
    summary = ingest_paths([path], db)
    assert summary.failed == 0 and summary.quantities >= 3000
    columns = {r[0] for r in _rows(db, "DESCRIBE quantities")}
    assert "sentence" not in columns and {"sentence_start", "sentence_end"} <= columns
    longest = _rows(db, "SELECT max(length(sentence)), bool_or(sentence_clipped) FROM v_quantities")
    assert longest[0][0] <= 600 and longest[0][1] is True
