"""Display units: show 12345678 元 as 1234.57万元, as the notices themselves would write it;
show a date at the precision the notice wrote it (2021-03, not 2021-03-01).

Values are stored in base units (元, 平方米 …). For a chart or a table column one scale is
chosen for the whole series (from its largest value), so bars stay comparable; a single
value is formatted with its own scale. Which units scale, and where, is data
(``display_units.toml``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_CONFIG_FILE = Path(__file__).with_name("display_units.toml")


@dataclass(frozen=True)
class Scale:
    """A display scale: divide by ``factor`` and write ``word`` before the unit."""

    word: str
    factor: float
    threshold: float


@cache
def _config() -> tuple[tuple[Scale, ...], frozenset[str]]:
    with _CONFIG_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    scales = tuple(
        sorted(
            (Scale(s["word"], float(s["factor"]), float(s["threshold"])) for s in raw["scale"]),
            key=lambda s: -s.threshold,
        )
    )
    return scales, frozenset(raw["units"]["scaled"])


def choose_scale(unit: str, max_abs: float | None) -> tuple[float, str]:
    """(divisor, display unit) for a series of ``unit`` values whose largest magnitude is given.

    >>> choose_scale("元", 12345678)
    (10000.0, '万元')
    >>> choose_scale("元", 2.264e9)
    (100000000.0, '亿元')
    >>> choose_scale("%", 95.2)
    (1.0, '%')
    """
    scales, scaled_units = _config()
    if unit not in scaled_units or max_abs is None or not math.isfinite(max_abs):
        return 1.0, unit
    for scale in scales:
        if abs(max_abs) >= scale.threshold:
            return scale.factor, f"{scale.word}{unit}"
    return 1.0, unit


def format_number(value: float, digits: int = 2) -> str:
    """Thousands separators, at most ``digits`` decimals, no trailing zeros.

    >>> format_number(1234.5678)
    '1,234.57'
    >>> format_number(17.0)
    '17'
    """
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value: float | None, unit: str, *, separators: bool = False) -> str:
    """One value in its own display scale, e.g. ``1234.57万元``; ``—`` for a missing value.

    >>> format_value(12345678, "元")
    '1234.57万元'
    >>> format_value(900, "元")
    '900元'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    divisor, shown_unit = choose_scale(unit, abs(value))
    number = format_number(value / divisor)
    if not separators:
        number = number.replace(",", "")
    return f"{number}{shown_unit}"


def format_share(share: float | None, digits: int = 1) -> str:
    """A 0..1 share as a percent for display, ``—`` when there is none (nothing to divide).

    >>> format_share(0.8824)
    '88.2%'
    >>> format_share(None)
    '—'
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{format_number(share * 100, digits)}%"


# How a date of each precision is written (sql/views/10_v_notices.sql: a month- or year-precise
# date is stored as the first day of its period, so printing it in full would invent a day).
DATE_FORMATS: dict[str, str] = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
# The notice metadata dates that carry a ``<field>_precision`` column (v_notices).
PRECISE_DATE_FIELDS: tuple[str, ...] = (
    "inspection_start",
    "inspection_end",
    "feedback_date",
    "as_of_date",
    "signed_date",
    "published_date",
)


def format_date(value: object, precision: object = "day") -> str:
    """A stored date as the notice wrote it: ``2021-03-05``, ``2021-03`` or ``2021``; ``—`` when
    there is none. An unknown or missing precision is a full date (rows stored before dates had
    a precision are day-precise). Accepts a date, a datetime/Timestamp or an ISO string.

    >>> format_date(date(2021, 3, 1), "month")
    '2021-03'
    >>> format_date(None, "day")
    '—'
    """
    if value is None or value != value:  # None, NaN and NaT (which are not equal to themselves)
        return "—"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return "—"
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            return text  # not a date after all: shown as stored rather than hidden
    if not isinstance(value, date):
        return str(value)
    fmt = DATE_FORMATS.get(precision if isinstance(precision, str) else "day", DATE_FORMATS["day"])
    return value.strftime(fmt)


def format_date_columns(
    df: pd.DataFrame, fields: Iterable[str] = PRECISE_DATE_FIELDS
) -> pd.DataFrame:
    """A copy of ``df`` with each date column of ``fields`` it has written by
    :func:`format_date` at its ``<field>_precision`` (day when the frame has no such column)."""
    out = df.copy()
    for field in fields:
        if field not in out.columns:
            continue
        precision = out[f"{field}_precision"] if f"{field}_precision" in out.columns else None
        precisions = list(precision) if precision is not None else ["day"] * len(out)
        out[field] = [format_date(v, p) for v, p in zip(out[field], precisions, strict=True)]
    return out


def shown_quantity(row: Mapping[str, object]) -> str:
    """A figure as a reader would say it: ``1234.57万元``, ``2023-11-30``, ``2–3次``.

    ``row`` has the v_quantities columns kind, value, value_high, unit, date_value and
    date_high; a missing upper end (SQL NULL, NaN in pandas) adds nothing, never ``nan``.
    """
    if row["kind"] == "date":
        low, high = row.get("date_value"), row.get("date_high")
        low_text = low if isinstance(low, str) and low else "—"
        return low_text + (f" – {high}" if isinstance(high, str) and high else "")
    value, high_value = row.get("value"), row.get("value_high")
    unit = str(row.get("unit") or "")
    low = float(value) if isinstance(value, int | float) and not math.isnan(value) else None
    if isinstance(high_value, int | float) and not math.isnan(high_value):
        return f"{format_value(low, '')} – {format_value(float(high_value), unit)}"
    return format_value(low, unit)
