"""Checks shared by the gold set (tests/gold) and the held-out set (tests/heldout).

Both hold hand annotations in the same format; one place says what a well-formed annotated
quantity is, so the two sets cannot drift apart. The same goes for canonical metric ids
(``metric_id``, /work/shared/METRICS.md): the gold rows, the held-out rows and the composed
metric set (tests/heldout/metrics.jsonl) are checked by the same rules here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from functools import cache
from pathlib import Path
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

# Canonical metric ids (METRICS.md). Only these kinds are labelled: dates, durations and ranks
# never carry an id, and a percent carries one only when it is a stated completion rate.
METRIC_KINDS = frozenset({"count", "money", "area", "length", "volume", "mass", "percent"})
METRIC_ID = re.compile(r"^[a-z_]+\.[a-z_]+$")
COMPLETION_RATE_ID = "rect.completion_rate"
# How a percent surface is written (docs/quantity-spec.md: %, 百分之X, 个百分点; held-out: 七成).
PERCENT_SURFACE = re.compile(r"[%％]|百分之|个百分点|[一二三四五六七八九十]成")
METRICS_TOML = Path(__file__).resolve().parents[1] / "extract" / "data" / "metrics.toml"


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
        extra = set(q) - set(ev.QUANTITY_KEYS)
        assert set(ev.QUANTITY_KEYS) <= set(q) and extra <= {"metric_id"}, f"{where}: keys"
        if "metric_id" in q:
            check_metric_id(q["metric_id"], q["kind"], where)
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


def check_metric_id(metric_id: Any, kind: str | None, where: str) -> None:
    """A label is null or a well-formed id, on a labelled kind, known to the taxonomy if any.

    ``kind`` is None for rows that carry no kind (tests/heldout/metrics.jsonl); the caller
    passes "percent" for a surface that :data:`PERCENT_SURFACE` recognises. Why the taxonomy is
    optional: the ids are labelled blind while the rule writer writes extract/data/metrics.toml;
    once that file exists, a label it does not know is either a typo here or an id the taxonomy
    still lacks (tests/gold/README.md lists the proposed ones).
    """
    if kind is not None:
        assert kind in METRIC_KINDS, f"{where}: a {kind} quantity carries no metric_id"
    if metric_id is None:
        return
    assert isinstance(metric_id, str) and METRIC_ID.match(metric_id), f"{where}: {metric_id!r}"
    if kind == "percent":
        assert metric_id == COMPLETION_RATE_ID, f"{where}: a percent is only {COMPLETION_RATE_ID}"
    known = taxonomy_ids()
    if known is not None:
        assert metric_id in known, f"{where}: {metric_id!r} is not an id in {METRICS_TOML.name}"


@cache
def taxonomy_ids(path: Path = METRICS_TOML) -> frozenset[str] | None:
    """Every ``id`` in metrics.toml; None when the file is absent, does not parse or has none.

    The shape of the file belongs to the rule writer, so any table or array item with a string
    ``id`` key counts, wherever it sits.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    found: set[str] = set()
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(found) or None


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
