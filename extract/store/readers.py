"""Read-only access for the dashboard, ``xuncha sql``/``export`` and ingest's look-ups.

The writer updates the live file in place (see :mod:`extract.store.writer`), and DuckDB lets
one process hold a file read-write *or* many hold it read-only, never both (duckdb#17158).
So every reader goes through :func:`open_readonly`, which

1. passes the **turnstile** ``<db>.turnstile``: a shared ``flock`` taken and released at once.
   A writer holds it exclusively for one batch, so a reader arriving meanwhile waits for that
   batch instead of racing it (writer-preferring: new readers cannot starve a waiting writer);
2. opens the file read-only, retrying for a bounded time while DuckDB reports the writer's
   lock (a writer may take the turnstile just after this reader passed it);
3. checks the schema version.

Readers must keep connections short-lived (one query, one export): a connection held open
holds DuckDB's shared lock and makes the next batch wait. :func:`reading` is the helper.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from extract.store.errors import StoreError, StoreMissingError, first_line
from extract.store.migrate import check_readable

#: Seconds a reader waits for a writer's batch before giving up with a readable error. A batch
#: holds the file for well under a second; minutes mean a stuck writer, worth saying so.
READ_TIMEOUT = 60.0
#: Poll interval while waiting for the turnstile or for DuckDB's lock.
_POLL = 0.005
#: DuckDB's messages when another process holds a conflicting lock on the file, or when this
#: process (the dashboard importing while another session reads) has it open the other way.
LOCK_CONFLICTS = (
    "Could not set lock on file",
    "Can't open a connection to same database file with a different configuration",
)


def turnstile_path(path: Path) -> Path:
    """``<db>.turnstile``: the file readers pass and the writer holds during a batch."""
    path = Path(path)
    return path.with_name(path.name + ".turnstile")


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of the live file: changes whenever a writer commits a batch.

    The dashboard keys its cached query results on it, so a new batch invalidates them.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def is_lock_conflict(exc: BaseException) -> bool:
    """True for DuckDB's "another process holds this file" error (retry), not for damage."""
    return isinstance(exc, duckdb.Error) and any(m in str(exc) for m in LOCK_CONFLICTS)


def pass_turnstile(path: Path, deadline: float) -> None:
    """Wait until no writer holds the turnstile (shared flock taken and dropped at once).

    A folder readers cannot create the turnstile in (a read-only deployment) has no writer
    there either; the reader then relies on the lock retry alone.
    """
    try:
        fd = os.open(turnstile_path(path), os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        return
    try:
        marked = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
                return
            except BlockingIOError:
                if not marked:
                    mark_waiting(path)
                    marked = True
                if time.monotonic() > deadline:
                    raise _Busy from None
                time.sleep(_POLL)
    finally:
        os.close(fd)


def mark_waiting(path: Path) -> None:
    """Tell the writer a reader is waiting for its batch: the turnstile's mtime moves to now.

    The writer keeps its batches small while readers wait and lets them grow while none does
    (:meth:`extract.store.writer.StoreWriter.session`). A turnstile this reader may not touch
    (another user's, a read-only folder) just leaves the batches as they are.
    """
    with contextlib.suppress(OSError):
        os.utime(turnstile_path(path))


class _Busy(Exception):
    """A writer kept the file past the reader's deadline."""


def wait_for_writer(path: Path, *, timeout: float = READ_TIMEOUT) -> None:
    """Pass the turnstile (for a reader that opens the file its own way, e.g. an ATTACH).

    Raises :class:`StoreError` when a writer holds it for over ``timeout`` seconds.
    """
    try:
        pass_turnstile(Path(path), time.monotonic() + timeout)
    except _Busy:
        raise StoreError(_busy_message(Path(path), timeout)) from None


def open_readonly(path: Path, *, timeout: float = READ_TIMEOUT) -> duckdb.DuckDBPyConnection:
    """Open the live database read-only (through the turnstile), checking its schema version.

    Raises :class:`StoreMissingError` when nothing has been ingested yet, and
    :class:`StoreError` with a readable reason for anything else (not a DuckDB file, wrong
    version, a writer holding it for over ``timeout`` seconds). Close the connection soon:
    see the module docstring.
    """
    path = Path(path)
    if not path.exists():
        raise StoreMissingError(
            f"{path}: no database yet. Run `xuncha ingest data/` "
            "(or another folder of notices) first. / 数据库尚不存在,请先导入通报"
        )
    deadline = time.monotonic() + timeout
    while True:
        try:
            pass_turnstile(path, deadline)
            con = duckdb.connect(str(path), read_only=True)
            break
        except _Busy:
            raise StoreError(_busy_message(path, timeout)) from None
        except duckdb.Error as exc:
            if not is_lock_conflict(exc):
                raise StoreError(
                    f"{path}: cannot open as a DuckDB database ({first_line(exc)}) / "
                    "无法打开数据库文件"
                ) from exc
            if time.monotonic() > deadline:
                raise StoreError(_busy_message(path, timeout)) from exc
            time.sleep(_POLL)
    try:
        check_readable(con, path)
    except StoreError:
        con.close()
        raise
    return con


def _busy_message(path: Path, timeout: float) -> str:
    return (
        f"{path}: a writer has held the database for over {timeout:.0f}s; try again later / "
        "数据库正被写入,请稍后重试"
    )


@contextlib.contextmanager
def reading(path: Path, *, timeout: float = READ_TIMEOUT) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection: opened through the turnstile, closed on exit."""
    con = open_readonly(path, timeout=timeout)
    try:
        yield con
    finally:
        con.close()
