"""The extractor's rejection rules (``extract/quantities/rules.py``), one fictional row each way.

For every rule a sentence where it fires (the match is dropped, and ``rejections`` names this
rule) and one where it holds back (the quantity is extracted and the rule never fires). The
table checks below keep the rows and the rules in step: a new rule without both rows fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.quantities import rules
from extract.quantities.extractor import _Extractor, extract_quantities, rejections
from extract.quantities.units import KNOWN_FLAGS, NOUN_FLAGS, load_units

# (rule, text, surface the rule drops, what the row covers)
FIRES = [
    ("bare_scale", "对口帮扶百家企业", "百家", "a scale word alone, not approximated"),
    ("glued_code", "推进5G基站建设", "5", "a letter glued after the number: a code"),
    ("number_range_tail", "编号12-15-3个", "3个", "after 'digit-' the number ends a code"),
    ("enumerated", "开展一、二、三轮巡察", "三轮", "一、二、三 enumerates, it counts nothing"),
    ("name_prefix", "每周三召开会议", "三", "周三 is a weekday"),
    ("chinese_digit_string", "代号二四六次", "二四六次", "digits side by side, not a range"),
    ("rank_range", "位列第3-5名", "3-5名", "a range is no single rank"),
    ("ordinal_not_rank", "召开第3次会议", "3次", "第3次 names which meeting"),
    ("rank_without_verb", "第3位发言人", "3位", "第N位 without a ranking verb"),
    ("rank_range_numeral", "获第三四名", "三四名", "三四 reads as a range"),
    ("bare_number", "共有2023毕业生", "2023", "a year-like number before a noun"),
    ("no_unit", "组织学习17,效果好", "17", "nothing after the number"),
    ("one_before_noun", "由一部门牵头", "一", "一部门: an article"),
    ("noun_then_one", "设立3区一县", "3", "3区一县: a parallel formula"),
    ("noun_out_of_context", "建成三级医院", "三", "三级 without the places it joins"),
    ("arabic_only", "工作十分扎实", "十分", "十分 means 'very'"),
    ("small_chinese_only", "完成率达5成", "5成", "成 as tenths only after 一…十"),
    ("phase_ordinal", "推进二期工程", "二期", "二期 is a phase"),
    ("only_before_nouns", "会议于8点开始", "8点", "8点 is a time"),
    ("cjk_after", "评定3类村", "3类", "3类村 names a set"),
    ("quote_after", "做到两个“确保”", "两个", "两个“确保” is a formula"),
    ("year_number", "始于1920年", "1920年", "a year-like number is never N years"),
    ("unit_starts_word", "推进3方面工作", "3方", "not_before of 方: 方面"),
    ("unit_starts_word", "三成立", "三成", "not_before of 成: 成立"),
    ("unit_starts_word", "落实三个二", "三个", "not_before of 个: 三个二"),
    ("unit_starts_word", "历时3周年", "3周", "not_before of 周: 周年"),
    ("duration_then_one", "坚持一年一度考核", "一年", "一年一度 is a rhythm"),
    ("duration_programme", "实施三年行动", "三年", "三年行动 is a programme"),
    ("money_name", "建设三元净水工程", "三元", "三元净水 is a name"),
    ("grade", "建成10万吨级码头", "10万吨", "10万吨级 is a grade"),
    ("short_quote", "落实“三项承诺”", "三项", "inside a short quote: a set's name"),
    ("one_as_article", "这是一项重要政治任务", "一项", "一项 + more words: 'a'"),
    ("parallel_one", "做到发现一处、整改一处", "一处", "the same 一处 repeated: a slogan"),
    ("range_end_digit_string", "培训3-一二次", "3-一二次", "the second end is a digit string"),
    ("percent_with_unit", "达到百分之五十个", "百分之五十个", "a percent with a measure word"),
    ("range_end_is_range", "走访30-四五十户", "30-四五十户", "a range ending in a range"),
    ("range_not_increasing", "走访10-3户", "10-3户", "a falling range"),
]

# (rule, text, surface extracted, what the row covers)
HOLDS = [
    ("bare_scale", "走访企业近百家", "近百家", "近 approximates the bare 百"),
    ("bare_scale", "组织党员百余人参加", "百余人", "余 approximates the bare 百"),
    ("bare_scale", "受益群众上万名", "上万名", "上 approximates a bare scale"),
    ("glued_code", "建成5个基站", "5个", "a measure word after the number"),
    ("number_range_tail", "完成-15个", "15个", "a dash without a digit before it"),
    ("enumerated", "开展三轮巡察", "三轮", "no enumeration comma before it"),
    ("name_prefix", "召开三次会议", "三次", "no name prefix before it"),
    ("name_prefix", "县委已开展巡察三轮", "三轮", "轮 after 巡察 counts rounds"),
    ("chinese_digit_string", "走访三四户群众", "三四户", "三四 is a range reading (3..4)"),
    ("rank_range", "位列第3名", "第3名", "one rank"),
    ("ordinal_not_rank", "考核获第3名", "第3名", "第N名 is a rank"),
    ("rank_without_verb", "全省排名第3位", "第3位", "排名 opens a ranking clause"),
    ("rank_range_numeral", "获第三名", "第三名", "a single numeral"),
    ("bare_number", "共有1650大学生参加", "1650", "a plain count before a noun"),
    ("no_unit", "组织学习17次", "17次", "a measure word follows"),
    ("one_before_noun", "由两部门牵头", "两", "两部门: two departments"),
    ("noun_then_one", "覆盖139行政村", "139", "the noun is not followed by 一"),
    ("noun_out_of_context", "省市两级联动", "两", "省市 before 两级: two levels"),
    ("arabic_only", "考核扣2分", "2分", "分 after digits: a score"),
    ("small_chinese_only", "完成率达三成", "三成", "三成 = 30 %"),
    ("phase_ordinal", "举办培训班5期", "5期", "after digits 期 counts sessions"),
    ("only_before_nouns", "提出5点意见", "5点", "点 before 意见 counts"),
    ("cjk_after", "梳理9类问题", "9类", "also_before: 9类问题 counts"),
    ("quote_after", "整改2个“空壳”合作社", "2个", "after digits a quote is fine"),
    ("year_number", "历时3年完成", "3年", "a small number of years"),
    ("unit_starts_word", "清运土方2万方", "2万方", "方 at the end of the clause"),
    ("duration_then_one", "历时一年完成", "一年", "a span of one year"),
    ("duration_programme", "历时三年完成", "三年", "a span, no programme word after it"),
    ("money_name", "罚款三元钱", "三元", "money_cn_followers: 三元钱"),
    ("money_name", "每户补助两到三万元不等", "两到三万元", "a scale word: never a name"),
    ("grade", "运输10万吨货物", "10万吨", "no 级/型 after the unit"),
    ("short_quote", "落实三项承诺", "三项", "no quote around it"),
    ("one_as_article", "仅有一处物资储备点", "一处", "仅有: 'only one' is a count"),
    ("one_as_article", "每季度向县委汇报一次整改情况", "一次", "每季度: one per quarter"),
    ("parallel_one", "发现问题一处,已整改", "一处", "一处 said once"),
    ("range_end_digit_string", "培训3-5次", "3-5次", "a plain second end"),
    ("percent_with_unit", "达到百分之五十", "百分之五十", "a percent alone"),
    ("range_end_is_range", "走访3-5户", "3-5户", "a plain range"),
    ("range_not_increasing", "走访3-10户", "3-10户", "a rising range"),
]


def _ids(rows: list[tuple[str, str, str, str]]) -> list[str]:
    return [f"{rule}:{text}" for rule, text, _, _ in rows]


@pytest.mark.parametrize(("rule", "text", "surface", "covers"), FIRES, ids=_ids(FIRES))
def test_rule_fires(rule: str, text: str, surface: str, covers: str) -> None:
    dropped = [(r.rule, r.surface) for r in rejections(text)]
    assert (rule, surface) in dropped, covers
    start = next(r.start for r in rejections(text) if (r.rule, r.surface) == (rule, surface))
    kept = {(q.start, q.surface) for q in extract_quantities(text)}
    assert (start, surface) not in kept, covers


@pytest.mark.parametrize(("rule", "text", "surface", "covers"), HOLDS, ids=_ids(HOLDS))
def test_rule_holds_back(rule: str, text: str, surface: str, covers: str) -> None:
    assert surface in [q.surface for q in extract_quantities(text)], covers
    assert rule not in [r.rule for r in rejections(text)], covers


def test_every_rule_has_a_row_each_way() -> None:
    names = [rule.name for rule in rules.ALL_RULES]
    assert len(names) == len(set(names)), "rule names must be unique"
    assert sorted(set(names)) == sorted({row[0] for row in FIRES})
    assert sorted(set(names)) == sorted({row[0] for row in HOLDS})


@pytest.mark.parametrize("rule", rules.ALL_RULES, ids=[r.name for r in rules.ALL_RULES])
def test_rule_is_documented(rule: rules.Rule) -> None:
    """A name in snake case, a one-line why, and only flags/columns units.tsv has."""
    assert rule.name.isidentifier() and rule.name.islower()
    assert rule.why and "\n" not in rule.why
    assert set(rule.flags) <= KNOWN_FLAGS | NOUN_FLAGS | {"not_before"}
    assert (rule.applies is not None) == (rule in rules.UNIT_RULES)


def test_every_unit_flag_is_read_by_a_rule() -> None:
    """A flag in units.tsv that no rule reads would do nothing (``approx`` sets a qualifier)."""
    read = {flag for rule in rules.ALL_RULES for flag in rule.flags} | {"approx"}
    used = {flag for unit in load_units().values() for flag in unit.flags}
    assert used <= read
    assert any(unit.not_before for unit in load_units().values())


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("次", set()),  # a plain count unit: no unit rule applies
        ("分", {"arabic_only"}),  # flag arabic
        ("方", {"arabic_only", "unit_starts_word"}),  # flag arabic + not_before column
        ("年", {"year_number", "duration_then_one", "duration_programme"}),  # no_year + duration
        ("元", {"money_name"}),  # kind money
        ("类", {"cjk_after"}),  # no_cjk_after (also_before is read by the same rule)
    ],
)
def test_unit_rules_follow_flags_and_kind(surface: str, expected: set[str]) -> None:
    unit = load_units()[surface]
    assert {rule.name for rule in rules.unit_rules(unit)} == expected


def test_shortcut_keeps_the_table_result(corpus_files: list[Path]) -> None:
    """The scan's shortcut for numerals with nothing after them (skipped when tracing) drops
    exactly what the rule table drops: traced and untraced runs give the same quantities."""
    for path in corpus_files:
        text = path.read_text(encoding="utf-8")
        traced = _Extractor(text, 2023, trace=[]).run()
        assert traced == extract_quantities(text, context_year=2023), path.name
