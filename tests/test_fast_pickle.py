"""Records that cross the process boundary pickle by their fields and come back equal.

extract/fast_pickle.py replaces Python 3.11's per-object ``__getstate__``/``__setstate__`` of
frozen slotted dataclasses with ``cls(*values)``; a field left out or misordered would come
back silently wrong, so every decorated class is round-tripped on real values here.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from extract.audit.repetition import RepeatedPassage, find_repeats
from extract.fast_pickle import pickled_by_fields
from extract.model import Quantity
from extract.quantities import extract_quantities
from extract.quantities.sentences import split_sentences

TEXT = (
    "截至2024年6月底,已整改完成40项,完成率95.2%。设立2000万元技术改造专项扶持资金。"
    "开展“第一议题”学习17次。开展“第一议题”学习17次。约3.5公顷,两个半月。"
)


def _records() -> list[object]:
    quantities = extract_quantities(TEXT, context_year=2024)
    repeats = find_repeats(TEXT, split_sentences(TEXT))
    return [*quantities, *repeats]


# (what it covers, the class, how many of its records the sample text must give)
CASES = [
    ("quantities of every kind in the sample, with None and float fields", Quantity, 5),
    ("repeated passages (the audit's restatements)", RepeatedPassage, 1),
]


@pytest.mark.parametrize(("why", "cls", "at_least"), CASES, ids=[c[0] for c in CASES])
def test_records_round_trip(why: str, cls: type, at_least: int) -> None:
    records = [r for r in _records() if type(r) is cls]
    assert len(records) >= at_least, why
    for protocol in (2, pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        again = pickle.loads(pickle.dumps(records, protocol=protocol))
        assert again == records, why
        assert [dataclasses.astuple(r) for r in again] == [
            dataclasses.astuple(r) for r in records
        ], why
    assert copy.deepcopy(records) == records, why
    reduced = records[0].__reduce__()
    assert reduced[0] is cls, why


def test_a_keyword_only_field_is_refused() -> None:
    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    with pytest.raises(TypeError, match="positional"):
        pickled_by_fields(KeywordOnly)


def test_one_field() -> None:
    @dataclasses.dataclass(frozen=True)
    class One:
        a: tuple[int, ...]

    pickled_by_fields(One)
    assert copy.copy(One((1, 2))) == One((1, 2))
