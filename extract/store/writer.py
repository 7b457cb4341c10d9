"""The single writer: copy the live file, write the copy, swap it in atomically.

Why copy-and-swap: DuckDB refuses a read-only open while another process holds the file
read-write (duckdb#17158), so writing the live file in place would show lock errors to the
dashboard and to a scheduled export. Writing a private copy and ``os.replace``-ing it means
readers only ever see complete files, and a crash mid-ingest leaves the live file untouched.
Writers are serialised by an exclusive ``flock`` on ``<db>.lock``.

Before writing, the copy is scanned once (every column of every table, so DuckDB verifies each
block's checksum): a corrupt live file is refused instead of being carried into the next one.
Before swapping, the writer checks that the live file is still the one it copied, so a second
writer that got past a deleted lock file cannot have its commit silently overwritten.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import time
from pathlib import Path
from types import TracebackType

import duckdb

from extract.store.errors import StoreError, first_line
from extract.store.migrate import upgrade
from extract.store.readers import file_signature


class StoreWriter:
    """Context manager yielding a read-write connection to a private copy of the database.

    ``commit()`` checkpoints and swaps the copy in; leaving the block without ``commit()`` (or
    with an exception) throws the copy away, so the live file is never half-written.
    """

    def __init__(self, path: Path, *, lock_timeout: float = 600.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.con: duckdb.DuckDBPyConnection | None = None
        self._lock_fd: int | None = None
        self._tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.next")
        self._copied: tuple[int, int, int] | None = None  # live file signature when copied
        self.committed = False

    # -- lock ---------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise StoreError(
                        f"{self.path}: another ingest has held the write lock for over "
                        f"{self.lock_timeout:.0f}s ({lock_path}); try again later."
                    ) from None
                time.sleep(0.1)
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- lifecycle ----------------------------------------------------------------------
    def __enter__(self) -> StoreWriter:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_dir():
            raise StoreError(
                f"{self.path}: the database path is a folder; point --db at a file / "
                "数据库路径是文件夹,请用 --db 指定文件"
            )
        self._acquire_lock()
        try:
            self._remove_tmp()
            remove_stale_copies(self.path)
            if self.path.exists():
                self._copied = file_signature(self.path)
                shutil.copyfile(self.path, self._tmp)
            try:
                self.con = duckdb.connect(str(self._tmp))
                verify_readable(self.con)
            except duckdb.Error as exc:
                raise StoreError(
                    f"{self.path}: cannot open as a DuckDB database or it is damaged "
                    f"({first_line(exc)}); nothing was written. Move it aside or point --db "
                    "elsewhere / 数据库文件无法打开或已损坏,未写入任何内容"
                ) from exc
            upgrade(self.con, self.path)
        except BaseException:
            self._abort()
            raise
        return self

    def commit(self) -> None:
        """Make the copy the live database (atomic on POSIX)."""
        if self.con is None:
            raise RuntimeError("StoreWriter.commit() outside its with-block")
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        with open(self._tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if file_signature(self.path) != self._copied:
            raise StoreError(
                f"{self.path}: the database was replaced by another writer during this run "
                "(was its .lock file deleted?); nothing was written, run again / "
                "数据库在本次写入期间被其他进程替换,未写入任何内容,请重试"
            )
        os.replace(self._tmp, self.path)
        _fsync_dir(self.path.parent)
        self.committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._abort()

    def _abort(self) -> None:
        if self.con is not None:
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            self.con = None
        self._remove_tmp()
        self._release_lock()

    def _remove_tmp(self) -> None:
        for p in (self._tmp, self._tmp.with_name(self._tmp.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def verify_readable(con: duckdb.DuckDBPyConnection) -> None:
    """Read every column of every table once, so DuckDB checks every block's checksum.

    ``count(*)`` would not do: it reads no column data. Hashing whole rows does, and costs
    about as much as one sequential scan of the file (milliseconds for a few MB).
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
    """Delete ``.<db>.<pid>.next`` copies left by writers that were killed.

    Called with the write lock held, so no live writer of this file is using them; the pid
    test also spares a copy whose process still runs (a writer that lost its lock file).
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


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder if str(folder) else ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_database(path: Path) -> None:
    """Create (or upgrade) a database with the current schema and views, holding no notices."""
    with StoreWriter(Path(path)) as writer:
        writer.commit()
