"""Passages shared across notices are found at ingest, clustered and labelled in the store."""

from __future__ import annotations

from pathlib import Path

from extract.ingest import ingest_paths
from extract.store import open_readonly
from tests.notice_factory import notice_text

# A substantive measure (an action verb and a figure) pasted into two units' notices.
MEASURE = (
    "制定出台《干部日常管理监督办法》等制度文件12项,建立问题清单、任务清单和责任清单三张清单。"
)


def _write(folder: Path, name: str, unit: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(notice_text(unit) + extra, encoding="utf-8")
    return path


def _clusters(db: Path) -> dict[str, tuple[str, int]]:
    con = open_readonly(db)
    try:
        rows = con.execute(
            "SELECT DISTINCT passage, label, cluster_notices FROM v_shared_passages"
        ).fetchall()
    finally:
        con.close()
    return {passage: (label, n) for passage, label, n in rows}


def test_copied_measure_and_boilerplate_are_told_apart(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder, "a.txt", "云岭开发区", "\n" + MEASURE + "\n")
    _write(folder, "b.txt", "松岭农业局", "\n" + MEASURE + "\n")
    _write(folder, "c.txt", "青禾供销社")
    db = tmp_path / "x.duckdb"
    assert ingest_paths([folder], db).new == 3
    found = _clusters(db)
    assert found[MEASURE] == ("copied_measure", 2)
    closing = next(p for p in found if p.startswith("欢迎广大干部群众"))
    assert found[closing] == ("boilerplate", 3)


def test_incremental_ingest_joins_the_existing_cluster(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    ingest_paths([_write(tmp_path / "one", "a.txt", "云岭开发区", "\n" + MEASURE + "\n")], db)
    assert MEASURE not in _clusters(db)  # one notice alone shares nothing
    ingest_paths([_write(tmp_path / "two", "b.txt", "松岭农业局", "\n" + MEASURE + "\n")], db)
    ingest_paths([_write(tmp_path / "three", "c.txt", "青禾供销社", "\n" + MEASURE + "\n")], db)
    assert _clusters(db)[MEASURE] == ("copied_measure", 3)
    con = open_readonly(db)
    try:
        ids = con.execute(
            "SELECT count(DISTINCT cluster_id) FROM v_shared_passages WHERE passage = ?", [MEASURE]
        ).fetchone()
    finally:
        con.close()
    assert ids == (1,)


def test_a_replaced_notice_leaves_no_passages_behind(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    path = _write(tmp_path / "in", "a.txt", "云岭开发区", "\n" + MEASURE + "\n")
    _write(tmp_path / "in", "b.txt", "松岭农业局", "\n" + MEASURE + "\n")
    ingest_paths([tmp_path / "in"], db)
    path.write_text(notice_text("云岭开发区", study=3), encoding="utf-8")  # measure removed
    assert ingest_paths([tmp_path / "in"], db).updated == 1
    con = open_readonly(db)
    try:
        orphans = con.execute(
            "SELECT count(*) FROM passages p ANTI JOIN notices n USING (notice_id)"
        ).fetchone()
        links = con.execute(
            "SELECT count(*) FROM passage_links l ANTI JOIN notices n"
            " ON n.notice_id = l.other_notice_id"
        ).fetchone()
    finally:
        con.close()
    assert orphans == (0,) and links == (0,)
    assert MEASURE not in _clusters(db)
