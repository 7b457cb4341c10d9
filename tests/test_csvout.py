"""CSV bytes for Excel: BOM, CRLF, formula neutralising on text columns only, atomic writes."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from extract.csvout import csv_bytes, neutralise_formulas, write_atomic


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
