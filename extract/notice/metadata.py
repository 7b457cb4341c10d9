"""Notice metadata: title, issuer, who inspected whom and when, region, key dates, source URL.

Most facts sit in the opening paragraph (``根据…部署,2022年6月21日至9月30日,市委第三巡察组对…
开展了…巡察,并于2022年12月9日反馈了…``) and the signature block at the end; scraped pages add
chrome (``发布时间:``, ``成文日期:`` with its value on the next line, pipe tables, a bare
timestamp line, a URL line). Real pages also reorder the facts (feedback before the inspection
range, the range in a later ``巡察期间(…至…)``) and state dates only to the month
(``2019年9月至11月``, ``今年8月…反馈``): every date keeps its precision
(``NoticeMeta.<field>_precision``) and is stored as the first day of its period.

Yearless dates take their year from dates the notice itself states (signature, publication,
inspection, feedback), never from today nor from any other year in the text (``二〇三五年远景
目标`` is no anchor), and are listed in ``NoticeMeta.inferred_dates``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import regex

from extract.model import NoticeMeta
from extract.notice import lexicon as notice_lexicon
from extract.notice.fold import fold_for_matching
from extract.notice.lexicon import alternation, lexicon
from extract.notice.tree import DATE_LINE, Tree
from extract.text.dates import (
    DateMention,
    DateRange,
    find_dates,
    find_ranges,
    first_day,
    infer_year,
)
from extract.text.numerals import to_int

__all__ = ["extract_metadata"]

_CN = "一二三四五六七八九十百两〇零"
_OPENING_SEARCH = 4000  # chars scanned for the opening paragraph when no body marker precedes
_ROUND_REACH = 40  # chars a round mention can start before its 轮 (level word, 8 chars, numeral)
_CHROME_LINES = 20  # leading paragraphs searched for page chrome (labels, URL, timestamp)
_CHROME_LINE_CHARS = 300  # a chrome line is short; longer paragraphs are the notice itself
_LATER_RANGE_REACH = 30  # chars after 巡察期间 (or before 进驻) within which its range must start
_LATER_RANGE_TRIES = 50  # 巡察期间 mentions looked at for a later-paragraph range
_DIGITISH = re.compile(r"[\d〇零一二三四五六七八九十]")
_META_FILE = "notice_meta.toml"
_BODY_REACH = 40  # chars a body name can reach either side of its kind word


@dataclass(frozen=True, slots=True)
class _Extra:
    """The parts of ``notice_meta.toml`` only this module reads (chrome, units, years)."""

    signed_labels: tuple[str, ...]
    issuer_labels: tuple[str, ...]
    title_labels: tuple[str, ...]
    url_labels: tuple[str, ...]
    chrome_words: tuple[str, ...]
    unit_suffixes: tuple[str, ...]
    unit_trim: tuple[str, ...]
    unit_reject: tuple[str, ...]
    relative_year: dict[str, int]


def _words(doc: dict[str, Any], table: str, key: str) -> tuple[str, ...]:
    """A list of non-empty strings at ``[table] key``, or LexiconError naming file and line."""
    value = doc.get(table, {}).get(key)
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w for w in value):
        raise notice_lexicon.fail(
            _META_FILE,
            key,
            f"[{table}] {key} 须为非空字符串列表 / must be a list of non-empty strings",
        )
    return tuple(value)


@lru_cache(maxsize=1)
def _extra() -> _Extra:
    """Load and check this module's sections of ``notice_meta.toml`` once.

    Read through :mod:`extract.lexicon`, so a syntax error and a bad value are both one line
    naming ``notice_meta.toml:LINE``: a bad edit to the word list is reported where it is.
    """
    doc = notice_lexicon.read_toml(_META_FILE)
    years = doc.get("relative_year", {})
    if not years or not all(isinstance(v, int) and -5 <= v <= 0 for v in years.values()):
        raise notice_lexicon.fail(
            _META_FILE,
            "[relative_year]",
            "[relative_year] 须为 词 = 0..-5 / values must be integers in -5..0",
        )
    return _Extra(
        signed_labels=_words(doc, "chrome", "signed"),
        issuer_labels=_words(doc, "chrome", "issuer"),
        title_labels=_words(doc, "chrome", "title"),
        url_labels=_words(doc, "chrome", "url"),
        chrome_words=_words(doc, "chrome", "line_words"),
        unit_suffixes=tuple(sorted(_words(doc, "unit", "suffixes"), key=len, reverse=True)),
        unit_trim=tuple(sorted(_words(doc, "unit", "trim_tail"), key=len, reverse=True)),
        unit_reject=_words(doc, "unit", "reject"),
        relative_year=dict(years),
    )


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
    chrome_label: regex.Pattern[str]
    date_line: re.Pattern[str]
    province: regex.Pattern[str]
    city: regex.Pattern[str]
    district: regex.Pattern[str]
    zone: regex.Pattern[str]
    inspect_verb: regex.Pattern[str]
    later_range: regex.Pattern[str]
    relative_year: regex.Pattern[str]


# Page-chrome shapes. A URL alone on a line (or after a label), a canonical link, a bare
# timestamp line, and lines that are never a title (breadcrumbs, hashes, URLs).
_URL = re.compile(r"https?://[^\s\"'<>|]+|www\.[^\s\"'<>|]+")
_CANONICAL = re.compile(
    r"rel\s*=\s*[\"']?canonical[\"']?[^>]*?href\s*=\s*[\"']?(?P<u>[^\s\"'>]+)"
    r"|href\s*=\s*[\"']?(?P<u2>[^\s\"'>]+)[\"']?[^>]*?rel\s*=\s*[\"']?canonical",
    re.I,
)
_TIMESTAMP_LINE = re.compile(
    r"\s*(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)"
    r"(?:\s+|\s*)(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*"
)
_NOT_TITLE = re.compile(
    r"https?://|www\.|\.(?:s?html?|aspx?|jsp|php)\b|^[0-9a-fA-F-]{16,}$|[>»›→＞]|^\s*\|"
    r"|^(?:当前位置|您的位置|您现在的位置|所在位置|位置|首页)"
)
_FEEDBACK_LABEL = re.compile(r"\s*(?:时间|日期)\s*[:为是]?\s*")
_FEEDBACK_AFTER = re.compile(r"\s*(?:时间|日期)?\s*[:为于是在]?\s*")
_STOPS = "。;!?\n"  # a sentence never runs across a paragraph break


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lx = lexicon()
    ex = _extra()
    levels = alternation(list(lx.level_of))
    kinds = alternation(list(lx.kind_words))
    types = alternation(list(lx.type_of))
    zones = alternation(list(lx.zone_words))
    labels = alternation(
        list(lx.published_labels)
        + list(ex.signed_labels)
        + list(ex.issuer_labels)
        + list(ex.title_labels)
        + list(ex.url_labels)
    )
    num = rf"[{_CN}\d]+"
    return _Patterns(
        # 市委第三巡察组 · 十二届省委第二轮巡视第六巡视组 · 市委巡察三组 · 市委机动巡察三组 ·
        # 中央第一巡视组 · 区委巡察工作组第二组
        body=regex.compile(
            rf"(?P<org>{levels})?(?:"
            rf"(?:[^,。;,]{{0,12}}?第(?P<round>{num})轮(?:{kinds}))?"
            rf"(?:第(?P<g>{num}))?(?:机动|专项)?(?P<kind>{kinds})(?:工作)?"
            rf"(?:(?P<g3>[{_CN}\d]{{1,3}})组|组(?:第(?P<g2>{num})组)?)"
            # 县委第二轮巡察第一组: the round's kind word and the group number alone
            rf"|[^,。;,]{{0,12}}?第(?P<round2>{num})轮(?P<kind2>{kinds})第(?P<g4>{num})组)"
        ),
        level_word=regex.compile(levels),
        round_=regex.compile(
            rf"(?P<pre>{levels})?[^,。;]{{0,8}}?第(?P<r>{num})轮"
            rf"(?P<kind>{kinds})"
        ),
        type_=regex.compile(rf"(?P<t>{types})(?:{kinds})|(?:{kinds})[“\"']?(?P<t2>回头看)"),
        unit=regex.compile(
            rf"对(?P<u>[^,。;:,、()()]{{2,40}}?)(?:开展了|进行了|开展|进行|实施了|实施)"
            rf"(?:了)?[^。;]{{0,40}}?(?:{kinds})"
        ),
        unit_feedback=regex.compile(r"向(?P<u>[^,。;:,、()()]{2,40}?)(?:集中)?反馈"),
        feedback=regex.compile(rf"反馈(?:了)?(?:{kinds})?(?:意见|情况|问题|结果)?|集中反馈"),
        as_of=regex.compile(r"截[至止]\s*(?:到)?\s*(?P<now>目前|当前|现在|今)?"),
        chrome_label=regex.compile(rf"(?P<label>{labels})\s*[:]\s*"),
        date_line=DATE_LINE,
        province=regex.compile(
            rf"(?P<p>{alternation(list(lx.provinces))})(?P<ps>省|自治区|市|特别行政区)?"
        ),
        city=regex.compile(r"(?P<n>\p{Han}{1,5}?)(?P<s>自治州|地区|市|州|盟)(?!委员|长)"),
        district=regex.compile(r"(?P<n>\p{Han}{1,5}?)(?P<s>自治县|自治旗|区|县|旗)"),
        zone=regex.compile(rf"(?P<n>\p{{Han}}{{2,4}}?)(?:{zones})"),
        # The clause after a range says what it dates: an inspection (对…开展了…巡察, 进驻) …
        inspect_verb=regex.compile(
            rf"开展了|进行了|开展|进行|实施了|实施|进驻|(?:{kinds})(?:组)?(?:对|在|赴)"
        ),
        # … or a later paragraph names it: "巡察期间(2023年4月12日至6月13日)", "进驻时间为…".
        later_range=regex.compile(rf"(?:{kinds})(?:组)?(?:进驻)?(?:期间|时间)|进驻(?:期间|时间)"),
        relative_year=regex.compile(alternation(list(ex.relative_year))),
    )


def _paragraph_at(tree: Tree, pos: int) -> tuple[int, int]:
    for s, e in tree.lines:
        if s <= pos <= e:
            return s, e
    return pos, pos


def _set_date(meta: NoticeMeta, name: str, value: tuple[date, str] | None) -> None:
    """Store ``value`` as ``meta.<name>`` and ``meta.<name>_precision`` (both None when None)."""
    setattr(meta, name, value[0] if value else None)
    setattr(meta, f"{name}_precision", value[1] if value else None)


def _precise(meta: NoticeMeta, name: str) -> date | None:
    """``meta.<name>`` when it is day-precise (only those can anchor day arithmetic)."""
    value: date | None = getattr(meta, name)
    return value if value is not None and getattr(meta, f"{name}_precision") == "day" else None


def extract_metadata(
    text: str, folded: str, tree: Tree, problem_spans: list[tuple[int, int]]
) -> NoticeMeta:
    """Read the metadata of one notice (``problem_spans``: spans of nodes that are problems)."""
    lx = lexicon()
    meta = NoticeMeta()
    opening_end = (
        tree.body_start if tree.body_start < len(text) else min(len(text), _OPENING_SEARCH)
    )
    chrome = _chrome(text, folded, tree)
    meta.source_url = _source_url(text, folded, tree, chrome)
    # -- title ----------------------------------------------------------------------------
    title_span = _title(text, folded, tree, opening_end)
    if title_span is not None:
        meta.title = "".join(text[title_span[0] : title_span[1]].split())
    elif "title" in chrome:
        meta.title = "".join(text[chrome["title"][0] : chrome["title"][1]].split())
    # -- inspection body, level, kind, group, round --------------------------------------
    after_title = title_span[1] if title_span is not None else 0
    body = _longest_body(folded, after_title, max(opening_end, after_title))
    if body is None:
        body = _first_body(folded, after_title) or (_first_body(folded, 0) if after_title else None)
    opening = (0, opening_end)
    if body is not None:
        opening = _paragraph_at(tree, body.start())
        meta.inspection_body = text[_body_start(folded, body) : body.end()].strip()
        meta.inspection_kind = body.group("kind") or body.group("kind2")
        group = body.group("g") or body.group("g2") or body.group("g3") or body.group("g4")
        meta.inspection_group = to_int(group) if group else None
        org = _body_org(folded, body) or _level_word_before(folded, body.start(), opening[0])
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
    meta.inspected_unit = _inspected_unit(text, folded, opening)
    # -- dates: first those written in full (signature, page chrome), which anchor the rest ----
    _signature(text, folded, meta, tree)
    if meta.signed_date is None and "signed" in chrome:
        _set_date(meta, "signed_date", _written(folded, *chrome["signed"]))
    _published(folded, meta, tree, chrome, opening[0] if body is not None else tree.body_start)
    window = _facts_window(folded, tree, opening, after_title)
    inspection = _inspection_dates(folded, meta, opening, window)
    _feedback_date(folded, meta, window, inspection)
    _as_of(folded, meta, tree, problem_spans)
    if meta.issuer is None and "issuer" in chrome:
        s, e = chrome["issuer"]
        value = text[s:e].strip()
        if 2 <= len(value) <= 50:
            meta.issuer = value
    if meta.issuer is None and meta.title and "关于" in meta.title:
        head = meta.title.split("关于", 1)[0]
        if len(head) >= 4:
            meta.issuer = head
    if meta.inspected_unit is None:
        meta.inspected_unit = meta.issuer
    # Days between feedback and the report only when both are day-precise: a month-precise
    # date would make the count up to 30 days wrong, so it stays NULL rather than guessed.
    feedback = _precise(meta, "feedback_date")
    end = _precise(meta, "signed_date") or _precise(meta, "as_of_date")
    if feedback is not None and end is not None and end >= feedback:
        meta.rectification_days = (end - feedback).days
    meta.region = _region(meta)
    return meta


def _bodies(folded: str, start: int, end: int) -> Iterator[regex.Match[str]]:
    """Body-name matches in ``folded[start:end]``, tried only around a kind word (巡察, 巡视).

    Every name holds a kind word and spans at most ~40 characters before it (level word,
    round prefix, group number): searching small windows around each kind word keeps the
    scan linear and cheap on long texts, where trying the pattern at every position was not.
    """
    body = _patterns().body
    spans: list[list[int]] = []
    for k in _kind_positions(folded, start, end):
        lo, hi = max(start, k - _BODY_REACH), min(end, k + _BODY_REACH)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi  # overlapping windows merge: every position is tried once
        else:
            spans.append([lo, hi])
    for lo, hi in spans:
        yield from body.finditer(folded, lo, hi)


def _kind_positions(folded: str, start: int, end: int) -> list[int]:
    return sorted(i for k in lexicon().kind_words for i in _all(folded, k, start, end))


def _first_body(folded: str, start: int) -> regex.Match[str] | None:
    return next(_bodies(folded, start, len(folded)), None)


def _longest_body(folded: str, start: int, end: int) -> regex.Match[str] | None:
    """The longest inspecting-body name in the window: 市委第三巡察组 over a bare 巡察组."""
    best: regex.Match[str] | None = None
    for m in _bodies(folded, start, end):
        length = m.end() - _body_start(folded, m)
        if best is None or length > best.end() - _body_start(folded, best):
            best = m
    return best


def _body_start(folded: str, body: regex.Match[str]) -> int:
    """Where the body's name starts: its level word, even one the round prefix swallowed
    (``十届市委第三轮巡察第二巡察组`` -> ``市委第三轮巡察第二巡察组``)."""
    if body.group("org"):
        return body.start("org")
    inner = _patterns().level_word.search(folded, body.start(), _kind_start(body))
    return inner.start() if inner is not None else body.start()


def _kind_start(body: regex.Match[str]) -> int:
    return body.start("kind") if body.group("kind") else body.start("round2")


def _body_org(folded: str, body: regex.Match[str]) -> str | None:
    """The level word of a body match, inside it or (failing that) none."""
    if body.group("org"):
        return body.group("org")
    inner = _patterns().level_word.match(folded, _body_start(folded, body), _kind_start(body))
    return inner.group() if inner is not None else None


def _level_word_before(folded: str, pos: int, floor: int) -> str | None:
    """The nearest level word (省委, 市委…) shortly before a body without one (十二届省委第…)."""
    best = None
    for m in _patterns().level_word.finditer(folded, max(floor, pos - 20), pos):
        best = m.group()
    return best


def _inspected_unit(text: str, folded: str, opening: tuple[int, int]) -> str | None:
    """The unit named after 对 (or 向…反馈) in the opening, or None when it is no name.

    A capture is trimmed of adverbs that glue onto names (``…党工委先后开展了``) and dropped when
    it holds a clause word (``受…委托``) or does not end like an organisation or place.
    """
    p = _patterns()
    for pattern in (p.unit, p.unit_feedback):
        for m in pattern.finditer(folded, opening[0], opening[1]):
            name = _clean_unit(text[m.start("u") : m.end("u")].strip())
            if name is not None:
                return name
    return None


def _clean_unit(name: str) -> str | None:
    """``name`` without trailing clause words, or None when it is no unit's name.

    The word lists are simplified; they are tested on the same-length folded copy, so a
    traditional 縣林業局黨組 is the unit it names and is returned as written.
    """
    ex = _extra()
    folded = fold_for_matching(name)
    changed = True
    while changed:
        changed = False
        for word in ex.unit_trim:
            if folded.endswith(word) and len(folded) > len(word):
                cut = len(folded) - len(word)
                name, folded = name[:cut].rstrip(), folded[:cut].rstrip()
                changed = True
    if len(folded) < 2 or any(w in folded for w in ex.unit_reject):
        return None
    if not folded.endswith(ex.unit_suffixes):
        return None
    return name


def _chrome(text: str, folded: str, tree: Tree) -> dict[str, tuple[int, int]]:
    """Spans of labelled page-chrome values in the leading paragraphs, by kind.

    Kinds: ``published``, ``signed``, ``issuer``, ``title``, ``url``. A value is what follows
    ``label:`` up to a wide gap or the next label, else the whole next paragraph
    (``成文日期:`` then the date on its own line); in a pipe table it is the next cell.
    """
    p = _patterns()
    lx = lexicon()
    ex = _extra()
    kind_of = {w: "published" for w in lx.published_labels}
    kind_of.update({w: "signed" for w in ex.signed_labels})
    kind_of.update({w: "issuer" for w in ex.issuer_labels})
    kind_of.update({w: "title" for w in ex.title_labels})
    kind_of.update({w: "url" for w in ex.url_labels})
    found: dict[str, tuple[int, int]] = {}
    lines = tree.lines[:_CHROME_LINES]
    for i, (s, e) in enumerate(lines):
        if e - s > _CHROME_LINE_CHARS:
            continue
        if folded.find("|", s, e) >= 0:
            _pipe_cells(folded, s, e, kind_of, found)
            continue
        labels = list(p.chrome_label.finditer(folded, s, e))
        for k, m in enumerate(labels):
            kind = kind_of[m.group("label")]
            if kind in found:
                continue
            stop = labels[k + 1].start() if k + 1 < len(labels) else e
            gap = folded.find("  ", m.end(), stop)
            stop = gap if gap > m.end() else stop
            vs, ve = _strip(folded, m.end(), stop)
            if vs >= ve and k + 1 == len(labels) and i + 1 < len(lines):
                vs, ve = _strip(folded, *lines[i + 1])  # the value on the next line
            if vs < ve:
                found[kind] = (vs, ve)
    return found


def _pipe_cells(
    folded: str, s: int, e: int, kind_of: dict[str, str], found: dict[str, tuple[int, int]]
) -> None:
    """``| 发布时间 | 2024-04-15 | 成文日期 | 2024年4月12日 |``: a label cell, then its value."""
    cells: list[tuple[int, int]] = []
    pos = s
    while pos <= e:
        bar = folded.find("|", pos, e)
        stop = e if bar < 0 else bar
        cs, ce = _strip(folded, pos, stop)
        if cs < ce:
            cells.append((cs, ce))
        if bar < 0:
            break
        pos = bar + 1
    for k, (cs, ce) in enumerate(cells):
        label = folded[cs:ce].rstrip(":")
        kind = kind_of.get(label)
        if kind is None:
            m = _patterns().chrome_label.match(folded, cs, ce)
            if m is not None and m.end() < ce:
                found.setdefault(kind_of[m.group("label")], (m.end(), ce))
            continue
        if k + 1 < len(cells) and folded[cells[k + 1][0] : cells[k + 1][1]] not in kind_of:
            found.setdefault(kind, cells[k + 1])


def _strip(folded: str, s: int, e: int) -> tuple[int, int]:
    while s < e and folded[s] in " \t\r\n|:":
        s += 1
    while e > s and folded[e - 1] in " \t\r\n|":
        e -= 1
    return s, e


def _source_url(
    text: str, folded: str, tree: Tree, chrome: dict[str, tuple[int, int]]
) -> str | None:
    """The page's own address: a labelled URL, a canonical link, or a URL line at the top."""
    if "url" in chrome:
        m = _URL.search(text, *chrome["url"])
        if m is not None:
            return m.group().rstrip(".,;)")
    head = text[: min(len(text), _OPENING_SEARCH)]
    canonical = _CANONICAL.search(head)
    if canonical is not None:
        return canonical.group("u") or canonical.group("u2")
    for s, e in tree.lines[:5]:
        line = text[s:e].strip()
        m = _URL.fullmatch(line)
        if m is not None:
            return m.group()
    return None


