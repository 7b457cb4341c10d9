"""A matching copy of a notice: same length as the text, so every offset is shared.

Canonical text should already have full-width ASCII folded, but the parser must also cope with
raw scrapes and traditional-character notices. Rather than write every regex twice, matching
runs on a copy made by the shared text layer (:mod:`extract.text.fold`): full-width ASCII and
Chinese punctuation to ASCII, the ideographic space to a space, traditional to simplified with
OpenCC ``t2s`` and pinyin annotations (``縣(xiàn)委``) masked. Titles and excerpts are always
sliced from the original text with the offsets found in the copy.

Kept as a module of its own so the parser's imports do not change; the hand-typed
``notice_trad.txt`` it used to read is gone.
"""

from __future__ import annotations

from extract.text.fold import NOTICE, fold

__all__ = ["fold_for_matching"]


def fold_for_matching(text: str) -> str:
    """Return the parser's matching copy of ``text`` (exactly ``len(text)`` characters).

    Most canonical notices need no folding: two C-level scans find nothing to replace.

    >>> fold_for_matching("（１）整改情況：已完成")
    '(1)整改情况:已完成'
    """
    return fold(text, NOTICE)
