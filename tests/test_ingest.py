"""Ingest guarantees: idempotent, per-file transactions, failures isolated, traceable rows."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import extract.ingest as ingest_mod
from extract.ingest import ingest_paths
from extract.store import open_readonly
from tests.notice_factory import write_notice

TABLES = ("notices", "notice_sources", "problems", "quantities", "completion", "anomalies")


def counts(db: Path) -> dict[str, int]:
    con = open_readonly(db)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_ingest_real_corpus_then_reingest_changes_nothing(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "x.duckdb"
    first = ingest_paths([corpus_dir], db)
    assert (first.new, first.failed) == (5, 0), [r.error for r in first.results]
    assert first.quantities > 300
    before, before_digest = counts(db), digest(db)
    assert before["notices"] == 5 and before["quantities"] == first.quantities
    second = ingest_paths([corpus_dir], db)
    assert (second.new, second.updated, second.unchanged, second.failed) == (0, 0, 5, 0)
    assert counts(db) == before
    assert digest(db) == before_digest  # not even rewritten


def test_every_quantity_is_traceable(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "x.duckdb"
    ingest_paths([corpus_dir], db)
    con = open_readonly(db)
    try:
        bad = con.execute(
            """SELECT q.notice_id, q.quantity_id, q.surface
               FROM quantities q JOIN notices n USING (notice_id)
               WHERE substr(n.text, q.start_offset + 1, q.end_offset - q.start_offset) <> q.surface
                  OR q.start_offset < q.sentence_start
                  OR q.end_offset > q.sentence_end"""
        ).fetchall()
        # the view's sentence holds the figure where its offsets say
        misplaced = con.execute(
            """SELECT notice_id, quantity_id FROM v_quantities
               WHERE substr(sentence, start_offset - sentence_offset + 1,
                            end_offset - start_offset) <> surface"""
        ).fetchall()
        orphan_problem = con.execute(
            """SELECT count(*) FROM quantities q LEFT JOIN problems p
               ON p.notice_id = q.notice_id AND p.problem_id = q.problem_id
               WHERE q.problem_id IS NOT NULL AND p.path IS DISTINCT FROM q.problem_path"""
        ).fetchone()[0]
        in_problems = con.execute(
            "SELECT count(*) FILTER (WHERE problem_id IS NOT NULL) * 1.0 / count(*) FROM quantities"
        ).fetchone()[0]
    finally:
        con.close()
    assert bad == []
    assert misplaced == []
    assert orphan_problem == 0
    assert in_problems > 0.3  # most figures sit inside the problem tree


def test_problem_quantity_counts_include_sub_items(tmp_path: Path, corpus_dir: Path) -> None:
    """v_problem_quantities counts what sits inside a node, its 一是… measures included.

    Real notices put most figures of a problem in its numbered measures; counting only the
    deepest node left feedback problems looking figure-free. Own counts still add up.
    """
    db = tmp_path / "x.duckdb"
    ingest_paths([corpus_dir], db)
    con = open_readonly(db)
    try:
        in_problems = con.execute(
            """SELECT count(*) FROM quantities q WHERE EXISTS (
                   SELECT 1 FROM problems p WHERE p.notice_id = q.notice_id AND p.is_problem
                   AND q.start_offset >= p.start_offset AND q.start_offset < p.end_offset)"""
        ).fetchone()[0]
        own_in_problems = con.execute(
            """SELECT count(*) FROM quantities q JOIN problems p
               ON p.notice_id = q.notice_id AND p.problem_id = q.problem_id
               WHERE p.is_problem"""
        ).fetchone()[0]
        # Outermost problems (no problem ancestor) partition the figures inside problems.
        outer_total = con.execute(
            """SELECT sum(v.quantity_count) FROM v_problem_quantities v
               JOIN problems p USING (notice_id, problem_id)
               WHERE p.is_problem AND NOT EXISTS (
                   SELECT 1 FROM problems a WHERE a.notice_id = p.notice_id AND a.is_problem
                   AND a.problem_id <> p.problem_id
                   AND a.start_offset <= p.start_offset AND p.end_offset <= a.end_offset)"""
        ).fetchone()[0]
        own_sum, with_node = con.execute(
            """SELECT (SELECT sum(own_quantity_count) FROM v_problem_quantities),
                      (SELECT count(*) FROM quantities WHERE problem_id IS NOT NULL)"""
        ).fetchone()
        nesting_breaks = con.execute(
            """SELECT count(*) FROM v_problem_quantities c
               JOIN problems cp USING (notice_id, problem_id)
               JOIN problems pp ON pp.notice_id = cp.notice_id AND pp.path = cp.parent_path
               JOIN v_problem_quantities pv
                 ON pv.notice_id = pp.notice_id AND pv.problem_id = pp.problem_id
               WHERE c.quantity_count > pv.quantity_count"""
        ).fetchone()[0]
    finally:
        con.close()
    assert in_problems > 2 * own_in_problems  # the measures hold most of a problem's figures
    assert outer_total == in_problems
    assert own_sum == with_node
    assert nesting_breaks == 0


def test_changed_file_replaces_its_notice(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    src = write_notice(tmp_path / "in", "a.txt", study=17)
    assert ingest_paths([src], db).new == 1
    old_id = counts(db)
    write_notice(tmp_path / "in", "a.txt", study=18)
    res = ingest_paths([src], db)
    assert (res.new, res.updated) == (0, 1)
    assert counts(db)["notices"] == 1 == old_id["notices"]
    con = open_readonly(db)
    try:
        surfaces = {r[0] for r in con.execute("SELECT surface FROM quantities").fetchall()}
    finally:
        con.close()
    assert "18次" in surfaces and "17次" not in surfaces


def test_same_content_under_two_paths_is_one_notice(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    a = write_notice(tmp_path / "in", "a.txt")
    b = tmp_path / "in" / "copy" / "b.txt"
    b.parent.mkdir()
    shutil.copy(a, b)
    res = ingest_paths([tmp_path / "in"], db)
    assert (res.new, res.unchanged) == (1, 1)
    c = counts(db)
    assert c["notices"] == 1 and c["notice_sources"] == 2


def test_bad_files_fail_alone_and_are_named(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    good = write_notice(tmp_path / "in", "good.txt")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    res = ingest_paths([tmp_path / "in", tmp_path / "missing.txt"], db)
    assert res.new == 1 and res.failed == 3
    errors = {r.path.name: r.error for r in res.results if r.status == "failed"}
    assert set(errors) == {"binary.txt", "empty.txt", "missing.txt"}
    for name, err in errors.items():
        assert name in err
    assert counts(db)["notices"] == 1
    assert good.exists()


def test_failure_while_storing_rolls_back_that_notice_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "a", "first.txt", study=1)], db)
    before = counts(db)
    real = ingest_mod.record_rows

    def flaky(rec: ingest_mod.AnalysedNotice, now: datetime) -> dict[str, list[dict[str, object]]]:
        # called after the batch's source rows are written: all must roll back
        if "second" in str(rec.loaded.path):
            raise duckdb.ConstraintException("simulated failure")
        return real(rec, now)

    monkeypatch.setattr(ingest_mod, "record_rows", flaky)
    b = write_notice(tmp_path / "b", "second.txt", study=2)
    c = write_notice(tmp_path / "b", "third.txt", study=3)
    res = ingest_paths([b, c], db)
    assert [r.status for r in res.results] == ["failed", "new"]
    assert "second.txt" in res.results[0].error
    after = counts(db)
    assert after["notices"] == before["notices"] + 1
    assert after["notice_sources"] == before["notice_sources"] + 1


def test_crash_mid_run_leaves_live_database_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path / "a", "first.txt", study=1)], db)
    before = digest(db)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_mod, "extract_stage", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([write_notice(tmp_path / "b", "x.txt", study=5)], db, workers=1)
    assert digest(db) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".next")]


def test_analysis_failure_fails_that_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parser bug on one notice: that file (and a copy of it) fail by name, the rest land."""
    src = tmp_path / "in"
    bad = write_notice(src, "b_bad.txt", study=2)
    shutil.copy(bad, src / "c_copy_of_bad.txt")
    write_notice(src, "a_good.txt", study=1)
    write_notice(src, "d_good.txt", study=3)
    real = ingest_mod.parse_stage

    def flaky(loaded: object, *, parse: bool = True) -> object:
        if "开展集中学习2次" in loaded.text:  # type: ignore[attr-defined]
            raise ValueError("parser bug")
        return real(loaded, parse=parse)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_mod, "parse_stage", flaky)
    db = tmp_path / "x.duckdb"
    summary = ingest_paths([src], db, workers=1)  # in-process: the patch must apply
    by_name = {r.path.name: r for r in summary.results}
    assert by_name["a_good.txt"].status == by_name["d_good.txt"].status == "new"
    assert by_name["b_bad.txt"].status == "failed"
    assert "b_bad.txt" in by_name["b_bad.txt"].error and "parser bug" in by_name["b_bad.txt"].error
    assert by_name["c_copy_of_bad.txt"].status == "failed"
    assert "could not be analysed" in by_name["c_copy_of_bad.txt"].error
    assert counts(db)["notices"] == 2 and counts(db)["notice_sources"] == 2