def _title(text: str, folded: str, tree: Tree, opening_end: int) -> tuple[int, int] | None:
    lx = lexicon()
    paragraphs = [(s, e) for s, e in tree.lines if s < opening_end][:12]
    for i, (s, e) in enumerate(paragraphs):
        line = folded[s:e].strip()
        if len(line) < 6 or len(line) > 120 or line.startswith(("根据", "按照", "来源", "发布")):
            continue
        if line.endswith(("。", ";", ",")) or _NOT_TITLE.search(line):
            continue  # a sentence, a URL, a hash, a breadcrumb or a table row is no title
        if _patterns().chrome_label.match(line):
            continue
        core = line.rstrip(":")
        if core.endswith(lx.org_suffixes) and len(core) <= 40 and i + 1 < len(paragraphs):
            ns, ne = paragraphs[i + 1]  # "中共某某区委员会" over "关于…的通报": one title
            nxt = folded[ns:ne].strip()
            if nxt.startswith("关于") and len(nxt) <= 100 and nxt.endswith(lx.title_suffixes):
                return s, ne
        ends = core.endswith(lx.title_suffixes)
        about = "关于" in core and any(w in core for w in lx.title_words)
        if not (ends or about):
            continue
        if not ends and i + 1 < len(paragraphs):  # a title broken over two lines
            ns, ne = paragraphs[i + 1]
            nxt = folded[ns:ne].strip()
            if len(nxt) <= 40 and nxt.endswith(lx.title_suffixes) and not _NOT_TITLE.search(nxt):
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


