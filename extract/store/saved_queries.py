"""Saved queries: ``sql/queries/NAME.sql`` files with TOML front matter, run by the one SQL runner.

A saved query is a file a colleague can read, review and diff, so it is SQL first, with its
description in the comment block that opens it (each line ``-- `` + TOML)::

    -- name = "funds_recovered"
    -- title_zh = "追回资金(统一指标)"
    -- title_en = "Funds recovered (canonical metric)"
    -- description_zh = "…"
    -- description_en = "…"
    -- columns = ["inspected_unit", "value"]
    -- order = 20               # where the SQL page lists it (optional)
    -- [params.min_wan]
    -- type = "number"          # text | integer | number | date | boolean
    -- default = 0
    -- label_zh = "最少(万元)"
    -- label_en = "At least (10k yuan)"
    SELECT inspected_unit, value FROM v_metric_values WHERE value >= :min_wan * 1e4

The front matter is every ``--`` line before the SQL; a note for the reader in it is a TOML
comment (``-- # …``). ``:name`` marks a parameter. The dashboard's SQL page turns each into a
typed form field and gives the query a URL (``sql?saved=NAME&min_wan=50``);
``xuncha sql --saved NAME --param min_wan=50`` runs it from the shell. Both go through
:class:`~extract.store.sql_runner.SqlBox`, whose ``run`` takes SQL text only, so values are
bound here as SQL literals *after* being parsed as their declared type: a number is printed
from a Python float, a date from a ``date``, and text is quoted with its quotes doubled — the
text never becomes SQL. The runner then still checks the result is one SELECT naming no
blocked function.

Every fault of a file is ``file:line: reason`` in English and Chinese (:class:`SavedQueryError`),
and one bad file does not hide the others (:func:`load_saved_queries` collects them).
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from extract.store.errors import StoreError
from extract.store.paths import sql_dir

#: Front-matter keys and whether each must be given.
_KEYS: dict[str, bool] = {
    "name": True,
    "title_zh": True,
    "title_en": True,
    "description_zh": True,
    "description_en": True,
    "columns": True,
    "order": False,
    "params": False,
}
#: Parameter types and the keys a parameter may have.
PARAM_TYPES: tuple[str, ...] = ("text", "integer", "number", "date", "boolean")
DEFAULT_ORDER = 100
_PARAM_KEYS = frozenset({"type", "default", "label_zh", "label_en"})
#: URL parameters every dashboard page shares (notice, quantity, unit, metric, language, facets)
#: and the SQL page's own ``saved``: a query parameter of the same name would fight over the URL.
RESERVED_PARAMS = frozenset(
    {"n", "id", "qid", "u", "m", "lang", "level", "kind", "body", "region", "year", "family"}
    | {"status", "saved", "page"}
)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PREFIX = re.compile(r"^--\s?")


class SavedQueryError(StoreError):
    """A saved query file is wrong, or a parameter value does not fit its type.

    The message is one line, ``file:line: reason / 原因``; a :class:`StoreError` so the CLI
    prints it as a user's fault, not a bug.
    """


@dataclass(frozen=True)
class Param:
    """One ``:name`` parameter: its type, default and form label in both languages."""

    name: str
    type: str
    default: object
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class SavedQuery:
    """One ``sql/queries/*.sql`` file: its front matter and its SQL (with ``:params``)."""

    name: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    columns: tuple[str, ...]
    sql: str
    path: Path
    params: tuple[Param, ...] = field(default=())
    #: Where the SQL page lists it (smaller first; then by name).
    order: int = 100

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def defaults(self) -> dict[str, object]:
        """Every parameter at its default value."""
        return {p.name: p.default for p in self.params}

    def bind(self, values: Mapping[str, object] | None = None) -> str:
        """The SQL with every ``:param`` replaced by the literal of its value (default when not
        given). Values may be typed already or text (from a URL or ``--param k=v``); an unknown
        name or a value that does not fit its type raises :class:`SavedQueryError`."""
        given = dict(values or {})
        unknown = sorted(set(given) - {p.name for p in self.params})
        if unknown:
            raise SavedQueryError(
                f"{self.path}: no parameter {unknown[0]!r} (this query takes "
                f"{', '.join(p.name for p in self.params) or 'none'}) / "
                f"查询没有参数 {unknown[0]!r}"
            )
        literals = {
            p.name: sql_literal(p, coerce(p, given.get(p.name, p.default), self.path))
            for p in self.params
        }
        return _substitute(self.sql, literals)


def _fail(path: Path, line: int | None, en: str, zh: str) -> SavedQueryError:
    return SavedQueryError(f"{path}:{line}: {en} / {zh}" if line else f"{path}: {en} / {zh}")


def coerce(param: Param, value: object, path: Path) -> object:
    """``value`` as the parameter's type (text from a form, URL or shell is parsed)."""
    where = f"{path}: parameter {param.name!r}"
    try:
        if param.type == "text":
            return str(value)
        if param.type == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "1", "yes", "on"):
                return True
            if text in ("false", "0", "no", "off"):
                return False
            raise ValueError(value)
        if param.type == "integer":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(str(value).strip()) if not isinstance(value, int) else value
        if param.type == "number":
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(str(value).strip()) if not isinstance(value, int | float) else value
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if param.type == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise SavedQueryError(
            f"{where}: {str(value)!r} is not a {param.type} / "
            f"参数值 {str(value)!r} 不是{_TYPE_ZH[param.type]}"
        ) from None
    raise SavedQueryError(f"{where}: unknown type {param.type!r} / 未知的参数类型")


_TYPE_ZH = {"text": "文字", "integer": "整数", "number": "数字", "date": "日期", "boolean": "是/否"}


def sql_literal(param: Param, value: object) -> str:
    """The SQL literal of an already coerced value (see the module doc on why literals)."""
    if param.type == "text":
        return "'" + str(value).replace("'", "''") + "'"
    if param.type == "boolean":
        return "TRUE" if value else "FALSE"
    if param.type == "integer":
        return str(int(value))  # type: ignore[call-overload]
    if param.type == "number":
        return repr(float(value))  # type: ignore[arg-type]
    assert isinstance(value, date)
    return f"DATE '{value.isoformat()}'"


def param_spans(sql: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every ``:name`` in ``sql``, as character offsets.

    Found with DuckDB's own tokenizer, so a ``:x`` inside a string or a comment, and a ``::``
    cast, are not parameters.
    """
    raw = sql.encode("utf-8")
    tokens = duckdb.tokenize(sql)
    spans: list[tuple[int, int, str]] = []
    for (start, kind), (nxt, nkind) in itertools.pairwise(tokens):
        if kind != duckdb.token_type.operator or nxt != start + 1 or raw[start:nxt] != b":":
            continue
        if nkind not in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            continue
        m = re.match(rb"[A-Za-z_][A-Za-z0-9_]*", raw[nxt:])
        if m is None:
            continue
        end = nxt + m.end()
        spans.append(
            (len(raw[:start].decode("utf-8")), len(raw[:end].decode("utf-8")), m.group().decode())
        )
    return spans


def _substitute(sql: str, literals: Mapping[str, str]) -> str:
    out, last = [], 0
    for start, end, name in param_spans(sql):
        out += [sql[last:start], literals[name]]
        last = end
    out.append(sql[last:])
    return "".join(out)


def parse_saved_query(text: str, path: Path) -> SavedQuery:
    """One saved query file, checked; raises :class:`SavedQueryError` naming the line."""
    lines = text.splitlines()
    head: list[str] = []
    for line in lines:
        if line.startswith("--"):
            head.append(_PREFIX.sub("", line, count=1))
        elif line.strip() or head:
            break
        else:
            head.append("")  # leading blank lines keep the line numbers right
    body = "\n".join(lines[len(head) :]).strip()
    try:
        meta = tomllib.loads("\n".join(head))
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise _fail(
            path,
            int(m.group(1)) if m else max(len(head), 1),  # "at end of document": its last line
            f"front matter is not valid TOML after '-- ' ({exc})",
            "开头注释中的说明不是有效的 TOML",
        ) from None

    def line_of(key: str) -> int:
        pattern = re.compile(rf"^\s*(\[\s*params\.)?{re.escape(key)}\b")
        return next((i for i, ln in enumerate(head, start=1) if pattern.match(ln)), 1)

    for key in meta:
        if key not in _KEYS:
            raise _fail(
                path,
                line_of(key),
                f"unknown front-matter key {key!r} (known: {', '.join(_KEYS)})",
                f"无法识别的说明项 {key!r}",
            )
    for key, required in _KEYS.items():
        if required and key not in meta:
            raise _fail(path, 1, f"front matter lacks {key!r}", f"开头注释缺少 {key!r}")
        if key not in ("columns", "params", "order") and key in meta:
            value = meta[key]
            if not isinstance(value, str) or not value.strip():
                raise _fail(
                    path, line_of(key), f"{key!r} must be a non-empty text", f"{key!r} 须为非空文字"
                )
    if meta["name"] != path.stem or not _NAME.match(meta["name"]):
        raise _fail(
            path,
            line_of("name"),
            f"name {meta['name']!r} must equal the file name {path.stem!r} and use a-z, 0-9, _",
            "name 须与文件名相同,且只用小写字母、数字和下划线",
        )
    columns = meta["columns"]
    if not (
        isinstance(columns, list) and columns and all(isinstance(c, str) and c for c in columns)
    ):
        raise _fail(
            path,
            line_of("columns"),
            "columns must be a list of the result's column names",
            "columns 须列出结果的列名",
        )
    order = meta.get("order", DEFAULT_ORDER)
    if not isinstance(order, int) or isinstance(order, bool):
        raise _fail(path, line_of("order"), "order must be a whole number", "order 须为整数")
    params = _params(meta.get("params", {}), path, line_of)
    if not body:
        raise _fail(
            path, len(head) + 1, "no SQL after the front matter", "说明之后没有 SQL 查询语句"
        )
    used = {name for _, _, name in param_spans(body)}
    declared = {p.name for p in params}
    body_line = len(head) + 1
    if used - declared:
        missing = sorted(used - declared)[0]
        raise _fail(
            path,
            body_line,
            f":{missing} is used but not declared under [params.{missing}]",
            f"使用了未声明的参数 :{missing}",
        )
    if declared - used:
        extra = sorted(declared - used)[0]
        raise _fail(
            path,
            line_of(extra),
            f"parameter {extra!r} is declared but the SQL never uses :{extra}",
            f"声明了参数 {extra!r},但查询中没有使用",
        )
    return SavedQuery(
        name=meta["name"],
        title_zh=meta["title_zh"].strip(),
        title_en=meta["title_en"].strip(),
        description_zh=meta["description_zh"].strip(),
        description_en=meta["description_en"].strip(),
        columns=tuple(columns),
        sql=body,
        path=path,
        params=params,
        order=order,
    )


def _params(raw: object, path: Path, line_of: Callable[[str], int]) -> tuple[Param, ...]:
    if not isinstance(raw, dict):
        raise _fail(path, line_of("params"), "params must be [params.NAME] tables", "参数格式有误")
    out = []
    for name, spec in raw.items():
        line = line_of(name)
        if not _NAME.match(name) or not isinstance(spec, dict):
            raise _fail(
                path,
                line,
                f"parameter {name!r}: write it as [params.{name}] with a-z, 0-9, _",
                f"参数 {name!r} 的写法有误",
            )
        if name in RESERVED_PARAMS:
            raise _fail(
                path,
                line,
                f"parameter {name!r} is a name every page uses in its URL; choose another",
                f"参数名 {name!r} 已被页面网址占用,请换一个",
            )
        unknown = sorted(set(spec) - _PARAM_KEYS)
        if unknown:
            raise _fail(
                path,
                line,
                f"parameter {name!r}: unknown key {unknown[0]!r} (known: "
                f"{', '.join(sorted(_PARAM_KEYS))})",
                f"参数 {name!r} 有无法识别的项 {unknown[0]!r}",
            )
        kind = spec.get("type")
        if kind not in PARAM_TYPES:
            raise _fail(
                path,
                line,
                f"parameter {name!r}: type must be one of {', '.join(PARAM_TYPES)}",
                f"参数 {name!r} 的类型须为 {', '.join(PARAM_TYPES)} 之一",
            )
        if "default" not in spec:
            raise _fail(
                path,
                line,
                f"parameter {name!r}: give a default, so the query runs as it is",
                f"参数 {name!r} 须有默认值",
            )
        labels = [spec.get("label_zh", name), spec.get("label_en", name)]
        texts = [v.strip() for v in labels if isinstance(v, str) and v.strip()]
        if len(texts) != 2:
            raise _fail(path, line, f"parameter {name!r}: labels must be text", "参数标签须为文字")
        param = Param(name, kind, spec["default"], texts[0], texts[1])
        try:
            default = coerce(param, spec["default"], path)
        except SavedQueryError:
            raise _fail(
                path,
                line,
                f"parameter {name!r}: default {spec['default']!r} is not a {kind}",
                f"参数 {name!r} 的默认值不是{_TYPE_ZH[kind]}",
            ) from None
        out.append(Param(name, kind, default, param.label_zh, param.label_en))
    return tuple(out)


def queries_dir() -> Path:
    """``sql/queries`` (``extract/_sql/queries`` in a wheel, like migrations and views)."""
    return sql_dir() / "queries"


def load_saved_queries(folder: Path | None = None) -> tuple[list[SavedQuery], list[str]]:
    """Every saved query of ``folder`` (default :func:`queries_dir`), by file name, and the
    one-line error of each file that could not be read — a bad file never hides the good ones.
    """
    folder = folder or queries_dir()
    found: list[SavedQuery] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.sql")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path}: cannot read ({exc}) / 无法读取")
            continue
        try:
            found.append(parse_saved_query(text, path))
        except SavedQueryError as exc:
            errors.append(str(exc))
    found.sort(key=lambda q: (q.order, q.name))
    return found, errors


@cache
def saved_queries() -> tuple[SavedQuery, ...]:
    """The shipped saved queries, parsed once per process; a bad shipped file is a bug (the
    integrity test catches it), so this raises its error."""
    found, errors = load_saved_queries()
    if errors:
        raise SavedQueryError(errors[0])
    return tuple(found)


def find_saved_query(name: str, queries: Iterable[SavedQuery] | None = None) -> SavedQuery:
    """The saved query called ``name``; :class:`SavedQueryError` listing the names otherwise."""
    pool = list(saved_queries() if queries is None else queries)
    for query in pool:
        if query.name == name:
            return query
    raise SavedQueryError(
        f"{queries_dir()}: no saved query {name!r} (have: "
        f"{', '.join(q.name for q in pool) or 'none'}) / 没有名为 {name!r} 的已存查询"
    )


def parse_param_args(pairs: Iterable[str]) -> dict[str, str]:
    """``["k=v", …]`` (``--param k=v``) as a dict; a pair without ``=`` is refused."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SavedQueryError(
                f"--param {pair!r}: write NAME=VALUE / --param 的格式应为 名称=值"
            )
        out[key.strip()] = value
    return out


def saved_sql(name: str, pairs: Iterable[str]) -> str:
    """``xuncha sql --saved NAME --param k=v …``: the saved query's SQL with its values bound."""
    return find_saved_query(name).bind(parse_param_args(pairs))
