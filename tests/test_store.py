"""The store's contract: migrations, version checks, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from extract.store import (
    StoreError,
    StoreMissingError,
    StoreVersionError,
    StoreWriter,
    create_database,
    open_readonly,
)
from extract.store.migrate import latest_version

TABLES = {
    "notices",
    "notice_sources",
    "problems",
    "quantities",
    "completion",
    "anomalies",
    "ingest_runs",
    "schema_version",
    "metrics",
    "repeated_passages",
    "passages",
    "passage_bands",
    "passage_links",
}
VIEWS = {
    "v_notices",
    "v_completion",
    "v_quantities",
    "v_metric_values",
    "v_unit_metrics",
    "v_problem_quantities",
}


def test_create_database_has_schema_and_views(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    create_database(db)
    con = open_readonly(db)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type='BASE TABLE'"
            ).fetchall()
        }
        views = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type='VIEW'"
            ).fetchall()
        }
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    finally:
        con.close()
    assert tables >= TABLES
    assert views >= VIEWS
    assert version == latest_version()
    # no stray copy or WAL left behind by the writer
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "x.duckdb",
        "x.duckdb.lock",
        "x.duckdb.turnstile",
    ]


def test_completion_and_notice_columns_named_as_issue_4_says(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    create_database(db)
    con = open_readonly(db)
    try:
        cols = {
            t: [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()]
            for t in ("notices", "completion")
        }
    finally:
        con.close()
    for c in (
        "issuer",
        "inspected_unit",
        "inspection_body",
        "inspection_level",
        "inspection_kind",
        "inspection_start",
        "inspection_end",
        "feedback_date",
        "as_of_date",
        "signed_date",
        "published_date",
        "region",
        "rectification_days",
    ):
        assert c in cols["notices"]
    for c in (
        "notice_id",
        "total",
        "completed",
        "basically_completed",
        "not_completed",
        "long_term",
        "stated_rate",
        "computed_rate",
        "consistent",
    ):
        assert c in cols["completion"]


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreMissingError, match="xuncha ingest"):
        open_readonly(tmp_path / "none.duckdb")


def test_not_a_duckdb_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"bad\.duckdb"):
        open_readonly(bad)
    with pytest.raises(StoreError, match=r"bad\.duckdb"), StoreWriter(bad):
        pass
    assert bad.read_bytes().startswith(b"this is not")  # the writer never touched it


def _set_version(db: Path, version: int) -> None:
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version VALUES (?, 'x', now()::TIMESTAMP)", [version])
    con.close()


def test_newer_database_is_refused_by_readers_and_writers(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    create_database(db)
    _set_version(db, latest_version() + 5)
    with pytest.raises(StoreVersionError, match="newer"):
        open_readonly(db)
    with pytest.raises(StoreVersionError, match="newer"), StoreWriter(db):
        pass


def test_older_database_is_upgraded_by_the_writer(tmp_path: Path) -> None:
    """A database from before the version table (v0) is refused read-only, upgraded by a writer."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE unrelated (x INTEGER)")
    con.close()
    with pytest.raises(StoreVersionError, match="older"):
        open_readonly(db)
    create_database(db)
    con = open_readonly(db)
    try:
        assert con.execute("SELECT count(*) FROM notices").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM unrelated").fetchone()[0] == 0
    finally:
        con.close()


def test_writer_without_commit_leaves_live_file_untouched(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    create_database(db)
    before = db.read_bytes()
    with StoreWriter(db) as w:
        w.con.execute("INSERT INTO ingest_runs (run_id, started_at) VALUES ('r', now()::TIMESTAMP)")
    assert db.read_bytes() == before
    with pytest.raises(RuntimeError, match="boom"), StoreWriter(db) as w:
        w.con.execute("INSERT INTO ingest_runs (run_id, started_at) VALUES ('r', now()::TIMESTAMP)")
        raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".next")]


def test_ingest_column_lists_match_table_columns(tmp_path: Path) -> None:
    """Ingest inserts rows BY NAME; its column lists must name every column, and only those."""
    from extract.ingest import (
        ANOMALY_COLUMNS,
        COMPLETION_COLUMNS,
        NOTICE_COLUMNS,
        PROBLEM_COLUMNS,
        QUANTITY_COLUMNS,
    )

    db = tmp_path / "x.duckdb"
    create_database(db)
    con = open_readonly(db)
    try:
        for table, cols in (
            ("notices", NOTICE_COLUMNS),
            ("problems", PROBLEM_COLUMNS),
            ("quantities", QUANTITY_COLUMNS),
            ("completion", COMPLETION_COLUMNS),
            ("anomalies", ANOMALY_COLUMNS),
        ):
            assert sorted(r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()) == sorted(
                cols
            ), table
            assert len(set(cols)) == len(cols), table
    finally:
        con.close()


def _corrupt_blocks(db: Path) -> None:
    """Garbage over the second half of the file (header intact), so live blocks are hit."""
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"\x00\xff" * ((size - size // 2) // 2))


@pytest.mark.parametrize(
    ("covers", "damage", "damaged"),
    [
        ("an intact store reads back whole", None, False),
        ("garbage inside the blocks fails a checksum: one bilingual line", _corrupt_blocks, True),
    ],
)
def test_check_store_reads_every_block(
    tmp_path: Path, covers: str, damage: object, damaged: bool
) -> None:
    """``xuncha check``: the full scan ingest no longer runs on every batch (writer.py)."""
    from extract.ingest import ingest_paths
    from extract.store import check_store
    from tests.notice_factory import write_notice

    db = tmp_path / "x.duckdb"
    files = [write_notice(tmp_path / "in", f"n{i}.txt", unit=f"第{i}单位") for i in range(40)]
    ingest_paths(files, db, workers=1)
    if damage is not None:
        damage(db)  # type: ignore[operator]
    if not damaged:
        assert check_store(db) > 0, covers
        return
    with pytest.raises(StoreError) as err:
        check_store(db)
    message = str(err.value)
    assert str(db) in message and "\n" not in message, covers
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), covers  # and in Chinese
