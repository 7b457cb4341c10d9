"""The one numeral reader: Arabic, full-width, Chinese and mixed numerals to exact ``Decimal``.

Both stages read numbers: the quantity extractor reads figures (``16.4亿``, ``两三个``,
``1,234.5``) and the notice parser reads list markers and dates (``十二、``, ``⑤``,
``二〇二三年``). They used to carry a reader each, and the two disagreed at the edges
(full-width digits, 两 in a run of digits). This module is the one reader both use.

Why not ``cn2an.transform``: its documented failures (``16.4亿`` → 1639999999, ``十万零一千``
raising, ``两三个`` → 23) all come from converting whole sentences and from float arithmetic.
Here a token is first classified by the caller's own pattern; cn2an is only asked about *pure*
Chinese numeral sections below 万 (``三百二十``), in strict mode and cached, and the scale words
万/亿 and every multiplication are done with ``Decimal``. A section in its canonical spelling is
read here without cn2an (:func:`_own_section`), so cn2an is imported only for the rare other
token: importing it compiles its regexes and costs 0.10 s, a tenth of a one-notice ingest.

>>> parse_number("16.4亿")
Decimal('1640000000.0')
>>> parse_number("十万零一千")
Decimal('101000')
>>> parse_number("1,234.5"), parse_number("１２"), parse_number("3.5万")
(Decimal('1234.5'), Decimal('12'), Decimal('35000.0'))
>>> parse_chinese("廿三"), parse_chinese("卅"), parse_chinese("两千")
(Decimal('23'), Decimal('30'), Decimal('2000'))
>>> parse_range("两三") == (Decimal(2), Decimal(3))
True
>>> to_int("十二"), to_int("１２"), to_int("⑤"), to_int("二〇二三"), to_int("十万")
(12, 12, 5, 2023, None)
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

__all__ = [
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "CN_SMALL_UNITS",
    "MARKER_NUMERAL_CHARS",
    "SCALES",
    "NumeralError",
    "is_arabic",
    "parse_arabic",
    "parse_chinese",
    "parse_number",
    "parse_range",
    "to_int",
]

CN_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
SCALES: dict[str, Decimal] = {
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "千": Decimal(1000),
    "百": Decimal(100),
}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "万亿"
"""Every character a Chinese figure may be made of (the extractor's numeral alphabet)."""

MARKER_NUMERAL_CHARS = "〇零一二三四五六七八九十百两廿卅"
"""The smaller alphabet of list markers and dates (``十二、``, ``二〇二三年``, ``廿三日``).

A marker never runs to 千/万, so a token such as ``十万`` is not read as a marker number."""

# The contracted tens of dates (廿三日, 卅日): spelled out before the section is parsed.
_CONTRACTED_TENS = {"廿": "二十", "卅": "三十"}
# cn2an knows the financial forms but not 两/〇 in strict mode; fold them first.
_CN2AN_FOLD = str.maketrans({"两": "二", "〇": "零"})
_MARKER_FOLD = str.maketrans({"两": "二"})


class NumeralError(ValueError):
    """Raised for a token that is not a well-formed numeral (``十四五``, ``百``)."""


_OWN_DIGITS: dict[str, int] = {ch: CN_DIGITS[ch] for ch in "零一二三四五六七八九"}
_OWN_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_OWN_SPELL = "零一二三四五六七八九"


@cache
def _canonical_spellings(n: int) -> tuple[str, ...]:
    """The spellings of ``1 <= n <= 9999`` that :func:`_own_section` reads without cn2an.

    Lower-case digits; one 零 for the places skipped before the rest (一百零五, 一千零五,
    一千零五十); 十 and 一十 both for 10..19 standing first or after 零 (十二, 一十二, 一千零十二,
    一千零一十二), only 一十 after 百 (一百一十), as in cn2an's strict grammar.
    tests/test_numerals_own_reader.py checks every form against cn2an.
    """
    if n < 10:
        return (_OWN_SPELL[n],)
    if n < 100:
        tens, ones = divmod(n, 10)
        tail = _OWN_SPELL[ones] if ones else ""
        full = _OWN_SPELL[tens] + "十" + tail
        return (full, "十" + tail) if tens == 1 else (full,)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = _OWN_SPELL[hundreds] + "百"
        if not rest:
            return (head,)
        if rest < 10:
            return (head + "零" + _OWN_SPELL[rest],)
        return (head + _canonical_spellings(rest)[0],)
    thousands, rest = divmod(n, 1000)
    head = _OWN_SPELL[thousands] + "千"
    if not rest:
        return (head,)
    if rest < 100:
        return tuple(head + "零" + form for form in _canonical_spellings(rest))
    return (head + _canonical_spellings(rest)[0],)


def _own_section(token: str) -> int | None:
    """Value of a section below 万 in canonical spelling; None for any other token.

    The value is read naively (each digit times the unit after it), then the token must be one
    of :func:`_canonical_spellings` of that value, so a token this accepts is one cn2an's strict
    grammar accepts with the same value, and everything else still goes to cn2an.
    """
    total = 0
    digit = 0
    for ch in token:
        value = _OWN_DIGITS.get(ch)
        if value is not None:
            digit = value
            continue
        unit = _OWN_UNITS.get(ch)
        if unit is None:
            return None
        total += (digit or 1) * unit
        digit = 0
    total += digit
    if 0 < total < 10_000 and token in _canonical_spellings(total):
        return total
    return None


@lru_cache(maxsize=8192)
def _cn_section(token: str) -> Decimal:
    """Value of a pure Chinese numeral below 万 (``三百二十``), cached.

    A canonical spelling is read by :func:`_own_section`; any other token (financial forms,
    一百十, malformed ones) is asked of cn2an in strict mode, imported here, so the value or the
    error is always cn2an's.
    """
    token = token.lstrip("零〇")
    if not token:
        return Decimal(0)
    folded = token.translate(_CN2AN_FOLD)
    own = _own_section(folded)
    if own is not None:
        return Decimal(own)
    import cn2an  # late: 0.10 s of regex compilation, needed only for non-canonical tokens

    try:
        value = cn2an.cn2an(folded, "strict")
    except (ValueError, KeyError, IndexError) as exc:  # cn2an raises ValueError on bad input
        raise NumeralError(token) from exc
    if not isinstance(value, int):
        raise NumeralError(token)
    return Decimal(value)


@lru_cache(maxsize=8192)
def parse_chinese(token: str) -> Decimal:
    """Parse a Chinese numeral, folding 万/亿 with Decimal arithmetic.

    A run of bare digits (``二〇二三``) is read digit by digit, as years are written; 廿 and 卅
    (20, 30, in dates) are spelled out first.

    >>> parse_chinese("三千万")
    Decimal('30000000')
    >>> parse_chinese("二〇二三")
    Decimal('2023')
    """
    if not token:
        raise NumeralError(token)
    if token[0] in _CONTRACTED_TENS:
        return parse_chinese(_CONTRACTED_TENS[token[0]] + token[1:])
    if len(token) > 1 and all(ch in CN_DIGITS for ch in token):
        if "两" in token:
            raise NumeralError(token)
        return Decimal("".join(str(CN_DIGITS[ch]) for ch in token))
    if "亿" in token:
        high, _, low = token.partition("亿")
        if not high:
            raise NumeralError(token)
        return parse_chinese(high) * SCALES["亿"] + (parse_chinese(low) if low else 0)
    if "万" in token:
        high, _, low = token.partition("万")
        if not high:
            raise NumeralError(token)
        return _cn_section(high) * SCALES["万"] + (_cn_section(low) if low else 0)
    if token[0] not in CN_DIGITS and token[0] not in "十拾":
        raise NumeralError(token)
    return _cn_section(token)


def parse_arabic(token: str) -> Decimal:
    """Parse ``1,234.5`` (digits, comma thousands separators, one decimal point).

    ``Decimal`` itself reads full-width and other Unicode decimal digits (``１２``).
    """
    try:
        return Decimal(token.replace(",", "").replace(",", ""))
    except InvalidOperation as exc:
        raise NumeralError(token) from exc


def is_arabic(token: str) -> bool:
    """True when the token starts with an ASCII digit."""
    return bool(token) and "0" <= token[0] <= "9"


def parse_number(token: str) -> Decimal:
    """Parse an Arabic, Chinese or mixed numeral (``2.1万``, ``16.4亿``, ``3千万``, ``１２``).

    Raises :class:`NumeralError` for anything that is not a numeral.
    """
    token = token.strip()
    if not token:
        raise NumeralError(token)
    if is_arabic(token) or token[0].isdecimal():
        end = len(token)
        while end and token[end - 1] in SCALES:
            end -= 1
        value = parse_arabic(token[:end])
        for ch in token[end:]:
            value *= SCALES[ch]
        return value
    return parse_chinese(token)


def parse_range(token: str) -> tuple[Decimal, Decimal] | None:
    """Read an adjacent-digit approximate range (``两三`` → 2..3, ``三四十`` → 30..40).

    Returns None when the token is not such a range.
    """
    if len(token) < 2 or token[0] not in CN_DIGITS or token[1] not in CN_DIGITS:
        return None
    low, high = CN_DIGITS[token[0]], CN_DIGITS[token[1]]
    if low == 0 or high != low + 1:
        return None
    rest = token[2:]
    if not rest:
        return Decimal(low), Decimal(high)
    try:
        mult = parse_chinese("一" + rest)
    except NumeralError:
        return None
    return Decimal(low) * mult, Decimal(high) * mult


@lru_cache(maxsize=4096)
def to_int(token: str) -> int | None:
    """The whole number a list marker or date token denotes, or None if it is not one.

    Markers and dates are read with the same :func:`parse_chinese` as figures, over the
    smaller :data:`MARKER_NUMERAL_CHARS` alphabet; circled and parenthesised numbers (①, ⑳,
    ⑴) and Roman numerals (Ⅳ) come from their Unicode numeric value. Cached: a notice has
    hundreds of markers, and the same few recur.

    >>> to_int("12"), to_int("１２"), to_int("十二"), to_int("两"), to_int("二〇二三"), to_int("⑤")
    (12, 12, 12, 2, 2023, 5)
    >>> to_int("廿三"), to_int("卅"), to_int("½"), to_int("十万"), to_int("")
    (23, 30, None, None, None)
    """
    token = token.strip()
    if not token:
        return None
    if token.isdecimal():  # Arabic and full-width digits alike
        return int(token)
    if len(token) == 1 and not ("\u4e00" <= token <= "\u9fff") and token != "〇":
        try:  # circled and parenthesised numbers: ①, ⑳, ㉑, ⑴
            value = unicodedata.numeric(token)
        except ValueError:
            return None
        return int(value) if value == int(value) else None
    if any(ch not in MARKER_NUMERAL_CHARS for ch in token):
        return None
    if token[0] in "〇零" and not all(ch in CN_DIGITS for ch in token):
        return None  # "〇十" is no marker; figures tolerate the zero, markers are written whole
    try:
        return int(parse_chinese(token.translate(_MARKER_FOLD)))
    except NumeralError:
        return None
