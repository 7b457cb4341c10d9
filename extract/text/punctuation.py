"""Punctuation shared by every stage: sentence and clause ends, range connectors, quotes.

The same few sets used to be spelled out in each module that needed them, and drifted (one
range grammar knew ``～``, another did not). They are named here once, each with the reason for
its members, and modules build their patterns from them. All sets are written for the *matching
copy* of the text (``extract.text.fold``): full-width ASCII is already folded to ASCII there,
while CJK punctuation (``。，；：“”``) is kept, so both spellings are listed where both occur.

>>> RANGE_LINK.fullmatch("——") is not None, RANGE_LINK.fullmatch("～") is not None
(True, True)
>>> sorted(set(FULL_STOPS) - set(SENTENCE_ENDS))
[]
"""

from __future__ import annotations

import re

__all__ = [
    "CLAUSE_BREAKS",
    "CLOSE_QUOTES",
    "CLOSING_AFTER_END",
    "FULL_STOPS",
    "OPEN_QUOTES",
    "RANGE_CONNECTORS",
    "RANGE_LINK",
    "SENTENCE_ENDS",
    "char_class",
    "range_link",
]

FULL_STOPS = "。!?！？"
"""Ends of a sentence proper. A notice's heading runs to its first full stop; a semicolon does
not end it (``一是……;二是……`` is one heading with its measures)."""

SENTENCE_ENDS = FULL_STOPS + "；;"
"""Ends of a quantity's sentence (``sentence_index``): the full stops and the semicolons, since
a notice lists its measures as one long sentence cut by ``;`` and a figure belongs to its part."""

CLAUSE_BREAKS = SENTENCE_ENDS + ",，:："
"""Where a clause may start: after any sentence end, comma or colon (list markers sit there)."""

CLOSING_AFTER_END = "”’」』）)\"'"
"""Closing quotes and brackets that stay with the sentence they close (``“好!”他说``)."""

OPEN_QUOTES = "“「『‘\"'"
CLOSE_QUOTES = "”」』’\"'"
"""Quote marks (the straight ones both open and close)."""

RANGE_CONNECTORS: tuple[str, ...] = ("至", "到", "——", "—", "–", "-", "~", "～", "－", "〜")
"""What joins the two ends of a range (``3月至5月``, ``1-5月``, ``10～20人``); the double dash
first so an alternation built from it reads ``——`` whole."""


def char_class(chars: str) -> str:
    """A regex character class matching any of ``chars`` (escaped).

    >>> char_class("。!?")
    '[。!\\\\?]'
    """
    return "[" + "".join(re.escape(ch) for ch in chars) + "]"


def range_link(connectors: tuple[str, ...] = RANGE_CONNECTORS) -> str:
    """A non-capturing regex alternation of the range connectors, longest first."""
    ordered = sorted(connectors, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(c) for c in ordered) + ")"


RANGE_LINK = re.compile(range_link())
"""One range connector (``re``; use :func:`range_link` to embed it in a larger pattern)."""
