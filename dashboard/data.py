"""The dashboard's queries: plain functions from a DuckDB connection to DataFrames.

No Streamlit here, so every query is unit-tested against a fixture database; ``db.py`` adds
caching. Rules that keep pages fast with thousands of notices (see the benchmark):
aggregate in SQL, pass user input only as bound parameters, and cap the rows a page receives
(``LIMIT``) while reporting the full count separately.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import duckdb
import pandas as pd

from dashboard.units import PRECISE_DATE_FIELDS
from extract import settings

# Most rows a table page receives; the full count is shown beside it and the CSV holds more.
TABLE_ROW_CAP: int = settings.get_int("table_row_cap")
# Most rows one CSV download holds (datasette caps CSVs too: max_csv_mb).
CSV_ROW_CAP = 100_000
# Most notices drawn in one chart: beyond that bars become unreadable slivers.
CHART_NOTICE_CAP: int = settings.get_int("chart_notice_cap")
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


# ------------------------------------------------------------------ facets: the SQL side
# dashboard/facets.py (the shared contract) re-exports these and renders the bar; they live here
# because every query below takes them and this module stays free of Streamlit.

#: URL parameter names of the facets, in the order the bar shows them.
FIELDS: tuple[str, ...] = ("level", "kind", "body", "region", "year", "family", "status")


@dataclass(frozen=True)
class Facets:
    """The chosen values of every facet; an empty tuple means "no restriction".

    Frozen and made of tuples, so it is hashable and can key ``db.query``'s cache.
    """

    level: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    status: tuple[str, ...] = ()

    def chosen(self) -> dict[str, tuple[str, ...]]:
        """The facets with a choice, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def without(self, field: str) -> Facets:
        """These facets with ``field`` cleared (to count that facet's own values)."""
        return Facets(**{**self.chosen(), field: ()})

    def url_params(self) -> dict[str, list[str]]:
        """The URL parameters that restore these facets (for links to other pages)."""
        return {name: list(values) for name, values in self.chosen().items()}


def facet_sql(f: Facets, notice_alias: str = "n") -> tuple[str, list[object]]:
    """A SQL predicate (``TRUE`` when nothing is chosen) over a relation with ``notice_id`` —
    ``v_notices``, or any view of notices — and its bound parameters.

    Each chosen facet becomes one semi-join on ``v_facets``, so a many-valued facet (family,
    status) needs no special case and values stay bound parameters, never SQL text.
    """
    if not notice_alias.isidentifier():
        raise ValueError(f"not a SQL alias: {notice_alias!r}")
    parts: list[str] = []
    params: list[object] = []
    for name, values in f.chosen().items():
        parts.append(
            f"{notice_alias}.notice_id IN (SELECT notice_id FROM v_facets "
            "WHERE facet = ? AND list_contains(?, value))"
        )
        params += [name, list(values)]
    return (" AND ".join(parts) or "TRUE"), params


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


#: Anomaly kinds that are not numbering or structure faults and so are not counted as anomalies
#: on the Overview: a missing signature date is a metadata gap (a scrape cut before the
#: signature), present in most scraped notices, and counting it drowned the real faults.
UNCOUNTED_ANOMALIES: tuple[str, ...] = ("missing_signature",)


def kpis(
    con: duckdb.DuckDBPyConnection, facet_pred: str = "TRUE", facet_params: Sequence[object] = ()
) -> pd.DataFrame:
    """One row: how many notices, feedback problems, quantities and anomalies the database holds
    (those of the notices passing ``facet_pred``, a ``facets.facet_sql`` predicate over ``n``).

    ``missing_signature`` and the other :data:`UNCOUNTED_ANOMALIES` are not anomalies here.
    """
    params = _listed(facet_params)
    return _df(
        con,
        f"""
        WITH n AS (SELECT notice_id, ingested_at FROM notices n WHERE {facet_pred})
        SELECT (SELECT count(*) FROM n) AS notices,
               (SELECT count(*) FROM problems p SEMI JOIN n USING (notice_id)
                WHERE p.is_problem AND NOT p.is_group) AS problems,
               (SELECT count(*) FROM quantities q SEMI JOIN n USING (notice_id)) AS quantities,
               (SELECT count(*) FROM anomalies a SEMI JOIN n USING (notice_id)
                WHERE NOT list_contains(?, a.kind)) AS anomalies,
               (SELECT max(ingested_at) FROM n) AS last_ingest
        """,
        [*params, list(UNCOUNTED_ANOMALIES)],
    )


