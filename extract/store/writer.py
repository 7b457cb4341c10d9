"""The single writer: copy the live file, write the copy, swap it in atomically.

Why copy-and-swap: DuckDB refuses a read-only open while another process holds the file
read-write (duckdb#17158), so writing the live file in place would show lock errors to the
dashboard and to a scheduled export. Writing a private copy and ``os.replace``-ing it means
readers only ever see complete files, and a crash mid-ingest leaves the live file untouched.
Writers are serialised by an exclusive ``flock`` on ``<db>.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path
from types import TracebackType

import duckdb

from extract.store.errors import StoreError
from extract.store.migrate import upgrade


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
        self._acquire_lock()
        try:
            self._remove_tmp()
            if self.path.exists():
                shutil.copyfile(self.path, self._tmp)
            try:
                self.con = duckdb.connect(str(self._tmp))
            except duckdb.Error as exc:
                raise StoreError(
                    f"{self.path}: cannot open as a DuckDB database ({exc}); move it aside "
                    "or point --db elsewhere."
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
