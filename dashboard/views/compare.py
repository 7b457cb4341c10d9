"""对比 Compare: which unit recovered the most money, held the most study sessions … — on the
canonical metrics (extract/data/metrics.toml), like with like.

Every figure comes from the metric views (v_metric_values, v_metric_sources, v_metric_coverage):
one metric in one unit per chart, restated figures counted once, a total only where adding is
honest (aggregate sum/headline, never a percent, never across units). Each bar, row and total
opens the sentences behind it, each linked to its place in the 原文 page, and the quantities
behind it on the Quantities page. The facet bar (sidebar, in the URL) narrows every figure;
the notice picker searches the server. The coverage tab lists what the taxonomy does not name
yet.
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd
import streamlit as st

from dashboard import data, db
from dashboard.charts import metric_bars_figure, selected_notice
from dashboard.data import CHART_NOTICE_CAP, CSV_ROW_CAP, SOURCE_ROW_CAP, TABLE_ROW_CAP, Facets
from dashboard.facets import facet_bar, link_params, query_args
from dashboard.highlight import highlight_html
from dashboard.i18n import label
from dashboard.ui import (
    code_label,
    download,
    lang,
    notice_picker,
    query_param_list,
    require_data,
    set_query_param,
    t,
)
from dashboard.units import format_share, format_value

DEFAULT_METRICS = 3
EXPLORER_PAGE = "views/explorer.py"
SOURCE_PAGE = "views/source.py"
#: The facets chosen in the sidebar (set when the page runs, below); every query takes them.
FACETS = Facets()


def _metric_name(row: pd.Series | dict) -> str:
    """The metric's name in the interface language (中文名 first, English when switched)."""
    if lang() == "en" and row.get("name_en"):
        return str(row["name_en"])
    return str(row["name_zh"])


def _metric_definition(row: pd.Series | dict) -> str:
    """What the metric counts, in the interface language: the Chinese page must not show the
    English definition (taxonomy ``description_zh``); English falls back to the other."""
    zh, en = str(row.get("description_zh") or ""), str(row.get("description") or "")
    return (en or zh) if lang() == "en" else (zh or en)


def _changed(key: str, current: Hashable) -> bool:
    """Whether the selection of widget ``key`` differs from the last run (and is not empty).

    Several charts and a table can each hold a selection; the one the user touched last is
    the one whose sentences are shown, so every run compares each selection with the last.
    """
    seen: dict[str, Hashable] = st.session_state.setdefault("cmp_seen", {})
    before = seen.get(key)
    seen[key] = current
    return bool(current) and current != before


