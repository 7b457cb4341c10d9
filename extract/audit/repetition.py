"""Repeated text inside one notice: copies of sentences, and the figures they restate.

Notices repeat themselves: an 附件 copies the body, a summary restates body figures, a measure
is pasted under several problems. Stored naively, every restated figure is summed twice (the
corpus notice with the 附件 counts its 17 “第一议题” sessions as 34). This module finds the
repeats and says which quantity restates which, so totals can count each figure once.

Pipeline, all pure functions of the canonical text and its sentence spans:

1. :func:`find_repeats` — every sentence unit that copies an earlier one, as a
   :class:`RepeatedPassage` pointing at the first occurrence. Exact copies by hash of the exact
   key, copies with other figures by hash of the digit-masked key, near-duplicates by exact
   Jaccard on character 3-grams. The near-duplicate search is an all-pairs similarity join with
   prefix filtering (rarest n-grams first): two units with Jaccard >= t must share one of the
   first ``|A| - ceil(t|A|) + 1`` n-grams, so only those are joined, in numpy, and an n-gram
   kept by too many units yields no pairs, which keeps the work linear in the text (see
   ``repetition.toml``).
2. :func:`restated_quantities` — for each quantity, the earlier quantity it restates.
3. :func:`repeated_share` — the "repeated text %" of the notice.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

import numpy as np
import regex

from extract.audit.config import RepetitionConfig, load_config
from extract.audit.units import (
    TextUnit,
    exact_key,
    gram_table_packed,
    gram_windows,
    ngrams,
    non_space_length,
    select_units,
    text_units,
)
from extract.fast_pickle import pickled_by_fields
from extract.quantities.sentences import split_sentences
from extract.text import punctuation

__all__ = [
    "RepeatLabel",
    "RepeatMethod",
    "RepeatedPassage",
    "Section",
    "find_repeats",
    "repeated_share",
    "restated_quantities",
]

RepeatMethod = Literal["exact", "near"]
RepeatLabel = Literal["restatement", "copied_measure"]

# Multiplier of the n-gram hash inside a notice (any odd constant: these hashes are never stored).
_NEAR_BASE = 0x100000001B3


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class RepeatedPassage:
    """A later copy ``text[start:end]`` of the earlier unit ``text[source_start:source_end]``.

    ``method`` is ``"exact"`` when the two keys are equal (figures included), ``"near"`` when
    only the digit-masked keys are equal (``similarity`` 1.0: the same sentence with other
    figures) or their 3-gram Jaccard reaches the threshold. ``similarity`` is that Jaccard on
    the masked keys. ``label`` is ``"restatement"`` (legitimate repetition: count the figure
    once, do not flag) or ``"copied_measure"`` (the same measure pasted under another problem:
    a finding). An exact copy points at the first occurrence of its text; a near-duplicate at
    the earliest similar unit found, which may itself be a copy (:func:`restated_quantities`
    follows such chains to the first statement).
    """

    start: int
    end: int
    source_start: int
    source_end: int
    similarity: float
    method: RepeatMethod
    label: RepeatLabel


class Section(NamedTuple):
    """A node of the problem tree, the optional input that tells a pasted measure from a copy.

    From :class:`extract.model.Problem`: ``Section(p.start, p.end, p.is_problem,
    p.path.startswith("附件"))``.
    """

    start: int
    end: int
    is_problem: bool
    is_attachment: bool = False


class QuantityLike(Protocol):
    """The fields of :class:`extract.model.Quantity` this module reads."""

    @property
    def surface(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> float | str: ...
    @property
    def value_high(self) -> float | str | None: ...
    @property
    def unit(self) -> str: ...


class _Match(NamedTuple):
    copy: int  # unit index of the later copy
    source: int  # unit index of the first occurrence
    similarity: float
    method: RepeatMethod


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter) if inter else 0.0


def _stable_order(key: np.ndarray, bound: int) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` for integer keys in ``[0, bound)``.

    numpy radix-sorts 16-bit keys: about 4 ns a key against 25-30 for a comparison sort of
    int64 on this machine, and ``find_repeats`` sorts a notice's grams five times.
    """
    if bound <= 1 << 16:
        return np.argsort(key.astype(np.uint16), kind="stable")
    return np.argsort(key, kind="stable")


