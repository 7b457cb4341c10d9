"""docs/quantity-spec.md: every example row extracts as the document says.

The spec is the project's statement of the extraction target; its examples are test rows here,
so a change of behaviour either updates the document (and its version) or fails. The rows are
read from the Markdown tables themselves: a row added to the document is a row tested.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract import extract_quantities

SPEC = Path(__file__).resolve().parents[1] / "docs" / "quantity-spec.md"
NONE = "—"


def _tables(text: str) -> dict[str, list[dict[str, str]]]:
    """Every Markdown table of ``text``, keyed by its header row, as a list of dict rows."""
    tables: dict[str, list[dict[str, str]]] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("| ---"):
            header = [c.strip() for c in line.strip("|").split("|")]
            rows: list[dict[str, str]] = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                assert len(cells) == len(header), f"{SPEC.name}:{i + 1}: {len(cells)} cells"
                rows.append(dict(zip(header, cells, strict=True)))
                i += 1
            tables[" | ".join(header)] = rows
            continue
        i += 1
    return tables


TEXT = SPEC.read_text(encoding="utf-8")
TABLES = _tables(TEXT)
POSITIVE = TABLES["text | surface | kind | value | value_high | unit | approx | covers"]
NEGATIVE = TABLES["text | covers"]


def _value(cell: str, kind: str) -> object:
    if cell == NONE:
        return None
    return cell if kind == "date" else float(cell)


def test_spec_is_versioned() -> None:
    """The document carries a version line, so a cited rule can be dated."""
    assert re.search(r"^Version: \d+\.\d+ \(\d{4}-\d{2}-\d{2}\)", TEXT, re.MULTILINE)


def test_spec_has_examples() -> None:
    """Both example tables were found (a broken table must not silently test nothing)."""
    assert len(POSITIVE) >= 40 and len(NEGATIVE) >= 15


@pytest.mark.parametrize("row", POSITIVE, ids=[f"{r['text']}:{r['surface']}" for r in POSITIVE])
def test_example_extracts_as_documented(row: dict[str, str]) -> None:
    text = row["text"]
    found = [q for q in extract_quantities(text) if q.surface == row["surface"]]
    assert found, f"{row['covers']}: {row['surface']!r} not extracted from {text!r}"
    q = found[0]
    assert text[q.start : q.end] == q.surface
    got = (q.kind, q.value, q.value_high, q.unit, q.approx)
    kind = row["kind"]
    want = (
        kind,
        _value(row["value"], kind),
        _value(row["value_high"], kind),
        row["unit"],
        row["approx"] == "yes",
    )
    assert got == want, row["covers"]


@pytest.mark.parametrize("row", NEGATIVE, ids=[r["text"] for r in NEGATIVE])
def test_non_quantity_extracts_nothing(row: dict[str, str]) -> None:
    got = [q.surface for q in extract_quantities(row["text"])]
    assert got == [], row["covers"]
