"""load_notice / iter_notice_files: encodings, formats, errors, folder walking.

Every row writes a small synthetic file into tmp_path (no real notice text is copied).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.html_text import html_to_text
from extract.normalize import normalize_text
from extract.reading import (
    LoadedNotice,
    NoticeReadError,
    decode_bytes,
    iter_notice_files,
    load_notice,
    title_from_text,
)

TITLE = "中共青禾市某某局委员会关于市委第二巡察组反馈意见整改进展情况的通报"
BODY = (
    "根据市委统一部署,2023年4月12日至6月13日,市委第二巡察组开展了常规巡察。"
    "已完成22个、基本完成4个。"
)
NOTICE = f"{TITLE}\n\n{BODY}\n"
# 镕 and 堃 exist in GBK but not in GB2312; 𠀀 (U+20000) only in GB18030 (four bytes).
GBK_ONLY = f"{TITLE}\n朱镕基 王堃\n{BODY}"
GB18030_ONLY = f"{TITLE}\n𠀀\n{BODY}"
TRADITIONAL = (
    "關於巡察整改進展情況的通報\n根據市委統一部署,巡察組反饋的問題已經全部完成整改,共計二十八個。"
)


def _bom(bom: bytes, enc: str) -> Callable[[str], bytes]:
    return lambda s: bom + s.encode(enc)


ENCODING_CASES = [
    # (id, text, encoder, expected encoding)
    ("utf8", NOTICE, lambda s: s.encode("utf-8"), "utf-8"),
    ("utf8_bom", NOTICE, lambda s: s.encode("utf-8-sig"), "utf-8-sig"),
    ("utf8_bom_crlf", NOTICE, lambda s: s.replace("\n", "\r\n").encode("utf-8-sig"), "utf-8-sig"),
    ("gbk", NOTICE, lambda s: s.encode("gbk"), "gbk"),
    ("gb2312_reads_as_gbk", NOTICE, lambda s: s.encode("gb2312"), "gbk"),
    ("gbk_only_characters", GBK_ONLY, lambda s: s.encode("gbk"), "gbk"),
    ("gb18030_four_byte", GB18030_ONLY, lambda s: s.encode("gb18030"), "gb18030"),
    ("utf16_le_bom", NOTICE, lambda s: s.encode("utf-16"), "utf-16-le"),
    ("utf16_be_bom", NOTICE, _bom(b"\xfe\xff", "utf-16-be"), "utf-16-be"),
    ("utf32_le_bom", NOTICE, _bom(b"\xff\xfe\x00\x00", "utf-32-le"), "utf-32-le"),
    ("utf16_le_no_bom", NOTICE, lambda s: s.encode("utf-16-le"), "utf-16-le"),
    ("big5_traditional", TRADITIONAL, lambda s: s.encode("big5"), "big5"),
    ("traditional_in_gbk", TRADITIONAL, lambda s: s.encode("gbk"), "gbk"),
]


@pytest.mark.parametrize(
    ("text", "encode", "encoding"),
    [c[1:] for c in ENCODING_CASES],
    ids=[c[0] for c in ENCODING_CASES],
)
def test_encoding_detected(
    tmp_path: Path, text: str, encode: Callable[[str], bytes], encoding: str
) -> None:
    path = tmp_path / "notice.txt"
    raw = encode(text)
    path.write_bytes(raw)
    loaded = load_notice(path)
    assert loaded.encoding == encoding
    assert loaded.text == normalize_text(text)  # decoded to exactly the original text
    assert loaded.file_sha256 == hashlib.sha256(raw).hexdigest()
    assert loaded.source_format == "txt"


HTML_GBK = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={cs}">'
    "<title>{title}_青禾市人民政府</title></head><body><div class='TRS_Editor'>"
    "<p>{body}</p><p>朱镕基 王堃</p></div></body></html>"
)

HTML_CHARSET_CASES = [
    # (id, declared charset, byte encoding, expected encoding)
    ("meta_gbk_in_gbk", "gbk", "gbk", "gbk"),
    ("meta_gb2312_with_gbk_chars", "gb2312", "gbk", "gb18030"),
    ("meta_utf8_in_utf8", "utf-8", "utf-8", "utf-8"),
    ("meta_wrongly_says_utf8", "utf-8", "gbk", "gbk"),
    ("html5_meta_charset_gbk", "GBK", "gbk", "gbk"),
]


@pytest.mark.parametrize(
    ("declared", "byte_enc", "expected"),
    [c[1:] for c in HTML_CHARSET_CASES],
    ids=[c[0] for c in HTML_CHARSET_CASES],
)
def test_html_meta_charset(tmp_path: Path, declared: str, byte_enc: str, expected: str) -> None:
    html = HTML_GBK.format(cs=declared, title=TITLE, body=BODY)
    if declared == "GBK":
        html = html.replace(
            'http-equiv="Content-Type" content="text/html; charset=GBK"', 'charset="GBK"'
        )
    path = tmp_path / "notice.html"
    path.write_bytes(html.encode(byte_enc))
    loaded = load_notice(path)
    assert loaded.encoding == expected
    assert loaded.source_format == "html"
    assert loaded.title_hint == TITLE
    assert loaded.text.split("\n") == [TITLE, BODY, "朱镕基 王堃"]


ERROR_CASES = [
    # (id, file name, bytes, phrase expected in the message)
    ("binary_with_nuls", "a.txt", bytes(range(256)) * 4, "binary"),
    ("png_image", "a.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
    ("pdf_document", "a.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    ("docx_renamed", "a.html", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 30, "docx"),
    ("empty_file", "a.txt", b"", "empty file"),
    ("whitespace_only", "a.md", b" \r\n\t\r\n", "empty file"),
    ("only_page_noise", "a.txt", "首页\n分享到:\n打印本页\n".encode(), "empty after cleaning"),
    (
        "html_without_text",
        "a.html",
        b"<html><body><script>var a=1;</script></body></html>",
        "empty after cleaning",
    ),
    ("bom_but_broken_utf16", "a.txt", b"\xff\xfe" + "整改".encode("utf-16-le") + b"\x00", "decode"),
    ("control_characters", "a.txt", bytes(range(1, 9)) * 50 + "整改".encode(), "binary"),
    ("unsupported_extension", "a.xlsx", NOTICE.encode(), "unsupported extension"),
    ("no_extension", "README", NOTICE.encode(), "unsupported extension"),
]


@pytest.mark.parametrize(
    ("name", "raw", "phrase"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_bad_input_gives_clear_error(tmp_path: Path, name: str, raw: bytes, phrase: str) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(NoticeReadError) as info:
        load_notice(path)
    message = str(info.value)
    assert phrase in message
    assert str(path) in message  # names the file
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.reason)  # short Chinese too
    assert isinstance(info.value, ValueError)
    assert info.value.path == path


def test_missing_file_and_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(NoticeReadError, match="no such file"):
        load_notice(tmp_path / "missing.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(NoticeReadError, match="is a folder"):
        load_notice(folder)
    with pytest.raises(NoticeReadError, match="no such file or folder"):
        list(iter_notice_files([tmp_path / "nowhere"]))


HTML_CASES = [
    # (id, html, expected canonical text, expected title hint)
    (
        "br_and_entities",
        "<html><body><div class='content'>"
        "<p>巡察整改第一行&nbsp;&amp;说明。<br>第二行&lt;整改&gt;</p>"
        "<p>整改完成率&#57;5.2%,已完成40项。</p></div></body></html>",
        "巡察整改第一行 &说明。\n第二行<整改>\n整改完成率95.2%,已完成40项。",
        None,
    ),
    (
        "chrome_dropped_article_kept",
        "<html><head><title>某某局巡察整改通报_某某网</title><script>var x='<p>假的</p>';</script>"
        "<style>p{color:red}</style></head><body><header>网站名称</header><nav>首页 要闻</nav>"
        "<div id='zoom'><p>根据市委统一部署,开展了巡察。</p><!-- 注释 --><p>已完成22个。</p></div>"
        "<aside>相关阅读</aside><form>搜索</form><footer>版权所有</footer></body></html>",
        "某某局巡察整改通报\n根据市委统一部署,开展了巡察。\n已完成22个。",
        "某某局巡察整改通报",
    ),
    (
        "table_rows_and_cells",
        "<body><div class='article'><p>整改情况统计如下。</p><table><tr><th>序号</th><th>问题</th>"
        "<th>状态</th></tr><tr><td>1</td><td>学习不深入</td><td>已完成</td></tr></table></div></body>",
        "整改情况统计如下。\n序号 | 问题 | 状态\n1 | 学习不深入 | 已完成",
        None,
    ),
    (
        "layout_table_keeps_paragraphs",
        "<body><table><tr><td><p>根据市委统一部署,开展了巡察。</p><p>已完成22个。</p></td>"
        "<td>侧栏</td></tr></table></body>",
        "根据市委统一部署,开展了巡察。\n已完成22个。\n侧栏",
        None,
    ),
    (
        "largest_block_without_hints",
        "<body><div class='left'><a>首页</a> <a>要闻</a></div><div class='x1'><p>根据市委统一部署,"
        "市委第二巡察组开展了常规巡察。</p><p>反馈的28个问题已完成22个。</p></div></body>",
        "根据市委统一部署,市委第二巡察组开展了常规巡察。\n反馈的28个问题已完成22个。",
        None,
    ),
    (
        "hidden_spam_block_dropped",
        "<style>.hd{display:none}</style><body><div class='content'><p>已完成22个。</p>"
        "<div class='hd'>博彩 99999</div><p style='display: none'>隐藏</p><p>基本完成4个。</p>"
        "</div></body>",
        "已完成22个。\n基本完成4个。",
        None,
    ),
    (
        "source_newlines_between_hanzi_joined",
        "<body><div class='content'><p>市委第二巡察组\n  对开发区开展了\n常规巡察, 共 3\n次。</p>"
        "</div></body>",
        "市委第二巡察组对开发区开展了常规巡察, 共 3 次。",
        None,
    ),
    (
        "h1_in_article_is_title",
        "<html><head><title>某某网站</title></head><body><div class='article'>"
        "<h1>关于整改进展情况的通报</h1>"
        "<p>根据市委统一部署,开展了巡察。</p></div></body></html>",
        "关于整改进展情况的通报\n根据市委统一部署,开展了巡察。",
        "关于整改进展情况的通报",
    ),
]


@pytest.mark.parametrize(
    ("html", "text", "title"), [c[1:] for c in HTML_CASES], ids=[c[0] for c in HTML_CASES]
)
def test_html_to_canonical_text(tmp_path: Path, html: str, text: str, title: str | None) -> None:
    path = tmp_path / "page.htm"
    path.write_text(html, encoding="utf-8")
    loaded = load_notice(path)
    assert loaded.text == text
    assert loaded.title_hint == title


def test_txt_file_holding_html_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "saved_page.txt"
    path.write_text(
        f"<!DOCTYPE html><html><body><div class='content'><p>{BODY}</p></div></body></html>",
        encoding="utf-8",
    )
    loaded = load_notice(path)
    assert (loaded.source_format, loaded.text) == ("html", BODY)


MARKDOWN_CASES = [
    # (id, markdown, expected canonical text)
    (
        "headings_and_bold",
        f"# {TITLE}\n\n## 一、总体情况\n\n**已完成**22个。",
        f"{TITLE}\n\n一、总体情况\n\n已完成22个。",
    ),
    ("table", "| 序号 | 问题 |\n| --- | --- |\n| 1 | 学习不深入 |", "序号 | 问题\n1 | 学习不深入"),
    ("links_quotes_rules", "> 见[附件](a.pdf)。\n\n---\n\n1.问题一", "见附件。\n\n1.问题一"),
]


@pytest.mark.parametrize(
    ("md", "text"), [c[1:] for c in MARKDOWN_CASES], ids=[c[0] for c in MARKDOWN_CASES]
)
def test_markdown(tmp_path: Path, md: str, text: str) -> None:
    path = tmp_path / "notice.md"
    path.write_text(md, encoding="utf-8")
    loaded = load_notice(path)
    assert (loaded.source_format, loaded.text) == ("md", text)


TITLE_CASES = [
    # (id, canonical text, expected title hint)
    ("first_line_title", f"{TITLE}\n{BODY}", TITLE),
    ("metadata_line_skipped", f"发布时间:2024-04-15 来源:市委巡察办\n{TITLE}\n{BODY}", TITLE),
    ("editor_note_skipped", f"【虚构示例,仅供演示】本文为虚构。\n{TITLE}\n{BODY}", TITLE),
    ("tag_before_title_removed", f"【虚构示例】{TITLE}\n{BODY}", TITLE),
    ("starts_with_sentence", f"{BODY}\n一、整改工作基本情况", None),
    ("heading_is_not_title", "一、整改工作基本情况\n" + BODY, None),
    ("too_short", "通报\n" + BODY, None),
]


@pytest.mark.parametrize(
    ("text", "title"), [c[1:] for c in TITLE_CASES], ids=[c[0] for c in TITLE_CASES]
)
def test_title_from_text(text: str, title: str | None) -> None:
    assert title_from_text(text) == title


def test_loaded_notice_is_frozen(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text(NOTICE, encoding="utf-8")
    loaded = load_notice(str(path))
    assert isinstance(loaded, LoadedNotice) and loaded.path == path
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.text = "x"  # type: ignore[misc]


def test_decode_bytes_rejects_binary() -> None:
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x00\x01\x02\x03" * 64)


def _touch(root: Path, rel: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NOTICE, encoding="utf-8")
    return path


def test_folder_recursion_order(tmp_path: Path) -> None:
    root = tmp_path / "notices"
    for rel in [
        "b.txt",
        "a/z.html",
        "a/b/c.md",
        "A.HTM",
        "a/y.TXT",
        ".hidden.txt",
        ".git/x.txt",
        "a/.cache/d.txt",
        "notes.docx",
        "sub/scan.pdf",
        "table.xlsx",
        "README.md",
        "a/index.html",
    ]:
        _touch(root, rel)
    extra = _touch(tmp_path, "single.md")
    found = list(iter_notice_files([root, extra, root / "b.txt"]))
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    # sorted folder by folder; hidden files/folders, README and other extensions (.xlsx) skipped;
    # b.txt named again is yielded once
    assert rel == [
        "notices/A.HTM",
        "notices/a/b/c.md",
        "notices/a/index.html",
        "notices/a/y.TXT",
        "notices/a/z.html",
        "notices/b.txt",
        "notices/notes.docx",
        "notices/sub/scan.pdf",
        "single.md",
    ]


def test_explicit_file_with_other_extension_is_yielded_then_rejected(tmp_path: Path) -> None:
    sheet = _touch(tmp_path, "notice.xlsx")
    assert list(iter_notice_files([str(sheet)])) == [sheet]
    with pytest.raises(NoticeReadError, match="unsupported extension"):
        load_notice(sheet)


_HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div class='content'>",
        "</div>",
        "<br>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</tr>",
        "</table>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "&nbsp;",
        "&amp;",
        "&#",
        "<",
        ">",
        "根据市委统一部署,",
        "已完成22个。",
        "\n",
        " ",
        "<h1>",
        "</h1>",
        "<title>",
        "</title>",
        "<style>.x{display:none}</style>",
        "<span class='x'>",
        "<nav>",
        "</nav>",
        "<li>",
        "<ul>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=40).map("".join))
def test_html_to_text_never_crashes_and_is_canonical_after_normalising(html: str) -> None:
    article = html_to_text(html)
    assert "\ue000" not in article.text  # internal soft-break marker never leaks
    assert normalize_text(normalize_text(article.text)) == normalize_text(article.text)
