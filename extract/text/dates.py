"""The one date grammar: day, month and year precision, ranges, quarters, year inheritance.

Both stages read dates from the *matching copy* of the text (``extract.text.fold``: ASCII digits,
simplified characters, same length as the stored text), with the numerals of
:mod:`extract.text.numerals` and the range connectors of :mod:`extract.text.punctuation`.

Two readings are offered, because the stages ask different questions:

* **Figures** (the quantity extractor): :data:`DATE_RE` and :func:`parse_date_match` give every
  date expression as a value string as ``docs/quantity-spec.md`` §3 states it — ``2023-11-30``,
  ``2023-06``, ``2023``, ``XXXX-06-06``, ``XXXX-XX-20`` — with its precision (``day``, ``month``,
  ``year``, ``dayonly``); a shared-unit range (``1-5月份``, ``2021-2022年度``, ``2023年第一季度``)
  is one value with ``value_high``. :func:`with_year` fills in an inherited year.
* **Mentions** (the notice parser's metadata): :func:`find_dates` and :func:`find_ranges` give
  :class:`DateMention` records (year, month, day; the day may be missing) tolerant of the spaces
  a scraped page puts between parts (``2023 年 11 月``); :func:`first_day` turns one into the
  stored ``(date, precision)`` and :func:`infer_year` lends a yearless mention the year of a date
  the notice itself states (never today's).

A yearless date is never resolved against today. Real pages state many dates only to the month
(``2019年9月至11月``, ``3月上旬``, ``2023年第一季度``, ``4至6月``, ``2023年底``): a mention keeps
``day=None`` and its ``precision`` says so, so callers store the first day of the period with
precision ``'month'`` instead of dropping it.

>>> [(d.year, d.month, d.day, d.precision) for d in find_dates("截至2023年底,于2022年12月9日")]
[(2023, 12, None, 'month'), (2022, 12, 9, 'day')]
>>> hit = parse_date_match(DATE_RE.search("2023年第一季度"))
>>> hit.value, hit.value_high, hit.precision
('2023-01', '2023-03', 'month')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extract.text.numerals import NumeralError, parse_chinese, to_int
from extract.text.punctuation import range_link

__all__ = [
    "DATE_RE",
    "DateHit",
    "DateMention",
    "DateRange",
    "find_dates",
    "find_ranges",
    "first_day",
    "infer_year",
    "make_date",
    "parse_date_match",
    "with_year",
]

# ---------------------------------------------------------------------------------- figures

# Connectors of a range (a hyphen, dashes, a tilde, 至/到): the shared set.
_SEP = range_link()
_YEAR = r"(?:19[4-9]\d|20\d\d)"
_CYEAR = r"(?:[一二][〇零九][〇零一二三四五六七八九]{2})"
_MONTH = r"(?:1[0-2]|0?[1-9])(?!\d)"
_CMONTH = r"(?:十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)"
_CDAY = r"(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
# Parts of a month (month precision). Both readings know the same words; the figures grammar
# also takes a bare 中 (5月中), which a mention must not, or 5月中央巡视组 would end inside 中央.
_MONTH_PART_WORDS = "上中旬|中下旬|上旬|中旬|下旬|初|底|末"
_MONTH_PARTS = rf"(?:{_MONTH_PART_WORDS})"
_PART = rf"(?:{_MONTH_PART_WORDS}|中)"
# Parts of a year: 年底/年末 (December) and 年初 (January); 年初 is no date in 2023年初步完成.
_YEAR_PARTS = r"(?:底|末|初(?![步见具次期]))"

# Compiled by ``re``, not ``regex``: the same matches (tests/test_text_dates.py compares the
# two on the corpus and the samples) in half the time, 42 against 85-89 ms over the corpus
# notices 20 times (1.35 M characters); ``regex`` spends it entering the lookbehinds at every
# prefiltered position. ``\d`` is then ``re``'s: it differs from ``regex``'s only in digits of
# scripts newer than Python's Unicode tables (110 code points on Python 3.11), none of them in
# a date of a Chinese notice.
DATE_RE = re.compile(
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
      | (?P<ypart>{_YEAR_PARTS})
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
    re.VERBOSE,
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


def parse_date_match(m: re.Match[str]) -> DateHit | None:
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


# --------------------------------------------------------------------------------- mentions

_M_CN = "〇零一二三四五六七八九十两"
_M_YEAR = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
# A month may carry a part-of-month word (上旬, 中旬, 下旬, 初, 底, 末): still month precision.
_M_MONTH = rf"(?P<m>\d{{1,2}}|[{_M_CN}]{{1,3}})\s*月\s*(?:份\s*)?{_MONTH_PARTS}?\s*"
# A day may be written with the contracted tens of dates (廿三日, 卅日).
_M_DAY = rf"(?P<d>\d{{1,2}}|[{_M_CN}廿卅]{{1,3}})\s*[日号]"
# 2023年11月30日 · 11月30日 · 2023年11月 · 二〇二三年五月十日 · 2024-04-15 · 2024.4.15 · 2024/4/15
# The leading lookahead names the possible first characters (every form opens with a digit or
# a Chinese numeral): ``re`` then skips ahead with a fast character scan instead of trying the
# optional year group at every position (6x faster on a notice's opening paragraph).
# 2023年底 / 2023年末 (December) and 2023年初 (January) are month-precise, as the figures grammar
# reads them.
_M_YEAR_PART = rf"(?P<ey>\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年\s*(?P<ep>{_YEAR_PARTS})"
_M_YEAR_PART_MONTH = {"底": 12, "末": 12, "初": 1}
_M_DATE = re.compile(
    rf"(?=[\d{_M_CN}])(?<![\d{_M_CN}])(?:(?:{_M_YEAR})?{_M_MONTH}(?:{_M_DAY})?"
    r"|(?P<iy>\d{4})\s*[-/.]\s*(?P<im>\d{1,2})\s*[-/.]\s*(?P<id>\d{1,2})(?!\d)"
    rf"|{_M_YEAR_PART})"
)
# The end of a range may be a day alone: "5月9日至11日".
_M_LINK = range_link()
_M_RANGE_LINK = re.compile(rf"\s*{_M_LINK}\s*")
_M_DAY_ONLY = re.compile(rf"(?P<d>\d{{1,2}}|[{_M_CN}廿卅]{{1,3}})\s*[日号]")
_M_NUM = rf"(?:\d{{1,2}}|[{_M_CN}]{{1,3}})"
_M_OPT_YEAR = r"(?:(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*)?"
# Forms whose first half is not a date on its own: "4至6月" (two months, one 月),
# "3月8至9日" (two days, one 日), "2023年第一季度" / "一季度" (a quarter), "上半年".
_M_MONTH_SPAN = re.compile(
    rf"(?<![\d{_M_CN}月])(?=[\d{_M_CN}])(?:{_M_OPT_YEAR})(?P<m1>{_M_NUM})\s*{_M_LINK}\s*(?P<m2>{_M_NUM})\s*月"
    r"(?!\s*[\d一二三四五六七八九十]{1,3}\s*[日号])"
)
_M_DAY_SPAN = re.compile(
    rf"(?<![\d{_M_CN}])(?=[\d{_M_CN}])(?:{_M_OPT_YEAR})(?P<m>{_M_NUM})\s*月\s*(?P<d1>{_M_NUM})\s*{_M_LINK}"
    rf"\s*(?P<d2>{_M_NUM})\s*[日号]"
)
_M_QUARTER = re.compile(
    rf"(?<![\d{_M_CN}])(?:{_M_OPT_YEAR})(?:第\s*)?(?P<q>[1-4一二三四])\s*季度"
    r"|(?<![\d〇零一二三四五六七八九])(?:(?P<hy>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*)?(?P<h>[上下])半年"
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date as written: year/day may be missing. Offsets index the searched text."""

    start: int
    end: int
    year: int | None
    month: int
    day: int | None

    @property
    def precision(self) -> str:
        """``'day'`` when a day is written, else ``'month'`` (every mention has a month)."""
        return "day" if self.day is not None else "month"