def _facts_window(
    folded: str, tree: Tree, opening: tuple[int, int], after_title: int
) -> tuple[int, int]:
    """Where the opening facts may be stated: from the title to the body's first marker.

    Notices split the opening: the feedback may come in its own sentence or paragraph before
    or after the range. A short opening is extended by 400 characters (the old reach).
    """
    s, e = opening
    e = min(len(folded), e + 400) if e - s < 2000 else e
    head_end = min(tree.body_start, after_title + _OPENING_SEARCH, len(folded))
    if s < tree.body_start < e:
        e = tree.body_start  # the numbered body has begun: its 反馈 are about the problems
    return min(s, after_title), max(e, head_end)


def _clause_end(folded: str, pos: int, limit: int) -> int:
    """End of the sentence holding ``pos`` (the next full stop or semicolon), capped."""
    best = limit
    for ch in "。;":
        i = folded.find(ch, pos, best)
        if i >= 0:
            best = i
    return best


def _is_feedback_range(folded: str, r: DateRange, limit: int) -> bool:
    """A range whose own clause is a feedback (``5月8日至9日,…向…反馈了巡察意见``)."""
    p = _patterns()
    stop = _clause_end(folded, r.second.end, min(limit, r.second.end + 200))
    fb = p.feedback.search(folded, r.second.end, stop)
    if fb is None:
        return False
    return p.inspect_verb.search(folded, r.second.end, fb.start()) is None


