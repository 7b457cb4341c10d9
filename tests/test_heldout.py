"""The held-out gold set (tests/heldout/sentences.jsonl): sentences the extractor never saw.

Why: the extractor scores 1.000 on tests/gold/, the five notices it was tuned against, which says
nothing about notices from other places. The held-out rows are sentences we composed ourselves
in the style of 巡视/巡察整改进展情况通报 and annotated from the quantity spec
(docs/quantity-spec.md) without looking at the extractor's output; they carry their own ``text``
(no corpus needed). Three groups of tests:

* integrity: every surface equals its slice, no overlaps, kinds/units from tests/gold/units.toml
  (plus tests/heldout/units_extra.toml), value shapes, approx only with an approximation word,
  and the promised size (>= 120 sentences, >= 250 quantities, >= 40 without any);
* the evaluator reads rows that carry their own text, without a corpus folder;
* the F1 floors: measured once on the final annotations (see tests/heldout/README.md), floor =
  measured exact F1 - 0.02 overall and - 0.05 per kind with >= 10 gold quantities. They guard
  against regressions on unseen text; raise them when the extractor improves.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from extract import evaluate as ev
from extract.model import KINDS, Quantity
from tests.annotation_checks import (
    EDGE_SPACE,
    NUMERAL,
    SENTENCE_DELIMITERS,
    assert_f1_floor,
    check_annotations,
)

HELDOUT_DIR = Path(__file__).resolve().parent / "heldout"
GOLD_DIR = Path(__file__).resolve().parent / "gold"

# Exact-match F1 floors: first measurement on the final annotations minus 0.02 (overall) or
# minus 0.05 (per kind), rounded down to two decimals. See tests/heldout/README.md.
# First run (/tmp/heldout_first_run.txt): overall exact F1 0.990 (287/293 found, 0 false
# positives); per kind count 0.991, money 0.983, percent 0.980, rank 0.889, the rest 1.000.
HELDOUT_FLOOR = 0.96
HELDOUT_KIND_FLOOR: dict[str, float] = {
    "count": 0.94,
    "money": 0.93,
    "area": 0.95,
    "length": 0.95,
    "volume": 0.95,
    "mass": 0.95,
    "percent": 0.92,
    "duration": 0.95,
    "rank": 0.83,
    "date": 0.95,
}
MIN_KIND_QUANTITIES_FOR_FLOOR = 10

MIN_SENTENCES = 120
MIN_QUANTITIES = 250
MIN_EMPTY_SENTENCES = 40


def _merged_rules() -> tuple[dict[str, set[str]], list[str]]:
    """Units per kind and approximation words: the gold set's, plus the held-out additions."""
    base = tomllib.loads((GOLD_DIR / "units.toml").read_text(encoding="utf-8"))
    extra = tomllib.loads((HELDOUT_DIR / "units_extra.toml").read_text(encoding="utf-8"))
    units = {kind: set(words) for kind, words in base["units"].items()}
    for kind, words in extra.get("units", {}).items():
        units.setdefault(kind, set()).update(words)
    approx = [*base["approx"]["words"], *extra.get("approx", {}).get("words", [])]
    return units, approx


UNITS, APPROX_WORDS = _merged_rules()
ANY_NUMERAL = re.compile(NUMERAL.pattern[:-1] + "\u2460-\u2473]")  # also ①..⑳ list markers


def _rows() -> list[dict[str, Any]]:
    path = HELDOUT_DIR / "sentences.jsonl"
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


ROWS = _rows()
QUANTITIES = [q for r in ROWS for q in r["quantities"]]


# ---------------------------------------------------------------- integrity


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_is_one_trimmed_sentence(row: dict[str, Any]) -> None:
    """Id shape, a ``covers`` note, and a text that is one whole sentence, trimmed."""
    assert re.fullmatch(r"h-\d{3}", row["id"]), row["id"]
    assert set(row) == {"id", "text", "covers", "quantities"}, row["id"]
    assert row["covers"].strip(), "every row says what it covers"
    text = row["text"]
    assert isinstance(text, str) and text, row["id"]
    assert not any(d in text for d in SENTENCE_DELIMITERS), "a row is one sentence"
    assert text[0] not in EDGE_SPACE and text[-1] not in EDGE_SPACE
    assert ANY_NUMERAL.search(text), "every held-out sentence has a numeral (quantity or trap)"


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["quantities"]], ids=[r["id"] for r in ROWS if r["quantities"]]
)
def test_row_quantities_follow_the_spec(row: dict[str, Any]) -> None:
    """Surfaces equal their slices, in order, without overlap; kinds, units, values consistent."""
    text = row["text"]
    check_annotations(row["id"], text, row["quantities"], UNITS, APPROX_WORDS)


