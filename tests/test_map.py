"""The optional map (dashboard/geo.py, sql/views/80_v_region_metrics.sql, views/map.py).

Skipped without the ``map`` extra on a user's machine, never under ``CI=true`` (the test install
includes it).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from dashboard import geo

pytestmark = pytest.mark.skipif(
    not geo.available() and os.environ.get("CI") != "true",
    reason="optional map extra not installed (pip install 'xuncha[map]')",
)

CODE_CASES = [
    # (region text as notices.region holds it, province code, city code or "", what it covers)
    ("聊城市东昌府区", "370000", "371500", "a district places in its city and province"),
    ("东营市", "370000", "370500", "a prefecture-level city"),
    ("上海市浦东新区", "310000", "310000", "a municipality: its city-level outline is itself"),
    ("新疆", "650000", "", "a province written without its suffix: no city is known"),
    ("秦皇岛", "130000", "130300", "a city written without 市, as a zone name carries it"),
]
REJECT_CASES = [
    # (region text, why it must not be placed)
    ("某县", "cpca matches the bare suffix 县 to a county of 重庆; nothing named is a place"),
    ("市委", "an organ, not a place"),
    ("高新区", "a zone word with no place before it"),
]


@pytest.mark.parametrize(("text", "province", "city", "why"), CODE_CASES)
def test_region_codes(text: str, province: str, city: str, why: str) -> None:
    code = geo.region_codes([text])[text]
    assert (code.province, code.city) == (province, city), why
    assert code.code("province") == province


@pytest.mark.parametrize(("text", "why"), REJECT_CASES)
def test_region_codes_never_guess(text: str, why: str) -> None:
    assert text not in geo.region_codes([text]), why


@pytest.mark.parametrize("level", geo.LEVELS)
def test_outlines_are_closed_thin_rings(level: str) -> None:
    shapes = geo.outlines(level)
    assert len(shapes) >= 34 if level == "province" else len(shapes) >= 300
    for outline in shapes.values():
        assert len(outline.code) == 6 and outline.code.isdigit() and outline.rings
        for ring in outline.rings:
            assert ring[0] == ring[-1] and len(ring) <= geo.MAX_RING_POINTS + 2


def _store() -> duckdb.DuckDBPyConnection:
    from pathlib import Path

    con = duckdb.connect()
    con.execute("CREATE TABLE notices (notice_id VARCHAR, region VARCHAR)")
    con.execute(
        "CREATE TABLE v_metric_values (notice_id VARCHAR, metric_id VARCHAR, metric_name VARCHAR,"
        " metric_name_en VARCHAR, family VARCHAR, unit VARCHAR, aggregate VARCHAR, value DOUBLE,"
        " any_approx BOOLEAN)"
    )
    con.execute(
        "INSERT INTO notices VALUES ('a', '聊城市'), ('b', '聊城市东昌府区'), ('c', '东营市'),"
        " ('d', NULL)"
    )
    con.execute(
        "INSERT INTO v_metric_values VALUES"
        " ('a', 'm', 'M', 'M', 'f', '次', 'sum', 3, false),"
        " ('b', 'm', 'M', 'M', 'f', '次', 'sum', 4, false),"
        " ('c', 'm', 'M', 'M', 'f', '次', 'sum', 5, false),"
        " ('d', 'm', 'M', 'M', 'f', '次', 'sum', 9, false),"
        " ('a', 'r', 'R', 'R', 'f', '%', 'none', 50, false),"
        " ('b', 'r', 'R', 'R', 'f', '%', 'none', 70, false)"
    )
    view = Path(__file__).resolve().parents[1] / "sql" / "views" / "80_v_region_metrics.sql"
    con.execute(view.read_text(encoding="utf-8"))
    return con


VIEW_CASES = [
    # (notice ids or None, metric, expected {place: value}, what it covers)
    (None, "m", {"371500": 7.0, "370500": 5.0}, "counts add over the texts of one place"),
    (None, "r", {"371500": 60.0}, "rates take the median, never a sum"),
    (["a", "c"], "m", {"371500": 3.0, "370500": 5.0}, "facets filter before aggregating"),
]


@pytest.mark.parametrize(("ids", "metric", "expected", "why"), VIEW_CASES)
def test_region_metric_values(
    ids: list[str] | None, metric: str, expected: dict[str, float], why: str
) -> None:
    from dashboard import data_map

    con = _store()
    pred = "TRUE" if ids is None else "n.notice_id IN (SELECT unnest(?))"
    con.execute("CREATE VIEW v_notices AS SELECT * FROM notices")
    params = () if ids is None else (tuple(ids),)
    texts = ["聊城市", "聊城市东昌府区", "东营市"]
    got = data_map.region_metric_values(
        con, metric, pred, params, texts, ["371500", "371500", "370500"]
    )
    assert dict(zip(got["place"], got["value"], strict=True)) == expected, why
    assert set(got["notices"]) <= {1, 2}, "a notice without a region is never on the map"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests import corpus
    from tests.dashboard_fixtures import build_ingested_db

    samples = sorted((Path(__file__).resolve().parents[1] / "data").rglob("*.txt"))
    path = tmp_path_factory.mktemp("map") / "map.duckdb"
    return build_ingested_db(path, [*corpus.corpus_paths(), *samples])


@pytest.mark.parametrize("geo_level", ["province", "city"])
def test_map_page_draws_placed_regions_and_lists_the_rest(
    corpus_store: Path, monkeypatch: pytest.MonkeyPatch, geo_level: str
) -> None:
    """Over the real corpus and the fictional samples: real places are coloured, the samples'
    fictional towns (青禾市 …) are listed as not placed, and the level is ``geo``, never the
    ``level`` facet (which once swallowed it and filtered every notice out)."""
    from streamlit.testing.v1 import AppTest

    from tests.dashboard_fixtures import APP

    monkeypatch.setenv("XUNCHA_DB", str(corpus_store))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"m": "rect.problems_total", "geo": geo_level})
    at.run()
    at.switch_page("views/map.py").run()
    assert not at.exception, [e.value for e in at.exception]
    charts = at.get("plotly_chart")
    assert charts, f"a map is drawn: {[c.value for c in at.caption]} {[i.value for i in at.info]}"
    import json

    figure = json.loads(charts[0].proto.spec)
    coloured = [t for t in figure["data"] if t.get("fill") and t.get("hoverinfo") == "text"]
    assert coloured or geo_level == "city", "a real province is coloured"
    names = {t["name"] for t in coloured}
    assert names <= {o.name for o in geo.outlines(geo_level).values()}
    grids = [df.value for df in at.dataframe]
    unplaced = " ".join(" ".join(map(str, g.iloc[:, 0])) for g in grids)
    assert not any(n in unplaced for n in names), "a place is drawn or listed, never both"
    assert not (names & {"青禾市", "松岭市", "云岭县"}), "fictional towns are never guessed"
    assert "city" not in str(at.query_params.get("level", "")), "geo is not the level facet"
