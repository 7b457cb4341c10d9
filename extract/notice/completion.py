"""Completion figures: the summary sentence (stated) against recomputed rates.

A summary looks like ``反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个`` or
``细化为…39项整改任务,共计42项具体问题。截至…,已整改完成40项,完成率95.2%;长期整改2项``.
The sentence with the most completion *parts* (status word + count) wins; its total is the count
of problems or tasks in that sentence or the one before it that the parts add up to, else the
nearest one before the parts with the same measure word (42, not 12 or 39, above).

Only sentences outside problem spans are read: inside a problem, ``已完成3个`` is about a
measure, not the notice.

Linear in the notice: sentence bounds come from one sorted list of sentence ends (bisect), not
from a ``rfind`` back to the previous end for every status word (1M characters of status words
with no full stop took 16 s), and overlap checks between matches use bisect on sorted spans.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extract.model import Completion
from extract.notice.lexicon import alternation, fail, lexicon, read_toml
from extract.text.numerals import to_int
from extract.text.punctuation import FULL_STOPS

__all__ = ["SCOPES", "find_completion", "parse_completion_sentence", "recompute"]

SCOPES = ("problems", "tasks", "measures")

_SENTENCE_ENDS = FULL_STOPS + "\n"  # a summary sentence may also end its line
_SENTENCE_END = re.compile(f"[{_SENTENCE_ENDS}]")
_NUM = r"\d+|[一二三四五六七八九十百两〇零]+"
_FIELD = {
    "completed": "completed",
    "basically_completed": "basically_completed",
    "not_completed": "not_completed",
    "long_term": "long_term",
    "in_progress": "in_progress",
}


@dataclass(frozen=True, slots=True)
class _Patterns:
    part_status_first: re.Pattern[str]
    part_number_first: re.Pattern[str]
    total: re.Pattern[str]
    total_noun_first: re.Pattern[str]
    rate: re.Pattern[str]
    status_word: re.Pattern[str]
    rate_not_after: tuple[str, ...]
    nested: tuple[str, ...]
    remainder: tuple[str, ...]
    scope_of: dict[str, str]
    all_done: re.Pattern[str]
    all_negations: tuple[str, ...]
    all_plans: tuple[str, ...]


def _word_list(table: dict[str, Any], key: str, where: str) -> list[str]:
    words = table.get(key)
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        raise fail(
            "notice_status.toml",
            key,
            f"[{where}] {key} 须为非空字符串列表 / must be a non-empty list of strings",
        )
    return words


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lx = lexicon()
    data = read_toml("notice_status.toml")
    parts = data.get("parts", {})
    scope_of: dict[str, str] = {}
    nouns = set(data["count"]["total_nouns"])
    for scope in SCOPES:
        for noun in _word_list(data["count"].get("scope", {}), scope, "count.scope"):
            if noun not in nouns:
                raise fail(
                    "notice_status.toml",
                    scope,
                    f"[count.scope] {scope}: {noun!r} 不在 total_nouns 中 / "
                    "is not one of count.total_nouns",
                    entry=noun,
                )
            scope_of[noun] = scope
    # "基本完成并持续整改3个": a completed/basically status, then a joiner and a long_term or
    # in_progress phrase, then the number. The first status is the part's status.
    ongoing = [w for w, st in lx.status_of.items() if st in ("long_term", "in_progress")]
    continuation = (
        rf"(?:整改)?(?:{alternation(_word_list(parts, 'joiners', 'parts'))})"
        rf"(?:{alternation(_word_list(parts, 'continuation_openers', 'parts'))})?"
        rf"(?:{alternation(ongoing)})"
    )
    return _Patterns(
        part_status_first=re.compile(
            rf"(?P<s>{lx.status_words})(?P<cont>{continuation})?(?!率)(?:整改)?(?:的)?"
            rf"(?:问题|任务|事项)?(?:共|有)?\s*(?P<n>{_NUM})\s*(?P<u>{lx.count_units})"
        ),
        part_number_first=re.compile(
            rf"(?P<n>{_NUM})\s*(?P<u>{lx.count_units})(?:具体)?(?:问题|任务|事项)?"
            rf"(?:已经|已|正在|目前|均)?(?P<s>{lx.status_words})(?!率)"
        ),
        # "42项具体问题" and, noun first, "共性问题10个".
        total=re.compile(
            rf"(?:共计|总计|合计|共有|共)?\s*(?P<n>{_NUM})\s*(?P<u>{lx.count_units})"
            rf"(?P<noun>{lx.total_nouns})"
        ),
        total_noun_first=re.compile(
            rf"(?P<noun>{lx.total_nouns})(?:共计|总计|合计|共有|共)?\s*(?P<n>{_NUM})\s*"
            rf"(?P<u>{lx.count_units})"
        ),
        rate=re.compile(
            rf"(?:{lx.rate_words})\s*(?:为|达|达到|是|已达|已达到)?\s*"
            r"(?P<r>\d+(?:\.(?P<dec>\d+))?)\s*%"
        ),
        status_word=re.compile(lx.status_words),
        rate_not_after=tuple(_word_list(data["rate"], "not_after", "rate")),
        nested=tuple(_word_list(parts, "nested", "parts")),
        remainder=tuple(_word_list(parts, "remainder", "parts")),
        scope_of=scope_of,
        all_done=re.compile(
            rf"(?:{alternation(_word_list(parts, 'all', 'parts'))})(?:已经|已)?"
            rf"(?:{alternation(_word_list(parts, 'all_status', 'parts'))})(?!率)"
            rf"(?!\s*(?:整改)?(?:的)?(?:问题|任务|事项)?(?:共|有)?\s*(?:{_NUM})\s*"
            rf"(?:{lx.count_units}))"
        ),
        all_negations=tuple(_word_list(parts, "all_negations", "parts")),
        all_plans=tuple(_word_list(parts, "all_plans", "parts")),
    )


@dataclass(slots=True)
class _Part:
    status: str
    number: int
    unit: str
    start: int
    end: int
    nested: bool = False  # "其中基本完成5个": inside the previous part, not beside it
    remainder: bool = False  # "其余2个正在整改": the parts name every problem
    whole: bool = False  # "已全部整改到位": completed, as many as the total (number unset)


def _overlaps(starts: list[int], ends: list[int], a: int, b: int) -> bool:
    """Whether ``[a, b)`` overlaps one of the sorted, disjoint spans ``zip(starts, ends)``."""
    i = bisect_left(ends, a + 1)  # first span ending after a
    return i < len(starts) and starts[i] < b


def _before(folded: str, pos: int, words: tuple[str, ...], reach: int = 3) -> bool:
    """Whether one of ``words`` ends within ``reach`` characters before ``pos``."""
    window = folded[max(0, pos - reach - 2) : pos]
    return any(w in window for w in words)


def _parts(folded: str, s: int, e: int) -> list[_Part]:
    p = _patterns()
    status_of = lexicon().status_of
    # Status-first parts win; a number-first part overlapping one is dropped. Each pattern's
    # matches are disjoint and in order, so the first list stays sorted for bisect.
    first: list[_Part] = []
    for m in p.part_status_first.finditer(folded, s, e):
        number = to_int(m.group("n"))
        if number is not None:
            first.append(_Part(status_of[m.group("s")], number, m.group("u"), m.start(), m.end()))
    starts = [q.start for q in first]
    ends = [q.end for q in first]
    second: list[_Part] = []
    for m in p.part_number_first.finditer(folded, s, e):
        number = to_int(m.group("n"))
        if number is None or _overlaps(starts, ends, m.start(), m.end()):
            continue
        second.append(_Part(status_of[m.group("s")], number, m.group("u"), m.start(), m.end()))
    found = sorted(
        first + second + _whole_parts(folded, s, e, _spans(first + second)),
        key=lambda q: q.start,
    )
    for i, part in enumerate(found):
        part.nested = i > 0 and _before(folded, part.start, p.nested)
        part.remainder = _before(folded, part.start, p.remainder)
    return found


def _spans(parts: list[_Part]) -> tuple[list[int], list[int]]:
    """Sorted starts and ends of disjoint parts (for :func:`_overlaps`)."""
    ordered = sorted(parts, key=lambda q: q.start)
    return [q.start for q in ordered], [q.end for q in ordered]


def _whole_parts(folded: str, s: int, e: int, taken: tuple[list[int], list[int]]) -> list[_Part]:
    """Completed parts without a number ("已全部整改到位"): every problem of the total.

    Not when negated (尚未全部完成) or planned (确保年底前全部整改到位): a plan or a denial
    read as done would report a 100% the notice never claims.
    """
    p = _patterns()
    out: list[_Part] = []
    for m in p.all_done.finditer(folded, s, e):
        if _overlaps(*taken, m.start(), m.end()) or _before(folded, m.start(), p.all_negations, 0):
            continue
        clause = folded[_clause_start(folded, m.start(), s) : m.start()].replace("目前", "")
        if any(w in clause for w in p.all_plans):
            continue
        out.append(_Part("completed", 0, "", m.start(), m.end(), whole=True))
    return out


def _clause_start(folded: str, pos: int, floor: int) -> int:
    """Start of the clause holding ``pos`` (after the last ,;, within the sentence)."""
    best = floor
    for ch in ",，;；":
        best = max(best, folded.rfind(ch, floor, pos) + 1)
    return best


def parse_completion_sentence(sentence: str, listed: int | None = None) -> Completion | None:
    """Completion figures of one summary text, offsets relative to it (tests, tools).

    >>> c = parse_completion_sentence("反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个")
    >>> (c.total, c.completed, c.basically_completed, c.not_completed, c.computed_rate)
    (31, 22, 7, 2, 71.0)
    """
    from extract.notice.fold import fold_for_matching

    folded = fold_for_matching(sentence)
    return _from_window(sentence, folded, 0, len(folded), [(0, len(folded))], [], listed)


def find_completion(
    text: str,
    folded: str,
    exclude: list[tuple[int, int]],
    statuses: list[str],
    listed: int | None = None,
) -> Completion | None:
    """The notice's completion figures; ``exclude`` = problem spans, ``statuses`` = per-problem.

    ``listed`` is the number of leaf feedback problems the notice lists: the audit compares it
    with the problem counts the summary states. Only the gaps between problem spans are
    scanned, and only sentences holding a status word are split out, so the cost follows the
    (short) summary sections, not the whole notice.
    """
    p = _patterns()
    best: tuple[int, int] | None = None
    best_parts = 0
    seen: set[int] = set()
    for gap_s, gap_e in _gaps(exclude, len(folded)):
        for hit in p.status_word.finditer(folded, gap_s, gap_e):
            s, e = _sentence_bounds(folded, hit.start())
            if s in seen:
                continue
            seen.add(s)
            parts = _parts(folded, s, e)
            if not parts:
                continue
            prev_s = _previous_sentence_start(folded, s)
            has_context = len(parts) >= 2 or _rates(folded, s, e) or _totals(folded, prev_s, e)
            if has_context and len(parts) > best_parts:
                best, best_parts = (s, e), len(parts)
    if best is None:
        return _status_only(statuses, listed)
    s, e = best
    prev_s = _previous_sentence_start(folded, s)
    nxt_e = _sentence_bounds(folded, e)[1] if e < len(folded) and folded[e - 1] != "\n" else e
    return _from_window(text, folded, prev_s, nxt_e, [(s, e)], statuses, listed)


def _gaps(exclude: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    gaps, pos = [], 0
    for a, b in sorted(exclude):
        if a > pos:
            gaps.append((pos, a))
        pos = max(pos, b)
    if pos < length:
        gaps.append((pos, length))
    return gaps


@lru_cache(maxsize=4)
def _sentence_ends(folded: str) -> list[int]:
    """Sorted positions of every 。!?/newline in ``folded`` (once per notice)."""
    return [m.start() for m in _SENTENCE_END.finditer(folded)]


def _sentence_bounds(folded: str, pos: int) -> tuple[int, int]:
    """The sentence holding ``pos``: after the previous 。!?/newline, through the next one."""
    ends = _sentence_ends(folded)
    k = bisect_left(ends, pos)
    start = ends[k - 1] + 1 if k else 0
    if k == len(ends):
        return start, len(folded)
    i = ends[k]
    return start, i + (folded[i] != "\n")


def _previous_sentence_start(folded: str, s: int) -> int:
    """Start of the sentence before ``s`` in the same paragraph (``s`` if there is none)."""
    if s == 0 or folded[s - 1] == "\n":
        return s
    return _sentence_bounds(folded, s - 1)[0]


def _rates(folded: str, s: int, e: int) -> list[re.Match[str]]:
    """Stated completion rates in ``folded[s:e]``, without ``投资完成率`` and the like."""
    p = _patterns()
    return [
        m
        for m in p.rate.finditer(folded, s, e)
        if not _before(folded, m.start(), p.rate_not_after, 0)
    ]


def _groups(parts: list[_Part], totals: list[re.Match[str]]) -> list[list[_Part]]:
    """Parts split wherever a total lies between two of them.

    ``反馈问题31个,已完成28个;制定整改措施120条,已完成100条`` states two completions, one of
    problems and one of measures: each part belongs to the total before it.
    """
    starts = [m.start() for m in totals]
    groups: list[list[_Part]] = []
    for part in parts:
        if groups and bisect_left(starts, groups[-1][-1].end) == bisect_left(starts, part.start):
            groups[-1].append(part)
        else:
            groups.append([part])
    return groups


def _group_total(
    group: list[_Part], totals: list[re.Match[str]], floor: int
) -> re.Match[str] | None:
    """The total a group of parts counts against: the one they add up to, else the nearest
    before them with the same measure word, else the nearest before them."""
    before = [m for m in totals if floor <= m.start() < group[0].start]
    if not before:
        return None
    part_sum = sum(q.number for q in group if not q.nested and not q.whole)
    equal = [m for m in before if to_int(m.group("n")) == part_sum]
    if equal:
        return equal[-1]
    same_unit = [m for m in before if m.group("u") == group[0].unit]
    return (same_unit or before)[-1]


def _from_window(
    text: str,
    folded: str,
    window_s: int,
    window_e: int,
    part_spans: list[tuple[int, int]],
    statuses: list[str],
    listed: int | None,
) -> Completion | None:
    p = _patterns()
    s, e = part_spans[0]
    parts = _parts(folded, s, e)
    if not parts:
        return _status_only(statuses, listed)
    part_starts = [q.start for q in parts]
    part_ends = [q.end for q in parts]
    totals = [
        m
        for m in _totals(folded, window_s, window_e)
        if not _inside(part_starts, part_ends, m.start())
    ]
    groups = _groups(parts, totals)
    floors = [window_s] + [g[-1].end for g in groups[:-1]]
    chosen_totals = [_group_total(g, totals, f) for g, f in zip(groups, floors, strict=True)]
    scopes = [None if t is None else p.scope_of.get(t.group("noun")) for t in chosen_totals]
    # The notice's completion is the first group that counts problems or tasks; a group that
    # counts measures is used only when it is the only one.
    pick = next((i for i, sc in enumerate(scopes) if sc != "measures"), 0)
    group, chosen = groups[pick], chosen_totals[pick]
    c = Completion(scope=scopes[pick], listed_problems=listed)
    nested_fields: set[str] = set()
    derived: set[str] = set()
    total = None if chosen is None else to_int(chosen.group("n"))
    for part in group:
        name = _FIELD[part.status]
        if part.whole:  # "已全部整改到位": as many as the total, when there is one
            if total is None or getattr(c, name) is not None:
                continue
            part.number = total
            derived.add(name)
        if getattr(c, name) is None:
            setattr(c, name, part.number)
            c.evidence.append((name, part.start, part.end))
            if part.nested:
                nested_fields.add(name)
    start = group[0].start
    if chosen is not None:
        c.total = to_int(chosen.group("n"))
        c.evidence.insert(0, ("total", chosen.start("n"), chosen.end("u")))
        start = min(start, _sentence_start(folded, chosen.start(), window_s))
    c.stated_problems = sorted(
        {
            n
            for m in totals
            if p.scope_of.get(m.group("noun")) == "problems"
            and (n := to_int(m.group("n"))) is not None
        }
    )
    end = group[-1].end
    # A rate belongs to the group whose parts come before it (the first group if none do).
    next_group = groups[pick + 1][0].start if pick + 1 < len(groups) else window_e
    rate_floor = group[0].start if pick else s
    rate = next(iter(_rates(folded, rate_floor, next_group)), None)
    tolerance = None
    if rate is not None:
        c.stated_rate = float(rate.group("r"))
        decimals = len(rate.group("dec") or "")
        tolerance = 0.5 * 10.0**-decimals
        c.rate_surface = text[rate.start() : rate.end()]
        c.evidence.append(("rate", rate.start("r"), rate.end()))
        end = max(end, rate.end())
    end = max(end, e) if pick == len(groups) - 1 else max(end, group[-1].end)
    # The offsets are those of the stripped sentence, so text[start:end] == sentence.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    c.start, c.end = start, end
    c.sentence = text[start:end]
    c.evidence.sort(key=lambda ev: ev[1])
    recompute(
        c,
        statuses,
        tolerance=tolerance,
        nested=frozenset(nested_fields),
        exhaustive=any(q.remainder for q in group),
        derived=frozenset(derived),
    )
    return c


def _totals(folded: str, s: int, e: int) -> list[re.Match[str]]:
    """Counts of problems/tasks in ``folded[s:e]`` in text order, both word orders."""
    p = _patterns()
    found = list(p.total.finditer(folded, s, e))
    starts = [o.start() for o in found]
    ends = [o.end() for o in found]
    found += [
        m for m in p.total_noun_first.finditer(folded, s, e) if not _inside(starts, ends, m.start())
    ]
    return sorted(found, key=lambda m: m.start())


def _inside(starts: list[int], ends: list[int], pos: int) -> bool:
    """Whether ``pos`` lies in one of the sorted, disjoint spans ``zip(starts, ends)``."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


