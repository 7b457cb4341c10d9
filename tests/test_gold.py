"""The hand-checked gold set (tests/gold/*.jsonl) and the evaluator that scores the extractor.

Three groups of tests:

* gold integrity: every row still points at the text that was annotated (sha1), every surface
  equals its slice, kinds/units/value types follow docs/quantity-spec.md, quantities do not overlap,
  and the set is as large as promised (>= 330 quantities, >= 70 sentences without any);
* the F1 floor: ``evaluate()`` over the gold set must reach FLOOR overall and KIND_FLOOR per
  kind (exact match). If the extractor cannot be imported this FAILS, it never skips;
* the metric-id floors (labels added blind by another engineer): accuracy and precision of
  ``Quantity.metric_id`` on labelled quantities, and coverage of count/money/area quantities;
* the evaluator's own logic, with a fake extractor over a tiny synthetic gold folder.

The corpus is read from ../shared/corpus next to the repository, never copied into it.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import extract
from extract import evaluate as ev
from extract.model import KINDS, Quantity
from tests import corpus
from tests.annotation_checks import (
    EDGE_SPACE,
    SENTENCE_DELIMITERS,
    assert_f1_floor,
    check_annotations,
)

FLOOR = 0.95  # overall exact-match F1 the extractor must reach on the gold set
# Metric ids. Measured (2026-12-01, taxonomy 2026.12.2): accuracy 0.962 (434/451), precision
# 0.969 (249/257), coverage 0.631 (256/406). Floors: a little below the measure and never above
# what the issue requires for accuracy and precision (0.85). Coverage: the issue asks 0.60; the
# labels give an id to 0.643 of these quantities (261/406) since the recurring figures METRICS.md
# had no id for got ids of their own (tests/gold/README.md, "New ids"), so the floor guards the
# measured figure just below it.
METRIC_ACCURACY_FLOOR = 0.85
METRIC_PRECISION_FLOOR = 0.85
METRIC_COVERAGE_FLOOR = 0.62
MIN_METRIC_LABELS = 400
KIND_FLOOR = 0.90  # exact-match F1 per kind (kinds present in the gold set)
MIN_QUANTITIES = 330
MIN_EMPTY_SENTENCES = 70

GOLD_DIR = Path(__file__).resolve().parent / "gold"
CORPUS_DIR = corpus.CORPUS
RULES = tomllib.loads((GOLD_DIR / "units.toml").read_text(encoding="utf-8"))
UNITS: dict[str, list[str]] = RULES["units"]
APPROX_WORDS: list[str] = RULES["approx"]["words"]


def _raw_rows() -> list[dict[str, Any]]:
    rows = []
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


ROWS = _raw_rows()


def _corpus_text(name: str, _cache: dict[str, str] = {}) -> str:  # noqa: B006 - a deliberate memo
    corpus.require()
    if name not in _cache:
        with (CORPUS_DIR / name).open(encoding="utf-8", newline="") as fh:
            _cache[name] = fh.read()
    return _cache[name]


# ---------------------------------------------------------------- gold integrity


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_points_at_the_annotated_sentence(row: dict[str, Any]) -> None:
    """sha1 matches, the slice is one whole trimmed sentence, the id names the file."""
    assert re.fullmatch(r"\d{3}-\d{3}", row["id"]), row["id"]
    assert row["file"].startswith(row["id"][:3]), (row["id"], row["file"])
    assert row["covers"].strip(), "every row says what it covers"
    text = _corpus_text(row["file"])
    assert 0 <= row["start"] < row["end"] <= len(text)
    sentence = text[row["start"] : row["end"]]
    assert ev.sentence_sha1(sentence) == row["sha1"]
    assert not any(d in sentence for d in SENTENCE_DELIMITERS), "a row is one sentence"
    assert sentence[0] not in EDGE_SPACE and sentence[-1] not in EDGE_SPACE
    before = text[row["start"] - 1] if row["start"] else "\n"
    after = text[row["end"]] if row["end"] < len(text) else "\n"
    assert before in SENTENCE_DELIMITERS + EDGE_SPACE, f"sentence starts mid-sentence: {before!r}"
    assert after in SENTENCE_DELIMITERS + EDGE_SPACE, f"sentence ends mid-sentence: {after!r}"


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["quantities"]], ids=[r["id"] for r in ROWS if r["quantities"]]
)
def test_row_quantities_follow_the_spec(row: dict[str, Any]) -> None:
    """Surfaces equal their slices; kinds, units, value types and approx are consistent."""
    sentence = _corpus_text(row["file"])[row["start"] : row["end"]]
    check_annotations(row["id"], sentence, row["quantities"], UNITS, APPROX_WORDS)


def test_gold_set_is_big_and_broad_enough() -> None:
    """The promised size, every corpus file, every kind the corpus has, unique sentences."""
    quantities = [q for r in ROWS for q in r["quantities"]]
    empty = [r for r in ROWS if not r["quantities"]]
    assert len(quantities) >= MIN_QUANTITIES
    assert len(empty) >= MIN_EMPTY_SENTENCES
    assert len({r["id"] for r in ROWS}) == len(ROWS), "row ids are unique"
    assert len({(r["file"], r["start"]) for r in ROWS}) == len(ROWS), "one row per sentence"
    corpus_files = {p.name for p in corpus.corpus_paths()}
    assert {r["file"] for r in ROWS} == corpus_files, "every corpus notice is annotated"
    assert {q["kind"] for q in quantities} == set(KINDS), "every kind is represented"
    assert any(q["value_high"] is not None for q in quantities), "ranges are represented"
    assert any(q["approx"] for q in quantities), "approximations are represented"
    assert any(str(q["value"]).startswith("XXXX") for q in quantities), "yearless dates too"


# ---------------------------------------------------------------- F1 floor


@pytest.fixture(scope="module")
def gold_report() -> ev.EvalReport | Exception:
    """Score the real extractor once; an unusable extractor is returned, so tests FAIL on it."""
    try:
        return ev.evaluate(GOLD_DIR, CORPUS_DIR)
    except ev.GoldError as exc:  # includes ExtractorUnavailable
        return exc


def test_extractor_reaches_overall_f1_floor(gold_report: ev.EvalReport | Exception) -> None:
    """Exact-match F1 over all gold quantities (see ``python -m extract.evaluate``)."""
    assert_f1_floor(gold_report, FLOOR)


@pytest.mark.parametrize("kind", KINDS)
def test_extractor_reaches_per_kind_f1_floor(
    gold_report: ev.EvalReport | Exception, kind: str
) -> None:
    """Exact-match F1 for one kind; false positives count under the predicted kind."""
    assert_f1_floor(gold_report, KIND_FLOOR, kind)


def test_metric_ids_reach_their_floors(gold_report: ev.EvalReport | Exception) -> None:
    """Metric-id accuracy, precision of assigned ids and coverage on the gold set."""
    if isinstance(gold_report, Exception):
        pytest.fail(f"cannot score the extractor: {gold_report}")
    m = gold_report.metrics
    assert m.labelled >= MIN_METRIC_LABELS, f"only {m.labelled} labelled quantities were matched"
    assert m.accuracy is not None and m.accuracy >= METRIC_ACCURACY_FLOOR, m.summary()
    assert m.precision is not None and m.precision >= METRIC_PRECISION_FLOOR, m.summary()
    assert m.coverage is not None and m.coverage >= METRIC_COVERAGE_FLOOR, m.summary()


# ---------------------------------------------------------------- evaluator logic

SYNTHETIC = "共检查企业3家，投入资金2万元。截至6月底完成。\n第三巡察组进驻。"


def _synthetic_gold(tmp_path: Path) -> tuple[Path, Path]:
    """A one-file corpus of made-up text and gold rows for its three sentences."""
    corpus = tmp_path / "corpus"
    gold = tmp_path / "gold"
    corpus.mkdir()
    gold.mkdir()
    (corpus / "900_synthetic.txt").write_text(SYNTHETIC, encoding="utf-8")

    def row(n: int, sentence: str, quantities: list[tuple[str, str, Any, str]]) -> dict[str, Any]:
        start = SYNTHETIC.index(sentence)
        qs = [
            {
                "surface": s,
                "start": sentence.index(s),
                "end": sentence.index(s) + len(s),
                "kind": k,
                "value": v,
                "value_high": None,
                "unit": u,
                "approx": False,
            }
            for s, k, v, u in quantities
        ]
        return {
            "id": f"900-{n:03d}",
            "file": "900_synthetic.txt",
            "start": start,
            "end": start + len(sentence),
            "sha1": ev.sentence_sha1(sentence),
            "covers": "synthetic",
            "quantities": qs,
        }

    rows = [
        row(
            1,
            "共检查企业3家，投入资金2万元",
            [("3家", "count", 3, "家"), ("2万元", "money", 20000, "元")],
        ),
        row(2, "截至6月底完成", [("6月底", "date", "XXXX-06", "月")]),
        row(3, "第三巡察组进驻", []),
    ]
    (gold / "900.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return gold, corpus


def _fake_extractor(sentence: str) -> list[Quantity]:
    """Right on 3家 and 6月底, wrong value and approx on 2万元, a false positive on 第三."""
    out = []
    if "3家" in sentence:
        i = sentence.index("3家")
        out.append(Quantity("3家", i, i + 2, "count", 3.0, None, "家"))
        j = sentence.index("2万元")
        out.append(Quantity("2万元", j, j + 3, "money", 2.0, None, "元", approx=True))
    if "6月底" in sentence:
        i = sentence.index("6月底")
        out.append(Quantity("6月底", i, i + 3, "date", "XXXX-06", None, "月"))
    if "第三" in sentence:
        i = sentence.index("三")
        out.append(Quantity("三", i, i + 1, "count", 3.0, None, "个"))
    return out


@pytest.mark.parametrize(
    ("labels", "ids", "expected"),
    [
        # labels on (3家, 2万元); ids the fake extractor assigns; (labelled, right, assigned,
        # assigned_right, with_id)
        (
            ("enforcement.firms_inspected", "funds.invested"),
            ("enforcement.firms_inspected", None),
            (2, 1, 1, 1, 1),
        ),  # a missed id is wrong, not counted in precision
        ((None, "funds.invested"), (None, "funds.invested"), (2, 2, 1, 1, 1)),  # null == None
        ((None, None), ("funds.fines", None), (2, 1, 1, 0, 1)),  # an id where none is due
        (("<absent>", "funds.invested"), ("x.y", "funds.invested"), (1, 1, 1, 1, 2)),  # unlabelled
    ],
)
def test_evaluator_scores_metric_ids(
    tmp_path: Path,
    labels: tuple[str | None, str | None],
    ids: tuple[str | None, str | None],
    expected: tuple[int, int, int, int, int],
) -> None:
    """Accuracy counts labelled nulls; precision only assigned ids; coverage every count/money."""
    gold, corpus = _synthetic_gold(tmp_path)
    path = gold / "900.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for q, label in zip(rows[0]["quantities"], labels, strict=True):
        if label != "<absent>":
            q["metric_id"] = label
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")

    def extractor(sentence: str) -> list[Quantity]:
        out = []
        for q in _fake_extractor(sentence):
            if q.surface == "3家":
                q = dataclasses.replace(q, metric_id=ids[0])
            elif q.surface == "2万元":
                q = dataclasses.replace(q, metric_id=ids[1])
            out.append(q)
        return out

    m = ev.evaluate(gold, corpus, extractor=extractor).metrics
    assert (m.labelled, m.right, m.assigned, m.assigned_right, m.with_id) == expected
    assert m.eligible == 3  # 3家, 2万元 and the false 三


def test_evaluator_counts_with_a_fake_extractor(tmp_path: Path) -> None:
    """Detection, exact match, per-kind attribution and approx accuracy on known answers."""
    gold, corpus = _synthetic_gold(tmp_path)
    report = ev.evaluate(gold, corpus, extractor=_fake_extractor)
    assert report.rows == 3 and report.rows_without_quantities == 1
    det = report.counts(level="detection")
    assert (det.tp, det.fp, det.fn) == (3, 1, 0)
    exact = report.counts()
    assert (exact.tp, exact.fp, exact.fn) == (2, 2, 1)
    assert report.f1() == pytest.approx(4 / 7)
    assert (report.exact["money"].tp, report.exact["money"].fp, report.exact["money"].fn) == (
        0,
        1,
        1,
    )
    assert report.exact["count"].fp == 1  # the false positive 三 is charged to "count"
    assert report.f1("date") == 1.0
    assert report.approx_accuracy() == pytest.approx(2 / 3)
    categories = sorted(e.category for e in report.errors)
    assert categories == ["false_positive", "wrong"]
    wrong = next(e for e in report.errors if e.category == "wrong")
    assert wrong.fields == ["value"] and "⟦2万元⟧" in wrong.context


def test_evaluator_uses_the_package_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an explicit extractor it calls ``extract.extract_quantities`` at run time."""
    gold, corpus = _synthetic_gold(tmp_path)
    monkeypatch.setattr(extract, "extract_quantities", _fake_extractor)
    assert ev.evaluate(gold, corpus).counts().tp == 2


