"""Numbering markers: what starts a numbered item, which style it is, and its number.

Styles are *kinds* of marker ("(一)" and "(二)" share ``cn_paren``); the tree decides their
levels from the order they appear, like a nested-list parser, so no style has a fixed level.
Everything here runs on the folded matching copy (half-width, simplified).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from extract.text.numerals import to_int

__all__ = [
    "LineMarker",
    "ShiMarker",
    "inline_shi",
    "match_attachment",
    "match_line_marker",
    "path_key",
]

_CN = "一二三四五六七八九十百零〇两"
_CIRCLED = "①-⑳㉑-㉟㊱-㊿"
_PAREN_NUM = "⑴-⒇"

# One alternative per style, tried at the start of a paragraph (after indentation).
_LINE_MARKER = re.compile(
    rf"""
    [ \t]*(?:
        (?P<cn_paren>[(]\s*(?P<n1>[{_CN}]{{1,4}})\s*[)])          # (一)
      | (?P<num_paren>[(]\s*(?P<n2>\d{{1,3}})\s*[)])              # (1)
      | (?P<paren_glyph>(?P<n3>[{_PAREN_NUM}]))                   # ⑴
      | (?P<circled>(?P<n4>[{_CIRCLED}]))                         # ①
      | (?P<cn_dun>(?P<n5>[{_CN}]{{1,4}})\s*[、.])                  # 一、
      | (?P<num_dot>(?P<n6>\d{{1,3}})\s*(?:[、]|\.(?!\d)))        # 1. 1、
      | (?P<num_half>(?P<n7>\d{{1,3}})\s*[)](?!\d))               # 1)
      | (?P<cn_shi>(?P<n8>[{_CN}]{{1,3}})(?:是|要)(?=\S))        # 一是 (at paragraph start)
      | (?P<di>第(?P<n9>[{_CN}]{{1,3}})\s*[,、:;])                  # 第一,
      | (?P<wenti>问题\s*(?P<n10>[{_CN}]{{1,3}}|\d{{1,3}})\s*[:、.])  # 问题一:
    )
    """,
    re.VERBOSE,
)
_STYLES = (
    "cn_paren",
    "num_paren",
    "paren_glyph",
    "circled",
    "cn_dun",
    "num_dot",
    "num_half",
    "cn_shi",
    "di",
    "wenti",
)
_NUM_GROUP = {style: f"n{i + 1}" for i, style in enumerate(_STYLES)}

# "附件", "附件1:", "附件一 关于…": an attachment heading at the start of a paragraph.
_ATTACHMENT = re.compile(
    rf"[ \t]*附\s*件\s*(?P<n>\d{{1,2}}|[{_CN}]{{1,3}})?\s*(?:[:]\s*|[ \t]+|$)(?P<rest>.*)$"
)

# "一是…", "二是…" inside a paragraph: a numeral run of one to three characters, then 是, then a
# non-space, after sentence punctuation or at the range start. Written as a scan for 是 (a C-level
# ``str.find``) rather than a regex: a pattern opening with a character class scans every
# position in Python's ``re``, and this runs on every paragraph of every notice.
# Same matches as ``(?P<n>[{_CN}]{1,3})是(?=\S)`` with ``finditer(folded, s, e)``.
_CN_CHARS = frozenset(_CN)
_INLINE_BEFORE = frozenset("。;:,!?\n")


class ShiMarker(NamedTuple):
    """An inline ``N是`` marker: ``folded[start:end]`` is the numeral plus ``是``."""

    start: int
    end: int
    numeral: str


def inline_shi(folded: str, s: int, e: int) -> list[ShiMarker]:
    """``N是`` markers in ``folded[s:e]`` that open a clause (``统一是`` is not one).

    >>> [m.numeral for m in inline_shi("整改情况:一是学习。二是统一是关键。", 0, 18)]
    ['一', '二']
    """
    hits = []
    pos = s  # where the regex this replaces would resume: the end of its last match
    q = folded.find("是", s, e)
    while q >= 0:
        if q + 1 < e and not folded[q + 1].isspace():
            p, floor = q, max(pos, q - 3)
            while p > floor and folded[p - 1] in _CN_CHARS:
                p -= 1
            if p < q:
                pos = q + 1
                i = p - 1
                while i >= s and folded[i] in " \t":
                    i -= 1
                if i < s or folded[i] in _INLINE_BEFORE:
                    hits.append(ShiMarker(p, q + 1, folded[p:q]))
        q = folded.find("是", q + 1, e)
    return hits


@dataclass(frozen=True, slots=True)
class LineMarker:
    """A marker found at the start of a paragraph; offsets are relative to the paragraph."""

    style: str
    number: int
    start: int  # where the marker begins (after indentation)
    end: int  # where the item text begins (after the marker and spaces)


def match_line_marker(line: str, start: int = 0, end: int | None = None) -> LineMarker | None:
    """The numbering marker opening ``line[start:end]`` (already folded), if any.

    Offsets in the result are relative to ``start``; passing the bounds instead of a slice
    saves copying every paragraph of every notice.

    >>> m = match_line_marker("  (12)党工委委员长期列席"); (m.style, m.number, m.start, m.end)
    ('num_paren', 12, 2, 6)
    >>> match_line_marker("2023年,已开展学习13次") is None
    True
    """
    stop = len(line) if end is None else end
    m = _LINE_MARKER.match(line, start, stop)
    if m is None:
        return None
    style = m.lastgroup  # the style alternatives are the outermost named groups
    assert style in _NUM_GROUP, style
    number = to_int(m.group(_NUM_GROUP[style]))
    if number is None or number == 0:
        return None
    text_start = m.end()
    while text_start < stop and line[text_start] in " \t":
        text_start += 1
    return LineMarker(style, number, m.start(style) - start, text_start - start)


def match_attachment(line: str) -> tuple[int | None, int, int] | None:
    """``(number, marker_start, rest_start)`` when ``line`` opens an attachment, else None.

    >>> match_attachment("附件1:整改任务清单")
    (1, 0, 4)
    >>> match_attachment("附件中列明的任务") is None
    True
    """
    m = _ATTACHMENT.match(line)
    if m is None:
        return None
    number = to_int(m.group("n")) if m.group("n") else None
    start = len(line) - len(line.lstrip(" \t"))
    return number, start, m.start("rest")


def path_key(marker_text: str) -> str:
    """The path component for a marker as written: ``1、`` -> ``1``, ``(一)`` -> ``(一)``.

    Takes the folded marker text, so ``１．`` and ``1.`` give the same key; spaces and trailing
    punctuation go, the brackets and the ``是``/``要`` of ``一是``/``三要`` stay.

    >>> [path_key(t) for t in ("1、", "( 一 )", "一是", "第一,", "问题3:", "①")]
    ['1', '(一)', '一是', '第一', '问题3', '①']
    """
    return marker_text.replace(" ", "").replace("\t", "").rstrip("、.,:;")
