"""Calendar dates: full, partial, relative and ranges, as ISO-like strings with ``XXXX``.

The grammar runs over the *folded* text (ASCII digits, simplified characters; same length as
the caller's text). Values follow ``Quantity``'s docstring: ``2023-11-30``, ``2023-06``,
``2023``, ``XXXX-06-06``, ``XXXX-XX-20``; a shared-unit range (``1-5月份``, ``2021-2022年度``,
``2023年第一季度``) is one value with ``value_high``.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from extract.quantities.numbers import NumeralError, parse_chinese

# Connectors of a range (a hyphen, dashes, a tilde, 至/到).
_SEP = r"(?:[-—–~至到]|－)"
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_CYEAR = r"(?:[一二][〇零九][〇零一二三四五六七八九]{2})"
_MONTH = r"(?:1[0-2]|0?[1-9])(?!\d)"
_CMONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"
_CDAY = r"(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_PART = r"(?:上中旬|中下旬|上旬|中旬|下旬|初|底|末|中)"

DATE_RE = regex.compile(
    rf"""
    (?=[0-9一二三四五六七八九十〇零前第])   # cheap prefilter: every date starts with one of these
    (?:
    (?<![\d./])(?P<iy>{_YEAR})(?P<isep>[-/.])(?P<im>{_MONTH})(?P=isep)(?P<id>{_DAY})(?![\d.])
    |
    # glued digits with the day word: 20220315日 (a scraped 2022年03月15日 without its words)
    (?<![\d.])(?P<gy>{_YEAR})(?P<gm>0[1-9]|1[0-2])(?P<gd>0[1-9]|[12]\d|3[01])[日号]
    |
    (?<![\d.])(?P<y>{_YEAR}|{_CYEAR})(?:{_SEP}(?P<y2>{_YEAR}))?年(?P<ydu>度)?
    (?:
        (?P<q>第?[一二三四1-4])季度
      | (?P<half>[上下])半年
      | (?P<m>{_MONTH}|{_CMONTH})(?:{_SEP}(?P<m2>{_MONTH}|{_CMONTH}))?月份?
        (?:(?P<d>{_DAY}|{_CDAY})(?:{_SEP}(?P<d2>{_DAY}|{_CDAY}))?[日号])?
        (?P<mpart>{_PART})?
      | (?P<ypart>底|初|末)
    )?
    |
    (?<![\d.])(?P<ly>{_YEAR})(?=[、和及与](?:{_YEAR})年)
    |
    # Chinese-numeral month and day without a year: 九月五日 (a day is required: 三月 alone is
    # too often part of a longer phrase to read as a date)
    (?<![\d.一二三四五六七八九十〇零第])(?P<km>{_CMONTH})月(?P<kd>{_CDAY})[日号]
    |
    (?<![\d.:/一二三四五六七八九十第])(?P<cm>{_MONTH})(?:{_SEP}(?P<cm2>{_MONTH}))?月份?
        (?:(?P<cd>{_DAY})(?:{_SEP}(?P<cd2>{_DAY}))?[日号])?
        (?P<cpart>{_PART})?
    |
    (?<![\d.个一二三四五六七八九十])(?P<qp>前|第)?(?P<qq>[一二三四1-4])季度
    |
    (?<![\d.:/])(?P<dd>{_DAY})日(?!内|以内|之内|左右|以上|时间|工作)
    )
    """,
    regex.VERBOSE,
)

_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass(slots=True)
class DateHit:
    """One date expression, before year inheritance/inference."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    value: str
    value_high: str | None
    precision: str  # year | month | day | dayonly
    unit: str = ""  # the precision as a unit (年 月 日 季度), as the gold annotator writes it


def _num(token: str | None) -> int | None:
    if not token:
        return None
    if token.isascii():
        return int(token)
    try:
        return int(parse_chinese(token))
    except NumeralError:
        return None


def _fmt(year: int | None, month: int | None = None, day: int | None = None) -> str:
    ys = f"{year:04d}" if year is not None else "XXXX"
    if month is None and day is None:
        return ys
    ms = f"{month:02d}" if month is not None else "XX"
    if day is None:
        return f"{ys}-{ms}"
    return f"{ys}-{ms}-{day:02d}"