def _metric_picker(notices: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """Family facet (with how many notices state it) and metric multiselect."""
    families = db.query(data.metric_families, notices, FACETS)
    catalog = db.query(data.metric_catalog, notices, FACETS)
    by_id = catalog.set_index("metric_id")
    if "cmp_metrics" not in st.session_state:
        wanted = [m for m in query_param_list("m") if m in by_id.index]
        stated = catalog[catalog["notices"] > 0]["metric_id"]
        st.session_state["cmp_metrics"] = wanted or list(stated[:DEFAULT_METRICS])
        family_url = st.query_params.get("f", "")
        st.session_state["cmp_family"] = (
            family_url if family_url in set(families["family"]) else None
        )
    counts = dict(zip(families["family"], families["notices"], strict=True))
    family = st.pills(
        t("compare.family"),
        list(families["family"]),
        format_func=lambda f: f"{code_label('family', f)} ({counts.get(f, 0)})",
        key="cmp_family",
        help=t("compare.family_help"),
    )
    chosen = [m for m in st.session_state["cmp_metrics"] if m in by_id.index]
    in_family = catalog if not family else catalog[catalog["family"] == family]
    options = list(dict.fromkeys([*chosen, *in_family["metric_id"]]))
    st.session_state["cmp_metrics"] = chosen
    metrics = st.multiselect(
        t("compare.metrics"),
        options,
        # No count in the option: the browser sends the option's text back, and a count that
        # changed with the facets would no longer name the metric (the list is most-stated
        # first, and each chart says how many notices state it).
        format_func=lambda m: t(
            "compare.metric_option", name=_metric_name(by_id.loc[m]), unit=by_id.loc[m, "unit"]
        ),
        key="cmp_metrics",
        placeholder=t("compare.metrics_placeholder"),
    )
    set_query_param("f", family or "")
    set_query_param("m", list(metrics))
    return by_id, list(metrics)


def _value_notes(values: pd.DataFrame) -> list[str]:
    """The note of each row (disagreeing statements, restatements, approximations), joined by
    ``;``. Built column-wise: a per-row ``apply`` cost half a second on the 8,000 rows of four
    metrics at 10k notices, on every rerun of the page."""
    disagree = values["values_disagree"].astype(bool).to_numpy()
    no_value = values["value"].isna().to_numpy()
    restated = values["restated_statements"].astype(int).to_numpy()
    approx = values["any_approx"].astype(bool).to_numpy()
    texts = {
        "disagree": t("compare.note_disagree"),
        "headline": t("compare.note_headline_disagree"),
        "approx": t("compare.note_approx"),
    }
    notes = []
    for d, nv, r, a in zip(disagree, no_value, restated, approx, strict=True):
        parts = []
        if d:
            parts.append(texts["disagree"] if nv else texts["headline"])
        if r > 0:
            parts.append(t("compare.note_restated", n=int(r)))
        if a:
            parts.append(texts["approx"])
        notes.append(";".join(parts))
    return notes


def _group_panel(
    group: pd.DataFrame, meta: pd.Series, total: pd.Series | None, chosen: tuple[str, ...]
) -> tuple[str, str, tuple[str, ...]] | None:
    """One small multiple: the ranked bars of one (metric, unit), its definition and its total.

    Returns the focus the user just asked for here (a clicked bar or the total's button).
    """
    metric_id, unit = str(group["metric_id"].iloc[0]), str(group["unit"].iloc[0])
    aggregate = str(group["aggregate"].iloc[0])
    name = _metric_name(meta)
    focus: tuple[str, str, tuple[str, ...]] | None = None
    st.markdown(f"**{name}** · {unit}")
    st.caption(
        t(
            "compare.definition",
            rule=code_label("aggregate", aggregate),
            text=_metric_definition(meta),
        )
    )
    bars = group.head(CHART_NOTICE_CAP)
    key = f"cmp_chart_{metric_id}_{unit}"
    if bars["value"].notna().any():
        event = st.plotly_chart(
            metric_bars_figure(bars, f"{name}({unit})", unit, lang()),
            key=key,
            on_select="rerun",
            selection_mode="points",
        )
        notice = selected_notice(event)
        if _changed(key, notice) and notice:
            focus = (metric_id, unit, (notice,))
    no_value = int(group["value"].isna().sum())
    if no_value:
        st.caption(t("compare.no_single_value", n=no_value))
    group_notices = int(group["group_notices"].iloc[0])
    if group_notices > len(bars):
        st.caption(t("compare.bars_capped", shown=len(bars), total=group_notices))
    if total is not None:
        st.metric(
            label("compare.total_of", lang(), unit=unit),
            format_value(total["total"], unit),
            help=t(
                "compare.total_help",
                notices=int(total["notices"]),
                n=int(total["distinct_statements"]),
                restated=int(total["restated_statements"]),
                rule=code_label("aggregate", aggregate),
            ),
        )
        if st.button(t("compare.total_sources"), key=f"cmp_total_{metric_id}_{unit}"):
            focus = (metric_id, unit, chosen)
    else:
        st.caption(t("compare.no_total_percent" if unit == "%" else "compare.no_total_none"))
    return focus


def _table(values: pd.DataFrame, by_id: pd.DataFrame) -> pd.DataFrame:
    """The rows behind every chart as display strings: no cell is ever nan/None.

    Names are looked up once per metric, not once per row (``by_id.loc`` per row was 1.4 s of
    a 2 s rerun at 10k notices, under cProfile)."""
    names = {m: _metric_name(by_id.loc[m]) for m in values["metric_id"].unique()}
    return pd.DataFrame(
        {
            "label": values["label"].astype(str),
            "metric": values["metric_id"].map(names).astype(str),
            "unit": values["unit"].astype(str),
            "shown_value": [
                format_value(None if pd.isna(v) else float(v), u)
                for v, u in zip(values["value"], values["unit"], strict=True)
            ],
            "statements": values["statements"].astype(int),
            "note": _value_notes(values),
        }
    )


def _sources(focus: tuple[str, str, tuple[str, ...]], by_id: pd.DataFrame, names: dict) -> None:
    """The sentences behind a bar, a row or a total, each with its figure highlighted."""
    metric_id, unit, notices = focus
    who = (
        names.get(notices[0], notices[0])
        if len(notices) == 1
        else t("compare.all_chosen")
        if not notices
        else t("compare.n_chosen", n=len(notices))
    )
    st.subheader(t("compare.sources_title", metric=_metric_name(by_id.loc[metric_id]), unit=unit))
    count = db.query(data.metric_source_count, metric_id, unit, notices, FACETS)
    rows = db.query(data.metric_sources, metric_id, unit, notices, SOURCE_ROW_CAP, FACETS)
    st.caption(t("compare.sources_caption", who=who, n=f"{count:,}"))
    st.page_link(
        EXPLORER_PAGE,
        label=t("compare.open_quantities"),
        icon=":material/table_rows:",
        query_params=link_params(n=list(notices), m=[metric_id]),
    )
    for row in rows.itertuples():
        with st.container(border=True):
            marks = []
            if not pd.isna(row.restates_quantity_id):
                marks.append(t("compare.mark_restated", id=int(row.restates_quantity_id)))
            elif row.aggregate == "headline" and not row.counted:
                marks.append(t("compare.mark_not_first"))
            elif row.aggregate == "none":
                marks.append(t("compare.mark_never_added"))
            else:
                marks.append(t("compare.mark_counted"))
            st.markdown(
                f"**{row.label}** · {row.surface} → {format_value(row.value, row.unit)}"
                f" · {' · '.join(marks)}"
            )
            offset = None if pd.isna(row.offset_in_sentence) else int(row.offset_in_sentence)
            st.html(
                "<div style='font-size:1.05rem;line-height:1.8'>"
                + highlight_html(str(row.sentence), str(row.surface), offset)
                + "</div>"
            )
            where = (
                t("explorer.in_problem", path=row.problem_path, title=row.problem_title or "")
                if row.problem_path
                else t("explorer.outside_tree")
            )
            st.caption(
                where
                + " · "
                + t(
                    "compare.rule",
                    rule=row.metric_rule or "—",
                    phrase=row.metric or "—",
                    start=int(row.start_offset),
                    end=int(row.end_offset),
                )
            )
            st.page_link(
                SOURCE_PAGE,
                label=t("explorer.open_source"),
                icon=":material/article:",
                query_params=link_params(n=str(row.notice_id), qid=str(int(row.quantity_id))),
            )
    if count > len(rows):
        st.caption(t("table.capped", shown=f"{len(rows):,}", total=f"{count:,}"))
    export = rows.drop(columns=["offset_in_sentence"])
    download(export, f"sources_{metric_id}_{unit}", key="dl_cmp_sources")


def _compare_tab(notices: tuple[str, ...]) -> None:
    by_id, metrics = _metric_picker(notices)
    if not metrics:
        st.info(t("compare.pick_metrics"))
        return
    # One table for all chosen metrics, so the row cap is shared between them: 2,000 rows per
    # metric sent 1.2 MB to the browser for four metrics at 10k notices. Every metric keeps at
    # least the notices its chart draws.
    per_metric = max(CHART_NOTICE_CAP, TABLE_ROW_CAP // len(metrics))
    values = db.query(data.metric_values, tuple(metrics), notices, per_metric, FACETS)
    if values.empty:
        st.info(t("compare.nothing"))
        return
    totals = db.query(data.metric_totals, tuple(metrics), notices, FACETS)
    total_of = {(r.metric_id, r.unit): r for _, r in totals.iterrows()} if len(totals) else {}
    groups = [g for _, g in values.groupby(["metric_id", "unit"], sort=False)]
    focus = st.session_state.get("cmp_focus")
    columns = st.columns(2) if len(groups) > 1 else [st.container()]
    for i, group in enumerate(groups):
        metric_id, unit = group["metric_id"].iloc[0], group["unit"].iloc[0]
        with columns[i % len(columns)].container(border=True):
            asked = _group_panel(
                group, by_id.loc[metric_id], total_of.get((metric_id, unit)), notices
            )
        focus = asked or focus

    st.subheader(t("compare.table_title"))
    table = _table(values, by_id)
    event = st.dataframe(
        table,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="cmp_table",
        column_config={
            "label": st.column_config.TextColumn(t("col.label"), pinned=True),
            "metric": t("col.metric_name"),
            "unit": t("col.unit"),
            "shown_value": t("col.shown_value"),
            "statements": st.column_config.NumberColumn(t("col.statements")),
            "note": t("col.note"),
        },
    )
    rows = tuple(getattr(getattr(event, "selection", None), "rows", []) or [])
    if _changed("cmp_table", rows) and rows and rows[0] < len(values):
        picked = values.iloc[rows[0]]
        focus = (str(picked["metric_id"]), str(picked["unit"]), (str(picked["notice_id"]),))
    if (values["group_notices"] > per_metric).any():
        st.caption(t("compare.table_capped", n=f"{per_metric:,}"))
    download(table.rename(columns=lambda c: t(f"col.{c}")), "compare", key="dl_compare")

    shown = {(str(g["metric_id"].iloc[0]), str(g["unit"].iloc[0])) for g in groups}
    if focus and (focus[0], focus[1]) not in shown:
        focus = None
    st.session_state["cmp_focus"] = focus
    if focus:
        names = dict(zip(values["notice_id"], values["label"], strict=True))
        _sources(focus, by_id, names)
    else:
        st.caption(t("compare.select_hint"))


def _coverage_tab(notices: tuple[str, ...]) -> None:
    """Share of quantities with a metric id, per notice, and the unassigned phrases."""
    st.caption(t("compare.coverage_caption"))
    summary = db.query(data.coverage_summary, notices, FACETS).iloc[0]
    share = None if pd.isna(summary["assigned_share"]) else float(summary["assigned_share"])
    st.metric(
        t("compare.coverage_share"),
        format_share(share),
        help=t(
            "compare.coverage_help",
            assigned=f"{int(summary['assigned']):,}",
            total=f"{int(summary['quantities']):,}",
        ),
    )
    per_notice = db.query(data.coverage_by_notice, notices, TABLE_ROW_CAP, FACETS)
    st.markdown(t("compare.coverage_per_notice"))
    shown = pd.DataFrame(
        {
            "label": per_notice["label"].astype(str),
            "quantities": per_notice["quantities"].astype(int),
            "assigned": per_notice["assigned"].astype(int),
            "assigned_share": [
                format_share(None if pd.isna(v) else float(v)) for v in per_notice["assigned_share"]
            ],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="cmp_cov_notices",
        column_config={c: t(f"col.{c}") for c in shown.columns},
    )
    download(shown.rename(columns=lambda c: t(f"col.{c}")), "coverage", key="dl_coverage")

    st.markdown(t("compare.unassigned_title"))
    phrases = db.query(data.unassigned_phrases, notices, TABLE_ROW_CAP, FACETS)
    if phrases.empty:
        st.success(t("compare.unassigned_none"))
        return
    todo = pd.DataFrame(
        {
            "phrase": [p if isinstance(p, str) and p else "—" for p in phrases["metric"]],
            "kind": [code_label("kind", k) for k in phrases["kind"]],
            "unit": phrases["unit"].astype(str),
            "quantities": phrases["quantities"].astype(int),
            "notices": phrases["notices"].astype(int),
            "example": phrases["example"].fillna("—").astype(str),
        }
    )
    st.dataframe(
        todo,
        hide_index=True,
        key="cmp_cov_phrases",
        column_config={c: t(f"col.{c}") for c in todo.columns},
    )
    download(todo.rename(columns=lambda c: t(f"col.{c}")), "unassigned_phrases", key="dl_todo")
    if st.button(t("compare.prepare_unassigned"), key="cmp_prepare_unassigned"):
        full = db.query(data.unassigned_quantities, notices, CSV_ROW_CAP, FACETS)
        download(full, "unassigned_quantities", key="dl_unassigned")


require_data()
st.title(t("compare.title"))
st.caption(t("compare.caption"))
FACETS = facet_bar(db.query, key="compare")
chosen_notices = notice_picker("cmp", facet_args=query_args(FACETS))
# Tabs that track which one is open, so only that one runs: a plain st.tabs runs both, and the
# coverage tab's queries and its 2,000-row table were a third of every Compare run at 10k
# notices even for a user who never opened it.
tab_compare, tab_coverage = st.tabs(
    [t("compare.tab_compare"), t("compare.tab_coverage")], key="cmp_tab", on_change="rerun"
)
if tab_coverage.open:
    with tab_coverage:
        _coverage_tab(chosen_notices)
else:
    with tab_compare:
        _compare_tab(chosen_notices)
