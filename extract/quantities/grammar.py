"""The quantity grammar: one compiled pattern plus the word lists its rules consult, typed.

Built once per process from the data files (``units.tsv``, ``implied_units.tsv``,
``quantity_words.toml``). A missing list in ``quantity_words.toml`` is a ``LexiconError`` naming
the file and the key, raised when the grammar is built, not a ``KeyError`` in the middle of a
notice.

Why stdlib ``re`` and not ``regex``: the pattern uses nothing ``re`` lacks (fixed-width
look-behinds, named groups), and ``re`` scans it about twice as fast on the corpus, which is
most of what a notice costs before any rule runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from extract.lexicon import LexiconError, data_path
from extract.quantities.units import (
    Unit,
    load_implied_contexts,
    load_implied_units,
    load_units,
)
from extract.quantities.wordlists import quantity_words, trie_pattern
from extract.text import punctuation

__all__ = ["Grammar", "grammar"]

_NUM_AR = r"[0-9](?:[0-9]|,(?=[0-9]{3}(?![0-9])))*(?:\.[0-9]+)?"
_NUM_CN = (
    r"[零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾]"
    r"[零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]*"
)
_SCALE = r"(?:千(?![米克瓦])|百(?![分米]))?[万亿]{0,2}"
# A scale word standing for its own value (近千万元, 百余人): not inside a numeral, and not 千米
# (a unit) or 百分 (百分之, 百分点). Kept only with an approximation word (rules.bare_scale).
BARE_SCALE = "百千万亿"
_BARE = (
    r"(?<![0-9零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾百千万亿佰仟])"
    r"(?:千(?![米克瓦分])|百(?![分米])|[万亿])"
)
# Scraped text sometimes puts a space before the scale word too ("5000.5 万元").
_SCALE_SPACE = r"(?:[ \u3000](?=[万亿]))?"
_RSEP = punctuation.range_link()  # the one set of range connectors (extract/text)


@dataclass(frozen=True, slots=True)
class Grammar:
    """The compiled quantity pattern and every word list a rule reads (see ``rules.py``)."""

    pattern: re.Pattern[str]
    units: Mapping[str, Unit]
    implied_re: re.Pattern[str]
    implied: Mapping[str, str]
    implied_after: Mapping[str, tuple[str, ...]]
    prefix: tuple[tuple[str, str], ...]  # approximation words before the number, longest first
    prefix_last: frozenset[str]
    infix: Mapping[str, str]
    suffix: Mapping[str, str]
    recent_units: frozenset[str]
    guard: Mapping[str, frozenset[str]]
    name_prefixes: tuple[str, ...]
    grade_suffixes: frozenset[str]
    one_ok: tuple[str, ...]
    programme_followers: tuple[str, ...]
    one_count_prefixes: tuple[str, ...]
    one_rhythm_markers: tuple[str, ...]
    name_count_units: frozenset[str]
    bare_prefix: Mapping[str, str]  # approximation words only a bare scale takes (上千人)
    bare_guard: Mapping[str, frozenset[str]]  # characters that make 上/数 end a word (线上)
    money_cn_followers: frozenset[str]
    rank_verbs: tuple[str, ...]
    rank_always: frozenset[str]
    rank_with_verb: frozenset[str]


def _section(words: dict[str, Any], name: str) -> dict[str, Any]:
    table = words.get(name)
    if not isinstance(table, dict):
        raise LexiconError.at(
            data_path("quantity_words.toml"), None, f"缺少表 / missing table [{name}]"
        )
    return table


def _entry(table: dict[str, Any], section: str, key: str, kind: type) -> Any:
    """``table[key]`` when it is a ``kind`` (list or dict); else a LexiconError naming it."""
    value = table.get(key)
    if not isinstance(value, kind):
        raise LexiconError.at(
            data_path("quantity_words.toml"),
            None,
            f"[{section}] 缺少或类型有误 / missing or not a {kind.__name__}: {key}",
        )
    return value


def _pattern(units: Mapping[str, Unit], infix: Mapping[str, str], suffix: Mapping[str, str]) -> str:
    unit_alt = trie_pattern(sorted(units, key=len, reverse=True))
    post_alt = trie_pattern(sorted(suffix, key=len, reverse=True))
    infix_alt = "|".join(re.escape(w) for w in infix)
    return rf"""
        # prefilter: a numeral (or 百分之 / 半) starts here
        (?=[0-9零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾百千万亿半])
        (?:
        (?P<halfq>
            (?P<hn>{_NUM_CN}|{_NUM_AR})个半(?P<hmonth>月|小时)
          | (?P<hn2>{_NUM_CN}|{_NUM_AR})(?P<hunit>年|小时|天)半
          | (?<![上下前后多大])半(?P<hu>个月|个小时|个季度|年|天|小时|月)
        )
      | (?P<pct>百分之)?
        (?P<n1>{_NUM_AR}|{_NUM_CN}|(?<=百分之)百(?![分千万亿])|{_BARE})  # 百分之百; 近千万元
        (?P<ax1>{infix_alt})?
        {_SCALE_SPACE}(?P<s1>{_SCALE})
        (?:(?P<rsep>{_RSEP})(?P<n2>{_NUM_AR}|{_NUM_CN})(?P<ax2>{infix_alt})?(?P<s2>{_SCALE}))?
        (?P<ax3>{infix_alt})?
        (?:[ \u3000]?(?P<unit>{unit_alt}))?       # scraped text sometimes has "13 件"
        (?P<post>{post_alt})?
        )
    """


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """Compile the quantity grammar from the lexicons (once per process)."""
    words = quantity_words()
    approx = _section(words, "approx")
    exclude = _section(words, "exclude")
    rank = _section(words, "rank")
    units = load_units()
    prefix: dict[str, str] = _entry(approx, "approx", "prefix", dict)
    infix: dict[str, str] = _entry(approx, "approx", "infix", dict)
    suffix: dict[str, str] = _entry(approx, "approx", "suffix", dict)
    implied = load_implied_units()

    def listed(section: dict[str, Any], name: str, key: str) -> list[str]:
        return list(_entry(section, name, key, list))

    return Grammar(
        pattern=re.compile(_pattern(units, infix, suffix), re.VERBOSE),
        units=MappingProxyType(units),
        implied_re=re.compile(trie_pattern(sorted(implied, key=len, reverse=True))),
        implied=MappingProxyType(implied),
        implied_after=MappingProxyType(load_implied_contexts()),
        prefix=tuple(sorted(prefix.items(), key=lambda kv: len(kv[0]), reverse=True)),
        prefix_last=frozenset(w[-1] for w in prefix),
        infix=MappingProxyType(infix),
        suffix=MappingProxyType(suffix),
        recent_units=frozenset(listed(approx, "approx", "recent_units")),
        guard=MappingProxyType({w: frozenset(c) for w, c in approx.get("guard", {}).items()}),
        name_prefixes=tuple(listed(exclude, "exclude", "name_prefixes")),
        grade_suffixes=frozenset(listed(exclude, "exclude", "grade_suffixes")),
        one_ok=tuple(listed(exclude, "exclude", "one_ok_followers")),
        programme_followers=tuple(listed(exclude, "exclude", "programme_followers")),
        one_count_prefixes=tuple(listed(exclude, "exclude", "one_count_prefixes")),
        one_rhythm_markers=tuple(listed(exclude, "exclude", "one_rhythm_markers")),
        name_count_units=frozenset(listed(exclude, "exclude", "name_prefix_count_units")),
        bare_prefix=MappingProxyType(dict(_entry(approx, "approx", "bare_prefix", dict))),
        bare_guard=MappingProxyType(
            {w: frozenset(c) for w, c in _entry(approx, "approx", "bare_guard", dict).items()}
        ),
        money_cn_followers=frozenset(listed(exclude, "exclude", "money_cn_followers")),
        rank_verbs=tuple(sorted(listed(rank, "rank", "verbs"), key=len, reverse=True)),
        rank_always=frozenset(listed(rank, "rank", "units_always")),
        rank_with_verb=frozenset(listed(rank, "rank", "units_with_verb")),
    )
