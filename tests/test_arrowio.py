"""The two ways rows reach DuckDB (extract/store/arrowio.py) store the same rows.

Small inputs in a process that has not converted anything to Arrow go as DuckDB list
parameters (so a one-notice ingest never imports pandas through pyarrow); larger ones go
through Arrow. Which way a batch takes must never show in the store.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

import extract.ingest as ingest_mod
from extract.ingest import ingest_paths
from extract.store import arrowio
from extract.store.migrate import upgrade
from tests.conftest import CORPUS
from tests.test_ingest_parallel import _stored_rows
from tests.test_passages_incremental import _state_problems, _write_notices

REPO = Path(__file__).resolve().parents[1]

# Each row: a DuckDB type, the Arrow type the Arrow way builds it as, and values holding its
# edge cases (NULLs, extremes, non-BMP text).
TYPED_COLUMNS = [
    ("big", "BIGINT", pa.int64(), [0, -(2**63), 2**63 - 1, None], "signed 64-bit hashes"),
    ("int", "INTEGER", pa.int32(), [1, None, -(2**31), 2**31 - 1], "offsets, ids"),
    ("small", "SMALLINT", pa.int16(), [-(2**15), 2**15 - 1, None], "16-bit"),
    ("tiny", "TINYINT", pa.int8(), [-128, 127, None], "8-bit"),
    ("real", "DOUBLE", pa.float64(), [0.1, 1, None, 1e300, -2.5], "values: ints among floats"),
    ("single", "FLOAT", pa.float32(), [0.5, None, -2.0], "exact in 32 bits"),
    ("flag", "BOOLEAN", pa.bool_(), [True, False, None, True], "is_problem"),
    ("name", "VARCHAR", pa.string(), ["整改", "", None, "𠀀 non-BMP"], "text, empty, NULL"),
    (
        "day",
        "DATE",
        pa.date32(),
        [date(2023, 1, 31), None, date(1999, 12, 31), date(2026, 2, 28)],
        "dates",
    ),
    (
        "stamp",
        "TIMESTAMP",
        pa.timestamp("us"),
        [datetime(2026, 12, 1, 16, 7, 22, 123456), None, datetime(2000, 1, 1), datetime(1, 1, 1)],
        "run clock, microseconds kept",
    ),
    (
        "names",
        "VARCHAR[]",
        pa.list_(pa.string()),
        [["甲", "乙"], [], None, ["", None]],
        "cluster units",
    ),
    ("keys", "BIGINT[]", pa.list_(pa.int64()), [[1, -(2**63)], [], None], "band keys"),
]


@pytest.mark.parametrize("column,sql,arrow_type,values,covers", TYPED_COLUMNS)
def test_both_ways_store_the_same_values(
    monkeypatch: pytest.MonkeyPatch,
    column: str,
    sql: str,
    arrow_type: pa.DataType,
    values: list,
    covers: str,
) -> None:
    con = duckdb.connect()
    schema = (("k", "BIGINT"), (column, sql))
    data = {"k": list(range(len(values))), column: values}
    got = {}
    for way in ("arrow", "parameters"):
        monkeypatch.setattr(arrowio, "FORCE", way)
        con.execute(f"CREATE OR REPLACE TABLE t (k BIGINT, {column} {sql})")
        arrowio.insert_columns(con, "t", data, schema)
        with arrowio.registered_columns(con, "_joined", data, schema):
            joined = con.execute(f"SELECT k, {column} FROM _joined ORDER BY k").fetchall()
            joined_type = str(con.sql(f"SELECT {column} FROM _joined").types[0])
        got[way] = (con.execute(f"SELECT k, {column} FROM t ORDER BY k").fetchall(), joined)
        assert joined_type == sql, (way, covers)
    assert got["parameters"] == got["arrow"], covers
    assert [v for _, v in got["arrow"][0]] == values


@pytest.mark.parametrize("column,sql,arrow_type,values,covers", TYPED_COLUMNS)
def test_types_map_both_ways(
    column: str, sql: str, arrow_type: pa.DataType, values: list, covers: str
) -> None:
    """DuckDB type -> Arrow: the type DuckDB itself exports such a column as (what the Arrow
    way used when schemas came from DuckDB's Arrow export). Arrow -> DuckDB: an Arrow column
    of that type reads back as the DuckDB type (what the parameter way casts to)."""
    con = duckdb.connect()
    table = f"typed_{column}"  # table_schema caches by table name
    con.execute(f"CREATE TABLE {table} ({column} {sql})")
    exported = _arrow_export(con.sql(f"SELECT * FROM {table} LIMIT 0")).schema
    assert arrowio.arrow_type(sql) == arrow_type == exported.field(column).type, covers
    assert arrowio.table_schema(con, table) == ((column, sql),)
    arrow = arrowio.to_arrow({column: values}, ((column, sql),))
    assert arrow.schema == pa.schema([(column, arrow_type)])
    with arrowio.registered(con, "_arrow", arrow):
        assert [str(t) for t in con.sql("SELECT * FROM _arrow").types] == [sql], covers


def test_the_store_tables_keep_their_arrow_types() -> None:
    """Every column of every store table gets, on the Arrow way, exactly the type DuckDB's
    Arrow export of the table has (as when ``table_schema`` was read from that export)."""
    con = duckdb.connect()
    upgrade(con, Path(":memory:"))
    tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    assert len(tables) > 10
    arrowio._TABLE_SCHEMAS.clear()  # cached per table name: these are the migrations' tables
    for table in tables:
        exported = _arrow_export(con.sql(f"SELECT * FROM {table} LIMIT 0")).schema
        assert arrowio.arrow_schema(arrowio.table_schema(con, table)) == exported, table
    arrowio._TABLE_SCHEMAS.clear()


def _arrow_export(rel: duckdb.DuckDBPyRelation) -> pa.Table:
    # DuckDB 2 names it to_arrow_table; 1.x (still allowed by pyproject) only has arrow().
    export = getattr(rel, "to_arrow_table", None) or rel.arrow
    table: pa.Table = export()
    return table


def test_no_rows_and_cleanup(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty input inserts nothing; a registered name is gone after its block either way."""
    con = duckdb.connect()
    con.execute("CREATE TABLE t (k BIGINT)")
    schema = (("k", "BIGINT"),)
    for way in ("arrow", "parameters"):
        monkeypatch.setattr(arrowio, "FORCE", way)
        arrowio.insert_columns(con, "t", {"k": []}, schema)
        with arrowio.registered_columns(con, "_probe", {"k": [1, 2]}, schema):
            assert con.execute("SELECT count(*) FROM _probe").fetchall() == [(2,)]
        with pytest.raises(duckdb.CatalogException):
            con.execute("SELECT * FROM _probe")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_size_chooses_the_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(arrowio, "FORCE", None)
    schema = (("a", "BIGINT"), ("b", "BIGINT"))
    small = {"a": [1] * 10, "b": [1] * 10}
    big = {"a": [1] * arrowio.PARAMETER_CELLS, "b": [1] * arrowio.PARAMETER_CELLS}
    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    assert not arrowio._by_arrow(small, schema)
    assert arrowio._by_arrow(big, schema)


@pytest.mark.parametrize(
    "sql", ["TIMESTAMP WITH TIME ZONE", "BLOB", "DECIMAL(18,3)", "HUGEINT", "INTEGER[3]", "integer"]
)
def test_an_unknown_type_is_refused(sql: str) -> None:
    """No store column has these: the Arrow way fails on them rather than guess a type."""
    with pytest.raises(TypeError, match="no Arrow type"):
        arrowio.arrow_type(sql)


def test_both_ways_give_the_same_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus_files: list[Path], sample_dir: Path
) -> None:
    """Corpus, samples and notices sharing passages, in batches of 4 (so batches link against
    the store: joins, moves, merges and labels run), then one notice replaced."""
    shared = _write_notices(tmp_path / "shared")
    paths = [*corpus_files, *sorted(sample_dir.glob("*.txt")), *shared]
    monkeypatch.setattr(ingest_mod, "BATCH_SIZE", 4)
    stores = {}
    for way in ("arrow", "parameters"):
        monkeypatch.setattr(arrowio, "FORCE", way)
        db = tmp_path / f"{way}.duckdb"
        summary = ingest_paths(paths, db, workers=1)
        assert summary.failed == 0, [r.error for r in summary.results if r.error]
        stores[way] = db
    assert _stored_rows(stores["arrow"])["passage_links"], "the input must share passages"
    added = "\n修订完善议事规则共计9项,明确重大事项范围。\n"
    shared[0].write_text(shared[0].read_text(encoding="utf-8") + added, encoding="utf-8")
    for way, db in stores.items():
        monkeypatch.setattr(arrowio, "FORCE", way)
        assert ingest_paths([shared[0]], db, workers=1).updated == 1
        assert not _state_problems(db)
    assert _stored_rows(stores["parameters"]) == _stored_rows(stores["arrow"])


