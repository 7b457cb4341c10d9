"""The DuckDB store: where the database lives, its schema, and who may open it how.

Topology (see ENGINEERING_NOTES §2): DuckDB allows one read-write process *or* many read-only
ones, never both. So the writer (``xuncha ingest``, the dashboard's import) writes the live
file in place one batch at a time, holding a turnstile (``<db>.turnstile``) while it does, and
every reader (dashboard, ``xuncha export``/``sql``, ingest's own look-ups) passes the
turnstile and holds a short-lived read-only connection (:func:`open_readonly`,
:func:`reading`). Writers are serialised by ``<db>.lock``. See :mod:`extract.store.writer`.
"""

from extract.store.errors import StoreError, StoreMissingError, StoreVersionError
from extract.store.paths import resolve_db_path, sql_dir
from extract.store.readers import file_signature, open_readonly, reading
from extract.store.writer import StoreWriter, check_store, create_database

__all__ = [
    "StoreError",
    "StoreMissingError",
    "StoreVersionError",
    "StoreWriter",
    "check_store",
    "create_database",
    "file_signature",
    "open_readonly",
    "reading",
    "resolve_db_path",
    "sql_dir",
]