def _inspection_dates(
    folded: str, meta: NoticeMeta, opening: tuple[int, int], window: tuple[int, int]
) -> DateRange | None:
    """The inspection range: the first range of the opening that is not the feedback's, else a
    range a later paragraph names (``巡察期间(…至…)``). Returns the range used."""
    p = _patterns()
    chosen = None
    for r in find_ranges(folded, *opening):
        if not _is_feedback_range(folded, r, opening[1]):
            chosen = r
            break
    if chosen is None:
        since = _since(folded, opening)
        if since is not None:  # "自2021年9月起…开展了为期2个月的巡察": a start, no end
            before = _precise(meta, "signed_date") or _precise(meta, "published_date")
            value = _resolve(folded, since, meta, "inspection_start", after=None, before=before)
            _set_date(meta, "inspection_start", value)
            return DateRange(since, since) if value is not None else None
    if chosen is None:
        stop = len(folded)
        for tried, m in enumerate(p.later_range.finditer(folded, window[0], stop)):
            if tried >= _LATER_RANGE_TRIES:
                break  # a notice names its period early; a text full of 巡察期间 is noise
            if _DIGITISH.search(folded, m.end(), min(stop, m.end() + _LATER_RANGE_REACH)) is None:
                continue
            found = find_ranges(folded, m.end(), min(stop, m.end() + _LATER_RANGE_REACH + 40))
            if found and found[0].first.start - m.end() <= _LATER_RANGE_REACH:
                chosen = found[0]
                break
    if chosen is None:
        return None
    before = _precise(meta, "signed_date") or _precise(meta, "published_date")
    first = _resolve(folded, chosen.first, meta, "inspection_start", after=None, before=before)
    if first is None:
        return chosen
    second_mention = chosen.second
    if second_mention.year is None or second_mention.year == first[0].year:
        second_mention = DateMention(
            second_mention.start,
            second_mention.end,
            first[0].year,
            second_mention.month,
            second_mention.day,
        )
    second = first_day(second_mention.year, second_mention.month, second_mention.day)
    if second is not None and second[0] < first[0]:  # "2022年11月至1月": into the next year
        second = first_day(first[0].year + 1, second_mention.month, second_mention.day)
    _set_date(meta, "inspection_start", first)
    _set_date(meta, "inspection_end", second)
    if (
        second is not None
        and chosen.second.year is None
        and "inspection_start" in meta.inferred_dates
    ):
        meta.inferred_dates.append("inspection_end")  # its year came from the inferred start
    return chosen


