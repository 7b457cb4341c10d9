"""The SQL box is a code-execution surface: prove what it refuses, caps and survives.

Refusals come in two layers (ENGINEERING_NOTES §3): the one-SELECT check refuses statements
before they run, and the locked instance refuses file access and setting changes inside a
SELECT. Both are tested, the second with the check bypassed, so neither layer hides a hole in
the other.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.sqlbox import MAX_ROWS, SqlBox, SqlFailed, SqlRefused, examples
from extract.store import StoreMissingError
from tests.dashboard_fixtures import build_empty_db, build_fixture_db


@pytest.fixture
def box(tmp_path: Path):
    sql_box = SqlBox(build_fixture_db(tmp_path / "f.duckdb"))
    yield sql_box
    sql_box.close()


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        pytest.param("DELETE FROM notices", "not_select", id="delete"),
        pytest.param(
            "COPY (SELECT * FROM notices) TO '/tmp/xuncha_leak.csv'", "not_select", id="copy-to"
        ),
        pytest.param("ATTACH '/tmp/other.duckdb' AS o", "not_select", id="attach"),
        pytest.param("INSTALL httpfs", "not_select", id="install-httpfs"),
        pytest.param("LOAD httpfs", "not_select", id="load-httpfs"),
        pytest.param("SET enable_external_access = true", "not_select", id="set-external-access"),
        pytest.param("SET lock_configuration = false", "not_select", id="unlock-config"),
        pytest.param("DETACH xuncha", "not_select", id="detach"),
        pytest.param("CREATE TABLE t AS SELECT 1", "not_select", id="create"),
        pytest.param("PRAGMA database_list", "not_select", id="pragma"),
        pytest.param("SELECT 1; DELETE FROM notices", "statements", id="two-statements"),
        pytest.param("SELECT 1; SELECT 2", "statements", id="two-selects"),
        pytest.param("   ", "empty", id="blank"),
        pytest.param("-- only a comment", "statements", id="comment-only"),
    ],
)
def test_non_select_text_is_refused_before_running(box: SqlBox, sql: str, code: str) -> None:
    with pytest.raises(SqlRefused) as err:
        box.run(sql)
    assert err.value.code == code


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SELECT * FROM read_csv('/etc/passwd')", id="read_csv"),
        pytest.param("SELECT * FROM read_text('/etc/passwd')", id="read_text"),
        pytest.param("SELECT * FROM sniff_csv('/etc/passwd')", id="sniff_csv-advisory"),
        pytest.param("SELECT * FROM read_blob('/etc/passwd')", id="read_blob"),
        pytest.param("SELECT * FROM glob('/etc/*')", id="glob"),
        pytest.param("SELECT * FROM '/etc/passwd'", id="replacement-scan-of-a-path"),
        pytest.param(
            "SELECT * FROM read_parquet('https://example.com/x.parquet')", id="remote-file"
        ),
    ],
)
def test_file_access_inside_a_select_fails(box: SqlBox, sql: str) -> None:
    with pytest.raises(SqlFailed) as err:
        box.run(sql)
    assert not err.value.timed_out
    assert "Traceback" not in str(err.value)


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SET enable_external_access = true", id="re-enable-external-access"),
        pytest.param("SET lock_configuration = false", id="unlock"),
        pytest.param("INSTALL httpfs", id="install"),
        pytest.param("COPY (SELECT 1) TO '/tmp/xuncha_box_copy.csv'", id="copy-to"),
        pytest.param("ATTACH '/tmp/xuncha_box_other.duckdb' AS o", id="attach-file"),
    ],
)
def test_locked_instance_refuses_even_without_the_select_check(box: SqlBox, sql: str) -> None:
    """Defence in depth: the instance itself refuses, should the statement check ever fail."""
    con = box.connection()
    with pytest.raises(duckdb.Error):
        con.cursor().execute(sql)
    assert not Path("/tmp/xuncha_box_copy.csv").exists()
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False


@pytest.mark.parametrize(
    ("sql", "rows"),
    [
        pytest.param("SELECT count(*) AS n FROM notices", [(3,)], id="plain-select"),
        pytest.param("WITH t AS (SELECT 1 AS x) SELECT x FROM t", [(1,)], id="with-select"),
        pytest.param("FROM (SELECT 2 AS y)", [(2,)], id="from-first"),
        pytest.param(
            "SELECT kind, count(*) FROM v_quantities WHERE kind = 'money' GROUP BY 1",
            [("money", 2)],
            id="view",
        ),
        pytest.param("select '学习' AS 词 -- 注释", [("学习",)], id="chinese-and-comment"),
    ],
)
def test_selects_run(box: SqlBox, sql: str, rows: list[tuple]) -> None:
    result = box.run(sql)
    assert [tuple(r) for r in result.frame.itertuples(index=False)] == rows
    assert not result.truncated


def test_row_cap_reports_truncation(box: SqlBox) -> None:
    result = box.run("SELECT * FROM range(5000)")
    assert len(result.frame) == MAX_ROWS and result.truncated
    exact = box.run(f"SELECT * FROM range({MAX_ROWS})")
    assert len(exact.frame) == MAX_ROWS and not exact.truncated


def test_time_limit_interrupts_a_long_query(box: SqlBox) -> None:
    with pytest.raises(SqlFailed) as err:
        box.run("SELECT count(*) FROM range(100000000000) a, range(100000) b", timeout_s=0.3)
    assert err.value.timed_out
    # The box is still usable afterwards.
    assert box.run("SELECT 42 AS x").frame.iloc[0, 0] == 42


def test_readable_error_for_a_typo(box: SqlBox) -> None:
    with pytest.raises(SqlFailed) as err:
        box.run("SELECT * FROM noticez")
    assert "noticez" in str(err.value)


def test_duplicate_column_names_are_kept_apart(box: SqlBox) -> None:
    assert list(box.run("SELECT 1 AS a, 2 AS a").frame.columns) == ["a", "a_1"]


def test_reattaches_when_the_file_is_replaced(tmp_path: Path) -> None:
    """Ingest swaps a new file in with os.replace; the box must read the new one."""
    live = build_empty_db(tmp_path / "live.duckdb")
    box = SqlBox(live)
    try:
        assert box.run("SELECT count(*) FROM notices").frame.iloc[0, 0] == 0
        fresh = build_fixture_db(tmp_path / "next.duckdb")
        os.replace(fresh, live)
        assert box.run("SELECT count(*) FROM notices").frame.iloc[0, 0] == 3
    finally:
        box.close()


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreMissingError):
        SqlBox(tmp_path / "none.duckdb").run("SELECT 1")


def test_same_file_open_in_app_and_box_together(tmp_path: Path) -> None:
    """duckdb-python#126: a read-only app connection plus the box's READ_ONLY ATTACH."""
    from extract.store import open_readonly

    path = build_fixture_db(tmp_path / "f.duckdb")
    shutil.copy(path, tmp_path / "copy.duckdb")
    app_con = open_readonly(path)
    box = SqlBox(path)
    try:
        assert box.run("SELECT count(*) FROM quantities").frame.iloc[0, 0] == 12
        assert app_con.execute("SELECT count(*) FROM quantities").fetchone()[0] == 12
    finally:
        box.close()
        app_con.close()


@pytest.mark.parametrize("index", range(len(examples())))
def test_examples_run_on_data_and_on_an_empty_database(tmp_path: Path, index: int) -> None:
    example = examples()[index]
    assert example["title_zh"] and example["title_en"]
    for path in (build_fixture_db(tmp_path / "f.duckdb"), build_empty_db(tmp_path / "e.duckdb")):
        box = SqlBox(path)
        try:
            box.run(example["sql"])
        finally:
            box.close()
