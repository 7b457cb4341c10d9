"""The one numeral reader (extract/text/numerals.py), as both stages use it.

``parse_number`` is what the extractor reads figures with (its cn2an cases are in
tests/test_quantities_numbers.py); ``to_int`` is what the notice parser reads list markers and
dates with. One row per case, each naming what it covers.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from extract.quantities import numbers as reexport
from extract.text import numerals
from extract.text.numerals import NumeralError, parse_chinese, parse_number, to_int

# (covers, token, value)
NUMBERS: list[tuple[str, str, str]] = [
    ("full-width digits", "１２", "12"),
    ("full-width digits with a decimal point", "３.５", "3.5"),
    ("full-width thousands comma", "1,234", "1234"),
    ("mixed decimal and 万", "3.5万", "35000"),
    ("mixed decimal and 亿 stays exact", "16.4亿", "1640000000"),
    ("两 before a small unit", "两千", "2000"),
    ("contracted twenty 廿", "廿", "20"),
    ("contracted twenty-three 廿三", "廿三", "23"),
    ("contracted thirty 卅", "卅", "30"),
    ("万 then a section below it", "三万五千", "35000"),
    ("亿 and 万 together", "一亿二千万", "120000000"),
    ("a leading zero in a figure is tolerated", "零五", "5"),
]

# (covers, token)
NOT_NUMBERS: list[tuple[str, str]] = [
    ("empty", ""),
    ("a slogan, not a number", "十四五"),
    ("a bare small unit", "百"),
    ("a bare scale word", "万"),
    ("两 inside a digit-by-digit run", "二两"),
    ("a Latin word", "abc"),
]

# (covers, token, value): the parser's list markers and dates
MARKERS: list[tuple[str, str, int | None]] = [
    ("Arabic marker", "12", 12),
    ("full-width marker", "１２", 12),
    ("Chinese marker", "十二", 12),
    ("两 alone", "两", 2),
    ("digit-by-digit year", "二〇二三", 2023),
    ("digit-by-digit year with 零", "二零二三", 2023),
    ("circled number", "⑤", 5),
    ("circled twenty-one", "㉑", 21),
    ("parenthesised number", "⑴", 1),
    ("Roman numeral", "Ⅳ", 4),
    ("day written 廿三", "廿三", 23),
    ("day written 卅 (was not read before the merge)", "卅", 30),
    ("day written 卅一", "卅一", 31),
    ("a fraction is no marker", "½", None),
    ("万 never occurs in a marker", "十万", None),
    ("a leading zero before a unit is malformed", "〇十", None),
    ("spaces around the token are dropped", " 三 ", 3),
    ("not a number", "abc", None),
]


@pytest.mark.parametrize(("covers", "token", "value"), NUMBERS, ids=[r[0] for r in NUMBERS])
def test_parse_number(covers: str, token: str, value: str) -> None:
    assert parse_number(token) == Decimal(value)


@pytest.mark.parametrize(("covers", "token"), NOT_NUMBERS, ids=[r[0] for r in NOT_NUMBERS])
def test_not_a_number(covers: str, token: str) -> None:
    with pytest.raises(NumeralError):
        parse_number(token)


@pytest.mark.parametrize(("covers", "token", "value"), MARKERS, ids=[r[0] for r in MARKERS])
def test_to_int(covers: str, token: str, value: int | None) -> None:
    assert to_int(token) == value


def test_markers_and_figures_agree() -> None:
    """Every marker token the parser reads has the value the extractor would give it."""
    for _covers, token, value in MARKERS:
        if value is not None and not token.strip().isdecimal() and len(token.strip()) > 1:
            assert parse_chinese(token.strip().replace("两", "二")) == value, token


def test_quantities_numbers_is_the_same_reader() -> None:
    """extract.quantities.numbers re-exports the text layer: one reader, not two copies."""
    for name in reexport.__all__:
        assert getattr(reexport, name) is getattr(numerals, name), name
