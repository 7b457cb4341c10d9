"""The printable report in a real browser: Chromium prints it to PDF with no outside request,
and the 打印报告 page shows it over the real corpus.

Reuses the browser helpers of tests/test_dashboard_browser.py (the Debian Chromium, the
Streamlit server over the corpus store); skipped like them when Chromium cannot be had, failed
under ``CI=true``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.report import notice_report, unit_report
from extract.store import open_readonly
from tests import test_dashboard_browser as helpers
from tests.test_dashboard_browser import SCREENSHOTS, UI_TIMEOUT_MS, _settle, _shot

# The helper module's fixtures, made available here by name (pytest finds them as attributes).
chromium = helpers.chromium
browser = helpers.browser
corpus_store = helpers.corpus_store
corpus_server = helpers.corpus_server
corpus_page = helpers.corpus_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _reports(store: Path) -> list[tuple[str, str, str]]:
    """(name, HTML, display name) of the first corpus notice's report and its unit's report."""
    con = open_readonly(store)
    try:
        notice_id, unit, name = con.execute(
            "SELECT notice_id, inspected_unit, display_name FROM v_notices "
            "WHERE inspected_unit IS NOT NULL ORDER BY notice_id LIMIT 1"
        ).fetchone()
        return [
            ("notice", notice_report(con, notice_id).html, name),
            ("unit", unit_report(con, unit).html, name),
        ]
    finally:
        con.close()


def test_chromium_prints_the_report_to_pdf_without_requests(  # type: ignore[no-untyped-def]
    browser, corpus_store: Path, tmp_path: Path
) -> None:
    import pypdfium2 as pdfium

    for name, html, display_name in _reports(corpus_store):
        context = browser.new_context(locale="zh-CN")
        requests: list[str] = []
        context.route(
            "**/*", lambda route, seen=requests: (seen.append(route.request.url), route.abort())
        )
        tab = context.new_page()
        tab.set_content(html, wait_until="load")
        tab.emulate_media(media="print")
        out = tmp_path / f"{name}.pdf"
        tab.pdf(path=str(out), format="A4", print_background=False)
        context.close()
        assert requests == [], f"the {name} report asked for {requests}"
        data = out.read_bytes()
        assert data.startswith(b"%PDF")
        pdf = pdfium.PdfDocument(data)
        try:
            assert len(pdf) >= 1
            text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
        assert any(ch.isdigit() for ch in text)  # figures print with any font
        if helpers._has_cjk_font():  # without one, Chinese prints as boxes
            assert display_name in text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"report_{name}.pdf").write_bytes(data)


def test_report_page_over_corpus_in_chromium(  # type: ignore[no-untyped-def]
    corpus_page, corpus_server: str, corpus_store: Path
) -> None:
    con = open_readonly(corpus_store)
    try:
        notice_id, display_name = con.execute(
            "SELECT notice_id, display_name FROM v_notices ORDER BY notice_id LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    corpus_page.goto(f"{corpus_server}/report?n={notice_id}")
    _settle(corpus_page)
    corpus_page.get_by_text("下载报告(HTML)").wait_for(timeout=UI_TIMEOUT_MS)
    frame = next(
        f for f in corpus_page.frames if f != corpus_page.main_frame and f.query_selector("mark")
    )
    assert display_name in frame.inner_text("h1")
    _shot(corpus_page, "report")
