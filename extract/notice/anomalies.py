"""Numbering and structure faults, recorded as facts (``extract.model.Anomaly``), never raised.

Numbering is checked per list: the items sharing a parent and a marker style. A list may start
at 1 or continue the previous list of the same style (``(5)`` under ``2.`` after ``(1)…(4)``
under ``1.`` is how many notices number problems across categories).
"""

from __future__ import annotations

from collections import defaultdict

from extract.model import Anomaly
from extract.notice.tree import Node

__all__ = ["duplicate_rectifications", "missing_rectifications", "numbering_anomalies"]

_NOT_NUMBERED = {"attachment", "inline_shi"}
_MIN_DUPLICATE_CHARS = 30
# Share of the shorter block's character bigrams found in the other block, above which two
# rectification blocks count as the same paragraph repeated (with light edits).
_SIMILAR = 0.7


def _missing(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}-{b}"


def numbering_anomalies(nodes: list[Node]) -> list[Anomaly]:
    """``skipped_number``, ``duplicate_number`` and ``number_out_of_order`` per list."""
    lists: dict[tuple[int, str], list[Node]] = defaultdict(list)
    for n in nodes:
        if n.style not in _NOT_NUMBERED:
            lists[(id(n.parent), n.style)].append(n)
    last_seen: dict[tuple[int, str], int] = {}
    anomalies: list[Anomaly] = []
    for (_, style), members in lists.items():  # insertion order = document order of first item
        branch = members[0].branch
        prev: int | None = None
        for n in members:
            num = n.number
            if prev is None:
                before = last_seen.get((branch, style))
                if num != 1 and not (before is not None and num == before + 1):
                    start = 1 if before is None or num <= before else before + 1
                    if num > start:
                        anomalies.append(
                            Anomaly(
                                "skipped_number",
                                n.path,
                                f"list opens at {n.label!r}; {_missing(start, num - 1)} missing",
                                n.start,
                            )
                        )
            elif num == prev:
                anomalies.append(
                    Anomaly(
                        "duplicate_number",
                        n.path,
                        f"{n.label!r} repeats the previous number",
                        n.start,
                    )
                )
            elif num > prev + 1:
                anomalies.append(
                    Anomaly(
                        "skipped_number",
                        n.path,
                        f"{_missing(prev + 1, num - 1)} missing before {n.label!r}",
                        n.start,
                    )
                )
            elif num < prev:
                anomalies.append(
                    Anomaly(
                        "number_out_of_order", n.path, f"{n.label!r} follows number {prev}", n.start
                    )
                )
            prev = num
            last_seen[(branch, style)] = num
    return anomalies


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def _similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def duplicate_rectifications(
    text: str, nodes: list[Node], segments: dict[int, list[tuple[int, int]]]
) -> list[Anomaly]:
    """The same rectification text twice: within one problem, or across problems."""
    anomalies: list[Anomaly] = []
    seen: dict[str, str] = {}
    for n in nodes:
        if not n.is_problem:
            continue
        spans = segments.get(id(n), [])
        blocks = ["".join(text[s:e].split()) for s, e in spans]  # str.split: ~5x a regex
        if n.rect_labels and len(blocks) > 1:
            for i in range(1, len(blocks)):
                sim = max(_similarity(blocks[i], blocks[j]) for j in range(i))
                kind = "duplicate_rectification" if sim >= _SIMILAR else "multiple_rectification"
                anomalies.append(
                    Anomaly(
                        kind,
                        n.path,
                        f"rectification block {i + 1} of {len(blocks)} "
                        f"({sim:.0%} similar to an earlier block)",
                        spans[i][0],
                    )
                )
        for (s, _), block in zip(spans, blocks, strict=True):
            if len(block) < _MIN_DUPLICATE_CHARS:
                continue
            other = seen.get(block)
            if other is not None and other != n.path:
                anomalies.append(
                    Anomaly(
                        "duplicate_rectification", n.path, f"same rectification text as {other}", s
                    )
                )
            else:
                seen.setdefault(block, n.path)
    return anomalies


def missing_rectifications(nodes: list[Node], texts: dict[int, str]) -> list[Anomaly]:
    """Problems with no problem children and no rectification text at all.

    Only where other problems of the same branch do have rectification text: an attachment that
    is a bare task list (``1.XX问题(已完成)``) is not missing anything.
    """
    anomalies = []
    branches_with_text = {n.branch for n in nodes if n.is_problem and texts.get(id(n))}
    for n in nodes:
        if n.branch not in branches_with_text:
            continue
        if not n.is_problem or texts.get(id(n)):
            continue
        if any(c.is_problem for c in n.children):
            continue
        anomalies.append(
            Anomaly("missing_rectification", n.path, "problem has no rectification text", n.start)
        )
    return anomalies
