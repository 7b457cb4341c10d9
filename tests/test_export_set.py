"""``xuncha export`` writes its files as one set, readable by colleagues, with metric files."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

import extract.export as export_mod
from extract.export import export_all
from extract.ingest import ingest_paths
from tests.notice_factory import write_notice


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.duckdb"
    folder = tmp_path / "in"
    write_notice(folder, "a.txt", unit="云岭开发区", study=17)
    write_notice(folder, "b.txt", unit="松岭农业局", study=9, money=350)
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
    assert sorted(study.value.astype(float)) == [9.0, 17.0]
    wide = _read(out / "metrics_wide.csv")
    assert len(wide) == 2 and wide.notice_id.is_unique
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
    original = export_mod.write_atomic

    def dies_on_third_file(path: Path, data: bytes) -> str:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        return original(path, data)

    monkeypatch.setattr(export_mod, "write_atomic", dies_on_third_file)
    with pytest.raises(OSError):
        export_all(db, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # the old set, whole, untouched
    assert not list(tmp_path.glob(".exports.export-*"))  # no staging folder left

    monkeypatch.setattr(export_mod, "write_atomic", original)
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
