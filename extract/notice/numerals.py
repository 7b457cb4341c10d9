"""Numbers as written in list markers and dates: Arabic, full-width, Chinese, circled.

Markers are short and few (hundreds per notice), so conversions are cached. Chinese numerals go
through ``cn2an`` in strict mode only (see ENGINEERING_NOTES: never ``transform`` on sentences);
digit-by-digit forms such as ``二〇二三`` (years) are read one character at a time.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import cn2an

__all__ = ["CN_DIGITS", "CN_NUMERAL_CHARS", "to_int"]

# Characters that may make up a Chinese numeral in a marker or date ("十二", "二〇二三", "两").
CN_DIGITS = "〇零一二三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百两廿"
_DIGIT_VALUES = "〇一二三四五六七八九"  # index == value; 零 is folded to 〇 before lookup


@lru_cache(maxsize=4096)
def to_int(token: str) -> int | None:
    """Return the integer a marker/date token denotes, or None if it is not a number.

    >>> to_int("12"), to_int("１２"), to_int("十二"), to_int("两"), to_int("二〇二三"), to_int("⑤")
    (12, 12, 12, 2, 2023, 5)
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
    token = token.replace("两", "二")
    if any(ch not in CN_NUMERAL_CHARS for ch in token):
        return None
    if len(token) > 1 and all(ch in CN_DIGITS for ch in token):
        # Digit-by-digit (years, "二〇二三"): position value is never implied.
        return int("".join(str(_DIGIT_VALUES.index(ch)) for ch in token.replace("零", "〇")))
    try:
        return int(cn2an.cn2an(token.replace("〇", "零"), "strict"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None
