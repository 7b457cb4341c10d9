"""单位详情 Unit: one inspected unit's notices over time, metrics, completion and findings
(issue #11 item 4). URL: ``unit?u=<unit name>``.

The picker searches the server (data_units.unit_search): a store of thousands of units never
sends them all to the browser. Every figure comes from sql/views/70_v_units.sql.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data_units as du
from dashboard import db
from dashboard.charts import date_tick_stops
from dashboard.facets import link_params
from dashboard.ui import code_label, download, headers, lang, require_data, set_query_param, t
from dashboard.units import format_date, format_date_columns, format_value

# the timeline's half-width around a unit's only notice date (a lone point has no range)
ONE_DATE_SPAN = pd.Timedelta(days=45)

require_data()
st.title(t("unit.title"))
st.caption(t("unit.caption"))

wanted = st.query_params.get("u", "")
with st.expander(t("unit.search"), expanded=not wanted):
    text = st.text_input(
        t("unit.search"), key="unit_search", placeholder=t("unit.search_placeholder")
    )
    found = db.query(du.unit_search, text or "")
    if found.empty:
        st.caption(t("unit.none_found"))
    else:
        options = list(found["unit_name"])
        counts = dict(zip(found["unit_name"], found["notices"], strict=True))
        choice = st.selectbox(
            t("unit.pick"),
            options,
            index=options.index(wanted) if wanted in options else None,
            format_func=lambda u: f"{u} ({counts.get(u, 0)})",
            key="unit_pick",
        )
        if choice:
            wanted = choice
if not wanted:
    st.stop()

summary = db.query(du.unit_summary, wanted)
if summary.empty:
    st.warning(t("unit.unknown", unit=wanted))
    st.stop()
set_query_param("u", wanted)
row = summary.iloc[0]
st.header(wanted)


def _num(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value)}"  # type: ignore[call-overload]


def _rate(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}%"  # type: ignore[arg-type]


span = f"{format_date(row['first_date'])} – {format_date(row['last_date'])}"
k = st.columns(5)
k[0].metric(t("kpi.notices"), _num(row["notices"]))
k[1].metric(t("unit.span"), span)
k[2].metric(t("kpi.problems"), _num(row["problems"]))
k[3].metric(t("col.stated_rate"), _rate(row["latest_stated_rate"]))
k[4].metric(t("col.computed_rate"), _rate(row["latest_computed_rate"]))

# ---------------------------------------------------------------- notices over time
notices = db.query(du.unit_notices, wanted)
st.subheader(t("unit.notices", n=len(notices)))
if int(row["undated_notices"]):
    st.caption(t("unit.undated", n=int(row["undated_notices"])))
dated = notices[notices["notice_date"].notna()]
if not dated.empty:
    fig = go.Figure(
        go.Scatter(
            x=dated["notice_date"],
            y=[1] * len(dated),
            mode="markers+text",
            text=list(dated["label"]),
            textposition="top center",
            marker={"size": 14},
            hovertext=list(dated["label"]),
            hoverinfo="text+x",
        )
    )
    fig.update_layout(
        height=180,
        margin={"l": 10, "r": 10, "t": 30, "b": 30},
        yaxis={"visible": False},
        title=t("unit.timeline"),
    )
    fig.update_xaxes(tickformatstops=date_tick_stops(lang()))
    if dated["notice_date"].nunique() == 1:  # one date: plotly would zoom to milliseconds
        day = pd.Timestamp(dated["notice_date"].iloc[0])
        fig.update_xaxes(range=[day - ONE_DATE_SPAN, day + ONE_DATE_SPAN])
    st.plotly_chart(fig, key="unit_timeline")
shown = format_date_columns(
    notices.rename(columns={"notice_date_precision": "notice_date_prec"}),
    ("feedback_date", "as_of_date"),
)
shown["notice_date"] = [
    format_date(v, p)
    for v, p in zip(notices["notice_date"], notices["notice_date_precision"], strict=True)
]
shown["verdict"] = [
    t(f"unit.verdict_value.{v}") if isinstance(v, str) else "—" for v in shown["verdict"]
]
for col in ("stated_rate", "computed_rate"):
    shown[col] = [_rate(v) for v in shown[col]]
for col in ("inspection_round", "problem_count", "quantity_count"):
    shown[col] = [_num(v) for v in shown[col]]
shown["inspection_body"] = [
    v if isinstance(v, str) and v else "—" for v in shown["inspection_body"]
]
table_cols = [
    "label",
    "notice_date",
    "inspection_body",
    "inspection_round",
    "problem_count",
    "quantity_count",
    "stated_rate",
    "computed_rate",
    "verdict",
]
picked = st.dataframe(
    shown[table_cols],
    hide_index=True,
    placeholder="—",
    on_select="rerun",
    selection_mode="single-row",
    key="unit_notice_table",
    column_config={
        "label": st.column_config.TextColumn(t("col.label"), width="large"),
        "notice_date": t("unit.span"),
        "inspection_body": t("col.inspection_body"),
        "inspection_round": t("col.inspection_round"),
        "problem_count": t("col.problem_count"),
        "quantity_count": t("col.quantity_count"),
        "stated_rate": t("col.stated_rate"),
        "computed_rate": t("col.computed_rate"),
        "verdict": t("unit.verdict"),
    },
)
rows = picked.selection.rows if picked is not None else []  # type: ignore[union-attr]
if rows:
    nid = str(notices.iloc[rows[0]]["notice_id"])
    c1, c2 = st.columns(2)
    c1.page_link(
        "views/source.py",
        label=t("source.title"),
        icon=":material/article:",
        query_params=link_params(n=nid),
    )
    c2.page_link(
        "views/detail.py",
        label=t("source.to_detail"),
        icon=":material/description:",
        query_params=link_params(id=nid, n=nid),
    )
else:
    st.caption(t("unit.open_notice"))
download(headers(notices.drop(columns=["label"])), f"unit_notices_{wanted}", key="dl_unit_notices")

# ---------------------------------------------------------------- metrics
st.subheader(t("unit.metrics"))
metrics = db.query(du.unit_metrics, wanted)
if metrics.empty:
    st.caption(t("unit.no_metrics"))
else:
    st.caption(t("unit.metrics_note"))
    en = lang() == "en"
    table = pd.DataFrame(
        {
            "metric": [
                f"{(ne if en and isinstance(ne, str) else nz)} [{mid}]"
                for mid, nz, ne in zip(
                    metrics["metric_id"],
                    metrics["metric_name"],
                    metrics["metric_name_en"],
                    strict=True,
                )
            ],
            "family": [code_label("family", f) for f in metrics["family"]],
            "value": [
                format_value(v if not pd.isna(v) else None, u)
                for v, u in zip(metrics["value"], metrics["unit"], strict=True)
            ],
            "how": [
                t("units.latest") if a == "latest" else code_label("aggregate", "sum")
                for a in metrics["unit_aggregate"]
            ],
            "notices": metrics["notices"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        placeholder="—",
        column_config={
            "metric": st.column_config.TextColumn(t("col.metric_name"), width="large"),
            "family": t("col.family"),
            "value": t("trends.value"),
            "how": t("unit.aggregate"),
            "notices": st.column_config.NumberColumn(t("kpi.notices")),
        },
    )
    download(headers(metrics), f"unit_metrics_{wanted}", key="dl_unit_metrics")

# ---------------------------------------------------------------- completion
st.subheader(t("unit.completion"))
rated = notices[notices["stated_rate"].notna() | notices["computed_rate"].notna()]
if rated.empty:
    st.caption(t("unit.no_completion"))
else:
    rated = rated[rated["notice_date"].notna()]
    if not rated.empty:
        fig = go.Figure()
        for col in ("stated_rate", "computed_rate"):
            fig.add_trace(
                go.Scatter(
                    x=rated["notice_date"], y=rated[col], mode="lines+markers", name=t(f"col.{col}")
                )
            )
        fig.update_layout(
            height=260,
            margin={"l": 10, "r": 10, "t": 20, "b": 30},
            yaxis={"title": t("trends.rate"), "range": [0, 105]},
        )
        st.plotly_chart(fig, key="unit_completion")

# ---------------------------------------------------------------- findings
st.subheader(t("unit.findings"))
findings = db.query(du.unit_findings, wanted)
if findings.empty:
    st.caption(t("unit.no_findings"))
else:
    names = dict(zip(notices["notice_id"], notices["label"], strict=True))
    grid = pd.DataFrame(
        {
            "label": [names.get(i, i) for i in findings["notice_id"]],
            "finding": [t(f"unit.finding.{f}") for f in findings["finding"]],
            "kind": [
                t(f"unit.verdict_value.{k}")
                if f == "completion"
                else code_label("passage", k)
                if f == "copied_measure"
                else k
                for f, k in zip(findings["finding"], findings["kind"], strict=True)
            ],
            "location": [x if isinstance(x, str) and x else "—" for x in findings["location"]],
            "detail": [x if isinstance(x, str) and x else "—" for x in findings["detail"]],
        }
    )
    st.dataframe(
        grid,
        hide_index=True,
        placeholder="—",
        column_config={
            "label": t("col.label"),
            "finding": t("unit.findings"),
            "kind": t("col.kind"),
            "location": t("col.location"),
            "detail": st.column_config.TextColumn(t("col.detail"), width="large"),
        },
    )
    download(headers(findings), f"unit_findings_{wanted}", key="dl_unit_findings")
