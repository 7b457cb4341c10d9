"""The schema is written once: model field names are the store's column names (issue #10 item 4).

Each model dataclass of ``extract/model.py`` (and the repeated-text record) must name the
columns of its table, as a fresh store built from ``sql/migrations/`` reports them in
``information_schema``. The deliberate differences are the rows of :data:`DIFFERENCES`, each
with its reason; anything else that differs is a schema written twice and drifting.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from extract.audit.repetition import RepeatedPassage
from extract.model import Anomaly, Completion, NoticeMeta, Problem, Quantity
from extract.pipeline import analyse
from extract.reading import load_notice
from extract.store import open_readonly
from extract.store.records import RECORD_TABLES, SOURCE_COLUMNS, record_rows
from extract.store.writer import create_database
from tests.notice_factory import write_notice

MODELS: list[tuple[type, str]] = [
    (NoticeMeta, "notices"),
    (Problem, "problems"),
    (Quantity, "quantities"),
    (Completion, "completion"),
    (Anomaly, "anomalies"),
    (RepeatedPassage, "repeated_passages"),
]

# (table, model field or None, column or None, why). A field with a column: renamed; a column
# without a field: filled from the record, not the model; a field without a column: not stored.
DIFFERENCES: list[tuple[str, str | None, str | None, str]] = [
    ("notices", None, "notice_id", "content address of the text, computed by the pipeline"),
    ("notices", None, "source_path", "where the file was read from (LoadedNotice)"),
    ("notices", None, "source_format", "the reader's format (LoadedNotice)"),
    ("notices", None, "encoding", "the detected encoding (LoadedNotice)"),
    ("notices", None, "file_sha256", "hash of the raw bytes (LoadedNotice)"),
    ("notices", None, "text", "the canonical text every offset refers to (LoadedNotice)"),
    ("notices", None, "char_count", "len(text), kept for cheap listings"),
    ("notices", None, "ingested_at", "store-only: the time of the run that wrote the row"),
    ("notices", None, "extractor_version", "store-only: the code that wrote the row"),
    ("notices", None, "repeated_share", "from the repeated-text audit, not the parser"),
    ("problems", "start", "start_offset", "offsets are *_offset in every table"),
    ("problems", "end", "end_offset", "offsets are *_offset in every table"),
    ("problems", None, "notice_id", "the notice the row belongs to"),
    ("problems", None, "problem_id", "1-based position in the notice's tree"),
    ("quantities", "start", "start_offset", "offsets are *_offset in every table"),
    ("quantities", "end", "end_offset", "offsets are *_offset in every table"),
    ("quantities", None, "notice_id", "the notice the row belongs to"),
    ("quantities", None, "quantity_id", "1-based position in the notice"),
    ("quantities", None, "problem_id", "owner in the problem tree, assigned by the pipeline"),
    ("quantities", None, "problem_path", "the owner's path, for readers without a join"),
    ("quantities", None, "sentence_start", "the sentence's span: the key into sentences"),
    ("quantities", None, "sentence_end", "the sentence's span: the key into sentences"),
    ("quantities", None, "date_value", "value of a date: a string column beside DOUBLE value"),
    ("quantities", None, "date_high", "value_high of a date: a string column"),
    ("quantities", None, "taxonomy_version", "store-only: metrics.toml version of metric_id"),
    ("quantities", None, "restates_quantity_id", "from the repeated-text audit"),
    ("completion", "start", "start_offset", "offsets are *_offset in every table"),
    ("completion", "end", "end_offset", "offsets are *_offset in every table"),
    ("completion", None, "notice_id", "the notice the row belongs to"),
    ("anomalies", "start", "start_offset", "offsets are *_offset in every table"),
    ("anomalies", None, "notice_id", "the notice the row belongs to"),
    ("anomalies", None, "anomaly_id", "1-based position in the notice"),
    ("repeated_passages", "start", "start_offset", "offsets are *_offset in every table"),
    ("repeated_passages", "end", "end_offset", "offsets are *_offset in every table"),
    ("repeated_passages", None, "notice_id", "the notice the row belongs to"),
    ("repeated_passages", None, "passage_id", "1-based position in the notice"),
]


@pytest.fixture(scope="module")
def store_columns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Column names per table of a fresh store, in order, from information_schema."""
    db = tmp_path_factory.mktemp("schema") / "x.duckdb"
    create_database(db)
    con = open_readonly(db)
    try:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(str(table), []).append(str(column))
    return out


@pytest.mark.parametrize(("model", "table"), MODELS, ids=[t for _, t in MODELS])
def test_model_fields_are_the_table_columns(
    store_columns: dict[str, list[str]], model: type, table: str
) -> None:
    """Field names, with the listed differences applied, equal the table's columns."""
    diffs = [d for d in DIFFERENCES if d[0] == table]
    renames = {f: c for _, f, c, _ in diffs if f is not None and c is not None}
    dropped = {f for _, f, c, _ in diffs if f is not None and c is None}
    added = {c for _, f, c, _ in diffs if f is None and c is not None}
    expected = {renames.get(f.name, f.name) for f in fields(model) if f.name not in dropped}
    assert expected | added == set(store_columns[table])
    assert not expected & added, "a column listed as added is already a model field"


def test_every_difference_is_real(store_columns: dict[str, list[str]]) -> None:
    """A row of DIFFERENCES that no longer differs must go: the table stays the truth."""
    by_table = dict((t, m) for m, t in MODELS)
    for table, field, column, why in DIFFERENCES:
        names = {f.name for f in fields(by_table[table])}
        assert why, (table, field, column)
        if field is not None:
            assert field in names and field not in store_columns[table], (table, field)
        if column is not None:
            assert column in store_columns[table] and column not in names, (table, column)


@pytest.mark.parametrize("table", [*RECORD_TABLES, "notice_sources"])
def test_record_mapping_writes_every_column_once(
    store_columns: dict[str, list[str]], table: str
) -> None:
    """The record -> row mapping names each column of its tables, and only those, once."""
    columns = SOURCE_COLUMNS if table == "notice_sources" else RECORD_TABLES[table]
    assert len(set(columns)) == len(columns), table
    assert set(columns) == set(store_columns[table]), table


def test_record_rows_are_keyed_by_the_mapping(tmp_path: Path) -> None:
    """Rows of a real analysis carry exactly the mapped columns (so BY NAME inserts them)."""
    from datetime import datetime

    loaded = load_notice(write_notice(tmp_path, "n.txt", study=3))
    rows = record_rows(analyse(loaded), datetime(2026, 1, 1))
    assert set(rows) == set(RECORD_TABLES)
    for table, table_rows in rows.items():
        for row in table_rows:
            assert set(row) == set(RECORD_TABLES[table]), table
    assert rows["quantities"], "the factory notice states figures"
    text = loaded.text
    for s in rows["sentences"]:  # each stored sentence is its span of the text
        assert s["text"] == text[s["sentence_start"] : s["sentence_end"]]
    spans = {(q["sentence_start"], q["sentence_end"]) for q in rows["quantities"]}
    assert spans == {(s["sentence_start"], s["sentence_end"]) for s in rows["sentences"]}
