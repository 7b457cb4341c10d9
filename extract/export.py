"""``xuncha export``: the metric CSVs, one per view, for Excel and for cron.

The file names and column orders are a contract (documented in the README): columns come from
the views in ``sql/views/`` in their written order, rows in a fixed order, so a diff between
two exports shows only real changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from extract.csvout import csv_bytes, write_atomic
from extract.store import open_readonly


@dataclass(frozen=True)
class ExportSpec:
    """One CSV: which view, in which row order."""

    filename: str
    view: str
    order_by: str
    description: str


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
        "every quantity with its sentence and offsets",
    ),
    ExportSpec(
        "metric_totals.csv",
        "v_metric_totals",
        "notice_id, kind, unit, metric",
        "per notice, kind, unit and metric phrase: count and sum",
    ),
    ExportSpec(
        "problems.csv",
        "v_problem_quantities",
        "notice_id, problem_id",
        "per problem: status and quantity counts",
    ),
)


@dataclass
class ExportedFile:
    """A written CSV, as listed in manifest.json."""

    name: str
    rows: int
    sha256: str
    columns: list[str]


def export_all(
    db_path: Path, out_dir: Path, *, since: date | None = None, bom: bool = True
) -> list[ExportedFile]:
    """Write every CSV in :data:`EXPORTS` plus ``manifest.json`` into ``out_dir``.

    ``since`` keeps only notices ingested on or after that day. Opens the database read-only,
    so it runs safely beside the dashboard and an ingest.
    """
    con = open_readonly(db_path)
    written: list[ExportedFile] = []
    try:
        for spec in EXPORTS:
            sql = f"SELECT * FROM {spec.view}"
            params: list[object] = []
            if since is not None:
                sql += " WHERE notice_id IN (SELECT notice_id FROM notices WHERE ingested_at >= ?)"
                params.append(datetime.combine(since, datetime.min.time()))
            sql += f" ORDER BY {spec.order_by}"
            df = con.execute(sql, params).df()
            digest = write_atomic(out_dir / spec.filename, csv_bytes(df, bom=bom))
            written.append(ExportedFile(spec.filename, len(df), digest, list(df.columns)))
    finally:
        con.close()
    manifest = {
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "database": str(db_path),
        "since": since.isoformat() if since else None,
        "encoding": "utf-8-sig" if bom else "utf-8",
        "files": [f.__dict__ for f in written],
    }
    write_atomic(
        out_dir / "manifest.json",
        json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
    )
    return written
