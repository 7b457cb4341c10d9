"""The scale benchmark of issue 12: every figure of its table (and the page times of issue 11).

Why one script: the figures only mean something side by side, measured on the same corpus, the
same machine and the same commit. For each ``--sizes`` entry (default 1000) it:

1. takes the first N notices of a generated corpus (``scripts/gen_scale_corpus.py``, written
   once for the largest size, deterministic for ``--seed``; a smaller size is a prefix);
2. fresh ingest with ``--jobs 1`` (up to ``--serial-max`` notices) and with every core, and
   checks both stores hold the same rows;
3. re-ingests the unchanged N (seconds, all N unchanged, store file untouched);
4. ingests one new notice into the N store, three times, each a new notice (the median: the
   incremental cost);
5. exports the CSV set (seconds and peak RSS);
6. times every dashboard page cold and warm and the bytes of its largest notice picker
   (``scripts/bench_dashboard.py --db``);

and once per run the extraction throughput on one core (``scripts/bench_extract.py``: the five
real notices, and one shard of the generated corpus). Every step runs in a child process
(``sys.executable -m extract.cli …``); its wall time, CPU time, peak RSS (of the largest process
of the step: ``os.wait4``'s rusage, which folds in the workers it waited for) and bytes written
are taken from the kernel. Targets stated for 10k are scaled linearly to other sizes where the
cost is per notice (fresh, unchanged, export seconds) and kept as they are otherwise.

Everything lives in a temporary folder that is removed, unless ``--keep DIR``: then the corpus
and the stores stay there and a later run reuses them (a 100k store is built once with every
core; its "+1" figure is then taken on every rerun, each adding one more notice).

    .venv/bin/python scripts/bench_scale.py                           # 1k, a few minutes
    .venv/bin/python scripts/bench_scale.py --sizes 1000,10000 --json /tmp/scale.json
    .venv/bin/python scripts/bench_scale.py --sizes 100000 --keep /srv/bench --serial-max 0

Timings on a shared machine are inflated by the other load: the table prints the load average
at the start and end, and the CPU-time figures (one core) are less affected than wall times.
On a virtual machine the hypervisor may also take CPU from this one (steal time, which the load
average does not show): the table prints the share stolen during the run, from /proc/stat.
Near zero, a slow run is the host's other load on shared caches or clock, which no counter
here shows: compare with a run of the same code taken close in time.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
CORPUS = REPO.parent / "shared" / "corpus"
TABLES = ("notices", "notice_sources", "problems", "quantities", "completion", "anomalies")
EXTRA_INDEX = 50_000_000  # generated index of the "+1" notices: far beyond any corpus
_SUMMARY = re.compile(r"(\d+) new, (\d+) updated, (\d+) unchanged, (\d+) failed")
_MBS = re.compile(r"wall ([\d.]+) s .*?= ([\d.]+) MB/s; cpu ([\d.]+) s .*?= ([\d.]+) MB/s")

# Targets of issue 12 (at 10k notices on 2 cores) and issue 11 (pages).
FRESH_S_PER_10K = 90.0
UNCHANGED_S_PER_10K = 5.0
PLUS_ONE_S = {10_000: 1.0, 100_000: 2.0}  # store size up to which the limit applies
EXPORT_S_PER_10K = 20.0
EXPORT_RSS_MB = 1024.0
EXTRACT_MBS = 5.0


def _load_script(name: str) -> ModuleType:
    """A sibling script as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Step:
    """What the kernel says about one child process (and the workers it waited for)."""

    cmd: list[str]
    seconds: float
    cpu_s: float
    max_rss_mb: float
    written_mb: float
    returncode: int
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)

    @property
    def cores_busy(self) -> float:
        return self.cpu_s / self.seconds if self.seconds > 0 else 0.0

    def last_line(self) -> str:
        lines = (self.stderr + "\n" + self.stdout).strip().splitlines()
        return lines[-1] if lines else ""


