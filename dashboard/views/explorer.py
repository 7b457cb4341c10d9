"""数据明细 Quantities explorer: filter every extracted figure and trace it to its sentence.

Built to stay fast at 100k notices: the notice picker searches the server instead of
receiving every notice, the table is one page of a SQL ``LIMIT/OFFSET`` with the total counted
separately, and the CSV of a large selection is capped with a message. Every filter is in the
URL (``n`` notices, ``m`` metric ids, ``qkind`` quantity kinds, ``q`` text, ``page``, ``qid`` the
open quantity, plus the facets), so a drill-down from a chart lands here as a link.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, db
from dashboard.data import CSV_ROW_CAP, QuantityFilter
from dashboard.facets import facet_bar, link_params, query_args
from dashboard.highlight import highlight_html
from dashboard.i18n import KINDS_ORDER
from dashboard.ui import (
    code_label,
    download,
    notice_picker,
    page_control,
    query_param_list,
    require_data,
    set_query_param,
    t,
)
from dashboard.units import shown_quantity

#: Rows per table page (the page control moves through the rest in SQL).
PAGE_SIZE = 200
SOURCE_PAGE = "views/source.py"
EXPORT_COLUMNS = [
    "notice_id",
    "quantity_id",
    "inspected_unit",
    "surface",
    "kind",
    "value",
    "value_high",
    "date_value",
    "date_high",
    "unit",
    "approx",
    "qualifier",
    "metric",
    "metric_id",
    "metric_name",
    "metric_rule",
    "restates_quantity_id",
    "problem_path",
    "problem_title",
    "sentence",
    "start_offset",
    "end_offset",
]


def _int_param(name: str) -> int | None:
    """A whole-number URL parameter, or None when absent or not a number (a link, not a form)."""
    raw = st.query_params.get(name, "")
    return int(raw) if raw.isdigit() else None


def _show_quantity(row: pd.Series) -> None:
    """The quantity in its sentence with the number highlighted, its problem, its metric, and
    a link to the 原文 page at this figure."""
    with st.container(border=True):
        st.markdown(f"**{row['label']}** · {row['surface']} → {row['shown_value']}")
        offset = row["offset_in_sentence"]
        st.html(
            "<div style='font-size:1.05rem;line-height:1.8'>"
            + highlight_html(
                str(row["sentence"]), str(row["surface"]), None if pd.isna(offset) else int(offset)
            )
            + "</div>"
        )
        if row["problem_path"]:
            st.caption(
                t("explorer.in_problem", path=row["problem_path"], title=row["problem_title"] or "")
            )
        else:
            st.caption(t("explorer.outside_tree"))
        if isinstance(row["metric_id"], str):
            st.caption(
                t("explorer.metric", name=row["metric_name"], rule=row["metric_rule"] or "—")
            )
        if not pd.isna(row["restates_quantity_id"]):
            st.caption(t("compare.mark_restated", id=int(row["restates_quantity_id"])))
        st.caption(
            t(
                "explorer.provenance",
                notice=row["notice_id"],
                start=int(row["start_offset"]),
                end=int(row["end_offset"]),
            )
        )
        qid = str(int(row["quantity_id"]))
        st.page_link(
            SOURCE_PAGE,
            label=t("explorer.open_source"),
            icon=":material/article:",
            query_params=link_params(n=str(row["notice_id"]), qid=qid),
        )


require_data()
st.title(t("explorer.title"))
st.caption(t("explorer.caption"))

facets = facet_bar(db.query, key="quantities")
facet_pred, facet_params = query_args(facets)  # over notices ``n`` (the picker's search)
quantity_facets = query_args(facets, "q")  # over v_quantities ``q`` (the table)

metric_ids = tuple(query_param_list("m"))
if "qx_kinds" not in st.session_state:
    st.session_state["qx_kinds"] = [k for k in query_param_list("qkind") if k in KINDS_ORDER]
    st.session_state["qx_text"] = st.query_params.get("q", "")

with st.container(border=True):
    chosen = notice_picker("qx", facet_args=(facet_pred, facet_params), columns=(1, 2))
    c2, c3 = st.columns(2)
    kinds = c2.multiselect(
        t("explorer.kinds"),
        list(KINDS_ORDER),
        key="qx_kinds",
        format_func=lambda k: code_label("kind", k),
        placeholder=t("any"),
    )
    units_available = db.query(data.kind_units, chosen)
    if kinds:
        units_available = units_available[units_available["kind"].isin(kinds)]
    units = c3.multiselect(
        t("explorer.units"),
        sorted(units_available["unit"].unique()),
        key="qx_units",
        placeholder=t("any"),
    )
    c4, c5, c6, c7 = st.columns([2, 2, 1, 1])
    problem = None
    if len(chosen) == 1:
        problems = db.query(data.problem_paths, chosen)
        titles = dict(zip(problems["path"], problems["title"].fillna(""), strict=True))
        problem = (
            c4.selectbox(
                t("explorer.problem"),
                ["", *problems["path"]],
                key="qx_problem",
                format_func=lambda p: f"{p} {titles.get(p, '')[:30]}" if p else t("any"),
            )
            or None
        )
    else:
        c4.caption(t("explorer.problem_hint"))
    text = c5.text_input(
        t("explorer.text"), key="qx_text", placeholder=t("explorer.text_placeholder")
    )
    vmin = c6.number_input(t("explorer.value_min"), value=None, key="qx_min", format="%g")
    vmax = c7.number_input(t("explorer.value_max"), value=None, key="qx_max", format="%g")
    if metric_ids:
        m1, m2 = st.columns([4, 1])
        m1.caption(t("explorer.metric_filter", ids=", ".join(metric_ids)))
        if m2.button(t("explorer.clear_metrics"), key="qx_clear_metrics"):
            del st.query_params["m"]
            st.rerun()

set_query_param("qkind", kinds)
set_query_param("q", text.strip())

if vmin is not None and vmax is not None and vmin > vmax:
    st.warning(t("explorer.bad_range"))
    st.stop()

flt = QuantityFilter(
    notice_ids=chosen,
    kinds=tuple(kinds),
    units=tuple(units),
    problem_path=problem,
    text=text.strip(),
    value_min=vmin,
    value_max=vmax,
    metric_ids=metric_ids,
    facet_pred=quantity_facets[0],
    facet_params=quantity_facets[1],
)
total = db.query(data.quantity_count, flt)
st.markdown(t("explorer.count", total=f"{total:,}"))

# A link to one quantity (qid, with its notice n) opens it even when it is not on this page.
linked_qid = _int_param("qid")
if linked_qid is not None and len(chosen) == 1:
    linked = db.query(data.quantity_row, chosen[0], linked_qid)
else:
    linked = pd.DataFrame()

if total == 0 and linked.empty:
    st.info(t("explorer.nothing"))
    st.stop()

page = page_control(total, PAGE_SIZE, "qx_page", "explorer.page")

rows = db.query(data.quantities, flt, PAGE_SIZE, (page - 1) * PAGE_SIZE).copy()
if not rows.empty:
    names = db.query(data.notice_labels, tuple(dict.fromkeys(rows["notice_id"])))
    labels = dict(zip(names["notice_id"], names["label"], strict=True))
    rows["label"] = rows["notice_id"].map(labels).fillna(rows["inspected_unit"]).fillna("—")
    rows["shown_value"] = rows.apply(shown_quantity, axis=1)
    rows["kind_label"] = rows["kind"].map(lambda k: code_label("kind", k))
    rows["metric_shown"] = rows["metric_name"].fillna("—")
    table = rows[
        [
            "label",
            "surface",
            "shown_value",
            "kind_label",
            "metric_shown",
            "metric",
            "problem_path",
            "approx",
            "value",
            "unit",
            "quantity_id",
        ]
    ]
    event = st.dataframe(
        table,
        hide_index=True,
        placeholder="—",
        on_select="rerun",
        selection_mode="single-row",
        key="qx_table",
        column_config={
            "label": st.column_config.TextColumn(t("col.inspected_unit"), pinned=True),
            "surface": t("col.surface"),
            "shown_value": t("col.shown_value"),
            "kind_label": t("col.kind"),
            "metric_shown": t("col.metric_name"),
            "metric": t("col.metric"),
            "problem_path": t("col.problem_path"),
            "approx": st.column_config.CheckboxColumn(t("col.approx")),
            "value": st.column_config.NumberColumn(t("col.value"), format="%g"),
            "unit": t("col.unit"),
            "quantity_id": st.column_config.NumberColumn(t("col.quantity_id")),
        },
    )
    selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
else:
    selected = []

if selected and selected[0] < len(rows):
    row = rows.iloc[selected[0]]
    set_query_param("qid", str(int(row["quantity_id"])))
    _show_quantity(row)
elif not linked.empty:
    row = linked.iloc[0].copy()
    names = db.query(data.notice_labels, (str(row["notice_id"]),))
    row["label"] = names["label"].iloc[0] if not names.empty else "—"
    row["shown_value"] = shown_quantity(row)
    _show_quantity(row)
else:
    st.caption(t("explorer.select_hint"))

if total <= CSV_ROW_CAP:
    if total <= len(rows):
        download(rows[EXPORT_COLUMNS], "quantities", key="dl_quantities")
    elif st.button(t("explorer.prepare_csv", cap=f"{total:,}"), key="qx_prepare"):
        full = db.query(data.quantities, flt, CSV_ROW_CAP, 0)
        download(full[EXPORT_COLUMNS], "quantities", key="dl_quantities_full")
else:
    st.caption(t("explorer.csv_capped", cap=f"{CSV_ROW_CAP:,}", total=f"{total:,}"))
    if st.button(t("explorer.prepare_csv", cap=f"{CSV_ROW_CAP:,}"), key="qx_prepare"):
        full = db.query(data.quantities, flt, CSV_ROW_CAP, 0)
        download(full[EXPORT_COLUMNS], "quantities", key="dl_quantities_full")
