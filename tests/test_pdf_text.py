"""PDF notices read back as the text they were typeset from (``extract.pdf_text``).

Fixtures are typeset in code (``tests/pdf_fixtures.py``, fictional text marked 虚构示例) in
Noto Sans CJK from Debian's fonts-noto-cjk; the pdftotext fallback needs poppler-utils. Both
are installed with apt-get when missing and the tests run as root; otherwise the tests that
need them skip — except under ``CI=true``, where a missing package is a failure, as in
tests/test_dashboard_browser.py. OCR (rapidocr) is an optional extra: its test skips cleanly
whenever it is not installed, CI included.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from extract import extract_quantities
from extract import pdf_text as pt
from extract.noise import strip_noise
from extract.normalize import normalize_text
from extract.notice import parse_notice
from extract.reading import NoticeReadError
from tests.pdf_fixtures import HEADER_TEXT, NOTO_CJK, notice_pdf, notice_txt
from tests.system_packages import require

# ----------------------------------------------------------------------------- environment


@pytest.fixture(scope="session")
def cjk_font() -> Path:
    require(NOTO_CJK.exists, "fonts-noto-cjk")
    return NOTO_CJK


@pytest.fixture(scope="session")
def pdftotext() -> str:
    require(lambda: shutil.which("pdftotext") is not None, "poppler-utils")
    return str(shutil.which("pdftotext"))


@pytest.fixture(scope="session")
def notice(cjk_font: Path) -> bytes:
    """The fictional notice as a PDF, with a trailing image-only page (a scan)."""
    return notice_pdf(scan_page=True)


def _one_line_pdf(text: str, **encryption: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("cjk", fname=str(NOTO_CJK))
    pdf.set_font("cjk", size=12)
    if encryption:
        pdf.set_encryption(**encryption)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _image_only_pdf(text: str | None = None) -> bytes:
    """One page holding only an image: bars, or ``text`` drawn as pixels (a scanned page)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1200, 500), 255)
    draw = ImageDraw.Draw(image)
    if text is None:
        for y in range(40, 460, 40):
            draw.rectangle((40, y, 1160, y + 12), fill=0)
    else:
        font = ImageFont.truetype(str(NOTO_CJK), 40, index=2)  # index 2: the SC face
        for row, line in enumerate(text.split("\n")):
            draw.text((60, 60 + 110 * row), line, font=font, fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buf, x=10, y=10, w=190)
    return bytes(pdf.output())


def _canonical(text: str) -> str:
    return strip_noise(normalize_text(text))


# ----------------------------------------------------------------------------- data file


def test_radical_table_integrity() -> None:
    """cjk_radicals.tsv: the 114 equivalents of Unicode's EquivalentUnifiedIdeograph.txt
    (U+2E81..U+2EF3 less U+2E9A), every target a unified ideograph, NFKC agreeing wherever
    it maps a radical; and NFKC handles all 214 Kangxi radicals, which the table omits."""
    table = pt.load_radical_table()
    assert len(table) == 114
    assert min(table) == 0x2E81 and max(table) == 0x2EF3 and 0x2E9A not in table
    for src, dst in table.items():
        assert len(dst) == 1 and unicodedata.name(dst).startswith("CJK UNIFIED IDEOGRAPH"), src
        nfkc = unicodedata.normalize("NFKC", chr(src))
        assert nfkc in (chr(src), dst), f"U+{src:04X}: NFKC says {nfkc!r}, table says {dst!r}"
    for cp in range(0x2F00, 0x2FD6):
        assert unicodedata.name(unicodedata.normalize("NFKC", chr(cp))).startswith(
            "CJK UNIFIED IDEOGRAPH"
        )


