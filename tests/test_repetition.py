"""Repeated text (extract/audit): copies inside a notice, restated figures, shared passages.

Composed cases use fictional sentences written for these tests; the corpus tests read the real
notices from ../shared/corpus at run time and find what they check by its words, never by
offsets. Quantities come from the real extractor, so a case checks what ingest would store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from extract.audit import (
    ClusterMember,
    RepeatedPassage,
    Section,
    clusters,
    confirm_shared,
    find_repeats,
    label_cluster,
    load_config,
    passage_signatures,
    repeated_share,
    restated_quantities,
)
from extract.audit import shared as shared_mod
from extract.audit.config import parse_config
from extract.audit.units import exact_key, masked_key, ngrams
from extract.model import Quantity
from extract.quantities.extractor import extract_quantities
from extract.quantities.sentences import split_sentences
from extract.quantities.units import LexiconError
from tests import corpus

REPO = Path(__file__).resolve().parents[1]
CORPUS = corpus.CORPUS
corpus_paths = corpus.corpus_paths
CONFIG = load_config()


def figure(q: Quantity) -> tuple[object, ...]:
    """What makes two quantities the same figure."""
    return (q.kind, q.unit, q.value, q.value_high)


def quantity_at(quantities: list[Quantity], text: str, sentence_start: int, surface: str) -> int:
    """Index of the quantity ``surface`` in the sentence starting at ``sentence_start``."""
    offset = text.index(surface, sentence_start)
    hits = [k for k, q in enumerate(quantities) if q.start == offset and q.surface == surface]
    assert len(hits) == 1, (surface, sentence_start, hits)
    return hits[0]


# ------------------------------------------------------------------ normalised keys


@pytest.mark.parametrize(
    ("fragment", "key"),
    [
        ("四是完善制度。", "完善制度"),  # Chinese ordinal 是-marker
        ("二是完善制度。", "完善制度"),  # ... any ordinal gives the same key
        ("  四是 完善制度", "完善制度"),  # indentation and a space after the marker
        ("(三)完善制度;", "完善制度"),  # bracketed Chinese numeral
        ("(3)完善制度", "完善制度"),  # full-width brackets, Arabic numeral
        ("3.完善制度", "完善制度"),  # "3." marker
        ("②完善制度", "完善制度"),  # circled numeral
        ("一、(二)1.完善制度", "完善制度"),  # stacked markers
        ("整改进展情况:(1)完善制度", "整改进展情况完善制度"),  # marker after a clause break
        ("投入1.5万元", "投入1.5万元"),  # a decimal point is part of the figure
        ("投入15万元", "投入15万元"),  # ... so 1.5 and 15 never share a key
        ("完成率95.2%", "完成率95.2%"),  # % stays with its figure
        ("“第一议题” 学习", "第一议题学习"),  # quotes and spaces go
        ("统一是关键", "统一是关键"),  # 一是 only as a marker at a clause start
        ("1.5万元用于整改", "1.5万元用于整改"),  # "1." before a digit is not a marker
    ],
)
def test_exact_key(fragment: str, key: str) -> None:
    assert exact_key(fragment, CONFIG) == key


def test_masked_key_hides_figures_only() -> None:
    assert masked_key("2023年学习17次投入1.5万元") == "#年学习#次投入#万元"


# ------------------------------------------------------------------ within one notice

S_STUDY = "2023年以来,共开展专题学习会议12次,参与干部职工300人次。"
S_FUND = "三是健全财务审批制度,全年共清理账外资金45万元并全部上缴财政。"
S_FUND_WORD = "健全财务报销制度,全年共清理账外资金45万元并全部上缴财政。"
S_FUND_FIGURE_CLAUSE = "三是健全财务审批制度,全年共清理违规资金45万元并全部上缴财政。"
S_ORDINAL_A = "四是完善干部考核评价机制,组织开展年度述职评议工作,覆盖全部科室。"
S_ORDINAL_B = "二是完善干部考核评价机制,组织开展年度述职评议工作,覆盖全部科室。"
S_MEETING_12 = "截至目前,共开展专题学习会议12次,形成调研报告若干篇。"
S_MEETING_15 = "截至目前,共开展专题学习会议15次,形成调研报告若干篇。"
S_YEAR_A = "2022年以来,共开展“第一议题”学习17次,带动基层支部跟进学习。"
S_YEAR_B = "2023年以来,共开展“第一议题”学习17次,带动基层支部跟进学习。"
S_BODY_6 = "2023年以来,共召开整改专题推进会议6次,推动问题整改落地见效。"
S_SUMMARY_6 = "总体来看,共召开整改专题推进会议6次,推动问题整改落地见效。"
S_PARTY = "2023年以来,共召开党组会议9次、研究议题41项。"
S_PARTY_NO_COMMA = "2023年以来共召开党组会议9次、研究议题41项。"
S_SHORT = "已整改完成。"
S_OTHER = "加强对下属单位的日常监督,建立问题台账并实行销号管理。"


@dataclass(frozen=True)
class WithinCase:
    """One composed notice: its sentences, the expected repeats and restated figures."""

    id: str
    covers: str
    sentences: tuple[str, ...]
    # (copy sentence index, source sentence index, method) for every repeat, in order
    repeats: tuple[tuple[int, int, str], ...]
    # (surface, copy sentence index, source sentence index): the copy's figure restates it;
    # every other quantity must restate nothing
    restated: tuple[tuple[str, int, int], ...]


WITHIN_CASES = [
    WithinCase(
        "exact_copy",
        "an exact copy: both figures of the copy restate the first statement",
        (S_STUDY, S_OTHER, S_STUDY),
        ((2, 0, "exact"),),
        (("12次", 2, 0), ("300人次", 2, 0), ("2023年", 2, 0)),
    ),
    WithinCase(
        "exact_copy_other_punctuation",
        "a copy that drops a comma is exact; its figures align in order, not by clause",
        (S_PARTY, S_OTHER, S_PARTY_NO_COMMA),
        ((2, 0, "exact"),),
        (("2023年", 2, 0), ("9次", 2, 0), ("41项", 2, 0)),
    ),
    WithinCase(
        "ordinals_only",
        "copies that differ only in list ordinals (四是 vs 二是) are exact copies",
        (S_ORDINAL_A, S_OTHER, S_ORDINAL_B),
        ((2, 0, "exact"),),
        (),
    ),
    WithinCase(
        "near_changed_word",
        "a near-duplicate with one changed word outside the figure's clause restates it",
        (S_FUND, S_OTHER, S_FUND_WORD),
        ((2, 0, "near"),),
        (("45万元", 2, 0),),
    ),
    WithinCase(
        "near_changed_word_in_clause",
        "a changed word inside the figure's clause (账外 vs 违规资金) keeps two figures",
        (S_FUND, S_OTHER, S_FUND_FIGURE_CLAUSE),
        ((2, 0, "near"),),
        (),
    ),
    WithinCase(
        "other_number",
        "the same sentence with a different number is repeated text, never a restated figure",
        (S_MEETING_12, S_OTHER, S_MEETING_15),
        ((2, 0, "near"),),
        (),
    ),
    WithinCase(
        "other_year",
        "the same figure under a different year is another period's figure",
        (S_YEAR_A, S_OTHER, S_YEAR_B),
        ((2, 0, "near"),),
        (),
    ),
    WithinCase(
        "summary_restates_body",
        "a summary restating a body figure (dropping the date): the figure counts once",
        (S_SUMMARY_6, S_OTHER, S_BODY_6),
        ((2, 0, "near"),),
        (("6次", 2, 0),),
    ),
    WithinCase(
        "chain_to_first",
        "three copies: the second and third both point to the first statement",
        (S_STUDY, S_OTHER, S_STUDY, S_FUND, S_STUDY),
        ((2, 0, "exact"), (4, 0, "exact")),
        (
            ("12次", 2, 0),
            ("300人次", 2, 0),
            ("2023年", 2, 0),
            ("12次", 4, 0),
            ("300人次", 4, 0),
            ("2023年", 4, 0),
        ),
    ),
    WithinCase(
        "short_units",
        "units below the minimum length (已整改完成) are not compared",
        (S_SHORT, S_OTHER, S_SHORT, "共5人。", "共5人。"),
        (),
        (),
    ),
    WithinCase(
        "no_repeats",
        "distinct sentences: nothing repeated",
        (S_STUDY, S_FUND, S_OTHER, S_ORDINAL_A),
        (),
        (),
    ),
]


def compose(sentences: tuple[str, ...]) -> tuple[str, list[int]]:
    """One paragraph per sentence; returns the text and each sentence's start offset."""
    starts, parts, at = [], [], 0
    for s in sentences:
        starts.append(at + 2)
        parts.append("  " + s + "\n")
        at += len(parts[-1])
    return "".join(parts), starts