def _since(folded: str, opening: tuple[int, int]) -> DateMention | None:
    """A date followed by 起 (``自2021年9月起``) whose clause is the inspection."""
    p = _patterns()
    for d in find_dates(folded, *opening):
        if not folded.startswith(("起", "开始"), d.end):
            continue
        stop = _clause_end(folded, d.end, min(opening[1], d.end + 200))
        if p.inspect_verb.search(folded, d.end, stop) and not _is_feedback_clause(
            folded, d.end, stop
        ):
            return d
    return None


def _is_feedback_clause(folded: str, start: int, stop: int) -> bool:
    fb = _patterns().feedback.search(folded, start, stop)
    return fb is not None and _patterns().inspect_verb.search(folded, start, fb.start()) is None


def _notice_year(meta: NoticeMeta) -> int | None:
    """The year the notice itself is dated in, for ``今年``: signature, publication, inspection."""
    for value in (meta.signed_date, meta.published_date, meta.inspection_end, meta.as_of_date):
        if value is not None:
            return value.year
    return None


def _resolve(
    folded: str,
    m: DateMention,
    meta: NoticeMeta,
    name: str,
    *,
    after: date | None,
    before: date | None,
) -> tuple[date, str] | None:
    """``(date, precision)`` for a mention, its year written, relative (``今年``) or inferred.

    ``after`` is a notice date this one follows (an inspection end for the feedback), ``before``
    one it precedes (the signature). Only the notice's own dates anchor a year; an inferred
    year is recorded in ``meta.inferred_dates``.
    """
    year = m.year
    if year is None:
        rel = _patterns().relative_year.search(folded, max(0, m.start - 3), m.start)
        if rel is not None and rel.end() >= m.start - 1:
            base = _notice_year(meta)
            year = None if base is None else base + _extra().relative_year[rel.group()]
        elif after is not None:
            year = infer_year(m.month, after)
        elif before is not None:
            year = infer_year(m.month, before, not_before=False)
        if year is None:
            return None
        value = first_day(year, m.month, m.day)
        if value is not None:
            meta.inferred_dates.append(name)
        return value
    return first_day(year, m.month, m.day)


