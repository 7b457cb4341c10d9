"""CSV bytes for the download buttons: Excel-friendly and safe to open.

* UTF-8 with a BOM, or Excel on a zh-CN Windows guesses GBK and shows mojibake (notes §4).
* CRLF line endings, as Excel and datasette's CSVs use.
* Formula injection neutralised (OWASP): a text cell starting with ``= + - @`` tab or CR gets
  a leading ``'``. Only *text* columns: a negative number must stay a number.
"""

from __future__ import annotations

import pandas as pd

BOM = b"\xef\xbb\xbf"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text (object/string dtype) cells cannot start a formula."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(_neutralise_cell, na_action="ignore")
    return out


def csv_bytes(df: pd.DataFrame, *, bom: bool = True) -> bytes:
    """``df`` as CSV bytes for a human download (BOM) or a machine feed (``bom=False``)."""
    body = neutralise_formulas(df).to_csv(index=False, lineterminator="\r\n")
    data = body.encode("utf-8")
    return BOM + data if bom else data
