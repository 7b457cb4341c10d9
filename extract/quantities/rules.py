"""The rejection rules: when a numeral the grammar matched is not a quantity, and why.

Each rule is a row of a table: a name (what a trace and a test call it), a one-line *why*, the
``units.tsv`` flags or columns it reads, and a test on the :class:`Reading` of one match. The
extractor runs the stages in order and drops the match at the first rule that fires:

1. ``NUMERAL_RULES`` — the numeral and the characters around it (codes, enumerations, names);
2. ``RANK_RULES`` — a 第N: kept only as a rank (第3名, 排名第2位);
3. ``NOUN_RULES`` — a number without a measure word, whose unit a noun implies (139行政村);
4. ``UNIT_RULES`` — the measure word's own flags in ``units.tsv`` (only the rules a unit's
   flags and kind select are run for it: :func:`unit_rules`);
5. ``CONTEXT_RULES`` — grades, quoted set names, 一 as an article, parallel slogans;
6. ``RANGE_RULES`` — the second end of ``3-5个``, before any value is computed;
7. ``VALUE_RULES`` — the values of a range (the only rules that need the numbers read).

Why a table: the rules used to be 31 early returns in one 165-line function, so the only way to
learn why ``三成立`` was not 30 % was to step through it. ``extract.quantities.extractor.
rejections`` names the rule that dropped each match, and ``tests/test_extractor_rules.py`` has a
sentence where each rule fires and one where it does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from extract.quantities.candidates import Reading
from extract.quantities.exclusions import OPEN_QUOTES, in_short_quote, is_cjk
from extract.quantities.grammar import BARE_SCALE, Grammar, grammar
from extract.quantities.numbers import CN_DIGITS, is_arabic, parse_range
from extract.quantities.units import Unit

__all__ = [
    "ALL_RULES",
    "CONTEXT_RULES",
    "NOUN_RULES",
    "NUMERAL_RULES",
    "RANGE_RULES",
    "RANK_RULES",
    "UNIT_RULES",
    "VALUE_RULES",
    "Rule",
    "approx_prefix",
    "takes_bare_prefix",
    "unit_rules",
]

YEARLIKE = re.compile(r"(?:19|20)\d\d")
CLAUSE_END = frozenset("，,、；;。：:！？!?\n\r\t （）()《》“”\"'…—")
_ONE = ("一", "壹")
_SMALL_CN = "一二三四五六七八九十两"  # substring test, as the lexicon's cn_small flag says


@dataclass(frozen=True, slots=True)
class Rule:
    """One rejection rule: ``test`` returns True when the match is *not* a quantity."""

    name: str
    why: str
    test: Callable[[Grammar, Reading], bool]
    flags: tuple[str, ...] = ()  # units.tsv flags / columns the rule reads
    applies: Callable[[Unit], bool] | None = None  # UNIT_RULES: which units it is run for


def _digit_string(token: str) -> bool:
    """二三 / 一二三: Chinese digits side by side that are not a range reading (三四 is)."""
    return len(token) > 1 and all(ch in CN_DIGITS for ch in token) and parse_range(token) is None


# -- 1. the numeral and its neighbours ---------------------------------------------------------
def approx_prefix(
    g: Grammar, text: str, start: int, *, bare: bool = False
) -> tuple[int, str | None]:
    """Return (new_start, qualifier) for an approximation word right before ``start``.

    Why the guard: 约/近/超 also end words (签约, 附近, 赶超); read as approximation words they
    would turn an exact 签约5个项目 into "about 5" and hide the trigger 签约 from the metric id.
    ``bare``: the number is a scale word alone (上千人), which also takes ``bare_prefix``.
    """
    if start == 0:
        return start, None
    before = text[start - 1]
    if before in g.prefix_last:
        guard = g.guard
        for word, qualifier in g.prefix:
            begin = start - len(word)
            if begin >= 0 and text.startswith(word, begin):
                if begin > 0 and text[begin - 1] in guard.get(word, ()):
                    continue  # 签约5个 / 附近3个 / 赶超2家: the end of a word
                return begin, qualifier
    guarded = start >= 2 and text[start - 2] in g.bare_guard.get(before, ())
    if bare and before in g.bare_prefix and not guarded:
        return start - 1, g.bare_prefix[before]
    return start, None


def is_bare(r: Reading) -> bool:
    """The number is a scale word alone: 近千万元, 百余人 (see grammar.BARE_SCALE)."""
    return len(r.n1) == 1 and r.n1 in BARE_SCALE and not r.pct


def takes_bare_prefix(r: Reading) -> bool:
    """A bare scale, or 十 with only scale words (数十家, 数十万元): what 上/数/几 approximate."""
    n1 = r.n1
    return not r.pct and n1[0] in "十百千万亿" and all(ch in "万亿" for ch in n1[1:])


def _bare_scale(g: Grammar, r: Reading) -> bool:
    """A bare scale word is a number only with an approximation word before or after it."""
    if not is_bare(r):
        return False
    m = r.match
    if m.group("ax1") or m.group("ax3") or m.group("post"):
        return False  # 百余人, 千人以上
    return approx_prefix(g, r.folded, r.start, bare=True)[1] is None


def _glued_code(g: Grammar, r: Reading) -> bool:
    b, a = r.before, r.after
    if b and b.isascii() and (b.isalpha() or b in "+_#"):
        return True
    return bool(a) and a.isascii() and (a.isalpha() or a == "+")


def _number_range_tail(g: Grammar, r: Reading) -> bool:
    return r.before == "-" and r.start > 1 and r.folded[r.start - 2].isdigit()


def _enumerated(g: Grammar, r: Reading) -> bool:
    if r.before != "、" or r.start < 2:
        return False
    prev = r.folded[r.start - 2]
    return prev in CN_DIGITS or prev.isdigit()


def _name_prefix(g: Grammar, r: Reading) -> bool:
    if r.arabic or not r.before or r.unit_text in g.name_count_units:  # 巡察三轮 counts rounds
        return False
    return r.folded.endswith(g.name_prefixes, 0, r.start)


def _chinese_digit_string(g: Grammar, r: Reading) -> bool:
    return not r.arabic and _digit_string(r.n1)


NUMERAL_RULES: tuple[Rule, ...] = (
    Rule(
        "bare_scale",
        "百家企业, 千万不能: a scale word alone counts only when approximated (近千万元, 百余人)",
        _bare_scale,
    ),
    Rule("glued_code", "letters or + glued to the number make a code (5G, 1+N, A4)", _glued_code),
    Rule(
        "number_range_tail",
        "after 'digit-' the number ends a code or a range read elsewhere (2023-5)",
        _number_range_tail,
    ),
    Rule("enumerated", "一、二、三轮 enumerates ordinals, it counts nothing", _enumerated),
    Rule(
        "name_prefix",
        "a Chinese numeral after 周/星期/巡察/初… is a weekday or a name (周三, 巡察三组)",
        _name_prefix,
    ),
    Rule(
        "chinese_digit_string",
        "digits side by side (二三, 一二三) spell a code, unless they read as a range (三四)",
        _chinese_digit_string,
    ),
)


# -- 2. 第N: a rank or an ordinal --------------------------------------------------------------
def _rank_clause_has_verb(g: Grammar, text: str, pos: int) -> bool:
    window = text[max(0, pos - 16) : pos]
    for i in range(len(window) - 1, -1, -1):
        if window[i] in CLAUSE_END:
            window = window[i + 1 :]
            break
    return any(v in window for v in g.rank_verbs)


def _rank_range(g: Grammar, r: Reading) -> bool:
    return r.rsep is not None or r.pct


def _ordinal_not_rank(g: Grammar, r: Reading) -> bool:
    unit = r.unit_text
    return not (unit in g.rank_always or unit in g.rank_with_verb or unit is None)


def _rank_without_verb(g: Grammar, r: Reading) -> bool:
    if r.unit_text in g.rank_always:
        return False
    return not _rank_clause_has_verb(g, r.folded, r.start - 1)


def _rank_range_numeral(g: Grammar, r: Reading) -> bool:
    return not r.arabic and r.n1 != "百" and parse_range(r.n1) is not None


RANK_RULES: tuple[Rule, ...] = (
    Rule("rank_range", "第3-5 / 第百分之…: no single rank", _rank_range),
    Rule(
        "ordinal_not_rank",
        "第3次, 第二批: an ordinal names which one, it is not a count or a rank",
        _ordinal_not_rank,
    ),
    Rule(
        "rank_without_verb",
        "第3位 / 第2 is a rank only in a ranking clause (排名, 位列 … before it)",
        _rank_without_verb,
    ),
    Rule("rank_range_numeral", "第三四名 reads as a range, no single rank", _rank_range_numeral),
)


# -- 3. a number whose unit a noun implies ----------------------------------------------------
def _one_before_noun(g: Grammar, r: Reading) -> bool:
    return r.absorbed and r.n1 in _ONE


def _noun_then_one(g: Grammar, r: Reading) -> bool:
    return r.noun_end >= 0 and r.folded.startswith("一", r.noun_end)


def _bare_number(g: Grammar, r: Reading) -> bool:
    if r.unit_text is not None or r.absorbed:
        return False
    return r.rsep is not None or r.n1 in _ONE or (r.arabic and YEARLIKE.fullmatch(r.n1) is not None)


def _no_unit(g: Grammar, r: Reading) -> bool:
    return r.unit is None and r.implied_unit is None


def _noun_out_of_context(g: Grammar, r: Reading) -> bool:
    return r.context is not None and not r.in_context


NOUN_RULES: tuple[Rule, ...] = (
    Rule(
        "bare_number",
        "a range, 一 or a year-like number without a measure word is no count (2023大学生)",
        _bare_number,
    ),
    Rule("no_unit", "neither a measure word nor a noun that implies one follows", _no_unit),
    Rule(
        "one_before_noun",
        "一部门 / 一单位: 一 before a noun is an article, not a count of one",
        _one_before_noun,
    ),
    Rule(
        "noun_then_one",
        "一村一品, 三区一县: the noun opens a parallel formula",
        _noun_then_one,
    ),
    Rule(
        "noun_out_of_context",
        "级/地 count levels and places only after the places (省市两级), not in 三级医院",
        _noun_out_of_context,
    ),
)


# -- 4. the measure word's own flags -----------------------------------------------------------
def _has(flag: str) -> Callable[[Unit], bool]:
    return lambda unit: flag in unit.flags


def _kind(kind: str) -> Callable[[Unit], bool]:
    return lambda unit: unit.kind == kind


def _arabic_only(g: Grammar, r: Reading) -> bool:
    return not r.arabic


def _small_chinese_only(g: Grammar, r: Reading) -> bool:
    return r.arabic or r.n1 not in _SMALL_CN


def _phase(g: Grammar, r: Reading) -> bool:
    return not r.arabic and r.n1 != "两" and not r.post


def _unit_end(r: Reading) -> int:
    return r.match.end("unit")


def _only_before(g: Grammar, r: Reading) -> bool:
    assert r.unit is not None
    return not r.folded.startswith(r.unit.only_before, _unit_end(r))


def _cjk_after(g: Grammar, r: Reading) -> bool:
    assert r.unit is not None
    if not r.after or not is_cjk(r.after) or r.post:
        return False
    also = r.unit.also_before
    return not (also and r.folded.startswith(also, _unit_end(r)))


def _quote_after(g: Grammar, r: Reading) -> bool:
    return not r.arabic and r.after in OPEN_QUOTES


def _year_number(g: Grammar, r: Reading) -> bool:
    return r.arabic and YEARLIKE.fullmatch(r.n1) is not None


def _unit_starts_word(g: Grammar, r: Reading) -> bool:
    assert r.unit is not None
    return r.after in r.unit.not_before


def _duration_then_one(g: Grammar, r: Reading) -> bool:
    return r.after == "一"


def _duration_programme(g: Grammar, r: Reading) -> bool:
    return r.folded.startswith(g.programme_followers, r.end)


def _money_name(g: Grammar, r: Reading) -> bool:
    """三元净水: one Chinese digit, no scale word (两到三万元不等 is money, never a name)."""
    a = r.after
    if r.arabic or len(r.n1) > 1 or r.rsep is not None or r.match.group("s1"):
        return False
    return bool(a) and is_cjk(a) and a not in g.money_cn_followers


UNIT_RULES: tuple[Rule, ...] = (
    Rule(
        "arabic_only",
        "分 counts only after digits: 十分 means 'very'",
        _arabic_only,
        ("arabic",),
        _has("arabic"),
    ),
    Rule(
        "small_chinese_only",
        "成 is tenths only after 一…十 (三成 = 30 %)",
        _small_chinese_only,
        ("cn_small",),
        _has("cn_small"),
    ),
    Rule(
        "phase_ordinal",
        "二期工程: after 一/二/三 (not 两) 期 is a phase, an ordinal",
        _phase,
        ("phase",),
        _has("phase"),
    ),
    Rule(
        "only_before_nouns",
        "点 counts only before its nouns (5点意见); 8点 is a time",
        _only_before,
        ("only_before",),
        lambda unit: bool(unit.only_before),
    ),
    Rule(
        "cjk_after",
        "3类村 / 三部门: a character right after the unit names a set",
        _cjk_after,
        ("no_cjk_after", "also_before"),
        _has("no_cjk_after"),
    ),
    Rule(
        "quote_after",
        "两个“确保”: a Chinese numeral, the unit and a quote make a formula",
        _quote_after,
        ("no_quote_after",),
        _has("no_quote_after"),
    ),
    Rule(
        "year_number",
        "2023年 is a date (the date grammar's), never 2023 years",
        _year_number,
        ("no_year",),
        _has("no_year"),
    ),
    Rule(
        "unit_starts_word",
        "方面, 成立, 三个二, 3周年: the next character makes a word of the unit",
        _unit_starts_word,
        ("not_before",),
        lambda unit: bool(unit.not_before),
    ),
    Rule(
        "duration_then_one",
        "一年一度: a duration followed by 一 is a rhythm, not a span",
        _duration_then_one,
        (),
        _kind("duration"),
    ),
    Rule(
        "duration_programme",
        "三年行动 names a programme, not a span of time",
        _duration_programme,
        (),
        _kind("duration"),
    ),
    Rule(
        "money_name",
        "商河县三元净水工程: money in Chinese numerals before a word is a name",
        _money_name,
        (),
        _kind("money"),
    ),
)


@lru_cache(maxsize=1)
def _unit_rule_table() -> dict[str, tuple[Rule, ...]]:
    return {
        surface: tuple(rule for rule in UNIT_RULES if rule.applies is None or rule.applies(unit))
        for surface, unit in grammar().units.items()
    }


def unit_rules(unit: Unit) -> tuple[Rule, ...]:
    """The rules of ``UNIT_RULES`` that ``unit``'s flags and kind select (computed once)."""
    return _unit_rule_table()[unit.surface]


