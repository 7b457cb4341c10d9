"""Web page → article text and metadata: trafilatura first, the hand-written reader as fallback.

Notices are published as pages of a government CMS: the article sits among navigation,
breadcrumbs, sidebars, share bars, hit counters and scripts. trafilatura (Apache-2.0) is a
maintained article extractor; ``extract.html_text.html_to_text`` is xuncha's own tolerant
reader, which knows the CMS container names (``extract/data/html_content_hints.txt``).
Neither is right on every page, so both run and a rule picks one per page. Metadata: the
publication date from htmldate (trafilatura's own date library), the title, site name and
canonical URL from the page's ``<meta>``/``<link>``/``<title>`` (why not trafilatura's
metadata pass: see ``_extract``).

The rule (``_choose``): the built-in reader wins unless its text is much shorter than
trafilatura's (``_profile``): under ``_MIN_LENGTH_RATIO`` of trafilatura's non-space
characters on a page of at least ``_MIN_SECOND_OPINION_CHARS``, with trafilatura keeping at
least as many numbered lines (``一、`` ``(一)`` ``1.`` …, as
``extract.notice.markers.match_line_marker`` reads them; the problem tree is built on them).
Then the built-in reader chose too small a container and trafilatura's text is used (unless
trafilatura failed, returned nothing, raised, or ran past its time budget). Table rows are not
compared: trafilatura reads an old layout table as a data table and reports rows that are not
the notice's.

Why this way round: on the cross-check below the built-in reader gave the right tree on every
page, while trafilatura lost the structure of ``<br>`` and table-layout pages; on the
existing reading tests it also kept CSS-hidden spam and dropped the title line and the
``发布时间`` line (the parser's published date). trafilatura is the second opinion that
catches a page whose container the built-in reader gets wrong. It is run only when it could
win: when the built-in text holds at least ``_MIN_LENGTH_RATIO`` of the characters the page
shows at most (``_upper_bound_chars``), trafilatura cannot be twice as long, so it is skipped
(the date still comes from htmldate). That keeps reading at the built-in reader's speed on
ordinary pages and tag-dense pages linear.

Measured (tests/test_web_article.py builds the pages in tests/web_fixtures.py: each of the five
corpus notices in three layouts — ``<p>`` paragraphs in a ``<div>`` page, ``<br>`` lines in
one ``<div>``, an old ``<table>`` layout with the article in a cell — all with nav,
breadcrumbs, sidebar links and a ranking table, share bar, 阅读量, scripts, styles and a
fictional data table in the article; plus data/qinghe_zhujian_2024.html), comparing the problem
tree (paths and statuses of ``extract.notice.parse_notice``) and the quantities
(``extract.extract_quantities``) after ``normalize_text`` + ``strip_noise`` with the
text-file version of the same notice:

- ``<div>``/``<p>`` pages (5): both readers keep the tree and the table; trafilatura drops
  the 发布时间 line, so the built-in reader is chosen; tree equal 5/5.
- ``<br>`` pages (5): trafilatura flattens the article's data table into one line (0 of 4
  rows), the fallback wins; tree equal 5/5; Δ +1 (the info line's 发布时间 date, which the
  fallback keeps and trafilatura drops).
- ``<table>`` layout (5): trafilatura reads the layout table as a data table and puts the
  whole article into one cell (0 of 13–101 markers kept), the fallback wins; tree equal 5/5;
  Δ +1 (the same date).
- sample page: both readers give the same tree (14 markers); the built-in reader keeps the
  published date, trafilatura drops it.
- the fallback alone: tree equal on all 15 corpus pages, Δ +1 on each.
- length ratio trafilatura/fallback: 0.98–1.00 on the corpus pages, 0.93 on the sample
  page; ``_MIN_LENGTH_RATIO`` 0.8 leaves room for the chrome the fallback's container
  keeps while catching a page where trafilatura lost a fifth of the article.
- speed on 2 shared cores, the 15 corpus pages (0.62 MB), median of 5 rounds: trafilatura
  ≈ 8 MB/s, the fallback 10–15 MB/s, :func:`article_from_html` 3.9 MB/s (3.1–4.3);
  bytes → ``decode_bytes`` → article → ``normalize_text`` → ``strip_noise`` 2.4 MB/s
  (2.1–2.5), against 4.6 MB/s for today's ``load_notice`` with the fallback alone. The
  issue asks ≥ 2 MB/s.

The figures are re-measured by ``test_cross_check_table`` on every run (``pytest -s`` prints
the table); if a change of either reader moves them, that test names the page and figure.

Robustness: :func:`article_from_html` never raises on any ``str``. trafilatura can raise
(lxml errors, recursion on deep trees) or return ``None`` (deep nesting, very short pages);
both fall back. It runs in a worker thread with a time budget (``_budget``); past it, the
fallback's text is returned with a warning. A runaway extraction cannot be stopped inside the
process (lxml holds the thread in C), so it is left to finish in its daemon thread; no input
tried (tests/pathological.py, hypothesis) came near the budget.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from html import unescape
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from extract.html_text import html_to_text
from extract.normalize import normalize_text
from extract.notice.fold import fold_for_matching
from extract.notice.markers import match_line_marker

__all__ = ["Reader", "WebArticle", "article_from_html", "explain_choice"]

Reader = Literal["trafilatura", "html_text"]

# The built-in reader must keep at least this share of trafilatura's non-space characters, or it
# chose too small a container. On the corpus pages it kept 1.00-1.07 (its container keeps a
# little chrome, and CSS-hidden spam that it drops and trafilatura keeps can make it shorter on
# a small page): half leaves room for both.
_MIN_LENGTH_RATIO = 0.5
# Below this many characters a page is too small for a length comparison to mean anything.
_MIN_SECOND_OPINION_CHARS = 300
# Seconds for trafilatura: a floor for small pages plus a rate far below its measured speed
# (≈ 5 MB/s), so only a pathological page reaches it.
_BUDGET_FLOOR_S = 5.0
_BUDGET_S_PER_MB = 2.0
_MB = 1024 * 1024

_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"\s*\|\s*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MARKER_HEAD = 16  # characters of a line that can hold its numbering marker
_TITLE_LOOKAHEAD = 400  # characters of the article text searched for the title
# Bounded on both sides so the search stays linear on any page.
_TITLE_TAG = re.compile(r"<title[^>]{0,200}>([^<]{1,500})</title>", re.IGNORECASE)
_HEAD_WINDOW = 65536  # the <head> is searched in the first 64 KB only
_LINK_TAG = re.compile(r"<link\b[^<>]{0,1000}>", re.IGNORECASE)
_REL_CANONICAL = re.compile(r"\brel\s*=\s*[\"']?canonical\b", re.IGNORECASE)
_META_TAG = re.compile(r"<meta\b[^<>]{0,2000}>", re.IGNORECASE)
_META_KEY = re.compile(r"\b(name|property)\s*=\s*[\"']?([^\"'\s<>]{1,100})", re.IGNORECASE)
_META_CONTENT = re.compile(r"\bcontent\s*=\s*([\"'])([^\"'<>]{0,1000})\1", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*[\"']?([^\"'\s<>]{1,2000})", re.IGNORECASE)
# "title_site", "title|site", "title - site", "title——site"; a bare "-" is a date's.
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-—–]{1,2}\s+|\s*—{1,2}\s*")
_TITLE_MIN_CHARS = 6


@dataclass(frozen=True)
class WebArticle:
    """The article of one web page and what the page says about itself.

    ``text`` is in reading order, one paragraph or table row (cells joined by ``" | "``) per
    line, not yet normalised (``load_notice`` runs ``normalize_text`` and ``strip_noise`` on
    it as on any file). ``date`` is ISO ``YYYY-MM-DD`` as trafilatura/htmldate found it (the
    page's publication date, not the notice's signature date). ``reader`` says which reader's
    text this is; ``warnings`` are bilingual one-liners (trafilatura failed or timed out…).
    """

    text: str
    title: str | None
    date: str | None
    site_name: str | None
    canonical_url: str | None
    reader: Reader
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Profile:
    """What the choice looks at in one reader's text."""

    chars: int  # non-space characters
    markers: int  # lines starting with a numbering marker
    table_rows: int  # lines with a " | " cell separator


