"""Pure-function tests of the dashboard helpers: CSV bytes, display units, highlighting,
labels, figure builders, upload checks and the data queries (against the fixture database)."""

from __future__ import annotations

import io
import re
import string
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import charts, data
from dashboard.highlight import highlight_html, locate
from dashboard.i18n import LANGS, label, labels, value_label
from dashboard.importer import Upload, precheck, safe_name
from dashboard.ui import css_string, dropzone_css
from dashboard.units import (
    PRECISE_DATE_FIELDS,
    choose_scale,
    format_date,
    format_date_columns,
    format_value,
)
from extract.csvout import BOM, csv_bytes, neutralise_formulas
from extract.model import KINDS, STATUSES
from extract.store import open_readonly
from tests.dashboard_fixtures import build_fixture_db, require_ingest


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    path = build_fixture_db(tmp_path_factory.mktemp("helpers") / "f.duckdb")
    connection = open_readonly(path)
    yield connection
    connection.close()


# --------------------------------------------------------------------------- CSV bytes
def test_csv_starts_with_bom_uses_crlf_and_round_trips() -> None:
    df = pd.DataFrame({"单位": ["示例县农业农村局", "示例市财政局"], "金额": [2000.5, -3.0]})
    raw = csv_bytes(df)
    assert raw.startswith(BOM)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, df)


def test_csv_without_bom_for_machine_feeds() -> None:
    assert not csv_bytes(pd.DataFrame({"a": [1]}), bom=False).startswith(BOM)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param("=SUM(A1:A3)", "'=SUM(A1:A3)", id="equals-formula"),
        pytest.param("+86 123", "'+86 123", id="plus-sign"),
        pytest.param("-1+1", "'-1+1", id="minus-as-text"),
        pytest.param("@cmd", "'@cmd", id="at-sign"),
        pytest.param("\tx", "'\tx", id="leading-tab"),
        pytest.param("\rx", "'\rx", id="leading-cr"),
        pytest.param("整改17次", "整改17次", id="plain-chinese-untouched"),
        pytest.param("a=b", "a=b", id="formula-char-not-leading"),
    ],
)
def test_formula_injection_neutralised_in_text_cells(cell: str, expected: str) -> None:
    out = neutralise_formulas(pd.DataFrame({"text": [cell]}))
    assert out.loc[0, "text"] == expected


def test_formula_neutralising_leaves_numbers_and_missing_alone() -> None:
    df = pd.DataFrame({"value": [-5.0, 3.0], "count": [-1, 2], "text": ["-x", None]})
    out = neutralise_formulas(df)
    assert out["value"].tolist() == [-5.0, 3.0]
    assert out["count"].tolist() == [-1, 2]
    assert out.loc[0, "text"] == "'-x" and pd.isna(out.loc[1, "text"])
    body = csv_bytes(df).decode("utf-8-sig")
    assert "\r\n-5.0,-1,'-x\r\n" in body


# ----------------------------------------------------------------------- display units
@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        pytest.param(12_345_678, "元", "1234.57万元", id="money-wan"),
        pytest.param(2_264_000_000, "元", "22.64亿元", id="money-yi"),
        pytest.param(9_000, "元", "9000元", id="money-small-stays-yuan"),
        pytest.param(20_000, "平方米", "2万平方米", id="area-wan"),
        pytest.param(95.2, "%", "95.2%", id="percent-never-scaled"),
        pytest.param(123_456, "天", "123456天", id="unlisted-unit-never-scaled"),
        pytest.param(None, "元", "—", id="missing"),
        pytest.param(float("nan"), "元", "—", id="nan"),
        pytest.param(-35_000, "元", "-3.5万元", id="negative-uses-magnitude"),
        # Issue #11's Compare defects: `0000000`, `0.00 万人`, `61.00 次`.
        pytest.param(20_000_000, "元", "2000万元", id="issue11-no-clipped-zeros"),
        pytest.param(0, "人", "0人", id="issue11-zero-people-not-0.00-wan"),
        pytest.param(61, "次", "61次", id="issue11-count-without-decimals"),
    ],
)
def test_format_value(value: float | None, unit: str, expected: str) -> None:
    assert format_value(value, unit) == expected


