"""v_metric_values and v_unit_metrics: the one definition of a notice's figure per metric.

Table-driven over rows written straight into a fresh store, so each aggregate rule is checked
on exactly the statements it meets; plus the corpus notice whose 附件 repeats its body.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from extract.ingest import ingest_paths
from extract.quantities.taxonomy import metrics
from extract.store import create_database, open_readonly

# (quantity_id, metric_id, kind, unit, value, restates) for one notice "n1"
ROWS = [
    (1, "study.first_topic", "count", "次", 17.0, None),  # body
    (2, "study.first_topic", "count", "次", 5.0, None),  # another distinct statement: added
    (3, "study.first_topic", "count", "次", 17.0, 1),  # the 附件 restating #1: not added again
    (4, "discipline.punished", "count", "人", 5.0, None),
    (5, "discipline.punished", "count", "人次", 7.0, None),  # other unit: its own row
    (6, "rect.problems_total", "count", "个", 31.0, None),  # headline: the first statement
    (7, "rect.problems_total", "count", "个", 33.0, None),  # a disagreeing restatement
    (8, "rect.completion_rate", "percent", "%", 95.2, None),  # none: never added
    (9, "rect.completion_rate", "percent", "%", 95.2, None),
    (10, "economy.output", "money", "元", 2.6e9, None),  # none, two different figures
    (11, "economy.output", "money", "元", 1.1e9, None),
]

CASES = [
    # (covers, metric_id, unit, value, statements, distinct, disagree)
    ("sum counts a restated figure once", "study.first_topic", "次", 22.0, 3, 2, False),
    ("人 and 人次 are two figures: 人", "discipline.punished", "人", 5.0, 1, 1, False),
    ("人 and 人次 are two figures: 人次", "discipline.punished", "人次", 7.0, 1, 1, False),
    ("headline is the first statement", "rect.problems_total", "个", 31.0, 2, 2, True),
    ("a rate is never added", "rect.completion_rate", "%", 95.2, 2, 2, False),
    (
        "a none metric stated twice differently has no value",
        "economy.output",
        "元",
        None,
        2,
        2,
        True,
    ),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("views") / "x.duckdb"
    create_database(db)
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "INSERT INTO notices (notice_id, source_path, source_format, encoding, file_sha256,"
            " text, char_count, ingested_at, extractor_version, inspected_unit)"
            " VALUES ('n1', 'n1.txt', 'txt', 'utf-8', 'x', ?, 40, ?, 'test', '云岭开发区')",
            ["虚构示例" * 10, datetime(2026, 12, 1)],
        )
        for qid, metric_id, kind, unit, value, restates in ROWS:
            con.execute(
                "INSERT INTO quantities (notice_id, quantity_id, sentence_index, sentence_start,"
                " sentence_end, start_offset, end_offset, surface, kind, value, unit, approx,"
                " qualifier, year_inferred, metric, metric_id, metric_rule, taxonomy_version,"
                " restates_quantity_id) VALUES ('n1', ?, 0, 0, 4, 0, 2, '虚构', ?, ?, ?, false,"
                " 'accurate', false, '', ?, 'test', 'test', ?)",
                [qid, kind, value, unit, metric_id, restates],
            )
    finally:
        con.close()
    return db


@pytest.mark.parametrize(
    ("covers", "metric_id", "unit", "value", "statements", "distinct", "disagree"), CASES
)
def test_metric_values_follow_the_aggregate_rule(
    store: Path,
    covers: str,
    metric_id: str,
    unit: str,
    value: float | None,
    statements: int,
    distinct: int,
    disagree: bool,
) -> None:
    con = open_readonly(store)
    try:
        row = con.execute(
            "SELECT value, statements, distinct_statements, values_disagree FROM v_metric_values"
            " WHERE metric_id = ? AND unit = ?",
            [metric_id, unit],
        ).fetchone()
    finally:
        con.close()
    assert row is not None, covers
    got_value, got_statements, got_distinct, got_disagree = row
    assert (got_value is None) == (value is None), covers
    if value is not None:
        assert got_value == pytest.approx(value), covers
    assert (got_statements, got_distinct, got_disagree) == (statements, distinct, disagree), covers


def test_metric_values_one_row_per_metric_and_unit(store: Path) -> None:
    con = open_readonly(store)
    try:
        keys = con.execute("SELECT metric_id, unit FROM v_metric_values").fetchall()
        ids = con.execute(
            "SELECT quantity_ids FROM v_metric_values WHERE metric_id = 'study.first_topic'"
        ).fetchone()
    finally:
        con.close()
    assert len(keys) == len(set(keys)) == len(CASES)
    assert ids == ([1, 2, 3],)


def test_unit_metrics_has_a_column_per_headline_metric(store: Path) -> None:
    """The wide view lists headline metrics by hand; this keeps it in step with the taxonomy."""
    con = open_readonly(store)
    try:
        columns = {r[0] for r in con.execute("DESCRIBE v_unit_metrics").fetchall()}
        row = con.execute(
            "SELECT rect_problems_total, rect_completion_rate FROM v_unit_metrics"
        ).fetchone()
    finally:
        con.close()
    headline = {m.id.replace(".", "_") for m in metrics() if m.aggregate == "headline"}
    assert headline <= columns, headline - columns
    assert row == (31.0, 95.2)


def test_corpus_restated_figures_count_once(tmp_path: Path, corpus_dir: Path) -> None:
    """The notice whose 附件 repeats its body: each figure of the copy is counted once."""
    db = tmp_path / "x.duckdb"
    assert ingest_paths([corpus_dir], db).failed == 0
    con = open_readonly(db)
    try:
        restated = con.execute(
            "SELECT q.notice_id, q.metric_id, q.unit, q.value, s.value, s.metric_id, s.unit"
            " FROM quantities q JOIN quantities s"
            " ON s.notice_id = q.notice_id AND s.quantity_id = q.restates_quantity_id"
        ).fetchall()
        sums = con.execute(
            "SELECT notice_id, metric_id, unit, value, distinct_statements, restated_statements"
            " FROM v_metric_values WHERE aggregate = 'sum' AND restated_statements > 0"
        ).fetchall()
        raw = {
            (n, m, u): v
            for n, m, u, v in con.execute(
                "SELECT notice_id, metric_id, unit, sum(value) FROM quantities"
                " WHERE metric_id IS NOT NULL AND restates_quantity_id IS NULL GROUP BY ALL"
            ).fetchall()
        }
    finally:
        con.close()
    assert len(restated) >= 10  # the 附件 copies a block of figures
    # a restatement is the same figure: same value, metric and unit as what it restates
    assert all(r[3] == r[4] and r[1] == r[5] and r[2] == r[6] for r in restated)
    assert sums, "the restated figures of the 附件 belong to additive metrics"
    for notice_id, metric_id, unit, value, _distinct, _restated in sums:
        assert value == pytest.approx(raw[(notice_id, metric_id, unit)])
