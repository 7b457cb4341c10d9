"""The dashboard's queries: plain functions from a DuckDB connection to DataFrames.

No Streamlit here, so every query is unit-tested against a fixture database; ``db.py`` adds
caching. Rules that keep pages fast with thousands of notices (see the benchmark):
aggregate in SQL, pass user input only as bound parameters, and cap the rows a page receives
(``LIMIT``) while reporting the full count separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from dashboard.units import PRECISE_DATE_FIELDS

# Most rows a table page receives; the full count is shown beside it and the CSV holds more.
TABLE_ROW_CAP = 2000
# Most rows one CSV download holds (datasette caps CSVs too: max_csv_mb).
CSV_ROW_CAP = 100_000
# Most notices drawn in one chart: beyond that bars become unreadable slivers.
CHART_NOTICE_CAP = 40
# Most notices a picker offers at once (it searches the server for more).
NOTICE_PICK_LIMIT = 50
# Most source sentences listed under a bar or a total.
SOURCE_ROW_CAP = 200
# Aggregate rules (metrics.aggregate) whose values may be totalled across notices.
TOTALLED_AGGREGATES: tuple[str, ...] = ("sum", "headline")

STATUS_PARTS: tuple[str, ...] = ("completed", "basically_completed", "not_completed", "long_term")
# The ``<date>_precision`` columns of v_notices ('day' | 'month' | 'year'), which the pages need
# to show 2021-03 rather than the stored first day 2021-03-01 (units.format_date).
_DATE_PRECISIONS = ", ".join(f"v.{field}_precision" for field in PRECISE_DATE_FIELDS)


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the main schema has a table or view ``name`` (an old or foreign file may not)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? "
        "UNION ALL SELECT count(*) FROM duckdb_views() WHERE view_name = ?",
        [name, name],
    ).fetchall()
    return any(r[0] for r in row)


def kpis(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: how many notices, feedback problems and quantities the database holds."""
    return _df(
        con,
        """
        SELECT (SELECT count(*) FROM notices) AS notices,
               (SELECT count(*) FROM problems WHERE is_problem AND NOT is_group) AS problems,
               (SELECT count(*) FROM quantities) AS quantities,
               (SELECT count(*) FROM anomalies) AS anomalies,
               (SELECT max(ingested_at) FROM notices) AS last_ingest
        """,
    )


# Every notice's display name, unique across the store: the inspected unit, else the title
# (first 40 characters), never a hash or a path. Two notices of one unit (two rounds) get their
# date; two of one unit and date get an ordinal, so chart categories never collapse.
_LABELS = """
    _names AS (
        SELECT notice_id,
               coalesce(nullif(trim(inspected_unit), ''), nullif(left(trim(title), 40), ''),
                        '—') AS name,
               coalesce(signed_date, as_of_date, feedback_date) AS dated,
               CASE WHEN signed_date IS NOT NULL THEN signed_date_precision
                    WHEN as_of_date IS NOT NULL THEN as_of_date_precision
                    ELSE feedback_date_precision END AS dated_precision
        FROM notices
    ), _dated AS (
        SELECT notice_id,
               CASE WHEN count(*) OVER (PARTITION BY name) > 1 AND dated IS NOT NULL
                    THEN name || ' · ' || CASE dated_precision  -- no invented day or month
                         WHEN 'year' THEN strftime(dated, '%Y')
                         WHEN 'month' THEN strftime(dated, '%Y-%m')
                         ELSE strftime(dated, '%Y-%m-%d') END
                    ELSE name END AS name
        FROM _names
    ), labels AS (
        SELECT notice_id,
               CASE WHEN count(*) OVER (PARTITION BY name) > 1
                    THEN name || ' (' || row_number() OVER (PARTITION BY name ORDER BY notice_id)
                         || ')'
                    ELSE name END AS label
        FROM _dated
    )
"""