def _hash_order(h: np.ndarray) -> np.ndarray:
    """``np.argsort(h, kind="stable")`` for uint64 hashes, by two 16-bit radix passes.

    The passes sort by the top 32 bits only, which is the full order unless two different
    hashes share them; that is checked, and then the plain sort runs (with 2,500 distinct
    3-grams, as in a 30 KB notice, about once in 1,400 notices). 0.38 -> 0.14 ms a notice.
    """
    top = h >> np.uint64(32)
    order = np.argsort((top & np.uint64(0xFFFF)).astype(np.uint16), kind="stable")
    order = order[np.argsort((top[order] >> np.uint64(16)).astype(np.uint16), kind="stable")]
    top, sorted_h = top[order], h[order]
    if np.any((top[1:] == top[:-1]) & (sorted_h[1:] != sorted_h[:-1])):
        return np.argsort(h, kind="stable")
    return order


def _counted(codes: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_counts=True)`` for integer codes in ``[0, bound)``, sorted
    by :func:`_stable_order` (a radix sort for the pairs of a notice of up to 256 units)."""
    ordered = codes[_stable_order(codes, bound)]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def _grams_differ(
    keys: Sequence[str],
    n: int,
    packed: np.ndarray | None,
    order: np.ndarray,
    same_hash: np.ndarray,
) -> bool:
    """Whether two different n-grams of ``keys`` share a hash (``order``: grams by hash).

    Packed code points when the grams fit in 64 bits, else the grams' code points.
    """
    if packed is not None:
        grams = packed[order]
        return not bool(np.all(grams[1:][same_hash] == grams[:-1][same_hash]))
    windows = gram_windows(keys, n)[order]
    return not bool(np.all(windows[1:][same_hash] == windows[:-1][same_hash]))


def _near_matches(
    units: Sequence[TextUnit], fresh: Sequence[int], config: RepetitionConfig
) -> dict[int, tuple[int, float]]:
    """Best earlier near-duplicate (unit index, Jaccard) of each unit in ``fresh``.

    ``fresh`` are units whose masked key occurs for the first time; copies of a key are
    settled by hash before this runs, so 20,000 identical sentences never reach it.

    Prefix filtering, vectorised: each unit's distinct n-grams are ordered rarest first
    (document frequency, then hash: one global order), and only the first
    ``size - ceil(t * size) + 1`` are kept; two units with Jaccard >= t share one of those.
    Candidate pairs are the units sharing a kept n-gram; an n-gram kept by more than
    ``posting_cap`` units is a stock phrase and yields no pairs. Candidates pass a size filter;
    of the ``max_candidates`` most-shared per unit, the earliest whose exact Jaccard on the
    strings reaches t is the source (the first occurrence, and usually one verification).

    That Jaccard is counted on the n-gram ids in numpy (:func:`_shared_grams`) once the grams
    behind equal hashes are seen to be equal, else (a 64-bit collision) on the strings: the
    same figure either way, and the Python loop over frozensets it replaces was 3.3 ms of the
    8 ms this function took on a 30 KB notice.

    The sorts are stable 16-bit radix sorts (:func:`_stable_order`, :func:`_hash_order`) in
    place of comparison sorts of combined int64 keys, and collisions are checked on packed
    code points, and the candidate pairs come from one ``np.repeat``: 3.1 -> 1.2 ms of a
    generated 30 KB notice, the same result (tests/test_audit_speed_paths.py holds it to the
    former code).
    """
    t, n, cap = config.near_threshold, config.near_ngram, config.posting_cap
    count = len(fresh)
    if count < 2:
        return {}
    keys = [units[i].masked for i in fresh]
    owner, h, packed = gram_table_packed(keys, n, _NEAR_BASE)
    order = _hash_order(h)  # by n-gram, then unit (owners ascend in gram_table)
    owner, h = owner[order], h[order]
    same_hash = h[1:] == h[:-1]
    # no two different n-grams share a hash: the hash ids below are the n-grams themselves
    exact = not _grams_differ(keys, n, packed, order, same_hash)
    distinct = np.ones(len(h), dtype=bool)
    distinct[1:] = (owner[1:] != owner[:-1]) | ~same_hash
    owner, h = owner[distinct], h[distinct]
    opens = np.ones(len(h), dtype=bool)
    opens[1:] = h[1:] != h[:-1]
    gram = np.cumsum(opens) - 1  # n-gram id, in hash order
    df = np.bincount(gram)
    grams_total = len(df)
    rank_of = np.empty(grams_total, dtype=np.int64)
    rank_of[_stable_order(df, count + 1)] = np.arange(grams_total)  # rarest first, then hash
    rank = rank_of[gram]
    sizes = np.bincount(owner, minlength=count)
    # each unit's n-grams, rarest first: by rank, then (stable) by unit
    order = _stable_order(rank, grams_total)
    order = order[_stable_order(owner[order], count)]
    owner, rank = owner[order], rank[order]
    keyed = owner * grams_total + rank
    by_unit = rank  # every distinct n-gram of each unit, for the verification
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    prefix_len = sizes - np.ceil(t * sizes - 1e-9).astype(np.int64) + 1
    keep = (np.arange(len(rank)) - first[owner]) < prefix_len[owner]
    owner, rank = owner[keep], rank[keep]
    order = _stable_order(rank, grams_total)  # by n-gram, units ascending
    owner, rank = owner[order], rank[order]
    opens = np.flatnonzero(np.r_[True, rank[1:] != rank[:-1]])
    group = np.diff(np.r_[opens, len(rank)])
    held = np.repeat(group, group)
    small = held <= cap
    owner, held = owner[small], held[small]
    opens = opens[group <= cap] - np.cumsum(np.where(group > cap, group, 0))[group <= cap]
    # every pair of units in one n-gram's group (owners ascending), each element with those
    # after it: ``later`` partners, ``np.repeat`` instead of one pass per distance
    later = held - (np.arange(len(held)) - np.repeat(opens, held[opens])) - 1
    total = int(later.sum()) if len(later) else 0
    if not total:
        return {}
    left = np.repeat(np.arange(len(later)), later)
    right = left + 1 + (np.arange(total) - np.repeat(np.cumsum(later) - later, later))
    codes, shared = _counted(owner[left] * count + owner[right], count * count)
    early, late = codes // count, codes % count
    fit = (sizes[early] >= t * sizes[late]) & (sizes[early] <= sizes[late] / t)
    early, late, shared = early[fit], late[fit], shared[fit]
    order = np.lexsort((early, -shared, late))
    early, late = early[order], late[order]
    # the max_candidates most-shared candidates of each unit
    _, group_start, group_size = np.unique(late, return_index=True, return_counts=True)
    top = np.arange(len(late)) - np.repeat(group_start, group_size) < config.max_candidates
    early, late = early[top], late[top]
    if exact:
        inter = _shared_grams(keyed, by_unit, first, sizes, grams_total, early, late)
        sim = inter / (sizes[early] + sizes[late] - inter)
    else:  # a hash collision in this notice: verify on the strings
        sets = [ngrams(k, n) for k in keys]
        sim = np.array([_jaccard(sets[a], sets[b]) for a, b in zip(early, late, strict=True)])
    ok = sim >= t
    early, late, sim = early[ok], late[ok], sim[ok]
    order = np.lexsort((early, late))  # the earliest verified source of each unit first
    early, late, sim = early[order], late[order], sim[order]
    firsts = np.flatnonzero(np.r_[True, late[1:] != late[:-1]]) if len(late) else late
    return {
        fresh[b]: (fresh[a], s)
        for b, a, s in zip(
            late[firsts].tolist(), early[firsts].tolist(), sim[firsts].tolist(), strict=True
        )
    }


# Largest units x n-grams table (bytes) :func:`_shared_grams` looks pairs up in; beyond it
# (a notice of tens of thousands of distinct sentences) the sorted keys are searched instead.
_DENSE_MAX = 1 << 24


def _shared_grams(
    keyed: np.ndarray,
    grams: np.ndarray,
    first: np.ndarray,
    sizes: np.ndarray,
    grams_total: int,
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    """``len(A & B)`` of the n-gram sets of units ``left[i]`` and ``right[i]``, per pair.

    ``keyed`` is the sorted ``unit * grams_total + gram`` of every distinct n-gram of every
    unit, ``grams`` its gram column; a unit's n-grams are ``grams[first[u]:][:sizes[u]]``. Each
    n-gram of the right unit is looked up in the left one, for all pairs at once: Python
    frozensets and ``&`` over the candidate pairs were half of :func:`find_repeats` (3.3 ms of
    a 30 KB notice's 8). The look-up is one index into a units x n-grams table of booleans
    (0.8 -> 0.15 ms against a ``searchsorted`` in ``keyed``, which large notices still use).
    """
    counts = sizes[right]
    offsets = np.cumsum(counts) - counts  # each pair's first gram among the queries
    start = np.repeat(first[right] - offsets, counts)
    query = np.repeat(left * grams_total, counts) + grams[start + np.arange(len(start))]
    cells = len(sizes) * grams_total
    if cells <= _DENSE_MAX:
        table = np.zeros(cells, dtype=bool)
        table[keyed] = True
        hits = table[query]
    else:
        found = np.minimum(np.searchsorted(keyed, query), len(keyed) - 1)
        hits = keyed[found] == query
    if not len(right):
        return np.zeros(0, dtype=np.int64)
    # every unit has a gram, so no pair's run of queries is empty
    return np.add.reduceat(hits, offsets, dtype=np.int64)


def _unit_matches(units: Sequence[TextUnit], config: RepetitionConfig) -> list[_Match]:
    """Copies by key, then near-duplicates, ordered by copy.

    ``units`` are indexed by position (:func:`select_units`), so ``setdefault`` answering with
    another index than the unit's own is the key seen before: one dictionary operation per
    key instead of a test and a ``setdefault``.
    """
    first_exact: dict[str, int] = {}
    first_masked: dict[str, int] = {}
    matches: list[_Match] = []
    fresh: list[int] = []
    near_min = config.near_min_chars
    for u in units:
        i = u.index
        j = first_exact.setdefault(u.exact, i)
        k = first_masked.setdefault(u.masked, i)
        if j != i:
            matches.append(_Match(i, j, 1.0, "exact"))
        elif k != i:
            matches.append(_Match(i, k, 1.0, "near"))
        elif len(u.exact) >= near_min:
            fresh.append(i)
    for i, (j, sim) in _near_matches(units, fresh, config).items():
        matches.append(_Match(i, j, sim, "near"))
    matches.sort()
    return matches


def _in_blocks(matches: Sequence[_Match], config: RepetitionConfig) -> set[int]:
    """Copies that belong to a copied block: consecutive copies of consecutive sources."""
    step = 1 + config.block_max_gap
    inside: set[int] = set()
    run: list[_Match] = []
    for m in [*matches, None]:
        if (
            m is not None
            and run
            and 0 < m.copy - run[-1].copy <= step
            and 0 < m.source - run[-1].source <= step
        ):
            run.append(m)
            continue
        if len(run) >= config.block_min_units:
            inside.update(r.copy for r in run)
        run = [m] if m is not None else []
    return inside


class _Owners:
    """For a batch of offsets: the innermost problem holding each, and whether in a 附件.

    One sweep over the sections sorted by start with a stack of open ones (sections nest like
    the problem tree), so the cost is O((sections + offsets) log) however flat or deep the
    tree is — a walk back through siblings per offset would be quadratic on a long list.
    """

    def __init__(self, sections: Sequence[Section], offsets: Sequence[int]) -> None:
        self.sections = sorted(sections, key=lambda s: (s.start, -s.end))
        self.where: dict[int, tuple[int | None, bool]] = {}
        stack: list[int] = []
        nxt = 0
        for off in sorted(set(offsets)):
            while nxt < len(self.sections) and self.sections[nxt].start <= off:
                while stack and self.sections[stack[-1]].end <= self.sections[nxt].start:
                    stack.pop()
                stack.append(nxt)
                nxt += 1
            while stack and self.sections[stack[-1]].end <= off:
                stack.pop()
            holding = [k for k in stack if self.sections[k].start <= off < self.sections[k].end]
            problems = [k for k in holding if self.sections[k].is_problem]
            attached = any(self.sections[k].is_attachment for k in holding)
            self.where[off] = (problems[-1] if problems else None, attached)

    def pasted(self, text: str, copy: int, source: int) -> bool:
        """Copy and source sit in the bodies of two different problems, outside any 附件.

        A unit that opens its problem is that problem's title: two sub-problems may share a
        title (``(2)贯彻落实上级决策部署不到位`` and ``(3)…``) without any measure being pasted.
        """
        (a, a_attached), (b, b_attached) = self.where[copy], self.where[source]
        if a is None or b is None or a == b or a_attached or b_attached:
            return False
        return bool(text[self.sections[a].start : copy].strip())


def find_repeats(
    text: str,
    spans: Sequence[tuple[int, int]] | None = None,
    *,
    sections: Sequence[Section] | None = None,
    config: RepetitionConfig | None = None,
    units: Sequence[TextUnit] | None = None,
) -> list[RepeatedPassage]:
    """Every unit of ``text`` that repeats an earlier one, ordered by position.

    ``spans`` are the sentence spans (``split_sentences(text)`` when omitted). Labels:

    - a copy inside a copied block (``block.min_units`` consecutive copies of consecutive
      sources: an 附件 or summary restating the body) -> ``"restatement"``;
    - otherwise, when ``sections`` are given: copy and source under two different feedback
      problems (innermost ``is_problem`` sections differ), neither inside an attachment, the
      copy not the title of its problem and at least ``label.measure_min_chars`` long ->
      ``"copied_measure"`` (the same measure pasted under several problems);
    - everything else (no problem tree, a summary outside the problems, the closing sentence)
      -> ``"restatement"``: without evidence of pasting, repetition is not a finding.

    ``units``, when given, are ``text_units(text, spans, config, m)`` for some ``m`` up to
    ``config.exact_min_chars`` (``spans`` is then not read): the pipeline computes them once
    for this and :func:`extract.audit.shared.passage_signatures`.
    """
    config = config or load_config()
    if units is not None:
        units = select_units(units, config.exact_min_chars)
    else:
        if spans is None:
            spans = split_sentences(text)
        units = text_units(text, spans, config, config.exact_min_chars)
    matches = _unit_matches(units, config)
    blocks = _in_blocks(matches, config)
    # copies that could be a pasted measure: outside a copied block, long enough
    loose = [
        m
        for m in matches
        if m.copy not in blocks and len(units[m.copy].exact) >= config.measure_min_chars
    ]
    owners = None
    if sections and loose:
        offsets = [units[i].start for m in loose for i in (m.copy, m.source)]
        owners = _Owners(sections, offsets)
    pasted = {
        m.copy
        for m in loose
        if owners is not None and owners.pasted(text, units[m.copy].start, units[m.source].start)
    }
    out: list[RepeatedPassage] = []
    for m in matches:
        copy, source = units[m.copy], units[m.source]
        label: RepeatLabel = "copied_measure" if m.copy in pasted else "restatement"
        out.append(
            RepeatedPassage(
                copy.start,
                copy.end,
                source.start,
                source.end,
                round(m.similarity, 4),
                m.method,
                label,
            )
        )
    return out


def repeated_share(text: str, repeats: Sequence[RepeatedPassage]) -> float:
    """Share of the notice's non-space characters that lie in later copies (0.0 to 1.0).

    The first occurrence is not counted: a notice that states everything twice is 50 %
    repeated, not 100 %. Overlapping copies (possible with caller-made spans) count once.
    """
    total = non_space_length(text)
    if not total or not repeats:
        return 0.0
    merged: list[tuple[int, int]] = []
    for start, end in sorted((r.start, r.end) for r in repeats):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return min(non_space_length(text, merged) / total, 1.0)


_CLAUSE_BREAK = regex.compile(punctuation.char_class(punctuation.CLAUSE_BREAKS + "\n"))


class _Clauses:
    """Clause keys of quantities, each clause normalised once (a 600 KB unit stays linear)."""

    def __init__(self, text: str, config: RepetitionConfig) -> None:
        self.text, self.config = text, config
        self.breaks: dict[tuple[int, int], list[int]] = {}
        self.keys: dict[tuple[int, int], str] = {}

    def key(self, unit: tuple[int, int], q: QuantityLike) -> str:
        breaks = self.breaks.get(unit)
        if breaks is None:
            s, e = unit
            breaks = [m.start() for m in _CLAUSE_BREAK.finditer(self.text, s, e)]
            self.breaks[unit] = breaks
        k = bisect_left(breaks, q.start)
        left = breaks[k - 1] + 1 if k else unit[0]
        k = bisect_left(breaks, q.end)
        right = breaks[k] if k < len(breaks) else unit[1]
        key = self.keys.get((left, right))
        if key is None:
            key = exact_key(self.text[left:right], self.config)
            self.keys[(left, right)] = key
        return key


def _stated(q: QuantityLike) -> tuple[object, object]:
    """The figure as the text states it: a date whose year was filled in from the context
    compares by its surface (``截至6月`` twice is the same words even when the extractor
    inherited 2020 for one copy and 2035 for the other from the sentences before them)."""
    if getattr(q, "year_inferred", False):
        return (q.surface, None)
    return (q.value, q.value_high)


_Figures = dict[tuple[str, str], Counter[tuple[object, object]]]


def _figures(quantities: Sequence[QuantityLike], members: Sequence[int]) -> _Figures:
    """(kind, unit) -> Counter of stated figures for the quantities of one unit."""
    out: _Figures = defaultdict(Counter)
    for k in members:
        q = quantities[k]
        out[(q.kind, q.unit)][_stated(q)] += 1
    return out


def _consistent(a: _Figures, b: _Figures) -> bool:
    """No (kind, unit) holds different figures in the two units (one side may lack it).

    ``2022年…学习17次`` and ``2023年…学习17次`` disagree on the date, so their 17 sessions are not
    taken to be one figure; a summary that drops the date (``共学习17次``) does not disagree.
    """
    return all(a[key] == b[key] for key in a.keys() & b.keys())


def _align(
    text: str,
    quantities: Sequence[QuantityLike],
    rep: RepeatedPassage,
    copy_q: Sequence[int],
    source_q: Sequence[int],
    clauses: _Clauses,
) -> list[tuple[int, int]]:
    """``(copy quantity, source quantity)`` pairs that are the same figure (see the caller).

    An exact copy is the same text up to markers and punctuation, so its figures align in
    order (``2024年以来,共…3次`` and ``2024年以来共…3次`` differ only in a comma that would
    split their clauses differently). What does not align in order — a near-duplicate, or a
    copy where the extractor read a figure differently — is matched by clause.
    """

    def figure(k: int) -> tuple[object, ...]:
        q = quantities[k]
        return (q.surface, q.kind, q.unit, q.value, q.value_high)

    pairs: list[tuple[int, int]] = []
    left_copy, left_source = list(copy_q), list(source_q)
    if rep.method == "exact" and len(copy_q) == len(source_q):
        same = [(c, s) for c, s in zip(copy_q, source_q, strict=True) if figure(c) == figure(s)]
        pairs.extend(same)
        taken_c, taken_s = {c for c, _ in same}, {s for _, s in same}
        left_copy = [c for c in copy_q if c not in taken_c]
        left_source = [s for s in source_q if s not in taken_s]
    copy_unit, source_unit = (rep.start, rep.end), (rep.source_start, rep.source_end)
    pool: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for k in left_source:
        pool[(clauses.key(source_unit, quantities[k]), *figure(k))].append(k)
    used: Counter[tuple[object, ...]] = Counter()
    for k in left_copy:
        key = (clauses.key(copy_unit, quantities[k]), *figure(k))
        candidates = pool.get(key)
        if candidates and used[key] < len(candidates):
            pairs.append((k, candidates[used[key]]))
            used[key] += 1
    return pairs


def restated_quantities(
    text: str,
    quantities: Sequence[QuantityLike],
    repeats: Sequence[RepeatedPassage],
    *,
    config: RepetitionConfig | None = None,
) -> list[int | None]:
    """For each quantity (in the given order) the index of the first quantity it restates.

    A quantity in a later copy restates a quantity of its source unit when all of these hold:

    - same surface, kind, unit, value and value_high (a different number is never the same
      figure, whatever the text around it);
    - the same place: in an exact copy the same position in the order of figures; otherwise
      the same clause (text between ``, ; : 。`` … inside the unit, normalised as a key) — so
      ``开展学习17次`` and ``开展培训17次`` stay two figures even in near-duplicate sentences;
    - the two units do not disagree on any figure of the same kind and unit (see
      :func:`_consistent`; a date whose year was inferred is compared as written there);
    - when the clause holds the same figure several times, the k-th maps to the k-th.

    Alignment by order and clause text rather than by offset survives copies that shift offsets.
    Chains are resolved: a copy of a copy points to the first statement. ``None`` otherwise.
    """
    config = config or load_config()
    result: list[int | None] = [None] * len(quantities)
    if not quantities or not repeats:
        return result
    order = sorted(range(len(quantities)), key=lambda k: quantities[k].start)
    starts = [quantities[k].start for k in order]
    clauses = _Clauses(text, config)

    def members(start: int, end: int) -> list[int]:
        return order[bisect_left(starts, start) : bisect_left(starts, end)]

    for rep in sorted(repeats, key=lambda r: r.start):
        copy_q = members(rep.start, rep.end)
        if not copy_q:
            continue
        source_q = members(rep.source_start, rep.source_end)
        if not source_q or not _consistent(
            _figures(quantities, copy_q), _figures(quantities, source_q)
        ):
            continue
        pairs = _align(text, quantities, rep, copy_q, source_q, clauses)
        for k, first in pairs:
            root = result[first]
            result[k] = first if root is None else root
    return result
