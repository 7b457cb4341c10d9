"""The problem tree: one pass over a notice's paragraphs, building numbered nodes.

How levels are decided: like a nested-list parser. A marker whose style is already open on the
stack closes everything above that entry and becomes its sibling; a new style opens one level
deeper. So ``一、 (一) 1. (1)`` and ``(一) (1)`` both nest correctly, and ``一是`` is a
top-level item in one notice and a fourth-level one in another.

Attachments (``附件``) start their own branch; the closing paragraph (``欢迎广大干部群众…``,
contact details) and web-page leftovers end the body, so signatures never join a problem.
``一是…二是…`` inside a paragraph become children of that paragraph's node (or continue the
enumeration when the paragraph itself opened with ``一是``).

The output is a flat list of :class:`Node` in document order; classification (problem or not),
statuses and anomalies are separate passes over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extract.notice.lexicon import lexicon
from extract.notice.markers import (
    ShiMarker,
    inline_shi,
    match_attachment,
    match_line_marker,
    path_key,
)
from extract.text.numerals import to_int
from extract.text.punctuation import FULL_STOPS, char_class

__all__ = ["DATE_LINE", "Node", "Tree", "build_tree"]


@dataclass(slots=True, eq=False)
class Node:
    """A numbered item while the tree is being built (becomes an ``extract.model.Problem``)."""

    style: str
    number: int
    label: str  # marker as written in the original text
    key: str  # path component
    start: int
    title_start: int
    title_end: int
    para_end: int  # end of the paragraph the marker opens
    level: int
    parent: Node | None
    branch: int  # 0 = notice body, k = k-th attachment
    inline: bool = False
    in_rect: bool = False  # opened inside an ancestor's rectification block
    end: int = -1
    path: str = ""
    children: list[Node] = field(default_factory=list)
    rect_labels: list[tuple[int, int]] = field(default_factory=list)  # (label start, text start)
    rect_cell: tuple[int, int] | None = None  # table layouts: the rectification cell
    problem_label: bool = False  # carries a "反馈问题:" label
    status: str | None = None
    status_text: str | None = None
    status_from_heading: bool = False
    status_mark_end: int = -1  # end of a "(已完成)" mark after the heading; body starts after it
    is_problem: bool = False
    is_group: bool = False  # a problem whose sub-items are problems: a heading, not counted


@dataclass(slots=True)
class Tree:
    """Nodes in document order plus the landmarks metadata needs."""

    nodes: list[Node]
    body_start: int  # first marker of the notice body (len(text) when none)
    body_end: int  # where the body's last node ends (closing paragraph, noise, attachments)
    attachment_start: int | None
    lines: list[tuple[int, int]]  # (start, end) of every non-blank paragraph


@dataclass(frozen=True, slots=True)
class _Patterns:
    rect_line: re.Pattern[str]
    rect_inline: re.Pattern[str]
    problem_line: re.Pattern[str]
    status_line: re.Pattern[str]
    status_mark: re.Pattern[str]
    status_word: re.Pattern[str]
    table_sep: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    lx = lexicon()
    return _Patterns(
        rect_line=re.compile(rf"\s*(?:{lx.rectification_labels})\s*[:]\s*"),
        rect_inline=re.compile(rf"(?<=[。;!?])\s*(?:{lx.rectification_labels})\s*[:]\s*"),
        problem_line=re.compile(rf"\s*(?:{lx.problem_labels})\s*[:]\s*"),
        status_line=re.compile(rf"\s*(?:{lx.status_labels})\s*[:]\s*(?P<s>{lx.status_words})"),
        status_mark=re.compile(rf"[(【\[]\s*(?P<s>{lx.status_words})\s*[)】\]]"),
        status_word=re.compile(lx.status_words),
        table_sep=re.compile(r"\s*\|\s*|\t+"),
    )


def _paragraphs(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line; end excludes the newline and trailing spaces."""
    spans = []
    pos, n = 0, len(folded)
    while pos < n:
        nl = folded.find("\n", pos)
        end = n if nl < 0 else nl
        s, e = pos, end
        while s < e and folded[s] in " \t\r":
            s += 1
        while e > s and folded[e - 1] in " \t\r":
            e -= 1
        if s < e:
            spans.append((s, e))
        pos = end + 1
    return spans


# A heading ends at its first full stop (a semicolon does not end it).
_SENTENCE_END = re.compile(char_class(FULL_STOPS))


