"""The notice parser stays linear on pathological input, and completion offsets are exact.

Linear: 1M characters of status words took 16.6 s in ``completion._sentence_bounds`` (a
``rfind`` back to the previous full stop per status word) and 1M characters of 巡察组/反馈
ran past 120 s in ``metadata._feedback_date``; the families of ``tests/pathological.py`` now
scale by ~10× per 10× of input. D15: ``Completion.start/end`` are the offsets of the stripped
``Completion.sentence``, so ``text[start:end] == sentence``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.notice.completion import parse_completion_sentence
from extract.notice.parse import parse_notice
from extract.reading import load_notice
from tests import pathological as P


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(P.FAMILIES_PARSER))
def test_parser_is_linear(name: str) -> None:
    """time(10×n)/time(n) < 25 at 10k → 100k → 1M (linear ≈ 10, quadratic ≈ 100)."""
    P.assert_linear(parse_notice, P.FAMILIES_PARSER[name])


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个", id="plain-summary"
        ),
        pytest.param(
            "  反馈的31个具体问题,目前已完成22个、基本完成7个、未完成2个。  ", id="D15-spaces"
        ),
        pytest.param(
            "\n共计42项具体问题。\n已整改完成40项,完成率95.2%;长期整改2项\n", id="D15-newlines"
        ),
        pytest.param("\u3000已完成22个、未完成2个\u3000", id="D15-ideographic-space"),
    ],
)
def test_completion_offsets_match_the_sentence(text: str) -> None:
    c = parse_completion_sentence(text)
    assert c is not None and c.sentence
    assert text[c.start : c.end] == c.sentence
    assert c.sentence == c.sentence.strip()


_STATUS = st.sampled_from(["已完成", "基本完成", "未完成", "正在整改", "长期整改", "完成"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_STATUS, st.integers(1, 99), st.sampled_from(["个", "项", "条"])), min_size=1
    ),
    st.sampled_from(["", " ", "\n", "  \n ", "\u3000"]),
    st.sampled_from(["", "。", ";", "。 ", "\n"]),
)
def test_completion_offsets_property(parts: list[tuple[str, int, str]], pad: str, end: str) -> None:
    body = "、".join(f"{s}{n}{u}" for s, n, u in parts)
    text = f"{pad}共{sum(n for _, n, _ in parts)}个问题,{body}{end}{pad}"
    c = parse_completion_sentence(text)
    if c is not None and c.start is not None:
        assert text[c.start : c.end] == c.sentence


def test_completion_offsets_on_the_real_corpus(corpus_files: list[Path]) -> None:
    for path in corpus_files:
        loaded = load_notice(path)
        c = parse_notice(loaded.text).completion
        if c is not None and c.start is not None:
            assert loaded.text[c.start : c.end] == c.sentence, path.name
