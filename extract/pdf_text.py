"""Read the text layer of a PDF notice: reading order, paragraphs rejoined, page furniture gone.

Many notices are published only as a PDF attachment. The parser needs what a ``.txt`` file
gives it: markers (``一、`` ``(一)`` ``1.``) at line starts, one paragraph per line, numbers
unbroken. A PDF has none of that — it holds glyphs at positions, lines wrapped wherever the
page ended (``2300`` at the end of one line, ``人次`` on the next), running headers, page
numbers, and sometimes fonts whose glyphs map to nothing (``(cid:12)``), to private-use code
points or to Kangxi radicals (``⼀`` U+2F00 instead of ``一``).

How a PDF becomes text here:

1. **pypdfium2** (PDFium, BSD/Apache) reads every character with its box, in a child process
   with a wall-clock time-out and memory/CPU limits: a malformed or hostile file (a
   decompression bomb, a page that never finishes) can then only cost that process, never
   hang or exhaust the ingest. Password-protected, damaged and oversized documents become a
   one-line :class:`~extract.reading.NoticeReadError`.
2. Each page is **scored for garbage** (``(cid:N)``, U+FFFD, private-use code points, lone
   surrogates, characters PDFium could not map). Radicals are not garbage but a font quirk:
   the 214 Kangxi radicals map 1:1 by NFKC, the CJK Radicals Supplement by the table in
   ``extract/data/cjk_radicals.tsv`` (from Unicode's EquivalentUnifiedIdeograph.txt).
3. A garbage page is read again with poppler's ``pdftotext -raw`` when it is installed, and
   the better reading kept. A page still mostly garbage, or without any text (a scan), is
   named in the warnings as needing OCR — never stored silently as empty; with the optional
   ``xuncha[ocr]`` extra (rapidocr) such pages are recognised and listed in ``ocr_pages``.
4. **Running headers and footers** (lines repeated at the top or bottom of most pages) and
   **page numbers** (``- 3 -``, ``第3页 共10页``, ``3/10``) are dropped.
5. **Wrapped lines are rejoined** without inserting spaces: a line that runs to the right
   margin and does not end a sentence continues on the next line unless that one is
   indented or starts with a list marker. Cells on one line separated by a wide gap become
   ``a | b`` like the rows of an HTML table, and are never joined.

Entry point: :func:`pdf_to_text` (bytes in, :class:`PdfText` out).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extract import settings
from extract.lexicon import LexiconError, data_path, read_text
from extract.reading import NoticeReadError

__all__ = [
    "PdfText",
    "garbage_score",
    "load_radical_table",
    "map_radicals",
    "ocr_available",
    "ocr_pages",
    "pdf_to_text",
]

# ----------------------------------------------------------------------------- limits

MAX_PAGES: int = settings.get_int(
    "pdf_max_pages"
)  # a notice is a few dozen pages; thousands is not one (and would take minutes)
# Total characters read from all pages: caps what a bomb can unpack, and the child's answer
# (about 40 bytes of JSON a character). A long notice has 100,000.
MAX_TEXT_CHARS = 1_000_000
WORKER_TIMEOUT_S: float = settings.get_float(
    "pdf_timeout_s"
)  # wall clock for the PDFium child, whole document
WORKER_MEMORY_BYTES = 2 << 30  # address-space limit of the child (a bomb dies there, not here)
PDFTOTEXT_TIMEOUT_S = 30.0
OCR_TIMEOUT_S = 600.0
OCR_MEMORY_BYTES = 4 << 30  # onnxruntime's arenas need more room than PDFium
OCR_RENDER_SCALE = 2.0  # 144 dpi: enough for 10.5-pt body text, cheap enough for 2 cores
OCR_MAX_PIXELS = 12_000_000  # an A4 page at 2x is 1.9 MP; a poster-sized page is scaled down

# A page whose garbage share exceeds this is read again with pdftotext (when installed).
GARBAGE_FALLBACK = 0.02
# A page whose garbage share still exceeds this is unreadable: reported as needing OCR.
GARBAGE_UNREADABLE = 0.5

# ----------------------------------------------------------------------------- characters

_RADICALS_TSV = data_path("cjk_radicals.tsv")
_KANGXI = range(0x2F00, 0x2FD6)  # the 214 Kangxi radicals, each NFKC-equal to its ideograph
_SUPPLEMENT = range(0x2E80, 0x2F00)

_CID = re.compile(r"\(cid:\d+\)")
_PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
# Characters a Chinese notice is made of; anything else (Yi syllables, Armenian, the rare
# ideographs of extensions A and B…) is what a broken font map produces instead of text. A
# name written with a rare ideograph costs a page a fraction of a percent, far from any limit.
_ODD = re.compile(
    "[^\\s\x20-\x7e\u00a0-\u00ff\u0370-\u03ff\u2000-\u22ff\u2460-\u27bf"
    "\u2e80-\u2fdf\u3000-\u303f\u30fb\u3200-\u33ff\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe6f\uff00-\uffef"
    "\ue000-\uf8ff\ud800-\udfff\ufffd\x00-\x1f\x7f]"
)
_WHITESPACE = re.compile(r"\s+")
_CJK_CHAR = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]"
)

# A line that ends a sentence or a lead-in never continues on the next line.
_TERMINAL = frozenset("。！？；：!?;:")
# A line starting like this opens a new paragraph (numbering of 公文 and attachments).
_LIST_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百零〇\d]+[）)]|"
    r"\d+[.、．](?!\d)|[①-⑳⑴-⒇⒈-⒛]|第[一二三四五六七八九十百\d]+[章节条部篇]|"
    r"附件\s*\d*\s*[:：]?|[一二三四五六七八九十]+是|[-•·●▪■◆]\s)"
)
# Page numbers, alone on the first or last line of a page.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"(?:共\s*\d{1,4}\s*页\s*)?第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|"
    r"[Pp]age\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4})\s*$"
)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class PdfText:
    """The text of a PDF notice, in reading order, and how it was read.

    ``text`` is ready for ``normalize_text``/``strip_noise`` like a decoded ``.txt`` file.
    Page numbers are 1-based. ``ocr_needed`` lists pages without usable text that were not
    recognised; ``ocr_pages`` the pages whose text came from OCR (their figures deserve a
    mark: recognition can misread a digit). ``warnings`` are bilingual one-liners without the
    path, as in :class:`extract.reading.LoadedNotice`.
    """

    text: str
    page_count: int
    title: str | None
    extractor: str
    fallback_pages: tuple[int, ...] = ()
    ocr_needed: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
    """One visual line. Geometry in points from the page's top-left; None when unknown
    (pdftotext and OCR give text only)."""

    text: str
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    size: float | None = None
    cells: bool = False  # several cells separated by wide gaps: a table row


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    objects: int
    map_errors: int = 0


# ----------------------------------------------------------------------------- radicals


@lru_cache(maxsize=1)
def load_radical_table(path: Path = _RADICALS_TSV) -> dict[int, str]:
    """CJK Radicals Supplement code point → the ordinary ideograph, from ``path``.

    Each data row: ``U+XXXX <radical> U+YYYY <ideograph> <name>``, tab-separated; ``#``
    comments and the header row are skipped. A malformed row raises
    :class:`~extract.lexicon.LexiconError` (a ``ValueError``) naming ``file:line``, so a bad
    edit fails at import in tests rather than mis-mapping text.
    """
    table: dict[int, str] = {}
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line or line.startswith("#") or line.startswith("radical_cp\t"):
            continue

        def fail(zh: str, en: str, lineno: int = lineno) -> LexiconError:
            return LexiconError.at(path, lineno, f"{zh} / {en}")

        fields = line.split("\t")
        if len(fields) != 5:
            raise fail(
                f"应有 5 个制表符分隔的字段,实有 {len(fields)}",
                f"expected 5 tab-separated fields, got {len(fields)}",
            )
        radical_cp, radical, ideograph_cp, ideograph, _name = fields
        bad_cp = fail("码位须写作 U+XXXX", "code points must be written U+XXXX")
        if not radical_cp.startswith("U+") or not ideograph_cp.startswith("U+"):
            raise bad_cp
        try:
            src, dst = int(radical_cp[2:], 16), int(ideograph_cp[2:], 16)
        except ValueError:
            raise bad_cp from None
        if src not in _SUPPLEMENT:
            raise fail(
                f"U+{src:04X} 不在部首补充区", f"U+{src:04X} is not in CJK Radicals Supplement"
            )
        if radical != chr(src) or ideograph != chr(dst):
            raise fail("字符与码位不符", "characters do not match their code points")
        if src in table:
            raise fail(f"U+{src:04X} 重复", f"U+{src:04X} listed twice")
        table[src] = ideograph
    return table


@lru_cache(maxsize=1)
def _radical_translation() -> dict[int, str]:
    table = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in _KANGXI}
    table.update(load_radical_table())
    return table


def map_radicals(text: str) -> tuple[str, int]:
    """``text`` with Kangxi and supplement radicals replaced 1:1; and how many were replaced.

    One character for one character, so nothing shifts; only radicals change (no NFKC of
    the rest, which ``normalize_text`` does its own way later).
    """
    table = _radical_translation()
    count = sum(1 for ch in text if ord(ch) in table)
    return (text.translate(table), count) if count else (text, 0)


def garbage_score(text: str, map_errors: int = 0) -> float:
    """Share of a page's visible characters that carry no text, 0.0–1.0.

    ``(cid:N)`` counts as one character, like the glyph it stands for; so do U+FFFD,
    private-use code points, lone surrogates, stray control characters, characters of
    scripts no Chinese notice uses (the mojibake of a wrong font map: ``䋯㷣꥗ն``; the
    excluded ranges are in ``_ODD``) and the characters PDFium reported as unmappable
    (``map_errors``). Whitespace is not counted.
    """
    cids = len(_CID.findall(text))
    rest = _CID.sub("\x00", text) if cids else text
    visible = len(_WHITESPACE.sub("", rest))
    if visible == 0:
        return 0.0
    bad = (
        cids
        + rest.count("\ufffd")
        + len(_PUA.findall(rest))
        + len(_SURROGATE.findall(rest))
        + len(_BAD_CONTROL.findall(rest))
        + len(_ODD.findall(rest))
        - (rest.count("\x00") if cids else 0)  # the placeholders were counted as controls
        + map_errors
    )
    return min(1.0, bad / visible)


def _drop_garbage(text: str) -> str:
    text = _CID.sub("", text)
    for pattern in (_PUA, _SURROGATE, _BAD_CONTROL):
        text = pattern.sub("", text)
    return text.replace("\ufffd", "")


# ----------------------------------------------------------------------------- PDFium child


def _limit_resources(memory_bytes: int, cpu_s: float) -> None:
    """In a child: cap address space and CPU time (where the OS supports it).

    Limits are inherited across ``exec``, so they also hold for the ``pdftotext`` the child
    starts — no ``preexec_fn`` in the (possibly threaded) parent.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    for limit, value in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, int(cpu_s))):
        try:
            _soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):  # macOS refuses RLIMIT_AS; the time-out still holds
            pass


