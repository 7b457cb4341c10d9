"""Benchmark the dashboard's pages on a large store: each page cold and warm, and picker sizes.

Why (issues 11 and 12): a supervisor opens pages on stores of 10k-100k notices; the targets are
under 2 s cold and under 1 s warm, and a notice picker must not send every notice to the
browser. Two ways to get a store:

- ``--db FILE``: an existing store (e.g. one ``scripts/bench_scale.py`` ingested from the
  generated corpus), opened read-only as the dashboard does;
- otherwise a synthetic database is built (``create_database`` + bulk inserts from DataFrames:
  realistic row counts, units, kinds, statuses and completion figures, not real text), by
  default 2,000 notices, ~40 problems and ~300 quantities each.

Every page of ``dashboard/app.py`` (its ``PAGES`` table; the Import page is skipped, it writes)
is rendered with AppTest, each page in a fresh child process so "cold" means empty caches: the
first run is the cold time (dashboard modules imported beforehand, as a running server has
them), then ``--repeats`` further sessions are the warm times. A page other than the default
one is timed alone, after the default page has rendered (untimed; AppTest switches pages only
after a first run, and a browser opening the app loads the default page first too), so its
cold time is with the caches the default page filled. For every selectbox/multiselect
the protobuf bytes the server sends are measured; the largest per page is reported as the
picker's payload. AppTest times the script run on the server, not the browser's rendering.

    .venv/bin/python scripts/bench_dashboard.py                      # synthetic, 2,000 notices
    .venv/bin/python scripts/bench_dashboard.py --db /tmp/s/store-10000.duckdb --json -
    .venv/bin/python scripts/bench_dashboard.py --notices 200 --keep /tmp/b.duckdb
    .venv/bin/python scripts/bench_dashboard.py --db /tmp/s/store-10000.duckdb --browser

``--browser`` times the pages in headless Chromium instead (Debian's /usr/bin/chromium through
playwright): each page cold on a freshly started ``streamlit run`` (its first visitor, empty
caches), then reloaded in new tabs (warm), until its title is drawn and Streamlit's running
indicator is gone; the bytes column is everything the websocket delivered on the cold load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.store import create_database  # noqa: E402

APP = REPO / "dashboard" / "app.py"
WARM_TARGET_S = 1.0  # issue 11: under 1 s warm ...
COLD_TARGET_S = 2.0  # ... and under 2 s cold
PICKER_TARGET_BYTES = 200_000  # a picker that sends more is sending (nearly) every notice
WRITES = {"import"}  # pages that write the store: never benchmarked
_PAGE_ROW = re.compile(r'\(\s*"(views/[\w/]+\.py)",\s*"[^"]*",\s*"[^"]*",\s*"(\w+)"\s*\)')


def app_pages() -> dict[str, str | None]:
    """Page slug -> script, read from ``PAGES`` in dashboard/app.py (the first is the default,
    reached without switching: None). Read from the source, not imported: app.py is a script."""
    rows = _PAGE_ROW.findall(APP.read_text(encoding="utf-8"))
    if not rows:
        raise SystemExit(f"bench_dashboard: no PAGES rows found in {APP}")
    return {slug: (None if i == 0 else script) for i, (script, slug) in enumerate(rows)}


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
            "date_value": ["2023-11-30" if d else None for d in is_date],
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
        from extract.store.records import fill_missing_sentences

        fill_missing_sentences(con)  # ingest stores each sentence once; rows written by hand
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _warm_imports() -> None:
    """Import what every page imports, as a running server has done before its first user."""
    import contextlib
    import importlib

    names = ["streamlit", "plotly.graph_objects"] + [
        f"dashboard.{m.stem}"
        for m in sorted((REPO / "dashboard").glob("*.py"))
        if m.stem not in ("app", "__init__")
    ]
    for name in names:
        # a module being edited by someone must not stop the timing: the page reports it
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def picker_payload(at: Any) -> dict[str, Any]:
    """The selectbox/multiselect whose protobuf (what the browser receives) is largest."""
    best: dict[str, Any] = {"label": None, "options": 0, "bytes": 0}
    for kind in ("selectbox", "multiselect"):
        for widget in getattr(at, kind, []):
            proto = getattr(widget, "proto", None)
            size = proto.ByteSize() if proto is not None else 0
            if size > best["bytes"]:
                options = list(getattr(widget, "options", []) or [])
                best = {"label": str(widget.label), "options": len(options), "bytes": size}
    return best


def time_page(page: str, script: str | None, repeats: int) -> dict[str, Any]:
    """Cold and warm seconds of one page (fresh AppTest session each run) and its picker."""
    from streamlit.testing.v1 import AppTest

    picker: dict[str, Any] = {}

    def once() -> float:
        nonlocal picker
        at = AppTest.from_file(str(APP), default_timeout=300)
        started = time.perf_counter()
        at.run()  # the default page: AppTest can switch pages only after a first run
        if script:
            # the page alone, as a user navigating to it waits for it (navigation included)
            started = time.perf_counter()
            at.switch_page(script).run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(str(at.exception[0].value).splitlines()[0])
        picker = picker_payload(at)
        return elapsed

    try:
        cold = once()
        warm = [once() for _ in range(repeats)]
    except Exception as exc:  # one broken page is a row of the table, not the end of the run
        return {"page": page, "error": f"{type(exc).__name__}: {exc}"}
    return {"page": page, "cold_s": cold, "warm_s": warm, "picker": picker}


def time_pages(db: Path, pages: list[str], repeats: int) -> list[dict[str, Any]]:
    """Each page in its own child process (empty caches), results in ``pages`` order."""
    env = {**os.environ, "XUNCHA_DB": str(db)}
    out: list[dict[str, Any]] = []
    for page in pages:
        cmd = [sys.executable, __file__, "--child", page, "--repeats", str(repeats)]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
        if done.returncode != 0 or not lines:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            out.append({"page": page, "error": f"child exited {done.returncode}: {tail}"})
        else:
            out.append(json.loads(lines[-1]))
    return out


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
BROWSER_TIMEOUT_MS = 120_000


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``streamlit run dashboard/app.py`` on ``db`` (read-only), healthy or an exception."""
    import urllib.request

    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    env = {**os.environ, "XUNCHA_DB": str(db), "XUNCHA_READ_ONLY": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited {proc.returncode}: {log.read_text()[-500:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit not healthy after 90 s")


def _browser_load(context: Any, url: str) -> tuple[float, int]:
    """Seconds from navigation until the page's script has finished in the browser (its title
    drawn, Streamlit's running indicator gone), and the websocket bytes it received."""
    tab = context.new_page()
    tab.set_default_timeout(BROWSER_TIMEOUT_MS)
    received = [0]

    def on_socket(ws: Any) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    tab.on("websocket", on_socket)
    started = time.perf_counter()
    tab.goto(url)
    tab.wait_for_selector("[data-testid='stMain'] h1")
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=BROWSER_TIMEOUT_MS,
    )
    elapsed = time.perf_counter() - started
    tab.wait_for_timeout(300)  # frames still in flight belong to this load
    # A store the app cannot open (an older schema, a damaged file) renders fast and small:
    # that is a failed row, not a timing.
    failed = tab.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    problem = failed.first.inner_text()[:200] if failed.count() else ""
    tab.close()
    if problem:
        raise RuntimeError(f"the page shows an error: {problem}")
    return elapsed, received[0]


def time_pages_browser(db: Path, pages: list[str], repeats: int) -> list[dict[str, Any]]:
    """Each page in headless Chromium: cold on a freshly started server (empty caches, its
    first visitor), then ``repeats`` reloads in new tabs (warm), with the bytes the browser
    received over the websocket on the cold load (what the page sends, pickers included)."""
    from playwright.sync_api import sync_playwright

    out: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for page in pages:
            port = _free_port()
            try:
                proc = _serve(db, port, Path(tmp) / f"{page}.log")
            except RuntimeError as exc:
                out.append({"page": page, "error": str(exc)})
                continue
            url = f"http://127.0.0.1:{port}/{page if page != 'overview' else ''}"
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                cold, sent = _browser_load(context, url)
                warm = [_browser_load(context, url)[0] for _ in range(repeats)]
                context.close()
                out.append(
                    {
                        "page": page,
                        "cold_s": cold,
                        "warm_s": warm,
                        "picker": {"label": "websocket", "options": 0, "bytes": sent},
                    }
                )
            except Exception as exc:  # a page that never finishes is a row, not the end
                out.append({"page": page, "error": f"{type(exc).__name__}: {exc}"})
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        browser.close()
    return out


def verdicts(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its warm median and whether each target is met."""
    if "error" in row:
        return {**row, "ok": False}
    median = statistics.median(row["warm_s"]) if row["warm_s"] else row["cold_s"]
    # in --browser mode the bytes are the whole page's websocket traffic, not one picker's
    whole_page = row["picker"].get("label") == "websocket"
    picker_ok = whole_page or row["picker"].get("bytes", 0) < PICKER_TARGET_BYTES
    return {
        **row,
        "warm_median_s": median,
        "cold_ok": row["cold_s"] < COLD_TARGET_S,
        "warm_ok": median < WARM_TARGET_S,
        "picker_ok": picker_ok,
        "ok": row["cold_s"] < COLD_TARGET_S and median < WARM_TARGET_S and picker_ok,
    }


def print_rows(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if "error" in row:
            print(f"{row['page']:10s} FAILED: {row['error']}")
            continue
        p = row["picker"]
        picker = (
            f"sent {p['bytes'] / 1e3:7.1f} kB"
            if p["label"] == "websocket"
            else f"picker {p['bytes'] / 1e3:7.1f} kB ({p['options']} options)"
            if p["label"]
            else ""
        )
        print(
            f"{row['page']:10s} cold {row['cold_s']:6.2f}s {'OK  ' if row['cold_ok'] else 'SLOW'}"
            f"  warm median {row['warm_median_s']:5.2f}s {'OK  ' if row['warm_ok'] else 'SLOW'}"
            f" (n={len(row['warm_s'])})  {picker}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="time this existing store (read-only)")
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--problems", type=int, default=40)
    parser.add_argument("--quantities", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3, help="warm runs per page")
    parser.add_argument("--pages", default="all", help="comma-separated page slugs, or all")
    parser.add_argument("--keep", type=Path, help="write the synthetic database here and keep it")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON (- stdout)")
    parser.add_argument(
        "--browser",
        action="store_true",
        help="time each page in headless Chromium (/usr/bin/chromium) against a real server "
        "instead of AppTest; the byte column is then everything the websocket delivered",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # time one page in this process
    args = parser.parse_args(argv)
    known = app_pages()

    if args.child:
        _warm_imports()
        print(json.dumps(time_page(args.child, known[args.child], args.repeats)))
        return 0

    pages = (
        [p for p in known if p not in WRITES]
        if args.pages == "all"
        else [p.strip() for p in args.pages.split(",") if p.strip()]
    )
    unknown = [p for p in pages if p not in known]
    if unknown:
        parser.error(f"unknown page(s) {unknown}; choose from {list(known)}")

    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            if not args.db.is_file():
                print(f"bench_dashboard: {args.db}: 数据库不存在 / database not found")
                return 2
            path = args.db
        else:
            path = args.keep or Path(tmp) / "bench.duckdb"
            started = time.perf_counter()
            frames = synthesise(args.notices, args.problems, args.quantities)
            build(path, frames)
            print(
                f"built {path}: {len(frames['notices']):,} notices, "
                f"{len(frames['problems']):,} problems, {len(frames['quantities']):,} "
                f"quantities in {time.perf_counter() - started:.1f}s "
                f"({path.stat().st_size / 2**20:.0f} MiB)"
            )
        timed = (time_pages_browser if args.browser else time_pages)(path, pages, args.repeats)
        rows = [verdicts(r) for r in timed]
    if args.json != "-":
        print_rows(rows)
    if args.json:
        payload = json.dumps({"db": str(path), "pages": rows}, ensure_ascii=False, indent=1)
        if args.json == "-":
            print(payload)
        else:
            Path(args.json).write_text(payload + "\n", encoding="utf-8")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
