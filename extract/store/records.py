"""Record ↔ table mapping: the rows the store keeps for one analysed notice, built BY NAME.

Why: the schema used to be written by hand four times (``model.py``, the migrations, positional
tuples in ``ingest.py`` and the README), and a column added in one place but not another
shifted every later value of a tuple silently. Here a model dataclass's fields become columns
of the same name; the few deliberate differences are named next to each table
(``renames``: ``start`` → ``start_offset``; ``convert``: a list stored as one joined string),
and :func:`insert_rows` inserts by column name, so an order can never be wrong.
``tests/test_model_columns.py`` checks every model against its table in a fresh store.

Used by the one writer (:mod:`extract.ingest`) and by the shard files (:mod:`extract.shards`),
so a shard carries exactly the rows a local ingest inserts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from extract.audit.repetition import RepeatedPassage
from extract.model import Anomaly, Completion, NoticeMeta, Problem, Quantity
from extract.pipeline import EXTRACTOR_VERSION, TAXONOMY_VERSION, AnalysedNotice
from extract.store.arrowio import arrow_table, columns_of

if TYPE_CHECKING:
    import pyarrow as pa

Row = dict[str, Any]


def _joined(sep: str) -> Callable[[Iterable[object]], str | None]:
    """A list stored as one string (NULL when empty), as the migrations define the column."""

    def join(values: Iterable[object]) -> str | None:
        return sep.join(str(v) for v in values) or None

    return join


def _evidence(items: Iterable[tuple[str, int, int]]) -> str | None:
    return " ".join(f"{role}:{s}-{e}" for role, s, e in items) or None


@dataclass(frozen=True, eq=False)  # hashed by identity: one cached plan per table spec
class ModelColumns:
    """How one model dataclass's fields become columns: same name unless said otherwise."""

    model: type[Any]
    renames: Mapping[str, str] = field(default_factory=dict)  # field -> column
    convert: Mapping[str, Callable[[Any], object]] = field(default_factory=dict)
    skip: frozenset[str] = frozenset()  # fields the table row builder stores itself

    def plan(self) -> tuple[tuple[str, str, Callable[[Any], object] | None], ...]:
        """(field, column, converter) per stored field, worked out once per model: this runs
        for every quantity and problem of every notice, and ``dataclasses.fields`` is slow."""
        return _plan(self)

    def columns(self) -> tuple[str, ...]:
        return tuple(column for _, column, _ in self.plan())

    def row(self, obj: object) -> Row:
        return self.rows([obj])[0]

    def rows(self, objs: Iterable[object]) -> list[Row]:
        plan = self.plan()
        plain = [(name, column) for name, column, conv in plan if conv is None]
        converted = [(name, column, conv) for name, column, conv in plan if conv is not None]
        out: list[Row] = []
        for obj in objs:
            row = {column: getattr(obj, name) for name, column in plain}
            for name, column, conv in converted:
                row[column] = conv(getattr(obj, name))
            out.append(row)
        return out


@functools.cache
def _plan(spec: ModelColumns) -> tuple[tuple[str, str, Callable[[Any], object] | None], ...]:
    return tuple(
        (f.name, spec.renames.get(f.name, f.name), spec.convert.get(f.name))
        for f in fields(spec.model)
        if f.name not in spec.skip
    )


_SPAN = {"start": "start_offset", "end": "end_offset"}

META = ModelColumns(NoticeMeta, convert={"inferred_dates": _joined(",")})
PROBLEM = ModelColumns(Problem, renames=_SPAN, convert={"is_problem": bool, "is_group": bool})
# value / value_high hold a float or, for a date, an ISO-like string: two typed columns each.
QUANTITY = ModelColumns(
    Quantity,
    renames=_SPAN,
    convert={"approx": bool, "year_inferred": bool, "metric": lambda m: m or ""},
    skip=frozenset({"value", "value_high"}),
)
COMPLETION = ModelColumns(
    Completion,
    renames=_SPAN,
    convert={
        "issues": _joined("; "),
        "stated_problems": _joined(","),
        "evidence": _evidence,
    },
)
ANOMALY = ModelColumns(Anomaly, renames=_SPAN)
REPEAT = ModelColumns(RepeatedPassage, renames=_SPAN)

