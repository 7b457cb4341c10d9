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
_DROP_CLASS = r"[[\p{P}\p{Z}\p{Cc}\p{Cf}\s]--[.%‰]]"
_DROP = regex.compile(_DROP_CLASS + r"|(?<!\d)\.|\.(?!\d)", regex.V1)
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


# _DROP_CLASS and \d as regex 2026.11.19 has them, in runs of hex code points (what
# _scan_runs reads; another regex version scans, 80 ms once per process).
_DROP_RUNS = (
    "0-23 26-2A 2C-2D 2F 3A-3B 3F-40 5B-5D 5F 7B 7D 7F-A1 A7 AB AD B6-B7 BB BF 37E 387 55A-55F "
    "589-58A 5BE 5C0 5C3 5C6 5F3-5F4 600-605 609-60A 60C-60D 61B-61F 66A-66D 6D4 6DD 700-70D "
    "70F 7F7-7F9 830-83E 85E 890-891 8E2 964-965 970 9FD A76 AF0 C77 C84 DF4 E4F E5A-E5B "
    "F04-F12 F14 F3A-F3D F85 FD0-FD4 FD9-FDA 104A-104F 10FB 1360-1368 1400 166E 1680 169B-169C "
    "16EB-16ED 1735-1736 17D4-17D6 17D8-17DA 1800-180A 180E 1944-1945 1A1E-1A1F 1AA0-1AA6 "
    "1AA8-1AAD 1B4E-1B4F 1B5A-1B60 1B7D-1B7F 1BFC-1BFF 1C3B-1C3F 1C7E-1C7F 1CC0-1CC7 1CD3 "
    "2000-202F 2031-2043 2045-2051 2053-2064 2066-206F 207D-207E 208D-208E 2308-230B 2329-232A "
    "2768-2775 27C5-27C6 27E6-27EF 2983-2998 29D8-29DB 29FC-29FD 2CF9-2CFC 2CFE-2CFF 2D70 "
    "2E00-2E2E 2E30-2E4F 2E52-2E5D 2E60-2E63 3000-3003 3008-3011 3014-301F 3030 303D 30A0 30FB "
    "A4FE-A4FF A60D-A60F A673 A67E A6F2-A6F7 A874-A877 A8CE-A8CF A8F8-A8FA A8FC A92E-A92F A95F "
    "A9C1-A9CD A9DE-A9DF AA5C-AA5F AADE-AADF AAF0-AAF1 ABEB FD3E-FD3F FE10-FE19 FE30-FE52 "
    "FE54-FE61 FE63 FE68 FE6A-FE6B FEFF FF01-FF03 FF05-FF0A FF0C-FF0F FF1A-FF1B FF1F-FF20 "
    "FF3B-FF3D FF3F FF5B FF5D FF5F-FF65 FFF9-FFFB 10100-10102 1039F 103D0 1056F 10857 1091F "
    "1093F 10A50-10A58 10A7F 10AF0-10AF6 10B39-10B3F 10B99-10B9C 10D6E 10EAD 10ED0 10F55-10F59 "
    "10F86-10F89 11047-1104D 110BB-110C1 110CD 11140-11143 11174-11175 111C5-111C8 111CD 111DB "
    "111DD-111DF 11238-1123D 112A9 113D4-113D5 113D7-113D8 1144B-1144F 1145A-1145B 1145D 114C6 "
    "115C1-115D7 11641-11643 11660-1166C 116B9 1173C-1173E 1183B 11944-11946 119E2 11A3F-11A46 "
    "11A9A-11A9C 11A9E-11AA2 11B00-11B09 11BE1 11C41-11C45 11C70-11C71 11EF7-11EF8 11F43-11F4F "
    "11FFF 12470-12474 12FF1-12FF2 13430-1343F 16A6E-16A6F 16AF5 16B37-16B3B 16B44 16D6D-16D6F "
    "16E97-16E9A 16FE2 1BC9F-1BCA3 1D173-1D17A 1DA87-1DA8B 1E5FF 1E95E-1E95F E0001 E0020-E007F"
)

_DIGIT_RUNS = (
    "30-39 660-669 6F0-6F9 7C0-7C9 966-96F 9E6-9EF A66-A6F AE6-AEF B66-B6F BE6-BEF C66-C6F "
    "CE6-CEF D66-D6F DE6-DEF E50-E59 ED0-ED9 F20-F29 1040-1049 1090-1099 17E0-17E9 1810-1819 "
    "1946-194F 19D0-19D9 1A80-1A89 1A90-1A99 1B50-1B59 1BB0-1BB9 1C40-1C49 1C50-1C59 A620-A629 "
    "A8D0-A8D9 A900-A909 A9D0-A9D9 A9F0-A9F9 AA50-AA59 ABF0-ABF9 FF10-FF19 104A0-104A9 "
    "10D30-10D39 10D40-10D49 11066-1106F 110F0-110F9 11136-1113F 111D0-111D9 112F0-112F9 "
    "11450-11459 114D0-114D9 11650-11659 116C0-116C9 116D0-116E3 11730-11739 118E0-118E9 "
    "11950-11959 11BF0-11BF9 11C50-11C59 11D50-11D59 11DA0-11DA9 11DE0-11DE9 11F50-11F59 "
    "16130-16139 16A60-16A69 16AC0-16AC9 16B50-16B59 16D70-16D79 1CCF0-1CCF9 1D7CE-1D7FF "
    "1E140-1E149 1E2F0-1E2F9 1E4F0-1E4F9 1E5F1-1E5FA 1E950-1E959 1FBF0-1FBF9"
)


