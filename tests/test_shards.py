"""``ingest --shard i/n --out DIR`` + ``merge DIR`` store exactly what a local ingest stores."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extract.ingest import BATCH_SIZE, ingest_paths
from extract.shards import (
    SHARD_FILES,
    SUCCESS,
    Shard,
    ShardError,
    merge_shards,
    parse_shard,
    pinned_schemas,
    shard_of,
    write_shard,
)
from extract.store import open_readonly
from tests.cluster_ids import column_sql
from tests.conftest import CORPUS
from tests.notice_factory import notice_text, write_notice

# Columns that hold the time of the run that wrote them (a merge writes its own), or of the
# store's creation (schema_version.applied_at, alias_source.loaded_at). Nothing else may
# differ; ingest_runs, one row per run, is compared by its counts only. store_meta's
# 'unmerged_sessions' counts the writer sessions that skipped DuckDB's row-group merge: like the
# row groups themselves, it records how the store was written (a merge writes whole batches),
# not what it holds.
WRITE_HISTORY_META = ("unmerged_sessions",)
RUN_TIME_COLUMNS = {"ingested_at", "seen_at", "labelled_at", "applied_at", "loaded_at"}
UNITS = ["云岭开发区", "松岭农业局", "柏岭水务局", "桐岭交通局", "枫岭文旅局"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More files than one write batch, with what makes ordering matter.

    Fictional notices sharing boilerplate (cross-notice passage clusters), the real corpus,
    one content twice (the second copy is "unchanged"), a zip archive, and an unreadable file.
    """
    folder = tmp_path_factory.mktemp("in")
    for k in range(BATCH_SIZE + 10):
        unit = UNITS[k % len(UNITS)]
        write_notice(folder, f"n{k:03d}.txt", unit=unit, study=k + 1, money=100 + k, day=1 + k % 28)
    write_notice(folder, "dup/copy.txt", unit=UNITS[0], study=1, money=100, day=1)
    for src in sorted(CORPUS.glob("*.txt"))[:3]:
        shutil.copy(src, folder / f"real_{src.name}")
    with zipfile.ZipFile(folder / "bundle.zip", "w") as zf:
        zf.writestr("a.txt", notice_text("榆岭林业局", study=301))
        zf.writestr("b.txt", notice_text("榆岭林业局", study=302, day=9))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return folder