# Columns each table gets from a record beside its model's fields (ids, offsets the record
# knows, the versions): the one list per table, in the order rows are built.
NOTICE_EXTRA = (
    "notice_id",
    "source_path",
    "source_format",
    "encoding",
    "file_sha256",
    "text",
    "char_count",
    "ingested_at",
    "extractor_version",
    "repeated_share",
)
QUANTITY_EXTRA = (
    "notice_id",
    "quantity_id",
    "problem_id",
    "problem_path",
    "sentence_start",
    "sentence_end",
    "value",
    "value_high",
    "date_value",
    "date_high",
    "taxonomy_version",
    "restates_quantity_id",
)

# Every table a record fills, parents first, with its columns (what shards carry and pin).
RECORD_TABLES: dict[str, tuple[str, ...]] = {
    "notices": (*NOTICE_EXTRA, *META.columns()),
    "problems": ("notice_id", "problem_id", *PROBLEM.columns()),
    "quantities": (*QUANTITY_EXTRA, *QUANTITY.columns()),
    "completion": ("notice_id", *COMPLETION.columns()),
    "anomalies": ("notice_id", "anomaly_id", *ANOMALY.columns()),
    "repeated_passages": ("notice_id", "passage_id", *REPEAT.columns()),
    "sentences": ("notice_id", "sentence_start", "sentence_end", "text"),
}
# file_size / file_mtime_ns: the file as last read, so an unchanged file is recognised from one
# stat() without being opened; NULL mtime for an archive member.
SOURCE_COLUMNS: tuple[str, ...] = (
    "source_path",
    "notice_id",
    "file_sha256",
    "seen_at",
    "file_size",
    "file_mtime_ns",
)


def notice_row(rec: AnalysedNotice, now: datetime) -> Row:
    loaded = rec.loaded
    row = META.row(rec.parsed.meta)
    row.update(
        notice_id=rec.notice_id,
        source_path=str(loaded.path),
        source_format=loaded.source_format,
        encoding=loaded.encoding,
        file_sha256=loaded.file_sha256,
        title=rec.parsed.meta.title or loaded.title_hint,
        text=loaded.text,
        char_count=len(loaded.text),
        ingested_at=now,
        extractor_version=EXTRACTOR_VERSION,
        repeated_share=rec.repeated_share,
    )
    return row


def problem_rows(rec: AnalysedNotice) -> list[Row]:
    rows = PROBLEM.rows(rec.parsed.problems)
    for i, row in enumerate(rows, start=1):
        row["notice_id"], row["problem_id"] = rec.notice_id, i
    return rows


def quantity_rows(rec: AnalysedNotice) -> list[Row]:
    """One row per quantity. The sentence is stored as offsets (and once in ``sentences``)."""
    problems = rec.parsed.problems
    n = len(rec.quantities)
    owners = rec.owners or [None] * n
    restates = rec.restates or [None] * n
    rows = QUANTITY.rows(rec.quantities)
    for i, (q, row, owner, restated) in enumerate(
        zip(rec.quantities, rows, owners, restates, strict=True)
    ):
        s_start, s_end = rec.quantity_sentence(i)
        is_date = q.kind == "date"
        row["notice_id"] = rec.notice_id
        row["quantity_id"] = i + 1
        row["problem_id"] = None if owner is None else owner + 1
        row["problem_path"] = None if owner is None else problems[owner].path
        row["sentence_start"] = s_start
        row["sentence_end"] = s_end
        row["value"] = None if is_date else float(q.value)
        row["value_high"] = None if is_date or q.value_high is None else float(q.value_high)
        row["date_value"] = str(q.value) if is_date else None
        row["date_high"] = None if not is_date or q.value_high is None else str(q.value_high)
        row["taxonomy_version"] = TAXONOMY_VERSION
        row["restates_quantity_id"] = None if restated is None else restated + 1
    return rows


