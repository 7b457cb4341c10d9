"""Typed records shared by the extractor, the notice parser, the store and the dashboard.

These are the contracts between modules: field names here are column names in DuckDB
(``sql/001_schema.sql``) and keys in ``xuncha extract`` JSON lines, so change them together.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

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


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity found in a text, normalised as ``QUANTITY_SPEC.md`` says.

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


@dataclass(slots=True)
class Completion:
    """Completion figures from a summary sentence, stated vs recomputed."""

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


@dataclass(slots=True)
class ParsedNotice:
    """Everything the notice parser understood about one notice."""

    meta: NoticeMeta
    problems: list[Problem]
    completion: Completion | None
    anomalies: list[Anomaly]
