"""Schema migrations: ``sql/migrations/NNN_name.sql`` applied in order, recorded in a table.

Views (``sql/views/*.sql``) are ``CREATE OR REPLACE`` statements re-applied by every writer, so
editing a view never needs a migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.store.arrowio import insert_rows
from extract.store.errors import StoreVersionError
from extract.store.paths import sql_dir

_MIGRATION_NAME = re.compile(r"^(\d{3})_[\w-]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    version: int
    path: Path


def migrations(folder: Path | None = None) -> list[Migration]:
    """Every migration file, ordered by version; refuses gaps so a missing file is caught."""
    folder = (folder or sql_dir()) / "migrations"
    found = []
    for path in folder.glob("*.sql"):
        m = _MIGRATION_NAME.match(path.name)
        if m:
            found.append(Migration(int(m.group(1)), path))
    found.sort(key=lambda m: m.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise RuntimeError(f"migration {expected:03d} is missing in {folder}")
    return found


def latest_version() -> int:
    """The schema version this code writes and expects."""
    return len(migrations())


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version recorded in the database, 0 for a database without the version table."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = 'schema_version' AND table_schema = 'main'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0) if row else 0


def check_readable(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse, with a message saying what to do, a database this code cannot read as it is."""
    have, want = current_version(con), latest_version()
    if have > want:
        raise StoreVersionError(
            f"{path}: database schema version {have} is newer than this xuncha understands "
            f"({want}); upgrade xuncha."
        )
    if have < want:
        raise StoreVersionError(
            f"{path}: database schema version {have} is older than {want}; run "
            f"`xuncha ingest` (or `xuncha migrate`) once to upgrade it."
        )


def upgrade(con: duckdb.DuckDBPyConnection, path: Path) -> list[int]:
    """Apply pending migrations (each in its own transaction) and re-create the views."""
    have = current_version(con)
    all_migrations = migrations()
    if have < len(all_migrations):
        # Views are re-created below; dropping them first lets a migration alter the columns
        # they read (002 drops quantities.sentence, which the old v_quantities selected).
        for (view,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall():
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
    if have > len(all_migrations):
        raise StoreVersionError(
            f"{path}: database schema version {have} is newer than this xuncha understands "
            f"({len(all_migrations)}); upgrade xuncha."
        )
    applied = []
    for mig in all_migrations:
        if mig.version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
            con.execute(mig.path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp::TIMESTAMP)",
                [mig.version, mig.path.name],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(mig.version)
    fingerprint = code_fingerprint()
    if applied or _stored_fingerprint(con) != fingerprint:
        apply_views(con)
        load_taxonomy(con)
        con.execute(
            "INSERT OR REPLACE INTO store_meta VALUES ('code_fingerprint', ?)", [fingerprint]
        )
    return applied


def code_fingerprint() -> str:
    """Hash of what every writer re-applies: the view files and the taxonomy file.

    Re-creating views and reloading ``metrics`` rewrites catalog and table blocks, so a writer
    does it only when this differs from the stored value (an in-place writer opens the live
    file once per batch, and an unchanged store must stay byte-identical).
    """
    import hashlib

    from extract.quantities.taxonomy import TAXONOMY_VERSION

    h = hashlib.sha256(TAXONOMY_VERSION.encode())
    h.update((Path(__file__).resolve().parents[1] / "data" / "metrics.toml").read_bytes())
    for path in sorted((sql_dir() / "views").glob("*.sql")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT value FROM store_meta WHERE key = 'code_fingerprint'").fetchone()
    return str(row[0]) if row else None


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view, in file-name order (later views may use earlier ones)."""
    for path in sorted((sql_dir() / "views").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


_METRIC_FIELDS = (
    "name_zh",
    "name_en",
    "family",
    "unit",
    "units",
    "aggregate",
    "description",
    "description_zh",
)


def load_taxonomy(con: duckdb.DuckDBPyConnection) -> None:
    """Reload the ``metrics`` table from ``extract/data/metrics.toml`` (every writer does).

    Like the views, the taxonomy is code's data, not user data: the store always carries the
    version this xuncha assigns ids with, so ``v_metric_values`` can name every id it meets.
    """
    from extract.quantities.taxonomy import TAXONOMY_VERSION, metric_rows

    rows = metric_rows()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM metrics")
        insert_rows(
            con,
            "metrics",
            [
                {
                    "metric_id": r["id"],
                    **{k: r[k] for k in _METRIC_FIELDS},
                    "taxonomy_version": TAXONOMY_VERSION,
                }
                for r in rows
            ],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