def _profile(text: str) -> _Profile:
    """Count what the rule compares; only each line's head is folded (a marker is short).

    ``fold_for_matching`` (half-width, simplified: what the marker rules expect) over the
    whole text was a fifth of the time of a page; a marker sits in a line's first characters
    (after indentation), and folding keeps lengths, so folding ``_MARKER_HEAD`` characters of
    each line counts the same markers.
    """
    markers = rows = 0
    for line in text.split("\n"):
        if " | " in line:
            rows += 1
        elif (head := line.strip()[:_MARKER_HEAD]) and match_line_marker(
            fold_for_matching(head)
        ) is not None:
            markers += 1
    return _Profile(chars=len("".join(text.split())), markers=markers, table_rows=rows)


def _tidy_tables(text: str) -> str:
    """trafilatura's txt tables (``| a | b |`` and ``|---|---|``) as ``a | b`` lines.

    The same shape ``html_to_text`` and Markdown reading give, so a table row reads the same
    whichever reader won (and the separator row is no text).
    """
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            if _TABLE_SEPARATOR.match(stripped):
                continue
            cells = [c for c in _CELL_SPLIT.split(stripped.strip("|").strip())]
            line = " | ".join(cells)
        lines.append(line)
    return "\n".join(lines)


def _budget(html: str) -> float:
    return _BUDGET_FLOOR_S + _BUDGET_S_PER_MB * len(html) / _MB


