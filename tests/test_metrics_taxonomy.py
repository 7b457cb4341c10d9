"""Integrity of the metric taxonomy (extract/data/metrics.toml) against ../shared/METRICS.md.

Why: METRICS.md is the contract between the extractor, the store, the dashboard and the
exports; the data file must carry every id it lists, with the same aggregate and at least its
units, and a broken edit of the file must be reported as ``metrics.toml:LINE: …`` naming the
metric or rule, never as a traceback from deep inside the assigner.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from extract.quantities import taxonomy as tx
from extract.quantities.units import LexiconError, load_units

METRICS_MD = Path(__file__).resolve().parents[1].parent / "shared" / "METRICS.md"
_ROW = re.compile(r"^\|\s*([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\s*\|")


def _contract_rows() -> list[list[str]]:
    """The table rows of METRICS.md (id, 中文名, units, aggregate, counts, example)."""
    if not METRICS_MD.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{METRICS_MD} is missing: the taxonomy cannot be checked")
        pytest.skip(f"{METRICS_MD} not found (../shared is not beside the repository)")
    rows = []
    for line in METRICS_MD.read_text(encoding="utf-8").splitlines():
        if _ROW.match(line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert len(rows) >= 60, "the METRICS.md table was not found"
    return rows


def test_version_and_ids() -> None:
    """A version string, unique ids of the family.what shape, family = the part before the dot."""
    tax = tx.taxonomy()
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", tx.TAXONOMY_VERSION)
    ids = [m.id for m in tax.metrics]
    assert len(ids) == len(set(ids))
    assert all(m.family == m.id.split(".")[0] for m in tax.metrics)
    names = [r.name for r in tax.rules()] + [r.name for r in tax.refines]
    assert len(names) == len(set(names)), "rule names are unique"


def test_every_contract_id_is_present_with_its_aggregate_and_units() -> None:
    """Every id of the METRICS.md table, same aggregate, and every table unit the extractor
    knows (点 is not an extractor unit) among the accepted units."""
    by_id = tx.taxonomy().by_id()
    known = {u.unit for u in load_units().values()}
    for row in _contract_rows():
        mid, _name, units, aggregate = row[0], row[1], row[2], row[3]
        assert mid in by_id, f"{mid} of METRICS.md is missing from metrics.toml"
        metric = by_id[mid]
        assert metric.aggregate == aggregate, mid
        wanted = {u for u in units.split() if u in known}
        assert wanted <= set(metric.units), (mid, sorted(wanted - set(metric.units)))


def test_completion_rate_is_the_only_percent_metric() -> None:
    """Percentages carry no id except a stated completion rate (METRICS.md, last paragraph)."""
    percent = [m.id for m in tx.metrics() if "%" in m.units]
    assert percent == ["rect.completion_rate"]
    assert tx.taxonomy().by_id()["rect.completion_rate"].aggregate == "none"


def test_units_and_aggregates_are_valid() -> None:
    """Accepted units are extractor units; the canonical unit is one of them; money is 元."""
    known = {u.unit for u in load_units().values()}
    for m in tx.metrics():
        assert set(m.units) <= known and m.unit in m.units, m.id
        assert m.aggregate in tx.AGGREGATES, m.id
        if "元" in m.units:
            assert m.units == ("元",), f"{m.id}: money is always 元"
        assert m.name_zh and m.name_en and m.description, m.id


def test_every_metric_has_a_chinese_definition() -> None:
    """The Chinese Compare page shows ``description_zh``: every metric has one, written in
    Chinese (Han characters, not a copy of the English), on one line."""
    for m in tx.metrics():
        text = m.description_zh
        assert text.strip() and "\n" not in text, m.id
        assert re.search(r"[\u4e00-\u9fff]", text), f"{m.id}: description_zh is not Chinese"
        assert text != m.description, m.id


def test_metric_rows_for_the_store() -> None:
    """``metric_rows()``: one dict per metric with the store's column names."""
    rows = tx.metric_rows()
    assert len(rows) == len(tx.metrics())
    keys = {"id", "name_zh", "name_en", "family", "unit", "units", "aggregate", "description"}
    keys |= {"description_zh"}
    assert all(set(r) == keys for r in rows)
    first = next(r for r in rows if r["id"] == "discipline.punished")
    assert first["units"] == "人,名,人次" and first["aggregate"] == "sum"


