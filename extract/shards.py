"""Distributed ingest: analyse files in shards anywhere, then merge them through the one writer.

``xuncha ingest PATH… --shard i/n --out DIR`` analyses the files of shard ``i`` (of ``n``) with
the per-document function every ingest uses (:func:`extract.ingest.analyse_file`, i.e.
:func:`extract.pipeline.analyse`) and writes
``DIR/shard-i-of-n/<table>.parquet``: the rows the writer would insert, one file per table,
with the schema of the store's migrations (:func:`pinned_schemas`). No shard touches the
database, so shards run on any machine (Slurm job array, Spark, Dask; see
:mod:`extract.distributed` and the README's "Running on a cluster").

Which shard a file belongs to: the first 8 bytes of the sha256 of its path as listed (POSIX
form), modulo ``n``. A hash rather than "position in sorted order modulo n" so that adding a
file moves no other file to another shard; every shard must be given the same PATH arguments
(the same listing), which also gives each file its global position, recorded with its rows.

Each table is written under a temporary name and renamed; ``_SUCCESS`` is written last and
holds the shard's fingerprint (its files with size and mtime, the extractor version), so a
rerun skips a shard whose inputs did not change and redoes one that was killed midway.

``xuncha merge DIR`` (:func:`merge_shards`) validates every shard (marker, fingerprint
version, schema; one line per bad shard) and then replays the files in their global order
through the same decisions a local ingest makes (new, updated, unchanged, same content
earlier in the run), and writes them in batches of :data:`extract.ingest.BATCH_SIZE` over that
order, one writer session and transaction each, as a local ingest does: the rows (built by
:mod:`extract.store.records`, so a shard holds exactly what an ingest inserts), then the
batch's shared passages (:func:`extract.store.passages.store_passages`). Readers get in
between batches. The store equals that of ``xuncha ingest`` of the same files except the
run's timestamps (``notices.ingested_at``, ``notice_sources.seen_at``,
``shared_clusters.labelled_at``, ``ingest_runs``). Merging twice changes nothing: the second
merge finds every file unchanged; a merge killed midway keeps its committed batches.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from extract import ingest as _ingest
from extract.audit.shared import PassageSignature, SignatureTable
from extract.ingest import (
    BATCH_SIZE,
    FileResult,
    IngestSummary,
    StoredState,
    analyse_file,
    collect_files,
    record_run,
    stored_states,
)
from extract.pipeline import EXTRACTOR_VERSION, AnalysedNotice, notice_id_for
from extract.store import StoreWriter, open_readonly
from extract.store.arrowio import insert_rows
from extract.store.errors import StoreError
from extract.store.passages import store_passages
from extract.store.records import (
    RECORD_TABLES,
    Row,
    arrow_rows,
    record_rows,
    source_row,
)

SUCCESS = "_SUCCESS"
SHARD_DIR = re.compile(r"^shard-(\d+)-of-(\d+)$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# Store tables a shard carries, with the columns the writer fills: extract.store.records'
# RECORD_TABLES, the one record <-> table mapping (imported above).
# One row per source (file or archive member) of the shard, in the global input order.
SOURCES_SCHEMA = pa.schema(
    [
        ("file_index", pa.int64()),
        ("member_index", pa.int64()),
        ("source_path", pa.string()),
        ("status", pa.string()),  # read | failed | analysis_failed
        ("error", pa.string()),
        ("warnings", pa.list_(pa.string())),
        ("notice_id", pa.string()),
        ("file_sha256", pa.string()),
        ("file_size", pa.int64()),
        ("file_mtime_ns", pa.int64()),
    ]
)
# The passage signatures of each notice (extract.audit.shared.PassageSignature), for the merge.
SIGNATURES_SCHEMA = pa.schema(
    [
        ("notice_id", pa.string()),
        ("signature_index", pa.int32()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
        ("band_keys", pa.list_(pa.int64())),
        ("minhash", pa.binary()),
        ("text_key", pa.int64()),
        ("masked_key", pa.string()),
    ]
)
SHARD_FILES = (*RECORD_TABLES, "sources", "signatures")


class ShardError(StoreError):
    """Shards that cannot be written or merged; ``lines`` holds one line per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (0 ≤ index < count)."""

    index: int
    count: int

    @property
    def name(self) -> str:
        return f"shard-{self.index}-of-{self.count}"


def parse_shard(text: str) -> Shard:
    """``"i/n"`` → :class:`Shard`; a ValueError with a bilingual one-line reason otherwise."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or int(m.group(2)) < 1 or int(m.group(1)) >= int(m.group(2)):
        raise ValueError(
            f"--shard {text}: give i/n with 0 <= i < n, e.g. 0/4 / --shard 格式为 i/n,0 <= i < n"
        )
    return Shard(int(m.group(1)), int(m.group(2)))


