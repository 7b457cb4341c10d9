"""The one locked-down SQL runner, shared by ``xuncha sql`` and the dashboard's SQL page.

DuckDB's own advice is to treat SQL like shell code (ENGINEERING_NOTES §3), so ad hoc SQL never
runs on an ordinary connection. :class:`SqlBox` owns a dedicated in-memory DuckDB instance
(security settings are global to an instance) that:

1. starts with extension autoloading/autoinstalling and community extensions off, with its
   own ``memory_limit`` and ``threads``, and spills only into a private temporary folder capped
   by ``max_temp_directory_size`` (never ``<cwd>/.tmp``, DuckDB's default for ``:memory:``);
2. ATTACHes the live file READ_ONLY under the neutral catalog name ``xuncha`` and makes it the
   default catalog;
3. turns ``enable_external_access`` off (no read_csv/read_text/COPY/ATTACH of files);
4. locks the configuration so a query cannot turn any of that back on.

Each request must then pass :func:`check_single_select`: exactly one SELECT (parsed by DuckDB,
so comments and strings cannot smuggle a second statement), calling none of the functions in
:data:`BLOCKED_NAMES`. Those are refused because they reveal where the store lives — DuckDB
lists the attached file's real path (symlinks resolved) in ``duckdb_databases()``,
``pragma_database_list`` and the ``allowed_paths`` setting, and reports the temporary folder in
``current_setting('temp_directory')`` — or because they run SQL held in a string
(``query()``, ``query_table()``), which would get past the name check.

Results are bounded three ways (see the limits below): rows, bytes and time. Rows are fetched
as Arrow record batches and fetching stops as soon as either cap is passed, so a query like
``SELECT repeat('x', 3000000) FROM range(1000)`` (3 GB) returns the first ~50 MB with a
truncation flag instead of materialising everything. One deadline covers execution *and*
fetching: a timer calls ``interrupt()`` on the very cursor running the query (duckdb#15925),
and the deadline is checked again between batches.

Known limit: DuckDB computes a whole vector (2,048 rows) of a projection before any cap can act,
and string data in such a vector is not counted against ``memory_limit``; a query producing
gigabytes per vector still allocates them once. Exposing the box beyond trusted staff needs a
separate low-privilege process as well (ENGINEERING_NOTES §3).

Ingest writes the live file in place, one batch at a time (extract/store/writer.py), so the box
passes the writers' turnstile before it attaches and retries the ATTACH while a batch is being
written; a box kept attached would hold DuckDB's shared lock and keep every ingest waiting, so
a long-lived caller (the dashboard) attaches per request. When the file changes, the box notices
the new signature and reattaches.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from extract import settings
from extract.store.errors import StoreError, StoreMissingError
from extract.store.readers import READ_TIMEOUT, file_signature, is_lock_conflict, wait_for_writer

if TYPE_CHECKING:  # imported where used: the CLI reads the limits below without paying for them
    import pandas as pd
    import pyarrow as pa

# -- limits (user-adjustable ones come from extract/settings.py; the SQL page and `xuncha sql`
# show them) ----------------------------------------------------------------------------------
#: Rows a query returns at most; one more is fetched to know whether the result was truncated.
MAX_ROWS: int = settings.get_int("sql_max_rows")
#: Arrow bytes a query returns at most (about what a browser table or a terminal can take).
MAX_RESULT_BYTES: int = settings.get_int("sql_max_result_bytes")
#: Seconds from the start of execution to the last fetched batch.
TIMEOUT_S: float = settings.get_float("sql_timeout_s")
#: Characters of SQL text accepted (a pasted dump is a mistake, not a query).
MAX_SQL_CHARS = 20_000
#: DuckDB ``memory_limit`` of the box's instance (buffer-managed memory: joins, sorts, hashes).
MEMORY_LIMIT = "1GB"
#: DuckDB ``threads`` of the box's instance, so one query cannot take every core of the host.
THREADS: int = settings.get_int("sql_threads")
#: DuckDB ``max_temp_directory_size``: what a big sort or join may spill to the private folder.
MAX_TEMP_DIRECTORY_SIZE = "2GB"
#: Rows per Arrow batch: small, so the byte cap overshoots by at most one small batch.
BATCH_ROWS = 64

#: Catalog name the live file is attached under (queries see ``xuncha.main.notices``).
CATALOG = "xuncha"

#: Functions and views a query may not name (lower case). Why each one:
BLOCKED_NAMES: frozenset[str] = frozenset(
    {
        "duckdb_databases",  # path of every attached database file
        "pragma_database_list",  # the same, PRAGMA-style
        "duckdb_settings",  # allowed_paths holds the store's path; temp_directory our folder
        "current_setting",  # any single setting, e.g. current_setting('allowed_paths')
        "pg_settings",  # pg_catalog view over duckdb_settings()
        "duckdb_temporary_files",  # paths inside the private temporary folder
        "duckdb_extensions",  # extension install paths under the home folder
        "duckdb_secrets",  # secret storage (none is defined, but never list it)
        "which_secret",
        "duckdb_logs",  # log rows may carry file paths
        "duckdb_log_contexts",
        "duckdb_live_query_metrics",  # other sessions' running queries
        "duckdb_external_file_cache",  # cached file paths
        "query",  # runs SQL held in a string: would get past this list
        "query_table",  # resolves a table named in a string: likewise
        "json_execute_serialized_sql",  # runs a serialised statement: likewise
    }
)

# English / Chinese reason per refusal code; the dashboard translates codes through its
# labels and falls back to these, the CLI prints them as they are.
_REFUSAL_TEXT: dict[str, tuple[str, str]] = {
    "empty": ("give one SELECT query", "请输入一条 SELECT 查询"),
    "too_long": ("the query is longer than {detail} characters", "查询超过 {detail} 个字符"),
    "statements": (
        "only one statement at a time ({detail} given)",
        "一次只能运行一条语句(收到 {detail} 条)",
    ),
    "not_select": (
        "only one read-only SELECT is allowed ({detail} given)",
        "只允许只读的 SELECT 查询(收到 {detail})",
    ),
    "blocked": (
        "{detail}() is not available here: it reveals server paths or runs SQL from a string",
        "此处不能使用 {detail}():它会暴露服务器路径或执行字符串中的 SQL",
    ),
}


class SqlRefused(ValueError):
    """The text is not something the box runs (not one SELECT, empty, too long, blocked name).

    ``code`` (``empty``, ``too_long``, ``statements``, ``not_select``, ``blocked``) and ``detail``
    let the page show a translated message; ``str()`` is one English / Chinese line for logs and
    the CLI.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        en, zh = _REFUSAL_TEXT.get(code, (code, code))
        super().__init__(f"refused: {en.format(detail=detail)} / {zh.format(detail=detail)}")


