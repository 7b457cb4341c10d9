"""``extract_quantities``: every quantity in a text, normalised as QUANTITY_SPEC.md says.

Design (for speed and for offsets that always point into the caller's text):

1. Fold the text (``extract.text.fold``: full-width ASCII → ASCII, traditional → simplified
   with OpenCC, the variants in ``quantity_char_map.tsv``) one code point to one code point,
   and take pinyin annotations (``個(gè)``) out of the copy. Offsets found in the copy are
   mapped back (the identity unless there were annotations), so ``text[start:end] == surface``.
2. One scan for masked spans (titles, codes, slogans, names — ``exclusions.py``).
3. One scan of the date grammar (``dates.py``); dates win over other readings.
4. One scan of the quantity grammar (``grammar.py``: a numeral, scale words, approximation
   words, an optional range and a unit from the lexicon). Each match becomes a
   :class:`~extract.quantities.candidates.Reading`; the named rejection rules of ``rules.py``
   run on it stage by stage (each a cheap local test on the few characters around the match),
   and only a match that survives them all has its value read (Decimal) and becomes a
   :class:`~extract.quantities.candidates.Candidate`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from extract.gcpause import gc_paused
from extract.model import Quantity
from extract.quantities import dates as dates_mod
from extract.quantities import rules as R
from extract.quantities.candidates import Candidate, Reading, merge_unit_ranges
from extract.quantities.exclusions import masked_spans, overlaps
from extract.quantities.grammar import BARE_SCALE, grammar
from extract.quantities.metric import metric_phrase
from extract.quantities.metric_id import assign_metric_ids
from extract.quantities.numbers import (
    SCALES,
    NumeralError,
    is_arabic,
    parse_number,
    parse_range,
)
from extract.quantities.sentences import sentence_index_at, sentence_starts, split_sentences
from extract.quantities.units import load_char_map
from extract.text import punctuation
from extract.text.fold import FoldProfile, MatchingView, fold, matching_view

__all__ = ["Rejection", "extract_quantities", "fold_text", "rejections"]

# A written year further than this from the notice's own dates is not lent to a yearless
# date: notices span a few years (inspection, feedback, as-of), plans and histories do not.
_YEAR_DRIFT = 3
_DATE_LINKS = frozenset(punctuation.RANGE_CONNECTORS)
_ONE = ("一", "壹")
_HALF_UNITS = {"个月": "个月", "月": "个月", "个小时": "小时", "个季度": "季度"}


class Rejection(NamedTuple):
    """A grammar match a rule dropped: the rule's name and the match's text in the copy."""

    rule: str
    surface: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _fold_profile() -> FoldProfile:
    """The extractor's fold: Chinese punctuation kept, plus ``quantity_char_map.tsv``'s pairs.

    A ``，`` must stay apart from the thousands separator ``,``; the char map holds only the
    numeral and currency variants that are not a script conversion (OpenCC does the script).
    """
    pairs = tuple(sorted((chr(code), dst) for code, dst in load_char_map().items()))
    return FoldProfile(punctuation=False, extra=pairs)


def fold_text(text: str) -> str:
    """The extractor's matching copy, exactly as long as ``text`` (annotations masked).

    >>> fold_text("１２萬個")
    '12万个'
    """
    return fold(text, _fold_profile())


def _float(value: Decimal) -> float:
    result = float(value)
    if not math.isfinite(result):
        raise NumeralError(str(value))
    return result


def _scale(scale: str | None) -> Decimal:
    factor = Decimal(1)
    for ch in scale or "":
        factor *= SCALES[ch]
    return factor


def _trailing_scale(token: str, scale: str | None) -> Decimal:
    """The scale a number ends with (``5万`` → 10 000), written apart or inside the numeral."""
    factor = _scale(scale)
    if not is_arabic(token):
        end = len(token)
        while end and token[end - 1] in "万亿":
            factor *= SCALES[token[end - 1]]
            end -= 1
    return factor


def _value(token: str, scale: str | None) -> Decimal | tuple[Decimal, Decimal]:
    """The numeral's value times its scale words; a pair for an adjacent-digit range (两三)."""
    if len(token) == 1 and token in BARE_SCALE:  # 百分之百, 近千万元: the scale word alone
        return SCALES[token] * _scale(scale)
    rng = None if is_arabic(token) else parse_range(token)
    factor = _scale(scale)
    if rng is not None:
        return rng[0] * factor, rng[1] * factor
    return parse_number(token) * factor


