"""Score the quantity extractor against the hand-checked gold set in ``tests/gold/``.

Why this exists: the extractor is tuned on five real notices, and without a fixed yardstick
every change to it is judged by eye. The gold rows hold offsets and a hash, never the corpus
text (the notices must not be copied into the repository), so this module reads each sentence
back from the corpus folder, checks it is the text that was annotated, runs
``extract.extract_quantities(sentence)`` on it (no ``context_year``: gold keeps unwritten years
as ``XXXX``) and counts, per kind and overall:

* **detection**: a prediction is right when its span equals a gold span;
* **exact**: span, kind, value, value_high and unit all equal (numbers with a relative
  tolerance of 1e-9, date strings exactly);
* **approx accuracy**: over span-matched pairs, how often the ``approx`` flag agrees.

Precision counts a false positive under the kind the extractor gave it; recall counts a miss
under the gold kind.

A row may instead carry its sentence itself in ``"text"`` (then ``file``/``start``/``end``/``sha1``
are not needed): that is how the held-out set in ``tests/heldout/`` stores sentences we composed
ourselves, which are not corpus text. Such rows need no corpus folder.

**Metric ids** are scored beside F1 (``Quantity.metric_id``, METRICS.md). A gold quantity may
carry ``"metric_id"`` (``null`` = a careful reader gives none; the key absent = not labelled).
Matching is by exact span. Three figures: *accuracy* = right ids / labelled quantities the
extractor found (a labelled null is right when we assign None); *precision* = right /
assigned, over those labelled quantities; *coverage* = share of the extracted count, money
and area quantities that get an id. A folder may also hold ``metrics.jsonl``, a metric-only
set of composed sentences (rows ``{"id", "text", "covers", "metrics": [{"surface", "start",
"end", "metric_id"}]}``), scored the same way and reported on its own line.

Run it as ``python -m extract.evaluate [--gold DIR] [--corpus DIR] [--json] [--show-errors N]
[--show-metric-errors N]`` (``--gold tests/heldout`` scores the held-out set).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extract.evaluate_options import (
    DEFAULT_CORPUS_DIR,
    DEFAULT_GOLD_DIR,
    DESCRIPTION,
    add_arguments,
)
from extract.model import KINDS

REL_TOL = 1e-9
ROW_KEYS = ("id", "file", "start", "end", "sha1", "quantities")
TEXT_ROW_KEYS = ("id", "text", "quantities")  # a row carrying its own sentence
QUANTITY_KEYS = ("surface", "start", "end", "kind", "value", "value_high", "unit", "approx")
METRIC_SET_FILE = "metrics.jsonl"  # the metric-only set; not a quantity gold file
METRIC_ROW_KEYS = ("id", "text", "metrics")
METRIC_KEYS = ("surface", "start", "end", "metric_id")
COVERAGE_KINDS = frozenset({"count", "money", "area"})
LEVELS = ("detection", "exact")

Extractor = Callable[[str], Sequence[Any]]


class GoldError(Exception):
    """A problem with the gold files or the corpus that the user must fix (no traceback)."""


class ExtractorUnavailable(GoldError):
    """``extract.extract_quantities`` cannot be imported or called yet."""


@dataclass(frozen=True, slots=True)
class GoldQuantity:
    """One annotated quantity; offsets are relative to its sentence."""

    surface: str
    start: int
    end: int
    kind: str
    value: float | str
    value_high: float | str | None
    unit: str
    approx: bool
    metric_id: str | None = None
    metric_labelled: bool = False  # False: the row says nothing about the metric id


@dataclass(frozen=True, slots=True)
class GoldRow:
    """One annotated sentence: where it is in its corpus file and every quantity in it.

    ``text`` is set for rows that carry their own sentence (no corpus file); ``file`` is then
    empty, ``start``/``end`` delimit the whole text and ``sha1`` is computed from it.
    """

    id: str
    file: str
    start: int
    end: int
    sha1: str
    covers: str
    quantities: tuple[GoldQuantity, ...]
    source: str = ""  # "000.jsonl:12", for error messages
    text: str | None = None  # the sentence itself, for rows not taken from the corpus


@dataclass(slots=True)
class Counts:
    """True positives, false positives and false negatives for one kind at one level."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted (nothing wrong was said)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (1.0 when there is nothing to count)."""
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def add(self, other: Counts) -> None:
        """Accumulate another kind's counts (used for the overall row)."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass(slots=True)
class ErrorCase:
    """One disagreement, kept so ``--show-errors`` can print it with its sentence context.

    ``category`` is ``miss`` (gold span not predicted), ``false_positive`` (predicted span not in
    gold), ``wrong`` (span right, some field wrong), ``approx`` (only the flag differs) or
    ``crash`` (the extractor raised on this sentence).
    """

    category: str
    row_id: str
    context: str
    gold: dict[str, Any] | None = None
    predicted: dict[str, Any] | None = None
    fields: list[str] = field(default_factory=list)


@dataclass(slots=True)
class MetricScore:
    """Metric-id agreement over labelled quantities, and coverage over extracted ones."""

    labelled: int = 0  # labelled quantities that the extractor found (same span)
    right: int = 0  # of those, the id agrees (None == null counts)
    assigned: int = 0  # of those, we gave an id
    assigned_right: int = 0  # ... and it is the labelled one
    not_found: int = 0  # labelled quantities the extractor did not find
    eligible: int = 0  # extracted count/money/area quantities
    with_id: int = 0  # of those, given an id
    errors: list[ErrorCase] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        """Right ids / labelled quantities found; None when nothing is labelled."""
        return self.right / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        """Right / assigned over labelled quantities; None when we assigned none."""
        return self.assigned_right / self.assigned if self.assigned else None

    @property
    def coverage(self) -> float | None:
        """Share of extracted count/money/area quantities that got an id."""
        return self.with_id / self.eligible if self.eligible else None

    def summary(self) -> dict[str, Any]:
        """JSON-ready counts and the three figures (errors left out)."""
        out = {k: getattr(self, k) for k in ("labelled", "right", "assigned", "assigned_right")}
        out |= {"not_found": self.not_found, "eligible": self.eligible, "with_id": self.with_id}
        out |= {"accuracy": self.accuracy, "precision": self.precision, "coverage": self.coverage}
        return out

    def score(self, row_id: str, context: str, gold_id: str | None, pred: dict[str, Any]) -> None:
        """Add one labelled quantity that the extractor found."""
        got = pred.get("metric_id")
        self.labelled += 1
        if got is not None:
            self.assigned += 1
        if got == gold_id:
            self.right += 1
            self.assigned_right += got is not None
            return
        self.errors.append(
            ErrorCase(
                "metric",
                row_id,
                context,
                gold={"metric_id": gold_id},
                predicted={"metric_id": got, "metric_rule": pred.get("metric_rule")},
            )
        )

    def cover(self, predictions: Iterable[dict[str, Any]]) -> None:
        """Count the extracted count/money/area quantities of one sentence, and their ids."""
        for p in predictions:
            if p.get("kind") in COVERAGE_KINDS:
                self.eligible += 1
                self.with_id += p.get("metric_id") is not None


@dataclass(slots=True)
class EvalReport:
    """Per-kind counts for both levels, approx agreement, and the error cases."""

    detection: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    exact: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    approx_matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    approx_agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    gold_per_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    predicted_per_kind: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    rows_without_quantities: int = 0
    errors: list[ErrorCase] = field(default_factory=list)
    metrics: MetricScore = field(default_factory=MetricScore)

    def counts(self, kind: str | None = None, level: str = "exact") -> Counts:
        """Counts for one kind, or summed over all kinds when ``kind`` is None."""
        table = self._table(level)
        if kind is not None:
            return table.get(kind, Counts())
        total = Counts()
        for c in table.values():
            total.add(c)
        return total

    def f1(self, kind: str | None = None, level: str = "exact") -> float:
        """F1 for ``kind`` (None = overall) at ``level`` ("detection" or "exact")."""
        return self.counts(kind, level).f1

    def precision(self, kind: str | None = None, level: str = "exact") -> float:
        """Precision for ``kind`` (None = overall) at ``level``."""
        return self.counts(kind, level).precision

    def recall(self, kind: str | None = None, level: str = "exact") -> float:
        """Recall for ``kind`` (None = overall) at ``level``."""
        return self.counts(kind, level).recall

    def approx_accuracy(self, kind: str | None = None) -> float | None:
        """Share of span-matched pairs whose ``approx`` flag agrees; None when none matched."""
        kinds = [kind] if kind is not None else list(self.approx_matched)
        matched = sum(self.approx_matched.get(k, 0) for k in kinds)
        agree = sum(self.approx_agree.get(k, 0) for k in kinds)
        return agree / matched if matched else None

    def kinds_in_gold(self) -> list[str]:
        """Kinds that have at least one gold quantity, in the order of ``KINDS``."""
        return [k for k in KINDS if self.gold_per_kind.get(k, 0)]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (counts, P/R/F1 per kind and overall, errors)."""
        kinds = list(dict.fromkeys([*KINDS, *self.detection, *self.exact]))

        def scores(kind: str | None) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for level in LEVELS:
                c = self.counts(kind, level)
                out[level] = {**asdict(c), "precision": c.precision, "recall": c.recall, "f1": c.f1}
            out["approx_accuracy"] = self.approx_accuracy(kind)
            return out

        return {
            "rows": self.rows,
            "rows_without_quantities": self.rows_without_quantities,
            "gold_per_kind": self.gold_per_kind,
            "predicted_per_kind": self.predicted_per_kind,
            "overall": scores(None),
            "per_kind": {k: scores(k) for k in kinds},
            "metric_ids": self.metrics.summary(),
            "errors": [asdict(e) for e in self.errors],
            "metric_errors": [asdict(e) for e in self.metrics.errors],
        }

    def _table(self, level: str) -> dict[str, Counts]:
        if level == "detection":
            return self.detection
        if level == "exact":
            return self.exact
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")


