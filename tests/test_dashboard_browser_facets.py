"""Facets and drill-down in a real browser, over the store of the five real notices.

AppTest never runs the frontend: only a browser shows that a facet chosen in a link is drawn as
chosen after a reload, that the URL keeps it, and that a click on a Compare bar opens the
sentences behind it. The server, browser and settle helpers are tests/test_dashboard_browser.py's.
Every expected figure is read from the store, never typed in: the corpus may change.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dashboard.data import facet_notice_count
from dashboard.facets import Facets, facet_sql
from extract.store import open_readonly
from tests.dashboard_fixtures import build_ingested_db
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures used by name)
    _free_port,
    _settle,
    _shot,
    browser,
    chromium,
    dashboard_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    return build_ingested_db(tmp_path_factory.mktemp("corpus") / "corpus.duckdb", corpus_files)


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory, corpus_db: Path) -> Iterator[str]:
    log = tmp_path_factory.getbasetemp() / "streamlit-facets.log"
    with dashboard_server(corpus_db, log) as url:
        yield url


@pytest.fixture
def tab(browser, corpus_server: str):  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _most_common(con: duckdb.DuckDBPyConnection, facet: str) -> tuple[str, int]:
    """The value of ``facet`` the most corpus notices share, and how many notices have it."""
    row = con.execute(
        "SELECT value, count(DISTINCT notice_id) AS n FROM v_facets WHERE facet = ? "
        "GROUP BY value ORDER BY n DESC, value LIMIT 1",
        [facet],
    ).fetchone()
    if row is None:
        pytest.skip(f"no corpus notice has a {facet} value")
    return str(row[0]), int(row[1])


def test_facets_restored_from_a_url_and_kept_on_reload(tab, corpus_server: str, corpus_db: Path):  # type: ignore[no-untyped-def]
    with open_readonly(corpus_db) as con:
        status, _ = _most_common(con, "status")
        body, _ = _most_common(con, "body")
        pred, params = facet_sql(Facets(status=(status,), body=(body,)))
        expected = facet_notice_count(con, pred, params)
    query = urllib.parse.urlencode({"status": status, "body": body, "lang": "zh"})
    tab.goto(f"{corpus_server}/?{query}")
    tab.get_by_role("heading", name="总览").wait_for()
    _settle(tab)
    kpi = tab.get_by_test_id("stMetric").filter(has_text="通报").first
    assert kpi.get_by_test_id("stMetricValue").inner_text().strip() == f"{expected:,}"
    sidebar = tab.get_by_test_id("stSidebar")
    sidebar.get_by_text(body, exact=True).first.wait_for()
    tab.reload()
    _settle(tab)
    assert kpi.get_by_test_id("stMetricValue").inner_text().strip() == f"{expected:,}"
    params_now = urllib.parse.parse_qs(urllib.parse.urlparse(tab.url).query)
    assert params_now.get("status") == [status] and params_now.get("body") == [body]
    # 复制链接 copies the address with every parameter (it lives in a same-origin frame).
    copy = tab.frame_locator("iframe").get_by_role("button", name="复制链接")
    copy.click()
    tab.frame_locator("iframe").get_by_text("已复制").wait_for()
    assert tab.evaluate("navigator.clipboard.readText()") == tab.url
    _shot(tab, "facets_overview")


def test_compare_bar_drills_down_to_the_sentence(tab, corpus_server: str, corpus_db: Path):  # type: ignore[no-untyped-def]
    with open_readonly(corpus_db) as con:
        row = con.execute(
            "SELECT metric_id, unit FROM v_metric_values WHERE value IS NOT NULL "
            "AND aggregate = 'sum' GROUP BY metric_id, unit "
            "ORDER BY count(*) DESC, metric_id, unit LIMIT 1"
        ).fetchone()
    if row is None:
        pytest.skip("no summed metric in the corpus")
    metric_id = str(row[0])
    tab.goto(f"{corpus_server}/compare?m={urllib.parse.quote(metric_id)}")
    tab.get_by_role("heading", name="对比").wait_for()
    _settle(tab)
    bar = tab.locator(".js-plotly-plot .bars path").first
    bar.wait_for()
    # Plotly's drag layer lies over the bars: click where the bar is, as a user does.
    box = bar.bounding_box()
    assert box is not None
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _settle(tab)
    tab.locator("mark").first.wait_for()
    tab.get_by_role("link", name="在原文中查看").first.wait_for()
    _shot(tab, "facets_compare_drill")
