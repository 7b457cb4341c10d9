"""The SQL page's runner and its example queries.

The runner itself lives in the store layer (:mod:`extract.store.sql_runner`) so ``xuncha sql``
and this page share one locked-down implementation; it is re-exported here so dashboard code
keeps one import. The examples are the dashboard's own (``sql_examples.toml``).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from extract.store.sql_runner import (
    BLOCKED_NAMES,
    MAX_RESULT_BYTES,
    MAX_ROWS,
    MAX_SQL_CHARS,
    TIMEOUT_S,
    SqlBox,
    SqlFailed,
    SqlRefused,
    SqlResult,
    check_single_select,
)

__all__ = [
    "BLOCKED_NAMES",
    "MAX_RESULT_BYTES",
    "MAX_ROWS",
    "MAX_SQL_CHARS",
    "TIMEOUT_S",
    "SqlBox",
    "SqlFailed",
    "SqlRefused",
    "SqlResult",
    "check_single_select",
    "examples",
]

_EXAMPLES_FILE = Path(__file__).with_name("sql_examples.toml")


@cache
def examples() -> list[dict[str, str]]:
    """Example queries (``title_zh``, ``title_en``, ``sql``) from ``sql_examples.toml``."""
    with _EXAMPLES_FILE.open("rb") as fh:
        return list(tomllib.load(fh)["example"])
