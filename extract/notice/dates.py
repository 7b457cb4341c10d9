"""Calendar dates in notices: full, yearless (``8月29日``), Chinese-numeral and ISO forms.

A yearless date is never resolved against today: callers pass the year of a date the notice
itself states (``infer_year``) and record that they did (``NoticeMeta.inferred_dates``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extract.notice.numerals import to_int

__all__ = ["DateMention", "DateRange", "find_dates", "find_ranges", "infer_year", "make_date"]

_CN = "〇零一二三四五六七八九十两"
_YEAR = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*"
_MONTH = rf"(?P<m>\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(?:份\s*)?"
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
_RANGE_LINK = re.compile(r"\s*(?:至|到|—|–|-|~|－)\s*")
_DAY_ONLY = re.compile(rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[日号]")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date as written: year/day may be missing. Offsets index the searched text."""

    start: int
    end: int
    year: int | None
    month: int
    day: int | None


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
    """Date ranges ``A至B`` where B may omit year, or year and month (``5月9日至11日``)."""
    end = len(text) if end is None else end
    ranges: list[DateRange] = []
    mentions = find_dates(text, start, end)
    for i, first in enumerate(mentions):
        if first.day is None:
            continue
        link = _RANGE_LINK.match(text, first.end, end)
        if link is None:
            continue
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and nxt.start == link.end():
            second = DateMention(
                nxt.start, nxt.end, nxt.year if nxt.year else first.year, nxt.month, nxt.day
            )
        else:
            day = _DAY_ONLY.match(text, link.end(), end)
            if day is None or to_int(day.group("d")) is None:
                continue
            second = DateMention(
                day.start(), day.end(), first.year, first.month, to_int(day.group("d"))
            )
        ranges.append(DateRange(first, second))
    return ranges


def make_date(year: int | None, month: int, day: int | None) -> date | None:
    """A ``date`` or None when a part is missing or the day does not exist (2月30日)."""
    if year is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, anchor: date, *, not_before: bool = True) -> int:
    """Year for a yearless month, from a date the notice states (never from today).

    With ``not_before`` the date is assumed to follow ``anchor``: a month earlier than the
    anchor's month rolls over to the next year (feedback in 3月 after an inspection ending 12月).

    >>> infer_year(8, date(2023, 6, 13)), infer_year(3, date(2020, 12, 15))
    (2023, 2021)
    """
    if not_before and month < anchor.month:
        return anchor.year + 1
    return anchor.year
