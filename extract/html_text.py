"""HTML page → article text, with the stdlib ``html.parser`` (no extra dependency).

Government sites publish notices as HTML pages wrapped in navigation, headers, footers,
share bars and scripts. We want the article only, with its line structure: block elements
become line breaks, ``<br>`` a newline, table rows lines with cells joined by ``" | "``
(table-layout notices keep their columns). The article container is found with the class/id
hints in ``extract/data/html_content_hints.txt``; when none fits, the element with the
largest direct block of text wins. The page title (``<h1>`` or ``<title>``) is returned as a
hint and put back on top of the text when the container does not include it.

A hand-rolled tree is enough here: pages are small, and readability-style libraries would
add a dependency while still needing our own table and CJK whitespace handling.

Robustness: ``html_to_text`` never raises and is linear in the page size, whatever the page
holds. The stdlib tokenizer re-scans the rest of the page from every ``<`` that starts a
construct it cannot finish (``<a`` × 100,000 took 41 s) and raises on a malformed ``<![``, so
such ``<`` are escaped before parsing and ``<![`` is read as the bogus comment HTML5 makes of
it; the tree keeps per-tag stack positions so end tags cost O(1); every walk over the tree
is iterative (100,000 nested ``<div>`` no longer hit the recursion limit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["HtmlArticle", "html_to_text", "load_content_hints"]

_HINTS_PATH = Path(__file__).with_name("data") / "html_content_hints.txt"

# Elements whose whole subtree is page chrome or code, never article text.
_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "iframe",
        "template",
        "svg",
        "object",
        "embed",
        "select",
        "button",
        "canvas",
        "head",
        "map",
        "audio",
        "video",
    }
)
# header/footer inside an <article> are the article's own title block, so keep them there.
_KEEP_INSIDE_ARTICLE = frozenset({"header", "footer"})
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
        "header",
        "footer",
    }
)
# Children that count as "direct text" of their parent when looking for the largest block.
_INLINE_TEXT_TAGS = frozenset(
    {
        "p",
        "span",
        "font",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "a",
        "br",
        "sub",
        "sup",
        "small",
        "big",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "center",
        "label",
        "s",
        "strike",
        "ins",
        "del",
        "o:p",
    }
)
# Start tags that implicitly close an open element of the same family (HTML's optional end tags).
_IMPLIED_CLOSE = {
    "p": ({"p"}, {"div", "td", "th", "li", "table", "body", "section", "article"}),
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "option": ({"option"}, {"select"}),
}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# `.cls { display: none }` / `#id {…}` in the page's <style>: spam and tracking blocks hide
# themselves this way, and a reader never sees them.
# Applied to one rule body at a time (see _hidden_selectors): a regex over the whole sheet,
# ``([^{}]+)\{…\}``, rescanned the sheet from every character when it had no braces (68 s).
_CSS_HIDDEN_BODY = _HIDDEN_STYLE
_CSS_SIMPLE_SELECTOR = re.compile(r"^\s*([.#])([\w-]+)\s*$")
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
# Marks collapsed whitespace that contained a line break; resolved once the text is joined,
# because whether it becomes a space depends on the characters on both sides.
_SOFT_BREAK = "\ue000"
_CJK = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff00-\uffef"
)
_SOFT_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]){_SOFT_BREAK}+(?=[{_CJK}])")
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\s[-–|]\s|\|)\s*")

# A content candidate is used only if it holds at least this share of the body's text.
_MIN_CANDIDATE_SHARE = 0.3
# Among candidates, the deepest one holding this share of the biggest candidate's text wins.
_DEEPEST_SHARE = 0.5
# Climb to the parent while it adds little text (title, date line): at most this many
# characters and this share of the chosen element's text.
_CLIMB_MAX_EXTRA_CHARS = 300
_CLIMB_MAX_EXTRA_SHARE = 0.15


@dataclass(eq=False)
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)
    parent: _Node | None = None
    # Set when the node is built, so that no walk climbs the ancestors (quadratic when deep).
    depth: int = 0
    in_article: bool = False
    dropped: bool = False  # see _drops; set once the page's CSS is known


# A rendering step: a generator that yields the sub-steps it would otherwise call recursively.
_Steps = Iterator["_Steps"]


@dataclass(frozen=True)
class HtmlArticle:
    """Text of a page's article and the title found for it (``None`` when there is none)."""

    text: str
    title: str | None


