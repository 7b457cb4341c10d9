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
"""

from __future__ import annotations

import re
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
_CSS_HIDDEN_RULE = re.compile(
    r"([^{}]+)\{[^{}]*(?:display\s*:\s*none|visibility\s*:\s*hidden)[^{}]*\}", re.IGNORECASE
)
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
    """Builds a forgiving element tree: unknown end tags are ignored, optional ones implied."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self._stack: list[_Node] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_implied(tag)
        node = _Node(tag, {k.lower(): (v or "") for k, v in attrs}, parent=self._stack[-1])
        self._stack[-1].children.append(node)
        if tag not in _VOID_TAGS:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k.lower(): (v or "") for k, v in attrs}, parent=self._stack[-1])
        self._stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, 0, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)

    def _close_implied(self, tag: str) -> None:
        rule = _IMPLIED_CLOSE.get(tag)
        if rule is None:
            return
        closes, boundaries = rule
        for i in range(len(self._stack) - 1, 0, -1):
            open_tag = self._stack[i].tag
            if open_tag in closes:
                del self._stack[i:]
                return
            if open_tag in boundaries:
                return


def _hidden_selectors(root: _Node) -> tuple[frozenset[str], frozenset[str]]:
    """Class names and ids that the page's own CSS hides (simple ``.x``/``#y`` selectors)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for node in _all_nodes(root):
        if node.tag != "style":
            continue
        for rule in _CSS_HIDDEN_RULE.finditer(_raw_text(node)):
            for selector in rule.group(1).split(","):
                simple = _CSS_SIMPLE_SELECTOR.match(selector)
                if simple:
                    (classes if simple.group(1) == "." else ids).add(simple.group(2).lower())
    return frozenset(classes), frozenset(ids)


def _mark_css_hidden(root: _Node) -> None:
    classes, ids = _hidden_selectors(root)
    if not classes and not ids:
        return
    for node in _all_nodes(root):
        names = set(node.attrs.get("class", "").lower().split())
        if names & classes or node.attrs.get("id", "").lower() in ids:
            node.attrs["hidden"] = ""


def _is_dropped(node: _Node) -> bool:
    if node.tag in _DROP_TAGS:
        return not (node.tag in _KEEP_INSIDE_ARTICLE and _has_ancestor(node, "article"))
    if "hidden" in node.attrs or node.attrs.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(node.attrs.get("style", "")))


def _has_ancestor(node: _Node, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _walk(node: _Node) -> list[_Node]:
    """Every kept element under ``node`` (pre-order), skipping dropped subtrees."""
    found: list[_Node] = []
    todo = [node]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(
            reversed([c for c in current.children if isinstance(c, _Node) and not _is_dropped(c)])
        )
    return found


def _text_lengths(root: _Node) -> dict[int, int]:
    """Non-whitespace character count of every kept element, keyed by ``id(node)``."""
    lengths: dict[int, int] = {}

    def count(node: _Node) -> int:
        total = 0
        for child in node.children:
            if isinstance(child, str):
                total += len(_HTML_SPACE.sub("", child))
            elif not _is_dropped(child):
                total += count(child)
        lengths[id(node)] = total
        return total

    count(root)
    return lengths


def _depth(node: _Node) -> int:
    depth = 0
    while node.parent is not None:
        node = node.parent
        depth += 1
    return depth


def _matches_hint(node: _Node, hints: tuple[str, ...]) -> bool:
    names = [*node.attrs.get("class", "").lower().split(), node.attrs.get("id", "").lower()]
    return any(hint in name for name in names if name for hint in hints)


def _direct_text(node: _Node, lengths: dict[int, int]) -> int:
    total = 0
    for child in node.children:
        if isinstance(child, str):
            total += len(_HTML_SPACE.sub("", child))
        elif child.tag in _INLINE_TEXT_TAGS and not _is_dropped(child):
            total += lengths.get(id(child), 0)
    return total


def _choose_container(body: _Node, hints: tuple[str, ...]) -> _Node:
    """The element holding the article (see module docstring for the rule)."""
    lengths = _text_lengths(body)
    body_len = lengths[id(body)]
    nodes = _walk(body)
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
    for child in node.children:
        if isinstance(child, str):
            out.append(child if pre else _HTML_SPACE.sub(_collapse_space, child))
            continue
        if _is_dropped(child):
            continue
        tag = child.tag
        if tag == "br":
            out.append("\n")
        elif tag == "table":
            out.append("\n")
            _render_table(child, out)
            out.append("\n")
        elif tag in _BLOCK_TAGS:
            out.append("\n")
            _render(child, out, pre or tag == "pre")
            out.append("\n")
        else:
            _render(child, out, pre)


def _collapse_space(match: re.Match[str]) -> str:
    return _SOFT_BREAK if "\n" in match.group(0) or "\r" in match.group(0) else " "


def _finish(pieces: list[str]) -> str:
    joined = _SOFT_BREAK_BETWEEN_CJK.sub("", "".join(pieces)).replace(_SOFT_BREAK, " ")
    lines = (line.strip(" ") for line in joined.split("\n"))
    return "\n".join(line for line in lines if line)


def _rows(table: _Node) -> list[_Node]:
    rows: list[_Node] = []
    for child in table.children:
        if isinstance(child, _Node) and not _is_dropped(child):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in {"thead", "tbody", "tfoot"}:
                rows.extend(_rows(child))
    return rows


def _render_table(table: _Node, out: list[str]) -> None:
    for row in _rows(table):
        cells = [
            c
            for c in row.children
            if isinstance(c, _Node) and c.tag in {"td", "th"} and not _is_dropped(c)
        ]
        texts = []
        for cell in cells:
            pieces: list[str] = []
            _render(cell, pieces)
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
    for node in _walk(root):
        if node.tag == tag:
            return node
    return None


def _plain(node: _Node) -> str:
    pieces: list[str] = []
    _render(node, pieces)
    return _finish(pieces).replace("\n", " ")


def html_to_text(html: str, hints: tuple[str, ...] | None = None) -> HtmlArticle:
    """Extract the article text and title of an HTML page (see the module docstring)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    _mark_css_hidden(root)
    title_node = next((n for n in _all_nodes(root) if n.tag == "title"), None)
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
    return "".join(c if isinstance(c, str) else _raw_text(c) for c in node.children)
