"""Reading never hangs, never raises a traceback, and stays linear in the input size.

Covers the reading side of the reliability issue: file discovery that reports problems
(``scan_paths``: FIFOs, devices, link loops, unreadable folders, non-UTF-8 names), bounded
reads (``_read_bytes`` never blocks on a FIFO swapped in), a UTF-8 file cut inside its last
character, HTML/Markdown/noise stripping that never raise and are linear, and the Import
page's file names. The pathological inputs come from ``tests/pathological.py``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.importer import MAX_NAME_BYTES, Upload, precheck, safe_name
from extract.html_text import html_to_text
from extract.noise import strip_noise
from extract.normalize import normalize_text
from extract.reading import (
    MAX_FILE_BYTES,
    NoticeReadError,
    _markdown_to_text,
    display_path,
    iter_notice_files,
    load_notice,
    scan_paths,
)
from tests import pathological as P

NOTICE = "关于巡察整改进展情况的通报\n\n一、整改工作总体情况\n已完成整改12项。\n"
GBK_NAME = "通报.txt".encode("gbk")  # what unzip makes of a Windows archive's name


# --------------------------------------------------------------------------- discovery


def _notice(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NOTICE, encoding="utf-8")


def _tree_fifo(root: Path) -> None:
    _notice(root / "good.txt")
    os.mkfifo(root / "pipe.txt")


def _tree_dev_zero(root: Path) -> None:
    _notice(root / "good.txt")
    os.symlink("/dev/zero", root / "zero.txt")


def _tree_file_loop(root: Path) -> None:
    _notice(root / "good.txt")
    os.symlink(root / "b.txt", root / "a.txt")
    os.symlink(root / "a.txt", root / "b.txt")


def _tree_dangling(root: Path) -> None:
    _notice(root / "good.txt")
    os.symlink(root / "gone.txt", root / "link.txt")


def _tree_broken_folder_links(root: Path) -> None:
    _notice(root / "good.txt")
    # Broken links whose names are no notice names are not reported (like any other file
    # that is not a notice): there is no telling what they were meant to be.
    os.symlink(root / "nowhere", root / "archive")
    os.symlink(root / "ring", root / "ring")
    os.symlink(root / "nowhere.xlsx", root / "sheet.xlsx")


def _tree_folder_loop(root: Path) -> None:
    _notice(root / "sub" / "good.txt")
    os.symlink("..", root / "sub" / "up")


def _tree_linked_folder(root: Path) -> None:
    _notice(root.parent / "elsewhere" / "good.txt")
    os.symlink(root.parent / "elsewhere", root / "linked")
    os.symlink(root.parent / "elsewhere", root / "again")  # same folder twice: walked once


def _tree_bad_name(root: Path) -> None:
    _notice(root / "good.txt")
    (Path(os.fsdecode(os.fsencode(root) + b"/" + GBK_NAME))).write_text(NOTICE)


def _tree_empty(root: Path) -> None:
    (root / "notes.xlsx").write_bytes(b"PK")


def _tree_order(root: Path) -> None:
    for rel in ("b.txt", "a/z.md", "a.txt", ".hidden/x.txt", ".x.txt", "README.md", "c.HTM"):
        _notice(root / rel)


@pytest.mark.parametrize(
    ("build", "files", "problems"),
    [
        pytest.param(_tree_fifo, ["good.txt"], [("pipe.txt", "FIFO/device")], id="D4-fifo"),
        pytest.param(
            _tree_dev_zero, ["good.txt"], [("zero.txt", "不是普通文件")], id="D3-link-to-dev-zero"
        ),
        pytest.param(
            _tree_file_loop,
            ["good.txt"],
            [("a.txt", "symbolic link loop"), ("b.txt", "符号链接循环")],
            id="D3-file-link-loop",
        ),
        pytest.param(
            _tree_dangling, ["good.txt"], [("link.txt", "points to nothing")], id="dangling"
        ),
        pytest.param(
            _tree_folder_loop,
            ["sub/good.txt"],
            [("sub/up", "symbolic link loop")],
            id="D3-dir-loop",
        ),
        pytest.param(
            _tree_broken_folder_links,
            ["good.txt"],
            [],
            id="broken-links-without-notice-names-ignored",
        ),
        pytest.param(_tree_linked_folder, ["again/good.txt"], [], id="linked-folder-walked-once"),
        pytest.param(_tree_bad_name, ["good.txt"], [(None, "not valid UTF-8")], id="D3-gbk-name"),
        pytest.param(_tree_empty, [], [(".", "no notice files found")], id="D14-no-notices"),
        pytest.param(
            _tree_order, ["a/z.md", "a.txt", "b.txt", "c.HTM"], [], id="order-hidden-readme"
        ),
    ],
)
def test_scan_paths_reports_instead_of_raising(
    tmp_path: Path,
    build: Callable[[Path], None],
    files: list[str],
    problems: list[tuple[str | None, str]],
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    build(root)
    found, reported = scan_paths([root])
    assert [p.relative_to(root).as_posix() for p in found] == files
    assert len(reported) == len(problems), reported
    for (path, reason), (want_path, want_reason) in zip(
        sorted(reported, key=lambda r: str(r[0])), problems, strict=True
    ):
        assert want_reason in reason
        assert " / " in reason, "every reason is bilingual"
        if want_path is not None:
            assert path == (root / want_path if want_path != "." else root)
        # Printing a problem never raises, whatever bytes the name held.
        f"{display_path(path)}: {reason}".encode()


def test_non_utf8_name_is_shown_escaped_with_a_guess(tmp_path: Path) -> None:
    _tree_bad_name(tmp_path)
    _, [(path, reason)] = scan_paths([tmp_path])
    str(path).encode("utf-8")  # the reported path is printable as is
    assert "\\x" in str(path)
    assert "通报.txt" in reason  # the GB18030 reading of the bytes


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        pytest.param(lambda p: os.mkfifo(p), "not a regular file", id="D14-named-fifo"),
        pytest.param(lambda p: None, "no such file or folder", id="missing"),
        pytest.param(lambda p: os.symlink(p, p), "symbolic link loop", id="self-link"),
        pytest.param(lambda p: os.symlink("/dev/null", p), "FIFO/device", id="link-to-device"),
    ],
)
def test_scan_paths_explicit_path(
    tmp_path: Path, make: Callable[[Path], None], phrase: str
) -> None:
    path = tmp_path / "x.txt"
    make(path)
    files, [(where, reason)] = scan_paths([path])
    assert files == [] and where == path and phrase in reason


def test_unreadable_folders_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """D14: os.scandir failing (permission denied; simulated, tests may run as root)."""
    _notice(tmp_path / "top" / "good.txt")
    _notice(tmp_path / "top" / "locked" / "hidden_from_us.txt")
    _notice(tmp_path / "shut" / "x.txt")
    real = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name in {"locked", "shut"}:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, problems = scan_paths([tmp_path / "top", tmp_path / "shut"])
    assert files == [tmp_path / "top" / "good.txt"]
    denied = "folder cannot be read (permission denied) / 文件夹无法读取(没有权限)"
    assert problems == [(tmp_path / "top" / "locked", denied), (tmp_path / "shut", denied)]


def test_iter_notice_files_keeps_its_contract(tmp_path: Path) -> None:
    _tree_fifo(tmp_path)
    assert list(iter_notice_files([tmp_path, tmp_path / "good.txt"])) == [tmp_path / "good.txt"]
    with pytest.raises(NoticeReadError, match="no such file or folder"):
        list(iter_notice_files([tmp_path / "missing"]))
    with pytest.raises(NoticeReadError, match="not a regular file"):
        list(iter_notice_files([tmp_path / "pipe.txt"]))


# --------------------------------------------------------------------------- reading


def _finishes(fn: Callable[[], object], seconds: float = 20.0) -> object:
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it blocks."""
    box: list[object] = []
    worker = threading.Thread(target=lambda: box.append(_capture(fn)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the read blocked"
    return box[0]


def _capture(fn: Callable[[], object]) -> object:
    try:
        return fn()
    except NoticeReadError as exc:
        return exc


def _sparse_too_large(path: Path) -> None:
    """A file one byte over the limit that takes no disk space: only its size is looked at."""
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        pytest.param(lambda p: os.mkfifo(p), "not a regular file", id="D4-fifo-never-opened"),
        pytest.param(lambda p: os.symlink("/dev/zero", p), "not a regular file", id="dev-zero"),
        pytest.param(_sparse_too_large, "file too large", id="size-checked-before-reading"),
        pytest.param(lambda p: os.symlink(p, p), "symbolic link loop", id="self-link"),
        pytest.param(lambda p: p.mkdir(), "is a folder", id="folder"),
    ],
)
def test_load_notice_refuses_without_blocking(
    tmp_path: Path, make: Callable[[Path], None], phrase: str
) -> None:
    path = tmp_path / "x.txt"
    make(path)
    err = _finishes(lambda: load_notice(path))
    assert isinstance(err, NoticeReadError) and phrase in str(err)


