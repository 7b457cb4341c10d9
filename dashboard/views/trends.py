"""趋势 Trends: completion rates and metric values over time, by feedback or as-of date, with small
multiples per unit (issue #11 item 3). URL: ``trends?s=completion|metric&m=<metric id>&t=<basis>
&per_unit=1`` plus the facets.

Every point is a view row (sql/views/75_v_trends.sql): one notice's figure by its metric's
aggregate, placed at the date the user picked. A notice without that date cannot be placed, so
the page says how many there are instead of dropping them silently; small multiples are capped
(the units with most points first) and the page says so.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import data_units as du
from dashboard import db
from dashboard.charts import date_tick_stops, even_sample
from dashboard.data import TABLE_ROW_CAP
from dashboard.facets import Facets, facet_bar
from dashboard.ui import download, headers, lang, require_data, set_query_param, t
from dashboard.units import choose_scale, format_date

SERIES: tuple[str, ...] = ("completion", "metric")

require_data()
st.title(t("trends.title"))
st.caption(t("trends.caption"))
facets: Facets = facet_bar(db.query, key="trends")


def _shown_dates(points: pd.DataFrame) -> list[str]:
    """Each point's date at the precision its notice wrote it (2021-03, not 2021-03-01)."""
    return [
        format_date(v, p) for v, p in zip(points["date"], points["date_precision"], strict=True)
    ]


def _from_url(name: str, options: tuple[str, ...] | list[str], default: str) -> str:
    value = st.query_params.get(name, default)
    return value if value in options else default


c1, c2, c3 = st.columns([1, 2, 1])
series = c1.radio(
    t("trends.series"),
    SERIES,
    index=SERIES.index(_from_url("s", SERIES, "completion")),
    format_func=lambda s: t(f"trends.series_{s}"),
    key="trends_series",
)
basis = c3.radio(
    t("trends.basis"),
    du.TREND_BASES,
    index=du.TREND_BASES.index(_from_url("t", du.TREND_BASES, du.TREND_BASES[0])),
    format_func=lambda b: t(f"trends.basis_{b}"),
    key="trends_basis",
)
per_unit = c3.toggle(
    t("trends.per_unit"), value=st.query_params.get("per_unit", "0") == "1", key="trends_units"
)
set_query_param("s", series if series != "completion" else None)
set_query_param("t", basis if basis != du.TREND_BASES[0] else None)
set_query_param("per_unit", "1" if per_unit else None)

if series == "metric":
    catalog = db.query(du.metric_choices)
    stated = catalog[catalog["notices"] > 0]
    en = lang() == "en"
    names = {
        str(r.metric_id): str(r.name_en if en and isinstance(r.name_en, str) else r.name_zh)
        for r in stated.itertuples(index=False)
    }
    if not names:
        st.info(t("trends.no_points"))
        st.stop()
    ids = list(names)
    metric_id = c2.selectbox(
        t("trends.metric"),
        ids,
        index=ids.index(_from_url("m", ids, ids[0])),
        format_func=lambda m: f"{names.get(m, m)} [{m}]",
        key="trends_metric",
    )
    set_query_param("m", metric_id)
    points = db.query(du.metric_trend, metric_id, basis, facets)
    # One unit of measure per chart: 人 and 人次 are not one axis. The most-stated one is drawn.
    if points["unit"].nunique() > 1:
        main_unit = str(points["unit"].value_counts().index[0])
        st.caption(t("trends.several_units", unit=main_unit))
        points = points[points["unit"] == main_unit]
    unit = str(points["unit"].iloc[0]) if not points.empty else ""
    divisor, shown_unit = choose_scale(unit, points["value"].abs().max() if len(points) else None)
    points = points.assign(y=points["value"] / divisor)
    y_title = f"{t('trends.value')}({shown_unit})" if shown_unit else t("trends.value")
else:
    set_query_param("m", None)
    points = db.query(du.completion_trend, basis, facets).assign(y=lambda d: d["rate"])
    y_title = t("trends.rate")

undated = int(points["date"].isna().sum())
if undated:
    st.caption(t("trends.undated", n=undated, basis=t(f"trends.basis_{basis}")))
dated = points[points["date"].notna()].copy()
if dated.empty:
    st.info(t("trends.no_points"))
    st.stop()

facet_col = None
if per_unit:
    sizes = dated["unit_name"].value_counts()
    if len(sizes) > du.TREND_FACET_CAP:
        st.caption(t("trends.capped", shown=du.TREND_FACET_CAP, total=len(sizes)))
        dated = dated[dated["unit_name"].isin(sizes.index[: du.TREND_FACET_CAP])]
    facet_col = "unit_name"
dated = dated.sort_values("date", kind="stable")
drawn = even_sample(dated, du.TREND_POINT_CAP)
if len(drawn) < len(dated):
    st.caption(t("trends.points_sampled", shown=f"{len(drawn):,}", total=f"{len(dated):,}"))
drawn = drawn.assign(shown_date=_shown_dates(drawn))

# Lines join one unit's points only; with too many units for a legend, dots without colours.
colour = None
if not per_unit and dated["unit_name"].nunique() <= du.TREND_FACET_CAP:
    colour = "unit_name"
draw = px.line if per_unit or colour else px.scatter
fig = draw(
    drawn,
    x="date",
    y="y",
    color=colour,
    facet_col=facet_col,
    facet_col_wrap=3 if per_unit else 0,
    hover_data={"shown_date": True, "date": False, "unit_name": True},
    labels={"date": t("trends.date"), "y": y_title, "unit_name": t("unit.pick")},
)
if draw is px.line:
    fig.update_traces(mode="lines+markers")
if per_unit:
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    rows = -(-drawn["unit_name"].nunique() // 3)
    fig.update_layout(height=max(260 * rows, 320))
fig.update_xaxes(tickformatstops=date_tick_stops(lang()))
fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 30}, showlegend=not per_unit)
st.plotly_chart(fig, key="trends_chart")

with st.expander(t("trends.points")):
    listed = dated.head(TABLE_ROW_CAP)
    table = pd.DataFrame(
        {
            "label": listed["label"].fillna(listed["notice_id"]).astype(str),
            "unit_name": listed["unit_name"],
            "date": _shown_dates(listed),
            "value": [f"{v:g}" for v in listed["y"]],
        }
    )
    if len(listed) < len(dated):
        st.caption(t("trends.table_capped", shown=f"{len(listed):,}", total=f"{len(dated):,}"))
    st.dataframe(
        table,
        hide_index=True,
        placeholder="—",
        column_config={
            "label": t("col.label"),
            "unit_name": t("unit.pick"),
            "date": t("trends.date"),
            "value": y_title,
        },
    )
    download(headers(dated.drop(columns=["y"])), f"trends_{series}", key="dl_trends")