class _DateYears:
    """The year a date without one gets, from the dates before it (one notice, in order).

    A date linked to the one before (``6月21日至9月30日``, ``5日至8日``) shares its year (and a
    bare day its month); any other yearless date takes the nearest written year, unless that is
    far from the notice's own dates, else ``context_year``.
    """

    def __init__(self, context_year: int | None) -> None:
        self.context_year = context_year
        self.prev: dates_mod.DateHit | None = None
        self.prev_inferred = False
        self.last_written_year: int | None = None

    def place(
        self, hit: dates_mod.DateHit, folded: str, start: int
    ) -> tuple[str, str | None, bool]:
        """(value, value_high, year_inferred) of ``hit``; remembers it for the next date."""
        prev = self.prev
        linked = prev is not None and folded[prev.end : start].strip() in _DATE_LINKS
        value, high = hit.value, hit.value_high
        inferred = False
        if hit.year is None and linked and prev is not None and prev.year is not None:
            month = prev.month if hit.precision == "dayonly" else None
            value = dates_mod.with_year(value, prev.year, month) or value
            high = dates_mod.with_year(high, prev.year, month)
            inferred = self.prev_inferred
            hit.year = prev.year
        elif hit.year is None and linked and prev is not None and hit.precision == "dayonly":
            if prev.month is not None:
                value = value[:5] + f"{prev.month:02d}" + value[7:]
        elif hit.year is None and self.context_year is not None:
            year = self._lent_year(self.context_year)
            value = dates_mod.with_year(value, year) or value
            high = dates_mod.with_year(high, year)
            inferred = True
            hit.year = year
        elif hit.year is not None:
            self.last_written_year = hit.year
        if hit.precision == "dayonly" and linked and prev is not None and hit.month is None:
            hit.month = prev.month
        self.prev, self.prev_inferred = hit, inferred
        return value, high, inferred

    def _lent_year(self, context_year: int) -> int:
        """The nearest written year, unless it is far from the notice's own dates: a plan's
        horizon (二〇三五年远景目标) or a history (2008年以来) is no year for a 截至6月 in a
        notice signed in 2021."""
        last = self.last_written_year
        if last is not None and abs(last - context_year) <= _YEAR_DRIFT:
            return last
        return context_year


