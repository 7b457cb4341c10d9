"""Quantity extraction: find every amount, count, money, area … and date in a notice.

Public entry points: :func:`extract.quantities.extractor.extract_quantities` and
:func:`extract.quantities.sentences.split_sentences`. The rules are stated in
``docs/quantity-spec.md`` (the project's own words for the shared spec); the word lists and the
unit lexicon live in ``extract/data/`` so that they can be extended without touching code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from extract.model import Quantity

__all__ = ["extract_quantities", "split_sentences"]


def extract_quantities(text: str, *, context_year: int | None = None) -> list[Quantity]:
    """Forward to :func:`extract.quantities.extractor.extract_quantities` (lazy import)."""
    from extract.quantities.extractor import extract_quantities as _impl

    return _impl(text, context_year=context_year)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Forward to :func:`extract.quantities.sentences.split_sentences`."""
    from extract.quantities.sentences import split_sentences as _impl

    return _impl(text)
