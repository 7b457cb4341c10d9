"""Generators of pathological notice inputs, one small function per family.

Each function takes a size ``n`` (characters, or repetitions of the family's unit, as its
docstring says) and returns the input as ``str`` (or ``bytes`` for reader-level cases). They
are shared by the robustness tests (tests/test_reading_robust.py, tests/test_parser_linear.py),
the speed probes in ``scripts/`` and any bad-input corpus: a family found once to be slow or
to crash stays reproducible by name.

Why generators and not files: the interesting sizes are 10k–1M characters, and the point of
each family is how the cost grows with ``n``, so the size must be a parameter.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "FAMILIES_HTML",
    "FAMILIES_MARKDOWN",
    "FAMILIES_PARSER",
    "FAMILIES_TEXT",
    "assert_linear",
    "growth",
    "html_cdata_malformed",
    "html_deep_nesting",
    "html_huge_attribute",
    "html_implied_close_under_depth",
    "html_many_open_tags",
    "html_nested_tables",
    "html_stray_end_tags",
    "html_style_without_braces",
    "html_unclosed_comment",
    "html_unclosed_comments_many",
    "html_unclosed_tags_in_text",
    "markdown_backticks",
    "markdown_brackets",
    "markdown_hashes",
    "markdown_link_parens",
    "markdown_stars",
    "markdown_unclosed_comments",
    "markdown_underscores",
    "noise_nested_toolbar",
    "noise_source_fields",
    "noise_underscore_runs",
    "one_huge_line",
    "parser_day_year_words",
    "parser_marker_lines",
    "parser_markers",
    "parser_status_words",
    "parser_team_words",
    "utf8_cut_last_char",
]

_HEAD = "<html><head><title>关于巡察整改进展情况的通报</title></head><body>"
_TAIL = "</body></html>"


def _fill(unit: str, n: int) -> str:
    """``unit`` repeated to exactly ``n`` characters (the last copy cut short)."""
    return (unit * (n // len(unit) + 1))[:n]


# ----------------------------------------------------------------------------- HTML


def html_cdata_malformed(n: int) -> str:
    """``<![`` openers that are not a CDATA/conditional section: stdlib raised AssertionError."""
    return _HEAD + "<p>整改完成。</p>" + _fill("<![if x]>文字<![ ", n) + _TAIL


def html_unclosed_comment(n: int) -> str:
    """A ``<!--`` that is never closed, followed by ``n`` characters of text."""
    return _HEAD + "<p>整改完成。</p><!-- " + _fill("未关闭的注释 ", n) + _TAIL


def html_many_open_tags(n: int) -> str:
    """``<a`` repeated to ``n`` characters at the end of the page, never closed by a ``>``.

    The stdlib parser gave up on the unfinished tag and rescanned from the next ``<``, once
    per ``<`` (41 s for 100k characters).
    """
    return _HEAD + "<p>整改完成。</p>" + _fill("<a", n)


def html_unclosed_tags_in_text(n: int) -> str:
    """Text full of ``<`` followed by letters and no ``>`` after them (``a<b`` in formulas)."""
    return _HEAD + "<p>整改完成。</p><p>" + _fill("完成率a<b且c<d ", n)


def html_style_without_braces(n: int) -> str:
    """A ``<style>`` of ``n`` characters with no ``{``: the hidden-rule regex backtracked."""
    return _HEAD.replace("</head>", "<style>" + _fill(".x, #y ", n) + "</style></head>") + (
        "<p>整改完成。</p>" + _TAIL
    )


def html_deep_nesting(n: int) -> str:
    """``n // 11`` nested ``<div>`` (about ``n`` characters) around one sentence.

    100,000 levels hit the recursion limit in the render and the text count.
    """
    k = max(n // 11, 1)
    return _HEAD + "<div>" * k + "整改完成。" + "</div>" * k + _TAIL


def html_stray_end_tags(n: int) -> str:
    """Nested ``<div>`` then as many end tags of elements never opened, ``n`` characters.

    Each stray end tag scanned the whole open-element stack (quadratic).
    """
    k = max(n // 12, 1)
    return _HEAD + "<div>" * k + "整改完成。" + "</span>" * k + _TAIL


def html_nested_tables(n: int) -> str:
    """Tables nested cell in cell, ``n`` characters: the render recursed through cells."""
    k = max(n // 33, 1)
    return _HEAD + "<table><tr><td>" * k + "整改完成。" + "</td></tr></table>" * k + _TAIL


def html_implied_close_under_depth(n: int) -> str:
    """``<p></p>`` pairs under a deep stack with a ``<p>`` at its bottom (implied-close scans)."""
    k = max(n // 24, 1)  # half the characters in spans, half in paragraphs
    return _HEAD + "<div><p><div>" + "<span>" * (2 * k) + "<p>完成</p>" * k + _TAIL


def html_unclosed_comments_many(n: int) -> str:
    """``<!--`` repeated with no ``-->`` anywhere, each followed by a ``>``."""
    return _HEAD + "<p>整改完成。</p>" + _fill("<!-- x >", n) + _TAIL


def html_huge_attribute(n: int) -> str:
    """One attribute value of ``n`` characters (class, style), then the article."""
    return (
        _HEAD
        + f'<div class="{_fill("content x ", n)}" style="{_fill("a:b;", n)}">'
        + ("<p>整改完成。</p></div>" + _TAIL)
    )


# ----------------------------------------------------------------------------- Markdown


def markdown_brackets(n: int) -> str:
    """``[`` repeated ``n`` times: the link rule's ``[^\\]]+`` retried from every bracket."""
    return "# 通报\n\n" + "[" * n + "\n"


def markdown_stars(n: int) -> str:
    """A run of ``*`` and ``**x`` openers without closers (bold/italic rules)."""
    return "# 通报\n\n" + _fill("**完成*", n) + "\n"


def markdown_backticks(n: int) -> str:
    """Unbalanced backticks on one line (inline-code rule)."""
    return "# 通报\n\n" + _fill("`完成", n) + "\n"


def markdown_underscores(n: int) -> str:
    """``__`` openers without closers (the other bold spelling)."""
    return "# 通报\n\n" + _fill("__完成_", n) + "\n"


def markdown_unclosed_comments(n: int) -> str:
    """``<!--`` repeated without ``-->`` (the lazy comment regex re-scanned from each)."""
    return "# 通报\n\n" + _fill("<!-- 注释 ", n) + "\n"


def markdown_link_parens(n: int) -> str:
    """``[x](`` repeated on one line with no ``)`` (link URL part)."""
    return "# 通报\n\n" + _fill("[链接](", n) + "\n"


def markdown_hashes(n: int) -> str:
    """A heading line of ``#`` and spaces ``n`` characters long (heading rule's closing #s)."""
    return "# " + _fill("# 标题 ", n) + "\n\n正文。\n"


# ----------------------------------------------------------------------------- plain text


def one_huge_line(n: int) -> str:
    """One line of ``n`` characters mixing notice prose, punctuation and spam-shaped pieces."""
    return _fill("来源:市委巡察办 完成率95% 澳门_官 @ 打印 阅读量:1 首页 > ", n)


def noise_source_fields(n: int) -> str:
    """``来源:`` repeated with no space: the spam-field rule scanned the run from each one."""
    return "关于整改情况的通报\n" + _fill("来源:", n)


def noise_underscore_runs(n: int) -> str:
    """Spam keywords followed by 40 underscores and no ``@``: the site-title rule could split
    the run 2^39 ways (87 s for one run of 40)."""
    return "关于整改情况的通报\n" + _fill("官网" + "_" * 40 + " ", n)


def noise_nested_toolbar(n: int) -> str:
    """``【打`` … ``印】`` nested: each noise pass removed one level (one pass per level)."""
    k = max(n // 4, 1)
    return "关于整改情况的通报\n正文" + "【打" * k + "印】" * k


def utf8_cut_last_char(n: int) -> bytes:
    """UTF-8 text of about ``n`` characters whose last character is cut after its first byte."""
    return (_fill("关于整改情况的通报。已完成。\n", n) + "完").encode("utf-8")[:-2]


# ----------------------------------------------------------------------------- parser


def parser_status_words(n: int) -> str:
    """``n`` characters of completion status words with no sentence end (completion.py)."""
    return _fill("完成 已完成 正在整改 基本完成 未完成 长期整改 ", n)


def parser_markers(n: int) -> str:
    """Numbering markers one after another on one line (tree.py, markers.py)."""
    return _fill("一、(一)1.一是①(二)二、", n)


def parser_marker_lines(n: int) -> str:
    """Numbered headings, one per line, every level mixed (tree.py builds one node per line)."""
    return _fill("一、问题\n(一)整改\n1.完成\n一是落实。已完成3个。\n(1)推进\n①正在整改\n", n)


def parser_team_words(n: int) -> str:
    """Metadata trigger words without the rest of the phrase (metadata.py)."""
    return _fill("巡察组 市委第三巡察组 反馈 巡察 整改 ", n)


def parser_day_year_words(n: int) -> str:
    """Date-shaped fragments that never complete (``2023年``, ``日``) on one line."""
    return _fill("2023年 日 年 月 截至 12月 ", n)


FAMILIES_HTML = {
    "html_cdata_malformed": html_cdata_malformed,
    "html_unclosed_comment": html_unclosed_comment,
    "html_many_open_tags": html_many_open_tags,
    "html_unclosed_tags_in_text": html_unclosed_tags_in_text,
    "html_style_without_braces": html_style_without_braces,
    "html_deep_nesting": html_deep_nesting,
    "html_huge_attribute": html_huge_attribute,
    "html_stray_end_tags": html_stray_end_tags,
    "html_nested_tables": html_nested_tables,
    "html_implied_close_under_depth": html_implied_close_under_depth,
    "html_unclosed_comments_many": html_unclosed_comments_many,
}
FAMILIES_MARKDOWN = {
    "markdown_brackets": markdown_brackets,
    "markdown_stars": markdown_stars,
    "markdown_backticks": markdown_backticks,
    "markdown_underscores": markdown_underscores,
    "markdown_hashes": markdown_hashes,
    "markdown_unclosed_comments": markdown_unclosed_comments,
    "markdown_link_parens": markdown_link_parens,
}
FAMILIES_TEXT = {
    "one_huge_line": one_huge_line,
    "noise_source_fields": noise_source_fields,
    "noise_underscore_runs": noise_underscore_runs,
    "noise_nested_toolbar": noise_nested_toolbar,
}
FAMILIES_PARSER = {
    "parser_status_words": parser_status_words,
    "parser_markers": parser_markers,
    "parser_marker_lines": parser_marker_lines,
    "parser_team_words": parser_team_words,
    "parser_day_year_words": parser_day_year_words,
    "one_huge_line": one_huge_line,
}


# ----------------------------------------------------------------------------- timing


def _best_time(fn: Callable[[Any], object], data: Any, runs: int) -> float:
    """Best CPU time of ``runs`` calls, with the garbage collector held off.

    CPU time, not wall time, so another process on a shared machine does not count.
    The collector is off during a call because its full passes scan every live object:
    a call that builds a million-node tree pays for collections whose cost grows with
    the tree, which made a linear reader measure ×16–25 per ×10 of input.
    """
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            fn(data)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return max(best, 0.005)  # below 5 ms a shared machine's timer is noise


def growth(
    fn: Callable[[Any], object], family: Callable[[int], Any], small: int, big: int
) -> float:
    """time(fn(family(big))) / time(fn(family(small))), best of 3, re-measured once if high.

    Used by the linear-time tests with a generous bound: linear code gives about
    ``big / small``, quadratic code its square. One noisy run (another process on the
    machine) must not fail a test, so a high first ratio is measured again with more runs
    and the lower figure kept. No absolute time is ever asserted.
    """
    small_data, big_data = family(small), family(big)
    ratio = _best_time(fn, big_data, 1 if big >= 1_000_000 else 3) / _best_time(fn, small_data, 3)
    if ratio >= 2.5 * big / small:
        again = _best_time(fn, big_data, 3) / _best_time(fn, small_data, 5)
        ratio = min(ratio, again)
    return ratio


def assert_linear(fn: Callable[[Any], object], family: Callable[[int], Any]) -> None:
    """Fail unless ``fn`` grows by less than ×25 per ×10 of input, 10k → 100k → 1M characters.

    Linear code gives about ×10 and quadratic code ×100, so the bound separates them with
    room for a noisy CI machine.
    """
    for small, big in ((10_000, 100_000), (100_000, 1_000_000)):
        ratio = growth(fn, family, small, big)
        assert ratio < 25, f"{small:,} → {big:,} characters: time ×{ratio:.1f}"
