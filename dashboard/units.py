"""Display units: show 12345678 元 as 1234.57万元, as the notices themselves would write it.

Values are stored in base units (元, 平方米 …). For a chart or a table column one scale is
chosen for the whole series (from its largest value), so bars stay comparable; a single
value is formatted with its own scale. Which units scale, and where, is data
(``display_units.toml``).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
