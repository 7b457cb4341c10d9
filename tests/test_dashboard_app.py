"""Every dashboard page under AppTest: with data, with an empty and a missing database, and
driven through its widgets. The database comes from ``XUNCHA_DB`` as in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard_fixtures import (
    APP,
    PAGES,
    build_empty_db,
    build_fixture_db,
    build_ingested_db,
    require_ingest,
    sample_notice_files,
)

TIMEOUT = 60


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("app") / "fixture.duckdb")


def open_page(
    page: str,
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    lang: str | None = None,
    query: dict[str, object] | None = None,
) -> AppTest:
    """Run the app on ``page`` (a key of PAGES) against ``db``; fail on any exception."""
    monkeypatch.setenv("XUNCHA_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if lang:
        at.session_state["lang"] = lang
    if query:
        at.query_params.update(query)
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """All visible text of the page, joined, for "is it shown" assertions."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "code",
    ):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def frames_text(at: AppTest) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


# ------------------------------------------------------------------- every page with data
@pytest.mark.parametrize(
    ("page", "title", "shown"),
    [
        pytest.param(
            "overview",
            "总览",
            ["示例县农业农村局", "反馈问题 5", "数量 12"],
            id="overview-kpis-and-table",
        ),
        pytest.param("compare", "对比", ["示例市财政局"], id="compare-default-notices"),
        pytest.param("explorer", "数据明细", ["2000万元", "1.5亿元"], id="explorer-all-rows"),
        pytest.param("detail", "示例市财政局", ["市委第三巡察组"], id="detail-newest-notice"),
        pytest.param("sql", "SQL 查询", ["notices"], id="sql-schema-browser"),
        pytest.param("import", "导入通报", ["xuncha ingest"], id="import-page"),
    ],
)
def test_page_renders_with_data(
    page: str, title: str, shown: list[str], fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(page, fixture_db, monkeypatch)
    assert any(title in el.value for el in at.title)
    visible = texts(at) + frames_text(at) + "\n".join(str(e.label) for e in at.expander)
    for item in shown:
        assert item in visible, item


@pytest.mark.parametrize("page", ["overview", "compare", "explorer", "detail", "sql"])
@pytest.mark.parametrize("state", ["missing", "empty"])
def test_first_run_page_instead_of_an_error(
    page: str, state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "x.duckdb"
    if state == "empty":
        build_empty_db(db)
    at = open_page(page, db, monkeypatch)
    assert at.title[0].value == "欢迎使用 xuncha"
    assert "xuncha ingest data/" in texts(at)
    assert at.get("page_link"), "the first-run page links to the Import page"
    assert not at.error


def test_import_page_works_without_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("import", tmp_path / "none.duckdb", monkeypatch)
    assert at.title[0].value == "导入通报"
    assert at.button(key="import_run").disabled


def test_corrupt_file_gives_a_readable_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a duckdb file" * 100)
    at = open_page("overview", bad, monkeypatch)
    assert at.error and str(bad) in at.error[0].value


# --------------------------------------------------------------------------- overview
def test_overview_table_chart_and_mismatch(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("overview", fixture_db, monkeypatch)
    table = at.dataframe[0].value
    assert len(table) == 3
    assert set(table["label"]) == {"示例县农业农村局", "示例市财政局", "示例区教育局"}
    ratios = dict(zip(table["label"], table["completion_ratio"], strict=True))
    assert ratios["示例县农业农村局"] == pytest.approx(0.9)
    assert at.get("plotly_chart"), "completion chart drawn"
    assert any("1 份通报" in w.value for w in at.warning), "stated 100% vs computed 90% flagged"
    assert len(at.get("download_button")) >= 2


def test_english_toggle(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("overview", fixture_db, monkeypatch)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Feedback problems 5" in texts(at)


# ---------------------------------------------------------------------------- compare
def test_compare_preset_and_notice_pick(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("compare", fixture_db, monkeypatch)
    at.button_group(key="cmp_preset").set_value("资金 · 元").run()
    assert not at.exception
    assert at.selectbox(key="cmp_kind").value == "money"
    assert at.text_input(key="cmp_metric").value == "资金"
    table = at.dataframe[0].value
    assert set(table["通报"]) == {"示例县农业农村局", "示例市财政局"}
    assert "合计(元) 1.7亿元" in texts(at)

    at.multiselect(key="cmp_notices").set_value(["a1a1a1a1a1a1a1a1"]).run()
    assert not at.exception
    assert list(at.dataframe[0].value["通报"]) == ["示例县农业农村局"]
    assert "合计(元) 2000万元" in texts(at)
    assert (
        at.query_params["n"] == ["a1a1a1a1a1a1a1a1"] or at.query_params["n"] == "a1a1a1a1a1a1a1a1"
    )


def test_compare_reads_filters_from_the_url(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        "compare",
        fixture_db,
        monkeypatch,
        query={"kind": "area", "n": ["a1a1a1a1a1a1a1a1", "no-such-id"]},
    )
    assert at.multiselect(key="cmp_notices").value == ["a1a1a1a1a1a1a1a1"]
    assert at.selectbox(key="cmp_kind").value == "area"
    assert "合计(亩) 1000亩" in texts(at)


def test_compare_with_nothing_matching(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("compare", fixture_db, monkeypatch)
    at.text_input(key="cmp_metric").set_value("不存在的指标").run()
    assert not at.exception
    assert any("没有符合条件" in i.value for i in at.info)


# --------------------------------------------------------------------------- explorer
def test_explorer_filter_and_row_selection(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("explorer", fixture_db, monkeypatch)
    at.multiselect(key="qx_kinds").set_value(["area"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["surface"]) == ["1000亩"]

    at.session_state["qx_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    html = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert "<mark>1000亩</mark>" in html
    assert "&lt;含试点&gt;" in html, "sentence text is escaped"
    assert "项目资金管理不规范" in texts(at), "the problem it belongs to is shown"


def test_explorer_problem_filter_and_bad_range(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("explorer", fixture_db, monkeypatch)
    at.multiselect(key="qx_notices").set_value(["a1a1a1a1a1a1a1a1"]).run()
    at.selectbox(key="qx_problem").set_value("一").run()
    assert set(at.dataframe[0].value["surface"]) == {"17次", "300余人"}
    at.number_input(key="qx_min").set_value(10).run()
    at.number_input(key="qx_max").set_value(5).run()
    assert not at.exception
    assert at.warning and not at.dataframe


# ----------------------------------------------------------------------------- detail
def test_detail_shows_tree_anomalies_and_completion_check(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("detail", fixture_db, monkeypatch)
    at.selectbox(key="nd_notice").set_value("a1a1a1a1a1a1a1a1").run()
    assert not at.exception
    shown = texts(at)
    assert "示例县农业农村局" in at.title[0].value
    assert "不一致" in shown and "通报完成率 100.0%" in shown
    tree = at.dataframe[1].value
    assert list(tree["path"]) == ["一", "一/(一)", "二"]
    assert "编号从(一)跳到(三)" in frames_text(at)
    assert at.get("plotly_chart"), "timeline drawn"


def test_detail_opened_from_a_shared_link(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("detail", fixture_db, monkeypatch, query={"id": "c3c3c3c3c3c3c3c3"})
    assert "示例区教育局" in at.title[0].value
    assert "通报中未找到日期。" in texts(at)


# -------------------------------------------------------------------------------- SQL
def test_sql_example_runs_in_one_click(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("sql", fixture_db, monkeypatch)
    at.button(key="sql_example_1").click().run()
    assert not at.exception
    result = at.dataframe[0].value
    assert set(result["inspected_unit"]) == {"示例县农业农村局", "示例市财政局"}
    assert at.get("download_button")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        pytest.param("DELETE FROM notices", "只允许只读的 SELECT", id="delete"),
        pytest.param("SELECT 1; SELECT 2", "一次只能运行一条语句", id="two-statements"),
        pytest.param("SELECT * FROM read_text('/etc/passwd')", "查询出错", id="file-read"),
        pytest.param("SELECT * FROM noticez", "查询出错", id="typo"),
    ],
)
def test_sql_refusals_are_readable(
    sql: str, message: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("sql", fixture_db, monkeypatch)
    at.text_area(key="sql_text").set_value(sql)
    at.button(key="sql_run").click().run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert not at.dataframe


def test_sql_truncation_notice(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("sql", fixture_db, monkeypatch)
    at.text_area(key="sql_text").set_value("SELECT * FROM range(1500)")
    at.button(key="sql_run").click().run()
    assert len(at.dataframe[0].value) == 1000
    assert any("截断" in w.value for w in at.warning)


# ------------------------------------------------------- real ingest: upload and samples
def test_import_upload_then_overview_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_ingest()
    from tests.notice_factory import notice_text

    db = tmp_path / "live.duckdb"
    at = open_page("import", db, monkeypatch)
    at.file_uploader(key="import_files").set_value(
        [
            ("青禾.txt", notice_text("测试开发区").encode("utf-8"), "text/plain"),
            ("空.txt", b"", "text/plain"),
        ]
    ).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    assert any("新增 1" in s.value for s in at.success)
    assert any("空.txt" in e.value and "文件为空" in e.value for e in at.error)
    at.switch_page(PAGES["overview"]).run()
    assert not at.exception
    assert "测试开发区" in "".join(at.dataframe[0].value["label"])


@pytest.mark.parametrize("page", ["overview", "compare", "explorer", "detail"])
def test_pages_on_the_ingested_sample_notices(
    page: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path_factory.getbasetemp() / "samples.duckdb"
    if not db.exists():
        build_ingested_db(db, sample_notice_files())
    at = open_page(page, db, monkeypatch)
    assert at.title and at.title[0].value != "欢迎使用 xuncha"


def test_app_reopens_after_the_file_is_swapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest replaces the live file (os.replace); the next run must read the new file."""
    import os

    live = build_empty_db(tmp_path / "live.duckdb")
    at = open_page("overview", live, monkeypatch)
    assert at.title[0].value == "欢迎使用 xuncha"
    os.replace(build_fixture_db(tmp_path / "next.duckdb"), live)
    at.run()
    assert not at.exception
    assert at.title[0].value == "总览"
    assert "通报 3" in texts(at)


def test_cursors_per_query_survive_parallel_sessions(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached connection shared by threads: each query takes its own cursor (notes §2)."""
    from concurrent.futures import ThreadPoolExecutor

    from dashboard import data, db
    from extract.store import file_signature

    monkeypatch.setenv("XUNCHA_DB", str(fixture_db))
    con = db._connection(str(fixture_db), file_signature(fixture_db))

    def work(i: int) -> int:
        with con.cursor() as cur:
            return len(data.quantities(cur, data.QuantityFilter(text="学习" if i % 2 else "")))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(40)))
    assert set(results) == {12, 3}  # all, and the three in sentences about 学习


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_no_untranslated_label_keys_shown(
    page: str, lang: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing label falls back to its key (e.g. ``col.xyz``); none may reach the screen."""
    import re

    at = open_page(page, fixture_db, monkeypatch, lang=lang)
    shown = texts(at) + "\n".join(",".join(map(str, df.value.columns)) for df in at.dataframe)
    shown += "\n".join(str(getattr(w, "label", "")) for w in at.get("button"))
    leaks = re.findall(
        r"\b(?:col|nav|field|status|kind|chart|compare|explorer|detail|sql|"
        r"import|overview|first_run|kpi|table|timeline)\.[a-z_.]+\b",
        shown,
    )
    assert not leaks
