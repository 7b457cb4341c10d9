"""Notice metadata: title, issuer, who inspected whom and when, region, key dates.

Most facts sit in the opening paragraph (``根据…部署,2022年6月21日至9月30日,市委第三巡察组对…
开展了…巡察,并于2022年12月9日反馈了…``) and the signature block at the end. Yearless dates take
their year from dates the notice states (inspection end, feedback), never from today, and are
listed in ``NoticeMeta.inferred_dates``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import regex

from extract.model import NoticeMeta
from extract.notice.dates import (
    DateMention,
    find_dates,
    find_ranges,
    infer_year,
    make_date,
)
from extract.notice.lexicon import alternation, lexicon
from extract.notice.numerals import to_int
from extract.notice.tree import DATE_LINE, Tree

__all__ = ["extract_metadata"]

_CN = "一二三四五六七八九十百两〇零"
_OPENING_SEARCH = 4000  # chars scanned for the opening paragraph when no body marker precedes
_ROUND_REACH = 40  # chars a round mention can start before its 轮 (level word, 8 chars, numeral)


@dataclass(frozen=True, slots=True)
class _Patterns:
    body: regex.Pattern[str]
    level_word: regex.Pattern[str]
    round_: regex.Pattern[str]
    type_: regex.Pattern[str]
    unit: regex.Pattern[str]
    unit_feedback: regex.Pattern[str]
    feedback: regex.Pattern[str]
    as_of: regex.Pattern[str]
    published: regex.Pattern[str]
    date_line: re.Pattern[str]
    province: regex.Pattern[str]
    city: regex.Pattern[str]
    district: regex.Pattern[str]
    zone: regex.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lx = lexicon()
    levels = alternation(list(lx.level_of))
    kinds = alternation(list(lx.kind_words))
    types = alternation(list(lx.type_of))
    zones = alternation(list(lx.zone_words))
    return _Patterns(
        body=regex.compile(
            rf"(?P<org>{levels})?(?:[^,。;,]{{0,12}}?第(?P<round>[{_CN}\d]+)轮(?:{kinds}))?"
            rf"(?:第(?P<g>[{_CN}\d]+))?(?P<kind>{kinds})(?:工作)?组(?:第(?P<g2>[{_CN}\d]+)组)?"
        ),
        level_word=regex.compile(levels),
        round_=regex.compile(
            rf"(?P<pre>{levels})?[^,。;]{{0,8}}?第(?P<r>[{_CN}\d]+)轮"
            rf"(?P<kind>{kinds})"
        ),
        type_=regex.compile(rf"(?P<t>{types})(?:{kinds})|(?:{kinds})[“\"']?(?P<t2>回头看)"),
        unit=regex.compile(
            rf"对(?P<u>[^,。;:,、]{{2,40}}?)(?:开展了|进行了|开展|进行|实施了|实施)"
            rf"(?:了)?[^。;]{{0,40}}?(?:{kinds})"
        ),
        unit_feedback=regex.compile(r"向(?P<u>[^,。;:,、]{2,40}?)(?:集中)?反馈"),
        feedback=regex.compile(rf"反馈(?:了)?(?:{kinds})?(?:意见|情况|问题|结果)?|集中反馈"),
        as_of=regex.compile(r"截[至止]\s*(?:到)?\s*(?P<now>目前|当前|现在|今)?"),
        published=regex.compile(rf"(?:{alternation(list(lx.published_labels))})\s*[:]\s*"),
        date_line=DATE_LINE,
        province=regex.compile(
            rf"(?P<p>{alternation(list(lx.provinces))})(?P<ps>省|自治区|市|特别行政区)?"
        ),
        city=regex.compile(r"(?P<n>\p{Han}{1,5}?)(?P<s>自治州|地区|市|州|盟)(?!委员|长)"),
        district=regex.compile(r"(?P<n>\p{Han}{1,5}?)(?P<s>自治县|自治旗|区|县|旗)"),
        zone=regex.compile(rf"(?P<n>\p{{Han}}{{2,4}}?)(?:{zones})"),
    )


def _paragraph_at(tree: Tree, pos: int) -> tuple[int, int]:
    for s, e in tree.lines:
        if s <= pos <= e:
            return s, e
    return pos, pos


def _date_of(m: DateMention) -> date | None:
    return make_date(m.year, m.month, m.day)


def extract_metadata(
    text: str, folded: str, tree: Tree, problem_spans: list[tuple[int, int]]
) -> NoticeMeta:
    """Read the metadata of one notice (``problem_spans``: spans of nodes that are problems)."""
    p = _patterns()
    lx = lexicon()
    meta = NoticeMeta()
    opening_end = (
        tree.body_start if tree.body_start < len(text) else min(len(text), _OPENING_SEARCH)
    )
    # -- title ----------------------------------------------------------------------------
    title_span = _title(text, folded, tree, opening_end)
    if title_span is not None:
        meta.title = "".join(text[title_span[0] : title_span[1]].split())
    # -- inspection body, level, kind, group, round --------------------------------------
    after_title = title_span[1] if title_span is not None else 0
    body = (
        p.body.search(folded, after_title, max(opening_end, after_title))
        or p.body.search(folded, after_title)
        or p.body.search(folded)
    )
    opening = (0, opening_end)
    if body is not None:
        opening = _paragraph_at(tree, body.start())
        meta.inspection_body = text[_body_start(folded, body) : body.end()].strip()
        meta.inspection_kind = body.group("kind")
        group = body.group("g") or body.group("g2")
        meta.inspection_group = to_int(group) if group else None
        org = body.group("org") or _level_word_before(folded, body.start(), opening[0])
        if org:
            meta.inspection_level = lx.level_of.get(org)
    if meta.inspection_kind is None:
        head = folded[:opening_end]
        counts = {k: head.count(k) for k in lx.kind_words}
        if any(counts.values()):
            meta.inspection_kind = max(counts, key=lambda k: counts[k])
    meta.inspection_round = _round(folded, meta, title_span, opening)
    meta.inspection_type = _types(folded, opening)
    # -- inspected unit ---------------------------------------------------------------------
    unit = p.unit.search(folded, opening[0], opening[1]) or p.unit_feedback.search(
        folded, opening[0], opening[1]
    )
    if unit is not None:
        meta.inspected_unit = text[unit.start("u") : unit.end("u")].strip()
    # -- dates --------------------------------------------------------------------------------
    _inspection_dates(folded, meta, opening)
    _feedback_date(folded, meta, opening)
    _as_of(folded, meta, tree, problem_spans)
    _signature(text, folded, meta, tree)
    _published(folded, meta, tree)
    if meta.issuer is None and meta.title and "关于" in meta.title:
        head = meta.title.split("关于", 1)[0]
        if len(head) >= 4:
            meta.issuer = head
    if meta.inspected_unit is None:
        meta.inspected_unit = meta.issuer
    end = meta.signed_date or meta.as_of_date
    if meta.feedback_date is not None and end is not None and end >= meta.feedback_date:
        meta.rectification_days = (end - meta.feedback_date).days
    meta.region = _region(meta)
    return meta


def _body_start(folded: str, body: regex.Match[str]) -> int:
    return body.start("org") if body.group("org") else body.start()


def _level_word_before(folded: str, pos: int, floor: int) -> str | None:
    """The nearest level word (省委, 市委…) shortly before a body without one (十二届省委第…)."""
    best = None
    for m in _patterns().level_word.finditer(folded, max(floor, pos - 20), pos):
        best = m.group()
    return best


def _title(text: str, folded: str, tree: Tree, opening_end: int) -> tuple[int, int] | None:
    lx = lexicon()
    paragraphs = [(s, e) for s, e in tree.lines if s < opening_end][:12]
    for i, (s, e) in enumerate(paragraphs):
        line = folded[s:e].strip()
        if len(line) < 6 or len(line) > 120 or line.startswith(("根据", "按照", "来源", "发布")):
            continue
        if line.endswith(("。", ";", ",")):
            continue
        core = line.rstrip(":")
        ends = core.endswith(lx.title_suffixes)
        about = "关于" in core and any(w in core for w in lx.title_words)
        if not (ends or about):
            continue
        if not ends and i + 1 < len(paragraphs):  # a title broken over two lines
            ns, ne = paragraphs[i + 1]
            nxt = folded[ns:ne].strip()
            if len(nxt) <= 40 and nxt.endswith(lx.title_suffixes):
                return s, ne
        return s, e
    return None


def _round(
    folded: str, meta: NoticeMeta, title_span: tuple[int, int] | None, opening: tuple[int, int]
) -> int | None:
    p = _patterns()
    lx = lexicon()
    windows = [opening, (0, len(folded))]
    if title_span is not None:
        windows.insert(0, title_span)
    for s, e in windows:
        # Every match ends in "第N轮<kind>" and starts at most a level word, eight characters
        # and the numeral before 轮: scan only from just before the first 轮 (the pattern's
        # optional prefix makes a scan of the whole text slow).
        first = folded.find("轮", s, e)
        if first < 0:
            continue
        for m in p.round_.finditer(folded, max(s, first - _ROUND_REACH), e):
            if meta.inspection_kind and m.group("kind") != meta.inspection_kind:
                continue
            pre = m.group("pre")
            if pre and meta.inspection_level and lx.level_of.get(pre) != meta.inspection_level:
                continue
            return to_int(m.group("r"))
    return None


def _types(folded: str, opening: tuple[int, int]) -> str | None:
    lx = lexicon()
    found: list[str] = []
    for m in _patterns().type_.finditer(folded, opening[0], opening[1]):
        word = m.group("t") or m.group("t2")
        value = lx.type_of[word]
        if value not in found:
            found.append(value)
    return ",".join(found) or None


def _inspection_dates(folded: str, meta: NoticeMeta, opening: tuple[int, int]) -> None:
    ranges = find_ranges(folded, *opening)
    if not ranges:
        return
    first = ranges[0]
    meta.inspection_start = _date_of(first.first)
    meta.inspection_end = _date_of(first.second)


def _year_or_infer(
    year: int | None, month: int, anchor: date | None, meta: NoticeMeta, field: str
) -> int | None:
    """The written year, else one inferred from ``anchor`` (recorded as inferred), else None.

    A year is never taken from today: without a written year or an anchor date, None.
    """
    if year is not None:
        return year
    if anchor is None:
        return None
    meta.inferred_dates.append(field)
    return infer_year(month, anchor)


def _feedback_date(folded: str, meta: NoticeMeta, opening: tuple[int, int]) -> None:
    p = _patterns()
    # The opening may be split: feedback often has its own sentence right after the range.
    s, e = opening
    e = min(len(folded), e + 400) if e - s < 2000 else e
    range_end = 0
    ranges = find_ranges(folded, s, e)
    if ranges:
        range_end = ranges[0].second.end
    floor = max(s, range_end)
    # Full stops and dates of the window, found once: a rfind and a date scan back to the
    # sentence start for every 反馈 were quadratic in a long opening without full stops.
    stops: list[int] | None = None
    dated: list[DateMention] = []
    dated_starts: list[int] = []
    for m in p.feedback.finditer(folded, floor, e):
        if stops is None:
            stops = list(_all(folded, "。", s, e))
            dated = [d for d in find_dates(folded, floor, e) if d.day]
            dated_starts = [d.start for d in dated]
        k = bisect_left(stops, m.start())
        sentence_start = max(stops[k - 1] + 1 if k else 0, s, range_end)
        lo = bisect_left(dated_starts, sentence_start)
        hi = bisect_left(dated_starts, m.start())
        mentions = [d for d in dated[lo:hi] if d.end <= m.start()]
        if not mentions:
            mentions = [d for d in find_dates(folded, m.end(), min(e, m.end() + 20)) if d.day]
            if not mentions:
                continue
            mention = mentions[0]
        else:
            mention = mentions[-1]
        year = _year_or_infer(
            mention.year,
            mention.month,
            meta.inspection_end or meta.inspection_start,
            meta,
            "feedback_date",
        )
        if year is None:
            return
        meta.feedback_date = make_date(year, mention.month, mention.day)
        return


def _all(text: str, needle: str, start: int, end: int) -> Iterator[int]:
    """Positions of ``needle`` in ``text[start:end]``, in order."""
    i = text.find(needle, start, end)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1, end)


def _as_of(folded: str, meta: NoticeMeta, tree: Tree, problem_spans: list[tuple[int, int]]) -> None:
    p = _patterns()
    stop = tree.attachment_start if tree.attachment_start is not None else len(folded)
    for m in p.as_of.finditer(folded, 0, stop):
        if any(a <= m.start() < b for a, b in problem_spans):
            continue
        if m.group("now"):
            return  # "截至目前": stated as of publication, no date
        dates = find_dates(folded, m.end(), min(len(folded), m.end() + 16))
        if not dates or dates[0].start != m.end():
            continue
        d = dates[0]
        day = d.day
        if day is None:
            continue  # "截至2023年5月份": a month, not a reporting date
        year = _year_or_infer(
            d.year, d.month, meta.feedback_date or meta.inspection_end, meta, "as_of_date"
        )
        if year is None:
            continue
        meta.as_of_date = make_date(year, d.month, day)
        return


def _signature(text: str, folded: str, meta: NoticeMeta, tree: Tree) -> None:
    p = _patterns()
    lx = lexicon()
    stop = tree.attachment_start if tree.attachment_start is not None else len(folded)
    date_lines = [
        (s, e)
        for s, e in tree.lines
        if s >= tree.body_start and p.date_line.fullmatch(folded, s, e)
    ]
    candidates = [(s, e) for s, e in date_lines if s < stop] or date_lines
    if not candidates:
        return
    s, e = candidates[-1]
    mentions = find_dates(folded, s, e)
    if mentions:
        meta.signed_date = _date_of(mentions[0])
    index = tree.lines.index((s, e))
    for ps, pe in reversed(tree.lines[max(0, index - 3) : index]):
        line = folded[ps:pe].strip()
        if line.startswith(lx.attachment):
            continue
        if len(line) <= 50 and line.endswith(lx.org_suffixes) and not line.endswith("。"):
            meta.issuer = text[ps:pe].strip()
        break


def _published(folded: str, meta: NoticeMeta, tree: Tree) -> None:
    p = _patterns()
    for s, e in tree.lines:
        if e - s > 120:
            continue
        m = p.published.search(folded, s, e)
        if m is None:
            continue
        dates = find_dates(folded, m.end(), e)
        if dates and dates[0].start == m.end() and dates[0].year and dates[0].day:
            meta.published_date = _date_of(dates[0])
            return


def _region(meta: NoticeMeta) -> str | None:
    """Most specific place chain in the issuer, title or inspected unit (suffixed names win)."""
    best: tuple[int, str] | None = None
    title_org = meta.title.split("关于", 1)[0] if "关于" in meta.title else ""
    for source in (meta.issuer, title_org, meta.inspected_unit):
        if not source:
            continue
        found = _place_chain(source)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    return best[1] if best else None


def _place_chain(name: str) -> tuple[int, str] | None:
    """``(score, chain)``: 2 points per suffixed level, 1 for a zone name; None if no place."""
    p = _patterns()
    lx = lexicon()
    for prefix in lx.org_prefixes:
        if name.startswith(prefix):
            name = name[len(prefix) :]
    chain, score, pos = [], 0, 0
    m = p.province.match(name)
    if m is not None:
        chain.append(m.group())
        score += 2 if m.group("ps") else 1
        pos = m.end()
    zone = p.zone.match(name, pos)
    if zone is not None and score < 2:
        return score + 1, "".join(chain) + zone.group("n")
    city = p.city.match(name, pos)
    if city is not None and not _zone_like(city.group("n")):
        chain.append(city.group())
        score += 2
        pos = city.end()
    if not name.startswith("委", pos):
        district = p.district.match(name, pos)
        if (
            district is not None
            and not _zone_like(district.group("n"))
            and not any(name.startswith(z, district.start()) for z in lx.zone_words)
        ):
            chain.append(district.group())
            score += 2
    return (score, "".join(chain)) if chain else None


def _zone_like(name: str) -> bool:
    return any(w in name for w in ("经济", "开发", "园", "管理", "高新", "工业", "新区", "港"))
