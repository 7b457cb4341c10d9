"""Where the database and the SQL files live."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path("data") / "xuncha.duckdb"
ENV_DB = "XUNCHA_DB"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the database path: ``explicit``, else ``$XUNCHA_DB``, else ``data/xuncha.duckdb``.

    The default is relative to the working directory, as the README's Quick start runs from the
    repository root; the CLI and the dashboard resolve it the same way so they share one file.
    """
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return DEFAULT_DB


def sql_dir() -> Path:
    """Folder holding ``migrations/`` and ``views/``.

    An installed wheel carries it as ``extract/_sql``; a source checkout (editable install)
    has it at the repository root as ``sql/``.
    """
    packaged = Path(__file__).resolve().parents[1] / "_sql"
    if (packaged / "migrations").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sql"
