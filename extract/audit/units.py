"""Comparison units and their matching keys: what "the same sentence" means for repeated text.

A unit is a sentence span (``extract.quantities.sentences.split_sentences``) trimmed of
surrounding whitespace. Two keys are derived from it:

- the **exact key**: list markers removed at clause starts (``四是…`` and ``二是…`` compare
  equal), then whitespace and punctuation removed (a copy that changes ``,`` to ``，`` or drops
  a quote is still a copy). The decimal point between digits, ``%`` and ``‰`` are kept, so
  ``1.5万元`` and ``15万元`` never share a key;
- the **masked key**: the exact key with every run of Arabic digits replaced by ``#``. It finds
  the same sentence with other figures; it is never enough to call a *figure* restated.

Everything here is a pure function of the text, linear in its length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import regex

from extract.audit.config import RepetitionConfig

__all__ = [
    "PACKED_MAX",
    "TextUnit",
    "exact_key",
    "gram_table",
    "gram_table_packed",
    "gram_windows",
    "masked_key",
    "mix64",
    "ngrams",
    "non_space_length",
    "select_units",
    "text_units",
]

# Whitespace, punctuation, separators and invisible characters go; "." between digits, "%" and
# "‰" stay (they belong to the figure).
_DROP = regex.compile(
    r"[[\p{P}\p{Z}\p{Cc}\p{Cf}\s]--[.%‰]]|(?<!\d)\.|\.(?!\d)",
    regex.V1,
)
_DIGITS = regex.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One comparable unit: ``text[start:end]`` (trimmed) and its two keys."""

    index: int  # position in the list of units (sentence order)
    start: int
    end: int
    exact: str
    masked: str


def exact_key(fragment: str, config: RepetitionConfig) -> str:
    """Matching key of a fragment: markers, whitespace and punctuation removed.

    >>> from extract.audit.config import load_config
    >>> exact_key("  四是 完善制度,“健全”机制1.5万元。", load_config())
    '完善制度健全机制1.5万元'
    """
    return _DROP.sub("", config.marker.sub("", fragment))


def masked_key(key: str) -> str:
    """``key`` with each Arabic number replaced by ``#`` (``学习17次`` -> ``学习#次``)."""
    return _DIGITS.sub("#", key)


def ngrams(key: str, n: int) -> frozenset[str]:
    """Character ``n``-grams of ``key``; a key shorter than ``n`` is its own single gram.

    Character grams, not words: splitting Chinese on ``\\W`` turns a clause into one token.
    """
    if len(key) <= n:
        return frozenset((key,)) if key else frozenset()
    return frozenset([key[i : i + n] for i in range(len(key) - n + 1)])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def text_units(
    text: str, spans: Iterable[tuple[int, int]], config: RepetitionConfig, min_chars: int
) -> list[TextUnit]:
    """Units of ``text`` whose exact key has at least ``min_chars`` characters, in span order.

    Keys are memoised per fragment: a notice that repeats a sentence thousands of times (a
    pasted block, a 20 MB file of one line over and over) pays for its keys once.
    """
    units: list[TextUnit] = []
    keys: dict[str, tuple[str, str]] = {}
    for raw_start, raw_end in spans:
        start, end = _trim(text, raw_start, raw_end)
        if end - start < min_chars:  # the key is never longer than the span
            continue
        fragment = text[start:end]
        pair = keys.get(fragment)
        if pair is None:
            key = exact_key(fragment, config)
            pair = keys[fragment] = (key, masked_key(key))
        if len(pair[0]) >= min_chars:
            units.append(TextUnit(len(units), start, end, pair[0], pair[1]))
    return units


def select_units(units: Sequence[TextUnit], min_chars: int) -> list[TextUnit]:
    """The units of ``units`` whose exact key has at least ``min_chars`` characters, re-indexed.

    ``units`` must come from :func:`text_units` with a ``min_chars`` no larger than this one;
    the result is then exactly ``text_units`` with this ``min_chars`` (the trim and the keys do
    not depend on it). It lets one notice's units serve both the repeat audit (10 characters)
    and the passage signatures (20): computing them twice was 40 % of the two (2.6 ms of a
    30 KB notice's 18).
    """
    kept = [u for u in units if len(u.exact) >= min_chars]
    if all(u.index == k for k, u in enumerate(kept)):
        return kept
    return [u if u.index == k else replace(u, index=k) for k, u in enumerate(kept)]


