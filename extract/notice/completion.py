"""Completion figures: the summary sentence (stated) against recomputed rates.

A summary looks like ``反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个`` or
``细化为…39项整改任务,共计42项具体问题。截至…,已整改完成40项,完成率95.2%;长期整改2项``.
The sentence with the most completion *parts* (status word + count) wins; its total is the count
of problems or tasks in that sentence or the one before it that the parts add up to, else the
nearest one before the parts with the same measure word (42, not 12 or 39, above).

Only sentences outside problem spans are read: inside a problem, ``已完成3个`` is about a
measure, not the notice.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

from extract.model import Completion
from extract.notice.lexicon import lexicon
from extract.notice.numerals import to_int

__all__ = ["find_completion", "parse_completion_sentence", "recompute"]

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
    part_status_first: regex.Pattern[str]
    part_number_first: regex.Pattern[str]
    total: regex.Pattern[str]
    rate: regex.Pattern[str]
    sentence: regex.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lx = lexicon()
    return _Patterns(
        part_status_first=regex.compile(
            rf"(?P<s>{lx.status_words})(?!率)(?:整改)?(?:的)?(?:问题|任务|事项)?(?:共|有)?\s*"
            rf"(?P<n>{_NUM})\s*(?P<u>{lx.count_units})"),
        part_number_first=regex.compile(
            rf"(?P<n>{_NUM})\s*(?P<u>{lx.count_units})(?:具体)?(?:问题|任务|事项)?"
            rf"(?:已经|已|正在|目前|均)?(?P<s>{lx.status_words})(?!率)"),
        total=regex.compile(
            rf"(?:共计|总计|合计|共有|共)?\s*(?P<n>{_NUM})\s*(?P<u>{lx.count_units})"
            rf"(?P<noun>{lx.total_nouns})"),
        rate=regex.compile(
            rf"(?:{lx.rate_words})\s*(?:为|达|达到|是|已达|已达到)?\s*"
            r"(?P<r>\d+(?:\.\d+)?)\s*%"),
        sentence=regex.compile(r"[^。!?\n]+[。!?]?"),
    )


@dataclass(slots=True)
class _Part:
    status: str
    number: int
    unit: str
    start: int
    end: int


def _parts(folded: str, s: int, e: int) -> list[_Part]:
    p = _patterns()
    status_of = lexicon().status_of
    found: dict[int, _Part] = {}
    for pattern in (p.part_status_first, p.part_number_first):
        for m in pattern.finditer(folded, s, e):
            number = to_int(m.group("n"))
            if number is None:
                continue
            if any(q.start < m.end() and m.start() < q.end for q in found.values()):
                continue
            found[m.start()] = _Part(status_of[m.group("s")], number, m.group("u"),
                                     m.start(), m.end())
    return [found[k] for k in sorted(found)]


def parse_completion_sentence(sentence: str) -> Completion | None:
    """Completion figures of one summary text, offsets relative to it (tests, tools).

    >>> c = parse_completion_sentence("反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个")
    >>> (c.total, c.completed, c.basically_completed, c.not_completed, c.computed_rate)
    (31, 22, 7, 2, 71.0)
    """
    from extract.notice.fold import fold_for_matching

    folded = fold_for_matching(sentence)
    return _from_window(sentence, folded, 0, len(folded), [(0, len(folded))], [])


def find_completion(text: str, folded: str, exclude: list[tuple[int, int]],
                    statuses: list[str]) -> Completion | None:
    """The notice's completion figures; ``exclude`` = problem spans, ``statuses`` = per-problem."""
    p = _patterns()
    sentences = [(m.start(), m.end()) for m in p.sentence.finditer(folded)]
    best: tuple[int, int] | None = None
    best_parts = 0
    spans = sorted(exclude)
    starts = [a for a, _ in spans]
    for i, (s, e) in enumerate(sentences):
        k = bisect_right(starts, s) - 1
        if k >= 0 and s < spans[k][1]:
            continue
        parts = _parts(folded, s, e)
        if not parts:
            continue
        has_context = len(parts) >= 2 or p.rate.search(folded, s, e) or p.total.search(
            folded, sentences[i - 1][0] if i else s, e)
        if has_context and len(parts) > best_parts:
            best, best_parts = (i, len(parts)), len(parts)
    if best is None:
        return _status_only(statuses)
    i = best[0]
    s, e = sentences[i]
    prev_s = sentences[i - 1][0] if i and folded.count("\n", sentences[i - 1][1], s) == 0 else s
    nxt_e = sentences[i + 1][1] if i + 1 < len(sentences) else e
    completion = _from_window(text, folded, prev_s, nxt_e, [(s, e)], statuses)
    return completion


def _from_window(text: str, folded: str, window_s: int, window_e: int,
                 part_spans: list[tuple[int, int]], statuses: list[str]) -> Completion | None:
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
    totals = [m for m in p.total.finditer(folded, window_s, parts[0].start)
              if not any(q.start <= m.start() < q.end for q in parts)]
    part_sum = sum(getattr(c, f) or 0 for f in _FIELD.values())
    chosen = next((m for m in totals if to_int(m.group("n")) == part_sum), None)
    if chosen is None:
        same_unit = [m for m in totals if m.group("u") == unit]
        chosen = (same_unit or totals or [None])[-1]
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
    c.start, c.end = start, end
    c.sentence = text[start:end].strip()
    recompute(c, statuses)
    return c


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
            c.issues.append(f"stated rate {c.stated_rate}% differs from "
                            f"{c.completed}/{c.total} = {c.computed_rate}%")
    parts = [getattr(c, f) for f in _FIELD.values() if getattr(c, f) is not None]
    if c.total is not None and parts:
        checks += 1
        if sum(parts) != c.total:
            c.issues.append(f"parts sum to {sum(parts)}, not the total {c.total}")
    c.consistent = None if checks == 0 else not c.issues
    return c
