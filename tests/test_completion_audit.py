"""The completion audit (ENGINEERING_NOTES §11, issue 14 item 6), one composed case per row.

Every sentence here is invented (虚构示例) to cover one rule; expected figures were worked out by
hand from the rule, not copied from parser output:

* the tolerance is half a unit of the stated rate's last decimal (``98%`` ±0.5, ``95.2%``
  ±0.05, ``95.24%`` ±0.005); a rate that truncates instead of rounding also passes;
* the formulas tried, in order: completed/total, (completed+basically)/total,
  completed/(total-long_term); without a total, completed/(sum of parts) when two or more
  parts are stated; the first that matches is reported;
* GRIM: an inconsistency also says when no whole count of the denominator gives the rate;
* parts are checked against the total only when they can be complete: they add up (consistent),
  exceed the total (inconsistency), or fall short after ``其余/剩余`` (inconsistency); parts
  that fall short otherwise are not checkable (the rest is simply not stated);
* ``其中/含`` parts are inside the previous part and are not added again;
* a rate of measures is checked within its own figures, never against problem counts;
* ``基本完成…持续整改`` is basically completed, ``正在整改`` in progress;
* the listed leaf problems are compared with every problem count the summary states.
"""

from __future__ import annotations

from typing import Any

import pytest

from extract.model import Completion
from extract.notice import parse_notice
from extract.notice.completion import parse_completion_sentence, recompute

