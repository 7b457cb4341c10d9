"""Database access for the pages: one cached read-only connection per live file, cursors per query.

* The connection is an ``st.cache_resource`` keyed on the file's signature (inode, mtime, size):
  ingest swaps in a new file (copy-and-swap), the signature changes, and the next query opens
  the new file. The previous connection is closed *first*, because ``duckdb.connect`` reuses a
  cached instance for a path that is still open and would keep serving the old file
  (duckdb#15912).
* A connection is not thread-safe and cached resources are shared by all sessions, so every
  query takes its own ``.cursor()`` (Datus-agent PR #901).
* Query results are ``st.cache_data`` keyed by query name, arguments and the file signature,
  so a new ingest invalidates them without any explicit bookkeeping.
* A damaged file can open fine and fail only when a page reads a corrupt block (DuckDB checks
  block checksums on read), so :func:`query` — the one door every page goes through — turns
  any DuckDB or OS error into a bilingual message and stops the page, instead of a traceback.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard import data
from extract.store import (
    StoreError,
    StoreMissingError,
    file_signature,
    open_readonly,
    resolve_db_path,
)
from extract.store.errors import first_line
from extract.store.sql_runner import SqlBox

Signature = tuple[int, int, int]

_LIVE: dict[str, duckdb.DuckDBPyConnection] = {}
_LIVE_LOCK = threading.Lock()


def db_path() -> Path:
    """The database this app reads: ``$XUNCHA_DB`` (set by ``xuncha dashboard --db``) or default."""
    return resolve_db_path()


@st.cache_resource(max_entries=8, show_spinner=False)
def _connection(path_str: str, signature: Signature) -> duckdb.DuckDBPyConnection:
    """Open the file read-only, closing this path's previous connection first (see module doc)."""
    del signature  # part of the cache key only
    with _LIVE_LOCK:
        old = _LIVE.pop(path_str, None)
        if old is not None:
            with contextlib.suppress(duckdb.Error):
                old.close()
        con = open_readonly(Path(path_str))
        _LIVE[path_str] = con
        return con


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _cached_query(path_str: str, signature: Signature, name: str, args: tuple[Any, ...]) -> Any:
    con = _connection(path_str, signature)
    with con.cursor() as cur:
        return getattr(data, name)(cur, *args)


def _query(name: str, *args: Any) -> Any:
    """Run ``dashboard.data.<name>(cursor, *args)``; raises :class:`StoreError` for a file that
    cannot be read (missing, damaged, unreadable), never a bare DuckDB or OS error."""
    path = db_path()
    signature = file_signature(path)
    if signature is None:
        raise StoreMissingError(f"{path}: no database yet.")
    try:
        return _cached_query(str(path), signature, name, tuple(args))
    except StoreError:
        raise
    except (duckdb.Error, OSError) as exc:
        raise StoreError(
            f"{path}: cannot read the database, it may be damaged ({first_line(exc)}) / "
            "无法读取数据库,文件可能已损坏"
        ) from exc


def query(name: str, *args: Any) -> Any:
    """Run ``dashboard.data.<name>(cursor, *args)`` on the live file, cached per file version.

    For the pages: a file that cannot be read shows one bilingual error and stops the page
    (``st.stop``), so no page needs its own try/except and none renders a traceback.
    """
    try:
        return _query(name, *args)
    except StoreError as exc:
        from dashboard.ui import stop_on_store_error  # ui imports this module

        stop_on_store_error(db_path(), exc)
        raise  # not reached: st.stop() ends the script run


@dataclass(frozen=True)
class DbStatus:
    """What the app can show: ``ok``, ``empty`` (no notices yet), ``missing`` or ``error``."""

    state: str
    path: Path
    message: str = ""
    kpis: pd.DataFrame | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def status() -> DbStatus:
    """Check the live file without ever raising: the pages turn this into a first-run screen."""
    path = db_path()
    if file_signature(path) is None:
        return DbStatus("missing", path)
    try:
        kpis = _query("kpis")
    except StoreMissingError:
        return DbStatus("missing", path)
    except StoreError as exc:
        return DbStatus("error", path, str(exc))
    if int(kpis.iloc[0]["notices"]) == 0:
        return DbStatus("empty", path, kpis=kpis)
    return DbStatus("ok", path, kpis=kpis)


@st.cache_resource(max_entries=8, show_spinner=False, on_release=SqlBox.close)
def sql_box(path_str: str) -> SqlBox:
    """The locked-down SQL runner for this file (it reattaches by itself after an ingest)."""
    return SqlBox(Path(path_str))


def refresh() -> None:
    """Forget cached query results (after an import); connections follow the file signature."""
    _cached_query.clear()