# ---------------------------------------------------------------- gold loading and checking


def load_gold(gold_dir: Path) -> list[GoldRow]:
    """Read every ``*.jsonl`` in ``gold_dir``; malformed rows raise :class:`GoldError`."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"gold folder not found: {gold_dir}")
    files = sorted(p for p in gold_dir.glob("*.jsonl") if p.name != METRIC_SET_FILE)
    if not files:
        raise GoldError(f"no *.jsonl gold files in {gold_dir}")
    rows: list[GoldRow] = []
    seen: dict[str, str] = {}
    for path in files:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{where}: not valid JSON ({exc.msg})") from None
            row = _row_from_json(raw, where)
            if row.id in seen:
                raise GoldError(f"{where}: duplicate row id {row.id!r} (also {seen[row.id]})")
            seen[row.id] = where
            rows.append(row)
    return rows


def _row_from_json(raw: Any, where: str) -> GoldRow:
    if not isinstance(raw, dict):
        raise GoldError(f"{where}: a row must be a JSON object")
    has_text = "text" in raw
    missing = [k for k in (TEXT_ROW_KEYS if has_text else ROW_KEYS) if k not in raw]
    if missing:
        raise GoldError(f"{where}: row lacks {', '.join(missing)}")
    if not isinstance(raw["quantities"], list):
        raise GoldError(f"{where}: 'quantities' must be a list")
    quantities = []
    for i, q in enumerate(raw["quantities"]):
        if not isinstance(q, dict) or any(k not in q for k in QUANTITY_KEYS):
            raise GoldError(
                f"{where} (row {raw['id']}): quantity #{i} must be an object with keys "
                + ", ".join(QUANTITY_KEYS)
            )
        metric_id = q.get("metric_id")
        if metric_id is not None and not isinstance(metric_id, str):
            raise GoldError(f"{where} (row {raw['id']}): quantity #{i} metric_id must be a string")
        quantities.append(
            GoldQuantity(
                **{k: q[k] for k in QUANTITY_KEYS},
                metric_id=metric_id,
                metric_labelled="metric_id" in q,
            )
        )
    if has_text:
        text = raw["text"]
        if not isinstance(text, str) or not text.strip():
            raise GoldError(f"{where} (row {raw['id']}): 'text' must be a non-empty string")
        return GoldRow(
            id=str(raw["id"]),
            file="",
            start=0,
            end=len(text),
            sha1=sentence_sha1(text),
            covers=str(raw.get("covers", "")),
            quantities=tuple(quantities),
            source=where,
            text=text,
        )
    for key in ("start", "end"):
        if not isinstance(raw[key], int) or raw[key] < 0:
            raise GoldError(f"{where} (row {raw['id']}): '{key}' must be a non-negative integer")
    return GoldRow(
        id=str(raw["id"]),
        file=str(raw["file"]),
        start=raw["start"],
        end=raw["end"],
        sha1=str(raw["sha1"]),
        covers=str(raw.get("covers", "")),
        quantities=tuple(quantities),
        source=where,
    )


def sentence_sha1(sentence: str) -> str:
    """First 12 hex digits of the SHA-1 of the UTF-8 sentence: what rows store as ``sha1``."""
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:12]


class CorpusReader:
    """Reads corpus files once (as UTF-8, exactly as on disk) and slices sentences from them."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = Path(corpus_dir)
        if not self.corpus_dir.is_dir():
            raise GoldError(
                f"corpus folder not found: {self.corpus_dir} (pass --corpus DIR; the notices "
                "live outside the repository, in ../shared/corpus)"
            )
        self._texts: dict[str, str] = {}

    def text(self, name: str) -> str:
        """Whole text of one corpus file; newlines are kept as on disk (no translation)."""
        if name not in self._texts:
            path = self.corpus_dir / name
            if not path.is_file():
                raise GoldError(f"corpus file {name} not found in {self.corpus_dir}")
            try:
                with path.open(encoding="utf-8", newline="") as fh:
                    self._texts[name] = fh.read()
            except UnicodeDecodeError as exc:
                raise GoldError(f"corpus file {name} is not UTF-8: {exc}") from None
        return self._texts[name]

    def sentence(self, row: GoldRow) -> str:
        """The annotated sentence of ``row``; a hash mismatch is a :class:`GoldError`."""
        if row.text is not None:
            return row.text
        text = self.text(row.file)
        if not 0 <= row.start < row.end <= len(text):
            raise GoldError(
                f"row {row.id} ({row.source}): offsets {row.start}-{row.end} fall outside "
                f"{row.file} ({len(text)} characters)"
            )
        sentence = text[row.start : row.end]
        digest = sentence_sha1(sentence)
        if digest != row.sha1:
            raise GoldError(
                f"row {row.id} ({row.source}): sha1 of {row.file}[{row.start}:{row.end}] is "
                f"{digest}, the row says {row.sha1}: the corpus file changed or the offsets "
                "are wrong"
            )
        return sentence


