"""Shared passages are linked incrementally: the batches a run is cut into change nothing.

extract/store/passages.py links each notice of a batch against the store and the batch's
earlier notices, and keeps per-key and per-cluster state (``passage_keys``,
``shared_clusters.notices``, ``cluster_inputs``) as notices join and leave, so a batch never
reads a whole cluster. These tests hold it to what that promises: the same rows whether the
notices come in one batch, one per batch or cut at random, and state that always equals a
recount from the members, also after a notice is replaced.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from extract.ingest import ingest_paths
from extract.store import create_database
from tests.cluster_ids import select_sql
from tests.notice_factory import notice_text

_CORE = "围绕巡察反馈的基层党组织软弱涣散问题,逐一制定整改台账,明确责任领导和完成时限,压实整改责任"

# Fictional measures (not corpus text). Each notice below pastes some of them: exact copies
# (same text key, figures may differ), reworded copies (a band hit confirmed by Jaccard, a
# different key) and unrelated sentences, so every branch of the linker runs.
MEASURES = {
    "rules": "制定出台《干部日常管理监督办法》等制度文件12项,"
    "建立问题清单、任务清单和责任清单三张清单。",
    "rules_reworded": "制定出台《干部日常管理监督办法》等制度文件8项,"
    "建立问题清单、任务清单和整改清单三张清单。",
    "funds": "追缴违规发放的津贴补贴资金35.6万元,对相关责任人进行诫勉谈话并在全系统通报。",
    "funds_reworded": "追缴违规发放的津贴补贴资金12万元,对相关责任人进行提醒谈话并在全系统通报。",
    "training": "举办年轻干部能力提升培训班3期,选派15名干部到基层一线挂职锻炼,补齐能力短板。",
    "own": "修订完善本单位议事规则和决策程序,明确重大事项集体研究决定的范围和流程共计9项。",
    # Three measures sharing one core, each below the confirm threshold with the others (5-gram
    # Jaccard 0.48), and the core alone above it with each (0.65; reworded, 0.60): the core
    # merges two stored clusters, the reworded core merges the result with a third.
    "core_party": f"{_CORE},同步开展党员发展质量回头看,补齐组织生活记录。",
    "core_audit": f"{_CORE},对村级财务收支开展专项审计,规范三资管理程序。",
    "core_review": f"{_CORE},建立季度督导通报制度,约谈进度滞后单位负责人。",
    "core": f"{_CORE}。",
    "core_reworded": f"{_CORE[:-2]}担当。",
}

# (file name, inspected unit, study figure, measures pasted): units repeat, so some clusters
# are one unit reusing its words (boilerplate) and others are copied measures.
NOTICES = [
    ("n01.txt", "云岭开发区", 1, ["rules", "funds"]),
    ("n02.txt", "松岭农业局", 2, ["rules", "training"]),
    ("n03.txt", "青禾供销社", 3, ["rules_reworded", "funds_reworded"]),
    ("n04.txt", "云岭开发区", 4, ["own", "funds"]),
    ("n05.txt", "白石水务局", 5, ["training", "rules_reworded", "funds"]),
    ("n06.txt", "云岭开发区", 6, ["own"]),
    ("n07.txt", "东湖街道", 7, ["funds_reworded", "training", "rules"]),
    ("n08.txt", "松岭农业局", 8, []),
    ("n09.txt", "北山林场", 9, ["rules", "rules_reworded", "own"]),
    ("n10.txt", "南桥社区", 10, ["training"]),
    # stored clusters merging (cluster_moves): two clusters, the core joining them, a third
    # cluster, the reworded core joining it to the merged one, then a copy of a merged member
    ("n11.txt", "西溪镇", 11, ["core_party"]),
    ("n12.txt", "石门乡", 12, ["core_party"]),
    ("n13.txt", "西溪镇", 13, ["core_audit"]),
    ("n14.txt", "龙潭村", 14, ["core_audit"]),
    ("n15.txt", "石门乡", 15, ["core"]),
    ("n16.txt", "东湖街道", 16, ["core_review"]),
    ("n17.txt", "北山林场", 17, ["core_review"]),
    ("n18.txt", "龙潭村", 18, ["core_reworded"]),
    ("n19.txt", "南桥社区", 19, ["core_audit"]),
]

# The shared-passage tables, with the columns compared (labelled_at is the run's clock; a
# member's cluster_id is compared resolved through cluster_moves, tests/cluster_ids.py).
TABLES = {
    "passages": "notice_id, passage_id, start_offset, end_offset, text_key, cluster_id",
    "passage_bands": "band_key, notice_id, passage_id",
    "passage_links": "notice_id, passage_id, other_notice_id, other_passage_id, similarity",
    "passage_keys": "text_key, notice_id, passage_id, cluster_id",
    "passage_texts": "notice_id, passage_id, text, cluster_id",
    "shared_clusters": "cluster_id, label, notices",
    "cluster_inputs": "cluster_id, units, issuers",
}


def _write_notices(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, unit, study, measures in NOTICES:
        path = folder / name
        extra = "".join("\n" + MEASURES[m] for m in measures)
        path.write_text(notice_text(unit, study=study) + extra + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(select_sql(t, cols)).fetchall() for t, cols in TABLES.items()}
    finally:
        con.close()


def _state_problems(db: Path) -> list[str]:
    """Where the kept state differs from a recount over the members (empty: none)."""
    checks = {
        "a cluster's notices differ from its members'": """
            SELECT c.cluster_id FROM shared_clusters c
            FULL JOIN (SELECT cluster_id, count(DISTINCT notice_id) AS n FROM v_passage_clusters
                       WHERE cluster_id IS NOT NULL GROUP BY 1) m USING (cluster_id)
            WHERE c.notices IS DISTINCT FROM m.n""",
        "a cluster's units or issuers differ from its members'": """
            SELECT i.cluster_id FROM cluster_inputs i
            FULL JOIN (
                SELECT p.cluster_id,
                    list_slice(list_sort(list_distinct(list(
                        coalesce(n.inspected_unit, 'notice:' || p.notice_id)))), 1, 64) AS u,
                    list_slice(list_sort(list_distinct(list(
                        coalesce(n.issuer, 'notice:' || p.notice_id)))), 1, 64) AS s
                FROM v_passage_clusters p JOIN notices n USING (notice_id)
                WHERE p.cluster_id IS NOT NULL GROUP BY 1) m USING (cluster_id)
            WHERE i.units IS DISTINCT FROM m.u OR i.issuers IS DISTINCT FROM m.s""",
        "a text key without exactly one stored representative": """
            SELECT text_key FROM (SELECT DISTINCT text_key FROM passages) d
            FULL JOIN (SELECT text_key, count(*) AS n FROM passage_keys GROUP BY 1) k
                USING (text_key)
            WHERE k.n IS DISTINCT FROM 1""",
        "a representative that is not a stored passage with its key": """
            SELECT k.text_key FROM passage_keys k
            LEFT JOIN passages p USING (notice_id, passage_id)
            WHERE p.text_key IS DISTINCT FROM k.text_key""",
        "a representative whose kept cluster is not its passage's": """
            SELECT k.text_key FROM passage_keys k JOIN passages p USING (notice_id, passage_id)
            WHERE k.cluster_id IS DISTINCT FROM p.cluster_id""",
        "a kept text whose cluster is not its passage's": """
            SELECT t.notice_id FROM passage_texts t JOIN passages p USING (notice_id, passage_id)
            WHERE t.cluster_id IS DISTINCT FROM p.cluster_id""",
        "a merged-away cluster id moved twice": """
            SELECT cluster_id FROM cluster_moves GROUP BY 1 HAVING count(*) > 1""",
        "a move whose target was itself merged away": """
            SELECT m.cluster_id FROM cluster_moves m
            JOIN cluster_moves t ON t.cluster_id = m.target""",
        "a move that no stored passage holds (it would capture a later cluster)": """
            SELECT cluster_id FROM cluster_moves ANTI JOIN passages USING (cluster_id)""",
        "passages keeping band keys and passages with a kept text differ": """
            SELECT notice_id, passage_id FROM (SELECT DISTINCT notice_id, passage_id
                                                FROM passage_bands) b
            FULL JOIN passage_texts t USING (notice_id, passage_id)
            WHERE b.notice_id IS NULL OR t.notice_id IS NULL""",
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [
            f"{what}: {rows[:3]}"
            for what, sql in checks.items()
            if (rows := con.execute(sql).fetchall())
        ]
    finally:
        con.close()


def _one_batch(paths: list[Path]) -> list[list[Path]]:
    return [paths]


def _one_per_batch(paths: list[Path]) -> list[list[Path]]:
    return [[p] for p in paths]


def _random_splits(seed: int) -> Callable[[list[Path]], list[list[Path]]]:
    def split(paths: list[Path]) -> list[list[Path]]:
        rng = random.Random(seed)
        cuts = sorted(rng.sample(range(1, len(paths)), rng.randint(1, len(paths) - 2)))
        return [paths[a:b] for a, b in zip([0, *cuts], [*cuts, len(paths)], strict=True)]

    return split


# Each row: how the run is cut into batches (every ingest_paths call of at most 64 notices is
# one batch), compared with the whole set written in one batch.
SPLITS = [
    pytest.param(_one_per_batch, id="one notice per batch: each linked against the store"),
    pytest.param(_random_splits(1), id="random split 1: batch and store partners mixed"),
    pytest.param(_random_splits(7), id="random split 7"),
    pytest.param(_random_splits(2026), id="random split 2026"),
]


def _ingest_in(db: Path, batches: list[list[Path]]) -> None:
    for batch in batches:
        summary = ingest_paths(batch, db, workers=1)
        assert summary.failed == 0, [r.error for r in summary.results if r.error]
        assert not _state_problems(db), _state_problems(db)


@pytest.mark.parametrize("split", SPLITS)
def test_batches_give_the_rows_of_one_batch(
    tmp_path: Path, split: Callable[[list[Path]], list[list[Path]]]
) -> None:
    paths = _write_notices(tmp_path / "in")
    _ingest_in(tmp_path / "one.duckdb", _one_batch(paths))
    _ingest_in(tmp_path / "split.duckdb", split(paths))
    whole, cut = _rows(tmp_path / "one.duckdb"), _rows(tmp_path / "split.duckdb")
    assert whole["passage_links"], "the fixture must share passages"
    assert {label for _, label, _ in whole["shared_clusters"]} == {"boilerplate", "copied_measure"}
    for table in TABLES:
        assert cut[table] == whole[table], table


@pytest.mark.parametrize("split", [_one_per_batch, _random_splits(3)])
def test_real_notices_give_the_same_rows_in_any_batches(
    tmp_path: Path, corpus_files: list[Path], sample_dir: Path, split: Callable
) -> None:
    """The five real notices and the samples (real sentence lengths and stock phrases)."""
    paths = [*corpus_files, *sorted(sample_dir.glob("*.txt"))]
    _ingest_in(tmp_path / "one.duckdb", _one_batch(paths))
    _ingest_in(tmp_path / "split.duckdb", split(paths))
    assert _rows(tmp_path / "split.duckdb") == _rows(tmp_path / "one.duckdb")


def test_merged_clusters_are_recorded_not_repointed(tmp_path: Path) -> None:
    """Written one notice per run, the core measures merge stored clusters twice (n15, n18).

    Each merge is one ``cluster_moves`` row; the second merge's target takes over the first's
    row, so no target is itself moved. The members keep the ids they were written with, and
    v_shared_passages shows the one cluster with all nine notices.
    """
    db = tmp_path / "x.duckdb"
    _ingest_in(db, _one_per_batch(_write_notices(tmp_path / "in")))
    con = duckdb.connect(str(db), read_only=True)
    try:
        moves = con.execute("SELECT cluster_id, target FROM cluster_moves").fetchall()
        holding = con.execute(
            "SELECT count(DISTINCT cluster_id) FROM passages SEMI JOIN cluster_moves "
            "USING (cluster_id)"
        ).fetchone()
        (target,) = {t for _, t in moves}
        shown = con.execute(
            "SELECT DISTINCT cluster_id, cluster_notices FROM v_shared_passages "
            "WHERE passage LIKE ?",
            [_CORE[:12] + "%"],
        ).fetchall()
    finally:
        con.close()
    assert len(moves) == 2, moves
    assert holding == (2,), "the merged-away members keep their ids"
    assert shown == [(target, 9)]


# Each row: which notice is rewritten and how; the kept state must equal a recount after it.
REPLACEMENTS = [
    ("n01.txt", "", "a first notice, representative of its keys, loses its measures"),
    ("n05.txt", "\n" + MEASURES["own"], "a notice leaves two clusters and joins another"),
    ("n09.txt", "\n" + MEASURES["funds"], "a notice in a merged cluster changes"),
]


@pytest.mark.parametrize(("name", "extra", "why"), REPLACEMENTS)
def test_replacing_a_notice_keeps_the_counts_right(
    tmp_path: Path, name: str, extra: str, why: str
) -> None:
    paths = _write_notices(tmp_path / "in")
    db = tmp_path / "x.duckdb"
    _ingest_in(db, [paths[:6], paths[6:]])
    before = _rows(db)["shared_clusters"]
    unit = next(u for n, u, _, _ in NOTICES if n == name)
    (tmp_path / "in" / name).write_text(notice_text(unit, study=99) + extra, encoding="utf-8")
    assert ingest_paths(paths, db, workers=1).updated == 1
    assert not _state_problems(db), why
    assert _rows(db)["shared_clusters"] != before, why
    con = duckdb.connect(str(db), read_only=True)
    try:
        stale = con.execute(
            "SELECT count(*) FROM passage_keys k ANTI JOIN notices n USING (notice_id)"
        ).fetchone()
    finally:
        con.close()
    assert stale == (0,), why


# Each row: rewrites applied one after the other (file, measures it holds afterwards; None: the
# file as first written) to a store written one notice per run, whose clusters merged twice.
MERGED_REWRITES = [
    pytest.param([("n11.txt", [])], id="a member of a merged-away cluster leaves"),
    pytest.param(
        [("n11.txt", []), ("n12.txt", [])],
        id="every member of a merged-away cluster leaves: its move goes",
    ),
    pytest.param(
        [("n11.txt", []), ("n12.txt", []), ("n11.txt", None), ("n12.txt", None)],
        id="the members come back under their old refs: no stale move captures them",
    ),
    pytest.param([("n15.txt", ["training"])], id="the notice whose passage merged them leaves"),
    pytest.param([("n18.txt", ["core_party"])], id="the second merger becomes a copy"),
]


@pytest.mark.parametrize("rewrites", MERGED_REWRITES)
def test_rewriting_notices_of_merged_clusters_keeps_the_state_right(
    tmp_path: Path, rewrites: list[tuple[str, list[str] | None]]
) -> None:
    paths = _write_notices(tmp_path / "in")
    db = tmp_path / "x.duckdb"
    _ingest_in(db, _one_per_batch(paths))
    originals = {p.name: p.read_text(encoding="utf-8") for p in paths}
    for name, measures in rewrites:
        unit = next(u for n, u, _, _ in NOTICES if n == name)
        path = tmp_path / "in" / name
        if measures is None:
            path.write_text(originals[name], encoding="utf-8")
        else:
            extra = "".join("\n" + MEASURES[m] for m in measures)
            path.write_text(notice_text(unit, study=77) + extra + "\n", encoding="utf-8")
        summary = ingest_paths(paths, db, workers=1)
        assert summary.failed == 0 and summary.new + summary.updated == 1, name
        assert not _state_problems(db), (name, _state_problems(db))


def test_an_older_store_is_backfilled_by_the_migration(tmp_path: Path) -> None:
    """A store written before the per-key and per-cluster state gets it from its rows."""
    paths = _write_notices(tmp_path / "in")
    db = tmp_path / "x.duckdb"
    _ingest_in(db, [paths])
    expected = _rows(db)
    con = duckdb.connect(str(db))
    try:
        (version,) = con.execute(
            "SELECT version FROM schema_version WHERE name LIKE '%passage_keys%'"
        ).fetchone() or (0,)
        assert version, "the migration under test"
        assert con.execute("SELECT count(*) FROM cluster_moves").fetchone() == (0,)
        for table in ("passage_keys", "passage_texts", "cluster_inputs", "cluster_moves"):
            con.execute(f"DROP TABLE {table}")
        # back to the schema before it (later migrations only add to its tables)
        con.execute("DELETE FROM schema_version WHERE version >= ?", [version])
        con.execute("UPDATE shared_clusters SET notices = 1")  # the old counts went stale
    finally:
        con.close()
    create_database(db)  # the next writer upgrades the store
    assert not _state_problems(db)
    got = _rows(db)
    for table in ("passage_texts", "cluster_inputs", "shared_clusters"):
        assert got[table] == expected[table], table
    # the representative may be another copy of the key (the old look-up's choice), in the
    # key's one cluster
    assert sorted({(k, c) for k, _, _, c in got["passage_keys"]}) == sorted(
        {(k, c) for k, _, _, c in expected["passage_keys"]}
    )


def test_stored_rows_without_a_masked_key_confirm_alike(tmp_path: Path) -> None:
    """Rows kept before migration 006 have no masked key: the writer derives it from the text.

    The first half is stored, its keys are erased (as a store upgraded from version 5 has
    them), and the second half must link exactly as into a store that kept them. Every key a
    worker computed must also equal the one derived from the stored text.
    """
    from extract.audit.config import load_config
    from extract.audit.units import exact_key, masked_key

    paths = _write_notices(tmp_path / "in")
    halves = [paths[:5], paths[5:]]
    _ingest_in(tmp_path / "kept.duckdb", halves)
    _ingest_in(tmp_path / "erased.duckdb", halves[:1])
    con = duckdb.connect(str(tmp_path / "erased.duckdb"))
    try:
        con.execute("UPDATE passage_texts SET masked_key = NULL")
    finally:
        con.close()
    _ingest_in(tmp_path / "erased.duckdb", halves[1:])
    assert _rows(tmp_path / "erased.duckdb") == _rows(tmp_path / "kept.duckdb")
    con = duckdb.connect(str(tmp_path / "kept.duckdb"), read_only=True)
    try:
        kept = con.execute("SELECT text, masked_key FROM passage_texts").fetchall()
    finally:
        con.close()
    assert kept, "the fixture must keep band keys"
    config = load_config()
    assert [k for _, k in kept] == [masked_key(exact_key(t, config)) for t, _ in kept]


# (what it covers, the batch's notices as (notice id, text keys of its passages), the stored
# text keys, the passages probed by band keys as (notice id, text key)).
PENDING_CASES = [
    ("a new key is probed", [("a", [1])], [], [("a", 1)]),
    ("a stored key links by key: not probed", [("a", [1, 2])], [2], [("a", 1)]),
    (
        "a key an earlier notice of the batch holds links to it: not probed",
        [("a", [1, 2]), ("b", [2, 3]), ("c", [1, 3, 4])],
        [],
        [("a", 1), ("a", 2), ("b", 3), ("c", 4)],
    ),
    (
        "one key twice in one notice (hand-built signatures): both probed, as before",
        [("a", [5, 5]), ("b", [5])],
        [],
        [("a", 5), ("a", 5)],
    ),
]


@pytest.mark.parametrize(("why", "batch", "stored", "probed"), PENDING_CASES)
def test_band_probe_leaves_out_passages_that_link_by_key(
    why: str,
    batch: list[tuple[str, list[int]]],
    stored: list[int],
    probed: list[tuple[str, int]],
) -> None:
    """Only passages that may read band hits are probed (see passages._pending): the rest
    link by text key in :meth:`_Linker._link` whatever the bands say, so the rows stay those
    of the split-invariance tests above."""
    from extract.store.passages import _Hit, _New, _pending

    new = [
        _New(nid, i, 0, 1, key, "x", f"{nid}:{i}", "x", (key,))
        for nid, keys in batch
        for i, key in enumerate(keys, start=1)
    ]
    exact = {key: _Hit(f"s:{key}", None, "s", key) for key in stored}
    got = [(new[k].notice_id, new[k].text_key) for k in _pending(new, exact)]
    assert got == probed, why


# (what it covers, stored passages as (notice id, passage id, band keys), the probe's band
# keys, the hits expected in rank order as (notice id, passage id, shared bands)).
BAND_RANK_CASES = [
    (
        "most shared bands first, then the smallest (notice id, passage id) at the cut",
        [
            ("b", 2, [1, 2]),
            ("a", 9, [1, 2]),
            ("a", 3, [1]),
            ("c", 1, [1, 2, 3]),
            ("a", 5, [2, 3]),
            ("a", 1, [3]),
        ],
        [1, 2, 3],
        [("c", 1, 3), ("a", 5, 2), ("a", 9, 2)],
    ),
    (
        "passage ids compare as numbers, not text",
        [("a", 10, [5]), ("a", 11, [5]), ("a", 9, [5]), ("a", 2, [5]), ("a", 1, [6])],
        [5],
        [("a", 2, 1), ("a", 9, 1), ("a", 10, 1)],
    ),
    ("fewer candidates than the cap", [("z", 1, [7])], [7, 8], [("z", 1, 1)]),
    (
        "the third best shares one band: the one-band pairs stay candidates (the band cut)",
        [("c", 1, [2]), ("a", 1, [1, 2]), ("b", 1, [1]), ("a", 2, [1])],
        [1, 2],
        [("a", 1, 2), ("a", 2, 1), ("b", 1, 1)],
    ),
    (
        "one-band pairs below a third best sharing two bands are cut (the band cut)",
        [("d", 1, [1]), ("a", 7, [1]), ("b", 1, [1, 2]), ("c", 1, [2, 3]), ("a", 9, [1, 3])],
        [1, 2, 3],
        [("a", 9, 2), ("b", 1, 2), ("c", 1, 2)],
    ),
    ("no shared band", [("z", 1, [7])], [8], []),
]


@pytest.mark.parametrize(
    ("why", "stored", "probe", "ranked"), BAND_RANK_CASES, ids=[r[0] for r in BAND_RANK_CASES]
)
def test_band_lookup_ranks_like_the_linker(
    tmp_path: Path,
    why: str,
    stored: list[tuple[str, int, list[int]]],
    probe: list[int],
    ranked: list[tuple[str, int, int]],
) -> None:
    """passages._by_bands keeps the :data:`MAX_PARTNERS` stored passages sharing most band keys
    with a probed passage, ties to the smallest (notice id, passage id), as _Linker ranks the
    batch's own; hits come with their kept text's masked key and their cluster."""
    from extract.store.passages import MAX_PARTNERS, _by_bands, _Grams, _New

    db = tmp_path / "x.duckdb"
    create_database(db)
    con = duckdb.connect(str(db))
    try:
        for nid, pid, keys in stored:
            con.executemany(
                "INSERT INTO passage_bands VALUES (?, ?, ?)", [(b, nid, pid) for b in keys]
            )
            con.execute(
                "INSERT INTO passage_texts (notice_id, passage_id, text, cluster_id, masked_key) "
                "VALUES (?, ?, 'x', ?, ?)",
                [nid, pid, f"c:{nid}", f"key {nid}:{pid}"],
            )
        passage = _New("n", 1, 0, 1, 1, "x", "n:1", "x", tuple(probe))
        hits = _by_bands(con, [passage], [0], _Grams())
    finally:
        con.close()
    got = [
        (h.notice_id, h.passage_id, h.bands)
        for h in sorted(hits.get(0, []), key=lambda h: (-h.bands, h.notice_id, h.passage_id))
    ]
    assert got == ranked[:MAX_PARTNERS], why
    for h in hits.get(0, []):
        assert (h.cluster, h.key) == (f"c:{h.notice_id}", f"key {h.ref}"), why


def test_a_merge_records_no_move_for_an_id_no_member_holds(tmp_path: Path) -> None:
    """A cluster keeps its id after the passages that hold it go (deletions do not rename
    clusters). When it later merges away, its members all hold other ids (merged into it
    earlier): a move for its own id would name no member, and could capture a later cluster
    of that name (ids are member refs, and a deleted notice can come back)."""
    paths = _write_notices(tmp_path / "in")
    db = tmp_path / "x.duckdb"
    before, merger = [p for p in paths if p.name < "n18.txt"], tmp_path / "in" / "n18.txt"
    _ingest_in(db, _one_per_batch(before))
    con = duckdb.connect(str(db), read_only=True)
    try:
        (target,) = {t for (t,) in con.execute("SELECT target FROM cluster_moves").fetchall()}
        holders = [
            Path(path)
            for (path,) in con.execute(
                "SELECT DISTINCT s.source_path FROM passages p "
                "JOIN notice_sources s USING (notice_id) WHERE p.cluster_id = ?",
                [target],
            ).fetchall()
        ]
    finally:
        con.close()
    assert holders, "the fixture's first merge target is held by its own members"
    for path in holders:  # those notices drop their measures: nobody holds the id any more
        unit = next(u for n, u, _, _ in NOTICES if n == path.name)
        path.write_text(notice_text(unit, study=55) + "\n", encoding="utf-8")
    _ingest_in(db, [before])
    _ingest_in(db, [[merger]])  # checks every move is held, among the rest of the state
    con = duckdb.connect(str(db), read_only=True)
    try:
        moved = {c for (c,) in con.execute("SELECT cluster_id FROM cluster_moves").fetchall()}
        family = con.execute(
            "SELECT count(DISTINCT cluster_id) FROM v_shared_passages WHERE passage LIKE ?",
            [_CORE[:12] + "%"],
        ).fetchone()
    finally:
        con.close()
    assert target not in moved
    assert family == (1,), "the reworded core still merged the families into one cluster"
