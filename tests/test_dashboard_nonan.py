"""No page shows ``nan``, ``None``, ``NaT`` or ``<NA>`` (issue #11): not in text, not in a grid.

Every page of ``PAGES`` in dashboard/app.py (read from the file, so a page added there is covered
without touching this test) runs under AppTest over the real corpus store: plain, in English,
with facets that match a few notices, with facets that match none (empty frames are where NaN
comes from), and with the shared URL parameters (``n``, ``u``, ``m``) set. The detail, 原文
and report pages also run for every corpus notice.

What is checked on each run:

* the text of every element (titles, markdown, captions, alerts, code, metrics, expander and
  tab labels, widget labels and options);
* every ``st.dataframe``/``st.data_editor``: its column names, every text cell, and every
  missing cell — allowed only where the grid has a placeholder to show instead (``—``; the SQL
  page's ``NULL``), since Streamlit otherwise paints ``None``;
* every chart's figure: its strings (category labels, hover text, titles).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from extract.store.saved_queries import saved_queries
from tests import corpus
from tests.dashboard_fixtures import APP, build_ingested_db

TIMEOUT = 90
#: The forbidden renderings, as whole tokens (``None`` inside ``Nonetheless`` is fine).
BAD = re.compile(r"(?<![A-Za-z])(?:nan|NaN|None|NaT|<NA>)(?![A-Za-z])")
#: What a grid may show for a missing cell.
GOOD_PLACEHOLDERS = frozenset({"—", "NULL"})
TEXT_KINDS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "code",
    "latex",
    "text",
)
WIDGET_KINDS = ("selectbox", "multiselect", "radio", "select_slider", "text_input", "checkbox")


def app_pages() -> list[tuple[str, str]]:
    """(script, url path) of every page, as dashboard/app.py lists them in ``PAGES``."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "PAGES" and node.value is not None:
            return [(script, slug) for script, _, _, slug in ast.literal_eval(node.value)]
    raise AssertionError(f"{APP}: no PAGES tuple")


PAGES = app_pages()


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ingested_db(
        tmp_path_factory.mktemp("nonan") / "corpus.duckdb", corpus.corpus_paths()
    )


@pytest.fixture(scope="module")
def corpus_facts(corpus_db: Path) -> dict[str, object]:
    """Values of the corpus to put in URLs: its notices, one unit, one metric, one facet set."""
    from extract.store import open_readonly

    con = open_readonly(corpus_db)
    try:
        notices = [
            r[0] for r in con.execute("SELECT notice_id FROM v_notices ORDER BY 1").fetchall()
        ]
        unit, kind, level, year = con.execute(
            "SELECT inspected_unit, inspection_kind, inspection_level, "
            "CAST(year(feedback_date) AS VARCHAR) FROM v_notices "
            "WHERE inspected_unit IS NOT NULL AND feedback_date IS NOT NULL "
            "ORDER BY notice_id LIMIT 1"
        ).fetchone()
        metric = con.execute(
            "SELECT metric_id FROM v_metric_values GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    return {
        "notices": notices,
        "unit": unit,
        "metric": metric,
        "facets": {"kind": kind, "level": level, "year": year},
    }