# ---------------------------------------------------------------- scoring


def default_extractor() -> Extractor:
    """``extract.extract_quantities``, looked up at call time so tests can monkeypatch it."""
    try:
        import extract

        func = extract.extract_quantities
        if getattr(func, "__module__", None) == "extract":
            # The package's wrapper imports the implementation lazily: import it now, so a
            # missing extractor is reported once and clearly instead of as 300 crashes.
            impl = importlib.import_module("extract.quantities.extractor")
            if not callable(getattr(impl, "extract_quantities", None)):
                raise ImportError("extract.quantities.extractor has no extract_quantities()")
    except Exception as exc:  # any failure here means "no usable extractor yet"
        raise ExtractorUnavailable(
            f"the quantity extractor is not usable yet: {type(exc).__name__}: {exc}"
        ) from None
    return func


def values_equal(gold: float | str | None, predicted: Any) -> bool:
    """Numbers equal within ``REL_TOL``; strings (dates) and None exactly."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if isinstance(gold, str) or isinstance(predicted, str):
        return isinstance(gold, str) and isinstance(predicted, str) and gold == predicted
    if isinstance(predicted, bool):
        return False
    try:
        return math.isclose(float(gold), float(predicted), rel_tol=REL_TOL, abs_tol=0.0)
    except (TypeError, ValueError):
        return False


def _predicted_dict(q: Any) -> dict[str, Any]:
    """The fields we score, from a ``Quantity`` or any object/dict with the same names."""
    get = q.get if isinstance(q, dict) else lambda k, d=None: getattr(q, k, d)
    return {k: get(k) for k in (*QUANTITY_KEYS, "metric_id", "metric_rule")}


def _mismatched_fields(gold: GoldQuantity, pred: dict[str, Any]) -> list[str]:
    bad = []
    if pred["kind"] != gold.kind:
        bad.append("kind")
    if not values_equal(gold.value, pred["value"]):
        bad.append("value")
    if not values_equal(gold.value_high, pred["value_high"]):
        bad.append("value_high")
    if pred["unit"] != gold.unit:
        bad.append("unit")
    return bad


def _context(sentence: str, start: int, end: int, width: int = 18) -> str:
    left = max(0, start - width)
    right = min(len(sentence), end + width)
    return (
        ("…" if left else "")
        + sentence[left:start]
        + "⟦"
        + sentence[start:end]
        + "⟧"
        + sentence[end:right]
        + ("…" if right < len(sentence) else "")
    )


def score_sentence(
    report: EvalReport, row: GoldRow, sentence: str, predictions: Iterable[Any]
) -> None:
    """Add one sentence's gold-vs-predicted comparison to ``report``."""
    gold_by_span = {(q.start, q.end): q for q in row.quantities}
    used: set[tuple[int, int]] = set()
    for q in row.quantities:
        report.gold_per_kind[q.kind] = report.gold_per_kind.get(q.kind, 0) + 1
    preds = [_predicted_dict(raw) for raw in predictions]
    report.metrics.cover(preds)
    for pred in preds:
        kind = str(pred["kind"])
        report.predicted_per_kind[kind] = report.predicted_per_kind.get(kind, 0) + 1
        report.detection.setdefault(kind, Counts())
        report.exact.setdefault(kind, Counts())
        span = (pred["start"], pred["end"])
        gold = gold_by_span.get(span) if span not in used else None
        if gold is None:
            report.detection[kind].fp += 1
            report.exact[kind].fp += 1
            start, end = _clamped(span, len(sentence))
            report.errors.append(
                ErrorCase("false_positive", row.id, _context(sentence, start, end), predicted=pred)
            )
            continue
        used.add(span)
        if gold.metric_labelled:
            report.metrics.score(row.id, _context(sentence, *span), gold.metric_id, pred)
        report.detection[gold.kind].tp += 1
        report.approx_matched[gold.kind] = report.approx_matched.get(gold.kind, 0) + 1
        if bool(pred["approx"]) == gold.approx:
            report.approx_agree[gold.kind] = report.approx_agree.get(gold.kind, 0) + 1
        bad = _mismatched_fields(gold, pred)
        if bad:
            report.exact[gold.kind].fn += 1
            report.exact[kind].fp += 1
            report.errors.append(
                ErrorCase(
                    "wrong",
                    row.id,
                    _context(sentence, *span),
                    gold=asdict(gold),
                    predicted=pred,
                    fields=bad,
                )
            )
        else:
            report.exact[gold.kind].tp += 1
            if bool(pred["approx"]) != gold.approx:
                report.errors.append(
                    ErrorCase(
                        "approx",
                        row.id,
                        _context(sentence, *span),
                        gold=asdict(gold),
                        predicted=pred,
                        fields=["approx"],
                    )
                )
    for q in row.quantities:
        if (q.start, q.end) not in used:
            report.metrics.not_found += q.metric_labelled
            report.detection[q.kind].fn += 1
            report.exact[q.kind].fn += 1
            report.errors.append(
                ErrorCase("miss", row.id, _context(sentence, q.start, q.end), gold=asdict(q))
            )