def _written(folded: str, s: int, e: int) -> tuple[date, str] | None:
    """The first date written in ``folded[s:e]`` with its year (chrome values)."""
    dates = find_dates(folded, s, e)
    if not dates or dates[0].year is None or dates[0].start - s > 2:
        return None
    return first_day(dates[0].year, dates[0].month, dates[0].day)


def _feedback_date(
    folded: str, meta: NoticeMeta, window: tuple[int, int], inspection: DateRange | None
) -> None:
    """The feedback date from the opening facts, else from the body's first pages.

    In the body 反馈 is mostly about the problems (``巡察反馈问题``), so there only a sentence
    that names the inspecting group giving it (``6月2日,县委第三巡察组向乡党委反馈了…``) counts.
    """
    if _feedback_in(folded, meta, window, inspection, strict=False):
        return
    if window[1] < len(folded):
        later = (window[1], min(len(folded), window[1] + _OPENING_SEARCH))
        _feedback_in(folded, meta, later, inspection, strict=True)


def _feedback_in(
    folded: str,
    meta: NoticeMeta,
    window: tuple[int, int],
    inspection: DateRange | None,
    *,
    strict: bool,
) -> bool:
    """The date of the sentence that says the feedback was given (before or after the range).

    The last date before ``反馈`` in its sentence, else one just after (``反馈时间为…``); dates
    inside the inspection range never count, and the start of a range counts for the range.
    Returns whether a feedback sentence was settled (found, or found without a usable year).
    """
    p = _patterns()
    s, e = window
    excluded = (inspection.first.start, inspection.second.end) if inspection else (-1, -1)
    range_of: dict[int, DateMention] = {}
    stops: list[int] | None = None
    dated: list[DateMention] = []
    dated_starts: list[int] = []
    for m in p.feedback.finditer(folded, s, e):
        if excluded[0] <= m.start() < excluded[1] or folded.startswith("问题", m.start() + 2):
            continue  # inside the range, or "反馈问题": the problems, not the feedback event
        if stops is None:
            # Full stops and dates of the window, found once: a rfind and a date scan back to
            # the sentence start for every 反馈 were quadratic in a long opening.
            stops = [i for i in _all_of(folded, _STOPS, s, e)]
            for r in find_ranges(folded, s, e):
                range_of[r.second.start] = r.first
                range_of[r.first.start] = r.first
            dated = [
                d for d in find_dates(folded, s, e) if not excluded[0] <= d.start < excluded[1]
            ]
            dated_starts = [d.start for d in dated]
        k = bisect_left(stops, m.start())
        sentence_start = max(stops[k - 1] + 1 if k else s, s)
        if strict and not _names_group_giving(folded, sentence_start, m.start()):
            continue
        lo = bisect_left(dated_starts, sentence_start)
        hi = bisect_left(dated_starts, m.start())
        mentions = [d for d in dated[lo:hi] if d.end <= m.start()]
        mention: DateMention | None = None
        k2 = bisect_left(dated_starts, m.end())
        after = dated[k2] if k2 < len(dated) else None
        gap = folded[m.end() : after.start] if after is not None else ""
        if after is not None and _FEEDBACK_LABEL.fullmatch(gap):
            mention = after  # "反馈时间为2023年5月10日": the date the label names
        elif mentions:
            mention = mentions[-1]
            if folded.find("整改", mention.end, m.start()) >= 0:
                continue  # "3月24日召开巡察整改动员会…反馈意见": a meeting about the feedback
        elif after is not None and _FEEDBACK_AFTER.fullmatch(gap):
            mention = after
        if mention is None or _after_as_of(folded, mention.start):
            continue
        mention = range_of.get(mention.start, mention)
        anchor = _precise(meta, "inspection_end") or meta.inspection_end or meta.inspection_start
        before = None if anchor else (meta.signed_date or meta.published_date)
        value = _resolve(folded, mention, meta, "feedback_date", after=anchor, before=before)
        if value is not None:
            _set_date(meta, "feedback_date", value)
        return True
    return False


