"""The metric-id assigner gives the same ids with the shared trigger regex and with a unit's own.

``extract/quantities/metric_id.py`` scans a clause with one regex over every unit's triggers
until a unit has been assigned ``_OWN_REGEX_AFTER`` times, then with the unit's own regex (the
per-unit regexes cost 25-35 ms to compile at start-up). The two scans must find the same hits,
so these tests pin each mode and compare them on the sentences of tests/test_metric_ids.py and
on random clauses built from the taxonomy's own words.
"""

from __future__ import annotations

import random

import pytest

from extract import extract_quantities
from extract.quantities import metric_id
from extract.quantities.metric_id import MetricAssigner
from extract.quantities.taxonomy import taxonomy
from tests.test_metric_ids import CASES

SHARED = MetricAssigner(own_regex_after=10**9)  # never compiles a unit's own regex
OWN = MetricAssigner(own_regex_after=0)  # compiles it on the first assignment


def _rows(text: str) -> list[tuple[int, int, str, str, str]]:
    return [(q.start, q.end, q.kind, q.unit, q.metric or "") for q in extract_quantities(text)]


@pytest.mark.parametrize(("sentence", "covers"), [(c[0], c[3]) for c in CASES])
def test_both_scans_agree_on_the_metric_sentences(sentence: str, covers: str) -> None:
    rows = _rows(sentence)
    assert SHARED.assign_all(sentence, rows) == OWN.assign_all(sentence, rows)


def test_both_scans_agree_on_random_clauses() -> None:
    """Clauses of trigger, exclusion, also and context words around figures of every unit."""
    tax = taxonomy()
    units = [*sorted({u for m in tax.metrics for u in m.units}), "米"]
    words = sorted(
        {w for r in tax.rules() for w in (*r.before, *r.after, *r.also, *r.exclude)}
        | set(tax.part_of_words)
        | set(tax.never_words)
        | set(tax.list_item_not)
    )
    filler = [*"的了和在是对与及已共、，。；：", "其中", "累计", "12"]
    kinds = ["count", "money", "area", "percent", "date", "length"]
    rng = random.Random(12)
    with_id = 0
    for _ in range(3000):
        parts: list[str] = []
        rows: list[tuple[int, int, str, str, str]] = []
        for _ in range(rng.randint(1, 4)):
            for _ in range(rng.randint(0, 4)):
                word = rng.choice(words)
                parts.append(rng.choice([word, word[1:], rng.choice(filler)]))
            start = sum(map(len, parts))
            figure = f"{rng.randint(1, 999)}{rng.choice(units)}"
            parts.append(figure)
            unit = figure.lstrip("0123456789")
            rows.append((start, start + len(figure), rng.choice(kinds), unit, ""))
            parts += rng.sample(words, rng.randint(0, 2))
        text = "".join(parts)
        got = SHARED.assign_all(text, rows)
        assert got == OWN.assign_all(text, rows), text
        with_id += sum(1 for mid, _ in got if mid)
    assert with_id > 300  # the clauses do reach the rules


def test_a_busy_unit_switches_to_its_own_regex() -> None:
    a = MetricAssigner(own_regex_after=3)
    text = "已整改完成25项"
    for _ in range(5):
        assert a.assign(text, 5, 8, "count", "项")[0] == "rect.problems_completed"
    index = a._c.by_unit["项"]
    assert index.own and index.before_re is not None
    assert metric_id._OWN_REGEX_AFTER > 100  # a first notice stays on the shared regex