@pytest.mark.parametrize("case", WITHIN_CASES, ids=[c.id for c in WITHIN_CASES])
def test_within_notice(case: WithinCase) -> None:
    text, starts = compose(case.sentences)
    repeats = find_repeats(text, split_sentences(text))
    got = [(starts.index(r.start), starts.index(r.source_start), r.method) for r in repeats]
    assert got == list(case.repeats), case.covers
    for r in repeats:
        assert text[r.start : r.end] == text[r.start : r.end].strip()
        assert 0 < r.similarity <= 1 and r.label == "restatement"
        assert r.similarity == 1.0 or r.method == "near"
    quantities = extract_quantities(text)
    restates = restated_quantities(text, quantities, repeats)
    expected = {
        quantity_at(quantities, text, starts[copy], surface): quantity_at(
            quantities, text, starts[source], surface
        )
        for surface, copy, source in case.restated
    }
    assert {k: v for k, v in enumerate(restates) if v is not None} == expected, case.covers
    for k, source in enumerate(restates):
        if source is not None:
            assert figure(quantities[k]) == figure(quantities[source])


def test_repeated_share_counts_later_copies_only() -> None:
    text = f"{S_STUDY}\n{S_STUDY}\n"
    share = repeated_share(text, find_repeats(text))
    assert share == pytest.approx(0.5)
    assert repeated_share(text, []) == 0.0
    assert repeated_share("", []) == 0.0


