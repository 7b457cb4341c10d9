"""normalize_text: one row per rule of the canonical text, plus idempotence under hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.normalize import normalize_text

CASES = [
    # (id, input, expected)
    ("fullwidth_digits", "２０２４年３月１８日", "2024年3月18日"),
    ("fullwidth_punct_and_letters", "完成率９５.２％,ＩＣＰ(试行)", "完成率95.2%,ICP(试行)"),
    ("fullwidth_plus_minus", "党建＋服务 电话００００－３４５", "党建+服务 电话0000-345"),
    ("ideographic_space_indent", "\u3000\u3000根据市委统一部署", "根据市委统一部署"),
    (
        "nbsp_between_fields",
        "发布时间:2024-03-20\xa0\xa0来源:市委巡察办",
        "发布时间:2024-03-20 来源:市委巡察办",
    ),
    ("zero_width_removed", "整\u200b改\u200d完\ufeff成", "整改完成"),
    ("soft_hyphen_and_bidi_removed", "整改\u00ad完成\u200e", "整改完成"),
    ("crlf_and_cr", "一、总体情况\r\n二、问题\r三、打算", "一、总体情况\n二、问题\n三、打算"),
    ("unicode_line_separators", "第一行\u2028第二行\x0c第三行", "第一行\n第二行\n第三行"),
    ("trailing_spaces", "整改情况:已完成。   \n下一行\t", "整改情况:已完成。\n下一行"),
    (
        "inner_space_runs",
        "来源:市委巡察办   发布时间:2021-07-28\t\t阅读",
        "来源:市委巡察办 发布时间:2021-07-28 阅读",
    ),
    ("blank_line_runs", "标题\n\n\n\n正文\n \n\u3000\n结尾", "标题\n\n正文\n\n结尾"),
    ("leading_trailing_blank_lines", "\n\n  \n标题\n正文\n\n\n", "标题\n正文"),
    ("control_chars_dropped", "整改\x00完成\x07", "整改完成"),
    # What must NOT change: NFKC would rewrite these.
    ("keeps_square_metre_sign", "改造面积4.2万㎡", "改造面积4.2万㎡"),
    (
        "keeps_chinese_punctuation",
        "已完成22个、基本完成4个。“两个维护”",
        "已完成22个、基本完成4个。“两个维护”",
    ),
    ("keeps_circled_numbers", "①修订制度②清退资金", "①修订制度②清退资金"),
    ("keeps_traditional_characters", "關於巡察整改進展情況的通報", "關於巡察整改進展情況的通報"),
    ("keeps_cjk_compat_and_degree", "温度30℃,面积1000m³", "温度30℃,面积1000m³"),
    ("empty", "", ""),
    ("only_whitespace", " \u3000\n\r\n\t", ""),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_normalize_rows_are_fixed_points(text: str, expected: str) -> None:
    assert normalize_text(expected) == expected


_ALPHABET = st.sampled_from(
    [
        *"整改完成率一二、。,:;“”()【】㎡①0123456789abcXYZ %-+.",
        "\u3000",
        "\xa0",
        "\u200b",
        "\ufeff",
        "\t",
        " ",
        "\n",
        "\r",
        "\r\n",
        "\u2028",
        "\x0c",
        "\x85",
        "\x00",
        "２",
        "％",
        "：",
        "（",
        "\u00ad",
        "\u202f",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_idempotent_on_mixed_text(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_idempotent_on_any_text_and_canonical_shape(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\r" not in once
    assert "\n\n\n" not in once
    assert once == once.strip("\n")
    assert all(line == line.strip(" ") for line in once.split("\n"))


def _line_by_line(text: str) -> str:
    """The definition normalize_text's whole-text passes must equal: one line at a time."""
    from extract.normalize import _BLANK_LINE_RUN, _INLINE_SPACE_RUN, _TRANSLATE

    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    lines = [_INLINE_SPACE_RUN.sub(" ", line).strip(" ") for line in text.split("\n")]
    return _BLANK_LINE_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_whole_text_passes_equal_the_line_definition(text: str) -> None:
    """The scans that skip a step and the whole-text layout pass change nothing in the result."""
    assert normalize_text(text) == _line_by_line(text)


@pytest.mark.parametrize("text", [c[2] for c in CASES if c[2]], ids=[c[0] for c in CASES if c[2]])
def test_canonical_text_comes_back_unchanged(text: str) -> None:
    """Canonical text is returned as the same object: a second normalisation costs only scans."""
    assert normalize_text(text) is text
