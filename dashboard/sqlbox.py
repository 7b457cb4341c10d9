"""The SQL page's runner and its saved queries.

The runner itself lives in the store layer (:mod:`extract.store.sql_runner`) so ``xuncha sql``
and this page share one locked-down implementation; it is re-exported here so dashboard code
keeps one import. The example queries are the saved queries of ``sql/queries/*.sql``
(:mod:`extract.store.saved_queries`), which ``xuncha sql --saved NAME`` runs too; the
dashboard's former ``sql_examples.toml`` became those files.
"""

from __future__ import annotations

from functools import cache

from extract.store.saved_queries import SavedQuery
from extract.store.saved_queries import saved_queries as _saved_queries
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
    "saved_queries",
]


def saved_queries() -> tuple[SavedQuery, ...]:
    """The saved queries in the order the page lists them."""
    return _saved_queries()


@cache
def examples() -> list[dict[str, str]]:
    """Each saved query at its defaults as ``title_zh``, ``title_en``, ``sql``, ``name``: the
    one-click examples (and what older callers of the examples file expect)."""
    return [
        {"name": q.name, "title_zh": q.title_zh, "title_en": q.title_en, "sql": q.bind()}
        for q in _saved_queries()
    ]
