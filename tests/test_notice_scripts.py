"""The parser reads traditional script and pinyin-annotated pages like simplified text (issue 14).

Table-driven: each row is one fictional opening (虚构示例) in another script or with pinyin
annotations scraped along with it; metadata must come out as from the simplified text, and
every offset must point into the text as given (annotations included).
"""

from __future__ import annotations

import pytest

from extract.notice import parse_notice

SIMPLIFIED = (
    "根据县委统一部署,2023年4月12日至6月13日,县委第三巡察组对县林业局党组开展了常规巡察,"
    "并于2023年8月29日反馈了巡察意见。\n一、整改工作基本情况\n针对巡察反馈的31个具体问题,已完成22个。\n"
)

CASES = [
    # (covers, text, inspected unit as written)
    ("simplified, the reference", SIMPLIFIED, "县林业局党组"),
    (
        "traditional script (OpenCC t2s fold; the unit is returned as written)",
        "根據縣委統一部署,2023年4月12日至6月13日,縣委第三巡察組對縣林業局黨組開展了常規巡察,"
        "並于2023年8月29日反饋了巡察意見。\n一、整改工作基本情況\n針對巡察反饋的31個具體問題,"
        "已完成22個。\n",
        "縣林業局黨組",
    ),
    (
        "pinyin annotations inside names (縣(xiàn)委) are taken out before matching",
        "根据县(xiàn)委统一部署,2023年4月12日至6月13日,县(xiàn)委第三巡察组对县(xiàn)林业局党组"
        "开展了常规巡察,并于2023年8月29日反馈了巡察意见。\n一、整改工作基本情况\n"
        "针对巡察反馈的31个(gè)具体问题,已完成22个(gè)。\n",
        "县林业局党组",
    ),
    (
        "traditional script with pinyin annotations",
        "根據縣(xiàn)委統一部署,2023年4月12日至6月13日,縣(xiàn)委第三巡察組對縣(xiàn)林業局黨組"
        "開展了常規巡察,並于2023年8月29日反饋了巡察意見。\n一、整改工作基本情況\n"
        "針對巡察反饋的31個(gè)具體問題,已完成22個(gè)。\n",
        "縣林業局黨組",
    ),
]


@pytest.mark.parametrize(("covers", "text", "unit"), CASES, ids=[c[0] for c in CASES])
def test_scripts_and_annotations_parse_alike(covers: str, text: str, unit: str) -> None:
    parsed = parse_notice(text)
    meta = parsed.meta
    assert meta.inspected_unit == unit, covers
    assert (meta.inspection_group, meta.inspection_level) == (3, "县区"), covers
    assert str(meta.inspection_start) == "2023-04-12" and str(meta.feedback_date) == "2023-08-29"
    completion = parsed.completion
    assert completion is not None and (completion.total, completion.completed) == (31, 22)
    # offsets are offsets into the text as given, annotations and all
    assert text[completion.start : completion.end].startswith(("针对", "針對")), covers
    assert text[completion.start : completion.end].rstrip().endswith("。"), covers
    heading = parsed.problems[0]
    assert text[heading.start : heading.end].startswith("一、"), covers
