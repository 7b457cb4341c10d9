"""The notice parser's word lists, read once from ``extract/data/notice_*.toml``.

Words live in data files so that adding a status phrase or a section label is a data change with
a test row, not a regex edit. This module turns them into compiled patterns; everything is cached
because the parser runs once per notice over thousands of notices. Files are read through
:mod:`extract.lexicon`, so a bad edit is reported as ``notice_status.toml:LINE: …``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extract import lexicon as loader
from extract.lexicon import LexiconError

__all__ = ["Lexicon", "alternation", "lexicon", "read_toml"]


def read_toml(name: str) -> dict[str, Any]:
    """One of the parser's data files (``extract/data/<name>``), parsed."""
    return loader.read_toml(loader.data_path(name))


def fail(name: str, key: str, reason: str, *, entry: str | None = None) -> LexiconError:
    """A :class:`LexiconError` in ``extract/data/<name>``, at the line the fault is on.

    That is the last line quoting ``entry`` when given (a repeated list entry), the table's
    header when ``key`` is one (``"[relative_year]"``), else the line that assigns ``key``.
    """
    path = loader.data_path(name)
    if entry is not None or key.startswith("["):
        lines = loader.lines_containing(path, f'"{entry}"' if entry is not None else key)
        line = lines[-1] if lines else None
    else:
        line = loader.line_of(path, key)
    return LexiconError.at(path, line, reason)


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation that prefers the longest word at each position."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled vocabulary; see the data files for what each list means."""

    status_of: dict[str, str]  # status word -> STATUSES value
    marker_only: frozenset[str]
    status_words: str  # alternation of every status word
    free_status: re.Pattern[str]  # status words readable from running text (not marker-only)
    rate_words: str
    count_units: str
    total_nouns: str
    problem_labels: str
    rectification_labels: str
    status_labels: str
    category_suffixes: tuple[str, ...]
    non_problem_words: tuple[str, ...]
    plan_words: tuple[str, ...]
    problem_phrases: tuple[str, ...]
    problem_openers: tuple[str, ...]
    title_suffixes: tuple[str, ...]
    title_words: tuple[str, ...]
    closing_openers: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    attachment: str
    noise_openers: tuple[str, ...]
    level_of: dict[str, str]
    kind_words: tuple[str, ...]
    type_of: dict[str, str]
    published_labels: tuple[str, ...]
    provinces: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    zone_words: tuple[str, ...]
    org_prefixes: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and check every notice data file (raises LexiconError naming file and line)."""
    status = read_toml("notice_status.toml")
    sections = read_toml("notice_sections.toml")
    meta = read_toml("notice_meta.toml")
    places = read_toml("notice_places.toml")
    from extract.model import STATUSES

    status_of: dict[str, str] = {}
    for name, words in status["status"].items():
        if name not in STATUSES:
            raise fail(
                "notice_status.toml", name, f"未知状态 / unknown status {name!r} (not in STATUSES)"
            )
        for word in words:
            if word in status_of and status_of[word] != name:
                raise fail(
                    "notice_status.toml",
                    name,
                    f"{word!r} 列在两个状态下 / listed under two statuses",
                    entry=word,
                )
            status_of[word] = name
    labels = sections["labels"]
    titles = sections["titles"]
    document = sections["document"]
    return Lexicon(
        status_of=status_of,
        marker_only=frozenset(status["marker"]["only"]),
        status_words=alternation(list(status_of)),
        # A heading (classify) and a closing sentence (rectification) may state a status in
        # running text; the generic words of [marker] only count inside an explicit marker.
        free_status=re.compile(
            alternation([w for w in status_of if w not in frozenset(status["marker"]["only"])])
        ),
        rate_words=alternation(status["rate"]["words"]),
        count_units=alternation(status["count"]["units"]),
        total_nouns=alternation(status["count"]["total_nouns"]),
        problem_labels=alternation(labels["problem"]),
        rectification_labels=alternation(labels["rectification"]),
        status_labels=alternation(labels["status"]),
        category_suffixes=tuple(titles["category_suffixes"]),
        non_problem_words=tuple(titles["non_problem_words"]),
        plan_words=tuple(titles["plan_words"]),
        problem_phrases=tuple(titles["problem_phrases"]),
        problem_openers=tuple(titles["problem_openers"]),
        title_suffixes=tuple(document["title_suffixes"]),
        title_words=tuple(document["title_words"]),
        closing_openers=tuple(document["closing_openers"]),
        org_suffixes=tuple(sorted(document["org_suffixes"], key=len, reverse=True)),
        attachment=document["attachment"],
        noise_openers=tuple(document["noise_openers"]),
        level_of=dict(meta["level"]),
        kind_words=tuple(meta["kind"]["words"]),
        type_of=dict(meta["type"]),
        published_labels=tuple(meta["published"]["labels"]),
        provinces=tuple(places["provinces"]),
        place_suffixes=tuple(sorted(places["suffixes"], key=len, reverse=True)),
        zone_words=tuple(sorted(places["zone_words"], key=len, reverse=True)),
        org_prefixes=tuple(places["org_prefixes"]),
    )
