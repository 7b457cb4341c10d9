"""``xuncha export``: the metric CSVs (or Parquet files), one per view, for Excel and for cron.

The file names and column orders are a contract (documented in the README): columns come from
the views in ``sql/views/`` in their written order, rows in a fixed order, so a diff between
two exports shows only real changes.

The set is atomic: every file and ``manifest.json`` are written into a staging folder beside
the output folder, which is then exchanged with it in one step (``renameat2(RENAME_EXCHANGE)``
on Linux; elsewhere two renames). A reader, or a cron job killed half-way, never sees old and
new CSVs mixed under one manifest, and no temporary file is left in the output folder. Files
in the output folder that an export did not write are carried over (hard links), untouched.

Memory is bounded whatever the store's size (issue 12: 4.9 GB at 10,000 notices before):
every file streams from DuckDB as Arrow record batches (:data:`BATCH_ROWS` rows each) into the
one CSV writer (:func:`extract.csvout.write_csv_stream`) or a Parquet writer; DuckDB itself is
capped at :data:`DUCKDB_MEMORY` and sorts larger results on disk in the staging folder. Why
batches rather than DuckDB's own ``COPY … TO``: COPY writes neither a BOM nor CRLF nor parts
of one Excel sheet, and cannot guard formula cells, so its file would need a second pass;
``scripts/bench_export.py`` measures both. A CSV longer than an Excel sheet is split into
``name-001.csv`` … (see :data:`extract.csvout.EXCEL_MAX_ROWS`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from extract.csvout import (
    EXCEL_MAX_ROWS,
    CsvPart,
    HashingFile,
    file_mode,
    write_atomic,
    write_csv_stream,
)
from extract.store import open_readonly


@dataclass(frozen=True)
class ExportSpec:
    """One CSV: which view, in which row order."""

    filename: str
    view: str
    order_by: str
    description: str
    columns: tuple[str, ...] = ()  # a subset of the view's columns, in order; () = all


EXPORTS: tuple[ExportSpec, ...] = (
    ExportSpec(
        "notices.csv",
        "v_notices",
        "inspected_unit, notice_id",
        "one row per notice: metadata, counts, completion rate",
    ),
    ExportSpec(
        "completion.csv",
        "v_completion",
        "inspected_unit, notice_id",
        "completion figures, stated vs recomputed",
    ),
    ExportSpec(
        "quantities.csv",
        "v_quantities",
        "notice_id, quantity_id",
        "every quantity with its sentence, offsets and canonical metric",
    ),
    ExportSpec(
        "metrics.csv",
        "v_metric_values",
        "inspected_unit, notice_id, metric_id, unit",
        "long form: per notice, canonical metric and unit, the value (restatements once)",
        (
            "notice_id",
            "inspected_unit",
            "metric_id",
            "metric_name",
            "unit",
            "value",
            "statements",
            "quantity_ids",
            "aggregate",
            "distinct_statements",
            "restated_statements",
            "values_disagree",
            "any_approx",
            "taxonomy_version",
        ),
    ),
    ExportSpec(
        "problems.csv",
        "v_problem_quantities",
        "notice_id, problem_id",
        "per problem: status and quantity counts",
    ),
)
# Built from v_metric_values by a pivot: one column per (metric, unit) stated anywhere.
WIDE_FILE = "metrics_wide.csv"
WIDE_DESCRIPTION = "one row per notice, one column per canonical metric (中文名 + unit)"
MANIFEST = "manifest.json"


FORMATS = ("csv", "parquet")
# Rows per Arrow batch: big enough that per-batch overhead vanishes (about 50 MB of
# quantities.csv rows at most), small enough that memory stays far below the 1 GB target.
BATCH_ROWS = 65_536
# DuckDB's own memory for one export; it spills a larger sort to disk (in the staging folder)
# instead of growing, which keeps an export of any store under about 1 GB of RSS.
DUCKDB_MEMORY = "400MB"
# Notices per query of a file sorted by notice (see notice_chunks).
CHUNK_NOTICES = 1000


@dataclass
class ExportedFile:
    """A written file, as listed in manifest.json (``part_of``: the table a part belongs to)."""

    name: str
    rows: int
    sha256: str
    columns: list[str]
    part_of: str | None = None


def _query(
    spec: ExportSpec,
    since: date | None,
    chunk: tuple[str | None, str | None] = (None, None),
    *,
    limit: int | None = None,
) -> tuple[str, list[object]]:
    """The SELECT behind one file, or behind the notices ``lo <= notice_id < hi`` of it."""
    columns = ", ".join(spec.columns) if spec.columns else "*"
    where: list[str] = []
    params: list[object] = []
    if since is not None:
        where.append(_SINCE)
        params.append(datetime.combine(since, datetime.min.time()))
    lo, hi = chunk
    if lo is not None:
        where.append("notice_id >= ?")
        params.append(lo)
    if hi is not None:
        where.append("notice_id < ?")
        params.append(hi)
    sql = f"SELECT {columns} FROM {spec.view}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY {spec.order_by}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def notice_chunks(con: duckdb.DuckDBPyConnection) -> list[tuple[str | None, str | None]]:
    """Ranges of :data:`CHUNK_NOTICES` notice ids, in order, covering every id.

    Why: a view like ``v_quantities`` joins every quantity to its notice's text; sorted whole,
    a store of 10,000 notices needs over a gigabyte in DuckDB before the first row comes out
    (an out-of-memory error under :data:`DUCKDB_MEMORY`). A file sorted by notice first is
    the concatenation of its per-range queries, each small.
    """
    ids = [str(r[0]) for r in con.execute("SELECT notice_id FROM notices ORDER BY 1").fetchall()]
    bounds: list[str | None] = [ids[k] for k in range(CHUNK_NOTICES, len(ids), CHUNK_NOTICES)]
    return list(zip([None, *bounds], [*bounds, None], strict=True))


def _spec_batches(
    con: duckdb.DuckDBPyConnection,
    spec: ExportSpec,
    since: date | None,
    chunks: list[tuple[str | None, str | None]],
) -> pa.RecordBatchReader:
    """One file's rows as one stream: range by range when its order starts with notice_id."""
    schema = _batches(con, *_query(spec, since, limit=0)).schema
    if not spec.order_by.replace(" ", "").startswith("notice_id,"):
        chunks = [(None, None)]

    def stream() -> Iterator[pa.RecordBatch]:
        for chunk in chunks:
            yield from _batches(con, *_query(spec, since, chunk))

    return pa.RecordBatchReader.from_batches(schema, stream())


