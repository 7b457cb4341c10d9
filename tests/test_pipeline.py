"""One pipeline (issue #10 item 4) and stored sentences (issue #12's export target).

What a run stores must be exactly what :func:`extract.pipeline.analyse` computes, mapped by
:func:`extract.store.records.record_rows`; ``v_quantities.sentence`` comes from the stored
``sentences`` and must read as the span of the notice text it always showed (clipped to 200
characters either side of the figure in a sentence over 600 characters).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from extract.ingest import ingest_paths
from extract.pipeline import analyse
from extract.reading import load_notice
from extract.store import open_readonly
from extract.store.paths import sql_dir
from extract.store.records import RECORD_TABLES, fill_missing_sentences, record_rows
from tests.notice_factory import notice_text, write_notice

# Columns a run stamps with its own time: equal by construction, not by analysis.
RUN_TIME = {"ingested_at"}


def _long_sentence(figures: int) -> str:
    """One sentence of ``figures`` money figures joined by commas (no sentence end inside)."""
    return (
        "，".join(f"第{i}项整改任务投入资金{i * 10 + 5}万元" for i in range(1, figures + 1)) + "。"
    )


# (covers, body appended to a factory notice)
SENTENCE_CASES: list[tuple[str, str]] = [
    ("short sentences only: shown whole, never clipped", ""),
    ("a sentence of about 450 characters, under the clip: shown whole", _long_sentence(30)),
    (
        "a sentence far over 600 characters: figures at its start, middle and end",
        _long_sentence(80),
    ),
    ("two long sentences in a row: each clipped inside its own span", _long_sentence(70) * 2),
    (
        "a long sentence of non-BMP text (offsets are characters, not UTF-16 units)",
        "𠀀𠀁" * 200 + _long_sentence(40),
    ),
]


def _ingest_text(tmp_path: Path, text: str) -> tuple[Path, Path]:
    src = tmp_path / "in" / "n.txt"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(text, encoding="utf-8")
    db = tmp_path / "x.duckdb"
    summary = ingest_paths([src], db, workers=1)
    assert summary.failed == 0, [r.error for r in summary.results]
    return src, db


@pytest.mark.parametrize(("covers", "body"), SENTENCE_CASES, ids=[c for c, _ in SENTENCE_CASES])
def test_view_sentence_is_the_span_of_the_text(tmp_path: Path, covers: str, body: str) -> None:
    """Every row's sentence equals text[shown_start:shown_end] under the 600/200 rule."""
    _, db = _ingest_text(tmp_path, notice_text() + "\n" + body)
    con = open_readonly(db)
    try:
        (text,) = con.execute("SELECT text FROM notices").fetchone()
        rows = con.execute(
            "SELECT q.sentence, q.sentence_offset, q.sentence_clipped, t.sentence_start, "
            "t.sentence_end, t.start_offset, t.end_offset "
            "FROM v_quantities q JOIN quantities t USING (notice_id, quantity_id)"
        ).fetchall()
    finally:
        con.close()
    assert rows
    clipped_rows = 0
    for sentence, offset, clipped, s_start, s_end, start, end in rows:
        long = s_end - s_start > 600
        shown = (max(s_start, start - 200), min(s_end, end + 200)) if long else (s_start, s_end)
        assert (clipped, offset) == (long, shown[0]), covers
        assert sentence == text[shown[0] : shown[1]], covers
        clipped_rows += long
    if "over 600" in covers or "two long" in covers:
        assert clipped_rows > 0, "the case must reach the clip"


def test_store_holds_exactly_the_pipelines_rows(tmp_path: Path) -> None:
    """Ingest writes analyse()'s record through record_rows, table by table, nothing else."""
    src, db = _ingest_text(tmp_path, notice_text(study=5) + "\n" + _long_sentence(40))
    rows = record_rows(analyse(load_notice(src)), datetime(2026, 1, 1))
    con = open_readonly(db)
    try:
        for table, expected in rows.items():
            columns = [c for c in RECORD_TABLES[table] if c not in RUN_TIME]
            stored = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            want = [tuple(r[c] for c in columns) for r in expected]
            assert sorted(map(repr, stored)) == sorted(map(repr, want)), table
    finally:
        con.close()


