"""SignatureTable: a notice's passage signatures column-wise, equal to the list it replaces.

The analysis returns a table so that a pool worker's result pickles as a few arrays instead of
one object per passage (extract/audit/signatures.py); everything that reads signatures one by
one must still see the same :class:`PassageSignature` values.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from extract.audit.shared import passage_signatures
from extract.audit.signatures import PassageSignature, SignatureTable
from extract.reading import load_notice
from tests import corpus

# (what it covers, signatures as a hand-built list)
ROWS = [
    ("no signature at all", []),
    (
        "one width of band keys and MinHash, as the analysis signs",
        [
            PassageSignature(0, 9, (1, 2, 3), b"\x01\x00\x00\x00" * 2, 7, "开展学习#次"),
            PassageSignature(10, 30, (-4, 5, 6), b"\x02\x00\x00\x00" * 2, -8, "整改#项"),
        ],
    ),
    (
        "hand-built rows of different widths, an empty MinHash and no masked key",
        [
            PassageSignature(3, 4, (2**63 - 1,), b"", 1),
            PassageSignature(5, 8, (), b"\xff", -(2**63)),
            PassageSignature(9, 12, (1, 1, 2, 2), b"ab", 0, "键"),
        ],
    ),
    (
        "ragged rows whose total is a multiple of the first width (2 + 0 + 4 = 3 x 2)",
        [
            PassageSignature(0, 2, (7, 8), b"", 1),
            PassageSignature(2, 4, (), b"", 2),
            PassageSignature(4, 6, (9, 10, 11, 12), b"", 3),
        ],
    ),
]


@pytest.mark.parametrize(("why", "sigs"), ROWS, ids=[r[0] for r in ROWS])
def test_a_table_reads_back_its_signatures(why: str, sigs: list[PassageSignature]) -> None:
    table = SignatureTable.of(sigs)
    assert len(table) == len(sigs), why
    assert list(table) == sigs, why
    assert table == sigs and sigs == table, why  # both ways, as the list it replaces
    assert table[:] == sigs and table[1:] == sigs[1:], why
    if sigs:
        assert table[-1] == sigs[-1] and table[0] == sigs[0], why
        assert all(type(x) is int for x in table[0].band_keys), why
    with pytest.raises(IndexError):
        table[len(sigs)]
    assert table.band_rows() == [list(s.band_keys) for s in sigs], why
    again = pickle.loads(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(again, SignatureTable) and again == sigs, why
    assert SignatureTable.of(table) is table, why


def test_a_table_differs_from_other_signatures() -> None:
    sigs = ROWS[1][1]
    table = SignatureTable.of(sigs)
    assert table != sigs[:1]
    assert table != [sigs[0], PassageSignature(10, 30, (-4, 5, 7), sigs[1].minhash, -8, "整改#项")]
    assert table != "not signatures"


def test_columns_of_different_lengths_are_refused() -> None:
    one = np.zeros(1, dtype=np.int64)
    with pytest.raises(ValueError, match="different lengths"):
        SignatureTable(one, one, np.zeros(2, dtype=np.int64), one, np.zeros(2), b"", one, ("a",))


def test_the_analysis_table_is_the_per_passage_signatures() -> None:
    """passage_signatures fills the table in its uniform layout: each row reads back as the
    signature built one by one from the same columns, and the table pickles smaller and as one
    object per column, not one per passage."""
    for path in corpus.corpus_paths()[:2]:
        text = load_notice(path, None).text
        table = passage_signatures(text)
        assert isinstance(table, SignatureTable)
        rebuilt = SignatureTable.of(list(table))
        assert rebuilt == table
        assert rebuilt.band_offsets.tolist() == table.band_offsets.tolist()
        assert rebuilt.minhashes == table.minhashes
        width = len(table[0].minhash)
        assert width and all(len(s.minhash) == width for s in table)
        assert len(pickle.dumps(table)) < len(pickle.dumps(list(table)))
