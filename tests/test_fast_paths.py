"""The analysis shortcuts give exactly what the plain code gave (issue: 10k notices in 90 s).

Each shortcut of the per-notice analysis is checked against the slow form it replaced, on
generated text that aims at its edge cases (digits around dots, markers, ``@``/``_`` spam
shapes, repeated and near-duplicate sentences) and on the corpus notices:

- units computed once and shared by ``find_repeats`` and ``passage_signatures``;
- near-duplicate verification on numpy gram ids, and its fallback on a hash collision;
- the noise rules' required characters and the length-ordered line rules;
- the tuple pre-check of the metric phrase's prefix/suffix stripping.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.audit import repetition
from extract.audit.config import load_config
from extract.audit.repetition import find_repeats
from extract.audit.shared import passage_signatures
from extract.audit.units import select_units, text_units
from extract.noise import _is_noise_line, load_noise_rules, required_chars, strip_noise
from extract.quantities import metric
from extract.quantities.sentences import split_sentences
from extract.reading import load_notice
from tests import corpus

# Pieces that meet the edge cases: markers, figures with dots, punctuation, full-width forms.
_PIECES = [
    "一是",
    "(二)",
    "3.",
    "1.5万元",
    "第一,",
    "其二是",
    "开展专项检查",
    "建立健全制度机制",
    "召开会议17次",
    "整改问题12个",
    "。",
    ",",
    ";",
    "、",
    ".",
    " ",
    "\n",
    "“",
    "”",
    "%",
    "‰",
    "２.５",
    "12.",
    ".5",
]
_TEXT = st.lists(st.sampled_from(_PIECES), min_size=0, max_size=120).map("".join)
_SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sentences() -> st.SearchStrategy[str]:
    """Texts of repeated and slightly changed sentences: exact and near copies."""
    base = st.lists(st.sampled_from(_PIECES[6:10]), min_size=3, max_size=8).map("".join)
    return st.lists(
        st.tuples(base, st.sampled_from(["", "加强", "1", "22", "全面"])),
        min_size=2,
        max_size=30,
    ).map(lambda parts: "".join(a + b + s + "。" for a, s in parts for b in ("", "再")))


@_SLOW
@given(_TEXT)
def test_select_units_is_text_units_with_the_larger_minimum(text: str) -> None:
    config = load_config()
    spans = split_sentences(text)
    shared = text_units(text, spans, config, 10)
    for m in (10, 12, 20, 31):
        assert select_units(shared, m) == text_units(text, spans, config, m)


@_SLOW
@given(st.one_of(_TEXT, _sentences()))
def test_shared_units_give_the_same_audit(text: str) -> None:
    config = load_config()
    spans = split_sentences(text)
    units = text_units(text, spans, config, min(config.exact_min_chars, config.cross_min_chars))
    assert find_repeats(text, spans, units=units) == find_repeats(text, spans)
    assert passage_signatures(text, spans, units=units) == passage_signatures(text, spans)


def _without_numpy_verification(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every equal hash look like a collision, so _near_matches checks on strings.

    (``_grams_differ`` tells grams apart on packed code points or on ``gram_windows``; it
    replaced the inline windows check this patched before.)
    """
    monkeypatch.setattr(repetition, "_grams_differ", lambda *args: True)


@_SLOW
@given(_sentences())
def test_numpy_jaccard_equals_the_frozenset_jaccard(text: str) -> None:
    expected = find_repeats(text)
    with pytest.MonkeyPatch.context() as mp:
        _without_numpy_verification(mp)
        assert find_repeats(text) == expected


def test_corpus_audit_is_the_same_either_way() -> None:
    corpus.require()
    config = load_config()
    for path in sorted(corpus.CORPUS.iterdir()):
        text = load_notice(path).text
        spans = split_sentences(text)
        units = text_units(text, spans, config, 10)
        got = find_repeats(text, spans, units=units)
        assert got == find_repeats(text, spans)
        assert passage_signatures(text, spans, units=units) == passage_signatures(text, spans)
        with pytest.MonkeyPatch.context() as mp:
            _without_numpy_verification(mp)
            assert find_repeats(text, spans) == got, path.name


# -- noise ---------------------------------------------------------------------------------

_NOISE_PIECES = [
    "美高梅",
    "mgm",
    "MGM",
    "澳门",
    "新",
    "威廉希尔",
    "中文网站",
    "官网",
    "_",
    "@",
    ":",
    "：",
    "来源",
    "作者",
    "【打印】",
    "[关闭]",
    "阅读量",
    "2965",
    "次",
    " ",
    "开展学习",
    "公司",
    "版权所有",
    "首页",
    ">",
    "\n",
]
_NOISY = st.lists(st.sampled_from(_NOISE_PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NOISY)
def test_required_chars_never_change_strip_noise(text: str) -> None:
    rules = load_noise_rules()
    plain = replace(rules, inline=tuple(replace(r, requires="") for r in rules.inline))
    assert strip_noise(text, rules) == strip_noise(text, plain)


@settings(max_examples=300, deadline=None)
@given(_NOISY)
def test_line_rules_by_length_are_any_rule(line: str) -> None:
    rules = load_noise_rules()
    line = line.strip()
    slow = any(len(line) <= r.max_chars and r.pattern.fullmatch(line) for r in rules.lines)
    assert _is_noise_line(line, rules) == slow


def test_required_chars_are_top_level_uncased_literals() -> None:
    assert required_chars(re.compile("(?:a|b)?x{0,3}@\\s*[::]?", re.I)) == "@"
    assert required_chars(re.compile("a_b|c")) == ""  # alternation: nothing is required
    assert required_chars(re.compile("K_", re.I)) == "_"  # a cased letter is never required
    names = {r.name: r.requires for r in load_noise_rules().inline}
    assert "@" in names["spam_site_title"] and "_" in names["spam_site_name"]


# -- metric phrase -------------------------------------------------------------------------


def _strip_slow(
    phrase: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...], keep: tuple[str, ...]
) -> str:
    """The loop as it was, word by word."""
    changed = True
    while changed and phrase:
        changed = False
        if phrase.startswith(keep):
            break
        for p in prefixes:
            if phrase.startswith(p) and len(phrase) > len(p):
                phrase = phrase[len(p) :]
                changed = True
                break
    guard = metric._guard()
    changed = True
    while changed and phrase:
        changed = False
        for s in suffixes:
            if phrase.endswith(s) and len(phrase) > len(s):
                if s in guard and phrase[-len(s) - 1] in guard[s]:
                    continue
                phrase = phrase[: -len(s)]
                changed = True
                break
    return phrase


def _metric_words() -> list[str]:
    prefixes, suffixes, _, _, keep = metric._config()
    return sorted({*prefixes, *suffixes, *keep, *metric._guard(), "签", "附", "学习", "检查"})


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_metric_words()), max_size=8).map("".join))
def test_strip_precheck_is_the_word_loop(phrase: str) -> None:
    prefixes, suffixes, _, _, keep = metric._config()
    assert metric._strip(phrase, prefixes, suffixes, keep) == _strip_slow(
        phrase, prefixes, suffixes, keep
    )
    assert metric._strip(phrase, prefixes, suffixes) == _strip_slow(phrase, prefixes, suffixes, ())
