"""Notice metadata on composed sentences and small page layouts (issue 14 items 1-4).

Every text here is invented (虚构示例): names such as 某某县 are placeholders, dates are made up.
Each row is one case and cites in its id what it covers; only the fields a row names are
checked, so a row about the feedback date says nothing about the title. Dates are written as
their precision shows them: ``2021-03`` for a month-precise date, ``2021-03-08`` for a day.

The rows feed ``per_field_accuracy`` too, which the issue's before/after figures came from.
"""

from __future__ import annotations

from datetime import date

import pytest

from extract.model import NoticeMeta
from extract.notice import parse_notice

BODY = (
    "一、整改工作基本情况\n成立整改工作领导小组,制定整改方案。\n"
    "二、下一步工作\n持续抓好整改落实。\n"
)
CLOSING = "欢迎广大干部群众对巡察整改落实情况进行监督。\n"


def notice(
    opening: str,
    *,
    head: str = "",
    body: str | None = BODY,
    sign: str = "",
) -> str:
    """A small notice: chrome/title lines, the opening, a numbered body, closing, signature."""
    parts = [head, opening + "\n", body or "", CLOSING if body is not None else "", sign]
    return "\n".join(p.rstrip("\n") for p in parts if p) + "\n"


SIGN_2022 = "中共某某县委员会\n2022年12月20日"
SIGN_2021 = "中共某某经济开发区工作委员会\n2021年7月23日"


def shown(meta: NoticeMeta, name: str) -> object:
    """A field as the test rows write it: dates at their precision (``2021-03``)."""
    value = getattr(meta, name)
    if isinstance(value, date):
        precision = getattr(meta, f"{name}_precision")
        return {"day": value.isoformat(), "month": value.isoformat()[:7], "year": str(value.year)}[
            precision
        ]
    return value


