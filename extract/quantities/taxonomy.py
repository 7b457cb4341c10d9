"""The metric taxonomy (``extract/data/metrics.toml``): canonical metric ids and their rules.

Why a data file: the ids are a contract (``../shared/METRICS.md``) between the extractor, the
store, the dashboard and the exports, and the words that assign them are reviewed by people
who read notices, not regexes. This module is the only reader of the file: it checks every
metric and rule and reports a malformed one as ``metrics.toml:LINE: …`` (in Chinese and
English), so a bad edit names the offending metric or rule instead of failing later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from extract.lexicon import LexiconError, data_path, read_text, read_toml
from extract.quantities.units import load_units

FILE_NAME = "metrics.toml"
AGGREGATES = ("sum", "headline", "none")
_ID_RE = regex.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
_METRIC_KEYS = frozenset(
    {"id", "name_zh", "name_en", "family", "unit", "units", "aggregate", "description"}
    | {"description_zh", "exact", "rules"}
)
# Text fields a metric must fill in: the dashboard shows them (a blank one is an empty label).
_REQUIRED_TEXT = ("name_zh", "name_en", "description", "description_zh")
_RULE_KEYS = frozenset(
    {"name", "before", "after", "max_gap", "also", "exclude", "units", "priority", "bare"}
)
_WORD_LISTS = ("before", "after", "also", "exclude")


@dataclass(frozen=True, slots=True)
class Rule:
    """One keyword rule of a metric (see the header of ``metrics.toml`` for the semantics)."""

    name: str
    metric_id: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    also: tuple[str, ...]
    exclude: tuple[str, ...]
    units: frozenset[str]
    max_gap: int | None
    priority: int
    line: int
    bare: bool = False  # only when nothing follows the number in its clause


@dataclass(frozen=True, slots=True)
class Metric:
    """One canonical metric: names, family, units, aggregate, curated phrases and rules."""

    id: str
    name_zh: str
    name_en: str
    family: str
    unit: str
    units: tuple[str, ...]
    aggregate: str
    description: str
    description_zh: str  # what is counted, in Chinese: the Chinese dashboard's definition
    exact: tuple[str, ...]
    rules: tuple[Rule, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Refine:
    """A sentence-context rule: ``assigned`` becomes ``becomes`` after one of ``previous``."""

    name: str
    previous: frozenset[str]
    assigned: str
    becomes: str
    line: int
    part_of: bool = False  # only for a number under 其中


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The whole file: its version, the metrics in file order and the context rules."""

    version: str
    metrics: tuple[Metric, ...]
    path: Path
    part_of_words: tuple[str, ...] = ()
    refines: tuple[Refine, ...] = ()
    never_words: tuple[str, ...] = ()
    part_of_max_chars: int = 2
    list_item_max_chars: int = 0
    list_item_not: tuple[str, ...] = ()

    def by_id(self) -> dict[str, Metric]:
        """Metrics keyed by id."""
        return {m.id: m for m in self.metrics}

    def rules(self) -> list[Rule]:
        """Every rule of every metric, in file order."""
        return [r for m in self.metrics for r in m.rules]


class _Lines:
    """The file's lines, and where a ``key = "value"`` is first written in them.

    Why not a scan of every line per look-up: the 227 look-ups of the packaged file cost
    12 ms that way, 40 % of loading the taxonomy at every start-up; one ``str.find`` over the
    joined lines finds the same first line (a needle without line breaks lies within a line).
    """

    def __init__(self, text: str) -> None:
        self._joined = "\n".join(text.splitlines())

    def line_of(self, key: str, value: str, default: int = 1) -> int:
        """Line number (1-based) where ``key = "value"`` is written; the file's errors cite it."""
        needle = f'{key} = "{value}"'
        if needle.splitlines() != [needle]:  # a line break inside: no line can hold it
            return default
        pos = self._joined.find(needle)
        return default if pos < 0 else self._joined.count("\n", 0, pos) + 1


def _fail(where: str, zh: str, en: str) -> LexiconError:
    return LexiconError(f"{where}: {zh} / {en}")


