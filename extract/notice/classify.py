"""Which tree nodes are feedback problems, and what each one's status is.

A notice mixes three kinds of numbered items: sections about the work (``一、整改工作基本情况``,
``三、下一步工作打算``), categories of problems (``(一)关于…方面``) and the problems themselves,
whose children are often numbered measures (``一是…二是…``). Markers do not say which is which,
so the decision uses evidence, strongest first:

1. inside a rectification block, or an attachment heading -> not a problem (a measure);
2. the node has its own ``整改情况:`` block, a ``反馈问题:`` label or a status mark -> problem;
3. an ancestor is already a problem -> a measure of it;
4. section words (``下一步``, ``信访``…) or a category heading (``…方面``) -> not a problem;
5. a top-level section (level 1 of the body or of an attachment) -> not a problem;
6. it has problem descendants (``1.政治站位不高`` over ``一是…``) -> problem;
7. its title reads like a problem (``关于…问题``, ``…问题的整改``) and so do at least half of
   its same-style siblings, or most siblings do -> problem (``2.执行干部选拔任用制度不严``).

A problem with problem descendants is a *group* (``is_group``): ``1.政治站位不高`` over
``一是…二是…`` sub-problems, or ``(一)反馈问题:…`` over ``(1)…(13)``. The notice lists its
leaves; counting the heading as well double-counts (42 stored for 33 listed), so the problem
count is ``is_problem and not is_group``. The heading stays a problem node: its span holds its
sub-problems and it is where their shared title lives.

Statuses stated on a section heading (``(一)已完成的整改事项``, ``(二)仍需持续推进的整改事项``)
apply to the problems under it that state none of their own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from extract.notice.lexicon import alternation, lexicon
from extract.notice.tree import Node

__all__ = ["classify_nodes"]


def _title(folded: str, node: Node) -> str:
    return folded[node.title_start : node.title_end].strip(" \t\r\n:,;")


def _explicit(node: Node) -> bool:
    return (
        bool(node.rect_labels)
        or node.rect_cell is not None
        or node.problem_label
        or (node.status is not None and not node.status_from_heading)
    )


@lru_cache(maxsize=1)
def _word_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Problem phrases, section words and plan words as one alternation each: one C-level
    search per title instead of a Python loop over the list (this runs for every node)."""
    lx = lexicon()
    return (
        re.compile(alternation(list(lx.problem_phrases))),
        re.compile(alternation(list(lx.non_problem_words))),
        re.compile(alternation(list(lx.plan_words))),
    )


def _reads_like_problem(title: str) -> bool:
    lx = lexicon()
    if title.startswith(lx.problem_openers) and "问题" in title:
        return True
    return title.endswith("问题") or _word_res()[0].search(title) is not None


def _is_category(title: str) -> bool:
    lx = lexicon()
    return title.endswith(lx.category_suffixes) or "整改事项" in title


def _is_section(title: str) -> bool:
    return _word_res()[1].search(title) is not None


def _has_explicit_descendant(node: Node) -> bool:
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if child.in_rect or child.inline:
            continue
        if _explicit(child):
            return True
        stack.extend(child.children)
    return False


def classify_nodes(nodes: list[Node], folded: str) -> None:
    """Set ``is_problem`` on every node and inherit heading statuses (in place)."""
    titles = {id(n): _title(folded, n) for n in nodes}
    # Sibling groups: same parent, same style. Evidence of the group decides doubtful members.
    groups: dict[tuple[int, str], list[Node]] = defaultdict(list)
    for n in nodes:
        groups[(id(n.parent), n.style)].append(n)
    group_support: dict[tuple[int, str], float] = {}
    for key, members in groups.items():
        if members[0].inline:  # inline items never use group evidence
            continue
        hits = 0
        for m in members:
            if _explicit(m) or _reads_like_problem(titles[id(m)]):
                hits += 1
        group_support[key] = hits / len(members)

    # Nodes below a plan heading ("三、下一步工作打算"): intended measures, never problems.
    under_plan: set[int] = set()
    plan_re = _word_res()[2]
    for n in nodes:  # document order: a parent is seen before its children
        p = n.parent
        if p is not None and (id(p) in under_plan or plan_re.search(titles[id(p)])):
            under_plan.add(id(n))

    for n in nodes:  # document order: parents are decided before their children
        if id(n) in under_plan:
            n.is_problem = False
            continue
        parent_problem = False
        ancestor = n.parent
        while ancestor is not None:
            if ancestor.is_problem:
                parent_problem = True
                break
            ancestor = ancestor.parent
        key = (id(n.parent), n.style)
        n.is_problem = _decide(
            n, titles[id(n)], parent_problem, group_support.get(key, 0.0), len(groups[key])
        )
    _mark_groups(nodes)
    _inherit_heading_status(nodes, titles)


def _mark_groups(nodes: list[Node]) -> None:
    """``is_group`` on every problem that has a problem below it (one bottom-up pass).

    Nodes are in document order with parents first, so walking them backwards sees every
    child before its parent: linear, where asking each node about its subtree would not be.
    """
    below: set[int] = set()  # ids of nodes with a problem somewhere below them
    for n in reversed(nodes):
        n.is_group = n.is_problem and id(n) in below
        if (n.is_problem or id(n) in below) and n.parent is not None:
            below.add(id(n.parent))


def _decide(n: Node, title: str, parent_problem: bool, support: float, group_size: int) -> bool:
    if n.style == "attachment" or n.in_rect:
        return False
    if n.inline:
        return n.parent is not None and n.parent.problem_label and not n.parent.rect_labels
    if _explicit(n):
        return True
    if parent_problem:
        return False
    if _is_section(title) or _is_category(title):
        return False
    top = n.parent is None or n.parent.style == "attachment"
    if top:
        return False
    if _has_explicit_descendant(n):
        return True
    if _reads_like_problem(title) and (support >= 0.5 or group_size == 1):
        return True
    return group_size >= 2 and support > 0.5


def _inherit_heading_status(nodes: list[Node], titles: dict[int, str]) -> None:
    lx = lexicon()
    heading_re = lx.free_status
    for n in nodes:
        if n.is_problem or n.inline or n.status is not None:
            continue
        m = heading_re.search(titles[id(n)])
        if m is None:
            continue
        status, words = lx.status_of[m.group()], m.group()
        stack = list(n.children)
        while stack:
            child = stack.pop()
            if child.is_problem and child.status is None:
                child.status, child.status_text = status, words
                child.status_from_heading = True
            stack.extend(child.children)