P = pytest.param
CASES = [
    # ---- item 1: month precision, range forms, quarters, 4至6月, 3月8至9日 -------------------
    P(
        notice(
            "根据县委统一部署,2021年3月上旬至5月中旬,县委第二巡察组对某某镇党委开展了常规巡察,"
            "并于2021年7月反馈了巡察意见。",
            sign=SIGN_2022,
        ),
        {
            "inspection_start": "2021-03",
            "inspection_end": "2021-05",
            "feedback_date": "2021-07",
            "rectification_days": None,
        },
        id="1-上旬至中旬-month-range-and-month-feedback-days-null",
    ),
    P(
        notice(
            "2019年9月至11月,市委第一巡察组对市教育局党组进行了巡察。2020年1月8日,"
            "市委第一巡察组向市教育局党组反馈了巡察意见。"
        ),
        {"inspection_start": "2019-09", "inspection_end": "2019-11", "feedback_date": "2020-01-08"},
        id="1-year-month-至-month",
    ),
    P(
        notice(
            "根据区委部署,区委第三巡察组于2022年4月至6月对某某街道党工委开展了巡察,"
            "今年8月向街道党工委反馈了巡察意见。",
            sign=SIGN_2022,
        ),
        {"feedback_date": "2022-08", "inferred_dates": ["feedback_date"]},
        id="1-今年8月-feedback-year-from-signature",
    ),
    P(
        notice("2023年3月1日——4月30日,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-03-01", "inspection_end": "2023-04-30"},
        id="1-link-double-dash",
    ),
    P(
        notice("2023年3月1日—4月30日,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-03-01", "inspection_end": "2023-04-30"},
        id="1-link-em-dash",
    ),
    P(
        notice("2023年3月1日~4月30日,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-03-01", "inspection_end": "2023-04-30"},
        id="1-link-tilde",
    ),
    P(
        notice("2023年3月1日～4月30日,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-03-01", "inspection_end": "2023-04-30"},
        id="1-link-fullwidth-tilde",
    ),
    P(
        notice("2023年3月1日到4月30日,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-03-01", "inspection_end": "2023-04-30"},
        id="1-link-到",
    ),
    P(
        notice("2023年3月1日至2023年4月30日,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-03-01", "inspection_end": "2023-04-30"},
        id="1-link-至-both-years",
    ),
    P(
        notice("市委第二巡察组于2021年3月8至9日对某某中学党支部开展了专项巡察。"),
        {"inspection_start": "2021-03-08", "inspection_end": "2021-03-09"},
        id="1-3月8至9日-one-日-two-days",
    ),
    P(
        notice("2023年第一季度,市委第四巡察组对某某局党组开展了专项巡察。"),
        {"inspection_start": "2023-01", "inspection_end": "2023-03"},
        id="1-quarter-第一季度",
    ),
    P(
        notice("2022年第四季度,市委第四巡察组对某某局党组开展了专项巡察。"),
        {"inspection_start": "2022-10", "inspection_end": "2022-12"},
        id="1-quarter-第四季度",
    ),
    P(
        notice("2023年二季度,市委第四巡察组对某某局党组开展了常规巡察。"),
        {"inspection_start": "2023-04", "inspection_end": "2023-06"},
        id="1-quarter-without-第",
    ),
    P(
        notice("2023年4至6月,县委第一巡察组对县水务局党组开展了常规巡察。"),
        {"inspection_start": "2023-04", "inspection_end": "2023-06"},
        id="1-4至6月-with-year",
    ),
    P(
        notice(
            "4至6月,县委第一巡察组对县水务局党组开展了常规巡察。",
            sign="中共某某县水务局党组\n2023年11月2日",
        ),
        {
            "inspection_start": "2023-04",
            "inspection_end": "2023-06",
            "inferred_dates": ["inspection_start", "inspection_end"],
        },
        id="1-4至6月-yearless-year-from-signature",
    ),
    P(
        notice("2021年11月至2022年1月,县委第三巡察组对某某乡党委开展了常规巡察。"),
        {"inspection_start": "2021-11", "inspection_end": "2022-01"},
        id="1-month-range-across-years-written",
    ),
    P(
        notice("2021年11月至1月,县委第三巡察组对某某乡党委开展了常规巡察。"),
        {"inspection_start": "2021-11", "inspection_end": "2022-01"},
        id="1-month-range-rolls-into-next-year",
    ),
    P(
        notice("2023/04/12至2023/06/13,市委第七巡察组对某某开发区党工委进行了巡察。"),
        {"inspection_start": "2023-04-12", "inspection_end": "2023-06-13"},
        id="1-slash-dates",
    ),
    P(
        notice("二〇二一年三月至五月,县委第二巡察组对某某镇党委开展了常规巡察。"),
        {"inspection_start": "2021-03", "inspection_end": "2021-05"},
        id="1-chinese-numeral-month-range",
    ),
    P(
        notice("2022年6月21日至9月30日,市委第三巡察组对某某区委开展了常规巡察。"),
        {
            "inspection_start": "2022-06-21",
            "inspection_end": "2022-09-30",
            "inspection_start_precision": "day",
        },
        id="1-day-range-precision-day",
    ),
    P(
        notice(
            "2021年3月至5月,县委第二巡察组对某某镇党委开展了常规巡察。",
        ),
        {"inspection_start_precision": "month", "inspection_end_precision": "month"},
        id="1-month-range-precision-columns",
    ),
    P(
        notice("2023年5月至今,县委第一巡察组对某某局党组开展了常规巡察。"),
        {"inspection_start": None, "inspection_end": None},
        id="1-neg-至今-is-no-range",
    ),
    P(
        notice("2020-2022年,县委第一巡察组对某某局党组开展了常规巡察。"),
        {"inspection_start": None, "inspection_end": None},
        id="1-neg-year-span-without-months",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某局党组开展了常规巡察。",
            body=BODY + "欢迎监督。征求意见时间为2个月(自2021年7月23日至9月23日)。\n",
        ),
        {"inspection_start": None, "inspection_end": None},
        id="1-neg-comment-period-range-is-not-the-inspection",
    ),
    P(
        notice(
            "根据市委统一部署,市委第五巡察组于2020年10月22日至12月15日进行了常规巡察,"
            "2021年3月18日反馈了巡察意见。",
            sign=SIGN_2021,
        ),
        {"feedback_date": "2021-03-18", "rectification_days": 127},
        id="1-day-precise-feedback-and-signature-give-days",
    ),
    P(
        notice(
            "根据县委巡察工作安排,县委第四巡察组于2022年10月中旬至12月上旬对县自然资源局党组开展了"
            "常规巡察,2023年2月16日向县自然资源局党组反馈了巡察意见。",
            sign="中共某某县自然资源局党组\n2023年6月30日",
        ),
        {
            "inspection_start": "2022-10",
            "inspection_end": "2022-12",
            "feedback_date": "2023-02-16",
            "rectification_days": 134,
        },
        id="1-中旬至上旬-month-range-day-feedback-days-from-signature",
    ),
    P(
        notice(
            "受省委委托,2023年3月至5月,省委第八巡视组对某某市开展了巡视“回头看”。同年7月12日,"
            "省委巡视组向某某市委反馈了巡视意见。"
        ),
        {
            "inspection_start": "2023-03",
            "inspection_end": "2023-05",
            "feedback_date": "2023-07-12",
            "inspection_type": "回头看",
            "inspected_unit": "某某市",
        },
        id="1-month-range-同年-feedback-回头看",
    ),
    P(
        notice(
            "根据区委统一安排,区委第二巡察组自2021年9月起对区财政局党组开展了为期2个月的常规巡察。"
            "2021年12月3日,区委第二巡察组向区财政局党组反馈了巡察意见。"
        ),
        {"inspection_start": "2021-09", "inspection_end": None, "feedback_date": "2021-12-03"},
        id="1-自…起-start-without-end",
    ),
    P(
        notice(
            "2023年3月上旬至4月下旬,区委第一巡察组对某某街道党工委开展了常规巡察。5月下旬,"
            "区委第一巡察组向街道党工委反馈了巡察意见。",
            sign="中共某某街道工作委员会\n2023年9月1日",
        ),
        {
            "feedback_date": "2023-05",
            "feedback_date_precision": "month",
            "inferred_dates": ["feedback_date"],
            "rectification_days": None,
        },
        id="1-下旬-yearless-month-feedback",
    ),
    P(
        notice(
            "根据州委统一部署,州委第五巡察组于2022年8月22日—10月21日对州民宗委党组开展了常规巡察,"
            "12月1日向州民宗委党组反馈了巡察情况。"
        ),
        {
            "inspection_end": "2022-10-21",
            "feedback_date": "2022-12-01",
            "inspection_level": "市",
            "inspected_unit": "州民宗委党组",
        },
        id="1-em-dash-range-州委-yearless-feedback",
    ),
    P(
        notice(
            "按照市委巡察工作领导小组统一部署,2022年11月7日至2023年1月10日,十届市委第三轮巡察第二"
            "巡察组对市住建局党组开展了常规巡察,2023年3月28日集中反馈了巡察意见。"
        ),
        {
            "inspection_body": "市委第三轮巡察第二巡察组",
            "inspection_level": "市",
            "inspection_group": 2,
            "inspection_round": 3,
            "feedback_date": "2023-03-28",
        },
        id="3-届-and-round-before-the-group-level-kept",
    ),
    # ---- item 2: phrase order and page chrome ---------------------------------------------
    P(
        notice(
            "2022年12月9日,市委第三巡察组向某某区委反馈了巡察意见。此前,2022年6月21日至9月30日,"
            "市委第三巡察组对某某区开展了常规巡察。"
        ),
        {
            "inspection_start": "2022-06-21",
            "inspection_end": "2022-09-30",
            "feedback_date": "2022-12-09",
        },
        id="2-feedback-stated-before-the-range",
    ),
    P(
        notice(
            "根据市委统一部署,2023年1月5日至3月5日,市委第二巡察组对某某局党组开展了常规巡察。\n"
            "2023年4月20日,市委第二巡察组向某某局党组反馈了巡察意见。"
        ),
        {"inspection_end": "2023-03-05", "feedback_date": "2023-04-20"},
        id="2-feedback-in-its-own-paragraph",
    ),
    P(
        notice(
            "根据市委统一部署,市委第二巡察组对某某局党组开展了常规巡察。\n"
            "现将整改情况公布如下。\n"
            "巡察组于2023年6月2日向某某局党组反馈了巡察意见。"
        ),
        {"feedback_date": "2023-06-02"},
        id="2-feedback-two-paragraphs-later",
    ),
    P(
        notice("2023年5月8日至9日,市委巡察组分别向4个被巡察单位党组织反馈了巡察意见。"),
        {"inspection_start": None, "inspection_end": None, "feedback_date": "2023-05-08"},
        id="2-the-only-range-is-the-feedback",
    ),
    P(
        notice(
            "根据市委统一部署,市委第二巡察组对某某局党组开展了常规巡察,并于2023年8月1日反馈了"
            "巡察意见。",
            body="一、整改工作基本情况\n巡察期间(2023年4月12日至6月13日),局党组积极配合。\n"
            "二、下一步工作\n持续抓好整改。\n",
        ),
        {
            "inspection_start": "2023-04-12",
            "inspection_end": "2023-06-13",
            "feedback_date": "2023-08-01",
        },
        id="2-range-in-a-later-paragraph-巡察期间",
    ),
    P(
        notice(
            "根据省委统一部署,省委第六巡视组对某某市开展了常规巡视。",
            body="一、整改工作基本情况\n巡视组进驻期间(2022年3月1日—5月1日),市委全力支持配合。\n",
        ),
        {"inspection_start": "2022-03-01", "inspection_end": "2022-05-01"},
        id="2-range-after-进驻期间",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="中共某某镇委员会关于县委第一轮巡察整改进展情况的通报\n成文日期:\n2021年3月5日",
        ),
        {"signed_date": "2021-03-05"},
        id="2-成文日期-value-on-next-line",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="成文日期:2021年3月5日",
        ),
        {"signed_date": "2021-03-05", "signed_date_precision": "day"},
        id="2-成文日期-same-line",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="成文日期:2021年3月5日",
            sign="中共某某镇委员会\n2021年3月6日",
        ),
        {"signed_date": "2021-03-06"},
        id="2-signature-block-wins-over-成文日期",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="发布时间:2024-04-15 06:25:24 来源:某某县纪委监委",
        ),
        {"published_date": "2024-04-15"},
        id="2-发布时间-timestamp-with-source",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="发布日期:\n2022年05月06日",
        ),
        {"published_date": "2022-05-06"},
        id="2-发布日期-value-on-next-line",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="发布机构:中共某某县委巡察工作领导小组办公室  发布时间:2023-02-01",
        ),
        {"issuer": "中共某某县委巡察工作领导小组办公室", "published_date": "2023-02-01"},
        id="2-发布机构-is-issuer-without-signature",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="发布机构:某某县融媒体中心",
            sign="中共某某镇委员会\n2023年3月6日",
        ),
        {"issuer": "中共某某镇委员会"},
        id="2-signature-issuer-wins-over-发布机构",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="2024-04-15 06:25:24",
        ),
        {"published_date": "2024-04-15", "title": ""},
        id="2-bare-timestamp-line-at-top",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="2024-04-15",
        ),
        {"published_date": "2024-04-15"},
        id="2-bare-date-line-at-top",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="| 发布机构 | 中共某某县委 | 成文日期 | 2021年03月05日 |\n"
            "| 标题 | 中共某某镇委员会关于巡察整改情况的通报 | 发布日期 | 2021-03-08 |",
        ),
        {
            "issuer": "中共某某县委",
            "signed_date": "2021-03-05",
            "published_date": "2021-03-08",
            "title": "中共某某镇委员会关于巡察整改情况的通报",
        },
        id="2-pipe-table-metadata",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="|发布日期|2022-05-06|",
        ),
        {"published_date": "2022-05-06"},
        id="2-pipe-table-no-spaces",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="| 成文日期:2020年12月1日 | 发布机构:某某县纪委 |",
        ),
        {"signed_date": "2020-12-01", "issuer": "某某县纪委"},
        id="2-pipe-table-label-and-value-in-one-cell",
    ),
    P(
        notice(
            "根据县委统一部署,2022年3月1日至4月30日,县委第一巡察组对某某镇党委开展了常规巡察,"
            "5月20日反馈了巡察意见。现将整改情况公布如下。整改工作稳步推进。",
            body=None,
            sign="中共某某镇委员会\n2022年9月1日",
        ),
        {
            "signed_date": "2022-09-01",
            "issuer": "中共某某镇委员会",
            "feedback_date": "2022-05-20",
            "rectification_days": 104,
        },
        id="2-signature-found-without-一、-markers",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。整改工作稳步推进。",
            body=None,
            sign="中共某某镇委员会\n二〇二二年九月一日",
        ),
        {"signed_date": "2022-09-01"},
        id="2-chinese-numeral-signature-without-markers",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            sign="中共某某镇委员会\n2022年9月1日",
        ),
        {"published_date": None, "signed_date": "2022-09-01"},
        id="2-neg-signature-date-line-is-not-a-publication-date",
    ),
    P(
        notice(
            "根据市委统一部署,2023年1月5日至3月5日,市委第二巡察组对某某局党组开展了常规巡察。"
            "巡察反馈意见后,4月10日局党组召开会议研究整改。",
        ),
        {"feedback_date": None},
        id="2-neg-date-after-反馈意见后-is-a-meeting",
    ),
    P(
        notice(
            "根据市委统一部署,2023年1月5日至3月5日,市委第二巡察组对某某局党组开展了常规巡察。"
            "3月24日召开巡察整改动员会,传达巡察反馈意见。",
        ),
        {"feedback_date": None},
        id="2-neg-整改-meeting-before-反馈-is-not-the-feedback",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="2024-04-15 06:25 来源:某某县纪委 浏览次数:36",
        ),
        {"published_date": "2024-04-15", "title": ""},
        id="2-timestamp-opening-a-chrome-line",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            head="标题:中共某某县卫健局党组关于巡察整改进展情况的通报\n"
            "发布时间:2023年07月02日 来源:县纪委监委",
        ),
        {"title": "中共某某县卫健局党组关于巡察整改进展情况的通报", "published_date": "2023-07-02"},
        id="2-标题-label-and-chinese-发布时间",
    ),
    P(
        notice(
            "根据县委统一部署,2023年3月6日至5月6日,县委第一巡察组对某某镇党委开展了常规巡察。",
            body=BODY + "2023-08-01 10:00 来源:县纪委\n",
        ),
        {"published_date": None},
        id="2-neg-chrome-line-after-the-body-began-is-not-read",
    ),
    # ---- item 3: inspecting bodies, inspected unit, title, source URL ----------------------
    P(
        notice("2023年3月1日至4月30日,市委巡察三组对某某局党组开展了常规巡察。"),
        {"inspection_body": "市委巡察三组", "inspection_group": 3, "inspection_level": "市"},
        id="3-巡察N组",
    ),
    P(
        notice("2023年3月1日至4月30日,县委机动巡察三组对某某镇党委开展了机动巡察。"),
        {
            "inspection_body": "县委机动巡察三组",
            "inspection_group": 3,
            "inspection_level": "县区",
            "inspection_type": "专项",
        },
        id="3-机动巡察N组",
    ),
    P(
        notice("2023年3月1日至4月30日,机动巡察二组对某某镇党委开展了机动巡察。"),
        {"inspection_body": "机动巡察二组", "inspection_group": 2},
        id="3-机动巡察N组-without-level",
    ),
    P(
        notice("根据省委统一部署,第二巡视组于2021年5月至7月对某某市开展了常规巡视。"),
        {"inspection_body": "第二巡视组", "inspection_group": 2, "inspection_kind": "巡视"},
        id="3-第X巡视组-without-org",
    ),
    P(
        notice("根据中央统一部署,2021年5月10日至7月10日,中央第一巡视组对某某省开展了常规巡视。"),
        {"inspection_body": "中央第一巡视组", "inspection_level": "中央", "inspection_group": 1},
        id="3-中央第X巡视组-level-中央",
    ),
    P(
        notice("2021年5月10日至7月10日,中共中央第三巡视组对某某集团党组开展了常规巡视。"),
        {"inspection_body": "中共中央第三巡视组", "inspection_level": "中央"},
        id="3-中共中央第X巡视组",
    ),
    P(
        notice(
            "按照市委巡察组工作安排,2023年3月1日至4月30日,市委第四巡察组对某某局党组开展了"
            "常规巡察。"
        ),
        {"inspection_body": "市委第四巡察组", "inspection_group": 4},
        id="3-longest-name-wins-over-earlier-bare-巡察组",
    ),
    P(
        notice("2022年3月1日至4月30日,区委第二巡察组对某某街道党工委开展了机动巡察。"),
        {"inspection_body": "区委第二巡察组", "inspection_level": "县区", "inspection_group": 2},
        id="3-区委第N巡察组",
    ),
    P(
        notice("2022年3月1日至4月30日,省委第十巡视组对某某大学党委开展了常规巡视。"),
        {"inspection_body": "省委第十巡视组", "inspection_group": 10, "inspection_level": "省"},
        id="3-省委第十巡视组",
    ),
    P(
        notice("2022年3月1日至4月30日,自治区党委第三巡视组对某某厅党组开展了常规巡视。"),
        {"inspection_body": "自治区党委第三巡视组", "inspection_level": "省"},
        id="3-自治区党委-level-省",
    ),
    P(
        notice("2022年3月1日至4月30日,市委第三巡察组对某某街道党工委先后开展了常规巡察。"),
        {"inspected_unit": "某某街道党工委"},
        id="3-unit-trims-先后",
    ),
    P(
        notice("2022年3月1日至4月30日,市委第三巡察组对某某公司党委分别开展了常规巡察。"),
        {"inspected_unit": "某某公司党委"},
        id="3-unit-trims-分别",
    ),
    P(
        notice("2022年3月1日至4月30日,市委第三巡察组对某某公司党委及其领导班子开展了常规巡察。"),
        {"inspected_unit": "某某公司党委"},
        id="3-unit-trims-及其领导班子",
    ),
    P(
        notice("受市委委托,2022年3月1日至4月30日,市委第三巡察组对某某区人民医院党委开展了巡察。"),
        {"inspected_unit": "某某区人民医院党委"},
        id="3-unit-after-受…委托-clause",
    ),
    P(
        notice("2022年3月1日至4月30日,市委第三巡察组对照巡察工作要求进行了常规巡察。"),
        {"inspected_unit": None},
        id="3-neg-unit-sentence-fragment-is-null",
    ),
    P(
        notice("2022年3月1日至4月30日,市委第三巡察组对某某局党组开展了常规巡察。"),
        {"inspected_unit": "某某局党组"},
        id="3-unit-plain",
    ),
    P(
        notice(
            "根据县委部署,县委第二巡察组开展了常规巡察。2023年5月6日,县委第二巡察组向县卫健局党组"
            "反馈了巡察意见。"
        ),
        {"inspected_unit": "县卫健局党组", "feedback_date": "2023-05-06"},
        id="3-unit-from-向…反馈",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head="https://www.example.gov.cn/xcgz/2023/0415/123.html\n"
            "中共某某区委关于市委第三巡察组巡察整改进展情况的通报",
        ),
        {
            "title": "中共某某区委关于市委第三巡察组巡察整改进展情况的通报",
            "source_url": "https://www.example.gov.cn/xcgz/2023/0415/123.html",
        },
        id="3-url-line-at-top-is-source-url-not-title",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head="8f21c210001f9242a7\n中共某某区委关于巡察整改情况的通报",
        ),
        {"title": "中共某某区委关于巡察整改情况的通报", "source_url": None},
        id="3-hash-line-is-not-title",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head="首页 > 巡察工作 > 整改通报\n中共某某区委关于巡察整改进展情况的通报",
        ),
        {"title": "中共某某区委关于巡察整改进展情况的通报"},
        id="3-breadcrumb-ending-通报-is-not-title",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head="当前位置:首页>>信息公开>>巡察整改通报",
        ),
        {"title": ""},
        id="3-neg-当前位置-breadcrumb-only-no-title",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head='<link rel="canonical" href="https://xc.example.gov.cn/a/2022/77.html">\n'
            "中共某某区委关于巡察整改情况的通报",
        ),
        {"source_url": "https://xc.example.gov.cn/a/2022/77.html"},
        id="3-canonical-link",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head="中共某某区委关于巡察整改情况的通报\n原文链接:http://www.example.cn/n/5.shtml",
        ),
        {
            "source_url": "http://www.example.cn/n/5.shtml",
            "title": "中共某某区委关于巡察整改情况的通报",
        },
        id="3-原文链接-label",
    ),
    P(
        notice(
            "2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。",
            head="https://www.example.gov.cn/tzgg/关于巡察整改情况的通报.html",
        ),
        {"title": "", "source_url": "https://www.example.gov.cn/tzgg/关于巡察整改情况的通报.html"},
        id="3-url-ending-like-a-title-is-still-a-url",
    ),
    P(
        notice("2022年3月1日至4月30日,市委第三巡察组对某某区开展了常规巡察。"),
        {"source_url": None},
        id="3-neg-no-url-no-source",
    ),
    # ---- whole small notices (虚构示例) mixing the patterns above ---------------------------
    P(
        notice(
            "根据区委统一部署,2023年3月22日至5月31日,区委第一巡察组对区商务局党组进行了常规巡察。"
            "7月6日,区委第一巡察组向区商务局党组反馈了巡察意见。",
            head="中共某某市某某区委员会\n关于十届区委第三轮巡察整改进展情况的通报",
            sign="中共某某区商务局党组\n2023年10月9日",
        ),
        {
            "title": "中共某某市某某区委员会关于十届区委第三轮巡察整改进展情况的通报",
            "inspection_round": 3,
            "feedback_date": "2023-07-06",
            "rectification_days": 95,
        },
        id="mix-title-org-line-over-关于-line",
    ),
    P(
        notice(
            "2023年1月12日,省委第三巡视组向某某集团党委反馈了巡视意见。2022年9月至11月,"
            "省委第三巡视组进驻某某集团开展了常规巡视。",
            sign="中共某某集团委员会\n2023年4月28日",
        ),
        {
            "inspection_start": "2022-09",
            "inspection_end": "2022-11",
            "feedback_date": "2023-01-12",
            "rectification_days": 106,
        },
        id="mix-feedback-first-then-month-range-with-进驻",
    ),
    P(
        notice(
            "根据县委统一部署,2022年10月至12月,县委第二巡察组对县水利局党组开展了常规巡察,"
            "2023年1月反馈了巡察意见。",
            head="| 索引号 | 11370000MB1234567X/2023-00123 | 发布机构 | 中共某某县委巡察办 |\n"
            "| 成文日期 | 2023-05-08 | 发布日期 | 2023-05-09 |\n"
            "某某县水利局党组关于县委巡察整改情况的通报",
        ),
        {
            "title": "某某县水利局党组关于县委巡察整改情况的通报",
            "issuer": "中共某某县委巡察办",
            "signed_date": "2023-05-08",
            "published_date": "2023-05-09",
            "feedback_date": "2023-01",
            "rectification_days": None,
        },
        id="mix-索引号-table-then-title-month-feedback",
    ),
    P(
        notice(
            "根据市委部署,市委第六巡察组于2022年9月5日至11月4日对市档案馆党支部开展了常规巡察,"
            "2022年12月28日反馈了巡察意见。截至2023年4月底,反馈的15个问题已整改完成13个。",
            body=None,
            sign="中共某某市档案馆支部委员会\n2023年5月12日",
        ),
        {
            "as_of_date": "2023-04",
            "signed_date": "2023-05-12",
            "published_date": None,
            "rectification_days": 135,
        },
        id="mix-no-markers-month-as-of-signature-not-published",
    ),
    P(
        notice(
            "根据县委巡察工作统一部署,县委第三巡察组对某某乡党委开展了巡察。",
            body="一、整改工作开展情况\n巡察期间(2023年3月8日至4月28日),乡党委主动配合。6月2日,"
            "县委第三巡察组向乡党委反馈了巡察意见。\n二、下一步\n继续整改。\n",
            sign="中共某某乡委员会\n二〇二三年九月十五日",
        ),
        {
            "inspection_start": "2023-03-08",
            "feedback_date": "2023-06-02",
            "signed_date": "2023-09-15",
        },
        id="mix-range-and-feedback-both-in-the-body",
    ),
    P(
        notice(
            "根据县委统一部署,2023年4月10日至6月9日,县委第二巡察组对县交通运输局党组开展了常规巡察,"
            "并于2023年8月15日反馈了巡察意见。",
            head="https://www.example.gov.cn/col/col12/art/2023/art_99.html\n"
            "首页 > 监督执纪 > 巡察工作\n"
            "中共某某县交通运输局党组关于县委第五轮巡察整改进展情况的通报\n"
            "2023-11-20 09:30:12 来源:县纪委监委 浏览次数:128",
            sign="中共某某县交通运输局党组\n2023年11月17日",
        ),
        {
            "title": "中共某某县交通运输局党组关于县委第五轮巡察整改进展情况的通报",
            "source_url": "https://www.example.gov.cn/col/col12/art/2023/art_99.html",
            "published_date": "2023-11-20",
            "signed_date": "2023-11-17",
            "inspection_round": 5,
        },
        id="mix-url-breadcrumb-title-chrome-line",
    ),
    P(
        notice(
            "按照县委统一部署,2022年5月16日至7月15日,县委第二轮巡察第一组对县医保局党支部开展了"
            "常规巡察,9月1日反馈了巡察意见。"
        ),
        {
            "inspection_body": "县委第二轮巡察第一组",
            "inspection_group": 1,
            "inspection_round": 2,
            "inspection_level": "县区",
            "feedback_date": "2022-09-01",
        },
        id="mix-第N轮巡察第N组",
    ),
    P(
        notice(
            "根据党中央统一部署,2021年10月15日至12月15日,中央第十二巡视组对某某省进行了常规巡视。"
            "2022年2月23日,中央巡视组向某某省委反馈了巡视意见。",
            sign="中共某某省委\n2022年8月26日",
        ),
        {
            "inspection_body": "中央第十二巡视组",
            "inspection_level": "中央",
            "inspection_group": 12,
            "inspected_unit": "某某省",
            "rectification_days": 184,
        },
        id="mix-central-inspection-of-a-province",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组于2023年2月20日至4月20日对县科协开展了常规巡察,"
            "反馈时间为2023年5月10日。",
            head="发布时间:2023-06-01\n当前位置:首页 > 巡察工作",
        ),
        {
            "feedback_date": "2023-05-10",
            "published_date": "2023-06-01",
            "inspected_unit": "县科协",
            "title": "",
        },
        id="mix-反馈时间为-after-and-chrome-date-above-is-not-feedback",
    ),
    P(
        notice("根据县委统一部署,县委巡察组对县统计局开展了巡察,并于2023年5月10日召开巡察反馈会。"),
        {"feedback_date": "2023-05-10", "inspected_unit": "县统计局", "inspection_group": None},
        id="mix-反馈会-date-bare-巡察组",
    ),
    P(
        notice("根据省委统一部署,省委第一巡视组于2023年2月至4月对省委党校开展了常规巡视。"),
        {"inspected_unit": "省委党校", "inspection_start": "2023-02", "inspection_end": "2023-04"},
        id="mix-unit-ending-校-month-range-after-于",
    ),
    P(
        notice(
            "根据市委统一部署,市委第二巡察组于2021年4月15日至6月15日对市妇联党组开展了常规巡察,"
            "2021年8月5日反馈了巡察意见。"
        ),
        {"inspected_unit": "市妇联党组", "feedback_date": "2021-08-05"},
        id="mix-plain-opening-day-dates",
    ),
    # ---- item 4: year inference from the notice's own dates ------------------------------
    P(
        notice(
            "根据市委统一部署,市委第五巡察组于2020年10月22日至12月15日进行了常规巡察,"
            "2021年3月18日反馈了巡察意见。",
            body="一、整改工作基本情况\n我们围绕二〇三五年远景目标谋划发展。截至6月底,巡察反馈的"
            "26个问题已整改完成24个。\n",
            sign=SIGN_2021,
        ),
        {"as_of_date": "2021-06", "inferred_dates": ["as_of_date"], "rectification_days": 127},
        id="4-截至6月-takes-the-signature-year-not-2035",
    ),
    P(
        notice(
            "根据市委统一部署,市委第五巡察组于2020年10月22日至12月15日进行了常规巡察,"
            "2021年3月18日反馈了巡察意见。",
            body="一、整改工作基本情况\n围绕二〇三五年远景目标,截至6月,开发区纳入重点项目87个。\n",
            sign=SIGN_2021,
        ),
        {"as_of_date": None},
        id="4-neg-截至6月-progress-figure-is-no-as-of",
    ),
    P(
        notice("2020年10月22日至12月15日,市委第五巡察组对某某区开展了巡察,3月18日反馈了巡察意见。"),
        {"feedback_date": "2021-03-18", "inferred_dates": ["feedback_date"]},
        id="4-yearless-feedback-rolls-over-after-december",
    ),
    P(
        notice(
            "11月至12月,县委第二巡察组对某某乡党委开展了常规巡察。",
            sign="中共某某乡委员会\n2022年3月10日",
        ),
        {"inspection_start": "2021-11", "inspection_end": "2021-12"},
        id="4-yearless-range-before-a-march-signature-is-the-year-before",
    ),
    P(
        notice(
            "县委第二巡察组于去年11月对某某乡党委开展了常规巡察,今年1月反馈了巡察意见。",
            sign="中共某某乡委员会\n2022年6月10日",
        ),
        {"feedback_date": "2022-01"},
        id="4-今年-with-signature",
    ),
    P(
        notice("县委第二巡察组对某某乡党委开展了常规巡察,8月29日反馈了巡察意见。"),
        {"feedback_date": None, "inferred_dates": []},
        id="4-neg-no-anchor-no-year-never-today",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至11月30日,巡察反馈问题已整改完成40项。\n",
            sign="中共某某镇委员会\n2024年1月5日",
        ),
        {"as_of_date": "2023-11-30", "inferred_dates": ["as_of_date"]},
        id="4-yearless-as-of-precedes-a-january-signature",
    ),
    P(
        notice(
            "根据县委统一部署,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至2023年11月30日,巡察反馈问题已整改完成40项。\n",
            sign="中共某某镇委员会\n2024年1月5日",
        ),
        {"as_of_date": "2023-11-30", "inferred_dates": [], "as_of_date_precision": "day"},
        id="4-written-as-of-not-inferred",
    ),
    P(
        notice(
            "2023年4月12日至6月13日,市委第七巡察组对某某开发区党工委进行了巡察。8月29日,"
            "市委第七巡察组向某某开发区党工委反馈了巡察意见。",
        ),
        {"feedback_date": "2023-08-29", "inferred_dates": ["feedback_date"]},
        id="4-yearless-feedback-same-year-after-inspection",
    ),
    P(
        notice(
            "根据县委统一部署,2023年9月至10月,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至目前,巡察反馈问题已整改完成30项。\n",
            sign="中共某某镇委员会\n2024年1月5日",
        ),
        {"as_of_date": None, "rectification_days": None},
        id="4-截至目前-has-no-date",
    ),
    # One date grammar (issue 10 item 1): the parser reads 年底/年末/年初 as the figures grammar
    # does, month-precise, where it used to drop the as-of date.
    P(
        notice(
            "根据县委统一部署,2023年9月至10月,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至2023年底,巡察反馈问题已整改完成30项。\n",
            sign="中共某某镇委员会\n2024年1月5日",
        ),
        {"as_of_date": "2023-12", "as_of_date_precision": "month", "inferred_dates": []},
        id="10-截至年底-month-precise-as-of",
    ),
    P(
        notice(
            "根据县委统一部署,2023年9月至10月,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至2023年末,巡察反馈问题已整改完成30项。\n",
            sign="中共某某镇委员会\n2024年1月5日",
        ),
        {"as_of_date": "2023-12", "as_of_date_precision": "month"},
        id="10-截至年末-month-precise-as-of",
    ),
    P(
        notice(
            "根据县委统一部署,2023年9月至10月,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至2024年初,巡察反馈问题已整改完成30项。\n",
            sign="中共某某镇委员会\n2024年3月5日",
        ),
        {"as_of_date": "2024-01", "as_of_date_precision": "month"},
        id="10-截至年初-month-precise-as-of",
    ),
    P(
        notice(
            "根据县委统一部署,2023年9月至10月,县委第一巡察组对某某镇党委开展了常规巡察。",
            body="一、整改工作基本情况\n截至2024年初步建立长效机制,已整改完成30项。\n",
            sign="中共某某镇委员会\n2024年3月5日",
        ),
        {"as_of_date": None},
        id="10-neg-年初步-is-no-date",
    ),
]


FIELDS = sorted({name for case in CASES for name in case.values[1]})  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_metadata_case(text: str, expected: dict[str, object]) -> None:
    meta = parse_notice(text).meta
    got = {name: shown(meta, name) for name in expected}
    assert got == expected


def test_enough_cases_and_fields() -> None:
    """The table stays broad: at least 80 rows over every date field and the URL."""
    assert len(CASES) >= 80
    assert {"inspection_start", "feedback_date", "as_of_date", "signed_date"} <= set(FIELDS)
    assert {"published_date", "source_url", "inspection_body", "inspected_unit"} <= set(FIELDS)
