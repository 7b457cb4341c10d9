"""Ingest notice files into the store: read → extract quantities → parse → one transaction each.

Idempotent by construction: a notice's id is the hash of its canonical text, so the same
content ingested twice is recognised and left alone; a changed file replaces the rows of the
notice it used to hold. Every file is its own transaction: a failing file is rolled back and
reported while the others are kept. The whole run writes a private copy of the database that
is swapped in at the end (see :mod:`extract.store.writer`), so readers never see a half state.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from extract import __version__
from extract.model import ParsedNotice, Problem, Quantity
from extract.reading import LoadedNotice, NoticeReadError, iter_notice_files, load_notice
from extract.store import StoreWriter

ProgressFn = Callable[[int, int, Path], None]

# Bump when extraction or parsing changes what is stored: notices ingested by an older version
# are re-processed (status "updated") instead of being skipped as unchanged.
EXTRACTOR_VERSION = f"xuncha-{__version__}"

QUANTITY_COLUMNS = [
    "notice_id", "quantity_id", "problem_id", "problem_path", "sentence_index", "sentence",
    "sentence_start", "start_offset", "end_offset", "surface", "kind", "value", "value_high",
    "date_value", "date_high", "unit", "approx", "qualifier", "year_inferred", "metric",
]
PROBLEM_COLUMNS = [
    "notice_id", "problem_id", "path", "parent_path", "level", "label", "title", "rectification",
    "status", "status_text", "start_offset", "end_offset", "is_problem",
]


@dataclass
class FileResult:
    """What happened to one input file."""

    path: Path
    status: str  # new | updated | unchanged | failed
    notice_id: str | None = None
    quantities: int = 0
    error: str | None = None


@dataclass
class IngestSummary:
    """Per-file results and the counters the CLI prints."""

    results: list[FileResult] = field(default_factory=list)

    def _count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def new(self) -> int:
        return self._count("new")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def quantities(self) -> int:
        """Quantities stored by this run (new and updated notices)."""
        return sum(r.quantities for r in self.results if r.status in ("new", "updated"))


@dataclass
class NoticeRecord:
    """Everything computed for one notice before it touches the database."""

    loaded: LoadedNotice
    notice_id: str
    parsed: ParsedNotice
    quantities: list[Quantity]
    sentence_spans: list[tuple[int, int]]


def notice_id_for(text: str) -> str:
    """Content address of a canonical text (16 hex digits of sha256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def context_year(parsed: ParsedNotice) -> int | None:
    """The year a date written without one most plausibly belongs to: the notice's own dates."""
    meta = parsed.meta
    for d in (meta.feedback_date, meta.inspection_end, meta.inspection_start, meta.as_of_date,
              meta.signed_date, meta.published_date):
        if d is not None:
            return d.year
    return None


def analyse(loaded: LoadedNotice, *, parse: bool = True) -> NoticeRecord:
    """Run the parser and the extractor over a loaded notice (pure computation, no I/O)."""
    from extract.model import NoticeMeta
    from extract.notice import parse_notice
    from extract.quantities.extractor import extract_quantities
    from extract.quantities.sentences import split_sentences

    text = loaded.text
    parsed = (
        parse_notice(text) if parse else ParsedNotice(NoticeMeta(), [], None, [])
    )
    if not parsed.meta.title and loaded.title_hint:
        parsed.meta.title = loaded.title_hint
    quantities = extract_quantities(text, context_year=context_year(parsed))
    return NoticeRecord(loaded, notice_id_for(text), parsed, quantities, split_sentences(text))


def _assign_problems(problems: Sequence[Problem], offsets: Iterable[int]) -> list[int | None]:
    """Index (into ``problems``) of the deepest problem whose span holds each offset.

    Problem spans nest (children inside parents), so one sweep with a stack of open spans
    answers every offset in O((problems + offsets) log) instead of testing every pair.
    """
    order = sorted(range(len(problems)), key=lambda i: (problems[i].start, -problems[i].end))
    queries = sorted((off, k) for k, off in enumerate(offsets))
    out: list[int | None] = [None] * len(queries)
    stack: list[int] = []
    nxt = 0
    for off, k in queries:
        while nxt < len(order) and problems[order[nxt]].start <= off:
            i = order[nxt]
            while stack and problems[stack[-1]].end <= problems[i].start:
                stack.pop()
            stack.append(i)
            nxt += 1
        while stack and problems[stack[-1]].end <= off:
            stack.pop()
        # a later sibling may sit above an earlier one that still holds `off`: search down
        for i in reversed(stack):
            if problems[i].start <= off < problems[i].end:
                out[k] = i
                break
    return out


def _quantity_frame(rec: NoticeRecord) -> pd.DataFrame:
    text = rec.loaded.text
    spans = rec.sentence_spans
    problems = rec.parsed.problems
    owners = _assign_problems(problems, (q.start for q in rec.quantities))
    rows = []
    for i, (q, owner) in enumerate(zip(rec.quantities, owners, strict=True), start=1):
        in_range = q.sentence_index < len(spans)
        s_start, s_end = spans[q.sentence_index] if in_range else (q.start, q.end)
        is_date = q.kind == "date"
        rows.append((
            rec.notice_id, i,
            None if owner is None else owner + 1,
            None if owner is None else problems[owner].path,
            q.sentence_index, text[s_start:s_end], s_start, q.start, q.end, q.surface, q.kind,
            None if is_date else float(q.value),
            None if is_date or q.value_high is None else float(q.value_high),
            str(q.value) if is_date else None,
            None if not is_date or q.value_high is None else str(q.value_high),
            q.unit, bool(q.approx), q.qualifier, bool(q.year_inferred), q.metric or "",
        ))
    return pd.DataFrame(rows, columns=QUANTITY_COLUMNS)


def _problem_frame(rec: NoticeRecord) -> pd.DataFrame:
    rows = [
        (rec.notice_id, i, p.path, p.parent_path, p.level, p.label, p.title, p.rectification,
         p.status, p.status_text, p.start, p.end, bool(p.is_problem))
        for i, p in enumerate(rec.parsed.problems, start=1)
    ]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    if df.empty:
        return
    con.register("_xuncha_rows", df)
    try:
        cols = ", ".join(df.columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _xuncha_rows")
    finally:
        con.unregister("_xuncha_rows")


def _delete_notice(con: duckdb.DuckDBPyConnection, notice_id: str) -> None:
    for table in ("quantities", "problems", "completion", "anomalies", "notices"):
        con.execute(f"DELETE FROM {table} WHERE notice_id = ?", [notice_id])


def _write_notice(con: duckdb.DuckDBPyConnection, rec: NoticeRecord, now: datetime) -> None:
    meta = rec.parsed.meta
    loaded = rec.loaded
    con.execute(
        """INSERT INTO notices (notice_id, source_path, source_format, encoding, file_sha256, title,
               text, char_count, ingested_at, extractor_version, issuer, inspected_unit,
               inspection_body, inspection_level, inspection_kind, inspection_group,
               inspection_round, inspection_type, inspection_start, inspection_end, feedback_date,
               as_of_date, signed_date, published_date, region, rectification_days, inferred_dates)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                   ?)""",
        [
            rec.notice_id, str(loaded.path), loaded.source_format, loaded.encoding,
            loaded.file_sha256, meta.title or loaded.title_hint, loaded.text, len(loaded.text), now,
            EXTRACTOR_VERSION, meta.issuer, meta.inspected_unit, meta.inspection_body,
            meta.inspection_level, meta.inspection_kind, meta.inspection_group,
            meta.inspection_round, meta.inspection_type, meta.inspection_start,
            meta.inspection_end, meta.feedback_date, meta.as_of_date, meta.signed_date,
            meta.published_date, meta.region, meta.rectification_days,
            ",".join(meta.inferred_dates) or None,
        ],
    )
    _insert_frame(con, "problems", _problem_frame(rec))
    _insert_frame(con, "quantities", _quantity_frame(rec))
    c = rec.parsed.completion
    if c is not None:
        con.execute(
            """INSERT INTO completion VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [rec.notice_id, c.total, c.completed, c.basically_completed, c.not_completed,
             c.long_term, c.in_progress, c.stated_rate, c.computed_rate, c.status_rate,
             c.consistent, "; ".join(c.issues) or None, c.sentence, c.start, c.end],
        )
    for i, a in enumerate(rec.parsed.anomalies, start=1):
        con.execute(
            "INSERT INTO anomalies VALUES (?, ?, ?, ?, ?, ?)",
            [rec.notice_id, i, a.kind, a.location, a.detail, a.start],
        )


def _ingest_one(
    con: duckdb.DuckDBPyConnection, path: Path, now: datetime, *, parse: bool
) -> tuple[FileResult, bool]:
    """Ingest one file; the flag says whether the database was written."""
    try:
        loaded = load_notice(path)
    except NoticeReadError as exc:
        return FileResult(path, "failed", error=str(exc)), False
    source = str(path)
    notice_id = notice_id_for(loaded.text)
    existing = con.execute(
        "SELECT extractor_version FROM notices WHERE notice_id = ?", [notice_id]
    ).fetchone()
    previous = con.execute(
        "SELECT notice_id FROM notice_sources WHERE source_path = ?", [source]
    ).fetchone()
    if existing and existing[0] == EXTRACTOR_VERSION:
        status = "unchanged"
        rec = None
    else:
        try:
            rec = analyse(loaded, parse=parse)
        except Exception as exc:  # an extractor bug must not lose the rest of the run
            return (
                FileResult(path, "failed", notice_id, error=f"{path}: analysis failed: {exc!r}"),
                False,
            )
        status = "updated" if existing or (previous and previous[0] != notice_id) else "new"
    if status == "unchanged" and previous and previous[0] == notice_id:
        return FileResult(path, "unchanged", notice_id), False
    con.execute("BEGIN TRANSACTION")
    try:
        if rec is not None:
            _delete_notice(con, notice_id)
            _write_notice(con, rec, now)
        if previous and previous[0] != notice_id:
            con.execute("DELETE FROM notice_sources WHERE source_path = ?", [source])
            still_used = con.execute(
                "SELECT count(*) FROM notice_sources WHERE notice_id = ?", [previous[0]]
            ).fetchone()
            if not still_used or not still_used[0]:
                _delete_notice(con, previous[0])
        con.execute(
            "INSERT OR REPLACE INTO notice_sources VALUES (?, ?, ?, ?)",
            [source, notice_id, loaded.file_sha256, now],
        )
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        return FileResult(path, "failed", notice_id, error=f"{path}: could not store: {exc}"), False
    return FileResult(path, status, notice_id, len(rec.quantities) if rec else 0), True


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """Expand folders; a path that does not exist becomes a failed result, not an exception."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            missing.append(FileResult(p, "failed", error=f"{p}: no such file or folder"))
            continue
        files.extend(iter_notice_files([p]))
    return files, missing


def ingest_paths(
    paths: Sequence[str | Path],
    db_path: Path,
    *,
    progress: ProgressFn | None = None,
    parse: bool = True,
) -> IngestSummary:
    """Ingest files and folders into ``db_path``; see the module docstring for the guarantees.

    ``parse=False`` skips the notice parser (used by the benchmark that measures its cost).
    """
    files, missing = collect_files(paths)
    summary = IngestSummary(results=list(missing))
    if not files:
        return summary
    started = datetime.now()
    with StoreWriter(Path(db_path)) as writer:
        con = writer.con
        assert con is not None
        wrote_any = False
        for i, path in enumerate(files, start=1):
            result, wrote = _ingest_one(con, path, started, parse=parse)
            summary.results.append(result)
            wrote_any = wrote_any or wrote
            if progress is not None:
                progress(i, len(files), path)
        if wrote_any or not Path(db_path).exists():
            con.execute(
                "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [uuid.uuid4().hex[:12], started, datetime.now(), len(files), summary.new,
                 summary.updated, summary.unchanged, summary.failed, summary.quantities],
            )
            writer.commit()
    return summary
