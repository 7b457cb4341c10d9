"""The optional map (dashboard/geo.py, sql/views/80_v_region_metrics.sql, views/map.py).

Skipped without the ``map`` extra on a user's machine, never under ``CI=true`` (the test install
includes it).
"""

from __future__ import annotations

import os

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