_SINCE = "notice_id IN (SELECT notice_id FROM notices WHERE ingested_at >= ?)"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def wide_query(con: duckdb.DuckDBPyConnection, since: date | None) -> tuple[str, list[object]]:
    """The pivot behind ``metrics_wide.csv``: one row per notice, one column per (metric, unit).

    Columns are named ``中文名(unit) [id]`` and ordered by metric id then unit, so they stay put
    between exports; a notice that does not state a metric has an empty cell, never 0. Built
    in SQL so DuckDB aggregates in its own (capped) memory and the result streams like a view.
    """
    where = f" WHERE {_SINCE}" if since is not None else ""
    params: list[object] = [] if since is None else [datetime.combine(since, datetime.min.time())]
    keys = con.execute(
        "SELECT DISTINCT metric_id, unit, first(metric_name) OVER (PARTITION BY metric_id) "
        f"FROM v_metric_values{where} ORDER BY metric_id, unit",
        params,
    ).fetchall()
    cells = [
        "first(value) FILTER (WHERE metric_id = ? AND unit IS NOT DISTINCT FROM ?) AS "
        + _quote(f"{name}({unit}) [{metric_id}]")
        for metric_id, unit, name in keys
    ]
    key_params: list[object] = [v for metric_id, unit, _ in keys for v in (metric_id, unit)]
    select = ", ".join(["notice_id", "inspected_unit", *cells])
    sql = (
        f"SELECT {select} FROM v_metric_values{where} GROUP BY notice_id, inspected_unit "
        "ORDER BY coalesce(inspected_unit, ''), notice_id"
    )
    return sql, key_params + params


def _batches(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object]
) -> pa.RecordBatchReader:
    """The rows of ``sql`` as a stream of Arrow batches (never the whole result at once)."""
    rel = con.sql(sql, params=params)
    # DuckDB 2 names it to_arrow_reader; 1.x (still allowed by pyproject) fetch_record_batch.
    to_reader = getattr(rel, "to_arrow_reader", None) or rel.fetch_record_batch
    reader: pa.RecordBatchReader = to_reader(BATCH_ROWS)
    return reader


def write_parquet_stream(path: Path, batches: pa.RecordBatchReader) -> CsvPart:
    """Stream ``batches`` into one zstd Parquet file (typed, unguarded: for machines)."""
    rows = 0
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        sink = HashingFile(fh)
        with pq.ParquetWriter(
            pa.PythonFile(sink, mode="w"), batches.schema, compression="zstd"
        ) as w:
            for batch in batches:
                w.write_batch(batch)
                rows += batch.num_rows
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, file_mode())
    os.replace(tmp, path)
    return CsvPart(path.name, rows, sink.digest.hexdigest())