GOOD_ROW = "U+2ED3\t⻓\tU+957F\t长\tCJK RADICAL C-SIMPLIFIED LONG"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("U+2ED3\t⻓\tU+957F\t长", "expected 5"),  # a missing column
        ("2ED3\t⻓\tU+957F\t长\tX", "U+XXXX"),  # code point without U+
        ("U+2F00\t⼀\tU+4E00\t一\tX", "not in CJK Radicals Supplement"),  # a Kangxi radical
        ("U+2ED3\t⻔\tU+957F\t长\tX", "do not match"),  # character and code point disagree
        (GOOD_ROW, "listed twice"),  # duplicate key
    ],
)
def test_radical_table_errors_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "radicals.tsv"
    path.write_text(f"# comment\n{GOOD_ROW}\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"radicals\.tsv:3: .*{re.escape(message)}"):
        pt.load_radical_table.__wrapped__(path)


# ----------------------------------------------------------------------------- scoring


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("开展集中学习17次,完成率95.2%。", 0.0, 0.0),  # clean text
        ("①㎡℃Ⅱα★■—“”《》、", 0.0, 0.0),  # symbols notices use are not garbage
        ("(cid:12)(cid:13)ab", 0.5, 0.5),  # each (cid:N) counts as one glyph
        ("\ufffd好", 0.5, 0.5),  # replacement character
        ("\ue000好", 0.5, 0.5),  # private use
        ("\ud800好", 0.5, 0.5),  # lone surrogate
        ("\x01\x02好好", 0.5, 0.5),  # controls from an unmapped font
        ("䋯㷣꥗╈㰢▊域 䤷⪌顫ꄋ┒⩕ն", 0.6, 0.7),  # mojibake of a wrong font map
        ("   \n", 0.0, 0.0),  # nothing visible
    ],
)
def test_garbage_score(text: str, low: float, high: float) -> None:
    assert low <= pt.garbage_score(text) <= high


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("⼀、⼯作", "一、工作", 2),  # Kangxi radicals (NFKC)
        ("⻓期坚持,⻔户", "长期坚持,门户", 2),  # CJK Radicals Supplement (the table)
        ("一、工作", "一、工作", 0),  # ordinary text untouched
        ("⺀", "⺀", 0),  # U+2E80 has no equivalent: kept
    ],
)
def test_map_radicals(text: str, expected: str, count: int) -> None:
    assert pt.map_radicals(text) == (expected, count)


@pytest.mark.parametrize(
    ("line", "is_number"),
    [
        ("- 3 -", True),
        ("— 12 —", True),
        ("第3页 共10页", True),
        ("第 3 页", True),
        ("3/10", True),
        ("Page 2 of 9", True),
        ("7", True),
        ("2023年12月20日", False),  # a date is text
        ("第三巡察组", False),
        ("1.反馈问题", False),
    ],
)
def test_page_number_pattern(line: str, is_number: bool) -> None:
    assert bool(pt._PAGE_NUMBER.match(line)) is is_number


@pytest.mark.parametrize(
    ("before", "after", "joiner"),
    [
        ("覆盖党员干部2300", "人次", ""),  # number and unit
        ("覆盖党员干部", "2300人次", ""),  # CJK and digit
        ("研究", "部署", ""),  # two CJK characters
        ("20", "00万元", ""),  # a number split inside
        ("the annual", "report", " "),  # Latin words keep their space
    ],
)
def test_joiner(before: str, after: str, joiner: str) -> None:
    assert pt._joiner(before, after) == joiner


# ----------------------------------------------------------------------------- same notice


@pytest.mark.parametrize("footer", ["dash", "of_total", "slash"])  # - 3 - / 第3页 共N页 / 3/N
def test_pdf_gives_same_tree_and_quantities_as_txt(cjk_font: Path, footer: str) -> None:
    """The fictional notice as .txt and as a typeset PDF: same problem paths and statuses,
    same quantities (within ±2, as the issue asks)."""
    txt = _canonical(notice_txt())
    result = pt.pdf_to_text(notice_pdf(footer=footer), "notice.pdf", use_ocr=False)
    pdf = _canonical(result.text)
    tree_txt = [(p.path, p.status) for p in parse_notice(txt).problems]
    tree_pdf = [(p.path, p.status) for p in parse_notice(pdf).problems]
    assert tree_pdf == tree_txt and len(tree_txt) >= 8
    q_txt = Counter((q.surface, q.unit) for q in extract_quantities(txt))
    q_pdf = Counter((q.surface, q.unit) for q in extract_quantities(pdf))
    assert sum(((q_txt - q_pdf) + (q_pdf - q_txt)).values()) <= 2, (q_txt - q_pdf, q_pdf - q_txt)
    assert result.page_count == 2 and result.extractor == "pypdfium2" and not result.warnings


