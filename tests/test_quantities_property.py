"""Property tests: on any string the extractor never raises and its offsets are exact."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.quantities.extractor import extract_quantities
from extract.quantities.sentences import split_sentences

PIECES = [
    "0",
    "1",
    "2",
    "9",
    "12",
    "2023",
    "1,234",
    "3.5",
    "１２",
    "．",
    "％",
    "%",
    ",",
    ".",
    "-",
    "—",
    "至",
    "到",
    "~",
    "一",
    "两",
    "三",
    "十",
    "百",
    "千",
    "万",
    "亿",
    "零",
    "〇",
    "半",
    "第",
    "余",
    "多",
    "约",
    "近",
    "超过",
    "以上",
    "左右",
    "及以上",
    "不少于",
    "个",
    "次",
    "项",
    "元",
    "万元",
    "亩",
    "米",
    "m³",
    "㎡",
    "吨",
    "年",
    "月",
    "日",
    "月份",
    "季度",
    "上旬",
    "底",
    "个月",
    "天",
    "周",
    "名",
    "位",
    "排名",
    "位列",
    "成",
    "个百分点",
    "百分之",
    "“",
    "”",
    "《",
    "》",
    "〔",
    "〕",
    "号",
    "、",
    "，",
    "。",
    "；",
    "\n",
    " ",
    ":",
    "+",
    "N",
    "A",
    "级",
    "后",
    "大学生",
    "行政村",
    "两个维护",
    "三会一课",
    "個",
    "萬",
    "兩",
    "約",
    "以来",
    "起",
    "内",
]

mixed_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
any_text = st.text(max_size=200)
cjk_digits_text = st.text(
    alphabet="0123456789一二三四五六七八九十百千万亿两年月日个次元%.,-至第余", max_size=60
)


def _check(text: str, context_year: int | None = None) -> None:
    qs = extract_quantities(text, context_year=context_year)
    spans = split_sentences(text)
    for q in qs:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.surface
        assert 0 <= q.sentence_index < max(len(spans), 1)
        if q.kind == "date":
            assert isinstance(q.value, str)
        else:
            assert isinstance(q.value, float) and math.isfinite(q.value)
            if q.value_high is not None:
                assert isinstance(q.value_high, float) and math.isfinite(q.value_high)
                assert q.value_high > q.value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_text, st.sampled_from([None, 2023]))
def test_mixed_pieces_never_raise(text: str, year: int | None) -> None:
    _check(text, year)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_arbitrary_text_never_raises(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(cjk_digits_text)
def test_digit_soup_never_raises(text: str) -> None:
    _check(text, 2024)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_sentences_tile_the_text(text: str) -> None:
    spans = split_sentences(text)
    pos = 0
    for s, e in spans:
        assert s == pos and e > s
        pos = e
    assert pos == len(text)