@pytest.mark.parametrize(
    ("unit", "max_abs", "expected"),
    [
        pytest.param("元", 1.5e8, (1e8, "亿元"), id="series-in-yi"),
        pytest.param("元", 9_999, (1.0, "元"), id="below-threshold"),
        pytest.param("元", None, (1.0, "元"), id="empty-series"),
        pytest.param("亩", 3e4, (1e4, "万亩"), id="mu-wan"),
    ],
)
def test_choose_scale(unit: str, max_abs: float | None, expected: tuple[float, str]) -> None:
    assert choose_scale(unit, max_abs) == expected


# ------------------------------------------------------------------ dates at their precision
@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        pytest.param(date(2021, 3, 5), "day", "2021-03-05", id="day-precise-in-full"),
        pytest.param(date(2021, 3, 1), "month", "2021-03", id="month-no-invented-day"),
        pytest.param(date(2021, 1, 1), "year", "2021", id="year-no-invented-month"),
        pytest.param(date(2021, 3, 1), None, "2021-03-01", id="no-precision-is-a-full-date"),
        pytest.param(date(2021, 3, 1), "week", "2021-03-01", id="unknown-precision-full"),
        pytest.param(pd.Timestamp("2021-03-01"), "month", "2021-03", id="pandas-timestamp"),
        pytest.param(datetime(2021, 3, 5, 0, 0), "day", "2021-03-05", id="datetime-no-time"),
        pytest.param("2021-03-01", "month", "2021-03", id="iso-string-from-csv-or-sql"),
        pytest.param(None, "day", "—", id="missing"),
        pytest.param(pd.NaT, None, "—", id="missing-from-a-dataframe"),
        pytest.param(float("nan"), "day", "—", id="nan"),
        pytest.param("", "day", "—", id="empty-string"),
        pytest.param("2021年3月", "month", "2021年3月", id="not-iso-shown-as-stored"),
    ],
)
def test_format_date(value: object, precision: object, expected: str) -> None:
    assert format_date(value, precision) == expected


def test_format_date_columns_uses_each_rows_precision() -> None:
    """Per row and per field its own precision; a field without a precision column is a full
    date, and the frame passed in is left as it was (pages keep the raw one for CSV)."""
    df = pd.DataFrame(
        {
            "feedback_date": pd.to_datetime(["2021-03-01", "2021-03-05", None]),
            "feedback_date_precision": ["month", "day", None],
            "signed_date": pd.to_datetime(["2021-01-01", "2022-02-02", "2023-03-03"]),
            "label": ["甲", "乙", "丙"],
        }
    )
    out = format_date_columns(df)
    assert list(out["feedback_date"]) == ["2021-03", "2021-03-05", "—"]
    assert list(out["signed_date"]) == ["2021-01-01", "2022-02-02", "2023-03-03"]
    assert list(out["label"]) == ["甲", "乙", "丙"]
    assert pd.api.types.is_datetime64_any_dtype(df["feedback_date"]), "input untouched"


# ------------------------------------------------------------------------- highlighting
@pytest.mark.parametrize(
    ("sentence", "surface", "start", "expected"),
    [
        pytest.param(
            "组织专题学习17次。", "17次", 6, "组织专题学习<mark>17次</mark>。", id="offset-trusted"
        ),
        pytest.param(
            "追回资金2000万元。",
            "2000万元",
            0,
            "追回资金<mark>2000万元</mark>。",
            id="wrong-offset-falls-back-to-search",
        ),
        pytest.param(
            "整治<b>1000亩</b>",
            "1000亩",
            4,
            "整治&lt;b&gt;<mark>1000亩</mark>&lt;/b&gt;",
            id="html-escaped",
        ),
        pytest.param(
            "<script>x</script>",
            "无",
            None,
            "&lt;script&gt;x&lt;/script&gt;",
            id="surface-absent-only-escaped",
        ),
    ],
)
def test_highlight_html(sentence: str, surface: str, start: int | None, expected: str) -> None:
    assert highlight_html(sentence, surface, start) == expected


def test_locate_rejects_out_of_range_offset() -> None:
    assert locate("共17次", "17次", -3) == (1, 4)


# ------------------------------------------------------------------------------ labels
def test_every_label_has_every_language_with_the_same_placeholders() -> None:
    fields = string.Formatter()
    for key, entry in labels().items():
        assert set(entry) == set(LANGS), key
        names = {lang: {f for _, f, _, _ in fields.parse(entry[lang]) if f} for lang in LANGS}
        assert len({frozenset(v) for v in names.values()}) == 1, (key, names)