class _Extractor:
    """Holds the per-text state (folded text, masks, dates) for one call."""

    def __init__(
        self, text: str, context_year: int | None, trace: list[Rejection] | None = None
    ) -> None:
        self.text = text
        self.view: MatchingView = matching_view(text, _fold_profile())
        self.folded = self.view.text
        self.context_year = context_year
        self.g = grammar()
        self.mask_starts, self.mask_ends = masked_spans(self.folded)
        self.out: list[Candidate] = []
        self.trace = trace

    # -- dates -------------------------------------------------------------------------
    def scan_dates(self) -> list[tuple[int, int]]:
        """Every date, a yearless one given the nearest plausible year; returns their spans."""
        folded = self.folded
        spans: list[tuple[int, int]] = []
        years = _DateYears(self.context_year)
        mask_starts, mask_ends = self.mask_starts, self.mask_ends
        for m in dates_mod.DATE_RE.finditer(folded):
            s, e = m.span()
            if mask_starts and overlaps(mask_starts, mask_ends, s, e):
                continue
            hit = dates_mod.parse_date_match(m)
            if hit is None:
                continue
            if hit.precision == "dayonly" and s > 0 and folded[s - 1] in "第每":
                continue  # 第5日 / 每15日: an ordinal or a rhythm, no day of a month
            value, high, inferred = years.place(hit, folded, s)
            self.out.append(Candidate(s, e, "date", value, high, hit.unit, False, inferred))
            spans.append((s, e))
        return spans

    # -- other quantities ----------------------------------------------------------------
    def scan_quantities(self, date_spans: list[tuple[int, int]]) -> None:
        """Every grammar match outside dates and masked spans, read or rejected by the rules."""
        di = 0
        nd = len(date_spans)
        mask_starts, mask_ends = self.mask_starts, self.mask_ends
        shortcut = self.trace is None  # the shortcut skips the table: not when tracing
        for m in self.g.pattern.finditer(self.folded):
            s, e = m.span()
            while di < nd and date_spans[di][1] <= s:
                di += 1
            if di < nd and date_spans[di][0] < e:
                continue
            if mask_starts and overlaps(mask_starts, mask_ends, s, e):
                continue
            if shortcut and self._plainly_bare(m):
                continue
            try:
                if m.group("halfq"):
                    self._half(m)
                else:
                    self._quantity(m)
            except NumeralError:
                continue

    def _plainly_bare(self, m: re.Match[str]) -> bool:
        """A numeral with nothing after it that the rules would drop (bare_number, no_unit).

        Two matches in three are such (统一, 一是, 十分): found here without building a
        :class:`Reading`. A 第N (maybe a rank) and a number before a noun that implies a unit
        (139行政村) go the long way, so the result is the table's.
        """
        if m.group("unit", "pct", "post", "halfq") != (None, None, None, None):
            return False
        s, e = m.span()
        folded = self.folded
        if folded[s - 1 : s] == "第":
            return False
        n1 = m.group("n1")
        return (
            n1 in _ONE
            or m.group("rsep") is not None
            or self.g.implied_re.match(folded, e) is None
            or ("0" <= n1[0] <= "9" and R.YEARLIKE.fullmatch(n1) is not None)
        )

    def _half(self, m: re.Match[str]) -> None:
        s, e = m.span()
        if m.group("hn"):
            value = parse_number(m.group("hn")) + Decimal("0.5")
            unit = "个月" if m.group("hmonth") == "月" else "小时"
        elif m.group("hn2"):
            value = parse_number(m.group("hn2")) + Decimal("0.5")
            unit = m.group("hunit")
        else:
            value = Decimal("0.5")
            unit = _HALF_UNITS.get(m.group("hu"), m.group("hu"))
        self.out.append(Candidate(s, e, "duration", _float(value), None, unit))

    def _rejected(self, rules: tuple[R.Rule, ...], r: Reading) -> bool:
        """True when a rule of ``rules`` fires on ``r`` (recorded when tracing)."""
        g = self.g
        for rule in rules:
            if rule.test(g, r):
                if self.trace is not None:
                    s, e = r.start, r.end
                    self.trace.append(Rejection(rule.name, self.folded[s:e], s, e))
                return True
        return False

    def _read(self, m: re.Match[str]) -> Reading:
        """The match as a :class:`Reading` (start after 百分之 only when it is not a percent)."""
        folded = self.folded
        n1, pct, unit_text, post, rsep = m.group("n1", "pct", "unit", "post", "rsep")
        s = m.start() if pct is not None else m.start("n1")
        e = m.end()
        before = folded[s - 1] if s > 0 else ""
        after = folded[e] if e < len(folded) else ""
        arabic = "0" <= n1[0] <= "9"
        # Positional, in field order: this runs for every match the shortcut lets through.
        return Reading(
            m, folded, s, e, n1, arabic, before, after, unit_text, post, rsep, pct is not None
        )

    def _drop_post(self, r: Reading) -> None:
        """两年多 (more than two years) but 2个多年未发展 (two … for many years): a trailing
        多/余 approximates only a duration, and not when 年/月/天 follows it."""
        if r.post not in ("多", "余"):
            return
        unit = self.g.units[r.unit_text] if r.unit_text else None
        if unit is not None and unit.kind == "duration" and not (r.after and r.after in "年月天"):
            return
        m = r.match
        r.post = None
        r.end = m.end("unit") if r.unit_text else m.end("s1")
        r.after = self.folded[r.end] if r.end < len(self.folded) else ""

    def _resolve_unit(self, r: Reading) -> None:
        """Set the unit: the measure word matched, or the one a following noun implies."""
        g, folded, m = self.g, self.folded, r.match
        if r.unit_text:
            if m.group("post") is None and r.rsep is None:
                # A noun that starts with the measure word (两部门 vs 部) wins when it is longer.
                unit_start = m.start("unit")
                noun = g.implied_re.match(folded, unit_start)
                if noun is not None and noun.end() - unit_start > len(r.unit_text):
                    r.absorbed = True
                    r.noun_end = noun.end()
                    r.implied_unit = g.implied[noun.group()]
                    r.unit_text = None
                    r.end = unit_start
                    return
            r.unit = g.units[r.unit_text]
            return
        if r.pct:
            r.unit = g.units["%"]
            return
        # A number + noun without measure word (1650大学生, 139行政村, 两区四县).
        noun = g.implied_re.match(folded, r.end)
        if noun is None:
            return
        r.noun_end = noun.end()
        r.implied_unit = g.implied[noun.group()]
        context = g.implied_after.get(noun.group())
        if context is not None:
            r.context = context
            r.in_context = folded.endswith(context, 0, r.start)

    def _quantity(self, m: re.Match[str]) -> None:
        r = self._read(m)
        if self._rejected(R.NUMERAL_RULES, r):
            return
        if r.before == "第":
            self._rank(r)
            return
        self._drop_post(r)
        self._resolve_unit(r)
        # Stages skipped below are those none of whose rules can fire: every noun rule needs a
        # number without a measure word, every range rule a range or a percent.
        if r.unit_text is None and self._rejected(R.NOUN_RULES, r):
            return
        if r.unit is not None and self._rejected(R.unit_rules(r.unit), r):
            return
        if self._rejected(R.CONTEXT_RULES, r):
            return
        if (r.rsep is not None or r.pct) and self._rejected(R.RANGE_RULES, r):
            return
        self._read_values(r)
        if r.rsep is not None and self._rejected(R.VALUE_RULES, r):
            return
        self._emit(r)

    def _read_values(self, r: Reading) -> None:
        """``r.low``/``r.high`` (and ``r.second`` for a written range), before the unit factor."""
        m = r.match
        v1 = _value(r.n1, m.group("s1"))
        if isinstance(v1, tuple):
            r.low, r.high = v1
        else:
            r.low = v1
        if r.rsep is None:
            return
        n2, s2 = m.group("n2"), m.group("s2")
        v2 = _value(n2, s2)
        r.second = v2
        if isinstance(v2, tuple):
            return
        scale2 = _trailing_scale(n2, s2)
        if scale2 > 1 and _trailing_scale(r.n1, m.group("s1")) == 1:
            r.low = r.low * scale2  # 3-5万: the scale of the second end applies to both
        r.high = v2

    def _qualifier(self, r: Reading) -> tuple[int, str | None]:
        """(start, qualifier): an approximation word before (约), inside (余), after (以上)
        the number, or in the unit itself (个多月); the first found wins."""
        g = self.g
        p_start, p_qual = R.approx_prefix(g, self.folded, r.start, bare=R.takes_bare_prefix(r))
        if p_qual is not None:
            word = self.folded[p_start : r.start]
            if not (word == "近" and r.unit_text in g.recent_units):  # 近三年来: recent, exact
                return p_start, p_qual
        for grp in ("ax1", "ax2", "ax3"):
            infix = r.match.group(grp)
            if infix:
                return r.start, g.infix[infix]
        if r.post:
            return r.start, g.suffix[r.post]
        if r.unit is not None and "approx" in r.unit.flags:
            return r.start, "blur+"
        return r.start, None

    def _emit(self, r: Reading) -> None:
        """Kind, unit and factor: the candidate of a reading that no rule dropped."""
        start, qualifier = self._qualifier(r)
        unit = r.unit
        if unit is not None:
            factor, kind, unit_name = unit.factor, unit.kind, unit.unit
        else:
            factor, kind, unit_name = Decimal(1), "count", r.implied_unit or ""
        if r.pct:
            kind, unit_name = "percent", "%"
        value = _float(r.low * factor)
        high = _float(r.high * factor) if r.high is not None else None
        approx = qualifier is not None
        self.out.append(
            Candidate(
                start, r.end, kind, value, high, unit_name, approx, False, qualifier or "accurate"
            )
        )

    def _rank(self, r: Reading) -> None:
        """第N名 / 排名第N位: a rank (the rules say when a 第N is one)."""
        if self._rejected(R.RANK_RULES, r):
            return
        m = r.match
        value = _value(r.n1, m.group("s1"))
        assert not isinstance(value, tuple)  # rank_range_numeral rejected the pairs
        if r.unit_text is None:
            e = m.end("s1")
        elif m.group("post"):
            e = m.end("unit")
        else:
            e = m.end()
        unit = r.unit_text or "名"
        self.out.append(Candidate(r.start - 1, e, "rank", _float(value), None, unit))

    # -- assembly ------------------------------------------------------------------------
    def run(self) -> list[Quantity]:
        date_spans = self.scan_dates()
        self.scan_quantities(date_spans)
        self.out.sort(key=lambda c: (c.start, c.end))
        self.out = merge_unit_ranges(self.folded, self.out)
        starts = sentence_starts(split_sentences(self.text))
        result: list[Quantity] = []
        text, folded, view = self.text, self.folded, self.view
        phrases = [
            "" if c.kind == "date" else metric_phrase(folded, c.start, c.end) for c in self.out
        ]
        ids = assign_metric_ids(
            folded,
            [(c.start, c.end, c.kind, c.unit, p) for c, p in zip(self.out, phrases, strict=True)],
        )
        for c, metric, (metric_id, metric_rule) in zip(self.out, phrases, ids, strict=True):
            s, e = (c.start, c.end) if view.is_identity else view.source_span(c.start, c.end)
            result.append(
                Quantity(
                    surface=text[s:e],
                    start=s,
                    end=e,
                    kind=c.kind,
                    value=c.value,
                    value_high=c.value_high,
                    unit=c.unit,
                    approx=c.approx,
                    year_inferred=c.year_inferred,
                    metric=metric,
                    sentence_index=sentence_index_at(starts, s),
                    qualifier=c.qualifier,
                    metric_id=metric_id,
                    metric_rule=metric_rule,
                )
            )
        return result