def run(cmd: list[str], env: dict[str, str] | None = None) -> Step:
    """Run ``cmd`` and take its wall time and rusage (``wait4``: this child only)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Step(
            cmd=cmd,
            seconds=seconds,
            cpu_s=usage.ru_utime + usage.ru_stime,
            max_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
            written_mb=usage.ru_oublock * 512 / 1e6,
            returncode=proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "extract.cli", *args]


def ingest(
    db: Path, paths: list[Path], jobs: int, env: dict[str, str] | None = None
) -> tuple[Step, dict[str, int]]:
    """One ``xuncha ingest`` child and its summary counts (new/updated/unchanged/failed)."""
    step = run(
        cli("ingest", "--db", str(db), "--quiet", "--jobs", str(jobs), *map(str, paths)), env
    )
    found = _SUMMARY.search(step.stdout)
    counts = (
        dict(zip(("new", "updated", "unchanged", "failed"), map(int, found.groups()), strict=True))
        if found
        else {}
    )
    if step.returncode not in (0, 1) or not found:
        raise SystemExit(f"bench_scale: ingest failed ({step.returncode}): {step.last_line()}")
    return step, counts


def corpus_paths(folder: Path, n: int, shard: int) -> list[Path]:
    """The first ``n`` notices as whole shard folders plus the files of a partial last shard."""
    full, rest = divmod(n, shard)
    paths = [folder / f"shard_{s:04d}" for s in range(full)]
    if rest:
        last = folder / f"shard_{full:04d}"
        paths += [last / f"n{i:07d}.txt" for i in range(full * shard, n)]
    return paths


def ensure_corpus(folder: Path, n: int, seed: int, size_kb: float, jobs: int) -> dict[str, Any]:
    """Generate (or reuse, when the same parameters made it) a corpus of at least ``n``."""
    # the generator's own bytes are part of the key: a changed template makes another corpus
    made_by = hashlib.sha256(
        b"".join((SCRIPTS / f).read_bytes() for f in ("gen_scale_corpus.py", "scale_corpus.toml"))
    ).hexdigest()[:16]
    params = {"seed": seed, "size_kb": size_kb, "generator": made_by}
    stamp = folder / "corpus.json"
    if stamp.is_file():
        made = json.loads(stamp.read_text(encoding="utf-8"))
        if {k: made.get(k) for k in params} == params and made.get("notices", 0) >= n:
            return {**made, "reused": True}
    gen = _load_script("gen_scale_corpus")
    shutil.rmtree(folder, ignore_errors=True)  # never mix two generators' files
    started = time.perf_counter()
    gen.generate(folder, n, seed=seed, size_kb=size_kb, jobs=jobs)
    seconds = time.perf_counter() - started
    total = sum(p.stat().st_size for p in folder.glob("shard_*/*.txt"))
    made = {**params, "notices": n, "bytes": total, "seconds": seconds}
    stamp.write_text(json.dumps(made), encoding="utf-8")
    return {**made, "reused": False}


def write_extra(folder: Path, index: int, seed: int, size_kb: float) -> Path:
    """One more generated notice (not part of the corpus) in its own folder."""
    gen = _load_script("gen_scale_corpus")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    gen.write_range(folder / "w", seed, index, index + 1, int(size_kb * 1024))
    made = next((folder / "w").rglob("*.txt"))
    target = folder / made.name
    made.replace(target)
    shutil.rmtree(folder / "w")
    return target


def store_rows(db: Path) -> dict[str, int]:
    """Row counts and a digest of the quantities: two stores that agree hold the same rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {t: _count(con, f"SELECT count(*) FROM {t}") for t in TABLES}
        row = con.execute(
            "SELECT sum(hash(notice_id, quantity_id, surface, start_offset, value)) FROM quantities"
        ).fetchone()
        out["quantities_digest"] = int(row[0] or 0) if row else 0
        return out
    finally:
        con.close()


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0] or 0) if row else 0


def notice_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _count(con, "SELECT count(*) FROM notices")
    finally:
        con.close()


def signature(db: Path) -> tuple[int, int, int]:
    st = db.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def extraction(shard: Path, mb: float) -> dict[str, Any]:
    """One-core throughput from scripts/bench_extract.py, on the real and the generated text."""
    out: dict[str, Any] = {}
    for name, corpus in (("real", CORPUS), ("generated", shard)):
        step = run([sys.executable, str(SCRIPTS / "bench_extract.py"), "--corpus", str(corpus),
                    "--mb", str(mb)])  # fmt: skip
        found = _MBS.search(step.stdout)
        if step.returncode != 0 or not found:
            out[name] = {"error": step.last_line()}
            continue
        wall_s, wall_mbs, cpu_s, cpu_mbs = map(float, found.groups())
        out[name] = {"wall_mb_s": wall_mbs, "cpu_mb_s": cpu_mbs, "wall_s": wall_s, "cpu_s": cpu_s}
    return out


