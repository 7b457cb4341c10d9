"""The unit lexicon (``extract/data/units.tsv``): surface unit → kind, canonical unit, factor.

Kept as a data file so that a new measure word is a one-line change, and checked by
``tests/test_quantities_units.py`` (known kinds, positive factors, no duplicate surface).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path

from extract.model import KINDS

KNOWN_FLAGS = frozenset(
    {"arabic", "cn_small", "no_cjk_after", "phase", "no_year", "approx", "no_quote_after"}
)
# Flags that carry a list of nouns: ``only_before=意见|建议`` (the measure word counts only right
# before one of them: 5点意见, never 8点) and ``also_before=问题|事项`` (exceptions to
# ``no_cjk_after``: 9类问题 counts, 3类村 names a set).
NOUN_FLAGS = frozenset({"only_before", "also_before"})


class LexiconError(ValueError):
    """A data file under ``extract/data`` is malformed (reported with file and line)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One lexicon row."""

    surface: str
    kind: str
    unit: str
    factor: Decimal
    flags: frozenset[str]
    only_before: tuple[str, ...] = ()
    also_before: tuple[str, ...] = ()


def data_path(name: str) -> Path:
    """Path of a file in ``extract/data`` (works from a checkout and an installed wheel)."""
    return Path(str(resources.files("extract") / "data" / name))


def read_rows(name: str, columns: int) -> list[tuple[int, list[str]]]:
    """Read a tab-separated data file: skip comments/blank lines and the header row."""
    rows: list[tuple[int, list[str]]] = []
    text = data_path(name).read_text(encoding="utf-8")
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            continue
        if len(cells) < columns:
            raise LexiconError(f"{name}:{lineno}: expected {columns} tab-separated columns")
        rows.append((lineno, [c.strip() for c in cells]))
    return rows


def parse_units(name: str = "units.tsv") -> list[Unit]:
    """Parse the lexicon strictly (used by the loader and by the integrity test)."""
    units: list[Unit] = []
    for lineno, cells in read_rows(name, 5):
        surface, kind, unit, factor_text, flags_text = cells[:5]
        if kind not in KINDS or kind == "date":
            raise LexiconError(f"{name}:{lineno}: unknown kind {kind!r}")
        try:
            factor = Decimal(factor_text)
        except InvalidOperation as exc:
            raise LexiconError(f"{name}:{lineno}: factor {factor_text!r} is not a number") from exc
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
                raise LexiconError(f"{name}:{lineno}: bad flag {word!r} (want only_before=A|B)")
            nouns[key] = listed
        if plain - KNOWN_FLAGS:
            raise LexiconError(f"{name}:{lineno}: unknown flags {sorted(plain - KNOWN_FLAGS)}")
        flags = frozenset(plain | set(nouns))
        units.append(
            Unit(
                surface,
                kind,
                unit,
                factor,
                flags,
                nouns.get("only_before", ()),
                nouns.get("also_before", ()),
            )
        )
    return units


@lru_cache(maxsize=1)
def load_units() -> dict[str, Unit]:
    """Surface → Unit, for the extractor (first occurrence wins; the test forbids repeats)."""
    table: dict[str, Unit] = {}
    for unit in parse_units():
        table.setdefault(unit.surface, unit)
    return table


@lru_cache(maxsize=1)
def load_implied_units() -> dict[str, str]:
    """Noun → implied measure word (``大学生`` → ``名``) from ``implied_units.tsv``."""
    return {cells[0]: cells[1] for _, cells in read_rows("implied_units.tsv", 2)}


@lru_cache(maxsize=1)
def load_implied_contexts() -> dict[str, tuple[str, ...]]:
    """Noun → words one of which must end right before the numeral (third column, optional).

    Why: ``级`` and ``地`` are nouns only after the places they count (``省市两级``,
    ``京津两地``); elsewhere ``三级`` is a grade or a civil-service rank.
    """
    out: dict[str, tuple[str, ...]] = {}
    for lineno, cells in read_rows("implied_units.tsv", 2):
        if len(cells) > 2 and cells[2] not in ("", "-"):
            words = tuple(w for w in cells[2].split("|") if w)
            if not words:
                raise LexiconError(f"implied_units.tsv:{lineno}: empty context list")
            out[cells[0]] = words
    return out


@lru_cache(maxsize=1)
def load_char_map() -> dict[int, str]:
    """Extra 1:1 pairs (拾 → 十, 圓 → 元) the extractor folds on top of OpenCC (extract.text)."""
    table: dict[int, str] = {}
    for lineno, cells in read_rows("quantity_char_map.tsv", 2):
        src, dst = cells[0], cells[1]
        if len(src) != 1 or len(dst) != 1:
            raise LexiconError(f"quantity_char_map.tsv:{lineno}: mappings must be 1 char → 1 char")
        table[ord(src)] = dst
    return table
