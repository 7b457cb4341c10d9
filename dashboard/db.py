"""Database access for the pages: a short-lived read-only connection per query, results cached.

* Every query opens the live file through :func:`extract.store.readers.reading` and closes it
  when done. The writer updates the file in place and must wait until no process holds it
  open (duckdb#17158), so a connection cached for the app's lifetime would block every ingest;
  a per-query open costs tens of milliseconds (figures in the README's store section), paid
  only on a cache miss.
* Query results are ``st.cache_data`` keyed by query name, arguments and the file signature
  (inode, mtime, size), which every committed batch changes, so a new ingest invalidates them
  without any explicit bookkeeping.
* A damaged file can open fine and fail only when a page reads a corrupt block (DuckDB checks
  block checksums on read), so :func:`query` — the one door every page goes through — turns
  any DuckDB or OS error into a bilingual message and stops the page, instead of a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

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
from extract.store.readers import READ_TIMEOUT, is_lock_conflict, reading, wait_for_writer
from extract.store.sql_runner import SqlBox

Signature = tuple[int, int, int]
P = ParamSpec("P")
R = TypeVar("R")


def db_path() -> Path:
    """The database this app reads: ``$XUNCHA_DB`` (set by ``xuncha dashboard --db``) or default."""
    return resolve_db_path()


def _connection(path_str: str, signature: Signature) -> duckdb.DuckDBPyConnection:
    """A fresh read-only connection (through the turnstile); the caller closes it soon."""
    del signature  # kept for callers that name the file version they mean
    return open_readonly(Path(path_str))


#: The modules whose functions pages may run through :func:`query`: each function takes a
#: read-only connection first and only SELECTs from the views (sql/views) — no derived figure
#: is computed outside SQL.
QUERY_MODULES: tuple[str, ...] = (
    "dashboard.data",
    "dashboard.data_units",
    "dashboard.data_map",
    "dashboard.data_report",
)


def _key(fn: Callable[..., Any]) -> str:
    """A query function's cache key, ``module:attribute`` of the query module holding it.

    Found by identity, not by ``fn.__module__``, so a function a test substitutes on a query
    module (``monkeypatch.setattr(data, "notice_meta", fake)``) runs as that query; anything not
    held by a query module is refused.
    """
    name = getattr(fn, "__name__", "")
    for module in QUERY_MODULES:
        mod = importlib.import_module(module)
        if getattr(mod, name, None) is fn:
            return f"{module}:{name}"
        for attr, value in vars(mod).items():
            if value is fn:
                return f"{module}:{attr}"
    raise TypeError(f"{name} is not a dashboard query (see db.QUERY_MODULES)")


def _resolve(key: str) -> Callable[..., Any]:
    module, name = key.split(":", 1)
    fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return fn


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _cached_query(
    path_str: str,
    signature: Signature,
    key: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    del signature  # part of the cache key only
    with reading(Path(path_str)) as con, con.cursor() as cur:
        return _resolve(key)(cur, *args, **dict(kwargs))


def _query(
    fn: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run ``fn(cursor, *args, **kwargs)``, cached; raises :class:`StoreError` for a file that
    cannot be read (missing, damaged, unreadable), never a bare DuckDB or OS error."""
    path = db_path()
    signature = file_signature(path)
    if signature is None:
        raise StoreMissingError(f"{path}: no database yet.")
    try:
        result: R = _cached_query(
            str(path), signature, _key(fn), tuple(args), tuple(sorted(kwargs.items()))
        )
        return result
    except StoreError:
        raise
    except (duckdb.Error, OSError) as exc:
        raise StoreError(
            f"{path}: cannot read the database, it may be damaged ({first_line(exc)}) / "
            "无法读取数据库,文件可能已损坏"
        ) from exc


def query(
    fn: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run the query function ``fn(cursor, *args, **kwargs)`` on the live file, cached per file
    version. Typed: a page passes the function itself (``db.query(data.kpis, pred, params)``),
    so the type checker checks its arguments and result, instead of a name looked up by string.

    For the pages: a file that cannot be read shows one bilingual error and stops the page
    (``st.stop``), so no page needs its own try/except and none renders a traceback.
    """
    try:
        return _query(fn, *args, **kwargs)
    except StoreError as exc:
        from dashboard.ui import stop_on_store_error  # ui imports this module

        stop_on_store_error(db_path(), exc)
        raise  # not reached: st.stop() ends the script run


def run_uncached(
    fn: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args, **kwargs: P.kwargs
) -> R:
    """:func:`query` without the cache, for work outside a page's script run (a download
    button's deferred CSV): errors propagate to the caller instead of stopping a page."""
    _key(fn)  # the same modules only
    with reading(db_path()) as con:
        return fn(con, *args, **kwargs)


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
        kpis = _query(data.kpis)
    except StoreMissingError:
        return DbStatus("missing", path)
    except StoreError as exc:
        return DbStatus("error", path, str(exc))
    if int(kpis.iloc[0]["notices"]) == 0:
        return DbStatus("empty", path, kpis=kpis)
    return DbStatus("ok", path, kpis=kpis)


class ShortLivedSqlBox(SqlBox):
    """The SQL page's box: attaches the live file for each request and detaches after it.

    A box kept attached would hold DuckDB's shared lock between requests and keep every
    ingest waiting (the writer writes the file in place); so each request passes the turnstile,
    attaches (retrying while a batch is being written), runs, and the last request in flight
    detaches. The instance, its limits and its private spill folder stay for the app's life.
    """

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path)
        self._users = 0
        self._users_lock = threading.Lock()

    def run(self, sql: str, **kwargs: Any) -> Any:  # same signature as SqlBox.run
        with self._attached():
            return super().run(sql, **kwargs)

    def schema(self) -> pd.DataFrame:
        with self._attached():
            return super().schema()

    @contextlib.contextmanager
    def _attached(self) -> Iterator[None]:
        deadline = time.monotonic() + READ_TIMEOUT
        with self._users_lock:
            self._users += 1
        try:
            while True:
                wait_for_writer(self.db_path, timeout=max(0.0, deadline - time.monotonic()))
                try:
                    self.connection()
                    break
                except StoreError as exc:
                    if not is_lock_conflict(exc.__cause__ or exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
            yield
        finally:
            with self._users_lock:  # held while closing, so no request starts meanwhile
                self._users -= 1
                if self._users == 0:
                    with self._lock:
                        self._close_locked()


@st.cache_resource(max_entries=8, show_spinner=False, on_release=SqlBox.close)
def sql_box(path_str: str) -> SqlBox:
    """The locked-down SQL runner for this file, attached per request (ShortLivedSqlBox)."""
    return ShortLivedSqlBox(Path(path_str))


def refresh() -> None:
    """Forget cached query results (after an import); the file signature also changes."""
    _cached_query.clear()
