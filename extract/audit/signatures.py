"""A notice's passage signatures: one per signed unit, kept column-wise in a table.

:class:`PassageSignature` is one signed unit. :class:`SignatureTable` holds a notice's
signatures as a few numpy arrays, one string tuple and one bytes blob, and is what the
analysis returns. Why column-wise: an analysed notice crosses a process boundary (a pool
worker to the one writer) and a 30 KB notice has about 230 signatures. As frozen dataclasses,
each with a tuple of 32 band keys, pickling them cost 1.0 ms a notice in the worker and
unpickling 0.9 ms in the writer, the process every other step waits for; the table takes
0.04 and 0.06 ms (50 generated notices, measured). The writer reads the columns
(:func:`extract.store.passages.store_passages`) and never builds the objects; everything else
may treat the table as a sequence of :class:`PassageSignature`, equal to the list it replaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np


@dataclass(frozen=True, slots=True)
class PassageSignature:
    """One signed unit: ``text[start:end]``, its LSH band keys and MinHash.

    ``band_keys`` hold one signed 64-bit integer per band (a DuckDB ``BIGINT``); two passages
    are candidates when they share any key. ``minhash`` is the MinHash packed as
    ``permutations`` little-endian uint32 (512 bytes, a ``BLOB``;
    :func:`extract.audit.shared.minhash_values` unpacks it), for estimating Jaccard without the
    texts: the share of equal values. ``text_key`` is a signed 64-bit hash of the digit-masked
    key: equal keys are the same passage up to figures. ``key`` is that masked key itself: the
    writer confirms candidate pairs on its n-grams, and computing it again there (regex passes
    over every passage) was most of the writer's time, in the one process that cannot run in
    parallel. Empty when not known (a signature built by hand or read from an older shard); the
    writer then derives it from the text.
    """

    start: int
    end: int
    band_keys: tuple[int, ...]
    minhash: bytes
    text_key: int
    key: str = ""


class SignatureTable(Sequence[PassageSignature]):
    """A notice's signatures, column-wise; a read-only sequence of :class:`PassageSignature`.

    Row ``i`` is ``starts[i]``, ``ends[i]``, ``text_keys[i]`` and ``keys[i]``, its band keys
    ``band_keys[band_offsets[i]:band_offsets[i + 1]]`` and its MinHash the same slice of
    ``minhashes`` by ``minhash_offsets`` (offsets, not a fixed width, so a hand-built list of
    any shape round-trips). Equal to any sequence of the same signatures, in the same order.
    """

    __slots__ = (
        "band_keys",
        "band_offsets",
        "ends",
        "keys",
        "minhash_offsets",
        "minhashes",
        "starts",
        "text_keys",
    )

    def __init__(
        self,
        starts: np.ndarray,
        ends: np.ndarray,
        text_keys: np.ndarray,
        band_keys: np.ndarray,
        band_offsets: np.ndarray,
        minhashes: bytes,
        minhash_offsets: np.ndarray,
        keys: tuple[str, ...],
    ) -> None:
        n = len(keys)
        lengths = {len(starts), len(ends), len(text_keys), len(band_offsets) - 1}
        if lengths != {n} or len(minhash_offsets) != n + 1:
            raise ValueError("signature columns of different lengths")
        self.starts, self.ends, self.text_keys = starts, ends, text_keys
        self.band_keys, self.band_offsets = band_keys, band_offsets
        self.minhashes, self.minhash_offsets, self.keys = minhashes, minhash_offsets, keys

    @classmethod
    def of(cls, signatures: Iterable[PassageSignature]) -> SignatureTable:
        """The table of ``signatures`` (a table is returned as it is)."""
        if isinstance(signatures, SignatureTable):
            return signatures
        sigs = list(signatures)
        return cls(
            np.array([s.start for s in sigs], dtype=np.int64),
            np.array([s.end for s in sigs], dtype=np.int64),
            np.array([s.text_key for s in sigs], dtype=np.int64),
            np.array([k for s in sigs for k in s.band_keys], dtype=np.int64),
            _offsets(len(s.band_keys) for s in sigs),
            b"".join(s.minhash for s in sigs),
            _offsets(len(s.minhash) for s in sigs),
            tuple(s.key for s in sigs),
        )

    @classmethod
    def uniform(
        cls,
        starts: Sequence[int],
        ends: Sequence[int],
        text_keys: Sequence[int],
        band_keys: np.ndarray,
        minhashes: bytes,
        keys: Sequence[str],
    ) -> SignatureTable:
        """A table whose rows all have ``band_keys.shape[1]`` band keys and MinHashes of one
        width (what :func:`extract.audit.shared.passage_signatures` computes)."""
        n, width = band_keys.shape
        step = len(minhashes) // n if n else 0
        return cls(
            np.asarray(starts, dtype=np.int64),
            np.asarray(ends, dtype=np.int64),
            np.asarray(text_keys, dtype=np.int64),
            np.ascontiguousarray(band_keys, dtype=np.int64).ravel(),
            np.arange(n + 1, dtype=np.int64) * width,
            minhashes,
            np.arange(n + 1, dtype=np.int64) * step,
            tuple(keys),
        )

    def band_rows(self) -> list[list[int]]:
        """Each row's band keys as Python ints, in one conversion when rows have one width."""
        n = len(self.keys)
        widths = np.diff(self.band_offsets)
        if n and (widths == widths[0]).all():
            return self.band_keys.reshape(n, int(widths[0])).tolist()
        flat = self.band_keys.tolist()
        bounds = self.band_offsets.tolist()
        return [flat[bounds[i] : bounds[i + 1]] for i in range(n)]

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> PassageSignature: ...

    @overload
    def __getitem__(self, index: slice) -> list[PassageSignature]: ...

    def __getitem__(self, index: int | slice) -> PassageSignature | list[PassageSignature]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self.keys)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("signature index out of range")
        b0, b1 = int(self.band_offsets[i]), int(self.band_offsets[i + 1])
        m0, m1 = int(self.minhash_offsets[i]), int(self.minhash_offsets[i + 1])
        return PassageSignature(
            int(self.starts[i]),
            int(self.ends[i]),
            tuple(self.band_keys[b0:b1].tolist()),
            self.minhashes[m0:m1],
            int(self.text_keys[i]),
            self.keys[i],
        )

    def __iter__(self) -> Iterator[PassageSignature]:
        for i in range(len(self.keys)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside: unhashable, as a list

    def __repr__(self) -> str:
        return f"SignatureTable({list(self)!r})"


def _offsets(lengths: Iterable[int]) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(list(lengths), dtype=np.int64))).astype(np.int64)