def _strings(value: object) -> list[str]:
    """Every string inside a JSON-like value (a chart's figure)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [str(k), *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def leaks(at: AppTest) -> list[str]:
    """Every place the page shows a forbidden token, described for the failure message."""
    found: list[str] = []
    for kind in TEXT_KINDS:
        for el in getattr(at, kind, []):
            if BAD.search(str(el.value)):
                found.append(f"{kind}: {str(el.value)[:200]!r}")
    for el in at.metric:
        for part in (el.label, el.value, getattr(el, "delta", "")):
            if BAD.search(str(part or "")):
                found.append(f"metric: {el.label!r} {el.value!r}")
    for kind in ("expander", "tab", "button", "download_button", "page_link"):
        for el in at.get(kind):
            text = str(getattr(el, "label", "") or getattr(el.proto, "label", ""))
            if BAD.search(text):
                found.append(f"{kind} label: {text!r}")
    for kind in WIDGET_KINDS:
        for el in getattr(at, kind, []):
            parts = [str(el.label), *(str(o) for o in getattr(el, "options", []) or [])]
            found += [f"{kind} {el.label!r}: {p!r}" for p in parts if BAD.search(p)]
    for el in at.dataframe:
        found += _frame_leaks(el.value, el.proto.placeholder, el.key)
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec or "{}")
        bad = sorted({s for s in _strings(spec.get("data", [])) if BAD.fullmatch(s.strip())})
        bad += sorted({s for s in _strings(spec.get("layout", {})) if BAD.fullmatch(s.strip())})
        found += [f"chart: {s!r}" for s in bad]
    return found


def _frame_leaks(frame: pd.DataFrame, placeholder: str, key: str | None) -> list[str]:
    out = [f"grid {key}: column {c!r}" for c in frame.columns if BAD.search(str(c))]
    for column in frame.columns:
        series = frame[column]
        missing = series.isna()
        if missing.any() and placeholder not in GOOD_PLACEHOLDERS:
            out.append(f"grid {key}: {int(missing.sum())} missing cell(s) in {column!r} shown raw")
        texts = series[~missing].map(lambda v: v if isinstance(v, str) else None).dropna()
        out += [f"grid {key}: {column!r} = {v!r}" for v in texts if BAD.search(v)][:3]
    return out


def run_page(db: Path, script: str, query: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XUNCHA_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if query.get("lang"):
        at.session_state["lang"] = query["lang"]
    at.query_params.update(query)
    at.run()
    if script != PAGES[0][0]:
        at.query_params.update(query)  # a page switch may drop them
        at.switch_page(script).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _variants(facts: dict[str, object]) -> dict[str, dict[str, str]]:
    facets = facts["facets"]
    assert isinstance(facets, dict)
    notices = facts["notices"]
    assert isinstance(notices, list)
    return {
        "plain": {},
        "english": {"lang": "en"},
        "facets-some": {k: str(v) for k, v in facets.items() if v},
        "facets-none": {"kind": str(facets["kind"]), "region": "没有这个地区"},
        "params": {"n": notices[0], "u": str(facts["unit"]), "m": str(facts["metric"])},
    }


VARIANTS = ("plain", "english", "facets-some", "facets-none", "params")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("script", "slug"), PAGES, ids=[slug for _, slug in PAGES])
def test_no_nan_on_any_page(
    script: str,
    slug: str,
    variant: str,
    corpus_db: Path,
    corpus_facts: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = run_page(corpus_db, script, _variants(corpus_facts)[variant], monkeypatch)
    assert not leaks(at), leaks(at)


#: Pages that show one notice, and the URL parameter naming it.
PER_NOTICE = (("notice", "id"), ("notice", "n"), ("source", "n"), ("report", "n"))


@pytest.mark.parametrize("index", range(len(corpus.available_paths())))
@pytest.mark.parametrize(("slug", "param"), PER_NOTICE, ids=[f"{s}-{p}" for s, p in PER_NOTICE])
def test_no_nan_on_each_corpus_notice(
    slug: str,
    param: str,
    index: int,
    corpus_db: Path,
    corpus_facts: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripts = {s: script for script, s in PAGES}
    if slug not in scripts:
        pytest.skip(f"no {slug!r} page in dashboard/app.py yet")
    notices = corpus_facts["notices"]
    assert isinstance(notices, list)
    assert len(notices) == len(corpus.available_paths())  # one notice per corpus file
    at = run_page(corpus_db, scripts[slug], {param: notices[index]}, monkeypatch)
    assert not leaks(at), leaks(at)


@pytest.mark.parametrize("name", [q.name for q in saved_queries()])
def test_no_nan_in_a_saved_query_result(
    name: str, corpus_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQL page's grid holds raw SQL results: NULL cells must show as NULL, not None."""
    scripts = {s: script for script, s in PAGES}
    at = run_page(corpus_db, scripts["sql"], {"saved": name}, monkeypatch)
    assert at.dataframe, "the saved query ran from its URL"
    assert not leaks(at), leaks(at)


def test_the_check_catches_what_it_must() -> None:
    """The detector itself, on frames built to fail (so a green run means something)."""
    raw = pd.DataFrame({"a": [1.0, float("nan")], "b": ["x", "nan"], "None": ["y", "z"]})
    found = _frame_leaks(raw, "", "t")
    assert any("missing cell" in f for f in found)
    assert any("'nan'" in f for f in found)
    assert any("column 'None'" in f for f in found)
    assert _frame_leaks(pd.DataFrame({"a": [1.0, float("nan")]}), "—", "t") == []
    assert BAD.search("截至 NaT") and BAD.search("<NA>") and not BAD.search("Nonetheless, nano")
