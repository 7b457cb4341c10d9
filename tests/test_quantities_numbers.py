"""Numeral parsing, including every cn2an issue case named in ENGINEERING_NOTES §0.3."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extract.quantities.numbers import NumeralError, parse_chinese, parse_number, parse_range

CASES_NUMBERS: list[tuple[str, str, str]] = [
    # id, token, expected Decimal as text
    ("arabic-int", "17", "17"),
    ("arabic-decimal", "50.9065", "50.9065"),
    ("arabic-thousands", "1,234,567", "1234567"),
    ("mixed-万", "2.1万", "21000"),
    ("mixed-亿", "1.5亿", "150000000"),
    ("cn2an#55-16.4亿", "16.4亿", "1640000000"),  # cn2an gives 1639999999
    ("mixed-千万", "3千万", "30000000"),
    ("cn-十七", "十七", "17"),
    ("cn-两", "两", "2"),
    ("cn-三百二十", "三百二十", "320"),
    ("cn2an#78-十万零一千", "十万零一千", "101000"),  # cn2an raises
    ("cn-两百", "两百", "200"),
    ("cn-一千零十", "一千零十", "1010"),
    ("cn-financial-伍仟", "伍仟", "5000"),  # cn2an#87 left it unconverted in transform
    ("cn-一亿二千万", "一亿二千万", "120000000"),
    ("cn-三千万", "三千万", "30000000"),
    ("cn-year-digits", "二〇二三", "2023"),
    ("cn-十", "十", "10"),
]


@pytest.mark.parametrize(
    ("token", "expected"),
    [(t, e) for _, t, e in CASES_NUMBERS],
    ids=[i for i, _, _ in CASES_NUMBERS],
)
def test_parse_number(token: str, expected: str) -> None:
    assert parse_number(token) == Decimal(expected)


CASES_RANGES: list[tuple[str, str, tuple[int, int] | None]] = [
    ("cn2an#84-两三", "两三", (2, 3)),  # cn2an gives 23
    ("三四十", "三四十", (30, 40)),
    ("两三万", "两三万", (20000, 30000)),
    ("not-a-range-十七", "十七", None),
    ("not-a-range-二四", "二四", None),
]


@pytest.mark.parametrize(
    ("token", "expected"), [(t, e) for _, t, e in CASES_RANGES], ids=[i for i, _, _ in CASES_RANGES]
)
def test_parse_range(token: str, expected: tuple[int, int] | None) -> None:
    got = parse_range(token)
    assert got == (None if expected is None else (Decimal(expected[0]), Decimal(expected[1])))


@pytest.mark.parametrize(
    "token",
    ["十四五", "百", "千", "万", "", "两三四", "abc", "1.2.3"],
    ids=[
        "十四五-plan-name",
        "bare-百",
        "bare-千",
        "bare-万",
        "empty",
        "digit-run",
        "letters",
        "two-points",
    ],
)
def test_not_a_numeral_raises_numeral_error(token: str) -> None:
    with pytest.raises(NumeralError):
        parse_number(token)


def test_decimal_arithmetic_is_exact() -> None:
    """No float on the way: 0.1 + 0.2 style errors cannot appear in folded scales."""
    assert parse_number("22.64亿") == Decimal("2264000000")
    assert parse_number("60.49万") == Decimal("604900")
    assert str(parse_number("0.0001万")) == "1.0000"


def test_chinese_parser_is_cached() -> None:
    parse_chinese.cache_clear()
    parse_chinese("三百二十")
    parse_chinese("三百二十")
    assert parse_chinese.cache_info().hits >= 1


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("16.4亿元", "16.4亿元", 1_640_000_000.0),
        ("两三个", "两三个", 2.0),
        ("十万零一千元。", "十万零一千元", 101_000.0),
    ],
    ids=["16.4亿元", "两三个", "十万零一千元"],
)
def test_issue_cases_through_the_extractor(text: str, surface: str, value: float) -> None:
    from extract.quantities.extractor import extract_quantities

    (q,) = extract_quantities(text)
    assert (q.surface, q.value) == (surface, value)
