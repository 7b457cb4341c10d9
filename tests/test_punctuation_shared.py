"""One set of punctuation and range connectors (extract/text/punctuation.py), used everywhere.

Rows are fictional sentences in the notices' style; each cites the connector it covers. The
module checks guard against a stage growing its own copy of a set again.
"""

from __future__ import annotations

import pytest

from extract import extract_quantities
from extract.text import punctuation

RANGE_CASES = [
    # (text, surface, low, high, what it covers)
    ("培训人数10——20人", "10——20人", 10.0, 20.0, "a double dash (——) joins a range"),
    ("安排资金10～20万元", "10～20万元", 100000.0, 200000.0, "a full-width tilde joins a range"),
    ("覆盖30-50户", "30-50户", 30.0, 50.0, "an ASCII hyphen"),
    ("组织5至8次", "5至8次", 5.0, 8.0, "至"),
]


@pytest.mark.parametrize(("text", "surface", "low", "high", "why"), RANGE_CASES)
def test_range_connectors(text: str, surface: str, low: float, high: float, why: str) -> None:
    got = [(q.surface, q.value, q.value_high) for q in extract_quantities(text)]
    assert got == [(surface, low, high)], why


def test_stages_share_the_sets() -> None:
    from extract.quantities import exclusions, extractor, metric_id

    assert frozenset(punctuation.OPEN_QUOTES) == exclusions.OPEN_QUOTES
    assert frozenset(punctuation.CLOSE_QUOTES) == exclusions.CLOSE_QUOTES
    assert frozenset(punctuation.RANGE_CONNECTORS) == extractor._DATE_LINKS
    assert set(metric_id._HARD) == set(punctuation.CLAUSE_BREAKS) | {"\n", "\r"}
