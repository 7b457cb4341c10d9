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

from dashboard.sqlbox import examples
from extract.store import StoreError, StoreMissingError
from extract.store.sql_runner import (
    BLOCKED_NAMES,
    MAX_RESULT_BYTES,
    MAX_ROWS,
    SqlBox,
    SqlFailed,
    SqlRefused,
)
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
            [("money", 6)],
            id="view",
        ),
        pytest.param("select '学习' AS 词 -- 注释", [("学习",)], id="chinese-and-comment"),
    ],
)
def test_selects_run(box: SqlBox, sql: str, rows: list[tuple]) -> None:
    result = box.run(sql)
    assert [tuple(r) for r in result.frame.itertuples(index=False)] == rows
    assert not result.truncated


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
        assert box.run("SELECT count(*) FROM quantities").frame.iloc[0, 0] == 20
        assert app_con.execute("SELECT count(*) FROM quantities").fetchone()[0] == 20
    finally:
        box.close()
        app_con.close()


@pytest.mark.parametrize("index", range(len(examples())))
def test_saved_query_examples_run_on_data_and_on_an_empty_database(
    tmp_path: Path, index: int
) -> None:
    example = examples()[index]
    assert example["title_zh"] and example["title_en"]
    for path in (build_fixture_db(tmp_path / "f.duckdb"), build_empty_db(tmp_path / "e.duckdb")):
        box = SqlBox(path)
        try:
            box.run(example["sql"])
        finally:
            box.close()


# ------------------------------------------------- the store's location stays private (D17)
@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SELECT * FROM duckdb_settings()", id="duckdb_settings"),
        pytest.param("SELECT current_setting('temp_directory')", id="temp_directory"),
        pytest.param("SELECT current_setting('allowed_paths')", id="allowed_paths-holds-the-path"),
        pytest.param("SELECT * FROM duckdb_databases()", id="duckdb_databases"),
        pytest.param("FROM duckdb_databases", id="duckdb_databases-as-a-view"),
        pytest.param("SELECT * FROM pragma_database_list", id="pragma_database_list"),
        pytest.param("SELECT * FROM system.main.pragma_database_list", id="qualified-name"),
        pytest.param("SELECT * FROM pg_catalog.pg_settings", id="pg_settings"),
        pytest.param('SELECT * FROM "DuckDB_Settings"()', id="quoted-and-mixed-case"),
        pytest.param("SELECT * FROM duckdb_temporary_files()", id="temporary-files"),
        pytest.param("SELECT * FROM query('SELECT * FROM duckdb_databases()')", id="sql-in-string"),
        pytest.param("SELECT * FROM query_table('duckdb_databases')", id="table-in-string"),
        pytest.param(
            "SELECT n FROM notices, (SELECT current_setting('allowed_paths') AS n)",
            id="in-a-subquery",
        ),
    ],
)
def test_introspection_that_reveals_paths_is_refused(box: SqlBox, sql: str) -> None:
    with pytest.raises(SqlRefused) as err:
        box.run(sql)
    assert err.value.code == "blocked"
    assert err.value.detail in BLOCKED_NAMES
    assert "/" in str(err.value) and "此处不能使用" in str(err.value)  # English / Chinese line


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SHOW DATABASES", id="show-databases"),
        pytest.param("SHOW ALL TABLES", id="show-all-tables"),
        pytest.param("SELECT * FROM pragma_database_size()", id="database-size"),
        pytest.param("SELECT * FROM duckdb_schemas()", id="schemas"),
        pytest.param("SELECT * FROM information_schema.schemata", id="information-schema"),
        pytest.param("SELECT * FROM pg_catalog.pg_database", id="pg_database"),
        pytest.param("SELECT current_database(), current_query()", id="current-database"),
        pytest.param("SELECT * FROM duckdb_memory()", id="memory"),
    ],
)
def test_allowed_introspection_does_not_show_the_path(tmp_path: Path, sql: str) -> None:
    """What stays allowed names the catalog (``xuncha``), never the file or its folder."""
    folder = tmp_path / "secret_folder_name"
    folder.mkdir()
    box = SqlBox(build_fixture_db(folder / "secret_store_name.duckdb"))
    try:
        shown = box.run(sql).frame.to_csv()
    finally:
        box.close()
    assert "secret_folder_name" not in shown and "secret_store_name" not in shown


def test_an_error_does_not_show_the_path(tmp_path: Path) -> None:
    """Someone who knows the path gets an error, and the error names only the catalog."""
    path = build_fixture_db(tmp_path / "secret_store_name.duckdb")
    box = SqlBox(path)
    try:
        with pytest.raises(SqlFailed) as err:
            box.run(f"SELECT * FROM read_text('{path.resolve()}')")  # binary: not UTF-8
    finally:
        box.close()
    assert "secret_store_name" not in str(err.value)


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("SELECT 'duckdb_settings' AS s", id="name-in-a-string"),
        pytest.param("SELECT 1 AS x -- current_setting('x')", id="name-in-a-comment"),
        pytest.param("SELECT count(*) AS query_count FROM notices", id="name-as-part-of-a-word"),
    ],
)
def test_blocked_names_only_count_as_identifiers(box: SqlBox, sql: str) -> None:
    assert len(box.run(sql).frame) == 1


