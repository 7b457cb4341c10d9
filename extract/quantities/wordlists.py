"""Word lists the extractor consults (``quantity_words.toml``, ``slogans.txt`` …).

They are data, not code: a reviewer who meets a new slogan (``四下基层``) or a new
approximation word adds a line to a file under ``extract/data``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from extract.lexicon import data_path, read_lines, read_toml


@lru_cache(maxsize=1)
def quantity_words() -> dict[str, Any]:
    """The parsed ``quantity_words.toml`` (a syntax error names the file and line)."""
    return read_toml(data_path("quantity_words.toml"))


def phrase_list(name: str) -> list[str]:
    """One phrase per line, ``#`` comments and blank lines skipped, order kept.

    A repeated phrase is a ``LexiconError`` naming both lines (:func:`extract.lexicon.read_lines`).
    """
    return [word for _, word in read_lines(data_path(name))]


@lru_cache(maxsize=1)
def masked_phrases() -> tuple[str, ...]:
    """Slogans, fixed phrases and names whose numerals are never quantities."""
    seen: dict[str, None] = {}
    for name in ("slogans.txt", "non_quantity_names.txt"):
        for phrase in phrase_list(name):
            seen.setdefault(phrase, None)
    return tuple(seen)


def trie_pattern(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation factored as a trie, so a long word list scans fast.

    >>> trie_pattern(["ab", "ac", "b"])
    '(?:a(?:b|c)|b)'
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        if ends:
            body = (body if body.startswith("(?:") else "(?:" + body + ")") + "?"
        return body

    return build(trie)