@pytest.mark.parametrize(("group", "codes"), [("kind", KINDS), ("status", STATUSES)])
def test_every_stored_code_is_translated(group: str, codes: tuple[str, ...]) -> None:
    for code in codes:
        for lang in LANGS:
            assert value_label(group, code, lang) != code or lang == "en"
            assert f"{group}.{code}" in labels()


def test_unknown_label_falls_back_to_its_key() -> None:
    assert label("no.such.key", "en") == "no.such.key"


# ---------------------------------------------------------------------------- figures
def test_completion_figure_has_stacked_parts_and_rate_markers(con) -> None:
    fig = charts.completion_figure(data.completion(con), "zh")
    bars = [t for t in fig.data if t.type == "bar"]
    markers = [t for t in fig.data if t.type == "scatter"]
    assert [b.name for b in bars] == ["已完成", "基本完成", "未完成", "长期坚持"]
    assert {m.xaxis for m in markers} == {"x2"} and len(markers) == 2
    assert fig.layout.barmode == "stack"
    assert {b.orientation for b in bars} == {"h"}
    assert "Noto Sans CJK SC" in fig.layout.font.family
    # Hover carries the source notice; customdata[0] is its id, for the drill-down.
    assert any("示例县农业农村局" in str(c[1]) for c in bars[0].customdata)
    assert {str(c[0]) for c in bars[0].customdata} <= set(data.completion(con)["notice_id"])


@pytest.mark.parametrize(
    ("query", "notice_id"),
    [
        pytest.param("notices", "b2b2b2b2b2b2b2b2", id="overview-table"),
        pytest.param("notice_meta", "b2b2b2b2b2b2b2b2", id="detail-metadata"),
    ],
)
def test_queries_carry_each_dates_precision(con, query: str, notice_id: str) -> None:
    """Both pages that show dates receive every ``<date>_precision`` of v_notices; the fixture's
    b2 was fed back in a month without a day."""
    fn = getattr(data, query)
    df = (fn(con) if query == "notices" else fn(con, notice_id)).set_index("notice_id")
    assert {f"{f}_precision" for f in PRECISE_DATE_FIELDS} <= set(df.columns)
    row = df.loc[notice_id]
    assert row["feedback_date_precision"] == "month" and row["as_of_date_precision"] == "day"
    assert format_date(row["feedback_date"], row["feedback_date_precision"]) == "2024-03"


def test_timeline_figure_marks_known_dates_only(con) -> None:
    meta = data.notice_meta(con, "b2b2b2b2b2b2b2b2").iloc[0]
    fig = charts.timeline_figure(meta, "en")
    assert list(fig.data[-1].text) == ["Feedback", "As of", "Signed"]
    empty = charts.timeline_figure(data.notice_meta(con, "c3c3c3c3c3c3c3c3").iloc[0], "zh")
    assert not empty.data


# ------------------------------------------------------------------------------ queries
def test_notices_table_counts_and_ratio(con) -> None:
    df = data.notices(con).set_index("notice_id")
    assert df.loc["a1a1a1a1a1a1a1a1", "problem_count"] == 3
    assert df.loc["a1a1a1a1a1a1a1a1", "quantity_count"] == 10
    assert df.loc["a1a1a1a1a1a1a1a1", "completion_ratio"] == pytest.approx(0.9)
    assert pd.isna(df.loc["c3c3c3c3c3c3c3c3", "completion_ratio"])