# -- 5. the words around the quantity ----------------------------------------------------------
def _grade(g: Grammar, r: Reading) -> bool:
    return r.after in g.grade_suffixes and not r.post and not r.in_context


def _short_quote(g: Grammar, r: Reading) -> bool:
    return in_short_quote(r.folded, r.start, r.end)


def _counts_one(g: Grammar, r: Reading) -> bool:
    """一 with a count unit (or a noun), no range: the case the two 一 rules look at."""
    if r.n1 not in _ONE or r.rsep is not None:
        return False
    return r.unit is None or r.unit.kind == "count"


def _one_as_article(g: Grammar, r: Reading) -> bool:
    """一 + measure word followed by more words is "a/an" (一项重要政治任务)."""
    if not _counts_one(g, r):
        return False
    folded, s, e = r.folded, r.start, r.end
    if folded.endswith(g.one_count_prefixes, max(0, s - 2), s):
        return False  # 仅有一处: "only one" reports a count
    if _rhythm_before(g, folded, s):
        return False  # 每季度汇报一次整改情况: one per period is a count
    if e >= len(folded) or folded[e] in CLAUSE_END or not is_cjk(folded[e]):
        return False
    return not folded.startswith(g.one_ok, e)


def _rhythm_before(g: Grammar, folded: str, start: int) -> bool:
    """A rhythm marker (每月, 每季度) earlier in the clause of the number at ``start``."""
    begin = start
    while begin > 0 and folded[begin - 1] not in CLAUSE_END and start - begin < 24:
        begin -= 1
    clause = folded[begin:start]
    return "每" in clause and any(marker in clause for marker in g.one_rhythm_markers)


