"""The printable report (extract/report.py, `xuncha report`, the 打印报告 page): its structure,
its escaping of foreign text, and that it asks nothing of the network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from extract.cli import main
from extract.report import ReportError, notice_report, unit_report
from extract.store import open_readonly
from tests.dashboard_fixtures import APP, NOTICES, N, Q, S, build_fixture_db

EVIL_UNIT = '<script>alert("单位")</script>示例局'
EVIL_SENTENCE = '追回资金30万元<img src="http://evil.example/x.png" onerror="alert(1)">&amp;。'
EVIL = N(
    notice_id="e5e5e5e5e5e5e5e5",
    unit=EVIL_UNIT,
    body="县委第九巡察组",
    sentences=[
        S(EVIL_SENTENCE, None, [Q("30万元", "money", 300_000, "元", "追回资金", "funds.recovered")])
    ],
    problems=[("一", "<b>问题</b>", "completed")],
    anomalies=[("skipped_number", "一/<x>", '"detail" <i>')],
)


@pytest.fixture(scope="module")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("report") / "r.duckdb", [*NOTICES, EVIL])


@pytest.fixture
def con(report_db: Path):
    connection = open_readonly(report_db)
    yield connection
    connection.close()


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _text(html: str) -> str:
    return "".join(_parse(html).text)


def test_notice_report_structure(con: duckdb.DuckDBPyConnection) -> None:
    report = notice_report(con, "a1a1a1a1a1a1a1a1")
    assert report.html.startswith("<!DOCTYPE html>")
    tags = _parse(report.html).tags
    names = [t for t, _ in tags]
    assert names.count("html") == 1 and ("html", {"lang": "zh-CN"}) in tags
    assert "title" in names and "style" in names and names.count("h1") == 1
    assert "@media print" in report.html and "@page" in report.html
    text = _text(report.html)
    assert "示例县农业农村局 巡察整改 2023-08-29" in text  # the display name
    for shown in ("整改完成情况核对", "100%", "90%", "不一致", "主要指标", "编号从(一)跳到(三)"):
        assert shown in text, shown
    # each figure beside its sentence, the figure marked
    assert "<mark>2000万元</mark>" in report.html
    assert "追回资金" in text and "2000万元" in text


@pytest.mark.parametrize(
    ("notice_id", "absent"),
    [
        pytest.param(
            "c3c3c3c3c3c3c3c3", ("nan", "None", "NaT", "<NA>"), id="no-dates-no-completion"
        ),
        pytest.param("b2b2b2b2b2b2b2b2", ("nan", "None", "NaT", "<NA>"), id="month-date"),
    ],
)
def test_missing_values_are_dashes(
    notice_id: str, absent: tuple[str, ...], con: duckdb.DuckDBPyConnection
) -> None:
    text = _text(notice_report(con, notice_id).html)
    for token in absent:
        assert not re.search(rf"(?<![A-Za-z]){re.escape(token)}(?![A-Za-z])", text), token
    assert "—" in text


def test_foreign_text_is_escaped_and_nothing_runs(con: duckdb.DuckDBPyConnection) -> None:
    html = notice_report(con, EVIL.notice_id).html
    tags = _parse(html).tags
    assert not [t for t, _ in tags if t in {"script", "img", "iframe", "object", "embed", "b", "i"}]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    text = _text(html)
    assert EVIL_UNIT in text  # shown as the text it is
    assert '<img src="http://evil.example/x.png"' in text


def test_no_outside_requests(con: duckdb.DuckDBPyConnection) -> None:
    for report in (notice_report(con, EVIL.notice_id), unit_report(con, "示例市财政局")):
        tags = _parse(report.html).tags
        refs = [v for _, attrs in tags for k, v in attrs.items() if k in {"src", "href"}]
        assert all(v and v.startswith("#") for v in refs), refs  # in-page anchors only
        assert not [t for t, _ in tags if t == "link"]
        css = re.search(r"<style>(.*?)</style>", report.html, re.S)
        assert css and "url(" not in css.group(1) and "@import" not in css.group(1)


def test_unit_report_lists_and_links_each_notice(con: duckdb.DuckDBPyConnection) -> None:
    report = unit_report(con, "示例市财政局", "en")
    assert report.title == "Rectification report: 示例市财政局"
    assert 'href="#n-b2b2b2b2b2b2b2b2"' in report.html
    assert 'id="n-b2b2b2b2b2b2b2b2"' in report.html
    assert "Completion audit" in _text(report.html)


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        pytest.param(notice_report, "ffffffffffffffff", id="unknown-notice"),
        pytest.param(unit_report, "没有这个单位", id="unknown-unit"),
    ],
)
def test_unknown_notice_or_unit(call, arg: str, con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportError) as err:
        call(con, arg)
    assert re.search(r"[\u4e00-\u9fff]", str(err.value))


def test_file_name_is_safe() -> None:
    from extract.report import Report

    assert Report('a/b\\c:"d"', "").file_name() == "abcd.html"


def test_cli_report(report_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--notice", "a1a1a1a1a1a1a1a1", "--out", str(out), "--db", str(report_db)]
    assert main(args) == 0
    assert "<mark>2000万元</mark>" in out.read_text(encoding="utf-8")
    bad = ["report", "--unit", "没有", "--out", str(tmp_path / "x.html"), "--db", str(report_db)]
    assert main(bad) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "没有该单位" in err
    assert not (tmp_path / "x.html").exists()


# ------------------------------------------------------------------------- the page
def _report_page(db: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]) -> AppTest:
    monkeypatch.setenv("XUNCHA_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.query_params.update(query)
    at.switch_page("views/report.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _report_frames(at: AppTest) -> list[str]:
    """The reports shown in the page (other iframes, e.g. the sidebar's copy-link button, aside)."""
    shown = [str(f.proto) for f in at.get("iframe")]
    return [p for p in shown if "@media print" in p]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        pytest.param({"n": "a1a1a1a1a1a1a1a1"}, "示例县农业农村局 巡察整改", id="by-notice-url"),
        pytest.param({"u": "示例市财政局"}, "示例市财政局 整改情况报告", id="by-unit-url"),
    ],
)
def test_report_page_from_a_url(
    query: dict[str, str], title: str, report_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _report_page(report_db, monkeypatch, query)
    button = at.get("download_button")
    assert button and button[0].proto.label == "下载报告(HTML)"
    frames = _report_frames(at)
    assert len(frames) == 1, "the report is shown in the page"
    assert title in frames[0]


def test_report_page_switches_to_a_unit(report_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _report_page(report_db, monkeypatch, {"n": "a1a1a1a1a1a1a1a1"})
    at.radio(key="report_by").set_value("unit").run()
    assert not at.exception
    assert "u" in at.query_params and "n" not in at.query_params


def test_report_page_unknown_notice(report_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _report_page(report_db, monkeypatch, {"n": "ffffffffffffffff"})
    assert any("ffffffffffffffff" in w.value for w in at.warning)
    assert not _report_frames(at), "no other notice is shown in its place"


def test_report_page_unknown_unit(report_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _report_page(report_db, monkeypatch, {"u": "没有这个单位"})
    assert any("没有这个单位" in w.value for w in at.warning)
    assert not _report_frames(at)
