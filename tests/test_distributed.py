"""The Dask recipe writes the same shards as ``ingest --shard``; merged, a local ingest's rows.

Dask is the optional extra ``xuncha[distributed]``: these tests skip without it, except under
``CI=true``, where a missing Dask is a failure (the CI install includes the extra).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extract.shards import SUCCESS, Shard, merge_shards, write_shard
from tests.test_shards import _tables, inputs, local_db  # noqa: F401  (shared fixtures)

if os.environ.get("CI") != "true":
    pytest.importorskip("dask", reason="optional extra: pip install 'xuncha[distributed]'")

from extract.distributed import main, run_dask

# (scheduler, shards, what it covers): the local schedulers CI can run
SCHEDULERS = [
    ("synchronous", 3, "in this process: the recipe's logic alone"),
    ("processes", 2, "spawned worker processes, as on a machine of a cluster"),
]


@pytest.mark.parametrize(("scheduler", "shards", "why"), SCHEDULERS, ids=[c[2] for c in SCHEDULERS])
def test_dask_shards_merge_to_a_local_ingest(
    inputs: Path,  # noqa: F811
    local_db: Path,  # noqa: F811
    tmp_path: Path,
    scheduler: str,
    shards: int,
    why: str,
) -> None:
    out = tmp_path / "shards"
    results = run_dask([inputs], out, shards, scheduler=scheduler, workers=2)
    assert [r.folder.name for r in results] == [f"shard-{i}-of-{shards}" for i in range(shards)]
    assert all((r.folder / SUCCESS).exists() and not r.skipped for r in results)
    merged = tmp_path / "merged.duckdb"
    merge_shards(out, merged)
    want, got = _tables(local_db), _tables(merged)
    for table in want:
        assert got[table] == want[table], table


def test_dask_shards_hold_the_rows_of_cli_shards(inputs: Path, tmp_path: Path) -> None:  # noqa: F811
    """Same files per shard, same rows (only the shard's own timestamp column may differ)."""
    by_dask = run_dask([inputs], tmp_path / "d", 2, scheduler="synchronous")
    for r in by_dask:
        index = int(r.folder.name.split("-")[1])
        by_cli = write_shard([inputs], tmp_path / "c", Shard(index, 2))
        for table in ("quantities", "problems", "sources", "signatures"):
            a = pq.read_table(r.folder / f"{table}.parquet")
            b = pq.read_table(by_cli.folder / f"{table}.parquet")
            assert a.equals(b), (r.folder.name, table)


def test_recipe_command_line_merges(inputs: Path, tmp_path: Path) -> None:  # noqa: F811
    db = tmp_path / "m.duckdb"
    args = [str(inputs), "--out", str(tmp_path / "s"), "--shards", "2"]
    code = main([*args, "--scheduler", "synchronous", "--merge", "--db", str(db)])
    assert code == 1  # broken.pdf is one failed file, reported; the rest is stored
    assert _tables(db)["notices"]