def test_instance_limits_and_private_spill_folder(box: SqlBox) -> None:
    """memory_limit, threads and a capped private temp folder, never ``<cwd>/.tmp``."""
    con = box.connection()
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('memory_limit', 'threads', 'temp_directory', 'max_temp_directory_size')"
        ).fetchall()
    )
    temp_dir = Path(settings["temp_directory"])
    assert temp_dir.parent.name.startswith("xuncha-sql-")
    assert Path.cwd() not in temp_dir.parents
    assert settings["threads"] == "2"
    assert settings["memory_limit"] not in ("", "0 bytes")
    assert settings["max_temp_directory_size"].endswith("GiB")
    box.close()
    assert not temp_dir.parent.exists(), "close() removes the private folder"


# ------------------------------------------------------------- result caps: rows, bytes (D6)
@pytest.mark.parametrize(
    ("sql", "kwargs", "rows", "truncation"),
    [
        pytest.param("SELECT * FROM range(5000)", {}, MAX_ROWS, "rows", id="row-cap"),
        pytest.param(f"SELECT * FROM range({MAX_ROWS})", {}, MAX_ROWS, None, id="exactly-cap"),
        pytest.param(
            "SELECT * FROM range(10)", {"max_rows": 3}, 3, "rows", id="smaller-row-cap-given"
        ),
        pytest.param(
            "SELECT repeat('x', 1000000) AS s FROM range(100)",
            {"max_bytes": 5_500_000},
            5,
            "bytes",
            id="byte-cap-cuts-inside-a-batch",
        ),
        pytest.param(
            "SELECT repeat('x', 10000000) AS s",
            {"max_bytes": 1_000_000},
            0,
            "bytes",
            id="one-row-over-the-byte-cap",
        ),
        pytest.param("SELECT 1 AS x WHERE false", {}, 0, None, id="empty-result"),
    ],
)
def test_result_caps(box: SqlBox, sql: str, kwargs: dict, rows: int, truncation: str) -> None:
    result = box.run(sql, **kwargs)
    assert len(result.frame) == rows
    assert result.truncation == truncation and result.truncated == (truncation is not None)


def test_default_byte_cap_stops_a_huge_result_early(box: SqlBox) -> None:
    """D6's shape at a tenth of its size (100 MB of text): the box returns ~50 MB, in time."""
    result = box.run("SELECT repeat('x', 100000) AS s FROM range(1000)")
    assert result.truncation == "bytes"
    held = int(result.frame["s"].str.len().sum())
    assert 0.9 * MAX_RESULT_BYTES < held <= MAX_RESULT_BYTES
    assert result.elapsed_s < 5


def test_time_limit_covers_fetching(box: SqlBox) -> None:
    """The first rows come at once, the next ones only after a long scan: the limit still
    stops the fetch (the old box set its timer around execute() and one fetch only)."""
    with pytest.raises(SqlFailed) as err:
        box.run(
            "SELECT range FROM range(1000000000000) WHERE range < 3 OR range % 100000000000 = 0",
            timeout_s=0.5,
        )
    assert err.value.timed_out


def test_store_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        SqlBox(tmp_path).run("SELECT 1")
    assert str(tmp_path) in str(err.value) and "文件夹" in str(err.value)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(os.urandom(64 * 1024)), id="random-bytes"),
        pytest.param(lambda p: os.truncate(p, p.stat().st_size // 3), id="truncated"),
    ],
)
def test_damaged_store_is_a_clear_error(tmp_path: Path, damage) -> None:
    path = build_fixture_db(tmp_path / "f.duckdb")
    damage(path)
    box = SqlBox(path)
    try:
        with pytest.raises((StoreError, SqlFailed)) as err:
            box.run("SELECT * FROM notices")
    finally:
        box.close()
    assert "Traceback" not in str(err.value)


# ------------------------------------------------- the SQL page's saved queries (AppTest)
def _sql_page(db: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_fixtures import APP, PAGES

    monkeypatch.setenv("XUNCHA_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(PAGES["sql"]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def page_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("sqlpage") / "f.duckdb")


def test_saved_query_url_opens_it_filled_and_run(
    page_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _sql_page(page_db, monkeypatch, {"saved": "funds_recovered", "min_wan_yuan": "1000"})
    assert at.selectbox(key="sql_saved").value == "funds_recovered"
    assert at.number_input(key="sql_p_funds_recovered_min_wan_yuan").value == 1000
    result = at.dataframe[0].value
    assert list(result["inspected_unit"]) == ["示例县农业农村局"]  # 2000万元; 500万元 is left out


def test_saved_query_form_writes_its_values_to_the_url(
    page_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _sql_page(page_db, monkeypatch)
    at.selectbox(key="sql_saved").set_value("completion_stated_vs_computed").run()
    assert at.query_params["saved"] == "completion_stated_vs_computed"
    at.checkbox(key="sql_p_completion_stated_vs_computed_only_inconsistent").check()
    at.button(key="FormSubmitter:sql_saved_form-运行").click().run()
    assert not at.exception
    assert at.query_params["only_inconsistent"] == "true"
    assert set(at.dataframe[0].value["verdict"]) == {"inconsistency"}


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        pytest.param({"saved": "nope"}, "没有名为“nope”", id="unknown-saved-query"),
        pytest.param(
            {"saved": "funds_recovered", "min_wan_yuan": "lots"}, "不是有效的", id="bad-value"
        ),
    ],
)
def test_saved_query_url_faults_are_explained(
    query: dict[str, str], warning: str, page_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _sql_page(page_db, monkeypatch, query)
    assert any(warning in w.value for w in at.warning), [w.value for w in at.warning]


def test_schema_browser_describes_columns(page_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _sql_page(page_db, monkeypatch)
    shown = "\n".join(str(c.value) for c in at.code)
    assert "display_name" in shown and "单位 + 巡视/巡察整改 + 日期" in shown