def pages(db: Path, repeats: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as fh:
        step = run([sys.executable, str(SCRIPTS / "bench_dashboard.py"), "--db", str(db),
                    "--repeats", str(repeats), "--json", fh.name])  # fmt: skip
        try:
            return {"seconds": step.seconds, **json.loads(Path(fh.name).read_text("utf-8"))}
        except (OSError, ValueError):
            return {"error": step.last_line() or f"exit {step.returncode}"}


def bench_size(
    n: int, work: Path, corpus: Path, args: argparse.Namespace, log: Any
) -> dict[str, Any]:
    """Every figure for one store size."""
    gen = _load_script("gen_scale_corpus")
    paths = corpus_paths(corpus, n, gen.SHARD)
    size_bytes = sum(p.stat().st_size for p in corpus.glob("shard_*/*.txt") if _index(p) < n)
    res: dict[str, Any] = {"notices": n, "input_mb": size_bytes / 1e6}
    db = work / f"store-{n}.duckdb"
    jobs = args.jobs

    if n <= args.serial_max:
        log(f"[{n}] fresh ingest --jobs 1")
        serial_db = work / f"serial-{n}.duckdb"
        serial_db.unlink(missing_ok=True)
        step, counts = ingest(serial_db, paths, 1)
        res["fresh_serial"] = _fig(step, counts)
        serial_rows = store_rows(serial_db)
        for leftover in work.glob(f"serial-{n}.duckdb*"):
            leftover.unlink()
    else:
        serial_rows = None

    reuse = db.is_file() and notice_count(db) >= n
    if reuse:
        log(f"[{n}] reusing {db}")
        res["fresh_parallel"] = {"reused": True}
    else:
        log(f"[{n}] fresh ingest --jobs {jobs}")
        db.unlink(missing_ok=True)
        step, counts = ingest(db, paths, jobs)
        res["fresh_parallel"] = _fig(step, counts)
        if serial_rows is not None:
            res["fresh_parallel"]["same_rows_as_serial"] = store_rows(db) == serial_rows
    res["store_mb"] = db.stat().st_size / 1e6

    log(f"[{n}] unchanged re-ingest")
    before = signature(db)
    step, counts = ingest(db, paths, jobs)
    res["unchanged"] = {**_fig(step, counts), "store_untouched": signature(db) == before}

    log(f"[{n}] +1 notice into the {res['store_mb']:.0f} MB store, {PLUS_ONE_RUNS} runs")
    res["plus_one"] = plus_one(db, work, n, args)
    log(f"[{n}] +1 with cached bytecode, and real notices")
    res["plus_one_cached"] = plus_one_cached(db, work, n, args)
    res["plus_one_real"] = plus_one_real(db, work, args)
    res["store_mb_after"] = db.stat().st_size / 1e6

    log(f"[{n}] export")
    out = work / f"export-{n}"
    shutil.rmtree(out, ignore_errors=True)
    step = run(cli("export", "--db", str(db), "--out", str(out)))
    files = sorted(out.glob("*")) if out.is_dir() else []
    res["export"] = {
        **_fig(step, {}),
        "returncode": step.returncode,
        "out_mb": sum(f.stat().st_size for f in files if f.is_file()) / 1e6,
        "files": len(files),
        "message": step.last_line() if step.returncode else "",
    }
    shutil.rmtree(out, ignore_errors=True)

    if args.repeats >= 0:
        log(f"[{n}] dashboard pages")
        res["pages"] = pages(db, args.repeats)
    return res


#: +1 runs per store size (each a new notice): the figure is their median.
PLUS_ONE_RUNS = 3


def plus_one(
    db: Path,
    work: Path,
    n: int,
    args: argparse.Namespace,
    runs: int = PLUS_ONE_RUNS,
    env: dict[str, str] | None = None,
    warm_up: int = 0,
) -> dict[str, Any]:
    """``runs`` one-notice ingests, each of a new notice: the median run, and every time.

    One run was too noisy to compare: the same step took 0.8-1.1 s on this machine from one
    run to the next. ``warm_up`` more runs go first, unmeasured (see :func:`plus_one_cached`).
    """
    steps: list[tuple[Step, dict[str, int]]] = []
    for _ in range(warm_up + runs):
        index = EXTRA_INDEX + n + max(0, notice_count(db) - n)  # new after every run
        extra = write_extra(work / f"extra-{n}", index, args.seed, args.size_kb)
        steps.append(ingest(db, [extra], args.jobs, env))
    return _median(steps[warm_up:])


def _median(steps: list[tuple[Step, dict[str, int]]]) -> dict[str, Any]:
    """The median run's figures and counts, and every run's seconds."""
    step, counts = sorted(steps, key=lambda sc: sc[0].seconds)[len(steps) // 2]
    return {**_fig(step, counts), "runs_s": [st.seconds for st, _ in steps]}


def plus_one_cached(
    db: Path, work: Path, n: int, args: argparse.Namespace, runs: int = PLUS_ONE_RUNS
) -> dict[str, Any] | None:
    """:func:`plus_one` with the checkout's bytecode cached, as on a default Python install.

    Only measured when ``PYTHONDONTWRITEBYTECODE`` is set (as on the machine these figures come
    from): every run then compiles the checkout's modules from source, 0.15 s of a +1. The
    cache goes to a folder of the work directory (``PYTHONPYCACHEPREFIX``), written by one
    unmeasured run first, so the checkout is left as it was.
    """
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return None  # the main +1 figure already reads cached bytecode
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return plus_one(db, work, n, args, runs, env, warm_up=1)


def plus_one_real(db: Path, work: Path, args: argparse.Namespace) -> dict[str, Any] | None:
    """+1 runs of the real corpus notices (``../shared/corpus``) not yet in the store.

    A generated +1 shares every passage with the store, so it writes no band-key rows; a real
    notice's text is new and writes thousands. Each real notice can be new only once in a
    kept store: a rerun finds them stored and reports that instead of a figure.
    """
    if not CORPUS.is_dir():
        return None
    folder = work / "real-plus-one"
    folder.mkdir(parents=True, exist_ok=True)
    steps: list[tuple[Step, dict[str, int]]] = []
    already = 0
    for source in sorted(CORPUS.iterdir())[:PLUS_ONE_RUNS]:
        target = folder / source.name
        shutil.copyfile(source, target)
        step, counts = ingest(db, [target], args.jobs)
        if counts.get("new") == 1:
            steps.append((step, counts))
        else:
            already += 1
    if not steps:
        return {"already_stored": already}
    return {**_median(steps), "already_stored": already}


def _index(path: Path) -> int:
    return int(path.stem[1:])


def _fig(step: Step, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "seconds": step.seconds,
        "cpu_s": step.cpu_s,
        "cores_busy": step.cores_busy,
        "max_rss_mb": step.max_rss_mb,
        "written_mb": step.written_mb,
        **counts,
    }


def _scaled(per_10k: float, n: int) -> float:
    return per_10k * n / 10_000


def _target(per_10k: float, n: int, unit: str = "s") -> str:
    """A per-notice target at size ``n``, naming the 10k figure it is scaled from."""
    text = f"< {_scaled(per_10k, n):.3g} {unit}"
    return text if n == 10_000 else f"{text} (10k: < {per_10k:g} {unit})"


def _short(message: str, limit: int = 90) -> str:
    """A failure message cut for the table (the JSON keeps it whole)."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _plus_one_target(n: int) -> float:
    for limit, seconds in sorted(PLUS_ONE_S.items()):
        if n <= limit:
            return seconds
    return max(PLUS_ONE_S.values())


def table(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows (what, measured, target, ok?) in the layout of issue 12's table."""
    rows: list[tuple[str, str, str, str]] = []

    def ok(flag: bool | None) -> str:
        return "—" if flag is None else ("yes" if flag else "NO")

    for r in result["sizes"]:
        n = r["notices"]
        k = f"{n / 1000:g}k"
        if "fresh_serial" in r:
            f = r["fresh_serial"]
            rows.append(
                (
                    f"fresh ingest, {k}, --jobs 1",
                    f"{f['seconds']:.1f} s ({n / f['seconds']:.0f} notices/s, "
                    f"{f['cpu_s']:.0f} CPU-s), {f['written_mb'] / 1e3:.2f} GB written",
                    "—",
                    "—",
                )
            )
        f = r["fresh_parallel"]
        if f.get("reused"):
            rows.append((f"fresh ingest, {k}, all cores", "store reused (--keep)", "", "—"))
        else:
            target = _scaled(FRESH_S_PER_10K, n)
            same = f.get("same_rows_as_serial")
            rows.append(
                (
                    f"fresh ingest, {k}, --jobs {result['jobs']}",
                    f"{f['seconds']:.1f} s ({f['cpu_s']:.0f} CPU-s, "
                    f"{f['cores_busy']:.2f} cores busy), "
                    f"{f['written_mb'] / 1e3:.2f} GB written"
                    + ("" if same is None else f", same rows as serial: {same}"),
                    _target(FRESH_S_PER_10K, n),
                    ok(f["seconds"] < target and f.get("failed", 0) == 0 and same is not False),
                )
            )
        u = r["unchanged"]
        target = _scaled(UNCHANGED_S_PER_10K, n)
        rows.append(
            (
                f"re-ingest of the unchanged {k}",
                f"{u['seconds']:.2f} s ({u.get('unchanged', '?')}/{n} unchanged), "
                f"store untouched: {u['store_untouched']}",
                _target(UNCHANGED_S_PER_10K, n),
                ok(u["seconds"] < target and u.get("unchanged") == n and u["store_untouched"]),
            )
        )
        target = _plus_one_target(n)
        for key, what in (
            ("plus_one", f"+1 notice into a {k} store ({r['store_mb']:.0f} MB)"),
            ("plus_one_cached", f"+1 into {k}, with the checkout's bytecode cached"),
            ("plus_one_real", f"+1 into {k}, real corpus notices"),
        ):
            p = r.get(key)
            if not p:
                continue
            if "seconds" not in p:
                rows.append((what, "all already in this kept store", "", "—"))
                continue
            rows.append(
                (
                    what,
                    f"{p['seconds']:.2f} s, median of "
                    f"{', '.join(f'{x:.2f}' for x in p.get('runs_s', [p['seconds']]))} "
                    f"({p.get('new', '?')} new, {p['cpu_s']:.1f} CPU-s), "
                    f"{p['written_mb']:.0f} MB written",
                    f"< {target:g} s",
                    ok(p["seconds"] < target and p.get("new") == 1),
                )
            )
        e = r["export"]
        target = _scaled(EXPORT_S_PER_10K, n)
        rows.append(
            (
                f"export at {k}",
                f"{e['seconds']:.1f} s, peak RSS {e['max_rss_mb']:.0f} MB, "
                f"{e['out_mb']:.0f} MB in {e['files']} files"
                + (f"; exit {e['returncode']}: {_short(e['message'])}" if e["returncode"] else ""),
                f"{_target(EXPORT_S_PER_10K, n)}, < {EXPORT_RSS_MB / 1024:g} GB",
                ok(
                    e["returncode"] == 0
                    and e["seconds"] < target
                    and e["max_rss_mb"] < EXPORT_RSS_MB
                ),
            )
        )
        pg = r.get("pages")
        if pg and "error" in pg:
            rows.append((f"dashboard pages at {k}", f"failed: {_short(pg['error'])}", "", "NO"))
        for page in (pg or {}).get("pages", []):
            if "error" in page:
                rows.append(
                    (f"page {page['page']} at {k}", f"failed: {_short(page['error'])}", "", "NO")
                )
                continue
            picker = page["picker"]
            rows.append(
                (
                    f"page {page['page']} at {k}",
                    f"cold {page['cold_s']:.2f} s, warm {page['warm_median_s']:.2f} s"
                    + (
                        f", picker {picker['bytes'] / 1e3:.1f} kB ({picker['options']} options)"
                        if picker.get("label")
                        else ""
                    ),
                    "< 2 s cold, < 1 s warm, picker < 200 kB",
                    ok(page["ok"]),
                )
            )
    for name, x in result.get("extraction", {}).items():
        if "error" in x:
            rows.append((f"extraction, one core ({name} text)", f"failed: {x['error']}", "", "NO"))
        else:
            rows.append(
                (
                    f"extraction, one core ({name} text)",
                    f"{x['cpu_mb_s']:.2f} MB/s CPU time ({x['wall_mb_s']:.2f} MB/s wall)",
                    f"≥ {EXTRACT_MBS:g} MB/s",
                    ok(x["cpu_mb_s"] >= EXTRACT_MBS),
                )
            )
    return rows


def cpu_counters(stat: str | None = None) -> tuple[int, int] | None:
    """(stolen, total) CPU jiffies of all cores from /proc/stat, or None where it is absent.

    The ``cpu`` line's fields are user, nice, system, idle, iowait, irq, softirq, steal, …
    (guest time is already inside user and nice, so it is left out of the total).
    """
    if stat is None:
        try:
            stat = Path("/proc/stat").read_text(encoding="ascii")
        except OSError:
            return None
    for line in stat.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu" and len(fields) >= 9:
            values = [int(x) for x in fields[1:9]]
            return values[7], sum(values)
    return None


def stolen_share(start: tuple[int, int] | None, end: tuple[int, int] | None) -> str:
    """The share of CPU time the hypervisor took between two :func:`cpu_counters` readings."""
    if start is None or end is None or end[1] <= start[1]:
        return "unknown"
    return f"{100 * (end[0] - start[0]) / (end[1] - start[1]):.0f}%"


def print_table(result: dict[str, Any]) -> None:
    rows = [("what", "measured", "target", "ok?"), *table(result)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(
        f"\n{result['cores']} cores, --jobs {result['jobs']}, load average "
        f"{result['load_start']} at start, {result['load_end']} at end, CPU stolen by the "
        f"hypervisor {result.get('stolen', 'unknown')}; corpus: "
        f"{result['corpus']['notices']:,} generated notices of {result['size_kb']:g} KiB "
        f"(seed {result['seed']})\n"
    )
    for i, r in enumerate(rows):
        print(f"| {r[0]:<{widths[0]}} | {r[1]:<{widths[1]}} | {r[2]:<{widths[2]}} | {r[3]} |")
        if i == 0:
            print(f"| {'-' * widths[0]} | {'-' * widths[1]} | {'-' * widths[2]} | --- |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000", help="comma-separated store sizes (1000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="all cores")
    parser.add_argument("--serial-max", type=int, default=10_000,
                        help="time a --jobs 1 fresh ingest up to this size (10000)")  # fmt: skip
    parser.add_argument("--size-kb", type=float, default=30.0, help="notice size (30 KiB)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2,
                        help="warm runs per dashboard page (-1: skip the pages)")  # fmt: skip
    parser.add_argument("--extract-mb", type=float, default=10.0, help="MB for extraction")
    parser.add_argument("--keep", type=Path, help="keep corpus and stores here (and reuse)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()})
    except ValueError:
        parser.error(f"--sizes: 须为整数列表 / must be comma-separated integers: {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: 至少一个正整数 / at least one positive size")

    def log(msg: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    tmp = None
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="xuncha-scale-")
        work = Path(tmp.name)
    try:
        result: dict[str, Any] = {
            "cores": os.cpu_count(),
            "jobs": args.jobs,
            "seed": args.seed,
            "size_kb": args.size_kb,
            "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        }
        counters = cpu_counters()
        log(f"corpus of {max(sizes):,} notices in {work / 'corpus'}")
        result["corpus"] = ensure_corpus(
            work / "corpus", max(sizes), args.seed, args.size_kb, args.jobs
        )
        if not result["corpus"]["reused"]:
            for stale in work.glob("store-*.duckdb*"):  # ingested from another corpus
                stale.unlink()
        log("extraction throughput")
        result["extraction"] = extraction(work / "corpus" / "shard_0000", args.extract_mb)
        result["sizes"] = [bench_size(n, work, work / "corpus", args, log) for n in sizes]
        result["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        result["stolen"] = stolen_share(counters, cpu_counters())
    finally:
        if tmp is not None:
            tmp.cleanup()
    print_table(result)
    if args.json:
        Path(args.json).write_text(
            json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
