"""Facets, shareable links, language in the URL, pickers, pagination and chart drill-down
(issue #11 items 1, 7 and the chart defects; issue #12 item 6).

SQL-side cases run on the fixture store through ``dashboard.data``/``dashboard.facets``
directly; page flows run the app under AppTest with the state given as URL parameters, the way
a shared link arrives.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, data
from dashboard.facets import Facets, counts, facet_sql
from dashboard.i18n import bilingual_part
from extract.store import open_readonly
from tests.dashboard_fixtures import APP, NOTICES, PAGES, N, Q, S, build_fixture_db

A1, B2, C3 = "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2", "c3c3c3c3c3c3c3c3"
TIMEOUT = 60
#: Rows of one page of the Quantities table (views/explorer.py PAGE_SIZE).
PAGE_SIZE = 200

# The fixture plus what the facet, KPI and chart cases need and the base fixture lacks:
# c3 lists problem statuses but states no completion figure (the chart must still draw it),
# and b2 carries a missing-signature note (not a structure anomaly, so never counted).
_C3 = dataclasses.replace(
    NOTICES[2],
    problems=[("一", "隐患排查不彻底", "completed"), ("二", "台账不完整", "not_completed")],
)
_B2 = dataclasses.replace(
    NOTICES[1],
    anomalies=[*NOTICES[1].anomalies, ("missing_signature", "notice end", "no signature")],
)
FACET_NOTICES: list[N] = [NOTICES[0], _B2, _C3]

# One notice with more quantities than one table page holds, for the pagination flow.
_MANY = 450
PAGED_NOTICES: list[N] = [
    N(
        notice_id="d4d4d4d4d4d4d4d4",
        unit="示例镇人民政府",
        body="县委第四巡察组",
        problems=[],
        sentences=[
            S(f"开展学习{i}次。", None, [Q(f"{i}次", "count", i, "次", "学习")])
            for i in range(1, _MANY + 1)
        ],
    )
]


@pytest.fixture(scope="module")
def facet_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("facets") / "f.duckdb", FACET_NOTICES)


@pytest.fixture(scope="module")
def con(facet_db: Path) -> duckdb.DuckDBPyConnection:
    connection = open_readonly(facet_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def paged_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("paged") / "p.duckdb", PAGED_NOTICES)


def _matching(con: duckdb.DuckDBPyConnection, f: Facets) -> set[str]:
    pred, params = facet_sql(f)
    rows = con.execute(f"SELECT notice_id FROM v_notices n WHERE {pred}", params).fetchall()
    return {r[0] for r in rows}


# ------------------------------------------------------------------ facet_sql: who matches
@pytest.mark.parametrize(
    ("facets", "expected"),
    [
        pytest.param(Facets(), {A1, B2, C3}, id="nothing-chosen-is-everything"),
        pytest.param(Facets(body=("县委第一巡察组",)), {A1}, id="single-valued-body"),
        pytest.param(Facets(level=("县区",), kind=("巡察",)), {A1, B2, C3}, id="level-and-kind"),
        pytest.param(Facets(status=("long_term",)), {B2}, id="many-valued-status"),
        pytest.param(
            Facets(status=("long_term", "not_completed")), {B2, C3}, id="values-of-a-facet-OR"
        ),
        pytest.param(Facets(family=("hazards",)), {C3}, id="family-the-notice-states"),
        pytest.param(Facets(family=("funds",), year=("2024",)), {B2}, id="facets-AND"),
        pytest.param(Facets(year=("1999",)), set(), id="value-nobody-has"),
        pytest.param(Facets(region=("x'); DROP TABLE notices; --",)), set(), id="bound-not-sql"),
    ],
)
def test_facet_sql_selects_the_notices_of_the_chosen_values(
    con: duckdb.DuckDBPyConnection, facets: Facets, expected: set[str]
) -> None:
    assert _matching(con, facets) == expected


def test_facet_sql_refuses_an_alias_that_is_not_an_identifier() -> None:
    with pytest.raises(ValueError, match="not a SQL alias"):
        facet_sql(Facets(level=("县区",)), "n; DROP")


@pytest.mark.parametrize(
    ("facets", "facet", "expected"),
    [
        pytest.param(
            Facets(),
            "body",
            {"县委第一巡察组": 1, "市委第三巡察组": 1, "区委第二巡察组": 1},
            id="all",
        ),
        # A facet never narrows its own options: with long_term chosen, the other statuses
        # still show (with their counts), so a second value can be added.
        pytest.param(
            Facets(status=("long_term",)),
            "status",
            {"completed": 3, "basically_completed": 1, "long_term": 1, "not_completed": 1},
            id="own-facet-not-narrowed",
        ),
        pytest.param(
            Facets(status=("long_term",)), "body", {"市委第三巡察组": 1}, id="others-narrowed"
        ),
        pytest.param(Facets(), "year", {"2023": 1, "2024": 1}, id="undated-notice-has-no-year"),
    ],
)
def test_facet_counts_are_notices_per_value_under_the_other_facets(
    con: duckdb.DuckDBPyConnection, facets: Facets, facet: str, expected: dict[str, int]
) -> None:
    table = counts(con, facets)
    rows = table[table["facet"] == facet]
    assert dict(zip(rows["value"], rows["notices"].astype(int), strict=True)) == expected


# ------------------------------------------------------------------ KPIs, chart, messages
@pytest.mark.parametrize(
    ("facets", "notices", "anomalies"),
    [
        pytest.param(Facets(), 3, 1, id="missing-signature-not-an-anomaly"),
        # b2's only stored anomaly is its missing signature.
        pytest.param(Facets(status=("long_term",)), 1, 0, id="kpis-follow-the-facets"),
    ],
)
def test_kpis_follow_facets_and_do_not_count_missing_signature(
    con: duckdb.DuckDBPyConnection, facets: Facets, notices: int, anomalies: int
) -> None:
    stored = con.execute(
        "SELECT count(*) FROM anomalies WHERE kind = 'missing_signature'"
    ).fetchone()
    assert stored == (1,), "the fixture stores the note"
    pred, params = facet_sql(facets)
    k = data.kpis(con, pred, params).iloc[0]
    assert (int(k["notices"]), int(k["anomalies"])) == (notices, anomalies)


def test_completion_chart_includes_status_only_notices_sorted_by_rate(
    con: duckdb.DuckDBPyConnection,
) -> None:
    df = data.completion(con)
    by_id = df.set_index("notice_id")
    assert by_id.loc[C3, "basis"] == "statuses", "statuses listed, no rate stated"
    assert by_id.loc[C3, "computed_rate"] == pytest.approx(50.0)
    assert by_id.loc[C3, "completed_ratio"] == pytest.approx(0.5)
    rates = list(df["computed_rate"].fillna(df["stated_rate"]))
    assert rates == sorted(rates), "bars sorted, lowest rate first"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("示例县农业农村局", id="short"),
        pytest.param("示例" * 100 + "关于巡察整改进展情况的通报", id="very-long"),
    ],
)
def test_a_long_label_does_not_change_the_chart_height(con, name: str) -> None:
    df = data.completion(con).copy()
    df.loc[0, "label"] = name
    fig = charts.completion_figure(df, "zh")
    assert fig.layout.height == charts.bar_chart_height(len(df))
    assert max(len(t) for t in fig.layout.yaxis.ticktext) <= charts.TICK_LABEL_CHARS
    assert list(fig.layout.yaxis.categoryarray) == list(df["label"]), "drawn in df's order"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        pytest.param(
            "各项之和5与总数6不符 / parts sum to 5, not the total 6",
            "zh",
            "各项之和5与总数6不符",
            id="zh-side",
        ),
        pytest.param(
            "各项之和5与总数6不符 / parts sum to 5, not the total 6",
            "en",
            "parts sum to 5, not the total 6",
            id="en-side",
        ),
        pytest.param(
            "甲不符;乙不符 / a differs; no whole count of 7 gives 5%; 丙 / c",
            "en",
            "a differs; no whole count of 7 gives 5%; c",
            id="english-semicolons",
        ),
        pytest.param(
            "甲不符;乙不符 / a differs; no whole count of 7 gives 5%; 丙 / c",
            "zh",
            "甲不符;乙不符;丙",
            id="two-messages-zh",
        ),
        pytest.param("只有中文", "en", "只有中文", id="one-language-as-is"),
        pytest.param(None, "zh", "—", id="missing-is-dash"),
    ],
)
def test_bilingual_messages_show_the_interface_language(text, lang: str, expected: str) -> None:
    assert bilingual_part(text, lang) == expected


# ------------------------------------------------------------------ search and pagination
@pytest.mark.parametrize(
    ("text", "facets", "limit", "expected"),
    [
        pytest.param("", Facets(), 50, {A1, B2, C3}, id="all-under-the-cap"),
        pytest.param("", Facets(), 2, 2, id="capped-server-side"),
        pytest.param("财政", Facets(), 50, {B2}, id="matches-the-name"),
        pytest.param("", Facets(status=("long_term",)), 50, {B2}, id="within-the-facets"),
        pytest.param("财政", Facets(family=("hazards",)), 50, set(), id="both-must-hold"),
    ],
)
def test_notice_search_is_capped_and_follows_facets(
    con: duckdb.DuckDBPyConnection, text: str, facets: Facets, limit: int, expected
) -> None:
    pred, params = facet_sql(facets)
    found = data.notice_search(con, text, limit, pred, params)
    if isinstance(expected, int):
        assert len(found) == expected
    else:
        assert set(found["notice_id"]) == expected


def test_quantity_pages_cover_every_row_once_in_order(paged_db: Path) -> None:
    with open_readonly(paged_db) as con:
        flt = data.QuantityFilter()
        total = data.quantity_count(con, flt)
        pages = [data.quantities(con, flt, PAGE_SIZE, o) for o in range(0, total, PAGE_SIZE)]
    ids = [i for p in pages for i in p["quantity_id"]]
    assert total == _MANY and ids == sorted(ids) and len(set(ids)) == _MANY
    assert [len(p) for p in pages] == [200, 200, 50]


# ------------------------------------------------------------------ pages under AppTest
def _app(db: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, object]) -> AppTest:
    monkeypatch.setenv("XUNCHA_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at


def _url(at: AppTest, name: str) -> list[str]:
    """A URL parameter as a list (AppTest keeps a single value as a plain string)."""
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _metric(at: AppTest, name: str) -> str:
    return next(m.value for m in at.metric if m.label == name)


@pytest.mark.parametrize(
    ("query", "notices"),
    [
        pytest.param({}, "3", id="no-facet"),
        pytest.param({"status": "long_term"}, "1", id="status-from-url"),
        pytest.param({"status": ["long_term", "not_completed"]}, "2", id="repeated-param"),
        pytest.param({"body": "区委第二巡察组", "year": "2024"}, "0", id="two-facets-AND"),
    ],
)
def test_overview_facets_restored_from_the_url(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, object], notices: str
) -> None:
    at = _app(facet_db, monkeypatch, query).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "通报") == notices
    for name, value in query.items():
        values = value if isinstance(value, list) else [value]
        assert at.multiselect(key=f"facet_overview_{name}").value == values
        assert _url(at, name) == values


def test_facets_follow_the_user_to_another_page(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(facet_db, monkeypatch, {"status": "long_term"}).run()
    at.switch_page(PAGES["explorer"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="facet_quantities_status").value == ["long_term"]
    shown = at.dataframe(key="qx_table").value
    assert {n.split(" ")[0] for n in shown["label"]} == {"示例市财政局"}, "only b2's quantities"


@pytest.mark.parametrize(
    ("query", "title", "url_lang"),
    [
        pytest.param({}, "总览", "zh", id="chinese-by-default"),
        pytest.param({"lang": "en"}, "Overview", "en", id="english-from-url"),
        pytest.param({"lang": "fr"}, "总览", "zh", id="unknown-ignored"),
    ],
)
def test_language_comes_from_and_goes_to_the_url(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch, query: dict, title: str, url_lang: str
) -> None:
    at = _app(facet_db, monkeypatch, query).run()
    assert at.title[0].value == title
    assert _url(at, "lang") == [url_lang]


def test_language_survives_a_page_switch_and_a_switch_back(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(facet_db, monkeypatch, {"lang": "en"}).run()
    at.switch_page(PAGES["compare"]).run()
    assert at.title[0].value == "Compare"
    at.radio(key="lang").set_value("zh").run()
    assert _url(at, "lang") == ["zh"]
    at.switch_page(PAGES["overview"]).run()
    assert at.title[0].value == "总览"


def test_picker_offers_server_side_matches_and_keeps_the_choice_in_the_url(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(facet_db, monkeypatch, {}).run()
    at.switch_page(PAGES["explorer"]).run()
    at.text_input(key="qx_search").input("财政").run()
    picker = at.multiselect(key="qx_notices")
    assert [n.split(" ")[0] for n in picker.options] == ["示例市财政局"], "only the match is sent"
    picker.set_value([B2]).run()
    assert not at.exception
    assert _url(at, "n") == [B2]
    assert {n.split(" ")[0] for n in at.dataframe(key="qx_table").value["label"]} == {
        "示例市财政局"
    }


def test_quantities_paginate_with_a_page_control_and_total(
    paged_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(paged_db, monkeypatch, {"page": "3"}).run()
    at.switch_page(PAGES["explorer"]).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe(key="qx_table").value
    assert len(table) == _MANY - 2 * PAGE_SIZE and int(table["quantity_id"].iloc[0]) == 401
    assert any("第 3 / 3 页" in c.value and "共 450 条" in c.value for c in at.caption)
    at.number_input(key="qx_page").set_value(1).run()
    table = at.dataframe(key="qx_table").value
    assert len(table) == PAGE_SIZE and int(table["quantity_id"].iloc[0]) == 1
    assert "page" not in at.query_params, "page 1 is the default, not in the URL"


def test_completion_bar_click_drills_to_its_quantities_then_the_sentence(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(facet_db, monkeypatch, {}).run()
    at.session_state["completion_chart"] = {
        "selection": {
            "points": [{"point_index": 0, "customdata": [B2, "hover", 18]}],
            "point_indices": [0],
            "box": [],
            "lasso": [],
        }
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "数据明细", "the click opened the Quantities page"
    assert _url(at, "n") == [B2]
    table = at.dataframe(key="qx_table").value
    assert set(table["surface"]) == {"20个", "90%"}, "b2's rectification figures only"
    at.session_state["qx_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert any("<mark>20个</mark>" in h.proto.body for h in at.get("html"))
    assert _url(at, "qid") == [str(int(table["quantity_id"].iloc[0]))]


def test_a_qid_link_opens_that_quantity_highlighted(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(facet_db, monkeypatch, {"n": B2, "qid": "1"})
    at.run()
    at.switch_page(PAGES["explorer"]).run()
    assert not at.exception, [e.value for e in at.exception]
    bodies = [h.proto.body for h in at.get("html")]
    assert any("<mark>" in b for b in bodies)


# ------------------------------------------------------------------ issue #11 defects, checked
def _csv_spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Record every CSV a page offers (by its file name) as the text the user downloads."""
    from dashboard import ui

    seen: dict[str, str] = {}
    real = ui.download

    def spy(df, file_stem, key, *, note=None):  # type: ignore[no-untyped-def]
        seen[file_stem] = ui.csv_bytes(df).decode("utf-8-sig")
        real(df, file_stem, key, note=note)

    monkeypatch.setattr(ui, "download", spy)
    return seen


