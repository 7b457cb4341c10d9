"""The unit lexicon (``extract/data/units.tsv``): surface unit → kind, canonical unit, factor.

Kept as a data file so that a new measure word is a one-line change, and checked by
``tests/test_quantities_units.py`` (known kinds, positive factors, no duplicate surface). The
files are read through :mod:`extract.lexicon`, so a bad row is reported as ``units.tsv:12: …``
with the reason in Chinese and English; the checks of meaning (kinds, factors, flags) raise the
same error at the row's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from extract.lexicon import LexiconError, TsvRow, data_path, read_tsv
from extract.model import KINDS

__all__ = [
    "KNOWN_FLAGS",
    "NOUN_FLAGS",
    "LexiconError",
    "Unit",
    "data_path",
    "load_char_map",
    "load_implied_contexts",
    "load_implied_units",
    "load_units",
    "parse_units",
]

KNOWN_FLAGS = frozenset(
    {"arabic", "cn_small", "no_cjk_after", "phase", "no_year", "approx", "no_quote_after"}
)
# Flags that carry a list of nouns: ``only_before=意见|建议`` (the measure word counts only right
# before one of them: 5点意见, never 8点) and ``also_before=问题|事项`` (exceptions to
# ``no_cjk_after``: 9类问题 counts, 3类村 names a set).
NOUN_FLAGS = frozenset({"only_before", "also_before"})

UNIT_COLUMNS = ("surface", "kind", "unit", "factor", "flags", "not_before")
IMPLIED_COLUMNS = ("noun", "unit")
CHAR_MAP_COLUMNS = ("from", "to")


@dataclass(frozen=True, slots=True)
class Unit:
    """One lexicon row.

    ``not_before`` holds the characters that, right after the unit, turn it into the start of
    a word (方面, 成立, 五个一, 3周年): the rule ``unit_starts_word`` rejects the reading then.
    """

    surface: str
    kind: str
    unit: str
    factor: Decimal
    flags: frozenset[str]
    only_before: tuple[str, ...] = ()
    also_before: tuple[str, ...] = ()
    not_before: frozenset[str] = frozenset()


def _unit_row(path: Path, row: TsvRow) -> Unit:
    """One checked :class:`Unit` from a row of ``units.tsv``."""
    kind, factor_text, flags_text = row["kind"], row["factor"], row["flags"]
    if kind not in KINDS or kind == "date":
        raise LexiconError.at(path, row.line, f"未知类别 / unknown kind {kind!r}")
    try:
        factor = Decimal(factor_text)
    except InvalidOperation:
        raise LexiconError.at(
            path, row.line, f"系数不是数字 / factor {factor_text!r} is not a number"
        ) from None
    if not factor.is_finite() or factor <= 0:
        raise LexiconError.at(path, row.line, f"系数须为正数 / factor {factor_text!r} must be > 0")
    words = [] if flags_text in ("", "-") else flags_text.split(",")
    nouns: dict[str, tuple[str, ...]] = {}
    plain: set[str] = set()
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            plain.add(word)
            continue
        listed = tuple(sorted({n for n in value.split("|") if n}, key=len, reverse=True))
        if key not in NOUN_FLAGS or not listed:
            raise LexiconError.at(
                path, row.line, f"标记有误 / bad flag {word!r} (want only_before=A|B)"
            )
        nouns[key] = listed
    if plain - KNOWN_FLAGS:
        raise LexiconError.at(
            path, row.line, f"未知标记 / unknown flags {sorted(plain - KNOWN_FLAGS)}"
        )
    not_before_text = row["not_before"]
    not_before = frozenset() if not_before_text in ("", "-") else frozenset(not_before_text)
    return Unit(
        row["surface"],
        kind,
        row["unit"],
        factor,
        frozenset(plain | set(nouns)),
        nouns.get("only_before", ()),
        nouns.get("also_before", ()),
        not_before,
    )


def parse_units(path: Path | None = None) -> list[Unit]:
    """Parse the lexicon strictly (used by the loader and by the integrity test)."""
    path = path or data_path("units.tsv")
    return [_unit_row(path, row) for row in read_tsv(path, UNIT_COLUMNS, optional=("note",))]


@lru_cache(maxsize=1)
def load_units() -> dict[str, Unit]:
    """Surface → Unit, for the extractor (first occurrence wins; the test forbids repeats)."""
    table: dict[str, Unit] = {}
    for unit in parse_units():
        table.setdefault(unit.surface, unit)
    return table


def _implied_rows() -> list[TsvRow]:
    return read_tsv(data_path("implied_units.tsv"), IMPLIED_COLUMNS, optional=("after",))


@lru_cache(maxsize=1)
def load_implied_units() -> dict[str, str]:
    """Noun → implied measure word (``大学生`` → ``名``) from ``implied_units.tsv``."""
    return {row["noun"]: row["unit"] for row in _implied_rows()}


@lru_cache(maxsize=1)
def load_implied_contexts() -> dict[str, tuple[str, ...]]:
    """Noun → words one of which must end right before the numeral (third column, optional).

    Why: ``级`` and ``地`` are nouns only after the places they count (``省市两级``,
    ``京津两地``); elsewhere ``三级`` is a grade or a civil-service rank.
    """
    out: dict[str, tuple[str, ...]] = {}
    for row in _implied_rows():
        after = row["after"]
        if after in ("", "-"):
            continue
        words = tuple(w for w in after.split("|") if w)
        if not words:
            raise LexiconError.at(
                data_path("implied_units.tsv"), row.line, "上下文为空 / empty context list"
            )
        out[row["noun"]] = words
    return out


def parse_char_map(path: Path | None = None) -> dict[int, str]:
    """Parse ``quantity_char_map.tsv`` strictly: one character to one character, no repeats."""
    path = path or data_path("quantity_char_map.tsv")
    table: dict[int, str] = {}
    for row in read_tsv(path, CHAR_MAP_COLUMNS):
        src, dst = row["from"], row["to"]
        if len(src) != 1 or len(dst) != 1:
            raise LexiconError.at(path, row.line, "须一字对一字 / mappings must be 1 char → 1 char")
        if ord(src) in table:
            raise LexiconError.at(path, row.line, f"重复的字 / {src!r} is mapped twice")
        table[ord(src)] = dst
    return table


@lru_cache(maxsize=1)
def load_char_map() -> dict[int, str]:
    """Extra 1:1 pairs (拾 → 十, 圓 → 元) the extractor folds on top of OpenCC (extract.text)."""
    return parse_char_map()
