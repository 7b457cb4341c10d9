"""The single writer: in-place transactional batches, with readers let in between batches.

Why in place (issue 12): the previous design copied the whole live file, wrote the copy and
renamed it over the live file, so every ingest cost a copy of the store (2.8 s at 645 MB, 6-13 s
at 4.1 GB) and free disk equal to it. Now a batch costs what it writes:

* Writers are serialised by an exclusive ``flock`` on ``<db>.lock``, held for a whole run.
* Per batch (:meth:`StoreWriter.session`) the writer takes an exclusive ``flock`` on
  ``<db>.turnstile`` (new readers now wait, see :mod:`extract.store.readers`), opens the live
  file read-write, retrying while readers that passed the turnstile earlier still hold
  DuckDB's shared lock (duckdb#17158: a read-write open fails while any process reads it),
  writes in transactions, ``CHECKPOINT``s, closes and releases the turnstile. Readers hold
  short-lived connections, so the wait is one query's length.
* Crash safety is DuckDB's: a transaction is in the WAL once committed and a checkpoint
  switches the file header last, so a ``kill -9`` anywhere leaves the last committed state; a
  read-only open replays a leftover ``<db>.wal`` in memory and the next writer checkpoints it
  (tests/test_concurrency.py kills writers at random points).
* Damage: DuckDB verifies the checksum of every block it reads, and a write that meets a bad
  block fails and rolls back, so damage is never written over silently. The full scan of
  every block is O(store), so it is no longer run per ingest but offered as ``xuncha check``
  (:func:`verify_readable`).

Views and the taxonomy (code's data) are re-applied only when their content changed
(:func:`extract.store.migrate.upgrade`), so opening a current store writes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import duckdb

from extract import settings
from extract.store.errors import StoreError, first_line
from extract.store.migrate import upgrade
from extract.store.readers import is_lock_conflict, turnstile_path

#: Seconds a batch waits for readers to close before giving up (a reader holding a connection
#: open for minutes, e.g. a forgotten ``duckdb -readonly`` shell, is named in the error).
OPEN_TIMEOUT = 120.0
_POLL = 0.005


def _damaged(path: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"{path}: cannot open as a DuckDB database or it is damaged "
        f"({first_line(exc)}); nothing was written. Move it aside or point --db "
        "elsewhere / 数据库文件无法打开或已损坏,未写入任何内容"
    )


class StoreWriter:
    """The write lock for a run, and read-write connections to the live file per batch.

    Two ways to use it:

    * ``with StoreWriter(db) as w:`` then ``w.con`` (one open transaction) and ``w.commit()``;
      leaving the block without ``commit()`` rolls the transaction back.
    * ``with StoreWriter(db, session=False) as w:`` then ``with w.session() as con:`` per batch
      (ingest): the caller runs its own transactions; the session checkpoints and lets readers
      in when it ends.

    ``upgrade_first=False`` (with ``session=False``): the store is known to be at the current
    schema (the caller just read it), so the check of views and taxonomy
    (:func:`extract.store.migrate.upgrade`) runs at the start of the first session instead of
    in a session of its own: one read-write open and checkpoint less, 0.03 s of a one-notice
    ingest into a 10k store. ``wait=False``: fail at once with :class:`WriterBusy` when another
    writer holds the lock, instead of waiting ``lock_timeout``.
    """

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float | None = None,
        open_timeout: float = OPEN_TIMEOUT,
        session: bool = True,
        upgrade_first: bool = True,
        wait: bool = True,
    ) -> None:
        self.path = Path(path)
        self.lock_timeout = (
            settings.get_float("lock_timeout_s") if lock_timeout is None else lock_timeout
        )
        self.open_timeout = open_timeout
        self.con: duckdb.DuckDBPyConnection | None = None
        self._lock_fd: int | None = None
        self._turnstile_fd: int | None = None
        self._auto_session = session
        # upgrade() at the start of the first session instead of in one of its own (see above)
        self._upgrade_pending = not (upgrade_first or session)
        self._wait = wait
        self._session_cm: contextlib.AbstractContextManager[duckdb.DuckDBPyConnection] | None
        self._session_cm = None
        self.committed = False
        # Whether a reader waited for (or was still reading at the start of) a session since
        # the caller last reset it: ingest sizes its batches by it (extract/ingest.py).
        self.readers_waited = False

    # -- locks --------------------------------------------------------------------------
    def _flock(self, lock_path: Path, deadline: float, what: str) -> int:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise WriterBusy(
                        f"{self.path}: {what} ({lock_path}); try again later / "
                        "数据库正被其他写入进程占用,请稍后重试"
                    ) from None
                time.sleep(0.05)

    @staticmethod
    def _unlock(fd: int | None) -> None:
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> StoreWriter:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_dir():
            raise StoreError(
                f"{self.path}: the database path is a folder; point --db at a file / "
                "数据库路径是文件夹,请用 --db 指定文件"
            )
        lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock_fd = self._flock(
            lock_path,
            time.monotonic() + (self.lock_timeout if self._wait else -1.0),
            f"another ingest has held the write lock for over {self.lock_timeout:.0f}s"
            if self._wait
            else "another ingest holds the write lock",
        )
        try:
            remove_stale_copies(self.path)
            if not self._upgrade_pending:
                with self.session() as con:
                    upgrade(con, self.path)
            if self._auto_session:
                self._session_cm = self.session()
                self.con = self._session_cm.__enter__()
                self.con.execute("BEGIN TRANSACTION")
        except BaseException:
            self._abort()
            raise
        return self

    @contextlib.contextmanager
    def session(self, *, vacuum: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the live file for one batch (see the module docstring).

        Readers wait at the turnstile while it is open. On a clean exit it checkpoints (the
        WAL folds into the file, so readers need not replay it); on an exception the open
        transaction, if any, is rolled back by closing. ``vacuum=False``: the checkpoint does
        not merge the small row groups appends leave (:func:`allow_vacuum` turns it back on
        for this connection); see :func:`count_unmerged_session` for why and when.
        """
        if self._lock_fd is None:
            raise RuntimeError("StoreWriter.session() outside its with-block")
        deadline = time.monotonic() + self.open_timeout
        self._turnstile_fd = self._flock(
            turnstile_path(self.path), deadline, "another writer holds the turnstile"
        )
        with contextlib.suppress(OSError):  # a reader blocked from now on marks it
            os.utime(self._turnstile_fd, ns=(0, 0))
        con: duckdb.DuckDBPyConnection | None = None
        try:
            con = self._connect(deadline)
            if self._upgrade_pending:
                upgrade(con, self.path)
                self._upgrade_pending = False
            if not vacuum:
                _set_vacuum(con, False)
            yield con
            con.execute("CHECKPOINT")
        finally:
            if con is not None:
                with contextlib.suppress(duckdb.Error):
                    con.close()
            self.readers_waited = self.readers_waited or _reader_marked(self.path)
            self._unlock(self._turnstile_fd)
            self._turnstile_fd = None

    def _connect(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """Open read-write, retrying while readers that passed the turnstile still read."""
        while True:
            try:
                return duckdb.connect(str(self.path))
            except duckdb.Error as exc:
                if not is_lock_conflict(exc):
                    raise _damaged(self.path, exc) from exc
                self.readers_waited = True  # readers are about: keep batches small
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.path}: a reader has kept the database open for over "
                        f"{self.open_timeout:.0f}s ({first_line(exc)}); nothing was written, "
                        "close it and run again / 数据库被其他读取进程长时间占用,未写入任何内容"
                    ) from exc
                time.sleep(_POLL)

    def commit(self) -> None:
        """Commit the open transaction of ``with StoreWriter(db) as w`` and checkpoint it."""
        if self.con is None or self._session_cm is None:
            raise RuntimeError("StoreWriter.commit() outside its with-block")
        self.con.execute("COMMIT")
        cm, self._session_cm, self.con = self._session_cm, None, None
        cm.__exit__(None, None, None)
        self.committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._abort()

    def _abort(self) -> None:
        if self._session_cm is not None:
            cm, self._session_cm = self._session_cm, None
            if self.con is not None:
                with contextlib.suppress(duckdb.Error):
                    self.con.execute("ROLLBACK")
            # closing without the checkpoint: an exception skips it
            with contextlib.suppress(_Abandon):
                cm.__exit__(_Abandon, _Abandon(), None)
        self.con = None
        self._unlock(self._turnstile_fd)
        self._turnstile_fd = None
        self._unlock(self._lock_fd)
        self._lock_fd = None


