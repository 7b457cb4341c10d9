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

# Most rows a table page receives; the full count is shown beside it and the CSV holds more.
TABLE_ROW_CAP = 2000
# Most rows one CSV download holds (datasette caps CSVs too: max_csv_mb).
CSV_ROW_CAP = 100_000
# Most notices drawn in one chart: beyond that bars become unreadable slivers.
CHART_NOTICE_CAP = 40

STATUS_PARTS: tuple[str, ...] = ("completed", "basically_completed", "not_completed", "long_term")


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
               (SELECT count(*) FROM problems WHERE is_problem) AS problems,
               (SELECT count(*) FROM quantities) AS quantities,
               (SELECT count(*) FROM anomalies) AS anomalies,
               (SELECT max(ingested_at) FROM notices) AS last_ingest
        """,
    )


def unique_labels(base: pd.Series, ids: pd.Series) -> pd.Series:
    """Readable, unique notice labels: the unit name, plus a short id when names repeat.

    Charts use labels as categories, so two notices of the same unit (two rounds) must not
    collapse into one bar.
    """
    base = base.fillna("").astype(str).str.strip()
    base = base.where(base != "", ids.astype(str))
    duplicated = base.duplicated(keep=False)
    return base.where(~duplicated, base + " · " + ids.astype(str).str[:6])


def notices(con: duckdb.DuckDBPyConnection, limit: int = TABLE_ROW_CAP) -> pd.DataFrame:
    """One row per notice (newest first) with problem and quantity counts and a completion ratio.

    Counts are aggregated with GROUP BY joins rather than per-row subqueries so the query stays
    linear in the number of quantities.
    """
    df = _df(
        con,
        """
        WITH pc AS (
            SELECT notice_id, count(*) AS problem_count
            FROM problems WHERE is_problem GROUP BY notice_id
        ), qc AS (
            SELECT notice_id, count(*) AS quantity_count FROM quantities GROUP BY notice_id
        )
        SELECT n.notice_id, n.inspected_unit, n.inspection_body, n.title,
               n.inspection_start, n.inspection_end, n.feedback_date, n.as_of_date,
               n.signed_date, n.rectification_days,
               coalesce(pc.problem_count, 0) AS problem_count,
               coalesce(qc.quantity_count, 0) AS quantity_count,
               c.stated_rate, c.computed_rate,
               coalesce(c.computed_rate, c.stated_rate) / 100.0 AS completion_ratio,
               c.consistent
        FROM notices n
        LEFT JOIN pc USING (notice_id)
        LEFT JOIN qc USING (notice_id)
        LEFT JOIN completion c USING (notice_id)
        ORDER BY coalesce(n.signed_date, n.as_of_date, n.feedback_date) DESC NULLS LAST,
                 n.notice_id
        LIMIT ?
        """,
        [limit],
    )
    df.insert(1, "label", unique_labels(df["inspected_unit"], df["notice_id"]))
    return df


def notice_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """notice_id and a unique label for every notice, for pickers (newest first)."""
    df = _df(
        con,
        """
        WITH qc AS (
            SELECT notice_id, count(*) AS quantity_count FROM quantities GROUP BY notice_id
        )
        SELECT n.notice_id, coalesce(n.inspected_unit, n.title) AS name,
               coalesce(qc.quantity_count, 0) AS quantity_count
        FROM notices n LEFT JOIN qc USING (notice_id)
        ORDER BY coalesce(signed_date, as_of_date, feedback_date) DESC NULLS LAST, notice_id
        """,
    )
    df["label"] = unique_labels(df["name"], df["notice_id"])
    return df


def completion(con: duckdb.DuckDBPyConnection, limit: int = CHART_NOTICE_CAP) -> pd.DataFrame:
    """Completion figures of the newest notices that state any, with parts as ratios of total."""
    df = _df(
        con,
        """
        SELECT c.notice_id, n.inspected_unit, n.title, c.total, c.completed,
               c.basically_completed, c.not_completed, c.long_term, c.in_progress,
               c.stated_rate, c.computed_rate, c.consistent, c.issues
        FROM completion c JOIN notices n USING (notice_id)
        WHERE c.total IS NOT NULL OR c.stated_rate IS NOT NULL OR c.completed IS NOT NULL
        ORDER BY coalesce(n.signed_date, n.as_of_date, n.feedback_date) DESC NULLS LAST,
                 c.notice_id
        LIMIT ?
        """,
        [limit],
    )
    df.insert(1, "label", unique_labels(df["inspected_unit"], df["notice_id"]))
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


def compare_totals(
    con: duckdb.DuckDBPyConnection,
    notice_ids: Sequence[str],
    kind: str | None = None,
    unit: str | None = None,
    metric: str | None = None,
) -> pd.DataFrame:
    """Per notice and unit: how many matching quantities and their sum/min/max.

    ``metric`` is a phrase looked for in the quantity's metric words or, failing that, its
    sentence (学习 finds 学习 in "组织专题学习17次"). Dates never count: summing dates means
    nothing.
    """
    where, params = _notice_filter(notice_ids)
    if kind:
        where += " AND q.kind = ?"
        params.append(kind)
    if unit:
        where += " AND q.unit = ?"
        params.append(unit)
    if metric:
        where += " AND (contains(q.metric, ?) OR contains(q.sentence, ?))"
        params += [metric, metric]
    df = _df(
        con,
        f"""
        SELECT q.notice_id, n.inspected_unit, q.kind, q.unit,
               count(*) AS quantity_count, sum(q.value) AS value_sum,
               min(q.value) AS value_min, max(q.value) AS value_max,
               bool_or(q.approx) AS any_approx
        FROM quantities q JOIN notices n USING (notice_id)
        WHERE q.kind <> 'date' {where}
        GROUP BY q.notice_id, n.inspected_unit, q.kind, q.unit
        ORDER BY q.notice_id, quantity_count DESC
        """,
        params,
    )
    df.insert(1, "label", unique_labels(df["inspected_unit"], df["notice_id"]))
    return df


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
                " OR contains(coalesce(p.title, ''), ?))"
            )
            params += [text] * 4
        if self.value_min is not None:
            sql += " AND q.value >= ?"
            params.append(float(self.value_min))
        if self.value_max is not None:
            sql += " AND q.value <= ?"
            params.append(float(self.value_max))
        return sql, params


_QUANTITY_FROM = """
    FROM quantities q
    JOIN notices n USING (notice_id)
    LEFT JOIN problems p ON p.notice_id = q.notice_id AND p.problem_id = q.problem_id
    WHERE TRUE