@dataclass(frozen=True, slots=True)
class DateRange:
    """``first`` to ``second``; the second's missing year/month come from the first."""

    first: DateMention
    second: DateMention


def _mention(m: re.Match[str], offset: int = 0) -> DateMention | None:
    year: int | None
    day: int | None
    if m.group("iy"):
        year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    elif m.group("ey"):
        year, month, day = to_int(m.group("ey")), _M_YEAR_PART_MONTH[m.group("ep")], None
    else:
        year = to_int(m.group("y")) if m.group("y") else None
        month = to_int(m.group("m")) or 0
        day = to_int(m.group("d")) if m.group("d") else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if year is not None and not 1949 <= year <= 2100:
        return None
    return DateMention(m.start() + offset, m.end() + offset, year, month, day)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date mention in ``text[start:end]``, offsets into ``text``.

    >>> [(d.year, d.month, d.day) for d in find_dates("于2022年12月9日反馈,8月29日召开")]
    [(2022, 12, 9), (None, 8, 29)]
    """
    end = len(text) if end is None else end
    found = []
    for m in _M_DATE.finditer(text, start, end):
        mention = _mention(m)
        if mention is not None:
            found.append(mention)
    return found


def find_ranges(text: str, start: int = 0, end: int | None = None) -> list[DateRange]:
    """Date ranges in ``text[start:end]``, ordered by position, overlapping forms dropped.

    ``A至B`` where B may omit year, or year and month (``5月9日至11日``), and either side may
    stop at the month (``2019年9月至11月``, ``3月上旬至5月中旬``); plus ``3月8至9日``,
    ``4至6月``, quarters (``2023年第一季度`` -> months 1..3) and half years (``上半年``).

    >>> [(r.first.month, r.first.day, r.second.month, r.second.day) for r in find_ranges(
    ...     "2021年3月8至9日;4至6月;2023年第二季度")]
    [(3, 8, 3, 9), (4, None, 6, None), (4, None, 6, None)]
    """
    end = len(text) if end is None else end
    ranges: list[DateRange] = []
    mentions = find_dates(text, start, end)
    for i, first in enumerate(mentions):
        link = _M_RANGE_LINK.match(text, first.end, end)
        if link is None:
            continue
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and nxt.start == link.end():
            if first.day is None and nxt.day is not None:
                continue  # "2023年5月至6月10日" is not a form notices use; too ambiguous
            second = DateMention(
                nxt.start, nxt.end, nxt.year if nxt.year else first.year, nxt.month, nxt.day
            )
        elif first.day is not None:
            day = _M_DAY_ONLY.match(text, link.end(), end)
            if day is None or to_int(day.group("d")) is None:
                continue
            second = DateMention(
                day.start(), day.end(), first.year, first.month, to_int(day.group("d"))
            )
        else:
            continue
        ranges.append(DateRange(first, second))
    if _may_hold_span(text, start, end):
        ranges.extend(_spans(text, start, end))
        ranges.sort(key=lambda r: (r.first.start, -r.second.end))
        kept: list[DateRange] = []
        for r in ranges:
            if kept and r.first.start < kept[-1].second.end:
                continue  # the longer form at this position already covers it
            kept.append(r)
        ranges = kept
    return ranges


def _may_hold_span(text: str, start: int, end: int) -> bool:
    """Cheap pre-check: the special forms all contain 季度, 半年 or a link before 月/日."""
    return (
        text.find("季度", start, end) >= 0
        or text.find("半年", start, end) >= 0
        or any(text.find(ch, start, end) >= 0 for ch in "至到—-~～－〜–")
    )


def _spans(text: str, start: int, end: int) -> list[DateRange]:
    """The forms whose first half is no date alone: 4至6月, 3月8至9日, quarters, half years."""
    found: list[DateRange] = []
    for m in _M_MONTH_SPAN.finditer(text, start, end):
        year = to_int(m.group("y")) if m.group("y") else None
        m1, m2 = to_int(m.group("m1")), to_int(m.group("m2"))
        if m1 is None or m2 is None or not 1 <= m1 < m2 <= 12 or not _year_ok(year):
            continue
        found.append(
            DateRange(
                DateMention(m.start(), m.end("m1"), year, m1, None),
                DateMention(m.start("m2"), m.end(), year, m2, None),
            )
        )
    for m in _M_DAY_SPAN.finditer(text, start, end):
        year = to_int(m.group("y")) if m.group("y") else None
        month, d1, d2 = to_int(m.group("m")), to_int(m.group("d1")), to_int(m.group("d2"))
        if month is None or d1 is None or d2 is None or not 1 <= month <= 12:
            continue
        if not 1 <= d1 < d2 <= 31 or not _year_ok(year):
            continue
        found.append(
            DateRange(
                DateMention(m.start(), m.end("d1"), year, month, d1),
                DateMention(m.start("d2"), m.end(), year, month, d2),
            )
        )
    for m in _M_QUARTER.finditer(text, start, end):
        if m.group("q"):
            year = to_int(m.group("y")) if m.group("y") else None
            q = to_int(m.group("q")) or 0
            first_month, last_month = 3 * q - 2, 3 * q
        else:
            year = to_int(m.group("hy")) if m.group("hy") else None
            first_month, last_month = (1, 6) if m.group("h") == "上" else (7, 12)
        if not _year_ok(year):
            continue
        found.append(
            DateRange(
                DateMention(m.start(), m.end(), year, first_month, None),
                DateMention(m.start(), m.end(), year, last_month, None),
            )
        )
    return found


def _year_ok(year: int | None) -> bool:
    return year is None or 1949 <= year <= 2100


def make_date(year: int | None, month: int, day: int | None) -> date | None:
    """A ``date`` or None when a part is missing or the day does not exist (2月30日)."""
    if year is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def first_day(year: int | None, month: int, day: int | None) -> tuple[date, str] | None:
    """``(date, precision)``: the day itself, or the first day of a month-precise mention.

    >>> first_day(2021, 3, None), first_day(2021, 3, 8)[1], first_day(None, 3, 8)
    ((datetime.date(2021, 3, 1), 'month'), 'day', None)
    """
    if year is None:
        return None
    if day is None:
        return date(year, month, 1), "month"
    made = make_date(year, month, day)
    return (made, "day") if made is not None else None


def infer_year(month: int, anchor: date, *, not_before: bool = True) -> int:
    """Year for a yearless month, from a date the notice states (never from today).

    With ``not_before`` the date is assumed to follow ``anchor``: a month earlier than the
    anchor's month rolls over to the next year (feedback in 3月 after an inspection ending 12月).
    Without it the date is assumed to precede ``anchor`` (``截至6月`` in a notice signed in
    July; an inspection in 11月 stated in a notice signed in 3月 is the year before).

    >>> infer_year(8, date(2023, 6, 13)), infer_year(3, date(2020, 12, 15))
    (2023, 2021)
    >>> infer_year(6, date(2021, 7, 23), not_before=False)
    2021
    >>> infer_year(11, date(2022, 3, 1), not_before=False)
    2021
    """
    if not_before:
        return anchor.year + 1 if month < anchor.month else anchor.year
    return anchor.year - 1 if month > anchor.month else anchor.year
