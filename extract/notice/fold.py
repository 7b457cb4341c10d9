"""A matching copy of a notice: same length as the text, so every offset is shared.

Canonical text should already have full-width ASCII folded, but the parser must also cope with
raw scrapes and traditional-character notices. Rather than write every regex twice, matching
runs on a copy where full-width ASCII, the ideographic space and the traditional characters in
``notice_trad.txt`` are replaced one character for one character. Titles and excerpts are always
sliced from the original text with the offsets found in the copy.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.notice.lexicon import load_trad_map

__all__ = ["fold_for_matching"]

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_EXTRA = {0x3000: 0x20, 0x00A0: 0x20, 0xFF5F: 0x28, 0xFF60: 0x29, 0x2014: 0x2014}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], re.Pattern[str]]:
    # Stdlib ``re`` on purpose: for a plain character class it scans ~10x faster than ``regex``,
    # and this scan runs over every notice.
    codes = dict(_FULLWIDTH)
    codes.update(_EXTRA)
    codes.update({ord(t): ord(s) for t, s in load_trad_map().items()})
    table = {chr(c): chr(v) for c, v in codes.items() if c != v}
    needs = re.compile("[" + "".join(re.escape(ch) for ch in table) + "]")
    return table, needs


def fold_for_matching(text: str) -> str:
    """Return ``text`` with full-width ASCII and known traditional characters folded.

    The result has exactly ``len(text)`` characters. Most canonical notices need no folding, so a
    single C-level scan finds the few characters to replace.

    >>> fold_for_matching("（１）整改情況：已完成")
    '(1)整改情况:已完成'
    """
    table, needs = _tables()
    if needs.search(text) is None:
        return text
    return needs.sub(lambda m: table[m.group()], text)
