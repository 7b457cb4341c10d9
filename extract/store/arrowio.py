"""Rows handed to DuckDB by name: the one way the store bulk-inserts and joins rows.

Rows travel column-wise, each column with its DuckDB type (a :data:`Schema`: the table's own
types, or a helper table's), by one of two ways with the same result:

* an Arrow table registered with the connection: ``register`` + ``INSERT … BY NAME SELECT`` is
  DuckDB's fastest path for a batch of rows (see :func:`insert_rows`);
* DuckDB list parameters, unnested (``SELECT unnest($c0::BIGINT[]) AS "notice_id", …``), for
  up to :data:`PARAMETER_CELLS` cells in a process where nothing has been converted to Arrow
  yet. Why: pyarrow's first conversion of a Python sequence imports pandas (its pandas shim
  asks whether the sequence is a pandas object), so the Arrow way's first use in a process
  costs 0.24-0.39 s, a third of a one-notice ``xuncha ingest``, while parameters cost about
  0.35 µs a cell (300,000 cells of a band-key table in 0.105 s, measured). The two meet near a
  million cells. Once pandas is loaded anyway, Arrow wins: 200,000 rows of 4 columns take
  0.10 s through Arrow and 0.65 s as parameters.

Schemas are DuckDB type names, not Arrow types, and pyarrow is imported only when rows go
through Arrow (:func:`to_arrow`): importing it costs about 31 ms, which the parameter way of a
one-notice ingest (issue 12: the "+1" under 1 s) never needs. :func:`arrow_type` maps the few
types the store's tables use to the Arrow types DuckDB itself exports for them, so an Arrow
table is typed exactly as when schemas were read from DuckDB's Arrow export.

``tests/test_arrowio.py`` writes the same rows both ways and compares every table.

``registered`` and ``unregister``: ``unregister`` (and the temporary table's ``DROP``) fail
once the transaction is aborted, and a failing cleanup would hide the error that aborted it.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import duckdb
import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

Column = Sequence[object] | np.ndarray
Columns = Mapping[str, Column]
# (column name, DuckDB type) in order, e.g. (("text_key", "BIGINT"), ("units", "VARCHAR[]")).
Schema = tuple[tuple[str, str], ...]

# Above this many cells (rows x columns) the Arrow path is taken even before pandas is loaded.
# A one-notice ingest stays below it: the longest real corpus notice (51 KB) with no text shared
# with the store writes 8,896 band-key rows (26,688 cells), past the 20,000 this once was, which
# cost such a run the 0.24-0.39 s of the Arrow way's imports. A bulk run's first batch passes
# it, and goes by Arrow from then on.
PARAMETER_CELLS = 500_000
# Tests force one way ("arrow" or "parameters") to compare them; None chooses by size.
FORCE: Literal["arrow", "parameters"] | None = None


def column_names(schema: Schema) -> list[str]:
    """The column names of ``schema``, in order."""
    return [name for name, _ in schema]


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """Make the Arrow ``table`` queryable as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield name
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)


def insert_by_name(con: duckdb.DuckDBPyConnection, table: str, arrow: pa.Table) -> None:
    """``INSERT INTO table BY NAME`` every row of the Arrow table ``arrow``."""
    if arrow.num_rows == 0:
        return
    with registered(con, "_xuncha_rows", arrow):
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _xuncha_rows")


def columns_of(rows: Sequence[Mapping[str, object]], names: Sequence[str]) -> dict[str, list]:
    """``rows`` column-wise; every row must hold each name (a missing one is a KeyError)."""
    return {name: [r[name] for r in rows] for name in names}


@contextlib.contextmanager
def registered_columns(
    con: duckdb.DuckDBPyConnection, name: str, columns: Columns, schema: Schema
) -> Iterator[str]:
    """Make ``columns`` (typed by ``schema``) queryable as ``name`` for the block."""
    if _by_arrow(columns, schema):
        with registered(con, name, to_arrow(columns, schema)):
            yield name
        return
    select, params = _unnest(columns, schema)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}", params)
    try:
        yield name
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS {name}")


def insert_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: Columns, schema: Schema
) -> None:
    """``INSERT INTO table BY NAME`` the rows of ``columns`` (typed by ``schema``)."""
    if _row_count(columns, schema) == 0:
        return
    if _by_arrow(columns, schema):
        insert_by_name(con, table, to_arrow(columns, schema))
        return
    select, params = _unnest(columns, schema)
    con.execute(f"INSERT INTO {table} BY NAME {select}", params)


