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

import re
import string
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial

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
    "marker_twin",
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
    return _DROP.sub("", _strip_markers(config.marker)(fragment))


@lru_cache(maxsize=8)
def _strip_markers(marker: regex.Pattern[str]) -> Callable[[str], str]:
    """``marker.sub("", ·)``, through the marker's stdlib ``re`` twin when it has one.

    The marker is tried at every position of every fragment, and ``re`` does that 2.4 times
    faster than ``regex`` (1.1 -> 0.46 ms of a 30 KB notice, the largest part of its keys).
    """
    twin = marker_twin(marker)
    return partial((marker if twin is None else twin).sub, "")


# Group openings whose meaning is the same in ``re`` and ``regex`` (no inline flags, no
# named, atomic or branch-reset groups).
_TWIN_GROUPS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")
_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}")
_SET_OPERATORS = ("--", "&&", "||", "~~")


def marker_twin(marker: regex.Pattern[str]) -> re.Pattern[str] | None:
    """A stdlib ``re`` pattern that matches exactly where ``marker`` does, or None.

    Only for a pattern written in the syntax both engines read alike: literals, classes,
    groups of :data:`_TWIN_GROUPS`, counted quantifiers, escaped ASCII punctuation and the
    class escapes ``\\d`` and ``\\s``, with ``regex``'s default flags. Those two escapes are the
    one difference left: ``regex`` follows a newer Unicode than this Python (digits of scripts
    added since, such as U+10D40) and does not count U+001C-U+001F as space, so the twin
    spells both out as ``regex`` has them (:func:`_regex_classes`). Anything else — ``\\w``,
    ``\\p{..}``, ``(?i)``, nested sets, fuzzy ``{e<=1}`` — gets no twin, and the caller keeps
    ``regex``. tests/test_audit_speed_paths.py holds the twin to the marker.
    """
    if marker.flags != _DEFAULT_FLAGS:
        return None
    classes = _regex_classes()
    if classes is None:
        return None
    source = _twin_source(marker.pattern, *classes)
    if source is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "possible nested set": a meaning that may differ
        try:
            return re.compile(source)
        except (re.error, Warning):
            return None


_DEFAULT_FLAGS = regex.compile("").flags


def _twin_source(pattern: str, digit: str, space: str) -> str | None:
    """``pattern`` for ``re``, with ``\\d`` and ``\\s`` spelt out; None outside the syntax above."""
    out: list[str] = []
    i, end = 0, len(pattern)
    in_class, class_open = False, 0
    while i < end:
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1 : i + 2]
            if e in ("d", "s"):
                if in_class and (pattern[i - 1] == "-" and i - 1 > class_open):
                    return None  # a range ending in a class escape
                if in_class and pattern[i + 2 : i + 3] == "-" and pattern[i + 3 : i + 4] != "]":
                    return None  # a range starting with one
                body = digit if e == "d" else space
                out.append(body if in_class else f"[{body}]")
            elif len(e) == 1 and e in string.punctuation:
                out.append(c + e)
            else:
                return None
            i += 2
            continue
        if in_class:
            if c == "[" or pattern.startswith(_SET_OPERATORS, i):
                return None
            if c == "]" and i > class_open:
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            class_open = i  # a "]" right here is a literal in both engines
            continue
        if c == "(" and pattern.startswith("(?", i) and not pattern.startswith(_TWIN_GROUPS, i):
            return None
        if c == "{":
            m = _QUANTIFIER.match(pattern, i)
            if m is None:
                return None
            out.append(m.group())
            i = m.end()
            continue
        out.append(c)
        i += 1
    return None if in_class else "".join(out)


Ranges = tuple[tuple[int, int], ...]

# What ``_scan_classes`` reads off regex 2026.11.19 against this Python's Unicode 14.0.0: the
# digits regex knows and re does not, and regex's whitespace. Kept here so a process does not
# pay the 60 ms scan; another pair of versions scans (tests/test_audit_speed_paths.py checks).
_KNOWN_VERSIONS = ("2026.11.19", "14.0.0")
_NEWER_DIGITS: Ranges = (
    (0x10D40, 0x10D49),
    (0x116D0, 0x116E3),
    (0x11BF0, 0x11BF9),
    (0x11DE0, 0x11DE9),
    (0x11F50, 0x11F59),
    (0x16130, 0x16139),
    (0x16D70, 0x16D79),
    (0x1CCF0, 0x1CCF9),
    (0x1E4F0, 0x1E4F9),
    (0x1E5F1, 0x1E5FA),
)
_REGEX_SPACES: Ranges = (
    (0x9, 0xD),
    (0x20, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


@lru_cache(maxsize=1)
def _regex_classes() -> tuple[str, str] | None:
    """Class bodies for ``re`` matching what ``regex`` calls ``\\d`` and ``\\s``.

    ``\\d`` is ``re``'s own plus the digits only ``regex`` knows. For the versions of
    :data:`_KNOWN_VERSIONS` from the tables above, else read off ``regex`` itself
    (:func:`_scan_classes`), so the twin follows whatever Unicode the installed ``regex`` has.
    """
    newer: Ranges
    spaces: Ranges
    if (getattr(regex, "__version__", ""), unicodedata.unidata_version) == _KNOWN_VERSIONS:
        newer, spaces = _NEWER_DIGITS, _REGEX_SPACES
    else:
        scanned = _scan_classes()
        if scanned is None:
            return None
        newer, spaces = scanned
    return "\\d" + _ranges(newer), _ranges(spaces)


def _scan_classes() -> tuple[Ranges, Ranges] | None:
    """``regex``'s digits beyond ``re``'s and ``regex``'s whitespace, over every code point
    (about 60 ms); None if ``re`` knows a digit ``regex`` does not."""
    everything = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    digits = set(regex.findall(r"\d", everything))
    if not set(re.findall(r"\d", everything)) <= digits:
        return None
    newer = sorted(ord(c) for c in digits if not c.isdecimal())
    spaces = sorted(ord(c) for c in regex.findall(r"\s", everything))
    return _runs(newer), _runs(spaces)


def _runs(points: Sequence[int]) -> Ranges:
    """Sorted code points as ``(first, last)`` runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for point in points:
        if runs and runs[-1][1] == point - 1:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    return tuple(runs)


def _ranges(runs: Ranges) -> str:
    """A class body (``re`` syntax) holding exactly the code points of ``runs``."""
    parts = []
    for low, high in runs:
        first, last = re.escape(chr(low)), re.escape(chr(high))
        parts.append(first if low == high else f"{first}-{last}")
    return "".join(parts)


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
    size = len(text)
    for raw_start, raw_end in spans:
        if raw_end - raw_start < min_chars:  # the key is never longer than the span
            continue
        if raw_start >= 0 and raw_end <= size:
            # str.strip drops what _trim drops (str.isspace), in C: 0.27 -> 0.08 ms a notice
            raw = text[raw_start:raw_end]
            fragment = raw.strip()
            if len(fragment) < min_chars:
                continue
            if not fragment:  # all space (only with min_chars <= 0): _trim ends at the end
                start = raw_end
            elif raw[0].isspace():
                start = raw_start + raw.find(fragment)  # nothing but space comes before it
            else:
                start = raw_start
            end = start + len(fragment)
        else:  # a caller's span outside the text: the indexing (and its errors) of _trim
            start, end = _trim(text, raw_start, raw_end)
            if end - start < min_chars:
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
    if [u.index for u in kept] == list(range(len(kept))):
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