def non_space_length(text: str, spans: Sequence[tuple[int, int]] | None = None) -> int:
    """Non-whitespace characters of ``text`` (or of the given spans of it)."""
    if spans is None:
        return len("".join(text.split()))
    return sum(len("".join(text[start:end].split())) for start, end in spans)


def gram_table(keys: Sequence[str], n: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """``(owner, hash)`` of every character ``n``-gram of every key, computed in numpy.

    ``owner[i]`` is the index of the key gram ``i`` belongs to (ascending); ``hash[i]`` a 64-bit
    polynomial hash of its code points, finished with splitmix64 — plain integer arithmetic, so
    the same in every process and version. A key shorter than ``n`` is one gram (padded with
    NULs), as :func:`ngrams` has it. Repeated grams of a key are kept (callers dedupe if they
    need sets). Vectorised because Python-level n-gram loops cost a second per megabyte.
    """
    owner, h, _ = _gram_hashes(keys, n, base, pack=False)
    return owner, h


# Code points are below 2**21, so up to three of them pack exactly into one uint64.
PACKED_MAX = 3


def gram_table_packed(
    keys: Sequence[str], n: int, base: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """:func:`gram_table`, and each gram's code points packed 21 bits apiece (``n`` <= 3).

    The packed value is the gram itself, so equal hashes are told apart from a collision by
    comparing one uint64 per gram instead of :func:`gram_windows`' ``(grams, n)`` matrix
    gathered again (0.46 ms of a 30 KB notice's ``find_repeats``). ``None`` for longer grams.
    """
    return _gram_hashes(keys, n, base, pack=n <= PACKED_MAX)


def _gram_hashes(
    keys: Sequence[str], n: int, base: int, *, pack: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Owner, hash and (``pack``) packed code points of every gram of :func:`gram_table`.

    The polynomial runs over every window of the joined code points in contiguous slices and
    the grams' windows are picked out once at the end: the same wrapping arithmetic on the
    same code points, without ``n`` gathers at ``positions + j`` (0.25 -> 0.15 ms of a 30 KB
    notice's keys).
    """
    if not keys:
        empty = np.zeros(0, dtype=np.uint64)
        return empty.astype(np.int64), empty, (empty if pack else None)
    codes32, owner, positions = _gram_positions(keys, n)
    codes = codes32.astype(np.uint64)
    windows = len(codes) - n + 1  # every start in the joined keys, grams' and others'
    mult = np.uint64(base | 1)
    h = codes[:windows]
    with np.errstate(over="ignore"):
        for j in range(1, n):
            h = h * mult + codes[j : j + windows]
        hashes = mix64(h[positions] + np.uint64(n))
    packed = None
    if pack:
        p = codes[:windows]
        for j in range(1, n):
            p = (p << np.uint64(21)) | codes[j : j + windows]
        packed = p[positions]
    return owner, hashes, packed


def gram_windows(keys: Sequence[str], n: int) -> np.ndarray:
    """``(grams, n)`` code points of the grams of :func:`gram_table`, row for row.

    The grams themselves, to tell whether equal hashes are equal grams (no collision).
    """
    if not keys:
        return np.zeros((0, n), dtype=np.uint32)
    codes, _, positions = _gram_positions(keys, n)
    return np.stack([codes[positions + j] for j in range(n)], axis=1)


def _gram_positions(keys: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of the NUL-padded keys, and the owner and start of each gram in them.

    Each start is its index plus its key's offset less the key's first gram index: one
    ``repeat`` per key instead of two gathers per gram.
    """
    pad = "\0" * (n - 1)
    joined = pad.join(keys) + pad
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    offsets = np.cumsum(lengths + (n - 1)) - (lengths + (n - 1))
    counts = np.maximum(lengths - n + 1, 1)
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), counts)
    ends = np.cumsum(counts)
    positions = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(
        offsets - (ends - counts), counts
    )
    return codes, owner, positions


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads a 64-bit value over all bits (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))
