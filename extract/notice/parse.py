"""``parse_notice``: metadata, problem tree, statuses, completion figures and anomalies.

The passes, each linear in the text: fold a matching copy (offsets shared), build the numbered
tree paragraph by paragraph, classify nodes, cut rectification text, read metadata, find the
summary sentence, then check numbering and duplicates. Every offset returned indexes ``text``.
"""

from __future__ import annotations

import re
from collections import Counter

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
            "decode the file first (extract.reading.load_notice(path).text)")
    folded = fold_for_matching(text)
    tree = build_tree(text, folded)
    nodes = tree.nodes
    classify_nodes(nodes, folded)
    _unique_paths(nodes)

    segments: dict[int, list[tuple[int, int]]] = {}
    texts: dict[int, str] = {}
    for n in nodes:
        spans = rectification_segments(n)
        segments[id(n)] = spans
        texts[id(n)] = rectification_text(text, spans)
        if n.is_problem and n.status is None:
            found = status_from_text(folded, spans)
            if found is not None:
                n.status, n.status_text = found[0], text[found[1]:found[2]]

    problem_spans = _outer_problem_spans(nodes)
    meta = extract_metadata(text, folded, tree, problem_spans)
    # Attachments often repeat the body's problems: rate the body's statuses when it has any.
    stated = [n for n in nodes if n.is_problem and n.status is not None]
    body_stated = [n for n in stated if n.branch == 0]
    statuses = [n.status for n in (body_stated or stated) if n.status is not None]
    completion = find_completion(text, folded, problem_spans, statuses)

    anomalies: list[Anomaly] = []
    anomalies += numbering_anomalies(nodes)
    anomalies += duplicate_rectifications(text, nodes, segments)
    anomalies += missing_rectifications(nodes, texts)
    leaves = [n for n in nodes
              if n.is_problem and n.branch == 0 and not any(c.is_problem for c in n.children)]
    if completion is not None and completion.total is not None and leaves and (
            completion.total != len(leaves)):
        anomalies.append(Anomaly(
            "problem_count_mismatch", "notice",
            f"summary counts {completion.total}, the notice lists {len(leaves)} problems",
            completion.start))
    if meta.signed_date is None:
        anomalies.append(Anomaly("missing_signature", "notice end",
                                 "no signature date found (truncated scrape?)", None))
    anomalies.sort(key=lambda a: (a.start is None, a.start or 0))

    problems = [_problem(text, n, texts[id(n)]) for n in nodes]
    return ParsedNotice(meta=meta, problems=problems, completion=completion, anomalies=anomalies)


def _unique_paths(nodes: list[Node]) -> None:
    """Repeated numbers would repeat a path; the second ``(3)`` becomes ``(3)~2``."""
    seen: Counter[str] = Counter()
    for n in nodes:  # parents come first, so children inherit the fixed prefix
        if n.parent is not None:
            n.path = f"{n.parent.path}/{n.key}"
        seen[n.path] += 1
        if seen[n.path] > 1:
            n.path = f"{n.path}~{seen[n.path]}"


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
    title = "".join(text[n.title_start:n.title_end].split()).strip(_TITLE_TRIM)
    if title.endswith((")", "】", "]")):
        title = _STATUS_MARK.sub("", title).strip(_TITLE_TRIM)
    if not title and n.style == "attachment":
        stop = n.children[0].start if n.children else n.end
        title = "".join(text[n.title_end:stop].split())[:_ATTACHMENT_TITLE_CHARS]
    return Problem(
        path=n.path,
        parent_path=n.parent.path if n.parent is not None else None,
        level=n.level,
        label=n.label,
        title=title,
        rectification=rectification,
        status=n.status,
        status_text=n.status_text,
        start=n.start,
        end=n.end,
        is_problem=n.is_problem,
    )
