"""Word notices (.docx, and legacy .doc through LibreOffice) as plain text in reading order.

Why not just ``python-docx``'s ``paragraph.text``: 公文 templates number their headings with
Word *auto-numbering* (``chineseCounting`` "一、", ``（%1）`` "（一）", ``%1.`` "1."), and the
label lives in ``numbering.xml``, not in the paragraph. python-docx, docx2python and mammoth
all drop it (ENGINEERING_NOTES §8), which leaves the notice parser without its tree. This module
resolves the numbering the way Word renders it and writes the label in front of the paragraph,
so the text reads exactly like the .txt version of the same notice.

The package itself is opened with python-docx (parts, relationships, styles); the body is then
walked on its XML because ``paragraph.text`` skips runs inside ``w:ins`` (tracked insertions),
``w:sdt`` (content controls), ``w:smartTag`` and ``w:fldSimple``, and ``iter_inner_content``
skips block-level content controls — all common in government templates.

Output rules (what the notice parser and ``extract.reading`` expect):

- one paragraph per line, its auto-number label first (``一、整改情况``);
- a table row per line with cells joined by ``" | "`` like the HTML reader does; a table whose
  cells hold several paragraphs is a layout table, and its paragraphs come out one per line;
- headers, footers, footnotes, comments, deleted text and hidden text are left out.

Bad input raises :class:`extract.reading.NoticeReadError` with one bilingual line; a .docx is
a ZIP, so its uncompressed size and compression ratio are checked before any part is parsed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from extract.reading import NoticeReadError

__all__ = [
    "DOCX_SIGNATURE",
    "OLE_SIGNATURE",
    "WordText",
    "read_doc",
    "read_docx",
    "read_word",
    "render_number",
    "soffice_binary",
]

DOCX_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_SIGNATURE = b"{\\rtf"

# A notice's document.xml is a few hundred KB; these caps stop a crafted ZIP from expanding
# into gigabytes inside python-docx (which reads every part into memory).
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # deflate reaches ~10-20x on XML; 1000x is a bomb
_RATIO_MIN_BYTES = 1024 * 1024  # small parts may compress well; only big ones can hurt
MAX_PARTS = 5000
# LibreOffice needs 2-5 s to start and convert a notice; a minute means it is stuck.
SOFFICE_TIMEOUT_S = 120.0

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _R, _T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
_VAL = _w("val")
# Containers whose block content is read as if it were in the body.
_BLOCK_WRAPPERS = frozenset({_w("sdt"), _w("sdtContent"), _w("customXml"), _w("ins")})
# Inline elements whose text is not part of what the reader sees.
_SKIPPED_INLINE = frozenset(
    {
        _w("del"),
        _w("moveFrom"),
        _w("pPr"),
        _w("rPr"),
        _w("footnoteReference"),
        _w("endnoteReference"),
        _w("commentReference"),
        _w("txbxContent"),  # text boxes: decorations, and duplicated in mc:Fallback
        f"{{{_MC}}}Fallback",
        _w("instrText"),
        _w("delText"),
    }
)


@dataclass(frozen=True)
class WordText:
    """A Word notice as text: what the lead feeds to ``normalize_text`` and ``strip_noise``."""

    text: str
    source_format: Literal["docx", "doc"]
    title: str | None = None  # core properties title, when the author set one
    numbered_paragraphs: int = 0  # paragraphs whose label came from auto-numbering
    tables: int = 0
    warnings: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- number formats


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CN_LEGAL_UNITS = ("", "拾", "佰", "仟")
_CN_UNITS = ("", "十", "百", "千")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _circled(n: int) -> str | None:
    """①…⑳ (U+2460), ㉑…㉟ (U+3251), ㊱…㊿ (U+32B1): the circled numbers Unicode has."""
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return None


def _chinese(n: int, digits: str = _CN_DIGITS, units: tuple[str, ...] = _CN_UNITS) -> str:
    """Chinese counting as Word renders it: 十, 十一, 二十, 一百零五, 一千二百.

    ``十`` alone (not ``一十``) for 10-19, as in 公文 headings; numbers past 9999 (no notice
    numbers its headings that far) fall back to digits.
    """
    if n <= 0 or n > 9999:
        return str(n)
    parts: list[str] = []
    text = str(n)
    zero = False
    for i, ch in enumerate(text):
        d = int(ch)
        unit = units[len(text) - 1 - i]
        if d == 0:
            zero = True
            continue
        if zero and parts:
            parts.append(digits[0])
        zero = False
        parts.append(digits[d] + unit)
    out = "".join(parts)
    if digits is _CN_DIGITS and 10 <= n <= 19:
        out = out[1:]  # 一十一 → 十一
    return out


def _letters(n: int, upper: bool) -> str:
    """Word's letter numbering: a…z, then aa…zz, aaa… (the letter repeated)."""
    if n <= 0:
        return str(n)
    letter = chr((ord("A") if upper else ord("a")) + (n - 1) % 26)
    return letter * ((n - 1) // 26 + 1)


def _roman(n: int, upper: bool) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    text = "".join(out)
    return text if upper else text.lower()


def render_number(n: int, fmt: str) -> str:
    """Number ``n`` in the OOXML ``w:numFmt`` ``fmt`` (ECMA-376 §17.18.59).

    The formats 公文 templates use are exact; unknown formats fall back to decimal digits,
    which still give the parser a marker (a warning is not worth it: the text stays right).
    """
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",  # what LibreOffice writes for chineseCounting
    ):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, _CN_LEGAL_DIGITS, _CN_LEGAL_UNITS)
    if fmt == "ideographDigital" or fmt == "taiwaneseDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt in ("ideographTraditional", "ideographZodiac"):
        chars = _HEAVENLY_STEMS if fmt == "ideographTraditional" else _EARTHLY_BRANCHES
        return chars[n - 1] if 1 <= n <= len(chars) else str(n)
    if fmt == "ideographEnclosedCircle":
        return chr(0x3220 + n - 1) if 1 <= n <= 10 else str(n)  # ㈠…㈩
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _circled(n) or str(n)
    if fmt == "decimalEnclosedParen":
        return chr(0x2474 + n - 1) if 1 <= n <= 20 else f"({n})"  # ⑴…⒇
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2488 + n - 1) if 1 <= n <= 20 else f"{n}."  # ⒈…⒛
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n, fmt == "upperLetter")
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n, fmt == "upperRoman")
    if fmt == "none":
        return ""
    return str(n)