@pytest.mark.parametrize(
    ("raw", "warned", "tail"),
    [
        pytest.param(
            NOTICE.encode() + "完".encode()[:2], True, "已完成整改12项。", id="D18-cut-2-of-3"
        ),
        pytest.param(
            NOTICE.encode() + "完".encode()[:1], True, "已完成整改12项。", id="D18-cut-1-of-3"
        ),
        pytest.param(b"\xef\xbb\xbf" + NOTICE.encode() + b"\xe5", True, "12项。", id="D18-bom-cut"),
        pytest.param(NOTICE.encode(), False, "已完成整改12项。", id="whole-file-no-warning"),
    ],
)
def test_utf8_cut_in_last_character(tmp_path: Path, raw: bytes, warned: bool, tail: str) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(raw)
    loaded = load_notice(path)
    assert loaded.text.endswith(tail)
    assert loaded.encoding.startswith("utf-8")
    assert bool(loaded.warnings) == warned
    assert all(" / " in w and "cut off" in w for w in loaded.warnings)


def test_gbk_file_ending_in_one_hanzi_is_not_taken_for_cut_utf8(tmp_path: Path) -> None:
    """An ASCII file whose only hanzi is the last one (GBK E5 B0 = 灏) is GBK, not cut UTF-8."""
    path = tmp_path / "a.txt"
    path.write_bytes(b"Rectification notice number 12 of the year " + "灏".encode("gbk"))
    loaded = load_notice(path)
    assert loaded.text.endswith("灏") and not loaded.warnings


