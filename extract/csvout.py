"""CSV for people who open it in Excel: UTF-8 with BOM, CRLF, no formula injection, atomic.

Why: Excel on a zh-CN Windows guesses the system code page unless the file starts with a BOM
(SQLPage#528, metabase#76028); a text cell starting with ``=`` ``+`` ``-`` ``@`` is run as a
formula (OWASP CSV injection), so such text cells get a leading ``'`` — text columns only, or
negative numbers would be quoted (tableExport#230). Files are written to a temporary name in the
same folder, fsync-ed and renamed, so a cron job never leaves a truncated CSV behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd

BOM = b"\xef\xbb\xbf"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells cannot be mistaken for spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[col] = series.map(_neutralise_cell, na_action="ignore")
    return out


def csv_bytes(df: pd.DataFrame, *, bom: bool = True) -> bytes:
    """CSV bytes with CRLF line ends; ``bom=False`` gives plain UTF-8 for machine feeds."""
    body = neutralise_formulas(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
    return (BOM + body) if bom else body


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically; returns its sha256 for the manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; an export is for colleagues too: the mode open() would give.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return hashlib.sha256(data).hexdigest()