def test_heldout_set_is_big_and_broad_enough() -> None:
    """The promised size, unique ids and sentences, every kind, ranges, approx, XXXX years."""
    assert len(ROWS) >= MIN_SENTENCES
    assert len(QUANTITIES) >= MIN_QUANTITIES
    assert sum(1 for r in ROWS if not r["quantities"]) >= MIN_EMPTY_SENTENCES
    assert len({r["id"] for r in ROWS}) == len(ROWS), "row ids are unique"
    assert len({r["text"] for r in ROWS}) == len(ROWS), "one row per sentence"
    assert {q["kind"] for q in QUANTITIES} == set(KINDS), "every kind is represented"
    assert any(q["value_high"] is not None for q in QUANTITIES), "ranges are represented"
    assert any(q["approx"] for q in QUANTITIES), "approximations are represented"
    assert any(str(q["value"]).startswith("XXXX") for q in QUANTITIES), "yearless dates too"


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (r"[０-９]", "full-width digits"),
        (r"[項萬億兩個約]", "traditional script"),
        (r"\d,\d{3}", "thousands separators"),
        (r"[千公]米|公里", "length units"),
        (r"千克|公斤", "mass units"),
        (r"m³|方", "volume units"),
        (r"㎡|平方公里|公顷|亩", "area units"),
    ],
)
def test_heldout_surfaces_cover_what_the_corpus_lacks(pattern: str, what: str) -> None:
    """The forms the brief asked for appear in annotated surfaces, not only in the text."""
    assert any(re.search(pattern, q["surface"]) for q in QUANTITIES), what


def test_heldout_folder_loads_with_the_evaluator() -> None:
    """``load_gold`` accepts text rows; their sha1 is computed, their offsets span the text."""
    rows = ev.load_gold(HELDOUT_DIR)
    assert len(rows) == len(ROWS)
    first = rows[0]
    assert first.text == ROWS[0]["text"] and first.file == "" and first.end == len(first.text)
    assert first.sha1 == ev.sentence_sha1(first.text)


# ---------------------------------------------------------------- evaluator: text rows


def _write_rows(folder: Path, rows: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    (folder / "rows.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return folder


def _fake_extractor(sentence: str) -> list[Quantity]:
    """Right on 3次; reports 第二 in 第二轮 as a false count."""
    out = []
    if "3次" in sentence:
        i = sentence.index("3次")
        out.append(Quantity("3次", i, i + 2, "count", 3.0, None, "次"))
    if "第二" in sentence:
        i = sentence.index("二")
        out.append(Quantity("二", i, i + 1, "count", 2.0, None, "个"))
    return out


def test_text_rows_need_no_corpus(tmp_path: Path) -> None:
    """Rows carrying ``text`` are scored even when the corpus folder does not exist."""
    gold = _write_rows(
        tmp_path / "gold",
        [
            {
                "id": "t-1",
                "text": "召开专题会议3次",
                "covers": "count",
                "quantities": [
                    {
                        "surface": "3次",
                        "start": 6,
                        "end": 8,
                        "kind": "count",
                        "value": 3,
                        "value_high": None,
                        "unit": "次",
                        "approx": False,
                    }
                ],
            },
            {"id": "t-2", "text": "第二轮巡察", "covers": "ordinal", "quantities": []},
        ],
    )
    report = ev.evaluate(gold, tmp_path / "no-corpus", extractor=_fake_extractor)
    assert report.rows == 2 and report.rows_without_quantities == 1
    exact = report.counts()
    assert (exact.tp, exact.fp, exact.fn) == (1, 1, 0)
    assert [e.row_id for e in report.errors] == ["t-2"]


def test_mixed_rows_still_need_the_corpus(tmp_path: Path) -> None:
    """A folder mixing text rows and corpus rows still reports a missing corpus clearly."""
    gold = _write_rows(
        tmp_path / "gold",
        [
            {"id": "t-1", "text": "召开专题会议3次", "quantities": []},
            {
                "id": "900-001",
                "file": "900_x.txt",
                "start": 0,
                "end": 3,
                "sha1": "0" * 12,
                "quantities": [],
            },
        ],
    )
    with pytest.raises(ev.GoldError, match="corpus folder not found"):
        ev.evaluate(gold, tmp_path / "no-corpus", extractor=_fake_extractor)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "t-1", "text": "", "quantities": []}, "'text' must be a non-empty string"),
        ({"id": "t-1", "text": 12, "quantities": []}, "'text' must be a non-empty string"),
        ({"id": "t-1", "text": "3次"}, "row lacks quantities"),  # text row without quantities
    ],
)
def test_malformed_text_rows_give_clear_errors(
    tmp_path: Path, row: dict[str, Any], message: str
) -> None:
    gold = _write_rows(tmp_path / "gold", [row])
    with pytest.raises(ev.GoldError, match=re.escape(message)):
        ev.load_gold(gold)