class SqlFailed(RuntimeError):
    """The query ran and DuckDB rejected it, or it hit the time limit; message is readable.

    ``timed_out`` is True when the time limit interrupted it.
    """

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        self.timed_out = timed_out
        super().__init__(message)


@dataclass(frozen=True)
class SqlResult:
    """Rows within the caps, why the result was cut (``"rows"``, ``"bytes"`` or None), timing."""

    frame: pd.DataFrame
    truncation: str | None
    elapsed_s: float

    @property
    def truncated(self) -> bool:
        """Whether more rows existed than are in ``frame``."""
        return self.truncation is not None


def _tokens(sql: str) -> Iterator[tuple[duckdb.token_type, str]]:
    """DuckDB's own tokens of ``sql`` with their text (``duckdb.tokenize`` gives byte offsets)."""
    raw = sql.encode("utf-8")
    spans = duckdb.tokenize(sql)
    ends = [start for start, _ in spans[1:]] + [len(raw)]
    for (start, kind), end in zip(spans, ends, strict=True):
        yield kind, raw[start:end].decode("utf-8", errors="replace").strip()


def blocked_name(sql: str) -> str | None:
    """The first name of :data:`BLOCKED_NAMES` the query uses as an identifier, or None.

    Identifiers (quoted or not) and keywords are compared case-insensitively, as DuckDB resolves
    them; string literals and comments are ignored, so ``WHERE x = 'query'`` still runs.
    """
    for kind, text in _tokens(sql):
        if kind in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            name = text.strip('"').lower()
            if name in BLOCKED_NAMES:
                return name
    return None


def check_single_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but exactly one SELECT (``WITH … SELECT``, ``FROM t``, DESCRIBE count)
    that names no blocked function.

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
    name = blocked_name(sql)
    if name is not None:
        raise SqlRefused("blocked", name)


