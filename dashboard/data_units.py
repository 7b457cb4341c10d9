"""Queries of the 原文 (source), unit, units and trends pages: DuckDB connection → DataFrame.

Like ``dashboard/data.py`` (whose rules hold here: aggregate in SQL, bound parameters only, cap
the rows a page receives), every derived figure comes from a view (sql/views/60, 70, 75); these
functions only filter, order, cap and page. :func:`query` at the bottom is the pages' cached door
to them (``db.query`` serves ``dashboard.data`` only).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from dashboard import data
from dashboard.facets import Facets, facet_sql

# Most units a picker offers at once (it searches the server for more).
UNIT_PICK_LIMIT = 50
# Rows of the units pivot per page (paged in SQL: never every unit to the browser).
UNITS_PAGE_SIZE = 50
# Most units drawn as small multiples in one trends chart; beyond that the page says so.
TREND_FACET_CAP = 12
#: Most points one trend chart draws: 10k dots are a smear and ~1 MB to every browser; the
#: page draws an even sample across the dates and says so (the CSV keeps every point).
TREND_POINT_CAP = 2000
# Most quantities highlighted on one 原文 page (a pathological notice keeps the page usable).
SOURCE_QUANTITY_CAP = 5000
# Time axes of the trends page: URL value -> v_*_trend column.
TREND_BASES: tuple[str, ...] = ("feedback_date", "as_of_date", "inspection_round")


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _facets(facets: Facets | None, alias: str = "n") -> tuple[str, list[object]]:
    """The facet predicate over v_notices ``alias`` (dashboard/facets.py), ``TRUE`` when none."""
    if facets is None:
        return "TRUE", []
    sql, params = facet_sql(facets, notice_alias=alias)
    return (sql or "TRUE"), list(params)


def notice_names(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str]) -> dict[str, str]:
    """notice_id → the notice's display name: ``v_notices.display_name`` when the store has it
    (unit + kind + date, aliases applied), else data.notice_labels (never a hash or a URL)."""
    if not notice_ids:
        return {}
    has_display = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'v_notice_names' "
        "AND column_name = 'display_name'"
    ).fetchone()
    if has_display and has_display[0]:
        # v_notice_names, not v_notices: the same names (v_notices takes them from there)
        # without counting every notice's problems and quantities first.
        rows = con.execute(
            "SELECT notice_id, display_name FROM v_notice_names WHERE list_contains(?, notice_id)",
            [list(notice_ids)],
        ).fetchall()
    else:
        labels = data.notice_labels(con, notice_ids)
        rows = list(zip(labels["notice_id"], labels["label"], strict=True))
    return {str(i): str(name) for i, name in rows if name}


# ------------------------------------------------------------------------------ 原文 (source)


def source_notice(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    """One row: the notice's full text, title and unit (zero rows for an unknown id)."""
    return _df(
        con,
        "SELECT notice_id, title, inspected_unit, text FROM notices WHERE notice_id = ?",
        [notice_id],
    )


def source_quantities(
    con: duckdb.DuckDBPyConnection, notice_id: str, limit: int = SOURCE_QUANTITY_CAP
) -> pd.DataFrame:
    """Every quantity of a notice with its offsets, metric, rule and problem, in text order."""
    return _df(
        con,
        """
        SELECT q.quantity_id, q.start_offset, q.end_offset, q.surface, q.kind, q.value,
               q.value_high, q.date_value, q.date_high, q.unit, q.approx, q.metric,
               q.metric_id, q.metric_name, q.metric_rule, q.problem_path, q.problem_title,
               q.restates_quantity_id
        FROM v_quantities q WHERE q.notice_id = ?
        ORDER BY q.start_offset, q.quantity_id
        LIMIT ?
        """,
        [notice_id, limit],
    )


