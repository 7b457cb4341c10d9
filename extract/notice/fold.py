"""A matching copy of a notice: same length as the text, so every offset is shared.

Canonical text should already have full-width ASCII folded, but the parser must also cope with
raw scrapes and traditional-character notices. Rather than write every regex twice, matching
runs on a copy where full-width ASCII, the ideographic space and the traditional characters in
``notice_trad.txt`` are replaced one character for one character. Titles and excerpts are always
sliced from the original text with the offsets found in the copy.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from extract.notice.lexicon import load_trad_map

__all__ = ["fold_for_matching"]

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_EXTRA = {0x3000: 0x20, 0x00A0: 0x20, 0xFF5F: 0x28, 0xFF60: 0x29, 0x2014: 0x2014}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, int], regex.Pattern[str]]:
    table = dict(_FULLWIDTH)
    table.update(_EXTRA)
    table.update({ord(t): ord(s) for t, s in load_trad_map().items()})
    needs = regex.compile("[" + "".join(regex.escape(chr(c)) for c in table if chr(c) != chr(table[c]))
                          + "]")
    return table, needs


def fold_for_matching(text: str) -> str:
    """Return ``text`` with full-width ASCII and known traditional characters folded.

    The result has exactly ``len(text)`` characters. Most canonical notices need no folding, so a
    single C-level search decides whether the (slower) ``str.translate`` runs at all.

    >>> fold_for_matching("（１）整改情況：已完成")
    '(1)整改情况:已完成'
    """
    table, needs = _tables()
    if needs.search(text) is None:
        return text
    return text.translate(table)
