"""Small fictional notices for store/ingest/CLI tests (not real text; marked as fictional)."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """【虚构示例,仅供测试】中共青禾市{unit}工作委员会关于市委第{group}巡察组反馈意见整改进展情况的通报
根据市委统一部署,2023年4月12日至6月13日,市委第{group}巡察组对{unit}党工委开展了常规巡察,并于2023年8月29日反馈了巡察意见。现将整改进展情况予以公布。
一、整改工作基本情况
针对巡察反馈的{total}个具体问题,截至2023年11月30日,已完成{done}个、基本完成{basic}个、未完成{left}个。
二、反馈问题整改情况
(一)反馈问题:理论学习不够深入。
整改情况:开展集中学习{study}次,投入专项资金{money}万元,整治土地{area}亩。
(二)反馈问题:项目推进缓慢。
整改情况:新建道路{road}公里,完成率{rate}%。
欢迎广大干部群众对巡察整改落实情况进行监督。联系电话:0000-1234567。
中共青禾市{unit}工作委员会
2023年12月{day}日
"""


def notice_text(
    unit: str = "云岭开发区",
    *,
    group: str = "三",
    study: int = 17,
    money: int = 2000,
    day: int = 20,
) -> str:
    """A fictional notice; vary the figures to get different content (and notice ids)."""
    return TEMPLATE.format(
        unit=unit,
        group=group,
        total=31,
        done=22,
        basic=7,
        left=2,
        study=study,
        money=money,
        area=1000,
        road=12,
        rate=95.2,
        day=day,
    )


def write_notice(folder: Path, name: str, **kwargs: object) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notice_text(**kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path