# Every notice's display name, unique across the store: v_notice_names.display_name, the one
# naming rule (unit + kind + date, data/aliases.toml applied, never a URL or a hash; two
# notices of one name get an ordinal, so chart categories never collapse).
_LABELS = """
    labels AS (SELECT notice_id, display_name AS label FROM v_notice_names)
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
    con: duckdb.DuckDBPyConnection,
    text: str = "",
    limit: int = NOTICE_PICK_LIMIT,
    facet_pred: str = "TRUE",
    facet_params: Sequence[object] = (),
) -> pd.DataFrame:
    """At most ``limit`` notices whose name, title or issuer contains ``text`` (newest first),
    among those passing ``facet_pred`` (``facets.facet_sql`` over ``n``).

    Pickers ask the server instead of receiving every notice: a store of thousands of notices
    would otherwise send thousands of options to every browser on every run.
    """
    needle = text.strip()
    return _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT n.notice_id, l.label FROM notices n JOIN labels l USING (notice_id)
        WHERE (? = '' OR contains(l.label, ?) OR contains(coalesce(n.title, ''), ?)
               OR contains(coalesce(n.issuer, ''), ?))
          AND ({facet_pred})
        ORDER BY coalesce(n.signed_date, n.as_of_date, n.feedback_date) DESC NULLS LAST,
                 n.notice_id
        LIMIT ?
        """,
        [needle, needle, needle, needle, *_listed(facet_params), limit],
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    """The single integer a ``SELECT count(*)`` returns (a count query always has one row)."""
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row is not None else 0