def _read_with_pdfium(raw: bytes) -> dict[str, Any]:
    """Characters with boxes, page by page (runs in the child; plain data out as JSON).

    Each char: ``[code unit, generated, map error, left, right, bottom, top, font size]``.
    Reading stops once ``MAX_TEXT_CHARS`` characters were read: a tiny file can describe
    gigabytes of text, and nothing that big is a notice.
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        doc = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        codes = {pdfium_c.FPDF_ERR_PASSWORD: "password", pdfium_c.FPDF_ERR_SECURITY: "security"}
        return {"error": codes.get(exc.err_code or 0, "format"), "detail": str(exc)}
    count = len(doc)
    if count > MAX_PAGES:
        return {"error": "pages", "detail": str(count)}
    title = None
    with contextlib.suppress(pdfium.PdfiumError):
        title = doc.get_metadata_value("Title") or None
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    pages: list[dict[str, Any]] = []
    total = 0
    for index in range(count):
        page = doc[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        tp = textpage.raw
        n = pdfium_c.FPDFText_CountChars(tp)
        total += max(n, 0)
        if total > MAX_TEXT_CHARS:
            return {"error": "chars", "detail": str(total)}
        chars: list[list[float]] = []
        for i in range(max(n, 0)):
            code = pdfium_c.FPDFText_GetUnicode(tp, i)
            generated = pdfium_c.FPDFText_IsGenerated(tp, i) == 1
            map_error = pdfium_c.FPDFText_HasUnicodeMapError(tp, i) == 1
            box = (0.0, 0.0, 0.0, 0.0)
            size = 0.0
            if not generated and pdfium_c.FPDFText_GetCharBox(
                tp, i, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom),
                ctypes.byref(top),
            ):  # fmt: skip
                box = (
                    round(left.value, 2),
                    round(right.value, 2),
                    round(height - top.value, 2),
                    round(height - bottom.value, 2),
                )
                size = round(pdfium_c.FPDFText_GetFontSize(tp, i), 2)
            chars.append([code, int(generated), int(map_error), *box, size])
        objects = pdfium_c.FPDFPage_CountObjects(page.raw)
        pages.append({"w": width, "h": height, "objects": objects, "chars": chars})
        textpage.close()
        page.close()
    doc.close()
    return {"title": title, "pages": pages}


def _worker_main(argv: Sequence[str]) -> int:
    """``python -m extract.pdf_text MODE …``: PDF bytes on stdin, JSON on stdout.

    Modes: ``--worker`` (characters with boxes, :func:`_read_with_pdfium`), ``--pdftotext
    FIRST LAST`` (poppler's text of those pages), ``--ocr 1,3`` (rapidocr on those pages).
    """
    mode = argv[0] if argv else ""
    if mode == "--ocr":
        _limit_resources(OCR_MEMORY_BYTES, OCR_TIMEOUT_S + 5)
    else:
        _limit_resources(WORKER_MEMORY_BYTES, WORKER_TIMEOUT_S + 5)
    raw = sys.stdin.buffer.read()
    result: dict[str, Any]
    try:
        if mode == "--pdftotext":
            result = _pdftotext_in_child(raw, int(argv[1]), int(argv[2]))
        elif mode == "--ocr":
            numbers = [int(n) for n in argv[1].split(",") if n]
            result = {"pages": {str(k): v for k, v in _ocr_in_child(raw, numbers).items()}}
        else:
            result = _read_with_pdfium(raw)
    except MemoryError:
        result = {"error": "memory", "detail": ""}
    except Exception as exc:  # the parent turns any failure into one line for the user
        result = {"error": "crash", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(result, ensure_ascii=True, separators=(",", ":")))
    return 0


def _run_child(args: Sequence[str], raw: bytes, timeout_s: float) -> dict[str, Any] | None:
    """Run a worker mode on ``raw``; its JSON answer, or None when it crashed or said nothing.

    Raises ``subprocess.TimeoutExpired`` (the child is killed) and ``OSError``.
    """
    package_root = str(Path(__file__).resolve().parent.parent)
    path_parts = [package_root, os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path_parts if p)}
    proc = subprocess.run(
        [sys.executable, "-m", "extract.pdf_text", *args],
        input=raw,
        capture_output=True,
        timeout=timeout_s,
        env=env,
        check=False,
    )
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        return None
    return result if isinstance(result, dict) else None


def _run_worker(raw: bytes, path: str | Path, timeout_s: float) -> dict[str, Any]:
    """PDFium's characters of every page, read in the limited child; bad input raises."""
    try:
        result = _run_child(["--worker"], raw, timeout_s)
    except subprocess.TimeoutExpired:
        raise NoticeReadError(
            path, f"PDF took longer than {timeout_s:.0f} s to read / PDF 读取超时"
        ) from None
    except OSError as exc:
        raise NoticeReadError(
            path, f"cannot start the PDF reader ({exc.strerror or exc}) / 无法启动 PDF 读取程序"
        ) from None
    if result is None:
        raise NoticeReadError(
            path,
            "the PDF reader failed on this file (too complex or damaged)"
            " / PDF 读取程序出错(文件过于复杂或已损坏)",
        )
    error = result.get("error")
    if error is not None:
        raise NoticeReadError(path, _worker_reason(str(error), str(result.get("detail", ""))))
    return result


def _worker_reason(error: str, detail: str) -> str:
    if error in {"password", "security"}:
        return "encrypted PDF (password required) / PDF 已加密,需要密码"
    if error == "pages":
        return f"PDF has {detail} pages, more than {MAX_PAGES} / PDF 页数过多"
    if error == "chars":
        return (
            f"PDF holds more than {MAX_TEXT_CHARS:,} characters of text, not a notice"
            " / PDF 文字量过大,不像是通报"
        )
    if error == "memory":
        return "PDF needs too much memory to read / PDF 读取所需内存过大"
    if error == "crash":
        return f"the PDF reader failed ({detail}) / PDF 读取出错"
    return "damaged or not a PDF (cannot be parsed) / PDF 文件已损坏或格式无效"


# ----------------------------------------------------------------------------- lines


def _combine_surrogates(codes: Sequence[int]) -> list[str]:
    """PDFium reports UTF-16 code units: join pairs; a lone half stays (and scores bad)."""
    out: list[str] = []
    i = 0
    while i < len(codes):
        code = codes[i]
        if 0xD800 <= code < 0xDC00 and i + 1 < len(codes) and 0xDC00 <= codes[i + 1] < 0xE000:
            out.append(chr(0x10000 + ((code - 0xD800) << 10) + (codes[i + 1] - 0xDC00)))
            out.append("")  # keep indices aligned with the low half
            i += 2
            continue
        out.append(chr(code) if code < 0x110000 else "\ufffd")
        i += 1
    return out


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def _lines_from_chars(chars: list[list[float]]) -> tuple[list[_Line], int]:
    """Group PDFium's characters into lines; return them and the count of unmappable chars.

    PDFium ends each line with generated ``\\r\\n``. Inside a line a gap wider than 1.5
    characters separates cells (a table, or a signature block spaced out); spaces PDFium
    generated between two CJK characters are dropped (justified Chinese text has wide
    spacing, never a word space).
    """
    texts = _combine_surrogates([int(c[0]) for c in chars])
    lines: list[_Line] = []
    map_errors = 0
    current: list[int] = []

    def flush() -> None:
        if current:
            line = _build_line(chars, texts, current)
            if line is not None:
                lines.append(line)
            current.clear()

    for i, ch in enumerate(texts):
        if chars[i][2]:
            map_errors += 1
        if ch in ("\r", "\n"):
            flush()
        elif ch:
            current.append(i)
    flush()
    return lines, map_errors


def _build_line(chars: list[list[float]], texts: list[str], idx: list[int]) -> _Line | None:
    # Boxes of the inked characters: a leading U+3000 (how 公文 indent) must not hide the indent.
    placed = [
        i for i in idx if not chars[i][1] and chars[i][4] > chars[i][3] and not texts[i].isspace()
    ]
    if not placed:
        text = "".join(texts[i] for i in idx).strip()
        return _Line(text) if text else None
    sizes = sorted(chars[i][7] or (chars[i][6] - chars[i][5]) for i in placed)
    size = sizes[len(sizes) // 2] or 10.0
    cells: list[str] = []
    buf: list[str] = []
    last_right: float | None = None
    for pos, i in enumerate(idx):
        ch = texts[i]
        if chars[i][1]:  # generated (a space PDFium inferred from a gap)
            if ch.isspace():
                nxt = next((texts[j] for j in idx[pos + 1 :] if not chars[j][1]), "")
                prev = buf[-1] if buf else ""
                if not (_is_cjk(prev) or _is_cjk(nxt)):
                    buf.append(" ")
            continue
        left, right = chars[i][3], chars[i][4]
        if last_right is not None and left - last_right > 1.5 * size and buf:
            cells.append("".join(buf).strip())
            buf = []
        buf.append(ch)
        if right > left:
            last_right = right
    cells.append("".join(buf).strip())
    cells = [c for c in cells if c]
    if not cells:
        return None
    return _Line(
        text=" | ".join(cells),
        x0=min(chars[i][3] for i in placed),
        x1=max(chars[i][4] for i in placed),
        top=min(chars[i][5] for i in placed),
        bottom=max(chars[i][6] for i in placed),
        size=size,
        cells=len(cells) > 1,
    )


# ----------------------------------------------------------------------------- page furniture


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", _WHITESPACE.sub("", text))


def _edge_lines(page: _Page, depth: int = 2) -> list[int]:
    """Indices of the lines that may be a header or footer: the first and last ``depth``
    lines, and only those in the top or bottom eighth of the page when positions are known."""
    n = len(page.lines)
    candidates = sorted(set(range(min(depth, n))) | set(range(max(0, n - depth), n)))
    out = []
    for i in candidates:
        top, bottom = page.lines[i].top, page.lines[i].bottom
        unknown = top is None or bottom is None or page.height <= 0
        at_edge = not unknown and (
            (bottom or 0.0) <= page.height / 8 or (top or 0.0) >= page.height * 7 / 8
        )
        if unknown or at_edge:
            out.append(i)
    return out


def _drop_furniture(pages: list[_Page]) -> int:
    """Remove running headers/footers and page numbers in place; return lines removed.

    A header is an edge line whose text (digits folded, so ``第3页`` matches ``第4页``)
    recurs at the edge of more than half the pages with text (at least two). A page number
    is dropped wherever it stands alone on an edge line.
    """
    with_text = [p for p in pages if p.lines]
    counts: Counter[str] = Counter()
    for page in with_text:
        counts.update({_furniture_key(page.lines[i].text) for i in _edge_lines(page)})
    needed = max(2, len(with_text) // 2 + 1)
    removed = 0
    for page in with_text:
        drop = {
            i
            for i in _edge_lines(page)
            if _PAGE_NUMBER.match(page.lines[i].text)
            or (len(with_text) >= 2 and counts[_furniture_key(page.lines[i].text)] >= needed)
        }
        if drop:
            page.lines = [line for i, line in enumerate(page.lines) if i not in drop]
            removed += len(drop)
    return removed


# ----------------------------------------------------------------------------- rejoining


def _joiner(before: str, after: str) -> str:
    """What goes between two wrapped halves: nothing, except between two Latin words."""
    a, b = before[-1:], after[:1]
    if a.isascii() and b.isascii() and a.isalpha() and b.isalpha():
        return " "
    return ""


def _continues(
    prev: _Line,
    nxt: _Line,
    prev_margins: tuple[float, float] | None,
    next_margins: tuple[float, float] | None,
    same_page: bool,
) -> bool:
    """Whether ``nxt`` is the same paragraph as ``prev`` wrapped, not a new one.

    Text rules first (they are all pdftotext gives): a sentence end or a lead-in colon
    closes a paragraph, a list marker or indentation opens one. With positions: ``prev`` must
    run to its page's right margin, ``nxt`` must start at its page's left margin, in the same
    font size, without a blank line between them (checked on one page only).
    """
    if prev.cells or nxt.cells:
        return False
    if prev.text.rstrip()[-1:] in _TERMINAL or _LIST_MARKER.match(nxt.text):
        return False
    if nxt.text[:1].isspace():  # pdftotext keeps indentation as spaces
        return False
    size = prev.size or nxt.size or 10.0
    if prev_margins is not None and prev.x1 is not None and prev.x1 < prev_margins[1] - 1.5 * size:
        return False  # stopped short of the margin: the paragraph ended
    if (
        next_margins is not None
        and nxt.x0 is not None
        and nxt.x0 > next_margins[0] + 0.9 * size
        and not _centred(nxt, next_margins, size)  # a title's second line is centred, too
    ):
        return False  # indented first line: a new paragraph
    if prev.size and nxt.size and abs(nxt.size - prev.size) > 0.15 * prev.size:
        return False  # a heading set in another size
    # A blank line between them (positions compare on one page only).
    return not (
        same_page
        and prev.bottom is not None
        and nxt.top is not None
        and nxt.top - prev.bottom > 1.2 * size
    )


def _centred(line: _Line, margins: tuple[float, float], size: float) -> bool:
    if line.x0 is None or line.x1 is None:
        return False
    return abs((line.x0 - margins[0]) - (margins[1] - line.x1)) < size


def _margins(page: _Page) -> tuple[float, float] | None:
    """Left and right edges of the page's text block (table rows left out)."""
    # Text set outside the page (a stray object) says nothing about the margins.
    inside = [
        ln
        for ln in page.lines
        if not ln.cells and ln.x0 is not None and ln.x1 is not None and ln.x1 <= page.width + 1
    ]
    x0s = [ln.x0 for ln in inside if ln.x0 is not None]
    x1s = [ln.x1 for ln in inside if ln.x1 is not None]
    return (min(x0s), max(x1s)) if x0s and x1s else None


def _join_pages(pages: list[_Page]) -> str:
    """All pages' lines as paragraphs, one per line; a paragraph may cross a page break."""
    paragraphs: list[str] = []
    prev: _Line | None = None
    prev_margins: tuple[float, float] | None = None
    prev_page = 0
    for page in pages:
        margins = _margins(page)
        for line in page.lines:
            text = line.text.strip()
            if prev is not None and _continues(
                prev, line, prev_margins, margins, page.number == prev_page
            ):
                paragraphs[-1] += _joiner(paragraphs[-1], text) + text
            else:
                paragraphs.append(text)
            prev, prev_margins, prev_page = line, margins, page.number
    return "\n".join(p for p in paragraphs if p)


# ----------------------------------------------------------------------------- pdftotext


def _pdftotext_pages(raw: bytes, numbers: Sequence[int]) -> dict[int, str]:
    """Text of the given pages by poppler's ``pdftotext -raw``, {} when it is not installed.

    ``-raw`` keeps content-stream order (what PDFium gives too) without the column padding
    of ``-layout``, which would put runs of spaces inside CJK sentences. pdftotext runs from
    the limited child (one call for the span of pages, split at form feeds) with a time-out;
    any failure only means no fallback.
    """
    if shutil.which("pdftotext") is None or not numbers:
        return {}
    first, last = min(numbers), max(numbers)
    try:
        result = _run_child(["--pdftotext", str(first), str(last)], raw, PDFTOTEXT_TIMEOUT_S + 10)
    except (subprocess.TimeoutExpired, OSError):
        return {}
    pages = result.get("pages") if result else None
    if not isinstance(pages, list):
        return {}
    wanted = set(numbers)
    return {
        number: str(text)
        for number, text in enumerate(pages, first)
        if number in wanted and isinstance(text, str)
    }


def _pdftotext_in_child(raw: bytes, first: int, last: int) -> dict[str, Any]:
    exe = shutil.which("pdftotext")
    if exe is None:
        return {"error": "missing", "detail": "pdftotext"}
    with tempfile.TemporaryDirectory(prefix="xuncha-pdf-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(raw)
        args = ["-q", "-raw", "-enc", "UTF-8", "-f", str(first), "-l", str(last)]
        proc = subprocess.run(
            [exe, *args, str(src), "-"],
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT_S,
            check=False,
        )
    if proc.returncode != 0:
        return {"error": "pdftotext", "detail": str(proc.returncode)}
    text = proc.stdout[: MAX_TEXT_CHARS * 4].decode("utf-8", "replace")
    pages = text.split("\f")
    return {"pages": pages[: last - first + 1]}


# ----------------------------------------------------------------------------- OCR (optional)


def ocr_available() -> bool:
    """Whether the optional ``xuncha[ocr]`` extra (rapidocr + onnxruntime) is importable."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr", "onnxruntime"))


def ocr_pages(pdf_bytes: bytes, pages: Sequence[int]) -> dict[int, str]:
    """Recognise the text of ``pages`` (1-based) with rapidocr: {page: text, a line per box}.

    Runs in a child like the text reader (a scan's image can be a decompression bomb too),
    with ``OCR_TIMEOUT_S``. Needs ``xuncha[ocr]``: raises ``ImportError`` without it, and
    ``RuntimeError`` when recognition failed or timed out. Pages that yield nothing are
    left out.
    """
    if not ocr_available():
        raise ImportError("OCR needs the optional extra: pip install 'xuncha[ocr]'")
    numbers = sorted({int(n) for n in pages})
    if not numbers:
        return {}
    try:
        result = _run_child(["--ocr", ",".join(map(str, numbers))], pdf_bytes, OCR_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"OCR took longer than {OCR_TIMEOUT_S:.0f} s") from None
    if result is None or not isinstance(result.get("pages"), dict):
        detail = (result or {}).get("detail", "no answer")
        raise RuntimeError(f"OCR failed: {detail}")
    return {int(k): str(v) for k, v in result["pages"].items() if str(v).strip()}


def _ocr_in_child(raw: bytes, numbers: Sequence[int]) -> dict[int, str]:
    """Render each page with PDFium (at most ``OCR_MAX_PIXELS``) and recognise it."""
    import logging

    import pypdfium2 as pdfium
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)  # one INFO line per model
    engine = RapidOCR()
    out: dict[int, str] = {}
    doc = pdfium.PdfDocument(raw)
    for number in numbers:
        if not 1 <= number <= len(doc):
            continue
        page = doc[number - 1]
        width, height = page.get_size()
        scale = min(OCR_RENDER_SCALE, (OCR_MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
        image = page.render(scale=scale).to_pil()
        result = engine(image)
        texts = [str(t) for t in (getattr(result, "txts", None) or ()) if str(t).strip()]
        page.close()
        if texts:
            out[number] = "\n".join(texts)
    doc.close()
    return out


# ----------------------------------------------------------------------------- entry point


def _plain_lines(text: str) -> list[_Line]:
    return [_Line(line.rstrip()) for line in text.splitlines() if line.strip()]


def _clean_page(page: _Page) -> tuple[float, int]:
    """Map radicals in place; return (garbage score, radicals mapped)."""
    mapped = 0
    lines = []
    for line in page.lines:
        text, n = map_radicals(line.text)
        mapped += n
        lines.append(line if not n else _Line(text, line.x0, line.x1, line.top,
                                               line.bottom, line.size, line.cells))  # fmt: skip
    page.lines = lines
    return garbage_score("\n".join(ln.text for ln in lines), page.map_errors), mapped


def _pages_phrase(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _pages_word(numbers: Sequence[int]) -> str:
    return "page" if len(numbers) == 1 else "pages"


def pdf_to_text(
    raw: bytes,
    path: str | Path,
    *,
    use_ocr: bool | None = None,
    timeout_s: float = WORKER_TIMEOUT_S,
) -> PdfText:
    """Read a PDF notice's text; ``path`` only names the file in errors.

    ``use_ocr``: None (default) recognises pages without text when ``xuncha[ocr]`` is
    installed; False never does; True requires it (ImportError when missing).

    Raises :class:`~extract.reading.NoticeReadError` (one bilingual line) when the bytes are
    not a PDF, damaged, encrypted, too big, too slow, or hold no readable text at all (a scan
    without OCR: ``scanned PDF without a text layer: install xuncha[ocr] / …``).
    """
    if not raw.strip():
        raise NoticeReadError(path, "empty file / 文件为空")
    if b"%PDF-" not in raw[:1024]:  # the spec lets junk precede the header; not much of it
        raise NoticeReadError(path, "not a PDF file (no %PDF header) / 不是 PDF 文件")
    result = _run_worker(raw, path, timeout_s)
    pages: list[_Page] = []
    for number, data in enumerate(result.get("pages", []), 1):
        lines, map_errors = _lines_from_chars(data.get("chars", []))
        pages.append(
            _Page(number, float(data["w"]), float(data["h"]), lines, int(data["objects"]),
                  map_errors)
        )  # fmt: skip
    if not pages:
        raise NoticeReadError(path, "PDF has no pages / PDF 没有页面")

    warnings: list[str] = []
    scores: dict[int, float] = {}
    radicals = 0
    for page in pages:
        scores[page.number], n = _clean_page(page)
        radicals += n
    garbled = [p.number for p in pages if p.lines and scores[p.number] > GARBAGE_FALLBACK]
    fallback: list[int] = []
    if garbled:
        for number, text in _pdftotext_pages(raw, garbled).items():
            page = pages[number - 1]
            candidate = _Page(number, page.width, page.height, _plain_lines(text), page.objects)
            score, n = _clean_page(candidate)
            if candidate.lines and score < scores[number]:
                pages[number - 1], scores[number] = candidate, score
                radicals += n
                fallback.append(number)
    if radicals:
        warnings.append(
            f"{radicals} radical characters mapped to ordinary ideographs (font quirk)"
            f" / {radicals} 个部首字符已换成通用汉字"
        )

    # Headers, footers and page numbers go first (noise, not news: no warning): a scanned
    # page that carries only a running header or a page number as text still needs OCR.
    _drop_furniture(pages)
    blank = [p.number for p in pages if not p.lines and p.objects == 0]
    need_ocr = [p.number for p in pages if not p.lines and p.objects > 0]
    unreadable = [p.number for p in pages if p.lines and scores[p.number] > GARBAGE_UNREADABLE]
    for number in unreadable:
        pages[number - 1].lines = []
    for page in pages:
        if page.lines and scores[page.number] > 0:
            page.lines = [_Line(_drop_garbage(ln.text), ln.x0, ln.x1, ln.top, ln.bottom,
                                ln.size, ln.cells) for ln in page.lines]  # fmt: skip
            page.lines = [ln for ln in page.lines if ln.text.strip()]
    todo = sorted(need_ocr + unreadable)

    recognised: dict[int, str] = {}
    tried_ocr = False
    if todo and (use_ocr or (use_ocr is None and ocr_available())):
        try:
            recognised = ocr_pages(raw, todo)
        except ImportError:
            if use_ocr:
                raise
        except (RuntimeError, OSError) as exc:  # a recogniser failure must not lose the text
            warnings.append(f"OCR failed ({' '.join(str(exc).split())}) / OCR 识别失败")
        tried_ocr = True
        for number, text in recognised.items():
            pages[number - 1].lines = _plain_lines(text)
    still = [n for n in todo if n not in recognised]

    if not any(p.lines for p in pages):
        if unreadable and not need_ocr:
            raise NoticeReadError(
                path,
                "PDF text layer is unreadable (fonts without a Unicode map): install xuncha[ocr]"
                " / PDF 文字层无法识别(字体缺少编码映射),请安装 OCR 扩展",
            )
        if tried_ocr:
            raise NoticeReadError(
                path, "scanned PDF: OCR found no text / 扫描版 PDF,OCR 未识别出文字"
            )
        raise NoticeReadError(
            path,
            "scanned PDF without a text layer: install xuncha[ocr]"
            " / 扫描版 PDF 无文字层,请安装 OCR 扩展",
        )
    if blank:
        warnings.append(
            f"blank {_pages_word(blank)} skipped: {_pages_phrase(blank)}"
            f" / 空白页已跳过:第 {_pages_phrase(blank)} 页"
        )
    if still:
        why = "OCR found no text" if tried_ocr else "install xuncha[ocr]"
        warnings.append(
            f"{_pages_word(still)} {_pages_phrase(still)}: no readable text, needs OCR ({why})"
            f" / 第 {_pages_phrase(still)} 页没有可读文字,需要 OCR 识别"
        )
    if recognised:
        done = sorted(recognised)
        warnings.append(
            f"{_pages_word(done)} {_pages_phrase(done)} read by OCR: check their figures"
            f" / 第 {_pages_phrase(done)} 页为 OCR 识别,数字需核对"
        )
    if fallback:
        warnings.append(
            f"{_pages_word(fallback)} {_pages_phrase(fallback)} read with pdftotext"
            " (garbled text layer)"
            f" / 第 {_pages_phrase(fallback)} 页文字层有乱码,已改用 pdftotext"
        )
    extractor = "+".join(
        name
        for name, used in (("pypdfium2", True), ("pdftotext", fallback), ("rapidocr", recognised))
        if used
    )
    title = result.get("title")
    return PdfText(
        text=_join_pages(pages),
        page_count=len(pages),
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        extractor=extractor,
        fallback_pages=tuple(fallback),
        ocr_needed=tuple(still),
        ocr_pages=tuple(sorted(recognised)),
        warnings=tuple(warnings),
    )


if __name__ == "__main__":
    raise SystemExit(_worker_main(sys.argv[1:]))
