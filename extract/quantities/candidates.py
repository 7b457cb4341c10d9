"""The records the extractor passes between its steps: a reading of one match, and a candidate.

Why records and not tuples: the extractor used to carry 9-tuples (``row[5]`` was the unit,
``row[8]`` the qualifier) and a dozen loose locals per match; a rule in ``rules.py`` now reads
``reading.after`` or ``reading.unit`` by name, and a new field cannot shift the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from extract.quantities.units import Unit

__all__ = ["Candidate", "Reading", "merge_unit_ranges"]


@dataclass(slots=True)
class Candidate:
    """A quantity found in the matching copy (offsets into the copy; mapped back at the end)."""

    start: int
    end: int
    kind: str
    value: float | str
    value_high: float | str | None
    unit: str
    approx: bool = False
    year_inferred: bool = False
    qualifier: str = "accurate"


@dataclass(slots=True)
class Reading:
    """What one grammar match says, refined step by step until it is emitted or rejected.

    ``end``/``after``/``post`` change when a trailing 多/余 is not an approximation of this
    unit; ``unit``/``implied_unit`` are set when the unit is resolved (a measure word from
    ``units.tsv``, or the measure word a following noun implies: 139行政村 → 个).
    """

    match: re.Match[str]
    folded: str
    start: int
    end: int
    n1: str
    arabic: bool
    before: str
    after: str
    unit_text: str | None
    post: str | None
    rsep: str | None
    pct: bool
    unit: Unit | None = None
    implied_unit: str | None = None
    noun_end: int = -1  # end of the noun that implies the unit (-1: none)
    absorbed: bool = False  # the noun starts with the measure word (两部门: 部 is not the unit)
    context: tuple[str, ...] | None = None  # words one of which must precede the number
    in_context: bool = False  # ... and one does (省市两级)
    low: Decimal = Decimal(0)  # the value read (before the unit's factor)
    high: Decimal | None = None  # the upper end (a range, or a 两三 reading)
    second: Decimal | tuple[Decimal, Decimal] | None = None  # the range's second end as written


_RANGE_CONNECTORS = frozenset({"-", "~", "—", "–", "至", "到", "——"})


def merge_unit_ranges(folded: str, rows: list[Candidate]) -> list[Candidate]:
    """``10%-20%`` / ``2万元至5万元``: both ends carry the unit, one quantity with value_high."""
    merged: list[Candidate] = []
    for row in rows:
        if merged:
            prev = merged[-1]
            if (
                prev.kind == row.kind != "date"
                and prev.unit == row.unit
                and prev.value_high is None
                and row.value_high is None
                and folded[prev.end : row.start] in _RANGE_CONNECTORS
                and isinstance(prev.value, float)
                and isinstance(row.value, float)
                and row.value > prev.value
            ):
                merged[-1] = Candidate(
                    prev.start,
                    row.end,
                    prev.kind,
                    prev.value,
                    row.value,
                    prev.unit,
                    prev.approx or row.approx,
                    False,
                    prev.qualifier if prev.qualifier != "accurate" else row.qualifier,
                )
                continue
        merged.append(row)
    return merged
