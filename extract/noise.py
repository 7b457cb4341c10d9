"""Strip web-page noise (navigation, share bars, footers, injected spam) from notice text.

Scraped notices carry page chrome around the article and, on hacked or mirrored pages,
gambling-site names spliced into sentences. Leaving them in would give the notice parser
fake titles and the quantity extractor fake numbers (ICP record numbers, phone numbers of
spam sites). The rules are data — ``extract/data/noise_rules.toml`` — so a new site's noise
is handled by adding a rule and its examples there, never by special-casing a file.

Real metadata stays: ``发布时间:…`` is the publication date and ``来源:市委巡察办`` a real
source; a 来源/作者 field is removed only when its value names a spam site.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from extract.lexicon import LexiconError, data_path, line_of, read_toml
from extract.normalize import normalize_text

__all__ = ["NoiseRules", "load_noise_rules", "strip_noise"]

_RULES_PATH = data_path("noise_rules.toml")
# What is left of a line after inline removal that still counts as "nothing".
_ONLY_SEPARATORS = re.compile(r"[\s|/\\·•,,;;::、\-—_@()()\[\]【】]*")


@dataclass(frozen=True)
class LineRule:
    """Drop a whole line that fully matches ``pattern`` and is at most ``max_chars`` long."""

    name: str
    pattern: re.Pattern[str]
    max_chars: int
    drops: tuple[str, ...] = ()


@dataclass(frozen=True)
class InlineRule:
    """Remove every fragment matching ``pattern``; ``examples`` are (text, expected) pairs.

    ``requires`` are characters every match holds (:func:`required_chars`): a line without
    one of them is not matched against the rule at all.
    """

    name: str
    pattern: re.Pattern[str]
    examples: tuple[tuple[str, str], ...] = ()
    requires: str = ""


@dataclass(frozen=True)
class NoiseRules:
    """Compiled form of ``noise_rules.toml``."""

    lines: tuple[LineRule, ...]
    inline: tuple[InlineRule, ...]
    crumb_max_chars: int
    sentence_punctuation: frozenset[str]

    @cached_property
    def lines_by_length(self) -> tuple[LineRule, ...]:
        """``lines`` by ``max_chars``, longest first: a line too long for one rule is too
        long for every rule after it, so most sentences are tested against none."""
        return tuple(sorted(self.lines, key=lambda r: -r.max_chars))


def _alternation(words: list[str], *, escape: bool) -> str:
    # Longest first so that 线路官网 wins over 线路 and 打印本页 over 打印.
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in ordered)


def _expand(regex: str, placeholders: dict[str, str]) -> str:
    for key, value in placeholders.items():
        regex = regex.replace("{" + key + "}", value)
    return regex


def _compile(rule: dict[str, Any], placeholders: dict[str, str], path: Path) -> re.Pattern[str]:
    """The rule's compiled regex; a missing or bad one is a LexiconError at the rule's line."""
    name = rule.get("name", "?")
    try:
        return re.compile(_expand(rule["regex"], placeholders), re.IGNORECASE)
    except (KeyError, re.error) as exc:
        reason = "缺少 regex / no regex" if isinstance(exc, KeyError) else str(exc)
        line = line_of(path, "name", f'"{name}"')
        raise LexiconError.at(
            path, line, f"噪声规则有误 / bad noise rule {name!r}: {reason}"
        ) from None


def required_chars(pattern: re.Pattern[str]) -> str:
    """Characters that every match of ``pattern`` contains ("" when none is known).

    The literals at the top level of the parsed pattern (a sequence: each of them is in every
    match), keeping only uncased non-alphanumeric ones, which ``IGNORECASE`` cannot match by
    another character. ``spam_site_title`` needs ``@`` and ``spam_site_name`` ``_``; most
    lines have neither, and those two big keyword alternations were 2.9 ms of the 4.8 ms of
    reading a 30 KB notice. Deleting text never adds a character, so a line without them
    stays without them through every pass of :func:`_strip_inline`.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import sre_parse  # the parser behind ``re`` (deprecated name, stable structure)
    try:
        items = sre_parse.parse(pattern.pattern, pattern.flags).data
    except Exception:  # an unexpected parser change must only cost the shortcut
        return ""
    literals: list[object] = [value for op, value in items if op is sre_parse.LITERAL]
    chars = {chr(value) for value in literals if isinstance(value, int)}
    return "".join(sorted(c for c in chars if not c.isalnum() and c.lower() == c == c.upper()))