class WriterBusy(StoreError):
    """Another writer holds the write lock (past ``lock_timeout``, or at once with
    ``wait=False``) or the turnstile (past ``open_timeout``): only writers take either."""


class _Abandon(Exception):
    """Thrown into a session to close it without a checkpoint."""


#: Sessions that skipped the row-group merge a store may gather before a writer's closing
#: checkpoint merges their row groups (see :func:`count_unmerged_session`).
VACUUM_AFTER = 64
#: Fewer notices than this a session: ingest skips the merge for it
#: (see :func:`count_unmerged_session`).
SMALL_ROW_GROUP = 64


def count_unmerged_session(con: duckdb.DuckDBPyConnection) -> bool:
    """Count this session as one that skips the row-group merge; True when it is the one to
    merge after all (the count then starts again).

    Every append starts a new row group, and DuckDB's checkpoint then merges the small
    trailing ones back into the last big one, rewriting it. For ``notices`` that group holds
    up to about 2,000 notices of 30 KiB, recompressed each time: 0.24-0.27 s of a one-notice
    ingest into a 10k store, against 0.02-0.03 s with the merge off (measured). So ingest
    skips the merge for sessions of fewer than :data:`SMALL_ROW_GROUP` notices, and merges
    once :data:`VACUUM_AFTER` such sessions have left their row groups (a +1 about one run in
    64). Bulk sessions keep merging: skipping it there too gained nothing measurable on a fresh
    10k ingest (269 against 274 s) and left 80 row groups a table, a store 32% larger (649
    against 490 MiB used); merging all of them at the run's end rewrote the store into new
    blocks (a 973 MB file for 397 MB of data).

    The sessions are counted in ``store_meta`` ('unmerged_sessions'), one row: counting the
    small row groups themselves (``pragma_storage_info``, a row per column segment) took
    0.02-0.06 s of every +1, growing with the row groups a store has.
    """
    row = con.execute("SELECT value FROM store_meta WHERE key = 'unmerged_sessions'").fetchone()
    count = (int(row[0]) if row is not None and str(row[0]).isdigit() else 0) + 1
    merge = count >= VACUUM_AFTER
    con.execute(
        "INSERT OR REPLACE INTO store_meta VALUES ('unmerged_sessions', ?)",
        [str(0 if merge else count)],
    )
    return merge