def _check_args(text: object, context_year: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"extract_quantities expects str, got {type(text).__name__}")
    if context_year is not None and (
        isinstance(context_year, bool)
        or not isinstance(context_year, int)
        or not 1000 <= context_year <= 9999
    ):
        raise ValueError(f"context_year must be a four-digit year, got {context_year!r}")


def extract_quantities(text: str, *, context_year: int | None = None) -> list[Quantity]:
    """Return every quantity in ``text`` (QUANTITY_SPEC.md), in text order.

    ``context_year`` fills years that are not written (nearest earlier written year in the
    text first, else ``context_year``) and marks them ``year_inferred``.

    >>> [(q.surface, q.value, q.unit) for q in extract_quantities("共开展学习17次")]
    [('17次', 17.0, '次')]
    """
    _check_args(text, context_year)
    if not text:
        return []
    with gc_paused():
        return _Extractor(text, context_year).run()


def rejections(text: str, *, context_year: int | None = None) -> list[Rejection]:
    """The grammar matches of ``text`` that a rule of ``rules.py`` dropped, and which rule.

    For tests and for a reviewer asking "why is this number not a quantity?" (offsets and
    surfaces are those of the matching copy, which equal the text's unless it has pinyin
    annotations).

    >>> [(r.rule, r.surface) for r in rejections("三成立,占三成")]
    [('unit_starts_word', '三成')]
    """
    _check_args(text, context_year)
    trace: list[Rejection] = []
    if text:
        _Extractor(text, context_year, trace).run()
    return trace
