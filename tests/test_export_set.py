"""``xuncha export`` writes its files as one set, readable by colleagues, with metric files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

import extract.export as export_mod
from extract.csvout import CsvPart
from extract.export import EXPORTS, WIDE_FILE, export_all
from extract.ingest import ingest_paths
from extract.store import open_readonly
from tests.notice_factory import write_notice


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.duckdb"
    folder = tmp_path / "in"
    write_notice(folder, "a.txt", unit="云岭开发区", study=17)
    write_notice(folder, "b.txt", unit="松岭农业局", study=9, money=350)
    write_notice(folder, "c.txt", unit="柏岭水务局", study=4, money=12)
    summary = ingest_paths([folder], path)
    assert summary.failed == 0
    return path


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_metric_files_long_and_wide(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    written = {f.name: f for f in export_all(db, out)}
    assert {"metrics.csv", "metrics_wide.csv", "quantities.csv"} <= set(written)
    assert "metric_totals.csv" not in written  # it summed percents; replaced by metrics.csv
    long = _read(out / "metrics.csv")
    assert list(long.columns[:8]) == [
        "notice_id",
        "inspected_unit",
        "metric_id",
        "metric_name",
        "unit",
        "value",
        "statements",
        "quantity_ids",
    ]
    study = long[long.metric_id == "study.collective"]
    assert sorted(study.value.astype(float)) == [4.0, 9.0, 17.0]
    wide = _read(out / "metrics_wide.csv")
    assert len(wide) == 3 and wide.notice_id.is_unique
    column = next(c for c in wide.columns if c.endswith("[study.collective]"))
    assert column.startswith("集中/专题学习(次)")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {f["name"] for f in manifest["files"]} == set(written)


def test_export_is_one_set_and_keeps_foreign_files(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports"
    export_all(db, out)
    (out / "README-for-colleagues.txt").write_text("kept", encoding="utf-8")
    (out / "archive").mkdir()
    (out / "archive" / "old.csv").write_text("kept too", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    calls = 0
    original = export_mod.write_csv_stream

    def dies_on_third_file(*args: Any, **kwargs: Any) -> list[CsvPart]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(export_mod, "write_csv_stream", dies_on_third_file)
    with pytest.raises(OSError):
        export_all(db, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # the old set, whole, untouched
    assert not list(tmp_path.glob(".exports.export-*"))  # no staging folder left

    monkeypatch.setattr(export_mod, "write_csv_stream", original)
    export_all(db, out)
    assert (out / "README-for-colleagues.txt").read_text(encoding="utf-8") == "kept"
    assert (out / "archive" / "old.csv").read_text(encoding="utf-8") == "kept too"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]


def test_export_files_are_readable_by_colleagues(db: Path, tmp_path: Path) -> None:
    """mkstemp makes 0600 files; an export follows the umask like any other file."""
    old = os.umask(0o022)
    try:
        out = tmp_path / "exports"
        export_all(db, out)
    finally:
        os.umask(old)
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p.name


def test_stale_staging_folder_of_a_killed_export_is_removed(db: Path, tmp_path: Path) -> None:
    stale = tmp_path / ".exports.export-999999999"
    stale.mkdir()
    (stale / "notices.csv").write_text("half", encoding="utf-8")
    export_all(db, tmp_path / "exports")
    assert not stale.exists()


def _view_rows(db: Path, view: str) -> int:
    con = open_readonly(db)
    try:
        row = con.execute(f"SELECT count(*) FROM {view}").fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


# (max_rows, what it covers): the sheet limit counts the header, so a table of N rows fits
# exactly when max_rows == N + 1; parts are numbered from 001 and each repeats the header.
SPLIT_CASES = [
    (10**6, "far below the limit: the plain name, one file"),
    (3, "two data rows a part: problems and quantities split into many parts"),
    (2, "the smallest sheet: one data row a part"),
]


@pytest.mark.parametrize(("max_rows", "why"), SPLIT_CASES, ids=[c[1] for c in SPLIT_CASES])
def test_long_tables_are_split_at_the_sheet_limit(
    db: Path, tmp_path: Path, max_rows: int, why: str
) -> None:
    out = tmp_path / "exports"
    written = export_all(db, out, max_rows=max_rows)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["files"]] == [f.name for f in written]
    for spec in EXPORTS:
        total = _view_rows(db, spec.view)
        parts = [f for f in written if f.name == spec.filename or f.part_of == spec.filename]
        assert sum(p.rows for p in parts) == total, spec.filename
        if total + 1 <= max_rows:
            assert [p.name for p in parts] == [spec.filename] and parts[0].part_of is None
            continue
        stem = spec.filename.removesuffix(".csv")
        assert [p.name for p in parts] == [f"{stem}-{k:03d}.csv" for k in range(1, len(parts) + 1)]
        assert not (out / spec.filename).exists()
        frames = [_read(out / p.name) for p in parts]
        assert all(1 <= len(f) <= max_rows - 1 for f in frames)  # header + rows fit a sheet
        assert all(list(f.columns) == p.columns for f, p in zip(frames, parts, strict=True))
        whole = pd.concat(frames, ignore_index=True)
        single = _read(_single_export(db, tmp_path) / spec.filename)
        pd.testing.assert_frame_equal(whole, single)  # the parts are the file, cut in order


def _single_export(db: Path, tmp_path: Path) -> Path:
    out = tmp_path / "single"
    if not out.exists():
        export_all(db, out)
    return out


def test_a_smaller_export_removes_the_parts_of_a_bigger_one(db: Path, tmp_path: Path) -> None:
    """Parts are listed in the manifest, so the next export replaces them (none left over)."""
    out = tmp_path / "exports"
    export_all(db, out, max_rows=3)
    assert (out / "quantities-001.csv").exists()
    export_all(db, out)
    assert not list(out.glob("*-0*.csv"))
    assert (out / "quantities.csv").exists()


def test_csv_bytes_are_for_excel(db: Path, tmp_path: Path) -> None:
    """BOM, an unquoted header, CRLF; list cells space-separated (cell rules: test_csvout)."""
    out = tmp_path / "exports"
    export_all(db, out)
    raw = (out / "quantities.csv").read_bytes()
    header = raw.split(b"\r\n", 1)[0]
    assert header.startswith(b"\xef\xbb\xbfnotice_id,quantity_id,")  # BOM, header unquoted
    assert raw.endswith(b"\r\n") and b"\r\n" in raw[len(header) :]  # CRLF row ends
    metrics = _read(out / "metrics.csv")
    assert all(" " in ids or ids.isdigit() for ids in metrics.quantity_ids)


def test_parquet_has_one_typed_file_per_view(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    written = {f.name: f for f in export_all(db, out, fmt="parquet")}
    expected = {s.filename.replace(".csv", ".parquet") for s in EXPORTS}
    assert set(written) == expected | {WIDE_FILE.replace(".csv", ".parquet")}
    con = open_readonly(db)
    try:
        for spec in EXPORTS:
            table = pq.read_table(out / spec.filename.replace(".csv", ".parquet"))
            assert table.num_rows == written[spec.filename.replace(".csv", ".parquet")].rows
            described = con.execute(f"DESCRIBE {spec.view}").fetchall()
            wanted = list(spec.columns) or [str(r[0]) for r in described]
            assert table.schema.names == wanted, spec.view
            assert (
                pq.ParquetFile(out / spec.filename.replace(".csv", ".parquet"))
                .metadata.row_group(0)
                .column(0)
                .compression
                == "ZSTD"
            )
    finally:
        con.close()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "parquet" and manifest["encoding"] is None


# (extra CLI arguments, a file the set must hold, rows expected in notices, what it covers)
CLI_CASES = [
    ([], "quantities.csv", 3, "default: CSV for Excel"),
    (["--format", "parquet"], "quantities.parquet", 3, "--format parquet"),
    (["--since", "2999-01-01"], "notices.csv", 0, "--since after every ingest: headers only"),
]


@pytest.mark.parametrize(
    ("extra", "must_hold", "notices", "why"), CLI_CASES, ids=[c[3] for c in CLI_CASES]
)
def test_export_command(
    db: Path, tmp_path: Path, extra: list[str], must_hold: str, notices: int, why: str
) -> None:
    from extract.cli import main

    out = tmp_path / "exports"
    assert main(["export", "--out", str(out), "--db", str(db), *extra]) == 0
    assert (out / must_hold).exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = {f["name"].rsplit(".", 1)[0]: f["rows"] for f in manifest["files"]}
    assert rows["notices"] == notices
    if notices == 0:
        assert _read(out / "quantities.csv").empty
        assert list(_read(out / "quantities.csv").columns)[:2] == ["notice_id", "quantity_id"]


def test_chunked_reads_equal_one_query(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a notice-sorted view range by range gives the rows of one sorted query."""
    whole = tmp_path / "whole"
    export_all(db, whole)
    monkeypatch.setattr(export_mod, "CHUNK_NOTICES", 1)  # every notice its own range
    chunked = tmp_path / "chunked"
    export_all(db, chunked)
    for spec in EXPORTS:
        assert (whole / spec.filename).read_bytes() == (chunked / spec.filename).read_bytes()
