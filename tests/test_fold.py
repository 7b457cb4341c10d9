"""The shared text layer (``extract/text/fold.py``): one matching copy for parser and extractor.

Issue 14 items 7-8: traditional script through OpenCC ``t2s`` (length-preserving, checked, with a
per-character fallback) and pinyin annotations (``縣(xiàn)委``) out of the way, with every offset
still pointing into the stored text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import extract.text.fold as fold_mod
from extract.notice.fold import fold_for_matching
from extract.quantities.extractor import fold_text
from extract.text.fold import (
    NOTICE,
    FoldProfile,
    annotation_spans,
    fold,
    has_traditional,
    matching_view,
    to_simplified,
)
from tests import corpus

CASES_SIMPLIFY: list[tuple[str, str, str]] = [
    # id, text, simplified
    ("輪-the-issue-example", "第3輪巡察", "第3轮巡察"),
    ("notice-vocabulary", "巡視組反饋問題整改情況", "巡视组反馈问题整改情况"),
    ("quantity-vocabulary", "萬億個項兩約餘處", "万亿个项两约余处"),
    ("phrase-aware-乾", "乾淨整潔", "干净整洁"),
    ("phrase-keeps-乾隆", "乾隆年間", "乾隆年间"),
    ("quotes-untouched", "「兩個維護」", "「两个维护」"),
    ("simplified-unchanged", "已整改完成40项", "已整改完成40项"),
    ("ascii-unchanged", "abc 123", "abc 123"),
    ("financial-拾-kept", "伍拾", "伍拾"),  # OpenCC keeps it; the extractor's char map reads 十
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for _, t, e in CASES_SIMPLIFY],
    ids=[i for i, _, _ in CASES_SIMPLIFY],
)
def test_to_simplified(text: str, expected: str) -> None:
    out = to_simplified(text)
    assert out == expected
    assert len(out) == len(text)
    assert has_traditional(text) == (text != expected)


def test_supplementary_plane_character_keeps_length() -> None:
    """ENGINEERING_NOTES §8: one t2s target lies outside the BMP; Python counts it as one."""
    table, _ = fold_mod._trad_tables()
    src, dst = next((chr(k), v) for k, v in table.items() if ord(v) > 0xFFFF)
    assert to_simplified(f"甲{src}乙") == f"甲{dst}乙"


@pytest.mark.parametrize(
    ("converted", "why"),
    [
        ("短", "a conversion that changes the length"),
        (None, "a conversion that raises"),
    ],
    ids=["length-changed", "converter-error"],
)
def test_fallback_is_per_character(monkeypatch, converted: str | None, why: str) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        def convert(self, text: str) -> str:
            if converted is None:
                raise RuntimeError(why)
            return converted

    fold_mod._trad_tables()  # build the table with the real converter first
    monkeypatch.setattr(fold_mod, "_converter", lambda: Broken())
    assert to_simplified("歷時3個月") == "历时3个月"


def test_nul_and_surrogate_do_not_break_the_copy() -> None:
    """OpenCC takes UTF-8: a NUL or a lone surrogate must fall back, never shorten the copy."""
    for text in ("歷時\x003個月", "歷時\ud8003個月"):
        out = to_simplified(text)
        assert len(out) == len(text)
        assert out.startswith("历时")


CASES_ANNOTATION: list[tuple[str, str, list[str]]] = [
    # id, text, annotations found
    ("one-syllable", "縣(xiàn)委", ["(xiàn)"]),
    ("full-width-parens", "個（gè）月", ["（gè）"]),
    ("two-syllables", "整改(zhěng gǎi)問題", ["(zhěng gǎi)"]),
    ("apostrophe", "西安(xī'ān)市", ["(xī'ān)"]),
    ("several", "縣(xiàn)委歷(lì)時", ["(xiàn)", "(lì)"]),
    ("no-tone-mark-is-not-pinyin", "推廣(ppp)模式", []),
    ("abbreviation", "政府和社會資本合作(PPP)", []),
    ("list-label", "問題(一)", []),
    ("latin-after-latin", "abc(xiàn)", []),
    ("too-long", "說明(" + "à" * 41 + ")", []),
    ("digits-inside", "縣(xiàn1)委", []),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for _, t, e in CASES_ANNOTATION],
    ids=[i for i, _, _ in CASES_ANNOTATION],
)
def test_annotation_spans(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in annotation_spans(text)] == expected


CASES_VIEW: list[tuple[str, str, str, str]] = [
    # id, text, matching copy (annotations removed), same-length fold (annotations masked)
    ("plain", "已完成40项", "已完成40项", "已完成40项"),
    ("traditional", "第3輪巡察", "第3轮巡察", "第3轮巡察"),
    ("annotation", "縣(xiàn)委", "县委", "县      委"),
    ("annotation-in-quantity", "歷時3個(gè)月", "历时3个月", "历时3个    月"),
    ("full-width-folded", "（１）整改情況：已完成", "(1)整改情况:已完成", "(1)整改情况:已完成"),
    ("ideographic-and-nbsp", "共\u30003\u00a0项", "共 3 项", "共 3 项"),
]


@pytest.mark.parametrize(
    ("text", "view_text", "same_length"),
    [c[1:] for c in CASES_VIEW],
    ids=[c[0] for c in CASES_VIEW],
)
def test_matching_view_and_fold(text: str, view_text: str, same_length: str) -> None:
    view = matching_view(text)
    assert view.text == view_text
    assert fold(text) == same_length
    assert fold_for_matching(text) == same_length
    assert view.is_identity == (len(view_text) == len(text))


def test_view_offsets_point_into_the_source() -> None:
    """Every kept character maps to the same character of the source (after folding)."""
    text = "中共某縣(xiàn)委歷時3個（gè）月，整改(zhěng gǎi)問題12個"
    view = matching_view(text)
    folded = fold(text)
    for i, ch in enumerate(view.text):
        assert folded[view.to_source(i)] == ch
    assert view.to_source(len(view.text)) == len(text)
    start = view.text.index("3个月")
    s, e = view.source_span(start, start + 3)
    assert text[s:e] == "3個（gè）月"
    assert view.source_span(4, 4) == (view.to_source(4), view.to_source(4))


CASES_PROFILE: list[tuple[str, FoldProfile, str, str]] = [
    # id, profile, text, folded
    ("notice-folds-cjk-punctuation", NOTICE, "（一）１，２；", "(一)1,2;"),
    ("quantity-keeps-cjk-punctuation", FoldProfile(False), "（一）１，２；", "（一）1，2；"),
    ("extra-pairs-before-opencc", FoldProfile(False, (("圓", "元"),)), "伍拾圓", "伍拾元"),
    ("white-parentheses", NOTICE, "\uff5f一\uff60", "(一)"),
]


@pytest.mark.parametrize(
    ("profile", "text", "expected"),
    [c[1:] for c in CASES_PROFILE],
    ids=[c[0] for c in CASES_PROFILE],
)
def test_profiles(profile: FoldProfile, text: str, expected: str) -> None:
    assert fold(text, profile) == expected


def test_extractor_fold_uses_the_shared_layer() -> None:
    assert fold_text("１２萬個，伍拾圓") == "12万个，伍十元"


def test_bad_profile_pair_is_refused() -> None:
    with pytest.raises(ValueError, match="one character each"):
        fold("x", FoldProfile(False, (("ab", "c"),)))


CORPUS = corpus.CORPUS
CORPUS_FILES = corpus.available_paths()


@corpus.needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name[:3] for p in CORPUS_FILES])
def test_corpus_copies_keep_length(path: Path) -> None:
    """On every real notice both copies are exactly as long as the text."""
    text = path.read_text(encoding="utf-8")
    assert len(fold_for_matching(text)) == len(text)
    assert len(fold_text(text)) == len(text)
    view = matching_view(text)
    assert view.to_source(len(view.text)) == len(text)