def test_evaluator_records_extractor_crashes(tmp_path: Path) -> None:
    """An exception on one sentence is reported, and its gold quantities count as misses."""
    gold, corpus = _synthetic_gold(tmp_path)

    def crashing(sentence: str) -> list[Quantity]:
        raise RuntimeError("boom")

    report = ev.evaluate(gold, corpus, extractor=crashing)
    assert sum(e.category == "crash" for e in report.errors) == 3
    assert report.counts().fn == 3 and report.f1() == 0.0


def test_sha1_mismatch_names_the_row(tmp_path: Path) -> None:
    gold, corpus = _synthetic_gold(tmp_path)
    (corpus / "900_synthetic.txt").write_text(SYNTHETIC.replace("3家", "4家"), encoding="utf-8")
    with pytest.raises(ev.GoldError, match=r"row 900-001 .*sha1"):
        ev.evaluate(gold, corpus, extractor=_fake_extractor)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--corpus", "{tmp}/nowhere"], "corpus folder not found"),  # wrong --corpus
        (["--gold", "{tmp}/nowhere"], "gold folder not found"),  # wrong --gold
        (["--show-errors", "-1"], "--show-errors must be 0 or more"),
        (["--show-metric-errors", "-1"], "--show-metric-errors must be 0 or more"),
    ],
)
def test_cli_user_errors_are_clear(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    """User mistakes give exit code 2 and one line on stderr, no traceback."""
    gold, corpus = _synthetic_gold(tmp_path)
    monkeypatch.setattr(extract, "extract_quantities", _fake_extractor)
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    defaults = ["--gold", str(gold), "--corpus", str(corpus)]
    assert ev.main([*defaults, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_prints_table_json_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    gold, corpus = _synthetic_gold(tmp_path)
    monkeypatch.setattr(extract, "extract_quantities", _fake_extractor)
    base = ["--gold", str(gold), "--corpus", str(corpus)]
    assert ev.main([*base, "--show-errors", "5"]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "== wrong (1" in out and "== false_positive (1" in out
    assert ev.main([*base, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["exact"]["tp"] == 2 and "errors" not in data
    assert "metric_errors" not in data and data["metric_ids"]["eligible"] == 3
    assert ev.main([*base, "--show-metric-errors", "3"]) == 0
    out = capsys.readouterr().out
    assert "metric ids: accuracy -" in out and "== metric (0" in out


@pytest.mark.parametrize(
    ("gold", "predicted", "equal"),
    [
        (20000, 20000.0, True),  # int gold vs float prediction
        (2264000000, 2264000000.0000002, True),  # within the 1e-9 relative tolerance
        (604900, 604899.0, False),  # off by one yuan
        ("XXXX-06", "XXXX-06", True),  # dates compare as strings
        ("2023-06", "2023-6", False),  # no date normalisation
        (None, None, True),
        (None, 3.0, False),  # a range where gold has none
        (3, True, False),  # a bool is not a number
    ],
)
def test_values_equal(gold: Any, predicted: Any, equal: bool) -> None:
    assert ev.values_equal(gold, predicted) is equal
