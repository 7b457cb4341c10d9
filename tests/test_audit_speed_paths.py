"""The audit's fast paths give exactly what the code they replaced gave (issue 12: 10k in 90 s).

``extract/audit`` was made faster for ingest without changing a byte of what it stores. Each
shortcut is held here to the former code, kept below verbatim (``_former_*``), or to a plain
scalar definition, on generated edge cases (empty and one-character keys, non-BMP characters,
digits only, keys shorter than the n-gram, hashes that share their top 32 bits, duplicates)
and on the corpus notices:

- the n-gram hashes computed over contiguous windows, and the packed code points;
- the 16-bit radix sorts that replace comparison sorts in ``_near_matches``;
- the dense look-up table of ``_shared_grams`` (and its ``searchsorted`` fallback);
- MinHash minima taken before the shift, in a buffer kept between notices;
- the text keys hashed in one loop;
- the list markers stripped by a stdlib ``re`` twin of the ``regex`` marker, and spans
  trimmed with ``str.strip``;
- punctuation dropped from all of a notice's fragments in one numpy pass over a table of
  code points, and ``#`` masking only where a key holds a digit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.audit import repetition, shared, units
from extract.audit.config import RepetitionConfig, load_config
from extract.audit.repetition import find_repeats
from extract.audit.shared import passage_signatures
from extract.audit.units import TextUnit, gram_table, gram_table_packed, gram_windows, mix64
from extract.quantities.sentences import split_sentences
from extract.reading import load_notice
from tests import corpus

_MASK = (1 << 64) - 1
_SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- the former code (extract/audit at f3e0234), verbatim but for the names -----------------


def _former_gram_positions(
    keys: Sequence[str], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pad = "\0" * (n - 1)
    joined = pad.join(keys) + pad
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    lengths = np.array([len(k) for k in keys], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths + n - 1)[:-1]))
    counts = np.maximum(lengths - n + 1, 1)
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), counts)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    positions = offsets[owner] + (np.arange(len(owner), dtype=np.int64) - first[owner])
    return codes, owner, positions


def _former_gram_table(keys: Sequence[str], n: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    if not keys:
        empty = np.zeros(0, dtype=np.uint64)
        return empty.astype(np.int64), empty
    codes, owner, positions = _former_gram_positions(keys, n)
    codes = codes.astype(np.uint64)
    h = np.zeros(len(owner), dtype=np.uint64)
    mult = np.uint64(base | 1)
    with np.errstate(over="ignore"):
        for j in range(n):
            h = h * mult + codes[positions + j]
    return owner, mix64(h + np.uint64(n))


def _former_gram_windows(keys: Sequence[str], n: int) -> np.ndarray:
    if not keys:
        return np.zeros((0, n), dtype=np.uint32)
    codes, _, positions = _former_gram_positions(keys, n)
    return np.stack([codes[positions + j] for j in range(n)], axis=1)


def _former_near_matches(
    units: Sequence[TextUnit], fresh: Sequence[int], config: RepetitionConfig
) -> dict[int, tuple[int, float]]:
    t, n, cap = config.near_threshold, config.near_ngram, config.posting_cap
    count = len(fresh)
    if count < 2:
        return {}
    keys = [units[i].masked for i in fresh]
    owner, h = _former_gram_table(keys, n, repetition._NEAR_BASE)
    order = np.lexsort((owner, h))  # by n-gram, then unit
    owner, h = owner[order], h[order]
    same_hash = h[1:] == h[:-1]
    windows = _former_gram_windows(keys, n)[order]
    # no two different n-grams share a hash: the hash ids below are the n-grams themselves
    exact = bool(np.all(windows[1:][same_hash] == windows[:-1][same_hash]))
    distinct = np.ones(len(h), dtype=bool)
    distinct[1:] = (owner[1:] != owner[:-1]) | ~same_hash
    owner, h = owner[distinct], h[distinct]
    opens = np.ones(len(h), dtype=bool)
    opens[1:] = h[1:] != h[:-1]
    gram = np.cumsum(opens) - 1  # n-gram id, in hash order
    df = np.bincount(gram)
    rank_of = np.empty(len(df), dtype=np.int64)
    rank_of[np.argsort(df, kind="stable")] = np.arange(len(df))  # rarest first, then hash
    rank = rank_of[gram]
    grams_total = len(df)
    sizes = np.bincount(owner, minlength=count)
    keyed = owner * grams_total + rank
    order = np.argsort(keyed)  # each unit's n-grams, rarest first
    keyed, owner, rank = keyed[order], owner[order], rank[order]
    by_unit = rank  # every distinct n-gram of each unit, for the verification
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    prefix_len = sizes - np.ceil(t * sizes - 1e-9).astype(np.int64) + 1
    keep = (np.arange(len(rank)) - first[owner]) < prefix_len[owner]
    owner, rank = owner[keep], rank[keep]
    order = np.argsort(rank * count + owner)  # by n-gram, units ascending
    owner, rank = owner[order], rank[order]
    opens = np.flatnonzero(np.r_[True, rank[1:] != rank[:-1]])
    held = np.repeat(np.diff(np.r_[opens, len(rank)]), np.diff(np.r_[opens, len(rank)]))
    owner, rank = owner[held <= cap], rank[held <= cap]
    pairs = []
    for d in range(1, min(cap, len(rank))):
        same = rank[d:] == rank[:-d]  # same n-gram d entries apart: owners ascending
        if not same.any():
            break  # no group holds more than d units
        pairs.append(owner[:-d][same] * count + owner[d:][same])
    if not pairs:
        return {}
    codes, shared = np.unique(np.concatenate(pairs), return_counts=True)
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
        inter = _former_shared_grams(keyed, by_unit, first, sizes, grams_total, early, late)
        sim = inter / (sizes[early] + sizes[late] - inter)
    else:  # a hash collision in this notice: verify on the strings
        sets = [repetition.ngrams(k, n) for k in keys]
        sim = np.array(
            [repetition._jaccard(sets[a], sets[b]) for a, b in zip(early, late, strict=True)]
        )
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


def _former_shared_grams(
    keyed: np.ndarray,
    grams: np.ndarray,
    first: np.ndarray,
    sizes: np.ndarray,
    grams_total: int,
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    counts = sizes[right]
    pair = np.repeat(np.arange(len(right)), counts)
    start = np.repeat(first[right] - (np.cumsum(counts) - counts), counts)
    query = left[pair] * grams_total + grams[start + np.arange(len(pair))]
    found = np.minimum(np.searchsorted(keyed, query), len(keyed) - 1)
    return np.bincount(pair[keyed[found] == query], minlength=len(right))


def _former_minhashes(
    owner: np.ndarray, hashes: np.ndarray, units: int, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    out = np.full((len(a), units), np.iinfo(np.uint64).max, dtype=np.uint64)
    bounds = np.searchsorted(owner, np.arange(units + 1))
    buffer = np.empty((len(a), shared._CHUNK), dtype=np.uint64)
    u = 0
    while u < units:
        lo = int(bounds[u])
        v = int(np.searchsorted(bounds, lo + shared._CHUNK, side="right")) - 1
        if v <= u:  # one unit larger than a slice: running minimum over its slices
            hi = int(bounds[u + 1])
            for start in range(lo, hi, shared._CHUNK):
                block = _former_permute(
                    hashes[start : min(start + shared._CHUNK, hi)], a, b, buffer
                )
                np.minimum(out[:, u], block.min(axis=1), out=out[:, u])
            u += 1
            continue
        block = _former_permute(hashes[lo : int(bounds[v])], a, b, buffer)
        out[:, u:v] = np.minimum.reduceat(block, bounds[u:v] - lo, axis=1)
        u = v
    return out.T


def _former_permute(x: np.ndarray, a: np.ndarray, b: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    view = buffer[:, : len(x)]
    np.multiply(a[:, None], x[None, :], out=view)
    np.add(view, b[:, None], out=view)
    np.right_shift(view, np.uint64(32), out=view)
    return view


def _former_band_keys(mins: np.ndarray, bands: int, rows: int, seed: str) -> np.ndarray:
    grid = mins.reshape(len(mins), bands, rows)
    base = np.uint64(shared._u64("band", seed) | 1)
    with np.errstate(over="ignore"):
        h = np.broadcast_to(
            np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
            (len(mins), bands),
        )
        for r in range(rows):
            h = mix64(h * base + grid[:, :, r])
    return h.view(np.int64)


# -- strategies ------------------------------------------------------------------------------

# Characters at the edges: CJK, ASCII, digits (also full-width and non-BMP ones), NUL-adjacent
# controls, a non-BMP ideograph and an emoji, so code points use all 21 bits.
_CHARS = st.sampled_from(
    [*"整改落实开展学习次万元#0123456789.%", "\x01", "\U00020000", "\U0001f600", "\U0010ffff"]
)
_KEY = st.text(_CHARS, min_size=1, max_size=12)
_KEYS = st.lists(_KEY, min_size=1, max_size=20)

# Units of near-duplicate sentences: few words, so units share many n-grams.
_WORDS = [
    "开展",
    "专项",
    "检查",
    "建立",
    "健全",
    "制度",
    "机制",
    "召开",
    "会议",
    "#次",
    "整改",
    "问题",
]
_UNIT_KEYS = st.lists(
    st.lists(st.sampled_from(_WORDS), min_size=4, max_size=14).map("".join),
    min_size=2,
    max_size=60,
)


def _scalar_hash(gram: str, n: int, base: int) -> int:
    """The gram hash in plain integers: polynomial of code points, + n, splitmix64."""
    h = 0
    for ch in gram.ljust(n, "\0"):
        h = (h * (base | 1) + ord(ch)) & _MASK
    x = (h + n) & _MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


# -- n-gram tables ---------------------------------------------------------------------------


@_SLOW
@given(_KEYS, st.integers(1, 6), st.integers(0, _MASK))
def test_gram_table_is_the_former_and_the_scalar_hash(keys: list[str], n: int, base: int) -> None:
    owner, h = gram_table(keys, n, base)
    former_owner, former_h = _former_gram_table(keys, n, base)
    assert np.array_equal(owner, former_owner) and np.array_equal(h, former_h)
    grams = [k[i : i + n] for k in keys for i in range(max(len(k) - n + 1, 1))]
    assert h.tolist() == [_scalar_hash(g, n, base) for g in grams]
    owner3, h3, packed = gram_table_packed(keys, n, base)
    assert np.array_equal(owner3, owner) and np.array_equal(h3, h)
    if n <= units.PACKED_MAX:
        assert packed is not None
        want = [
            sum(ord(c) << (21 * (n - 1 - j)) for j, c in enumerate(g.ljust(n, "\0"))) for g in grams
        ]
        assert packed.tolist() == want
    else:
        assert packed is None
    assert np.array_equal(gram_windows(keys, n), _former_gram_windows(keys, n))


def test_gram_table_edges() -> None:
    for keys, n in ((["a"], 5), (["12345"], 5), (["\U00020000"], 3), (["ab", "c"], 3), ([], 3)):
        for got, want in zip(gram_table(keys, n, 7), _former_gram_table(keys, n, 7), strict=True):
            assert np.array_equal(got, want)
    assert gram_table_packed([], 3, 7)[2] is not None and gram_table_packed([], 5, 7)[2] is None


# -- sorts -----------------------------------------------------------------------------------


@_SLOW
@given(st.lists(st.integers(0, 2**16 + 5), max_size=300), st.booleans())
def test_stable_order_is_the_stable_argsort(values: list[int], small: bool) -> None:
    key = np.array(values, dtype=np.int64)
    if small:
        key = np.minimum(key, 2**16 - 1)
    bound = int(key.max()) + 1 if len(key) else 1
    for b in {bound, 2**16, 2**16 + 6}:
        if b >= bound:
            assert np.array_equal(repetition._stable_order(key, b), np.argsort(key, kind="stable"))


@_SLOW
@given(
    st.lists(st.integers(0, 7), min_size=0, max_size=200),
    st.lists(st.integers(0, _MASK), min_size=1, max_size=8),
    st.integers(0, 2**32 - 1),
)
def test_hash_order_is_the_stable_argsort(picks: list[int], pool: list[int], low: int) -> None:
    """Duplicates, and distinct hashes sharing their top 32 bits (the checked fallback)."""
    high = pool[0] & ~0xFFFFFFFF
    pool = [*pool, high | low, high | (low ^ 1)]
    h = np.array([pool[i % len(pool)] for i in picks], dtype=np.uint64)
    assert np.array_equal(repetition._hash_order(h), np.argsort(h, kind="stable"))


# -- near-duplicates -------------------------------------------------------------------------


def _units(keys: list[str]) -> list[TextUnit]:
    return [TextUnit(i, 10 * i, 10 * i + len(k), k, k) for i, k in enumerate(keys)]


def _both(keys: list[str], config: RepetitionConfig) -> None:
    us = _units(keys)
    fresh = list(range(len(us)))
    assert repetition._near_matches(us, fresh, config) == _former_near_matches(us, fresh, config)


@_SLOW
@given(
    _UNIT_KEYS,
    st.sampled_from([2, 3, 4, 5]),
    st.sampled_from([0.3, 0.6, 0.9]),
    st.sampled_from([1, 2, 5, 32]),
    st.sampled_from([1, 16]),
)
def test_near_matches_are_the_former(
    keys: list[str], n: int, t: float, cap: int, candidates: int
) -> None:
    """3-grams and below use packed code points, longer grams the windows; any threshold,
    posting cap (groups of an n-gram dropped between kept ones) and candidate count."""
    config = replace(
        load_config(), near_ngram=n, near_threshold=t, posting_cap=cap, max_candidates=candidates
    )
    _both(keys, config)


@_SLOW
@given(_UNIT_KEYS)
def test_sparse_shared_grams_are_the_dense_ones(keys: list[str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(repetition, "_DENSE_MAX", 0)  # every notice takes the searchsorted path
        _both(keys, load_config())


def test_near_matches_with_a_hash_collision_are_the_former() -> None:
    """Every equal hash taken for a collision: both verify on the strings."""
    keys = [
        "开展专项检查建立健全制度机制",
        "开展专项检查建立健全制度",
        "召开会议#次整改问题开展专项",
    ] * 3
    keys = [k + "问题" * i for i, k in enumerate(keys)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(repetition, "_grams_differ", lambda *args: True)
        _both(keys, load_config())


def test_corpus_near_matches_are_the_former() -> None:
    corpus.require()
    config = load_config()
    for path in sorted(corpus.CORPUS.iterdir()):
        text = load_notice(path).text
        got = find_repeats(text)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(repetition, "_near_matches", _former_near_matches)
            assert find_repeats(text) == got, path.name
        us = units.text_units(text, split_sentences(text), config, config.near_min_chars)
        fresh = list(range(len(us)))
        assert repetition._near_matches(us, fresh, config) == _former_near_matches(
            us, fresh, config
        )


# -- MinHash ---------------------------------------------------------------------------------


@_SLOW
@given(st.lists(st.integers(1, 40), min_size=1, max_size=30), st.integers(0, 2**32), st.booleans())
def test_minhashes_are_the_former(sizes: list[int], seed: int, small_chunks: bool) -> None:
    """Also with slices smaller than a unit (the running-minimum path)."""
    rng = np.random.default_rng(seed)
    a, b, _ = shared._constants(load_config().seed, 128)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    hashes = rng.integers(0, 2**64, len(owner), dtype=np.uint64)
    hashes[: min(3, len(hashes))] = [_MASK, 0, 1][: min(3, len(hashes))]
    with pytest.MonkeyPatch.context() as mp:
        if small_chunks:
            mp.setattr(shared, "_CHUNK", 16)
        got = shared._minhashes(owner, hashes, len(sizes), a, b)
        want = _former_minhashes(owner, hashes, len(sizes), a, b)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_text_keys_are_signed64() -> None:
    keys = ["", "a", "#年学习#次", "\U00020000整改", "1" * 500]
    assert shared._text_keys(keys) == [shared._signed64(k) for k in keys]
    assert shared._signed64("a") == int.from_bytes(
        hashlib.blake2b(b"a", digest_size=8).digest(), "big", signed=True
    )


def _former_signatures(text: str) -> list[shared.PassageSignature]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shared, "_minhashes", _former_minhashes)
        mp.setattr(shared, "_band_keys", _former_band_keys)
        mp.setattr(shared, "gram_table", _former_gram_table)
        mp.setattr(shared, "_text_keys", lambda keys: [shared._signed64(k) for k in keys])
        return passage_signatures(text)


_SENTENCES = st.lists(
    st.tuples(
        st.lists(st.sampled_from(_WORDS), min_size=3, max_size=20).map("".join),
        st.sampled_from(["", "1", "22", "\U00020000", "12.5%"]),
    ),
    min_size=1,
    max_size=30,
).map(lambda parts: "".join(a + s + "。" for a, s in parts))


@_SLOW
@given(_SENTENCES)
def test_signatures_are_the_former(text: str) -> None:
    assert passage_signatures(text) == _former_signatures(text)


def test_corpus_signatures_are_the_former() -> None:
    corpus.require()
    for path in sorted(corpus.CORPUS.iterdir()):
        text = load_notice(path).text
        assert passage_signatures(text) == _former_signatures(text), path.name


# -- keys: the marker's re twin, the trimmed spans ------------------------------------------

# regex's \d beyond this Python's (Unicode 16 digits) and re's \s beyond regex's.
_ODD = ["\U00010d40", "\U00016d79", "\x1c", "\x1f", "\x85", "\u3000", "\u2028", "\xa0", "\t"]
_MARKED = st.lists(
    st.sampled_from(
        [
            "一是",
            "二要",
            "(三)",
            "（四）",
            "5.",
            "6、",
            "7)",
            "第一,",
            "其二是",
            "⑴",
            "①",
            "十、",
            "1.5",
            "开展",
            "检查",
            "。",
            ",",
            "；",
            "：",
            " ",
            "\n",
            *_ODD,
        ]
    ),
    max_size=40,
).map("".join)


def _former_text_units(
    text: str, spans: Sequence[tuple[int, int]], config: RepetitionConfig, min_chars: int
) -> list[TextUnit]:
    out: list[TextUnit] = []
    for raw_start, raw_end in spans:
        start, end = units._trim(text, raw_start, raw_end)
        if end - start < min_chars:
            continue
        key = units._DROP.sub("", config.marker.sub("", text[start:end]))
        if len(key) >= min_chars:
            out.append(TextUnit(len(out), start, end, key, units.masked_key(key)))
    return out


@settings(max_examples=400, deadline=None)
@given(_MARKED)
def test_marker_twin_strips_what_the_marker_strips(text: str) -> None:
    marker = load_config().marker
    twin = units.marker_twin(marker)
    assert twin is not None
    assert twin.sub("", text) == marker.sub("", text)
    assert [m.span() for m in twin.finditer(text)] == [m.span() for m in marker.finditer(text)]


def test_twin_classes_are_regex_classes() -> None:
    """Every code point: the twin's \\d and \\s are regex's, not this Python's; the tables
    kept for the installed versions are what a scan reads."""
    classes = units._regex_classes()
    assert classes is not None
    digit, space = (re.compile(f"[{body}]") for body in classes)
    every = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    for ours, theirs in ((digit, regex.compile(r"\d")), (space, regex.compile(r"\s"))):
        assert ours.findall(every) == theirs.findall(every)
    scanned = units._scan_classes()
    assert scanned is not None
    if (regex.__version__, unicodedata.unidata_version) == units._KNOWN_VERSIONS:
        assert scanned == (units._NEWER_DIGITS, units._REGEX_SPACES)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\w+",
        r"\p{Han}",
        r"(?i)a",
        r"[[:alpha:]]",
        r"a{e<=1}",
        r"(?>a)",
        r"[a-\d]",
        r"[\s-z]",
        r"(a)\1",
        r"\x41",
        r"[a--b]",
        r"(?<name>a)",
        r"a{,3}",
        "[abc",
    ],
)
def test_no_twin_outside_the_shared_syntax(pattern: str) -> None:
    try:
        marker = regex.compile(pattern)
    except regex.error:
        return
    assert units.marker_twin(marker) is None


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        [
            r"[\s\d]+x",
            r"[^\s]",
            r"[]a]+",
            r"[^]a]",
            r"a{2,}",
            r"\.\?",
            r"\d{1,3}(?!\d)",
            r"(?<=[,，])\s*[一二]",
            r"(?=a)|b*",
            r"(?:^|(?<=。))\s*\d+",
        ]
    ),
    st.lists(
        st.sampled_from(["a", "b", "x", "]", ".", "?", "1", "22", "，", "一", "。", *_ODD])
    ).map("".join),
)
def test_twins_of_other_patterns_match_alike(pattern: str, text: str) -> None:
    marker = regex.compile(pattern)
    twin = units.marker_twin(marker)
    assert twin is not None, pattern
    assert twin.sub("", text) == marker.sub("", text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["一是开展专项检查", "(二)建立制度", " ", "\u3000", "\n", "\x1c", "。"])
    ).map("".join),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=12),
    st.sampled_from([0, 1, 4, 10]),
)
def test_text_units_are_the_former(text: str, cuts: list[tuple[int, int]], m: int) -> None:
    """Spans inside the text (trimmed with str.strip now), any minimum."""
    config = load_config()
    spans = [(min(a, b, len(text)), min(max(a, b), len(text))) for a, b in cuts]
    spans += split_sentences(text)
    assert units.text_units(text, spans, config, m) == _former_text_units(text, spans, config, m)


# -- keys in one numpy pass ------------------------------------------------------------------

_KEY_PIECES = st.sampled_from(
    [
        "一是",
        "(二)",
        "3.",
        "1.5",
        "２.５",
        ".",
        "..",
        "5",
        "%",
        "‰",
        "，",
        "。",
        " ",
        "\u3000",
        "\u200b",
        "\x00",
        "\x1c",
        "“",
        "”",
        "开展检查",
        "万元",
        "\U00010d45",
        "\U0001d7ce",
        "\ud800",
        "@",
        "_",
        "-",
    ]
)
_FRAGMENTS = st.lists(st.lists(_KEY_PIECES, max_size=12).map("".join), max_size=25)


def _former_keys(fragments: Sequence[str]) -> list[tuple[str, str]]:
    config = load_config()
    keys = [units._DROP.sub("", config.marker.sub("", f)) for f in fragments]
    return [(k, units._DIGITS.sub("#", k)) for k in keys]


@settings(max_examples=500, deadline=None)
@given(_FRAGMENTS)
def test_batch_keys_are_exact_and_masked_keys(fragments: list[str]) -> None:
    """Dots at fragment edges (a digit across the boundary is another fragment's), empty
    and marker-only fragments, lone surrogates, digits of every script."""
    config = load_config()
    want = _former_keys(fragments)
    assert units._keys(fragments, config) == want
    assert [
        (units.exact_key(f, config), units.masked_key(units.exact_key(f, config)))
        for f in fragments
    ] == want
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(units, "_KEY_BATCH", 3)  # many batches, a fragment longer than one
        assert units._keys(fragments, config) == want


def test_char_tables_are_the_regex_classes() -> None:
    """Every code point, and the runs kept for the installed regex are what a scan reads."""
    drop, digit = units._char_tables()
    every = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    for table, source in ((drop, units._DROP_CLASS), (digit, r"\d")):
        want = np.array([ord(c) for c in regex.compile(source, regex.V1).findall(every)])
        assert np.array_equal(np.flatnonzero(table), want)
    # masked_key's \d (regex V0) is the dot rule's (V1)
    assert regex.findall(r"\d", every) == regex.findall(r"\d", every, flags=regex.V1)
    if regex.__version__ == units._KNOWN_VERSIONS[0]:
        kept = (units._parse_runs(units._DROP_RUNS), units._parse_runs(units._DIGIT_RUNS))
        assert units._scan_runs() == kept


def test_dots_between_digits_of_every_script() -> None:
    config = load_config()
    _, digit = units._char_tables()
    digits = [chr(c) for c in np.flatnonzero(digit)]
    fragments = [f"{d}.{d}" for d in digits] + [f".{d}" for d in digits] + [f"{d}." for d in digits]
    assert units._keys(fragments, config) == _former_keys(fragments)


@_SLOW
@given(st.lists(st.integers(0, _MASK), min_size=1, max_size=64))
def test_mix64_in_place_is_mix64(values: list[int]) -> None:
    x = np.array([*values, 0, 1, _MASK], dtype=np.uint64)
    want = mix64(x.copy())
    shared._mix64_in_place(x, np.empty_like(x))
    assert np.array_equal(x, want)


@_SLOW
@given(
    st.integers(1, 40),
    st.sampled_from([(32, 4), (128, 1), (1, 128), (16, 8)]),
    st.integers(0, 2**32),
)
def test_band_keys_are_the_former(units_: int, shape: tuple[int, int], seed: int) -> None:
    """Any banding, on minima as _minhashes returns them (a transposed view) and contiguous."""
    bands, rows = shape
    mins = np.random.default_rng(seed).integers(0, 2**32, (bands * rows, units_), dtype=np.uint64).T
    want = _former_band_keys(mins, bands, rows, "s")
    for m in (mins, np.ascontiguousarray(mins)):
        got = shared._band_keys(m, bands, rows, "s")
        assert got.dtype == want.dtype and np.array_equal(got, want)