@pytest.mark.parametrize(
    ("needle", "present"),
    [
        ("覆盖机关和基层党员干部2300人次", True),  # number wrapped away from its CJK context
        ("培训党务工作者和骨干360人次", True),  # digit and CJK rejoined without a space
        ("年内完成投资36.8亿元", True),  # decimal rejoined
        ("【虚构示例,仅供测试】中共青禾市", True),  # centred two-line title is one line
        ("\n1 | 修订学习制度 | 2023年9月 | 已完成\n", True),  # table row as cells
        ("\n二、反馈问题整改情况\n", True),  # heading on its own line
        (HEADER_TEXT, False),  # running header dropped
        ("- 1 -", False),  # page number dropped
        ("- 2 -", False),
        ("\n\n", False),  # no empty paragraphs
    ],
)
def test_layout(notice: bytes, needle: str, present: bool) -> None:
    text = pt.pdf_to_text(notice, "notice.pdf", use_ocr=False).text
    assert (needle in text) is present


def test_paragraph_across_page_break(cjk_font: Path) -> None:
    """A longer document: every paragraph of the source comes back whole, including those
    the page broke (checked to exist: a page whose last body line is a fragment)."""
    raw = notice_pdf(repeat_body=4)
    source = _canonical(notice_txt()).split("\n")
    fragments = 0
    for data in pt._run_worker(raw, "long.pdf", 60)["pages"][:-1]:
        lines, _ = pt._lines_from_chars(data["chars"])
        body = [ln.text for ln in lines if not pt._PAGE_NUMBER.match(ln.text)]
        fragments += _canonical(body[-1]) not in source
    assert fragments >= 1
    result = pt.pdf_to_text(raw, "long.pdf", use_ocr=False)
    assert result.page_count >= 3
    paragraphs = set(_canonical(result.text).split("\n"))
    assert [line for line in source if line not in paragraphs] == []


def test_scan_page_is_reported_not_stored_empty(notice: bytes) -> None:
    result = pt.pdf_to_text(notice, "notice.pdf", use_ocr=False)
    assert result.page_count == 3 and result.ocr_needed == (3,) and result.ocr_pages == ()
    assert any("page 3" in w and "OCR" in w and "第 3 页" in w for w in result.warnings)


def test_radicals_in_text_layer_are_mapped(cjk_font: Path) -> None:
    result = pt.pdf_to_text(_one_line_pdf("⼀、⻓期坚持⼯作,开展学习17次。"), "r.pdf")
    assert result.text == "一、长期坚持工作,开展学习17次。"
    assert any("radical" in w and "部首" in w for w in result.warnings)


def test_fallback_to_pdftotext_for_garbled_page(
    cjk_font: Path, pdftotext: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PDFium's reading of page 1 turned into private-use code points (what a font without a
    usable map gives): poppler's reading of the same page replaces it."""
    raw = notice_pdf()
    real = pt._run_worker

    def garbled(data: bytes, path: str | Path, timeout_s: float) -> dict[str, Any]:
        result = real(data, path, timeout_s)
        for char in result["pages"][0]["chars"]:
            if 0x4E00 <= char[0] <= 0x9FFF:
                char[0] = 0xE000 + char[0] % 0x1000
        return result

    monkeypatch.setattr(pt, "_run_worker", garbled)
    result = pt.pdf_to_text(raw, "g.pdf", use_ocr=False)
    assert result.fallback_pages == (1,) and result.extractor == "pypdfium2+pdftotext"
    assert "\ue000" not in result.text and "覆盖机关和基层党员干部2300人次" in result.text
    assert HEADER_TEXT not in result.text and "- 1 -" not in result.text
    tree_txt = [(p.path, p.status) for p in parse_notice(_canonical(notice_txt())).problems]
    tree_pdf = [(p.path, p.status) for p in parse_notice(_canonical(result.text)).problems]
    assert tree_pdf == tree_txt


# ----------------------------------------------------------------------------- bad input