def _title_end(folded: str, start: int, para_end: int, stop: int | None = None) -> int:
    """End of a heading: the first sentence end, ``stop`` or the paragraph end, whichever first."""
    limit = para_end if stop is None else min(stop, para_end)
    m = _SENTENCE_END.search(folded, start, limit)
    return m.start() if m is not None else limit


class _Builder:
    """Holds the stack while walking paragraphs; see the module docstring for the rules."""

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self.p = _patterns()
        self.lx = lexicon()
        self.nodes: list[Node] = []
        self.stack: list[Node] = []  # open line-level nodes, outermost first
        self.branch = 0
        self.body_end: int | None = None
        self.table: dict[str, int] | None = None  # column roles while inside a table

    # -- stack ---------------------------------------------------------------------------
    def close_all(self, at: int) -> None:
        while self.stack:
            self._close(self.stack.pop(), at)

    def _close(self, node: Node, at: int) -> None:
        end = max(at, node.title_end)
        while end > node.start and self.folded[end - 1] in " \t\r\n":
            end -= 1
        node.end = end

    def open_node(
        self,
        style: str,
        number: int,
        start: int,
        text_start: int,
        para_end: int,
        key: str,
        *,
        title_stop: int | None = None,
    ) -> Node:
        """Place a line-level node: sibling of an open same-style node, else a child of the top."""
        depth = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].style == style:
                depth = i
                break
        if depth is not None:
            while len(self.stack) > depth:
                self._close(self.stack.pop(), start)
        parent = self.stack[-1] if self.stack else None
        node = self._make(
            style, number, start, text_start, para_end, key, parent, title_stop=title_stop
        )
        self.stack.append(node)
        return node

    def _make(
        self,
        style: str,
        number: int,
        start: int,
        text_start: int,
        para_end: int,
        key: str,
        parent: Node | None,
        *,
        inline: bool = False,
        title_stop: int | None = None,
    ) -> Node:
        # Runs for every numbered item of every notice: positional construction is about twice
        # as fast as keywords here, and the path is left to ``parse._unique_paths``.
        title_start = text_start
        problem_label = False
        m = self.p.problem_line.match(self.folded, text_start, para_end)
        if m is not None and m.end() < para_end:
            title_start, problem_label = m.end(), True
        title_end = _title_end(self.folded, title_start, para_end, title_stop)
        if parent is None:
            level, in_rect = 1, False
        else:
            level, in_rect = parent.level + 1, bool(parent.rect_labels) or parent.in_rect
        node = Node(
            style,
            number,
            self.text[start:text_start].strip(),
            key,
            start,
            title_start,
            title_end,
            para_end,
            level,
            parent,
            self.branch,
            inline,
            in_rect,
        )
        node.problem_label = problem_label
        if parent is not None:
            parent.children.append(node)
        self.nodes.append(node)
        return node

    # -- paragraph kinds -----------------------------------------------------------------
    def attachment(self, number: int | None, s: int, rest: int, e: int) -> None:
        self.close_all(s)
        if self.body_end is None:
            self.body_end = s
        self.branch += 1
        self.table = None
        key = self.lx.attachment if number is None else f"{self.lx.attachment}{number}"
        node = self._make("attachment", number or 1, s, rest, e, key, None)
        self.stack.append(node)

    def marked(self, s: int, e: int, style: str, number: int, text_start: int) -> None:
        marker_text = self.folded[s:text_start]
        inline_stop = None
        inline_hits: list[ShiMarker] = []
        if style == "cn_shi":  # "一是…二是…" in one paragraph: the enumeration continues inline
            inline_hits = self._inline_sequence(text_start, e, number + 1)
            inline_stop = inline_hits[0].start if inline_hits else None
        node = self.open_node(
            style, number, s, text_start, e, path_key(marker_text), title_stop=inline_stop
        )
        self._heading_status(node, e)
        self._scan_paragraph(node, node.title_end, e, skip_inline=bool(inline_hits))
        for i, m in enumerate(inline_hits):
            stop = inline_hits[i + 1].start if i + 1 < len(inline_hits) else None
            sib = self.open_node(
                style,
                to_int(m.numeral) or 0,
                m.start,
                m.end,
                e,
                path_key(m.numeral + "是"),
                title_stop=stop,
            )
            self._heading_status(sib, e)
            self._scan_paragraph(sib, sib.title_end, e, skip_inline=True)

    def plain(self, s: int, e: int) -> None:
        top = self.stack[-1] if self.stack else None
        if top is None:
            return
        m = self.p.rect_line.match(self.folded, s, e)
        if m is not None:
            top.rect_labels.append((s, m.end()))
            self._scan_paragraph(top, m.end(), e)
            return
        m = self.p.status_line.match(self.folded, s, e)
        if m is not None:
            self._set_status(top, m.group("s"), m.start("s"), m.end("s"))
            return
        self._scan_paragraph(top, s, e)

    def _scan_paragraph(self, node: Node, s: int, e: int, *, skip_inline: bool = False) -> None:
        """Inline rectification labels and ``一是…`` children in one paragraph of ``node``."""
        if self.folded.find(":", s, e) >= 0:  # every label ends with a colon
            for m in self.p.rect_inline.finditer(self.folded, s, e):
                node.rect_labels.append((m.start(), m.end()))
        if skip_inline:
            return
        hits = self._inline_sequence(s, e, 1)
        for i, hit in enumerate(hits):
            start = hit.start
            stop = hits[i + 1].start if i + 1 < len(hits) else e
            child = self._make(
                "inline_shi",
                i + 1,
                start,
                hit.end,
                e,
                path_key(hit.numeral + "是"),
                node,
                inline=True,
                title_stop=stop,
            )
            if node.rect_labels and node.rect_labels[-1][1] <= start:
                child.in_rect = True
            self._heading_status(child, stop)
            self._close(child, stop)

    def _heading_status(self, node: Node, para_end: int) -> None:
        """A status mark such as ``(已完成)`` right after a heading: ``…问题。(已完成)``."""
        if node.status is not None:
            return
        window_end = min(para_end, node.title_end + 12)
        mark = self.p.status_mark.search(self.folded, node.title_start, window_end)
        if mark is not None:
            self._set_status(node, mark.group("s"), mark.start(), mark.end())
            node.status_mark_end = mark.end()

    def _inline_sequence(self, s: int, e: int, first: int) -> list[ShiMarker]:
        """``N是`` markers in order first, first+1, … (a stray ``三是`` alone is ignored)."""
        if first == 1 and self.folded.find("一是", s, e) < 0:
            return []  # every numeral worth 1 ends in 一: most paragraphs stop here
        hits = []
        expected = first
        for m in inline_shi(self.folded, s, e):
            if to_int(m.numeral) == expected:
                hits.append(m)
                expected += 1
        if first == 1 and len(hits) < 2:
            return []  # a lone "一是" inside a sentence is prose, not an enumeration
        return hits

    def _set_status(self, node: Node, word: str, start: int, end: int) -> None:
        node.status = self.lx.status_of[word]
        node.status_text = self.text[start:end]

    # -- tables ----------------------------------------------------------------------------
    def table_header(self, s: int, e: int) -> bool:
        cells = self._cells(s, e)
        if len(cells) < 3:
            return False
        roles: dict[str, int] = {}
        for i, (cs, ce) in enumerate(cells):
            cell = self.folded[cs:ce]
            if "序号" in cell or cell in ("编号", "No", "No."):
                roles.setdefault("no", i)
            elif "问题" in cell and "problem" not in roles:
                roles["problem"] = i
            elif ("完成情况" in cell or "状态" in cell or "进度" in cell) and "status" not in roles:
                roles["status"] = i
            elif ("整改" in cell or "措施" in cell) and "rect" not in roles:
                roles["rect"] = i
        if "problem" not in roles or ("rect" not in roles and "status" not in roles):
            return False
        roles.setdefault("no", 0)
        self.table = roles
        return True

    def table_row(self, s: int, e: int) -> bool:
        assert self.table is not None
        cells = self._cells(s, e)
        roles = self.table
        if len(cells) <= roles["problem"]:
            return False
        no_s, no_e = cells[roles["no"]]
        number = to_int(self.folded[no_s:no_e].rstrip("、.") or "x")
        if number is None:
            return False
        ps, pe = cells[roles["problem"]]
        node = self.open_node("table_row", number, s, ps, pe, str(number))
        node.label = self.text[no_s:no_e].strip()
        if "rect" in roles and roles["rect"] < len(cells):
            node.rect_cell = cells[roles["rect"]]
        if "status" in roles and roles["status"] < len(cells):
            ss, se = cells[roles["status"]]
            m = self.p.status_word.search(self.folded, ss, se)
            if m is not None:
                self._set_status(node, m.group(), m.start(), m.end())
        node.para_end = e
        return True

    def _cells(self, s: int, e: int) -> list[tuple[int, int]]:
        line = self.folded[s:e]
        if "|" not in line and "\t" not in line:
            return []
        cells, pos = [], 0
        for m in self.p.table_sep.finditer(line):
            cells.append((pos, m.start()))
            pos = m.end()
        cells.append((pos, len(line)))
        cells = [(s + a, s + b) for a, b in cells]
        if cells and cells[0][0] == cells[0][1]:  # "| 1 | …": leading bar
            cells = cells[1:]
        if cells and cells[-1][0] == cells[-1][1]:
            cells = cells[:-1]
        return cells