def notice_labels(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = ()) -> pd.DataFrame:
    """(notice_id, label) of the given notices (every notice when none given), newest first."""
    where, params = _notice_filter(notice_ids, alias="n")
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT n.notice_id, l.label FROM notices n JOIN labels l USING (notice_id)
        WHERE TRUE {where}
        ORDER BY coalesce(n.signed_date, n.as_of_date, n.feedback_date) DESC NULLS LAST,
                 n.notice_id
        """,
        params,
    )


def notice_search(
    con: duckdb.DuckDBPyConnection, text: str = "", limit: int = NOTICE_PICK_LIMIT
) -> pd.DataFrame:
    """At most ``limit`` notices whose name, title or issuer contains ``text`` (newest first).

    Pickers ask the server instead of receiving every notice: a store of thousands of notices
    would otherwise send thousands of options to every browser on every run.
    """
    needle = text.strip()
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT n.notice_id, l.label FROM notices n JOIN labels l USING (notice_id)
        WHERE ? = '' OR contains(l.label, ?) OR contains(coalesce(n.title, ''), ?)
              OR contains(coalesce(n.issuer, ''), ?)
        ORDER BY coalesce(n.signed_date, n.as_of_date, n.feedback_date) DESC NULLS LAST,
                 n.notice_id
        LIMIT ?
        """,
        [needle, needle, needle, needle, limit],
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    """The single integer a ``SELECT count(*)`` returns (a count query always has one row)."""
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row is not None else 0


def notice_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many notices the store holds."""
    return _count(con, "SELECT count(*) FROM notices")


def notices(con: duckdb.DuckDBPyConnection, limit: int = TABLE_ROW_CAP) -> pd.DataFrame:
    """One row per notice (newest first) with problem and quantity counts, a completion ratio
    and each date's precision.

    Reads v_notices, the one definition of a notice's headline figures (its counts are GROUP BY
    joins, so the query stays linear in the number of quantities).
    """
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT v.notice_id, l.label, v.inspected_unit, v.inspection_body, v.title,
               v.inspection_start, v.inspection_end, v.feedback_date, v.as_of_date,
               v.signed_date, v.rectification_days, v.problem_count, v.quantity_count,
               v.stated_rate, v.computed_rate,
               coalesce(v.computed_rate, v.stated_rate) / 100.0 AS completion_ratio,
               v.completion_consistent AS consistent,
               {_DATE_PRECISIONS}
        FROM v_notices v
        JOIN labels l USING (notice_id)
        ORDER BY coalesce(v.signed_date, v.as_of_date, v.feedback_date) DESC NULLS LAST,
                 v.notice_id
        LIMIT ?
        """,
        [limit],
    )


def notice_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """notice_id and a unique label for every notice, for pickers (newest first)."""
    return _df(
        con,
        f"""
        WITH {_LABELS}, qc AS (
            SELECT notice_id, count(*) AS quantity_count FROM quantities GROUP BY notice_id
        )
        SELECT n.notice_id, l.label AS name, coalesce(qc.quantity_count, 0) AS quantity_count,
               l.label
        FROM notices n JOIN labels l USING (notice_id) LEFT JOIN qc USING (notice_id)
        ORDER BY coalesce(signed_date, as_of_date, feedback_date) DESC NULLS LAST, notice_id
        """,
    )