def _quarter_span(year: int | None, token: str, first: bool = False) -> tuple[str, str]:
    q = _QUARTER[token.lstrip("第")]
    start_q = 1 if first else q
    return _fmt(year, 3 * start_q - 2), _fmt(year, 3 * q)


def parse_date_match(m: regex.Match[str]) -> DateHit | None:
    """Turn one DATE_RE match into a DateHit (None when a part is not a valid numeral)."""
    g = m.group
    start, end = m.span()
    if g("iy"):
        y, mo, d = int(g("iy")), int(g("im")), int(g("id"))
        return DateHit(start, end, y, mo, d, _fmt(y, mo, d), None, "day", "日")
    if g("y"):
        year = _num(g("y"))
        if year is None:
            return None
        y = year
        if g("y2"):
            y2 = int(g("y2"))
            if y2 <= y:
                return None
            return DateHit(start, end, y, None, None, _fmt(y), _fmt(y2), "year", "年")
        if g("q"):
            lo, hi = _quarter_span(y, g("q"))
            return DateHit(start, end, y, None, None, lo, hi, "month", "季度")
        if g("half"):
            lo_m, hi_m = (1, 6) if g("half") == "上" else (7, 12)
            return DateHit(start, end, y, None, None, _fmt(y, lo_m), _fmt(y, hi_m), "month", "月")
        if g("m"):
            return _month_day(start, end, y, g("m"), g("m2"), g("d"), g("d2"))
        if g("ypart"):  # 年底/年末 → December, 年初 → January (month precision)
            month = 1 if g("ypart") == "初" else 12
            return DateHit(start, end, y, month, None, _fmt(y, month), None, "month", "月")
        return DateHit(start, end, y, None, None, _fmt(y), None, "year", "年")
    if g("gy"):
        y, mo, d = int(g("gy")), int(g("gm")), int(g("gd"))
        return DateHit(start, end, y, mo, d, _fmt(y, mo, d), None, "day", "日")
    if g("km"):
        return _month_day(start, end, None, g("km"), None, g("kd"), None)
    if g("ly"):
        y = int(g("ly"))
        return DateHit(start, end, y, None, None, _fmt(y), None, "year", "年")
    if g("cm"):
        return _month_day(start, end, None, g("cm"), g("cm2"), g("cd"), g("cd2"))
    if g("qq"):
        lo, hi = _quarter_span(None, g("qq"), first=g("qp") == "前")
        return DateHit(start, end, None, None, None, lo, hi, "month", "季度")
    if g("dd"):
        d = int(g("dd"))
        return DateHit(start, end, None, None, d, _fmt(None, None, d), None, "dayonly", "日")
    return None


def _month_day(
    start: int, end: int, y: int | None, m: str, m2: str | None, d: str | None, d2: str | None
) -> DateHit | None:
    mo, mo2, day, day2 = _num(m), _num(m2), _num(d), _num(d2)
    if mo is None or not 1 <= mo <= 12:
        return None
    if mo2 is not None and not mo < mo2 <= 12:
        return None
    if d and (day is None or not 1 <= day <= 31):
        return None
    if day is not None:
        high = _fmt(y, mo, day2) if day2 is not None else None
        if mo2 is not None:
            return None  # "4-6月5日" is not a date we can read
        return DateHit(start, end, y, mo, day, _fmt(y, mo, day), high, "day", "日")
    high = _fmt(y, mo2) if mo2 is not None else None
    return DateHit(start, end, y, mo, None, _fmt(y, mo), high, "month", "月")


def with_year(value: str | None, year: int, month: int | None = None) -> str | None:
    """Fill the ``XXXX`` (and, given a month, the ``XX`` month) of a date value."""
    if value is None:
        return None
    if value.startswith("XXXX"):
        value = f"{year:04d}" + value[4:]
    if month is not None and value[5:7] == "XX":
        value = value[:5] + f"{month:02d}" + value[7:]
    return value
