"""Saved queries (sql/queries/*.sql): the loader's checks, parameter binding, and an integrity
test — every shipped query runs on the real corpus store and returns the columns it declares.

Also the column descriptions of the schema browser (sql/columns.toml).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from extract.cli import main
from extract.store import open_readonly
from extract.store.column_docs import columns_file, load_column_docs
from extract.store.saved_queries import (
    Param,
    SavedQueryError,
    coerce,
    find_saved_query,
    load_saved_queries,
    param_spans,
    parse_saved_query,
    saved_queries,
    sql_literal,
)
from extract.store.sql_runner import SqlBox
from tests import corpus
from tests.dashboard_fixtures import build_empty_db, build_ingested_db

GOOD_HEAD = (
    '-- name = "q"\n'
    '-- title_zh = "标题"\n'
    '-- title_en = "Title"\n'
    '-- description_zh = "说明"\n'
    '-- description_en = "What"\n'
    '-- columns = ["x"]\n'
)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five real notices, ingested by the real pipeline."""
    return build_ingested_db(
        tmp_path_factory.mktemp("saved") / "corpus.duckdb", corpus.corpus_paths()
    )


# ------------------------------------------------------------------------ the shipped files
def test_shipped_queries_all_load() -> None:
    found, errors = load_saved_queries()
    assert errors == []
    assert len(found) >= 6
    assert [q.name for q in found] == [q.name for q in saved_queries()]


@pytest.mark.parametrize("name", [q.name for q in saved_queries()])
def test_saved_query_runs_on_the_corpus_with_its_declared_columns(
    name: str, corpus_db: Path
) -> None:
    query = find_saved_query(name)
    box = SqlBox(corpus_db)
    try:
        result = box.run(query.bind())
        assert list(result.frame.columns) == list(query.columns)
        assert not result.truncated
        for param in query.params:  # every parameter reaches the SQL: a changed value runs
            box.run(query.bind({param.name: param.default}))
    finally:
        box.close()


@pytest.mark.parametrize("name", [q.name for q in saved_queries()])
def test_saved_query_runs_on_an_empty_store(name: str, tmp_path: Path) -> None:
    box = SqlBox(build_empty_db(tmp_path / "e.duckdb"))
    try:
        result = box.run(find_saved_query(name).bind())
        assert result.frame.empty
    finally:
        box.close()


def test_a_parameter_changes_the_result(corpus_db: Path) -> None:
    query = find_saved_query("funds_recovered")
    box = SqlBox(corpus_db)
    try:
        everything = box.run(query.bind()).frame
        floor = float(everything["value_wan_yuan"].median())
        some = box.run(query.bind({"min_wan_yuan": str(floor)})).frame
    finally:
        box.close()
    assert len(everything) >= 1
    assert (some["value_wan_yuan"] >= floor).all()
    assert len(some) == int((everything["value_wan_yuan"] >= floor).sum())


# ------------------------------------------------------------------ the loader's checks
# (case id, file text, line the error names, words of the reason)
BAD_QUERIES = [
    pytest.param("SELECT 1", 1, "lacks 'name'", id="no-front-matter"),
    pytest.param(GOOD_HEAD + "-- colour = 1\nSELECT 1 AS x", 7, "unknown", id="unknown-key"),
    pytest.param(
        GOOD_HEAD.replace('"q"', '"other"') + "SELECT 1 AS x", 1, "file name", id="name-not-file"
    ),
    pytest.param(GOOD_HEAD.replace('"说明"', '""') + "SELECT 1", 4, "non-empty", id="empty-text"),
    pytest.param(GOOD_HEAD + "-- title = [\nSELECT 1", 7, "TOML", id="toml-syntax"),
    pytest.param(GOOD_HEAD, 7, "no SQL", id="no-sql"),
    pytest.param(GOOD_HEAD + "SELECT :x AS x", 7, "not declared", id="undeclared-param"),
    pytest.param(
        GOOD_HEAD + '-- [params.y]\n-- type = "text"\n-- default = ""\nSELECT 1 AS x',
        7,
        "never uses",
        id="unused-param",
    ),
    pytest.param(
        GOOD_HEAD + '-- [params.y]\n-- type = "money"\n-- default = 1\nSELECT :y AS x',
        7,
        "type must be",
        id="unknown-type",
    ),
    pytest.param(
        GOOD_HEAD + '-- [params.y]\n-- type = "integer"\nSELECT :y AS x',
        7,
        "give a default",
        id="no-default",
    ),
    pytest.param(
        GOOD_HEAD + '-- [params.y]\n-- type = "date"\n-- default = "soon"\nSELECT :y AS x',
        7,
        "not a date",
        id="default-of-wrong-type",
    ),
    pytest.param(
        GOOD_HEAD + '-- [params.kind]\n-- type = "text"\n-- default = ""\nSELECT :kind AS x',
        7,
        "URL",
        id="param-named-like-a-page-url-parameter",
    ),
]


