"""通报详情 Notice detail: metadata, timeline, problem tree, anomalies, completion check.

The facet bar (sidebar, in the URL, shared with every page) narrows the notice picker: on a
store of thousands of notices a supervisor finds "this year's 县级 巡察 notices" by facets and
then by name. The picker searches the server (``data.notice_search`` under the facet
predicate), so the browser receives at most ``NOTICE_PICK_LIMIT`` notices, never all of them.
A notice named in the URL (``n``) stays shown even when the facets would leave it out: a link
must open what it names, and changing a facet must not swap the notice being read.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import data, db
from dashboard import data_units as du
from dashboard.charts import timeline_figure
from dashboard.facets import facet_bar, link_params, query_args
from dashboard.highlight import highlight_html
from dashboard.i18n import bilingual_part
from dashboard.ui import (
    anomaly_rows,
    code_label,
    download,
    headers,
    lang,
    require_data,
    set_query_param,
    t,
)
from dashboard.units import PRECISE_DATE_FIELDS, format_date, shown_quantity

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


def _figures_html(df: pd.DataFrame, notice_id: str) -> str:
    """The figures behind a cell, one line each: the value, its metric, the sentence with the
    number highlighted, and a link to it on the 原文 page (the last step of the drill-down)."""
    lines = []
    for r in df.itertuples(index=False):
        row = pd.Series(r._asdict())
        metric = f" · {r.metric_name} [{r.metric_id}]" if isinstance(r.metric_id, str) else ""
        offset = None if pd.isna(r.offset_in_sentence) else int(r.offset_in_sentence)
        href = html.escape(
            "source?"
            + urlencode({"n": notice_id, "qid": int(r.quantity_id)})
            + f"#q{int(r.quantity_id)}"
        )
        lines.append(
            f"<li><b>{html.escape(shown_quantity(row))}</b>{html.escape(metric)}"
            f"<br>{highlight_html(str(r.sentence), str(r.surface), offset)} "
            f'<a href="{href}" target="_self">{html.escape(t("drill.open_source"))} ↗</a></li>'
        )
    return '<ul style="line-height:1.7">' + "".join(lines) + "</ul>"


require_data()
# The notice: the URL's ``n`` (shared contract) or its old ``id``; the picker searches the server
# (data.notice_search) so it never receives every notice of a big store.
wanted = st.query_params.get("n", "") or st.query_params.get("id", "")
facet_pred, facet_params = query_args(facet_bar(db.query, key="notice"))
search = st.text_input(
    t("source.search"), key="nd_search", placeholder=t("source.search_placeholder")
)
options = db.query(
    data.notice_search, search or "", data.NOTICE_PICK_LIMIT, facet_pred, facet_params
)
labels = dict(zip(options["notice_id"], options["label"], strict=True))
if wanted and wanted not in labels:
    labels.update(db.query(du.notice_names, (wanted,)))
ids = list(labels)
if not ids:
    st.info(t("source.none_found"))
    st.stop()
if "nd_notice" not in st.session_state or st.session_state["nd_notice"] not in labels:
    st.session_state["nd_notice"] = wanted if wanted in labels else ids[0]

notice_id: str = st.selectbox(
    t("detail.pick"), ids, format_func=lambda i: labels.get(i, i), key="nd_notice"
)
set_query_param("id", notice_id)
set_query_param("n", notice_id)
meta_df = db.query(data.notice_meta, notice_id)
if meta_df.empty:  # the file changed under the picker
    st.warning(t("detail.gone"))
    st.stop()
meta = meta_df.iloc[0]

# The one display name (v_notices.display_name: unit + kind + date, aliases applied), never a
# scraped URL line; the notice's own title, when it has one, follows as a caption.
st.title(_text(meta["display_name"]))
_own_title = str(meta["title"] or "").strip()
if _own_title and _own_title != str(meta["display_name"]).strip() and "://" not in _own_title:
    st.caption(_text(_own_title[:200]))
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

l1, l2, l3 = st.columns(3)
l1.page_link(
    "views/explorer.py",
    label=t("detail.to_explorer"),
    icon=":material/table_rows:",
    query_params=link_params(n=notice_id),
)
l2.page_link(
    "views/source.py",
    label=t("source.title"),
    icon=":material/article:",
    query_params=link_params(n=notice_id),
)
if isinstance(meta["inspected_unit"], str) and meta["inspected_unit"].strip():
    l3.page_link(
        "views/unit.py",
        label=t("source.to_unit"),
        icon=":material/apartment:",
        query_params=link_params(u=meta["inspected_unit"].strip()),
    )

st.subheader(t("detail.completion"))
comp = db.query(data.completion_of, notice_id)
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
    # v_completion.rate_gap is stated minus recomputed (the one definition); the delta under
    # the recomputed rate is therefore its negative: how far the recomputation is from the claim.
    gap = None if pd.isna(row["rate_gap"]) else round(-float(row["rate_gap"]), 1)
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
        st.warning(t("detail.inconsistent", issues=_text(bilingual_part(row["issues"], lang()))))
    if row["sentence"]:
        st.caption(t("detail.completion_sentence", sentence=row["sentence"]))
    behind = db.query(du.completion_quantities, notice_id)
    if not behind.empty:
        with st.expander(t("drill.completion_sources")):
            st.html(_figures_html(behind, notice_id))

st.subheader(t("detail.problems"))
tree = db.query(data.problem_tree, notice_id)
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
    picked = st.dataframe(
        tree[["path", "display_title", "status_label", "quantity_count", "is_problem"]],
        hide_index=True,
        placeholder="—",
        on_select="rerun",
        selection_mode="single-row",
        key="nd_tree",
        column_config={
            "path": t("col.problem_path"),
            "display_title": st.column_config.TextColumn(t("col.problem_title"), width="large"),
            "status_label": t("col.status"),
            "quantity_count": st.column_config.NumberColumn(t("col.quantity_count")),
            "is_problem": st.column_config.CheckboxColumn(t("col.is_problem")),
        },
    )
    # Drill-down: the selected node's figures, each in its sentence, each a link to 原文.
    chosen_rows = picked.selection.rows if picked is not None else []  # type: ignore[union-attr]
    if chosen_rows:
        path = str(tree.iloc[chosen_rows[0]]["path"])
        st.markdown(f"**{t('drill.quantities')}** · {path}")
        inside = db.query(du.problem_quantities, notice_id, path)
        if inside.empty:
            st.caption(t("drill.no_quantities"))
        else:
            st.html(_figures_html(inside, notice_id))
    else:
        st.caption(t("drill.pick_problem"))
    download(
        headers(
            tree.drop(columns=["display_title", "status_label"]).rename(columns={"label": "marker"})
        ),
        f"problems_{notice_id}",
        key="dl_tree",
    )

st.subheader(t("detail.anomalies"))
anomalies = db.query(data.anomalies, notice_id)
if anomalies.empty:
    st.caption(t("detail.no_anomalies"))
else:
    st.dataframe(headers(anomaly_rows(anomalies)), hide_index=True, placeholder="—")
    download(headers(anomalies), f"anomalies_{notice_id}", key="dl_anomalies")