def test_repeated_share_merges_overlapping_spans() -> None:
    text = "甲乙丙丁戊己庚辛"
    spans = [RepeatedPassage(0, 4, 4, 8, 1.0, "exact", "restatement")] * 2
    assert repeated_share(text, spans) == pytest.approx(0.5)


# --------------------------------------------------------------- labels with a problem tree

MEASURE = "针对该问题,组织开展财务专项检查2轮,追缴违规发放补贴3.6万元并全部退还。"


@dataclass(frozen=True)
class LabelCase:
    id: str
    covers: str
    paragraphs: tuple[str, ...]
    # (first paragraph index, last paragraph index, is_problem, is_attachment) sections
    sections: tuple[tuple[int, int, bool, bool], ...]
    labels: tuple[str, ...]  # the label of each repeat, in order


LABEL_CASES = [
    LabelCase(
        "measure_pasted",
        "the same measure under two different problems is a copied measure (a finding)",
        ("1.财务管理不规范。", MEASURE, "2.补贴发放不严格。", MEASURE),
        ((0, 1, True, False), (2, 3, True, False)),
        ("copied_measure",),
    ),
    LabelCase(
        "same_problem",
        "a measure repeated inside one problem is a restatement",
        ("1.财务管理不规范。", MEASURE, S_OTHER, MEASURE),
        ((0, 3, True, False),),
        ("restatement",),
    ),
    LabelCase(
        "no_tree",
        "without a problem tree nothing is flagged",
        ("1.财务管理不规范。", MEASURE, "2.补贴发放不严格。", MEASURE),
        (),
        ("restatement",),
    ),
    LabelCase(
        "attachment_copies_body",
        "an 附件 copying the body's problems is a restatement, figures counted once",
        (
            "1.财务管理不规范。",
            MEASURE,
            S_STUDY,
            S_FUND,
            "附件",
            "1.财务管理不规范。",
            MEASURE,
            S_STUDY,
            S_FUND,
        ),
        ((0, 3, True, False), (4, 8, False, True), (5, 8, True, True)),
        ("restatement", "restatement", "restatement"),  # the short title is not compared
    ),
    LabelCase(
        "attachment_single_sentence",
        "one measure copied into an 附件 problem (no block): still a restatement",
        ("1.财务管理不规范。", MEASURE, "附件", "1.补贴发放不严格。", MEASURE),
        ((0, 1, True, False), (2, 4, False, True), (3, 4, True, True)),
        ("restatement",),
    ),
    LabelCase(
        "shared_title",
        "two sub-problems sharing a title: a title is not a pasted measure",
        (
            "(2)贯彻落实上级关于财务管理的决策部署不到位。",
            S_FUND,
            "(3)贯彻落实上级关于财务管理的决策部署不到位。",
            S_OTHER,
        ),
        ((0, 1, True, False), (2, 3, True, False)),
        ("restatement",),
    ),
]


