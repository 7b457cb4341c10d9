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

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from extract.model import Completion
from extract.notice.lexicon import lexicon
from extract.notice.numerals import to_int

__all__ = ["find_completion", "parse_completion_sentence", "recompute"]

_SENTENCE_ENDS = "。!?\n"
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


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lx = lexicon()
    return _Patterns(
        part_status_first=re.compile(
            rf"(?P<s>{lx.status_words})(?!率)(?:整改)?(?:的)?(?:问题|任务|事项)?(?:共|有)?\s*"
            rf"(?P<n>{_NUM})\s*(?P<u>{lx.count_units})"
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
            r"(?P<r>\d+(?:\.\d+)?)\s*%"
        ),
        status_word=re.compile(lx.status_words),
    )


@dataclass(slots=True)
class _Part:
    status: str
    number: int
    unit: str
    start: int
    end: int


def _overlaps(starts: list[int], ends: list[int], a: int, b: int) -> bool:
    """Whether ``[a, b)`` overlaps one of the sorted, disjoint spans ``zip(starts, ends)``."""
    i = bisect_left(ends, a + 1)  # first span ending after a
    return i < len(starts) and starts[i] < b


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
    return sorted(first + second, key=lambda q: q.start)


def parse_completion_sentence(sentence: str) -> Completion | None:
    """Completion figures of one summary text, offsets relative to it (tests, tools).

    >>> c = parse_completion_sentence("反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个")
    >>> (c.total, c.completed, c.basically_completed, c.not_completed, c.computed_rate)
    (31, 22, 7, 2, 71.0)
    """
    from extract.notice.fold import fold_for_matching

    folded = fold_for_matching(sentence)
    return _from_window(sentence, folded, 0, len(folded), [(0, len(folded))], [])


def find_completion(
    text: str, folded: str, exclude: list[tuple[int, int]], statuses: list[str]
) -> Completion | None:
    """The notice's completion figures; ``exclude`` = problem spans, ``statuses`` = per-problem.

    Only the gaps between problem spans are scanned, and only sentences holding a status word
    are split out, so the cost follows the (short) summary sections, not the whole notice.
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
            has_context = (
                len(parts) >= 2 or p.rate.search(folded, s, e) or _totals(folded, prev_s, e)
            )
            if has_context and len(parts) > best_parts:
                best, best_parts = (s, e), len(parts)
    if best is None:
        return _status_only(statuses)
    s, e = best
    prev_s = _previous_sentence_start(folded, s)
    nxt_e = _sentence_bounds(folded, e)[1] if e < len(folded) and folded[e - 1] != "\n" else e
    return _from_window(text, folded, prev_s, nxt_e, [(s, e)], statuses)


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


def _from_window(
    text: str,
    folded: str,
    window_s: int,
    window_e: int,
    part_spans: list[tuple[int, int]],
    statuses: list[str],
) -> Completion | None:
    p = _patterns()
    s, e = part_spans[0]
    parts = _parts(folded, s, e)
    if not parts:
        return _status_only(statuses)
    c = Completion()
    for part in parts:
        name = _FIELD[part.status]
        if getattr(c, name) is None:
            setattr(c, name, part.number)
    unit = parts[0].unit
    part_starts = [q.start for q in parts]
    totals = [
        m
        for m in _totals(folded, window_s, parts[0].start)
        if not _inside(part_starts, [q.end for q in parts], m.start())
    ]
    part_sum = sum(getattr(c, f) or 0 for f in _FIELD.values())
    chosen = next((m for m in totals if to_int(m.group("n")) == part_sum), None)
    if chosen is None:
        same_unit = [m for m in totals if m.group("u") == unit]
        pool = same_unit or totals
        chosen = pool[-1] if pool else None
    start = parts[0].start
    if chosen is not None:
        c.total = to_int(chosen.group("n"))
        start = min(start, _sentence_start(folded, chosen.start(), window_s))
    end = parts[-1].end
    rate = p.rate.search(folded, s, window_e)
    if rate is not None:
        c.stated_rate = float(rate.group("r"))
        end = max(end, rate.end())
    end = max(end, e)
    # The offsets are those of the stripped sentence, so text[start:end] == sentence.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    c.start, c.end = start, end
    c.sentence = text[start:end]
    recompute(c, statuses)
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
    for ch in "。!?\n":
        i = folded.rfind(ch, floor, pos)
        if i + 1 > best:
            best = i + 1
    while best < pos and folded[best] in " \t":
        best += 1
    return best


def _status_only(statuses: list[str]) -> Completion | None:
    """No summary sentence: still report the rate the per-problem statuses give, if any."""
    if not statuses:
        return None
    c = Completion()
    recompute(c, statuses)
    return c


def recompute(c: Completion, statuses: list[str]) -> Completion:
    """Fill computed_rate, status_rate, consistent and issues from the stated figures.

    >>> c = recompute(Completion(total=42, completed=40, long_term=2, stated_rate=95.2), [])
    >>> (c.computed_rate, c.consistent, c.issues)
    (95.2, True, [])
    >>> recompute(Completion(total=31, completed=22, not_completed=2, stated_rate=80.0), []).issues
    ['stated rate 80.0% differs from 22/31 = 71.0%', 'parts sum to 24, not the total 31']
    """
    c.issues = []
    checks = 0
    if c.total and c.completed is not None:
        c.computed_rate = round(c.completed / c.total * 100, 1)
    if statuses:
        done = sum(1 for s in statuses if s == "completed")
        c.status_rate = round(done / len(statuses) * 100, 1)
    if c.stated_rate is not None and c.computed_rate is not None:
        checks += 1
        if abs(c.stated_rate - c.computed_rate) > 0.1 + 1e-9:
            c.issues.append(
                f"stated rate {c.stated_rate}% differs from "
                f"{c.completed}/{c.total} = {c.computed_rate}%"
            )
    parts = [getattr(c, f) for f in _FIELD.values() if getattr(c, f) is not None]
    if c.total is not None and parts:
        checks += 1
        if sum(parts) != c.total:
            c.issues.append(f"parts sum to {sum(parts)}, not the total {c.total}")
    c.consistent = None if checks == 0 else not c.issues
    return c