def sentence_rows(rec: AnalysedNotice) -> list[Row]:
    """Each sentence that holds at least one quantity, once (what ``v_quantities`` shows).

    Stored beside the notice text so a view can show a figure's sentence without cutting it
    out of the whole text at a large offset: DuckDB's ``substring`` walks UTF-8 from the start,
    O(offset) per row and O(n²) per notice (issue #12: 7.6 s against 0.06 s for 150k rows).
    """
    spans = sorted({rec.quantity_sentence(i) for i in range(len(rec.quantities))})
    text = rec.loaded.text
    return [
        {"notice_id": rec.notice_id, "sentence_start": s, "sentence_end": e, "text": text[s:e]}
        for s, e in spans
    ]


def completion_rows(rec: AnalysedNotice) -> list[Row]:
    c = rec.parsed.completion
    return [] if c is None else [{"notice_id": rec.notice_id, **COMPLETION.row(c)}]


def anomaly_rows(rec: AnalysedNotice) -> list[Row]:
    return [
        {"notice_id": rec.notice_id, "anomaly_id": i, **ANOMALY.row(a)}
        for i, a in enumerate(rec.parsed.anomalies, start=1)
    ]


def repeat_rows(rec: AnalysedNotice) -> list[Row]:
    return [
        {"notice_id": rec.notice_id, "passage_id": i, **REPEAT.row(r)}
        for i, r in enumerate(rec.repeats, start=1)
    ]


def record_rows(rec: AnalysedNotice, now: datetime) -> dict[str, list[Row]]:
    """The rows the store keeps for one analysed notice, per table of :data:`RECORD_TABLES`."""
    return {
        "notices": [notice_row(rec, now)],
        "problems": problem_rows(rec),
        "quantities": quantity_rows(rec),
        "completion": completion_rows(rec),
        "anomalies": anomaly_rows(rec),
        "repeated_passages": repeat_rows(rec),
        "sentences": sentence_rows(rec),
    }


def source_row(
    path: str,
    notice_id: str | None,
    file_sha256: object,
    seen_at: datetime,
    stat: Sequence[object],
) -> Row:
    """The ``notice_sources`` row of one file (stat: its size and mtime in ns, as read)."""
    size, mtime = stat
    return {
        "source_path": path,
        "notice_id": notice_id,
        "file_sha256": file_sha256,
        "seen_at": seen_at,
        "file_size": size,
        "file_mtime_ns": mtime,
    }


def arrow_rows(rows: Sequence[Row], schema: pa.Schema) -> pa.Table:
    """``rows`` as an Arrow table of ``schema``, each column taken by its name (the shard files:
    their Arrow schemas are pinned by :func:`extract.shards.pinned_schemas`)."""
    return arrow_table(columns_of(rows, schema.names), schema)


def fill_missing_sentences(con: duckdb.DuckDBPyConnection) -> int:
    """Store the sentence of every quantity that has none yet, cut from its notice's text.

    For stores whose rows were written by hand rather than by ingest (test fixtures, the
    benchmarks' replicated stores): ``v_quantities`` reads sentences from the ``sentences``
    table only. The same statement as migration 004's fill, limited to what is missing, so it
    is cheap to call twice. Returns the number of sentences added.
    """
    row = con.execute(
        "INSERT INTO sentences "
        "SELECT s.notice_id, s.sentence_start, s.sentence_end, "
        "substring(n.text, s.sentence_start + 1, s.sentence_end - s.sentence_start) "
        "FROM (SELECT DISTINCT notice_id, sentence_start, sentence_end FROM quantities) s "
        "JOIN notices n USING (notice_id) "
        "ANTI JOIN sentences t USING (notice_id, sentence_start, sentence_end) "
        "ORDER BY s.notice_id, s.sentence_start, s.sentence_end"
    ).fetchone()
    return int(row[0]) if row else 0
