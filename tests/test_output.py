"""Shared output options (extract/output.py): every format, headers, missing values, widths."""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from extract.output import FORMATS, add_output_options, render

FRAME = pd.DataFrame(
    {
        "单位": ["某县水利局", "市场监管局"],
        "value": [17.0, float("nan")],
        "amount": [Decimal("2000.5"), None],
        "day": [date(2023, 6, 1), pd.NaT],
    }
)

CASES = [
    # (format, headers, expected text, what it covers)
    (
        "csv",
        True,
        "单位,value,amount,day\n某县水利局,17,2000.5,2023-06-01\n市场监管局,,,\n",
        "CSV: whole floats without .0, missing values empty",
    ),
    (
        "tsv",
        False,
        "某县水利局\t17\t2000.5\t2023-06-01\n市场监管局\t\t\t\n",
        "TSV without the header row",
    ),
    (
        "nl",
        True,
        '{"单位": "某县水利局", "value": 17.0, "amount": 2000.5, "day": "2023-06-01"}\n'
        '{"单位": "市场监管局", "value": null, "amount": null, "day": null}\n',
        "newline-delimited JSON: missing values are null, text stays Chinese",
    ),
]


@pytest.mark.parametrize(("fmt", "headers", "expected", "why"), CASES)
def test_formats(fmt: str, headers: bool, expected: str, why: str) -> None:
    assert render(FRAME, fmt, headers=headers) == expected, why


def test_json_is_one_array() -> None:
    data = json.loads(render(FRAME, "json"))
    assert [row["单位"] for row in data] == ["某县水利局", "市场监管局"]
    assert data[1]["value"] is None


def test_table_aligns_wide_characters_and_shows_missing_as_dash() -> None:
    text = render(FRAME, "table")
    lines = text.splitlines()
    assert lines[0].startswith("单位") and set(lines[1]) <= {"-", " "}
    assert "—" in lines[3] and "nan" not in text and "None" not in text and "NaT" not in text
    # 某县水利局 is five wide characters = 10 columns; the next column starts after two spaces
    assert lines[2].index("17") - len("某县水利局") >= 2


def test_table_without_headers_and_without_columns() -> None:
    assert render(FRAME, "table", headers=False).splitlines()[0].startswith("某县水利局")
    assert render(pd.DataFrame(), "table") == "(no columns)\n"


def test_options_are_exclusive_and_default() -> None:
    p = argparse.ArgumentParser()
    add_output_options(p, default="nl")
    assert p.parse_args([]).output_format == "nl"
    for name in FORMATS:
        assert p.parse_args([f"--{name}"]).output_format == name
    assert p.parse_args(["--no-headers"]).no_headers
    with pytest.raises(SystemExit):
        p.parse_args(["--csv", "--json"])


def test_table_clips_long_cells_to_one_line() -> None:
    """``xuncha sql`` on a notice's text: the table shows one line per row, cut with "…"."""
    frame = pd.DataFrame({"text": ["第一行\n" + "整改" * 50], "n": [1]})
    line = render(frame, "table", max_cell=20).splitlines()[2]
    assert line.startswith("第一行 整改") and "…" in line and len(line) < 40
    assert "\n".join(render(frame, "csv").splitlines()[1:]).count("整改") == 50, "CSV is whole"