@pytest.mark.parametrize(("text", "line", "reason"), BAD_QUERIES)
def test_bad_saved_query_names_file_and_line(text: str, line: int, reason: str) -> None:
    path = Path("/x/q.sql")
    with pytest.raises(SavedQueryError) as err:
        parse_saved_query(text, path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message
    assert re.search(r"[\u4e00-\u9fff]", message)


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text(GOOD_HEAD + "SELECT 1 AS x", encoding="utf-8")
    (tmp_path / "broken.sql").write_text("SELECT 1", encoding="utf-8")
    found, errors = load_saved_queries(tmp_path)
    assert [q.name for q in found] == ["q"]
    assert len(errors) == 1 and "broken.sql:1:" in errors[0]


# ------------------------------------------------------------------------- binding values
# (case id, SQL, the :params it holds)
SPANS = [
    pytest.param("SELECT :a, :b", ["a", "b"], id="two-params"),
    pytest.param("SELECT x::INT, ':a' AS s -- :c\n, :d", ["d"], id="cast-string-comment-skipped"),
    pytest.param("SELECT '中文' || :name", ["name"], id="after-multibyte-text"),
    pytest.param("SELECT a=:year", ["year"], id="keyword-as-name-no-space"),
]


@pytest.mark.parametrize(("sql", "names"), SPANS)
def test_param_spans(sql: str, names: list[str]) -> None:
    spans = param_spans(sql)
    assert [n for _, _, n in spans] == names
    assert all(sql[s:e] == f":{n}" for s, e, n in spans)


# (case id, type, raw value, SQL literal)
LITERALS = [
    pytest.param("text", "it's", "'it''s'", id="quote-doubled"),
    pytest.param("text", "'; DROP TABLE notices; --", "'''; DROP TABLE notices; --'", id="inject"),
    pytest.param("integer", " 42 ", "42", id="integer-trimmed"),
    pytest.param("number", "1.5", "1.5", id="number"),
    pytest.param("date", "2024-03-01", "DATE '2024-03-01'", id="date"),
    pytest.param("boolean", "yes", "TRUE", id="boolean-yes"),
    pytest.param("boolean", "false", "FALSE", id="boolean-false"),
]


@pytest.mark.parametrize(("kind", "raw", "literal"), LITERALS)
def test_values_become_typed_literals(kind: str, raw: str, literal: str) -> None:
    param = Param("p", kind, None, "p", "p")
    assert sql_literal(param, coerce(param, raw, Path("q.sql"))) == literal


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        pytest.param("integer", "1.5", id="integer-with-decimals"),
        pytest.param("integer", "1; DROP", id="integer-with-sql"),
        pytest.param("number", "nan", id="nan-number"),
        pytest.param("number", "inf", id="infinite-number"),
        pytest.param("date", "2024-13-01", id="impossible-date"),
        pytest.param("boolean", "maybe", id="not-a-boolean"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(kind: str, raw: str) -> None:
    with pytest.raises(SavedQueryError):
        coerce(Param("p", kind, None, "p", "p"), raw, Path("q.sql"))


def test_injected_text_stays_a_value(tmp_path: Path) -> None:
    query = parse_saved_query(
        GOOD_HEAD + '-- [params.t]\n-- type = "text"\n-- default = ""\nSELECT :t AS x',
        tmp_path / "q.sql",
    )
    evil = "x' UNION SELECT current_setting('allowed_paths') --"
    con = duckdb.connect()
    try:
        assert con.execute(query.bind({"t": evil})).fetchall() == [(evil,)]
    finally:
        con.close()
    assert query.bind({"t": date(2024, 1, 1).isoformat()}).endswith("'2024-01-01' AS x")


# ---------------------------------------------------------------------------- the command line
def test_cli_runs_a_saved_query_with_a_param(
    corpus_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "--saved", "unassigned_phrases", "--json", "--db", str(corpus_db)]) == 0
    everything = json.loads(capsys.readouterr().out)
    args = ["sql", "--saved", "unassigned_phrases", "--param", "top=3", "--json"]
    assert main([*args, "--db", str(corpus_db)]) == 0
    some = json.loads(capsys.readouterr().out)
    assert len(everything) > 3 and some == everything[:3]
    assert all(list(row) == list(find_saved_query("unassigned_phrases").columns) for row in some)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        pytest.param(["--saved", "nope"], 1, "no saved query 'nope'", id="unknown-name"),
        pytest.param(
            ["--saved", "funds_recovered", "--param", "min_wan_yuan=lots"],
            1,
            "not a number",
            id="bad-value",
        ),
        pytest.param(
            ["--saved", "funds_recovered", "--param", "colour=red"],
            1,
            "no parameter 'colour'",
            id="unknown-param",
        ),
        pytest.param(["--saved", "anomalies", "--param", "x"], 1, "NAME=VALUE", id="no-equals"),
        pytest.param(["SELECT 1", "--saved", "anomalies"], 2, "not both", id="query-and-saved"),
        pytest.param(["SELECT 1", "--param", "a=1"], 2, "--saved", id="param-without-saved"),
    ],
)
def test_cli_saved_query_faults_are_one_line(
    args: list[str], code: int, words: str, corpus_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", *args, "--db", str(corpus_db)]) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------- column descriptions
#: Views whose every column must be described (the ones a saved query or a user reads first).
DOCUMENTED_VIEWS = (
    "v_notice_units",
    "v_notice_names",
    "v_notices",
    "v_quantities",
    "v_passage_clusters",
    "v_shared_passages",
)


def test_every_column_of_the_documented_views_is_described(corpus_db: Path) -> None:
    docs = load_column_docs()
    con = open_readonly(corpus_db)
    try:
        for view in DOCUMENTED_VIEWS:
            columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
            missing = [c for c in columns if (view, c) not in docs]
            assert not missing, f"{columns_file()}: [{view}] lacks {missing}"
    finally:
        con.close()


def test_every_description_names_an_existing_column(corpus_db: Path) -> None:
    con = open_readonly(corpus_db)
    try:
        existing = set(
            con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
            ).fetchall()
        )
    finally:
        con.close()
    stale = sorted(set(load_column_docs()) - existing)
    assert not stale, f"{columns_file()} describes columns that do not exist: {stale}"
