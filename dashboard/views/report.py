"""打印报告 Report: the printable HTML report of one notice (``report?n=ID``) or one unit
(``report?u=NAME``), shown in the page and offered as a download (issue #11 item 9).

The HTML is :mod:`extract.report`'s — the same file ``xuncha report`` writes — so what a user
prints from here and what a cron job produces never differ. Pickers search the server (at most
:data:`PICK_LIMIT` options), never sending every notice to the browser.

Reads go through ``db.query`` (dashboard/data_report.py): cached per file version, a
short-lived read-only connection per uncached call.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data_report as dr
from dashboard import db
from dashboard.ui import lang, require_data, set_query_param, t
from extract.report import Report

PREVIEW_HEIGHT = 900


require_data()
st.title(t("report.page.title"))
st.caption(t("report.page.caption"))

wanted_notice = st.query_params.get("n", "")
wanted_unit = st.query_params.get("u", "")
by = st.radio(
    t("report.page.by"),
    ["notice", "unit"],
    index=1 if wanted_unit and not wanted_notice else 0,
    format_func=lambda v: t(f"report.page.by_{v}"),
    horizontal=True,
    key="report_by",
)

text = st.text_input(t("report.page.search"), key="report_search").strip()
kind, key = by, ""
if by == "notice":
    found = db.query(dr.report_notices, text)
    options = list(found["notice_id"])
    names = dict(zip(found["notice_id"], found["display_name"], strict=True))
    if wanted_notice and wanted_notice not in names:  # linked from elsewhere: show it too
        extra = db.query(dr.report_display_name, wanted_notice)
        if not extra.empty:
            options.insert(0, wanted_notice)
            names[wanted_notice] = str(extra.iloc[0]["display_name"])
        else:  # a stale link: say so, and show no other notice in its place
            st.warning(t("report.page.unknown_notice", id=wanted_notice))
    unknown = bool(wanted_notice) and wanted_notice not in names
    if not options:
        st.caption(t("report.page.none_found"))
    else:
        choice = st.selectbox(
            t("report.page.notice"),
            options,
            index=options.index(wanted_notice)
            if wanted_notice in options
            else (None if unknown else 0),
            format_func=lambda nid: names.get(nid, "—"),
            key="report_notice",
        )
        key = choice or ""
        set_query_param("u", None)
        if key:
            set_query_param("n", key)
else:
    found = db.query(dr.report_units, text)
    options = list(found["inspected_unit"])
    counts = dict(zip(found["inspected_unit"], found["notices"], strict=True))
    if wanted_unit and wanted_unit not in counts and not text:
        options.insert(0, wanted_unit)  # the report then says whether the unit exists
    if not options:
        st.caption(t("report.page.none_found"))
    else:
        choice = st.selectbox(
            t("report.page.unit"),
            options,
            index=options.index(wanted_unit) if wanted_unit in options else 0,
            format_func=lambda u: f"{u} ({counts[u]})" if u in counts else u,
            key="report_unit",
        )
        key = choice or ""
        set_query_param("n", None)
        set_query_param("u", key)

if key:
    report: Report | None = db.query(dr.report, kind, key, lang())
    if report is None:
        if kind == "notice":
            st.warning(t("report.page.unknown_notice", id=key))
        else:
            st.warning(t("report.page.unknown_unit", unit=key))
    else:
        st.download_button(
            t("report.page.download"),
            data=report.html.encode("utf-8"),
            file_name=report.file_name(),
            mime="text/html",
            key="report_download",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
        )
        st.caption(t("report.page.print_hint"))
        # An iframe keeps the report's print CSS off the app's own page. It is the store's text
        # HTML-escaped, with no script (tests/test_report.py), so nothing in it can run.
        st.iframe(report.html, height=PREVIEW_HEIGHT)