def _open_store(db_path: Path, spill: Path) -> duckdb.DuckDBPyConnection:
    """The one place the export opens the store: read-only, memory capped, spilling to ``spill``."""
    con = open_readonly(db_path)
    try:
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
        con.execute(f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
        con.execute("SET enable_progress_bar = false")  # stdout belongs to the CLI
    except BaseException:
        con.close()
        raise
    return con


def export_all(
    db_path: Path,
    out_dir: Path,
    *,
    since: date | None = None,
    bom: bool = True,
    fmt: str = "csv",
    max_rows: int = EXCEL_MAX_ROWS,
) -> list[ExportedFile]:
    """Write every file of :data:`EXPORTS`, ``metrics_wide`` and ``manifest.json``.

    ``since`` keeps only notices ingested on or after that day; ``fmt`` is ``csv`` (for
    Excel: parts of at most ``max_rows`` rows, header included) or ``parquet`` (one file per
    view, for machines). Opens the database read-only, so it runs safely beside the dashboard
    and an ingest. See the module docstring for the staging folder and the bounded memory.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    stage = _staging_dir(out_dir)
    written: list[ExportedFile] = []
    try:
        spill = stage / ".spill"
        con = _open_store(db_path, spill)
        try:
            chunks = notice_chunks(con)
            for spec in EXPORTS:
                batches = _spec_batches(con, spec, since, chunks)
                written += _write_one(stage, spec.filename, batches, fmt, bom, max_rows)
            wide = _batches(con, *wide_query(con, since))
            written += _write_one(stage, WIDE_FILE, wide, fmt, bom, max_rows)
        finally:
            con.close()
        shutil.rmtree(spill, ignore_errors=True)
        manifest = {
            "generated_at": datetime.now().isoformat(timespec="seconds"),
            "database": str(db_path),
            "since": since.isoformat() if since else None,
            "format": fmt,
            "encoding": ("utf-8-sig" if bom else "utf-8") if fmt == "csv" else None,
            "excel_max_rows": max_rows if fmt == "csv" else None,
            "files": [{k: v for k, v in f.__dict__.items() if v is not None} for f in written],
        }
        write_atomic(
            stage / MANIFEST,
            json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
        )
        _carry_over_foreign(out_dir, stage, {f.name for f in written} | {MANIFEST})
        _swap_into_place(stage, out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return written


def _write_one(
    stage: Path,
    filename: str,
    batches: pa.RecordBatchReader,
    fmt: str,
    bom: bool,
    max_rows: int,
) -> list[ExportedFile]:
    """Stream one file (or its parts); the manifest entries for them."""
    columns = [str(n) for n in batches.schema.names]
    if fmt == "parquet":
        path = stage / (filename.rsplit(".", 1)[0] + ".parquet")
        part = write_parquet_stream(path, batches)
        return [ExportedFile(part.name, part.rows, part.sha256, columns)]
    parts = write_csv_stream(stage, filename, columns, batches, bom=bom, max_rows=max_rows)
    whole = filename if len(parts) > 1 else None
    return [ExportedFile(p.name, p.rows, p.sha256, columns, whole) for p in parts]


def _staging_dir(out_dir: Path) -> Path:
    """A fresh sibling of ``out_dir`` (same filesystem, so the exchange is a rename)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.parent.glob(f".{out_dir.name}.export-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)  # left by an export that was killed
    stage = out_dir.parent / f".{out_dir.name}.export-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(mode=0o777)
    return stage


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _ours(out_dir: Path) -> set[str]:
    """Names a previous export wrote into ``out_dir`` (its manifest's files, and itself)."""
    # metric_totals.csv: written by xuncha 0.1 (it summed percents), superseded by metrics.csv
    names = {MANIFEST, "metric_totals.csv"} | {s.filename for s in EXPORTS} | {WIDE_FILE}
    names |= {n.rsplit(".", 1)[0] + ".parquet" for n in names if n.endswith(".csv")}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        old = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        names |= {str(f["name"]) for f in old["files"]}
    return names


def _carry_over_foreign(out_dir: Path, stage: Path, written: set[str]) -> None:
    """Hard-link (or copy) into ``stage`` whatever in ``out_dir`` an export did not write."""
    if not out_dir.is_dir():
        return
    ours = _ours(out_dir) | written
    for entry in out_dir.iterdir():
        if entry.name in ours:
            continue
        target = stage / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _swap_into_place(stage: Path, out_dir: Path) -> None:
    """Make ``stage`` the output folder in one step; the old one ends up in ``stage``."""
    if not out_dir.exists():
        os.rename(stage, out_dir)
        stage.mkdir()  # so the caller's cleanup has something to remove
        return
    if not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir}: exists and is not a folder / 输出路径不是文件夹")
    if _exchange(stage, out_dir):
        return
    # No atomic exchange here (macOS, old libc): two renames, the gap as short as can be.
    old = stage.with_name(stage.name + ".old")
    os.rename(out_dir, old)
    os.rename(stage, out_dir)
    os.rename(old, stage)