# --------------------------------------------------------------------------- numbering


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str | None  # w:lvlText; None when the level has none (nothing is shown)
    restart: int | None  # w:lvlRestart (1-based level after which it restarts; 0 = never)
    legal: bool  # w:isLgl: every %N shown as decimal
    suffix: str  # w:suff: tab, space or nothing
    style_id: str | None  # w:pStyle: the paragraph style tied to this level


def _int_attr(el: Any, default: int | None = None) -> int | None:
    if el is None:
        return default
    try:
        return int(el.get(_VAL))
    except (TypeError, ValueError):
        return default


def _parse_level(lvl: Any) -> _Level:
    fmt_el = lvl.find(_w("numFmt"))
    text_el = lvl.find(_w("lvlText"))
    legal_el = lvl.find(_w("isLgl"))
    suff_el = lvl.find(_w("suff"))
    pstyle_el = lvl.find(_w("pStyle"))
    return _Level(
        start=_int_attr(lvl.find(_w("start")), 1) or 0,
        fmt=(fmt_el.get(_VAL) if fmt_el is not None else None) or "decimal",
        text=text_el.get(_VAL) if text_el is not None else None,
        restart=_int_attr(lvl.find(_w("lvlRestart"))),
        legal=legal_el is not None and legal_el.get(_VAL, "true") not in ("0", "false", "off"),
        suffix=(suff_el.get(_VAL) if suff_el is not None else None) or "tab",
        style_id=pstyle_el.get(_VAL) if pstyle_el is not None else None,
    )


def _levels_of(element: Any) -> dict[int, _Level]:
    out: dict[int, _Level] = {}
    for lvl in element.findall(_w("lvl")):
        try:
            ilvl = int(lvl.get(_w("ilvl"), "0"))
        except ValueError:
            continue
        if 0 <= ilvl <= 8:
            out[ilvl] = _parse_level(lvl)
    return out


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int]
    level_overrides: dict[int, _Level]
    started: set[int] = field(default_factory=set)  # levels whose startOverride was applied


@dataclass(frozen=True)
class _StyleInfo:
    num_id: str | None
    ilvl: int | None
    based_on: str | None