def test_cli_scores_a_text_only_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--gold DIR`` with text rows works without ``--corpus``, and the table prints."""
    import extract

    gold = _write_rows(
        tmp_path / "gold",
        [
            {
                "id": "t-1",
                "text": "召开专题会议3次",
                "quantities": [
                    {
                        "surface": "3次",
                        "start": 6,
                        "end": 8,
                        "kind": "count",
                        "value": 3,
                        "value_high": None,
                        "unit": "次",
                        "approx": False,
                    }
                ],
            },
        ],
    )
    monkeypatch.setattr(extract, "extract_quantities", _fake_extractor)
    assert ev.main(["--gold", str(gold), "--corpus", str(tmp_path / "none")]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "1 sentences" in out


# ---------------------------------------------------------------- F1 floors


@pytest.fixture(scope="module")
def heldout_report() -> ev.EvalReport | Exception:
    """Score the real extractor once; an unusable extractor makes the floor tests FAIL."""
    try:
        return ev.evaluate(HELDOUT_DIR)
    except ev.GoldError as exc:  # includes ExtractorUnavailable
        return exc


def test_extractor_reaches_heldout_f1_floor(heldout_report: ev.EvalReport | Exception) -> None:
    """Overall exact-match F1 on unseen sentences (``--gold tests/heldout``)."""
    assert_f1_floor(heldout_report, HELDOUT_FLOOR)


def test_every_big_kind_has_a_floor() -> None:
    """Kinds with enough held-out quantities to measure get a per-kind floor, the rest none."""
    counts = {k: sum(1 for q in QUANTITIES if q["kind"] == k) for k in KINDS}
    big = {k for k, n in counts.items() if n >= MIN_KIND_QUANTITIES_FOR_FLOOR}
    assert set(HELDOUT_KIND_FLOOR) == big, counts


@pytest.mark.parametrize("kind", sorted(HELDOUT_KIND_FLOOR))
def test_extractor_reaches_heldout_kind_floor(
    heldout_report: ev.EvalReport | Exception, kind: str
) -> None:
    """Exact-match F1 for one kind; false positives count under the predicted kind."""
    assert_f1_floor(heldout_report, HELDOUT_KIND_FLOOR[kind], kind)


# ---------------------------------------------------------------- metric-id floors
#
# The held-out metric labels (tests/heldout/metrics.jsonl, and metric_id on some quantities of
# sentences.jsonl) were composed blind by another engineer; the rules were not tuned on them.
# Measured once when the assigner was finished (2026-12-01, taxonomy 2026.12.1):
#   metrics.jsonl:   accuracy 0.894 (277/310), precision 0.941 (190/202), coverage 0.676
#   sentences.jsonl: accuracy 0.854 (182/213), precision 0.853 (58/68)
# Floors: a little below the measure, never above what the issue requires on unseen text
# (accuracy 0.80, precision 0.85).
METRIC_SET_FLOORS = {"accuracy": 0.80, "precision": 0.85, "coverage": 0.65}
SENTENCE_METRIC_FLOORS = {"accuracy": 0.80, "precision": 0.83}
METRIC_SET = HELDOUT_DIR / ev.METRIC_SET_FILE


@pytest.mark.skipif(not METRIC_SET.is_file(), reason="tests/heldout/metrics.jsonl not written yet")
@pytest.mark.parametrize("figure", sorted(METRIC_SET_FLOORS))
def test_heldout_metric_set_floor(figure: str) -> None:
    """Metric ids on the held-out metric-only set (``--gold tests/heldout``)."""
    score = ev.evaluate_metric_set(METRIC_SET)
    value = getattr(score, figure)
    assert value is not None and value >= METRIC_SET_FLOORS[figure], score.summary()


@pytest.mark.parametrize("figure", sorted(SENTENCE_METRIC_FLOORS))
def test_heldout_sentence_metric_floor(
    heldout_report: ev.EvalReport | Exception, figure: str
) -> None:
    """Metric ids on the labelled quantities of sentences.jsonl."""
    if isinstance(heldout_report, Exception):
        pytest.fail(f"cannot score the extractor: {heldout_report}")
    score = heldout_report.metrics
    if not score.labelled:
        pytest.skip("no metric_id labels in sentences.jsonl yet")
    value = getattr(score, figure)
    assert value is not None and value >= SENTENCE_METRIC_FLOORS[figure], score.summary()
