"""``xuncha export``: the metric CSVs, one per view, for Excel and for cron.

The file names and column orders are a contract (documented in the README): columns come from
the views in ``sql/views/`` in their written order, rows in a fixed order, so a diff between
two exports shows only real changes.

The set is atomic: every file and ``manifest.json`` are written into a staging folder beside
the output folder, which is then exchanged with it in one step (``renameat2(RENAME_EXCHANGE)``
on Linux; elsewhere two renames). A reader, or a cron job killed half-way, never sees old and
new CSVs mixed under one manifest, and no temporary file is left in the output folder. Files
in the output folder that an export did not write are carried over (hard links), untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from extract.csvout import csv_bytes, write_atomic
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
# Built from metrics.csv's rows rather than a view: one column per metric stated anywhere.
WIDE_FILE = "metrics_wide.csv"
WIDE_DESCRIPTION = "one row per notice, one column per canonical metric (中文名 + unit)"
MANIFEST = "manifest.json"


@dataclass
class ExportedFile:
    """A written CSV, as listed in manifest.json."""

    name: str
    rows: int
    sha256: str
    columns: list[str]


def _frame(con: duckdb.DuckDBPyConnection, spec: ExportSpec, since: date | None) -> pd.DataFrame:
    columns = ", ".join(spec.columns) if spec.columns else "*"
    sql = f"SELECT {columns} FROM {spec.view}"
    params: list[object] = []
    if since is not None:
        sql += " WHERE notice_id IN (SELECT notice_id FROM notices WHERE ingested_at >= ?)"
        params.append(datetime.combine(since, datetime.min.time()))
    sql += f" ORDER BY {spec.order_by}"
    df = con.execute(sql, params).df()
    if "quantity_ids" in df.columns:  # a DuckDB LIST: one cell, ids separated by spaces
        df["quantity_ids"] = [" ".join(str(i) for i in ids) for ids in df["quantity_ids"]]
    return df


def wide_metrics(long: pd.DataFrame) -> pd.DataFrame:
    """One row per notice, one column per (metric, unit) named ``中文名(unit) [id]``.

    Columns are ordered by metric id then unit, so they stay put between exports; a notice
    that does not state a metric has an empty cell, never 0.
    """
    if long.empty:
        return pd.DataFrame(columns=["notice_id", "inspected_unit"])
    keys = long[["metric_id", "unit", "metric_name"]].drop_duplicates()
    keys = keys.sort_values(["metric_id", "unit"])
    names = {
        (r.metric_id, r.unit): f"{r.metric_name}({r.unit}) [{r.metric_id}]"
        for r in keys.itertuples()
    }
    table = long.assign(
        column=[names[(m, u)] for m, u in zip(long.metric_id, long.unit, strict=True)],
        # pandas drops rows whose index is NULL: a notice without a parsed unit must stay
        inspected_unit=long.inspected_unit.fillna(""),
    )
    wide = table.groupby(["notice_id", "inspected_unit", "column"])["value"].first()
    wide = wide.unstack("column")
    wide = wide.reindex(columns=list(names.values()))
    wide.columns.name = None
    return wide.reset_index().sort_values(["inspected_unit", "notice_id"], na_position="last")


def export_all(
    db_path: Path, out_dir: Path, *, since: date | None = None, bom: bool = True
) -> list[ExportedFile]:
    """Write every CSV in :data:`EXPORTS`, ``metrics_wide.csv`` and ``manifest.json``.

    ``since`` keeps only notices ingested on or after that day. Opens the database read-only,
    so it runs safely beside the dashboard and an ingest. See the module docstring for why the
    set is written into a staging folder and exchanged with ``out_dir``.
    """
    out_dir = Path(out_dir)
    con = open_readonly(db_path)
    stage = _staging_dir(out_dir)
    written: list[ExportedFile] = []
    try:
        frames = {}
        for spec in EXPORTS:
            frames[spec.filename] = _frame(con, spec, since)
        frames[WIDE_FILE] = wide_metrics(frames["metrics.csv"])
        for name, df in frames.items():
            digest = write_atomic(stage / name, csv_bytes(df, bom=bom))
            written.append(ExportedFile(name, len(df), digest, [str(c) for c in df.columns]))
        manifest = {
            "generated_at": datetime.now().isoformat(timespec="seconds"),
            "database": str(db_path),
            "since": since.isoformat() if since else None,
            "encoding": "utf-8-sig" if bom else "utf-8",
            "files": [f.__dict__ for f in written],
        }
        write_atomic(
            stage / MANIFEST,
            json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
        )
        _carry_over_foreign(out_dir, stage, {f.name for f in written} | {MANIFEST})
        _swap_into_place(stage, out_dir)
    finally:
        con.close()
        shutil.rmtree(stage, ignore_errors=True)
    return written


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
