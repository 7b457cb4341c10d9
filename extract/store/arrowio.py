"""Rows handed to DuckDB by name: the one way the store bulk-inserts and joins rows.

Rows travel column-wise, each column with its Arrow type (the table's own, or a helper
table's schema), by one of two ways with the same result:

* an Arrow table registered with the connection: ``register`` + ``INSERT … BY NAME SELECT`` is
  DuckDB's fastest path for a batch of rows (see :func:`extract.store.records.insert_rows`);
* DuckDB list parameters, unnested (``SELECT unnest($c0::BIGINT[]) AS "notice_id", …``), for a
  few thousand cells in a process where nothing has been converted to Arrow yet. Why: pyarrow's
  first conversion of a Python sequence imports pandas (its pandas shim asks whether the
  sequence is a pandas object), 0.25 s, which was a fifth of a one-notice ``xuncha ingest``.
  For large inputs, or once pandas is loaded anyway, Arrow wins: 200,000 rows of 4 columns
  take 0.10 s through Arrow and 0.65 s as parameters; 1,000 rows take 7 ms as parameters.

``tests/test_arrowio.py`` writes the same rows both ways and compares every table.

``registered`` and ``unregister``: ``unregister`` (and the temporary table's ``DROP``) fail
once the transaction is aborted, and a failing cleanup would hide the error that aborted it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa

Column = Sequence[object] | np.ndarray
Columns = Mapping[str, Column]

# Above this many cells (rows x columns) the Arrow path is taken even before pandas is loaded.
PARAMETER_CELLS = 20_000
# Tests force one way ("arrow" or "parameters") to compare them; None chooses by size.
FORCE: Literal["arrow", "parameters"] | None = None


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
    con: duckdb.DuckDBPyConnection, name: str, columns: Columns, schema: pa.Schema
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
    con: duckdb.DuckDBPyConnection, table: str, columns: Columns, schema: pa.Schema
) -> None:
    """``INSERT INTO table BY NAME`` the rows of ``columns`` (typed by ``schema``)."""
    if _row_count(columns, schema) == 0:
        return
    if _by_arrow(columns, schema):
        insert_by_name(con, table, to_arrow(columns, schema))
        return
    select, params = _unnest(columns, schema)
    con.execute(f"INSERT INTO {table} BY NAME {select}", params)


def to_arrow(columns: Columns, schema: pa.Schema) -> pa.Table:
    """``columns`` as an Arrow table of ``schema`` (columns taken by the schema's names)."""
    arrays = [pa.array(columns[f.name], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _row_count(columns: Columns, schema: pa.Schema) -> int:
    return len(columns[schema[0].name]) if len(schema) else 0


def _by_arrow(columns: Columns, schema: pa.Schema) -> bool:
    if FORCE is not None:
        return FORCE == "arrow"
    cells = _row_count(columns, schema) * len(schema)
    return "pandas" in sys.modules or cells > PARAMETER_CELLS


def _unnest(columns: Columns, schema: pa.Schema) -> tuple[str, dict[str, object]]:
    """A SELECT of one row per element of the columns, and its parameters."""
    params: dict[str, object] = {}
    parts = []
    for i, f in enumerate(schema):
        values = columns[f.name]
        params[f"c{i}"] = values.tolist() if isinstance(values, np.ndarray) else list(values)
        parts.append(f'unnest($c{i}::{sql_type(f.type)}[]) AS "{f.name}"')
    return "SELECT " + ", ".join(parts), params


def sql_type(t: pa.DataType) -> str:
    """The DuckDB type of an Arrow type, for the types the store's tables use."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"{sql_type(t.value_type)}[]"
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            raise TypeError(f"no store column has a time zone: {t}")
        return "TIMESTAMP"
    for test, name in _SQL_TYPES:
        if test(t):
            return name
    raise TypeError(f"no DuckDB type for Arrow type {t}")


_SQL_TYPES = (
    (pa.types.is_int64, "BIGINT"),
    (pa.types.is_int32, "INTEGER"),
    (pa.types.is_int16, "SMALLINT"),
    (pa.types.is_int8, "TINYINT"),
    (pa.types.is_float64, "DOUBLE"),
    (pa.types.is_float32, "FLOAT"),
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_string, "VARCHAR"),
    (pa.types.is_large_string, "VARCHAR"),
    (pa.types.is_date32, "DATE"),
)


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
    docstring). Columns are built with the table's own Arrow types, which halves the
    conversion time against letting Arrow infer them. Every row must hold each of ``columns``
    (default: the keys of the first row); a missing one is a KeyError, never a NULL.
    """
    if not rows:
        return
    store = table_schema(con, table)
    schema = pa.schema([store.field(name) for name in (columns or rows[0])])
    insert_columns(con, table, columns_of(rows, schema.names), schema)


_ARROW_SCHEMAS: dict[str, pa.Schema] = {}


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The Arrow schema DuckDB reports for ``table`` (cached: the schema is the code's)."""
    schema = _ARROW_SCHEMAS.get(table)
    if schema is None:
        rel = con.sql(f"SELECT * FROM {table} LIMIT 0")
        # DuckDB 2 names it to_arrow_table; 1.x (still allowed by pyproject) only has arrow().
        export = getattr(rel, "to_arrow_table", None) or rel.arrow
        schema = export().schema
        _ARROW_SCHEMAS[table] = schema
    return schema