@pytest.mark.parametrize("case", LABEL_CASES, ids=[c.id for c in LABEL_CASES])
def test_labels(case: LabelCase) -> None:
    text, starts = compose(case.paragraphs)
    ends = [s + len(p) for s, p in zip(starts, case.paragraphs, strict=True)]
    sections = [Section(starts[a], ends[b], prob, att) for a, b, prob, att in case.sections]
    repeats = find_repeats(text, sections=sections or None)
    assert tuple(r.label for r in repeats) == case.labels, case.covers
    quantities = extract_quantities(text)
    restates = restated_quantities(text, quantities, repeats)
    in_copies = [
        k for k, q in enumerate(quantities) if any(r.start <= q.start < r.end for r in repeats)
    ]
    assert all(restates[k] is not None for k in in_copies), "every copied figure counts once"


# ------------------------------------------------------------------ pathological inputs


@pytest.mark.parametrize(
    ("name", "text", "max_repeats"),
    [
        ("600KB single line", "2023年" * 120_000, 0),  # one giant unit, periodic n-grams
        ("20000 identical", "组织开展专题学习会议共17次。" * 20_000, 19_999),  # hash path
        (
            "20000 templated",  # same words, other figures: the masked-key path
            "".join(f"第{i}批次组织开展专题学习会议{i}次并形成台账。" for i in range(20_000)),
            19_999,
        ),
        (
            "20000 look-alike",  # distinct keys sharing most n-grams: capped postings
            "".join(
                f"组织开展专题学习会议{chr(0x4E00 + i % 97)}{chr(0x4E00 + i % 89)}次并形成台账。"
                for i in range(20_000)
            ),
            19_999,
        ),
    ],
)
def test_pathological_inputs_are_fast_and_bounded(name: str, text: str, max_repeats: int) -> None:
    spans = split_sentences(text)
    started = time.process_time()
    repeats = find_repeats(text, spans)
    signatures = passage_signatures(text, spans)
    elapsed = time.process_time() - started
    assert elapsed < 5.0, f"{name}: {elapsed:.2f} s of CPU"
    assert len(repeats) <= max_repeats
    assert len(signatures) <= len(spans)
    assert 0.0 <= repeated_share(text, repeats) <= 1.0


def test_identical_sentences_restate_the_first() -> None:
    text = "组织开展专题学习会议共17次。" * 20_000
    repeats = find_repeats(text)
    quantities = extract_quantities(text)
    started = time.process_time()
    restates = restated_quantities(text, quantities, repeats)
    assert time.process_time() - started < 5.0
    assert restates[0] is None and set(restates[1:]) == {0}
    assert len(passage_signatures(text)) <= 1  # copies inside one notice are signed once


# ------------------------------------------------------------------ across notices

CLOSING = "欢迎广大干部群众对巡察整改落实情况进行监督,如有意见建议请及时向我们反映。"
CLOSING_VARIANT = "欢迎广大干部群众对巡视整改落实情况进行监督,如有意见建议请及时向我们反映。"
UNRELATED = "园区党委召开专题民主生活会,班子成员逐一对照检查并开展批评与自我批评。"


