"""AppTest and view tests of the 原文 (source), unit, units and trends pages and the detail page's
drill-down (issue #11 items 2-4).

The fixture store is tests/dashboard_fixtures.py's three fictional notices plus, here, a second
notice of 示例县农业农村局 (a later round), one restated passage and one passage shared with
another unit's notice, so every mark, aggregate rule and link has a case. Each table row names
what it covers.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, data
from dashboard import data_units as du
from dashboard.highlight import Mark, Passage, notice_html
from tests.dashboard_fixtures import APP, NOTICES, Q, S, build_fixture_db
from tests.test_dashboard_app import TIMEOUT, assert_no_missing_cells, html_text, texts

A1, B2, C3, A2 = "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2", "c3c3c3c3c3c3c3c3", "a2a2a2a2a2a2a2a2"
UNIT_A = "示例县农业农村局"
MISSING = re.compile(r"\b(nan|None|NaT|NaN)\b|<NA>")

# A later round of 示例县农业农村局: 追回资金 300万元 more (sum metric: 2000万 + 300万 over the
# unit), a completion rate of 98% (none metric: the latest notice's value, never added).
A2_NOTICE = dataclasses.replace(
    NOTICES[0],
    notice_id=A2,
    dates={"feedback_date": date(2024, 9, 1), "as_of_date": date(2025, 3, 31)},
    problems=[("一", "整改不彻底", "completed")],
    sentences=[
        S(
            "追回资金300万元,完成率98%。",
            "一",
            [
                Q("300万元", "money", 3_000_000, "元", "追回资金", "funds.recovered"),
                Q("98%", "percent", 98.0, "%", "完成率", "rect.completion_rate"),
            ],
        )
    ],
    completion={
        "total": 5,
        "completed": 5,
        "stated_rate": 98.0,
        "computed_rate": 100.0,
        "consistent": False,
        "issues": "stated 98% but 5/5 completed",
    },
    # a metadata gap, not a structure fault: never counted as an anomaly of the unit
    anomalies=[("missing_signature", "notice end", "no signature")],
)


def _span(
    con: duckdb.DuckDBPyConnection, notice_id: str, needle: str, nth: int = 0
) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``needle`` in the stored text of ``notice_id``."""
    row = con.execute("SELECT text FROM notices WHERE notice_id = ?", [notice_id]).fetchone()
    assert row is not None
    text, start = str(row[0]), -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_fixture_db(
        tmp_path_factory.mktemp("pages") / "pages.duckdb", [*NOTICES, A2_NOTICE]
    )
    con = duckdb.connect(str(path))
    try:
        # a1's 附件 restates its own 组织专题学习17次 (a restatement of earlier text)
        copy = _span(con, A1, "组织专题学习17次", nth=1)
        first = _span(con, A1, "组织专题学习17次", nth=0)
        con.execute(
            "INSERT INTO repeated_passages VALUES (?, 1, ?, ?, ?, ?, 1.0, 'exact', 'restatement')",
            [A1, *copy, *first],
        )
        # 追回资金… is shared by a1 and b2, notices of two units: a copied measure
        for i, notice_id in enumerate((A1, B2)):
            start, end = _span(con, notice_id, "追回资金")
            con.execute(
                "INSERT INTO passages VALUES (?, ?, ?, ?, 42, 'cl1')",
                [notice_id, 100 + i, start, end],
            )
        con.execute(
            "INSERT INTO shared_clusters "
            "VALUES ('cl1', 'copied_measure', 2, TIMESTAMP '2024-08-01')"
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture()
def con(store: Path) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(str(store), read_only=True)
    yield c
    c.close()


def open_app(
    script: str,
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    query: dict[str, object] | None = None,
) -> AppTest:
    """Run ``views/<script>.py`` with ``query`` in the URL; fail on any exception."""
    monkeypatch.setenv("XUNCHA_DB", str(store))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query or {})
    at.run()
    at.switch_page(f"views/{script}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_clean(at: AppTest) -> None:
    """No nan/None/NaT/<NA> in the page's text, HTML or grid cells."""
    assert not MISSING.search(texts(at)), MISSING.search(texts(at))
    assert not MISSING.search(html_text(at).replace("None;", "")), "html"
    assert_no_missing_cells(at)


# ------------------------------------------------------------------ notice_html (pure)

HTML_CASES = [
    pytest.param(
        "共17次<b>",
        [Mark(1, 1, 4, "?q=1", "17次")],
        [],
        None,
        ['<a class="q" id="q1" href="?q=1" target="_self" title="17次">17次</a>', "&lt;b&gt;"],
        id="figure-linked-and-text-escaped",
    ),
    pytest.param(
        "共17次",
        [Mark(1, 1, 4, "?q=1", "a")],
        [],
        1,
        ['class="q q-sel"'],
        id="selected-figure-emphasised",
    ),
    pytest.param(
        "ab\ncd",
        [],
        [],
        None,
        ["ab<br>cd"],
        id="line-breaks-kept",
    ),
    pytest.param(
        "甲乙丙丁",
        [Mark(1, 1, 3, "h", "t"), Mark(2, 2, 4, "h", "t")],
        [],
        None,
        ['id="q1"', "丁"],
        id="overlapping-mark-skipped-not-nested",
    ),
    pytest.param(
        "甲乙丙丁",
        [Mark(1, 2, 9, "h", "t")],
        [],
        None,
        ["甲乙丙丁"],
        id="mark-outside-text-skipped",
    ),
    pytest.param(
        "甲乙17丙",
        [Mark(1, 2, 4, "h", "t")],
        [Passage(0, 5, "rep", "复述")],
        None,
        [
            '<span class="rep" title="复述">甲乙</span>',
            '<span class="rep" title="复述"><a class="q"',
        ],
        id="passage-cut-around-figure",
    ),
    pytest.param(
        "甲乙",
        [],
        [Passage(0, 2, "copied", "n", "source?n=b")],
        None,
        ['<a class="p-link" href="source?n=b" target="_self">↗</a>'],
        id="shared-passage-links-other-notice",
    ),
]


@pytest.mark.parametrize(("text", "marks", "passages", "selected", "expected"), HTML_CASES)
def test_notice_html(
    text: str, marks: list[Mark], passages: list[Passage], selected: int | None, expected: list[str]
) -> None:
    out = notice_html(text, marks, passages, selected=selected)
    for piece in expected:
        assert piece in out
    drawn = {m.qid for m in marks if f'id="q{m.qid}"' in out}
    assert drawn == {m.qid for m in marks if m.end <= len(text)} - overlapped(marks)


def overlapped(marks: list[Mark]) -> set[int]:
    """Marks that start inside an earlier one: skipped, so tags never nest."""
    ordered = sorted(marks, key=lambda m: (m.start, m.end))
    return {b.qid for a, b in itertools.pairwise(ordered) if b.start < a.end}


# ------------------------------------------------------------------ views (SQL)

UNIT_METRIC_CASES = [
    # (metric, unit, aggregate shown, value): what v_unit_metric_values says for 示例县农业农村局
    pytest.param("funds.recovered", "元", "sum", 23_000_000.0, id="sum-metric-added-over-rounds"),
    pytest.param("rect.completion_rate", "%", "latest", 98.0, id="percent-takes-latest-round"),
    pytest.param("study.collective", "次", "sum", 17.0, id="restated-figure-once"),
    pytest.param("economy.output", "元", "latest", 300_000_000.0, id="none-metric-not-added"),
]


@pytest.mark.parametrize(("metric", "unit", "how", "value"), UNIT_METRIC_CASES)
def test_unit_metric_values_follow_declared_aggregate(
    con: duckdb.DuckDBPyConnection, metric: str, unit: str, how: str, value: float
) -> None:
    df = du.unit_metrics(con, UNIT_A)
    row = df[(df["metric_id"] == metric) & (df["unit"] == unit)].iloc[0]
    assert row["unit_aggregate"] == how
    assert row["value"] == pytest.approx(value)


def test_units_summary_counts_notices_and_findings(con: duckdb.DuckDBPyConnection) -> None:
    row = du.unit_summary(con, UNIT_A).iloc[0]
    assert row["notices"] == 2, "two rounds of one unit"
    assert row["latest_stated_rate"] == 98.0, "the latest round's rate, not an average"
    assert row["inconsistent_audits"] == 2 and row["anomalies"] == 1 and row["copied_measures"] == 1
    kinds = set(du.unit_findings(con, UNIT_A)["finding"])
    assert kinds == {"anomaly", "completion", "copied_measure"}


def test_a_missing_signature_is_not_a_finding_of_the_unit(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """A2 has only a missing signature: the unit's count (v_units) and its findings leave it out,
    as the Overview's count does; the view's SQL literal is data.UNCOUNTED_ANOMALIES."""
    assert data.UNCOUNTED_ANOMALIES == ("missing_signature",), "70_v_units.sql names this kind"
    assert du.unit_summary(con, UNIT_A).iloc[0]["anomalies"] == 1, "only a1's skipped number"
    findings = du.unit_findings(con, UNIT_A)
    kinds = set(findings.loc[findings["finding"] == "anomaly", "kind"])
    assert kinds == {"skipped_number"}


@pytest.mark.parametrize(
    ("facets", "text"),
    [
        pytest.param(None, "", id="every-unit"),
        pytest.param(None, "财政", id="name-search"),
        pytest.param(data.Facets(status=("long_term",)), "", id="within-a-facet"),
        pytest.param(data.Facets(status=("long_term",)), "农业", id="facet-and-search"),
    ],
)
def test_units_count_is_the_number_of_rows_the_pivot_pages_through(
    con: duckdb.DuckDBPyConnection, facets: data.Facets | None, text: str
) -> None:
    """units_count counts v_unit_notices, not v_units: the two must agree (issue #11 scale)."""
    units, _ = du.units_page(con, (), facets=facets, text=text, page_size=10_000)
    assert du.units_count(con, facets, text) == len(units)


def test_unit_search_is_server_side_and_capped(con: duckdb.DuckDBPyConnection) -> None:
    assert list(du.unit_search(con, "财政")["unit_name"]) == ["示例市财政局"]
    assert len(du.unit_search(con, "", limit=2)) == 2
    assert du.unit_search(con, "没有这个单位").empty


UNITS_SORT_CASES = [
    pytest.param({"sort": "notices"}, UNIT_A, id="most-notices-first"),
    pytest.param({"sort": "unit", "descending": False}, "示例区教育局", id="by-name"),
    pytest.param({"sort_metric": "funds.recovered|元"}, UNIT_A, id="by-metric-value"),
    pytest.param(
        {"sort_metric": "funds.recovered|元", "descending": False},
        "示例市财政局",
        id="by-metric-ascending-missing-last",
    ),
]


@pytest.mark.parametrize(("kwargs", "first"), UNITS_SORT_CASES)
def test_units_page_sorts_in_sql(
    con: duckdb.DuckDBPyConnection, kwargs: dict[str, object], first: str
) -> None:
    units, values = du.units_page(con, ["funds.recovered"], **kwargs)  # type: ignore[arg-type]
    assert units.iloc[0]["unit_name"] == first
    assert set(values["unit_name"]) <= set(units["unit_name"])


def test_units_page_is_paged_in_sql(con: duckdb.DuckDBPyConnection) -> None:
    pages = [du.units_page(con, [], sort="unit", page=p, page_size=2)[0] for p in range(3)]
    assert [len(p) for p in pages] == [2, 1, 0]
    assert du.units_count(con) == 3


TREND_CASES = [
    # (function, args, notices placed, undated): every point is a notice's view row
    pytest.param("completion_trend", ("feedback_date",), 3, 0, id="completion-by-feedback"),
    pytest.param("metric_trend", ("funds.recovered", "as_of_date"), 3, 0, id="metric-by-as-of"),
    pytest.param(
        "metric_trend",
        ("hazards.found_rectified", "feedback_date"),
        0,
        1,
        id="undated-notice-counted",
    ),
    pytest.param("completion_trend", ("inspection_round",), 0, 3, id="round-axis-none-stated"),
]


@pytest.mark.parametrize(("fn", "args", "placed", "undated"), TREND_CASES)
def test_trend_points(
    con: duckdb.DuckDBPyConnection, fn: str, args: tuple[str, ...], placed: int, undated: int
) -> None:
    df = getattr(du, fn)(con, *args)
    assert int(df["date"].notna().sum()) == placed
    assert int(df["date"].isna().sum()) == undated


def test_source_passages_mark_repeats_and_shared(con: duckdb.DuckDBPyConnection) -> None:
    df = du.source_passages(con, A1)
    assert list(df["mark"]) == ["shared", "repeat"] or sorted(df["mark"]) == ["repeat", "shared"]
    shared = df[df["mark"] == "shared"].iloc[0]
    assert shared["other_notice_id"] == B2 and shared["label"] == "copied_measure"


# ------------------------------------------------------------------ pages (AppTest)

SOURCE_CASES = [
    # (query, present in the page's HTML/text, absent)
    pytest.param(
        {"n": A1},
        ['<a class="q" id="q4"', "&lt;含试点&gt;", 'class="rep"', 'class="copied"', f"n={B2}"],
        ["q q-sel"],
        id="every-figure-linked-passages-marked-text-escaped",
    ),
    pytest.param(
        {"n": A1, "qid": "4"},
        ["q q-sel", "study.collective.fixture", "学习制度落实不到位", "17次"],
        [],
        id="qid-emphasised-with-detail-panel",
    ),
    pytest.param({"n": A1, "qid": "999"}, ["没有编号为 999"], ["q q-sel"], id="unknown-qid-warns"),
    pytest.param({"id": B2}, ["1.5亿元", "学习贯彻不够到位"], [], id="old-id-param-accepted"),
    pytest.param({"n": "nope"}, ["找不到该通报"], ['class="q"'], id="unknown-notice-warns"),
]


@pytest.mark.parametrize(("query", "present", "absent"), SOURCE_CASES)
def test_source_page(
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    query: dict[str, object],
    present: list[str],
    absent: list[str],
) -> None:
    at = open_app("source", store, monkeypatch, query)
    shown = html_text(at) + texts(at)
    for piece in present:
        assert piece in shown, piece
    for piece in absent:
        assert piece not in shown, piece
    assert_clean(at)


def test_source_page_counts_every_figure(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app("source", store, monkeypatch, {"n": A1})
    assert html_text(at).count('<a class="q') == 10, "a1's ten quantities"
    assert "数字 10 个 · 复述段落 1 处 · 与其他通报相同的段落 1 处" in texts(at)


UNIT_CASES = [
    pytest.param(
        {"u": UNIT_A},
        [
            "通报(2 份)",
            "2300万元",
            "编号或结构异常",
            "完成率与核算不一致",
            "与其他单位通报相同的措施",
        ],
        id="unit-notices-metrics-findings",
    ),
    pytest.param({"u": "示例区教育局"}, ["通报(1 份)", "45处"], id="unit-without-dates"),
    pytest.param({"u": "没有这个单位"}, ["数据库中没有单位"], id="unknown-unit-warns"),
    pytest.param({}, ["查找单位"], id="no-unit-offers-search"),
]


@pytest.mark.parametrize(("query", "present"), UNIT_CASES)
def test_unit_page(
    store: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, object], present: list[str]
) -> None:
    at = open_app("unit", store, monkeypatch, query)
    shown = texts(at) + "\n".join(df.value.to_csv() for df in at.dataframe)
    shown += "\n".join(str(w.label) for w in at.text_input)
    for piece in present:
        assert piece in shown, piece
    assert_clean(at)


def test_unit_page_row_opens_source(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app("unit", store, monkeypatch, {"u": UNIT_A})
    at.session_state["unit_notice_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    links = [str(p.proto.page) for p in at.get("page_link")]
    assert any("source" in link for link in links), links


UNITS_CASES = [
    pytest.param(
        {"m": ["funds.recovered", "rect.completion_rate"]},
        ["2,300万元", "98%", "最新"],
        id="sum-and-latest-columns",
    ),
    pytest.param(
        {"m": ["funds.recovered"], "sort": "m:funds.recovered", "desc": "0"},
        ["示例市财政局"],
        id="sorted-by-metric-ascending",
    ),
    pytest.param({"m": ["funds.recovered"], "q": "教育"}, ["共 1 个单位"], id="name-search"),
]


@pytest.mark.parametrize(("query", "present"), UNITS_CASES)
def test_units_page(
    store: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, object], present: list[str]
) -> None:
    at = open_app("units", store, monkeypatch, query)
    shown = texts(at) + "\n".join(df.value.to_csv() for df in at.dataframe)
    for piece in present:
        assert piece in shown, piece
    if query.get("sort"):
        assert at.dataframe[0].value.iloc[0]["unit_name"] == present[0]
    assert_clean(at)


TRENDS_CASES = [
    pytest.param({}, 3, "", id="completion-default"),
    pytest.param({"s": "metric", "m": "funds.recovered"}, 3, "", id="metric"),
    pytest.param(
        {"s": "metric", "m": "hazards.found_rectified"},
        0,
        "1 份通报缺少反馈日期",
        id="undated-notice-said",
    ),
    pytest.param({"per_unit": "1", "t": "as_of_date"}, 3, "", id="small-multiples"),
]


@pytest.mark.parametrize(("query", "points", "note"), TRENDS_CASES)
def test_trends_page(
    store: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, object], points: int, note: str
) -> None:
    at = open_app("trends", store, monkeypatch, query)
    grids = [df.value for df in at.dataframe]
    assert (len(grids[0]) if grids else 0) == points
    assert note in texts(at)
    assert_clean(at)


def test_trends_small_multiples_capped(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(du, "TREND_FACET_CAP", 1)
    at = open_app("trends", store, monkeypatch, {"per_unit": "1"})
    assert "仅显示数据点最多的 1 个单位(共 2 个)" in texts(at)


@pytest.mark.parametrize(
    ("rows", "cap", "kept"),
    [
        pytest.param(5, 10, [0, 1, 2, 3, 4], id="fits-all-rows"),
        pytest.param(10, 3, [0, 4, 9], id="first-middle-last"),
        pytest.param(10, 1, [0], id="cap-of-one"),
        pytest.param(0, 3, [], id="no-rows"),
    ],
)
def test_even_sample_spans_the_whole_range(rows: int, cap: int, kept: list[int]) -> None:
    """A capped trend chart still reaches from the first date to the last (issue #11 scale)."""
    frame = pd.DataFrame({"i": range(rows)})
    assert list(charts.even_sample(frame, cap)["i"]) == kept


def test_trends_chart_points_capped_and_said(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(du, "TREND_POINT_CAP", 2)
    at = open_app("trends", store, monkeypatch, {})
    assert "图中显示 2 个数据点(共 3 个,按日期均匀抽取)" in texts(at)
    assert len(at.dataframe[0].value) == 3, "the table and CSV keep every point"
    assert_clean(at)


def test_detail_problem_row_drills_to_sentence_and_source(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app("detail", store, monkeypatch, {"n": A1})
    assert "在问题清单中选中一行" in texts(at)
    at.session_state["nd_tree"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    shown = html_text(at)
    assert "<mark>17次</mark>" in shown, "the figure highlighted in its sentence"
    assert f"source?n={A1}&amp;qid=4#q4" in shown, "then the 原文 page at that figure"
    assert_no_missing_cells(at)


def test_detail_completion_figures_drill_down(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_app("detail", store, monkeypatch, {"n": A1})
    shown = html_text(at)
    assert "<mark>10个</mark>" in shown and "rect.problems_total" in shown


MY_PAGES = ["source", "unit", "units", "trends"]


@pytest.mark.parametrize("page", MY_PAGES)
@pytest.mark.parametrize("state", ["missing", "empty"])
def test_first_run_screen_instead_of_an_error(
    page: str, state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No store, or one without notices: the first-run screen, never a traceback."""
    from tests.dashboard_fixtures import build_empty_db

    path = tmp_path / "x.duckdb"
    if state == "empty":
        build_empty_db(path)
    at = open_app(page, path, monkeypatch)
    assert "欢迎使用 xuncha" in texts(at)


ENGLISH_CASES = [
    pytest.param("source", {"n": A1, "qid": "4"}, ["Source text", "Selected figure"], id="source"),
    pytest.param("unit", {"u": UNIT_A}, ["Unit", "Findings"], id="unit"),
    pytest.param(
        "units", {"m": ["funds.recovered"]}, ["Units", "3 units, page 1 of 1"], id="units"
    ),
    pytest.param("trends", {}, ["Trends"], id="trends"),
]


@pytest.mark.parametrize(("page", "query", "shown"), ENGLISH_CASES)
def test_pages_in_english_have_every_label(
    page: str,
    query: dict[str, object],
    shown: list[str],
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every label of these pages exists in English (a missing key would show as its name)."""
    monkeypatch.setenv("XUNCHA_DB", str(store))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.query_params.update({**query, "lang": "en"})
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = texts(at)
    for piece in shown:
        assert piece in text, piece
    assert not re.search(r"\b(source|unit|units|trends|drill|passage)\.[a-z_]+\b", text), text


@pytest.mark.parametrize(
    ("language", "month"),
    [
        pytest.param("zh", "%Y年%-m月", id="zh: 2024年3月, not Mar 2024"),
        pytest.param("en", "%b %Y", id="en: Mar 2024"),
    ],
)
def test_trends_date_axis_speaks_the_page_language(
    store: Path, monkeypatch: pytest.MonkeyPatch, language: str, month: str
) -> None:
    """Plotly's own date ticks are English month names; the axis takes the page's formats."""
    monkeypatch.setenv("XUNCHA_DB", str(store))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = language
    at.query_params.update({"lang": language})
    at.run()
    at.switch_page("views/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    stops = spec["layout"]["xaxis"]["tickformatstops"]
    assert [s["value"] for s in stops] == [s["value"] for s in charts.date_tick_stops(language)]
    assert stops[1]["value"] == month
    assert_clean(at)


@pytest.mark.parametrize(
    ("unit", "one_date"),
    [
        pytest.param("示例市财政局", True, id="one notice: a range around its date"),
        pytest.param(UNIT_A, False, id="several notices: plotly's own range"),
    ],
)
def test_unit_timeline_axis_reads_as_dates(
    store: Path, monkeypatch: pytest.MonkeyPatch, unit: str, one_date: bool
) -> None:
    """A unit with one notice drew ticks milliseconds apart (23:59:59.9995, Jun 30, 2024): the
    axis now spans days around the date, with the page language's date ticks."""
    at = open_app("unit", store, monkeypatch, {"u": unit})
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    axis = spec["layout"]["xaxis"]
    assert [s["value"] for s in axis["tickformatstops"]] == [
        s["value"] for s in charts.date_tick_stops("zh")
    ]
    if one_date:
        low, high = (pd.Timestamp(x) for x in axis["range"])
        assert high - low == 2 * pd.Timedelta(days=45)
    else:
        assert "range" not in axis
    assert_clean(at)