def _real_attachments(folded: str, paragraphs: list[tuple[int, int]]) -> dict[int, int | None]:
    """Attachment headings that open an attachment (not the list above the signature).

    A notice often lists ``附件:标题`` before its signature and repeats ``附件`` where the
    attachment really starts; the last heading for each attachment number is the real one.
    """
    last: dict[int | None, int] = {}
    numbers: dict[int, int | None] = {}
    for s, e in paragraphs:
        if folded.startswith("附", s):
            hit = match_attachment(folded[s:e])
            if hit is not None:
                last[hit[0]] = s
                numbers[s] = hit[0]
    return {s: numbers[s] for s in last.values()}


# A paragraph that is only a date ("2023年5月10日", "二〇二三年五月十日"): a signature date.
DATE_LINE = re.compile(
    r"\s*(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日\s*"
)
_MAX_ORG_CHARS = 50


def _is_signature(folded: str, org: tuple[int, int], date_line: tuple[int, int]) -> bool:
    """An organisation line followed by a date line: the signature that ends the body."""
    # Checked for every paragraph: most have no 日 at all, and find() is far cheaper than a match.
    if folded.find("日", *date_line) < 0 or DATE_LINE.fullmatch(folded, *date_line) is None:
        return False
    line = folded[org[0] : org[1]]
    return len(line) <= _MAX_ORG_CHARS and line.endswith(lexicon().org_suffixes)


