"""Every example and fine point of QUANTITY_SPEC.md as a table row.

Where new cases go (price-parser style):

* ``CASES_SPEC``     — examples written in the spec (one row each, the id names the rule);
* ``CASES_REAL``     — short real-text phrasings met in notices that the spec rules decide;
* ``CASES_NEGATIVE`` — text where nothing (or nothing overlapping a marked part) may be found;
* ``CASES_XFAIL``    — known gaps, run with ``xfail(strict=True)`` so a fix is noticed.

A row gives the input text and the expected quantities as
``(surface, kind, value, value_high, unit, approx)``; the test asserts the extractor returns
exactly those, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.quantities.extractor import extract_quantities
from tests import corpus

Row = tuple[str, str, object, object, str, bool]


def found(text: str, **kwargs: object) -> list[Row]:
    """Extractor output reduced to comparable tuples (values rounded for float noise)."""
    out: list[Row] = []
    for q in extract_quantities(text, **kwargs):  # type: ignore[arg-type]
        value = round(q.value, 6) if isinstance(q.value, float) else q.value
        high = round(q.value_high, 6) if isinstance(q.value_high, float) else q.value_high
        out.append((q.surface, q.kind, value, high, q.unit, q.approx))
    return out


CASES_SPEC: list[tuple[str, str, list[Row]]] = [
    # --- count
    ("count-17次", "开展学习17次", [("17次", "count", 17, None, "次", False)]),
    ("count-两期", "培训两期", [("两期", "count", 2, None, "期", False)]),
    ("count-2.1万户", "走访2.1万户", [("2.1万户", "count", 21000, None, "户", False)]),
    ("count-6000余套", "发放6000余套", [("6000余套", "count", 6000, None, "套", True)]),
    ("count-12余场", "组织市集12余场", [("12余场", "count", 12, None, "场", True)]),
    ("count-四个方面", "从四个方面入手", [("四个", "count", 4, None, "个", False)]),
    ("count-15亿支", "年产15亿支紧固件", [("15亿支", "count", 1_500_000_000, None, "支", False)]),
    # --- money
    ("money-2000万元", "设立2000万元资金", [("2000万元", "money", 20_000_000, None, "元", False)]),
    (
        "money-22.64亿元",
        "完成投资22.64亿元",
        [("22.64亿元", "money", 2_264_000_000, None, "元", False)],
    ),
    ("money-900余万元", "发放补贴900余万元", [("900余万元", "money", 9_000_000, None, "元", True)]),
    ("money-262万余元", "投入资金262万余元", [("262万余元", "money", 2_620_000, None, "元", True)]),
    ("money-60.49万元", "资金合计60.49万元", [("60.49万元", "money", 604_900, None, "元", False)]),
    # --- area, length, volume, mass
    ("area-1000亩", "占地1000亩", [("1000亩", "area", 1000, None, "亩", False)]),
    ("area-公顷", "规模50.9065公顷", [("50.9065公顷", "area", 50.9065, None, "公顷", False)]),
    ("area-万平方米", "建成2万平方米", [("2万平方米", "area", 20000, None, "平方米", False)]),
    ("length-8000余米", "疏通8000余米", [("8000余米", "length", 8000, None, "米", True)]),
    ("length-12公里", "修路12公里", [("12公里", "length", 12, None, "公里", False)]),
    ("volume-1万m³", "用水量1万m³", [("1万m³", "volume", 10000, None, "立方米", False)]),
    ("mass-320万吨", "年产320万吨管材", [("320万吨", "mass", 3_200_000, None, "吨", False)]),
    # --- percent
    ("percent-95.2%", "完成率95.2%", [("95.2%", "percent", 95.2, None, "%", False)]),
    ("percent-下降", "下降66.7%", [("66.7%", "percent", 66.7, None, "%", False)]),
    ("percent-百分之五", "增长百分之五", [("百分之五", "percent", 5, None, "%", False)]),
    ("percent-百分点", "加快3个百分点", [("3个百分点", "percent", 3, None, "个百分点", False)]),
    # --- duration
    ("duration-90天", "储备90天", [("90天", "duration", 90, None, "天", False)]),
    ("duration-2个月", "时间为2个月", [("2个月", "duration", 2, None, "个月", False)]),
    ("duration-三年", "连续三年未开展", [("三年", "duration", 3, None, "年", False)]),
    ("duration-一个季度", "支付一个季度临安费", [("一个季度", "duration", 1, None, "季度", False)]),
    # --- rank (verb outside, 第 inside)
    ("rank-排名第3", "排名第3,", [("第3", "rank", 3, None, "名", False)]),
    ("rank-第二位", "位列全市第二位", [("第二位", "rank", 2, None, "位", False)]),
    ("rank-第一名", "列聊城县市区第一名", [("第一名", "rank", 1, None, "名", False)]),
    ("rank-第12名", "位列全市第12名", [("第12名", "rank", 12, None, "名", False)]),
    # --- dates
    ("date-full", "2023年11月30日", [("2023年11月30日", "date", "2023-11-30", None, "日", False)]),
    (
        "date-以来-outside",
        "2022年6月份以来",
        [("2022年6月份", "date", "2022-06", None, "月", False)],
    ),
    ("date-year-attribute", "2023年重点项目", [("2023年", "date", "2023", None, "年", False)]),
    ("date-no-year", "6月6日召开", [("6月6日", "date", "XXXX-06-06", None, "日", False)]),
    ("date-month-range", "1-5月份", [("1-5月份", "date", "XXXX-01", "XXXX-05", "月", False)]),
    ("date-year-range", "2021-2022年度", [("2021-2022年度", "date", "2021", "2022", "年", False)]),
    (
        "date-range-inherits-year",
        "2022年6月21日至9月30日",
        [
            ("2022年6月21日", "date", "2022-06-21", None, "日", False),
            ("9月30日", "date", "2022-09-30", None, "日", False),
        ],
    ),
    (
        "date-range-inherits-month",
        "2024年8月27日至28日",
        [
            ("2024年8月27日", "date", "2024-08-27", None, "日", False),
            ("28日", "date", "2024-08-28", None, "日", False),
        ],
    ),
    (
        "date-range-own-units",
        "4月10日至4月16日",
        [
            ("4月10日", "date", "XXXX-04-10", None, "日", False),
            ("4月16日", "date", "XXXX-04-16", None, "日", False),
        ],
    ),
    ("date-range-shared-unit", "4至6月", [("4至6月", "date", "XXXX-04", "XXXX-06", "月", False)]),
    (
        "date-quarter-with-year",
        "2023年第一季度",
        [("2023年第一季度", "date", "2023-01", "2023-03", "季度", False)],
    ),
    ("date-quarter", "一季度", [("一季度", "date", "XXXX-01", "XXXX-03", "季度", False)]),
    ("date-上旬", "5月上旬举办", [("5月上旬", "date", "XXXX-05", None, "月", False)]),
    ("date-中旬", "8月中旬考察", [("8月中旬", "date", "XXXX-08", None, "月", False)]),
    ("date-年底", "2022年底", [("2022年底", "date", "2022-12", None, "月", False)]),
    ("date-月初", "截至3月初", [("3月初", "date", "XXXX-03", None, "月", False)]),
    ("date-day-only", "20日起实施", [("20日", "date", "XXXX-XX-20", None, "日", False)]),
    (
        "date-page-stamp",
        "发布时间:2024-04-15 06:25:24",
        [("2024-04-15", "date", "2024-04-15", None, "日", False)],
    ),
    (
        "date-impossible-kept",
        "2019年2月29日",
        [("2019年2月29日", "date", "2019-02-29", None, "日", False)],
    ),
    (
        "date-2023年度工作要点",
        "2023年度工作要点",
        [("2023年度", "date", "2023", None, "年", False)],
    ),
    # --- approximation words
    ("approx-超余", "已超1800余件", [("超1800余件", "count", 1800, None, "件", True)]),
    ("approx-不少于", "不少于5人", [("不少于5人", "count", 5, None, "人", True)]),
    ("approx-不到", "不到10家", [("不到10家", "count", 10, None, "家", True)]),
    ("approx-将近", "将近20天", [("将近20天", "duration", 20, None, "天", True)]),
    ("approx-以下", "30人以下", [("30人以下", "count", 30, None, "人", True)]),
    ("approx-及以上", "连续两次及以上", [("两次及以上", "count", 2, None, "次", True)]),
    ("approx-约", "约1428亩", [("约1428亩", "area", 1428, None, "亩", True)]),
    ("approx-左右", "50人左右", [("50人左右", "count", 50, None, "人", True)]),
    ("approx-逾", "逾300家", [("逾300家", "count", 300, None, "家", True)]),
    ("approx-超过", "比重超过70%", [("超过70%", "percent", 70, None, "%", True)]),
    ("approx-近-recent", "近三年来没有", [("三年", "duration", 3, None, "年", False)]),
    # ... but not the last character of a word ([approx] guard in quantity_words.toml)
    ("approx-guard-签约", "现场签约5个项目", [("5个", "count", 5, None, "个", False)]),
    ("approx-guard-履约", "履约12家", [("12家", "count", 12, None, "家", False)]),
    ("approx-guard-附近", "附近3个村", [("3个", "count", 3, None, "个", False)]),
    ("approx-guard-赶超", "赶超2家", [("2家", "count", 2, None, "家", False)]),
    ("approx-guard-节约", "节约资金30万元", [("30万元", "money", 300_000, None, "元", False)]),
    ("approx-guard-longer-word", "签约大约5个", [("大约5个", "count", 5, None, "个", True)]),
    ("approx-unguarded-约", "涉及约5个村", [("约5个", "count", 5, None, "个", True)]),
    ("approx-unguarded-近", "服务近3000人", [("近3000人", "count", 3000, None, "人", True)]),
    ("approx-unguarded-超", "覆盖超2万户", [("超2万户", "count", 20000, None, "户", True)]),
    # --- ranges
    ("range-2-3次", "开展2-3次", [("2-3次", "count", 2, 3, "次", False)]),
    ("range-两到三万", "两到三万元", [("两到三万元", "money", 20000, 30000, "元", False)]),
    ("range-两三个", "两三个问题", [("两三个", "count", 2, 3, "个", False)]),
    # --- halves
    ("half-半个月", "用时半个月", [("半个月", "duration", 0.5, None, "个月", False)]),
    ("half-两个半月", "历时两个半月", [("两个半月", "duration", 2.5, None, "个月", False)]),
    # --- 一 as count or span
    ("one-汇报一次", "向党工委汇报一次。", [("一次", "count", 1, None, "次", False)]),
    ("one-一周内", "在一周内召开", [("一周", "duration", 1, None, "周", False)]),
    # --- implied measure words (span: the number; unit: the implied word)
    ("implied-大学生", "已为1650大学生发放", [("1650", "count", 1650, None, "名", False)]),
    ("implied-行政村", "对139行政村分析", [("139", "count", 139, None, "个", False)]),
    ("implied-省份", "覆盖7省份", [("7", "count", 7, None, "个", False)]),
    (
        "implied-两区四县",
        "两区四县",
        [("两", "count", 2, None, "个", False), ("四", "count", 4, None, "个", False)],
    ),
    # --- counts vs ordinals
    ("count-三轮", "开展三轮巡察", [("三轮", "count", 3, None, "轮", False)]),
    ("count-前4轮", "前4轮巡察", [("4轮", "count", 4, None, "轮", False)]),
    ("count-35期", "发布35期", [("35期", "count", 35, None, "期", False)]),
    ("count-12大项", "细化为12大项", [("12大项", "count", 12, None, "大项", False)]),
    # --- traditional script
    ("trad-個", "3個問題", [("3個", "count", 3, None, "个", False)]),
    (
        "trad-萬億",
        "投資1.5億元、兩萬元",
        [
            ("1.5億元", "money", 150_000_000, None, "元", False),
            ("兩萬元", "money", 20000, None, "元", False),
        ],
    ),
    ("trad-約項", "約12項", [("約12項", "count", 12, None, "项", True)]),
    # --- full-width digits keep offsets into the caller's text
    (
        "fullwidth",
        "完成１２项，占９５．２％",
        [
            ("１２项", "count", 12, None, "项", False),
            ("９５．２％", "percent", 95.2, None, "%", False),
        ],
    ),
    ("㎡", "面积300㎡", [("300㎡", "area", 300, None, "平方米", False)]),
]


CASES_REAL: list[tuple[str, str, list[Row]]] = [
    ("千米-is-公里", "修建3千米道路", [("3千米", "length", 3, None, "公里", False)]),
    ("千克-is-公斤", "销毁20千克", [("20千克", "mass", 20, None, "公斤", False)]),
    ("方-earthwork", "清运土方1万方", [("1万方", "volume", 10000, None, "立方米", False)]),
    ("三成", "占比三成以上", [("三成以上", "percent", 30, None, "%", True)]),
    ("人次-wins", "培训800人次", [("800人次", "count", 800, None, "人次", False)]),
    ("15日内-duration", "于15日内办结", [("15日", "duration", 15, None, "天", False)]),
    ("每月15日前-date", "每月15日前汇报", [("15日", "date", "XXXX-XX-15", None, "日", False)]),
    (
        "year-enum",
        "2021、2022年度",
        [
            ("2021", "date", "2021", None, "年", False),
            ("2022年度", "date", "2022", None, "年", False),
        ],
    ),
    ("两部门-implied", "纪工委等两部门联合", [("两", "count", 2, None, "个", False)]),
    ("仅有一处", "仅有一处储备点", [("一处", "count", 1, None, "处", False)]),
    (
        "thousands-separator",
        "资金1,234.5万元",
        [("1,234.5万元", "money", 12_345_000, None, "元", False)],
    ),
    (
        "chinese-money",
        "奖励十万零一千元。",
        [("十万零一千元", "money", 101_000, None, "元", False)],
    ),
    ("二〇二三年", "二〇二三年三月", [("二〇二三年三月", "date", "2023-03", None, "月", False)]),
    ("个多月", "历时两个多月", [("两个多月", "duration", 2, None, "个月", True)]),
    ("上半年", "2022年上半年", [("2022年上半年", "date", "2022-01", "2022-06", "月", False)]),
    ("前三季度", "前三季度", [("前三季度", "date", "XXXX-01", "XXXX-09", "季度", False)]),
    ("range-unit-both-ends-%", "占比10%-20%", [("10%-20%", "percent", 10, 20, "%", False)]),
    (
        "range-unit-both-ends-万元",
        "补助2万元至5万元",
        [("2万元至5万元", "money", 20000, 50000, "元", False)],
    ),
    ("space-before-unit", "立案 13件", [("13件", "count", 13, None, "件", False)]),
    ("time-of-day-时分", "上午9时30分召开", []),
    ("suffix-多-duration", "两年多来", [("两年多", "duration", 2, None, "年", True)]),
    ("多年-not-approx", "2个多年未发展党员村", [("2个", "count", 2, None, "个", False)]),
    (
        "chinese-date",
        "二〇二三年十月二十日",
        [("二〇二三年十月二十日", "date", "2023-10-20", None, "日", False)],
    ),
    ("工作日", "在30个工作日内办结", [("30个工作日", "duration", 30, None, "工作日", False)]),
    (
        "rank-第8位",
        "在全省106个县中位列第8位",
        [("106个", "count", 106, None, "个", False), ("第8位", "rank", 8, None, "位", False)],
    ),
    ("iso-slash-date", "2023/5/10", [("2023/5/10", "date", "2023-05-10", None, "日", False)]),
    ("5G-excluded-count-kept", "新建5G基站120个", [("120个", "count", 120, None, "个", False)]),
    (
        "cross-year-range",
        "2023年11月29日至2024年1月31日",
        [
            ("2023年11月29日", "date", "2023-11-29", None, "日", False),
            ("2024年1月31日", "date", "2024-01-31", None, "日", False),
        ],
    ),
    # --- issue 14 item 9: gaps seen on real pages (the sentences here are invented)
    ("count-5点意见", "提出5点意见", [("5点", "count", 5, None, "点", False)]),
    ("count-三点要求", "提出三点要求", [("三点", "count", 3, None, "点", False)]),
    ("count-两点建议", "形成两点建议", [("两点", "count", 2, None, "点", False)]),
    (
        "count-个方面-类问题",
        "存在3个方面9类问题",
        [("3个", "count", 3, None, "个", False), ("9类", "count", 9, None, "类", False)],
    ),
    ("count-6大方面", "从6大方面入手", [("6大", "count", 6, None, "大", False)]),
    ("count-三大腐败窝案", "查处三大腐败窝案", [("三大", "count", 3, None, "大", False)]),
    ("implied-省市两级", "省市两级联动督办", [("两", "count", 2, None, "个", False)]),
    ("implied-市县乡三级", "市县乡三级同步开展", [("三", "count", 3, None, "个", False)]),
    ("implied-两地", "两地同步开展督查", [("两", "count", 2, None, "个", False)]),
    (
        "money-space-before-万",
        "投入资金5000.5 万元",
        [("5000.5 万元", "money", 50_005_000, None, "元", False)],
    ),
    (
        "money-space-before-亿",
        "完成投资3.2 亿元",
        [("3.2 亿元", "money", 320_000_000, None, "元", False)],
    ),
    (
        "percent-百分之百",
        "整改完成率达到百分之百",
        [("百分之百", "percent", 100, None, "%", False)],
    ),
    ("count-quoted-arabic", "建成3个“示范村”", [("3个", "count", 3, None, "个", False)]),
    (
        "date-glued-digits",
        "于20220315日召开",
        [("20220315日", "date", "2022-03-15", None, "日", False)],
    ),
    (
        "date-cn-month-day",
        "于九月五日召开",
        [("九月五日", "date", "XXXX-09-05", None, "日", False)],
    ),
    (
        "date-cn-十二月三十一日",
        "十二月三十一日前完成",
        [("十二月三十一日", "date", "XXXX-12-31", None, "日", False)],
    ),
    (
        "date-cn-month-day-range",
        "九月五日至九月七日",
        [
            ("九月五日", "date", "XXXX-09-05", None, "日", False),
            ("九月七日", "date", "XXXX-09-07", None, "日", False),
        ],
    ),
    # A scale word alone with an approximation word (composed sentences): 1 x the scale.
    ("approx-近千万元", "投入近千万元", [("近千万元", "money", 10_000_000, None, "元", True)]),
    (
        "approx-逾千万元",
        "挽回经济损失逾千万元",
        [("逾千万元", "money", 10_000_000, None, "元", True)],
    ),
    ("approx-近亿元", "投入资金近亿元", [("近亿元", "money", 100_000_000, None, "元", True)]),
    ("approx-近百家", "走访企业近百家", [("近百家", "count", 100, None, "家", True)]),
    ("approx-千余人", "参加培训的干部千余人", [("千余人", "count", 1000, None, "人", True)]),
    ("approx-百余人", "组织党员百余人参加", [("百余人", "count", 100, None, "人", True)]),
    ("approx-万余元", "收缴罚款万余元", [("万余元", "money", 10_000, None, "元", True)]),
    ("approx-千余万元", "投入资金千余万元", [("千余万元", "money", 10_000_000, None, "元", True)]),
    ("approx-上万名", "受益群众上万名", [("上万名", "count", 10_000, None, "名", True)]),
    ("approx-上千万元", "上千万元的资金", [("上千万元", "money", 10_000_000, None, "元", True)]),
    ("approx-超千亿元", "产值超千亿元", [("超千亿元", "money", 1e11, None, "元", True)]),
    ("approx-数百名", "数百名群众参加", [("数百名", "count", 100, None, "名", True)]),
    ("approx-数十家", "走访数十家企业", [("数十家", "count", 10, None, "家", True)]),
    ("approx-数十万元", "涉及数十万元", [("数十万元", "money", 100_000, None, "元", True)]),
    ("approx-几十个", "建成几十个站点", [("几十个", "count", 10, None, "个", True)]),
    ("approx-十几个", "发现十几个问题", [("十几个", "count", 10, None, "个", True)]),
    ("approx-二十几人", "参加二十几人", [("二十几人", "count", 20, None, "人", True)]),
    # 人数 + 百余人: 数 ends the word 人数, the count is 百余人
    ("approx-人数百余人", "参训人数百余人", [("百余人", "count", 100, None, "人", True)]),
    # 一次 in a clause that sets a rhythm (每月, 每季度) reports one per period
    (
        "one-每季度汇报一次",
        "每季度向县委汇报一次整改情况",
        [("一次", "count", 1, None, "次", False)],
    ),
    ("one-每月至少开展一次", "每月至少开展一次安全检查", [("一次", "count", 1, None, "次", False)]),
    ("one-每周召开一次", "每周召开一次调度会", [("一次", "count", 1, None, "次", False)]),
    ("one-至少一次", "开展至少一次专项检查", [("至少一次", "count", 1, None, "次", True)]),
    # rounds after 巡察 count (巡察三组 stays a name)
    ("count-巡察三轮", "县委已开展巡察三轮", [("三轮", "count", 3, None, "轮", False)]),
    ("count-督查两次", "开展督查两次", [("两次", "count", 2, None, "次", False)]),
    # money in Chinese numerals with a scale word is never a name, whatever follows
    (
        "money-两到三万元不等",
        "每户补助两到三万元不等",
        [("两到三万元", "money", 20_000, 30_000, "元", False)],
    ),
]


# Issue 14 items 7-8: traditional script through OpenCC t2s and pinyin annotations removed for
# matching. Surfaces are cut from the text as given (annotation included when it sits inside).
CASES_TRAD: list[tuple[str, str, list[Row]]] = [
    ("trad-輪", "開展巡察3輪", [("3輪", "count", 3, None, "轮", False)]),
    ("trad-萬元", "投入資金5000萬元", [("5000萬元", "money", 50_000_000, None, "元", False)]),
    ("trad-畝", "流轉土地1200畝", [("1200畝", "area", 1200, None, "亩", False)]),
    ("trad-噸", "清運垃圾30噸", [("30噸", "mass", 30, None, "吨", False)]),
    ("trad-點意見", "提出5點意見", [("5點", "count", 5, None, "点", False)]),
    (
        "trad-glued-date",
        "於20220315日召開",
        [("20220315日", "date", "2022-03-15", None, "日", False)],
    ),
    ("trad-拾圓", "罰款伍拾圓", [("伍拾圓", "money", 50, None, "元", False)]),
    ("pinyin-inside", "歷時3個(gè)月", [("3個(gè)月", "duration", 3, None, "个月", False)]),
    ("pinyin-fullwidth", "歷時3個（gè）月", [("3個（gè）月", "duration", 3, None, "个月", False)]),
    ("pinyin-before", "縣(xiàn)委開展學習17次", [("17次", "count", 17, None, "次", False)]),
    (
        "pinyin-two-annotations",
        "縣(xiàn)委歷(lì)時3個(gè)月",
        [("3個(gè)月", "duration", 3, None, "个月", False)],
    ),
    (
        "pinyin-multi-syllable",
        "整改(zhěng gǎi)問題12個",
        [("12個", "count", 12, None, "个", False)],
    ),
    ("not-pinyin-no-tone", "推廣(ppp)模式項目3個", [("3個", "count", 3, None, "个", False)]),
]


CASES_NEGATIVE: list[tuple[str, str]] = [
    # ordinals that are not ranks
    ("ordinal-第三巡察组", "市委第三巡察组"),
    ("ordinal-第57次会议", "第57次会议"),
    ("ordinal-第二轮", "第二轮巡察"),
    ("ordinal-十二届", "十二届"),
    ("ordinal-二十大", "党的二十大"),
    ("ordinal-第37届", "第37届"),
    ("ordinal-第一议题", "第一议题"),
    ("ordinal-第一责任人", "第一责任人"),
    ("ordinal-第一时间", "第一时间"),
    ("ordinal-第三轮", "第三轮"),
    ("ordinal-enumerated", "一、二、三轮"),
    ("ordinal-phase", "二期工程、一期项目"),
    ("ordinal-二、三类费用", "二、三类费用"),
    # list markers
    ("marker-一是", "一是"),
    ("marker-(1)", "(1)"),
    ("marker-1.", "1."),
    ("marker-一、", "一、"),
    ("marker-(一)", "(一)"),
    ("marker-①", "①"),
    # slogans and fixed phrases (quoted or not)
    ("slogan-两个确立", "两个确立"),
    ("slogan-两个维护", "“两个维护”"),
    ("slogan-四个意识", "四个意识"),
    ("slogan-四个自信", "四个自信"),
    ("slogan-三会一课", "三会一课"),
    ("slogan-一岗双责", "一岗双责"),
    ("slogan-五个牢牢把握", "五个牢牢把握"),
    ("slogan-四风", "四风"),
    ("slogan-三重一大", "“三重一大”"),
    ("slogan-十强产业", "十强产业"),
    ("slogan-四新经济", "四新经济"),
    ("slogan-一对一", "一对一"),
    ("slogan-一把手", "一把手"),
    ("slogan-一刀切", "一刀切"),
    ("slogan-1+N", "1+N"),
    ("slogan-5+4", "5+4"),
    ("slogan-1+9+6+N", "1+9+6+N"),
    ("slogan-双招双引", "双招双引"),
    ("slogan-两高", "两高"),
    ("slogan-四必谈", "四必谈"),
    # names and titles
    ("title-《》", "《2023年理论学习计划》"),
    ("plan-十四五", "十四五"),
    ("name-321产业集群", "321产业集群"),
    # codes
    ("code-document-number", "〔2023〕5号"),
    ("code-phone", "0635-8451234"),
    ("code-postal", "邮编252000"),
    ("code-street", "77号"),
    ("code-email", "abc123@163.com"),
    ("code-url", "http://www.example.gov.cn/2023/12个"),
    # grades and classes
    ("grade-4A级", "4A级景区"),
    ("grade-AA", "AA信用评级"),
    ("grade-10万吨级", "10万吨级航道"),
    ("grade-5G", "5G基站"),
    ("grade-85后", "85后干部"),
    # chemistry and product names
    ("chem-二氨基二苯醚", "4,4—二氨基二苯醚"),
    ("chem-MTBE", "MTBE"),
    # times of day
    ("time-8:30-17:30", "8:30-17:30"),
    # 一 as "a/an"
    ("a-一项重要政治任务", "一项重要政治任务"),
    ("a-今后一个时期", "今后一个时期"),
    ("a-一次深刻的政治体检", "一次深刻的政治体检"),
    ("a-一个问题一套制度", "解决一个问题、完善一套制度"),
    ("a-parallel", "完成一项、报告一项、销号一项"),
    # named sets and fixed phrases that literally count
    ("set-四个清单", "“四个清单”"),
    ("set-六大产业链", "六大产业链"),
    ("set-五个一", "五个一"),
    ("set-五查五纠", "五查五纠"),
    ("set-一体五片区", "一体五片区"),
    ("set-两委", "两委"),
    ("set-四上企业", "四上企业"),
    ("set-3类村", "3类村"),
    ("set-三大核心职能", "三大核心职能"),
    ("set-一轴五区", "“一轴五区”"),
    # names that contain numerals
    ("name-百名局长", "百名局长服务百家企业"),
    ("name-十分厂", "十分厂"),
    ("name-四甲李村", "四甲李村"),
    ("name-第四小学", "第四小学"),
    ("name-千阳县", "千阳县"),
    ("name-七里墩", "七里墩"),
    ("name-红十字会", "红十字会"),
    ("name-巡察一组", "巡察一组"),
    ("name-二楼", "二楼"),
    ("name-周一至周五", "周一至周五"),
    # traditional script follows the same rules
    ("trad-slogan", "堅決做到「兩個維護」"),
    ("trad-names", "千陽縣第四小學,巡察一組"),
    # issue 14 item 9 (invented sentences)
    ("time-8点", "早上8点开会"),
    ("time-8点半", "8点半召开"),
    ("grade-三级医院", "三级医院"),
    ("rank-二级调研员", "某县二级调研员"),
    ("rank-三级主任科员", "某县三级主任科员"),
    ("moment-同一天", "在同一天内完成"),
    ("moment-某一天", "某一天下午"),
    ("moment-那一年", "那一年"),
    ("formula-两个“确保”", "做到两个“确保”"),
    ("formula-三个「绝不」", "坚持三个「绝不」"),
    ("set-六大产业链-still", "打造六大产业链"),
    ("ordinal-二十大-still", "学习二十大精神"),
    # programme names and page furniture
    ("programme-三年行动", "三年行动计划"),
    ("page-上一篇", "上一篇:"),
    ("page-阅读量", "阅读量:"),
    # a scale word alone, without an approximation word, names or exaggerates
    ("bare-千万不能", "千万不能掉以轻心"),
    ("bare-亿万群众", "亿万群众的切身利益"),
    ("bare-万一", "万一出现问题"),
    ("bare-贴近百姓", "贴近百姓生活"),
    ("bare-千家万户", "走进千家万户"),
    ("bare-线上万人", "线上万人同步学习"),
    ("bare-以上万元", "以上万元为单位"),
    ("bare-千方百计", "千方百计解决问题"),
    ("bare-百万级", "达到百万级"),
    ("bare-附近百货", "附近百货大楼"),
    ("bare-千分之", "千分之三"),
    ("one-no-rhythm-still", "开展一次深刻的政治体检"),
]


CASES_XFAIL: list[tuple[str, str, list[Row]]] = [
    # 近千米 (nearly a thousand metres): 千米 is the unit, so a bare 千 before 米 is not read.
    ("approx-近千米", "修建近千米道路", [("近千米", "length", 1, None, "公里", True)]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES_SPEC], ids=[i for i, _, _ in CASES_SPEC]
)
def test_spec_examples(text: str, expected: list[Row]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES_REAL], ids=[i for i, _, _ in CASES_REAL]
)
def test_real_phrasings(text: str, expected: list[Row]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES_TRAD], ids=[i for i, _, _ in CASES_TRAD]
)
def test_traditional_and_pinyin(text: str, expected: list[Row]) -> None:
    got = found(text)
    assert got == expected
    for q in extract_quantities(text):
        assert text[q.start : q.end] == q.surface


@pytest.mark.parametrize("text", [t for _, t in CASES_NEGATIVE], ids=[i for i, _ in CASES_NEGATIVE])
def test_not_a_quantity(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param(t, e, marks=pytest.mark.xfail(strict=True)) for _, t, e in CASES_XFAIL],
    ids=[i for i, _, _ in CASES_XFAIL],
)
def test_known_gaps(text: str, expected: list[Row]) -> None:
    assert found(text) == expected


# --- context_year: years that are not written -------------------------------------------

CASES_YEAR: list[tuple[str, str, int | None, list[tuple[str, str, bool]]]] = [
    ("no-context-keeps-XXXX", "6月6日召开", None, [("6月6日", "XXXX-06-06", False)]),
    ("context-year-fills", "6月6日召开", 2024, [("6月6日", "2024-06-06", True)]),
    (
        "far-written-year-is-not-lent",
        "到二〇三五年基本实现目标。截至6月,已完成整改",
        2021,
        [("二〇三五年", "2035", False), ("6月", "2021-06", True)],
    ),
    (
        "nearest-written-year-wins",
        "2022年12月9日反馈。3月24日召开",
        2024,
        [("2022年12月9日", "2022-12-09", False), ("3月24日", "2022-03-24", True)],
    ),
    (
        "range-partner-inherits-not-inferred",
        "2022年6月21日至9月30日",
        2024,
        [("2022年6月21日", "2022-06-21", False), ("9月30日", "2022-09-30", False)],
    ),
    ("day-only-gets-year", "20日起", 2023, [("20日", "2023-XX-20", True)]),
    ("quarter-range", "一季度", 2023, [("一季度", "2023-01", True)]),
    ("cn-month-day-gets-year", "九月五日召开", 2023, [("九月五日", "2023-09-05", True)]),
]


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [(t, y, e) for _, t, y, e in CASES_YEAR],
    ids=[c[0] for c in CASES_YEAR],
)
def test_context_year(text: str, year: int | None, expected: list[tuple[str, str, bool]]) -> None:
    got = [
        (q.surface, q.value, q.year_inferred) for q in extract_quantities(text, context_year=year)
    ]
    assert got == expected


# --- record fields ------------------------------------------------------------------------

CASES_FIELDS: list[tuple[str, str, str, str, str]] = [
    # id, text, surface, field, expected value
    ("metric-before", "共开展“第一议题”学习17次", "17次", "metric", "开展“第一议题”学习"),
    (
        "metric-after",
        "设立2000万元技术改造专项扶持资金",
        "2000万元",
        "metric",
        "技术改造专项扶持资金",
    ),
    ("metric-strips-verbs", "已整改完成40项,完成率95.2%", "40项", "metric", "整改完成"),
    ("metric-rate", "已整改完成40项,完成率95.2%", "95.2%", "metric", "完成率"),
    ("metric-skips-other-numbers", "群众满意度由85.3%提升到92.1%", "92.1%", "metric", "群众满意度"),
    ("metric-keeps-共性", "共性问题六大类", "六大类", "metric", "共性问题"),
    ("metric-without-pinyin", "縣(xiàn)委開展學習17次", "17次", "metric", "县委开展学习"),
    ("metric-simplified", "開展巡察3輪", "3輪", "metric", "开展巡察"),
    ("qualifier-blur+", "900余万元", "900余万元", "qualifier", "blur+"),
    ("qualifier-blur", "约1428亩", "约1428亩", "qualifier", "blur"),
    ("qualifier-blur-", "不到10家", "不到10家", "qualifier", "blur-"),
    ("qualifier-accurate", "17次", "17次", "qualifier", "accurate"),
]


@pytest.mark.parametrize(
    ("text", "surface", "field", "expected"),
    [c[1:] for c in CASES_FIELDS],
    ids=[c[0] for c in CASES_FIELDS],
)
def test_fields(text: str, surface: str, field: str, expected: str) -> None:
    by_surface = {q.surface: q for q in extract_quantities(text)}
    assert getattr(by_surface[surface], field) == expected


def test_sentence_index_points_into_split_sentences() -> None:
    from extract.quantities.sentences import split_sentences

    text = "开展学习17次。投入资金262万余元;\n完成率95.2%"
    spans = split_sentences(text)
    for q in extract_quantities(text):
        s, e = spans[q.sentence_index]
        assert s <= q.start < e, q


@pytest.mark.parametrize(
    ("bad", "kwargs", "error"),
    [
        (None, {}, TypeError),
        (b"17\xe6\xac\xa1", {}, TypeError),
        ("17次", {"context_year": "2023"}, ValueError),
        ("17次", {"context_year": 23}, ValueError),
        ("17次", {"context_year": True}, ValueError),
    ],
    ids=["none", "bytes", "year-as-str", "year-two-digits", "year-bool"],
)
def test_bad_input_gives_clear_error(
    bad: object, kwargs: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error, match=r"expects str|four-digit year"):
        extract_quantities(bad, **kwargs)  # type: ignore[arg-type]


# --- the real corpus, read at run time (never copied into the repo) ------------------------

CORPUS = corpus.CORPUS
CORPUS_FILES = corpus.available_paths()


@corpus.needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name[:3] for p in CORPUS_FILES])
def test_corpus_invariants(path: Path) -> None:
    """On every real notice: offsets are exact, kinds known, and the spec's negatives hold."""
    from extract.model import KINDS

    text = path.read_text(encoding="utf-8")
    qs = extract_quantities(text)
    assert qs, "a rectification notice always states some quantity"
    for q in qs:
        assert text[q.start : q.end] == q.surface
        assert q.kind in KINDS
        assert q.kind == "date" or q.metric, q
        for phrase in ("第一议题", "两个维护", "三重一大", "第一责任人"):
            i = text.find(phrase, max(0, q.start - len(phrase)), q.end + len(phrase))
            assert i < 0 or not (i < q.end and q.start < i + len(phrase)), (phrase, q)
