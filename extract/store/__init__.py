"""The DuckDB store: where the database lives, its schema, and who may open it how.

Topology (see ENGINEERING_NOTES §2): DuckDB allows one read-write process *or* many read-only
ones, never both. So the writer (``xuncha ingest``, the dashboard's import) never opens the
live file: it copies it, writes the copy, checkpoints, and atomically ``os.replace``-s it over
the live file under an exclusive lock file. Readers (dashboard, ``xuncha export``/``sql``) open
the live file read-only and reopen when its (inode, mtime) changes. No reader ever meets a
writer's lock.
"""

from extract.store.errors import StoreError, StoreMissingError, StoreVersionError
from extract.store.paths import resolve_db_path, sql_dir
from extract.store.readers import file_signature, open_readonly
from extract.store.writer import StoreWriter, create_database

__all__ = [
    "StoreError",
    "StoreMissingError",
    "StoreVersionError",
    "StoreWriter",
    "create_database",
    "file_signature",
    "open_readonly",
    "resolve_db_path",
    "sql_dir",
]