def build_tree(text: str, folded: str) -> Tree:
    """Build the numbered-item tree of ``text`` (``folded`` is its matching copy)."""
    lx = lexicon()
    paragraphs = _paragraphs(folded)
    attachments = _real_attachments(folded, paragraphs)
    b = _Builder(text, folded)
    closing = lx.closing_openers
    noise = lx.noise_openers
    body_start: int | None = None
    tail = False  # after the closing paragraph: only attachments restart the tree
    prev: tuple[int, int] | None = None
    for s, e in paragraphs:
        before, prev = prev, (s, e)
        if s in attachments:
            hit = match_attachment(folded[s:e])
            assert hit is not None
            b.attachment(attachments[s], s, s + hit[2] - hit[1], e)
            tail = False
            continue
        if folded.startswith(closing, s) or folded.startswith(noise, s):
            if b.stack and b.body_end is None and b.branch == 0:
                b.body_end = s
            b.close_all(s)
            tail = True
            b.table = None
            continue
        if tail:
            continue
        if before is not None and _is_signature(folded, before, (s, e)):
            if b.body_end is None and b.branch == 0:
                b.body_end = before[0]
            b.close_all(before[0])
            tail = True
            b.table = None
            continue
        if b.table is not None:
            if b.table_row(s, e):
                continue
            b.table = None
        if (folded.find("|", s, e) >= 0 or folded.find("\t", s, e) >= 0) and b.table_header(s, e):
            continue
        marker = match_line_marker(folded, s, e)
        if marker is not None:
            if body_start is None and b.branch == 0:
                body_start = s
            b.marked(s + marker.start, e, marker.style, marker.number, s + marker.end)
        else:
            b.plain(s, e)
    end_of_text = paragraphs[-1][1] if paragraphs else 0
    if b.body_end is None and b.branch == 0:
        b.body_end = end_of_text
    b.close_all(end_of_text)
    first_attachment = min(attachments) if attachments else None
    return Tree(
        nodes=b.nodes,
        body_start=len(text) if body_start is None else body_start,
        body_end=b.body_end if b.body_end is not None else end_of_text,
        attachment_start=first_attachment,
        lines=paragraphs,
    )