def _clamped(span: tuple[Any, Any], n: int) -> tuple[int, int]:
    try:
        start, end = int(span[0]), int(span[1])
    except (TypeError, ValueError):
        return 0, 0
    start = min(max(start, 0), n)
    return start, min(max(end, start), n)


def evaluate(
    gold_dir: Path = DEFAULT_GOLD_DIR,
    corpus_dir: Path = DEFAULT_CORPUS_DIR,
    extractor: Extractor | None = None,
) -> EvalReport:
    """Score ``extractor`` (default: ``extract.extract_quantities``) on every gold row.

    Raises :class:`GoldError` for a missing folder, a malformed row or a sha1 mismatch, and
    :class:`ExtractorUnavailable` when no extractor can be imported. The corpus folder is only
    required when some row points into it (rows with their own ``text`` do not). An exception
    raised by the extractor on one sentence is recorded as a ``crash`` error and its gold
    quantities count as misses, so one bad sentence does not hide the rest of the score.
    """
    rows = load_gold(gold_dir)
    # Opened before the extractor is looked up: the clearest error for a wrong --corpus.
    corpus = CorpusReader(corpus_dir) if any(row.text is None for row in rows) else None
    func = extractor if extractor is not None else default_extractor()
    report = EvalReport()
    for row in rows:
        if row.text is not None:
            sentence = row.text
        else:
            assert corpus is not None  # opened above whenever a row lacks text
            sentence = corpus.sentence(row)
        report.rows += 1
        if not row.quantities:
            report.rows_without_quantities += 1
        try:
            predictions = list(func(sentence))
        except Exception as exc:  # an extractor bug must not stop the scoring
            report.errors.append(
                ErrorCase(
                    "crash",
                    row.id,
                    sentence[:60],
                    predicted={"error": f"{type(exc).__name__}: {exc}"},
                )
            )
            predictions = []
        score_sentence(report, row, sentence, predictions)
    return report


