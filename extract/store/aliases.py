"""The user's name fixes (``aliases.toml``): a preferred name for a unit, a fixed name for a notice.

The parser reads a unit as the notice writes it — ``东营港经济开发区党工委`` in one notice,
``中共东营港经济开发区工作委员会`` in the next — and a notice's display name is built from it
(``sql/views/10_v_notices.sql``). Both are right often enough that fixing the parser for one
case would break others, so the fix belongs to the user, in a file they edit::

    [units]
    "中共东营港经济开发区工作委员会" = "东营港经济开发区党工委"

    [notices]
    "3f637dd40c3cc6cb" = "东营港 巡察整改 2022年(第二轮)"   # by notice id,
    "000_8f21c210001f9242.txt" = "…"                         # source file name or path,
    "https://example.gov.cn/tzgg/123.html" = "…"              # or source URL

The file is applied when *reading*: :func:`sync_aliases` copies it into the ``aliases`` table
and ``v_notice_names`` joins it, so the stored notices are never rewritten and removing a line
restores the parsed name. It is loaded by every ingest, by ``xuncha aliases`` (apply now), and by
``xuncha dashboard`` when the file changed since the last load (the dashboard itself opens the
store read-only and cannot).

Where the file is looked for: ``--aliases FILE``, else ``$XUNCHA_ALIASES``, else
``aliases.toml`` next to the database (``data/aliases.toml`` for the default
``data/xuncha.duckdb``). A missing file means no aliases.

A bad entry is refused as a whole file with ``file:line: reason`` in English and Chinese, so a
typo never half-applies: the previous aliases stay in force.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from extract.store.errors import StoreError

ALIASES_FILE = "aliases.toml"
ENV_ALIASES = "XUNCHA_ALIASES"
#: Sections of the file and the ``aliases.kind`` each fills.
SECTIONS: dict[str, str] = {"units": "unit", "notices": "notice"}
#: Longest name accepted: a display name is a chart label and a page title, not a paragraph.
MAX_NAME_CHARS = 80

_URL = re.compile(r"^(https?://|www\.)|://", re.IGNORECASE)
_HASH = re.compile(r"^[0-9a-f]{8,}$", re.IGNORECASE)
# `key =` at the start of a line: bare, "basic" or 'literal' keys (what the file's users write).
_KEY_LINE = re.compile(r"""^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")
_SECTION_LINE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")


class AliasesError(StoreError):
    """The aliases file cannot be applied; the message is ``file:line: reason / 原因``.

    A :class:`StoreError`, so every command that already turns store faults into one line does
    the same for this one (it is the user's file, never a bug to show a traceback for).
    """


@dataclass(frozen=True)
class Alias:
    """One entry: ``kind`` (unit | notice), what it matches, the name to show, its line."""

    kind: str
    match: str
    name: str
    line: int


def aliases_path(db_path: Path, explicit: str | os.PathLike[str] | None = None) -> Path:
    """The aliases file for the database ``db_path``: ``explicit``, ``$XUNCHA_ALIASES``, or
    ``aliases.toml`` beside the database."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_ALIASES)
    if env:
        return Path(env).expanduser()
    return Path(db_path).with_name(ALIASES_FILE)


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, key) → line number, for the messages; tomllib gives values, not lines."""
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        head = _SECTION_LINE.match(raw)
        if head:
            section = head.group(1).strip().strip("\"'")
            lines.setdefault(("", section), number)
            continue
        m = _KEY_LINE.match(raw)
        if m:
            key = m.group(1) if m.group(1) is not None else (m.group(2) or m.group(3) or "")
            if m.group(1) is not None and "\\" in key:  # an escape: let TOML read it
                key = next(iter(tomllib.loads(f'"{key}" = 0')))
            lines.setdefault((section, key), number)
    return lines


def _fail(path: Path, line: int | None, en: str, zh: str) -> AliasesError:
    where = f"{path}:{line}" if line else str(path)
    return AliasesError(f"{where}: {en} / {zh}")