# (sentence, listed problems or None, expected attributes)
SENTENCES: list[Any] = [
    # -- formula: completed/total --------------------------------------------------------------
    pytest.param(
        "反馈的20个问题,已完成18个,完成率90%",
        None,
        {"verdict": "consistent", "formula": "completed/total", "tolerance": 0.5},
        id="formula-completed/total-integer-rate",
    ),
    pytest.param(
        "共计42项具体问题,已整改完成40项,完成率95.2%",
        None,
        {"verdict": "consistent", "formula": "completed/total", "tolerance": 0.05},
        id="formula-completed/total-one-decimal",
    ),
    pytest.param(
        "共计42项具体问题,已整改完成40项,完成率95.24%",
        None,
        {"verdict": "consistent", "formula": "completed/total", "tolerance": 0.005},
        id="formula-completed/total-two-decimals",
    ),
    pytest.param(
        "共有问题8个,已完成8个,整改完成率100%",
        None,
        {"verdict": "consistent", "formula": "completed/total", "computed_rate": 100.0},
        id="formula-all-done-100",
    ),
    pytest.param(
        "反馈问题12个,已办结9个,办结率75%",
        None,
        {"verdict": "consistent", "formula": "completed/total", "completed": 9},
        id="formula-办结率",
    ),
    pytest.param(
        "梳理出15项问题,已完成十二项,完成率80%",
        None,
        {"verdict": "consistent", "total": 15, "completed": 12},
        id="formula-chinese-numeral-counts",
    ),
    # -- formula: (completed+basically)/total --------------------------------------------------
    pytest.param(
        "反馈的31个具体问题,已完成22个、基本完成7个、未完成2个,完成率93.5%",
        None,
        {"verdict": "consistent", "formula": "(completed+basically)/total", "computed_rate": 93.5},
        id="formula-completed-plus-basically",
    ),
    pytest.param(
        "30个问题中已完成20个、基本完成6个,整改完成率86.7%",
        None,
        {"verdict": "consistent", "formula": "(completed+basically)/total"},
        id="formula-completed-plus-basically-partial-parts",
    ),
    pytest.param(
        "反馈的31个具体问题,已完成22个、基本完成7个、未完成2个,完成率71%",
        None,
        {"verdict": "consistent", "formula": "completed/total"},
        id="formula-plain-preferred-when-both-fit-differently",
    ),
    # -- formula: completed/(total-long_term) ----------------------------------------------------
    pytest.param(
        "共梳理问题50个,已完成45个,长期整改5个,完成率100%",
        None,
        {"verdict": "consistent", "formula": "completed/(total-long_term)"},
        id="formula-excluding-long-term",
    ),
    pytest.param(
        "共梳理问题50个,已完成40个,长期坚持5个,正在整改5个,完成率88.9%",
        None,
        {"verdict": "consistent", "formula": "completed/(total-long_term)", "in_progress": 5},
        id="formula-excluding-long-term-with-in-progress",
    ),
    pytest.param(
        "共计42项具体问题,已整改完成40项,完成率95.2%;长期整改2项",
        None,
        {"verdict": "consistent", "formula": "completed/total", "long_term": 2},
        id="formula-long-term-after-rate-still-plain",
    ),
    # -- formula: without a total ----------------------------------------------------------------
    pytest.param(
        "已完成40项、长期整改2项,完成率95.2%",
        None,
        {"verdict": "consistent", "formula": "completed/(sum of parts)", "total": None},
        id="formula-no-total-sum-of-parts",
    ),
    pytest.param(
        "已完成整改任务12项,完成率100%",
        None,
        {"verdict": "not_checkable", "formula": None, "tolerance": 0.5},
        id="formula-no-total-one-part-not-checkable",
    ),
    pytest.param(
        "已完成18个、基本完成2个,完成率100%",
        None,
        {"verdict": "consistent", "formula": "(completed+basically)/(sum of parts)"},
        id="formula-no-total-basically-counted-as-done",
    ),
    # -- decimals, tolerance, GRIM ---------------------------------------------------------------
    pytest.param(
        "反馈问题41个,已完成40个,完成率98%",
        None,
        {"verdict": "consistent", "tolerance": 0.5, "computed_rate": 97.6},
        id="tolerance-98-of-40/41-is-97.56-rounds-to-98",
    ),
    pytest.param(
        "反馈问题41个,已完成40个,完成率97.6%",
        None,
        {"verdict": "consistent", "tolerance": 0.05},
        id="tolerance-97.6-one-decimal",
    ),
    pytest.param(
        "反馈问题41个,已完成40个,完成率97.5%",
        None,
        {"verdict": "consistent", "tolerance": 0.05},
        id="tolerance-97.5-truncated-not-rounded",
    ),
    pytest.param(
        "反馈问题41个,已完成40个,完成率97%",
        None,
        {"verdict": "consistent", "tolerance": 0.5},
        id="tolerance-97-truncated-integer",
    ),
    pytest.param(
        "反馈问题41个,已完成40个,完成率97.3%",
        None,
        {"verdict": "inconsistency", "formula": "completed/total", "issue": "97.3%"},
        id="tolerance-97.3-outside-both",
    ),
    pytest.param(
        "反馈问题41个,已完成40个,完成率96%",
        None,
        {"verdict": "inconsistency", "issue": "±0.5"},
        id="tolerance-96-outside-half-unit",
    ),
    pytest.param(
        "反馈问题3个,已完成2个,完成率66.7%",
        None,
        {"verdict": "consistent", "tolerance": 0.05},
        id="tolerance-two-thirds-rounded",
    ),
    pytest.param(
        "反馈问题3个,已完成2个,完成率66.6%",
        None,
        {"verdict": "consistent"},
        id="tolerance-two-thirds-truncated",
    ),
    pytest.param(
        "反馈问题3个,已完成2个,完成率66.67%",
        None,
        {"verdict": "consistent", "tolerance": 0.005},
        id="tolerance-two-thirds-two-decimals",
    ),
    pytest.param(
        "反馈问题41个,已完成40个,完成率95.2%",
        None,
        {"verdict": "inconsistency", "issue": "no whole count of 41 gives 95.2%"},
        id="grim-95.2-impossible-for-41",
    ),
    pytest.param(
        "反馈问题42个,已完成39个,完成率95.2%",
        None,
        {"verdict": "inconsistency", "issue_absent": "no whole count"},
        id="grim-95.2-possible-for-42-but-not-39",
    ),
    pytest.param(
        "反馈的20个问题中,已完成18个,正在整改2个,整改完成率为80%",
        None,
        {"verdict": "inconsistency", "in_progress": 2, "issue": "18/20 = 90%"},
        id="grim-rate-disagrees-names-formula",
    ),
    pytest.param(
        "反馈问题7个,已完成6个,完成率85.7%",
        None,
        {"verdict": "consistent", "computed_rate": 85.7},
        id="tolerance-six-sevenths",
    ),
    pytest.param(
        "反馈问题7个,已完成6个,完成率86%",
        None,
        {"verdict": "consistent", "tolerance": 0.5},
        id="tolerance-six-sevenths-integer",
    ),
    pytest.param(
        "反馈问题7个,已完成6个,完成率87%",
        None,
        {"verdict": "inconsistency"},
        id="tolerance-six-sevenths-87-off",
    ),
    # -- parts against the total -------------------------------------------------------------------
    pytest.param(
        "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个",
        None,
        {"verdict": "consistent", "computed_rate": 71.0, "stated_rate": None},
        id="parts-sum-to-total-no-rate",
    ),
    pytest.param(
        "共性问题10个,其中8个已整改完成",
        None,
        {"verdict": "not_checkable", "consistent": None, "issues": []},
        id="parts-one-part-short-of-total-not-checked",
    ),
    pytest.param(
        "共有问题40个,已完成30个,正在整改5个",
        None,
        {"verdict": "not_checkable", "issues": []},
        id="parts-two-parts-short-rest-unstated",
    ),
    pytest.param(
        "共有问题40个,已完成30个,其余5个正在整改",
        None,
        {"verdict": "inconsistency", "issue": "parts sum to 35, not the total 40"},
        id="parts-remainder-must-add-up",
    ),
    pytest.param(
        "共有问题40个,已完成35个,其余5个正在整改",
        None,
        {"verdict": "consistent", "in_progress": 5},
        id="parts-remainder-adds-up",
    ),
    pytest.param(
        "共有问题20个,已完成18个,未完成5个",
        None,
        {"verdict": "inconsistency", "issue": "parts sum to 23"},
        id="parts-exceed-total",
    ),
    pytest.param(
        "反馈的31个问题中,已完成28个,其中基本完成5个,未完成3个",
        None,
        {"verdict": "consistent", "basically_completed": 5, "issues": []},
        id="parts-其中-nested-not-added",
    ),
    pytest.param(
        "反馈的31个问题中,已完成28个,其中基本完成5个,未完成3个,完成率90.3%",
        None,
        {"verdict": "consistent", "formula": "completed/total"},
        id="parts-nested-basically-not-added-to-rate",
    ),
    pytest.param(
        "梳理出15项问题,已完成十二项、长期坚持三项",
        None,
        {"verdict": "consistent", "long_term": 3},
        id="parts-chinese-numerals-long-term",
    ),
    # -- 基本完成…持续整改 and 正在整改 ------------------------------------------------------------
    pytest.param(
        "共10个问题,已完成7个,基本完成并持续整改3个",
        None,
        {"verdict": "consistent", "basically_completed": 3, "long_term": None},
        id="status-基本完成并持续整改-is-basically",
    ),
    pytest.param(
        "共10个问题,已完成7个,基本完成、需长期坚持的3个",
        None,
        {"verdict": "consistent", "basically_completed": 3, "long_term": None},
        id="status-基本完成-需长期坚持-is-basically",
    ),
    pytest.param(
        "共10个问题,已完成7个,3个问题基本完成并持续整改",
        None,
        {"verdict": "consistent", "basically_completed": 3, "long_term": None},
        id="status-number-first-基本完成并持续整改",
    ),
    pytest.param(
        "共10个问题,已完成6个,基本完成1个,持续整改3个",
        None,
        {"verdict": "consistent", "basically_completed": 1, "long_term": 3},
        id="status-持续整改-alone-is-long-term",
    ),
    pytest.param(
        "共10个问题,已完成8个,正在整改2个",
        None,
        {"verdict": "consistent", "in_progress": 2, "not_completed": None},
        id="status-正在整改-is-in-progress",
    ),
    pytest.param(
        "共10个问题,已完成8个,2个正在整改",
        None,
        {"verdict": "consistent", "in_progress": 2},
        id="status-number-first-正在整改",
    ),
    pytest.param(
        "共10个问题,已完成7个,整改中3个",
        None,
        {"verdict": "consistent", "in_progress": 3},
        id="status-整改中-is-in-progress",
    ),
    # -- measures against problems -----------------------------------------------------------------
    pytest.param(
        "制定整改措施60项,已完成48项,完成率80%",
        30,
        {"verdict": "consistent", "scope": "measures", "issues": [], "stated_problems": []},
        id="measures-rate-checked-within-measures-never-against-listed",
    ),
    pytest.param(
        "反馈问题31个,已完成28个;制定整改措施120条,已完成100条,完成率83.3%",
        31,
        {"total": 31, "completed": 28, "scope": "problems", "stated_rate": None, "issues": []},
        id="measures-rate-not-checked-against-problem-counts",
    ),
    pytest.param(
        "制定整改措施120条,已完成100条;反馈问题31个,已完成28个",
        31,
        {"total": 31, "completed": 28, "scope": "problems", "verdict": "not_checkable"},
        id="measures-first-problems-chosen",
    ),
    pytest.param(
        "细化为39项整改任务,已完成36项,完成率92.3%",
        20,
        {"verdict": "consistent", "scope": "tasks", "issues": []},
        id="tasks-never-compared-with-listed-problems",
    ),
    pytest.param(
        "针对反馈的12个问题,细化为39项整改任务,共计42项具体问题。已整改完成40项,完成率95.2%",
        12,
        {"verdict": "consistent", "stated_problems": [12, 42], "issues": []},
        id="listed-matches-one-stated-problem-count",
    ),
    # -- listed against stated ---------------------------------------------------------------------
    pytest.param(
        "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个",
        28,
        {"verdict": "consistent", "issue": "the notice lists 28 problems, the summary states 31"},
        id="listed-28-stated-31-is-a-finding-not-an-inconsistency",
    ),
    pytest.param(
        "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个",
        31,
        {"verdict": "consistent", "issues": []},
        id="listed-equals-stated",
    ),
    pytest.param(
        "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个",
        None,
        {"issues": [], "listed_problems": None},
        id="listed-unknown-nothing-compared",
    ),
    pytest.param(
        "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个",
        28,
        {"issue": "通报列出28个问题,汇总称31个"},
        id="listed-finding-is-bilingual",
    ),
    # -- negatives ---------------------------------------------------------------------------------
    pytest.param(
        "共计42项具体问题,已整改完成40项,投资完成率32.3%",
        None,
        {"stated_rate": None, "verdict": "not_checkable"},
        id="negative-投资完成率-is-not-the-rate",
    ),
    pytest.param(
        "共有问题40个,已完成38个",
        None,
        {"verdict": "not_checkable", "computed_rate": 95.0, "issues": []},
        id="negative-no-rate-partial-parts-silent",
    ),
    # -- "all of the total": a part without a number ----------------------------------------
    pytest.param(
        "市委巡察组反馈的4个方面15个问题,已全部整改到位",
        None,
        {"total": 15, "completed": 15, "computed_rate": 100.0, "verdict": "not_checkable"},
        id="all-已全部整改到位-is-completed-but-no-check",
    ),
    pytest.param(
        "截至目前,反馈的16个问题已全部整改完成",
        None,
        {"total": 16, "completed": 16, "scope": "problems", "verdict": "not_checkable"},
        id="all-已全部整改完成",
    ),
    pytest.param(
        "反馈问题20个,均已整改到位,整改完成率100%",
        None,
        {"completed": 20, "verdict": "consistent", "formula": "completed/total"},
        id="all-均已整改到位-rate-checked",
    ),
    pytest.param(
        "反馈问题20个,均已整改到位,整改完成率95%",
        None,
        {"completed": 20, "verdict": "inconsistency", "issue": "20/20"},
        id="all-均已整改到位-rate-disagrees",
    ),
    pytest.param(
        "反馈问题12个,已完成10个,其余2个已全部完成阶段性目标",
        None,
        {"completed": 10, "total": 12},
        id="all-a-numbered-part-wins-over-a-later-all",
    ),
    pytest.param(
        "共梳理问题清单18项,已完成16项、基本完成1项、需长期坚持1项",
        None,
        {"total": 18, "scope": "problems", "verdict": "consistent"},
        id="total-问题清单-noun-first",
    ),
]


