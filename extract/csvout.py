"""CSV for people who open it in Excel: UTF-8 with BOM, CRLF, no formula injection, atomic.

Why: Excel on a zh-CN Windows guesses the system code page unless the file starts with a BOM
(SQLPage#528, metabase#76028); a text cell starting with ``=`` ``+`` ``-`` ``@`` is run as a
formula (OWASP CSV injection), so such text cells get a leading ``'`` — text columns only, or
negative numbers would be quoted (tableExport#230). Files are written to a temporary name in the
same folder, fsync-ed and renamed, so a cron job never leaves a truncated CSV behind.

Two writers share these rules: :func:`csv_bytes` for a frame already in memory (the dashboard's
downloads) and :func:`write_csv_stream` for whole tables (``xuncha export``), which streams
Arrow record batches through Arrow's C++ CSV writer with bounded memory and splits a table
longer than an Excel sheet into parts.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

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


def file_mode() -> int:
    """The mode ``open()`` would give a new file: mkstemp's 0600 is too tight for colleagues."""
    return 0o666 & ~_umask()


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
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return hashlib.sha256(data).hexdigest()


# -- streaming: Arrow record batches to CSV files of at most one Excel sheet each -------------

# An Excel sheet holds 1,048,576 rows, the header included; a longer CSV opens truncated, so a
# streamed table is split into parts of at most this many rows.
EXCEL_MAX_ROWS = 1_048_576


@dataclass
class CsvPart:
    """One file a stream was written to: its name in the folder, data rows and sha256."""

    name: str
    rows: int
    sha256: str


_FORMULA_STARTS = pa.array(list(_FORMULA_START))


def _formula_safe(column: pa.Array) -> pa.Array:
    """A text column whose cells cannot run as formulas (the rule of :func:`_neutralise_cell`).

    Tests the first character once against the trigger set and copies the column only when a
    cell needs the quote (the common case needs none): 8x faster than a test per trigger.
    """
    risky = pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=_FORMULA_STARTS)
    if not pc.any(risky).as_py():
        return column
    return pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)


def excel_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` as the CSV shows it: text guarded against formulas, lists space-separated.

    Column by column in Arrow compute (milliseconds for a million cells), and the result depends
    only on a column's type, never on which rows share a batch: a pandas frame turns an integer
    column holding a NULL into floats, so ``3`` would print as ``3.0`` in one batch only.
    """
    columns = []
    for column in batch.columns:
        if pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            column = pc.binary_join(column.cast(pa.list_(pa.string())), " ")
        elif pa.types.is_string(column.type):
            column = _formula_safe(column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def header_line(names: Sequence[str]) -> bytes:
    """The header row, quoted only where a name needs it (as Excel and pandas write it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(names)
    return out.getvalue().encode("utf-8")


class HashingFile(io.RawIOBase):
    """A binary sink that hashes what passes through: the manifest's sha256 without a reread."""

    def __init__(self, fh: BinaryIO) -> None:
        super().__init__()
        self.fh = fh
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        view = memoryview(data)  # type: ignore[arg-type]
        self.digest.update(view)
        return self.fh.write(view)


class _Part:
    """One part being written: a temporary file in the target folder, hashed as written.

    Each batch is rendered by Arrow's CSV writer into one buffer, then hashed and written in
    one call: a Python sink handed to the writer costs a round trip per 1,024 rows instead.
    """

    def __init__(self, folder: Path, name: str, head: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        self.tmp = Path(tmp)
        self.raw = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.rows = 0
        self._put(head)

    def _put(self, data: bytes | pa.Buffer) -> None:
        self.digest.update(data)
        self.raw.write(data)

    def write(self, batch: pa.RecordBatch, options: pacsv.WriteOptions) -> None:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(batch, sink, write_options=options)
        self._put(sink.getvalue())
        self.rows += batch.num_rows

    def finish(self) -> str:
        """Close, fsync, give the umask's mode (mkstemp makes 0600); returns the sha256."""
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()
        os.chmod(self.tmp, file_mode())
        return self.digest.hexdigest()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.raw.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()


def part_names(name: str, count: int) -> list[str]:
    """``name`` for one part; ``stem-001.ext`` … for several (three digits sort as text)."""
    if count == 1:
        return [name]
    stem, dot, ext = name.rpartition(".")
    return [f"{stem}-{k:03d}{dot}{ext}" for k in range(1, count + 1)]


def write_csv_stream(
    folder: Path,
    name: str,
    names: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    *,
    bom: bool = True,
    max_rows: int = EXCEL_MAX_ROWS,
) -> list[CsvPart]:
    """Stream ``batches`` into ``folder/name``, split into sheets of at most ``max_rows`` rows.

    Memory is one batch whatever the table's size. A table that fits one sheet (header
    included) keeps its plain name; a longer one becomes ``stem-001.csv``, ``stem-002.csv`` …,
    each starting with the header, so every part opens in Excel on its own. Parts are written
    under temporary names and renamed only once the whole table is written, so a failure
    leaves nothing behind.
    """
    if max_rows < 2:
        raise ValueError(f"max_rows={max_rows}: a sheet needs the header and at least one row")
    per_part = max_rows - 1
    head = (BOM if bom else b"") + header_line(names)
    options = pacsv.WriteOptions(include_header=False, eol="\r\n")
    folder.mkdir(parents=True, exist_ok=True)
    done: list[tuple[_Part, str]] = []
    part = _Part(folder, name, head)
    try:
        for batch in batches:
            batch = excel_batch(batch)
            start = 0
            while start < batch.num_rows:
                if part.rows == per_part:
                    done.append((part, part.finish()))
                    part = _Part(folder, name, head)
                take = min(per_part - part.rows, batch.num_rows - start)
                part.write(batch.slice(start, take), options)
                start += take
        done.append((part, part.finish()))
    except BaseException:
        part.discard()
        for finished, _ in done:
            finished.discard()
        raise
    out = []
    for (finished, digest), final in zip(done, part_names(name, len(done)), strict=True):
        os.replace(finished.tmp, folder / final)
        out.append(CsvPart(final, finished.rows, digest))
    return out