@lru_cache(maxsize=1)
def _char_tables() -> tuple[np.ndarray, np.ndarray]:
    """Booleans over every code point: in :data:`_DROP_CLASS`, and ``regex``'s ``\\d``."""
    if getattr(regex, "__version__", "") == _KNOWN_VERSIONS[0]:
        drop_runs, digit_runs = _parse_runs(_DROP_RUNS), _parse_runs(_DIGIT_RUNS)
    else:
        drop_runs, digit_runs = _scan_runs()
    tables = []
    for runs in (drop_runs, digit_runs):
        table = np.zeros(0x110000, dtype=bool)
        for low, high in runs:
            table[low : high + 1] = True
        tables.append(table)
    return tables[0], tables[1]


def _parse_runs(text: str) -> Ranges:
    return tuple(
        (int(run.partition("-")[0], 16), int(run.partition("-")[2] or run.partition("-")[0], 16))
        for run in text.split()
    )


def _scan_runs() -> tuple[Ranges, Ranges]:
    """:data:`_DROP_CLASS` and ``\\d`` read off the installed ``regex``, over every code point."""
    everything = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    return tuple(  # type: ignore[return-value]
        _runs(sorted(ord(c) for c in regex.compile(p, regex.V1).findall(everything)))
        for p in (_DROP_CLASS, r"\d")
    )


# Characters of fragments whose keys are computed in one numpy pass: bounds the arrays of a
# 20 MB notice of distinct sentences to some tens of MB.
_KEY_BATCH = 1 << 20


def _keys(fragments: Sequence[str], config: RepetitionConfig) -> list[tuple[str, str]]:
    """``(exact_key, masked_key)`` of each fragment, punctuation dropped for all in numpy.

    What :data:`_DROP` removes is a class of single characters and each ``.`` without a
    digit on both sides (within its own fragment), so one look-up table over the code points
    of many fragments at once does what ``_DROP.sub`` did per fragment, and ``_DIGITS`` only
    runs on keys that hold a digit: with the marker twin, the keys of a 30 KB notice went
    from 2.4 to 1.0 ms. The markers go first, per fragment, as in :func:`exact_key`.
    tests/test_audit_speed_paths.py holds this to ``exact_key`` and ``masked_key``.
    """
    out: list[tuple[str, str]] = []
    first = size = 0
    for k, fragment in enumerate(fragments):
        size += len(fragment)
        if size >= _KEY_BATCH:
            out += _key_batch(fragments[first : k + 1], config)
            first, size = k + 1, 0
    if first < len(fragments):
        out += _key_batch(fragments[first:], config)
    return out


def _key_batch(fragments: Sequence[str], config: RepetitionConfig) -> list[tuple[str, str]]:
    strip = _strip_markers(config.marker)
    stripped = [strip(f) for f in fragments]
    joined = "".join(stripped)
    if not joined:
        return [("", "") for _ in stripped]
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    drop, digit = _char_tables()
    is_digit = digit[codes]
    keep = ~drop[codes]
    lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    dots = np.flatnonzero(codes == 0x2E)
    if len(dots):
        owner = np.searchsorted(ends, dots, side="right")
        before = (dots > starts[owner]) & is_digit[dots - 1]
        after = (dots + 1 < ends[owner]) & is_digit[np.minimum(dots + 1, len(codes) - 1)]
        keep[dots] = before & after
    kept = np.concatenate(([0], np.cumsum(keep)))
    digits = np.concatenate(([0], np.cumsum(keep & is_digit)))
    out = codes[keep].tobytes().decode("utf-32-le", "surrogatepass")
    bounds = zip(
        kept[starts].tolist(),
        kept[ends].tolist(),
        (digits[ends] - digits[starts]).tolist(),
        strict=True,
    )
    return [
        (key, _DIGITS.sub("#", key) if held else key)
        for key, held in ((out[a:b], held) for a, b, held in bounds)
    ]


def text_units(
    text: str, spans: Iterable[tuple[int, int]], config: RepetitionConfig, min_chars: int
) -> list[TextUnit]:
    """Units of ``text`` whose exact key has at least ``min_chars`` characters, in span order.

    Keys are computed once per distinct fragment, all of them together (:func:`_keys`): a
    notice that repeats a sentence thousands of times (a pasted block, a 20 MB file of one
    line over and over) pays for its keys once.
    """
    units: list[TextUnit] = []
    distinct: dict[str, int] = {}  # fragment -> its index in the batch of keys
    found: list[tuple[int, int, int]] = []
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
        found.append((start, end, distinct.setdefault(fragment, len(distinct))))
    pairs = _keys(list(distinct), config)
    for start, end, k in found:
        exact, masked = pairs[k]
        if len(exact) >= min_chars:
            units.append(TextUnit(len(units), start, end, exact, masked))
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