@pytest.mark.parametrize(
    ("page", "stem"),
    [
        pytest.param("overview", "notices", id="overview-notices-csv"),
        pytest.param("overview", "completion", id="overview-completion-csv"),
        pytest.param("explorer", "quantities", id="quantities-csv"),
    ],
)
def test_dashboard_csv_has_no_float_noise(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, stem: str
) -> None:
    """Issue #11: the CSV showed 完成率 0.9520000000000001 (a ratio computed for the progress
    bar, written out). Rates are percentages as stated; no cell carries binary float noise."""
    import re

    seen = _csv_spy(monkeypatch)
    at = _app(facet_db, monkeypatch, {}).run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert stem in seen, sorted(seen)
    assert not re.search(r"\d\.\d*0000000\d|\d\.\d*9999999\d", seen[stem]), seen[stem][:500]


def test_every_anomaly_kind_extract_writes_has_a_label_in_both_languages() -> None:
    """Anomaly texts are English in extract/; the dashboard shows the kind's label instead.
    Kinds are read from the source (``Anomaly("kind", …)`` and ``kind = "a" if … else "b"``),
    so a new kind without a label fails here."""
    import re

    from dashboard.i18n import LANGS, labels

    root = Path(__file__).resolve().parents[1] / "extract"
    kinds: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "Anomaly(" not in text:
            continue
        kinds |= set(re.findall(r'Anomaly\(\s*"(\w+)"', text))
        kinds |= {
            k for pair in re.findall(r'kind = "(\w+)" if .* else "(\w+)"', text) for k in pair
        }
    assert {"skipped_number", "missing_signature"} <= kinds, "the scan finds the kinds"
    for kind in sorted(kinds):
        entry = labels().get(f"anomaly.{kind}")
        assert entry is not None and set(entry) == set(LANGS), kind