def _signature_of(text: str, sentence: str) -> shared_mod.PassageSignature:
    start = text.index(sentence)
    (sig,) = [s for s in passage_signatures(text) if s.start == start]
    return sig


def test_signature_fields() -> None:
    text = f"{CLOSING}\n{MEASURE}\n短句。\n"
    sigs = passage_signatures(text)
    assert [text[s.start : s.end] for s in sigs] == [CLOSING, MEASURE]  # 短句 is too short
    for s in sigs:
        values = shared_mod.minhash_values(s.minhash)
        assert len(s.band_keys) == CONFIG.bands and len(values) == CONFIG.permutations
        assert all(-(2**63) <= k < 2**63 for k in (*s.band_keys, s.text_key))
        assert all(0 <= v < 2**32 for v in values)


def test_band_keys_are_stable_across_processes() -> None:
    """No ``hash()`` of str: another interpreter with another hash seed gives the same keys."""
    text = f"{CLOSING}\n{MEASURE}\n"
    code = (
        "from extract.audit import passage_signatures;"
        f"print([s.band_keys for s in passage_signatures({text!r})])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=REPO
    ).stdout
    assert out.strip() == str([s.band_keys for s in passage_signatures(text)])


def _reference_minhash(key: str) -> list[int]:
    """MinHash the slow, obvious way: one gram and one permutation at a time."""
    a, b, base = shared_mod._constants(CONFIG.seed, CONFIG.permutations)
    n, mask = CONFIG.cross_ngram, (1 << 64) - 1
    grams = [key[i : i + n] for i in range(max(len(key) - n + 1, 1))]
    values = []
    for g in grams:
        h = 0
        for ch in g.ljust(n, "\0"):
            h = (h * int(base) + ord(ch)) & mask
        h = int(shared_mod.mix64(np.array([(h + n) & mask], dtype=np.uint64))[0])
        values.append(h)
    return [
        min((((int(ai) * x + int(bi)) & mask) >> 32) for x in values)
        for ai, bi in zip(a, b, strict=True)
    ]


@pytest.mark.parametrize(
    "chunk",
    [16_384, 40, 7],
    ids=["all units in one slice", "slices cut at unit boundaries", "units split across slices"],
)
def test_vectorised_minhash_matches_reference(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_mod, "_CHUNK", chunk)
    text = f"{CLOSING}\n{MEASURE}\n{UNRELATED}\n"
    for sig in passage_signatures(text):
        key = masked_key(exact_key(text[sig.start : sig.end], CONFIG))
        assert list(shared_mod.minhash_values(sig.minhash)) == _reference_minhash(key)


def test_minhash_estimate_tracks_exact_jaccard() -> None:
    text_a, text_b = f"{CLOSING}\n", f"{CLOSING_VARIANT}\n"
    (sa,), (sb,) = passage_signatures(text_a), passage_signatures(text_b)
    assert shared_mod.estimate_jaccard(sa, sa) == 1.0
    assert shared_mod.estimate_jaccard(sa, sb) == pytest.approx(
        _jaccard5(CLOSING, CLOSING_VARIANT), abs=0.15
    )


def _jaccard5(a: str, b: str) -> float:
    ga, gb = (ngrams(masked_key(exact_key(x, CONFIG)), 5) for x in (a, b))
    return len(ga & gb) / len(ga | gb)


