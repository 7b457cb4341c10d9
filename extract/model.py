"""Typed records shared by the extractor, the notice parser, the store and the dashboard.

These are the contracts between modules: field names here are column names in DuckDB
(``sql/migrations/``) and keys in ``xuncha extract`` JSON lines, so change them together.
:mod:`extract.store.records` maps each record to its table BY NAME, and
``tests/test_model_columns.py`` checks every field against a fresh store's columns, with the
few deliberate differences (``start`` stored as ``start_offset``, ids and versions the store
adds) listed there with a reason each.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from extract.fast_pickle import pickled_by_fields

QuantityKind = Literal[
    "count", "money", "area", "length", "volume", "mass", "percent", "duration", "rank", "date"
]
KINDS: tuple[str, ...] = (
    "count",
    "money",
    "area",
    "length",
    "volume",
    "mass",
    "percent",
    "duration",
    "rank",
    "date",
)

# Fixed set every stated problem status is mapped to (see extract/notice/).
ProblemStatus = Literal[
    "completed", "basically_completed", "in_progress", "not_completed", "long_term"
]
STATUSES: tuple[str, ...] = (
    "completed",
    "basically_completed",
    "in_progress",
    "not_completed",
    "long_term",
)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity found in a text, normalised as ``docs/quantity-spec.md`` says.

    ``value``/``value_high`` are floats for every kind but ``date``, where they are ISO-like
    strings (``2023-11-30``, ``XXXX-06-06``, ``2023-01``, ``2023``) with ``XXXX`` for a year
    that was not written. When the caller passes ``context_year`` and a year was filled in
    from it, ``year_inferred`` is True. ``text[start:end] == surface`` always holds for the
    text the caller passed.
    """

    surface: str
    start: int
    end: int
    kind: str
    value: float | str
    value_high: float | str | None
    unit: str
    approx: bool = False
    year_inferred: bool = False
    metric: str = ""
    sentence_index: int = 0
    qualifier: str = "accurate"  # accurate | blur | blur+ | blur- (JioNLP's taxonomy)
    metric_id: str | None = None  # canonical metric (METRICS.md, extract/data/metrics.toml)
    metric_rule: str | None = None  # the metrics.toml rule that gave metric_id

    @property
    def sentence(self) -> int:
        """Alias of ``sentence_index`` (the issue names the field "sentence index")."""
        return self.sentence_index

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the same field names as the attributes."""
        return asdict(self)


@dataclass(slots=True)
class Problem:
    """One node of a notice's problem tree (a 反馈问题 or a sub-item of one).

    ``path`` is the numbering chain, e.g. ``二/(一)/3/(2)``; attachments live under a path
    starting with ``附件``. ``start``/``end`` delimit the node's whole span (title and
    rectification text, children included) in the notice's canonical text, so a quantity at
    offset ``o`` belongs to the deepest problem whose span contains ``o``.
    """

    path: str
    parent_path: str | None
    level: int
    label: str  # the marker as written: "二、", "(一)", "3.", "①", "一是"
    title: str  # the problem statement
    rectification: str = ""  # what was done; feedback problems only ("" for sections, measures)
    status: str | None = None  # one of STATUSES, or None when not stated
    status_text: str | None = None  # the words the status was read from
    start: int = 0
    end: int = 0
    is_problem: bool = True  # False for nodes that are measures/sections, not feedback problems
    # A feedback problem whose sub-items are feedback problems too (``1.政治站位不高`` over
    # ``一是…二是…``): a heading of listed problems, not one more problem. A notice's problem
    # count is its leaves, ``is_problem and not is_group``; counting both doubles it.
    is_group: bool = False


@dataclass(slots=True)
class Completion:
    """Completion figures from a summary sentence, stated vs recomputed, and their audit.

    The audit (``extract/notice/completion.py``, ENGINEERING_NOTES §11) gives every notice one
    ``verdict``: ``consistent`` (at least one check passed, none failed), ``inconsistency`` (a
    stated figure cannot follow from the others within its rounding) or ``not_checkable``
    (nothing to compare: silence is never read as consistency). ``formula`` names the rate
    formula that matched (or, for an inconsistency, the plain one that was tried), ``tolerance``
    the half unit of the stated rate's last decimal (``98%`` ±0.5, ``95.2%`` ±0.05) and
    ``evidence`` the offsets of each figure read, as ``(role, start, end)``.
    """

    total: int | None = None
    completed: int | None = None
    basically_completed: int | None = None
    not_completed: int | None = None
    long_term: int | None = None
    in_progress: int | None = None
    stated_rate: float | None = None  # percent, 95.2 not 0.952
    computed_rate: float | None = None  # from the parts (completed / total * 100)
    status_rate: float | None = None  # from the per-problem statuses, when any are stated
    consistent: bool | None = None  # None when nothing can be checked
    issues: list[str] = field(default_factory=list)  # what disagrees, in words
    sentence: str = ""
    start: int = 0
    end: int = 0
    verdict: str = "not_checkable"  # consistent | inconsistency | not_checkable
    formula: str | None = None  # e.g. "completed/total", "(completed+basically)/total"
    tolerance: float | None = None  # percentage points, from the stated rate's decimals
    rate_surface: str | None = None  # the stated rate as written ("完成率95.2%")
    scope: str | None = None  # what the total counts: problems | tasks | measures (None: unsaid)
    listed_problems: int | None = None  # leaf feedback problems the notice lists (its body)
    stated_problems: list[int] = field(default_factory=list)  # problem counts the summary states
    evidence: list[tuple[str, int, int]] = field(default_factory=list)  # (role, start, end)


@dataclass(slots=True)
class Anomaly:
    """A numbering or structure fault worth keeping (skipped number, duplicate paragraph…)."""

    kind: str
    location: str  # a problem path or a short description of where
    detail: str
    start: int | None = None


@dataclass(slots=True)
class NoticeMeta:
    """Metadata of a notice. Dates are ``datetime.date``; inferred years are listed."""

    title: str = ""
    issuer: str | None = None
    inspected_unit: str | None = None
    inspection_body: str | None = None
    inspection_level: str | None = None  # 中央 | 省 | 市 | 县区
    inspection_kind: str | None = None  # 巡视 | 巡察
    inspection_group: int | None = None
    inspection_round: int | None = None
    inspection_type: str | None = None  # 常规 | 专项 | 回头看 (comma-joined when several)
    inspection_start: date | None = None
    inspection_end: date | None = None
    feedback_date: date | None = None
    as_of_date: date | None = None
    signed_date: date | None = None
    published_date: date | None = None
    region: str | None = None
    rectification_days: int | None = None
    # names of the date fields whose year was inferred from the surrounding dates
    inferred_dates: list[str] = field(default_factory=list)
    # How precise each date above is: 'day' | 'month' | 'year' (None when the date is None).
    # A month- or year-precise date is stored as the first day of its period (2021-03 ->
    # 2021-03-01 with precision 'month'), so it stays a DATE yet is never read as a day.
    inspection_start_precision: str | None = None
    inspection_end_precision: str | None = None
    feedback_date_precision: str | None = None
    as_of_date_precision: str | None = None
    signed_date_precision: str | None = None
    published_date_precision: str | None = None
    # the page's own address: a URL line at the top of the scrape or its canonical link
    source_url: str | None = None


@dataclass(slots=True)
class ParsedNotice:
    """Everything the notice parser understood about one notice."""

    meta: NoticeMeta
    problems: list[Problem]
    completion: Completion | None
    anomalies: list[Anomaly]