@pytest.mark.parametrize(
    ("kind", "detail", "lang", "expected"),
    [
        pytest.param(
            "skipped_number", "'(三)' missing", "zh", ("编号跳号", "—"), id="zh-no-english"
        ),
        pytest.param(
            "skipped_number", "'(三)' missing", "en", ("Skipped number", "'(三)' missing"), id="en"
        ),
        pytest.param(
            "value_out_of_range",
            "123 is too large to store / 数值过大,无法保存",
            "zh",
            ("数值过大,无法保存", "数值过大,无法保存"),
            id="bilingual-detail-zh-side",
        ),
        pytest.param("new_kind", None, "zh", ("new_kind", "—"), id="unknown-kind-and-missing"),
        pytest.param(
            "skipped_number",
            "编号从(一)跳到(三)",
            "zh",
            ("编号跳号", "编号从(一)跳到(三)"),
            id="zh-only-detail-shown-as-written",
        ),
    ],
)
def test_anomaly_rows_show_the_interface_language(
    kind: str, detail: str | None, lang: str, expected: tuple[str, str]
) -> None:
    import pandas as pd

    from dashboard.ui import anomaly_rows

    df = pd.DataFrame({"anomaly_id": [1], "kind": [kind], "location": [None], "detail": [detail]})
    row = anomaly_rows(df, lang).iloc[0]
    assert (row["kind"], row["detail"], row["location"]) == (*expected, "—")


