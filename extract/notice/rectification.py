"""What each node says was done: its ``整改情况`` block(s), or its body when not separated.

Also reads a problem's status from the short closing (or opening) sentence of that text
(``目前已整改完成。``) when no explicit mark was found; long sentences are never used, since
measures routinely say things like ``任务已全部完成`` about something narrower than the problem.
"""

from __future__ import annotations

import re

from extract.notice.lexicon import lexicon
from extract.notice.tree import Node
from extract.text.punctuation import SENTENCE_ENDS, char_class

__all__ = ["rectification_segments", "rectification_text", "status_from_text"]

_SPACES = re.compile(r"[ \t\r]*\n[ \t\r\n]*")
# A sentence of the matching copy (punctuation folded to ASCII): up to and with its end.
_SENTENCES = re.compile(f"[^{SENTENCE_ENDS}]+{char_class(SENTENCE_ENDS)}?")
# A status sentence is the status phrase plus a few filler characters ("目前已整改完成。",
# "该问题已整改完成"); anything longer is about something narrower than the whole problem.
_MAX_FILLER_CHARS = 5
_DIGIT = re.compile(r"\d")


def _cut(node: Node) -> int:
    """Where the node's own text stops: its first child that is a problem in its own right."""
    for child in node.children:
        if child.is_problem and not child.inline:
            return child.start
    return node.end


def rectification_segments(node: Node) -> list[tuple[int, int]]:
    """Spans of rectification text belonging to ``node`` (children that are measures included)."""
    cut = _cut(node)
    if node.rect_cell is not None:
        return [node.rect_cell]
    if node.rect_labels:
        spans = []
        for i, (_, text_start) in enumerate(node.rect_labels):
            stop = node.rect_labels[i + 1][0] if i + 1 < len(node.rect_labels) else cut
            stop = min(stop, cut)
            if text_start < stop:
                spans.append((text_start, stop))
        return spans
    start = max(node.title_end, node.status_mark_end)
    return [(start, cut)] if start < cut else []


def rectification_text(text: str, spans: list[tuple[int, int]]) -> str:
    """The spans' text, lines joined with newlines and stripped of leftover sentence ends."""
    parts = []
    for s, e in spans:
        part = text[s:e]
        if "\n" in part:
            part = _SPACES.sub("\n", part)
        part = part.strip().lstrip("。.;:,!? \n")
        if part:
            parts.append(part)
    return "\n".join(parts)


def status_from_text(folded: str, spans: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """``(status, start, end)`` from a first or last sentence that is just a status.

    >>> from extract.notice.fold import fold_for_matching as f
    >>> t = "制定了制度。目前已整改完成。"; status_from_text(f(t), [(0, len(t))])[0]
    'completed'
    >>> t = "制定了制度。截至目前,4个行政村已全部整改完成。"; status_from_text(f(t), [(0, len(t))])
    """
    if not spans:
        return None
    candidates = []
    s, e = spans[0]
    first = _SENTENCES.match(folded, s, e)
    if first is not None:
        candidates.append((first.start(), first.end()))
    s, e = spans[-1]
    tail = folded[s:e].rstrip(" \t\r\n")
    stop = s + len(tail)
    end = stop - 1
    head = max(
        folded.rfind("。", s, end),
        folded.rfind(";", s, end),
        folded.rfind("!", s, end),
        folded.rfind("?", s, end),
    )
    candidates.append((head + 1 if head >= s else s, stop))
    lx = lexicon()
    status_re = lx.free_status
    for cs, ce in candidates:
        sentence = folded[cs:ce].strip(" \t\r\n。!?;,")
        if not sentence or _DIGIT.search(sentence):
            continue
        m = status_re.search(folded, cs, ce)
        if m is not None and len(sentence) - len(m.group()) <= _MAX_FILLER_CHARS:
            return lx.status_of[m.group()], m.start(), m.end()
    return None