def _names_group_giving(folded: str, start: int, feedback: int) -> bool:
    """``…巡察组向…反馈``: the sentence names an inspecting group that gives the feedback."""
    lx = lexicon()
    to = folded.rfind("向", start, feedback)
    if to < 0:
        return False
    return any(folded.find(f"{k}组", start, to) >= 0 for k in lx.kind_words)


def _after_as_of(folded: str, pos: int) -> bool:
    """``截至<date>``: a reporting date, never the feedback's."""
    head = folded[max(0, pos - 3) : pos]
    return "截至" in head or "截止" in head


def _all(text: str, needle: str, start: int, end: int) -> Iterator[int]:
    """Positions of ``needle`` in ``text[start:end]``, in order."""
    i = text.find(needle, start, end)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1, end)


def _all_of(text: str, chars: str, start: int, end: int) -> list[int]:
    """Sorted positions of any of ``chars`` in ``text[start:end]``."""
    return sorted(i for ch in chars for i in _all(text, ch, start, end))


def _as_of(folded: str, meta: NoticeMeta, tree: Tree, problem_spans: list[tuple[int, int]]) -> None:
    """The first ``截至<date>`` outside the problems; a month (``截至6月底``) only when its
    sentence is about the rectification (``…整改完成``), since progress figures elsewhere are
    dated by month too. Its year, when unwritten, comes from the signature it precedes."""
    p = _patterns()
    stop = tree.attachment_start if tree.attachment_start is not None else len(folded)
    month_only: DateMention | None = None
    found: DateMention | None = None
    starts = [a for a, _ in problem_spans]
    for m in p.as_of.finditer(folded, 0, stop):
        k = bisect_left(starts, m.start() + 1) - 1
        if k >= 0 and problem_spans[k][0] <= m.start() < problem_spans[k][1]:
            continue
        if m.group("now"):
            break  # "截至目前": stated as of publication, no date
        dates = find_dates(folded, m.end(), min(len(folded), m.end() + 16))
        if not dates or dates[0].start != m.end():
            continue
        d = dates[0]
        if d.day is None:
            clause = _clause_end(folded, d.end, min(len(folded), d.end + 80))
            if month_only is None and folded.find("整改", d.end, clause) >= 0:
                month_only = d
            continue
        found = d
        break
    chosen = found or month_only
    if chosen is None:
        return
    before = _precise(meta, "signed_date") or _precise(meta, "published_date")
    after = None if before else (meta.feedback_date or meta.inspection_end)
    _set_date(
        meta, "as_of_date", _resolve(folded, chosen, meta, "as_of_date", after=after, before=before)
    )


