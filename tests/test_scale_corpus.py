"""The scale corpus generator (scripts/gen_scale_corpus.py, issue 12) and the parser as its oracle.

Why: the benchmark's figures are only worth something if the corpus it runs on is the same from
run to run and looks like notices to the parser. The generator writes down what it composed
(``truth.jsonl``), so a small generated set, ingested through the real pipeline, must come back
out of the store with the unit, body, level, dates, problem statuses and completion figures the
generator wrote: that is a parser test on notices nobody tuned the rules on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extract.ingest import ingest_paths
from tests.script_modules import load_script

NOTICES = 20
STATUS = {  # generator state -> problems.status
    "completed": "completed",
    "basic": "basically_completed",
    "notdone": "not_completed",
    "longterm": "long_term",
}


gen = load_script("gen_scale_corpus")


def _truth(folder: Path) -> list[dict[str, Any]]:
    with (folder / "truth.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.txt"))}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "corpus"
    gen.generate(folder, NOTICES, seed=5, size_kb=6)
    return folder


@pytest.fixture(scope="module")
def store(corpus: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    db = corpus.parent / "scale.duckdb"
    summary = ingest_paths([corpus], db, workers=1)
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_same_seed_gives_the_same_bytes_for_any_jobs(corpus: Path, tmp_path: Path) -> None:
    """Determinism: seed 5 again (in two processes this time) writes identical files and truth."""
    again = tmp_path / "again"
    gen.generate(again, NOTICES, seed=5, size_kb=6, jobs=2)
    assert _files(again) == _files(corpus)
    assert (again / "truth.jsonl").read_bytes() == (corpus / "truth.jsonl").read_bytes()


def test_another_seed_gives_other_notices(corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    gen.generate(other, 3, seed=6, size_kb=6)
    assert set(_files(other).values()).isdisjoint(_files(corpus).values())


def test_a_prefix_of_a_larger_corpus_is_the_smaller_corpus(corpus: Path, tmp_path: Path) -> None:
    """Notice i depends on (seed, i) alone, so a 10k corpus starts with the 1k one."""
    small = tmp_path / "small"
    gen.generate(small, 7, seed=5, size_kb=6)
    assert _files(small).items() <= _files(corpus).items()


def test_every_file_is_marked_fictional_and_sharded(corpus: Path) -> None:
    marker = gen.load_vocabulary()["marker"]
    files = _files(corpus)
    assert len(files) == NOTICES
    for name, data in files.items():
        assert data.decode("utf-8").splitlines()[0] == marker, name
        assert "虚构" in marker and name.startswith("shard_0000/"), name
    assert gen.relative_path(12_345) == "shard_0012/n0012345.txt"


def test_sizes_follow_size_kb(corpus: Path) -> None:
    sizes = [t["bytes"] for t in _truth(corpus)]
    assert all(4_000 < s < 9_000 for s in sizes), sizes  # --size-kb 6 = 6,144 bytes


def test_metadata_and_completion_vary_across_notices(corpus: Path) -> None:
    """The point of a scale corpus: facets and comparisons have something to show."""
    truth = _truth(corpus)
    assert len({t["inspected_unit"] for t in truth}) >= NOTICES // 2  # some units recur
    assert len({t["inspection_level"] for t in truth}) >= 2
    assert len({t["inspection_start"][:4] for t in truth}) >= 3
    assert len({t["completion"]["stated_rate"] for t in truth}) >= 5
    assert {t["completion"]["consistent"] for t in truth} == {True, False}
    assert {t["completion"]["scope"] for t in truth} == {"problems", "tasks"}


# (store column, truth key, covers)
META_ROWS = [
    ("inspected_unit", "inspected_unit", "the unit after 对…开展了/进行了"),
    ("issuer", "issuer", "the signature's issuer"),
    ("inspection_body", "inspection_body", "省委第N巡视组 / 市委·县委第N巡察组"),
    ("inspection_level", "inspection_level", "省 / 市 / 县区 from the body"),
    ("inspection_kind", "inspection_kind", "巡视 / 巡察"),
    ("inspection_start", "inspection_start", "opening date with its year"),
    ("inspection_end", "inspection_end", "end date, often without its year"),
    ("feedback_date", "feedback_date", "feedback date"),
    ("as_of_date", "as_of_date", "截至 date of the summary"),
    ("signed_date", "signed_date", "signature date"),
]


@pytest.mark.parametrize(("column", "key", "covers"), META_ROWS, ids=[r[0] for r in META_ROWS])
def test_store_holds_the_metadata_the_generator_wrote(
    corpus: Path, store: duckdb.DuckDBPyConnection, column: str, key: str, covers: str
) -> None:
    rows = store.execute(f"SELECT source_path, {column} FROM notices").fetchall()
    got = {Path(path).name: value for path, value in rows}
    want = {Path(t["file"]).name: t[key] for t in _truth(corpus)}
    assert {k: None if v is None else str(v) for k, v in got.items()} == want, covers


# (store column, truth key, covers)
COMPLETION_ROWS = [
    ("total", "total", "问题数 or 整改任务数, whichever the summary counts"),
    ("completed", "completed", "已完成N个 / 已整改完成N项"),
    ("stated_rate", "stated_rate", "完成率N% as stated, also when it disagrees with its parts"),
    ("consistent", "consistent", "a stated rate that does not follow from its parts is flagged"),
]


@pytest.mark.parametrize(
    ("column", "key", "covers"), COMPLETION_ROWS, ids=[r[0] for r in COMPLETION_ROWS]
)
def test_store_holds_the_completion_figures_the_generator_wrote(
    corpus: Path, store: duckdb.DuckDBPyConnection, column: str, key: str, covers: str
) -> None:
    rows = store.execute(
        f"SELECT n.source_path, c.{column} FROM completion c JOIN notices n USING (notice_id)"
    ).fetchall()
    got = {Path(path).name: value for path, value in rows}
    want = {Path(t["file"]).name: t["completion"][key] for t in _truth(corpus)}
    assert got == want, covers


def test_store_holds_each_feedback_problem_with_its_status(
    corpus: Path, store: duckdb.DuckDBPyConnection
) -> None:
    """Problems are 二/(一)/1 …: numbered continuously under their area headings."""
    rows = store.execute(
        "SELECT n.source_path, p.status FROM problems p JOIN notices n USING (notice_id) "
        "WHERE p.is_problem AND p.path LIKE '二/%/%' ORDER BY n.source_path, p.problem_id"
    ).fetchall()
    got: dict[str, list[str]] = {}
    for path, status in rows:
        got.setdefault(Path(path).name, []).append(status)
    want = {Path(t["file"]).name: [STATUS[s] for s in t["problem_states"]] for t in _truth(corpus)}
    assert got == want


def test_store_holds_the_money_figures_the_generator_wrote(
    corpus: Path, store: duckdb.DuckDBPyConnection
) -> None:
    """万元 / 亿元 figures are normalised to 元 (the first few of each notice are in the truth)."""
    rows = store.execute(
        "SELECT n.source_path, q.surface, q.value FROM quantities q "
        "JOIN notices n USING (notice_id) WHERE q.kind = 'money'"
    ).fetchall()
    stored: dict[str, set[tuple[str, float]]] = {}
    for path, surface, value in rows:
        stored.setdefault(Path(path).name, set()).add((surface, round(value, 2)))
    for t in _truth(corpus):
        name = Path(t["file"]).name
        for surface, value in t["money"]:
            assert (surface, round(value, 2)) in stored.get(name, set()), (name, surface)


def test_a_bad_template_is_reported_with_its_line(tmp_path: Path) -> None:
    """A typo in scale_corpus.toml names the file, the line and the slot (no traceback)."""
    text = gen.VOCABULARY.read_text(encoding="utf-8").replace("{i:3:9}次", "{i:3}次", 1)
    bad = tmp_path / "scale_corpus.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(gen.GenError, match=r"scale_corpus\.toml:\d+: .*\{i:3\}"):
        gen.load_vocabulary(bad)


# (notices asked, shard size, covers)
PREFIX_ROWS = [
    (20, 1000, "a partial first shard: its files one by one"),
    (7, 1000, "fewer notices than the corpus holds"),
    (20, 10, "two whole shards, passed as folders"),
    (15, 10, "a whole shard and a partial one"),
]


@pytest.mark.parametrize(("n", "shard", "covers"), PREFIX_ROWS, ids=[r[2] for r in PREFIX_ROWS])
def test_bench_scale_ingests_exactly_the_first_n_notices(
    tmp_path: Path, n: int, shard: int, covers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scripts/bench_scale.py picks the first N notices of the largest corpus by shard."""
    monkeypatch.setattr(gen, "SHARD", shard)
    folder = tmp_path / "c"
    gen.generate(folder, 20, seed=2, size_kb=3)
    bench = load_script("bench_scale", monkeypatch)
    picked: list[Path] = []
    for p in bench.corpus_paths(folder, n, shard):
        picked += sorted(p.glob("*.txt")) if p.is_dir() else [p]
    assert [p.name for p in picked] == [f"n{i:07d}.txt" for i in range(n)], covers