@dataclass(frozen=True)
class _Extraction:
    """What trafilatura (text) and htmldate (date) found; ``None`` fields found nothing."""

    text: str | None = None
    date: str | None = None


def _extract(html: str, url: str | None) -> _Extraction:
    """trafilatura's text and htmldate's date; raises whatever they raise (see the caller).

    ``with_metadata=False``: trafilatura's metadata pass (author, categories, tags…) took half
    its time on the corpus pages (4.4 → 6.9 MB/s without it), and of its fields only the date
    was worth keeping — its title was the site logo's ``<h1>`` on the sample page, its URL
    drops the relative canonical links CMSs write. So the date comes from htmldate (the
    library trafilatura itself calls, same settings, ≈ 50 MB/s) and the rest from the page's
    own ``<meta>``/``<link>``/``<title>`` (``_page_meta``).
    """
    import trafilatura  # late: importing it costs ≈ 0.5 s, only pages need it

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        with_metadata=False,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    return _Extraction(
        text=text if isinstance(text, str) and text.strip() else None, date=_page_date(html)
    )


def _run_trafilatura(html: str, url: str | None) -> tuple[_Extraction, str | None]:
    """``(extraction, warning or None)``: :func:`_extract` in a thread, within the budget."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["found"] = _extract(html, url)
        except Exception as exc:  # any failure (lxml, recursion, memory) means: fall back
            box["error"] = f"{type(exc).__name__}: {exc}"[:200].replace("\n", " ")

    worker = threading.Thread(target=work, name="xuncha-trafilatura", daemon=True)
    worker.start()
    worker.join(_budget(html))
    if worker.is_alive():
        return _Extraction(), (
            f"trafilatura took longer than {_budget(html):.0f} s; the built-in reader's text "
            "was used / 网页正文提取超时,已改用内置读取器"
        )
    if "error" in box:
        return _Extraction(), (
            f"trafilatura failed ({box['error']}); the built-in reader's text was used"
            " / 网页正文提取出错,已改用内置读取器"
        )
    return box.get("found", _Extraction()), None


_TAG = re.compile(r"<[^<>]*>")


def _upper_bound_chars(html: str) -> int:
    """Non-space characters the page could show at most: everything outside its tags.

    Script and style bodies are counted too, so this only ever overestimates what an
    extractor can return; one linear pass.
    """
    return sum(1 for ch in _TAG.sub("", html) if not ch.isspace())


def _page_date(html: str) -> str | None:
    """htmldate's publication date, as :func:`_extract` finds it (None on any failure)."""
    try:
        from htmldate import find_date

        date = find_date(html, extensive_search=False, original_date=True)
    except Exception:  # a date is a nicety: its failure must not cost the text
        return None
    return date if isinstance(date, str) and _ISO_DATE.match(date) else None


def _fallback(html: str) -> tuple[str, str | None]:
    """The hand-written reader's ``(text, title)``; tags stripped if it ever raised."""
    try:
        article = html_to_text(html)
        return article.text, article.title
    except Exception:
        return re.sub(r"<[^>]*>", "\n", html), None


def _choose(traf: _Profile, fall: _Profile) -> tuple[bool, str]:
    """``(trafilatura wins?, why)`` — the rule of the module docstring."""
    if (
        traf.chars >= _MIN_SECOND_OPINION_CHARS
        and fall.chars < _MIN_LENGTH_RATIO * traf.chars
        and traf.markers >= fall.markers
    ):
        return True, (
            f"the built-in reader's text is much shorter ({fall.chars} < {traf.chars} "
            "characters) and trafilatura kept its numbering"
        )
    return False, "the built-in reader kept the article's length"