def to_arrow(columns: Columns, schema: Schema) -> pa.Table:
    """``columns`` as an Arrow table of ``schema`` (columns taken by the schema's names)."""
    return arrow_table(columns, arrow_schema(schema))


def arrow_table(columns: Columns, schema: pa.Schema) -> pa.Table:
    """``columns`` as an Arrow table of the Arrow ``schema`` (for callers writing Arrow, such as
    the shard files, whose schemas hold types no store table has)."""
    import pyarrow as pa

    arrays = [pa.array(columns[f.name], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


@functools.cache
def arrow_schema(schema: Schema) -> pa.Schema:
    """The Arrow schema of ``schema`` (see :func:`arrow_type`)."""
    import pyarrow as pa

    return pa.schema([(name, arrow_type(sql)) for name, sql in schema])


def arrow_type(sql: str) -> pa.DataType:
    """The Arrow type DuckDB exports a column of DuckDB type ``sql`` as, for the types the
    store's tables use (and lists of them); any other type is a TypeError, not a guess."""
    import pyarrow as pa

    if sql.endswith("[]"):
        return pa.list_(arrow_type(sql[:-2]))
    found = _arrow_types().get(sql)
    if found is None:
        raise TypeError(f"no Arrow type for DuckDB type {sql} (not a type the store uses)")
    return found


@functools.cache
def _arrow_types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    return {
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "SMALLINT": pa.int16(),
        "TINYINT": pa.int8(),
        "DOUBLE": pa.float64(),
        "FLOAT": pa.float32(),
        "BOOLEAN": pa.bool_(),
        "VARCHAR": pa.string(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
    }


def _row_count(columns: Columns, schema: Schema) -> int:
    return len(columns[schema[0][0]]) if schema else 0


def _by_arrow(columns: Columns, schema: Schema) -> bool:
    if FORCE is not None:
        return FORCE == "arrow"
    cells = _row_count(columns, schema) * len(schema)
    return "pandas" in sys.modules or cells > PARAMETER_CELLS


def _unnest(columns: Columns, schema: Schema) -> tuple[str, dict[str, object]]:
    """A SELECT of one row per element of the columns, and its parameters."""
    params: dict[str, object] = {}
    parts = []
    for i, (name, sql) in enumerate(schema):
        values = columns[name]
        params[f"c{i}"] = values.tolist() if isinstance(values, np.ndarray) else list(values)
        parts.append(f'unnest($c{i}::{sql}[]) AS "{name}"')
    return "SELECT " + ", ".join(parts), params


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str] | None = None,
) -> None:
    """Append rows column-wise, matched to the table's columns by name.

    Arrow is DuckDB's fastest path for a batch of rows: on 100 problem rows, 2.1 ms via Arrow,
    5.5 ms via a registered pandas frame, 80 ms via executemany, and ingest does this for every
    notice (a few rows in a fresh process go as parameters instead: see the module's
    docstring). Columns are built with the table's own types, which halves the Arrow
    conversion time against letting Arrow infer them. Every row must hold each of ``columns``
    (default: the keys of the first row); a missing one is a KeyError, never a NULL.
    """
    if not rows:
        return
    insert_table_columns(con, table, columns_of(rows, list(columns or rows[0])))


def insert_table_columns(con: duckdb.DuckDBPyConnection, table: str, columns: Columns) -> None:
    """Append ``columns`` (equal lengths) to ``table``, typed by the table's own columns.

    For a writer that has its rows column-wise already: building a dict per row only to take
    the columns back out cost as much as the insert (extract/store/passages.py).
    """
    types = dict(table_schema(con, table))
    insert_columns(con, table, columns, tuple((name, types[name]) for name in columns))


_TABLE_SCHEMAS: dict[str, Schema] = {}


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> Schema:
    """The columns of ``table`` with their DuckDB types (cached: the schema is the code's).

    Read from DuckDB's own column types, not from an Arrow export of the table as before, so
    that a write by parameters never imports pyarrow.
    """
    schema = _TABLE_SCHEMAS.get(table)
    if schema is None:
        rel = con.sql(f"SELECT * FROM {table} LIMIT 0")
        schema = tuple((name, str(t)) for name, t in zip(rel.columns, rel.types, strict=True))
        _TABLE_SCHEMAS[table] = schema
    return schema