@pytest.mark.parametrize(
    ("flt", "surfaces"),
    [
        pytest.param(
            data.QuantityFilter(kinds=("money",)),
            {"2000万元", "1.5亿元", "3亿元", "500万元", "8亿元", "8.2亿元"},
            id="by-kind",
        ),
        pytest.param(
            data.QuantityFilter(notice_ids=("a1a1a1a1a1a1a1a1",), problem_path="一"),
            {"17次", "300余人"},
            id="problem-includes-children",
        ),
        pytest.param(data.QuantityFilter(text="撂荒"), {"1000亩"}, id="text-in-sentence"),
        pytest.param(
            data.QuantityFilter(text="学习制度"), {"17次", "300余人"}, id="text-in-problem-title"
        ),
        pytest.param(
            data.QuantityFilter(units=("次",), value_min=13),
            {"17次"},
            id="unit-and-min-restated-too",
        ),
        pytest.param(
            data.QuantityFilter(text="集中/专题学习"), {"17次", "12次"}, id="text-in-canonical-name"
        ),
        pytest.param(
            data.QuantityFilter(value_min=1e8, value_max=2e8), {"1.5亿元"}, id="value-range"
        ),
        pytest.param(
            data.QuantityFilter(text="'; DROP TABLE notices; --"),
            set(),
            id="sql-in-text-is-just-text",
        ),
    ],
)
def test_quantity_filters(con, flt: data.QuantityFilter, surfaces: set[str]) -> None:
    df = data.quantities(con, flt)
    assert set(df["surface"]) == surfaces
    assert data.quantity_count(con, flt) == len(df)


def test_quantity_offsets_point_into_the_sentence(con) -> None:
    df = data.quantities(con, data.QuantityFilter())
    for row in df.itertuples():
        start = row.offset_in_sentence
        assert row.sentence[start : start + len(row.surface)] == row.surface


# ------------------------------------------------------------------------------ uploads
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        pytest.param("通报.txt", "内容".encode(), None, id="txt-ok"),
        pytest.param("通报.HTM", b"<p>x</p>", None, id="htm-upper-ok"),
        pytest.param("通报.md", b"# x", None, id="md-ok"),
        pytest.param("通报.pdf", b"%PDF", None, id="pdf-ok"),
        pytest.param("通报.docx", b"PK", None, id="docx-ok"),
        pytest.param("通报.zip", b"PK", None, id="zip-ok"),
        pytest.param("通报.xlsx", b"PK", "suffix", id="xlsx-refused"),
        pytest.param("空.txt", b"", "empty", id="empty-refused"),
    ],
)
def test_upload_precheck(name: str, content: bytes, reason: str | None) -> None:
    assert precheck(Upload(name, content)) == reason


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        pytest.param("../../etc/通报.txt", set(), "通报.txt", id="path-traversal-stripped"),
        pytest.param("C:\\Users\\a\\通报.txt", set(), "通报.txt", id="windows-path"),
        pytest.param(".hidden.txt", set(), "hidden.txt", id="no-dotfile"),
        pytest.param("通报.txt", {"通报.txt", "通报-2.txt"}, "通报-3.txt", id="clash-numbered"),
    ],
)
def test_safe_name(name: str, taken: set[str], expected: str) -> None:
    assert safe_name(name, set(taken)) == expected


def test_ingest_uploads_reports_each_file(tmp_path: Path) -> None:
    from dashboard.importer import ingest_uploads

    require_ingest()
    from tests.notice_factory import notice_text

    db_path = tmp_path / "up.duckdb"
    uploads = [
        Upload("甲.txt", notice_text("甲开发区").encode("utf-8")),
        Upload("乙.txt", notice_text("乙开发区", study=5).encode("gbk")),
        Upload("图片.png", b"\x89PNG"),
    ]
    result = ingest_uploads(uploads, db_path)
    assert result.set_index("file")["status"].to_dict() == {
        "甲.txt": "new",
        "乙.txt": "new",
        "图片.png": "refused",
    }
    again = ingest_uploads(uploads[:1], db_path)
    assert again["status"].tolist() == ["unchanged"]
    ids = result.set_index("file")["notice_id"]
    assert re.fullmatch(r"[0-9a-f]{16}", str(ids["甲.txt"]))
    assert again.loc[0, "notice_id"] == ids["甲.txt"]


@pytest.mark.parametrize("module", ["dashboard.units", "dashboard.highlight", "dashboard.importer"])
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------- canonical metrics (Compare page)
A1, B2, C3 = "a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2", "c3c3c3c3c3c3c3c3"