def test_error_for_a_non_utf8_name_prints(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + GBK_NAME.replace(b".txt", b".pdf")))
    path.write_bytes(b"%PDF")
    with pytest.raises(NoticeReadError) as info:
        load_notice(path)
    str(info.value).encode("utf-8")


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        pytest.param(P.html_cdata_malformed(2_000), "整改完成", id="D3-malformed-marked-section"),
        pytest.param("<p>甲<![ x 乙</p>", "甲", id="D3-bare-marked-section"),
        pytest.param("<p>甲</p><![if !supportLists]>1.<![endif]>乙", "甲\n1.乙", id="word-lists"),
        pytest.param(P.html_unclosed_comment(2_000), "整改完成", id="unclosed-comment"),
        pytest.param(P.html_many_open_tags(2_000), "整改完成", id="D5-open-tags"),
        pytest.param(P.html_style_without_braces(2_000), "整改完成", id="D5-style-no-braces"),
        pytest.param(P.html_deep_nesting(110_000), "整改完成", id="deep-nesting-10k-levels"),
        pytest.param(P.html_nested_tables(100_000), "整改完成", id="nested-tables-3k-levels"),
        pytest.param(P.html_huge_attribute(100_000), "整改完成", id="huge-attribute"),
        pytest.param(P.html_stray_end_tags(2_000), "整改完成", id="stray-end-tags"),
        pytest.param(
            "<style>.ad{display:none}</style><div class=ad>广告</div><p>正文。</p>",
            "正文。",
            id="css-hidden-still-works",
        ),
    ],
)
def test_html_to_text_never_raises(html: str, kept: str) -> None:
    article = html_to_text(html)
    assert kept in article.text
    assert "广告" not in article.text


_TAGS = st.sampled_from(
    [
        "<div>", "</div>", "<p>", "</p>", "<td>", "<tr>", "<table>", "</table>", "<li>", "<ul>",
        "<br>", "<header>", "</header>", "<article>", "<span>", "</span>", "<style>", "</style>",
        "<script>", "</script>", "<title>", "</title>", "<h1>", "<!--", "-->", "<![", "<![if x]>",
        "<![CDATA[", "]]>", "<a", "<", ">", "</", "<?", "&", "&#", "&amp;", '"', "'", "=", "{",
        "}", '<div class="content">', "<style>.x{display:none}</style>", '<div class="x">',
        "文字", "整改。", "\n", " ", "\x00", "\ud7ff",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_TAGS | st.text(max_size=5), max_size=80).map("".join))
def test_html_to_text_never_raises_on_tag_soup(html: str) -> None:
    article = html_to_text(html)
    assert isinstance(article.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_html_to_text_never_raises_on_any_text(html: str) -> None:
    html_to_text(html)


# --------------------------------------------------------------------------- noise rules


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        pytest.param(P.noise_underscore_runs(200), "关于整改情况的通报", id="site-title"),
        pytest.param(P.noise_source_fields(20_000), "关于整改情况的通报", id="source-field-run"),
        pytest.param(P.noise_nested_toolbar(4_000), "关于整改情况的通报", id="nested-toolbar"),
        pytest.param(P.one_huge_line(200_000), "完成率95%", id="one-long-line"),
    ],
)
def test_noise_rules_finish_on_adversarial_lines(text: str, kept: str) -> None:
    """Each used to run for minutes (exponential or quadratic); the guard only catches a hang."""
    out = _finishes(lambda: strip_noise(text))
    assert isinstance(out, str) and kept in out


# --------------------------------------------------------------------------- Markdown


