"""Canonical text: the one form of a notice that every offset in xuncha refers to.

``normalize_text`` is applied once when a notice is loaded (and again after noise stripping,
which is a no-op on already-canonical lines). Everything downstream — quantity offsets,
problem spans, highlighted source sentences in the dashboard — indexes into its output, so
it must be deterministic and idempotent.

Why not ``unicodedata.normalize("NFKC")``: it rewrites characters that carry meaning in
these notices — ``㎡`` becomes ``m2``, the enumeration comma ``、`` and curly quotes ``“ ”``
are changed — and would make surfaces differ from what was published. We only fold what is
purely presentational: full-width ASCII, exotic spaces, invisible characters, line endings,
and indentation/blank-line layout. Traditional characters are left alone on purpose.
"""

from __future__ import annotations

import re

__all__ = ["normalize_text"]

# Full-width ASCII block U+FF01..U+FF5E maps 1:1 onto U+0021..U+007E (offset 0xFEE0).
_FULLWIDTH_OFFSET = 0xFEE0

# Characters that render as a space: ideographic space, NBSP and the U+2000 block spaces.
_SPACE_CHARS = (
    "\u3000\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u202f\u205f\t"
)
# Invisible characters that web editors leave behind (zero-width, BOM, soft hyphen, bidi marks).
_INVISIBLE_CHARS = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c"
    "\u202d\u202e\u2061\u2062\u2063\u2064\u180e"
)
# Line-break characters Python's str.splitlines() honours; turning them into "\n" keeps
# "line" meaning the same thing for every consumer of the canonical text.
_LINE_BREAK_CHARS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: chr(cp - _FULLWIDTH_OFFSET) for cp in range(0xFF01, 0xFF5F)}
    table.update({ord(c): " " for c in _SPACE_CHARS})
    table.update({ord(c): None for c in _INVISIBLE_CHARS})
    table.update({ord(c): "\n" for c in _LINE_BREAK_CHARS})
    # Remaining C0/C1 control characters carry no text; drop them (keep \n, \r handled below).
    for cp in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        if cp not in table and chr(cp) not in "\n\r":
            table[cp] = None
    return table


_TRANSLATE = _build_table()
# Any character the table changes: found by one C-level scan, because ``str.translate`` with a
# dict runs at ~40 MB/s on Chinese text and most text reaching here (the second pass of
# ``strip_noise``, re-ingested notices) has nothing to translate.
_NEEDS_TRANSLATE = re.compile("[" + re.escape("".join(map(chr, sorted(_TRANSLATE)))) + "]")
# Layout the canonical form does not have: space runs, spaces at a line's ends, 3+ newlines.
_LAYOUT = re.compile(r" {2}| \n|\n |\n\n\n")
_INLINE_SPACE_RUN = re.compile(r" {2,}")
_LINE_EDGE_SPACE = re.compile(r" ?\n ?")
_BLANK_LINE_RUN = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Return the canonical form of ``text``.

    - full-width ASCII (``！``..``～``, U+FF01–FF5E) becomes half-width;
    - U+3000, NBSP and other space characters become a plain space, tabs too;
    - zero-width characters, BOMs, soft hyphens, bidi marks and control characters vanish;
    - ``\\r\\n``/``\\r`` (and other Unicode line separators) become ``\\n``;
    - each line loses its indentation and trailing spaces, inner runs of spaces collapse
      to one; runs of blank lines collapse to one; leading/trailing blank lines go.

    The result has no trailing newline. ``normalize_text(normalize_text(x)) ==
    normalize_text(x)`` for every string.

    Each step runs only when a scan finds something for it, so canonical text costs a few
    C-level scans and comes back as the same object: a caller may normalise text it is not
    sure about without paying for a second full pass. The layout step works on the whole text
    (a space next to a newline is a line's edge) rather than line by line, with the same result.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _NEEDS_TRANSLATE.search(text) is not None:
        text = text.translate(_TRANSLATE)
    if _LAYOUT.search(text) is not None:
        text = _INLINE_SPACE_RUN.sub(" ", text)
        text = _LINE_EDGE_SPACE.sub("\n", text)
        text = _BLANK_LINE_RUN.sub("\n\n", text)
    return text.strip(" ").strip("\n")