@pytest.mark.parametrize(
    ("metric_id", "unit", "expected"),
    [
        pytest.param("study.collective", "次", 29, id="restated-17-counted-once-17+12"),
        pytest.param("funds.recovered", "元", 25_000_000, id="sum-across-notices-one-unit"),
        pytest.param("rect.problems_total", "个", 30, id="headline-figures-added-across-notices"),
        pytest.param("training.participants", "人", 300, id="two-units-never-added-人"),
        pytest.param("training.participants", "人次", 500, id="two-units-never-added-人次"),
        pytest.param("rect.completion_rate", "%", None, id="percent-never-totalled"),
        pytest.param("economy.output", "元", None, id="none-metric-never-totalled"),
    ],
)
def test_metric_totals_only_where_adding_is_honest(
    con, metric_id: str, unit: str, expected: float | None
) -> None:
    ids = [
        "study.collective",
        "funds.recovered",
        "rect.problems_total",
        "training.participants",
        "rect.completion_rate",
        "economy.output",
    ]
    totals = data.metric_totals(con, ids).set_index(["metric_id", "unit"])
    if expected is None:
        assert (metric_id, unit) not in totals.index
    else:
        assert totals.loc[(metric_id, unit), "total"] == pytest.approx(expected)
    assert "%" not in set(totals.index.get_level_values("unit"))
    assert set(totals["aggregate"]) <= {"sum", "headline"}


def test_metric_values_ranked_with_disagreement_last(con) -> None:
    df = data.metric_values(con, ["economy.output", "study.collective"])
    output = df[df["metric_id"] == "economy.output"]
    assert list(output["notice_id"]) == [A1, B2], "A1 has a value; B2 disagrees, ranked last"
    assert pd.isna(output["value"].iloc[1]) and bool(output["values_disagree"].iloc[1])
    study = df[df["metric_id"] == "study.collective"]
    assert list(study["value"]) == [17, 12] and list(study["rank"]) == [1, 2]
    assert list(df["metric_id"].drop_duplicates()) == ["economy.output", "study.collective"]


def test_metric_values_cap_per_group_keeps_the_full_count(con) -> None:
    df = data.metric_values(con, ["study.collective"], limit=1)
    assert list(df["notice_id"]) == [A1] and int(df["group_notices"].iloc[0]) == 2


def test_metric_sources_mark_the_restated_figure(con) -> None:
    rows = data.metric_sources(con, "study.collective", "次", [A1])
    assert list(rows["surface"]) == ["17次", "17次"]
    first, copy = rows.iloc[0], rows.iloc[1]
    assert bool(first["counted"]) and pd.isna(first["restates_quantity_id"])
    assert not bool(copy["counted"]) and int(copy["restates_quantity_id"]) == first["quantity_id"]
    assert copy["metric_rule"] == "study.collective.fixture"
    for row in rows.itertuples():
        shown = highlight_html(row.sentence, row.surface, int(row.offset_in_sentence))
        assert "<mark>17次</mark>" in shown
    assert data.metric_source_count(con, "study.collective", "次") == 3


