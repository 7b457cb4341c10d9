"""The one loader of xuncha's data files (TOML, TSV, word lists), with ``file:line`` errors.

Every word list, rule table and threshold lives in a data file under ``extract/data`` so that a
reviewer changes behaviour by editing a line, not a regex. That only works if a bad edit is
reported where it was made: each reader here raises :class:`LexiconError` with the message
``"<file>:<line>: <reason>"`` (reason in Chinese and English), never a bare ``KeyError`` or a
traceback from ``tomllib`` deep inside the extractor. The modules that interpret the data
(units, taxonomy, noise rules, statuses …) check *meaning* and raise the same error with the line
the offending entry came from.

The three shapes:

* :func:`read_toml` — structured settings and rule tables;
* :func:`read_tsv` — tables with a header row naming the columns (:class:`TsvRow` keeps the
  line number of each row, so later checks can point at it);
* :func:`read_lines` — word lists, one entry a line, duplicates refused (a duplicate is almost
  always an edit that meant something else).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "words.txt").write_text("# slogans\\n两个维护\\n\\n四下基层\\n", encoding="utf-8")
>>> read_lines(folder / "words.txt")
[(2, '两个维护'), (4, '四下基层')]
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "DATA_DIR",
    "LexiconError",
    "TsvRow",
    "data_path",
    "display_name",
    "line_of",
    "lines_containing",
    "read_lines",
    "read_text",
    "read_toml",
    "read_tsv",
]

DATA_DIR = Path(str(resources.files("extract") / "data"))
"""The packaged data folder (works from a checkout and from an installed wheel)."""

# tomllib reports positions only inside its message: "... (at line 3, column 5)".
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


class LexiconError(ValueError):
    """A data file is malformed; ``str(error)`` is ``"<file>:<line>: <reason>"``.

    A ``ValueError`` so callers that already guard against bad values keep working. ``file``,
    ``line`` and ``reason`` are kept apart for callers that format their own message; ``line``
    is ``None`` for faults of the file as a whole (missing, unreadable).

    >>> str(LexiconError.at(Path("units.tsv"), 7, "未知类别 / unknown kind 'x'"))
    "units.tsv:7: 未知类别 / unknown kind 'x'"
    """

    def __init__(self, message: str, *, file: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.reason = message

    @classmethod
    def at(cls, path: Path | str, line: int | None, reason: str) -> LexiconError:
        """The error for ``reason`` at ``path:line`` (``line=None``: the whole file)."""
        name = display_name(path)
        where = name if line is None else f"{name}:{line}"
        error = cls(f"{where}: {reason}", file=name, line=line)
        error.reason = reason
        return error


def data_path(name: str) -> Path:
    """Path of a packaged data file (``extract/data/<name>``)."""
    return DATA_DIR / name


def display_name(path: Path | str) -> str:
    """How an error names ``path``: its file name (``units.tsv:12``).

    The name is what the people who edit a data file know it by, and it keeps the one-line
    message short; the packaged files all live in :data:`DATA_DIR`.
    """
    return Path(path).name


def line_of(path: Path, key: str, value: str | None = None) -> int | None:
    """The first line of a TOML file that assigns ``key`` (to ``value``, when given).

    ``tomllib`` keeps no positions, so a check of *meaning* (an unknown status, a bad regex)
    finds its line again here; only error paths call this, so reading the file again is free.
    ``None`` when no line matches (the error then names the file alone).

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "r.toml"
    >>> _ = f.write_text('[a]\\nname = "x"\\nname = "y"\\n', encoding="utf-8")
    >>> line_of(f, "name"), line_of(f, "name", "y"), line_of(f, "other")
    (2, 3, None)
    """
    assign = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=\s*(.*)$")
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        found = assign.match(line)
        if found and (value is None or value in found.group(1)):
            return lineno
    return None


def lines_containing(path: Path, needle: str) -> list[int]:
    """Every line of ``path`` whose text contains ``needle`` (for errors about list entries).

    An entry of a TOML array may sit on a continuation line that :func:`line_of` cannot see;
    a quoted entry (``'"办结"'``) is found here instead.
    """
    return [n for n, line in enumerate(read_text(path).splitlines(), 1) if needle in line]


def read_text(path: Path) -> str:
    """The file as UTF-8 text (a BOM dropped), every failure a :class:`LexiconError` naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError.at(path, None, "文件不存在 / file not found") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise LexiconError.at(path, None, f"无法读取 / cannot read: {reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LexiconError.at(path, line, "不是 UTF-8 编码 / not UTF-8 text") from None


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error becomes ``file:line: …`` (tomllib's own line).

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "rules.toml"
    >>> _ = bad.write_text("[a]\\nx = 1\\ny = \\n", encoding="utf-8")
    >>> try:
    ...     read_toml(bad)
    ... except LexiconError as error:
    ...     print(error.line, error.reason)
    3 无法解析 / cannot parse, not valid TOML: Invalid value
    """
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position:
            line: int | None = int(position.group(1))
            message = message[: position.start()]
        elif _TOML_END.search(message):
            line = text.count("\n") + 1
            message = _TOML_END.sub("", message)
        else:
            line = None
        raise LexiconError.at(
            path, line, f"无法解析 / cannot parse, not valid TOML: {message}"
        ) from None


@dataclass(frozen=True, slots=True)
class TsvRow:
    """One data row of a TSV file: its 1-based line and its cells by column name.

    Optional columns absent from the file or from a short row read as ``""``.
    """

    line: int
    fields: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.fields[column]


def _data_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines that are not ``#`` comments, with their 1-based numbers."""
    out: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append((lineno, line))
    return out


def read_tsv(path: Path, columns: Sequence[str], *, optional: Sequence[str] = ()) -> list[TsvRow]:
    """Read a tab-separated table whose first data line is a header naming its columns.

    The header must be ``columns`` in order, followed by the leading part of ``optional`` that
    the file uses (so a file may stop before its ``note`` column). A row must have at least the
    required cells and at most the header's; cells are stripped of surrounding spaces. The
    header check is what catches a file edited with a column out of place, which would
    otherwise load silently with every value shifted.

    >>> import tempfile
    >>> table = Path(tempfile.mkdtemp()) / "t.tsv"
    >>> _ = table.write_text("# demo\\nfrom\\tto\\n戋\\t元\\n", encoding="utf-8")
    >>> [(row.line, dict(row.fields)) for row in read_tsv(table, ["from", "to"])]
    [(3, {'from': '戋', 'to': '元'})]
    """
    lines = _data_lines(read_text(path))
    if not lines:
        raise LexiconError.at(path, None, "缺少表头 / missing header row")
    header_line, header_text = lines[0]
    header = [cell.strip() for cell in header_text.split("\t")]
    want = list(columns)
    extra = header[len(want) :]
    if header[: len(want)] != want or extra != list(optional[: len(extra)]):
        expected = "\t".join([*want, *[f"[{name}]" for name in optional]])
        raise LexiconError.at(
            path,
            header_line,
            f"表头应为 / header should be {expected!r}, got {chr(9).join(header)!r}",
        )
    names = header
    rows: list[TsvRow] = []
    for lineno, line in lines[1:]:
        cells = [cell.strip() for cell in line.split("\t")]
        if not len(want) <= len(cells) <= len(names):
            span = str(len(want)) if len(want) == len(names) else f"{len(want)}–{len(names)}"
            raise LexiconError.at(
                path,
                lineno,
                f"应有 {span} 个制表符分隔的字段,实有 {len(cells)} / "
                f"expected {span} tab-separated fields, got {len(cells)}",
            )
        fields = dict(zip(names, cells, strict=False))
        for name in optional:
            fields.setdefault(name, "")
        rows.append(TsvRow(line=lineno, fields=MappingProxyType(fields)))
    return rows


def read_lines(path: Path) -> list[tuple[int, str]]:
    """A word list: one entry a line (stripped), ``#`` comments and blank lines skipped.

    A repeated entry is an error naming both lines: in a list that is merged into one pattern
    a duplicate does nothing, so it usually marks an edit that meant a different word.
    """
    seen: dict[str, int] = {}
    out: list[tuple[int, str]] = []
    for lineno, line in _data_lines(read_text(path)):
        word = line.strip()
        if word in seen:
            raise LexiconError.at(
                path,
                lineno,
                f"重复条目 {word!r}(第 {seen[word]} 行已有)/ "
                f"duplicate entry {word!r} (already on line {seen[word]})",
            )
        seen[word] = lineno
        out.append((lineno, word))
    return out
