"""Show a quantity inside its sentence: escaped text with the number wrapped in ``<mark>``.

Offsets come from the store (``start_offset - sentence_start``). When they do not fit the
sentence (an older or foreign database), the surface is searched for instead, so the user still
sees where the number is, never a wrong highlight.
"""

from __future__ import annotations

import html


def locate(sentence: str, surface: str, start: int | None) -> tuple[int, int] | None:
    """The (start, end) of ``surface`` in ``sentence``, trusting ``start`` only when it matches.

    >>> locate("共整改17次。", "17次", 3)
    (3, 6)
    >>> locate("共整改17次。", "17次", 9)
    (3, 6)
    """
    if not surface:
        return None
    if start is not None and start >= 0 and sentence[start : start + len(surface)] == surface:
        return start, start + len(surface)
    found = sentence.find(surface)
    if found < 0:
        return None
    return found, found + len(surface)


def highlight_html(sentence: str, surface: str, start: int | None) -> str:
    """HTML of ``sentence`` with ``surface`` marked; every character of the text is escaped.

    >>> highlight_html("<b>共17次</b>", "17次", 4)
    '&lt;b&gt;共<mark>17次</mark>&lt;/b&gt;'
    """
    span = locate(sentence, surface, start)
    if span is None:
        return html.escape(sentence)
    a, b = span
    return (
        html.escape(sentence[:a])
        + "<mark>"
        + html.escape(sentence[a:b])
        + "</mark>"
        + html.escape(sentence[b:])
    )