def parse_aliases(text: str, path: Path) -> list[Alias]:
    """The entries of an aliases file, checked; raises :class:`AliasesError` at the first fault.

    Checks: TOML syntax; only ``[units]`` and ``[notices]``; every value a non-empty string of
    at most :data:`MAX_NAME_CHARS` characters; no name that is a URL or a hash (the very thing a
    display name must never be); no unit alias pointing at another alias (one step, so a reader
    sees the final name on the line that sets it).
    """
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise _fail(
            path, int(m.group(1)) if m else None, f"not valid TOML ({exc})", "不是有效的 TOML 格式"
        ) from None
    lines = _key_lines(text)
    out: list[Alias] = []
    for section, entries in table.items():
        if section not in SECTIONS or not isinstance(entries, dict):
            raise _fail(
                path,
                lines.get(("", section)),
                f"unknown entry {section!r}: use [units] or [notices]",
                f"无法识别的条目 {section!r}:请写在 [units] 或 [notices] 下",
            )
        kind = SECTIONS[section]
        for key, value in entries.items():
            line = lines.get((section, key))
            match = key.strip()
            if not match:
                raise _fail(path, line, "empty name on the left", "等号左边的名称为空")
            if not isinstance(value, str) or not value.strip():
                raise _fail(
                    path,
                    line,
                    f"{key!r}: the new name must be a non-empty text in quotes",
                    f"{key!r}:新名称须为加引号的非空文字",
                )
            name = value.strip()
            if len(name) > MAX_NAME_CHARS:
                raise _fail(
                    path,
                    line,
                    f"{key!r}: the new name is longer than {MAX_NAME_CHARS} characters",
                    f"{key!r}:新名称超过 {MAX_NAME_CHARS} 个字",
                )
            if _URL.search(name) or _HASH.match(name):
                raise _fail(
                    path,
                    line,
                    f"{key!r}: a name must not be a web address or a hash",
                    f"{key!r}:名称不能是网址或哈希值",
                )
            out.append(Alias(kind, match, name, line or 0))
    unit_sources = {a.match for a in out if a.kind == "unit"}
    for alias in out:
        if alias.kind == "unit" and alias.name in unit_sources and alias.name != alias.match:
            raise _fail(
                path,
                alias.line,
                f"{alias.name!r} is itself renamed in [units]; map {alias.match!r} to the final "
                "name directly",
                f"{alias.name!r} 本身也在 [units] 中被改名;请直接写最终名称",
            )
    return out