def test_a_metric_filter_from_a_drill_down_can_be_cleared(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app(facet_db, monkeypatch, {"m": "funds.recovered"}).run()
    at.switch_page(PAGES["explorer"]).run()
    assert set(at.dataframe(key="qx_table").value["surface"]) == {"2000万元", "500万元"}
    at.button(key="qx_clear_metrics").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "m" not in at.query_params
    assert len(at.dataframe(key="qx_table").value) > 2


@pytest.mark.parametrize(
    ("query", "offered"),
    [
        # issue 11 item 1 on the detail page: the facets narrow its notice picker
        pytest.param({}, {A1, B2, C3}, id="no-facet-every-notice"),
        pytest.param({"status": "long_term"}, {B2}, id="single-value-facet"),
        pytest.param({"family": "hazards"}, {C3}, id="many-valued-facet"),
        pytest.param({"body": "区委第二巡察组", "year": "2024"}, set(), id="none-match"),
    ],
)
def test_detail_picker_follows_the_facets(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, str], offered: set[str]
) -> None:
    at = _app(facet_db, monkeypatch, query).run()
    at.switch_page(PAGES["detail"]).run()
    assert not at.exception, [e.value for e in at.exception]
    for name, value in query.items():
        assert at.multiselect(key=f"facet_notice_{name}").value == [value]
        assert _url(at, name) == [value]
    if not offered:
        assert not at.selectbox, "nothing to pick: the page says none was found"
        assert [i.value for i in at.info] == ["没有找到符合条件的通报。"]
        return
    picker = at.selectbox(key="nd_notice")
    assert len(picker.options) == len(offered), picker.options  # options are the shown names
    assert picker.value in offered