@pytest.mark.parametrize(("sentence", "listed", "expected"), SENTENCES)
def test_audit_sentence(sentence: str, listed: int | None, expected: dict[str, Any]) -> None:
    c = parse_completion_sentence(sentence, listed)
    assert c is not None
    for name, want in expected.items():
        if name == "issue":
            assert any(want in i for i in c.issues), c.issues
        elif name == "issue_absent":
            assert c.issues and not any(want in i for i in c.issues), c.issues
        else:
            assert getattr(c, name) == want, (name, getattr(c, name))
    # Every verdict is one of three, and says what it rests on.
    assert c.verdict in ("consistent", "inconsistency", "not_checkable")
    assert c.consistent is {"consistent": True, "inconsistency": False}.get(c.verdict)
    if c.verdict == "inconsistency":
        assert c.formula is not None and any(" / " in i for i in c.issues)
    if c.stated_rate is not None:
        assert c.tolerance is not None and c.rate_surface is not None
    for role, s, e in c.evidence:
        assert 0 <= s < e <= len(sentence), role
        assert sentence[s:e], role
    assert sentence[c.start : c.end] == c.sentence


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("今年以来已完成投资22.64亿元,投资完成率32.3%", id="negative-investment"),
        pytest.param("已完成137亩土地指标报批", id="negative-area-unit-not-a-count"),
        pytest.param("全年预算完成率达98%", id="negative-预算完成率-no-parts"),
        pytest.param("整改工作正在有序推进", id="negative-status-words-without-counts"),
        pytest.param(
            "针对反馈的12个问题,剩余问题确保年底前全部整改到位", id="negative-all-planned-not-done"
        ),
        pytest.param("反馈的10个问题尚未全部完成整改", id="negative-all-negated"),
        pytest.param("涉及的10个问题,计划于6月底前全部整改完毕", id="negative-all-planned-计划"),
    ],
)
def test_audit_not_completion(sentence: str) -> None:
    c = parse_completion_sentence(sentence)
    assert c is None or (c.total is None and c.completed is None and c.stated_rate is None)


