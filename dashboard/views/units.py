"""单位排名 Units: inspected units × chosen canonical metrics, sortable, paged, downloadable
(issue #11 item 4). URL: ``units?m=<metric id>&m=…&sort=…&desc=0&p=<page>`` plus the facets.

A unit's figure per metric follows the metric's declared aggregate (v_unit_metric_values in
sql/views/70_v_units.sql): counts and money are summed over the unit's notices, rates take the
latest notice. Sorting and paging happen in SQL, so one page of units reaches the browser; the
CSV holds every unit (built when the button is pressed, with the project's one CSV writer).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data_units as du
from dashboard import db
from dashboard.data import CSV_ROW_CAP
from dashboard.facets import Facets, facet_bar, link_params
from dashboard.ui import lang, query_param_list, require_data, set_query_param, t
from dashboard.units import format_date, format_value
from extract.csvout import csv_bytes

# Metrics offered when the URL names none: the most-stated ones of the store.
DEFAULT_METRICS = 3


def _column(metric_id: str, unit: str, names: dict[str, str], latest: bool) -> str:
    """A pivot column's header: ``name(unit) [id]``, marked when it is the latest value."""
    mark = f" · {t('units.latest')}" if latest else ""
    return f"{names.get(metric_id, metric_id)}({unit}){mark} [{metric_id}]"


def _value_text(value: object, unit: str) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return format_value(float(value), unit, separators=True)  # type: ignore[arg-type]


def pivot(units: pd.DataFrame, values: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Lay the long (unit, metric, unit of measure, value) rows out as one column per metric and
    unit of measure, in the units' order. Only a reshape: every value is the view's."""
    table = units[["unit_name", "notices", "last_date", "problems"]].copy()
    table["last_date"] = [format_date(v) for v in table["last_date"]]
    table["problems"] = table["problems"].fillna(0).astype(int)
    for (metric_id, unit), group in values.groupby(["metric_id", "unit"], sort=False):
        latest = bool((group["unit_aggregate"] == "latest").any())
        by_unit = dict(zip(group["unit_name"], group["value"], strict=True))
        # Text cells, "—" where a unit states nothing: never nan in the grid (the order is the
        # SQL sort's, chosen above, so the grid need not sort numbers itself).
        table[_column(str(metric_id), str(unit), names, latest)] = [
            _value_text(by_unit.get(u), str(unit)) for u in table["unit_name"]
        ]
    return table


require_data()
st.title(t("units.title"))
st.caption(t("units.caption"))
facets: Facets = facet_bar(db.query, key="units")

catalog = db.query(du.metric_choices)
en = lang() == "en"
names = {
    str(r.metric_id): str(r.name_en if en and isinstance(r.name_en, str) else r.name_zh)
    for r in catalog.itertuples(index=False)
}
if "units_metrics" not in st.session_state:
    from_url = [m for m in query_param_list("m") if m in names]
    stated = catalog[catalog["notices"] > 0]["metric_id"].head(DEFAULT_METRICS)
    st.session_state["units_metrics"] = from_url or list(stated)
c1, c2 = st.columns([3, 1])
metric_ids: list[str] = c1.multiselect(
    t("units.metrics"),
    list(names),
    key="units_metrics",
    format_func=lambda m: f"{names.get(m, m)} [{m}]",
)
text = c2.text_input(t("units.search"), key="units_text", value=st.query_params.get("q", ""))
set_query_param("m", metric_ids)
set_query_param("q", text)

# Sort keys: the units' own columns, then each chosen metric (its SQL sort is by value).
sort_options = list(du.UNIT_SORTS) + [f"m:{m}" for m in metric_ids]
wanted_sort = st.query_params.get("sort", "notices")
s1, s2, s3 = st.columns([2, 1, 1])
sort = s1.selectbox(
    t("units.sort"),
    sort_options,
    index=sort_options.index(wanted_sort) if wanted_sort in sort_options else 0,
    format_func=lambda s: (
        f"{names.get(s[2:], s[2:])} [{s[2:]}]" if s.startswith("m:") else t(f"units.sort_by.{s}")
    ),
    key="units_sort",
)
descending = s2.toggle(
    t("units.descending"), value=st.query_params.get("desc", "1") != "0", key="units_desc"
)
total = db.query(du.units_count, facets, text)
pages = max(math.ceil(total / du.UNITS_PAGE_SIZE), 1)
raw_page = st.query_params.get("p", "1")
page = s3.number_input(
    t("units.page"),
    min_value=1,
    max_value=pages,
    value=min(int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1, pages),
    step=1,
    key="units_page",
)
set_query_param("sort", sort if sort != "notices" else None)
set_query_param("desc", None if descending else "0")
set_query_param("p", str(page) if page > 1 else None)

# A metric sorts by its value in the metric's own unit of measure (metrics.unit).
metric_units = dict(zip(catalog["metric_id"], catalog["unit"], strict=True))
sort_metric = f"{sort[2:]}|{metric_units.get(sort[2:], '')}" if sort.startswith("m:") else ""
units, values = db.query(
    du.units_page,
    tuple(metric_ids),
    facets=facets,
    text=text,
    descending=descending,
    sort=sort if not sort.startswith("m:") else "notices",
    sort_metric=sort_metric,
    page=int(page) - 1,
)
st.caption(t("units.pages", units=total, page=int(page), pages=pages))
if units.empty:
    st.info(t("units.none"))
    st.stop()

table = pivot(units, values, names)
if (values["unit_aggregate"] == "latest").any():
    st.caption(t("units.latest_note"))
config: dict[str, Any] = {
    "unit_name": st.column_config.TextColumn(t("unit.pick"), width="medium"),
    "notices": st.column_config.NumberColumn(t("kpi.notices")),
    "last_date": t("units.sort_by.last_date"),
    "problems": st.column_config.NumberColumn(t("kpi.problems")),
}
picked = st.dataframe(
    table,
    hide_index=True,
    placeholder="—",
    column_config=config,
    on_select="rerun",
    selection_mode="single-row",
    key="units_table",
)
rows = picked.selection.rows if picked is not None else []  # type: ignore[union-attr]
if rows:
    chosen_unit = str(table.iloc[rows[0]]["unit_name"])
    st.page_link(
        "views/unit.py",
        label=f"{t('source.to_unit')}: {chosen_unit}",
        icon=":material/apartment:",
        query_params=link_params(u=chosen_unit),
    )


def _all_units_csv() -> bytes:
    """Every unit of the pivot (not just this page), in the page's order."""
    every, every_values = db.run_uncached(
        du.units_page,
        tuple(metric_ids),
        sort=sort if not sort.startswith("m:") else "notices",
        sort_metric=sort_metric,
        page=0,
        page_size=CSV_ROW_CAP,
        facets=facets,
        text=text,
        descending=descending,
    )
    return csv_bytes(pivot(every, every_values, names))


st.download_button(
    t("download_csv"),
    data=_all_units_csv,
    file_name="units.csv",
    mime="text/csv",
    key="dl_units",
    on_click="ignore",
    icon=":material/download:",
)