@lru_cache(maxsize=1)
def load_content_hints(path: Path = _HINTS_PATH) -> tuple[str, ...]:
    """Lower-cased class/id substrings of article containers, from the data file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(s.strip().lower() for s in lines if s.strip() and not s.lstrip().startswith("#"))


class _TreeBuilder(HTMLParser):
    """Builds a forgiving element tree: unknown end tags are ignored, optional ones implied.

    ``_where[tag]`` lists the stack positions of the open elements named ``tag``, so an end
    tag or an implied close finds its element without scanning the stack (a page of 50,000
    stray ``</span>`` under deep nesting was quadratic).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self._stack: list[_Node] = [self.root]
        self._where: dict[str, list[int]] = {}

    def _new(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Node:
        parent = self._stack[-1]
        return _Node(
            tag,
            {k.lower(): (v or "") for k, v in attrs},
            parent=parent,
            depth=parent.depth + 1,
            in_article=parent.in_article or parent.tag == "article",
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_implied(tag)
        node = self._new(tag, attrs)
        self._stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self._where.setdefault(tag, []).append(len(self._stack))
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(self._new(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        positions = self._where.get(tag)
        if positions:
            self._truncate(positions[-1])

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)

    def parse_html_declaration(self, i: int) -> int:
        """``<![…`` is a bogus comment up to the next ``>`` (HTML5), never an error.

        The stdlib reads it as an SGML marked section and raises ``AssertionError`` on
        anything but a known keyword (``<![ x``); Word's ``<![if !supportLists]>`` and
        ``<![endif]>`` are skipped either way.
        """
        if self.rawdata.startswith("<![", i):
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1
        return super().parse_html_declaration(i)

    def _truncate(self, position: int) -> None:
        """Close every element from stack ``position`` up."""
        for node in self._stack[position:]:
            if node.tag in _VOID_TAGS:
                continue
            self._where[node.tag].pop()
        del self._stack[position:]

    def _close_implied(self, tag: str) -> None:
        rule = _IMPLIED_CLOSE.get(tag)
        if rule is None:
            return
        closes, boundaries = rule
        where = self._where
        close_at = 0  # the innermost open element this tag closes (0: none; root is 0)
        for name in closes:
            positions = where.get(name)
            if positions and positions[-1] > close_at:
                close_at = positions[-1]
        if not close_at:
            return
        for name in boundaries:  # …unless a boundary (table, list) was opened inside it
            positions = where.get(name)
            if positions and positions[-1] > close_at:
                return
        self._truncate(close_at)


def _hidden_selectors(everything: list[_Node]) -> tuple[frozenset[str], frozenset[str]]:
    """Class names and ids that the page's own CSS hides (simple ``.x``/``#y`` selectors)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for node in everything:
        if node.tag != "style":
            continue
        # A rule is "selectors { body }" with no brace inside either: split on "}", then the
        # body follows the chunk's last "{" and the selectors sit between it and the one before.
        for chunk in _raw_text(node).split("}")[:-1]:
            pieces = chunk.split("{")
            if len(pieces) < 2 or not pieces[-2] or not _CSS_HIDDEN_BODY.search(pieces[-1]):
                continue
            for selector in pieces[-2].split(","):
                simple = _CSS_SIMPLE_SELECTOR.match(selector)
                if simple:
                    (classes if simple.group(1) == "." else ids).add(simple.group(2).lower())
    return frozenset(classes), frozenset(ids)


def _mark_dropped(everything: list[_Node]) -> None:
    """Set ``dropped`` on every element: CSS-hidden classes/ids first, then :func:`_drops`."""
    classes, ids = _hidden_selectors(everything)
    for node in everything:
        if classes or ids:
            names = set(node.attrs.get("class", "").lower().split())
            if names & classes or node.attrs.get("id", "").lower() in ids:
                node.attrs["hidden"] = ""
        node.dropped = _drops(node)


def _drops(node: _Node) -> bool:
    """Whether ``node``'s subtree is page chrome or hidden (computed once per node)."""
    if node.tag in _DROP_TAGS:
        return not (node.tag in _KEEP_INSIDE_ARTICLE and node.in_article)
    if "hidden" in node.attrs or node.attrs.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(node.attrs.get("style", "")))


def _walk(node: _Node) -> list[_Node]:
    """Every kept element under ``node`` (pre-order), skipping dropped subtrees."""
    found: list[_Node] = []
    todo = [node]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(
            reversed([c for c in current.children if isinstance(c, _Node) and not c.dropped])
        )
    return found


def _text_lengths(walked: list[_Node]) -> dict[int, int]:
    """Non-whitespace character count of every kept element (``walked``: from ``_walk``)."""
    lengths: dict[int, int] = {}
    # Children are counted before their parent: reverse pre-order is a valid post-order.
    for node in reversed(walked):
        total = 0
        for child in node.children:
            if isinstance(child, str):
                total += len(_HTML_SPACE.sub("", child))
            elif not child.dropped:
                total += lengths[id(child)]
        lengths[id(node)] = total
    return lengths


def _depth(node: _Node) -> int:
    return node.depth


def _matches_hint(node: _Node, hints: tuple[str, ...]) -> bool:
    names = [*node.attrs.get("class", "").lower().split(), node.attrs.get("id", "").lower()]
    return any(hint in name for name in names if name for hint in hints)


def _direct_text(node: _Node, lengths: dict[int, int]) -> int:
    total = 0
    for child in node.children:
        if isinstance(child, str):
            total += len(_HTML_SPACE.sub("", child))
        elif child.tag in _INLINE_TEXT_TAGS and not child.dropped:
            total += lengths.get(id(child), 0)
    return total


def _choose_container(body: _Node, hints: tuple[str, ...]) -> _Node:
    """The element holding the article (see module docstring for the rule)."""
    nodes = _walk(body)
    lengths = _text_lengths(nodes)
    body_len = lengths[id(body)]
    candidates = [
        n
        for n in nodes
        if n is not body
        and _matches_hint(n, hints)
        and lengths[id(n)] >= _MIN_CANDIDATE_SHARE * body_len
        and lengths[id(n)] > 0
    ]
    if candidates:
        biggest = max(lengths[id(n)] for n in candidates)
        chosen = max(
            (n for n in candidates if lengths[id(n)] >= _DEEPEST_SHARE * biggest), key=_depth
        )
    else:
        best = max(nodes, key=lambda n: _direct_text(n, lengths))
        if _direct_text(best, lengths) == 0:
            return body
        chosen = best.parent if best.tag in _INLINE_TEXT_TAGS and best.parent else best
    while chosen.parent is not None and chosen is not body:
        extra = lengths.get(id(chosen.parent), 0) - lengths[id(chosen)]
        if extra > _CLIMB_MAX_EXTRA_CHARS or extra > _CLIMB_MAX_EXTRA_SHARE * lengths[id(chosen)]:
            break
        chosen = chosen.parent
    return chosen


def _render(node: _Node, out: list[str], pre: bool = False) -> None:
    """Append the text of ``node``'s children to ``out`` (blocks and tables on own lines).

    The steps are generators that yield the sub-steps they would otherwise call
    recursively; this loop runs them with an explicit stack, so depth costs memory, never
    the Python recursion limit.
    """
    stack: list[_Steps] = [_render_steps(node, out, pre)]
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
        else:
            stack.append(step)


def _render_steps(node: _Node, out: list[str], pre: bool) -> _Steps:
    for child in node.children:
        if isinstance(child, str):
            out.append(child if pre else _HTML_SPACE.sub(_collapse_space, child))
            continue
        if child.dropped:
            continue
        tag = child.tag
        if tag == "br":
            out.append("\n")
        elif tag == "table":
            out.append("\n")
            yield _table_steps(child, out)
            out.append("\n")
        elif tag in _BLOCK_TAGS:
            out.append("\n")
            yield _render_steps(child, out, pre or tag == "pre")
            out.append("\n")
        else:
            yield _render_steps(child, out, pre)


def _collapse_space(match: re.Match[str]) -> str:
    return _SOFT_BREAK if "\n" in match.group(0) or "\r" in match.group(0) else " "


def _finish(pieces: list[str]) -> str:
    joined = _SOFT_BREAK_BETWEEN_CJK.sub("", "".join(pieces)).replace(_SOFT_BREAK, " ")
    lines = (line.strip(" ") for line in joined.split("\n"))
    return "\n".join(line for line in lines if line)


def _rows(table: _Node) -> list[_Node]:
    """The table's ``<tr>``, also those inside ``<thead>/<tbody>/<tfoot>`` (in order)."""
    rows: list[_Node] = []
    todo: list[_Node | str] = list(reversed(table.children))
    while todo:
        child = todo.pop()
        if isinstance(child, _Node) and not child.dropped:
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in {"thead", "tbody", "tfoot"}:
                todo.extend(reversed(child.children))
    return rows


def _table_steps(table: _Node, out: list[str]) -> _Steps:
    for row in _rows(table):
        cells = [
            c
            for c in row.children
            if isinstance(c, _Node) and c.tag in {"td", "th"} and not c.dropped
        ]
        texts = []
        for cell in cells:
            pieces: list[str] = []
            yield _render_steps(cell, pieces, False)
            texts.append(_finish(pieces))
        if not any(texts):
            continue
        if any("\n" in t for t in texts):
            # A layout table (whole paragraphs in a cell): keep the paragraphs, not columns.
            out.extend(f"\n{t}\n" for t in texts if t)
        else:
            out.append("\n" + " | ".join(texts) + "\n")


def _clean_title(raw: str) -> str | None:
    text = _HTML_SPACE.sub(" ", raw).strip()
    if not text:
        return None
    parts = [p for p in _TITLE_SEPARATORS.split(text) if p.strip()]
    return max(parts, key=len).strip() if parts else None


def _first(root: _Node, tag: str) -> _Node | None:
    """The first kept ``tag`` element under ``root`` in document order (stops there)."""
    todo = [root]
    while todo:
        current = todo.pop()
        if current.tag == tag:
            return current
        todo.extend(
            reversed([c for c in current.children if isinstance(c, _Node) and not c.dropped])
        )
    return None


def _plain(node: _Node) -> str:
    pieces: list[str] = []
    _render(node, pieces)
    return _finish(pieces).replace("\n", " ")


def html_to_text(html: str, hints: tuple[str, ...] | None = None) -> HtmlArticle:
    """Extract the article text and title of an HTML page (see the module docstring)."""
    root = _parse(html)
    everything = _all_nodes(root)
    _mark_dropped(everything)
    title_node = next((n for n in everything if n.tag == "title"), None)
    page_title = _clean_title(_raw_text(title_node)) if title_node else None
    body = _first(root, "body") or root
    container = _choose_container(body, hints if hints is not None else load_content_hints())
    pieces: list[str] = []
    if container.tag in _BLOCK_TAGS or container is body:
        _render(container, pieces)
    else:
        _render(_Node("div", children=[container]), pieces)
    text = _finish(pieces)
    # The article's own <h1> first; then <title> (a site logo is often the page's only <h1>).
    inner_h1 = _first(container, "h1")
    outer_h1 = _first(body, "h1")
    title = (
        (_plain(inner_h1) if inner_h1 is not None else None)
        or page_title
        or (_plain(outer_h1) if outer_h1 is not None else None)
    )
    if title and title not in text[: len(title) * 3 + 200]:
        text = f"{title}\n{text}" if text else title
    return HtmlArticle(text=text, title=title)


def _all_nodes(root: _Node) -> list[_Node]:
    """Every element, dropped ones included (``<title>`` lives in the dropped ``<head>``)."""
    found: list[_Node] = []
    todo = [root]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(c for c in current.children if isinstance(c, _Node))
    return found


def _raw_text(node: _Node) -> str:
    """All text under ``node`` as written, dropped elements included (iterative)."""
    pieces: list[str] = []
    todo: list[_Node | str] = list(reversed(node.children))
    while todo:
        child = todo.pop()
        if isinstance(child, str):
            pieces.append(child)
        else:
            todo.extend(reversed(child.children))
    return "".join(pieces)


_COMMENT_CLOSE = re.compile(r"--\s*>")
_ANY_TAG = re.compile(r"<[^>]*>")


def _defuse_unfinished(html: str) -> str:
    """Escape each ``<`` that starts a construct nothing later can close.

    The stdlib tokenizer re-scans to the end of the page from every such ``<`` (quadratic);
    as ``&lt;`` they are the text the tokenizer would have made of them anyway. Covered: any
    ``<`` after the page's last ``>``, and ``<!--`` after the last ``-->``.
    """
    last_gt = html.rfind(">")
    if "<" in html[last_gt + 1 :]:
        html = html[: last_gt + 1] + html[last_gt + 1 :].replace("<", "&lt;")
    last_close = -1  # start of the last "-->": a "<!--" at p closes iff p + 4 <= last_close
    for match in _COMMENT_CLOSE.finditer(html):
        last_close = match.start()
    cut = max(last_close - 3, 0)
    if "<!--" in html[cut:]:
        html = html[:cut] + html[cut:].replace("<!--", "&lt;!--")
    return html


def _parse(html: str) -> _Node:
    """The element tree of ``html``; never raises, whatever the markup."""
    builder = _TreeBuilder()
    try:
        builder.feed(_defuse_unfinished(html))
        builder.close()
    except (AssertionError, ValueError, IndexError, TypeError):
        # Defence in depth: html.parser raised on input no test has shown yet. Keep the page's
        # words, without structure, rather than losing the notice.
        root = _Node("#root")
        root.children.append(_ANY_TAG.sub("\n", _defuse_unfinished(html)))
        return root
    return builder.root