# (figures, statuses, tolerance, expected verdict, formula) straight into recompute
RECOMPUTE = [
    pytest.param(
        {"total": 42, "completed": 40, "stated_rate": 95.2},
        [],
        None,
        "consistent",
        "completed/total",
        id="recompute-tolerance-read-back-from-95.2",
    ),
    pytest.param(
        {"total": 41, "completed": 40, "stated_rate": 98.0},
        [],
        0.5,
        "consistent",
        "completed/total",
        id="recompute-98-with-given-tolerance",
    ),
    pytest.param(
        {"total": 41, "completed": 40, "stated_rate": 98.0},
        [],
        0.05,
        "inconsistency",
        "completed/total",
        id="recompute-98.0-stated-with-a-decimal-is-tighter",
    ),
    pytest.param(
        {"total": 10, "completed": 8, "long_term": 2, "stated_rate": 100.0},
        [],
        0.5,
        "consistent",
        "completed/(total-long_term)",
        id="recompute-long-term-excluded",
    ),
    pytest.param(
        {"total": 10, "completed": 6, "basically_completed": 3, "stated_rate": 90.0},
        [],
        0.5,
        "consistent",
        "(completed+basically)/total",
        id="recompute-basically-included",
    ),
    pytest.param(
        {},
        ["completed", "completed", "in_progress", "long_term"],
        None,
        "not_checkable",
        "statuses: completed/stated",
        id="recompute-statuses-only-shows-status-rate",
    ),
    pytest.param(
        {"stated_rate": 95.0},
        [],
        0.5,
        "not_checkable",
        None,
        id="recompute-rate-without-counts",
    ),
    pytest.param(
        {"total": 0, "completed": 0, "stated_rate": 100.0},
        [],
        0.5,
        "not_checkable",
        None,
        id="recompute-zero-total-no-division",
    ),
]


