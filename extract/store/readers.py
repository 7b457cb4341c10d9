"""Read-only access for the dashboard, ``xuncha sql`` and ``xuncha export``."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from extract.store.errors import StoreError, StoreMissingError
from extract.store.migrate import check_readable


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of the live file: changes whenever a writer swaps a new file in.

    Readers key their cached connection on it and reopen when it changes, since an old
    connection keeps reading the replaced (unlinked) file.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the live database read-only, checking its schema version.

    Raises :class:`StoreMissingError` when nothing has been ingested yet, and
    :class:`StoreError` with a readable reason for anything else (not a DuckDB file, wrong
    version).
    """
    path = Path(path)
    if not path.exists():
        raise StoreMissingError(
            f"{path}: no database yet. Run `xuncha ingest data/` "
            "(or another folder of notices) first."
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"{path}: cannot open as a DuckDB database ({exc}).") from exc
    try:
        check_readable(con, path)
    except StoreError:
        con.close()
        raise
    return con