def _sentence_start(folded: str, pos: int, floor: int) -> int:
    best = floor
    for ch in _SENTENCE_ENDS:
        i = folded.rfind(ch, floor, pos)
        if i + 1 > best:
            best = i + 1
    while best < pos and folded[best] in " \t":
        best += 1
    return best


def _status_only(statuses: list[str], listed: int | None) -> Completion | None:
    """No summary sentence: still report the rate the per-problem statuses give, if any."""
    if not statuses:
        return None
    c = Completion(listed_problems=listed)
    recompute(c, statuses)
    return c


# --- the audit ---------------------------------------------------------------------------------

_EPS = 1e-9


def _fmt(x: float) -> str:
    """A percentage as a reader writes it: ``95.24``, ``71``, ``97.56``."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _tolerance_of(rate: float) -> float:
    """Half a unit of the last decimal, read back from the number when the parser gave none."""
    text = repr(rate)
    if rate.is_integer() or "e" in text:
        return 0.5
    return 0.5 * 10.0 ** -len(text.split(".")[1])


def _matches(value: float, stated: float, tol: float) -> bool:
    """``value`` rounds to ``stated`` (±tol) or truncates to it (some notices cut, not round)."""
    return abs(value - stated) <= tol + _EPS or stated - _EPS <= value < stated + 2 * tol - _EPS


def _possible(stated: float, tol: float, denominator: int) -> bool:
    """GRIM: whether any whole count k of ``denominator`` gives the stated rate (±tol)."""
    low = math.ceil((stated - tol) * denominator / 100 - _EPS)
    high = math.floor((stated + tol) * denominator / 100 + _EPS)
    return max(low, 0) <= min(high, denominator)


def _formulas(c: Completion, nested: frozenset[str]) -> list[tuple[str, int, int]]:
    """(name, numerator, denominator) of every rate formula the stated figures allow."""
    if c.completed is None:
        return []
    found: list[tuple[str, int, int]] = []
    basic = c.basically_completed
    if c.total:
        found.append(("completed/total", c.completed, c.total))
        if basic is not None and "basically_completed" not in nested:
            found.append(("(completed+basically)/total", c.completed + basic, c.total))
        if c.long_term and c.total - c.long_term > 0:
            found.append(("completed/(total-long_term)", c.completed, c.total - c.long_term))
    else:
        # No total stated: the parts are the problems ("已完成40项、长期整改2项,完成率95.2%").
        parts: list[int] = [getattr(c, f) or 0 for f in _FIELD.values() if f not in nested]
        stated = [f for f in _FIELD.values() if getattr(c, f) is not None]
        whole = sum(parts)
        if len(stated) >= 2 and whole:
            found.append(("completed/(sum of parts)", c.completed, whole))
            if basic is not None and "basically_completed" not in nested:
                found.append(("(completed+basically)/(sum of parts)", c.completed + basic, whole))
    return found


def recompute(
    c: Completion,
    statuses: list[str],
    *,
    tolerance: float | None = None,
    nested: frozenset[str] = frozenset(),
    exhaustive: bool = False,
    derived: frozenset[str] = frozenset(),
) -> Completion:
    """Audit the stated figures: rate against each formula, parts against the total.

    ``tolerance`` is the stated rate's half unit (from its decimals; read back from the number
    when not given), ``nested`` names parts stated inside another (``其中基本完成5个``),
    ``exhaustive`` says the parts name every problem (``其余2个正在整改``), ``derived`` names
    parts read as "all of the total" (``已全部整改到位``), which the parts check leaves out: they
    equal the total by construction, so counting them would call silence consistent. Fills
    computed_rate, status_rate, formula, tolerance, verdict, consistent and issues; issues are
    bilingual, one line each, because the dashboard shows them as they are.

    >>> c = recompute(Completion(total=42, completed=40, long_term=2, stated_rate=95.2), [])
    >>> (c.computed_rate, c.verdict, c.formula, c.tolerance, c.issues)
    (95.2, 'consistent', 'completed/total', 0.05, [])
    >>> recompute(Completion(total=41, completed=40, stated_rate=98.0), [], tolerance=0.5).verdict
    'consistent'
    >>> c = recompute(Completion(total=31, completed=22, stated_rate=80.0), [], tolerance=0.5)
    >>> (c.verdict, c.formula, c.computed_rate)
    ('inconsistency', 'completed/total', 71.0)
    """
    c.issues = []
    passed = failed = 0
    c.formula = None
    if statuses:
        done = sum(1 for s in statuses if s == "completed")
        c.status_rate = round(done / len(statuses) * 100, 1)
    formulas = _formulas(c, nested)
    if formulas:
        name, num, den = formulas[0]
        c.computed_rate = round(num / den * 100, 1)
    if c.stated_rate is not None:
        tol = tolerance if tolerance is not None else _tolerance_of(c.stated_rate)
        c.tolerance = tol
        matched = next(
            (f for f in formulas if _matches(f[1] / f[2] * 100, c.stated_rate, tol)), None
        )
        if matched is not None:
            passed += 1
            c.formula = matched[0]
            c.computed_rate = round(matched[1] / matched[2] * 100, 2 if tol < 0.05 else 1)
        elif formulas:
            failed += 1
            name, num, den = formulas[0]
            c.formula = name
            grim = "" if _possible(c.stated_rate, tol, den) else "_grim"
            c.issues.append(_issue("rate" + grim, c, num, den, tol))
    if c.total:
        counted = {
            f: getattr(c, f)
            for f in _FIELD.values()
            if getattr(c, f) is not None and f not in derived
        }
        outer = sum(v for f, v in counted.items() if f not in nested)
        parts_formula = "+".join(f for f in counted if f not in nested) + " = total"
        if counted and outer == c.total:
            passed += 1
            c.formula = c.formula or parts_formula
        elif counted and (outer > c.total or exhaustive):
            failed += 1
            c.formula = c.formula or parts_formula
            c.issues.append(_issue("parts", c, outer, c.total, 0.0))
    if c.listed_problems and c.stated_problems and c.listed_problems not in c.stated_problems:
        c.issues.append(_issue("listed", c, c.listed_problems, c.stated_problems[-1], 0.0))
    if c.formula is None and c.stated_rate is None and c.status_rate is not None and not passed:
        c.formula = "statuses: completed/stated"
    c.verdict = "inconsistency" if failed else ("consistent" if passed else "not_checkable")
    c.consistent = None if c.verdict == "not_checkable" else not failed
    return c


def _issue(kind: str, c: Completion, a: int, b: int, tol: float) -> str:
    """One bilingual line: Chinese first (the dashboard's language), then English."""
    rate = _fmt(c.stated_rate or 0.0)
    value = _fmt(a / b * 100) if b else "-"
    if kind.startswith("rate"):
        zh = f"完成率{rate}%与{a}/{b}={value}%不符(容差±{_fmt(tol)},任一公式均不符)"
        en = (
            f"stated rate {rate}% differs from {a}/{b} = {value}% "
            f"(tolerance ±{_fmt(tol)}, no formula matches)"
        )
        if kind.endswith("_grim"):
            zh += f";{b}的任何整数份额都得不到{rate}%"
            en += f"; no whole count of {b} gives {rate}%"
        return f"{zh} / {en}"
    if kind == "parts":
        return f"各项之和{a}与总数{b}不符 / parts sum to {a}, not the total {b}"
    return f"通报列出{a}个问题,汇总称{b}个 / the notice lists {a} problems, the summary states {b}"