def shard_of(path: Path, count: int) -> int:
    """The shard a listed path belongs to (stable across runs, machines and added files)."""
    digest = hashlib.sha256(path.as_posix().encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count


@cache
def pinned_schemas() -> dict[str, pa.Schema]:
    """Every shard file's Arrow schema: store tables typed by the migrations, plus our two."""
    from extract.store.migrate import upgrade

    con = duckdb.connect(":memory:")
    try:
        upgrade(con, Path(":memory:"))
        out: dict[str, pa.Schema] = {}
        for table, columns in RECORD_TABLES.items():
            rel = con.sql(f"SELECT {', '.join(columns)} FROM {table} LIMIT 0")
            to_arrow = getattr(rel, "to_arrow_table", None) or rel.arrow
            out[table] = to_arrow().schema
    finally:
        con.close()
    out["sources"] = SOURCES_SCHEMA
    out["signatures"] = SIGNATURES_SCHEMA
    return out


def _record_rows(rec: AnalysedNotice, now: datetime) -> dict[str, list[Row]]:
    """The rows the writer inserts for one analysed notice, per table, and its signatures."""
    rows = record_rows(rec, now)
    table = SignatureTable.of(rec.signatures)  # read column-wise, no object per passage
    cut = table.minhash_offsets.tolist()
    rows["signatures"] = [
        {
            "notice_id": rec.notice_id,
            "signature_index": i,
            "start_offset": start,
            "end_offset": end,
            "band_keys": bands,
            "minhash": table.minhashes[cut[i - 1] : cut[i]],
            "text_key": text_key,
            "masked_key": key,
        }
        for i, (start, end, bands, text_key, key) in enumerate(
            zip(
                table.starts.tolist(),
                table.ends.tolist(),
                table.band_rows(),
                table.text_keys.tolist(),
                table.keys,
                strict=True,
            ),
            start=1,
        )
    ]
    return rows


def _source_entry(
    file_index: int,
    member_index: int,
    path: str,
    status: str,
    error: str | None,
    warnings: Sequence[str] = (),
    notice_id: str | None = None,
    file_sha256: str | None = None,
    file_size: int | None = None,
    file_mtime_ns: int | None = None,
) -> Row:
    """One row of a shard's ``sources`` file (see SOURCES_SCHEMA), by name."""
    return {
        "file_index": file_index,
        "member_index": member_index,
        "source_path": path,
        "status": status,
        "error": error,
        "warnings": list(warnings),
        "notice_id": notice_id,
        "file_sha256": file_sha256,
        "file_size": file_size,
        "file_mtime_ns": file_mtime_ns,
    }


class _TableSink:
    """One shard file being written: rows buffered, flushed as row groups, renamed at the end."""

    def __init__(self, folder: Path, table: str, schema: pa.Schema) -> None:
        self.path = folder / f"{table}.parquet"
        self.tmp = folder / f".{table}.parquet.tmp"
        self.schema = schema
        self.rows: list[Row] = []
        self.writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(arrow_rows(self.rows, self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
        with open(self.tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


@dataclass
class ShardResult:
    """What ``ingest --shard`` did: the folder, whether it was skipped, per-source outcomes."""

    folder: Path
    skipped: bool
    sources: int
    failed: list[str]
    notices: int


def _listing(paths: Sequence[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """The files of a run in input order; URLs are refused (a shard must not fetch)."""
    local = [p for p in paths if not (isinstance(p, str) and _URL.match(p))]
    urls = [p for p in paths if isinstance(p, str) and _URL.match(p)]
    files, missing, _ = collect_files(local)
    missing += [
        FileResult(
            Path(u),
            "failed",
            error=f"{u}: a URL is fetched by a local `xuncha ingest`, not by a shard / "
            "网址请用普通导入抓取",
        )
        for u in urls
    ]
    return files, missing


def _fingerprint(files: Iterable[tuple[int, Path]], missing: Iterable[FileResult]) -> str:
    """What a finished shard was made from: a rerun with the same fingerprint is skipped."""
    h = hashlib.sha256(EXTRACTOR_VERSION.encode())
    for k, f in files:
        st = _ingest._file_stat(f, None)
        h.update(f"\n{k}\t{f.as_posix()}\t{st[0]}\t{st[1]}".encode("utf-8", "surrogateescape"))
    for r in missing:
        h.update(f"\nmissing\t{r.path}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _listing_digest(files: Sequence[Path], missing: Sequence[FileResult]) -> str:
    """The whole run's file list: every shard of one run must have been given the same one."""
    h = hashlib.sha256()
    for f in [*(r.path for r in missing), *files]:
        h.update(f.as_posix().encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _read_success(folder: Path) -> dict[str, object] | None:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads((folder / SUCCESS).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    return None


def write_shard(
    paths: Sequence[str | Path],
    out_dir: Path,
    shard: Shard,
    *,
    parse: bool = True,
    analyse: Callable[[Path, bytes | None, bool], _ingest._Loaded] = analyse_file,
    progress: Callable[[int, int, Path], None] | None = None,
) -> ShardResult:
    """Analyse the files of ``shard`` and write its Parquet files (see the module docstring)."""
    files, missing = _listing(paths)
    mine = [(k, f) for k, f in enumerate(files) if shard_of(f, shard.count) == shard.index]
    missing_mine = [
        (j, r) for j, r in enumerate(missing) if shard_of(r.path, shard.count) == shard.index
    ]
    folder = Path(out_dir) / shard.name
    fingerprint = _fingerprint(mine, (r for _, r in missing_mine))
    done = _read_success(folder)
    if done is not None and done.get("fingerprint") == fingerprint:
        return ShardResult(folder, True, int(str(done.get("sources", 0))), [], 0)
    shutil.rmtree(folder, ignore_errors=True)  # a killed or outdated attempt
    folder.mkdir(parents=True)
    schemas = pinned_schemas()
    sinks = {t: _TableSink(folder, t, schemas[t]) for t in SHARD_FILES}
    now = datetime.now()
    failed: list[str] = []
    seen: set[str] = set()
    count = 0
    try:
        for j, r in missing_mine:  # before every file, as a local ingest reports them
            sinks["sources"].rows.append(
                _source_entry(j - len(missing), 0, str(r.path), "failed", r.error)
            )
            failed.append(r.error or str(r.path))
        for n_done, (k, f) in enumerate(mine, start=1):
            for m, item in enumerate(_ingest._sources(f)):
                count += 1
                if isinstance(item, FileResult):
                    sinks["sources"].rows.append(
                        _source_entry(k, m, str(item.path), "failed", item.error)
                    )
                    failed.append(item.error or str(item.path))
                    continue
                path, data = item
                size, mtime = _ingest._file_stat(path, data)
                out = analyse(path, data, parse)
                if out.loaded is None:
                    sinks["sources"].rows.append(
                        _source_entry(
                            k,
                            m,
                            str(path),
                            "failed",
                            out.error,
                            file_size=size,
                            file_mtime_ns=mtime,
                        )
                    )
                    failed.append(out.error or str(path))
                    continue
                loaded = out.loaded
                nid = notice_id_for(loaded.text)
                warnings = [str(w) for w in loaded.warnings]
                status, error = "read", None
                if isinstance(out.analysed, str):
                    status, error = "analysis_failed", out.analysed
                    failed.append(f"{path}: analysis failed: {error}")
                elif isinstance(out.analysed, AnalysedNotice) and nid not in seen:
                    seen.add(nid)
                    for table, rows in _record_rows(out.analysed, now).items():
                        sinks[table].rows.extend(rows)
                sinks["sources"].rows.append(
                    _source_entry(
                        k,
                        m,
                        str(path),
                        status,
                        error,
                        warnings,
                        nid,
                        loaded.file_sha256,
                        size,
                        mtime,
                    )
                )
            if progress is not None:
                progress(n_done, len(mine), f)
            if n_done % BATCH_SIZE == 0:
                for sink in sinks.values():
                    sink.flush()
        for sink in sinks.values():
            sink.close()
    except BaseException:
        for sink in sinks.values():
            sink.discard()
        raise
    marker = {
        "fingerprint": fingerprint,
        "listing": _listing_digest(files, missing),
        "extractor_version": EXTRACTOR_VERSION,
        "shard": shard.index,
        "of": shard.count,
        "sources": count + len(missing_mine),
        "notices": len(seen),
        "written_at": now.isoformat(timespec="seconds"),
    }
    tmp = folder / f".{SUCCESS}.tmp"
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    os.replace(tmp, folder / SUCCESS)  # last: a shard without it is not finished
    return ShardResult(folder, False, count + len(missing_mine), failed, len(seen))


# -- merge ----------------------------------------------------------------------------------


def find_shards(out_dir: Path) -> tuple[list[Path], list[str]]:
    """The shard folders of ``out_dir`` and one line per problem (see :func:`merge_shards`)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return [], [f"{out_dir}: no such folder of shards / 分片文件夹不存在"]
    folders = sorted(p for p in out_dir.iterdir() if p.is_dir() and SHARD_DIR.match(p.name))
    if not folders:
        return [], [f"{out_dir}: holds no shard-i-of-n folder / 文件夹中没有分片"]
    problems: list[str] = []
    counts = {int(m.group(2)) for p in folders if (m := SHARD_DIR.match(p.name))}
    if len(counts) > 1:
        problems.append(
            f"{out_dir}: shards of different runs ({', '.join(f'of-{c}' for c in sorted(counts))})"
            " / 分片数量不一致"
        )
    else:
        (n,) = counts
        have = {int(m.group(1)) for p in folders if (m := SHARD_DIR.match(p.name))}
        for i in sorted(set(range(n)) - have):
            problems.append(f"{out_dir / f'shard-{i}-of-{n}'}: missing / 分片缺失")
    schemas = pinned_schemas()
    listings: dict[Path, object] = {}
    for folder in folders:
        found = _shard_problems(folder, schemas)
        problems += found
        marker = _read_success(folder)
        if not found and marker is not None:
            listings[folder] = marker.get("listing")
    if len(set(listings.values())) > 1:
        first = next(iter(listings))
        for folder, listing in listings.items():
            if listing != listings[first]:
                problems.append(
                    f"{folder}: made from other PATH arguments than {first.name}; give every "
                    "shard the same ones / 各分片的输入路径不一致"
                )
    return folders, problems


def _shard_problems(folder: Path, schemas: dict[str, pa.Schema]) -> list[str]:
    marker = _read_success(folder)
    if marker is None:
        return [
            f"{folder}: no {SUCCESS} marker, the shard did not finish; run it again / 分片未完成"
        ]
    if marker.get("extractor_version") != EXTRACTOR_VERSION:
        return [
            f"{folder}: made by {marker.get('extractor_version')}, this xuncha is "
            f"{EXTRACTOR_VERSION}; run the shard again / 分片由其他版本生成,请重新运行"
        ]
    for table in SHARD_FILES:
        path = folder / f"{table}.parquet"
        try:
            schema = pq.read_schema(path)
        except (OSError, pa.ArrowException) as exc:
            return [f"{path}: cannot be read ({str(exc).splitlines()[0]}) / 无法读取"]
        if schema.remove_metadata() != schemas[table]:
            return [f"{path}: schema differs from this xuncha's {table} table / 表结构不一致"]
    return []


@dataclass
class _Step:
    """One source in the merge's global order, and what storing it means."""

    source: dict[str, object]
    result: FileResult
    shard: str | None = None  # the shard whose rows are inserted for it (None: no rows)
    replace_existing: bool = False
    previous_id: str | None = None
    write_source: bool = False


def _sources(folders: Sequence[Path]) -> list[tuple[str, dict[str, object]]]:
    rows: list[tuple[str, dict[str, object]]] = []
    for folder in folders:
        table = pq.read_table(folder / "sources.parquet")
        rows += [(folder.name, r) for r in table.to_pylist()]
    rows.sort(key=lambda x: (int(str(x[1]["file_index"])), int(str(x[1]["member_index"]))))
    return rows


def _decide(
    states: Mapping[tuple[str, Path], StoredState],
    shard: str,
    src: dict[str, object],
    planned: set[str],
) -> _Step:
    """The decision :func:`extract.ingest._decide` makes for a file, on the shard's rows."""
    path = Path(str(src["source_path"]))
    warnings = [str(w) for w in (src["warnings"] or [])]  # type: ignore[attr-defined]
    warnings = [w if str(path) in w else f"{path}: {w}" for w in warnings]
    status = str(src["status"])
    nid = None if src["notice_id"] is None else str(src["notice_id"])
    if status == "failed" or nid is None:
        return _Step(src, FileResult(path, "failed", error=str(src["error"]), warnings=warnings))
    existing, previous = states[(nid, path)]
    previous_id = previous[0] if previous else None
    stat_now = (src["file_size"], src["file_mtime_ns"])
    if nid in planned or (existing and existing[0] == EXTRACTOR_VERSION):
        step = _Step(src, FileResult(path, "unchanged", nid, warnings=warnings))
        if previous is not None and previous_id == nid and tuple(previous[1:]) == stat_now:
            return step
        step.previous_id, step.write_source = previous_id, True
        return step
    new_status = "updated" if existing or (previous_id and previous_id != nid) else "new"
    result = FileResult(path, new_status, nid, warnings=warnings)
    if status == "analysis_failed":
        result.status = "failed"
        result.error = f"{path}: analysis failed: {src['error']}"
        planned.add(nid)
        return _Step(src, result)
    planned.add(nid)
    return _Step(src, result, shard, bool(existing), previous_id, write_source=True)


def _state_key(src: dict[str, object]) -> tuple[str, Path] | None:
    """The :func:`stored_states` key of a shard's source row (None: nothing to look up)."""
    if src["status"] == "failed" or src["notice_id"] is None:
        return None
    return str(src["notice_id"]), Path(str(src["source_path"]))


def merge_shards(out_dir: Path, db_path: Path) -> IngestSummary:
    """Load every shard of ``out_dir`` into ``db_path``; see the module docstring.

    The write lock is held for the whole merge, but the store is written in batches, one
    writer session each (as a local ingest does), so readers get in between batches instead of
    waiting for the whole merge; a merge killed midway keeps its committed batches, and the
    next merge finds them unchanged and writes the rest.
    """
    folders, problems = find_shards(out_dir)
    if problems:
        raise ShardError(problems)
    rows = _sources(folders)
    summary = IngestSummary()
    started = datetime.now()
    with StoreWriter(Path(db_path), session=False) as writer:
        # Decided once, under the write lock (no other writer can change the answers), on a
        # read-only connection: a merge with nothing to write never opens the file for writing.
        con = open_readonly(Path(db_path))
        try:
            planned: set[str] = set()
            states = stored_states(con, [key for _, src in rows if (key := _state_key(src))])
            steps = [_decide(states, shard, src, planned) for shard, src in rows]
        finally:
            con.close()
        _mark_failed_duplicates(steps)
        summary.results = [s.result for s in steps]
        if not any(s.write_source for s in steps):
            return summary  # nothing to write: the store is left as it is
        cursors = {f.name: _ShardRows(f) for f in folders}
        batches = _step_batches(steps)
        for k, batch in enumerate(batches):
            with writer.session() as con:
                con.execute("BEGIN TRANSACTION")
                try:
                    _write(con, batch, cursors, started)
                    if k == len(batches) - 1:
                        record_run(con, summary, started)
                    con.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        con.execute("ROLLBACK")
                    raise
    return summary


def _mark_failed_duplicates(steps: Sequence[_Step]) -> None:
    """A later file with the content of one whose analysis failed fails too (as in ingest)."""
    failed = {s.result.notice_id for s in steps if s.result.status == "failed"}
    for s in steps:
        duplicate = s.result.status == "unchanged" and s.shard is None and s.write_source
        if duplicate and s.result.notice_id is not None and s.result.notice_id in failed:
            s.result.status = "failed"
            s.result.error = f"{s.result.path}: same content as a file that could not be analysed"
            s.write_source = False


def _step_batches(steps: Sequence[_Step]) -> list[list[_Step]]:
    """The steps that write, grouped as a local ingest batches them.

    A local ingest writes :data:`BATCH_SIZE` planned files a transaction (a file whose analysis
    failed still took its place in the batch) and links a batch's passages with the stored
    ones and among themselves; the same grouping over the same order gives the same rows,
    links and clusters.
    """
    batches: dict[int, list[_Step]] = {}
    planned = 0
    for s in steps:
        is_plan = s.write_source or (s.result.status == "failed" and s.result.notice_id is not None)
        if not is_plan:
            continue
        this_batch, planned = planned // BATCH_SIZE, planned + 1
        if s.write_source:
            batches.setdefault(this_batch, []).append(s)
    return [batches[k] for k in sorted(batches)]


_NOTICE_FILES = (*RECORD_TABLES, "signatures")


class _ShardRows:
    """A shard's record rows, notice by notice in the shard's order, one pass over each file.

    Every table file holds its rows in the shard's source order (see :func:`write_shard`), and
    the merge asks for the shard's chosen notices in that same order (the global order
    restricted to the shard), so each file is read once, a row group at a time, skipping the
    notices another shard provides: memory is a row group, never the shard.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        ids = pq.read_table(folder / "notices.parquet", columns=["notice_id"]).column(0)
        self.position = {str(nid): k for k, nid in enumerate(ids.to_pylist())}
        self.rows = {t: self._rows(t) for t in _NOTICE_FILES}
        self.pending: dict[str, Row | None] = {t: next(self.rows[t], None) for t in _NOTICE_FILES}

    def _rows(self, table: str) -> Iterator[Row]:
        reader = pq.ParquetFile(self.folder / f"{table}.parquet")
        for batch in reader.iter_batches(batch_size=4096):
            yield from batch.to_pylist()

    def take(self, notice_id: str) -> dict[str, list[Row]]:
        """Every row of ``notice_id``, per file; the rows of earlier notices are skipped."""
        if notice_id not in self.position:
            raise ShardError([f"{self.folder}: notice {notice_id} is listed but has no rows"])
        at = self.position[notice_id]
        out: dict[str, list[Row]] = {}
        for table in _NOTICE_FILES:
            got: list[Row] = []
            row = self.pending[table]
            while row is not None and self.position.get(str(row["notice_id"]), -1) < at:
                row = next(self.rows[table], None)
            while row is not None and row["notice_id"] == notice_id:
                got.append(row)
                row = next(self.rows[table], None)
            self.pending[table] = row
            out[table] = got
        return out


def _write(
    con: duckdb.DuckDBPyConnection,
    steps: Sequence[_Step],
    cursors: dict[str, _ShardRows],
    now: datetime,
) -> None:
    """One batch, as :func:`extract.ingest._apply` writes it: deletions and source rows in
    order, then the record rows, then the batch's shared passages."""
    for s in steps:
        if s.replace_existing and s.result.notice_id:
            _ingest._delete_notice(con, s.result.notice_id)
        if s.previous_id is not None:
            con.execute("DELETE FROM notice_sources WHERE source_path = ?", [str(s.result.path)])
    insert_rows(
        con,
        "notice_sources",
        [
            source_row(
                str(s.result.path),
                s.result.notice_id,
                s.source["file_sha256"],
                now,
                (s.source["file_size"], s.source["file_mtime_ns"]),
            )
            for s in steps
        ],
    )
    for s in steps:  # a path that now holds other content: drop the old notice if orphaned
        if s.previous_id is not None and s.previous_id != s.result.notice_id:
            used = con.execute(
                "SELECT count(*) FROM notice_sources WHERE notice_id = ?", [s.previous_id]
            ).fetchone()
            if not used or not used[0]:
                _ingest._delete_notice(con, s.previous_id)
    tables: dict[str, list[Row]] = {t: [] for t in RECORD_TABLES}
    passages: list[tuple[str, str, list[PassageSignature]]] = []
    for s in steps:
        if not s.shard or not s.result.notice_id:
            continue
        got = cursors[s.shard].take(s.result.notice_id)
        for notice in got["notices"]:
            notice["ingested_at"] = now  # the merge's time, as an ingest's rows carry its own
        for table in RECORD_TABLES:
            tables[table].extend(got[table])
        s.result.quantities = len(got["quantities"])
        text = str(got["notices"][0]["text"])
        passages.append((s.result.notice_id, text, [_signature(r) for r in got["signatures"]]))
    for table, rows in tables.items():
        insert_rows(con, table, rows)
    if passages:
        store_passages(con, passages, now)


def _signature(row: Row) -> PassageSignature:
    return PassageSignature(
        int(row["start_offset"]),
        int(row["end_offset"]),
        tuple(int(x) for x in row["band_keys"]),
        bytes(row["minhash"]),
        int(row["text_key"]),
        str(row.get("masked_key") or ""),
    )
