"""Spans where numerals are never quantities, and the local tests that reject a candidate.

Masked spans (computed once per text, in one regex scan): titles in 《》, document numbers
``〔2023〕5号``, URLs, e-mail addresses, phone numbers, times of day, and every slogan / fixed
phrase / name listed in ``slogans.txt`` and ``non_quantity_names.txt``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from extract.quantities.wordlists import masked_phrases, trie_pattern
from extract.text import punctuation

_STRUCTURAL = r"""
    《[^《》\n]{0,120}》                                  # titles: nothing inside is a quantity
  | 【[^【】\n]{0,60}】                                  # bracketed column titles of web pages
  | [〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*第?\d+\s*号   # document numbers 〔2023〕5号
  | (?<!\d)0\d{2,3}-\d{7,8}(?!\d)                           # landline phone numbers
  | (?<!\d)1[3-9]\d{9}(?![\d元万亿])                          # mobile phone numbers
  | 邮编\s*:?\s*\d{6}                                       # postal codes
  | (?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?:\s*[-—~至]\s*\d{1,2}:\d{2}(?::\d{2})?)?   # times of day
  | (?<!\d)\d{1,2}\s*[时点]\s*\d{1,2}\s*分(?:\s*\d{1,2}\s*秒)?            # 9时30分
"""


# Web addresses and e-mail start with ordinary letters, which would defeat the first-character
# prefilter below, so they are scanned separately and only when the text has "@"/"www"/"http".
_WEB = re.compile(r"(?:https?://|www\.)[\w./?%&=#:~+-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The characters of an address's local part, scanned backwards from an "@" (see _emails).
_LOCAL_RUN = re.compile(r"[\w.+-]+")


@lru_cache(maxsize=1)
def mask_regex() -> re.Pattern[str]:
    """One compiled scanner for every masked span (structural patterns + phrase trie).

    A lookahead on the possible first characters lets the engine skip most positions
    cheaply (it made the scan ten times faster on the corpus); stdlib ``re`` runs this pattern
    about 2.5 times faster than ``regex``.
    """
    phrases = masked_phrases()
    first = "".join(sorted({p[0] for p in phrases} | set("《【〔[［(（0123456789邮")))
    lead = "(?=[" + re.escape(first) + "])"
    return re.compile(lead + "(?:" + _STRUCTURAL + r"| " + trie_pattern(phrases) + ")", re.VERBOSE)


def _emails(folded: str) -> list[re.Match[str]]:
    """What ``_WEB.finditer`` finds in a text with an "@" but no "www"/"http": the addresses.

    Why not ``_WEB.finditer`` itself: ``\\w`` matches every Chinese character, so the scan
    tries an address at each character of a paragraph and runs to its end each time
    (quadratic; it was a tenth of the extractor's time on the corpus). An address holds an
    "@", and its local part is the run of ``[\\w.+-]`` before it, cut at the previous match:
    exactly where ``finditer`` would start it, so the matches are the same.
    """
    found: list[re.Match[str]] = []
    last = 0
    at = folded.find("@")
    while at >= 0:
        start = at
        while start > last and _LOCAL_RUN.fullmatch(folded, start - 1, start):
            start -= 1
        m = _WEB.match(folded, start) if start < at else None
        if m is not None:
            found.append(m)
            last = m.end()
        at = folded.find("@", max(at + 1, last))
    return found


def masked_spans(folded: str) -> tuple[list[int], list[int]]:
    """Sorted, merged masked spans as parallel start/end lists (for bisect)."""
    starts: list[int] = []
    ends: list[int] = []
    matches = list(mask_regex().finditer(folded))
    if "www" in folded or "http" in folded:
        matches.extend(_WEB.finditer(folded))
        matches.sort(key=lambda m: m.start())
    elif "@" in folded:
        matches.extend(_emails(folded))
        matches.sort(key=lambda m: m.start())
    for m in matches:
        s, e = m.span()
        if e == s:
            continue
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def overlaps(starts: list[int], ends: list[int], s: int, e: int) -> bool:
    """True when [s, e) overlaps one of the merged spans."""
    i = bisect_right(starts, e - 1) - 1
    return i >= 0 and ends[i] > s


def is_cjk(ch: str) -> bool:
    """A CJK unified ideograph (the characters a word continues with)."""
    return "\u4e00" <= ch <= "\u9fff"


OPEN_QUOTES = frozenset(punctuation.OPEN_QUOTES)
CLOSE_QUOTES = frozenset(punctuation.CLOSE_QUOTES)


def in_short_quote(text: str, start: int, end: int, limit: int = 6) -> bool:
    """A quantity inside a short quoted phrase (“四个清单”, “一轴五区”) names a set."""
    i = start - 1
    lo = max(0, start - limit - 1)
    while i >= lo:
        ch = text[i]
        if ch in OPEN_QUOTES:
            break
        if ch in CLOSE_QUOTES or ch in "，,。；;、\n":
            return False
        i -= 1
    else:
        return False
    for ch in text[end : end + limit + 1]:
        if ch in CLOSE_QUOTES:
            return True
        if ch in OPEN_QUOTES or ch in "，,。；;、\n":
            return False
    return False