# ---------------------------------------------------------------- command line


def format_table(report: EvalReport) -> str:
    """Plain-text table: one line per kind with gold or predicted items, then the overall."""
    head = (
        f"{'kind':<9} {'gold':>5} {'pred':>5} | {'det P':>6} {'det R':>6} {'det F1':>6} | "
        f"{'ex P':>6} {'ex R':>6} {'ex F1':>6} | {'approx':>6}"
    )
    lines = [head, "-" * len(head)]
    kinds = [
        k
        for k in dict.fromkeys([*KINDS, *report.predicted_per_kind])
        if report.gold_per_kind.get(k, 0) or report.predicted_per_kind.get(k, 0)
    ]

    def line(label: str, kind: str | None) -> str:
        d, e = report.counts(kind, "detection"), report.counts(kind, "exact")
        gold = (
            sum(report.gold_per_kind.values())
            if kind is None
            else report.gold_per_kind.get(kind, 0)
        )
        pred = (
            sum(report.predicted_per_kind.values())
            if kind is None
            else report.predicted_per_kind.get(kind, 0)
        )
        acc = report.approx_accuracy(kind)
        acc_s = f"{acc:6.3f}" if acc is not None else f"{'-':>6}"
        return (
            f"{label:<9} {gold:>5} {pred:>5} | {d.precision:6.3f} {d.recall:6.3f} "
            f"{d.f1:6.3f} | {e.precision:6.3f} {e.recall:6.3f} {e.f1:6.3f} | {acc_s}"
        )

    lines += [line(k, k) for k in kinds]
    lines.append("-" * len(head))
    lines.append(line("overall", None))
    lines.append(
        f"{report.rows} sentences ({report.rows_without_quantities} without quantities); "
        "det = exact span, ex = span+kind+value+value_high+unit, "
        "approx = flag agreement over matched spans"
    )
    crashes = sum(1 for e in report.errors if e.category == "crash")
    if crashes:
        lines.append(f"WARNING: the extractor raised on {crashes} sentence(s); see --show-errors")
    lines.append(format_metric_line("metric ids", report.metrics))
    return "\n".join(lines)


