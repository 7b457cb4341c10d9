"""对比 Compare: the same kind of figure side by side across notices (学习+次, 资金+元, 亩 …)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.charts import compare_figure
from dashboard.i18n import label
from dashboard.ui import (
    code_label,
    download,
    headers,
    lang,
    query_param_list,
    require_data,
    set_query_param,
    t,
)
from dashboard.units import choose_scale, format_value

DEFAULT_NOTICES = 8
_PRESETS_FILE = Path(__file__).resolve().parents[1] / "compare_presets.toml"


def _presets() -> list[dict[str, str]]:
    with _PRESETS_FILE.open("rb") as fh:
        return list(tomllib.load(fh)["preset"])


def _apply_preset() -> None:
    """Callback of the preset pills: copy the preset into the three filter widgets."""
    chosen = st.session_state.get("cmp_preset")
    for preset in _presets():
        if preset["name_zh"] == chosen:
            st.session_state["cmp_kind"] = preset["kind"]
            st.session_state["cmp_unit"] = preset["unit"]
            st.session_state["cmp_metric"] = preset["metric"]


require_data()
st.title(t("compare.title"))
st.caption(t("compare.caption"))

options = db.query("notice_options")
labels = dict(zip(options["notice_id"], options["label"], strict=True))

# First visit in this session: take the filters from the URL, so a shared link reopens the view.
if "cmp_notices" not in st.session_state:
    from_url = [n for n in query_param_list("n") if n in labels]
    st.session_state["cmp_notices"] = from_url or list(options["notice_id"][:DEFAULT_NOTICES])
    st.session_state["cmp_kind"] = st.query_params.get("kind", "")
    st.session_state["cmp_unit"] = st.query_params.get("unit", "")
    st.session_state["cmp_metric"] = st.query_params.get("m", "")

st.pills(
    t("compare.presets"),
    [p["name_zh"] for p in _presets()],
    format_func=lambda name: next(
        (p[f"name_{lang()}"] for p in _presets() if p["name_zh"] == name), name
    ),
    key="cmp_preset",
    on_change=_apply_preset,
)

chosen = st.multiselect(
    t("compare.notices"),
    list(options["notice_id"]),
    format_func=labels.get,
    key="cmp_notices",
    placeholder=t("compare.notices_placeholder"),
)
available = db.query("kind_units", tuple(chosen))

c1, c2, c3, c4 = st.columns([1, 1, 2, 1])
kinds = ["", *sorted(available["kind"].unique())]
if st.session_state.get("cmp_kind", "") not in kinds:
    kinds.append(st.session_state["cmp_kind"])
kind = c1.selectbox(
    t("compare.kind"),
    kinds,
    key="cmp_kind",
    format_func=lambda k: code_label("kind", k) if k else t("any"),
)
units_for_kind = available if not kind else available[available["kind"] == kind]
units = ["", *units_for_kind["unit"].unique()]
if st.session_state.get("cmp_unit", "") not in units:
    units.append(st.session_state["cmp_unit"])
unit = c2.selectbox(t("compare.unit"), units, key="cmp_unit", format_func=lambda u: u or t("any"))
metric = c3.text_input(
    t("compare.metric"), key="cmp_metric", placeholder=t("compare.metric_placeholder")
).strip()
measure = c4.radio(
    t("compare.measure_label"),
    ["value_sum", "quantity_count"],
    key="cmp_measure",
    format_func=lambda m: t(f"compare.measure.{m}"),
)

set_query_param("n", chosen)
set_query_param("kind", kind)
set_query_param("unit", unit)
set_query_param("m", metric)

if not chosen:
    st.info(t("compare.pick_notices"))
    st.stop()

totals = db.query("compare_totals", tuple(chosen), kind or None, unit or None, metric or None)
if totals.empty:
    st.info(t("compare.nothing"))
    st.stop()

st.plotly_chart(compare_figure(totals, measure, lang()), key="compare_chart")

# Totals per unit across the chosen notices, each in its own display unit.
by_unit = (
    totals.groupby("unit", sort=False)
    .agg(
        quantity_count=("quantity_count", "sum"),
        value_sum=("value_sum", "sum"),
        notices=("notice_id", "nunique"),
    )
    .reset_index()
)
cols = st.columns(min(len(by_unit), 4))
for col, row in zip(cols, by_unit.itertuples(), strict=False):
    col.metric(
        label("compare.total_of", lang(), unit=row.unit),
        format_value(row.value_sum, row.unit),
        help=t("compare.total_help", n=int(row.quantity_count), notices=int(row.notices)),
        delta=None,
    )

table = totals.copy()
for unit_name, part in table.groupby("unit"):
    divisor, shown_unit = choose_scale(str(unit_name), part["value_sum"].abs().max())
    table.loc[part.index, "display_unit"] = shown_unit
    table.loc[part.index, "display_sum"] = part["value_sum"] / divisor
table["kind"] = table["kind"].map(lambda k: code_label("kind", k))
shown = table[
    [
        "label",
        "kind",
        "unit",
        "quantity_count",
        "display_sum",
        "display_unit",
        "value_sum",
        "value_min",
        "value_max",
        "any_approx",
        "notice_id",
    ]
]
st.dataframe(
    headers(shown),
    hide_index=True,
    placeholder="—",
    column_config={t("col.display_sum"): st.column_config.NumberColumn(format="%.2f")},
)
download(headers(shown.drop(columns=["display_sum", "display_unit"])), "compare", key="dl_compare")
if bool(pd.Series(totals["any_approx"]).fillna(False).any()):
    st.caption(t("compare.approx_note"))