@pytest.mark.parametrize(("figures", "statuses", "tol", "verdict", "formula"), RECOMPUTE)
def test_audit_recompute(
    figures: dict[str, Any],
    statuses: list[str],
    tol: float | None,
    verdict: str,
    formula: str | None,
) -> None:
    c = recompute(Completion(**figures), statuses, tolerance=tol)
    assert (c.verdict, c.formula) == (verdict, formula)
    if statuses:
        assert c.status_rate == 50.0


# Whole fictional notices (虚构示例): statuses listed, with or without a summary.
_NOTICE_HEAD = (
    "中共虚构县委关于巡察整改进展情况的通报\n一、整改工作情况\n按照要求开展整改。\n"
    "二、反馈问题整改情况\n"
)
_NOTICE_TAIL = "中共虚构县委\n2022年1月10日\n"


def _notice(body: str) -> str:
    return _NOTICE_HEAD + body + _NOTICE_TAIL


NOTICES = [
    pytest.param(
        _notice(
            "1.理论学习不深入的问题。(已完成)\n整改情况:制定学习计划。\n"
            "2.财务管理不规范的问题。(已完成)\n整改情况:修订财务制度。\n"
            "3.基层党建薄弱的问题。(正在整改)\n整改情况:整顿软弱涣散党组织。\n"
            "4.项目推进缓慢的问题。(基本完成)\n整改情况:倒排工期。\n"
        ),
        {"verdict": "not_checkable", "status_rate": 50.0, "listed_problems": 4},
        False,
        id="notice-statuses-only-status-rate-shown",
    ),
    pytest.param(
        _notice(
            "反馈的4个问题,已完成2个,基本完成1个,正在整改1个。\n"
            "1.理论学习不深入的问题。(已完成)\n整改情况:制定学习计划。\n"
            "2.财务管理不规范的问题。(已完成)\n整改情况:修订财务制度。\n"
            "3.基层党建薄弱的问题。(正在整改)\n整改情况:整顿软弱涣散党组织。\n"
            "4.项目推进缓慢的问题。(基本完成)\n整改情况:倒排工期。\n"
        ),
        {"verdict": "consistent", "total": 4, "listed_problems": 4, "issues": []},
        False,
        id="notice-summary-agrees-with-list",
    ),
    pytest.param(
        _notice(
            "反馈的5个问题,已完成3个,基本完成1个,正在整改1个。\n"
            "1.理论学习不深入的问题。(已完成)\n整改情况:制定学习计划。\n"
            "2.财务管理不规范的问题。(已完成)\n整改情况:修订财务制度。\n"
            "3.基层党建薄弱的问题。(正在整改)\n整改情况:整顿软弱涣散党组织。\n"
            "4.项目推进缓慢的问题。(基本完成)\n整改情况:倒排工期。\n"
        ),
        {"verdict": "consistent", "total": 5, "listed_problems": 4},
        True,
        id="notice-summary-5-list-4-finding",
    ),
    pytest.param(
        _notice(
            "反馈的2个问题,已完成2个,完成率100%。\n"
            "1.作风建设方面的问题\n一是会风文风不实。\n整改情况:精简会议。\n"
            "二是督查检查过多。\n整改情况:统筹督查。\n"
        ),
        {"verdict": "consistent", "listed_problems": 2, "issues": []},
        False,
        id="notice-category-heading-over-一是-problems-not-counted",
    ),
]


@pytest.mark.parametrize(("text", "expected", "finding"), NOTICES)
def test_audit_notice(text: str, expected: dict[str, Any], finding: bool) -> None:
    parsed = parse_notice(text)
    c = parsed.completion
    assert c is not None
    for name, want in expected.items():
        assert getattr(c, name) == want, (name, getattr(c, name))
    kinds = [a.kind for a in parsed.anomalies]
    assert ("problem_count_mismatch" in kinds) is finding
    leaves = [p for p in parsed.problems if p.is_problem and not p.is_group]
    assert c.listed_problems == len(leaves)


def test_audit_has_enough_cases() -> None:
    """The brief asks for at least 60 composed cases across the tables of this file."""
    assert len(SENTENCES) + 4 + len(RECOMPUTE) + len(NOTICES) >= 60