def _signature(text: str, folded: str, meta: NoticeMeta, tree: Tree) -> None:
    """The last date line of the body (before attachments) and the organisation line above.

    Without numbered markers the body start is unknown: the search then starts after the
    first paragraph, so the signature of an unnumbered notice is still found.
    """
    p = _patterns()
    lx = lexicon()
    stop = tree.attachment_start if tree.attachment_start is not None else len(folded)
    floor = tree.body_start
    if floor >= len(folded) and tree.lines:
        floor = tree.lines[0][1]
    date_lines = [
        (s, e) for s, e in tree.lines if s >= floor and p.date_line.fullmatch(folded, s, e)
    ]
    candidates = [(s, e) for s, e in date_lines if s < stop] or date_lines
    if not candidates:
        return
    s, e = candidates[-1]
    mentions = find_dates(folded, s, e)
    if mentions:
        _set_date(
            meta, "signed_date", first_day(mentions[0].year, mentions[0].month, mentions[0].day)
        )
    index = tree.lines.index((s, e))
    for ps, pe in reversed(tree.lines[max(0, index - 3) : index]):
        line = folded[ps:pe].strip()
        if line.startswith(lx.attachment):
            continue
        if len(line) <= 50 and line.endswith(lx.org_suffixes) and not line.endswith("。"):
            meta.issuer = text[ps:pe].strip()
        break


def _published(
    folded: str, meta: NoticeMeta, tree: Tree, chrome: dict[str, tuple[int, int]], limit: int
) -> None:
    """Publication date: a labelled chrome value, else a timestamp line above the opening
    (``limit``): below it a date line is the signature, not the page's."""
    if "published" in chrome:
        value = _written(folded, *chrome["published"])
        if value is not None:
            _set_date(meta, "published_date", value)
            return
    for s, e in tree.lines[:_CHROME_LINES]:
        if s >= limit:
            break
        bare = e - s <= 40 and _TIMESTAMP_LINE.fullmatch(folded, s, e) is not None
        stamp = _TIMESTAMP_LINE.match(folded, s, e) if not bare and e - s <= 120 else None
        if stamp is not None and not any(
            folded.find(w, stamp.end(), e) >= 0 for w in _extra().chrome_words
        ):
            stamp = None
        if bare or (stamp is not None and stamp.end() > s):
            value = _written(folded, s, e)
            if value is not None and value[1] == "day":
                _set_date(meta, "published_date", value)
                return
        elif e - s > _CHROME_LINE_CHARS:
            break  # the notice text has begun: a date line below it is a signature


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
