"""Queries of the report page (dashboard/views/report.py): its pickers and the report itself.

Run through ``db.query`` (cached per file version, a short-lived read-only connection per
uncached call). Pickers return at most :data:`PICK_LIMIT` rows: never every notice to the browser.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from extract.report import Report, ReportError, notice_report, unit_report

PICK_LIMIT = 50


def report_notices(con: duckdb.DuckDBPyConnection, text: str) -> pd.DataFrame:
    return con.execute(
        """
        SELECT notice_id, display_name FROM v_notices
        WHERE ? = '' OR contains(display_name, ?) OR contains(coalesce(title, ''), ?)
        ORDER BY coalesce(feedback_date, published_date, signed_date) DESC NULLS LAST, notice_id
        LIMIT ?
        """,
        [text, text, text, PICK_LIMIT],
    ).df()


def report_units(con: duckdb.DuckDBPyConnection, text: str) -> pd.DataFrame:
    return con.execute(
        """
        SELECT inspected_unit, count(*) AS notices FROM v_notices
        WHERE inspected_unit IS NOT NULL AND (? = '' OR contains(inspected_unit, ?))
        GROUP BY inspected_unit ORDER BY notices DESC, inspected_unit LIMIT ?
        """,
        [text, text, PICK_LIMIT],
    ).df()


def report_display_name(con: duckdb.DuckDBPyConnection, notice_id: str) -> pd.DataFrame:
    return con.execute(
        "SELECT notice_id, display_name FROM v_notices WHERE notice_id = ?", [notice_id]
    ).df()


def report(con: duckdb.DuckDBPyConnection, kind: str, key: str, language: str) -> Report | None:
    """The report, or None when the store has no such notice or unit."""
    try:
        if kind == "notice":
            return notice_report(con, key, language)
        return unit_report(con, key, language)
    except ReportError:
        return None