def _parallel_one(g: Grammar, r: Reading) -> bool:
    """完成一项、报告一项、销号一项 / 发现一处,治理一处: a parallel slogan, not counts."""
    if not _counts_one(g, r):
        return False
    folded, s, e = r.folded, r.start, r.end
    token = folded[s:e]
    return token in folded[max(0, s - 12) : s] + "\x00" + folded[e : e + 12]


CONTEXT_RULES: tuple[Rule, ...] = (
    Rule("grade", "10万吨级, 3年级: a unit followed by 级/型 is a grade or a class", _grade),
    Rule(
        "short_quote",
        "“四个清单”, “一轴五区”: a number inside a short quote names a set",
        _short_quote,
    ),
    Rule(
        "one_as_article",
        "一项重要任务: 一 + measure word + more words is 'a', not one",
        _one_as_article,
    ),
    Rule("parallel_one", "发现一处、整改一处: the same 一X repeated is a slogan", _parallel_one),
)


# -- 6. the second end of a range, and the values ----------------------------------------------
def _range_end_digit_string(g: Grammar, r: Reading) -> bool:
    if r.rsep is None:
        return False
    n2 = r.match.group("n2")
    return not is_arabic(n2) and len(n2) > 1 and all(ch in CN_DIGITS for ch in n2)


