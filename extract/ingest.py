"""Ingest notice files into the store: read → analyse (extract/pipeline.py) → write in batches.

Rows come from :func:`extract.store.records.record_rows`, the one record ↔ table mapping, so
this module decides what to write and when, never how a record becomes columns.

Idempotent by construction: a notice's id is the hash of its canonical text, so the same
content ingested twice is recognised and left alone; a changed file replaces the rows of the
notice it used to hold. Notices are written :data:`BATCH_SIZE` to a transaction (more while no
reader waits: :func:`next_batch_limit`); a batch that fails is rolled back and replayed one
notice per transaction, so a failing file is reported alone while the others are kept. Each
batch is written in place in its own writer session (see :mod:`extract.store.writer`): readers
see the store batch by batch, never half a transaction, and a run killed midway keeps the
batches it committed (a rerun skips them as unchanged).

Cheap when nothing changed (issue 12): a file whose (path, size, mtime_ns) is stored for a
notice of the current extractor version is unchanged without being opened, and these checks
run on a read-only connection, so the store is opened for writing only once some file needs it.
Analysis, a pure function of a file's bytes, runs in a process pool (see :class:`_WorkerPool`)
feeding the one writer in input order, so a parallel run stores exactly what a serial one does.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import stat
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from extract import settings
from extract.gcpause import gc_paused
from extract.model import ParsedNotice
from extract.pipeline import (
    EXTRACTOR_VERSION,
    TAXONOMY_VERSION,  # noqa: F401  (public names of ingest before extract/pipeline.py)
    AnalysedNotice,
    assign_problems,
    bound_integers,
    context_year,  # noqa: F401
    extract_stage,
    notice_id_for,
    parse_stage,
)
from extract.reading import (
    ARCHIVE_EXTENSIONS,
    LoadedNotice,
    NoticeReadError,
    load_notice,
    read_archive_bytes,
    scan_paths,
)
from extract.store import StoreWriter, open_readonly
from extract.store.arrowio import insert_rows
from extract.store.errors import StoreError, first_line
from extract.store.passages import forget_notices, store_passages
from extract.store.records import (
    RECORD_TABLES,
    SOURCE_COLUMNS,
    record_rows,
    source_row,
)
from extract.store.writer import (
    SMALL_ROW_GROUP,
    WriterBusy,
    allow_vacuum,
    count_unmerged_session,
)

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

ProgressFn = Callable[[int, int, Path], None]

# The analysis (extract/pipeline.py) and the record -> row mapping (extract/store/records.py)
# live beside this module; their names stay importable from here for callers and tests.
NoticeRecord = AnalysedNotice
_assign_problems = assign_problems
_bound_integers = bound_integers
NOTICE_COLUMNS = list(RECORD_TABLES["notices"])
PROBLEM_COLUMNS = list(RECORD_TABLES["problems"])
QUANTITY_COLUMNS = list(RECORD_TABLES["quantities"])
COMPLETION_COLUMNS = list(RECORD_TABLES["completion"])
ANOMALY_COLUMNS = list(RECORD_TABLES["anomalies"])
REPEAT_COLUMNS = list(RECORD_TABLES["repeated_passages"])


@dataclass
class FileResult:
    """What happened to one input file."""

    path: Path
    status: str  # new | updated | unchanged | failed
    notice_id: str | None = None
    quantities: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # one line each, naming the file


@dataclass
class IngestSummary:
    """Per-file results and the counters the CLI prints."""

    results: list[FileResult] = field(default_factory=list)
    # One line each about the run as a whole, not one file (the aliases file, for one).
    notes: list[str] = field(default_factory=list)

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


# Files written per transaction. Batching amortises DuckDB's per-statement cost (about 2 ms an
# insert) over many notices; a batch that fails is replayed one notice per transaction, so a
# bad file still fails alone.
BATCH_SIZE: int = settings.get_int("ingest_batch_size")  # extract/settings.py


# Every table keyed by notice_id, children first; deleting a notice deletes its rows in all.
NOTICE_TABLES = (
    "sentences",
    "quantities",
    "problems",
    "completion",
    "anomalies",
    "repeated_passages",
    "passage_bands",
    "passages",
    "passage_links",
    "notices",
)


def _delete_notice(con: duckdb.DuckDBPyConnection, notice_id: str) -> None:
    _delete_notices(con, [notice_id])


def _delete_notices(con: duckdb.DuckDBPyConnection, notice_ids: Sequence[str]) -> None:
    """Delete every row of these notices: one statement per table for the whole batch.

    Notice ids are hashes, so DuckDB's zone maps cannot skip any row group and each DELETE
    scans its table's id column; one statement per table per batch (not per notice) keeps
    that to a few scans per batch.
    """
    ids = list(dict.fromkeys(notice_ids))
    if not ids:
        return
    forget_notices(con, ids)  # passage keys and cluster counts, before the passages go
    for table in NOTICE_TABLES:
        con.execute(
            f"DELETE FROM {table} WHERE notice_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": ids},
        )
    con.execute(
        "DELETE FROM passage_links WHERE other_notice_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"ids": ids},
    )


FileStat = tuple[int | None, int | None]  # (size in bytes, mtime in ns); mtime None: no file


@dataclass
class _Plan:
    """What storing one file means, decided before any write."""

    result: FileResult
    loaded: LoadedNotice
    rec: AnalysedNotice | None  # None: already stored (or earlier in this run), or not analysed yet
    replace_existing: bool  # an older extractor version stored this content: replace it
    previous_id: str | None  # the notice this path held before, if any
    needs_analysis: bool = False  # new or changed content: _analyse_batch fills in ``rec``
    stat: FileStat = (None, None)  # stored with the source row (the unchanged-file check)
    # Analysis already done by a pool worker: the record, or the repr of what it raised.
    analysed: AnalysedNotice | str | None = None


@dataclass
class _Loaded:
    """One source after reading (and, in a pool worker, analysis): what the writer decides on.

    ``error`` is the one-line reason a file could not be read; ``analysed`` is the worker's
    record or the repr of the exception its analysis raised (None: not analysed yet);
    ``notice_id`` is the read text's (computed where it was read, a pool worker or not).
    """

    loaded: LoadedNotice | None
    error: str | None = None
    analysed: AnalysedNotice | str | None = None
    notice_id: str | None = None


def _read_id(read: _Loaded) -> str:
    """The notice id of a read source, computed where it was read (:func:`_read_source`)."""
    assert read.loaded is not None and read.notice_id is not None
    return read.notice_id


def _read_source(path: Path, data: bytes | None) -> _Loaded:
    """load_notice, with every failure turned into a one-line reason naming the file."""
    try:
        loaded = load_notice(path, data)
        return _Loaded(loaded, notice_id=notice_id_for(loaded.text))
    except NoticeReadError as exc:
        return _Loaded(None, str(exc))
    except Exception as exc:  # a reader bug fails its file, never the run
        return _Loaded(None, f"{path}: cannot read / 无法读取: {exc!r}")


def analyse_file(path: Path, data: bytes | None, parse: bool) -> _Loaded:
    """Read and analyse one source: what a pool worker runs (a pure function of its bytes).

    The worker never touches the store; the writer decides afterwards whether the record is
    needed (the content may turn out to be stored already) and stores it. The analysis is
    :func:`extract.pipeline.analyse`, called stage by stage through this module's names so a
    test can substitute one stage (see tests/test_ingest_parallel.py).
    """
    out = _read_source(path, data)
    if out.loaded is not None:
        try:
            out.analysed = extract_stage(out.loaded, parse_stage(out.loaded, parse=parse))
        except Exception as exc:  # reported per file, like _analyse_batch
            out.analysed = repr(exc)
    return out


# What a pool worker runs for one file; a module attribute so a test can substitute a function
# that fails (spawned workers cannot see a monkeypatch of parse_stage made in the parent).
WORKER_TASK: Callable[[Path, bytes | None, bool], _Loaded] = analyse_file


def _file_stat(path: Path, data: bytes | None) -> FileStat:
    """(size, mtime_ns) of a source as about to be read; taken *before* reading, so a file that
    changes while read is stored with its older stat and simply read again next time."""
    if data is not None:
        return (len(data), None)
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return (None, None)
    return (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else (None, None)


StoredState = tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]


def stored_states(
    con: duckdb.DuckDBPyConnection, keys: Sequence[tuple[str, Path]]
) -> dict[tuple[str, Path], StoredState]:
    """The two look-ups that decide a file, for many ``(notice_id, path)`` at once.

    Each key gets the stored notice's ``(extractor_version,)`` and the path's stored
    ``(notice_id, file_size, file_mtime_ns)``, each None when absent. Two queries for a whole
    batch: asked one file at a time they took 2 ms a file at 10k notices (20 s of a fresh
    10k ingest), nearly all of it DuckDB's per-statement cost. Shared by ingest and the shard
    merge, so both decide new, updated and unchanged alike.
    """
    if not keys:
        return {}
    ids = sorted({nid for nid, _ in keys})
    paths = sorted({str(path) for _, path in keys})
    versions = {
        nid: (version,)
        for nid, version in con.execute(
            "SELECT notice_id, extractor_version FROM notices "
            "WHERE notice_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": ids},
        ).fetchall()
    }
    sources = {
        path: (nid, size, mtime)
        for path, nid, size, mtime in con.execute(
            "SELECT source_path, notice_id, file_size, file_mtime_ns FROM notice_sources "
            "WHERE source_path IN (SELECT unnest($paths::VARCHAR[]))",
            {"paths": paths},
        ).fetchall()
    }
    return {(nid, path): (versions.get(nid), sources.get(str(path))) for nid, path in keys}


def _decide(
    states: Mapping[tuple[str, Path], StoredState],
    path: Path,
    read: _Loaded,
    planned: set[str],
    notes: Sequence[str],
    stat_now: FileStat,
) -> _Plan | FileResult:
    """What a read file needs, from its :func:`stored_states`; a FileResult when nothing.

    Same content at the same path is unchanged; if only its size or mtime moved (a copy, a
    ``touch``), the plan rewrites its source row so the next run skips it without reading.
    """
    if read.loaded is None:
        return FileResult(path, "failed", error=read.error, warnings=list(notes))
    loaded = read.loaded
    warnings = [w if str(path) in w else f"{path}: {w}" for w in (*notes, *loaded.warnings)]
    notice_id = _read_id(read)
    existing, previous = states[(notice_id, path)]
    previous_id = previous[0] if previous else None
    if notice_id in planned or (existing and existing[0] == EXTRACTOR_VERSION):
        unchanged = FileResult(path, "unchanged", notice_id, warnings=warnings)
        if previous is not None and previous_id == notice_id and tuple(previous[1:]) == stat_now:
            return unchanged
        return _Plan(unchanged, loaded, None, False, previous_id, stat=stat_now)
    status = "updated" if existing or (previous_id and previous_id != notice_id) else "new"
    return _Plan(
        FileResult(path, status, notice_id, warnings=warnings),
        loaded,
        None,
        bool(existing),
        previous_id,
        needs_analysis=True,
        stat=stat_now,
        analysed=read.analysed,
    )


def _analyse_batch(plans: list[_Plan], *, parse: bool, done: Callable[[Path], None]) -> list[_Plan]:
    """Analyse the batch stage by stage; return the plans that can be written.

    Why stages: running the parser over the whole batch, then the extractor, keeps each
    stage's code and tables hot in the CPU caches. Measured on the corpus, the parser takes
    1.9 ms a notice in a run of notices against 2.3 ms when interleaved with loading and
    extraction. A notice whose analysis raises fails alone (an extractor bug must not lose the
    rest of the run), and so does a later file of the batch with the same content. A plan a
    pool worker already analysed (``analysed``) takes the worker's outcome, with the same
    messages, so parallel and serial runs report alike.
    """
    parsed: dict[int, ParsedNotice] = {}
    failed: dict[str, str] = {}

    def fail(p: _Plan, why: str) -> None:
        p.result.status, p.result.quantities = "failed", 0
        p.result.error = f"{p.result.path}: analysis failed: {why}"
        failed[p.result.notice_id or ""] = p.result.error

    for p in plans:
        if not p.needs_analysis or p.analysed is not None:
            continue
        try:
            parsed[id(p)] = parse_stage(p.loaded, parse=parse)
        except Exception as exc:  # reported per file, see docstring
            fail(p, repr(exc))
    for p in plans:
        ready = p.analysed
        if p.needs_analysis and isinstance(ready, AnalysedNotice):
            p.rec = ready
            p.result.quantities = len(ready.quantities)
        elif p.needs_analysis and isinstance(ready, str):
            fail(p, ready)
        elif p.needs_analysis and id(p) in parsed:
            try:
                p.rec = extract_stage(p.loaded, parsed[id(p)])
                p.result.quantities = len(p.rec.quantities)
            except Exception as exc:  # reported per file, see docstring
                fail(p, repr(exc))
        elif not p.needs_analysis and p.result.notice_id in failed:
            p.result.status = "failed"
            p.result.error = f"{p.result.path}: same content as a file that could not be analysed"
        p.analysed = None  # the record is in ``rec`` now; do not hold it twice
        done(p.result.path)
    return [p for p in plans if p.result.status != "failed"]


def _apply(con: duckdb.DuckDBPyConnection, plans: Sequence[_Plan], now: datetime) -> None:
    """Write a batch of plans (the caller holds the transaction)."""
    _delete_notices(
        con, [p.result.notice_id for p in plans if p.replace_existing and p.result.notice_id]
    )
    for p in plans:
        if p.previous_id is not None:
            con.execute("DELETE FROM notice_sources WHERE source_path = ?", [str(p.loaded.path)])
    _insert_rows(
        con,
        "notice_sources",
        SOURCE_COLUMNS,
        [
            source_row(str(p.loaded.path), p.result.notice_id, p.loaded.file_sha256, now, p.stat)
            for p in plans
        ],
    )
    orphans = []
    for p in plans:  # a path that now holds other content: drop the old notice if orphaned
        if p.previous_id is not None and p.previous_id != p.result.notice_id:
            used = con.execute(
                "SELECT count(*) FROM notice_sources WHERE notice_id = ?", [p.previous_id]
            ).fetchone()
            if not used or not used[0]:
                orphans.append(p.previous_id)
    _delete_notices(con, orphans)
    recs = [p.rec for p in plans if p.rec is not None]
    tables: dict[str, list[dict[str, object]]] = {t: [] for t in RECORD_TABLES}
    for r in recs:
        for table, rows in record_rows(r, now).items():
            tables[table].extend(rows)
    for table, rows in tables.items():  # parents first, as RECORD_TABLES lists them
        _insert_rows(con, table, RECORD_TABLES[table], rows)
    store_passages(con, [(r.notice_id, r.loaded.text, r.signatures) for r in recs], now)


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[dict[str, object]],
) -> None:
    """Every insert of a batch goes through here: the one seam a test replaces to make one
    table's write fail (tests/test_store_reliability.py), over the records' own insert."""
    insert_rows(con, table, rows, columns)


def _write_batch(con: duckdb.DuckDBPyConnection, plans: list[_Plan], now: datetime) -> None:
    """Write plans in one transaction; on failure replay them one per transaction.

    A plan that fails alone is marked failed with the reason; a plan whose content was to be
    stored by a plan that failed fails too, so no source row points at a missing notice.
    """
    if not plans:
        return
    error = _try_apply(con, plans, now)
    if error is None:
        return
    if len(plans) == 1:  # nothing to replay: this one file is the failure
        _fail(plans[0], f"could not store: {error}")
        return
    failed_ids: set[str] = set()
    for p in plans:
        if p.rec is None and p.result.notice_id in failed_ids:
            _fail(p, "same content as a file that could not be stored / 与无法保存的文件内容相同")
            continue
        error = _try_apply(con, [p], now)
        if error is not None:
            if p.result.notice_id:
                failed_ids.add(p.result.notice_id)
            _fail(p, f"could not store: {error}")


def _fail(p: _Plan, reason: str) -> None:
    """Mark a plan failed: one line naming the file, nothing of it counted as stored."""
    p.result.status, p.result.quantities = "failed", 0
    p.result.error = f"{p.result.path}: {reason}"


def _try_apply(con: duckdb.DuckDBPyConnection, plans: list[_Plan], now: datetime) -> str | None:
    con.execute("BEGIN TRANSACTION")
    try:
        _apply(con, plans, now)
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        if _is_damage(exc):
            # Not this file's fault: the store itself is damaged (a block the scan at open
            # did not reach, e.g. an index). The whole run is refused; see ingest_paths.
            raise _StoreDamaged(first_line(exc)) from exc
        return first_line(exc)
    return None


# What DuckDB says when a block fails its checksum, or lies beyond the end of a cut file.
_DAMAGE_MARKS = ("Corrupt database file", "Could not read enough bytes from file")


def _is_damage(exc: BaseException) -> bool:
    """A DuckDB error that means the store itself is damaged, not the file being stored."""
    return isinstance(exc, duckdb.Error) and any(m in str(exc) for m in _DAMAGE_MARKS)


class _StoreDamaged(Exception):
    """A write met a damaged block of the store: no file can be stored, the run must stop."""


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def collect_files(
    paths: Iterable[str | Path], *, archive_dir: Path | None = None
) -> tuple[list[Path], list[FileResult], dict[Path, list[str]]]:
    """Expand folders into notice files; every path that cannot be used is a failed result.

    Missing paths, FIFOs and devices, link loops, unreadable folders, undecodable names and
    folders without a notice file each become one failed result with its reason (see
    :func:`extract.reading.scan_paths`), so they are counted and reported, never raised.
    A URL is fetched (with its PDF/Word attachments) and archived under ``archive_dir``
    (``extract.fetch``); the archived files are ingested, and fetch warnings are returned
    per file, to be reported with it.
    """
    local: list[str | Path] = []
    fetched: list[Path] = []
    notes: dict[Path, list[str]] = {}
    failed: list[FileResult] = []
    for given in paths:
        if not (isinstance(given, str) and _URL.match(given)):
            local.append(given)
            continue
        from extract.fetch import fetch_notice  # late: only URLs need the network code

        try:
            page = fetch_notice(given, archive_dir=archive_dir or Path("data") / "raw")
        except NoticeReadError as exc:
            failed.append(FileResult(Path(given), "failed", error=str(exc)))
            continue
        for item in (page, *page.attachments):
            fetched.append(item.path)
            notes[item.path] = [f"{item.url}: {w}" for w in item.warnings]
    files, problems = scan_paths(local)
    failed += [FileResult(p, "failed", error=f"{p}: {why}") for p, why in problems]
    return [*fetched, *files], failed, notes


def _sources(path: Path) -> Iterator[tuple[Path, bytes | None] | FileResult]:
    """The notices a file holds: the file itself, or each notice member of a ``.zip``.

    Members are read lazily (one at a time) and named ``archive.zip!/folder/name.txt``; a
    member the archive reader refuses (a bomb, an encrypted or traversal name) is a failed
    result, like an unreadable file. Failures are yielded in place, not collected, so the
    results keep the order of the input however far a process pool reads ahead.
    """
    if path.suffix.lower() not in ARCHIVE_EXTENSIONS:
        yield path, None
        return
    from extract.archive import iter_archive  # late: only archives need it

    problems: list[str] = []
    try:
        yield from (
            (Path(name), data)
            for name, data in iter_archive(path, read_archive_bytes(path), problems)
        )
    except NoticeReadError as exc:
        yield FileResult(path, "failed", error=str(exc))
    for line in problems:
        name = line.partition(": ")[0]
        yield FileResult(Path(name), "failed", error=line)


def ingest_paths(
    paths: Sequence[str | Path],
    db_path: Path,
    *,
    progress: ProgressFn | None = None,
    parse: bool = True,
    workers: int | None = None,
) -> IngestSummary:
    """Ingest files and folders into ``db_path``; see the module docstring for the guarantees.

    ``workers`` caps the analysis processes (default: every core; 1 analyses in this process,
    without a pool); a run with fewer than :data:`POOL_MIN_FILES` files to read stays in this
    process whatever ``workers`` says, since starting workers costs more than it saves.
    ``parse=False`` skips the notice parser (used by the benchmark that measures its cost).
    """
    db_path = Path(db_path)
    files, missing, notes = collect_files(paths, archive_dir=db_path.parent / "raw")
    summary = IngestSummary(results=list(missing))
    if not files:
        return summary
    cores = os.cpu_count() or 1
    n_workers = max(1, min(cores, workers if workers is not None else cores))
    run = _Run(files, notes, summary, db_path, progress, parse, n_workers)
    try:
        return run.run()
    except (_StoreDamaged, duckdb.Error) as exc:
        if isinstance(exc, duckdb.Error) and not _is_damage(exc):
            raise
        # The batch that met the damage was rolled back; batches committed before it stay
        # (whole, as every batch), and a rerun skips them: the line says how many, so what
        # the run reports is what the store holds.
        raise StoreError(
            f"{db_path}: the database is damaged ({first_line(exc)}); {run.stored} new or "
            "updated file(s) of this run were stored before it, nothing from this batch on. "
            "Move it aside and ingest again / "
            f"数据库文件已损坏:本次已保存 {run.stored} 个文件,此后未写入任何内容"
        ) from exc


# A run with fewer files to read than this analyses them in this process: spawning the pool
# costs about 0.4 s (two interpreters importing the extractor), some 15 notices' analysis.
POOL_MIN_FILES = 24
# Batches grow to this many times BATCH_SIZE while no reader waits (see next_batch_limit).
# Not more: a batch's records stay in memory while it is written, and 4x took the writer's
# peak RSS on 1,000 generated notices from 0.63 to 1.24 GB (2x: 0.81 GB).
BATCH_GROWTH = 2


def next_batch_limit(limit: int, readers_waited: bool) -> int:
    """The next batch's size: BATCH_SIZE while readers wait, doubling while none does.

    Why: every writer session pays a fixed cost (open, a checkpoint of every table it
    touched, close): 0.26 s a session at 10k notices, 4 ms a notice in batches of 64. A bulk
    load nobody reads during may take it in batches of up to ``BATCH_GROWTH * BATCH_SIZE``;
    the first reader that has to wait for a session (it marks the turnstile, see
    :func:`extract.store.readers.mark_waiting`) brings the batches back to BATCH_SIZE, so a
    live dashboard waits for at most one grown batch. The rows stored never depend on where
    batches are cut (tests/test_passages_incremental.py).
    """
    if readers_waited:
        return BATCH_SIZE
    return min(limit * 2, BATCH_SIZE * BATCH_GROWTH)


@dataclass
class _Source:
    """One source in input order; ``result`` is set when it is decided without reading it."""

    path: Path
    data: bytes | None
    stat: FileStat
    result: FileResult | None = None


# Seconds a new pool may take to run its first task (a spawn takes ~0.4 s on an idle machine).
_START_TIMEOUT = 60.0


def _ready() -> bool:
    """The start-up probe of a worker pool (see _WorkerPool.start)."""
    return True


def _process() -> Any:
    """``concurrent.futures.process``, imported on first use: 30 ms that a one-notice ingest
    (analysed in this process, see POOL_MIN_FILES) never needs; the +1 target is < 1 s."""
    import concurrent.futures.process

    return concurrent.futures.process


class _WorkerPool:
    """Analysis processes, recreated when one dies; a file whose worker died is retried alone.

    ``spawn``, not ``fork``: the parent holds a DuckDB connection (the read-only check's or
    the writer's copy) with its own threads and locks, and a forked child would inherit that
    handle and any mutex a DuckDB thread held at the fork, free to deadlock or to touch the
    store on exit. A spawned worker is a fresh interpreter that imports only the analysis
    code and never opens the store; it costs ~0.4 s once per run, and it is the default on
    macOS anyway.
    """

    def __init__(self, workers: int, parse: bool) -> None:
        self.workers = workers
        self.parse = parse
        self._pool: ProcessPoolExecutor | None = None
        self._solo: ProcessPoolExecutor | None = None  # one worker, one file at a time

    def start(self) -> bool:
        """Start the workers and check they run; False when they cannot (the caller then
        analyses in this process), e.g. a script calling ingest_paths without an
        ``if __name__ == "__main__":`` guard, whose spawned workers die on start-up."""
        self._pool = self._new(self.workers)
        try:
            self._pool.submit(_ready).result(timeout=_START_TIMEOUT)
        except (_process().BrokenProcessPool, TimeoutError):
            # A worker re-running such a script may block on this run's write lock: stop it.
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                proc.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            return False
        return True

    def _new(self, workers: int) -> ProcessPoolExecutor:
        import multiprocessing

        return _process().ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )

    def submit(self, src: _Source) -> Future[_Loaded]:
        for _ in range(2):
            if self._pool is None:
                self._pool = self._new(self.workers)
            try:
                return self._pool.submit(WORKER_TASK, src.path, src.data, self.parse)
            except _process().BrokenProcessPool:  # a worker died since the last submit
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        raise RuntimeError("unreachable: a fresh pool refused a task")

    def result(self, src: _Source, future: Future[_Loaded]) -> _Loaded:
        """The worker's outcome; a worker that died or raised fails only this file."""
        try:
            return future.result()
        except _process().BrokenProcessPool:
            # Every file in flight in the dead pool lands here; only one (or none) killed it.
            return self._alone(src)
        except Exception as exc:
            return _Loaded(None, f"{src.path}: analysis failed / 分析失败: {exc!r}")

    def _alone(self, src: _Source) -> _Loaded:
        """Re-run a file lost with a dead pool in a one-worker pool, so nothing else can kill
        it: the file that kills its worker again fails with a one-line reason."""
        if self._solo is None:
            self._solo = self._new(1)
        try:
            return self._solo.submit(WORKER_TASK, src.path, src.data, self.parse).result()
        except _process().BrokenProcessPool:
            self._solo.shutdown(wait=False, cancel_futures=True)
            self._solo = None
            return _Loaded(
                None,
                f"{src.path}: analysis failed: the worker process died (killed, out of "
                "memory?) / 分析进程意外终止(可能内存不足)",
            )
        except Exception as exc:
            return _Loaded(None, f"{src.path}: analysis failed / 分析失败: {exc!r}")

    def close(self) -> None:
        for pool in (self._pool, self._solo):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._solo = None


def _snapshot(
    db_path: Path, files: Sequence[Path]
) -> tuple[duckdb.DuckDBPyConnection, dict[str, tuple[FileStat, str]]]:
    """A read-only connection to the live store and the (size, mtime_ns) stored for ``files``.

    Only the run's own paths are read (an archive's members are decided by content anyway):
    reading every stored source cost a one-notice run 0.07 s at 10k notices, growing with
    the store. Raises :class:`_NoSnapshot` when the store cannot be checked this way
    (missing, older or newer schema, damaged): the run then opens the writer at once, whose
    errors say why.
    """
    try:
        con = open_readonly(db_path)
    except (StoreError, duckdb.Error, OSError) as exc:
        raise _NoSnapshot from exc
    try:
        rows = con.execute(
            "SELECT s.source_path, s.file_size, s.file_mtime_ns, s.notice_id, s.seen_at "
            "FROM notice_sources s JOIN notices n USING (notice_id) "
            "WHERE n.extractor_version = $version AND s.file_mtime_ns IS NOT NULL "
            "AND s.source_path IN (SELECT unnest($paths::VARCHAR[]))",
            {"version": EXTRACTOR_VERSION, "paths": sorted({str(f) for f in files})},
        ).fetchall()
    except duckdb.Error as exc:
        con.close()
        raise _NoSnapshot from exc
    return con, {
        path: ((size, mtime), nid)
        for path, size, mtime, nid, seen in rows
        if mtime < int(seen.timestamp() * 1e9) - _RACY_NS
    }


# A file modified less than this before the run that read it is "racy" (git's term): a second
# write within the same timestamp tick, same size, would keep its mtime, so such a file is
# always compared by content instead of skipped on its stat.
_RACY_NS = 1_000_000_000


class _NoSnapshot(Exception):
    """The live store cannot be checked read-only; go the writer's way."""


class _Run:
    """One ingest run: cheap checks read-only, analysis (maybe in a pool), one writer.

    Order of business, so a run with nothing to write never opens the store for writing: a
    file whose (path, size, mtime_ns) is stored for a notice of the current extractor version
    is unchanged without being opened; the others are read (and analysed) and looked up in a
    read-only connection. The first one that needs writing takes the write lock (StoreWriter)
    and, unless the lock was free at once (see :meth:`_open_writer`), is looked up again, as
    is every later file: another writer may have written in between, and only answers read
    under the lock are safe to write on. Look-ups use a
    read-only connection reopened after each batch; each batch is one writer session, during
    which analysis goes on in the pool (the writer overlaps the workers).
    """

    def __init__(
        self,
        files: list[Path],
        notes: dict[Path, list[str]],
        summary: IngestSummary,
        db_path: Path,
        progress: ProgressFn | None,
        parse: bool,
        workers: int,
    ) -> None:
        self.files, self.notes, self.summary = files, notes, summary
        self.db_path, self.progress, self.parse, self.workers = db_path, progress, parse, workers
        self.started = datetime.now()
        self.stack = contextlib.ExitStack()
        self.readonly: duckdb.DuckDBPyConnection | None = None
        self.writer: StoreWriter | None = None
        self.known: dict[str, tuple[FileStat, str]] = {}
        self.batch: list[_Plan] = []
        self.queued: list[tuple[_Source, _Loaded]] = []
        self.batch_limit = BATCH_SIZE  # grows while no reader waits: next_batch_limit
        self.planned: set[str] = set()
        self.wrote_any = False
        self.stored = 0  # files whose notice a committed batch of this run holds
        self.finished = 0

    def run(self) -> IngestSummary:
        with self.stack:
            self.stack.callback(self._close_readonly)
            try:
                self.readonly, self.known = _snapshot(self.db_path, self.files)
            except _NoSnapshot:
                self._open_writer()
            reader = self._read_serial if self.workers == 1 else self._read_parallel
            # closing(): an interrupted run shuts its workers down now, not at collection.
            with contextlib.closing(reader(self._listed())) as stream:
                for src, read in stream:
                    self._take(src, read)
            self._decide_queued()
            if self.batch:
                self._flush(final=True)
            elif self.writer is not None:
                self._write_session([], final=True)
            elif self._aliases_changed():
                # Nothing else to write, but the aliases file changed: names are data too.
                self._open_writer()
                self._write_session([], final=True)
        return self.summary

    def _aliases_changed(self) -> bool:
        from extract.store.aliases import aliases_changed, aliases_path

        try:
            return aliases_changed(self._lookups(), aliases_path(self.db_path))
        except (StoreError, duckdb.Error):
            return False  # the run's own lookups reported any trouble with the store

    def _sync_aliases(self, con: duckdb.DuckDBPyConnection) -> None:
        """Load the aliases file with the run's last batch when it changed (see store/aliases).

        A bad file keeps the names already stored and says so in one line; it never fails the
        notices of the run.
        """
        from extract.store.aliases import AliasesError, aliases_changed, aliases_path, sync_aliases

        path = aliases_path(self.db_path)
        if not aliases_changed(con, path):
            return
        try:
            sync_aliases(con, path)
        except AliasesError as exc:
            self.summary.notes.append(f"{exc} (names unchanged / 名称未更新)")

    # -- sources, in input order ------------------------------------------------------------
    def _listed(self) -> Iterator[_Source]:
        for file in self.files:
            for item in _sources(file):
                if isinstance(item, FileResult):
                    yield _Source(item.path, None, (None, None), item)
                    continue
                path, data = item
                stat_now = _file_stat(path, data)
                known = self.known.get(str(path))
                src = _Source(path, data, stat_now)
                if data is None and known is not None and known[0] == stat_now:
                    notes = self.notes.get(path, ())
                    warnings = [w if str(path) in w else f"{path}: {w}" for w in notes]
                    src.result = FileResult(path, "unchanged", known[1], warnings=warnings)
                yield src

    def _read_serial(
        self, sources: Iterable[_Source]
    ) -> Generator[tuple[_Source, _Loaded], None, None]:
        """Read in this process; analysis waits for the batch (see _analyse_batch)."""
        for src in sources:
            yield src, _Loaded(None) if src.result else _read_source(src.path, src.data)

    def _read_parallel(
        self, sources: Iterable[_Source]
    ) -> Generator[tuple[_Source, _Loaded], None, None]:
        """Read and analyse in worker processes, yielding in input order, ``2 * BATCH_SIZE``
        files ahead: workers rarely wait for the writer's transaction while memory stays
        bounded (a record is ~10x its text), whatever size the batches have grown to."""
        it = iter(sources)
        head: list[_Source] = []
        to_read = 0
        for src in it:  # is the run worth starting workers for?
            head.append(src)
            to_read += src.result is None
            if to_read >= POOL_MIN_FILES:
                break
        if to_read < POOL_MIN_FILES:
            yield from self._read_serial(head)
            return
        pool = _WorkerPool(self.workers, self.parse)
        if not pool.start():
            yield from self._read_serial(itertools.chain(head, it))
            return
        window: deque[tuple[_Source, Future[_Loaded] | None]] = deque()
        try:
            for src in itertools.chain(head, it):
                window.append((src, None if src.result else pool.submit(src)))
                while len(window) > 2 * BATCH_SIZE:
                    yield self._resolve(pool, *window.popleft())
            while window:
                yield self._resolve(pool, *window.popleft())
        finally:
            pool.close()

    @staticmethod
    def _resolve(
        pool: _WorkerPool, src: _Source, future: Future[_Loaded] | None
    ) -> tuple[_Source, _Loaded]:
        return src, _Loaded(None) if future is None else pool.result(src, future)

    # -- deciding and writing -----------------------------------------------------------------
    def _done(self, path: Path) -> None:
        self.finished += 1
        if self.progress is not None:  # an archive's members count as they are read
            self.progress(self.finished, max(len(self.files), self.finished), path)

    def _take(self, src: _Source, read: _Loaded) -> None:
        """Queue a source; the queue is decided a batch at a time (see :meth:`_decide_queued`)."""
        self.queued.append((src, read))
        if len(self.queued) >= BATCH_SIZE:
            self._decide_queued()

    def _decide_queued(self) -> None:
        """Decide the queued sources in order, looking them all up with one query pair.

        The answers stay valid until the store or the lock changes under them: when the first
        file that needs writing takes the write lock (it and every later file are looked up
        again under the lock: another writer may have written in between) and after a batch
        is written (a later file may hold a notice that batch stored).
        """
        queued, self.queued = self.queued, []
        while queued:
            keys = [
                (_read_id(read), src.path)
                for src, read in queued
                if src.result is None and read.loaded is not None
            ]
            states = stored_states(self._lookups(), keys) if keys else {}
            done = 0
            for src, read in queued:
                fresh = self._decide_one(src, read, states)
                if fresh is None:  # the lock was just taken: decide this file again
                    break
                done += 1
                if not fresh:
                    break
            queued = queued[done:]

    def _decide_one(
        self,
        src: _Source,
        read: _Loaded,
        states: Mapping[tuple[str, Path], StoredState],
    ) -> bool | None:
        """Decide one source; False when the look-ups are stale after it (a batch was
        written), None when it must be decided again (the write lock was just taken)."""
        if src.result is not None:
            self.summary.results.append(src.result)
            self._done(src.path)
            return True
        notes = self.notes.get(src.path, ())
        outcome = _decide(states, src.path, read, self.planned, notes, src.stat)
        if isinstance(outcome, _Plan) and self.writer is None and not self._open_writer():
            return None
        if isinstance(outcome, _Plan):
            self.batch.append(outcome)
            self.summary.results.append(outcome.result)
            if outcome.needs_analysis and outcome.result.notice_id:
                self.planned.add(outcome.result.notice_id)
        else:
            self.summary.results.append(outcome)
            self._done(src.path)
        if len(self.batch) >= self.batch_limit:
            self._flush()
            return False
        return True

    def _open_writer(self) -> bool:
        """Take the write lock (creating or upgrading the store); write in sessions from now.

        Returns whether the look-ups made so far still hold. They do when the lock is free at
        once while this run's read-only connection is open: no writer can have written since
        that connection opened (DuckDB refuses a read-write open while any process reads, and
        a writer waiting for it would hold the lock), so the store is the one looked up, at the
        schema the snapshot checked, and the check of views and taxonomy can wait for the
        first batch's session. Otherwise the connection is closed first (a writer holding the
        lock may be waiting for it to close) and every answer is read again under the lock.
        """
        if self.readonly is not None:
            quick = StoreWriter(self.db_path, session=False, upgrade_first=False, wait=False)
            try:
                self.writer = self.stack.enter_context(quick)
                return True
            except WriterBusy:
                pass
        self._close_readonly()
        self.writer = self.stack.enter_context(StoreWriter(self.db_path, session=False))
        return False

    def _lookups(self) -> duckdb.DuckDBPyConnection:
        """The read-only connection _decide looks files up in, reopened after each batch."""
        if self.readonly is None:
            self.readonly = open_readonly(self.db_path)
        return self.readonly

    def _close_readonly(self) -> None:
        if self.readonly is not None:
            self.readonly.close()
            self.readonly = None

    def _flush(self, *, final: bool = False) -> None:
        """Analyse what the pool has not, and write the batch, with the cyclic GC paused.

        Why paused: the batch's records (tens of thousands of small objects) are alive
        throughout, and each generational pass the writer's allocations trigger traverses
        them again; measured, that was 29% of the writer's time on 1,000 generated notices
        (27.1 -> 19.3 s). The writer's structures are freed by reference counting; the
        batch's own garbage goes when the batch does, and the collector runs again after.
        """
        assert self.writer is not None
        with gc_paused():
            plans = _analyse_batch(self.batch, parse=self.parse, done=self._done)
            batch, self.batch, self.planned = self.batch, [], set()
            self._write_session(plans, final=final, batch=batch)
        self.batch_limit = next_batch_limit(self.batch_limit, self.writer.readers_waited)
        self.writer.readers_waited = False

    def _write_session(
        self, plans: list[_Plan], *, final: bool, batch: Sequence[_Plan] = ()
    ) -> None:
        """One writer session: the batch's transactions, and the run's record if ``final``.

        If the session cannot open (a reader holding the file too long, disk trouble), none of
        the batch was written, and its files say so. If only the closing checkpoint fails, the
        transactions are committed (in DuckDB's WAL, which readers replay and the next writer
        folds in), so the files stay stored, with a warning.
        """
        assert self.writer is not None
        self._close_readonly()  # this process's read-only handle would block the open
        opened = False
        try:
            # A few notices: skip the row-group merge (0.25 s of a +1 at 10k; see
            # count_unmerged_session for when the merge happens after all)
            small = len(plans) < SMALL_ROW_GROUP
            with self.writer.session(vacuum=not small) as con:
                opened = True
                _write_batch(con, plans, self.started)
                self.wrote_any = self.wrote_any or bool(plans)
                written = sum(p.result.status in ("new", "updated") for p in plans)
                self.stored += written
                if final:
                    self._sync_aliases(con)
                    self._record_run(con)
                    if small and written and count_unmerged_session(con):
                        # the sessions that skipped it have left enough row groups
                        allow_vacuum(con)
        except (StoreError, OSError, duckdb.Error) as exc:
            if _is_damage(exc):
                raise
            if opened:
                note = (
                    f"stored, but the database could not be checkpointed ({first_line(exc)}); "
                    "the next ingest completes it / 已保存,但数据库检查点未完成"
                )
                for p in plans:
                    if p.result.status in ("new", "updated", "unchanged"):
                        p.result.warnings.append(f"{p.result.path}: {note}")
                return
            reason = f"not stored, the database could not be opened for writing: {first_line(exc)}"
            for p in batch or plans:
                if p.result.status in ("new", "updated", "unchanged"):
                    p.result.status, p.result.quantities = "failed", 0
                    p.result.error = f"{p.result.path}: {reason} / 未保存"

    def _record_run(self, con: duckdb.DuckDBPyConnection) -> None:
        """The run's row in ``ingest_runs``, written with its last batch."""
        record_run(con, self.summary, self.started)


def record_run(con: duckdb.DuckDBPyConnection, summary: IngestSummary, started: datetime) -> None:
    """Insert a run's row in ``ingest_runs`` (an ingest's, or a shard merge's)."""
    import uuid  # late: a run needs it once, at its end

    con.execute(
        "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            uuid.uuid4().hex[:12],
            started,
            datetime.now(),
            len(summary.results),
            summary.new,
            summary.updated,
            summary.unchanged,
            summary.failed,
            summary.quantities,
        ],
    )
