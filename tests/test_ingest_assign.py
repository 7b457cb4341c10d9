"""Quantities go to the deepest problem whose span holds them (table-driven, synthetic spans)."""

from __future__ import annotations

import random

import pytest

from extract.ingest import _assign_problems
from extract.model import Problem


def P(path: str, start: int, end: int) -> Problem:
    return Problem(
        path=path,
        parent_path=None,
        level=path.count("/") + 1,
        label=path,
        title=path,
        start=start,
        end=end,
    )


TREE = [
    P("一", 0, 100),
    P("一/(一)", 10, 40),
    P("一/(一)/1", 12, 20),
    P("一/(二)", 40, 90),
    P("二", 100, 200),
    P("附件", 210, 260),
]


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, "一"),  # parent's own heading text
        (11, "一/(一)"),  # inside a child, before its grandchild
        (15, "一/(一)/1"),  # deepest wins
        (20, "一/(一)"),  # end is exclusive
        (39, "一/(一)"),
        (40, "一/(二)"),  # siblings that touch
        (95, "一"),  # after the last child, still in the parent
        (150, "二"),
        (205, None),  # between the tree and the attachment
        (230, "附件"),
        (999, None),
    ],
)
def test_deepest_problem(offset: int, expected: str | None) -> None:
    got = _assign_problems(TREE, [offset])[0]
    assert (None if got is None else TREE[got].path) == expected


def _random_tree(rng: random.Random) -> list[Problem]:
    spans: list[Problem] = []

    def grow(start: int, end: int, depth: int, prefix: str) -> None:
        pos = start
        for n in range(rng.randint(0, 3)):
            a = rng.randint(pos, end)
            b = rng.randint(a, end)
            if a == b:
                continue
            spans.append(P(f"{prefix}{n}", a, b))
            if depth < 3:
                grow(a + 1, b, depth + 1, f"{prefix}{n}/")
            pos = b

    grow(0, 300, 0, "")
    rng.shuffle(spans)
    return spans


def _brute(spans: list[Problem], off: int) -> int | None:
    hits = [i for i, p in enumerate(spans) if p.start <= off < p.end]
    return min(hits, key=lambda i: spans[i].end - spans[i].start) if hits else None


def test_sweep_agrees_with_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = _random_tree(rng)
        offsets = [rng.randint(0, 310) for _ in range(50)]
        got = _assign_problems(spans, offsets)
        for off, g in zip(offsets, got, strict=True):
            b = _brute(spans, off)
            assert (g is None) == (b is None)
            if g is not None and b is not None:
                assert spans[g].end - spans[g].start == spans[b].end - spans[b].start
