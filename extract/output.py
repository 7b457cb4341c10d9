"""Shared output options for every command that prints rows (sqlite-utils' ``output_options``).

Why one module: ``xuncha sql`` had ``--csv``/``--json``, ``xuncha extract`` printed JSON lines
only and ``xuncha settings`` tab-separated text, each written differently. Every command that
prints rows now takes the same flags and prints through :func:`write_frame`:

``--table`` (default for people: aligned columns, East Asian widths counted),
``--csv``, ``--tsv``, ``--json`` (one array), ``--nl`` (newline-delimited JSON, one object per
line, for ``jq`` and pipelines) and ``--no-headers`` (CSV, TSV and table without the header row).
Missing values print as an empty field in CSV/TSV, ``null`` in JSON and ``—`` in the table, so a
reader never meets ``nan`` or ``None`` (the dashboard's rule too).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported on first use, so `xuncha --help` stays fast
    import pandas as pd

FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "nl")
MISSING = "—"

_HELP = {
    "table": "print an aligned table",
    "csv": "print CSV",
    "tsv": "print tab-separated values",
    "json": "print one JSON array of objects",
    "nl": "print newline-delimited JSON, one object per line",
}


def add_output_options(parser: argparse.ArgumentParser, *, default: str = "table") -> None:
    """Add ``--table/--csv/--tsv/--json/--nl`` (one of) and ``--no-headers`` to ``parser``."""
    group = parser.add_mutually_exclusive_group()
    for name in FORMATS:
        suffix = " (default)" if name == default else ""
        group.add_argument(
            f"--{name}",
            dest="output_format",
            action="store_const",
            const=name,
            help=_HELP[name] + suffix,
        )
    parser.set_defaults(output_format=default)
    parser.add_argument(
        "--no-headers",
        action="store_true",
        help="leave out the header row (table, CSV and TSV)",
    )


def _is_missing(value: object) -> bool:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _json_value(value: object) -> Any:
    """A value JSON can hold: numbers stay numbers, dates ISO text, missing values null."""
    if _is_missing(value):
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):  # pd.Timestamp is a datetime
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _text(value: object, missing: str) -> str:
    if _is_missing(value):
        return missing
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in df.columns]
    return [
        {col: _json_value(v) for col, v in zip(columns, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, max_cell: int | None) -> str:
    """``text`` on one line, cut to ``max_cell`` display columns with "…" (None: whole)."""
    text = text.replace("\r", " ").replace("\n", " ")
    if max_cell is None or _width(text) <= max_cell:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > max_cell - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _table(df: pd.DataFrame, headers: bool, max_cell: int | None = None) -> str:
    import pandas as pd

    columns = [str(c) for c in df.columns]
    if not columns:
        return "(no columns)\n"
    rows = [
        [_clip(_text(v, MISSING), max_cell) for v in row]
        for row in df.itertuples(index=False, name=None)
    ]
    grid = ([columns] if headers else []) + rows
    widths = [max((_width(r[i]) for r in grid), default=0) for i in range(len(columns))]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for cell, w, right in zip(cells, widths, numeric, strict=True):
            pad = " " * (w - _width(cell))
            parts.append(pad + cell if right else cell + pad)
        return "  ".join(parts).rstrip()

    out = [line(r) for r in grid]
    if headers:
        out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"


def render(df: pd.DataFrame, fmt: str, *, headers: bool = True, max_cell: int | None = None) -> str:
    """``df`` as text in output format ``fmt`` (one of :data:`FORMATS`); ``max_cell`` clips a
    table's cells to that many display columns (the other formats are never clipped)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r}")
    if fmt == "table":
        return _table(df, headers, max_cell)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        if headers:
            writer.writerow([str(c) for c in df.columns])
        for row in df.itertuples(index=False, name=None):
            writer.writerow([_text(v, "") for v in row])
        return buf.getvalue()
    records = _records(df)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def render_records(
    records: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, headers: bool = True
) -> str:
    """Rows that are already JSON-ready dicts: JSON formats keep them exactly as given.

    ``xuncha extract`` prints quantities whose ``to_dict()`` is the documented JSON line; going
    through a DataFrame would turn a missing integer into ``NaN`` and an int into a float.
    """
    if fmt == "json":
        return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
    if fmt == "nl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    import pandas as pd

    frame = pd.DataFrame.from_records(list(records), columns=list(columns))
    return render(frame.astype(object), fmt, headers=headers)


def write_frame(df: pd.DataFrame, args: argparse.Namespace, out: IO[str] | None = None) -> None:
    """Print ``df`` in the format the command's output options chose."""
    import sys

    stream = sys.stdout if out is None else out
    stream.write(render(df, getattr(args, "output_format", "table"), headers=not args.no_headers))