def test_bench_scale_plus_one_rows_for_real_notices_and_cached_bytecode(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two extra +1 figures of scripts/bench_scale.py measure what their rows say.

    Real notices: each is new once (a rerun on the kept store says they are stored, it does not
    time an unchanged file as a +1). Cached bytecode: the cache goes under the work folder,
    never into the checkout, and only when this environment disables writing it.
    """
    bench = load_script("bench_scale", monkeypatch)
    monkeypatch.setattr(bench, "CORPUS", corpus_dir)
    monkeypatch.setattr(bench, "PLUS_ONE_RUNS", 2)
    folder = tmp_path / "c"
    gen.generate(folder, 3, seed=2, size_kb=3)
    db = tmp_path / "s.duckdb"
    ingest_paths([folder], db_path=db, workers=1)
    args = bench.argparse.Namespace(jobs=1, seed=2, size_kb=3)
    work = tmp_path / "work"

    real = bench.plus_one_real(db, work, args)
    assert real["new"] == 1 and len(real["runs_s"]) == 2 and real["already_stored"] == 0
    again = bench.plus_one_real(db, work, args)
    assert again == {"already_stored": 2}

    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    assert bench.plus_one_cached(db, work, 3, args, runs=1) is None
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    before = bench.notice_count(db)
    cached = bench.plus_one_cached(db, work, 3, args, runs=1)
    assert cached["new"] == 1 and len(cached["runs_s"]) == 1
    assert bench.notice_count(db) == before + 2  # the unmeasured first run stored one too
    assert any((work / "pycache").rglob("ingest*.pyc"))

    base = {
        "notices": 3,
        "store_mb": 1.0,
        "fresh_parallel": {"reused": True},
        "unchanged": {**real, "store_untouched": True},
        "plus_one": real,
        "export": {**real, "returncode": 0, "out_mb": 1.0, "files": 1, "message": ""},
    }
    rows = {
        r[0]: r
        for r in bench.table(
            {
                "jobs": 1,
                "sizes": [
                    {**base, "plus_one_real": real, "plus_one_cached": cached},
                    {**base, "notices": 4, "plus_one_real": again, "plus_one_cached": None},
                ],
            }
        )
    }
    row = rows["+1 into 0.003k, real corpus notices"]
    assert row[1].startswith(f"{real['seconds']:.2f} s, median of ") and row[2] == "< 1 s"
    assert rows["+1 into 0.003k, with the checkout's bytecode cached"][2] == "< 1 s"
    assert rows["+1 into 0.004k, real corpus notices"][1] == "all already in this kept store"
    assert "+1 into 0.004k, with the checkout's bytecode cached" not in rows


# (what it covers, /proc/stat at start, at end, the share printed)
STEAL_ROWS = [
    (
        "a third of the CPU time stolen (per-core lines ignored)",
        "cpu  100 0 0 100 0 0 0 0 0 0\ncpu0 50 0 0 50 0 0 0 0 0 0\n",
        "cpu  200 0 0 200 0 0 0 100 0 0\ncpu0 100 0 0 100 0 0 0 50 0 0\n",
        "33%",
    ),
    ("no steal", "cpu  10 1 2 30 0 0 0 0 5 0\n", "cpu  20 1 4 60 0 0 0 0 9 0\n", "0%"),
    ("no cpu line (not Linux): unknown", "intr 1 2\n", "intr 3 4\n", "unknown"),
    (
        "counters did not move: unknown",
        "cpu  1 0 0 1 0 0 0 0\n",
        "cpu  1 0 0 1 0 0 0 0\n",
        "unknown",
    ),
]


@pytest.mark.parametrize(
    ("why", "start", "end", "share"), STEAL_ROWS, ids=[r[0] for r in STEAL_ROWS]
)
def test_bench_scale_prints_the_cpu_stolen_during_the_run(
    why: str, start: str, end: str, share: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Steal time (the hypervisor taking CPU) is read from the all-cores line; guest is left out."""
    bench = load_script("bench_scale", monkeypatch)
    assert bench.stolen_share(bench.cpu_counters(start), bench.cpu_counters(end)) == share, why
