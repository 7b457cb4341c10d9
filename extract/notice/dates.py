"""Calendar dates in notices: full, yearless (``8月29日``), Chinese-numeral and ISO forms.

A yearless date is never resolved against today: callers pass the year of a date the notice
itself states (``infer_year``) and record that they did (``NoticeMeta.inferred_dates``).

Real pages state many dates only to the month (``2019年9月至11月``, ``3月上旬``,
``2023年第一季度``, ``4至6月``): a mention keeps ``day=None`` and its ``precision`` says so, so
callers store the first day of the period with precision ``'month'`` instead of dropping it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extract.notice.numerals import to_int

__all__ = [
    "DateMention",
    "DateRange",
    "find_dates",
    "find_ranges",
    "first_day",
    "infer_year",
    "make_date",
]

_CN = "〇零一二三四五六七八九十两"
_YEAR = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
# A month may carry a part-of-month word (上旬, 中旬, 下旬, 初, 底, 末): still month precision.
_MONTH = rf"(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(?:份\s*)?(?:上旬|中旬|下旬|初|底|末)?\s*"
_DAY = rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号]"
# 2023年11月30日 · 11月30日 · 2023年11月 · 二〇二三年五月十日 · 2024-04-15 · 2024.4.15 · 2024/4/15
# The leading lookahead names the possible first characters (every form opens with a digit or
# a Chinese numeral): ``re`` then skips ahead with a fast character scan instead of trying the
# optional year group at every position (6x faster on a notice's opening paragraph).
_DATE = re.compile(
    rf"(?=[\d{_CN}])(?<![\d{_CN}])(?:(?:{_YEAR})?{_MONTH}(?:{_DAY})?"
    r"|(?P<iy>\d{4})\s*[-/.]\s*(?P<im>\d{1,2})\s*[-/.]\s*(?P<id>\d{1,2})(?!\d))"
)
# The end of a range may be a day alone: "5月9日至11日".
_LINK = r"(?:至|到|——|—|–|-|~|～|－|〜)"
_RANGE_LINK = re.compile(rf"\s*{_LINK}\s*")
_DAY_ONLY = re.compile(rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号]")
_NUM = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"
_OPT_YEAR = r"(?:(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*)?"
# Forms whose first half is not a date on its own: "4至6月" (two months, one 月),
# "3月8至9日" (two days, one 日), "2023年第一季度" / "一季度" (a quarter), "上半年".
_MONTH_SPAN = re.compile(
    rf"(?<![\d{_CN}月])(?=[\d{_CN}])(?:{_OPT_YEAR})(?P<m1>{_NUM})\s*{_LINK}\s*(?P<m2>{_NUM})\s*月"
    r"(?!\s*[\d一二三四五六七八九十]{1,3}\s*[日号])"
)
_DAY_SPAN = re.compile(
    rf"(?<![\d{_CN}])(?=[\d{_CN}])(?:{_OPT_YEAR})(?P<m>{_NUM})\s*月\s*(?P<d1>{_NUM})\s*{_LINK}"
    rf"\s*(?P<d2>{_NUM})\s*[日号]"
)
_QUARTER = re.compile(
    rf"(?<![\d{_CN}])(?:{_OPT_YEAR})(?:第\s*)?(?P<q>[1-4一二三四])\s*季度"
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
    for m in _DATE.finditer(text, start, end):
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
        link = _RANGE_LINK.match(text, first.end, end)
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
            day = _DAY_ONLY.match(text, link.end(), end)
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
    for m in _MONTH_SPAN.finditer(text, start, end):
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
    for m in _DAY_SPAN.finditer(text, start, end):
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
    for m in _QUARTER.finditer(text, start, end):
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
