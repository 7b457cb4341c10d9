"""总览 Overview: headline counts, the notice table, completion across notices.

Everything on the page follows the facet bar (its state is in the URL, so a filtered overview
is a link). The notice table is paged (``page`` in the URL, 200 rows a page), so a large store
sends one page to the browser. Clicking a completion bar opens the Quantities page on that notice's
rectification figures: the numbers the bar is drawn from, each traceable to its sentence.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data, db
from dashboard.charts import completion_figure, selected_notice
from dashboard.data import CHART_NOTICE_CAP, TABLE_ROW_CAP
from dashboard.facets import facet_bar, link_params, query_args
from dashboard.i18n import bilingual_part
from dashboard.ui import download, headers, lang, page_control, require_data, t
from dashboard.units import format_date_columns

EXPLORER_PAGE = "views/explorer.py"
#: Rows of the notice table per page (as on the Quantities page).
PAGE_SIZE = 200
#: The metric family whose quantities a completion bar is drawn from (rect.*: totals, counts
#: of completed problems, stated rates).
COMPLETION_FAMILY = "rect"


def completion_metric_ids() -> list[str]:
    """The metric ids of :data:`COMPLETION_FAMILY`, from the taxonomy in the store."""
    catalog = db.query(data.metric_catalog)
    return sorted(catalog.loc[catalog["family"] == COMPLETION_FAMILY, "metric_id"])


require_data()
st.title(t("overview.title"))
st.caption(t("overview.caption"))

facets = facet_bar(db.query, key="overview")
pred, params = query_args(facets)
pred_v, params_v = query_args(facets, "v")

k = db.query(data.kpis, pred, params).iloc[0]
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("kpi.notices"), f"{int(k['notices']):,}")
c2.metric(t("kpi.problems"), f"{int(k['problems']):,}")
c3.metric(t("kpi.quantities"), f"{int(k['quantities']):,}")
c4.metric(t("kpi.anomalies"), f"{int(k['anomalies']):,}", help=t("overview.anomalies_help"))

st.subheader(t("overview.notices"))
# One page of notices reaches the browser (a 2,000-row table was 0.5 MB of every Overview load
# at 10k notices); the CSV keeps up to TABLE_ROW_CAP of them, as before.
total = int(k["notices"])
page = page_control(total, PAGE_SIZE, "ov_page", "overview.page")
notices = db.query(data.notices, PAGE_SIZE, pred_v, params_v, (page - 1) * PAGE_SIZE)
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
every = notices if total <= PAGE_SIZE else db.query(data.notices, TABLE_ROW_CAP, pred_v, params_v)
if total > len(every):
    st.caption(t("overview.csv_capped", shown=f"{len(every):,}", total=f"{total:,}"))
download(headers(every.drop(columns=["completion_ratio"])), "notices", key="dl_notices")

st.subheader(t("overview.completion"))
completion = db.query(data.completion, CHART_NOTICE_CAP, pred, params)
if completion.empty:
    st.info(t("overview.no_completion"))
else:
    event = st.plotly_chart(
        completion_figure(completion, lang()),
        key="completion_chart",
        on_select="rerun",
        selection_mode="points",
    )
    clicked = selected_notice(event)
    if clicked is not None:
        st.switch_page(
            EXPLORER_PAGE, query_params=link_params(n=[clicked], m=completion_metric_ids())
        )
    chart_notices = int(completion["chart_notices"].iloc[0])
    if chart_notices > len(completion):
        st.caption(t("overview.chart_capped", n=len(completion), total=chart_notices))
    st.caption(t("overview.chart_hint"))
    mismatched = completion[completion["consistent"].eq(False)].copy()
    if not mismatched.empty:
        st.warning(t("overview.mismatch", n=len(mismatched)))
        # The audit writes each reason in both languages; show the interface's one.
        mismatched["issues"] = mismatched["issues"].map(lambda s: bilingual_part(s, lang()))
        st.dataframe(
            headers(mismatched[["label", "stated_rate", "computed_rate", "issues"]]),
            hide_index=True,
            placeholder="—",
        )
    download(
        headers(
            completion.drop(
                columns=[c for c in completion.columns if c.endswith("_ratio")] + ["chart_notices"]
            )
        ),
        "completion",
        key="dl_completion",
    )
