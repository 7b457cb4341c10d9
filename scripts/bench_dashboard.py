"""Benchmark the dashboard on a large store: 2,000 notices, ~40 problems and ~300 quantities each.

Builds a synthetic database (``create_database`` + bulk inserts from DataFrames: realistic
row counts, units, kinds, statuses and completion figures, not real text), then renders the
Overview and Compare pages with AppTest: once to warm the caches, then ``--repeats`` times,
and prints the seconds per page. Target: under 2 s each with warm caches.

    .venv/bin/python scripts/bench_dashboard.py            # 2,000 notices
    .venv/bin/python scripts/bench_dashboard.py --notices 200 --keep /tmp/b.duckdb
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.store import create_database  # noqa: E402

APP = REPO / "dashboard" / "app.py"
PAGES = {
    "overview": None,
    "compare": "views/compare.py",
    "explorer": "views/explorer.py",
    "detail": "views/detail.py",
}
TARGET_S = 2.0

# (kind, unit, metric phrase, canonical metric id or None, typical value, scale of variation) —
# figures as notices write them; about a third carry no id, as in real notices.
QUANTITY_TYPES: list[tuple[str, str, str, str | None, float, float]] = [
    ("count", "次", "专题学习", "study.collective", 12, 10),
    ("count", "次", "集中学习", "study.collective", 8, 6),
    ("count", "个", "问题", "rect.problems_total", 30, 20),
    ("count", "人", "处理干部", "discipline.punished", 15, 12),
    ("count", "项", "制度", "rules.created_revised", 10, 8),
    ("count", "户", "走访群众", None, 2000, 1800),
    ("money", "元", "追回资金", "funds.recovered", 5e6, 4e6),
    ("money", "元", "专项资金", "funds.invested", 3e7, 2e7),
    ("area", "亩", "整治土地", "land.illegal_rectified", 800, 600),
    ("area", "平方米", "拆除违建", "land.illegal_rectified", 20000, 15000),
    ("length", "公里", "新建道路", None, 12, 10),
    ("percent", "%", "完成率", "rect.completion_rate", 90, 9),
    ("duration", "天", "整改期限", None, 90, 60),
    ("date", "日", "截至", None, 0, 0),
]
UNITS = [
    "农业农村局",
    "财政局",
    "教育局",
    "卫生健康委",
    "开发区",
    "住建局",
    "交通运输局",
    "自然资源局",
    "供销社",
    "水利局",
]
PLACES = ["青禾市", "云岭县", "松陵区", "南溪县", "北川市", "东湖区", "西山县", "临江市"]
STATUSES = ["completed", "basically_completed", "in_progress", "not_completed", "long_term"]


def synthesise(
    n_notices: int, n_problems: int, n_quantities: int, seed: int = 7
) -> dict[str, pd.DataFrame]:
    """DataFrames for notices, problems, quantities, completion and anomalies."""
    rng = np.random.default_rng(seed)
    ids = [f"{i:016x}" for i in range(1, n_notices + 1)]
    start = date(2021, 1, 1)
    days = rng.integers(0, 4 * 365, n_notices)
    units = [
        f"{PLACES[i % len(PLACES)]}{UNITS[(i // len(PLACES)) % len(UNITS)]}"
        for i in range(n_notices)
    ]
    feedback = [start + timedelta(days=int(d)) for d in days]
    notices = pd.DataFrame(
        {
            "notice_id": ids,
            "source_path": [f"bench/{i}.txt" for i in ids],
            "source_format": "txt",
            "encoding": "utf-8",
            "file_sha256": [i * 4 for i in ids],
            "title": [f"【合成】{u}关于巡察整改进展情况的通报" for u in units],
            "char_count": rng.integers(8000, 60000, n_notices),
            "ingested_at": datetime(2025, 1, 1),
            "extractor_version": "bench",
            "issuer": [f"中共{u}委员会" for u in units],
            "inspected_unit": units,
            "inspection_body": [f"市委第{g}巡察组" for g in rng.integers(1, 9, n_notices)],
            "inspection_level": "市",
            "inspection_kind": "巡察",
            "inspection_start": [f - timedelta(days=150) for f in feedback],
            "inspection_end": [f - timedelta(days=80) for f in feedback],
            "feedback_date": feedback,
            "as_of_date": [f + timedelta(days=90) for f in feedback],
            "signed_date": [f + timedelta(days=110) for f in feedback],
            "rectification_days": 90,
        }
    )

    p_notice = np.repeat(ids, n_problems)
    p_id = np.tile(np.arange(1, n_problems + 1), n_notices)
    top = (p_id - 1) // 5 + 1
    sub = (p_id - 1) % 5
    paths = [f"{t}" if s == 0 else f"{t}/({s})" for t, s in zip(top, sub, strict=True)]
    problems = pd.DataFrame(
        {
            "notice_id": p_notice,
            "problem_id": p_id,
            "path": paths,
            "parent_path": [None if "/" not in p else p.split("/")[0] for p in paths],
            "level": np.where(sub == 0, 1, 2),
            "label": "一、",
            "title": [f"问题{p}:落实不到位" for p in paths],
            "rectification": "",
            "status": rng.choice(STATUSES, len(p_id), p=[0.7, 0.15, 0.05, 0.03, 0.07]),
            "status_text": "",
            "start_offset": 0,
            "end_offset": 1,
            "is_problem": True,
        }
    )

    total_q = n_notices * n_quantities
    q_notice = np.repeat(ids, n_quantities)
    q_id = np.tile(np.arange(1, n_quantities + 1), n_notices)
    types = rng.integers(0, len(QUANTITY_TYPES), total_q)
    kind = np.array([t[0] for t in QUANTITY_TYPES])[types]
    unit = np.array([t[1] for t in QUANTITY_TYPES])[types]
    metric = np.array([t[2] for t in QUANTITY_TYPES])[types]
    metric_id = np.array([t[3] for t in QUANTITY_TYPES], dtype=object)[types]
    typical = np.array([t[4] for t in QUANTITY_TYPES])[types]
    spread = np.array([t[5] for t in QUANTITY_TYPES])[types]
    value = np.round(np.abs(typical + rng.normal(0, 1, total_q) * spread), 2)
    surface = [f"{v:g}{u}" for v, u in zip(value, unit, strict=True)]
    sentences = [f"{m}{s}。" for m, s in zip(metric, surface, strict=True)]
    problem_of = rng.integers(1, n_problems + 1, total_q)
    q_paths = np.array(paths[:n_problems], dtype=object)[problem_of - 1]
    # Schema v2 stores sentences once, in notices.text: each notice's text is its sentences
    # one after another, and a quantity keeps its sentence's offsets.
    sentence_len = np.array([len(x) for x in sentences], dtype=np.int64)
    ends = sentence_len.reshape(n_notices, n_quantities).cumsum(axis=1).ravel()
    sentence_start = ends - sentence_len
    notices["text"] = [
        "".join(sentences[i * n_quantities : (i + 1) * n_quantities]) for i in range(n_notices)
    ]
    metric_len = np.array([len(m) for m in metric])
    surface_len = np.array([len(s) for s in surface])
    is_date = kind == "date"
    # A few figures restate the one before (a summary or an 附件 repeating the body).
    restates = np.where((rng.random(total_q) < 0.03) & (q_id > 1), q_id - 1, np.nan)
    quantities = pd.DataFrame(
        {
            "notice_id": q_notice,
            "quantity_id": q_id,
            "problem_id": problem_of,
            "problem_path": q_paths,
            "sentence_index": q_id,
            "sentence_start": sentence_start,
            "sentence_end": ends,
            "start_offset": sentence_start + metric_len,
            "end_offset": sentence_start + metric_len + surface_len,
            "surface": surface,
            "kind": kind,
            "value": np.where(is_date, np.nan, value),
            "value_high": np.nan,
            "date_value": np.where(is_date, "2023-11-30", None),
            "date_high": None,
            "unit": unit,
            "approx": rng.random(total_q) < 0.1,
            "qualifier": "accurate",
            "year_inferred": False,
            "metric": metric,
            "metric_id": metric_id,
            "metric_rule": [f"{m}.bench" if m else None for m in metric_id],
            "taxonomy_version": ["bench" if m else None for m in metric_id],
            "restates_quantity_id": pd.array(restates, dtype="Int32"),
        }
    )

    counts = problems.groupby(["notice_id", "status"]).size().unstack(fill_value=0)
    completion = pd.DataFrame(
        {
            "notice_id": counts.index,
            "total": n_problems,
            "completed": counts.get("completed", 0).to_numpy(),
            "basically_completed": counts.get("basically_completed", 0).to_numpy(),
            "not_completed": counts.get("not_completed", 0).to_numpy(),
            "long_term": counts.get("long_term", 0).to_numpy(),
            "in_progress": counts.get("in_progress", 0).to_numpy(),
        }
    )
    completion["computed_rate"] = completion["completed"] / n_problems * 100
    completion["stated_rate"] = np.where(
        rng.random(len(completion)) < 0.1, 100.0, completion["computed_rate"].round(1)
    )
    completion["consistent"] = (completion["stated_rate"] - completion["computed_rate"]).abs() < 1
    anomalies = pd.DataFrame(
        {
            "notice_id": ids[::10],
            "anomaly_id": 1,
            "kind": "skipped_number",
            "location": "二/(三)",
            "detail": "编号跳号",
        }
    )
    return {
        "notices": notices,
        "problems": problems,
        "quantities": quantities,
        "completion": completion,
        "anomalies": anomalies,
    }


def build(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Write the frames into a fresh database made by ``create_database``."""
    if path.exists():
        path.unlink()
    create_database(path)
    con = duckdb.connect(str(path))
    try:
        for table, frame in frames.items():
            con.register("frame", frame)
            columns = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame")
            con.unregister("frame")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def time_page(page: str, repeats: int) -> tuple[float, list[float]]:
    """(cold seconds, warm seconds per repeat) for one page in a fresh AppTest session each."""
    from streamlit.testing.v1 import AppTest

    def once() -> float:
        at = AppTest.from_file(str(APP), default_timeout=300)
        started = time.perf_counter()
        at.run()
        if PAGES[page]:
            # Navigation itself is timed too: it is what a user waits for.
            at.switch_page(PAGES[page]).run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
        return elapsed

    cold = once()
    return cold, [once() for _ in range(repeats)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--problems", type=int, default=40)
    parser.add_argument("--quantities", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pages",
        default="overview,compare",
        help="comma-separated: overview, compare, explorer, detail",
    )
    parser.add_argument("--keep", type=Path, help="write the database here and keep it")
    args = parser.parse_args(argv)
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown page(s) {unknown}; choose from {list(PAGES)}")

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        frames = synthesise(args.notices, args.problems, args.quantities)
        build(path, frames)
        print(
            f"built {path}: {len(frames['notices']):,} notices, "
            f"{len(frames['problems']):,} problems, {len(frames['quantities']):,} quantities "
            f"in {time.perf_counter() - started:.1f}s ({path.stat().st_size / 2**20:.0f} MiB)"
        )
        os.environ["XUNCHA_DB"] = str(path)
        failed = False
        for page in pages:
            cold, warm = time_page(page, args.repeats)
            best, median = min(warm), statistics.median(warm)
            verdict = "OK" if median < TARGET_S else "SLOW"
            failed = failed or median >= TARGET_S
            print(
                f"{page:9s} cold {cold:6.2f}s   warm median {median:5.2f}s "
                f"(best {best:.2f}s, n={len(warm)})   target < {TARGET_S:g}s: {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