"""


def quantity_count(con: duckdb.DuckDBPyConnection, flt: QuantityFilter) -> int:
    """How many quantities match ``flt`` (the table itself is capped)."""
    where, params = flt.where()
    return int(con.execute(f"SELECT count(*) {_QUANTITY_FROM} {where}", params).fetchone()[0])


def quantities(
    con: duckdb.DuckDBPyConnection, flt: QuantityFilter, limit: int = TABLE_ROW_CAP
) -> pd.DataFrame:
    """Matching quantities with their provenance, in notice and text order, at most ``limit``."""
    where, params = flt.where()
    df = _df(
        con,
        f"""
        SELECT q.notice_id, q.quantity_id, n.inspected_unit, q.surface, q.kind,
               q.value, q.value_high, q.date_value, q.date_high, q.unit, q.approx,
               q.qualifier, q.metric, q.problem_path, p.title AS problem_title,
               q.sentence, q.start_offset - q.sentence_start AS offset_in_sentence,
               q.start_offset, q.end_offset
        {_QUANTITY_FROM} {where}
        ORDER BY q.notice_id, q.quantity_id
        LIMIT ?
        """,
        [*params, limit],
    )
    return df


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
    """Every metadata column of one notice (not its text)."""
    return _df(
        con,
        """
        SELECT notice_id, title, issuer, inspected_unit, inspection_body, inspection_level,
               inspection_kind, inspection_group, inspection_round, inspection_type, region,
               inspection_start, inspection_end, feedback_date, as_of_date, signed_date,
               published_date, rectification_days, inferred_dates, source_path,
               source_format, encoding, char_count, ingested_at, extractor_version
        FROM notices WHERE notice_id = ?
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