def notice_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many notices the store holds."""
    return _count(con, "SELECT count(*) FROM notices")


def notices(
    con: duckdb.DuckDBPyConnection,
    limit: int = TABLE_ROW_CAP,
    facet_pred: str = "TRUE",
    facet_params: Sequence[object] = (),
    offset: int = 0,
) -> pd.DataFrame:
    """One row per notice (newest first) with problem and quantity counts, a completion ratio
    and each date's precision; only the notices passing ``facet_pred`` (over ``v``); ``limit``
    rows from row ``offset`` (the Overview's page control).

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
        WHERE {facet_pred}
        ORDER BY coalesce(v.signed_date, v.as_of_date, v.feedback_date) DESC NULLS LAST,
                 v.notice_id
        LIMIT ? OFFSET ?
        """,
        [*_listed(facet_params), limit, max(0, int(offset))],
    )


def completion(
    con: duckdb.DuckDBPyConnection,
    limit: int = CHART_NOTICE_CAP,
    facet_pred: str = "TRUE",
    facet_params: Sequence[object] = (),
) -> pd.DataFrame:
    """Completion per notice for the Overview chart (v_completion_chart), parts as ratios.

    Notices that only list problem statuses are included (drawn from the statuses). Ordered
    by the recomputed rate, lowest first — the notices to look at — then by name, so the bars
    are sorted and the order is stable; at most ``limit`` notices, ``chart_notices`` counts all.
    ``facet_pred`` is ``facets.facet_sql`` over ``n``.
    """
    df = _df(
        con,
        f"""
        WITH {_LABELS}
        SELECT c.notice_id, l.label, n.inspected_unit, n.title, c.basis, c.total, c.completed,
               c.basically_completed, c.not_completed, c.long_term, c.in_progress,
               c.stated_rate, c.recomputed_rate AS computed_rate, c.consistent, c.issues,
               count(*) OVER () AS chart_notices
        FROM v_completion_chart c JOIN notices n USING (notice_id) JOIN labels l USING (notice_id)
        WHERE {facet_pred}
        ORDER BY coalesce(c.recomputed_rate, c.stated_rate) NULLS LAST, l.label, c.notice_id
        LIMIT ?
        """,
        [*_listed(facet_params), limit],
    )
    total = df["total"].astype("Float64")
    for part in STATUS_PARTS:
        df[f"{part}_ratio"] = (df[part].astype("Float64") / total.where(total > 0)).astype(float)
    return df


def _listed(params: Sequence[object]) -> list[object]:
    """Bound parameters as DuckDB wants them: cache keys carry lists as tuples."""
    return [list(p) if isinstance(p, tuple) else p for p in params]


def kind_units(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), facets: Facets | None = None
) -> pd.DataFrame:
    """(kind, unit, quantity_count) present in the chosen notices (all when none chosen)."""
    where, params = _notice_filter(notice_ids, facets=facets)
    return _df(
        con,
        f"""
        SELECT kind, unit, count(*) AS quantity_count FROM quantities q
        WHERE kind <> 'date' {where}
        GROUP BY kind, unit ORDER BY quantity_count DESC, kind, unit
        """,
        params,
    )


def _notice_filter(
    notice_ids: Sequence[str], alias: str = "q", facets: Facets | None = None
) -> tuple[str, list[object]]:
    """``AND`` conditions restricting ``alias`` to the chosen notices and to the facets."""
    sql = ""
    params: list[object] = []
    if notice_ids:
        sql, params = f"AND list_contains(?, {alias}.notice_id)", [list(notice_ids)]
    if facets is not None and facets.chosen():
        pred, extra = facet_sql(facets, alias)
        sql += f" AND ({pred})"
        params += extra
    return sql, params


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
    metric_ids: tuple[str, ...] = ()
    # facets.facet_sql over alias ``q`` (its params as tuples, so the filter stays hashable).
    facet_pred: str = "TRUE"
    facet_params: tuple[object, ...] = ()

    def where(self) -> tuple[str, list[object]]:
        """SQL conditions (starting with ``AND``) and their bound parameters."""
        sql, params = _notice_filter(self.notice_ids)
        if self.facet_pred != "TRUE":
            sql += f" AND ({self.facet_pred})"
            params += _listed(self.facet_params)
        if self.metric_ids:
            sql += " AND list_contains(?, q.metric_id)"
            params.append(list(self.metric_ids))
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


_QUANTITY_COLUMNS = """
    q.notice_id, q.quantity_id, q.inspected_unit, q.surface, q.kind,
    q.value, q.value_high, q.date_value, q.date_high, q.unit, q.approx,
    q.qualifier, q.metric, q.metric_id, q.metric_name, q.metric_rule,
    q.restates_quantity_id, q.problem_path, q.problem_title,
    q.sentence, q.start_offset - q.sentence_offset AS offset_in_sentence,
    q.start_offset, q.end_offset
"""


def quantities(
    con: duckdb.DuckDBPyConnection,
    flt: QuantityFilter,
    limit: int = TABLE_ROW_CAP,
    offset: int = 0,
) -> pd.DataFrame:
    """One page of matching quantities with their provenance, in notice and text order:
    ``limit`` rows from row ``offset`` (the page control; :func:`quantity_count` is the total).

    The page's keys are chosen first and only the quantities of the page's notices get their
    sentence cut from the text, so page 500 of a large store costs a key scan, not 500 pages
    of sentences.
    """
    where, params = flt.where()
    keys = _df(
        con,
        f"""
        SELECT q.notice_id, q.quantity_id {_QUANTITY_FROM} {where}
        ORDER BY q.notice_id, q.quantity_id
        LIMIT ? OFFSET ?
        """,
        [*params, int(limit), max(0, int(offset))],
    )
    if keys.empty:
        return _df(con, f"SELECT {_QUANTITY_COLUMNS} FROM v_quantities q WHERE FALSE")
    # A filter on the notice ids reaches through the view to the quantities scan; a join on
    # the page's keys would cut the sentence of every quantity first (0.6 s at 10k notices).
    rows = _df(
        con,
        f"SELECT {_QUANTITY_COLUMNS} FROM v_quantities q WHERE q.notice_id = ANY(?)",
        [sorted(set(keys["notice_id"]))],
    )
    return keys.merge(rows, on=["notice_id", "quantity_id"], how="left")[rows.columns]


def quantity_row(con: duckdb.DuckDBPyConnection, notice_id: str, quantity_id: int) -> pd.DataFrame:
    """One quantity (zero or one row) with its provenance: the target of a ``qid`` link."""
    return _df(
        con,
        f"SELECT {_QUANTITY_COLUMNS} FROM v_quantities q "
        "WHERE q.notice_id = ? AND q.quantity_id = ?",
        [notice_id, int(quantity_id)],
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
        SELECT n.notice_id, v.display_name, n.title, n.issuer, v.inspected_unit,
               n.inspection_body,
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
    """The completion row of one notice from v_completion (zero rows when it states none):
    rate_gap and verdict are the view's, so the page shows the one definition of each."""
    return _df(
        con,
        """
        SELECT total, completed, basically_completed, not_completed, long_term, in_progress,
               stated_rate, computed_rate, status_rate, rate_gap, consistent, verdict, issues,
               sentence
        FROM v_completion WHERE notice_id = ?
        """,
        [notice_id],
    )


# ------------------------------------------------------------------ canonical metrics (Compare)
# Everything below reads the metric views (sql/views/40, 47): the views define every figure;
# these functions only filter, order, label and cap.


def metric_families(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), facets: Facets | None = None
) -> pd.DataFrame:
    """Per family of the taxonomy: its metrics, and how many chosen notices state one of them.

    The facet of the Compare page: a family nobody states still shows, with 0. Counted on
    ``quantities`` (a statement is a quantity with the metric id, as in v_metric_values'
    ``statements``) rather than through v_metric_values, whose per-notice aggregation costs
    0.6 s at 10k notices and is not needed for a count.
    """
    where, params = _notice_filter(notice_ids, alias="q", facets=facets)
    return _df(
        con,
        f"""
        WITH {_metric_notice_counts(where)}
        SELECT m.family,
               count(DISTINCT m.metric_id) AS metrics,
               count(DISTINCT u.notice_id) AS notices,
               coalesce(sum(u.statements), 0)::BIGINT AS statements
        FROM metrics m
        LEFT JOIN u USING (metric_id)
        GROUP BY m.family
        ORDER BY notices DESC, statements DESC, m.family
        """,
        params,
    )


