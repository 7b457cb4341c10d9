"""数据明细 Quantities explorer: filter every extracted figure and trace it to its sentence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.data import CSV_ROW_CAP, TABLE_ROW_CAP, QuantityFilter
from dashboard.highlight import highlight_html
from dashboard.i18n import KINDS_ORDER
from dashboard.ui import (
    code_label,
    download,
    query_param_list,
    require_data,
    set_query_param,
    t,
)
from dashboard.units import shown_quantity

require_data()
st.title(t("explorer.title"))
st.caption(t("explorer.caption"))

options = db.query("notice_options")
labels = dict(zip(options["notice_id"], options["label"], strict=True))
if "qx_notices" not in st.session_state:
    st.session_state["qx_notices"] = [n for n in query_param_list("n") if n in labels]
    st.session_state["qx_kinds"] = [k for k in query_param_list("kind") if k in KINDS_ORDER]
    st.session_state["qx_text"] = st.query_params.get("q", "")

with st.container(border=True):
    c1, c2, c3 = st.columns([2, 1, 1])
    chosen = c1.multiselect(
        t("explorer.notices"),
        list(options["notice_id"]),
        format_func=lambda notice_id: labels.get(notice_id, notice_id),
        key="qx_notices",
        placeholder=t("explorer.all_notices"),
    )
    kinds = c2.multiselect(
        t("explorer.kinds"),
        list(KINDS_ORDER),
        key="qx_kinds",
        format_func=lambda k: code_label("kind", k),
        placeholder=t("any"),
    )
    units_available = db.query("kind_units", tuple(chosen))
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
        problems = db.query("problem_paths", tuple(chosen))
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

set_query_param("n", chosen)
set_query_param("kind", kinds)
set_query_param("q", text.strip())

if vmin is not None and vmax is not None and vmin > vmax:
    st.warning(t("explorer.bad_range"))
    st.stop()

flt = QuantityFilter(
    notice_ids=tuple(chosen),
    kinds=tuple(kinds),
    units=tuple(units),
    problem_path=problem,
    text=text.strip(),
    value_min=vmin,
    value_max=vmax,
)
total = db.query("quantity_count", flt)
rows = db.query("quantities", flt, TABLE_ROW_CAP)
st.markdown(t("explorer.count", total=f"{total:,}"))
if rows.empty:
    st.info(t("explorer.nothing"))
    st.stop()

rows = rows.copy()
rows["label"] = rows["notice_id"].map(labels).fillna(rows["inspected_unit"])
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
if total > len(rows):
    st.caption(t("table.capped", shown=f"{len(rows):,}", total=f"{total:,}"))

selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
if selected and selected[0] < len(rows):
    row = rows.iloc[selected[0]]
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
else:
    st.caption(t("explorer.select_hint"))

export_cols = [
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
if total <= len(rows):
    download(rows[export_cols], "quantities", key="dl_quantities")
elif st.button(t("explorer.prepare_csv", cap=f"{CSV_ROW_CAP:,}"), key="qx_prepare"):
    full = db.query("quantities", flt, CSV_ROW_CAP)
    download(full[export_cols], "quantities", key="dl_quantities_full")