def allow_vacuum(con: duckdb.DuckDBPyConnection) -> None:
    """Let this session's checkpoint merge small row groups again (DuckDB's default)."""
    _set_vacuum(con, True)


def _set_vacuum(con: duckdb.DuckDBPyConnection, on: bool) -> None:
    # max_vacuum_tasks: DuckDB's own setting; a version without it merges as it always did.
    with contextlib.suppress(duckdb.Error):
        con.execute("RESET max_vacuum_tasks" if on else "SET max_vacuum_tasks = 0")


def _reader_marked(path: Path) -> bool:
    """Did a reader mark the turnstile (:func:`extract.store.readers.mark_waiting`) since the
    session set its mtime to 0? Any other mtime says yes, whatever the file system's grain."""
    try:
        return os.stat(turnstile_path(path)).st_mtime_ns != 0
    except OSError:
        return False


def verify_readable(con: duckdb.DuckDBPyConnection) -> None:
    """Read every column of every table once, so DuckDB checks every block's checksum.

    ``count(*)`` would not do: it reads no column data. Hashing whole rows does, and costs
    about one sequential scan of the file, which is why it runs on demand (``xuncha check``)
    rather than on every ingest.
    """
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
    ).fetchall()
    for (table,) in tables:
        con.execute(f'SELECT sum(hash("{table}")) FROM "{table}"').fetchone()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_copies(path: Path) -> list[Path]:
    """Delete ``.<db>.<pid>.next`` copies left by writers of the copy-and-swap design.

    Earlier xuncha versions wrote such a copy per run; one killed mid-run left it behind.
    Called with the write lock held; the pid test spares a copy whose process still runs.
    """
    removed = []
    prefix = f".{path.name}."
    for candidate in path.parent.glob(f"{glob.escape(prefix)}*.next*"):
        pid_part = candidate.name[len(prefix) :].split(".", 1)[0]
        if not pid_part.isdigit() or int(pid_part) == os.getpid() or _pid_alive(int(pid_part)):
            continue
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def create_database(path: Path) -> None:
    """Create (or upgrade) a database with the current schema and views, holding no notices."""
    with StoreWriter(Path(path)) as writer:
        writer.commit()


def check_store(path: Path) -> int:
    """``xuncha check``: read every block of the live file read-only; returns the rows read.

    Raises :class:`StoreError` (one line naming the file, in Chinese and English) when a block
    fails its checksum or the file is not a readable store. Runs beside the dashboard and
    between an ingest's batches, like any reader.
    """
    from extract.store.readers import open_readonly

    con = open_readonly(Path(path))
    try:
        verify_readable(con)
        row = con.execute(
            "SELECT sum(estimated_size) FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchone()
    except duckdb.Error as exc:
        raise StoreError(
            f"{path}: the database is damaged ({first_line(exc)}); move it aside and ingest "
            "again / 数据库文件已损坏,请移走后重新导入"
        ) from exc
    finally:
        con.close()
    return int(row[0] or 0) if row else 0