@lru_cache(maxsize=4)
def load_noise_rules(path: Path = _RULES_PATH) -> NoiseRules:
    """Read and compile the noise rules (cached; the file is part of the package).

    A malformed file raises :class:`~extract.lexicon.LexiconError` naming ``file:line``.
    """
    data = read_toml(path)
    words = data.get("words", {})
    strong = list(words.get("spam_keywords", []))
    placeholders = {
        "spam_keywords": _alternation(strong, escape=True),
        "spam_any_keywords": _alternation(
            strong + list(words.get("spam_weak_keywords", [])), escape=True
        ),
        "spam_prefixes": _alternation(list(words.get("spam_prefixes", [])), escape=False),
        "site_suffixes": _alternation(list(words.get("site_suffixes", [])), escape=True),
        "toolbar": _alternation(list(words.get("toolbar", [])), escape=False),
    }
    default_max = int(data.get("defaults", {}).get("line_max_chars", 120))
    lines = tuple(
        LineRule(
            name=rule["name"],
            pattern=_compile(rule, placeholders, path),
            max_chars=int(rule.get("max_chars", default_max)),
            drops=tuple(rule.get("drops", ())),
        )
        for rule in data.get("line", [])
    )
    inline = tuple(
        InlineRule(
            name=rule["name"],
            pattern=pattern,
            examples=tuple((ex["text"], ex["expected"]) for ex in rule.get("examples", ())),
            requires=required_chars(pattern),
        )
        for rule in data.get("inline", [])
        for pattern in (_compile(rule, placeholders, path),)
    )
    crumbs = data.get("leading_crumbs", {})
    return NoiseRules(
        lines=lines,
        inline=inline,
        crumb_max_chars=int(crumbs.get("max_chars", 0)),
        sentence_punctuation=frozenset(crumbs.get("sentence_punctuation", "")),
    )


def _is_noise_line(line: str, rules: NoiseRules) -> bool:
    size = len(line)
    for rule in rules.lines_by_length:
        if size > rule.max_chars:
            return False
        if rule.pattern.fullmatch(line):
            return True
    return False


# Passes of the inline rules per line. Each pass is linear; nesting deeper than this (one
# level per pass, ``【打【打…印】印】``) only occurs in crafted input, where an unbounded loop
# made the cost quadratic in the line length.
_MAX_INLINE_PASSES = 16


def _strip_inline(line: str, rules: NoiseRules) -> str:
    """Cut inline fragments until none is left (at most ``_MAX_INLINE_PASSES`` passes).

    Removing one fragment can join its neighbours into another (``美高梅【打印】@:`` becomes
    ``美高梅@:``), so one pass is not enough for ``strip_noise`` to be idempotent.
    """
    for _ in range(_MAX_INLINE_PASSES):
        before = line
        for rule in rules.inline:
            if all(c in line for c in rule.requires):
                line = rule.pattern.sub("", line)
        if line == before:
            break
    return line


def _is_crumb(line: str, rules: NoiseRules) -> bool:
    return len(line) <= rules.crumb_max_chars and not (set(line) & rules.sentence_punctuation)


def _clean_line(line: str, rules: NoiseRules) -> str | None:
    """``line`` with its inline fragments cut out, or None when the whole line is noise."""
    cleaned = _strip_inline(line, rules).strip()
    if (
        _ONLY_SEPARATORS.fullmatch(cleaned)
        or _is_noise_line(line, rules)
        or (cleaned != line and _is_noise_line(cleaned, rules))
    ):
        return None
    return cleaned


def strip_noise(text: str, rules: NoiseRules | None = None) -> str:
    """Return ``text`` without web noise, in canonical form (see ``normalize_text``).

    Per line: inline spam/counter/toolbar fragments are cut out; a line that matches a
    whole-line rule, or is left with only separators, is dropped; short crumb lines above
    the first longer line are dropped. Blank lines are kept (as one) between paragraphs.
    """
    rules = rules or load_noise_rules()
    kept: list[str] = []
    before_title = True
    # What a line becomes depends on the line alone, so a line met again (a pasted block, a
    # file of one line repeated) is not matched against every rule again.
    seen: dict[str, str | None] = {}
    for raw in normalize_text(text).split("\n"):
        line = raw.strip()
        if not line:
            kept.append("")
            continue
        if line in seen:
            cleaned_or_none = seen[line]
        else:
            cleaned_or_none = seen[line] = _clean_line(line, rules)
        if cleaned_or_none is None:
            continue
        cleaned = cleaned_or_none
        if before_title:
            if rules.crumb_max_chars and _is_crumb(cleaned, rules):
                continue
            before_title = False
        kept.append(cleaned)
    return normalize_text("\n".join(kept))
