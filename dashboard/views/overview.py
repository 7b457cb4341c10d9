"""总览 Overview: headline counts, the notice table, completion across notices."""

from __future__ import annotations

import streamlit as st

from dashboard import db
from dashboard.charts import completion_figure
from dashboard.data import CHART_NOTICE_CAP, TABLE_ROW_CAP
from dashboard.ui import download, headers, lang, require_data, t
from dashboard.units import format_date_columns

status = require_data()
st.title(t("overview.title"))
st.caption(t("overview.caption"))

assert status.kpis is not None  # require_data() returned: the store has data
k = status.kpis.iloc[0]
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("kpi.notices"), f"{int(k['notices']):,}")
c2.metric(t("kpi.problems"), f"{int(k['problems']):,}")
c3.metric(t("kpi.quantities"), f"{int(k['quantities']):,}")
c4.metric(t("kpi.anomalies"), f"{int(k['anomalies']):,}")

st.subheader(t("overview.notices"))
notices = db.query("notices")
# Dates as the notice wrote them (2021-03 for a month-precise date), not the stored first day.
shown = format_date_columns(notices)[
    [
        "label",
        "inspection_body",
        "inspection_start",
        "inspection_end",
        "feedback_date",
        "as_of_date",
        "signed_date",
        "rectification_days",
        "problem_count",
        "quantity_count",
        "completion_ratio",
        "stated_rate",
        "computed_rate",
        "notice_id",
    ]
]
st.dataframe(
    shown,
    hide_index=True,
    placeholder="—",
    column_config={
        "label": st.column_config.TextColumn(t("col.inspected_unit"), pinned=True),
        "inspection_body": t("col.inspection_body"),
        "inspection_start": st.column_config.TextColumn(t("col.inspection_start")),
        "inspection_end": st.column_config.TextColumn(t("col.inspection_end")),
        "feedback_date": st.column_config.TextColumn(t("col.feedback_date")),
        "as_of_date": st.column_config.TextColumn(t("col.as_of_date")),
        "signed_date": st.column_config.TextColumn(t("col.signed_date")),
        "rectification_days": st.column_config.NumberColumn(t("col.rectification_days")),
        "problem_count": st.column_config.NumberColumn(t("col.problem_count")),
        "quantity_count": st.column_config.NumberColumn(t("col.quantity_count")),
        "completion_ratio": st.column_config.ProgressColumn(
            t("col.completion_ratio"), format="percent", min_value=0.0, max_value=1.0
        ),
        "stated_rate": st.column_config.NumberColumn(t("col.stated_rate"), format="%.1f%%"),
        "computed_rate": st.column_config.NumberColumn(t("col.computed_rate"), format="%.1f%%"),
        "notice_id": st.column_config.TextColumn(t("col.notice_id")),
    },
)
if len(notices) >= TABLE_ROW_CAP:
    st.caption(t("table.capped", shown=TABLE_ROW_CAP, total=int(k["notices"])))
download(headers(notices), "notices", key="dl_notices")

st.subheader(t("overview.completion"))
completion = db.query("completion", CHART_NOTICE_CAP)
if completion.empty:
    st.info(t("overview.no_completion"))
else:
    st.plotly_chart(completion_figure(completion, lang()), key="completion_chart")
    if len(completion) >= CHART_NOTICE_CAP:
        st.caption(t("overview.chart_capped", n=CHART_NOTICE_CAP))
    mismatched = completion[completion["consistent"].eq(False)]
    if not mismatched.empty:
        st.warning(t("overview.mismatch", n=len(mismatched)))
        st.dataframe(
            headers(mismatched[["label", "stated_rate", "computed_rate", "issues"]]),
            hide_index=True,
            placeholder="—",
        )
    download(
        headers(completion.drop(columns=[c for c in completion.columns if c.endswith("_ratio")])),
        "completion",
        key="dl_completion",
    )
