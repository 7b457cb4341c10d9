"""The composed held-out metric set (tests/heldout/metrics.jsonl) and the metric labels.

Why: canonical metric ids (METRICS.md beside the repository) are measured on sentences the
rule writer never saw. The rows were composed and labelled blind, in the style of
巡视/巡察整改进展情况通报, and must not quote the real corpus: a shared 12-character run would
make them a disguised copy of the notices the rules are tuned on. See
tests/heldout/METRICS_README.md. These tests check the set's integrity and promised breadth,
and that the gold and held-out quantity sets label every quantity of the labelled kinds.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.annotation_checks import (
    EDGE_SPACE,
    METRIC_KINDS,
    NUMERAL,
    PERCENT_SURFACE,
    SENTENCE_DELIMITERS,
    check_metric_id,
)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
METRIC_SET = TESTS / "heldout" / "metrics.jsonl"
METRICS_MD = REPO.parent / "shared" / "METRICS.md"
SHARED_RUN = 12  # characters; a longer run shared with the corpus counts as copied
MIN_LABELLED = 250
MIN_PER_ID = 2
MIN_NEGATIVES = 60
ROW_KEYS = {"id", "text", "covers", "metrics"}
LABEL_KEYS = {"surface", "start", "end", "metric_id"}
TABLE_ID = re.compile(r"^\| ([a-z_]+\.[a-z_]+) \|", re.MULTILINE)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


ROWS = _jsonl(METRIC_SET)
LABELS = [m for r in ROWS for m in r["metrics"]]


@pytest.fixture(scope="module")
def metrics_md_ids() -> set[str]:
    """The ids of METRICS.md's table, plus rect.completion_rate named below it."""
    if not METRICS_MD.is_file():
        pytest.fail(f"METRICS.md not found at {METRICS_MD} (expected ../shared/METRICS.md)")
    text = METRICS_MD.read_text(encoding="utf-8")
    ids = set(TABLE_ID.findall(text))
    assert ids, f"no ids found in the table of {METRICS_MD}"
    if "`rect.completion_rate`" in text:
        ids.add("rect.completion_rate")
    return ids


# ---------------------------------------------------------------- row integrity


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_is_one_sentence_with_aligned_labels(row: dict[str, Any]) -> None:
    """Keys, id shape, one trimmed sentence; every surface is its slice, in order, no overlap."""
    assert set(row) == ROW_KEYS, row["id"]
    assert re.fullmatch(r"m-\d{3}", row["id"]), row["id"]
    assert isinstance(row["covers"], str) and row["covers"].strip(), "every row says what it tests"
    text = row["text"]
    assert isinstance(text, str) and text, row["id"]
    assert not any(d in text for d in SENTENCE_DELIMITERS), f"{row['id']}: one sentence per row"
    assert text[0] not in EDGE_SPACE and text[-1] not in EDGE_SPACE, row["id"]
    assert row["metrics"], f"{row['id']}: a row labels at least one quantity"
    previous_end = 0
    for m in row["metrics"]:
        where = f"{row['id']} {m.get('surface')!r}"
        assert set(m) == LABEL_KEYS, where
        assert isinstance(m["start"], int) and isinstance(m["end"], int), where
        assert text[m["start"] : m["end"]] == m["surface"], f"{where}: offsets do not match"
        assert m["start"] >= previous_end, f"{where}: overlaps or is out of order"
        previous_end = m["end"]
        assert NUMERAL.search(m["surface"]), f"{where}: no numeral in the surface"
        kind = "percent" if PERCENT_SURFACE.search(m["surface"]) else None
        check_metric_id(m["metric_id"], kind, where)


def test_ids_and_sentences_are_unique() -> None:
    """One row per sentence, ids never reused."""
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len({r["text"] for r in ROWS}) == len(ROWS)


# ---------------------------------------------------------------- breadth


def test_set_is_big_enough_with_hard_negatives() -> None:
    """The promised size: labelled quantities and quantities a careful reader gives no id."""
    assert len(LABELS) >= MIN_LABELLED, len(LABELS)
    negatives = sum(1 for m in LABELS if m["metric_id"] is None)
    assert negatives >= MIN_NEGATIVES, negatives


def test_every_metrics_md_id_appears_often_enough(metrics_md_ids: set[str]) -> None:
    """Every id of METRICS.md is labelled at least twice, so each rule is tested in two wordings."""
    counts = Counter(m["metric_id"] for m in LABELS if m["metric_id"])
    thin = {i: counts[i] for i in sorted(metrics_md_ids) if counts[i] < MIN_PER_ID}
    assert not thin, f"ids labelled fewer than {MIN_PER_ID} times: {thin}"


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (r"其中", "其中 parts"),
        (r"累计|共|今年以来|截至目前|已", "qualifiers that are not part of the metric"),
        (r"人次", "人次 beside 人"),
        (r"万元", "money in 万元"),
        (r"亿元", "money in 亿元"),
        (r"余|多|约|超|以上|不少于", "approximation words"),
    ],
)
def test_texts_cover_the_wordings_asked_for(pattern: str, what: str) -> None:
    """The set varies its wording the way real notices do."""
    assert any(re.search(pattern, r["text"]) for r in ROWS if r["metrics"]), what


# ---------------------------------------------------------------- not copied from the corpus


def test_no_run_shared_with_the_corpus(corpus_files: list[Path]) -> None:
    """No 12-character run of any composed sentence occurs in a corpus notice."""
    texts = [p.read_text(encoding="utf-8") for p in corpus_files]
    grams = {t[i : i + SHARED_RUN] for t in texts for i in range(len(t) - SHARED_RUN + 1)}
    shared = [
        (r["id"], r["text"][i : i + SHARED_RUN])
        for r in ROWS
        for i in range(len(r["text"]) - SHARED_RUN + 1)
        if r["text"][i : i + SHARED_RUN] in grams
    ]
    assert not shared, f"runs shared with the corpus (reword them): {shared[:5]}"


# ---------------------------------------------------------------- labels are complete


@pytest.mark.parametrize(
    "path",
    [*sorted((TESTS / "gold").glob("*.jsonl")), TESTS / "heldout" / "sentences.jsonl"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_quantity_sets_label_every_labelled_kind(path: Path) -> None:
    """Every count/money/area/length/volume/mass/percent quantity carries ``metric_id``.

    Why: an absent key would read as "not labelled" and silently drop the quantity from the
    metric scores; ``null`` is the explicit "a careful reader gives none".
    """
    unlabelled = [
        (row["id"], q["surface"])
        for row in _jsonl(path)
        for q in row["quantities"]
        if q["kind"] in METRIC_KINDS and "metric_id" not in q
    ]
    assert not unlabelled, f"{path.name}: quantities without metric_id: {unlabelled[:5]}"