def _readable(exc: BaseException, hide: tuple[str, ...] = ()) -> str:
    """DuckDB's message without the internal stack noise, first lines only, with the store's
    path (``hide``) replaced by a placeholder so an error cannot reveal it either."""
    text = str(exc).strip()
    for secret in hide:
        if secret:
            text = text.replace(secret, "[database]")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[:6]) or type(exc).__name__


class _DeadlinePassed(Exception):
    """The deadline passed between two batches (the timer's interrupt may not have landed)."""


class SqlBox:
    """A locked-down read-only DuckDB instance over the live database file.

    Thread-safe: a lock guards (re)attaching, and every query runs on its own cursor.
    """

    def __init__(
        self, db_path: Path, *, memory_limit: str = MEMORY_LIMIT, threads: int = THREADS
    ) -> None:
        self.db_path = Path(db_path)
        self.memory_limit = memory_limit
        self.threads = threads
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._signature: tuple[int, int, int] | None = None
        self._temp_dir: Path | None = None
        self._finalizer: weakref.finalize | None = None

    # -- connection ---------------------------------------------------------------------
    def _private_temp_dir(self) -> Path:
        """A folder only this box spills into, removed on close (or when the box is collected)."""
        if self._temp_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="xuncha-sql-"))
            self._finalizer = weakref.finalize(self, shutil.rmtree, self._temp_dir, True)
        return self._temp_dir

    def _hidden(self) -> tuple[str, ...]:
        """Spellings of the store's location that error messages must not show."""
        return (str(self.db_path.resolve()), str(self.db_path.absolute()))

    def _open(self) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(
                ":memory:",
                config={
                    "autoload_known_extensions": False,
                    "autoinstall_known_extensions": False,
                    "allow_community_extensions": False,
                    "threads": self.threads,
                    "memory_limit": self.memory_limit,
                    "temp_directory": str(self._private_temp_dir() / "spill"),
                    "max_temp_directory_size": MAX_TEMP_DIRECTORY_SIZE,
                },
            )
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.db_path}: cannot start the SQL engine ({_readable(exc)}) / "
                "无法启动 SQL 查询引擎"
            ) from exc
        try:
            path_literal = str(self.db_path.resolve()).replace("'", "''")
            deadline = time.monotonic() + READ_TIMEOUT
            while True:  # a batch being written holds the file: wait for it, never "damaged"
                wait_for_writer(self.db_path, timeout=max(0.0, deadline - time.monotonic()))
                try:
                    con.execute(f"ATTACH '{path_literal}' AS {CATALOG} (READ_ONLY)")
                    break
                except duckdb.Error as exc:
                    if not is_lock_conflict(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
            con.execute(f"USE {CATALOG}")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except StoreError:  # a writer held the turnstile too long: the message says so
            con.close()
            raise
        except duckdb.Error as exc:
            con.close()
            raise StoreError(
                f"{self.db_path}: cannot open as a DuckDB database, it may be damaged "
                f"({_readable(exc).splitlines()[0]}) / 无法打开数据库文件,文件可能已损坏"
            ) from exc
        return con

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The locked connection, reattached when the live file was replaced since last use."""
        if self.db_path.is_dir():
            raise StoreError(
                f"{self.db_path}: the database path is a folder; point --db at a file / "
                "数据库路径是文件夹,请用 --db 指定文件"
            )
        signature = file_signature(self.db_path)
        if signature is None:
            raise StoreMissingError(
                f"{self.db_path}: no database yet; run `xuncha ingest data/` first / "
                "数据库尚不存在,请先运行 xuncha ingest 导入通报"
            )
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
        """Release the instance and its temporary folder (tests, the CLI, cache eviction)."""
        with self._lock:
            self._close_locked()
            if self._finalizer is not None:
                self._finalizer()  # removes the folder once
                self._finalizer = None
            self._temp_dir = None

    # -- queries --------------------------------------------------------------------------
    def run(
        self,
        sql: str,
        *,
        max_rows: int = MAX_ROWS,
        max_bytes: int = MAX_RESULT_BYTES,
        timeout_s: float = TIMEOUT_S,
    ) -> SqlResult:
        """Run one SELECT within the row, byte and time caps.

        Raises :class:`SqlRefused` before running anything that is not one allowed SELECT, and
        :class:`SqlFailed` (``timed_out`` set for the time limit) with a readable reason.
        """
        import pyarrow as pa

        con = self.connection()
        check_single_select(con, sql)
        cur = self._cursor(con)
        started = time.perf_counter()
        deadline = started + timeout_s
        timer = threading.Timer(timeout_s, cur.interrupt)
        timer.daemon = True
        timer.start()
        try:
            table, truncation = self._fetch(cur, sql, max_rows, max_bytes, deadline)
        except duckdb.InterruptException as exc:
            raise SqlFailed(f"time limit of {timeout_s:g} s reached", timed_out=True) from exc
        except _DeadlinePassed as exc:
            raise SqlFailed(f"time limit of {timeout_s:g} s reached", timed_out=True) from exc
        except (duckdb.Error, pa.ArrowException) as exc:
            if time.perf_counter() >= deadline:  # the interrupt surfaced through Arrow
                raise SqlFailed(f"time limit of {timeout_s:g} s reached", timed_out=True) from exc
            raise SqlFailed(_readable(exc, self._hidden())) from exc
        finally:
            timer.cancel()
            with contextlib.suppress(duckdb.Error):
                cur.close()  # also abandons a result we stopped fetching
        frame = table.to_pandas()
        frame.columns = _unique([str(c) for c in table.column_names])
        elapsed = time.perf_counter() - started
        return SqlResult(frame=frame, truncation=truncation, elapsed_s=elapsed)

    @staticmethod
    def _fetch(
        cur: duckdb.DuckDBPyConnection, sql: str, max_rows: int, max_bytes: int, deadline: float
    ) -> tuple[pa.Table, str | None]:
        """Fetch batches until the result ends or a cap is passed; return what fits and why not.

        Raises :class:`_DeadlinePassed` when the deadline passes between batches, so the caller
        reports it exactly like the timer's interrupt.
        """
        import pyarrow as pa

        reader = _arrow_reader(cur.sql(sql), BATCH_ROWS)
        kept: list[pa.RecordBatch] = []
        rows = size = 0
        truncation: str | None = None
        for batch in reader:
            if time.perf_counter() >= deadline:
                raise _DeadlinePassed
            if rows + batch.num_rows > max_rows:
                batch = batch.slice(0, max_rows - rows)
                truncation = "rows"
            if size + batch.nbytes > max_bytes:
                batch = batch.slice(0, _rows_within(batch, max_bytes - size))
                truncation = "bytes"
            kept.append(batch)
            rows += batch.num_rows
            size += batch.nbytes
            if truncation is not None:
                break
        return pa.Table.from_batches(kept, schema=reader.schema), truncation

    @staticmethod
    def _cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """A fresh cursor whose default catalog is the attached file (``USE`` is per cursor)."""
        cur = con.cursor()
        cur.execute(f"USE {CATALOG}")
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
                [CATALOG],
            ).df()
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.db_path}: cannot read the schema ({_readable(exc).splitlines()[0]}) / "
                "无法读取数据库结构"
            ) from exc
        finally:
            cur.close()


def _arrow_reader(rel: duckdb.DuckDBPyRelation, batch_rows: int) -> pa.RecordBatchReader:
    """A streaming Arrow reader over ``rel`` (``to_arrow_reader`` since DuckDB 1.5, before that
    ``fetch_record_batch``; the DB-API result's reader would copy every row first)."""
    to_reader = getattr(rel, "to_arrow_reader", None)
    if to_reader is not None:
        return to_reader(batch_rows)
    return rel.fetch_record_batch(batch_rows)


def _rows_within(batch: pa.RecordBatch, budget: int) -> int:
    """How many leading rows of ``batch`` fit in ``budget`` Arrow bytes (binary search)."""
    low, high = 0, batch.num_rows
    while low < high:
        mid = (low + high + 1) // 2
        if batch.slice(0, mid).nbytes <= budget:
            low = mid
        else:
            high = mid - 1
    return low


def _unique(columns: list[str]) -> list[str]:
    """Make duplicate column names (``SELECT 1, 1``) distinct so pandas and Arrow accept them."""
    seen: dict[str, int] = {}
    out = []
    for name in columns:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_{n}")
    return out
