"""Arrow tables handed to DuckDB by name: the one way the store bulk-inserts and joins rows.

Why a helper: ``register`` + ``INSERT … BY NAME SELECT`` is DuckDB's fastest path for a batch of
rows (see extract.ingest._insert_rows for figures), but ``unregister`` itself fails once the
transaction is aborted, and a failing cleanup would hide the error that aborted it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb
import pyarrow as pa


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    """Make ``table`` queryable as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield name
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)


def insert_by_name(con: duckdb.DuckDBPyConnection, table: str, arrow: pa.Table) -> None:
    """``INSERT INTO table BY NAME`` every row of ``arrow`` (columns matched by name)."""
    if arrow.num_rows == 0:
        return
    with registered(con, "_xuncha_rows", arrow):
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _xuncha_rows")