def test_notice_metadata_and_completion_are_stored(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    ingest_paths([write_notice(tmp_path, "a.txt")], db)
    con = open_readonly(db)
    try:
        row = con.execute(
            "SELECT inspection_body, feedback_date::VARCHAR, signed_date::VARCHAR, "
            "rectification_days FROM notices"
        ).fetchone()
        comp = con.execute(
            "SELECT total, completed, basically_completed, not_completed FROM completion"
        ).fetchone()
    finally:
        con.close()
    assert row == ("市委第三巡察组", "2023-08-29", "2023-12-20", 113)
    assert comp == (31, 22, 7, 2)


def test_batches_larger_than_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files span several batches; duplicates inside one batch still count once."""
    monkeypatch.setattr(ingest_mod, "BATCH_SIZE", 3)
    folder = tmp_path / "in"
    for i in range(7):
        write_notice(folder, f"n{i}.txt", study=i)
    shutil.copy(folder / "n1.txt", folder / "n1_copy.txt")  # same batch as n1
    db = tmp_path / "x.duckdb"
    res = ingest_paths([folder], db)
    assert (res.new, res.unchanged, res.failed) == (7, 1, 0)
    c = counts(db)
    assert c["notices"] == 7 and c["notice_sources"] == 8 and c["completion"] == 7
    again = ingest_paths([folder], db)
    assert again.unchanged == 8 and counts(db) == c


def _touch(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def _rewrite(path: Path) -> None:
    old = path.stat().st_mtime_ns
    write_notice(path.parent, path.name, study=99)
    os.utime(path, ns=(old + 1, old + 1))  # new content, an mtime well before the rerun


def _leave(path: Path) -> None:
    del path


# (case, what happens to a.txt between runs, its status on the rerun, read on the rerun,
#  store rewritten by the rerun) — covers:
RERUNS = [
    # nothing changed: recognised from (path, size, mtime_ns), not opened, store not copied
    ("untouched", _leave, "unchanged", False, False),
    # mtime moved, same bytes: the content check is the fallback, and the rerun refreshes the
    # stored stat so the next run skips it unread
    ("touched", _touch, "unchanged", True, True),
    # new content: read, analysed and replaced as before
    ("rewritten", _rewrite, "updated", True, True),
]


@pytest.mark.parametrize(
    ("change", "status", "read", "rewritten"),
    [row[1:] for row in RERUNS],
    ids=[row[0] for row in RERUNS],
)
def test_rerun_reads_only_what_changed_and_copies_only_to_write(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
    status: str,
    read: bool,
    rewritten: bool,
) -> None:
    folder = tmp_path / "in"
    a = write_notice(folder, "a.txt", study=1)
    write_notice(folder, "b.txt", study=2)
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)  # fails every run
    for f in folder.iterdir():  # written a minute ago: not "racy" (see ingest._RACY_NS)
        old = f.stat().st_mtime_ns - 60_000_000_000
        os.utime(f, ns=(old, old))
    db = tmp_path / "x.duckdb"
    assert ingest_paths([folder], db).new == 2
    before = (db.stat().st_ino, db.stat().st_mtime_ns, digest(db))
    opened: list[str] = []
    real_load = ingest_mod.load_notice

    def recording(path: Path, data: bytes | None = None) -> object:
        opened.append(Path(path).name)
        return real_load(path, data)

    copies: list[Path] = []
    real_writer = ingest_mod.StoreWriter

    def counting_writer(path: Path, **kwargs: object) -> object:
        copies.append(path)
        return real_writer(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_mod, "load_notice", recording)
    monkeypatch.setattr(ingest_mod, "StoreWriter", counting_writer)
    change(a)
    res = ingest_paths([folder], db)
    by_name = {r.path.name: r.status for r in res.results}
    assert by_name == {"a.txt": status, "b.txt": "unchanged", "c_binary.txt": "failed"}
    assert opened == (["a.txt"] if read else []) + ["c_binary.txt"]  # b.txt is never opened
    after = (db.stat().st_ino, db.stat().st_mtime_ns, digest(db))
    assert (after != before) is rewritten
    assert bool(copies) is rewritten  # no copy of the store when there is nothing to write
    opened.clear()
    again = ingest_paths([folder], db)
    assert (again.unchanged, again.failed) == (2, 1)
    assert opened == ["c_binary.txt"]  # whatever changed before is now skipped unread


def test_files_written_just_before_their_ingest_are_compared_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file modified within a second of the run that stored it is "racy": a same-size
    rewrite in the same timestamp tick would keep its mtime, so reruns read it (by content)
    instead of trusting its stat — and, nothing being written, still do not copy the store."""
    folder = tmp_path / "in"
    write_notice(folder, "a.txt", study=1)
    db = tmp_path / "x.duckdb"
    assert ingest_paths([folder], db).new == 1  # just written: stored as racy
    before = (db.stat().st_ino, db.stat().st_mtime_ns, digest(db))
    opened: list[str] = []
    real_load = ingest_mod.load_notice

    def recording(path: Path, data: bytes | None = None) -> object:
        opened.append(Path(path).name)
        return real_load(path, data)

    monkeypatch.setattr(ingest_mod, "load_notice", recording)
    assert ingest_paths([folder], db).unchanged == 1
    assert opened == ["a.txt"]
    assert (db.stat().st_ino, db.stat().st_mtime_ns, digest(db)) == before
