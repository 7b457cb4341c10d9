"""A printable report (one self-contained HTML file) per notice or per inspected unit.

For briefings: a supervisor prints it, or saves it as PDF from the browser. It holds a notice's
metadata, its canonical metrics (each figure with the sentence it comes from, the figure
marked), the completion audit (the rate the notice states beside the one recomputed from its
counts), the problem statuses and the findings (numbering anomalies, copied measures, repeated
text). A unit's report is its notices, newest first, each with the same sections.

Why one file with nothing outside it: a briefing is read where there is no network, printed, or
forwarded by mail. The CSS is inline (with ``@media print`` rules: page breaks between notices,
no backgrounds), there are no scripts, fonts or images, and every text from the store is HTML-
escaped — a notice's text is foreign input, and a report must never run or fetch anything.

Every figure comes from the views (``v_notices``, ``v_metric_values``, ``v_completion``,
``v_quantities``, ``v_shared_passages``): this module formats, it computes nothing. Labels come
from the dashboard's label files (``dashboard/labels/report.toml``) and values are formatted by
``dashboard/units.py`` — both plain modules without Streamlit — so the page and the report say
the same thing the same way.
"""

from __future__ import annotations

import argparse
import html
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.i18n import label, value_label
from dashboard.units import format_date, format_value
from extract.store.errors import StoreError

#: Most metric rows shown per notice: a report is read on paper.
MAX_METRICS = 60
#: Most findings of each kind shown per notice.
MAX_FINDINGS = 30
#: Most notices in one unit report.
MAX_UNIT_NOTICES = 20

_CSS = """
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       sans-serif; margin: 2rem auto; max-width: 60rem; color: #111; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #999; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
mark { background: #ffe066; padding: 0 .1em; }
.muted { color: #555; font-size: .88rem; }
.verdict-inconsistency { color: #b00020; font-weight: bold; }
.verdict-consistent { color: #1b5e20; font-weight: bold; }
section.notice { page-break-before: auto; }
section.notice + section.notice { page-break-before: always; break-before: page; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  th { background: none; }
  mark { background: none; font-weight: bold; text-decoration: underline; }
  tr, .sentence { page-break-inside: avoid; break-inside: avoid; }
}
@page { size: A4; margin: 18mm 15mm; }
"""


class ReportError(StoreError):
    """No such notice or unit in the store; the message is one English / Chinese line."""


@dataclass(frozen=True)
class Report:
    """A rendered report: its title (for the file name and the page) and the HTML."""

    title: str
    html: str

    def file_name(self) -> str:
        """A safe file name for the download: the title without path separators."""
        stem = "".join(ch for ch in self.title if ch not in '/\\:*?"<>|\0').strip() or "report"
        return f"{stem[:80]}.html"