@pytest.mark.parametrize(
    ("a", "b", "candidate", "confirmed"),
    [
        (CLOSING, CLOSING, True, True),  # the same sentence in two notices
        (CLOSING, CLOSING_VARIANT, True, True),  # 巡察 vs 巡视: one character changed
        (MEASURE, MEASURE.replace("2轮", "3轮").replace("3.6", "8.1"), True, True),  # figures
        (CLOSING, UNRELATED, False, False),  # unrelated sentences
        (MEASURE, MEASURE[:22] + UNRELATED[:18], False, False),  # half shared: J below 0.5
    ],
    ids=["identical", "one character", "other figures", "unrelated", "half shared"],
)
def test_lsh_candidates_and_confirmation(a: str, b: str, candidate: bool, confirmed: bool) -> None:
    """Band keys make the pair a candidate; confirm_shared returns the exact 5-gram Jaccard."""
    text_a, text_b = f"前言部分说明情况。\n{a}\n", f"{b}\n结尾。\n"
    sa, sb = _signature_of(text_a, a), _signature_of(text_b, b)
    assert bool(set(sa.band_keys) & set(sb.band_keys)) == candidate
    got = confirm_shared(text_a, (sa.start, sa.end), text_b, (sb.start, sb.end))
    exact = _jaccard5(a, b)
    assert (exact >= CONFIG.confirm_threshold) == confirmed
    assert got == (pytest.approx(exact, abs=1e-4) if confirmed else None)


def test_clusters_join_connected_pairs() -> None:
    pairs = [(("n1", 1), ("n2", 4)), (("n2", 4), ("n3", 2)), (("n4", 1), ("n5", 1))]
    assert clusters(pairs) == [[("n1", 1), ("n2", 4), ("n3", 2)], [("n4", 1), ("n5", 1)]]
    assert clusters([]) == []


def _members(*units: str | None) -> list[ClusterMember]:
    """One notice per inspected unit, each issued by that unit's own committee."""
    return [ClusterMember(f"n{i}", u and f"{u}党委", u) for i, u in enumerate(units)]


SLOGANS = "对标对表,持续用力,久久为功,善作善成,一以贯之抓好各项任务。"
STOCK = "坚持以高度的政治自觉推进巡察整改工作走深走实,切实把巡察成果转化为发展成效。"


@pytest.mark.parametrize(
    ("passage", "members", "label"),
    [
        (CLOSING, _members("甲区", "乙区", "丙区"), "boilerplate"),  # stock cue: 欢迎…监督
        (MEASURE, _members("甲区", "乙区"), "copied_measure"),  # a measure in two units' notices
        (MEASURE, _members("甲区", "甲区"), "boilerplate"),  # a unit reusing its own words
        (MEASURE, _members(None, None), "copied_measure"),  # unknown units count apart
        (SLOGANS, _members("甲区", "乙区"), "boilerplate"),  # no action verb, no figure
        (STOCK, _members("甲", "乙", "丙", "丁", "戊"), "boilerplate"),  # many issuers, no figure
        (STOCK, _members("甲", "乙"), "copied_measure"),  # two units: an action verb suffices
        ("组织开展检查2轮。", _members("甲区", "乙区"), "boilerplate"),  # too short for a measure
    ],
    ids=[
        "closing sentence",
        "measure, two units",
        "same unit",
        "unknown units",
        "no action no figure",
        "stock formula, many issuers",
        "stock formula, two units",
        "short",
    ],
)
def test_label_cluster(passage: str, members: list[ClusterMember], label: str) -> None:
    assert label_cluster(passage, members) == label


# ------------------------------------------------------------------ the data file


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("threshold = 0.6", "threshold = 1.5", "threshold"),
        ("bands = 32", "bands = 30", "bands x rows"),
        ("exact_min_chars = 10", "exact_min_chars = 'ten'", "exact_min_chars"),
        ("patterns = [", "patterns = ['(unclosed',", "bad regular expression"),
        ("[near]", "[near\n", "cannot parse"),
    ],
    ids=["ratio out of range", "bands x rows", "not an integer", "bad regex", "bad toml"],
)
def test_bad_data_file_names_file_line_and_reason(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    source = (REPO / "extract" / "data" / "repetition.toml").read_text(encoding="utf-8")
    assert old in source
    bad = tmp_path / "repetition.toml"
    bad.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        parse_config(bad)
    text = str(err.value)
    assert text.startswith("repetition.toml") and message in text and "\n" not in text
    if message != "cannot parse":
        line = next(i for i, ln in enumerate(bad.read_text("utf-8").splitlines(), 1) if new in ln)
        assert text.startswith(f"repetition.toml:{line}:")


# ------------------------------------------------------------------ the real corpus


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str, list[Quantity], list[Section]]]:
    from extract.notice import parse_notice
    from extract.reading import load_notice

    out = []
    for path in corpus_paths():
        text = load_notice(path).text
        parsed = parse_notice(text)
        sections = [
            Section(p.start, p.end, p.is_problem, p.path.startswith("附件"))
            for p in parsed.problems
        ]
        out.append((path.name, text, extract_quantities(text), sections))
    return out


