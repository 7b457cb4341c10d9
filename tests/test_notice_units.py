"""Table-driven unit tests for the notice parser: markers, statuses, completion, dates, tree.

Each row is one real-text pattern (short surfaces only); the id says what it covers.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.model import STATUSES, Completion
from extract.notice import parse_notice
from extract.notice.completion import parse_completion_sentence, recompute
from extract.notice.fold import fold_for_matching
from extract.notice.lexicon import lexicon
from extract.notice.markers import inline_shi, match_attachment, match_line_marker, path_key
from extract.notice.metadata import _place_chain
from extract.text.dates import find_dates, find_ranges, infer_year
from extract.text.numerals import to_int

# ---- markers -----------------------------------------------------------------------------

MARKERS = [
    pytest.param("一、整改工作基本情况", "cn_dun", 1, id="一、"),
    pytest.param("十二、其他", "cn_dun", 12, id="十二、"),
    pytest.param("(一)关于…方面", "cn_paren", 1, id="(一)"),
    pytest.param("(十一)关于", "cn_paren", 11, id="(十一)"),
    pytest.param("1.政治站位不高", "num_dot", 1, id="1."),
    pytest.param("3. 环保重点项目", "num_dot", 3, id="1.-with-space"),
    pytest.param("23、关于", "num_dot", 23, id="1、"),
    pytest.param("(12)党工委委员", "num_paren", 12, id="(12)"),
    pytest.param("( 3 )问题", "num_paren", 3, id="(-3-)-spaced"),
    pytest.param("2)问题", "num_half", 2, id="2)"),
    pytest.param("①河道巡查", "circled", 1, id="①"),
    pytest.param("⑳最后", "circled", 20, id="⑳"),
    pytest.param("⑵问题", "paren_glyph", 2, id="⑵-glyph"),
    pytest.param("一是学习贯彻", "cn_shi", 1, id="一是"),
    pytest.param("三要从严督促检查", "cn_shi", 3, id="三要-variant"),
    pytest.param("第一,加强领导", "di", 1, id="第一,"),
    pytest.param("问题3:资金", "wenti", 3, id="问题3:"),
]


@pytest.mark.parametrize(("line", "style", "number"), MARKERS)
def test_line_markers(line: str, style: str, number: int) -> None:
    m = match_line_marker(fold_for_matching(line))
    assert m is not None
    assert (m.style, m.number) == (style, number)


NOT_MARKERS = [
    pytest.param("2023年,已开展理论学习13次", id="year-is-not-1."),
    pytest.param("3.5亿元项目已开工", id="decimal-is-not-3."),
    pytest.param("第一责任人责任", id="第一责任人-no-punctuation"),
    pytest.param("整改情况:认真落实", id="label-line"),
    pytest.param("统一是前提", id="统一是-not-一是"),
    pytest.param("中共东营市委", id="org-line"),
]


@pytest.mark.parametrize("line", NOT_MARKERS)
def test_not_markers(line: str) -> None:
    assert match_line_marker(fold_for_matching(line)) is None


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        pytest.param("(3)问题", 0, id="whole-line"),
        pytest.param("前文。\n  (3)问题", 4, id="inside-text-relative-offsets"),
    ],
)
def test_line_marker_within_bounds(line: str, offset: int) -> None:
    """Matching inside a text with bounds gives the same marker as matching the slice."""
    alone = match_line_marker(line[offset:])
    bounded = match_line_marker(line, offset, len(line))
    assert alone is not None and alone == bounded


# The regex inline_shi replaced (a str.find scan for 是 is several times faster); the scan must
# find exactly what finditer over [s, e) found, then apply the same clause check.
_SHI_REFERENCE = re.compile(r"(?P<n>[一二三四五六七八九十百零〇两]{1,3})是(?=\S)")


def _inline_shi_reference(folded: str, s: int, e: int) -> list[tuple[int, int, str]]:
    hits = []
    for m in _SHI_REFERENCE.finditer(folded, s, e):
        i = m.start() - 1
        while i >= s and folded[i] in " \t":
            i -= 1
        if i < s or folded[i] in "。;:,!?\n":
            hits.append((m.start("n"), m.end(), m.group("n")))
    return hits


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("一二三四十两〇是 \t。;:,\n统学")), max_size=16),
    st.integers(0, 16),
    st.integers(0, 16),
)
def test_inline_shi_matches_its_reference_regex(text: str, a: int, b: int) -> None:
    s, e = sorted((min(a, len(text)), min(b, len(text))))
    assert [tuple(m) for m in inline_shi(text, s, e)] == _inline_shi_reference(text, s, e)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("（１）学习态度不够端正", ("num_paren", 1), id="full-width-(1)"),
        pytest.param("１．问题", ("num_dot", 1), id="full-width-1."),
    ],
)
def test_full_width_markers_fold(line: str, expected: tuple[str, int]) -> None:
    m = match_line_marker(fold_for_matching(line))
    assert m is not None and (m.style, m.number) == expected


@pytest.mark.parametrize(
    ("marker", "key"),
    [
        pytest.param("1、", "1", id="1、->1"),
        pytest.param("(一)", "(一)", id="(一)-kept"),
        pytest.param("一、", "一", id="一、->一"),
        pytest.param("第二,", "第二", id="第二,->第二"),
    ],
)
def test_path_keys(marker: str, key: str) -> None:
    assert path_key(marker) == key


@pytest.mark.parametrize(
    ("line", "number"),
    [
        pytest.param("附件", None, id="bare-附件"),
        pytest.param("附件:整改任务清单", None, id="附件:title"),
        pytest.param("附件2:问题清单", 2, id="附件2:"),
        pytest.param("附件一 关于…", 1, id="附件一-space"),
    ],
)
def test_attachment_headings(line: str, number: int | None) -> None:
    hit = match_attachment(line)
    assert hit is not None and hit[0] == number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        pytest.param("十二", 12, id="十二"),
        pytest.param("两", 2, id="两"),
        pytest.param("二〇二三", 2023, id="二〇二三-digitwise"),
        pytest.param("１２", 12, id="full-width"),
        pytest.param("㉑", 21, id="circled-21"),
        pytest.param("abc", None, id="not-a-number"),
    ],
)
def test_numerals(token: str, value: int | None) -> None:
    assert to_int(token) == value


# ---- status words ----------------------------------------------------------------------------

STATUS_WORDS = [
    pytest.param("已完成", "completed", id="已完成"),
    pytest.param("已整改完成", "completed", id="已整改完成"),
    pytest.param("已办结", "completed", id="已办结"),
    pytest.param("基本完成", "basically_completed", id="基本完成"),
    pytest.param("未完成", "not_completed", id="未完成-not-完成"),
    pytest.param("尚未完成", "not_completed", id="尚未完成"),
    pytest.param("长期整改", "long_term", id="长期整改"),
    pytest.param("长期坚持", "long_term", id="长期坚持"),
    pytest.param("持续整改", "long_term", id="持续整改"),
    pytest.param("正在整改", "in_progress", id="正在整改"),
    pytest.param("整改中", "in_progress", id="整改中"),
    pytest.param("持续推进", "in_progress", id="持续推进"),
]


@pytest.mark.parametrize(("word", "status"), STATUS_WORDS)
def test_status_words_in_data(word: str, status: str) -> None:
    assert lexicon().status_of[word] == status


def test_status_data_integrity() -> None:
    """Every status word maps into STATUSES; marker-only words are status words too."""
    lx = lexicon()
    assert set(lx.status_of.values()) <= set(STATUSES)
    assert lx.marker_only <= set(lx.status_of)


# (problem line, lines after it, status, status_text); each builds "二、问题\n(1)…".
STATUS_LAYOUTS = [
    pytest.param(
        "(1)资金拨付滞后。(已完成)",
        "整改情况:已拨付。",
        "completed",
        "(已完成)",
        id="(已完成)-after-heading",
    ),
    pytest.param(
        "(1)资金拨付滞后【基本完成】",
        "整改情况:已拨付。",
        "basically_completed",
        "【基本完成】",
        id="【基本完成】-bracket",
    ),
    pytest.param(
        "(1)资金拨付滞后。",
        "整改情况:制定办法。\n完成情况:未完成",
        "not_completed",
        "未完成",
        id="完成情况:-label-line",
    ),
    pytest.param(
        "(1)资金拨付滞后。",
        "整改情况:制定办法。目前已整改完成。",
        "completed",
        "已整改完成",
        id="closing-status-sentence",
    ),
    pytest.param(
        "(1)资金拨付滞后。",
        "整改情況:制定辦法。(長期整改)",
        "long_term",
        "長期整改",
        id="status-closing-the-rectification-traditional",
    ),
    pytest.param(
        "(1)资金拨付滞后。",
        "整改情况:一是制定办法(已完成)。二是建立台账。",
        None,
        None,
        id="mark-on-a-measure-is-not-the-problem-status",
    ),
    pytest.param(
        "(1)資金撥付滯後。(長期整改)",
        "整改情況:制定辦法。",
        "long_term",
        "(長期整改)",
        id="traditional-characters",
    ),
    pytest.param(
        "(1)资金拨付滞后。",
        "整改情况:截至目前,4个村已全部整改完成。",
        None,
        None,
        id="narrow-completion-sentence-is-not-a-status",
    ),
]


@pytest.mark.parametrize(("heading", "body", "status", "status_text"), STATUS_LAYOUTS)
def test_problem_status(
    heading: str, body: str, status: str | None, status_text: str | None
) -> None:
    text = f"二、问题\n{heading}\n{body}\n"
    problem = next(p for p in parse_notice(text).problems if p.path == "二/(1)")
    assert problem.is_problem
    assert (problem.status, problem.status_text) == (status, status_text)


# ---- completion sentences -------------------------------------------------------------------

COMPLETION_SENTENCES = [
    pytest.param(
        "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个",
        (31, 22, 7, 2, None, None, None, 71.0, True),
        id="three-parts",
    ),
    pytest.param(
        "细化为4个方面、12大项、39项整改任务,共计42项具体问题。已整改完成40项,"
        "完成率95.2%;长期整改2项,占4.8%",
        (42, 40, None, None, 2, None, 95.2, 95.2, True),
        id="total-that-parts-sum-to",
    ),
    pytest.param(
        "反馈的20个问题中,已完成18个,正在整改2个,整改完成率为80%",
        (20, 18, None, None, None, 2, 80.0, 90.0, False),
        id="stated-rate-disagrees",
    ),
    pytest.param(
        "共性问题10个,其中8个已整改完成",
        (10, 8, None, None, None, None, None, 80.0, None),
        id="number-first-part-partial-parts-not-checkable",
    ),
    pytest.param(
        "梳理出15项问题,已完成十二项、长期坚持三项",
        (15, 12, None, None, 3, None, None, 80.0, True),
        id="chinese-numeral-counts",
    ),
    pytest.param(
        "已完成整改任务12项,完成率100%",
        (None, 12, None, None, None, None, 100.0, None, None),
        id="no-total-nothing-to-check",
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), COMPLETION_SENTENCES)
def test_completion_sentences(sentence: str, expected: tuple[object, ...]) -> None:
    c = parse_completion_sentence(sentence)
    assert c is not None
    got = (
        c.total,
        c.completed,
        c.basically_completed,
        c.not_completed,
        c.long_term,
        c.in_progress,
        c.stated_rate,
        c.computed_rate,
        c.consistent,
    )
    assert got == expected


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("今年以来已完成投资22.64亿元,投资完成率32.3%", id="investment-not-completion"),
        pytest.param("已完成137亩土地指标报批", id="area-unit-not-a-count"),
    ],
)
def test_not_completion_sentences(sentence: str) -> None:
    c = parse_completion_sentence(sentence)
    assert c is None or (c.total is None and c.completed is None)


def test_status_rate_and_issues_recomputed() -> None:
    c = recompute(
        Completion(total=4, completed=2, basically_completed=1, not_completed=2),
        ["completed", "completed", "in_progress"],
    )
    assert c.status_rate == 66.7
    assert c.issues == ["各项之和5与总数4不符 / parts sum to 5, not the total 4"]
    assert c.consistent is False and c.verdict == "inconsistency"


# ---- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        pytest.param(
            "2022年6月21日至9月30日", (2022, 6, 21), (2022, 9, 30), id="end-inherits-year"
        ),
        pytest.param(
            "2023年11月29日至2024年1月31日", (2023, 11, 29), (2024, 1, 31), id="across-years"
        ),
        pytest.param("5月9日至11日", (None, 5, 9), (None, 5, 11), id="day-only-end"),
        pytest.param(
            "二〇二二年三月一日至五月十日", (2022, 3, 1), (2022, 5, 10), id="chinese-numerals"
        ),
    ],
)
def test_date_ranges(
    text: str, first: tuple[int | None, int, int], second: tuple[int | None, int, int]
) -> None:
    r = find_ranges(text)[0]
    assert (r.first.year, r.first.month, r.first.day) == first
    assert (r.second.year, r.second.month, r.second.day) == second


@pytest.mark.parametrize(
    ("text", "ymd"),
    [
        pytest.param("发布时间:2024-04-15 06:25:24", (2024, 4, 15), id="iso"),
        pytest.param("2023年5月份", (2023, 5, None), id="month-only"),
        pytest.param("二〇二三年五月十日", (2023, 5, 10), id="chinese-date-line"),
    ],
)
def test_single_dates(text: str, ymd: tuple[int, int, int | None]) -> None:
    d = find_dates(text)[0]
    assert (d.year, d.month, d.day) == ymd


@pytest.mark.parametrize(
    ("month", "anchor", "year"),
    [
        pytest.param(8, date(2023, 6, 13), 2023, id="after-inspection-same-year"),
        pytest.param(3, date(2020, 12, 15), 2021, id="rolls-over"),
    ],
)
def test_infer_year(month: int, anchor: date, year: int) -> None:
    assert infer_year(month, anchor) == year


# ---- metadata pieces ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "region"),
    [
        pytest.param("中共聊城市东昌府区委", "聊城市东昌府区", id="city-district-chain"),
        pytest.param("中共东营市委东营港经济开发区工作委员会", "东营市", id="stops-at-市委"),
        pytest.param("中共秦皇岛经济技术开发区工作委员会", "秦皇岛", id="zone-name"),
        pytest.param("山东商河经济开发区工作委员会", "山东商河", id="province-plus-zone"),
        pytest.param("中共河北省委", "河北省", id="province-with-suffix"),
        pytest.param("中共某某县水务局党组", "某某县", id="county"),
        pytest.param("中共中央办公厅", None, id="no-place"),
    ],
)
def test_region_chain(name: str, region: str | None) -> None:
    found = _place_chain(name)
    assert (found[1] if found else None) == region


OPENINGS = [
    pytest.param(
        "根据中央统一部署,2021年5月10日至7月10日,中央第一巡视组对某省开展了常规巡视。",
        ("中央第一巡视组", "中央", "巡视", 1, "常规"),
        id="central",
    ),
    pytest.param(
        "按照区委部署,区委第二巡察组于2022年3月1日至4月30日对某街道党工委开展了机动巡察。",
        ("区委第二巡察组", "县区", "巡察", 2, "专项"),
        id="district-机动-as-专项",
    ),
    pytest.param(
        "根据旗委统一部署,旗委第四巡察组对某苏木党委进行了巡察“回头看”。",
        ("旗委第四巡察组", "县区", "巡察", 4, "回头看"),
        id="banner-回头看",
    ),
    pytest.param(
        "根据十二届省委第二轮巡视工作统一部署,省委第十二巡视组对某市进行了巡视。",
        ("省委第十二巡视组", "省", "巡视", 12, None),
        id="group-12-round-2",
    ),
]


@pytest.mark.parametrize(("opening", "expected"), OPENINGS)
def test_openings(opening: str, expected: tuple[object, ...]) -> None:
    m = parse_notice(opening + "\n一、整改情况\n内容。\n").meta
    got = (
        m.inspection_body,
        m.inspection_level,
        m.inspection_kind,
        m.inspection_group,
        m.inspection_type,
    )
    assert got == expected


def test_round_from_opening() -> None:
    opening = "根据十二届省委第二轮巡视工作统一部署,省委第十二巡视组对某市进行了巡视。"
    assert parse_notice(opening).meta.inspection_round == 2


# ---- tree --------------------------------------------------------------------------------------

TREE_CASES = [
    pytest.param(
        "一、甲\n(一)乙\n1.问题丙。\n整改情况:做了。\n(二)丁\n1.问题戊。\n整改情况:做了。\n",
        ["一", "一/(一)", "一/(一)/1", "一/(二)", "一/(二)/1"],
        id="nested-styles",
    ),
    pytest.param(
        "(一)乙\n(1)问题。\n整改情况:一是甲。二是乙。\n(2)问题。\n整改情况:做了。\n",
        ["(一)", "(一)/(1)", "(一)/(1)/一是", "(一)/(1)/二是", "(一)/(2)"],
        id="inline-一是-children",
    ),
    pytest.param(
        "一、甲\n一是问题甲。二是问题乙。\n二、乙\n",
        ["一", "一/一是", "一/二是", "二"],
        id="line-一是-continues-inline",
    ),
    pytest.param("第一,加强学习。\n第二,完善制度。\n", ["第一", "第二"], id="第一-style"),
    pytest.param(
        "1.问题。\n整改情况:做了。\n附件1:清单\n1.任务\n",
        ["1", "附件1", "附件1/1"],
        id="attachment-branch",
    ),
]


@pytest.mark.parametrize(("text", "paths"), TREE_CASES)
def test_tree_paths(text: str, paths: list[str]) -> None:
    assert [p.path for p in parse_notice(text).problems] == paths


def test_only_problems_carry_rectification_text() -> None:
    """Sections and measures keep their offsets but no copy of their body text.

    A section's body is the notice itself and a measure's text is part of its problem's
    rectification: storing them again tripled the problems table for no new fact.
    """
    text = "一、整改情况\n(1)学习不深入的问题。\n整改情况:一是制定计划;二是开展学习8次。\n"
    by_path = {p.path: p for p in parse_notice(text).problems}
    assert by_path["一/(1)"].is_problem
    assert by_path["一/(1)"].rectification == "一是制定计划;二是开展学习8次。"
    assert by_path["一"].rectification == "" and not by_path["一"].is_problem
    measure = by_path["一/(1)/二是"]
    assert not measure.is_problem and measure.rectification == ""
    assert text[measure.start : measure.end] == "二是开展学习8次。"


def test_level_follows_first_appearance() -> None:
    """(1) is level 1 when it comes first, level 2 under (一) in another notice."""
    flat = parse_notice("(1)问题。\n整改情况:做了。\n")
    nested = parse_notice("(一)方面\n(1)问题。\n整改情况:做了。\n")
    assert flat.problems[0].level == 1
    assert nested.problems[1].level == 2


def test_tab_separated_table() -> None:
    text = (
        "二、清单\n序号\t反馈问题\t整改措施\t完成情况\n1\t学习不深入\t制定计划\t已完成\n"
        "2\t管理不规范\t修订制度\t长期坚持\n"
    )
    rows = [
        (p.path, p.title, p.rectification, p.status)
        for p in parse_notice(text).problems
        if p.is_problem
    ]
    assert rows == [
        ("二/1", "学习不深入", "制定计划", "completed"),
        ("二/2", "管理不规范", "修订制度", "long_term"),
    ]


@pytest.mark.parametrize(
    ("numbers", "kind", "location"),
    [
        pytest.param("124", "skipped_number", "(4)", id="skipped-3"),
        pytest.param("1223", "duplicate_number", "(2)~2", id="duplicate-2"),
        pytest.param("132", "number_out_of_order", "(2)", id="out-of-order"),
        pytest.param("23", "skipped_number", "(2)", id="list-starts-at-2"),
    ],
)
def test_numbering_anomalies(numbers: str, kind: str, location: str) -> None:
    text = "".join(f"({n})问题{i}。\n整改情况:做了第{i}项。\n" for i, n in enumerate(numbers))
    anomalies = [(a.kind, a.location) for a in parse_notice(text).anomalies]
    assert (kind, location) in anomalies


def test_identical_rectification_paragraphs() -> None:
    block = "整改情况:修订完善了会议制度,明确会议召开程序和参会人员,由专人负责会议记录。\n"
    text = f"(1)问题甲。\n{block}{block}(2)问题乙。\n整改情况:另行整改。\n"
    kinds = [(a.kind, a.location) for a in parse_notice(text).anomalies]
    assert ("duplicate_rectification", "(1)") in kinds


def test_noise_lines_end_the_body() -> None:
    text = "(1)问题。\n整改情况:做了。\n上一篇:某文章 下一篇:另一文章\n"
    problem = parse_notice(text).problems[0]
    assert "上一篇" not in problem.rectification


# ---- bad input and robustness ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(b"\xe4\xb8\x80", id="bytes"),
        pytest.param(None, id="None"),
        pytest.param(123, id="int"),
    ],
)
def test_bad_input_is_a_clear_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="expects the notice text as str"):
        parse_notice(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\n\n  \n", id="blank"),
        pytest.param("只有一段文字,没有编号。", id="no-structure"),
        pytest.param("附件", id="lone-attachment"),
        pytest.param("序号|反馈问题|整改措施\n", id="header-only"),
    ],
)
def test_degenerate_text_gives_empty_result(text: str) -> None:
    parsed = parse_notice(text)
    assert all(p.start <= p.end <= len(text) for p in parsed.problems)
    assert parsed.completion is None


_FUZZ_ALPHABET = list("一二三(1)①、.:。是整改情况已完成附件\n 0129年月日至|")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_FUZZ_ALPHABET), max_size=200))
def test_never_crashes_and_offsets_hold(text: str) -> None:
    parsed = parse_notice(text)
    for p in parsed.problems:
        assert 0 <= p.start <= p.end <= len(text)
    for a in parsed.anomalies:
        assert a.start is None or 0 <= a.start <= len(text)


# ---- docstring examples stay true ----------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "extract.text.numerals",
        "extract.text.dates",
        "extract.notice.fold",
        "extract.notice.markers",
        "extract.notice.completion",
        "extract.notice.rectification",
    ],
)
def test_doctests(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


_PLAN_NOTICE = (
    "中共示例县委关于巡察整改进展情况的通报\n"
    "一、整改工作开展情况\n"
    "二、反馈问题整改情况\n"
    "(一)关于学习贯彻不到位的问题\n"
    "整改情况:开展集中学习12次。完成情况:已完成。\n"
    "(二)关于项目资金管理不规范的问题\n"
    "整改情况:追回资金20万元。完成情况:已完成。\n"
    "三、{plan}\n"
    "{items}"
)
PLAN_CASES = [
    # (plan heading, its items, what it covers)
    (
        "下一步工作计划",
        "一是对已完成的问题开展“回头看”。二是对未完成的问题逐项明确时限。三是形成长效机制。\n",
        "一是/二是 items that mention 问题 (read as problems before)",
    ),
    ("下步工作计划", "(一)加强理论学习。\n(二)强化资金监管。\n", "numbered items under 下步…计划"),
    ("今后努力方向", "1.压实整改责任。\n2.健全制度。\n", "Arabic items under 今后"),
]


@pytest.mark.parametrize(("plan", "items", "why"), PLAN_CASES)
def test_plan_items_are_not_problems(plan: str, items: str, why: str) -> None:
    """The plan's items are intended measures: counting them as problems inflated the listed
    problems against the stated totals (found by the scale corpus generator's ground truth)."""
    parsed = parse_notice(_PLAN_NOTICE.format(plan=plan, items=items))
    problems = [p.path for p in parsed.problems if p.is_problem and not p.is_group]
    assert problems == ["二/(一)", "二/(二)"], why