def completion(con: duckdb.DuckDBPyConnection, limit: int = CHART_NOTICE_CAP) -> pd.DataFrame:
    """Completion figures of the newest notices that state any, with parts as ratios of total."""
    df = _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT c.notice_id, l.label, n.inspected_unit, n.title, c.total, c.completed,
               c.basically_completed, c.not_completed, c.long_term, c.in_progress,
               c.stated_rate, c.computed_rate, c.consistent, c.issues
        FROM completion c JOIN notices n USING (notice_id) JOIN labels l USING (notice_id)
        WHERE c.total IS NOT NULL OR c.stated_rate IS NOT NULL OR c.completed IS NOT NULL
        ORDER BY coalesce(n.signed_date, n.as_of_date, n.feedback_date) DESC NULLS LAST,
                 c.notice_id
        LIMIT ?
        """,
        [limit],
    )
    total = df["total"].astype("Float64")
    for part in STATUS_PARTS:
        df[f"{part}_ratio"] = (df[part].astype("Float64") / total.where(total > 0)).astype(float)
    return df


def kind_units(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = ()) -> pd.DataFrame:
    """(kind, unit, quantity_count) present in the chosen notices (all when none chosen)."""
    where, params = _notice_filter(notice_ids)
    return _df(
        con,
        f"""
        SELECT kind, unit, count(*) AS quantity_count FROM quantities q
        WHERE kind <> 'date' {where}
        GROUP BY kind, unit ORDER BY quantity_count DESC, kind, unit
        """,
        params,
    )


def _notice_filter(notice_ids: Sequence[str], alias: str = "q") -> tuple[str, list[object]]:
    if not notice_ids:
        return "", []
    return f"AND list_contains(?, {alias}.notice_id)", [list(notice_ids)]


@dataclass(frozen=True)
class QuantityFilter:
    """The explorer's filters; empty means "no restriction". Hashable so it can key caches."""

    notice_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    problem_path: str | None = None
    text: str = ""
    value_min: float | None = None
    value_max: float | None = None

    def where(self) -> tuple[str, list[object]]:
        """SQL conditions (starting with ``AND``) and their bound parameters."""
        sql, params = _notice_filter(self.notice_ids)
        if self.kinds:
            sql += " AND list_contains(?, q.kind)"
            params.append(list(self.kinds))
        if self.units:
            sql += " AND list_contains(?, q.unit)"
            params.append(list(self.units))
        if self.problem_path:
            # The problem itself and everything under it.
            sql += " AND (q.problem_path = ? OR starts_with(q.problem_path, ?))"
            params += [self.problem_path, self.problem_path + "/"]
        text = self.text.strip()
        if text:
            sql += (
                " AND (contains(q.surface, ?) OR contains(q.metric, ?) OR contains(q.sentence, ?)"
                " OR contains(coalesce(q.problem_title, ''), ?)"
                " OR contains(coalesce(q.metric_name, ''), ?))"
            )
            params += [text] * 5
        if self.value_min is not None:
            sql += " AND q.value >= ?"
            params.append(float(self.value_min))
        if self.value_max is not None:
            sql += " AND q.value <= ?"
            params.append(float(self.value_max))
        return sql, params


# v_quantities is the one place that cuts a quantity's sentence out of the notice text (schema
# v2 stores offsets, not copies) and names its canonical metric.
_QUANTITY_FROM = """
    FROM v_quantities q
    WHERE TRUE
"""


def quantity_count(con: duckdb.DuckDBPyConnection, flt: QuantityFilter) -> int:
    """How many quantities match ``flt`` (the table itself is capped)."""
    where, params = flt.where()
    return _count(con, f"SELECT count(*) {_QUANTITY_FROM} {where}", params)


def quantities(
    con: duckdb.DuckDBPyConnection, flt: QuantityFilter, limit: int = TABLE_ROW_CAP
) -> pd.DataFrame:
    """Matching quantities with their provenance, in notice and text order, at most ``limit``."""
    where, params = flt.where()
    return _df(
        con,
        f"""
        SELECT q.notice_id, q.quantity_id, q.inspected_unit, q.surface, q.kind,
               q.value, q.value_high, q.date_value, q.date_high, q.unit, q.approx,
               q.qualifier, q.metric, q.metric_id, q.metric_name, q.metric_rule,
               q.restates_quantity_id, q.problem_path, q.problem_title,
               q.sentence, q.start_offset - q.sentence_offset AS offset_in_sentence,
               q.start_offset, q.end_offset
        {_QUANTITY_FROM} {where}
        ORDER BY q.notice_id, q.quantity_id
        LIMIT ?
        """,
        [*params, limit],
    )


