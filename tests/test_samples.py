"""The fictional sample notices in data/ (the README demo ingests them) load and say so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract.reading import iter_notice_files, load_notice

DATA = Path(__file__).resolve().parents[1] / "data"
MARKER = "【虚构示例,仅供演示】"

SAMPLES = [
    # (file, expected encoding, expected format, what the file is there to exercise)
    ("qinghe_kaifaqu_2023_utf8.txt", "utf-8", "txt"),  # plain UTF-8
    ("songling_nongye_2024_gbk.txt", "gbk", "txt"),  # GBK detection
    ("qinghe_zhujian_2024.html", "utf-8", "html"),  # page chrome, table, meta charset
    ("yunling_gongxiaoshe_2024_utf8bom.txt", "utf-8-sig", "txt"),  # BOM, CRLF, full-width
]


def test_every_sample_is_listed() -> None:
    on_disk = sorted(p.name for p in iter_notice_files([DATA]))  # data/README.md is skipped
    assert on_disk == sorted(s[0] for s in SAMPLES)


@pytest.mark.parametrize(("name", "encoding", "fmt"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_loads_and_is_marked_fictional(name: str, encoding: str, fmt: str) -> None:
    path = DATA / name
    first_raw_line = (
        path.read_bytes().split(b"\n", 1)[0].decode(encoding.replace("-sig", ""), errors="replace")
    )
    assert "虚构示例" in first_raw_line  # the file itself says so on line 1
    loaded = load_notice(path)
    assert (loaded.encoding, loaded.source_format) == (encoding, fmt)
    assert loaded.text.startswith(MARKER)  # and so does the canonical text
    assert 900 <= len(loaded.text) <= 2500  # ~3–6 KB of UTF-8 text


@pytest.mark.parametrize(("name", "encoding", "fmt"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_has_genre_structure(name: str, encoding: str, fmt: str) -> None:
    loaded = load_notice(DATA / name)
    text, lines = loaded.text, loaded.text.split("\n")
    assert loaded.title_hint is not None and loaded.title_hint.endswith("整改进展情况的通报")
    assert re.search(r"关于[市县]委第.巡察组反馈意见整改进展情况的通报", text)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日至(?:\d{4}年)?\d{1,2}月\d{1,2}日", text)
    assert re.search(r"完成率[\d.]+%", text)
    assert re.search(r"欢迎广大干部群众.*监督", text)
    assert re.search(r"0000-\d{7}", text)  # fictional phone number
    assert lines[-2].startswith("中共") and lines[-2].endswith("委员会")  # signature org
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[-1])  # signature date
    assert not re.search(r"上一篇|分享到|版权所有|ICP备|打印|当前位置", text)


def test_html_sample_keeps_table_and_metadata() -> None:
    text = load_notice(DATA / "qinghe_zhujian_2024.html").text
    assert "序号 | 问题类别 | 问题数 | 已完成 | 基本完成 | 持续推进" in text.split("\n")
    assert "发布时间:2024-03-20 10:30 来源:市委巡察办" in text.split("\n")
    assert "隐藏" not in text and "9999" not in text  # CSS-hidden block dropped


def test_samples_differ_in_completion_figures() -> None:
    rates = {load_notice(DATA / s[0]).text.split("完成率")[1][:5] for s in SAMPLES}
    assert len(rates) == len(SAMPLES)