def test_detail_keeps_a_linked_notice_outside_the_facets(
    facet_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link names a notice: it opens even when the facets (long_term: b2 only) exclude it."""
    at = _app(facet_db, monkeypatch, {"status": "long_term", "n": A1}).run()
    at.switch_page(PAGES["detail"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="nd_notice").value == A1
    assert len(at.selectbox(key="nd_notice").options) == 2, "b2 (the facet's) and the link's a1"


# 205 notices: one more page of the Overview's notice table than a page holds (200 rows).
_OVERVIEW_PAGE = 200
MANY_NOTICES: list[N] = [
    dataclasses.replace(NOTICES[2], notice_id=f"{i:016x}", unit=f"示例第{i}单位")
    for i in range(1, _OVERVIEW_PAGE + 6)
]


@pytest.fixture(scope="module")
def many_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("many") / "m.duckdb", MANY_NOTICES)


@pytest.mark.parametrize(
    ("query", "rows", "page_url"),
    [
        # issue 11 scale: the Overview sends one page of notices, not up to 2,000 rows
        pytest.param({}, _OVERVIEW_PAGE, [], id="first-page"),
        pytest.param({"page": "2"}, 5, ["2"], id="page-from-the-url"),
        pytest.param({"page": "9"}, 5, ["2"], id="past-the-end-shows-the-last"),
    ],
)
def test_overview_notice_table_is_paged(
    many_db: Path, monkeypatch: pytest.MonkeyPatch, query: dict, rows: int, page_url: list[str]
) -> None:
    at = _app(many_db, monkeypatch, query).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[0].value) == rows
    assert at.number_input(key="ov_page").max == 2
    assert _url(at, "page") == page_url
    assert "共 205 条" in "\n".join(c.value for c in at.caption)
