"""The ad hoc SQL box: one read-only SELECT at a time, locked down (ENGINEERING_NOTES §3).

DuckDB's own advice is to treat SQL like shell code, so the box gets its own in-memory DuckDB
instance (security settings are global to an instance) that:

1. starts with extension autoloading/autoinstalling and community extensions off;
2. ATTACHes the live file READ_ONLY and makes it the default catalog;
3. turns ``enable_external_access`` off (no read_csv/read_text/COPY/ATTACH of files);
4. locks the configuration so a query cannot turn any of that back on.

On top of that each request must be exactly one SELECT (``extract_statements``), returns at
most ``max_rows`` rows (with a truncation flag), and is interrupted after ``timeout_s`` by a
timer calling ``interrupt()`` on the very cursor running it (duckdb#15925). When the live file
is replaced by an ingest (copy-and-swap), the box notices the new file signature and reattaches.
"""

from __future__ import annotations

import contextlib
import threading
import time
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from extract.store import StoreError, StoreMissingError, file_signature

MAX_ROWS = 1000
TIMEOUT_S = 5.0
MAX_SQL_CHARS = 20_000
_EXAMPLES_FILE = Path(__file__).with_name("sql_examples.toml")
_CATALOG = "xuncha"


class SqlRefused(ValueError):
    """The text is not something the box runs (not one SELECT, empty, too long).

    ``code`` (``empty``, ``too_long``, ``statements``, ``not_select``) and ``detail`` let the
    page show a translated message; ``str()`` is a plain English one for logs and the CLI.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"refused ({code}{': ' + detail if detail else ''})")


class SqlFailed(RuntimeError):
    """The query ran and DuckDB rejected it, or it hit the time limit; message is readable.

    ``timed_out`` is True when the time limit interrupted it.
    """

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        self.timed_out = timed_out
        super().__init__(message)


@dataclass(frozen=True)
class SqlResult:
    """Rows (at most the cap), whether more existed, and how long it took."""

    frame: pd.DataFrame
    truncated: bool
    elapsed_s: float


def check_single_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one SELECT (``WITH … SELECT``, ``FROM t``, DESCRIBE count).

    Parsing is DuckDB's own, so comments, strings and odd spacing cannot smuggle a second
    statement past a regex.
    """
    if not sql or not sql.strip():
        raise SqlRefused("empty")
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRefused("too_long", str(MAX_SQL_CHARS))
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise SqlFailed(_readable(exc)) from exc
    if len(statements) != 1:
        raise SqlRefused("statements", str(len(statements)))
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise SqlRefused("not_select", kind.name)


def _readable(exc: BaseException) -> str:
    """DuckDB's message without the internal stack noise, first lines only."""
    text = str(exc).strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[:6]) or type(exc).__name__


class SqlBox:
    """A locked-down read-only DuckDB instance over the live database file.

    Thread-safe: a lock guards (re)attaching, and every query runs on its own cursor.
    """

    def __init__(self, db_path: Path, *, memory_limit: str = "1GB", threads: int = 2) -> None:
        self.db_path = Path(db_path)
        self.memory_limit = memory_limit
        self.threads = threads
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._signature: tuple[int, int, int] | None = None

    # -- connection ---------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(
            ":memory:",
            config={
                "autoload_known_extensions": False,
                "autoinstall_known_extensions": False,
                "allow_community_extensions": False,
                "threads": self.threads,
                "memory_limit": self.memory_limit,
            },
        )
        try:
            path_literal = str(self.db_path.resolve()).replace("'", "''")
            con.execute(f"ATTACH '{path_literal}' AS {_CATALOG} (READ_ONLY)")
            con.execute(f"USE {_CATALOG}")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"{self.db_path}: cannot open for SQL ({_readable(exc)}).") from exc
        return con

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The locked connection, reattached when the live file was replaced since last use."""
        signature = file_signature(self.db_path)
        if signature is None:
            raise StoreMissingError(f"{self.db_path}: no database yet.")
        with self._lock:
            if self._con is None or signature != self._signature:
                self._close_locked()
                self._con = self._open()
                self._signature = signature
            return self._con

    def _close_locked(self) -> None:
        if self._con is not None:
            with contextlib.suppress(duckdb.Error):
                self._con.close()
            self._con = None
            self._signature = None

    def close(self) -> None:
        """Release the instance (tests and cache eviction)."""
        with self._lock:
            self._close_locked()

    # -- queries --------------------------------------------------------------------------
    def run(self, sql: str, *, max_rows: int = MAX_ROWS, timeout_s: float = TIMEOUT_S) -> SqlResult:
        """Run one SELECT; raise :class:`SqlRefused` or :class:`SqlFailed` with a clear reason."""
        con = self.connection()
        check_single_select(con, sql)
        cur = self._cursor(con)
        timer = threading.Timer(timeout_s, cur.interrupt)
        started = time.perf_counter()
        timer.start()
        try:
            cur.execute(sql)
            rows = cur.fetchmany(max_rows + 1)
            columns = [d[0] for d in (cur.description or [])]
        except duckdb.InterruptException as exc:
            raise SqlFailed(f"time limit of {timeout_s:g} s reached", timed_out=True) from exc
        except duckdb.Error as exc:
            raise SqlFailed(_readable(exc)) from exc
        finally:
            timer.cancel()
            with contextlib.suppress(duckdb.Error):
                cur.close()
        elapsed = time.perf_counter() - started
        truncated = len(rows) > max_rows
        frame = pd.DataFrame.from_records(rows[:max_rows], columns=_unique(columns))
        return SqlResult(frame=frame, truncated=truncated, elapsed_s=elapsed)

    @staticmethod
    def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """A fresh cursor whose default catalog is the attached file (``USE`` is per cursor)."""
        cur = con.cursor()
        cur.execute(f"USE {_CATALOG}")
        return cur

    def schema(self) -> pd.DataFrame:
        """(table, type, column, data_type) of every table and view the box can query."""
        con = self.connection()
        cur = self._cursor(con)
        try:
            return cur.execute(
                """
                SELECT c.table_name, CASE WHEN v.view_name IS NULL THEN 'table' ELSE 'view' END
                       AS object_type, c.column_name, c.data_type
                FROM duckdb_columns() c
                LEFT JOIN duckdb_views() v
                  ON v.database_name = c.database_name AND v.view_name = c.table_name
                WHERE c.database_name = ? AND c.schema_name = 'main'
                ORDER BY object_type, c.table_name, c.column_index
                """,
                [_CATALOG],
            ).df()
        finally:
            cur.close()


def _unique(columns: list[str]) -> list[str]:
    """Make duplicate column names (``SELECT 1, 1``) distinct so pandas and Arrow accept them."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n}")
    return out


@cache
def examples() -> list[dict[str, str]]:
    """Example queries (``title_zh``, ``title_en``, ``sql``) from ``sql_examples.toml``."""
    with _EXAMPLES_FILE.open("rb") as fh:
        return list(tomllib.load(fh)["example"])
