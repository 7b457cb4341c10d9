"""Show a quantity inside its sentence: escaped text with the number wrapped in ``<mark>``.

Offsets come from the store (``start_offset - sentence_start``). When they do not fit the
sentence (an older or foreign database), the surface is searched for instead, so the user still
sees where the number is, never a wrong highlight.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass


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


# ------------------------------------------------------------------ a whole notice (原文 page)


@dataclass(frozen=True)
class Mark:
    """A figure to highlight in a notice: offsets into its text, the link a click follows and
    the hover text (value, unit, metric)."""

    qid: int
    start: int
    end: int
    href: str
    tip: str


@dataclass(frozen=True)
class Passage:
    """A marked passage: ``css`` names how it is drawn (a restatement, a shared passage …);
    ``note`` is its hover text and ``href`` (optional) a link to the other notice."""

    start: int
    end: int
    css: str
    note: str
    href: str = ""


def notice_html(
    text: str,
    marks: Sequence[Mark],
    passages: Sequence[Passage] = (),
    *,
    selected: int | None = None,
) -> str:
    """The whole notice as one escaped HTML block: every figure a link (``<a class="q">``, the
    ``selected`` one also ``q-sel``), every passage a ``<span>`` behind it, line breaks kept.

    One string built here rather than a widget per number: a notice with thousands of figures
    stays one element in the browser. Marks that overlap an earlier mark, or fall outside the
    text (a foreign store), are skipped rather than drawn wrongly; a passage that a figure
    straddles is cut around it, so tags always nest.

    >>> notice_html("共<17>次", [Mark(1, 2, 4, "?qid=1", "17")])
    '共&lt;<a class="q" id="q1" href="?qid=1" target="_self" title="17">17</a>&gt;次'
    """
    size = len(text)
    kept: list[Mark] = []
    end_of_last = 0
    for m in sorted(marks, key=lambda m: (m.start, m.end)):
        if 0 <= m.start < m.end <= size and m.start >= end_of_last:
            kept.append(m)
            end_of_last = m.end
    spans = sorted(
        (p for p in passages if 0 <= p.start < p.end <= size), key=lambda p: (p.start, -p.end)
    )
    # Cut points: every mark and passage boundary; between two cuts nothing changes.
    cuts = sorted(
        {0, size, *(m.start for m in kept), *(m.end for m in kept)}
        | {x for p in spans for x in (p.start, p.end)}
    )
    mark_at = {m.start: m for m in kept}
    out: list[str] = []
    open_mark: Mark | None = None
    for a, b in itertools.pairwise(cuts):
        if open_mark is None and a in mark_at:
            open_mark = mark_at[a]
        piece = html.escape(text[a:b]).replace("\n", "<br>")
        covering = next((p for p in spans if p.start <= a and b <= p.end), None)
        if open_mark is not None:
            css = "q q-sel" if open_mark.qid == selected else "q"
            first = a == open_mark.start
            ident = f' id="q{open_mark.qid}"' if first else ""
            piece = (
                f'<a class="{css}"{ident} href="{html.escape(open_mark.href)}" target="_self" '
                f'title="{html.escape(open_mark.tip)}">{piece}</a>'
            )
            if b >= open_mark.end:
                open_mark = None
        if covering is not None:
            link = (
                f' <a class="p-link" href="{html.escape(covering.href)}" target="_self">↗</a>'
                if covering.href and b == covering.end
                else ""
            )
            piece = (
                f'<span class="{html.escape(covering.css)}" '
                f'title="{html.escape(covering.note)}">{piece}</span>{link}'
            )
        out.append(piece)
    return "".join(out)