def _share(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "-"


def format_metric_line(label: str, score: MetricScore) -> str:
    """One line: metric-id accuracy, precision and coverage with their counts."""
    missing = f", {score.not_found} labelled not extracted" if score.not_found else ""
    return (
        f"{label}: accuracy {_share(score.accuracy)} ({score.right}/{score.labelled} labelled"
        f"{missing}), precision {_share(score.precision)} ({score.assigned_right}/"
        f"{score.assigned} assigned), coverage {_share(score.coverage)} ({score.with_id}/"
        f"{score.eligible} count/money/area)"
    )


def format_metric_errors(score: MetricScore, limit: int) -> str:
    """Up to ``limit`` metric-id disagreements with their context and the rule that fired."""
    cases = score.errors
    out = [f"\n== metric ({len(cases)}, showing {min(limit, len(cases))})"]
    for e in cases[:limit]:
        gold = (e.gold or {}).get("metric_id")
        pred = e.predicted or {}
        rule = f" by {pred.get('metric_rule')}" if pred.get("metric_rule") else ""
        out.append(
            f"{e.row_id}  {e.context}\n          gold: {gold}; got: {pred.get('metric_id')}{rule}"
        )
    return "\n".join(out)


# ---------------------------------------------------------------- the metric-only set


def load_metric_set(path: Path) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Rows ``(id, text, metrics)`` of a ``metrics.jsonl``; malformed rows raise GoldError."""
    rows: list[tuple[str, str, list[dict[str, Any]]]] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{Path(path).name}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(raw, dict) or any(k not in raw for k in METRIC_ROW_KEYS):
            raise GoldError(f"{where}: a row needs {', '.join(METRIC_ROW_KEYS)}")
        text, items = raw["text"], raw["metrics"]
        if not isinstance(text, str) or not text or not isinstance(items, list):
            raise GoldError(f"{where}: 'text' must be a string and 'metrics' a list")
        for i, item in enumerate(items):
            if not isinstance(item, dict) or any(k not in item for k in METRIC_KEYS):
                raise GoldError(f"{where}: metric #{i} needs {', '.join(METRIC_KEYS)}")
            if text[item["start"] : item["end"]] != item["surface"]:
                raise GoldError(f"{where}: metric #{i} surface does not match its offsets")
        rows.append((str(raw["id"]), text, items))
    return rows


def evaluate_metric_set(path: Path, extractor: Extractor | None = None) -> MetricScore:
    """Score metric ids on a metric-only set (``metrics.jsonl``), spans matched exactly."""
    rows = load_metric_set(path)
    func = extractor if extractor is not None else default_extractor()
    score = MetricScore()
    for row_id, text, items in rows:
        try:
            preds = [_predicted_dict(q) for q in func(text)]
        except Exception:  # an extractor bug must not stop the scoring
            preds = []
        score.cover(preds)
        by_span = {(p["start"], p["end"]): p for p in preds}
        for item in items:
            pred = by_span.get((item["start"], item["end"]))
            if pred is None:
                score.not_found += 1
                continue
            context = _context(text, item["start"], item["end"])
            score.score(row_id, context, item["metric_id"], pred)
    return score


def _describe(q: dict[str, Any] | None) -> str:
    if not q:
        return "-"
    if "error" in q:
        return str(q["error"])
    high = f"..{q.get('value_high')}" if q.get("value_high") is not None else ""
    approx = " ~" if q.get("approx") else ""
    return f"{q.get('kind')} {q.get('value')}{high} {q.get('unit')}{approx}"


def format_errors(report: EvalReport, limit: int) -> str:
    """Up to ``limit`` cases of each error category, with the sentence context."""
    out: list[str] = []
    order = ("crash", "miss", "false_positive", "wrong", "approx")
    for category in order:
        cases = [e for e in report.errors if e.category == category]
        if not cases:
            continue
        out.append(f"\n== {category} ({len(cases)}, showing {min(limit, len(cases))})")
        for e in cases[:limit]:
            detail = f"gold: {_describe(e.gold)}" if e.gold else ""
            if e.predicted:
                detail += ("; " if detail else "") + f"predicted: {_describe(e.predicted)}"
            if e.fields:
                detail += f" [differs: {', '.join(e.fields)}]"
            out.append(f"{e.row_id}  {e.context}\n          {detail}")
    return "\n".join(out)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options of ``python -m extract.evaluate`` (the same as ``xuncha evaluate``)."""
    p = argparse.ArgumentParser(prog="python -m extract.evaluate", description=DESCRIPTION)
    add_arguments(p)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns 0 on success and 2 on a user error (message on stderr)."""
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """Score and print, for parsed ``args``; 0 on success, 2 on a user error."""
    for option in ("show_errors", "show_metric_errors"):
        if getattr(args, option) < 0:
            print(f"error: --{option.replace('_', '-')} must be 0 or more", file=sys.stderr)
            return 2
    metric_set_path = Path(args.gold) / METRIC_SET_FILE
    try:
        report = evaluate(args.gold, args.corpus)
        metric_set = evaluate_metric_set(metric_set_path) if metric_set_path.is_file() else None
    except GoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        data = report.to_dict()
        if not args.show_errors:
            data.pop("errors")
        if metric_set is not None:
            data["metric_set"] = metric_set.summary()
            if args.show_metric_errors:
                data["metric_set_errors"] = [asdict(e) for e in metric_set.errors]
        if not args.show_metric_errors:
            data.pop("metric_errors")
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(format_table(report))
        if metric_set is not None:
            print(format_metric_line(f"metric set ({METRIC_SET_FILE})", metric_set))
        if args.show_errors:
            print(format_errors(report, args.show_errors))
        if args.show_metric_errors:
            print(format_metric_errors(report.metrics, args.show_metric_errors))
            if metric_set is not None:
                print(format_metric_errors(metric_set, args.show_metric_errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
