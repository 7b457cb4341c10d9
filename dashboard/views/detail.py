"""通报详情 Notice detail: metadata, timeline, problem tree, anomalies, completion check."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.charts import timeline_figure
from dashboard.ui import code_label, download, headers, lang, require_data, set_query_param, t
from dashboard.units import PRECISE_DATE_FIELDS, format_date

META_FIELDS: tuple[str, ...] = (
    "issuer",
    "inspected_unit",
    "inspection_body",
    "inspection_level",
    "inspection_kind",
    "inspection_group",
    "inspection_round",
    "inspection_type",
    "region",
    "inspection_start",
    "inspection_end",
    "feedback_date",
    "as_of_date",
    "signed_date",
    "published_date",
    "rectification_days",
    "inferred_dates",
    "source_path",
    "source_format",
    "encoding",
    "char_count",
    "ingested_at",
    "extractor_version",
    "notice_id",
)


def _text(value: object) -> str:
    """A metadata value for display, ``—`` when missing (dates: see :func:`_field_text`)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    return str(value)


def _field_text(meta: pd.Series, field: str) -> str:
    """One metadata field for display; a date at the precision the notice wrote it."""
    if field in PRECISE_DATE_FIELDS:
        return format_date(meta[field], meta.get(f"{field}_precision"))
    return _text(meta[field])


require_data()
options = db.query("notice_options")
labels = dict(zip(options["notice_id"], options["label"], strict=True))
ids = list(options["notice_id"])
if "nd_notice" not in st.session_state:
    wanted = st.query_params.get("id", "")
    st.session_state["nd_notice"] = wanted if wanted in labels else ids[0]

notice_id: str = st.selectbox(
    t("detail.pick"), ids, format_func=lambda i: labels.get(i, i), key="nd_notice"
)
set_query_param("id", notice_id)
meta_df = db.query("notice_meta", notice_id)
if meta_df.empty:  # the file changed under the picker
    st.warning(t("detail.gone"))
    st.stop()
meta = meta_df.iloc[0]

st.title(_text(meta["title"]) if meta["title"] else labels[notice_id])
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("col.inspected_unit"), _text(meta["inspected_unit"]))
c2.metric(t("col.inspection_body"), _text(meta["inspection_body"]))
c3.metric(t("col.as_of_date"), _field_text(meta, "as_of_date"))
c4.metric(t("col.rectification_days"), _text(meta["rectification_days"]))
if meta["inferred_dates"]:
    st.caption(
        t(
            "detail.inferred",
            fields=", ".join(
                t(f"field.{f.strip()}") for f in str(meta["inferred_dates"]).split(",") if f.strip()
            ),
        )
    )

timeline = timeline_figure(meta, lang())
if timeline.data:
    st.plotly_chart(timeline, key="timeline_chart")
else:
    st.caption(t("detail.no_dates"))

with st.expander(t("detail.metadata")):
    meta_table = pd.DataFrame(
        {
            "field": [t(f"col.{f}") for f in META_FIELDS],
            "value": [_field_text(meta, f) for f in META_FIELDS],
        }
    )
    st.dataframe(
        meta_table,
        hide_index=True,
        placeholder="—",
        column_config={"field": t("detail.field"), "value": t("detail.value")},
    )
    download(meta_table, f"notice_{notice_id}", key="dl_meta")

st.page_link(
    "views/explorer.py",
    label=t("detail.to_explorer"),
    icon=":material/table_rows:",
    query_params={"n": notice_id},
)

st.subheader(t("detail.completion"))
comp = db.query("completion_of", notice_id)
if comp.empty:
    st.info(t("detail.no_completion"))
else:
    row = comp.iloc[0]
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("col.total"), _text(row["total"]))
    k2.metric(t("col.completed"), _text(row["completed"]))
    k3.metric(
        t("col.stated_rate"), "—" if pd.isna(row["stated_rate"]) else f"{row['stated_rate']:.1f}%"
    )
    gap = (
        None
        if pd.isna(row["stated_rate"]) or pd.isna(row["computed_rate"])
        else round(float(row["computed_rate"]) - float(row["stated_rate"]), 1)
    )
    k4.metric(
        t("col.computed_rate"),
        "—" if pd.isna(row["computed_rate"]) else f"{row['computed_rate']:.1f}%",
        delta=None if not gap else f"{gap:+.1f}",
    )
    consistent = row["consistent"]
    if consistent is None or pd.isna(consistent):
        st.caption(t("detail.unchecked"))
    elif bool(consistent):
        st.success(t("detail.consistent"))
    else:
        st.warning(t("detail.inconsistent", issues=_text(row["issues"])))
    if row["sentence"]:
        st.caption(t("detail.completion_sentence", sentence=row["sentence"]))

st.subheader(t("detail.problems"))
tree = db.query("problem_tree", notice_id)
if tree.empty:
    st.info(t("detail.no_problems"))
else:
    tree = tree.copy()
    tree["display_title"] = [
        "\u3000" * max(int(lv) - 1, 0) + f"{lab or ''} {title or ''}".strip()
        for lv, lab, title in zip(tree["level"], tree["label"], tree["title"], strict=True)
    ]
    # a node without a stated status shows —, never nan (pandas reads SQL NULL as NaN)
    tree["status_label"] = tree["status"].map(
        lambda s: code_label("status", s) if isinstance(s, str) and s else "—"
    )
    counts = tree["status"].dropna().value_counts()
    st.caption(" · ".join(f"{code_label('status', s)} {n}" for s, n in counts.items()))
    st.dataframe(
        tree[["path", "display_title", "status_label", "quantity_count", "is_problem"]],
        hide_index=True,
        placeholder="—",
        column_config={
            "path": t("col.problem_path"),
            "display_title": st.column_config.TextColumn(t("col.problem_title"), width="large"),
            "status_label": t("col.status"),
            "quantity_count": st.column_config.NumberColumn(t("col.quantity_count")),
            "is_problem": st.column_config.CheckboxColumn(t("col.is_problem")),
        },
    )
    download(
        headers(
            tree.drop(columns=["display_title", "status_label"]).rename(columns={"label": "marker"})
        ),
        f"problems_{notice_id}",
        key="dl_tree",
    )

st.subheader(t("detail.anomalies"))
anomalies = db.query("anomalies", notice_id)
if anomalies.empty:
    st.caption(t("detail.no_anomalies"))
else:
    st.dataframe(headers(anomalies), hide_index=True, placeholder="—")
    download(headers(anomalies), f"anomalies_{notice_id}", key="dl_anomalies")