def _words(raw: Any, where: str, field: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        raise _fail(where, f"{field} 必须是非空字符串列表", f"{field} must be a list of words")
    return tuple(raw)


def _parse_rule(
    raw: Any, metric: dict[str, Any], lines: _Lines, where_metric: str, name: str
) -> Rule:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise _fail(where_metric, "规则缺少 name", f"a rule of {metric['id']} has no name")
    rule_name = raw["name"]
    line = lines.line_of("name", rule_name)
    where = f"{name}:{line}: rule {rule_name}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(where, f"未知字段 {sorted(unknown)}", f"unknown keys {sorted(unknown)}")
    if not rule_name.startswith(metric["id"] + "."):
        raise _fail(where, "规则名须以指标 id 开头", f"rule name must start with {metric['id']}.")
    lists = {f: _words(raw.get(f), where, f) for f in _WORD_LISTS}
    if not lists["before"] and not lists["after"]:
        raise _fail(where, "规则没有触发词", "a rule needs before or after trigger words")
    units = frozenset(_words(raw.get("units"), where, "units"))
    if not units <= set(metric["units"]):
        extra = sorted(units - set(metric["units"]))
        raise _fail(where, f"单位 {extra} 不在指标单位中", f"units {extra} not in the metric's")
    max_gap = raw.get("max_gap")
    if max_gap is not None and (not isinstance(max_gap, int) or max_gap < 0):
        raise _fail(where, "max_gap 须为非负整数", "max_gap must be a non-negative integer")
    priority = raw.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise _fail(where, "priority 须为整数", "priority must be an integer")
    bare = raw.get("bare", False)
    if not isinstance(bare, bool):
        raise _fail(where, "bare 须为 true/false", "bare must be a boolean")
    triggers = set(lists["before"]) | set(lists["after"])
    clash = sorted(t for t in triggers if any(x in t for x in lists["exclude"]))
    if clash:
        raise _fail(
            where, f"触发词 {clash} 含有本规则的排除词", f"triggers {clash} contain an exclusion"
        )
    return Rule(
        name=rule_name,
        metric_id=metric["id"],
        before=lists["before"],
        after=lists["after"],
        also=lists["also"],
        exclude=lists["exclude"],
        units=units or frozenset(metric["units"]),
        max_gap=max_gap,
        priority=priority,
        line=line,
        bare=bare,
    )


def _parse_metric(raw: Any, lines: _Lines, name: str, index: int) -> Metric:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise _fail(f"{name}: metric #{index + 1}", "指标缺少 id", "a metric has no id")
    mid = raw["id"]
    line = lines.line_of("id", mid)
    where = f"{name}:{line}: metric {mid}"
    unknown = set(raw) - _METRIC_KEYS
    if unknown:
        raise _fail(where, f"未知字段 {sorted(unknown)}", f"unknown keys {sorted(unknown)}")
    missing = sorted(
        k for k in _METRIC_KEYS - {"exact", "rules"} if not isinstance(raw.get(k), str | list)
    )
    if missing:
        raise _fail(where, f"缺少字段 {missing}", f"missing keys {missing}")
    empty = [k for k in _REQUIRED_TEXT if not isinstance(raw[k], str) or not raw[k].strip()]
    if empty:
        raise _fail(where, f"字段 {empty} 须为非空文本", f"{empty} must be non-empty text")
    if not _ID_RE.fullmatch(mid):
        raise _fail(where, "id 须为 family.what 形式", "id must look like family.what")
    if raw["family"] != mid.split(".", 1)[0]:
        raise _fail(where, "family 须为 id 点号前部分", "family must be the part before the dot")
    if raw["aggregate"] not in AGGREGATES:
        raise _fail(
            where, f"aggregate 须为 {AGGREGATES} 之一", f"aggregate must be in {AGGREGATES}"
        )
    units = _words(raw["units"], where, "units")
    if not units or raw["unit"] not in units:
        raise _fail(where, "unit 须在 units 中", "the canonical unit must be one of units")
    known = {u.unit for u in load_units().values()}
    unknown_units = sorted(set(units) - known)
    if unknown_units:
        raise _fail(
            where, f"单位 {unknown_units} 不在单位词表中", f"units {unknown_units} not in units.tsv"
        )
    rules_raw = raw.get("rules", [])
    if not isinstance(rules_raw, list):
        raise _fail(where, "rules 须为列表", "rules must be a list")
    rules = tuple(_parse_rule(r, raw, lines, where, name) for r in rules_raw)
    exact = _words(raw.get("exact"), where, "exact")
    if not rules and not exact:
        raise _fail(where, "指标没有规则", "a metric needs rules or exact phrases")
    return Metric(
        id=mid,
        name_zh=raw["name_zh"],
        name_en=raw["name_en"],
        family=raw["family"],
        unit=raw["unit"],
        units=units,
        aggregate=raw["aggregate"],
        description=raw["description"],
        description_zh=raw["description_zh"],
        exact=exact,
        rules=rules,
        line=line,
    )


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check ``metrics.toml`` (or ``path``); a malformed file raises LexiconError."""
    path = path or data_path(FILE_NAME)
    name = path.name
    data = read_toml(path)  # syntax errors: metrics.toml:LINE: …
    lines = _Lines(read_text(path))
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise _fail(f"{name}:1", "缺少 version", "the taxonomy needs a version string")
    raw_metrics = data.get("metric")
    if not isinstance(raw_metrics, list) or not raw_metrics:
        raise _fail(name, "没有 [[metric]]", "no [[metric]] tables")
    metrics = tuple(_parse_metric(m, lines, name, i) for i, m in enumerate(raw_metrics))
    seen: dict[str, int] = {}
    for m in metrics:
        if m.id in seen:
            raise _fail(f"{name}:{m.line}", f"重复的指标 id {m.id}", f"duplicate metric id {m.id}")
        seen[m.id] = m.line
    rule_names: set[str] = set()
    phrases: dict[str, str] = {}
    for m in metrics:
        for r in m.rules:
            if r.name in rule_names:
                raise _fail(
                    f"{name}:{r.line}", f"重复的规则名 {r.name}", f"duplicate rule {r.name}"
                )
            rule_names.add(r.name)
        for p in m.exact:
            if phrases.setdefault(p, m.id) != m.id:
                raise _fail(
                    f"{name}:{m.line}: metric {m.id}",
                    f"短语 {p} 已属于 {phrases[p]}",
                    f"exact phrase {p} already belongs to {phrases[p]}",
                )
    context = data.get("context", {})
    part_of, refines = _parse_context(context, lines, name, set(seen))
    for refine in refines:
        if refine.name in rule_names:
            raise _fail(
                f"{name}:{refine.line}",
                f"重复的规则名 {refine.name}",
                f"duplicate rule {refine.name}",
            )
        rule_names.add(refine.name)
    limits = {}
    for key, default in (("part_of_max_chars", 2), ("list_item_max_chars", 0)):
        value = context.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(f"{name}: [context]", f"{key} 须为非负整数", f"{key} must be an integer")
        limits[key] = value
    return Taxonomy(
        version=version,
        metrics=metrics,
        path=path,
        part_of_words=part_of,
        refines=refines,
        never_words=_words(context.get("never_words"), f"{name}: [context]", "never_words")
        + _words(context.get("projection_words"), f"{name}: [context]", "projection_words"),
        list_item_not=_words(context.get("list_item_not"), f"{name}: [context]", "list_item_not"),
        **limits,
    )


def _parse_context(
    raw: Any, lines: _Lines, name: str, ids: set[str]
) -> tuple[tuple[str, ...], tuple[Refine, ...]]:
    """The ``[context]`` table: 其中-like words and the refine rules (ids must exist)."""
    if not isinstance(raw, dict):
        raise _fail(name, "[context] 须为表", "[context] must be a table")
    part_of = _words(raw.get("part_of_words"), f"{name}: [context]", "part_of_words")
    refines: list[Refine] = []
    for item in raw.get("refine", []):
        rname = item.get("name") if isinstance(item, dict) else None
        if not isinstance(rname, str) or not rname:
            raise _fail(f"{name}: [context]", "refine 缺少 name", "a refine rule has no name")
        line = lines.line_of("name", rname)
        where = f"{name}:{line}: rule {rname}"
        previous = _words(item.get("previous"), where, "previous")
        for mid in (*previous, item.get("assigned"), item.get("becomes")):
            if mid not in ids:
                raise _fail(where, f"未知指标 id {mid}", f"unknown metric id {mid}")
        part = item.get("part_of", False)
        if not isinstance(part, bool):
            raise _fail(where, "part_of 须为 true/false", "part_of must be a boolean")
        refines.append(
            Refine(rname, frozenset(previous), item["assigned"], item["becomes"], line, part)
        )
    return part_of, tuple(refines)


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The packaged taxonomy, loaded once per process."""
    return load_taxonomy()


def metrics() -> tuple[Metric, ...]:
    """Every metric of the packaged taxonomy, in file order."""
    return taxonomy().metrics


def metric_rows() -> list[dict[str, str]]:
    """One dict per metric, as the store's ``metrics`` table holds them (units comma-joined)."""
    return [
        {
            "id": m.id,
            "name_zh": m.name_zh,
            "name_en": m.name_en,
            "family": m.family,
            "unit": m.unit,
            "units": ",".join(m.units),
            "aggregate": m.aggregate,
            "description": m.description,
            "description_zh": m.description_zh,
        }
        for m in metrics()
    ]


def __getattr__(name: str) -> str:
    """``TAXONOMY_VERSION`` is read lazily, so importing this module never reads the file."""
    if name == "TAXONOMY_VERSION":
        return taxonomy().version
    raise AttributeError(name)
