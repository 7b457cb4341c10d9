"""The one date grammar (extract/text/dates.py): figures and mentions, one row per case.

The extractor's dates are measured on the gold and held-out sets; these rows pin the parts the
two stages now share (connectors, numerals) and the forms the merge added to the mentions.
"""

from __future__ import annotations

import pytest

from extract.quantities import dates as reexport
from extract.text import dates
from extract.text.dates import DATE_RE, find_dates, find_ranges, parse_date_match
from tests import corpus

# (covers, text, (value, value_high, precision) of the first date)
FIGURES: list[tuple[str, str, tuple[str, str | None, str]]] = [
    ("full date", "2023年11月30日", ("2023-11-30", None, "day")),
    ("ISO date", "2024-04-15", ("2024-04-15", None, "day")),
    ("month range sharing 月份", "2023年1-5月份", ("2023-01", "2023-05", "month")),
    ("wave-dash connector (shared set)", "2023年1〜5月", ("2023-01", "2023-05", "month")),
    ("year range 年度", "2021-2022年度", ("2021", "2022", "year")),
    ("quarter", "2023年第一季度", ("2023-01", "2023-03", "month")),
    ("half year", "2023年下半年", ("2023-07", "2023-12", "month")),
    ("year end", "2023年底", ("2023-12", None, "month")),
    ("year alone", "2023年", ("2023", None, "year")),
    ("初步 is no year start: the year alone", "2024年初步建立", ("2024", None, "year")),
    ("Chinese-numeral year and month", "二〇二三年五月", ("2023-05", None, "month")),
    ("yearless day", "8月29日", ("XXXX-08-29", None, "day")),
]

# (covers, text, [(year, month, day)] of find_dates)
MENTIONS: list[tuple[str, str, list[tuple[int | None, int, int | None]]]] = [
    ("full and yearless", "于2022年12月9日反馈,8月29日召开", [(2022, 12, 9), (None, 8, 29)]),
    ("spaces of a scraped page", "2023 年 11 月 30 日", [(2023, 11, 30)]),
    ("month only keeps month precision", "2023年4月底", [(2023, 4, None)]),
    ("year end is December, month precision", "截至2023年底", [(2023, 12, None)]),
    ("year end written 年末", "截至2023年末", [(2023, 12, None)]),
    ("year start is January", "2024年初", [(2024, 1, None)]),
    ("初步 is no year start", "2024年初步建立", []),
    ("day written 卅 (shared numerals)", "5月卅日", [(None, 5, 30)]),
    ("out of the year window", "1900年5月1日", []),
    ("a bare 中 stays outside a mention", "5月中央巡视组", [(None, 5, None)]),
]

# (covers, text, [(first (month, day), second (month, day))])
RANGES: list[tuple[str, str, list[tuple[tuple[int, int | None], tuple[int, int | None]]]]] = [
    ("second end a day alone", "5月9日至11日", [((5, 9), (5, 11))]),
    ("two months, one 月", "4至6月", [((4, None), (6, None))]),
    ("quarter as a month span", "2023年第二季度", [((4, None), (6, None))]),
    ("double-dash connector", "2019年9月——11月", [((9, None), (11, None))]),
    ("wave-dash connector", "3月8日〜9日", [((3, 8), (3, 9))]),
    ("part of a month the figures knew (上中旬)", "2023年3月上中旬至5月", [((3, None), (5, None))]),
]


@pytest.mark.parametrize(("covers", "text", "expected"), FIGURES, ids=[r[0] for r in FIGURES])
def test_figures(covers: str, text: str, expected: tuple[str, str | None, str]) -> None:
    match = DATE_RE.search(text)
    assert match is not None
    hit = parse_date_match(match)
    assert hit is not None and (hit.value, hit.value_high, hit.precision) == expected


@pytest.mark.parametrize(("covers", "text", "expected"), MENTIONS, ids=[r[0] for r in MENTIONS])
def test_mentions(
    covers: str, text: str, expected: list[tuple[int | None, int, int | None]]
) -> None:
    assert [(d.year, d.month, d.day) for d in find_dates(text)] == expected


@pytest.mark.parametrize(("covers", "text", "expected"), RANGES, ids=[r[0] for r in RANGES])
def test_ranges(
    covers: str,
    text: str,
    expected: list[tuple[tuple[int, int | None], tuple[int, int | None]]],
) -> None:
    got = [
        ((r.first.month, r.first.day), (r.second.month, r.second.day)) for r in find_ranges(text)
    ]
    assert got == expected


def test_mention_precision() -> None:
    """A mention without a day is month-precise (stored as the first day of the month)."""
    (mention,) = find_dates("截至2023年底")
    assert mention.precision == "month"


def test_quantities_dates_is_the_same_grammar() -> None:
    """extract.quantities.dates re-exports the text layer: one grammar, not two copies."""
    for name in reexport.__all__:
        assert getattr(reexport, name) is getattr(dates, name), name


def _matching_copies() -> list[tuple[str, str]]:
    """(name, matching copy) of every corpus notice and sample, plus the FIGURES rows."""
    from extract.quantities.extractor import _fold_profile
    from extract.reading import load_notice
    from extract.text.fold import matching_view

    paths = corpus.corpus_paths()
    paths += sorted(p for p in (corpus.REPO / "data").iterdir() if p.suffix in (".txt", ".html"))
    texts = [(p.name, load_notice(p, None).text) for p in paths]
    texts.append(("figure rows", "\n".join(text for _, text, _ in FIGURES)))
    return [(name, matching_view(text, _fold_profile()).text) for name, text in texts]


def test_date_grammar_matches_as_under_regex() -> None:
    """DATE_RE is compiled by ``re`` for speed (see extract/text/dates.py); the same pattern
    under ``regex``, which compiled it before, finds the same matches with the same groups on
    every corpus notice and sample: a later edit that reads differently in the two fails here."""
    import regex

    twin = regex.compile(DATE_RE.pattern, regex.VERBOSE)
    copies = _matching_copies()
    assert len(copies) >= 5
    found = 0
    for name, text in copies:
        ours = [(m.span(), m.groupdict()) for m in DATE_RE.finditer(text)]
        theirs = [(m.span(), m.groupdict()) for m in twin.finditer(text)]
        assert ours == theirs, name
        found += len(ours)
    assert found > 100