def problem_paths(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str]) -> pd.DataFrame:
    """(path, title) of the problems of the chosen notices, in document order."""
    where, params = _notice_filter(notice_ids, alias="p")
    return _df(
        con,
        f"""
        SELECT DISTINCT p.path, p.title, min(p.problem_id) AS first_id
        FROM problems p WHERE TRUE {where}
        GROUP BY p.path, p.title ORDER BY first_id LIMIT 500
        """,
        params,
    )


def notice_meta(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    """Every metadata column of one notice (not its text), with each date's precision."""
    return _df(
        con,
        f"""
        SELECT n.notice_id, n.title, n.issuer, n.inspected_unit, n.inspection_body,
               n.inspection_level, n.inspection_kind, n.inspection_group, n.inspection_round,
               n.inspection_type, n.region, n.inspection_start, n.inspection_end,
               n.feedback_date, n.as_of_date, n.signed_date, n.published_date,
               n.rectification_days, n.inferred_dates, n.source_path, n.source_format,
               n.encoding, n.char_count, n.ingested_at, n.extractor_version,
               {_DATE_PRECISIONS}
        FROM notices n JOIN v_notices v USING (notice_id)
        WHERE n.notice_id = ?
        """,
        [notice_id],
    )


def problem_tree(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    """The problem tree of one notice with statuses and quantity counts, in document order.

    Counts come from ``v_problem_quantities`` (one definition of "inside a node": its span,
    measures and sub-problems included); the notice filter reaches through the view, so this
    stays a per-notice query on a large store.
    """
    return _df(
        con,
        """
        SELECT p.problem_id, p.path, p.level, p.label, p.title, p.status, p.status_text,
               p.is_problem, v.quantity_count
        FROM problems p
        JOIN v_problem_quantities v USING (notice_id, problem_id)
        WHERE p.notice_id = ?
        ORDER BY p.problem_id
        """,
        [notice_id],
    )


def anomalies(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    """Numbering and structure faults found in one notice."""
    return _df(
        con,
        "SELECT anomaly_id, kind, location, detail FROM anomalies WHERE notice_id = ? "
        "ORDER BY anomaly_id",
        [notice_id],
    )


def completion_of(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    """The completion row of one notice (zero rows when the notice states none)."""
    return _df(
        con,
        """
        SELECT total, completed, basically_completed, not_completed, long_term, in_progress,
               stated_rate, computed_rate, status_rate, consistent, issues, sentence
        FROM completion WHERE notice_id = ?
        """,
        [notice_id],
    )


# ------------------------------------------------------------------ canonical metrics (Compare)
# Everything below reads the metric views (sql/views/40, 47): the views define every figure;
# these functions only filter, order, label and cap.


def metric_families(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = ()) -> pd.DataFrame:
    """Per family of the taxonomy: its metrics, and how many chosen notices state one of them.

    The facet of the Compare page: a family nobody states still shows, with 0.
    """
    where, params = _notice_filter(notice_ids, alias="v")
    return _df(
        con,
        f"""
        SELECT m.family,
               count(DISTINCT m.metric_id) AS metrics,
               count(DISTINCT v.notice_id) AS notices,
               coalesce(sum(v.statements), 0)::BIGINT AS statements
        FROM metrics m
        LEFT JOIN v_metric_values v ON v.metric_id = m.metric_id {where}
        GROUP BY m.family
        ORDER BY notices DESC, statements DESC, m.family
        """,
        params,
    )


def metric_catalog(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = ()) -> pd.DataFrame:
    """Every metric of the taxonomy with its definition and how often the chosen notices state
    it, most-stated first (so a picker offers what there is to compare before what there is not).
    """
    where, params = _notice_filter(notice_ids, alias="v")
    return _df(
        con,
        f"""
        SELECT m.metric_id, m.name_zh, m.name_en, m.family, m.unit, m.units, m.aggregate,
               coalesce(m.description, '') AS description,
               coalesce(m.description_zh, '') AS description_zh,
               count(DISTINCT v.notice_id) AS notices,
               coalesce(sum(v.statements), 0)::BIGINT AS statements
        FROM metrics m
        LEFT JOIN v_metric_values v ON v.metric_id = m.metric_id {where}
        GROUP BY ALL
        ORDER BY notices DESC, statements DESC, m.metric_id
        """,
        params,
    )


def metric_values(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str],
    notice_ids: Sequence[str] = (),
    limit: int = TABLE_ROW_CAP,
) -> pd.DataFrame:
    """The chosen notices' figures of the chosen metrics: one row per metric × unit × notice.

    Rows of one (metric, unit) are ranked by value (largest first, a notice whose statements
    disagree last, as it has no single value); at most ``limit`` per (metric, unit), with
    ``group_notices`` saying how many there are in all. Never summed here: a total is
    :func:`metric_totals`.
    """
    where, params = _notice_filter(notice_ids, alias="v")
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT v.metric_id, v.metric_name, v.metric_name_en, v.family, v.aggregate, v.unit,
               v.notice_id, l.label, v.value, v.statements, v.distinct_statements,
               v.restated_statements, v.values_disagree, v.any_approx,
               count(*) OVER (PARTITION BY v.metric_id, v.unit) AS group_notices,
               row_number() OVER (PARTITION BY v.metric_id, v.unit
                                  ORDER BY v.value DESC NULLS LAST, l.label) AS rank
        FROM v_metric_values v JOIN labels l USING (notice_id)
        WHERE list_contains(?, v.metric_id) {where}
        QUALIFY rank <= ?
        ORDER BY list_position(?, v.metric_id), v.unit, rank
        """,
        [list(metric_ids) or [""], *params, limit, list(metric_ids) or [""]],
    )


def metric_totals(
    con: duckdb.DuckDBPyConnection, metric_ids: Sequence[str], notice_ids: Sequence[str] = ()
) -> pd.DataFrame:
    """Per chosen metric and unit, the total over the chosen notices — only where adding is
    honest: one metric, one unit, aggregate ``sum`` or ``headline``, never a percent.

    Each notice's value already counts a restated figure once (v_metric_values); this adds the
    notices' values and nothing else. A ``none`` metric (rates, output) has no row at all.
    """
    where, params = _notice_filter(notice_ids, alias="v")
    return _df(
        con,
        f"""
        SELECT v.metric_id, v.unit, v.aggregate,
               sum(v.value) AS total,
               count(v.value) AS notices,
               sum(v.distinct_statements)::BIGINT AS distinct_statements,
               sum(v.restated_statements)::BIGINT AS restated_statements,
               bool_or(v.any_approx) AS any_approx
        FROM v_metric_values v
        WHERE list_contains(?, v.metric_id)
          AND list_contains(?, v.aggregate)
          AND v.unit <> '%' {where}
        GROUP BY v.metric_id, v.unit, v.aggregate
        ORDER BY list_position(?, v.metric_id), v.unit
        """,
        [list(metric_ids) or [""], list(TOTALLED_AGGREGATES), *params, list(metric_ids) or [""]],
    )


def _sources_where(
    metric_id: str, unit: str, notice_ids: Sequence[str]
) -> tuple[str, list[object]]:
    where, params = _notice_filter(notice_ids, alias="s")
    return f"s.metric_id = ? AND s.unit = ? {where}", [metric_id, unit, *params]


def metric_sources(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    unit: str,
    notice_ids: Sequence[str] = (),
    limit: int = SOURCE_ROW_CAP,
) -> pd.DataFrame:
    """The statements behind a bar (one notice) or a total (the chosen notices): each quantity
    with its sentence, where the figure sits in it, its problem, the rule that gave the metric,
    whether it restates an earlier figure and whether the value counts it (v_metric_sources).
    """
    cond, params = _sources_where(metric_id, unit, notice_ids)
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT s.notice_id, l.label, q.quantity_id, q.surface, q.value, q.unit, q.approx,
               q.metric, q.metric_rule, q.problem_path, q.problem_title, q.sentence,
               q.start_offset - q.sentence_offset AS offset_in_sentence,
               q.start_offset, q.end_offset, q.restates_quantity_id, s.counted, s.aggregate
        FROM v_metric_sources s
        JOIN v_quantities q ON q.notice_id = s.notice_id AND q.quantity_id = s.quantity_id
        JOIN labels l ON l.notice_id = s.notice_id
        WHERE {cond}
        ORDER BY l.label, q.quantity_id
        LIMIT ?
        """,
        [*params, limit],
    )


def metric_source_count(
    con: duckdb.DuckDBPyConnection, metric_id: str, unit: str, notice_ids: Sequence[str] = ()
) -> int:
    """How many statements :func:`metric_sources` would list without its cap."""
    cond, params = _sources_where(metric_id, unit, notice_ids)
    return _count(con, f"SELECT count(*) FROM v_metric_sources s WHERE {cond}", params)


def coverage_summary(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = ()
) -> pd.DataFrame:
    """One row: quantities of the metric kinds in the chosen notices, how many have an id."""
    where, params = _notice_filter(notice_ids, alias="c")
    return _df(
        con,
        f"""
        SELECT coalesce(sum(c.quantities), 0)::BIGINT AS quantities,
               coalesce(sum(c.assigned), 0)::BIGINT AS assigned,
               coalesce(sum(c.unassigned), 0)::BIGINT AS unassigned,
               CASE WHEN sum(c.quantities) > 0 THEN sum(c.assigned) / sum(c.quantities)
               END AS assigned_share
        FROM v_metric_coverage c WHERE TRUE {where}
        """,
        params,
    )


def coverage_by_notice(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), limit: int = TABLE_ROW_CAP
) -> pd.DataFrame:
    """v_metric_coverage of the chosen notices, least covered first (where to look first)."""
    where, params = _notice_filter(notice_ids, alias="c")
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT c.notice_id, l.label, c.quantities, c.assigned, c.unassigned, c.assigned_share
        FROM v_metric_coverage c JOIN labels l USING (notice_id)
        WHERE TRUE {where}
        ORDER BY c.assigned_share NULLS LAST, c.quantities DESC, l.label
        LIMIT ?
        """,
        [*params, limit],
    )


def unassigned_phrases(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), limit: int = TABLE_ROW_CAP
) -> pd.DataFrame:
    """The taxonomy's to-do list: unassigned quantities grouped by their phrase, kind and unit,
    most frequent first, with how many notices use the phrase and one example figure."""
    where, params = _notice_filter(notice_ids, alias="u")
    return _df(
        con,
        f"""
        SELECT u.metric, u.kind, u.unit, count(*) AS quantities,
               count(DISTINCT u.notice_id) AS notices,
               arg_min(u.surface, u.notice_id || ':' || lpad(u.quantity_id::VARCHAR, 9, '0'))
                   AS example
        FROM v_unassigned_quantities u WHERE TRUE {where}
        GROUP BY u.metric, u.kind, u.unit
        ORDER BY quantities DESC, notices DESC, u.metric, u.kind, u.unit
        LIMIT ?
        """,
        [*params, limit],
    )


def unassigned_quantities(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), limit: int = CSV_ROW_CAP
) -> pd.DataFrame:
    """Each unassigned quantity of the chosen notices with its phrase and sentence (for CSV)."""
    where, params = _notice_filter(notice_ids, alias="u")
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT u.notice_id, l.label, u.quantity_id, u.kind, u.unit, u.metric, u.surface,
               u.value, u.problem_path, q.sentence, u.start_offset, u.end_offset
        FROM v_unassigned_quantities u
        JOIN labels l USING (notice_id)
        JOIN v_quantities q ON q.notice_id = u.notice_id AND q.quantity_id = u.quantity_id
        WHERE TRUE {where}
        ORDER BY u.notice_id, u.quantity_id
        LIMIT ?
        """,
        [*params, limit],
    )
