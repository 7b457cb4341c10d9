"""Every dashboard page under AppTest: with data, with an empty and a missing database, and
driven through its widgets. The database comes from ``XUNCHA_DB`` as in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from extract.quantities.taxonomy import taxonomy
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


def unit_of(name: str) -> str:
    """The unit a notice's display name starts with (v_notice_names: unit, kind, date)."""
    return name.split(" ")[0]


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
            ["示例县农业农村局", "反馈问题 5", "数量 20"],
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
    assert set(map(unit_of, table["label"])) == {"示例县农业农村局", "示例市财政局", "示例区教育局"}
    ratios = dict(zip(map(unit_of, table["label"]), table["completion_ratio"], strict=True))
    assert ratios["示例县农业农村局"] == pytest.approx(0.9)
    assert at.get("plotly_chart"), "completion chart drawn"
    assert any("1 份通报" in w.value for w in at.warning), "stated 100% vs computed 90% flagged"
    assert len(at.get("download_button")) >= 2


# The fixture's dates as the pages must show them: b2 was fed back in 2024年3月 (month-precise,
# stored as 2024-03-01), a1's dates are day-precise, c3 states none.
@pytest.mark.parametrize(
    ("unit", "column", "shown"),
    [
        pytest.param("示例市财政局", "feedback_date", "2024-03", id="month-precise-no-day"),
        pytest.param("示例市财政局", "as_of_date", "2024-06-30", id="day-precise-same-notice"),
        pytest.param("示例县农业农村局", "feedback_date", "2023-08-29", id="day-precise"),
        pytest.param("示例区教育局", "feedback_date", "—", id="missing-date-is-a-dash"),
    ],
)
def test_overview_dates_at_their_precision(
    unit: str, column: str, shown: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("overview", fixture_db, monkeypatch)
    table = at.dataframe[0].value
    table = table.set_index(table["label"].map(unit_of))
    assert table.loc[unit, column] == shown


def test_english_toggle(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("overview", fixture_db, monkeypatch)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Feedback problems 5" in texts(at)


# ---------------------------------------------------------------------------- compare
MISSING_CELLS = {"nan", "None", "NaT", "<NA>", "NaN"}


def assert_no_missing_cells(at: AppTest) -> None:
    """Every cell of every table on the page is a value or ``—``, never nan/None/NaT/<NA>."""
    for frame in at.dataframe:
        df = frame.value
        assert not df.isna().any().any(), df[df.isna().any(axis=1)]
        cells = {str(v) for v in df.to_numpy().ravel()}
        assert not cells & MISSING_CELLS, cells & MISSING_CELLS


def html_text(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def open_compare(
    db: Path, monkeypatch: pytest.MonkeyPatch, metrics: list[str], **kwargs: object
) -> AppTest:
    return open_page("compare", db, monkeypatch, query={"m": metrics}, **kwargs)


def test_compare_default_metrics_small_multiples(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("compare", fixture_db, monkeypatch)
    assert len(at.session_state["cmp_metrics"]) == 3, "the three most-stated metrics"
    assert len(at.get("plotly_chart")) == 3, "one ranked chart per metric and unit"
    assert_no_missing_cells(at)
    assert any("点击图中柱形" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("metrics", "totals", "absent"),
    [
        pytest.param(["study.collective"], {"合计(次)": "29次"}, [], id="restated-counted-once"),
        pytest.param(["funds.recovered"], {"合计(元)": "2500万元"}, [], id="money-in-wan-yuan"),
        pytest.param(
            ["training.participants"],
            {"合计(人)": "300人", "合计(人次)": "500人次"},
            [],
            id="one-chart-and-total-per-unit",
        ),
        pytest.param(["rect.completion_rate"], {}, ["合计(%)"], id="percent-never-summed"),
        pytest.param(["economy.output"], {}, ["合计(元)"], id="none-metric-never-summed"),
        pytest.param(["rect.problems_total"], {"合计(个)": "30个"}, [], id="headline-total"),
    ],
)
def test_compare_totals_on_canonical_metrics(
    metrics: list[str],
    totals: dict[str, str],
    absent: list[str],
    fixture_db: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = open_compare(fixture_db, monkeypatch, metrics)
    shown = {m.label: m.value for m in at.metric}
    for name, value in totals.items():
        assert shown.get(name) == value, shown
    for name in absent:
        assert name not in shown
    assert_no_missing_cells(at)


def test_compare_none_metric_side_by_side_with_disagreement(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_compare(fixture_db, monkeypatch, ["economy.output"])
    table = at.dataframe(key="cmp_table").value
    assert list(table["shown_value"]) == ["3亿元", "—"]
    assert "无单一数值" in table["note"].iloc[1]
    assert any("不相加" in c.value for c in at.caption)
    assert_no_missing_cells(at)


def test_compare_row_selection_shows_sentences_highlighted(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_compare(fixture_db, monkeypatch, ["study.collective"])
    table = at.dataframe(key="cmp_table").value
    row = list(map(unit_of, table["label"])).index("示例县农业农村局")
    at.session_state["cmp_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    html = html_text(at)
    assert html.count("<mark>17次</mark>") == 2, "the figure and its restatement"
    shown = texts(at)
    assert "复述第 4 个数量,只计一次" in shown and "计入" in shown
    assert "学习制度落实不到位" in shown, "the problem it belongs to"
    assert "study.collective.fixture" in shown, "the rule that gave the metric"


def test_compare_bar_click_shows_that_notices_sentences(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_compare(fixture_db, monkeypatch, ["funds.recovered"])
    at.session_state["cmp_chart_funds.recovered_元"] = {
        "selection": {
            "points": [{"point_index": 1, "customdata": ["b2b2b2b2b2b2b2b2", 1]}],
            "point_indices": [1],
            "box": [],
            "lasso": [],
        }
    }
    at.run()
    assert not at.exception
    assert "追回资金<mark>500万元</mark>" in html_text(at)
    assert "2000万元" not in html_text(at)


def test_compare_total_opens_every_statement_behind_it(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_compare(fixture_db, monkeypatch, ["study.collective"])
    at.button(key="cmp_total_study.collective_次").click().run()
    assert not at.exception
    assert any("全部通报:共 3 条陈述" in c.value for c in at.caption)
    assert html_text(at).count("<mark>") == 3
    assert_no_missing_cells(at)


def test_compare_reads_notices_and_family_from_the_url(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(
        "compare",
        fixture_db,
        monkeypatch,
        query={"n": ["a1a1a1a1a1a1a1a1", "no-such-id"], "f": "funds", "m": "funds.recovered"},
    )
    assert at.multiselect(key="cmp_notices").value == ["a1a1a1a1a1a1a1a1"]
    assert at.session_state["cmp_family"] == "funds"
    assert {m.label: m.value for m in at.metric}["合计(元)"] == "2000万元"
    assert list(map(unit_of, at.dataframe(key="cmp_table").value["label"])) == ["示例县农业农村局"]


def test_compare_notice_search_is_server_side(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("compare", fixture_db, monkeypatch)
    at.text_input(key="cmp_search").set_value("财政").run()
    assert not at.exception
    assert list(map(unit_of, at.multiselect(key="cmp_notices").options)) == ["示例市财政局"]


def test_compare_english_names_and_no_metric(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_compare(fixture_db, monkeypatch, ["funds.recovered"], lang="en")
    assert "Funds recovered" in frames_text(at) or "recovered" in frames_text(at).lower()
    at.multiselect(key="cmp_metrics").set_value([]).run()
    assert not at.exception
    assert any("Choose at least one metric" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("lang", "field", "other"),
    [
        pytest.param(None, "description_zh", "description", id="chinese-page-chinese-definition"),
        pytest.param("en", "description", "description_zh", id="english-page-english-definition"),
    ],
)
def test_compare_definition_in_the_interface_language(
    lang: str | None, field: str, other: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The definition under each chart is the taxonomy's text in the page's language only."""
    at = open_compare(fixture_db, monkeypatch, ["funds.recovered"], lang=lang)
    metric = taxonomy().by_id()["funds.recovered"]
    captions = "\n".join(c.value for c in at.caption)
    assert getattr(metric, field) in captions
    assert getattr(metric, other) not in captions


def test_compare_coverage_tab(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page("compare", fixture_db, monkeypatch)
    assert not any("phrase" in f.value.columns for f in at.dataframe), "runs only when open"
    at.session_state["cmp_tab"] = "指标覆盖率"  # the user opens the coverage tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("plotly_chart"), "the closed compare tab does not run"
    assert {m.label: m.value for m in at.metric}["已归类比例"] == "88.2%"
    phrases = next(f.value for f in at.dataframe if "phrase" in f.value.columns)
    assert list(phrases["phrase"]) == ["整治撂荒土地", "新建道路"]
    assert at.download_button(key="dl_todo")
    at.button(key="cmp_prepare_unassigned").click().run()
    assert not at.exception and at.download_button(key="dl_unassigned")
    assert_no_missing_cells(at)


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


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        pytest.param("反馈日期", "2024-03", id="month-precise-no-day"),
        pytest.param("截至日期", "2024-06-30", id="day-precise"),
        pytest.param("落款日期", "2024-07-10", id="signed-day-precise"),
        pytest.param("发布日期", "—", id="missing-is-a-dash"),
    ],
)
def test_detail_metadata_dates_at_their_precision(
    field: str, shown: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("detail", fixture_db, monkeypatch, query={"id": "b2b2b2b2b2b2b2b2"})
    meta = at.dataframe[0].value.set_index("field")
    assert meta.loc[field, "value"] == shown


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


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    return build_ingested_db(tmp_path_factory.mktemp("corpus") / "corpus.duckdb", corpus_files)


def test_compare_on_the_real_corpus(corpus_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The five real notices: charts draw, every total's sources open, no missing cells."""
    at = open_page("compare", corpus_db, monkeypatch)
    assert at.get("plotly_chart")
    assert_no_missing_cells(at)
    totals = [b for b in at.get("button") if str(b.proto.id).find("cmp_total_") >= 0]
    assert totals, "the default metrics have totals"
    at.button(key=totals[0].key).click().run()
    assert not at.exception and "<mark>" in html_text(at)
    assert_no_missing_cells(at)


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
    assert set(results) == {20, 4}  # all, and the four in sentences or problems about 学习


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
