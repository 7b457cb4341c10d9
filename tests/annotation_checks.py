"""Checks shared by the gold set (tests/gold) and the held-out set (tests/heldout).

Both hold hand annotations in the same format; one place says what a well-formed annotated
quantity is, so the two sets cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pytest

from extract import evaluate as ev
from extract.model import KINDS

SENTENCE_DELIMITERS = "。！？；!?;\n"
EDGE_SPACE = " \u3000\xa0\t\r"
NUMERAL = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿半壹贰叁肆伍陆柒捌玖拾兩萬億]")
DATE_FORMS = {  # unit -> ISO-like value shape (XXXX = year not written)
    "日": re.compile(r"^(\d{4}|XXXX)-(0[1-9]|1[0-2]|XX)-(0[1-9]|[12]\d|3[01])$"),
    "月": re.compile(r"^(\d{4}|XXXX)-(0[1-9]|1[0-2])$"),
    "年": re.compile(r"^\d{4}$"),
    "季度": re.compile(r"^(\d{4}|XXXX)-(0[1-9]|1[0-2])$"),
}


def check_annotations(
    row_id: str,
    sentence: str,
    quantities: Sequence[dict[str, Any]],
    units: Mapping[str, Collection[str]],
    approx_words: Collection[str],
) -> None:
    """Surfaces equal their slices, in order without overlap; kinds, units and values valid."""
    previous_end = 0
    for q in quantities:
        where = f"{row_id} {q['surface']!r}"
        assert set(q) == set(ev.QUANTITY_KEYS), where
        assert isinstance(q["start"], int) and isinstance(q["end"], int), where
        assert sentence[q["start"] : q["end"]] == q["surface"], where
        assert q["start"] >= previous_end, f"{where}: overlaps or is out of order"
        previous_end = q["end"]
        assert NUMERAL.search(q["surface"]), f"{where}: no numeral in the surface"
        assert q["kind"] in KINDS, where
        assert q["unit"] in units[q["kind"]], f"{where}: unit {q['unit']!r} not allowed"
        assert isinstance(q["approx"], bool), where
        if q["approx"]:
            assert any(w in q["surface"] for w in approx_words), f"{where}: approx without a word"
        if q["kind"] == "date":
            _check_date(q, where)
        else:
            _check_number(q, where)


def _check_date(q: dict[str, Any], where: str) -> None:
    form = DATE_FORMS[q["unit"]]
    assert isinstance(q["value"], str) and form.match(q["value"]), f"{where}: {q['value']!r}"
    if q["unit"] == "季度":
        assert q["value_high"] is not None, f"{where}: a quarter is a month range"
    if q["value_high"] is not None:
        assert isinstance(q["value_high"], str) and form.match(q["value_high"]), where
        assert q["value_high"] > q["value"], f"{where}: range must increase"


def _check_number(q: dict[str, Any], where: str) -> None:
    for key in ("value", "value_high"):
        v = q[key]
        if key == "value_high" and v is None:
            continue
        assert isinstance(v, int | float) and not isinstance(v, bool), f"{where}: {key}={v!r}"
        assert v > 0, f"{where}: {key} must be positive"
    if q["value_high"] is not None:
        assert q["value_high"] > q["value"], f"{where}: range must increase"


def assert_f1_floor(
    report: ev.EvalReport | Exception, floor: float, kind: str | None = None
) -> None:
    """Exact-match F1 (overall, or for ``kind``) is at least ``floor``.

    ``report`` is what a module fixture got from ``ev.evaluate``: an exception there (no
    extractor, bad gold) makes the floor tests FAIL, never skip. The overall check also
    refuses an extractor that raised on any sentence.
    """
    if isinstance(report, Exception):
        pytest.fail(f"cannot score the extractor: {report}")
    if kind is None:
        crashes = [e for e in report.errors if e.category == "crash"]
        assert not crashes, f"extractor raised on {len(crashes)} sentences, e.g. {crashes[0]}"
    f1 = report.f1(kind)
    label = f"{kind}: " if kind else ""
    assert f1 >= floor, f"{label}exact F1 {f1:.3f} < {floor}\n" + ev.format_table(report)
