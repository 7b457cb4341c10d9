"""Queries of the map page (dashboard/views/map.py): SELECTs from region_metric_values only.

The figure per place is defined once, in sql/views/80_v_region_metrics.sql; these functions
only pass it the page's facets (as a list of notice ids) and the region → code mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd


def _notice_ids(pred: str) -> str:
    """The macro's ``notice_ids`` argument: every notice (NULL) or those matching ``pred``."""
    if pred.strip() in ("", "TRUE"):
        return "NULL"
    return f"(SELECT list(n.notice_id) FROM v_notices n WHERE {pred})"


def regions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every region text the notices state (a few hundred at most: one per place named)."""
    rows = con.execute(
        "SELECT DISTINCT trim(region) FROM notices WHERE nullif(trim(region), '') IS NOT NULL "
        "ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def region_metric_catalog(
    con: duckdb.DuckDBPyConnection, pred: str, params: Sequence[object]
) -> pd.DataFrame:
    """The metrics stated by notices with a region, most-stated first (the metric picker)."""
    sql = (
        "SELECT metric_id, any_value(metric_name) AS metric_name, "
        "any_value(metric_name_en) AS metric_name_en, sum(notices) AS notices "
        f"FROM region_metric_values({_notice_ids(pred)}, NULL::VARCHAR[], NULL::VARCHAR[]) "
        "GROUP BY metric_id ORDER BY notices DESC, metric_id"
    )
    return con.execute(sql, [_list(p) for p in params]).df()


def region_metric_values(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    pred: str,
    params: Sequence[object],
    region_texts: Sequence[str],
    codes: Sequence[str],
) -> pd.DataFrame:
    """One row per place (a code, or an unplaced region text) for ``metric_id``."""
    sql = (
        "SELECT place, code, regions, unit, region_aggregate, value, notices, any_approx "
        f"FROM region_metric_values({_notice_ids(pred)}, ?::VARCHAR[], ?::VARCHAR[]) "
        "WHERE metric_id = ? ORDER BY value DESC NULLS LAST, place"
    )
    args = [*(_list(p) for p in params), list(region_texts), list(codes), metric_id]
    return con.execute(sql, args).df()


def _list(value: object) -> object:
    """Facet params arrive as tuples (hashable cache keys); DuckDB binds lists."""
    return list(value) if isinstance(value, tuple) else value