def _metric_notice_counts(where: str) -> str:
    """CTE ``u``: (metric_id, notice_id, statements) of the quantities passing ``where``.

    Grouped on ``quantities`` alone before the taxonomy is joined: joining the ~100 metrics
    first and grouping by their text columns made DuckDB hash every quantity with them (2.2 s
    at 10k notices under load, against a few hundred ms for this shape).
    """
    return f"""
        u AS (
            SELECT q.metric_id, q.notice_id, count(*) AS statements
            FROM quantities q
            WHERE q.metric_id IS NOT NULL {where}
            GROUP BY q.metric_id, q.notice_id
        )
    """


def metric_catalog(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), facets: Facets | None = None
) -> pd.DataFrame:
    """Every metric of the taxonomy with its definition and how often the chosen notices state
    it, most-stated first (so a picker offers what there is to compare before what there is not).
    """
    where, params = _notice_filter(notice_ids, alias="q", facets=facets)
    return _df(
        con,
        f"""
        WITH {_metric_notice_counts(where)},
        per_metric AS (
            SELECT metric_id, count(*) AS notices, sum(statements)::BIGINT AS statements
            FROM u GROUP BY metric_id
        )
        SELECT m.metric_id, m.name_zh, m.name_en, m.family, m.unit, m.units, m.aggregate,
               coalesce(m.description, '') AS description,
               coalesce(m.description_zh, '') AS description_zh,
               coalesce(p.notices, 0) AS notices,
               coalesce(p.statements, 0)::BIGINT AS statements
        FROM metrics m
        LEFT JOIN per_metric p USING (metric_id)
        ORDER BY notices DESC, statements DESC, m.metric_id
        """,
        params,
    )


def metric_values(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str],
    notice_ids: Sequence[str] = (),
    limit: int = TABLE_ROW_CAP,
    facets: Facets | None = None,
) -> pd.DataFrame:
    """The chosen notices' figures of the chosen metrics: one row per metric × unit × notice.

    Rows of one (metric, unit) are ranked by value (largest first, a notice whose statements
    disagree last, as it has no single value); at most ``limit`` per (metric, unit), with
    ``group_notices`` saying how many there are in all. Never summed here: a total is
    :func:`metric_totals`.
    """
    where, params = _notice_filter(notice_ids, alias="v", facets=facets)
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
    con: duckdb.DuckDBPyConnection,
    metric_ids: Sequence[str],
    notice_ids: Sequence[str] = (),
    facets: Facets | None = None,
) -> pd.DataFrame:
    """Per chosen metric and unit, the total over the chosen notices — only where adding is
    honest: one metric, one unit, aggregate ``sum`` or ``headline``, never a percent.

    Each notice's value already counts a restated figure once (v_metric_values); this adds the
    notices' values and nothing else. A ``none`` metric (rates, output) has no row at all.
    """
    where, params = _notice_filter(notice_ids, alias="v", facets=facets)
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
    metric_id: str, unit: str, notice_ids: Sequence[str], facets: Facets | None = None
) -> tuple[str, list[object]]:
    where, params = _notice_filter(notice_ids, alias="s", facets=facets)
    return f"s.metric_id = ? AND s.unit = ? {where}", [metric_id, unit, *params]