def counted_sums_match_values(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows where the counted statements of v_metric_sources do not add up to the value."""
    return connection.execute(
        """
        WITH counted AS (
            SELECT s.notice_id, s.metric_id, s.unit, sum(q.value) AS counted_value
            FROM v_metric_sources s JOIN quantities q USING (notice_id, quantity_id)
            WHERE s.counted GROUP BY ALL
        )
        SELECT v.*, c.counted_value FROM v_metric_values v LEFT JOIN counted c
               USING (notice_id, metric_id, unit)
        WHERE v.aggregate IN ('sum', 'headline')
          AND abs(coalesce(c.counted_value, 0) - coalesce(v.value, 0)) > 1e-6
        """
    ).df()


def test_counted_sources_add_up_to_each_value(con) -> None:
    assert counted_sums_match_values(con).empty


def test_coverage_counts_metric_kinds_only(con) -> None:
    summary = data.coverage_summary(con).iloc[0]
    # 17 count/money/area/length quantities (dates and percents excluded), 15 with an id.
    assert (int(summary["quantities"]), int(summary["assigned"])) == (17, 15)
    per_notice = data.coverage_by_notice(con)
    assert per_notice["label"].iloc[-1].startswith("示例区教育局"), "fully covered notice last"
    phrases = data.unassigned_phrases(con)
    assert list(phrases["metric"]) == ["整治撂荒土地", "新建道路"]
    detail = data.unassigned_quantities(con, [B2])
    assert list(detail["surface"]) == ["2-3公里"] and "新建道路" in detail["sentence"].iloc[0]


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("", 50, [B2, A1, C3], id="empty-search-newest-first"),
        pytest.param("财政", 50, [B2], id="by-unit-name"),
        pytest.param("中共示例区", 50, [C3], id="by-issuer"),
        pytest.param("", 1, [B2], id="limit-caps-the-options"),
        pytest.param("'; DROP TABLE notices; --", 50, [], id="sql-is-just-text"),
    ],
)
def test_notice_search(con, text: str, limit: int, expected: list[str]) -> None:
    assert list(data.notice_search(con, text, limit)["notice_id"]) == expected


def test_labels_are_unique_and_never_a_hash(tmp_path: Path) -> None:
    from datetime import date

    from tests.dashboard_fixtures import N, S

    def notice(nid: str, unit: str, signed: date | None) -> N:
        dates = {"signed_date": signed} if signed else {}
        return N(nid, unit, "组", [S("无数字。")], [], dates=dates)

    notices = [
        notice("1111111111111111", "甲局", date(2023, 1, 5)),  # same unit, own date
        notice("2222222222222222", "甲局", date(2024, 2, 6)),
        notice("3333333333333333", "乙局", date(2024, 2, 6)),  # same unit and date: ordinal
        notice("4444444444444444", "乙局", date(2024, 2, 6)),
        notice("5555555555555555", "", None),  # no unit: the title
        notice("6666666666666666", "丙局", date(2024, 3, 1)),  # a month-precise date: 2024-03
        notice("7777777777777777", "丙局", date(2024, 5, 9)),
    ]
    notices[5].precisions = {"signed_date": "month"}
    path = build_fixture_db(tmp_path / "labels.duckdb", notices)
    connection = open_readonly(path)
    try:
        got = dict(data.notice_labels(connection).itertuples(index=False))
        names = dict(
            connection.execute("SELECT notice_id, display_name FROM v_notice_names").fetchall()
        )
    finally:
        connection.close()
    # The pages' names are v_notice_names.display_name, the one naming rule (its own tests
    # cover the rule); here: every notice has one, unique, never a hash.
    assert got == names
    assert len(set(got.values())) == len(got) == len(notices)
    assert got["5555555555555555"].startswith("【虚构示例】"), "no unit: the title"
    assert not any(nid[:6] in lab for nid, lab in got.items())


def test_metric_bars_figure_ranked_horizontal_in_display_units(con) -> None:
    rows = data.metric_values(con, ["funds.recovered"])
    fig = charts.metric_bars_figure(rows, "追回/收回资金(元)", "元", "zh")
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert [y.split(" ")[0] for y in bar.y] == ["示例县农业农村局", "示例市财政局"]
    assert list(bar.x) == [2000, 500] and fig.layout.xaxis.title.text == "万元"
    assert list(bar.text) == ["2000万元", "500万元"]
    assert fig.layout.yaxis.autorange == "reversed", "largest on top"
    assert [c[0] for c in bar.customdata] == [A1, B2]


def test_metric_bars_figure_skips_a_notice_without_a_single_value(con) -> None:
    rows = data.metric_values(con, ["economy.output"])
    fig = charts.metric_bars_figure(rows, "产值", "元", "zh")
    assert [y.split(" ")[0] for y in fig.data[0].y] == ["示例县农业农村局"]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        pytest.param(
            {"selection": {"points": [{"point_index": 1, "customdata": [B2, 1]}]}},
            B2,
            id="clicked-bar",
        ),
        pytest.param({"selection": {"points": []}}, None, id="nothing-selected"),
        pytest.param(None, None, id="chart-never-touched"),
        pytest.param({"selection": {"points": [{"customdata": A1}]}}, A1, id="scalar-customdata"),
    ],
)
def test_selected_notice(selection: object, expected: str | None) -> None:
    assert charts.selected_notice(selection) == expected


# ------------------------------------------- the real corpus: a restated figure counts once
@pytest.fixture(scope="module")
def corpus_con(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]):
    from tests.dashboard_fixtures import build_ingested_db

    path = build_ingested_db(tmp_path_factory.mktemp("corpus") / "c.duckdb", corpus_files)
    connection = open_readonly(path)
    yield connection
    connection.close()


def test_corpus_totals_count_restated_figures_once(corpus_con) -> None:
    restated = corpus_con.execute(
        "SELECT count(*) FROM quantities WHERE restates_quantity_id IS NOT NULL "
        "AND metric_id IS NOT NULL"
    ).fetchone()[0]
    assert restated > 0, "the notice whose 附件 repeats its body restates some figures"
    sums = corpus_con.execute(
        """
        SELECT q.metric_id, q.unit,
               sum(q.value) FILTER (WHERE q.restates_quantity_id IS NULL) AS once,
               sum(q.value) AS every_statement
        FROM quantities q JOIN metrics m USING (metric_id)
        WHERE m.aggregate = 'sum' AND q.value IS NOT NULL AND q.kind <> 'date'
        GROUP BY ALL
        """
    ).df()
    totals = data.metric_totals(corpus_con, list(sums["metric_id"].unique()))
    merged = sums.merge(totals, on=["metric_id", "unit"], validate="one_to_one")
    assert len(merged) == len(sums)
    assert (merged["total"] - merged["once"]).abs().max() < 1e-6
    assert (merged["every_statement"] > merged["total"]).any(), "a restatement was not added"
    assert counted_sums_match_values(corpus_con).empty


def test_every_metric_family_has_a_label_in_both_languages() -> None:
    """The Compare page's family facet names each taxonomy family; none may show its raw key."""
    from dashboard.i18n import label
    from extract.quantities.taxonomy import metrics

    for family in sorted({m.family for m in metrics()}):
        for lang in ("zh", "en"):
            shown = label(f"family.{family}", lang)
            assert shown and shown != f"family.{family}", (family, lang)


@pytest.mark.parametrize(
    ("covers", "row", "shown"),
    [
        (
            "a date without an upper end: no 'nan' (issue 11: '2022-06-22 – nan')",
            {"kind": "date", "date_value": "2024-03-18", "date_high": float("nan")},
            "2024-03-18",
        ),
        (
            "a date range",
            {"kind": "date", "date_value": "2023-01", "date_high": "2023-03"},
            "2023-01 – 2023-03",
        ),
        (
            "a count",
            {"kind": "count", "value": 17.0, "value_high": float("nan"), "unit": "次"},
            "17次",
        ),
        (
            "a range of counts",
            {"kind": "count", "value": 2.0, "value_high": 3.0, "unit": "次"},
            "2 – 3次",
        ),
        ("a count without a value", {"kind": "count", "value": None, "unit": "次"}, "—"),
    ],
)
def test_shown_quantity_never_prints_nan(covers: str, row: dict, shown: str) -> None:
    from dashboard.units import shown_quantity

    assert shown_quantity(row) == shown, covers


def test_query_door_takes_query_functions_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """db.query runs functions of the query modules (typed, cached by module:name); a
    substituted one runs under its module's name; any other function is refused."""
    from dashboard import data, data_units, db

    assert db._key(data.kpis) == "dashboard.data:kpis"
    assert db._key(data_units.unit_summary) == "dashboard.data_units:unit_summary"

    def fake(con: object) -> str:
        return "fake"

    monkeypatch.setattr(data, "kpis", fake)
    assert db._key(data.kpis) == "dashboard.data:kpis"
    assert db._resolve("dashboard.data:kpis") is fake
    with pytest.raises(TypeError, match="not a dashboard query"):
        db._key(print)


# (text, CSS string literal): what css_string must escape so a label cannot break the style
CSS_STRINGS = [
    ("选择文件", '"选择文件"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("a\\b", '"a\\\\b"'),
    ("two\nlines", '"two\\a lines"'),
    ("</style><script>", '"\\3c /style>\\3c script>"'),
]


@pytest.mark.parametrize(("text", "literal"), CSS_STRINGS, ids=[c[0] for c in CSS_STRINGS])
def test_css_string_escapes(text: str, literal: str) -> None:
    assert css_string(text) == literal


def test_drop_zone_labels_in_every_language_but_english() -> None:
    """Streamlit's drop zone is English only: every other language paints its own labels."""
    types = ["TXT", "MD", "ZIP"]
    assert dropzone_css("en", 20, types) == ""
    for code in LANGS:
        if code == "en":
            continue
        css = dropzone_css(code, 20, types)
        assert css.startswith("<style>") and css.endswith("</style>")
        assert css_string(label("import.dropzone_button", code)) in css
        limit = label("import.dropzone_limit", code, mb=20, types="、".join(types))
        assert css_string(limit) in css and "20" in limit and "TXT、MD、ZIP" in limit
        assert "{button}" not in css and "{limit}" not in css