def read_aliases(path: Path) -> tuple[list[Alias], str]:
    """(entries, sha256 of the file) — no entries and ``""`` for a missing file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], ""
    except IsADirectoryError:
        raise _fail(path, None, "is a folder, not a file", "这是文件夹,不是文件") from None
    except OSError as exc:
        raise _fail(path, None, f"cannot read ({exc.strerror})", "无法读取") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(path, None, "not UTF-8 text", "不是 UTF-8 编码的文本") from None
    return parse_aliases(text, path), hashlib.sha256(raw).hexdigest()


def sync_aliases(con: duckdb.DuckDBPyConnection, path: Path, *, transaction: bool = False) -> int:
    """Replace the ``aliases`` table with the entries of ``path``; return how many there are.

    Call it on a writer's connection inside the batch's open transaction (a ``StoreWriter``'s
    ``con`` has one), so the names change with the batch or not at all; ``transaction=True``
    opens one of its own, for a connection in auto-commit mode. (DuckDB aborts a transaction
    on a nested ``BEGIN``, so this cannot be probed.) The file is parsed before anything is
    touched: a bad file raises :class:`AliasesError` and leaves the stored aliases as they were.
    """
    entries, digest = read_aliases(path)
    own = transaction
    if own:
        con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM aliases")
        if entries:
            con.executemany(
                "INSERT INTO aliases (kind, match, name, line) VALUES (?, ?, ?, ?)",
                [[a.kind, a.match, a.name, a.line] for a in entries],
            )
        con.execute("DELETE FROM alias_source")
        con.execute(
            "INSERT INTO alias_source VALUES (?, ?, ?, current_timestamp::TIMESTAMP)",
            [str(path), digest, len(entries)],
        )
        if own:
            con.execute("COMMIT")
    except BaseException:
        if own:
            con.execute("ROLLBACK")
        raise
    return len(entries)


def aliases_changed(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether ``path`` differs from what was last loaded (a file never loaded counts as
    changed when it exists; a missing file as changed when aliases are still stored)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        digest = ""
    except OSError:
        return False  # unreadable: applying it would fail the same way; say it when asked
    try:
        row = con.execute("SELECT sha256 FROM alias_source LIMIT 1").fetchone()
    except duckdb.CatalogException:  # a store made before aliases existed
        return bool(digest)
    return (row[0] if row else "") != digest


# -- the command line: `xuncha aliases`, and the check `xuncha dashboard` makes at start -----
def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``xuncha aliases`` (``--db`` is added by the CLI like for every command)."""
    p.add_argument(
        "--aliases",
        metavar="FILE",
        help=f"the aliases file (default: $XUNCHA_ALIASES, else {ALIASES_FILE} beside the "
        "database)",
    )
    p.add_argument(
        "--check", action="store_true", help="only check the file; do not touch the database"
    )


def apply_aliases(db_path: Path, path: Path) -> int:
    """Load ``path`` into the database through the one writer; return the number of entries."""
    from extract.store.writer import StoreWriter

    read_aliases(path)  # fail before taking the lock (and copying the store) for a bad file
    with StoreWriter(db_path) as writer:
        assert writer.con is not None
        count = sync_aliases(writer.con, path)
        writer.commit()
    return count


def run(args: argparse.Namespace) -> int:
    """``xuncha aliases``: check the file, then apply it now; one line on stderr says what."""
    import sys

    from extract.store.paths import resolve_db_path

    db = resolve_db_path(args.db)
    path = aliases_path(db, args.aliases)
    entries, _ = read_aliases(path)  # AliasesError: one line through the CLI's fault handler
    units = sum(a.kind == "unit" for a in entries)
    notices = len(entries) - units
    if not path.exists():
        print(
            f"xuncha: {path}: no aliases file, generated names apply / 没有名称修正文件",
            file=sys.stderr,
        )
    if args.check:
        print(
            f"{path}: {units} unit alias(es), {notices} notice name(s); OK / 格式正确",
            file=sys.stderr,
        )
        return 0
    if not db.exists():
        raise StoreError(
            f"{db}: no database yet; run `xuncha ingest` first / 数据库尚不存在,请先导入通报"
        )
    apply_aliases(db, path)
    print(
        f"{db}: {units} unit alias(es), {notices} notice name(s) applied from {path} / 已应用",
        file=sys.stderr,
    )
    return 0


def refresh_if_changed(db_path: Path, path: Path, *, write: bool) -> str | None:
    """At dashboard start: apply ``path`` when it changed since the last load (``write``), or
    return a one-line note saying it should be (a read-only server must not write). None when
    nothing is to be done. Never raises: the dashboard starts either way, saying why not."""
    from extract.store.readers import open_readonly

    if not db_path.exists():
        return None
    try:
        con = open_readonly(db_path)
        try:
            changed = aliases_changed(con, path)
        finally:
            con.close()
        if not changed:
            return None
        if not write:
            return (
                f"{path}: changed since it was applied; run `xuncha aliases` / "
                "名称修正文件已修改,请运行 xuncha aliases 使其生效"
            )
        count = apply_aliases(db_path, path)
    except StoreError as exc:
        return f"{' '.join(str(exc).split())}"
    return f"{path}: {count} alias(es) applied / 名称修正已应用"