def metric_sources(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    unit: str,
    notice_ids: Sequence[str] = (),
    limit: int = SOURCE_ROW_CAP,
    facets: Facets | None = None,
) -> pd.DataFrame:
    """The statements behind a bar (one notice) or a total (the chosen notices): each quantity
    with its sentence, where the figure sits in it, its problem, the rule that gave the metric,
    whether it restates an earlier figure and whether the value counts it (v_metric_sources).
    """
    cond, params = _sources_where(metric_id, unit, notice_ids, facets)
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
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    unit: str,
    notice_ids: Sequence[str] = (),
    facets: Facets | None = None,
) -> int:
    """How many statements :func:`metric_sources` would list without its cap."""
    cond, params = _sources_where(metric_id, unit, notice_ids, facets)
    return _count(con, f"SELECT count(*) FROM v_metric_sources s WHERE {cond}", params)


def coverage_summary(
    con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str] = (), facets: Facets | None = None
) -> pd.DataFrame:
    """One row: quantities of the metric kinds in the chosen notices, how many have an id."""
    where, params = _notice_filter(notice_ids, alias="c", facets=facets)
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
    con: duckdb.DuckDBPyConnection,
    notice_ids: Sequence[str] = (),
    limit: int = TABLE_ROW_CAP,
    facets: Facets | None = None,
) -> pd.DataFrame:
    """v_metric_coverage of the chosen notices, least covered first (where to look first)."""
    where, params = _notice_filter(notice_ids, alias="c", facets=facets)
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
    con: duckdb.DuckDBPyConnection,
    notice_ids: Sequence[str] = (),
    limit: int = TABLE_ROW_CAP,
    facets: Facets | None = None,
) -> pd.DataFrame:
    """The taxonomy's to-do list: unassigned quantities grouped by their phrase, kind and unit,
    most frequent first, with how many notices use the phrase and one example figure."""
    where, params = _notice_filter(notice_ids, alias="u", facets=facets)
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
    con: duckdb.DuckDBPyConnection,
    notice_ids: Sequence[str] = (),
    limit: int = CSV_ROW_CAP,
    facets: Facets | None = None,
) -> pd.DataFrame:
    """Each unassigned quantity of the chosen notices with its phrase and sentence (for CSV)."""
    where, params = _notice_filter(notice_ids, alias="u", facets=facets)
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


# ------------------------------------------------------------------ facets (every page)
# v_facets (sql/views/15) holds one row per notice × facet × value; dashboard/facets.py builds
# the predicate (facet_sql) and renders the bar. Counts are one GROUP BY per facet, each under
# the *other* facets' filters (a facet never narrows its own options, so a second value can be
# added: values of one facet are OR-ed, facets are AND-ed).


def facet_counts(
    con: duckdb.DuckDBPyConnection,
    fields: Sequence[str],
    others: Sequence[tuple[str, Sequence[object]]],
    where: str = "",
    limit: int = 200,
) -> pd.DataFrame:
    """(facet, value, notices) for each facet in ``fields``, most notices first.

    ``others[i]`` is the predicate over ``v_notices n`` and its params that restricts facet
    ``fields[i]``'s counts (every other chosen facet, see ``facets.facet_sql``); ``where`` is a
    page's own fixed predicate over ``n`` (no parameters). At most ``limit`` values per facet:
    a facet with thousands of bodies is searched in its box, not listed.
    """
    parts: list[str] = []
    params: list[object] = []
    extra, source = _facet_source(where)
    for field, (pred, pred_params) in zip(fields, others, strict=True):
        parts.append(
            f"""
            (SELECT f.facet, f.value, count(DISTINCT f.notice_id) AS notices
             FROM v_facets f JOIN {source} n USING (notice_id)
             WHERE f.facet = ? AND ({pred}) {extra}
             GROUP BY f.facet, f.value
             ORDER BY notices DESC, f.value
             LIMIT ?)
            """
        )
        # Cache keys carry list params as tuples; DuckDB needs lists for list_contains.
        params += [field, *_listed(pred_params), limit]
    if not parts:
        return pd.DataFrame({"facet": [], "value": [], "notices": []})
    return _df(con, " UNION ALL ".join(parts), params)


def facet_notice_count(
    con: duckdb.DuckDBPyConnection, pred: str, params: Sequence[object], where: str = ""
) -> int:
    """How many notices pass the chosen facets (and a page's fixed ``where``)."""
    extra, source = _facet_source(where)
    return _count(con, f"SELECT count(*) FROM {source} n WHERE ({pred}) {extra}", params)


def _facet_source(where: str) -> tuple[str, str]:
    """The page predicate as an ``AND`` clause, and the relation it needs.

    Facet predicates only read ``notice_id``, so without a page predicate the plain ``notices``
    table does: v_notices counts every notice's problems and quantities, which at 100k notices
    is the cost of the whole query.
    """
    if not where.strip():
        return "", "notices"
    return f"AND ({where})", "v_notices"
