"""Fixture databases for the dashboard tests (datasette-style ``tests/fixtures.py``).

``build_fixture_db`` makes a small, fully controlled database: three fictional notices with
problems, quantities, completion and anomalies, offsets computed from the text so provenance
is exact. ``build_ingested_db`` runs the real ingest over the sample notices in ``data/`` (or
any folder), which is what users see. Rows are written with a read-write connection that is
closed before any test opens the file read-only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from extract.store import create_database
from extract.store.records import fill_missing_sentences

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "app.py"
SAMPLES = REPO / "data"

# Page scripts as AppTest.switch_page expects them (relative to the entry point's folder).
PAGES = {
    "overview": "views/overview.py",
    "compare": "views/compare.py",
    "explorer": "views/explorer.py",
    "detail": "views/detail.py",
    "sql": "views/sql.py",
    "source": "views/source.py",
    "unit": "views/unit.py",
    "units": "views/units.py",
    "trends": "views/trends.py",
    "map": "views/map.py",
    "report": "views/report.py",
    "import": "views/upload.py",
}


@dataclass
class Q:
    """One quantity to place in a sentence: its surface must occur in that sentence.

    ``metric_id`` is its canonical metric (None: unassigned); ``restates`` is the surface of an
    earlier quantity of the same notice that this one restates (an 附件 copying the body).
    """

    surface: str
    kind: str
    value: float | None
    unit: str
    metric: str = ""
    metric_id: str | None = None
    value_high: float | None = None
    date_value: str | None = None
    approx: bool = False
    restates: str | None = None


@dataclass
class S:
    """One sentence, optionally inside a problem (by path), with the quantities in it."""

    text: str
    problem: str | None = None
    quantities: list[Q] = field(default_factory=list)


@dataclass
class N:
    """One fictional notice."""

    notice_id: str
    unit: str
    body: str
    sentences: list[S]
    problems: list[tuple[str, str, str | None]]  # (path, title, status)
    completion: dict[str, object] | None = None
    anomalies: list[tuple[str, str, str]] = field(default_factory=list)
    dates: dict[str, date] = field(default_factory=dict)
    rectification_days: int | None = 90
    # <date>_precision of a date written without its day or month (all others are 'day').
    precisions: dict[str, str] = field(default_factory=dict)


# What the fixture covers on the metric side (the Compare page's no-false-sums rules):
# * a restated figure: a1's 附件 restates 17次 (study.collective) — counted once;
# * percents: a1 95.2%, b2 90% (rect.completion_rate, aggregate none) — never totalled;
# * a `none` metric: economy.output in a1 (3亿元) and b2 (8亿元 and 8.2亿元: disagreeing) —
#   side by side, never totalled, b2 has no single value;
# * one metric in two units: training.participants 300余人 (a1) and 500人次 (b2);
# * headline: rect.problems_total 10个 (a1) + 20个 (b2); sum: funds.recovered 2000万元 + 500万元;
# * unassigned: 1000亩 (整治撂荒土地), 2-3公里 (新建道路) — the coverage panel's to-do list.
NOTICES: list[N] = [
    N(
        notice_id="a1a1a1a1a1a1a1a1",
        unit="示例县农业农村局",
        body="县委第一巡察组",
        dates={
            "inspection_start": date(2023, 4, 12),
            "inspection_end": date(2023, 6, 13),
            "feedback_date": date(2023, 8, 29),
            "as_of_date": date(2023, 11, 30),
            "signed_date": date(2023, 12, 20),
        },
        problems=[
            ("一", "理论学习不够深入", "completed"),
            ("一/(一)", "学习制度落实不到位", "completed"),
            ("二", "项目资金管理不规范", "basically_completed"),
        ],
        sentences=[
            S(
                "截至2023年11月30日,反馈的10个问题已完成9个。",
                None,
                [
                    Q("2023年11月30日", "date", None, "日", date_value="2023-11-30"),
                    Q("10个", "count", 10, "个", "问题", "rect.problems_total"),
                    Q("9个", "count", 9, "个", "已完成", "rect.problems_completed"),
                ],
            ),
            S(
                "组织专题学习17次,培训干部300余人。",
                "一/(一)",
                [
                    Q("17次", "count", 17, "次", "专题学习", "study.collective"),
                    Q(
                        "300余人",
                        "count",
                        300,
                        "人",
                        "培训干部",
                        "training.participants",
                        approx=True,
                    ),
                ],
            ),
            S(
                "追回资金2000万元,完成率95.2%。",
                "二",
                [
                    Q("2000万元", "money", 20_000_000, "元", "追回资金", "funds.recovered"),
                    Q("95.2%", "percent", 95.2, "%", "完成率", "rect.completion_rate"),
                ],
            ),
            S(
                "整治撂荒土地1000亩<含试点>。",
                "二",
                [
                    Q("1000亩", "area", 1000, "亩", "整治撂荒土地"),
                ],
            ),
            S(
                "全县实现税收收入3亿元。",
                None,
                [Q("3亿元", "money", 300_000_000, "元", "税收收入", "economy.output")],
            ),
            S(
                "附件:组织专题学习17次。",
                None,
                [Q("17次", "count", 17, "次", "专题学习", "study.collective", restates="17次")],
            ),
        ],
        completion={
            "total": 10,
            "completed": 9,
            "basically_completed": 1,
            "not_completed": 0,
            "long_term": 0,
            "stated_rate": 100.0,
            "computed_rate": 90.0,
            "consistent": False,
            "issues": "stated 100% but 9/10 completed",
        },
        anomalies=[("skipped_number", "二/(二)", "编号从(一)跳到(三)")],
    ),
    N(
        notice_id="b2b2b2b2b2b2b2b2",
        unit="示例市财政局",
        body="市委第三巡察组",
        # Fed back in 2024年3月 (no day): stored as 2024-03-01, precision 'month', shown 2024-03;
        # no rectification days, since the feedback day is unknown (v_notices).
        dates={
            "feedback_date": date(2024, 3, 1),
            "as_of_date": date(2024, 6, 30),
            "signed_date": date(2024, 7, 10),
        },
        precisions={"feedback_date": "month"},
        rectification_days=None,
        problems=[
            ("一", "学习贯彻不够到位", "completed"),
            ("二", "专项资金使用效益不高", "long_term"),
        ],
        sentences=[
            S(
                "开展集中学习12次。",
                "一",
                [Q("12次", "count", 12, "次", "集中学习", "study.collective")],
            ),
            S(
                "统筹专项资金1.5亿元用于民生项目。",
                "二",
                [
                    Q("1.5亿元", "money", 150_000_000, "元", "专项资金", "funds.invested"),
                ],
            ),
            S(
                "新建道路2-3公里。",
                "二",
                [
                    Q("2-3公里", "length", 2, "公里", "新建道路", value_high=3),
                ],
            ),
            S(
                "反馈的20个问题,完成率90%。",
                None,
                [
                    Q("20个", "count", 20, "个", "问题", "rect.problems_total"),
                    Q("90%", "percent", 90, "%", "完成率", "rect.completion_rate"),
                ],
            ),
            S(
                "追回资金500万元,培训干部500人次。",
                "二",
                [
                    Q("500万元", "money", 5_000_000, "元", "追回资金", "funds.recovered"),
                    Q("500人次", "count", 500, "人次", "培训干部", "training.participants"),
                ],
            ),
            S(
                "税收收入8亿元,另一口径税收收入8.2亿元。",
                None,
                [
                    Q("8亿元", "money", 800_000_000, "元", "税收收入", "economy.output"),
                    Q("8.2亿元", "money", 820_000_000, "元", "税收收入", "economy.output"),
                ],
            ),
        ],
        completion={
            "total": 20,
            "completed": 18,
            "basically_completed": 1,
            "not_completed": 0,
            "long_term": 1,
            "stated_rate": 90.0,
            "computed_rate": 90.0,
            "consistent": True,
            "issues": "",
        },
    ),
    N(
        notice_id="c3c3c3c3c3c3c3c3",
        unit="示例区教育局",
        body="区委第二巡察组",
        dates={},
        rectification_days=None,
        problems=[],
        sentences=[
            S(
                '=HYPERLINK("x")共排查隐患45处。',
                None,
                [
                    Q("45处", "count", 45, "处", "排查隐患", "hazards.found_rectified"),
                ],
            )
        ],
    ),
]

TAXONOMY_VERSION = "fixture"


def _rows(notice: N) -> tuple[dict, list[dict], list[dict]]:
    title = f"【虚构示例】{notice.unit}关于巡察整改进展情况的通报"
    text = title + "\n" + "".join(s.text for s in notice.sentences)
    quantities: list[dict] = []
    first_id: dict[str, int] = {}
    offset = len(title) + 1
    paths = [p for p, _, _ in notice.problems]
    for index, sentence in enumerate(notice.sentences):
        for q in sentence.quantities:
            local = sentence.text.index(q.surface)
            quantity_id = len(quantities) + 1
            first_id.setdefault(q.surface, quantity_id)
            quantities.append(
                {
                    "notice_id": notice.notice_id,
                    "quantity_id": quantity_id,
                    "problem_id": paths.index(sentence.problem) + 1 if sentence.problem else None,
                    "problem_path": sentence.problem,
                    "sentence_index": index,
                    "sentence_start": offset,
                    "sentence_end": offset + len(sentence.text),
                    "start_offset": offset + local,
                    "end_offset": offset + local + len(q.surface),
                    "surface": q.surface,
                    "kind": q.kind,
                    "value": q.value,
                    "value_high": q.value_high,
                    "date_value": q.date_value,
                    "date_high": None,
                    "unit": q.unit,
                    "approx": q.approx,
                    "qualifier": "blur+" if q.approx else "accurate",
                    "year_inferred": False,
                    "metric": q.metric,
                    "metric_id": q.metric_id,
                    "metric_rule": f"{q.metric_id}.fixture" if q.metric_id else None,
                    "taxonomy_version": TAXONOMY_VERSION if q.metric_id else None,
                    "restates_quantity_id": first_id[q.restates] if q.restates else None,
                }
            )
        offset += len(sentence.text)
    problems = [
        {
            "notice_id": notice.notice_id,
            "problem_id": i + 1,
            "path": path,
            "parent_path": path.rsplit("/", 1)[0] if "/" in path else None,
            "level": path.count("/") + 1,
            "label": path.rsplit("/", 1)[-1] + "、",
            "title": title_,
            "rectification": "",
            "status": status,
            "status_text": status,
            "start_offset": 0,
            "end_offset": len(text),
            "is_problem": True,
        }
        for i, (path, title_, status) in enumerate(notice.problems)
    ]
    meta = {
        "notice_id": notice.notice_id,
        "source_path": f"fixtures/{notice.notice_id}.txt",
        "source_format": "txt",
        "encoding": "utf-8",
        "file_sha256": notice.notice_id * 4,
        "title": title,
        "text": text,
        "char_count": len(text),
        "ingested_at": datetime(2024, 8, 1, 12, 0),
        "extractor_version": "fixture",
        "issuer": f"中共{notice.unit}委员会",
        "inspected_unit": notice.unit or None,
        "inspection_body": notice.body,
        "inspection_level": "县区",
        "inspection_kind": "巡察",
        "rectification_days": notice.rectification_days,
        **notice.dates,
        **{f"{k}_precision": notice.precisions.get(k, "day") for k in notice.dates},
    }
    return meta, problems, quantities


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))


def build_fixture_db(path: Path, notices: list[N] | None = None) -> Path:
    """Create ``path`` with the schema and the fixture notices; return the path."""
    create_database(path)
    con = duckdb.connect(str(path))
    try:
        for notice in NOTICES if notices is None else notices:
            meta, problems, quantities = _rows(notice)
            _insert(con, "notices", meta)
            for row in problems:
                _insert(con, "problems", row)
            for row in quantities:
                _insert(con, "quantities", row)
            if notice.completion is not None:
                _insert(con, "completion", {"notice_id": notice.notice_id, **notice.completion})
            for i, (kind, location, detail) in enumerate(notice.anomalies, start=1):
                _insert(
                    con,
                    "anomalies",
                    {
                        "notice_id": notice.notice_id,
                        "anomaly_id": i,
                        "kind": kind,
                        "location": location,
                        "detail": detail,
                    },
                )
        # Rows written by hand have no stored sentences; ingest writes them (records.py).
        fill_missing_sentences(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def build_empty_db(path: Path) -> Path:
    """A database with the schema and no notices (what a fresh install has)."""
    create_database(path)
    return path


@functools.cache
def _ingest_problem() -> str | None:
    """Why the real ingest cannot run yet (a module of the pipeline missing), or None."""
    import tempfile

    from extract.ingest import ingest_paths
    from tests.notice_factory import write_notice

    with tempfile.TemporaryDirectory() as tmp:
        src = write_notice(Path(tmp), "probe.txt")
        summary = ingest_paths([src], Path(tmp) / "probe.duckdb")
        errors = [r.error or "" for r in summary.results if r.status == "failed"]
    missing = [e for e in errors if "ImportError" in e or "ModuleNotFoundError" in e]
    return missing[0] if missing else None


def require_ingest() -> None:
    """Skip (with the reason) while a module the ingest needs is still being written."""
    problem = _ingest_problem()
    if problem:
        pytest.skip(f"ingest pipeline incomplete: {problem}")


def build_ingested_db(path: Path, sources: list[Path]) -> Path:
    """Ingest ``sources`` with the real pipeline; skip the test when none exist."""
    files = [p for p in sources if p.exists()]
    if not files:
        pytest.skip("no sample notices to ingest")
    require_ingest()
    from extract.ingest import ingest_paths

    summary = ingest_paths(files, path)
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    return path


def sample_notice_files() -> list[Path]:
    """The sample notices shipped in ``data/`` (txt, md, html)."""
    return sorted(
        p for p in SAMPLES.glob("*") if p.suffix.lower() in {".txt", ".md", ".html", ".htm"}
    )