GOOD_METRIC = """version = "1.0.0"
[[metric]]
id = "study.x"
name_zh = "学习"
name_en = "Study"
family = "study"
unit = "次"
units = ["次"]
aggregate = "sum"
description = "d"
description_zh = "学习次数"
rules = [
  { name = "study.x.a", before = ["学习"] },
]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD_METRIC.replace('version = "1.0.0"', ""), "metrics.toml:1: 缺少 version"),
        (GOOD_METRIC.replace('aggregate = "sum"', 'aggregate = "add"'), ":3: metric study.x"),
        (GOOD_METRIC.replace('family = "study"', 'family = "train"'), "family must be"),
        (GOOD_METRIC.replace('units = ["次"]', 'units = ["次", "天天"]'), "not in units.tsv"),
        (GOOD_METRIC.replace('unit = "次"', 'unit = "人"'), "canonical unit must be"),
        (GOOD_METRIC.replace('before = ["学习"]', "priority = 1"), ":13: rule study.x.a"),
        (GOOD_METRIC.replace('before = ["学习"]', 'before = ["学习"], max_gap = -1'), "max_gap"),
        (
            GOOD_METRIC.replace('before = ["学习"]', 'before = ["学习"], exclude = ["学"]'),
            "contain an exclusion",
        ),
        (GOOD_METRIC.replace('name = "study.x.a"', 'name = "other.a"'), "must start with"),
        (
            GOOD_METRIC.replace('before = ["学习"]', 'before = ["学习"], units = ["人"]'),
            "not in the metric's",
        ),
        (GOOD_METRIC.replace("rules = [", "rules = [ {"), "not valid TOML"),
        (GOOD_METRIC + GOOD_METRIC.split("\n", 1)[1], "duplicate"),
        (GOOD_METRIC.replace('before = ["学习"]', 'before = ["学习"], colour = 1'), "unknown keys"),
        # description_zh: the Chinese definition is required (missing, empty, blank, not text).
        (
            GOOD_METRIC.replace('description_zh = "学习次数"\n', ""),
            ":3: metric study.x: 缺少字段 ['description_zh']",
        ),
        (
            GOOD_METRIC.replace('description_zh = "学习次数"', 'description_zh = ""'),
            ":3: metric study.x: 字段 ['description_zh'] 须为非空文本",
        ),
        (
            GOOD_METRIC.replace('description_zh = "学习次数"', 'description_zh = "  "'),
            "['description_zh'] must be non-empty text",
        ),
        (
            GOOD_METRIC.replace('description_zh = "学习次数"', 'description_zh = ["学习"]'),
            "['description_zh'] must be non-empty text",
        ),
        # ... and so is the English one, which the English page shows.
        (GOOD_METRIC.replace('description = "d"', 'description = ""'), "['description']"),
    ],
)
def test_malformed_file_names_file_line_and_culprit(
    tmp_path: Path, text: str, message: str
) -> None:
    """One line, Chinese and English, naming the file, the line and the metric or rule."""
    path = tmp_path / "metrics.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        tx.load_taxonomy(path)
    msg = str(info.value)
    assert msg.startswith("metrics.toml") and "\n" not in msg and message in msg, msg
    assert " / " in msg, "Chinese / English"


def test_good_minimal_file_loads(tmp_path: Path) -> None:
    """The minimal file above is valid: the malformed cases differ from it by one edit."""
    path = tmp_path / "metrics.toml"
    path.write_text(GOOD_METRIC, encoding="utf-8")
    tax = tx.load_taxonomy(path)
    assert tax.version == "1.0.0" and [r.name for r in tax.rules()] == ["study.x.a"]