def _percent_with_unit(g: Grammar, r: Reading) -> bool:
    return r.pct and r.unit_text is not None


RANGE_RULES: tuple[Rule, ...] = (
    Rule(
        "range_end_digit_string",
        "3-二三: the second end spells digits side by side, no number",
        _range_end_digit_string,
    ),
    Rule(
        "percent_with_unit",
        "百分之五十个: a percent cannot carry a measure word",
        _percent_with_unit,
    ),
)


def _range_end_is_range(g: Grammar, r: Reading) -> bool:
    return isinstance(r.second, tuple)


def _range_not_increasing(g: Grammar, r: Reading) -> bool:
    return r.second is not None and not isinstance(r.second, tuple) and r.second <= r.low


# Run after the values are read (the only rules that need Decimal work, so they come last).
VALUE_RULES: tuple[Rule, ...] = (
    Rule("range_end_is_range", "3-四五个: a range cannot end in a range", _range_end_is_range),
    Rule(
        "range_not_increasing",
        "2023-5, 10-3: a range must rise; a falling one is a code or a date",
        _range_not_increasing,
    ),
)

ALL_RULES: tuple[Rule, ...] = (
    *NUMERAL_RULES,
    *RANK_RULES,
    *NOUN_RULES,
    *UNIT_RULES,
    *CONTEXT_RULES,
    *RANGE_RULES,
    *VALUE_RULES,
)
