"""``parse_notice``: metadata, problem tree, statuses, completion figures and anomalies.

The passes, each linear in the text: fold a matching copy (offsets shared), build the numbered
tree paragraph by paragraph, classify nodes, cut rectification text, read metadata, find the
summary sentence, then check numbering and duplicates. Every offset returned indexes ``text``.
"""

from __future__ import annotations

import re

from extract.gcpause import gc_paused
from extract.model import Anomaly, ParsedNotice, Problem
from extract.notice.anomalies import (
    duplicate_rectifications,
    missing_rectifications,
    numbering_anomalies,
)
from extract.notice.classify import classify_nodes
from extract.notice.completion import find_completion
from extract.notice.fold import fold_for_matching
from extract.notice.metadata import extract_metadata
from extract.notice.rectification import (
    rectification_segments,
    rectification_text,
    status_from_text,
)
from extract.notice.tree import Node, build_tree
from extract.text.fold import MatchingView, matching_view

__all__ = ["parse_notice"]

_STATUS_MARK = re.compile(r"[(【\[][^()【】\[\]]{1,8}[)】\]]\s*$")
_TITLE_TRIM = " \t\r\n:;,。、"
_ATTACHMENT_TITLE_CHARS = 80


def parse_notice(text: str) -> ParsedNotice:
    """Parse one notice's canonical text into metadata, problems, completion and anomalies.

    Raises TypeError when ``text`` is not a ``str`` (decode files first, e.g. with
    ``extract.reading.load_notice``). Empty or unstructured text gives an empty result, not an
    error: a notice without numbering is a fact about that notice.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"parse_notice expects the notice text as str, got {type(text).__name__}; "
            "decode the file first (extract.reading.load_notice(path).text)"
        )
    with gc_paused():
        view = matching_view(text)
        if view.is_identity:
            return _parse(text, view.text)  # no annotations: the view is the folded copy
        # Pinyin annotations scraped with a traditional page (縣(xiàn)委) are taken out before
        # parsing, so names and markers read whole; offsets are mapped back to ``text``.
        stripped = "".join(text[view.to_source(i)] for i in range(len(view.text)))
        return _to_source(_parse(stripped), view)


def _to_source(parsed: ParsedNotice, view: MatchingView) -> ParsedNotice:
    """``parsed`` (of the annotation-free copy) with every offset moved onto the source."""
    for p in parsed.problems:
        p.start, p.end = view.source_span(p.start, p.end)
    c = parsed.completion
    if c is not None:
        c.start, c.end = view.source_span(c.start, c.end)
        c.evidence = [(role, *view.source_span(s, e)) for role, s, e in c.evidence]
    for a in parsed.anomalies:
        if a.start is not None:
            a.start = view.to_source(a.start)
    return parsed


def _parse(text: str, folded: str | None = None) -> ParsedNotice:
    # ``folded``: the caller's fold of ``text`` when it has one (parse_notice's view), so a
    # notice is folded once, not twice.
    folded = fold_for_matching(text) if folded is None else folded
    tree = build_tree(text, folded)
    nodes = tree.nodes
    classify_nodes(nodes, folded)
    _unique_paths(nodes)

    segments: dict[int, list[tuple[int, int]]] = {}
    texts: dict[int, str] = {}
    for n in nodes:
        # Only feedback problems carry rectification text: a section's or a measure's body is
        # part of the notice (or of its problem's text) and reachable through its offsets.
        if not n.is_problem:
            continue
        spans = rectification_segments(n)
        segments[id(n)] = spans
        texts[id(n)] = rectification_text(text, spans)
        if n.status is None:
            found = status_from_text(folded, spans)
            if found is not None:
                n.status, n.status_text = found[0], text[found[1] : found[2]]

    problem_spans = _outer_problem_spans(nodes)
    meta = extract_metadata(text, folded, tree, problem_spans)
    # Attachments often repeat the body's problems: rate the body's statuses when it has any.
    stated = [n for n in nodes if n.is_problem and n.status is not None]
    body_stated = [n for n in stated if n.branch == 0]
    statuses = [n.status for n in (body_stated or stated) if n.status is not None]
    # The listed problems are the body's leaves (attachments often repeat the body's list).
    leaves = [n for n in nodes if n.is_problem and not n.is_group]
    listed = sum(1 for n in leaves if n.branch == 0) or len(leaves) or None
    completion = find_completion(text, folded, problem_spans, statuses, listed)

    anomalies: list[Anomaly] = []
    anomalies += numbering_anomalies(nodes)
    anomalies += duplicate_rectifications(text, nodes, segments)
    anomalies += missing_rectifications(nodes, texts)
    if (
        completion is not None
        and completion.listed_problems
        and completion.stated_problems
        and completion.listed_problems not in completion.stated_problems
    ):
        said = completion.stated_problems[-1]
        anomalies.append(
            Anomaly(
                "problem_count_mismatch",
                "notice",
                f"汇总称{said}个问题,通报列出{completion.listed_problems}个 / the summary "
                f"states {said} problems, the notice lists {completion.listed_problems}",
                completion.start,
            )
        )
    if meta.signed_date is None:
        anomalies.append(
            Anomaly(
                "missing_signature",
                "notice end",
                "no signature date found (truncated scrape?)",
                None,
            )
        )
    anomalies.sort(key=lambda a: (a.start is None, a.start or 0))

    problems = [_problem(text, n, texts.get(id(n), "")) for n in nodes]
    _release(nodes)
    return ParsedNotice(meta=meta, problems=problems, completion=completion, anomalies=anomalies)


def _release(nodes: list[Node]) -> None:
    """Break the parent/children reference cycles so the tree is freed at once by refcounting.

    Left alone, every notice's tree would wait for the cyclic collector, whose full passes over
    a growing ingest batch cost more than building the tree did.
    """
    for n in nodes:
        n.children = []
        n.parent = None


def _unique_paths(nodes: list[Node]) -> None:
    """Repeated numbers would repeat a path; the second ``(3)`` becomes ``(3)~2``."""
    seen: dict[str, int] = {}
    for n in nodes:  # parents come first, so children inherit the fixed prefix
        path = n.key if n.parent is None else f"{n.parent.path}/{n.key}"
        times = seen.get(path, 0) + 1
        seen[path] = times
        n.path = path if times == 1 else f"{path}~{times}"


def _outer_problem_spans(nodes: list[Node]) -> list[tuple[int, int]]:
    spans = []
    for n in nodes:
        if n.is_problem and (n.parent is None or not _has_problem_ancestor(n)):
            spans.append((n.start, n.end))
    return spans


def _has_problem_ancestor(n: Node) -> bool:
    a = n.parent
    while a is not None:
        if a.is_problem:
            return True
        a = a.parent
    return False


def _problem(text: str, n: Node, rectification: str) -> Problem:
    title = "".join(text[n.title_start : n.title_end].split()).strip(_TITLE_TRIM)
    if title.endswith((")", "】", "]")):
        title = _STATUS_MARK.sub("", title).strip(_TITLE_TRIM)
    if not title and n.style == "attachment":
        stop = n.children[0].start if n.children else n.end
        title = "".join(text[n.title_end : stop].split())[:_ATTACHMENT_TITLE_CHARS]
    # Positional: this runs for every node of every notice, and keywords cost twice as much.
    return Problem(
        n.path,
        n.parent.path if n.parent is not None else None,
        n.level,
        n.label,
        title,
        rectification,
        n.status,
        n.status_text,
        n.start,
        n.end,
        n.is_problem,
        n.is_group,
    )