_MD = st.sampled_from(
    ["[", "]", "(", ")", "![", "*", "**", "_", "__", "`", "#", "# ", "|", "---", "> ", "- ",
     "<!--", "-->", "\\", "文字", "\n", " ", "1. "]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_MD | st.text(max_size=4), max_size=80).map("".join))
def test_markdown_reader_never_raises(text: str) -> None:
    assert isinstance(_markdown_to_text(text), str)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        pytest.param("[链接](http://x)", "链接", id="link"),
        pytest.param("![图](a.png)", "图", id="image"),
        pytest.param("**加粗**与__加粗__", "加粗与加粗", id="bold"),
        pytest.param("a <!-- 注释 --> b", "a  b", id="comment"),
        pytest.param("a <!-- 未关闭", "a <!-- 未关闭", id="unclosed-comment-kept"),
        pytest.param("[a [b](u)", "[a b", id="innermost-brackets-link"),
    ],
)
def test_markdown_rules_after_linear_rewrite(markdown: str, expected: str) -> None:
    assert _markdown_to_text(markdown) == expected


# --------------------------------------------------------------------------- linear time


def _read_html(text: str) -> str:
    return strip_noise(normalize_text(html_to_text(text).text))


def _read_markdown(text: str) -> str:
    return strip_noise(normalize_text(_markdown_to_text(text)))


def _read_text(text: str) -> str:
    return strip_noise(normalize_text(text))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(P.FAMILIES_HTML))
def test_html_reading_is_linear(name: str) -> None:
    P.assert_linear(_read_html, P.FAMILIES_HTML[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(P.FAMILIES_MARKDOWN))
def test_markdown_reading_is_linear(name: str) -> None:
    P.assert_linear(_read_markdown, P.FAMILIES_MARKDOWN[name])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(P.FAMILIES_TEXT))
def test_noise_and_normalize_are_linear(name: str) -> None:
    P.assert_linear(_read_text, P.FAMILIES_TEXT[name])


# --------------------------------------------------------------------------- Import page


@pytest.mark.parametrize(
    ("name", "check"),
    [
        pytest.param(
            "关于" + "巡察整改" * 40 + ".txt",
            lambda out: len(out.encode()) <= MAX_NAME_BYTES and out.endswith(".txt"),
            id="D10-over-255-bytes",
        ),
        pytest.param("a\x00b.txt", lambda out: out == "ab.txt", id="D10-nul"),
        pytest.param("a\x1b[31mb.txt", lambda out: out == "a[31mb.txt", id="control-chars"),
        pytest.param("x/../../y.md", lambda out: out == "y.md", id="separators"),
        pytest.param("\ud800通报.txt", lambda out: out == "?通报.txt", id="lone-surrogate"),
    ],
)
def test_safe_name_is_always_writable(
    tmp_path: Path, name: str, check: Callable[[str], bool]
) -> None:
    taken: set[str] = set()
    first, second = safe_name(name, taken), safe_name(name, taken)
    assert check(first) and first != second
    assert len(second.encode()) <= MAX_NAME_BYTES
    (tmp_path / first).write_bytes(b"x")  # the disk accepts both
    (tmp_path / second).write_bytes(b"x")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("...txt", "no_name", id="D10-dots-only"),
        pytest.param(".txt", "no_name", id="extension-only"),
        pytest.param(" .txt", "no_name", id="space-extension"),
        pytest.param("通报.txt\x00.xlsx", "suffix", id="nul-hides-real-suffix"),
        pytest.param("通" * 200 + ".md", None, id="long-name-accepted-then-shortened"),
    ],
)
def test_precheck_names(name: str, reason: str | None) -> None:
    assert precheck(Upload(name, b"x")) == reason


def test_import_page_survives_hostile_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D10 on the page: a >255-byte title and a stem-less name never crash it.

    A NUL in a name is covered at the importer level above: Streamlit's uploader itself
    refuses such a name before the page runs (and no browser can send one from a disk).
    """
    from tests.dashboard_fixtures import require_ingest
    from tests.notice_factory import notice_text
    from tests.test_dashboard_app import open_page

    require_ingest()
    at = open_page("import", tmp_path / "live.duckdb", monkeypatch)
    at.file_uploader(key="import_files").set_value(
        [
            (
                "关于" + "巡察整改进展情况" * 12 + ".txt",
                notice_text("甲开发区").encode(),
                "text/plain",
            ),
            (
                "关于" + "巡察整改进展情况" * 12 + ".txt",
                notice_text("乙开发区").encode(),
                "text/plain",
            ),
            ("...txt", notice_text("丙开发区").encode(), "text/plain"),
        ]
    ).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    assert any("新增 2" in s.value for s in at.success)
    assert any("...txt" in e.value and "只有扩展名" in e.value for e in at.error)
