"""The numeral reader's own section reader agrees with cn2an (extract/text/numerals.py).

``_cn_section`` reads a canonical section below 万 itself and asks cn2an only about any other
token, so that cn2an (0.10 s to import) stays off the common path. These tests hold it to that:
every canonical spelling of 1..9999, and every short token over the numeral alphabet, gives
exactly what cn2an in strict mode gives (the value, or NumeralError where cn2an raises).
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import cn2an
import pytest

from extract.text import numerals
from extract.text.numerals import NumeralError

_FOLD = str.maketrans({"两": "二", "〇": "零"})


def _cn2an_section(token: str) -> Decimal:
    """What ``_cn_section`` returned when it asked cn2an about every token (the reference)."""
    token = token.lstrip("零〇")
    if not token:
        return Decimal(0)
    try:
        value = cn2an.cn2an(token.translate(_FOLD), "strict")
    except (ValueError, KeyError, IndexError) as exc:
        raise NumeralError(token) from exc
    if not isinstance(value, int):
        raise NumeralError(token)
    return Decimal(value)


def _outcome(read: object, token: str) -> object:
    try:
        return read(token)  # type: ignore[operator]
    except NumeralError as exc:
        return ("NumeralError", str(exc))


def test_every_canonical_spelling_is_read_as_cn2an_reads_it() -> None:
    seen: set[str] = set()
    for n in range(1, 10_000):
        forms = numerals._canonical_spellings(n)
        assert forms, n
        for form in forms:
            assert form not in seen, form  # one value per spelling
            seen.add(form)
            assert numerals._own_section(form) == n, form
            assert cn2an.cn2an(form, "strict") == n, form
            assert numerals._cn_section(form) == Decimal(n), form


def test_canonical_spellings_include_the_usual_variants() -> None:
    spell = numerals._canonical_spellings
    assert spell(12) == ("一十二", "十二")
    assert spell(1012) == ("一千零一十二", "一千零十二")
    assert spell(110) == ("一百一十",)
    assert spell(105) == ("一百零五",)
    assert spell(1050) == ("一千零五十",)
    assert spell(2023) == ("二千零二十三",)


# Tokens that are not canonical: the own reader must refuse them, and _cn_section must give
# cn2an's answer (a value for the forms cn2an's strict grammar accepts, its error otherwise).
NON_CANONICAL: list[tuple[str, str]] = [
    ("financial digits", "伍仟"),
    ("financial tens", "壹拾贰"),
    ("mixed financial and plain", "三佰二十"),
    ("一百十 (strict cn2an refuses)", "一百十"),
    ("a skipped place without 零", "一千二十"),
    ("a doubled 零", "一千零零五"),
    ("a trailing 零", "一百零"),
    ("零 before a hundred", "一千零一百"),
    ("a bare unit", "百"),
    ("a slogan", "十四五"),
    ("two digits in a row", "三三十"),
    ("units out of order", "十百"),
    ("a repeated unit", "一十一十"),
    ("a traditional form", "貳拾"),
    ("a scale word reaches the section", "一万"),
    ("not a numeral", "元"),
    ("contracted twenty", "廿"),
]

# Tokens the own reader reads once 零/〇 are stripped in front and 两/〇 folded, as before.
FOLDED: list[tuple[str, str]] = [
    ("两 folded", "两千"),
    ("两 folded inside", "一千两百"),
    ("〇 folded", "一千〇五"),
    ("leading zeros", "〇〇五"),
    ("only zeros", "零〇"),
]


@pytest.mark.parametrize(
    ("covers", "token"), NON_CANONICAL + FOLDED, ids=[c for c, _ in NON_CANONICAL + FOLDED]
)
def test_other_tokens_get_cn2an_s_answer(covers: str, token: str) -> None:
    assert _outcome(numerals._cn_section.__wrapped__, token) == _outcome(_cn2an_section, token)


@pytest.mark.parametrize(("covers", "token"), NON_CANONICAL, ids=[c for c, _ in NON_CANONICAL])
def test_own_reader_refuses_non_canonical_tokens(covers: str, token: str) -> None:
    assert numerals._own_section(token.translate(_FOLD)) is None


def test_every_short_token_matches_cn2an() -> None:
    """Every token of up to four characters over the numeral alphabet, read both ways."""
    alphabet = "零〇一二两三九十百千壹拾佰"
    for length in range(1, 5):
        for chars in itertools.product(alphabet, repeat=length):
            token = "".join(chars)
            assert _outcome(numerals._cn_section.__wrapped__, token) == _outcome(
                _cn2an_section, token
            ), token
