"""Assign a canonical metric id (``METRICS.md``) to a quantity, or None.

Why: the raw metric phrase is worded five to nine ways across notices, so grouping on it
compares almost nothing. The id says *what was counted*. Resolution order (ENGINEERING_NOTES
§6): a curated exact phrase, then keyword rules from ``metrics.toml``, then None. Precision
comes first: when no rule fits the id is None, never a guess.

How, cheaply (the assignment runs for every quantity of every notice; about 5 % of the
extraction time):

* only the quantity's clause is read: the text before the number back to a clause boundary
  (，。；：！？, at most ``_BEFORE_MAX`` characters; 、 does not end it, so a verb shared by an
  enumeration still counts) and the counted noun after it, up to a boundary, 、 or the next
  Arabic numeral. A trigger before an earlier figure of the clause only counts when nothing
  after that figure fires (it belongs to that figure first);
* the rules are indexed by unit: per unit one trie regex of before-triggers and one of
  after-triggers (stdlib ``re``), so 元 never scans 次 words and a unit no metric accepts
  costs a dict lookup; exclusions and ``also`` words are checked on the winner candidates;
* the winner is the highest priority, then the trigger nearest the number, then a trigger
  after the number (the counted noun: ``5个巡察组``), then the longest trigger.

The sentence may refine an id (``[context]`` in ``metrics.toml``) but is never needed: a number
right under 其中, or a bare enumeration item (``一般源15家``), with no trigger of its own takes
the id of the earlier figure of the sentence in the same unit; refine rules turn one id into
another after a given one (已完成48项 after 整改措施60项 counts measures); a clause stating a
frequency or a projection (每月…, 预计…) gets no id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from extract.quantities.taxonomy import Rule, Taxonomy, taxonomy
from extract.quantities.wordlists import trie_pattern
from extract.text import punctuation

__all__ = ["MetricAssigner", "assign_metric_ids", "assigner"]

# Kinds that can carry an id (percent only as a stated completion rate, through its units).
ID_KINDS = frozenset({"count", "money", "area", "length", "volume", "mass", "percent"})
_BEFORE_MAX = 32
_AFTER_MAX = 24
_HARD = punctuation.CLAUSE_BREAKS + "\n\r"  # a clause ends the phrase read around a number
# Before the number: back to a hard boundary (reverse match anchored at the number).
_BEFORE_RE = regex.compile(
    "[^" + regex.escape(_HARD) + "]{0," + str(_BEFORE_MAX) + "}", regex.REVERSE
)
# After the number: the counted noun, up to a boundary, 、 or the next Arabic numeral.
_AFTER_RE = regex.compile("[^0-9、" + regex.escape(_HARD) + "]{0," + str(_AFTER_MAX) + "}")
_LAST_DIGIT = re.compile(r"[0-9](?=[^0-9]*\Z)")
# Numerals, scale and measure words removed when judging how much stands under 其中.
_PART_NOISE = re.compile(
    r"[0-9.零〇一二三四五六七八九十百千万亿两]+(?:亿元|万元|元|个|家|项|人|名|件|后)?"
    r"|以上|以下|左右|[“”\"‘’]"
)
_SENTENCE_END = re.compile(punctuation.char_class(punctuation.SENTENCE_ENDS + "\n"))
_LIST_SEP = "、，,"


# A trigger hit: (characters from the end of the matched word to the end of this trigger,
# the trigger, the rules that own it). The scan (stdlib ``re``, four times faster here than
# ``regex``) restarts one character after each match, so it reports the longest trigger at
# every position (已完成 does not hide 完成投资); a match also yields the shorter triggers it
# starts with.
_Hit = tuple[int, str, tuple[Rule, ...]]


@dataclass(frozen=True, slots=True)
class _UnitIndex:
    """The triggers of the rules that accept one unit (so 元 never scans 次 words)."""

    before_re: re.Pattern[str] | None
    after_re: re.Pattern[str] | None
    before_hits: dict[str, tuple[_Hit, ...]]  # matched word -> itself and the triggers it
    after_hits: dict[str, tuple[_Hit, ...]]  # starts with (after: offset from its start)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The taxonomy turned into lookup structures."""

    by_unit: dict[str, _UnitIndex]
    exact: dict[str, tuple[str, frozenset[str]]]  # phrase -> (metric id, units)
    part_of: tuple[str, ...]
    part_of_max: int
    list_item_max: int
    never: re.Pattern[str] | None
    list_item_not: tuple[str, ...]
    refine: dict[str, list[tuple[frozenset[str], str, str, bool]]]  # assigned -> refinements