def _longest_corpus_notice() -> Path:
    return max(CORPUS.glob("*.txt"), key=lambda f: f.stat().st_size)


@pytest.mark.parametrize(
    ("covers", "notice"),
    [
        ("a fictional sample notice", lambda samples: samples[1]),
        (
            "the longest real notice, with no text shared with the store: 8,896 band-key rows "
            "(26,688 cells), past the 20,000-cell threshold the parameter way once had",
            lambda samples: _longest_corpus_notice(),
        ),
    ],
)
def test_one_notice_ingest_imports_neither_pandas_nor_pyarrow(
    tmp_path: Path, sample_dir: Path, covers: str, notice: object
) -> None:
    """The +1 case (issue 12: < 1 s end to end): pyarrow would import pandas on its first
    conversion, 0.25-0.39 s of a one-notice run, so the writer goes by parameters; and
    importing pyarrow itself is 31 ms that the parameter way never needs."""
    samples = sorted(sample_dir.glob("*.txt"))
    db = tmp_path / "s.duckdb"
    assert ingest_paths(samples[:1], db, workers=1).new == 1
    path = notice(samples)  # type: ignore[operator]
    code = (
        "import sys; from extract.ingest import ingest_paths; "
        f"s = ingest_paths([{str(path)!r}], {str(db)!r}, workers=1); "
        "print(s.new, 'pandas' in sys.modules, 'pyarrow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["1", "False", "False"], (covers, out.stderr)