@pytest.fixture(scope="module")
def local_db(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("local") / "x.duckdb"
    ingest_paths([inputs], db, workers=1)
    return db


def _tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (sorted), without the run-time columns, cluster ids resolved."""
    con = open_readonly(db)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
            ).fetchall()
        ]
        out = {}
        for table in names:
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            if table == "ingest_runs":
                cols = ["files", "new", "updated", "unchanged", "failed", "quantities"]
            if table == "cluster_moves":
                continue  # merges follow the batches: members' clusters are compared resolved
            keep = ", ".join(column_sql(table, c) for c in cols if c not in RUN_TIME_COLUMNS)
            rows = con.execute(f'SELECT {keep} FROM "{table}"').fetchall()
            if table == "store_meta":
                rows = [r for r in rows if r[0] not in WRITE_HISTORY_META]
            out[table] = sorted(rows, key=repr)
    finally:
        con.close()
    return out


def _shard_and_merge(inputs: Path, tmp_path: Path, n: int) -> tuple[Path, Path]:
    out = tmp_path / "shards"
    for i in range(n):
        write_shard([inputs], out, Shard(i, n))
    db = tmp_path / "merged.duckdb"
    merge_shards(out, db)
    return out, db


@pytest.mark.parametrize("n", [1, 3], ids=["one shard", "three shards"])
def test_shards_and_merge_equal_a_local_ingest(
    inputs: Path, local_db: Path, tmp_path: Path, n: int
) -> None:
    _, merged = _shard_and_merge(inputs, tmp_path, n)
    want, got = _tables(local_db), _tables(merged)
    assert set(got) == set(want)
    assert want["passage_links"], "the inputs should share passages across notices"
    for table in want:
        assert got[table] == want[table], table


def test_merging_twice_changes_nothing(inputs: Path, tmp_path: Path) -> None:
    out, db = _shard_and_merge(inputs, tmp_path, 2)
    before = _tables(db)
    again = merge_shards(out, db)
    assert again.new == again.updated == 0 and again.unchanged > 0
    assert _tables(db) == before  # not even an ingest_runs row


def test_merge_reports_like_ingest(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "shards"
    for i in range(2):
        write_shard([inputs], out, Shard(i, 2))
    summary = merge_shards(out, tmp_path / "m.duckdb")
    local = ingest_paths([inputs], tmp_path / "l.duckdb", workers=1)
    assert [(str(r.path), r.status, r.quantities) for r in summary.results] == [
        (str(r.path), r.status, r.quantities) for r in local.results
    ]
    broken = next(r for r in summary.results if r.path.name == "broken.pdf")
    assert broken.status == "failed" and "broken.pdf" in (broken.error or "")


def test_a_finished_shard_is_skipped_and_a_changed_one_redone(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "shards"
    first = write_shard([inputs], out, Shard(0, 2))
    assert not first.skipped and (first.folder / SUCCESS).exists()
    stamp = (first.folder / "quantities.parquet").stat().st_mtime_ns
    assert write_shard([inputs], out, Shard(0, 2)).skipped
    assert (first.folder / "quantities.parquet").stat().st_mtime_ns == stamp
    extra = tmp_path / "more"
    shutil.copytree(inputs, extra)
    mine = next(p for p in sorted(extra.glob("n*.txt")) if shard_of(p, 2) == 0)
    mine.write_text(notice_text("改过的单位", study=999), encoding="utf-8")
    assert not write_shard([extra], out, Shard(0, 2)).skipped  # its inputs changed


def test_shard_files_have_the_pinned_schema(inputs: Path, tmp_path: Path) -> None:
    result = write_shard([inputs], tmp_path / "s", Shard(0, 1))
    schemas = pinned_schemas()
    for table in SHARD_FILES:
        assert (
            pq.read_schema(result.folder / f"{table}.parquet").remove_metadata() == (schemas[table])
        )
    marker = json.loads((result.folder / SUCCESS).read_text(encoding="utf-8"))
    assert marker["sources"] == result.sources and marker["of"] == 1
    assert not [p for p in result.folder.iterdir() if p.name.startswith(".")]  # no temp left


def _break_missing_marker(folder: Path) -> str:
    (folder / SUCCESS).unlink()
    return "no _SUCCESS marker"


def _break_schema(folder: Path) -> str:
    pq.write_table(pa.table({"notice_id": ["x"]}), folder / "quantities.parquet")
    return "schema differs"


def _break_file(folder: Path) -> str:
    (folder / "problems.parquet").write_bytes(b"not parquet")
    return "cannot be read"


def _break_version(folder: Path) -> str:
    marker = json.loads((folder / SUCCESS).read_text(encoding="utf-8"))
    marker["extractor_version"] = "xuncha-0.0.1"
    (folder / SUCCESS).write_text(json.dumps(marker), encoding="utf-8")
    return "made by xuncha-0.0.1"


def _break_missing_shard(folder: Path) -> str:
    shutil.rmtree(folder)
    return "missing"


def _break_listing(folder: Path) -> str:
    """Shard 1 rerun on other PATH arguments (a subset of the files)."""
    inputs = Path(json.loads((folder / SUCCESS).read_text(encoding="utf-8"))["inputs"])
    write_shard(sorted(inputs.glob("n0*.txt")), folder.parent, Shard(1, 2))
    return "other PATH arguments"


# (how shard 1 of 2 is damaged, what the line says): each refused before anything is written
BAD_SHARDS = [
    (_break_listing, "shards given different PATH arguments"),
    (_break_missing_marker, "a shard killed before its marker"),
    (_break_schema, "a table written by other code"),
    (_break_file, "a truncated or foreign file"),
    (_break_version, "another extractor version"),
    (_break_missing_shard, "a shard that never ran"),
]


@pytest.mark.parametrize(("damage", "why"), BAD_SHARDS, ids=[c[1] for c in BAD_SHARDS])
def test_merge_refuses_bad_shards_one_line_each(
    inputs: Path, tmp_path: Path, damage: object, why: str
) -> None:
    out = tmp_path / "shards"
    for i in range(2):
        write_shard([inputs], out, Shard(i, 2))
    marker = out / "shard-1-of-2" / SUCCESS
    marker.write_text(  # where the inputs are, for _break_listing
        json.dumps({**json.loads(marker.read_text(encoding="utf-8")), "inputs": str(inputs)}),
        encoding="utf-8",
    )
    expected = damage(out / "shard-1-of-2")  # type: ignore[operator]
    db = tmp_path / "m.duckdb"
    with pytest.raises(ShardError) as caught:
        merge_shards(out, db)
    assert len(caught.value.lines) == 1
    line = caught.value.lines[0]
    assert "shard-1-of-2" in line and expected in line and "\n" not in line
    assert not db.exists() or _notices(db) == 0


def _notices(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM notices").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


# (text, shard or None when refused, what the row covers)
SHARD_ARGS = [
    ("0/4", Shard(0, 4), "first of four"),
    ("3/4", Shard(3, 4), "last of four"),
    (" 1 / 2 ", Shard(1, 2), "spaces allowed"),
    ("4/4", None, "index must be below the count (Slurm arrays: --array=0-3)"),
    ("1/0", None, "no shards"),
    ("a/b", None, "not numbers"),
    ("-1/4", None, "negative"),
]


@pytest.mark.parametrize(("text", "shard", "why"), SHARD_ARGS, ids=[c[2] for c in SHARD_ARGS])
def test_parse_shard(text: str, shard: Shard | None, why: str) -> None:
    if shard is None:
        with pytest.raises(ValueError, match="i/n"):
            parse_shard(text)
    else:
        assert parse_shard(text) == shard


def test_every_file_lands_in_exactly_one_shard(inputs: Path) -> None:
    files = sorted(p for p in inputs.rglob("*") if p.is_file())
    for n in (1, 2, 7):
        owners = [shard_of(f, n) for f in files]
        assert all(0 <= o < n for o in owners)
        assert owners == [shard_of(f, n) for f in files]  # stable


def test_cli_shard_then_merge(inputs: Path, tmp_path: Path) -> None:
    """The commands a Slurm array runs: exit 1 for the broken file, 0 for a clean rerun skip."""
    from extract.cli import main

    out, db = tmp_path / "shards", tmp_path / "m.duckdb"
    codes = [main(["ingest", str(inputs), "--shard", f"{i}/2", "--out", str(out)]) for i in (0, 1)]
    assert sorted(codes) == [0, 1]  # broken.pdf fails in exactly one shard
    assert main(["merge", str(out), "--db", str(db)]) == 1  # and is reported again at merge
    assert _notices(db) > BATCH_SIZE
    assert main(["ingest", str(inputs), "--shard", "0/2"]) == 2  # --out missing: usage
    assert main(["merge", str(tmp_path / "nowhere"), "--db", str(db)]) == 1


def test_a_file_whose_analysis_fails_is_reported_alike(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extractor bug on one file: failed in the shard, at merge and locally, rest stored."""
    import extract.ingest as ingest_mod

    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    write_notice(folder, "zz_bug.txt", unit="故障单位", study=77)
    shutil.copy(folder / "zz_bug.txt", folder / "zz_bug_copy.txt")  # same content, later
    original = ingest_mod.extract_stage

    def buggy(loaded: object, parsed: object) -> object:
        if "故障单位" in loaded.text:  # type: ignore[attr-defined]
            raise RuntimeError("simulated extractor bug")
        return original(loaded, parsed)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_mod, "extract_stage", buggy)
    local = ingest_paths([folder], tmp_path / "l.duckdb", workers=1)
    out = tmp_path / "shards"
    for i in range(2):
        write_shard([folder], out, Shard(i, 2))
    merged = merge_shards(out, tmp_path / "m.duckdb")
    assert [(r.path.name, r.status) for r in merged.results] == [
        (r.path.name, r.status) for r in local.results
    ]
    bug = [r for r in merged.results if r.path.name.startswith("zz_bug")]
    assert [r.status for r in bug] == ["failed", "failed"]
    assert "simulated extractor bug" in (bug[0].error or "")
    assert _tables(tmp_path / "m.duckdb") == _tables(tmp_path / "l.duckdb")


def test_merge_lets_readers_in_between_batches(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge writes one session per batch, not one for the whole merge: before each
    session a reader gets in (the turnstile is free) and sees the batches committed so far."""
    from extract.store import StoreWriter

    out = tmp_path / "shards"
    write_shard([inputs], out, Shard(0, 1))
    db = tmp_path / "merged.duckdb"
    seen: list[int] = []
    real = StoreWriter.session

    def session(self: StoreWriter) -> object:
        if db.exists() and self.path == db:
            con = open_readonly(db)  # would wait (then fail) if the merge held the turnstile
            try:
                seen.append(con.execute("SELECT count(*) FROM notices").fetchone()[0])
            finally:
                con.close()
        return real(self)

    monkeypatch.setattr(StoreWriter, "session", session)
    summary = merge_shards(out, db)
    assert summary.new > BATCH_SIZE, "the inputs must span more than one batch"
    # (the writer's upgrade session ran before the file existed: not counted)
    assert len(seen) >= 2 and seen == sorted(seen) and seen[0] == 0 < seen[-1] < summary.new
