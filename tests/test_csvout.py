"""CSV for Excel: BOM, CRLF, formula guarding on text columns only, atomic and streamed writes."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from extract.csvout import (
    BOM,
    csv_bytes,
    excel_batch,
    header_line,
    neutralise_formulas,
    write_atomic,
    write_csv_stream,
)


def test_bom_crlf_and_roundtrip() -> None:
    df = pd.DataFrame({"单位": ["东营港", "滨海港"], "金额": [20000000.0, -3.5]})
    raw = csv_bytes(df)
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 3
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, df)
    assert not csv_bytes(df, bom=False).startswith(b"\xef\xbb\xbf")


def test_formula_injection_only_in_text_cells() -> None:
    df = pd.DataFrame({"t": ["=SUM(A1)", "+1", "-x", "@cmd", "普通"], "n": [-1, -2, 3, 4, 5]})
    out = neutralise_formulas(df)
    assert out["t"].tolist() == ["'=SUM(A1)", "'+1", "'-x", "'@cmd", "普通"]
    assert out["n"].tolist() == [-1, -2, 3, 4, 5]


def test_write_atomic_replaces_and_cleans(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.csv"
    write_atomic(target, b"one")
    digest = write_atomic(target, b"two")
    assert target.read_bytes() == b"two" and len(digest) == 64
    assert [p.name for p in target.parent.iterdir()] == ["a.csv"]


# (column, cells in, cells as the CSV shows them, what the row covers)
EXCEL_CELL_CASES = [
    (pa.array(["=SUM(A1)", "+1", "-x", "@cmd"]), ["'=SUM(A1)", "'+1", "'-x", "'@cmd"], "formulas"),
    (pa.array(["\tx", "\rx"]), ["'\tx", "'\rx"], "tab and CR starts: also formula triggers"),
    (pa.array(["普通", "a=b", None]), ["普通", "a=b", None], "a = inside or a NULL: untouched"),
    (pa.array([-1, -2], pa.int64()), [-1, -2], "negative numbers are numbers, never quoted"),
    (pa.array([-3.5, None]), [-3.5, None], "floats keep their type"),
    (pa.array([[3, 1], [], None], pa.list_(pa.int32())), ["3 1", "", None], "lists: spaces"),
    (pa.array(["=x"], pa.large_string()), ["'=x"], "large strings are text too"),
]


@pytest.mark.parametrize(
    ("column", "expected", "why"), EXCEL_CELL_CASES, ids=[c[2] for c in EXCEL_CELL_CASES]
)
def test_excel_batch_cells(column: pa.Array, expected: list[object], why: str) -> None:
    batch = pa.RecordBatch.from_arrays([column], names=["c"])
    assert excel_batch(batch).column(0).to_pylist() == expected


def _batches(n: int, size: int) -> list[pa.RecordBatch]:
    ids = list(range(n))
    return [
        pa.RecordBatch.from_pydict(
            {"id": ids[i : i + size], "t": [f"行{k}" for k in ids[i : i + size]]}
        )
        for i in range(0, n, size)
    ]


# (rows, batch size, max_rows, expected part names, what it covers)
STREAM_CASES = [
    (0, 1, 10, ["t.csv"], "an empty table: the header alone, plain name"),
    (9, 4, 10, ["t.csv"], "rows + header exactly one sheet: plain name"),
    (10, 4, 10, ["t-001.csv", "t-002.csv"], "one row more: two parts"),
    (25, 7, 10, ["t-001.csv", "t-002.csv", "t-003.csv"], "batches straddle part boundaries"),
]


@pytest.mark.parametrize(
    ("rows", "size", "max_rows", "names", "why"), STREAM_CASES, ids=[c[4] for c in STREAM_CASES]
)
def test_write_csv_stream_parts(
    tmp_path: Path, rows: int, size: int, max_rows: int, names: list[str], why: str
) -> None:
    parts = write_csv_stream(
        tmp_path, "t.csv", ["id", "t"], _batches(rows, size), max_rows=max_rows
    )
    assert [p.name for p in parts] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # no temporary left
    seen: list[int] = []
    for part in parts:
        raw = (tmp_path / part.name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == part.sha256
        assert raw.startswith(BOM + b"id,t\r\n")  # every part opens on its own
        back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
        assert len(back) == part.rows <= max_rows - 1
        seen += back["id"].tolist()
    assert seen == list(range(rows))  # in order, none lost or doubled


def test_write_csv_stream_leaves_nothing_when_it_fails(tmp_path: Path) -> None:
    def failing() -> Iterator[pa.RecordBatch]:
        yield from _batches(5, 2)
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_csv_stream(tmp_path, "t.csv", ["id", "t"], failing(), max_rows=3)
    assert list(tmp_path.iterdir()) == []


def test_write_csv_stream_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        (part,) = write_csv_stream(tmp_path, "t.csv", ["id", "t"], _batches(3, 2))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / part.name).stat().st_mode) == 0o640


def test_header_is_quoted_only_where_needed() -> None:
    """As csv_bytes (pandas) writes it: a plain name stays bare, a comma or quote is quoted."""
    assert header_line(["a", "b,c", 'd"e']) == b'a,"b,c","d""e"\r\n'