def test_replacing_a_notice_replaces_its_sentences(tmp_path: Path) -> None:
    """A changed file's old notice goes with its sentences; none is left pointing nowhere."""
    src, db = _ingest_text(tmp_path, notice_text(study=3))
    src.write_text(notice_text(study=4), encoding="utf-8")
    summary = ingest_paths([src], db, workers=1)
    assert [r.status for r in summary.results] == ["updated"]
    con = open_readonly(db)
    try:
        orphans = con.execute(
            "SELECT count(*) FROM sentences WHERE notice_id NOT IN (SELECT notice_id FROM notices)"
        ).fetchone()
        missing = con.execute(
            "SELECT count(*) FROM quantities q ANTI JOIN sentences s "
            "USING (notice_id, sentence_start, sentence_end)"
        ).fetchone()
    finally:
        con.close()
    assert orphans == (0,) and missing == (0,)


def test_migration_fills_sentences_as_ingest_writes_them(tmp_path: Path) -> None:
    """Migration 004's fill, run on a store's quantities and texts, gives ingest's own rows."""
    write_notice(tmp_path / "in", "a.txt", study=2)
    (tmp_path / "in" / "b.txt").write_text(notice_text(study=9) + _long_sentence(80), "utf-8")
    db = tmp_path / "x.duckdb"
    assert ingest_paths([tmp_path / "in"], db, workers=1).failed == 0
    sql = (sql_dir() / "migrations" / "004_sentences.sql").read_text(encoding="utf-8")
    fill = next(s for s in sql.split(";") if "INSERT INTO sentences" in s)
    fill = re.sub(r"^\s*--.*$", "", fill, flags=re.M)
    con = duckdb.connect(str(db))
    try:
        written = con.execute("SELECT * FROM sentences ORDER BY ALL").fetchall()
        con.execute("DELETE FROM sentences")
        con.execute(fill)
        filled = con.execute("SELECT * FROM sentences ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert written and filled == written


def test_fill_missing_sentences_restores_ingests_rows_once(tmp_path: Path) -> None:
    """The helper for hand-written stores (fixtures, benchmarks) adds what ingest would have
    written, and nothing on a second call."""
    _, db = _ingest_text(tmp_path, notice_text(study=6) + "\n" + _long_sentence(80))
    con = duckdb.connect(str(db))
    try:
        written = con.execute("SELECT * FROM sentences ORDER BY ALL").fetchall()
        con.execute("DELETE FROM sentences WHERE sentence_start % 2 = 0")  # lose some
        added = fill_missing_sentences(con)
        again = fill_missing_sentences(con)
        filled = con.execute("SELECT * FROM sentences ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert filled == written and added > 0 and again == 0


# (covers, file name, content): `xuncha extract` goes through analyse() for every format.
EXTRACT_CASES: list[tuple[str, str, str]] = [
    ("a text file", "n.txt", notice_text(study=11)),
    (
        "a Markdown file: read by the Markdown reader, not as plain text",
        "n.md",
        "# 标题\n\n" + notice_text(study=12),
    ),
    (
        "a web page: read by the HTML reader, tags gone",
        "n.html",
        "<html><body><p>" + notice_text(study=13).replace("\n", "</p><p>") + "</p></body></html>",
    ),
]


@pytest.mark.parametrize(
    ("covers", "name", "content"), EXTRACT_CASES, ids=[c[1] for c in EXTRACT_CASES]
)
def test_cli_extract_prints_the_pipelines_quantities(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], covers: str, name: str, content: str
) -> None:
    """What `xuncha extract FILE` prints is the quantities ingest stores for that file."""
    import json

    from extract.cli import main

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["extract", str(path)]) == 0, covers
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    want = [q.to_dict() for q in analyse(load_notice(path)).quantities]
    assert got and got == json.loads(json.dumps(want)), covers