def _garbled_font_pdf() -> bytes:
    # Renaming the key (same length: the xref offsets stay valid) drops the font's Unicode map.
    return _one_line_pdf("开展集中学习17次,投入资金2000万元。" * 5).replace(
        b"/ToUnicode", b"/XoUnicode"
    )


def _pdf_pages(count: int) -> bytes:
    pdf = FPDF()
    for _ in range(count):
        pdf.add_page()
    return bytes(pdf.output())


BAD_INPUT = [
    # (case, builder, reason fragment)
    ("empty", lambda: b"", "empty file / 文件为空"),
    ("not a PDF", lambda: "一、整改情况".encode(), "not a PDF file"),
    ("header only", lambda: b"%PDF-1.7\n", "damaged or not a PDF"),
    ("random bytes after the signature", lambda: b"%PDF-1.7\n" + os.urandom(4000), "damaged"),
    ("truncated to a third", lambda: notice_pdf()[: len(notice_pdf()) // 3], "damaged"),
    ("truncated tail", lambda: notice_pdf()[:-300], "damaged"),
    (
        "encrypted",
        lambda: _one_line_pdf("秘密", owner_password="o", user_password="u"),
        "encrypted PDF (password required) / PDF 已加密",
    ),
    (
        "scan without text layer",
        _image_only_pdf,
        "scanned PDF without a text layer: install xuncha[ocr]"
        " / 扫描版 PDF 无文字层,请安装 OCR 扩展",
    ),
    ("font without Unicode map", _garbled_font_pdf, "text layer is unreadable"),
    ("too many pages", lambda: _pdf_pages(pt.MAX_PAGES + 1), "pages, more than"),
]


@pytest.mark.parametrize(("case", "build", "reason"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_one_line_error(cjk_font: Path, case: str, build: Any, reason: str) -> None:
    with pytest.raises(NoticeReadError) as info:
        pt.pdf_to_text(build(), Path("bad.pdf"), use_ocr=False)
    message = str(info.value)
    assert "\n" not in message and message.startswith("cannot read notice bad.pdf: "), message
    assert reason in message and any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_time_out_is_one_line_error(cjk_font: Path) -> None:
    with pytest.raises(NoticeReadError, match=r"took longer than 0 s to read / PDF 读取超时"):
        pt.pdf_to_text(notice_pdf(), "slow.pdf", timeout_s=0.001)


# ----------------------------------------------------------------------------- speed


def test_speed_20_pages(cjk_font: Path) -> None:
    """A generated 20+-page notice reads at ≥ 10 pages/s (measured here: see the report)."""
    raw = notice_pdf(repeat_body=40)
    start = time.perf_counter()
    result = pt.pdf_to_text(raw, "long.pdf", use_ocr=False)
    elapsed = time.perf_counter() - start
    assert result.page_count >= 20
    rate = result.page_count / elapsed
    print(
        f"{result.page_count} pages, {len(raw) / 1e6:.2f} MB in {elapsed:.2f} s: {rate:.0f} pages/s"
    )
    assert rate >= 10


# ----------------------------------------------------------------------------- OCR (optional)


def test_ocr_reads_scanned_page(cjk_font: Path) -> None:
    if not pt.ocr_available():
        pytest.skip("xuncha[ocr] (rapidocr + onnxruntime) is an optional extra, not installed")
    raw = _image_only_pdf(
        "整改情况:开展集中学习17次,投入资金2000万元。\n整治土地1000亩,完成率95.2%。"
    )
    result = pt.pdf_to_text(raw, "scan.pdf")
    assert result.ocr_pages == (1,) and result.ocr_needed == () and "rapidocr" in result.extractor
    assert any("OCR" in w and "核对" in w for w in result.warnings)
    surfaces = {q.surface for q in extract_quantities(_canonical(result.text))}
    assert {"17次", "2000万元", "1000亩", "95.2%"} <= surfaces, result.text


def test_crashed_reader_is_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child died without an answer (killed by its memory or CPU limit)."""
    monkeypatch.setattr(pt, "_run_child", lambda args, raw, timeout_s: None)
    with pytest.raises(NoticeReadError, match=r"PDF reader failed .* / PDF 读取程序出错"):
        pt.pdf_to_text(b"%PDF-1.7\n", "crash.pdf")
