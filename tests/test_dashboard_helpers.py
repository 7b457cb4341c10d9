"""Pure-function tests of the dashboard helpers: CSV bytes, display units, highlighting,
labels, figure builders, upload checks and the data queries (against the fixture database)."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import charts, data
from dashboard.highlight import highlight_html, locate
from dashboard.i18n import LANGS, label, labels, value_label
from dashboard.importer import Upload, precheck, safe_name
from dashboard.units import choose_scale, format_value
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
    assert {m.yaxis for m in markers} == {"y2"} and len(markers) == 2
    assert fig.layout.barmode == "stack"
    assert "Noto Sans CJK SC" in fig.layout.font.family
    # Hover carries the source notice.
    assert any("示例县农业农村局" in str(c[0]) for c in bars[0].customdata)


def test_compare_figure_groups_units_in_display_units(con) -> None:
    totals = data.compare_totals(con, ["a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2"], "money")
    fig = charts.compare_figure(totals, "value_sum", "zh")
    assert fig.layout.barmode == "group"
    assert [t.name for t in fig.data] == ["亿元"]
    assert sorted(fig.data[0].y) == [0.2, 1.5]
    assert fig.layout.yaxis.title.text == "数值合计 (亿元)"


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
    assert df.loc["a1a1a1a1a1a1a1a1", "quantity_count"] == 8
    assert df.loc["a1a1a1a1a1a1a1a1", "completion_ratio"] == pytest.approx(0.9)
    assert pd.isna(df.loc["c3c3c3c3c3c3c3c3", "completion_ratio"])


@pytest.mark.parametrize(
    ("kind", "unit", "metric", "expected"),
    [
        pytest.param(
            "count",
            "次",
            "学习",
            {"a1a1a1a1a1a1a1a1": 17, "b2b2b2b2b2b2b2b2": 12},
            id="study-times",
        ),
        pytest.param(
            "money",
            "元",
            "资金",
            {"a1a1a1a1a1a1a1a1": 2e7, "b2b2b2b2b2b2b2b2": 1.5e8},
            id="funds-yuan",
        ),
        pytest.param("area", None, None, {"a1a1a1a1a1a1a1a1": 1000}, id="area-any-unit"),
        pytest.param(None, None, "不存在的词", {}, id="no-match"),
    ],
)
def test_compare_totals(con, kind, unit, metric, expected) -> None:
    ids = ["a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2"]
    df = data.compare_totals(con, ids, kind, unit, metric)
    assert dict(zip(df["notice_id"], df["value_sum"], strict=True)) == expected


@pytest.mark.parametrize(
    ("flt", "surfaces"),
    [
        pytest.param(data.QuantityFilter(kinds=("money",)), {"2000万元", "1.5亿元"}, id="by-kind"),
        pytest.param(
            data.QuantityFilter(notice_ids=("a1a1a1a1a1a1a1a1",), problem_path="一"),
            {"17次", "300余人"},
            id="problem-includes-children",
        ),
        pytest.param(data.QuantityFilter(text="撂荒"), {"1000亩"}, id="text-in-sentence"),
        pytest.param(
            data.QuantityFilter(text="学习制度"), {"17次", "300余人"}, id="text-in-problem-title"
        ),
        pytest.param(data.QuantityFilter(units=("次",), value_min=13), {"17次"}, id="unit-and-min"),
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
    assert data.quantity_count(con, flt) == len(surfaces)


def test_quantity_offsets_point_into_the_sentence(con) -> None:
    df = data.quantities(con, data.QuantityFilter())
    for row in df.itertuples():
        start = row.offset_in_sentence
        assert row.sentence[start : start + len(row.surface)] == row.surface


def test_unique_labels_disambiguate_repeated_units() -> None:
    out = data.unique_labels(
        pd.Series(["甲局", "甲局", None]), pd.Series(["abcdef12", "99887766", "ffff0000"])
    )
    assert out.tolist() == ["甲局 · abcdef", "甲局 · 998877", "ffff0000"]


# ------------------------------------------------------------------------------ uploads
@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        pytest.param("通报.txt", "内容".encode(), None, id="txt-ok"),
        pytest.param("通报.HTM", b"<p>x</p>", None, id="htm-upper-ok"),
        pytest.param("通报.md", b"# x", None, id="md-ok"),
        pytest.param("通报.pdf", b"%PDF", "suffix", id="pdf-refused"),
        pytest.param("通报.docx", b"PK", "suffix", id="docx-refused"),
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