def source_passages(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    """The notice's marked passages, in text order: ``repeat`` rows restate its own earlier
    text (source_start/end: the first occurrence); ``shared`` rows are passages it shares with
    other notices (other_notice_id: one of them, the smallest notice id; cluster_notices: how
    many notices hold the cluster; label boilerplate | copied_measure)."""
    return _df(
        con,
        """
        SELECT 'repeat' AS mark, r.start_offset, r.end_offset, r.label, r.similarity,
               r.source_start, r.source_end, NULL::VARCHAR AS other_notice_id,
               NULL::BIGINT AS cluster_notices
        FROM v_repeated_passages r WHERE r.notice_id = ?
        UNION ALL
        SELECT 'shared', s.start_offset, s.end_offset, s.label, NULL,
               NULL, NULL,
               (SELECT min(o.notice_id) FROM v_passage_clusters o
                 WHERE o.cluster_id = s.cluster_id AND o.notice_id <> s.notice_id),
               s.cluster_notices
        FROM v_shared_passages s WHERE s.notice_id = ?
        ORDER BY start_offset, mark
        """,
        [notice_id, notice_id],
    )


# The columns the detail page's drill-downs show for a quantity: what it is, its metric, its
# problem, and its sentence with the figure's place in it (for the highlight).
_QUANTITY_IN_SENTENCE = """
    q.quantity_id, q.surface, q.kind, q.value, q.value_high, q.date_value, q.date_high,
    q.unit, q.metric_id, q.metric_name, q.problem_path, q.sentence,
    q.start_offset - q.sentence_offset AS offset_in_sentence
"""


def problem_quantities(
    con: duckdb.DuckDBPyConnection, notice_id: str, path: str, limit: int = data.SOURCE_ROW_CAP
) -> pd.DataFrame:
    """The quantities inside a problem-tree node (its sub-items too, as v_problem_quantities
    counts them) with their sentences: the figures behind a problem's count on the detail page.
    """
    return _df(
        con,
        f"""
        SELECT {_QUANTITY_IN_SENTENCE}
        FROM v_quantities q
        JOIN problems p ON p.notice_id = q.notice_id AND p.path = ?
        WHERE q.notice_id = ? AND q.start_offset >= p.start_offset
          AND q.start_offset < p.end_offset
        ORDER BY q.start_offset, q.quantity_id
        LIMIT ?
        """,
        [path, notice_id, limit],
    )


def completion_quantities(
    con: duckdb.DuckDBPyConnection, notice_id: str, limit: int = data.SOURCE_ROW_CAP
) -> pd.DataFrame:
    """The figures a notice's completion audit rests on: its quantities of the rectification
    family (rect.*: problems total, completed, the stated rate …), with their sentences."""
    return _df(
        con,
        f"""
        SELECT {_QUANTITY_IN_SENTENCE}
        FROM v_quantities q
        JOIN metrics m ON m.metric_id = q.metric_id
        WHERE q.notice_id = ? AND m.family = 'rect'
        ORDER BY q.start_offset, q.quantity_id
        LIMIT ?
        """,
        [notice_id, limit],
    )


# ------------------------------------------------------------------------------ units


def unit_search(
    con: duckdb.DuckDBPyConnection, text: str = "", limit: int = UNIT_PICK_LIMIT
) -> pd.DataFrame:
    """At most ``limit`` units whose name contains ``text``, most notices first: the unit picker
    asks the server instead of sending every unit to the browser."""
    needle = text.strip()
    return _df(
        con,
        """
        SELECT unit_name, notices FROM v_units
        WHERE ? = '' OR contains(unit_name, ?)
        ORDER BY notices DESC, last_date DESC NULLS LAST, unit_name
        LIMIT ?
        """,
        [needle, needle, limit],
    )


def unit_summary(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """The unit's v_units row (zero rows for an unknown unit)."""
    return _df(con, "SELECT * FROM v_units WHERE unit_name = ?", [unit])


def unit_notices(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """The unit's notices over time (oldest first) with their headline figures and names."""
    df = _df(
        con,
        """
        SELECT u.notice_id, u.notice_date, u.notice_date_precision, v.inspection_body,
               v.inspection_kind, v.inspection_round, v.feedback_date,
               v.feedback_date_precision, v.as_of_date, v.as_of_date_precision,
               v.problem_count, v.quantity_count, v.stated_rate, v.computed_rate,
               c.verdict
        FROM v_unit_notices u
        JOIN v_notices v USING (notice_id)
        LEFT JOIN v_completion c USING (notice_id)
        WHERE u.unit_name = ?
        ORDER BY u.notice_date NULLS LAST, u.notice_id
        """,
        [unit],
    )
    names = notice_names(con, list(df["notice_id"]))
    df.insert(1, "label", [names.get(i, i) for i in df["notice_id"]])
    return df


def unit_metrics(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """The unit's figure per canonical metric and unit of measure (v_unit_metric_values)."""
    return _df(
        con,
        """
        SELECT metric_id, metric_name, metric_name_en, family, unit, unit_aggregate, value,
               notices, statements, latest_notice_id, values_disagree, any_approx
        FROM v_unit_metric_values WHERE unit_name = ?
        ORDER BY family, metric_id, unit
        """,
        [unit],
    )


def unit_findings(con: duckdb.DuckDBPyConnection, unit: str) -> pd.DataFrame:
    """What an auditor looks at first, one row per finding of the unit's notices: structure
    anomalies, completion audits that disagree, and measures copied from other units' notices.

    A missing signature (data.UNCOUNTED_ANOMALIES) is not a finding: the notice's detail page
    lists it, the counts and this list do not."""
    return _df(
        con,
        """
        SELECT u.notice_id, 'anomaly' AS finding, a.kind AS kind, a.location AS location,
               a.detail AS detail
        FROM v_unit_notices u JOIN anomalies a USING (notice_id)
        WHERE u.unit_name = ? AND NOT list_contains(?, a.kind)
        UNION ALL
        SELECT u.notice_id, 'completion', c.verdict, NULL, c.issues
        FROM v_unit_notices u JOIN v_completion c USING (notice_id)
        WHERE u.unit_name = ? AND c.verdict = 'inconsistency'
        UNION ALL
        SELECT u.notice_id, 'copied_measure', s.label, NULL, s.passage
        FROM v_unit_notices u JOIN v_shared_passages s USING (notice_id)
        WHERE u.unit_name = ? AND s.label = 'copied_measure'
        ORDER BY 1, 2, 3
        """,
        [unit, list(data.UNCOUNTED_ANOMALIES), unit, unit],
    )


# Sort keys of the units pivot besides a metric column: URL value -> v_units column.
UNIT_SORTS: dict[str, str] = {
    "notices": "u.notices",
    "last_date": "u.last_date",
    "unit": "u.unit_name",
    "problems": "u.problems",
    "quantities": "u.quantities",
}


def _units_where(facets: Facets | None, text: str) -> tuple[str, list[object]]:
    """Units with at least one notice inside the facets, whose name contains ``text``.

    Facet predicates read only ``notice_id``, so the plain ``notices`` table carries them:
    v_notices would count every notice's problems and quantities for nothing."""
    fsql, fparams = _facets(facets, "n")
    needle = text.strip()
    sql = (
        "EXISTS (SELECT 1 FROM v_unit_notices un JOIN notices n USING (notice_id) "
        f"WHERE un.unit_name = u.unit_name AND ({fsql})) AND (? = '' OR contains(u.unit_name, ?))"
    )
    return sql, [*fparams, needle, needle]


def units_count(
    con: duckdb.DuckDBPyConnection, facets: Facets | None = None, text: str = ""
) -> int:
    """How many units the pivot lists in all (it shows one page of them).

    Counted on v_unit_notices, whose units are exactly v_units' rows (one per named unit), so
    the count does not build every unit's figures (1.8 s of a 3.9 s cold Units page at 10k
    notices)."""
    fsql, fparams = _facets(facets, "n")
    needle = text.strip()
    row = con.execute(
        f"""
        SELECT count(DISTINCT un.unit_name) FROM v_unit_notices un
        JOIN notices n USING (notice_id)
        WHERE ({fsql}) AND (? = '' OR contains(un.unit_name, ?))
        """,
        [*fparams, needle, needle],
    ).fetchone()
    return int(row[0]) if row else 0


def units_page(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str],
    *,
    facets: Facets | None = None,
    text: str = "",
    sort: str = "notices",
    sort_metric: str = "",
    descending: bool = True,
    page: int = 0,
    page_size: int = UNITS_PAGE_SIZE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One page of the units pivot: (units, values).

    ``units`` holds the page's v_units rows in order (sorted by ``sort``, or by the value of
    ``sort_metric`` when given — ``metric_id|unit`` — units without it last); ``values`` the
    page's v_unit_metric_values rows of the chosen metrics, long, for the page to lay out as
    columns. Paging happens in SQL, so a store of 100k units sends one page.
    """
    where, params = _units_where(facets, text)
    direction = "DESC" if descending else "ASC"
    join, order_params = "", []
    if sort_metric and "|" in sort_metric:
        metric_id, unit = sort_metric.split("|", 1)
        join = (
            "LEFT JOIN v_unit_metric_values s ON s.unit_name = u.unit_name "
            "AND s.metric_id = ? AND s.unit = ?"
        )
        order_params = [metric_id, unit]
        order = f"s.value {direction} NULLS LAST, u.unit_name"
    else:
        order = f"{UNIT_SORTS.get(sort, 'u.notices')} {direction} NULLS LAST, u.unit_name"
    units = _df(
        con,
        f"""
        SELECT u.* FROM v_units u {join}
        WHERE {where}
        ORDER BY {order}
        LIMIT ? OFFSET ?
        """,
        [*order_params, *params, page_size, max(page, 0) * page_size],
    )
    values = _df(
        con,
        """
        SELECT unit_name, metric_id, metric_name, metric_name_en, unit, unit_aggregate, value,
               notices, any_approx, values_disagree
        FROM v_unit_metric_values
        WHERE list_contains(?, unit_name) AND list_contains(?, metric_id)
        ORDER BY list_position(?, metric_id), unit
        """,
        [list(units["unit_name"]) or [""], list(metric_ids) or [""], list(metric_ids) or [""]],
    )
    return units, values


def metric_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every metric of the taxonomy with how many notices state it (v_metric_usage), most
    stated first: the metric pickers of the units and trends pages."""
    return _df(
        con,
        """
        SELECT metric_id, name_zh, name_en, family, unit, aggregate, notices, statements
        FROM v_metric_usage ORDER BY notices DESC, statements DESC, metric_id
        """,
    )


# ------------------------------------------------------------------------------ trends


def _basis(basis: str) -> tuple[str, str]:
    """(axis column, its precision expression) of a trends basis; a round has no precision."""
    col = basis if basis in TREND_BASES else TREND_BASES[0]
    if col == "inspection_round":
        return col, "NULL::VARCHAR"
    return col, f"t.{col}_precision"


def metric_trend(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    basis: str = "feedback_date",
    facets: Facets | None = None,
) -> pd.DataFrame:
    """The metric's per-notice figures (v_metric_trend) with the chosen date as ``date`` (NULL
    when the notice lacks it: the page counts those) and the notice's display name as
    ``label`` (joined here, so the page needs no second query keyed by 10k notice ids), oldest
    first."""
    col, precision = _basis(basis)
    fsql, fparams = _facets(facets, "n")
    return _df(
        con,
        f"""
        SELECT t.notice_id, nn.display_name AS label, coalesce(t.unit_name, '—') AS unit_name,
               t.metric_id, t.metric_name, t.metric_name_en, t.unit, t.value, t.values_disagree,
               t.{col} AS date, {precision} AS date_precision, t.inspection_round
        FROM v_metric_trend t JOIN notices n USING (notice_id)
        JOIN v_notice_names nn USING (notice_id)
        WHERE t.metric_id = ? AND ({fsql})
        ORDER BY t.{col} NULLS LAST, t.notice_id
        """,
        [metric_id, *fparams],
    )


def completion_trend(
    con: duckdb.DuckDBPyConnection, basis: str = "feedback_date", facets: Facets | None = None
) -> pd.DataFrame:
    """Completion rates per notice (v_completion_trend) with the chosen date as ``date`` and
    the notice's display name as ``label``."""
    col, precision = _basis(basis)
    fsql, fparams = _facets(facets, "n")
    return _df(
        con,
        f"""
        SELECT t.notice_id, nn.display_name AS label, coalesce(t.unit_name, '—') AS unit_name,
               t.stated_rate, t.computed_rate, t.rate, t.verdict, t.{col} AS date,
               {precision} AS date_precision, t.inspection_round
        FROM v_completion_trend t JOIN notices n USING (notice_id)
        JOIN v_notice_names nn USING (notice_id)
        WHERE ({fsql})
        ORDER BY t.{col} NULLS LAST, t.notice_id
        """,
        fparams,
    )
