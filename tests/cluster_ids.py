"""Shared-passage cluster ids as readers see them, for tests that compare two stores.

A merged-away cluster keeps its members' ids and gets a ``cluster_moves`` row
(sql/migrations/007_cluster_moves.sql), so the raw ids of two stores depend on how their runs
were cut into batches. What must be equal is each member's cluster after the moves, which is
what ``v_passage_clusters`` and the writer's look-ups read.
"""

from __future__ import annotations

# tables whose cluster_id is a member's id as written, resolved through cluster_moves
MEMBER_TABLES = frozenset({"passages", "passage_keys", "passage_texts"})


def column_sql(table: str, column: str) -> str:
    """The expression to compare for ``table.column``: a member's cluster id resolved."""
    if column == "cluster_id" and table in MEMBER_TABLES:
        return (
            "coalesce((SELECT m.target FROM cluster_moves m "
            f'WHERE m.cluster_id = "{table}".cluster_id), "{table}".cluster_id)'
        )
    return f'"{table}"."{column}"'


def select_sql(table: str, columns: str) -> str:
    """``SELECT columns FROM table`` (comma-separated names), cluster ids resolved, sorted."""
    exprs = ", ".join(column_sql(table, c.strip()) for c in columns.split(","))
    return f'SELECT {exprs} FROM "{table}" ORDER BY ALL'
