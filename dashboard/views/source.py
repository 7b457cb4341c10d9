"""原文 Source text: a notice's full text with every figure highlighted and clickable, its problem
tree beside it, restated and shared passages marked (issue #11 item 2).

URL: ``source?n=<notice id>&qid=<quantity id>``. A click on a figure is a plain link to the same
page with its ``qid``: the page then shows that figure's details and scrolls to it, and the link
can be shared. The text is one HTML block built server-side (dashboard/highlight.py), so a long
notice with thousands of figures is one element, not thousands of widgets.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import data, db
from dashboard import data_units as du
from dashboard.facets import link_params
from dashboard.highlight import Mark, Passage, notice_html
from dashboard.ui import code_label, lang, require_data, set_query_param, t
from dashboard.units import shown_quantity

_CSS = """
<style>
.xs-text { line-height: 1.9; font-size: 1rem; max-height: 75vh; overflow-y: auto;
           padding: 0.5rem 1rem; border: 1px solid rgba(128,128,128,.3); border-radius: .5rem; }
.xs-text a.q { background: #ffe08a; color: inherit; text-decoration: none; border-radius: 3px;
               padding: 0 1px; border-bottom: 2px solid #d4a000; }
.xs-text a.q-sel { background: #ff8a5c; outline: 2px solid #c0392b; scroll-margin: 40vh; }
.xs-text span.rep { background: rgba(255, 235, 59, .25); }
.xs-text span.shared { background: rgba(66, 165, 245, .18); }
.xs-text span.copied { background: rgba(66, 165, 245, .35); border-bottom: 1px dashed #1565c0; }
.xs-text a.p-link { text-decoration: none; }
.xs-legend span { padding: 0 .4rem; margin-right: .5rem; border-radius: 3px; }
</style>
"""


def _href(notice_id: str, qid: int | None = None) -> str:
    """A link to this page for ``notice_id`` (and figure ``qid``), keeping the language."""
    params: dict[str, object] = {"n": notice_id}
    if qid is not None:
        params["qid"] = qid
    if lang() != "zh":
        params["lang"] = lang()
    return "source?" + urlencode(params) + (f"#q{qid}" if qid is not None else "")


def _metric_text(row: pd.Series) -> str:
    if isinstance(row["metric_id"], str) and row["metric_id"]:
        name = row["metric_name"] if isinstance(row["metric_name"], str) else ""
        return f"{name} [{row['metric_id']}]".strip()
    return t("source.no_metric")


def _tip(row: pd.Series) -> str:
    """Hover text of a figure: its value and metric, so a reader need not click every one."""
    return f"{shown_quantity(row)} · {_metric_text(row)}"


def _passage(row: pd.Series, notice_id: str) -> Passage:
    start, end = int(row["start_offset"]), int(row["end_offset"])
    if row["mark"] == "repeat":
        similarity = row["similarity"]
        shown = "—" if pd.isna(similarity) else f"{float(similarity):.2f}"
        return Passage(start, end, "rep", t("source.repeat_note", similarity=shown))
    other = row["other_notice_id"]
    others = int(row["cluster_notices"]) - 1 if not pd.isna(row["cluster_notices"]) else 1
    css = "copied" if row["label"] == "copied_measure" else "shared"
    note = t("source.shared_note", others=others, label=code_label("passage", row["label"]))
    href = _href(str(other)) if isinstance(other, str) and other and other != notice_id else ""
    return Passage(start, end, css, note, href)


def _pick_notice() -> str | None:
    """The notice from the URL (``n``, or the detail page's old ``id``), else a server-side
    search: the picker never receives every notice."""
    wanted = st.query_params.get("n", "") or st.query_params.get("id", "")
    with st.expander(t("source.search"), expanded=not wanted):
        text = st.text_input(
            t("source.search"), key="src_search", placeholder=t("source.search_placeholder")
        )
        found = db.query(data.notice_search, text or "")
        if found.empty:
            st.caption(t("source.none_found"))
        else:
            options = list(found["notice_id"])
            names = dict(zip(found["notice_id"], found["label"], strict=True))
            choice = st.selectbox(
                t("source.pick"),
                options,
                index=options.index(wanted) if wanted in options else None,
                format_func=lambda i: names.get(i, i),
                key="src_pick",
            )
            if choice and choice != wanted:
                wanted = choice
                if "qid" in st.query_params:
                    del st.query_params["qid"]
    return wanted or None


def _selected_qid() -> int | None:
    raw = st.query_params.get("qid", "")
    return int(raw) if raw.isdigit() else None


def _detail_panel(qs: pd.DataFrame, qid: int | None, notice_id: str) -> None:
    """Value, unit, metric with its rule, and problem of the figure the user clicked."""
    st.subheader(t("source.selected"))
    if qid is None:
        st.caption(t("source.pick_hint"))
        return
    hit = qs[qs["quantity_id"] == qid]
    if hit.empty:
        st.warning(t("source.qid_missing", qid=qid))
        return
    row = hit.iloc[0]
    title = row["problem_title"] if isinstance(row["problem_title"], str) else ""
    path = row["problem_path"] if isinstance(row["problem_path"], str) else ""
    problem = f"{path} {title}" if path else t("source.outside_tree")
    fields = [
        ("surface", str(row["surface"])),
        ("value", shown_quantity(row)),
        ("kind", code_label("kind", row["kind"])),
        ("metric", _metric_text(row)),
        ("rule", row["metric_rule"] if isinstance(row["metric_rule"], str) else "—"),
        ("phrase", row["metric"] if isinstance(row["metric"], str) and row["metric"] else "—"),
        ("problem", problem.strip()),
    ]
    st.markdown("\n".join(f"- **{t(f'source.field.{k}')}**: {v}" for k, v in fields))
    if not pd.isna(row["restates_quantity_id"]):
        st.caption(t("source.restates", qid=int(row["restates_quantity_id"])))
    st.page_link(
        "views/explorer.py",
        label=t("source.to_quantities"),
        icon=":material/table_rows:",
        query_params=link_params(n=notice_id, qid=str(qid)),
    )


require_data()
st.title(t("source.title"))
st.caption(t("source.caption"))
notice_id = _pick_notice()
if notice_id is None:
    st.stop()
notice = db.query(du.source_notice, notice_id)
if notice.empty:
    st.warning(t("source.gone"))
    st.stop()
set_query_param("n", notice_id)
if "id" in st.query_params:
    del st.query_params["id"]
meta = notice.iloc[0]
name = db.query(du.notice_names, (notice_id,)).get(notice_id, notice_id)
st.header(name)
unit_name = meta["inspected_unit"].strip() if isinstance(meta["inspected_unit"], str) else ""
links = st.columns(4)
links[0].page_link(
    "views/detail.py",
    label=t("source.to_detail"),
    icon=":material/description:",
    query_params=link_params(id=notice_id, n=notice_id),
)
if unit_name:
    links[1].page_link(
        "views/unit.py",
        label=t("source.to_unit"),
        icon=":material/apartment:",
        query_params=link_params(u=unit_name),
    )

qs = db.query(du.source_quantities, notice_id)
passages = db.query(du.source_passages, notice_id)
qid = _selected_qid()
marks = [
    Mark(
        int(r.quantity_id),
        int(r.start_offset),
        int(r.end_offset),
        _href(notice_id, int(r.quantity_id)),
        _tip(pd.Series(r._asdict())),
    )
    for r in qs.itertuples(index=False)
]
spans = [_passage(row, notice_id) for _, row in passages.iterrows()]
st.caption(
    t(
        "source.counts",
        quantities=len(qs),
        repeats=int((passages["mark"] == "repeat").sum()),
        shared=int((passages["mark"] == "shared").sum()),
    )
)
if len(qs) >= du.SOURCE_QUANTITY_CAP:
    st.caption(t("source.capped", n=du.SOURCE_QUANTITY_CAP))

left, right = st.columns([3, 2])
with left:
    st.html(
        _CSS
        + '<div class="xs-legend">'
        + t("source.legend")
        + f' <span style="background:#ffe08a">{t("source.legend_figure")}</span>'
        + f'<span style="background:rgba(255,235,59,.25)">{t("source.legend_repeat")}</span>'
        + f'<span style="background:rgba(66,165,245,.18)">{t("source.legend_shared")}</span>'
        + f'<span style="background:rgba(66,165,245,.35)">{t("source.legend_copied")}</span>'
        + "</div>"
        + '<div class="xs-text">'
        + notice_html(str(meta["text"]), marks, spans, selected=qid)
        + "</div>"
    )
    if qid is not None:
        # Scroll the chosen figure into view once the block is drawn (st.html runs no script
        # by default; this one only moves the page).
        st.html(
            "<script>setTimeout(function(){var e=document.getElementById('q"
            + str(qid)
            + "');if(e){e.scrollIntoView({block:'center'});}},300);</script>",
            unsafe_allow_javascript=True,
        )
with right:
    _detail_panel(qs, qid, notice_id)
    st.subheader(t("source.problems"))
    tree = db.query(data.problem_tree, notice_id)
    if tree.empty:
        st.caption(t("source.no_problems"))
    else:
        rows = []
        for r in tree.itertuples(index=False):
            status = (
                code_label("status", r.status) if isinstance(r.status, str) and r.status else ""
            )
            title = r.title if isinstance(r.title, str) else ""
            count = "" if pd.isna(r.quantity_count) else f" ({int(r.quantity_count)})"
            rows.append(
                f'<div style="padding-left:{max(int(r.level) - 1, 0) * 1.2}em">'
                f"<b>{html.escape(str(r.path))}</b> {html.escape(title)}{count}"
                + (f" · <i>{html.escape(status)}</i>" if status else "")
                + "</div>"
            )
        st.html(
            '<div class="xs-tree" style="max-height:75vh;overflow-y:auto">'
            + "".join(rows)
            + "</div>"
        )
