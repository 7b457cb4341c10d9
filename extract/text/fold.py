"""The matching copy of a text: folded forms, simplified script, pinyin annotations set aside.

Why one module: the notice parser and the quantity extractor used to fold with two hand-typed
tables (``notice_trad.txt`` and the traditional half of ``quantity_char_map.tsv``) that drifted
apart, so a traditional ``第3輪`` was read by one and missed by the other. Here both get:

1. **Width and space folding** with ``str.translate`` (full-width ASCII → ASCII, the ideographic
   and no-break spaces → a space). A profile says whether Chinese punctuation (,;:!?())
   folds too: the parser wants ``(一)`` and ``(一)`` alike, the extractor keeps ``,`` apart
   from the thousands separator ``,``.
2. **Traditional → simplified** with OpenCC ``t2s`` (ENGINEERING_NOTES §8: it maps character
   *i* to character *i*). The lengths are checked on every call; should a dictionary ever change
   that, the text is converted character by character instead (a table derived from OpenCC
   itself, so nothing is typed by hand). OpenCC runs only when the text holds a character that
   ``t2s`` changes, found by one C-level scan, so simplified notices pay almost nothing.
3. **Pinyin annotations** scraped with traditional pages (``縣(xiàn)委``, ``個(gè)``): a
   parenthesis right after a Han character holding only pinyin with at least one tone mark.
   Decision: they are *removed*, not blanked, in :func:`matching_view`, which returns the copy
   together with a map back to source offsets; a blank would still split ``縣委`` or
   ``3個月``. Callers that need a copy of exactly the source length (:func:`fold`) get the
   annotation *masked* with spaces, so at least no matcher reads ``(xiàn)`` as a status mark,
   a numbering label or a name.

Nothing here changes the stored text: surfaces and excerpts are always cut from the source with
offsets found in the copy.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "NOTICE",
    "FoldProfile",
    "MatchingView",
    "annotation_spans",
    "fold",
    "has_traditional",
    "matching_view",
    "to_simplified",
]

# Han blocks whose characters OpenCC may convert: CJK Extension A, the URO, compatibility
# ideographs, and the supplementary planes' extensions (tested as one range, see _trad_tables).
_HAN_RANGES = ((0x3400, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20))
_ASTRAL_HAN = "\U00020000-\U0002fa1f"

# Chinese punctuation in the full-width block that only the "punctuation" profile folds.
_CJK_PUNCT = "\uff0c\uff1b\uff01\uff1f\uff08\uff09\uff1a"  # ，；！？（）：

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = "a-zA-Zü" + _TONED
# A Han character, then (pinyin) in ASCII or full-width parentheses, at least one tone mark
# inside (so ``(ppp)`` or ``(A)`` after a Chinese word is left alone), syllables separated by
# spaces or apostrophes, at most 40 characters.
_ANNOTATION = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(\uff08]"
    rf"(?=[{_PINYIN} '’]{{1,40}}[)\uff09])"  # at most 40 characters inside
    rf"(?=[^)\uff09]*?[{_TONED}])"  # a tone mark inside
    rf" ?[{_PINYIN}]+(?:[ '’]+[{_PINYIN}]+)* ?[)\uff09]"
)
_TONE_PREFILTER = re.compile(f"[{_TONED}]")


@dataclass(frozen=True, slots=True)
class FoldProfile:
    """How a caller folds: Chinese punctuation too, plus extra 1:1 pairs of its own.

    ``extra`` holds pairs that are not a script conversion (the extractor's ``拾`` → ``十``,
    ``圓`` → ``元``); they apply before OpenCC.
    """

    punctuation: bool
    extra: tuple[tuple[str, str], ...] = ()


NOTICE = FoldProfile(punctuation=True)


@lru_cache(maxsize=8)
def _width_fold(profile: FoldProfile) -> tuple[dict[int, str], re.Pattern[str]]:
    """(translate table, scan for any character it changes) of one profile.

    ``str.translate`` with a dict costs ~50 MB/s on Chinese text while a stdlib ``re`` class scan
    runs at several hundred, and canonical text is already NFKC-folded: scan first, translate
    only when something is there to fold.
    """
    table = _width_table(profile)
    return table, re.compile("[" + re.escape("".join(sorted(map(chr, table)))) + "]")


def _width_table(profile: FoldProfile) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        ch = chr(code)
        if ch in _CJK_PUNCT and not profile.punctuation:
            continue
        table[code] = chr(code - 0xFEE0)
    if profile.punctuation:
        table[0xFF5F], table[0xFF60] = "(", ")"  # white parentheses ⦅⦆
    table[0x3000] = " "  # ideographic space
    table[0x00A0] = " "  # no-break space (HTML &nbsp;)
    for src, dst in profile.extra:
        if len(src) != 1 or len(dst) != 1:
            raise ValueError(f"fold profile: pairs must be one character each, got {src!r}→{dst!r}")
        table[ord(src)] = dst
    return table


@lru_cache(maxsize=1)
def _converter() -> Any:
    try:
        import opencc
    except ImportError as exc:  # pragma: no cover - opencc is a declared dependency
        raise RuntimeError(
            "opencc is not installed: pip install 'opencc==1.4.2' / "
            "缺少 opencc 库,请安装 opencc 1.4.2"
        ) from exc
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _trad_tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """(per-character t2s table, scan for any character t2s changes), derived from OpenCC.

    The scan is a plain ``re`` character class over the BMP characters t2s changes (``re``
    scans ~100 MB/s here; ``regex`` is far slower on a class this size) plus the whole
    supplementary Han range, where a false positive only costs one OpenCC call. So only the
    table's BMP part is needed for the scan (:func:`_scan`); the supplementary part, 82 % of
    the code points to convert, is derived here, when a fallback first needs the whole table.
    """
    table = dict(_bmp_table())
    table.update(_t2s_table(tuple(r for r in _HAN_RANGES if r[0] >= 0x10000)))
    return table, _scan()


@lru_cache(maxsize=1)
def _bmp_table() -> dict[int, str]:
    """The t2s table of the BMP Han code points (the scan's characters)."""
    return _t2s_table(tuple(r for r in _HAN_RANGES if r[1] <= 0x10000))


@lru_cache(maxsize=1)
def _scan() -> re.Pattern[str]:
    """Finds any character t2s changes (see :func:`_trad_tables`).

    The class is written as ranges, which ``re`` compiles 3x faster than the 4221 characters
    one by one. With the BMP table alone this is 8 ms of a fresh process's first notice, where
    deriving the whole table first was 35-40 ms.
    """
    bmp = sorted(_bmp_table())
    return re.compile(f"[{_class_ranges(bmp)}{_ASTRAL_HAN}]")


def _t2s_table(ranges: tuple[tuple[int, int], ...]) -> dict[int, str]:
    """What t2s does to each code point of ``ranges`` alone, where it changes it to one char.

    One newline-separated conversion: the newlines keep OpenCC's phrase tables from joining
    neighbours, so each output line is what t2s does to that character alone (and one range's
    lines are converted as they would be among the others'). Built without a str object per
    code point: the input comes from an array, differences from comparing 32-char blocks.
    """
    chars, lined = _han_chars(ranges)
    out = _converter().convert(lined)
    if len(out) == 2 * len(chars) - 1 and out[1::2] == "\n" * (len(chars) - 1):
        converted = out[0::2]  # one character per line: the output lines, joined
        if "\n" in converted:  # pragma: no cover - an empty line next to a two-character one
            raise RuntimeError("OpenCC t2s changed the number of lines while building its table")
        return {ord(chars[i]): converted[i] for i in _differences(chars, converted)}
    # A character converted to zero or several characters (never seen with t2s): by lines.
    lines = out.split("\n")
    if len(lines) != len(chars):
        raise RuntimeError("OpenCC t2s changed the number of lines while building its table")
    return {ord(a): b for a, b in zip(chars, lines, strict=True) if a != b and len(b) == 1}


def _han_chars(ranges: tuple[tuple[int, int], ...]) -> tuple[str, str]:
    """Every code point of ``ranges`` in order, alone and one per line."""
    codes = array("I")
    for lo, hi in ranges:
        codes.extend(range(lo, hi))
    if codes.itemsize != 4:  # pragma: no cover - no such platform in use
        chars = "".join(chr(c) for lo, hi in ranges for c in range(lo, hi))
        return chars, "\n".join(chars)
    lined = array("I", [ord("\n")]) * (2 * len(codes) - 1)
    lined[0::2] = codes
    utf32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
    return codes.tobytes().decode(utf32), lined.tobytes().decode(utf32)


def _differences(a: str, b: str, block: int = 32) -> list[int]:
    """Positions where ``a`` and ``b`` (of one length) differ; equal blocks are skipped whole."""
    out: list[int] = []
    for k in range(0, len(a), block):
        x, y = a[k : k + block], b[k : k + block]
        if x != y:
            out.extend(k + i for i, (p, q) in enumerate(zip(x, y, strict=True)) if p != q)
    return out


def _class_ranges(codes: list[int]) -> str:
    """The inside of a character class holding ``codes`` (sorted), runs written ``a-b``.

    ``re.escape`` changes only ASCII characters, so it is called for those alone (the Han
    characters here are thousands: 1 ms instead of 2.6 ms).
    """
    parts: list[str] = []
    n = len(codes)
    i = 0
    while i < n:
        j = i
        while j + 1 < n and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = chr(codes[i]), chr(codes[j])
        if codes[i] < 0x80:
            first = re.escape(first)
        if codes[j] < 0x80:
            last = re.escape(last)
        parts.append(first if i == j else f"{first}{last}" if j == i + 1 else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


def has_traditional(text: str) -> bool:
    """True when ``text`` holds a character that OpenCC ``t2s`` would change.

    >>> has_traditional("第3轮巡察"), has_traditional("第3輪巡察")
    (False, True)
    """
    return _scan().search(text) is not None


def to_simplified(text: str) -> str:
    """``text`` in simplified script, exactly as long as ``text`` (offsets are shared).

    OpenCC ``t2s`` (phrase-aware) when it keeps the length, which ENGINEERING_NOTES §8 verified;
    otherwise — a future dictionary, or a string OpenCC cannot take (a NUL, a lone surrogate) —
    the per-character table, which keeps the length by construction.

    >>> to_simplified("歷時3個月,兩個維護")
    '历时3个月,两个维护'
    """
    if _scan().search(text) is None:
        return text
    try:
        out = _converter().convert(text)
    except (UnicodeError, ValueError, RuntimeError):
        out = None
    if out is None or len(out) != len(text):
        out = text.translate(_trad_tables()[0])
    return out


def annotation_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each pinyin annotation such as the ``(xiàn)`` in ``縣(xiàn)委``.

    >>> annotation_spans("縣(xiàn)委歷時3個(gè)月")
    [(1, 7), (12, 16)]
    """
    if _TONE_PREFILTER.search(text) is None:
        return []
    return [m.span() for m in _ANNOTATION.finditer(text)]


def _fold_same_length(text: str, profile: FoldProfile) -> str:
    table, scan = _width_fold(profile)
    if scan.search(text) is not None:
        text = text.translate(table)
    return to_simplified(text)


def fold(text: str, profile: FoldProfile = NOTICE) -> str:
    """The matching copy with exactly ``len(text)`` characters; annotations masked by spaces.

    >>> fold("(1)整改情況:縣(xiàn)委已完成")
    '(1)整改情况:县      委已完成'
    """
    folded = _fold_same_length(text, profile)
    spans = annotation_spans(folded)
    if spans:
        parts: list[str] = []
        last = 0
        for s, e in spans:
            parts += (folded[last:s], " " * (e - s))
            last = e
        parts.append(folded[last:])
        folded = "".join(parts)
    if len(folded) != len(text):  # pragma: no cover - every step above is 1:1
        raise AssertionError("the matching copy must keep the text length")
    return folded


@dataclass(frozen=True, slots=True)
class MatchingView:
    """A matching copy with pinyin annotations removed, and the way back to source offsets.

    ``cut_at[i]`` is a position in :attr:`text` where an annotation was taken out, and
    ``shift[i]`` how many source characters lie before that position in excess of it (the
    running total removed). Without annotations both are empty and offsets are shared.
    """

    text: str
    cut_at: tuple[int, ...] = ()
    shift: tuple[int, ...] = ()

    @property
    def is_identity(self) -> bool:
        """True when offsets into :attr:`text` are offsets into the source."""
        return not self.cut_at

    def to_source(self, pos: int) -> int:
        """Source offset of the character at ``pos`` in the copy (or of the end, ``len``)."""
        i = bisect_right(self.cut_at, pos)
        return pos if i == 0 else pos + self.shift[i - 1]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the copy's ``[start, end)``; an annotation inside stays in.

        >>> v = matching_view("歷時3個(gè)月")
        >>> v.text, v.source_span(2, 5)
        ('历时3个月', (2, 9))
        """
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end - 1) + 1


def matching_view(text: str, profile: FoldProfile = NOTICE) -> MatchingView:
    """Fold ``text`` (see :func:`fold`) and take the pinyin annotations out of the copy."""
    folded = _fold_same_length(text, profile)
    spans = annotation_spans(folded)
    if not spans:
        return MatchingView(folded)
    parts: list[str] = []
    cut_at: list[int] = []
    shift: list[int] = []
    last = removed = 0
    for s, e in spans:
        parts.append(folded[last:s])
        cut_at.append(s - removed)  # where the next kept character lands in the copy
        removed += e - s
        shift.append(removed)
        last = e
    parts.append(folded[last:])
    return MatchingView("".join(parts), tuple(cut_at), tuple(shift))