class _Numbering:
    """Word's list numbering: definitions from numbering.xml, counters while reading.

    Counters are kept per (abstractNum, level) — nums that share an abstract definition
    continue one sequence in Word, and "restart numbering" is written as a new num with a
    ``startOverride``, applied the first time that num is met. For the usual one-num-per-list
    document this is the same as one counter per (numId, level). Using a level resets the
    deeper levels of the same list (``lvlRestart`` can limit that).
    """

    def __init__(self, numbering_el: Any | None, styles_el: Any | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNumId → numbering style it follows
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, _StyleInfo] = {}
        self.default_style: str | None = None
        self.counters: dict[tuple[str, int], int] = {}
        if numbering_el is not None:
            for absnum in numbering_el.findall(_w("abstractNum")):
                aid = absnum.get(_w("abstractNumId"))
                if aid is None or aid in self.abstracts:
                    continue  # a duplicate id: the first definition wins, as in LibreOffice
                self.abstracts[aid] = _levels_of(absnum)
                link = absnum.find(_w("numStyleLink"))
                if link is not None and link.get(_VAL):
                    self.style_links[aid] = link.get(_VAL)
            for num in numbering_el.findall(_w("num")):
                nid = num.get(_w("numId"))
                ref = num.find(_w("abstractNumId"))
                if nid is None or nid in self.nums or ref is None or ref.get(_VAL) is None:
                    continue
                starts: dict[int, int] = {}
                overrides: dict[int, _Level] = {}
                for ov in num.findall(_w("lvlOverride")):
                    try:
                        ilvl = int(ov.get(_w("ilvl"), "0"))
                    except ValueError:
                        continue
                    so = _int_attr(ov.find(_w("startOverride")))
                    if so is not None:
                        starts[ilvl] = so
                    lvl = ov.find(_w("lvl"))
                    if lvl is not None:
                        overrides[ilvl] = _parse_level(lvl)
                self.nums[nid] = _Num(ref.get(_VAL), starts, overrides)
        if styles_el is not None:
            for style in styles_el.findall(_w("style")):
                sid = style.get(_w("styleId"))
                if sid is None:
                    continue
                if style.get(_w("type")) == "paragraph" and style.get(_w("default")) in (
                    "1",
                    "true",
                    "on",
                ):
                    self.default_style = sid
                num_pr = style.find(f"{_w('pPr')}/{_w('numPr')}")
                based = style.find(_w("basedOn"))
                num_id: str | None = None
                style_ilvl: int | None = None
                if num_pr is not None:
                    num_id_el = num_pr.find(_w("numId"))
                    num_id = num_id_el.get(_VAL) if num_id_el is not None else None
                    style_ilvl = _int_attr(num_pr.find(_w("ilvl")))
                self.styles[sid] = _StyleInfo(
                    num_id, style_ilvl, based.get(_VAL) if based is not None else None
                )

    # -- definitions -------------------------------------------------------------------
    def _abstract_id(self, num_id: str) -> str | None:
        """The abstractNum a num uses, following ``numStyleLink`` to the numbering style."""
        num = self.nums.get(num_id)
        aid = num.abstract_id if num else None
        for _ in range(4):  # a link chain longer than this is a loop
            if aid is None or aid not in self.style_links:
                return aid
            style = self.styles.get(self.style_links[aid])
            target = self.nums.get(style.num_id) if style and style.num_id else None
            aid = target.abstract_id if target and target.abstract_id != aid else None
        return aid

    def _level(self, num_id: str, ilvl: int) -> _Level | None:
        num = self.nums.get(num_id)
        if num is not None and ilvl in num.level_overrides:
            return num.level_overrides[ilvl]
        aid = self._abstract_id(num_id)
        return self.abstracts.get(aid, {}).get(ilvl) if aid is not None else None

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, style that carried the numId) along the style's basedOn chain."""
        num_id: str | None = None
        ilvl: int | None = None
        carrier: str | None = None
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            info = self.styles.get(style_id)
            if info is None:
                break
            if ilvl is None and info.ilvl is not None:
                ilvl = info.ilvl
            if num_id is None and info.num_id is not None:
                num_id, carrier = info.num_id, style_id
                break
            style_id = info.based_on
        return num_id, ilvl, carrier

    # -- reading -----------------------------------------------------------------------
    def label(self, p: Any) -> tuple[str, str] | None:
        """The label Word shows before paragraph ``p`` and its suffix, advancing counters."""
        ppr = p.find(_w("pPr"))
        style_el = ppr.find(_w("pStyle")) if ppr is not None else None
        style_id = style_el.get(_VAL) if style_el is not None else self.default_style
        num_id: str | None = None
        ilvl: int | None = None
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        if num_pr is not None:
            nid_el = num_pr.find(_w("numId"))
            num_id = nid_el.get(_VAL) if nid_el is not None else None
            ilvl = _int_attr(num_pr.find(_w("ilvl")))
        carrier = None
        if num_id is None:
            num_id, style_ilvl, carrier = self._style_numbering(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        aid = self._abstract_id(num_id)
        if aid is None:
            return None
        if ilvl is None and carrier is not None:
            # A heading style tied to a level by that level's w:pStyle (Heading 2 → level 1).
            for index, lvl in self.abstracts.get(aid, {}).items():
                if lvl.style_id == carrier:
                    ilvl = index
                    break
        ilvl = min(max(ilvl or 0, 0), 8)
        level = self._level(num_id, ilvl)
        if level is None:
            return None
        self._advance(num_id, aid, ilvl, level)
        if level.text is None or level.fmt == "bullet":
            return None  # a bullet (often a Symbol-font private-use glyph) is no marker
        return self._render(num_id, aid, level), level.suffix

    def _advance(self, num_id: str, aid: str, ilvl: int, level: _Level) -> None:
        num = self.nums[num_id]
        key = (aid, ilvl)
        if ilvl in num.start_overrides and ilvl not in num.started:
            num.started.add(ilvl)
            self.counters[key] = num.start_overrides[ilvl]
        elif key in self.counters:
            self.counters[key] += 1
        else:
            self.counters[key] = level.start
        for deeper in range(ilvl + 1, 9):
            deep = self._level(num_id, deeper)
            limit = deep.restart if deep is not None and deep.restart is not None else deeper
            if ilvl < limit:
                self.counters.pop((aid, deeper), None)

    def _render(self, num_id: str, aid: str, level: _Level) -> str:
        text = level.text or ""
        out: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1].isdigit():
                ref = int(text[i + 1]) - 1
                ref_level = self._level(num_id, ref)
                if ref_level is not None:
                    value = self.counters.get((aid, ref), ref_level.start)
                    fmt = "decimal" if level.legal else ref_level.fmt
                    out.append(render_number(value, fmt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)


# --------------------------------------------------------------------------- text


def _hidden(run: Any) -> bool:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        return False
    vanish = rpr.find(_w("vanish"))
    return vanish is not None and vanish.get(_VAL, "true") not in ("0", "false", "off")


def _inline_text(el: Any, out: list[str]) -> None:
    """Append the visible text under ``el`` (a paragraph or an inline container) to ``out``."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED_INLINE:
            continue
        if tag == _T:
            out.append(child.text or "")
        elif tag == _R:
            if not _hidden(child):
                _inline_text(child, out)
        elif tag == _w("tab") or tag == _w("ptab"):
            out.append(" ")  # a tab would read as a table cell separator downstream
        elif tag in (_w("br"), _w("cr")):
            out.append(" " if child.get(_w("type")) == "page" else "\n")
        elif tag == _w("noBreakHyphen"):
            out.append("-")
        elif tag == _w("sym"):
            char = child.get(_w("char"))
            try:
                code = int(char or "", 16)
            except ValueError:
                continue
            if code >= 0xF000:  # symbol-font private-use code: no reliable character
                continue
            out.append(chr(code))
        elif tag == _P:
            continue  # a paragraph nested in a drawing: not body text
        else:
            _inline_text(child, out)  # hyperlink, ins, smartTag, fldSimple, sdt, AlternateContent


def _paragraph_text(p: Any) -> str:
    out: list[str] = []
    _inline_text(p, out)
    return "".join(out).strip(" ")


class _Reader:
    """Walks a body into lines; ``overrides`` replace the resolver's labels, in order."""

    def __init__(self, numbering: _Numbering, overrides: list[str | None] | None = None) -> None:
        self.numbering = numbering
        self.numbered = 0
        self.tables = 0
        self.overrides = overrides
        self.labelled: list[tuple[str, str]] = []  # (label, text) of each numbered paragraph

    def paragraph(self, p: Any) -> str:
        text = _paragraph_text(p)
        label = self.numbering.label(p)  # counters advance even on an empty paragraph, as in Word
        if label is None:
            return text
        mark, suffix = label
        if not mark:
            return text
        if self.overrides is not None and len(self.labelled) < len(self.overrides):
            mark = self.overrides[len(self.labelled)] or mark
        self.labelled.append((mark, text))
        self.numbered += 1
        if not text:
            return mark
        last = mark[-1]
        joiner = ""
        if last.isascii() and last.isalnum() and (suffix != "nothing" or text[0].isalnum()):
            # "1.1 标题", "Article 1 Scope"; and never glue a label's digits to the text's
            # ("1" + "2000万元" must not read 12000). CJK labels join directly (一、标题).
            joiner = " "
        return mark + joiner + text

    def blocks(self, container: Any) -> Iterator[str]:
        """Paragraph and table lines of a body or a cell, in document order."""
        for child in container:
            tag = child.tag
            if tag == _P:
                yield self.paragraph(child)
            elif tag == _TBL:
                self.tables += 1
                yield from self.table(child)
            elif tag in _BLOCK_WRAPPERS:
                yield from self.blocks(child)

    def table(self, tbl: Any) -> Iterator[str]:
        for tr in _children(tbl, _TR):
            cells: list[str] = []
            for cell in _children(tr, _TC):
                vmerge = cell.find(f"{_w('tcPr')}/{_w('vMerge')}")
                if vmerge is not None and vmerge.get(_VAL, "continue") == "continue":
                    cells.append("")  # the merged cell's text was given in its first row
                    continue
                lines = [line for line in self.blocks(cell) if line.strip()]
                cells.append("\n".join(lines))
            if not any(cells):
                continue
            if any("\n" in c for c in cells):
                # A layout table (whole paragraphs in a cell): keep the paragraphs, not columns
                # — the same choice as extract.html_text, so .docx and .html read alike.
                for c in cells:
                    if c:
                        yield c
            else:
                yield " | ".join(c.replace(" | ", " ") for c in cells)


def _children(el: Any, tag: str) -> Iterator[Any]:
    """``el``'s children with ``tag``, also those wrapped in content controls (rows, cells)."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _children(child, tag)


# --------------------------------------------------------------------------- entry points


def _check_zip(path: Path, data: bytes) -> None:
    """Refuse ZIPs that would expand beyond the caps before python-docx inflates them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise NoticeReadError(
            path, f"damaged .docx (not a readable ZIP: {exc}) / Word 文件已损坏"
        ) from exc
    if len(infos) > MAX_PARTS:
        raise NoticeReadError(path, f"too many parts in .docx ({len(infos)}) / Word 文件结构异常")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise NoticeReadError(
                path, "password-protected Word file (encrypted) / Word 文件已加密,请先解除密码"
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        bomb = info.file_size >= _RATIO_MIN_BYTES and ratio > MAX_RATIO
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES or bomb:
            raise NoticeReadError(
                path,
                f"refused: .docx part {info.filename!r} expands to {info.file_size} bytes "
                f"(ratio {ratio:.0f}; zip bomb?) / Word 文件解压后过大,疑似压缩炸弹",
            )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise NoticeReadError(
            path, "not a Word .docx (a ZIP without Office content) / 不是 Word 文档"
        )


def read_docx(path: str | Path, data: bytes, *, rendered_text: str | None = None) -> WordText:
    """Text of a .docx in reading order, auto-numbering labels written out.

    ``data`` are the file's bytes (size-checked by the caller). Raises
    :class:`NoticeReadError` for a damaged, encrypted, oversized or non-Word file, and when
    the document holds no text.
    """
    path = Path(path)
    if not data.strip():
        raise NoticeReadError(path, "empty file / 文件为空")
    if data.startswith(OLE_SIGNATURE):
        _refuse_encrypted_ole(path, data)
    if not data.startswith(DOCX_SIGNATURE):
        raise NoticeReadError(path, "not a Word .docx file (no ZIP signature) / 不是 Word 文档")
    _check_zip(path, data)
    import docx  # imported late: only Word files pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        part = document.part
        numbering_el = _numbering_element(part)
        styles_el = document.styles.element
        title = (document.core_properties.title or "").strip() or None
    except NoticeReadError:
        raise
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile) as exc:
        raise NoticeReadError(
            path, f"damaged .docx (missing part: {exc}) / Word 文件已损坏"
        ) from exc
    except ValueError as exc:  # wrong content type: .xlsx/.pptx/.docm renamed, bad XML
        raise NoticeReadError(
            path, f"not a Word document ({_one_line(exc)}) / 不是 Word 文档或文件已损坏"
        ) from exc
    except Exception as exc:  # lxml XMLSyntaxError and anything else a broken part raises
        raise NoticeReadError(
            path, f"damaged .docx ({type(exc).__name__}: {_one_line(exc)}) / Word 文件已损坏"
        ) from exc
    try:
        reader = _Reader(_Numbering(numbering_el, styles_el))
        lines = list(reader.blocks(body))
        if rendered_text is not None and reader.labelled:
            overrides = _labels_from_rendering(reader.labelled, rendered_text)
            if overrides is not None:
                reader = _Reader(_Numbering(numbering_el, styles_el), overrides)
                lines = list(reader.blocks(body))
    except (RecursionError, ValueError, TypeError, AttributeError) as exc:
        raise NoticeReadError(
            path, f"damaged .docx body ({type(exc).__name__}) / Word 文件正文结构异常"
        ) from exc
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise NoticeReadError(path, "no text in the Word document / Word 文档中没有文字")
    return WordText(
        text=text,
        source_format="docx",
        title=title,
        numbered_paragraphs=reader.numbered,
        tables=reader.tables,
    )


def _labels_from_rendering(
    labelled: list[tuple[str, str]], rendered: str
) -> list[str | None] | None:
    """The labels a renderer (LibreOffice's text export) put before the same paragraphs.

    LibreOffice keeps a restarted list as one list internally but writes it to .docx as
    unrelated ``w:num`` entries without a ``startOverride``, so the .docx it produces from a
    .doc can number differently from what LibreOffice (and Word) show. Its plain-text export
    prints the labels as shown; each numbered paragraph is found there, in order, as a line
    ending with its text, and the part before the text is its label. Returns None when the
    two do not line up (then the resolver's own labels stand).
    """
    lines = [line.strip() for line in rendered.splitlines()]
    out: list[str | None] = []
    j = 0
    for _, text in labelled:
        first = text.split("\n", 1)[0].strip()
        if not first:
            out.append(None)
            continue
        while j < len(lines) and not (
            lines[j].endswith(first) and 0 < len(lines[j]) - len(first) <= _MAX_LABEL
        ):
            j += 1
        if j == len(lines):
            return None
        out.append(lines[j][: len(lines[j]) - len(first)].strip() or None)
        j += 1
    return out


_MAX_LABEL = 16


def _numbering_element(part: Any) -> Any | None:
    """numbering.xml's root, or None when the document has no numbering part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for rel in part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:160] or type(exc).__name__


def _refuse_encrypted_ole(path: Path, data: bytes) -> None:
    """An encrypted .docx/.doc is an OLE file holding ``EncryptedPackage`` or an RC4 stream."""
    if "EncryptedPackage".encode("utf-16-le") in data or (
        "EncryptionInfo".encode("utf-16-le") in data
    ):
        raise NoticeReadError(
            path, "password-protected Word file (encrypted) / Word 文件已加密,请先解除密码"
        )


_NEEDS_LIBREOFFICE = (
    "legacy Word .doc needs LibreOffice: apt-get install libreoffice-writer-nogui"
    " / 旧版 .doc 需要安装 LibreOffice"
)


def soffice_binary() -> str | None:
    """LibreOffice's command (``soffice``/``libreoffice``) on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(path: str | Path, data: bytes, *, timeout: float = SOFFICE_TIMEOUT_S) -> WordText:
    """A legacy Word .doc (or .rtf) converted to .docx by LibreOffice, then read as one.

    The conversion runs in a private temporary folder with a private LibreOffice profile (a
    user's running LibreOffice, or a parallel ingest, would otherwise share its lock and
    make ``soffice`` exit without converting), in its own process group so a time-out kills
    it and every child. Raises :class:`NoticeReadError` when LibreOffice is missing, the
    file is encrypted, or the conversion fails or times out.
    """
    path = Path(path)
    if not data.strip():
        raise NoticeReadError(path, "empty file / 文件为空")
    if not (data.startswith(OLE_SIGNATURE) or data.startswith(_RTF_SIGNATURE)):
        raise NoticeReadError(path, "not a Word .doc file (no OLE signature) / 不是 Word 文档")
    _refuse_encrypted_ole(path, data)
    soffice = soffice_binary()
    if soffice is None:
        raise NoticeReadError(path, _NEEDS_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="xuncha-doc-") as tmp:
        work = Path(tmp)
        source = work / ("notice.rtf" if data.startswith(_RTF_SIGNATURE) else "notice.doc")
        source.write_bytes(data)
        deadline = time.monotonic() + timeout
        converted, output, code = _soffice_convert(
            path, soffice, work, source, "docx:MS Word 2007 XML", deadline, timeout
        )
        if converted is None:
            detail = _one_line(Exception(output)) if output.strip() else ""
            raise NoticeReadError(
                path,
                f"LibreOffice could not convert the .doc (exit {code}"
                f"{': ' + detail if detail else ''}) / 无法转换 .doc 文件,文件可能已损坏",
            )
        converted_data = converted.read_bytes()
        # The labels as LibreOffice shows them (see _labels_from_rendering); optional.
        rendered: str | None = None
        warnings: tuple[str, ...] = ()
        try:
            as_text, _, _ = _soffice_convert(
                path, soffice, work, source, "txt:Text (encoded):UTF8", deadline, timeout
            )
        except NoticeReadError:
            as_text = None
        if as_text is not None:
            rendered = as_text.read_text("utf-8", "replace")
        else:
            warnings = (
                "LibreOffice's text rendering failed; numbering labels come from the converted"
                " .docx alone / 未能获得 LibreOffice 的编号文本,编号按转换后的 .docx 计算",
            )
    word = read_docx(path, converted_data, rendered_text=rendered)
    return WordText(
        text=word.text,
        source_format="doc",
        title=word.title,
        numbered_paragraphs=word.numbered_paragraphs,
        tables=word.tables,
        warnings=word.warnings + warnings,
    )


def _soffice_convert(
    path: Path,
    soffice: str,
    work: Path,
    source: Path,
    target: str,
    deadline: float,
    timeout: float,
) -> tuple[Path | None, str, int | None]:
    """Run one ``soffice --convert-to`` in ``work``: (output file or None, its output, exit).

    Private profile (``-env:UserInstallation``): a user's running LibreOffice, or a parallel
    ingest, would otherwise share its lock and make ``soffice`` exit without converting. Own
    process group, so a time-out kills LibreOffice and every child it started.
    """
    out_dir = work / ("out-" + target.split(":", 1)[0])
    out_dir.mkdir(exist_ok=True)
    cmd = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        str(source),
    ]
    env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise NoticeReadError(
            path, f"cannot start LibreOffice ({exc.strerror or exc}) / 无法启动 LibreOffice"
        ) from exc
    try:
        output, _ = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise NoticeReadError(
            path, f"LibreOffice conversion timed out after {timeout:.0f} s / 转换 .doc 超时"
        ) from exc
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    suffix = "." + target.split(":", 1)[0]
    result = out_dir / (source.stem + suffix)
    text = output.decode("utf-8", "replace") if output else ""
    return (result if result.is_file() else None), text, proc.returncode


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def read_word(path: str | Path, data: bytes) -> WordText:
    """A .docx or .doc notice by its content, whatever its extension says.

    Sites name files carelessly: a .doc that is really a .docx (or the reverse) is common.
    ZIP → :func:`read_docx`; OLE or RTF → :func:`read_doc` (LibreOffice); anything else is
    refused with a one-line reason.
    """
    if data.startswith(DOCX_SIGNATURE):
        return read_docx(path, data)
    if data.startswith(OLE_SIGNATURE) or data.startswith(_RTF_SIGNATURE):
        return read_doc(path, data)
    if not data.strip():
        raise NoticeReadError(path, "empty file / 文件为空")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"mime-version", b"<?xml")):
        raise NoticeReadError(
            path,
            "a web page or XML saved under a Word name; rename it to .html"
            " / 这是网页或 XML 文件,请改为 .html 扩展名",
        )
    raise NoticeReadError(path, "not a Word file (unknown format) / 不是 Word 文档")
