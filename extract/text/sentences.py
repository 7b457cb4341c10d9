"""Sentence spans: the unit a quantity's ``sentence_index`` points into.

The store saves each quantity's sentence with this same function (as offsets into the notice
text), and the repetition audit compares notices sentence by sentence, so it must be
deterministic and the spans must tile the whole text (no gaps, no overlaps): a sentence ends
after a run of :data:`~extract.text.punctuation.SENTENCE_ENDS` (。！？；!?;), plus any closing
quotes or brackets right after it so a quoted sentence keeps its quote, or after a newline.
"""

from __future__ import annotations

from bisect import bisect_right

import regex

from extract.text.punctuation import CLOSING_AFTER_END, SENTENCE_ENDS, char_class

__all__ = ["sentence_index_at", "sentence_starts", "split_sentences"]

_END = regex.compile(f"{char_class(SENTENCE_ENDS)}+{char_class(CLOSING_AFTER_END)}*|\\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans that tile ``text``; ``[]`` for an empty text.

    >>> split_sentences("共17次。“好！”他说\\n完")
    [(0, 5), (5, 9), (9, 12), (12, 13)]
    >>> split_sentences("")
    []
    """
    if not isinstance(text, str):
        raise TypeError(f"split_sentences expects str, got {type(text).__name__}")
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def sentence_starts(spans: list[tuple[int, int]]) -> list[int]:
    """Start offsets, for :func:`sentence_index_at`."""
    return [s for s, _ in spans]


def sentence_index_at(starts: list[int], offset: int) -> int:
    """Index of the sentence containing ``offset`` (0 when there are no sentences).

    >>> sentence_index_at(sentence_starts(split_sentences("一。二。三")), 3)
    1
    """
    return max(bisect_right(starts, offset) - 1, 0)