def test_corpus_attachment_restates_body_figures(corpus: list) -> None:
    """The notice whose 附件 copies its body: its 17次 “第一议题” and 8次 中心组 count once."""
    with_copy = []
    for name, text, quantities, sections in corpus:
        attachments = [s for s in sections if s.is_attachment]
        repeats = find_repeats(text, sections=sections)
        copied = [r for r in repeats if any(a.start <= r.start < a.end for a in attachments)]
        if len(copied) >= 10:
            with_copy.append((name, text, quantities, repeats, attachments))
    assert len(with_copy) == 1, [w[0] for w in with_copy]
    _name, text, quantities, repeats, attachments = with_copy[0]
    restates = restated_quantities(text, quantities, repeats)

    def sentence_of(q: Quantity) -> str:
        spans = split_sentences(text)
        (s, e) = next((s, e) for s, e in spans if s <= q.start < e)
        return text[s:e]

    for surface, context in (("17次", "第一议题"), ("8次", "中心组")):
        hits = [
            k
            for k, q in enumerate(quantities)
            if q.surface == surface and context in sentence_of(q)
        ]
        assert len(hits) == 2, (surface, context)
        body, copy = sorted(hits, key=lambda k: quantities[k].start)
        assert any(a.start <= quantities[copy].start < a.end for a in attachments)
        assert restates[copy] == body and restates[body] is None
    assert all(r.label == "restatement" for r in repeats if r.start >= attachments[0].start)


def test_corpus_invariants(corpus: list) -> None:
    """On every notice: share in [0, 1], restated figures are the same figure, stated earlier."""
    for name, text, quantities, sections in corpus:
        repeats = find_repeats(text, sections=sections)
        assert 0.0 <= repeated_share(text, repeats) <= 1.0, name
        for r in repeats:
            assert r.source_end <= r.start, name
        for k, source in enumerate(restated_quantities(text, quantities, repeats)):
            if source is None:
                continue
            a, b = quantities[k], quantities[source]
            assert figure(a) == figure(b), name
            assert a.surface == b.surface and b.start < a.start, name


def test_corpus_shared_passages_are_the_stock_sentences(corpus: list) -> None:
    """Across the five notices the band join finds the closing 欢迎…监督 sentence, confirmed."""
    index: dict[int, set[tuple[int, int]]] = {}
    signatures = [passage_signatures(text) for _n, text, _q, _s in corpus]
    for d, sigs in enumerate(signatures):
        for p, sig in enumerate(sigs):
            for key in sig.band_keys:
                index.setdefault(key, set()).add((d, p))
    confirmed = []
    for members in index.values():
        for x in members:
            for y in members:
                if x[0] < y[0]:
                    sx, sy = signatures[x[0]][x[1]], signatures[y[0]][y[1]]
                    text_x, text_y = corpus[x[0]][1], corpus[y[0]][1]
                    if confirm_shared(text_x, (sx.start, sx.end), text_y, (sy.start, sy.end)):
                        confirmed.append((x, y))
    groups = clusters(confirmed)
    assert groups, "the corpus notices share at least their closing sentence"
    closing = [
        g
        for g in groups
        if any("监督" in corpus[d][1][signatures[d][p].start : signatures[d][p].end] for d, p in g)
    ]
    assert closing
    for g in closing:
        d, p = g[0]
        passage = corpus[d][1][signatures[d][p].start : signatures[d][p].end]
        members = [ClusterMember(corpus[dd][0], None, None) for dd, _ in g]
        assert label_cluster(passage, members) == "boilerplate"