def _nested(words: dict[str, list[Rule]], *, from_end: bool) -> dict[str, tuple[_Hit, ...]]:
    """For each trigger, itself and every trigger it starts with, with its offset in the word."""
    out: dict[str, tuple[_Hit, ...]] = {}
    for w in words:
        hits: list[_Hit] = []
        for inner, rules in words.items():
            if w.startswith(inner):
                offset = len(w) - len(inner) if from_end else 0
                hits.append((offset, inner, tuple(rules)))
        out[w] = tuple(hits)
    return out


def _alt(words: dict[str, list[Rule]]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(trie_pattern(sorted(words, key=len, reverse=True)))


def _unit_index(rules: list[Rule]) -> _UnitIndex:
    before: dict[str, list[Rule]] = {}
    after: dict[str, list[Rule]] = {}
    for r in rules:
        for w in r.before:
            before.setdefault(w, []).append(r)
        for w in r.after:
            after.setdefault(w, []).append(r)
    return _UnitIndex(
        before_re=_alt(before),
        after_re=_alt(after),
        before_hits=_nested(before, from_end=True),
        after_hits=_nested(after, from_end=False),
    )


def _compile(tax: Taxonomy) -> _Compiled:
    exact: dict[str, tuple[str, frozenset[str]]] = {}
    per_unit: dict[str, list[Rule]] = {}
    for m in tax.metrics:
        for phrase in m.exact:
            exact[phrase] = (m.id, frozenset(m.units))
        for u in m.units:
            per_unit.setdefault(u, [])
        for r in m.rules:
            for u in r.units:
                per_unit[u].append(r)

    refine: dict[str, list[tuple[frozenset[str], str, str, bool]]] = {}
    for rf in tax.refines:
        refine.setdefault(rf.assigned, []).append((rf.previous, rf.becomes, rf.name, rf.part_of))
    return _Compiled(
        by_unit={u: _unit_index(rs) for u, rs in per_unit.items()},
        exact=exact,
        part_of=tax.part_of_words,
        part_of_max=tax.part_of_max_chars,
        list_item_max=tax.list_item_max_chars,
        never=re.compile("|".join(map(re.escape, tax.never_words))) if tax.never_words else None,
        list_item_not=tax.list_item_not,
        refine=refine,
    )


class MetricAssigner:
    """Assigns ids with one taxonomy (the packaged one by default; tests may pass another)."""

    def __init__(self, tax: Taxonomy | None = None) -> None:
        self.taxonomy = tax or taxonomy()
        self._c = _compile(self.taxonomy)

    def clause(self, text: str, start: int, end: int) -> tuple[str, str]:
        """The clause text before and after the quantity ``text[start:end]``."""
        before = _BEFORE_RE.match(text, max(0, start - _BEFORE_MAX), start).group()  # type: ignore[union-attr]
        after = _AFTER_RE.match(text, end, min(len(text), end + _AFTER_MAX)).group()  # type: ignore[union-attr]
        return before, after

    def assign(
        self,
        text: str,
        start: int,
        end: int,
        kind: str,
        unit: str,
        phrase: str = "",
        floor: int | None = None,
    ) -> tuple[str | None, str | None]:
        """``(metric_id, rule_name)`` for one quantity, from its clause alone; (None, None).

        ``floor`` is where the previous non-date quantity ends, when the caller knows it: words
        before it belong to that figure first. Without it an earlier Arabic numeral is taken as
        that boundary (a date's digits then count too, which only costs a little recall).
        """
        c = self._c
        index = c.by_unit.get(unit)
        if index is None or kind not in ID_KINDS:
            return None, None
        before = _BEFORE_RE.match(text, max(0, start - _BEFORE_MAX), start).group()  # type: ignore[union-attr]
        after = _AFTER_RE.match(text, end, min(len(text), end + _AFTER_MAX)).group()  # type: ignore[union-attr]
        if c.never is not None and (c.never.search(before) or c.never.search(after)):
            return None, None
        if phrase:
            hit = c.exact.get(phrase)
            if hit is not None and unit in hit[1]:
                return hit[0], hit[0] + ".exact"
        first_before = index.before_re.search(before) if index.before_re and before else None
        first_after = index.after_re.search(after) if index.after_re and after else None
        if first_before is None and first_after is None:
            return None, None  # most quantities: no trigger at all in the clause
        best: tuple[int, int, int, int, int] | None = None
        best_rule: Rule | None = None
        nb = len(before)
        if floor is not None:
            cut = floor - (start - nb) - 1  # index in `before` of the figure's last character
            cut = cut if cut >= 0 else -1
        else:
            last = _LAST_DIGIT.search(before) if before else None
            cut = last.start() if last is not None else -1
        # Exclusions and `also` read the clause from the last earlier numeral on (words that
        # belong to another figure of the clause must not veto this one), the quantity's own
        # surface included (不足200亩: the approximation word is part of it).
        clean = before[cut + 1 :] + text[start:end] + "\x00" + after
        if first_before is not None:
            search = index.before_re.search  # type: ignore[union-attr]
            m: re.Match[str] | None = first_before
            while m is not None:
                end_gap = nb - m.end()
                for tail, word, rules in index.before_hits[m.group()]:
                    gap = end_gap + tail
                    own = nb - gap > cut  # the trigger ends after the last earlier numeral
                    for rule in rules:
                        if rule.max_gap is not None and gap > rule.max_gap:
                            continue
                        if rule.bare and after:
                            continue
                        key = (own, rule.priority, -gap, 0, len(word))
                        if (best is None or key > best) and _fits(
                            rule, clean if own else before + "\x00" + after
                        ):
                            best, best_rule = key, rule
                m = search(before, m.start() + 1)
        if first_after is not None:
            search = index.after_re.search  # type: ignore[union-attr]
            m = first_after
            while m is not None:
                for offset, word, rules in index.after_hits[m.group()]:
                    gap = m.start() + offset
                    for rule in rules:
                        if rule.max_gap is not None and gap > rule.max_gap:
                            continue
                        key = (True, rule.priority, -gap, 1, len(word))
                        if (best is None or key > best) and _fits(rule, clean):
                            best, best_rule = key, rule
                m = search(after, m.start() + 1)
        if best_rule is None:
            return None, None
        return best_rule.metric_id, best_rule.name

    def assign_all(
        self, text: str, rows: Sequence[tuple[int, int, str, str, str]]
    ) -> list[tuple[str | None, str | None]]:
        """Ids for the quantities ``(start, end, kind, unit, phrase)`` of ``text``, in order.

        Each id comes from the quantity's own clause; the sentence then refines it (the
        ``[context]`` table of ``metrics.toml``): a part under 其中 or a bare enumeration item
        takes the id of the earlier figure with its unit, and the refine rules apply.
        """
        c = self._c
        out: list[tuple[str | None, str | None]] = []
        # Figures with an id earlier in the current sentence: unit -> id, and the last id.
        by_unit: dict[str, str] = {}
        last_id: str | None = None
        prev_end = 0
        figure_end = 0  # end of the previous non-date quantity
        for start, end, kind, unit, phrase in rows:
            if by_unit and _SENTENCE_END.search(text, prev_end, start):
                by_unit, last_id = {}, None
            prev_end = end
            if kind == "date":
                out.append((None, None))
                continue
            mid, rule = self.assign(text, start, end, kind, unit, phrase, figure_end)
            figure_end = end
            if by_unit and (mid is None or mid in c.refine):
                before, after = self.clause(text, start, end)
                under = any(w in before for w in c.part_of)
                if mid is None and unit in by_unit:
                    if under and self._under_part_of(before):
                        mid, rule = by_unit[unit], "context.part_of"
                    elif self._list_item(before, after):
                        mid, rule = by_unit[unit], "context.list_item"
                for previous, becomes, name, part_only in c.refine.get(mid or "", ()):
                    if last_id in previous and (under or not part_only):
                        mid, rule = becomes, name
                        break
            if mid is not None:
                by_unit[unit] = mid
                last_id = mid
            out.append((mid, rule))
        return out

    def _under_part_of(self, before: str) -> bool:
        """The number stands right under 其中 (only numerals and units in between)."""
        c = self._c
        for w in c.part_of:
            i = before.rfind(w)
            if i >= 0:
                rest = _PART_NOISE.sub("", before[i + len(w) :])
                return len(rest) <= c.part_of_max
        return False

    def _list_item(self, before: str, after: str) -> bool:
        """A bare enumeration item: ``、一般源15家`` (a short noun after 、/，, nothing after)."""
        limit = self._c.list_item_max
        if not limit or after.strip():
            return False
        i = max(before.rfind(ch) for ch in _LIST_SEP)
        item = before[i + 1 :]
        if any(w in item for w in self._c.list_item_not):
            return False
        return 0 < len(item) <= limit and not any(ch.isdigit() for ch in item)


def _fits(rule: Rule, clause: str) -> bool:
    """No exclusion word in the clause, and one of the ``also`` words when there are any."""
    if rule.exclude and any(x in clause for x in rule.exclude):
        return False
    return not rule.also or any(w in clause for w in rule.also)


@lru_cache(maxsize=1)
def assigner() -> MetricAssigner:
    """The assigner for the packaged taxonomy (compiled once per process)."""
    return MetricAssigner()


def assign_metric_ids(
    text: str, rows: Sequence[tuple[int, int, str, str, str]]
) -> list[tuple[str | None, str | None]]:
    """Module-level shortcut for :meth:`MetricAssigner.assign_all` with the packaged taxonomy."""
    return assigner().assign_all(text, rows)
