"""One display name per notice (v_notice_names) and the user's aliases file (issue #11 item 6).

Names are built in SQL (sql/views/10_v_notices.sql); each row below is one rule of its fallback
order, on a notice inserted with just the fields the rule reads. The aliases file is checked
line by line: every fault names ``file:line``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from extract.cli import main
from extract.store import create_database, open_readonly
from extract.store.aliases import (
    AliasesError,
    aliases_changed,
    aliases_path,
    parse_aliases,
    read_aliases,
    refresh_if_changed,
    sync_aliases,
)

REPO = Path(__file__).resolve().parents[1]
URL_OR_HASH = re.compile(r"https?://|www\.|[0-9a-f]{8,}")


def _notice(con: duckdb.DuckDBPyConnection, notice_id: str, **fields: object) -> None:
    row: dict[str, object] = {
        "notice_id": notice_id,
        "source_path": f"in/{notice_id}.txt",
        "source_format": "txt",
        "encoding": "utf-8",
        "file_sha256": notice_id * 4,
        "text": "正文",
        "char_count": 2,
        "ingested_at": datetime(2024, 1, 1),
        "extractor_version": "test",
        **fields,
    }
    con.execute(
        f"INSERT INTO notices ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
        list(row.values()),
    )


def _names(db: Path) -> dict[str, str]:
    con = open_readonly(db)
    try:
        return dict(con.execute("SELECT notice_id, display_name FROM v_notices").fetchall())
    finally:
        con.close()


# (case id, notice fields, expected display name) — one fallback rule per row.
NAME_CASES = [
    pytest.param(
        {
            "inspected_unit": "示例县财政局",
            "inspection_kind": "巡察",
            "feedback_date": date(2023, 5, 6),
        },
        "示例县财政局 巡察整改 2023-05-06",
        id="unit-kind-feedback-date",
    ),
    pytest.param(
        {
            "inspected_unit": "示例市",
            "inspection_kind": "巡视",
            "feedback_date": date(2021, 3, 1),
            "feedback_date_precision": "month",
        },
        "示例市 巡视整改 2021-03",
        id="month-precise-date-invents-no-day",
    ),
    pytest.param(
        {
            "inspected_unit": "示例区",
            "inspection_kind": "巡察",
            "published_date": date(2022, 1, 1),
            "published_date_precision": "year",
        },
        "示例区 巡察整改 2022",
        id="published-date-when-no-feedback-date",
    ),
    pytest.param(
        {"inspected_unit": "  示例镇  ", "signed_date": date(2020, 1, 2)},
        "示例镇",
        id="unit-alone-without-kind-or-feedback-or-published-date",
    ),
    pytest.param(
        {"title": "关于某某整改进展情况的通报"},
        "关于某某整改进展情况的通报",
        id="no-unit-title",
    ),
    pytest.param(
        {
            "title": "https://www.example.gov.cn/art/2024/1/1/art_1.html",
            "source_path": "x/县委巡察通报.html",
        },
        "县委巡察通报",
        id="url-title-skipped-file-stem",
    ),
    pytest.param(
        {"source_path": "corpus/003_5c2e2c6e6d9d9ed6.txt"},
        "未命名通报",
        id="hash-file-name-never-shown",
    ),
    pytest.param(
        {"source_path": "box.zip!/通报_2024_8f21c210001f9242.docx"},
        "通报_2024",
        id="archive-member-stem-without-hash",
    ),
]


@pytest.mark.parametrize(("fields", "expected"), NAME_CASES)
def test_display_name_fallback_order(fields: dict, expected: str, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    create_database(db)
    con = duckdb.connect(str(db))
    try:
        _notice(con, "0123456789abcdef", **fields)
    finally:
        con.close()
    name = _names(db)["0123456789abcdef"]
    assert name == expected
    assert not URL_OR_HASH.search(name)


def test_two_notices_with_one_name_are_numbered(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    create_database(db)
    con = duckdb.connect(str(db))
    try:
        for nid in ("aaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaa2"):
            _notice(con, nid, inspected_unit="示例局", inspection_kind="巡察")
        _notice(con, "bbbbbbbbbbbbbbb1", inspected_unit="另一局", inspection_kind="巡察")
    finally:
        con.close()
    assert _names(db) == {
        "aaaaaaaaaaaaaaa1": "示例局 巡察整改 (1)",
        "aaaaaaaaaaaaaaa2": "示例局 巡察整改 (2)",
        "bbbbbbbbbbbbbbb1": "另一局 巡察整改",
    }


# ----------------------------------------------------------------- the aliases file, parsed
# (case id, file text, line of the fault, words of the reason)
BAD_FILES = [
    pytest.param('[units]\n"甲" = \n', 2, "TOML", id="syntax-error-names-its-line"),
    pytest.param('[units]\n"甲" = "乙"\n[people]\n"x" = "y"\n', 3, "[units]", id="unknown-section"),
    pytest.param('[units]\n"甲" = ""\n', 2, "non-empty", id="empty-new-name"),
    pytest.param('[units]\n"甲" = 3\n', 2, "non-empty", id="number-instead-of-text"),
    pytest.param(
        '[notices]\n# c\n"abc" = "https://example.cn/x"\n', 3, "web address", id="url-as-name"
    ),
    pytest.param('[notices]\n"abc" = "8f21c210001f9242"\n', 2, "hash", id="hash-as-name"),
    pytest.param('[units]\n"甲" = "乙"\n"乙" = "丙"\n', 2, "itself renamed", id="alias-chain"),
    pytest.param('[units]\n"甲" = "' + "长" * 81 + '"\n', 2, "longer than", id="overlong-name"),
    pytest.param('[units]\n"甲" = "乙"\n"甲" = "丙"\n', 3, "TOML", id="key-defined-twice"),
]


@pytest.mark.parametrize(("text", "line", "reason"), BAD_FILES)
def test_bad_aliases_name_file_and_line(text: str, line: int, reason: str, tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    with pytest.raises(AliasesError) as err:
        parse_aliases(text, path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message
    assert re.search(r"[\u4e00-\u9fff]", message), "the reason is also in Chinese"
    assert "\n" not in message


def test_shipped_aliases_file_is_valid_and_documented() -> None:
    path = REPO / "data" / "aliases.toml"
    entries, digest = read_aliases(path)
    assert digest  # it exists, beside the default database
    assert aliases_path(REPO / "data" / "xuncha.duckdb", None) == path
    text = path.read_text(encoding="utf-8")
    assert "[units]" in text and "[notices]" in text and "xuncha aliases" in text
    assert entries == []  # the shipped file only explains; a user's entries are their own


def test_missing_file_means_no_aliases(tmp_path: Path) -> None:
    assert read_aliases(tmp_path / "none.toml") == ([], "")


# ------------------------------------------------------------ applied when reading the store
@pytest.fixture
def named_db(tmp_path: Path) -> Path:
    db = tmp_path / "a.duckdb"
    create_database(db)
    con = duckdb.connect(str(db))
    try:
        _notice(
            con,
            "1111111111111111",
            inspected_unit="中共示例县委员会",
            inspection_kind="巡察",
            feedback_date=date(2023, 1, 2),
        )
        _notice(
            con,
            "2222222222222222",
            inspected_unit="示例县委",
            inspection_kind="巡察",
            feedback_date=date(2024, 1, 2),
            source_url="https://example.gov.cn/a/1.html",
        )
        _notice(con, "3333333333333333", source_path="in/第三份.txt")
    finally:
        con.close()
    return db


def test_aliases_rename_units_and_fix_notices(named_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text(
        "[units]\n"
        '"中共示例县委员会" = "示例县委"\n'
        "[notices]\n"
        '"https://example.gov.cn/a/1.html" = "示例县委 第二轮"\n'
        '"第三份.txt" = "第三份通报"\n',
        encoding="utf-8",
    )
    con = duckdb.connect(str(named_db))
    try:
        assert sync_aliases(con, path, transaction=True) == 3
        assert not aliases_changed(con, path)
        rows = con.execute(
            "SELECT notice_id, inspected_unit, inspected_unit_parsed, display_name FROM v_notices "
            "ORDER BY notice_id"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("1111111111111111", "示例县委", "中共示例县委员会", "示例县委 巡察整改 2023-01-02"),
        ("2222222222222222", "示例县委", "示例县委", "示例县委 第二轮"),
        ("3333333333333333", None, None, "第三份通报"),
    ]


def test_a_bad_file_leaves_the_previous_aliases(named_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text('[units]\n"中共示例县委员会" = "示例县委"\n', encoding="utf-8")
    con = duckdb.connect(str(named_db))
    try:
        sync_aliases(con, path, transaction=True)
        path.write_text('[units]\n"中共示例县委员会" = ""\n', encoding="utf-8")
        assert aliases_changed(con, path)
        with pytest.raises(AliasesError):
            sync_aliases(con, path, transaction=True)
        assert con.execute("SELECT match, name FROM aliases").fetchall() == [
            ("中共示例县委员会", "示例县委")
        ]
    finally:
        con.close()


def test_cli_aliases_applies_and_check_only_checks(
    named_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[notices]\n"1111111111111111" = "第一份"\n', encoding="utf-8")
    assert main(["aliases", "--db", str(named_db), "--aliases", str(path), "--check"]) == 0
    assert _names(named_db)["1111111111111111"] != "第一份"
    assert main(["aliases", "--db", str(named_db), "--aliases", str(path)]) == 0
    assert _names(named_db)["1111111111111111"] == "第一份"
    path.write_text('[notices]\n"x" = "www.example.cn"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["aliases", "--db", str(named_db), "--aliases", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_dashboard_start_applies_a_changed_file_unless_read_only(
    named_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "aliases.toml"
    path.write_text('[notices]\n"3333333333333333" = "第三份通报"\n', encoding="utf-8")
    note = refresh_if_changed(named_db, path, write=False)
    assert note is not None and "xuncha aliases" in note
    assert _names(named_db)["3333333333333333"] != "第三份通报"
    assert "applied" in (refresh_if_changed(named_db, path, write=True) or "")
    assert _names(named_db)["3333333333333333"] == "第三份通报"
    assert refresh_if_changed(named_db, path, write=True) is None  # unchanged: nothing to do


def test_ingest_applies_the_aliases_file_beside_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Edit data/aliases.toml, run the usual ingest: names change even when no notice did;
    a broken file is one line and leaves the names (and every notice) as they were."""
    from tests.notice_factory import write_notice

    db = tmp_path / "store" / "x.duckdb"
    db.parent.mkdir()
    write_notice(tmp_path / "in", "a.txt", unit="云岭开发区")
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db)]) == 0

    def units() -> list[str]:
        with open_readonly(db) as con:
            return [r[0] for r in con.execute("SELECT inspected_unit FROM v_notices").fetchall()]

    parsed = units()
    assert parsed and parsed[0]
    aliases = db.with_name("aliases.toml")
    aliases.write_text(f'[units]\n"{parsed[0]}" = "云岭经济开发区"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db)]) == 0
    assert "0 new, 0 updated, 1 unchanged" in capsys.readouterr().out
    assert units() == ["云岭经济开发区"], "an unchanged notice is renamed by the edited file"

    aliases.write_text('[units]\n"x" = ""\n', encoding="utf-8")
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "aliases.toml:2" in out and "names unchanged" in out and "Traceback" not in out
    assert units() == ["云岭经济开发区"], "a bad file keeps the names already in force"
