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
* one trie regex of every before-trigger and one of every after-trigger (stdlib ``re``) find
  the words; the rules are indexed by unit, so a word of 次 rules is dropped with one dict
  lookup when the unit is 元, and a unit no metric accepts costs a dict lookup; exclusions and
  ``also`` words are checked on the winner candidates;
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
# starts with. The same holds for one unit's triggers: those standing at a position are the
# ones the longest trigger of *any* unit there starts with, so one regex over every unit's
# words finds the same hits as a regex per unit, only the scan is slower (the unit's words
# scan twice as fast). Compiling all 58 per-unit regexes cost 25-35 ms of a fresh process's
# first notice (the shared pair: 3-6 ms); so a unit scans with the shared regex until it has
# been assigned ``_OWN_REGEX_AFTER`` times, then compiles its own: a one-notice ingest never
# compiles one, a batch compiles each busy unit within its first few notices.
_Hit = tuple[int, str, tuple[Rule, ...]]
_OWN_REGEX_AFTER = 200


@dataclass(slots=True)
class _UnitIndex:
    """The triggers of the rules that accept one unit (so 元 never takes a 次 word).

    ``before_at``/``after_at`` answer, for a matched word, the triggers of this unit it starts
    with, in the order of the unit's rules; they are filled on first use. ``before_re`` and
    ``after_re`` are the unit's own regexes once compiled (:meth:`use`).
    """

    before: dict[str, list[Rule]]  # trigger -> its rules, in rule order
    after: dict[str, list[Rule]]
    before_order: dict[str, int]  # trigger -> its place in ``before``
    after_order: dict[str, int]
    before_at: dict[str, tuple[_Hit, ...]] = field(default_factory=dict)
    after_at: dict[str, tuple[_Hit, ...]] = field(default_factory=dict)
    uses: int = 0
    own: bool = False  # the unit's own regexes are compiled
    before_re: re.Pattern[str] | None = None
    after_re: re.Pattern[str] | None = None

    def use(self, own_after: int) -> None:
        """Count one assignment; compile the unit's own regexes after ``own_after`` of them."""
        self.uses += 1
        if self.uses > own_after:
            self.before_re, self.after_re = _alt(self.before), _alt(self.after)
            self.own = True

    def before_hits(self, word: str) -> tuple[_Hit, ...]:
        """The unit's triggers ``word`` starts with; the offset counts from ``word``'s end."""
        hits = self.before_at.get(word)
        if hits is None:
            hits = self.before_at[word] = _hits(self.before, self.before_order, word, True)
        return hits

    def after_hits(self, word: str) -> tuple[_Hit, ...]:
        """The unit's triggers ``word`` starts with (offset 0: they start where it does)."""
        hits = self.after_at.get(word)
        if hits is None:
            hits = self.after_at[word] = _hits(self.after, self.after_order, word, False)
        return hits


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The taxonomy turned into lookup structures."""

    before_re: re.Pattern[str] | None  # every unit's before-triggers (the shared regex)
    after_re: re.Pattern[str] | None
    by_unit: dict[str, _UnitIndex]
    exact: dict[str, tuple[str, frozenset[str]]]  # phrase -> (metric id, units)
    part_of: tuple[str, ...]
    part_of_max: int
    list_item_max: int
    never: re.Pattern[str] | None
    list_item_not: tuple[str, ...]
    refine: dict[str, list[tuple[frozenset[str], str, str, bool]]]  # assigned -> refinements


def _hits(
    words: dict[str, list[Rule]], order: dict[str, int], word: str, from_end: bool
) -> tuple[_Hit, ...]:
    """The triggers of ``words`` that ``word`` starts with, in the order of ``words``.

    Its prefixes are looked up (``order`` gives each trigger's place in ``words``): a scan of
    every trigger per new word cost 3-4 ms of a process's second notice.
    """
    found = [word[:k] for k in range(1, len(word) + 1) if word[:k] in words]
    if len(found) > 1:
        found.sort(key=order.__getitem__)
    return tuple(
        (len(word) - len(inner) if from_end else 0, inner, tuple(words[inner])) for inner in found
    )


def _alt(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted(set(words), key=len, reverse=True)
    if not unique:
        return None
    return re.compile(trie_pattern(unique))


def _unit_index(rules: list[Rule]) -> _UnitIndex:
    before: dict[str, list[Rule]] = {}
    after: dict[str, list[Rule]] = {}
    for r in rules:
        for w in r.before:
            before.setdefault(w, []).append(r)
        for w in r.after:
            after.setdefault(w, []).append(r)
    return _UnitIndex(
        before,
        after,
        {w: i for i, w in enumerate(before)},
        {w: i for i, w in enumerate(after)},
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
    by_unit = {u: _unit_index(rs) for u, rs in per_unit.items()}
    return _Compiled(
        before_re=_alt(w for index in by_unit.values() for w in index.before),
        after_re=_alt(w for index in by_unit.values() for w in index.after),
        by_unit=by_unit,
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

    def __init__(
        self, tax: Taxonomy | None = None, *, own_regex_after: int = _OWN_REGEX_AFTER
    ) -> None:
        self.taxonomy = tax or taxonomy()
        self._c = _compile(self.taxonomy)
        self._own_after = own_regex_after  # see _OWN_REGEX_AFTER (tests pin either scan)

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
        if not index.own:
            index.use(self._own_after)
        before_re, after_re = (
            (index.before_re, index.after_re) if index.own else (c.before_re, c.after_re)
        )
        # The first word of this unit on each side (with the shared regex, a word of other
        # units only is passed over).
        first_before = first_after = None
        if before and index.before and before_re is not None:
            search = before_re.search
            first_before = search(before)
            while first_before is not None and not index.before_hits(first_before.group()):
                first_before = search(before, first_before.start() + 1)
        if after and index.after and after_re is not None:
            search = after_re.search
            first_after = search(after)
            while first_after is not None and not index.after_hits(first_after.group()):
                first_after = search(after, first_after.start() + 1)
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
            search = before_re.search  # type: ignore[union-attr]
            m: re.Match[str] | None = first_before
            while m is not None:
                end_gap = nb - m.end()
                for tail, word, rules in index.before_hits(m.group()):
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
            search = after_re.search  # type: ignore[union-attr]
            m = first_after
            while m is not None:
                for offset, word, rules in index.after_hits(m.group()):
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
