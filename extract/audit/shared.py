"""Passages shared across notices: MinHash signatures, exact confirmation, cluster labels.

The store keeps each notice's band keys in ``passage_bands(notice_id, passage_id, band_key
BIGINT)`` and finds candidate pairs with a join on ``band_key`` against the other notices, so
ingesting a notice costs work proportional to that notice, not to the store. Candidates are
then confirmed with exact Jaccard (:func:`confirm_shared`): LSH also returns pairs below its
threshold (datasketch#105). Confirmed pairs form clusters (:func:`clusters`) that
:func:`label_cluster` calls boilerplate or copied measure.

The MinHash is written here (numpy, about 60 lines) rather than taken from ``datasketch``:
band keys are stored, so they must never change under us. Every constant is derived from the
seed in ``repetition.toml`` with blake2b and every step is 64-bit integer arithmetic, so the
keys are the same in every process, Python and numpy version (no ``hash()`` of str). n-grams
are hashed in numpy from the UTF-32 code points, so a notice is signed in a few vector ops.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np

from extract.audit.config import RepetitionConfig, load_config
from extract.audit.signatures import PassageSignature, SignatureTable
from extract.audit.units import (
    TextUnit,
    exact_key,
    gram_table,
    masked_key,
    ngrams,
    text_units,
)
from extract.audit.units import mix64 as mix64  # kept here for callers of shared.mix64 (tests)
from extract.quantities.sentences import split_sentences

__all__ = [
    "ClusterLabel",
    "ClusterMember",
    "PassageSignature",
    "SignatureTable",
    "clusters",
    "confirm_shared",
    "confirmed_similarity",
    "estimate_jaccard",
    "label_cluster",
    "minhash_values",
    "passage_signatures",
]

ClusterLabel = Literal["boilerplate", "copied_measure"]

_MASK64 = (1 << 64) - 1
# Grams are permuted in slices of about this many rows (x 128 permutations x 8 bytes = 4 MB),
# so a 600 KB "sentence" or a 1 MB notice never holds its whole gram matrix at once. 4,096
# measured best inside the whole audit (2.47 ms a notice at 16,384, 2.09 here; 2,048 and
# below cost more calls than they save in cache misses).
_CHUNK = 4_096


class ClusterMember(NamedTuple):
    """A notice holding a passage of a cluster (from ``notices``: id, issuer, inspected unit)."""

    notice_id: str
    issuer: str | None
    inspected_unit: str | None


def minhash_values(minhash: bytes) -> tuple[int, ...]:
    """The MinHash values packed in :attr:`PassageSignature.minhash`."""
    return tuple(np.frombuffer(minhash, dtype="<u4").tolist())


def estimate_jaccard(a: PassageSignature, b: PassageSignature) -> float:
    """MinHash estimate of the Jaccard of two passages (share of equal values)."""
    va, vb = np.frombuffer(a.minhash, dtype="<u4"), np.frombuffer(b.minhash, dtype="<u4")
    return float(np.mean(va == vb)) if len(va) == len(vb) and len(va) else 0.0


def _u64(label: str, seed: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(f"{seed}/{label}".encode(), digest_size=8).digest(), "big"
    )


@lru_cache(maxsize=4)
def _constants(seed: str, permutations: int) -> tuple[np.ndarray, np.ndarray, np.uint64]:
    """Odd multipliers and offsets of the multiply-shift permutations, and the gram base."""
    a = np.array([_u64(f"a{i}", seed) | 1 for i in range(permutations)], dtype=np.uint64)
    b = np.array([_u64(f"b{i}", seed) for i in range(permutations)], dtype=np.uint64)
    return a, b, np.uint64(_u64("base", seed) | 1)


class _Buffers(threading.local):
    """One permutation buffer per thread, kept between notices.

    A fresh ``np.empty`` per notice can be fresh pages from the kernel every time, whose
    faults count as CPU time too. Per thread because the dashboard signs notices from
    Streamlit's threads.
    """

    permute: np.ndarray | None = None


_BUFFERS = _Buffers()


def _permute_buffer(permutations: int) -> np.ndarray:
    buffer = _BUFFERS.permute
    if buffer is None or buffer.shape != (permutations, _CHUNK):
        buffer = _BUFFERS.permute = np.empty((permutations, _CHUNK), dtype=np.uint64)
    return buffer


def _minhashes(
    owner: np.ndarray, hashes: np.ndarray, units: int, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """``(units, permutations)`` minima of ``(a * x + b) >> 32`` over each unit's grams.

    Multiply-shift permutations on 64-bit gram hashes, 32-bit values. Grams are processed in
    slices of about ``_CHUNK`` rows cut at unit boundaries (one reduceat per slice), a unit
    longer than a slice alone in several, so memory stays bounded whatever the input.

    The shift comes after the minimum (``x >> 32`` never decreases as ``x`` grows, so the
    minimum of the shifted values is the shifted minimum): one pass over the units'
    minima instead of one over every gram and permutation. With the buffer kept between
    notices (:class:`_Buffers`) and 4,096-gram slices: 1.18 -> 0.76 ms of a 30 KB notice.
    """
    out = np.full((len(a), units), np.iinfo(np.uint64).max, dtype=np.uint64)
    bounds = np.searchsorted(owner, np.arange(units + 1))
    buffer = _permute_buffer(len(a))
    u = 0
    while u < units:
        lo = int(bounds[u])
        v = int(np.searchsorted(bounds, lo + _CHUNK, side="right")) - 1
        if v <= u:  # one unit larger than a slice: running minimum over its slices
            hi = int(bounds[u + 1])
            for start in range(lo, hi, _CHUNK):
                block = _permute(hashes[start : min(start + _CHUNK, hi)], a, b, buffer)
                np.minimum(out[:, u], block.min(axis=1), out=out[:, u])
            u += 1
            continue
        block = _permute(hashes[lo : int(bounds[v])], a, b, buffer)
        out[:, u:v] = np.minimum.reduceat(block, bounds[u:v] - lo, axis=1)
        u = v
    np.right_shift(out, np.uint64(32), out=out)
    return out.T


def _permute(x: np.ndarray, a: np.ndarray, b: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """``a * x + b`` (wrapping) for each permutation (rows) and gram x (columns), in ``buffer``.

    Permutations by rows keep each unit's grams contiguous, so the per-unit minimum
    (``reduceat`` along the last axis) streams through memory. The caller shifts the minima.
    """
    view = buffer[:, : len(x)]
    np.multiply(a[:, None], x[None, :], out=view)
    np.add(view, b[:, None], out=view)
    return view


def _band_keys(mins: np.ndarray, bands: int, rows: int, seed: str) -> np.ndarray:
    """``(units, bands)`` signed 64-bit keys: each band's rows folded, its index mixed in.

    The rows are laid out contiguously first and splitmix64 runs in place on arrays of its
    own: the same arithmetic as :func:`extract.audit.units.mix64` without a temporary per
    step (0.15 -> 0.08 ms of a 30 KB notice).
    """
    columns = np.ascontiguousarray(mins.reshape(len(mins), bands, rows).transpose(2, 0, 1))
    base = np.uint64(_u64("band", seed) | 1)
    h = np.broadcast_to(
        np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
        (len(mins), bands),
    )
    scratch = np.empty((len(mins), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            h = np.multiply(h, base)
            h += columns[r]
            _mix64_in_place(h, scratch)
    return h.view(np.int64)


def _mix64_in_place(x: np.ndarray, scratch: np.ndarray) -> None:
    """``x = mix64(x)`` (splitmix64's finaliser) in ``x``, with ``scratch`` for the shifts."""
    np.right_shift(x, np.uint64(30), out=scratch)
    x ^= scratch
    x *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(x, np.uint64(27), out=scratch)
    x ^= scratch
    x *= np.uint64(0x94D049BB133111EB)
    np.right_shift(x, np.uint64(31), out=scratch)
    x ^= scratch


def _signed64(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def _text_keys(keys: Iterable[str]) -> list[int]:
    """:func:`_signed64` of each key, with the look-ups bound once (0.33 -> 0.2 ms a notice)."""
    blake2b, from_bytes = hashlib.blake2b, int.from_bytes
    return [
        from_bytes(blake2b(k.encode(), digest_size=8).digest(), "big", signed=True) for k in keys
    ]


def passage_signatures(
    text: str,
    spans: Sequence[tuple[int, int]] | None = None,
    *,
    config: RepetitionConfig | None = None,
    units: Sequence[TextUnit] | None = None,
) -> SignatureTable:
    """MinHash signatures of the units of ``text`` with at least ``cross.min_chars`` characters.

    Character 5-grams of the digit-masked key (a measure copied with other figures is still
    the same passage). A unit whose masked key already occurred in this notice is not signed
    again: inside a notice that is a restatement, found by :func:`find_repeats`, and it keeps
    20,000 copies of one sentence from producing 20,000 signatures.

    ``units``, when given, are ``text_units(text, spans, config, m)`` for some ``m`` up to
    ``cross.min_chars`` (``spans`` is then not read): the pipeline computes them once for this
    and :func:`extract.audit.repetition.find_repeats`.
    """
    config = config or load_config()
    if units is None:
        if spans is None:
            spans = split_sentences(text)
        units = text_units(text, spans, config, config.cross_min_chars)
    a, b, base = _constants(config.seed, config.permutations)
    seen: set[str] = set()
    signed = []
    min_chars = config.cross_min_chars
    for unit in units:
        if unit.masked not in seen and len(unit.exact) >= min_chars:
            seen.add(unit.masked)
            signed.append(unit)
    if not signed:
        return SignatureTable.of(())
    masked = [u.masked for u in signed]
    owner, hashes = gram_table(masked, config.cross_ngram, int(base))
    mins = np.ascontiguousarray(_minhashes(owner, hashes, len(signed), a, b))
    band_keys = _band_keys(mins, config.bands, config.rows, config.seed)
    return SignatureTable.uniform(
        [u.start for u in signed],
        [u.end for u in signed],
        _text_keys(masked),
        band_keys,
        # the MinHashes as one blob of little-endian uint32 rows (SignatureTable's layout)
        np.ascontiguousarray(mins, dtype="<u4").tobytes(),
        masked,
    )


def confirm_shared(
    text_a: str,
    span_a: tuple[int, int],
    text_b: str,
    span_b: tuple[int, int],
    *,
    config: RepetitionConfig | None = None,
) -> float | None:
    """Exact 5-gram Jaccard of two passages if it reaches ``cross.confirm_threshold``, else None.

    Same keys and n-grams as :func:`passage_signatures`, so a confirmed pair is what the
    signatures estimated.
    """
    config = config or load_config()
    keys = [
        masked_key(exact_key(t[s:e], config)) for t, (s, e) in ((text_a, span_a), (text_b, span_b))
    ]
    if not all(keys):
        return None
    ga, gb = (ngrams(k, config.cross_ngram) for k in keys)
    return confirmed_similarity(ga, gb, config)


def confirmed_similarity(
    ga: frozenset[str], gb: frozenset[str], config: RepetitionConfig
) -> float | None:
    """Jaccard of two non-empty n-gram sets, rounded as stored, if it reaches
    ``cross.confirm_threshold``, else None: the one rule behind :func:`confirm_shared` and the
    store's writer (extract/store/passages.py), which caches the sets per batch."""
    inter = len(ga & gb)
    sim = inter / (len(ga) + len(gb) - inter)
    return round(sim, 4) if sim >= config.confirm_threshold else None


def clusters(pairs: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Connected groups of confirmed pairs (union-find), each group in first-seen order.

    Members are whatever the store uses to name a passage, e.g. ``(notice_id, passage_id)``.
    """
    parent: dict[Hashable, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for x, y in pairs:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[ry] = rx
    groups: dict[Hashable, list[Hashable]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def label_cluster(
    passage: str, members: Sequence[ClusterMember], *, config: RepetitionConfig | None = None
) -> ClusterLabel:
    """``"boilerplate"`` or ``"copied_measure"`` for a cluster of shared passages.

    ``passage`` is the text of one member (the first, say); ``members`` the notices holding
    the cluster. The rule, in order:

    1. a stock cue (``label.boilerplate_cues``: 欢迎…监督, 联系电话, 邮政信箱 …) -> boilerplate;
    2. fewer than two distinct inspected units (a unit reusing its own words across its
       notices; a notice without a known unit counts as its own unit) -> boilerplate;
    3. no measure: shorter than ``label.measure_min_chars`` normalised characters, or neither
       an action verb (``label.action_words``: 制定, 建立, 开展 …) nor a figure -> boilerplate;
    4. shared by at least ``label.boilerplate_min_issuers`` distinct issuers and without a
       figure: a stock formula of the genre -> boilerplate;
    5. otherwise a substantive measure in notices of different inspected units ->
       copied_measure (a finding: one unit's measure pasted into another's report).
    """
    config = config or load_config()
    key = exact_key(passage, config)
    if any(cue in passage for cue in config.boilerplate_cues):
        return "boilerplate"
    units = {m.inspected_unit or f"notice:{m.notice_id}" for m in members}
    if len(units) < 2:
        return "boilerplate"
    has_figure = any(c.isdigit() for c in key)
    has_action = any(word in key for word in config.action_words)
    if len(key) < config.measure_min_chars or not (has_action or has_figure):
        return "boilerplate"
    issuers = {m.issuer or f"notice:{m.notice_id}" for m in members}
    if len(issuers) >= config.boilerplate_min_issuers and not has_figure:
        return "boilerplate"
    return "copied_measure"
