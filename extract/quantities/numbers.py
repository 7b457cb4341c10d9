"""Numeral parsing for the extractor: a re-export of :mod:`extract.text.numerals`.

The reader moved to the text layer so the notice parser and the extractor share one; this
module keeps the extractor's imports (``from extract.quantities.numbers import parse_number``)
working while the extractor is rewritten. New code imports :mod:`extract.text.numerals`.
"""

from __future__ import annotations

from extract.text.numerals import (
    CN_DIGITS,
    CN_NUMERAL_CHARS,
    CN_SMALL_UNITS,
    SCALES,
    NumeralError,
    is_arabic,
    parse_arabic,
    parse_chinese,
    parse_number,
    parse_range,
)

__all__ = [
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "CN_SMALL_UNITS",
    "SCALES",
    "NumeralError",
    "is_arabic",
    "parse_arabic",
    "parse_chinese",
    "parse_number",
    "parse_range",
]