def _e(value: object) -> str:
    """Escaped text of a stored value; missing values are ``—`` (never nan/None/NaT)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return "—"
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return "—"
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _num(value: object, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        return html.escape(format_value(float(value), unit))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"


def _rate(value: object) -> str:
    return _num(value, "%")


def _marked(sentence: object, start: object, end: object) -> str:
    """The sentence escaped, with ``[start, end)`` (offsets into it) inside ``<mark>``."""
    text = "" if sentence is None or (isinstance(sentence, float)) else str(sentence)
    try:
        a, b = int(start), int(end)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return html.escape(text)
    if not (0 <= a <= b <= len(text)):
        return html.escape(text)
    return (
        html.escape(text[:a])
        + "<mark>"
        + html.escape(text[a:b])
        + "</mark>"
        + html.escape(text[b:])
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """An HTML table from already escaped cells."""
    out = ["<table><thead><tr>", *(f"<th>{h}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            out.append(f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object]) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _notice_section(con: duckdb.DuckDBPyConnection, notice_id: str, lang: str) -> tuple[str, str]:
    """(display name, HTML section) of one notice."""
    meta = _df(con, "SELECT * FROM v_notices WHERE notice_id = ?", [notice_id])
    if meta.empty:
        raise ReportError(f"notice {notice_id!r}: not in the database / 数据库中没有这份通报")
    m = meta.iloc[0]

    def L(key: str, **fmt: object) -> str:
        return html.escape(label(f"report.{key}", lang, **fmt))

    def date_of(field: str) -> str:
        return _e(format_date(m[field], m[f"{field}_precision"]))

    parts = [f'<section class="notice" id="n-{_e(notice_id)}">']
    parts.append(f"<h2>{_e(m['display_name'])}</h2>")
    rows = [
        [L("unit"), _e(m["inspected_unit"])],
        [L("body"), _e(m["inspection_body"])],
        [L("kind"), _e(m["inspection_kind"])],
        [L("level"), _e(m["inspection_level"])],
        [L("issuer"), _e(m["issuer"])],
        [L("title"), _e(m["title"])],
        [L("period"), f"{date_of('inspection_start')} – {date_of('inspection_end')}"],
        [L("feedback"), date_of("feedback_date")],
        [L("as_of"), date_of("as_of_date")],
        [L("signed"), date_of("signed_date")],
        [L("published"), date_of("published_date")],
        [L("problems"), _e(int(m["problem_count"]))],
        [L("quantities"), _e(int(m["quantity_count"]))],
    ]
    parts.append(_table([L("field"), L("value")], rows))

    # -- completion audit ---------------------------------------------------------------
    parts.append(f"<h3>{L('completion')}</h3>")
    comp = _df(con, "SELECT * FROM v_completion WHERE notice_id = ?", [notice_id])
    if comp.empty:
        parts.append(f'<p class="muted">{L("no_completion")}</p>')
    else:
        c = comp.iloc[0]
        verdict = str(c["verdict"])
        parts.append(
            _table(
                [
                    L("total"),
                    L("completed"),
                    L("basically"),
                    L("not_completed"),
                    L("long_term"),
                    L("stated_rate"),
                    L("computed_rate"),
                    L("gap"),
                ],
                [
                    [
                        _num(c["total"]),
                        _num(c["completed"]),
                        _num(c["basically_completed"]),
                        _num(c["not_completed"]),
                        _num(c["long_term"]),
                        _rate(c["stated_rate"]),
                        _rate(c["computed_rate"]),
                        _num(c["rate_gap"], "个百分点" if lang == "zh" else " pt"),
                    ]
                ],
                numeric=range(8),
            )
        )
        parts.append(
            f'<p>{L("verdict")}: <span class="verdict-{_e(verdict)}">'
            f"{_e(value_label('report.verdict_value', verdict, lang))}</span></p>"
        )
        sentence = c["sentence"]
        if isinstance(sentence, str) and sentence.strip():
            parts.append(f'<p class="sentence">{L("stated_in")}: 「{_e(sentence)}」</p>')
        if isinstance(c["issues"], str) and c["issues"].strip():
            parts.append(f'<p class="muted">{L("issues")}: {_e(c["issues"])}</p>')

    # -- problem statuses -----------------------------------------------------------------
    statuses = _df(
        con,
        "SELECT coalesce(status, '') AS status, count(*) AS n FROM problems "
        "WHERE notice_id = ? AND is_problem AND NOT coalesce(is_group, false) "
        "GROUP BY ALL ORDER BY n DESC, status",
        [notice_id],
    )
    if not statuses.empty:
        no_status = label("report.no_status", lang)
        parts.append(f"<h3>{L('statuses')}</h3>")
        parts.append(
            _table(
                [L("status"), L("count")],
                [
                    [
                        _e(value_label("status", s, lang) if s else no_status),
                        _e(int(n)),
                    ]
                    for s, n in zip(statuses["status"], statuses["n"], strict=True)
                ],
                numeric=[1],
            )
        )

    # -- metrics, each with its sentence --------------------------------------------------
    parts.append(f"<h3>{L('metrics')}</h3>")
    metrics = _df(
        con,
        """
        SELECT v.metric_id, v.metric_name, v.metric_name_en, v.unit, v.value, v.statements,
               v.values_disagree, q.sentence, q.start_offset - q.sentence_offset AS mark_start,
               q.end_offset - q.sentence_offset AS mark_end
        FROM v_metric_values v
        LEFT JOIN v_quantities q
          ON q.notice_id = v.notice_id AND q.quantity_id = v.quantity_ids[1]
        WHERE v.notice_id = ?
        ORDER BY v.family, v.metric_id, v.unit
        LIMIT ?
        """,
        [notice_id, MAX_METRICS + 1],
    )
    if metrics.empty:
        parts.append(f'<p class="muted">{L("no_metrics")}</p>')
    else:
        rows = []
        for r in metrics.head(MAX_METRICS).itertuples():
            name = r.metric_name_en if lang == "en" and isinstance(r.metric_name_en, str) else None
            shown = (
                _num(r.value, str(r.unit))
                if not r.values_disagree
                else html.escape(label("report.disagree", lang))
            )
            rows.append(
                [
                    _e(name or r.metric_name),
                    shown,
                    _e(int(r.statements)),
                    '<span class="sentence">'
                    f"{_marked(r.sentence, r.mark_start, r.mark_end)}</span>",
                ]
            )
        parts.append(
            _table([L("metric"), L("value"), L("statements"), L("sentence")], rows, numeric=[1, 2])
        )
        if len(metrics) > MAX_METRICS:
            parts.append(f'<p class="muted">{L("metrics_capped", n=MAX_METRICS)}</p>')

    # -- findings ---------------------------------------------------------------------------
    parts.append(f"<h3>{L('findings')}</h3>")
    findings = 0
    anomalies = _df(
        con,
        "SELECT kind, location, detail FROM anomalies WHERE notice_id = ? "
        "ORDER BY anomaly_id LIMIT ?",
        [notice_id, MAX_FINDINGS],
    )
    if not anomalies.empty:
        findings += len(anomalies)
        parts.append(f"<p>{L('anomalies')}</p>")
        parts.append(
            _table(
                [L("anomaly_kind"), L("location"), L("detail")],
                [
                    [_e(value_label("report.anomaly", k, lang)), _e(loc), _e(d)]
                    for k, loc, d in anomalies.itertuples(index=False)
                ],
            )
        )
    copied = _df(
        con,
        "SELECT passage, cluster_notices FROM v_shared_passages "
        "WHERE notice_id = ? AND label = 'copied_measure' ORDER BY start_offset LIMIT ?",
        [notice_id, MAX_FINDINGS],
    )
    if not copied.empty:
        findings += len(copied)
        parts.append(f"<p>{L('copied')}</p>")
        parts.append(
            _table(
                [L("passage"), L("shared_by")],
                [[_e(p), _e(int(n))] for p, n in copied.itertuples(index=False)],
                numeric=[1],
            )
        )
    share = m["repeated_share"]
    if isinstance(share, float) and not math.isnan(share) and share > 0:
        findings += 1
        parts.append(f"<p>{L('repeated', share=f'{share * 100:.1f}%')}</p>")
    if not findings:
        parts.append(f'<p class="muted">{L("no_findings")}</p>')
    parts.append("</section>")
    return str(m["display_name"]), "".join(parts)


def _page(title: str, subtitle: str, body: str, lang: str) -> str:
    generated = label("report.generated", lang, when=datetime.now().strftime("%Y-%m-%d %H:%M"))
    return (
        f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1>"
        f'<p class="muted">{html.escape(subtitle)} · {html.escape(generated)}</p></header>'
        f"{body}</body></html>\n"
    )


def notice_report(con: duckdb.DuckDBPyConnection, notice_id: str, lang: str = "zh") -> Report:
    """The report of one notice; :class:`ReportError` when the store has no such notice."""
    name, section = _notice_section(con, notice_id, lang)
    title = label("report.notice_title", lang, name=name)
    return Report(title, _page(title, label("report.notice_subtitle", lang), section, lang))


def unit_report(con: duckdb.DuckDBPyConnection, unit: str, lang: str = "zh") -> Report:
    """The report of one inspected unit (as ``v_notices.inspected_unit`` names it, aliases
    applied): an overview table of its notices, then each notice, newest first."""
    notices = _df(
        con,
        """
        SELECT notice_id, display_name, feedback_date, feedback_date_precision, problem_count,
               stated_rate, computed_rate
        FROM v_notices WHERE inspected_unit = ?
        ORDER BY coalesce(feedback_date, published_date, signed_date) DESC NULLS LAST, notice_id
        LIMIT ?
        """,
        [unit.strip(), MAX_UNIT_NOTICES],
    )
    if notices.empty:
        raise ReportError(f"unit {unit!r}: no notice of this unit / 数据库中没有该单位的通报")

    def L(key: str, **fmt: object) -> str:
        return html.escape(label(f"report.{key}", lang, **fmt))

    overview = _table(
        [L("notice"), L("feedback"), L("problems"), L("stated_rate"), L("computed_rate")],
        [
            [
                f'<a href="#n-{_e(r.notice_id)}">{_e(r.display_name)}</a>',
                _e(format_date(r.feedback_date, r.feedback_date_precision)),
                _e(int(r.problem_count)),
                _rate(r.stated_rate),
                _rate(r.computed_rate),
            ]
            for r in notices.itertuples()
        ],
        numeric=[2, 3, 4],
    )
    sections = [_notice_section(con, str(nid), lang)[1] for nid in notices["notice_id"]]
    title = label("report.unit_title", lang, name=unit.strip())
    body = f"<h2>{L('unit_notices', n=len(notices))}</h2>{overview}" + "".join(sections)
    return Report(title, _page(title, label("report.unit_subtitle", lang), body, lang))


# -- the command line: `xuncha report --notice ID | --unit NAME --out FILE.html` -------------
# (its options are declared in extract/cli.py, which must not import pandas to print --help)
def run(args: argparse.Namespace) -> int:
    """Write the report; one line on stderr names the file. Store faults raise StoreError."""
    from extract.store import open_readonly, resolve_db_path

    con = open_readonly(resolve_db_path(args.db))
    try:
        if args.notice:
            report = notice_report(con, args.notice.strip(), args.lang)
        else:
            report = unit_report(con, args.unit, args.lang)
    finally:
        con.close()
    out: Path = args.out
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(report.html, encoding="utf-8")
    tmp.replace(out)  # a reader never sees half a report
    print(f"{out}: {report.title}", file=sys.stderr)
    return 0
