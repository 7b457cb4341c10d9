"""The metric phrase: the few words saying what a quantity counts.

Heuristic (documented in the issue): the clause-local phrase right before the number, after
the last comma/、/；/是 boundary, with leading verbs such as 累计/共/已/新增 stripped; when that
is (almost) empty and the number precedes its noun (``设立2000万元技术改造专项扶持资金``), the
phrase right after the unit. Never longer than ``max_chars``; falls back to the previous clause
so that a non-date quantity surrounded by Chinese text never gets an empty metric.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from extract.quantities.wordlists import quantity_words

_BOUNDARY = "，,、；;。：:！？!?\n\r\t （）()《》【】[]"
_BEFORE_RE = regex.compile(r"[^" + regex.escape(_BOUNDARY) + r"]*$")
_AFTER_RE = regex.compile(r"[^" + regex.escape(_BOUNDARY) + r"]*")
_LEADING_NOISE = regex.compile(r"^[\s\d.%％\-—~至到余多第]+")
_DIGITS = regex.compile(r"[\d.,%]+")


@lru_cache(maxsize=1)
def _config() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], int]:
    cfg = quantity_words()["metric"]
    prefixes = tuple(sorted(cfg["strip_prefix"], key=len, reverse=True))
    suffixes = tuple(sorted(cfg["strip_suffix"], key=len, reverse=True))
    words = tuple(cfg["boundary_words"])
    return prefixes, suffixes, words, int(cfg["max_chars"])


def _strip(phrase: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> str:
    changed = True
    while changed and phrase:
        changed = False
        for p in prefixes:
            if phrase.startswith(p) and len(phrase) > len(p):
                phrase = phrase[len(p):]
                changed = True
                break
    changed = True
    while changed and phrase:
        changed = False
        for s in suffixes:
            if phrase.endswith(s) and len(phrase) > len(s):
                phrase = phrase[: -len(s)]
                changed = True
                break
    return phrase


def metric_phrase(text: str, start: int, end: int) -> str:
    """The metric phrase for the quantity at ``text[start:end]``."""
    prefixes, suffixes, words, limit = _config()
    window = text[max(0, start - 40):start]
    before = _BEFORE_RE.search(window).group()  # type: ignore[union-attr]
    for w in words:
        cut = before.rfind(w)
        if cut >= 0:
            before = before[cut + len(w):]
    before = _strip(_LEADING_NOISE.sub("", before), prefixes, suffixes)
    after = _AFTER_RE.match(text, end, min(len(text), end + 40)).group()  # type: ignore[union-attr]
    after = after.lstrip("的")
    after = _DIGITS.split(after, maxsplit=1)[0]
    if len(before) <= 2 and len(after) >= 2 and not after.startswith(("以来", "以上", "左右")):
        return after[:limit]
    if before:
        return before[-limit:]
    if after:
        return after[:limit]
    # Fall back to the end of the previous clause.
    back = text[max(0, start - 60):start].rstrip(_BOUNDARY + "0123456789")
    prev = _BEFORE_RE.search(back).group()  # type: ignore[union-attr]
    return _strip(prev, prefixes, suffixes)[-limit:]
