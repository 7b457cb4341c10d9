"""The repetition thresholds and marker patterns, read once from ``extract/data/repetition.toml``.

They are data so that tuning a threshold is a reviewed one-line change with a test row. A bad
file is reported as one line naming ``file:line`` and the reason (Chinese and English), never as a
traceback from deep inside the matcher; the file is read by :mod:`extract.lexicon`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex

from extract.lexicon import LexiconError, data_path, line_of, read_toml
from extract.text.punctuation import CLAUSE_BREAKS, char_class

__all__ = ["RepetitionConfig", "load_config"]

FILE_NAME = "repetition.toml"


@dataclass(frozen=True, slots=True)
class RepetitionConfig:
    """Every tunable of :mod:`extract.audit`; see the data file for why each value is what it is."""

    exact_min_chars: int
    near_min_chars: int
    near_ngram: int
    near_threshold: float
    posting_cap: int
    max_candidates: int
    block_min_units: int
    block_max_gap: int
    cross_ngram: int
    cross_min_chars: int
    permutations: int
    bands: int
    rows: int
    seed: str
    confirm_threshold: float
    marker: regex.Pattern[str]  # one or more list markers at a clause start
    boilerplate_cues: tuple[str, ...]
    measure_min_chars: int
    action_words: tuple[str, ...]
    boilerplate_min_issuers: int


class _Reader:
    """Typed access to the parsed TOML that reports a bad value as ``file:line: reason``."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data = path, data

    def fail(self, key: str, reason: str) -> LexiconError:
        where = f"{self.path.name}:{line_of(self.path, key) or 1}"
        return LexiconError(f"{where}: 重复文本配置有误 / bad repetition setting: {key}: {reason}")

    def get(self, table: str, key: str) -> Any:
        try:
            return self.data[table][key]
        except (KeyError, TypeError):
            raise self.fail(key, f"missing in [{table}] / 缺少此项") from None

    def int(self, table: str, key: str, low: int, high: int) -> int:
        value = self.get(table, key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(key, f"expected an integer in [{low}, {high}], got {value!r}")
        return value

    def ratio(self, table: str, key: str) -> float:
        value = self.get(table, key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
            raise self.fail(key, f"expected a number in (0, 1], got {value!r}")
        return float(value)

    def words(self, table: str, key: str) -> tuple[str, ...]:
        value = self.get(table, key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise self.fail(key, "expected a list of non-empty strings")
        return tuple(value)


def parse_config(path: Path) -> RepetitionConfig:
    """Read and check one repetition data file (raises :class:`LexiconError` on a bad one)."""
    data = read_toml(path)
    r = _Reader(path, data)
    patterns = r.words("markers", "patterns")
    for pattern in patterns:
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise r.fail("patterns", f"bad regular expression {pattern!r}: {exc}") from None
    # One or more markers ("三、(一)1.") at the start of the key or right after a clause break.
    marker = regex.compile(
        rf"(?:^|(?<={char_class(CLAUSE_BREAKS)}))\s*(?:(?:" + "|".join(patterns) + r")\s*)+"
    )
    permutations = r.int("cross", "permutations", 16, 1024)
    bands = r.int("cross", "bands", 1, permutations)
    rows = r.int("cross", "rows", 1, permutations)
    if bands * rows != permutations:
        raise r.fail("bands", f"bands x rows must equal permutations ({bands} x {rows})")
    seed = r.get("cross", "seed")
    if not isinstance(seed, str) or not seed:
        raise r.fail("seed", "expected a non-empty string")
    return RepetitionConfig(
        exact_min_chars=r.int("units", "exact_min_chars", 1, 10_000),
        near_min_chars=r.int("units", "near_min_chars", 1, 10_000),
        near_ngram=r.int("near", "ngram", 1, 16),
        near_threshold=r.ratio("near", "threshold"),
        posting_cap=r.int("near", "posting_cap", 1, 100_000),
        max_candidates=r.int("near", "max_candidates", 1, 100_000),
        block_min_units=r.int("block", "min_units", 2, 10_000),
        block_max_gap=r.int("block", "max_gap", 0, 100),
        cross_ngram=r.int("cross", "ngram", 1, 16),
        cross_min_chars=r.int("cross", "min_chars", 1, 10_000),
        permutations=permutations,
        bands=bands,
        rows=rows,
        seed=seed,
        confirm_threshold=r.ratio("cross", "confirm_threshold"),
        marker=marker,
        boilerplate_cues=r.words("label", "boilerplate_cues"),
        measure_min_chars=r.int("label", "measure_min_chars", 1, 10_000),
        action_words=r.words("label", "action_words"),
        boilerplate_min_issuers=r.int("label", "boilerplate_min_issuers", 2, 1_000_000),
    )


@lru_cache(maxsize=1)
def load_config() -> RepetitionConfig:
    """The packaged ``repetition.toml`` (cached: every notice of a run uses the same rules)."""
    return parse_config(data_path(FILE_NAME))
