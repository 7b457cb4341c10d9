"""The one data-file loader (extract/lexicon.py): every malformed file is reported as file:line.

Each row writes one small file and states what the loader must return or which line and reason
it must name; the readers are the only way data files are read, so these rows are the contract
every lexicon relies on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.lexicon import (
    DATA_DIR,
    LexiconError,
    TsvRow,
    display_name,
    read_lines,
    read_toml,
    read_tsv,
)

# (covers, file content, expected parse)
TOML_OK = [
    ("a table and a list", '[a]\nx = ["一", "二"]\n', {"a": {"x": ["一", "二"]}}),
    ("a UTF-8 BOM is accepted", "\ufeffk = 1\n", {"k": 1}),
    ("an empty file is an empty table", "", {}),
]

# (covers, file content, line the error must name, words the reason must contain)
TOML_BAD = [
    ("value missing after =", "[a]\nx = 1\ny = \n", 3, "not valid TOML"),
    ("key defined twice", "x = 1\nx = 2\n", 2, "not valid TOML"),
    ("unclosed table header at end of file", "x = 1\n[a", 2, "not valid TOML"),
    ("not UTF-8 (GBK bytes on line 2)", "x = 1\ny = '巡察'\n".encode("gbk"), 2, "not UTF-8"),
]

# (covers, content, columns, optional, expected [(line, fields)])
TSV_OK = [
    (
        "comments and blank lines skipped, line numbers kept",
        "# c\n\nfrom\tto\n戋\t元\n\n# more\n兀\t元\n",
        ["from", "to"],
        [],
        [(4, {"from": "戋", "to": "元"}), (7, {"from": "兀", "to": "元"})],
    ),
    (
        "optional column present in header, a short row reads as empty",
        "a\tb\tnote\n1\t2\tx\n3\t4\n",
        ["a", "b"],
        ["note"],
        [(2, {"a": "1", "b": "2", "note": "x"}), (3, {"a": "3", "b": "4", "note": ""})],
    ),
    (
        "optional column absent from the header reads as empty",
        "a\tb\n1\t2\n",
        ["a", "b"],
        ["note"],
        [(2, {"a": "1", "b": "2", "note": ""})],
    ),
    ("cells are stripped", "a\tb\n 1 \t2 \n", ["a", "b"], [], [(2, {"a": "1", "b": "2"})]),
]

# (covers, content, columns, optional, line, words the reason must contain)
TSV_BAD = [
    ("no header at all", "# only a comment\n", ["a"], [], None, "missing header"),
    ("header columns out of order", "b\ta\n1\t2\n", ["a", "b"], [], 1, "header should be"),
    ("unknown extra header column", "a\tb\tzzz\n", ["a", "b"], ["note"], 1, "header should be"),
    ("row with too few fields", "a\tb\n1\t2\n3\n", ["a", "b"], [], 3, "expected 2"),
    ("row with too many fields", "a\tb\n1\t2\t3\n", ["a", "b"], [], 2, "got 3"),
]

# (covers, content, expected entries | (line, words of the reason))
LINES = [
    (
        "comments, blanks and spaces dropped",
        "# h\n 两个维护 \n\n四下基层\n",
        [(2, "两个维护"), (4, "四下基层")],
    ),
    ("indented comment skipped", "  # note\n一\n", [(2, "一")]),
    ("a duplicate names both lines", "一\n二\n一\n", (3, "already on line 1")),
]


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(("covers", "content", "expected"), TOML_OK, ids=[r[0] for r in TOML_OK])
def test_read_toml(tmp_path: Path, covers: str, content: str, expected: dict[str, object]) -> None:
    assert read_toml(_write(tmp_path, "x.toml", content)) == expected


@pytest.mark.parametrize(
    ("covers", "content", "line", "words"), TOML_BAD, ids=[r[0] for r in TOML_BAD]
)
def test_read_toml_errors(
    tmp_path: Path, covers: str, content: str | bytes, line: int, words: str
) -> None:
    path = _write(tmp_path, "x.toml", content)
    with pytest.raises(LexiconError) as info:
        read_toml(path)
    assert str(info.value).startswith(f"{path.name}:{line}: ")
    assert info.value.line == line
    assert words in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("covers", "content", "columns", "optional", "expected"), TSV_OK, ids=[r[0] for r in TSV_OK]
)
def test_read_tsv(
    tmp_path: Path,
    covers: str,
    content: str,
    columns: list[str],
    optional: list[str],
    expected: list[tuple[int, dict[str, str]]],
) -> None:
    rows = read_tsv(_write(tmp_path, "x.tsv", content), columns, optional=optional)
    assert [(r.line, dict(r.fields)) for r in rows] == expected
    assert all(isinstance(r, TsvRow) for r in rows)


@pytest.mark.parametrize(
    ("covers", "content", "columns", "optional", "line", "words"),
    TSV_BAD,
    ids=[r[0] for r in TSV_BAD],
)
def test_read_tsv_errors(
    tmp_path: Path,
    covers: str,
    content: str,
    columns: list[str],
    optional: list[str],
    line: int | None,
    words: str,
) -> None:
    path = _write(tmp_path, "x.tsv", content)
    with pytest.raises(LexiconError) as info:
        read_tsv(path, columns, optional=optional)
    where = path.name if line is None else f"{path.name}:{line}"
    assert str(info.value).startswith(f"{where}: ")
    assert words in str(info.value)


@pytest.mark.parametrize(("covers", "content", "expected"), LINES, ids=[r[0] for r in LINES])
def test_read_lines(tmp_path: Path, covers: str, content: str, expected: object) -> None:
    path = _write(tmp_path, "x.txt", content)
    if isinstance(expected, tuple):
        line, words = expected
        with pytest.raises(LexiconError) as info:
            read_lines(path)
        assert str(info.value).startswith(f"{path.name}:{line}: ")
        assert words in str(info.value)
    else:
        assert read_lines(path) == expected


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A missing file is a one-line error naming it, with no line number."""
    path = tmp_path / "absent.toml"
    with pytest.raises(LexiconError, match=r"absent\.toml: 文件不存在 / file not found$") as info:
        read_toml(path)
    assert info.value.line is None


def test_packaged_files_are_named_by_name() -> None:
    """Errors name the file as its editors know it (units.tsv:12), wherever it lies."""
    assert display_name(DATA_DIR / "units.tsv") == "units.tsv"
    assert display_name(Path("/elsewhere/units.tsv")) == "units.tsv"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA_DIR.glob("*.txt")))
def test_packaged_word_lists_load(name: str) -> None:
    """Every packaged word list passes the loader (no duplicates, valid UTF-8)."""
    assert read_lines(DATA_DIR / name)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA_DIR.glob("*.toml")))
def test_packaged_toml_files_load(name: str) -> None:
    """Every packaged TOML file parses."""
    assert read_toml(DATA_DIR / name)
