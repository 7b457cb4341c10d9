"""Recipe: the shards of ``xuncha ingest --shard`` computed by Dask, then ``xuncha merge``.

Why Dask (the optional extra ``xuncha[distributed]``): the per-document function is pure Python
over bytes, so all an engine has to do is run :func:`extract.shards.write_shard` once per shard
somewhere and leave the Parquet files in a shared folder. Measured for ENGINEERING_NOTES §9 on
1,000 documents: Dask bag 8.1 s, Ray Data 23.9 s (mostly start-up), a local process pool 2.9 s;
Dask is also about 20 MB of pure-Python wheels (dask, toolz, cloudpickle, fsspec, partd) where
Ray is a few hundred MB, and the same code runs on one machine (``--scheduler processes``) or a
cluster (``--scheduler tcp://host:8786`` with ``pip install distributed``).

Each task writes one shard exactly as ``xuncha ingest PATH… --shard i/n --out DIR`` would
(the same files, rows and ``_SUCCESS`` marker; a rerun skips finished shards), so the merged
store equals a local ingest of the same files (tests/test_distributed.py). Run::

    python -m extract.distributed PATH… --out DIR --shards 8 [--merge --db FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from extract.shards import Shard, ShardResult, write_shard

LOCAL_SCHEDULERS = ("processes", "threads", "synchronous")


def _one_shard(task: tuple[list[str], str, int, int]) -> ShardResult:
    """What one Dask task runs: one shard (module level, so spawned workers can import it)."""
    paths, out, index, count = task
    return write_shard(paths, Path(out), Shard(index, count))


def run_dask(
    paths: Sequence[str | Path],
    out_dir: Path,
    shards: int,
    *,
    scheduler: str = "processes",
    workers: int | None = None,
) -> list[ShardResult]:
    """Write ``shards`` shards of ``paths`` into ``out_dir`` as Dask tasks; their results.

    ``scheduler`` is a local Dask scheduler (:data:`LOCAL_SCHEDULERS`) or the address of a
    ``dask.distributed`` scheduler (``tcp://…``), whose workers must see ``paths`` and
    ``out_dir`` at the same paths (a shared file system).
    """
    import dask.bag as dask_bag

    if shards < 1:
        raise ValueError(f"--shards {shards}: give 1 or more / 分片数须为正整数")
    tasks = [([str(p) for p in paths], str(out_dir), i, shards) for i in range(shards)]
    bag = dask_bag.from_sequence(tasks, npartitions=shards).map(_one_shard)
    if scheduler in LOCAL_SCHEDULERS:
        results: list[ShardResult] = bag.compute(scheduler=scheduler, num_workers=workers)
        return results
    from dask.distributed import Client  # the optional `distributed` package

    with Client(scheduler) as client:
        return list(client.compute(bag).result())


def main(argv: list[str] | None = None) -> int:
    """``python -m extract.distributed``: shards by Dask, then (``--merge``) the one writer."""
    parser = argparse.ArgumentParser(
        prog="python -m extract.distributed", description=__doc__.splitlines()[0]
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="notice files or folders")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="shard folder")
    parser.add_argument("--shards", type=int, default=8, help="how many shards (default 8)")
    parser.add_argument(
        "--scheduler",
        default="processes",
        help="processes (default), threads, synchronous, or a dask.distributed address",
    )
    parser.add_argument("--workers", type=int, default=None, help="local worker processes")
    parser.add_argument("--merge", action="store_true", help="then merge into --db")
    parser.add_argument("--db", type=Path, default=None, help="database for --merge")
    args = parser.parse_args(argv)
    try:
        import dask  # noqa: F401
    except ImportError:
        print(
            "xuncha: Dask is not installed: pip install 'xuncha[distributed]' / 未安装 Dask",
            file=sys.stderr,
        )
        return 2
    results = run_dask(
        args.paths, args.out, args.shards, scheduler=args.scheduler, workers=args.workers
    )
    failed = [line for r in results for line in r.failed]
    for line in failed:
        print(" ".join(line.split()))
    for r in results:
        print(f"{r.folder}: {'skipped' if r.skipped else 'written'}; {r.sources} source(s)")
    if args.merge:
        from extract.cli import main as cli_main

        db = [] if args.db is None else ["--db", str(args.db)]
        return cli_main(["merge", str(args.out), *db])
    return 1 if failed else 0


if __name__ == "__main__":  # the guard Dask's spawned workers need (ENGINEERING_NOTES §9)
    sys.exit(main())
