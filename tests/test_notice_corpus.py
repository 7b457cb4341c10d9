"""parse_notice on the five real notices in ../shared/corpus and on the fictional fixtures.

Ground truth was counted by hand from the files, not copied from parser output:

* top-level groups = level-1 items of the notice body (``一、`` … or ``(一)`` in 002), without
  attachments;
* problems = items that state a feedback problem (problem headings such as ``1.政治站位不高…``
  and their sub-problems ``一是…``), not categories (``(一)关于…方面``), sections
  (``一、整改工作基本情况``) or measures (``一是制定…`` under a problem);
* leaf problems = problems with no sub-problems.

000: 9 numbered problems under 三、(一)-(四) with 25 ``一是`` sub-problems, plus 3 + 5 problems
in the attachment; 001: 26 + 9 + 6 + 2 numbered problems (3-5 and 29 skipped in (一));
002: the ``(一)反馈问题:`` heading plus (1)-(13) without (11); 003: 12 numbered problems over
(1)-(27) with 21 已完成, 5 基本完成, 1 未完成 marks; 004: 23 under "已完成" and 5 under
"持续推进" sections.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extract.model import STATUSES, ParsedNotice
from extract.notice import parse_notice
from tests import corpus

CORPUS = corpus.CORPUS
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notices"


def _load(path: Path) -> str:
    try:
        from extract.reading import load_notice
    except ImportError:  # pragma: no cover - before the loader existed
        return path.read_text("utf-8")
    return load_notice(path).text


def _corpus_file(prefix: str) -> Path:
    corpus.require()
    matches = sorted(CORPUS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"corpus file {prefix}_*.txt not found in {CORPUS}")
    return matches[0]


def _parse(prefix: str) -> tuple[str, ParsedNotice]:
    text = _load(_corpus_file(prefix))
    return text, parse_notice(text)


def _counts(parsed: ParsedNotice) -> tuple[int, int, int]:
    problems = [p for p in parsed.problems if p.is_problem]
    problem_paths = {p.path for p in problems}
    parents = {p.parent_path for p in problems if p.parent_path in problem_paths}
    leaves = [p for p in problems if p.path not in parents]
    tops = [p for p in parsed.problems if p.level == 1 and not p.path.startswith("附件")]
    return len(tops), len(problems), len(leaves)


# (file, inspection_start, inspection_end, feedback, as_of, signed, published, rectification
#  days, inferred, body, level, kind, group, round, type, unit, issuer, region)
META = [
    pytest.param(
        "000",
        date(2022, 6, 21),
        date(2022, 9, 30),
        date(2022, 12, 9),
        None,
        date(2023, 5, 10),
        None,
        152,
        [],
        "市委第三巡察组",
        "市",
        "巡察",
        3,
        None,
        "专项,常规",
        "东营港经济开发区党工委",
        "中共东营市委东营港经济开发区工作委员会",
        "东营市",
        id="000-title-org-two-types-attachment",
    ),
    pytest.param(
        "001",
        date(2022, 11, 14),
        date(2023, 1, 13),
        date(2023, 3, 23),
        None,
        date(2023, 9, 26),
        None,
        187,
        [],
        "省委第六巡视组",
        "省",
        "巡视",
        6,
        2,
        "常规",
        "东昌府区",
        "中共聊城市东昌府区委",
        "聊城市东昌府区",
        id="001-provincial-round-from-十二届省委第二轮",
    ),
    pytest.param(
        "002",
        date(2023, 4, 12),
        date(2023, 6, 13),
        date(2023, 8, 29),
        date(2023, 11, 30),
        None,
        date(2024, 4, 15),
        93,
        ["feedback_date"],
        "市委第七巡察组",
        "市",
        "巡察",
        7,
        3,
        None,
        "山东商河经济开发区党工委",
        "山东商河经济开发区工作委员会",
        "山东商河",
        id="002-yearless-feedback-truncated-no-signature",
    ),
    pytest.param(
        "003",
        date(2020, 10, 22),
        date(2020, 12, 15),
        date(2021, 3, 18),
        None,
        date(2021, 7, 23),
        date(2021, 7, 28),
        127,
        [],
        "市委第五巡察组",
        "市",
        "巡察",
        5,
        None,
        "常规",
        "中共秦皇岛经济技术开发区工作委员会",
        "中共秦皇岛经济技术开发区工作委员会",
        "秦皇岛",
        id="003-于…至…进行了-unit-falls-back-to-issuer",
    ),
    pytest.param(
        "004",
        date(2023, 11, 29),
        date(2024, 1, 31),
        date(2024, 4, 9),
        None,
        date(2024, 12, 26),
        None,
        261,
        [],
        "市委第五巡察组",
        "市",
        "巡察",
        5,
        5,
        None,
        "滨海港工业园区管理办公室党委",
        "中共盐城经济技术开发区滨海港工业园区管理办公室委员会",
        "盐城",
        id="004-截至目前-no-as-of-round-in-body",
    ),
]


@pytest.mark.parametrize(
    (
        "prefix",
        "start",
        "end",
        "feedback",
        "as_of",
        "signed",
        "published",
        "days",
        "inferred",
        "body",
        "level",
        "kind",
        "group",
        "round_",
        "type_",
        "unit",
        "issuer",
        "region",
    ),
    META,
)
def test_corpus_metadata(
    prefix: str,
    start: date,
    end: date,
    feedback: date,
    as_of: date | None,
    signed: date | None,
    published: date | None,
    days: int,
    inferred: list[str],
    body: str,
    level: str,
    kind: str,
    group: int,
    round_: int | None,
    type_: str | None,
    unit: str,
    issuer: str,
    region: str,
) -> None:
    _, parsed = _parse(prefix)
    m = parsed.meta
    assert (m.inspection_start, m.inspection_end, m.feedback_date) == (start, end, feedback)
    assert (m.as_of_date, m.signed_date, m.published_date) == (as_of, signed, published)
    assert m.rectification_days == days
    assert m.inferred_dates == inferred
    assert (m.inspection_body, m.inspection_level, m.inspection_kind) == (body, level, kind)
    assert (m.inspection_group, m.inspection_round, m.inspection_type) == (group, round_, type_)
    assert (m.inspected_unit, m.issuer, m.region) == (unit, issuer, region)


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        pytest.param(
            "000",
            "中共东营市委东营港经济开发区工作委员会关于市委第三巡察组"
            "反馈意见集中整改进展情况的通报",
            id="000-full-title-line",
        ),
        pytest.param("001", "", id="001-no-title-in-scrape"),
        pytest.param(
            "002",
            "山东商河经济开发区工作委员会关于市委第三轮巡察集中",
            id="002-truncated-title-after-noise-lines",
        ),
        pytest.param("003", "", id="003-chrome-line-来源-发布时间-is-no-title"),
        pytest.param("004", "", id="004-opens-with-根据-no-title"),
    ],
)
def test_corpus_title(prefix: str, title: str) -> None:
    assert _parse(prefix)[1].meta.title == title


# Every metadata date of the five files is written to the day (checked by hand: the opening's
# range and feedback, 002's 截至2023年11月30日, the signature lines, 002/003's 发布时间), so
# each stated date is 'day'-precise and a missing one has no precision; no file carries a URL
# line at the top or a canonical link (001's 网上举报 address is a contact, not the source).
# (file, precisions of inspection_start, inspection_end, feedback, as_of, signed, published)
PRECISIONS = [
    pytest.param("000", ("day", "day", "day", None, "day", None), id="000"),
    pytest.param("001", ("day", "day", "day", None, "day", None), id="001-contact-url-no-source"),
    pytest.param("002", ("day", "day", "day", "day", None, "day"), id="002-yearless-day"),
    pytest.param("003", ("day", "day", "day", None, "day", "day"), id="003-截至6月-is-no-as-of"),
    pytest.param("004", ("day", "day", "day", None, "day", None), id="004"),
]


@pytest.mark.parametrize(("prefix", "precisions"), PRECISIONS)
def test_corpus_date_precision_and_source_url(
    prefix: str, precisions: tuple[str | None, ...]
) -> None:
    m = _parse(prefix)[1].meta
    got = (
        m.inspection_start_precision,
        m.inspection_end_precision,
        m.feedback_date_precision,
        m.as_of_date_precision,
        m.signed_date_precision,
        m.published_date_precision,
    )
    assert got == precisions
    assert m.source_url is None


# (file, top-level groups, problems, leaf problems, statuses counted by hand)
TREES = [
    pytest.param("000", 4, 42, 33, {}, id="000-一是-subproblems-and-attachment"),
    pytest.param("001", 3, 43, 43, {}, id="001-inline-measures-are-not-problems"),
    pytest.param("002", 1, 13, 12, {}, id="002-反馈问题-heading-and-(n)"),
    pytest.param(
        "003",
        3,
        39,
        27,
        {"completed": 21, "basically_completed": 5, "not_completed": 1},
        id="003-(n)-numbered-across-categories-with-status-marks",
    ),
    pytest.param(
        "004", 3, 28, 28, {"completed": 23, "in_progress": 5}, id="004-status-from-section-headings"
    ),
]


@pytest.mark.parametrize(("prefix", "tops", "problems", "leaves", "statuses"), TREES)
def test_corpus_tree(
    prefix: str, tops: int, problems: int, leaves: int, statuses: dict[str, int]
) -> None:
    _, parsed = _parse(prefix)
    assert _counts(parsed) == (tops, problems, leaves)
    found: dict[str, int] = {}
    for p in parsed.problems:
        if p.is_problem and p.status is not None:
            found[p.status] = found.get(p.status, 0) + 1
    assert found == statuses


# (file, path that must exist, its title start, is_problem)
NODES = [
    pytest.param("000", "三/(一)/2/十是", "执行环保污染防治要求不坚决", True, id="000-十是"),
    pytest.param("000", "四/三要", "从严督促检查", False, id="000-三要-variant-in-plans"),
    pytest.param("000", "附件/二/5", "激发企业自主创新措施不够", True, id="000-attachment-branch"),
    pytest.param("000", "三/(一)", "关于聚焦党中央", False, id="000-category-方面"),
    pytest.param("001", "二/(一)/30", "关于巩固强化文化阵地", True, id="001-after-skip"),
    pytest.param(
        "001",
        "二/(三)/2",
        "执行干部选拔任用制度不严",
        True,
        id="001-problem-by-siblings-without-问题-word",
    ),
    pytest.param("001", "二/(一)/1/一是", "制定并印发", False, id="001-measure-line"),
    pytest.param("001", "二/(五)", "关于巡视移交问题线索", False, id="001-信访-section"),
    pytest.param("002", "(一)/(2)/三是", "制定了", False, id="002-inline-measure-in-整改情况"),
    pytest.param(
        "003",
        "二/(一)/1/(4)",
        "针对市委巡察组指出的“落实全国",
        True,
        id="003-status-mark-stripped-from-title",
    ),
    pytest.param(
        "003",
        "二/(一)/2/(5)",
        "针对市委巡察组指出的“落实民主生活会",
        True,
        id="003-(5)-continues-numbering-under-2.",
    ),
    pytest.param(
        "004",
        "二/(二)/5",
        "关于“队伍建设与职能调整不相适应”问题的整改",
        True,
        id="004-second-problem-list",
    ),
    pytest.param("004", "一/四是", "严格督查督办", False, id="004-work-section-一是"),
]


@pytest.mark.parametrize(("prefix", "path", "title", "is_problem"), NODES)
def test_corpus_nodes(prefix: str, path: str, title: str, is_problem: bool) -> None:
    _, parsed = _parse(prefix)
    node = next((p for p in parsed.problems if p.path == path), None)
    assert node is not None, f"{path} not found"
    assert node.title.startswith(title)
    assert node.is_problem is is_problem


# (file, total, completed, basically, not_completed, long_term, stated, computed, status_rate,
#  consistent)
COMPLETIONS = [
    pytest.param(
        "000",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        id="000-no-summary-and-投资完成率-ignored",
    ),
    pytest.param(
        "002", 42, 40, None, None, 2, 95.2, 95.2, None, True, id="002-total-42-not-12-or-39"
    ),
    pytest.param(
        "003", 31, 22, 7, 2, None, None, 71.0, 77.8, True, id="003-three-parts-sum-to-total"
    ),
    pytest.param(
        "004", None, None, None, None, None, None, None, 82.1, None, id="004-status-rate-only"
    ),
]


@pytest.mark.parametrize(
    (
        "prefix",
        "total",
        "completed",
        "basic",
        "not_completed",
        "long_term",
        "stated",
        "computed",
        "status_rate",
        "consistent",
    ),
    COMPLETIONS,
)
def test_corpus_completion(
    prefix: str,
    total: int | None,
    completed: int | None,
    basic: int | None,
    not_completed: int | None,
    long_term: int | None,
    stated: float | None,
    computed: float | None,
    status_rate: float | None,
    consistent: bool | None,
) -> None:
    text, parsed = _parse(prefix)
    c = parsed.completion
    if total is None and status_rate is None:
        assert c is None
        return
    assert c is not None
    assert (c.total, c.completed, c.basically_completed) == (total, completed, basic)
    assert (c.not_completed, c.long_term) == (not_completed, long_term)
    assert (c.stated_rate, c.computed_rate, c.status_rate) == (stated, computed, status_rate)
    assert c.consistent is consistent
    if c.sentence:
        assert text[c.start : c.end] == c.sentence


# (file, anomaly kind, location)
ANOMALIES = [
    pytest.param("001", "skipped_number", "二/(一)/6", id="001-3-5-skipped"),
    pytest.param("001", "skipped_number", "二/(一)/30", id="001-29-skipped"),
    pytest.param("002", "skipped_number", "(一)/(12)", id="002-11-skipped"),
    pytest.param("002", "duplicate_rectification", "(一)/(10)", id="002-整改情况-repeated"),
    pytest.param("002", "missing_signature", "notice end", id="002-truncated"),
    pytest.param(
        "000", "duplicate_rectification", "附件/二/1", id="000-attachment-repeats-body-text"
    ),
    pytest.param("003", "problem_count_mismatch", "notice", id="003-31-stated-27-listed"),
]


@pytest.mark.parametrize(("prefix", "kind", "location"), ANOMALIES)
def test_corpus_anomalies(prefix: str, kind: str, location: str) -> None:
    _, parsed = _parse(prefix)
    assert any(a.kind == kind and a.location == location for a in parsed.anomalies), (
        parsed.anomalies
    )


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_corpus_spans_and_paths_are_consistent(prefix: str) -> None:
    """Offsets index the given text, children nest in parents, paths are unique."""
    text, parsed = _parse(prefix)
    by_path = {p.path: p for p in parsed.problems}
    assert len(by_path) == len(parsed.problems)
    for p in parsed.problems:
        assert 0 <= p.start < p.end <= len(text)
        assert text[p.start :].startswith(p.label)
        assert p.status is None or p.status in STATUSES
        if p.parent_path is not None:
            parent = by_path[p.parent_path]
            assert parent.start <= p.start and p.end <= parent.end
            assert p.level == parent.level + 1
    numbering = [a for a in parsed.anomalies if a.kind in ("skipped_number", "duplicate_number")]
    for a in numbering:
        assert a.location in by_path


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_corpus_raw_file_parses_like_loaded(prefix: str) -> None:
    """Robust to what the loader removes: the raw scrape gives the same problems."""
    raw = _corpus_file(prefix).read_text("utf-8")
    assert _counts(parse_notice(raw)) == _counts(_parse(prefix)[1])


# ---- fictional fixtures (layouts none of the corpus uses) ----------------------------------


def test_fixture_circled_statuses_attachment() -> None:
    text = (FIXTURES / "circled_status_attachment.txt").read_text("utf-8")
    parsed = parse_notice(text)
    body = [(p.path, p.status) for p in parsed.problems if p.is_problem]
    assert body == [
        ("二/①", "completed"),
        ("二/②", "completed"),
        ("二/④", "in_progress"),
        ("二/⑤", "long_term"),
        ("二/⑥", "completed"),
        ("附件/1", "completed"),
        ("附件/2", "completed"),
    ]
    kinds = {(a.kind, a.location) for a in parsed.anomalies}
    assert ("skipped_number", "二/④") in kinds
    assert ("missing_rectification", "二/⑥") in kinds
    assert not any(k == "missing_rectification" and loc.startswith("附件") for k, loc in kinds)
    measures = [p.path for p in parsed.problems if p.parent_path == "二/④"]
    assert measures == ["二/④/一是", "二/④/二是"]
    c = parsed.completion
    assert c is not None
    assert (c.total, c.completed, c.in_progress, c.long_term) == (5, 3, 1, 1)
    assert (c.stated_rate, c.computed_rate, c.status_rate, c.consistent) == (60.0, 60.0, 60.0, True)
    m = parsed.meta
    assert (m.inspection_level, m.inspection_group, m.inspection_round) == ("县区", 1, 2)
    assert m.feedback_date == date(2021, 6, 15) and m.inferred_dates == ["feedback_date"]
    assert (m.as_of_date, m.signed_date) == (date(2021, 12, 31), date(2022, 1, 10))
    assert m.issuer == "中共虚构县水务局党组"
    assert next(p for p in parsed.problems if p.path == "附件").title == "整改任务清单"


def test_fixture_table_layout() -> None:
    text = (FIXTURES / "table_layout.txt").read_text("utf-8")
    parsed = parse_notice(text)
    rows = [(p.path, p.title, p.rectification, p.status) for p in parsed.problems if p.is_problem]
    assert rows == [
        ("二/1", "理论学习不深入", "制定学习计划,开展集中学习8次", "completed"),
        ("二/2", "招商引资成效不明显", "新签约项目5个", "basically_completed"),
        ("二/2~2", "财务管理不规范", "修订财务制度,开展专项检查", "completed"),
        ("二/3", "基层党建薄弱", "整顿软弱涣散党组织3个", "not_completed"),
    ]
    assert [(a.kind, a.location) for a in parsed.anomalies] == [("duplicate_number", "二/2~2")]
    c = parsed.completion
    assert c is not None
    assert (c.total, c.completed, c.basically_completed, c.not_completed) == (4, 2, 1, 1)
    assert (c.stated_rate, c.computed_rate, c.status_rate, c.consistent) == (50.0, 50.0, 50.0, True)
    m = parsed.meta
    assert (m.inspection_start, m.inspection_end) == (date(2022, 3, 1), date(2022, 5, 10))
    assert (m.feedback_date, m.signed_date) == (date(2022, 7, 8), date(2022, 12, 20))
    assert (m.inspection_type, m.inspection_level, m.region) == ("回头看", "省", "虚构区")
    plans = next(p for p in parsed.problems if p.path == "三")
    assert "中共虚构区委" not in text[plans.start : plans.end]  # the signature ends the body


# ---- problem counts and the completion audit (issue 14 items 5-6) ---------------------------

# Leaf feedback problems, counted by hand from the files (grep of the marker lines, then read):
# 000: under 三、 the numbered problems 1.-9. are headings over 一是… lines, 2+10+2+1+3+2+1+2+2
#      = 25, plus the attachment's (the 专项巡察 list) 1.-3. and 1.-5. = 8: 33 (9 headings);
# 001: 1.-30. in (一) without 3-5 and 29 (26), 1.-9. in (二), 1.-6. in (三), 1.-2. in (四): 43,
#      none with sub-problems (their 一是… are measures);
# 002: the (一)反馈问题: heading over (1)-(13) without (11): 12 (1 heading);
# 003: 1.-12. headings over the 27 lines "(n)针对市委巡察组指出的…": 27 (12 headings);
# 004: 1.-23. under (一)已完成… and 1.-5. under (二)…持续推进…: 28, no headings.
# (file, leaf problems, group headings, body leaves the audit compares)
PROBLEM_COUNTS = [
    pytest.param("000", 33, 9, 25, id="000-一是-subproblems-heading-not-counted"),
    pytest.param("001", 43, 0, 43, id="001-no-groups"),
    pytest.param("002", 12, 1, 12, id="002-反馈问题-heading-over-(n)"),
    pytest.param("003", 27, 12, 27, id="003-12-headings-over-27"),
    pytest.param("004", 28, 0, 28, id="004-two-status-sections"),
]


@pytest.mark.parametrize(("prefix", "leaves", "groups", "body_leaves"), PROBLEM_COUNTS)
def test_corpus_problem_counts_are_leaves(
    prefix: str, leaves: int, groups: int, body_leaves: int
) -> None:
    """The problem count is the listed leaf problems: a heading is never counted again."""
    _, parsed = _parse(prefix)
    problems = [p for p in parsed.problems if p.is_problem]
    counted = [p for p in problems if not p.is_group]
    assert (len(counted), sum(p.is_group for p in problems)) == (leaves, groups)
    # is_group is exactly "has a problem child", the leaf definition of _counts above.
    assert [p.path for p in counted] == [
        p.path for p in problems if not any(c.parent_path == p.path for c in problems)
    ]
    assert all(not p.is_group for p in parsed.problems if not p.is_problem)
    c = parsed.completion
    if c is not None:
        assert c.listed_problems == body_leaves


# (file, verdict, formula, tolerance, scope, stated problem counts, listed-count finding)
AUDITS = [
    pytest.param("000", None, None, None, None, [], False, id="000-no-summary"),
    pytest.param("001", None, None, None, None, [], False, id="001-no-summary"),
    pytest.param(
        "002",
        "consistent",
        "completed/total",
        0.05,
        "problems",
        [12, 42],
        False,
        id="002-40/42-is-95.2±0.05-and-12-listed-match-反馈的12个问题",
    ),
    pytest.param(
        "003",
        "consistent",
        "completed+basically_completed+not_completed = total",
        None,
        "problems",
        [31],
        True,
        id="003-22+7+2=31-but-27-listed",
    ),
    pytest.param(
        "004",
        "not_checkable",
        "statuses: completed/stated",
        None,
        None,
        [],
        False,
        id="004-statuses-only-rate-shown",
    ),
]


@pytest.mark.parametrize(
    ("prefix", "verdict", "formula", "tolerance", "scope", "stated", "finding"), AUDITS
)
def test_corpus_completion_audit(
    prefix: str,
    verdict: str | None,
    formula: str | None,
    tolerance: float | None,
    scope: str | None,
    stated: list[int],
    finding: bool,
) -> None:
    """Zero false alarms: no corpus notice is an inconsistency; evidence offsets are exact."""
    text, parsed = _parse(prefix)
    c = parsed.completion
    mismatch = [a for a in parsed.anomalies if a.kind == "problem_count_mismatch"]
    assert bool(mismatch) is finding
    if verdict is None:
        assert c is None
        return
    assert c is not None
    assert (c.verdict, c.formula, c.tolerance, c.scope) == (verdict, formula, tolerance, scope)
    assert c.stated_problems == stated
    assert any("27" in i and "31" in i for i in c.issues) is finding
    assert len(c.issues) == int(finding)  # the only issue is the listed-count finding
    for role, s, e in c.evidence:
        assert c.start <= s < e <= c.end, role
        if role == "rate":
            assert c.rate_surface is not None and c.rate_surface.endswith(text[s:e])
        elif role == "total":
            assert str(c.total) in text[s:e]
        else:
            assert str(getattr(c, role)) in text[s:e]