def _page_meta(html: str) -> dict[str, str]:
    """The page's ``<meta name|property=… content=…>`` values (lower-case keys), first wins.

    Chinese government sites carry the national metadata set (``SiteName``, ``ArticleTitle``,
    ``PubDate``, ``ColumnName``…) besides Open Graph (``og:site_name``, ``og:title``,
    ``og:url``). Searched in the first 64 KB with bounded patterns: linear on any page.
    """
    found: dict[str, str] = {}
    for tag in _META_TAG.findall(html[:_HEAD_WINDOW]):
        key = _META_KEY.search(tag)
        content = _META_CONTENT.search(tag)
        if key and content:
            value = " ".join(unescape(content.group(2)).split())
            if value:
                found.setdefault(key.group(2).lower(), value)
    return found


def _canonical(html: str, meta: dict[str, str], url: str | None) -> str | None:
    """The page's canonical URL, absolute, http(s) only; else ``url``.

    ``<link rel=canonical>`` (CMSs write it relative: resolved against ``url``), then
    ``og:url``, then ``url`` itself.
    """
    candidates: list[str] = []
    for tag in _LINK_TAG.findall(html[:_HEAD_WINDOW]):
        if _REL_CANONICAL.search(tag) and (href := _HREF.search(tag)):
            candidates.append(unescape(href.group(1)))
            break
    if "og:url" in meta:
        candidates.append(meta["og:url"])
    for option in candidates + ([url] if url else []):
        absolute = urljoin(url, option) if url else option
        parts = urlsplit(absolute)
        if parts.scheme in ("http", "https") and parts.netloc:
            return absolute
    return None


def _title_tag_parts(html: str) -> list[str]:
    """The segments of the page's ``<title>`` (CMSs write ``article title_site name``)."""
    match = _TITLE_TAG.search(html[:_HEAD_WINDOW])
    if match is None:
        return []
    title = " ".join(unescape(match.group(1)).split())
    return [p.strip() for p in _TITLE_SPLIT.split(title) if len(p.strip()) >= _TITLE_MIN_CHARS]


def _pick_title(text: str, html: str, meta: dict[str, str], fall_title: str | None) -> str | None:
    """The notice's title: the candidate the article text itself shows near its top.

    The page's first ``<h1>`` is often the site logo, and the fallback's container on a
    table-layout page is the whole page, logo included. So the declared article title
    (``ArticleTitle``, ``og:title``) or the longest segment of ``<title>`` (the site name is a
    segment too) found in the text wins, then the fallback's title if found there, then the
    declared title, then the fallback's.
    """
    head = normalize_text(text[: _TITLE_LOOKAHEAD * 2])[:_TITLE_LOOKAHEAD]
    declared = [meta[k] for k in ("articletitle", "og:title") if k in meta]
    shown = [t for t in (*declared, *_title_tag_parts(html)) if normalize_text(t) in head]
    if shown:
        return max(shown, key=len)
    if fall_title and normalize_text(fall_title) in head:
        return fall_title
    return (declared[0] if declared else None) or fall_title


def article_from_html(html: str, *, url: str | None = None) -> WebArticle:
    """The article text and metadata of the page ``html`` (see the module docstring).

    ``url`` (where the page was fetched from) resolves a relative canonical link and is the
    canonical URL when the page names none. Never raises: a non-``str`` is read as its
    ``str()``, any trafilatura failure or time-out falls back to the built-in reader.
    """
    return _read(html, url)[0]


def explain_choice(html: str, *, url: str | None = None) -> tuple[WebArticle, str]:
    """:func:`article_from_html` plus why its reader won (for the cross-check report)."""
    return _read(html, url)


def _read(html: str, url: str | None) -> tuple[WebArticle, str]:
    if not isinstance(html, str):
        html = str(html)
    fall_text, fall_title = _fallback(html)
    fall = _profile(fall_text)
    if fall.chars >= _MIN_LENGTH_RATIO * _upper_bound_chars(html):
        # trafilatura's text cannot be twice as long as what the page holds: it cannot win,
        # so it is not run (this keeps reading fast, and tag-dense pages linear at C speed).
        found, warning = _Extraction(date=_page_date(html)), None
        traf_text = None
        wins, why = False, "the built-in reader kept at least half of the page's text"
    else:
        found, warning = _run_trafilatura(html, url)
        traf_text = _tidy_tables(found.text) if found.text else None
        if traf_text:
            wins, why = _choose(_profile(traf_text), fall)
        else:
            wins, why = False, warning or "trafilatura found no article"
    text = traf_text if wins and traf_text else fall_text
    meta = _page_meta(html)
    article = WebArticle(
        text=text,
        title=_pick_title(text, html, meta, fall_title),
        date=found.date,
        site_name=meta.get("og:site_name") or meta.get("sitename"),
        canonical_url=_canonical(html, meta, url),
        reader="trafilatura" if wins else "html_text",
        warnings=(warning,) if warning else (),
    )
    return article, why
