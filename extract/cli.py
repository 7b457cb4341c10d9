"""The ``xuncha`` command line: ingest, extract, sql, export, dashboard, migrate.

Exit codes: 0 success, 1 a file or query failed (the rest was still done), 2 usage error.
User mistakes print one line naming the file and the reason, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

from extract import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
xuncha turns Chinese inspection-rectification notices (巡视/巡察整改进展情况通报) into
numbers you can compare: every quantity with its unit, value and source sentence, each
notice's metadata, problem tree and completion figures, stored in one DuckDB file.

typical use:
  xuncha ingest data/                 read notices (.txt .md .html, any encoding) into the database
  xuncha dashboard                    browse and compare them in the browser
  xuncha sql "SELECT * FROM v_notices"
  xuncha export --out exports/        metric CSVs for Excel (UTF-8 with BOM)
  xuncha extract notice.txt | jq .    quantities of one notice as JSON lines

The database is data/xuncha.duckdb unless --db or $XUNCHA_DB says otherwise.
"""


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", metavar="FILE", help="database file (default: $XUNCHA_DB or data/xuncha.duckdb)"
    )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (want YYYY-MM-DD): {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; kept separate so tests can check every command has help."""
    parser = argparse.ArgumentParser(
        prog="xuncha",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xuncha {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="read notice files/folders into the database",
        description="Read notice files or folders (recursively: .txt .md .html "
        ".htm; UTF-8, UTF-16, GBK/GB18030 detected) into the database. Re-ingesting "
        "unchanged files changes nothing; a changed file replaces its notice.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="notice files or folders")
    _db_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors and the summary")

    p = sub.add_parser(
        "extract",
        help="print the quantities of one notice as JSON lines",
        description="Print every quantity of one notice as a JSON object per "
        "line (surface, start, end, kind, value, value_high, unit, approx, "
        "year_inferred, metric, sentence_index, qualifier). Offsets refer to the "
        "notice's canonical text (as stored), or to the input as given with --raw.",
    )
    p.add_argument("file", metavar="FILE|-", help="a notice file, or - for standard input")
    p.add_argument(
        "--raw",
        action="store_true",
        help="extract from the text exactly as given (no cleaning), offsets into it",
    )
    p.add_argument("--year", type=int, help="year for dates written without one")

    p = sub.add_parser(
        "sql",
        help="run a read-only SQL query and print the result",
        description="Run one read-only query against the database. Tables: "
        "notices, problems, quantities, completion, anomalies; views: v_notices, "
        "v_completion, v_quantities, v_metric_totals, v_problem_quantities.",
    )
    p.add_argument("query", nargs="?", help="the SQL text (or use -f)")
    p.add_argument("-f", "--file", type=Path, help="read the SQL from this file ('-' for stdin)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    fmt.add_argument("--json", action="store_true", help="print a JSON array of objects")
    p.add_argument("--max-rows", type=int, default=0, help="print at most N rows (table only)")
    _db_arg(p)

    p = sub.add_parser(
        "export",
        help="write the metric CSVs (for Excel and cron)",
        description="Write notices.csv, completion.csv, quantities.csv, "
        "metric_totals.csv, problems.csv and manifest.json into --out, as UTF-8 "
        "with BOM and CRLF (Excel-friendly), each replaced atomically.",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument(
        "--since",
        type=_date,
        metavar="DATE",
        help="only notices ingested on or after DATE (YYYY-MM-DD)",
    )
    p.add_argument("--no-bom", action="store_true", help="plain UTF-8 for machine consumers")
    _db_arg(p)

    p = sub.add_parser(
        "dashboard",
        help="open the Streamlit dashboard on the database",
        description="Start the dashboard (Streamlit) on the database; stop with Ctrl+C.",
    )
    _db_arg(p)
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--headless", action="store_true", help="do not open a browser")

    p = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Create the database if missing, or upgrade an older one.",
    )
    _db_arg(p)
    return parser


def _err(msg: str) -> None:
    print(f"xuncha: {msg}", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from extract.ingest import ingest_paths
    from extract.progress import ProgressBar
    from extract.store import resolve_db_path

    db = resolve_db_path(args.db)
    bar = ProgressBar()
    if args.quiet:
        bar.enabled = False
    try:
        summary = ingest_paths(args.paths, db, progress=bar)
    finally:
        bar.close()
    for r in summary.results:
        if r.status == "failed":
            _err(r.error or f"{r.path}: failed")
    total = len(summary.results)
    if total == 0:
        _err("no notice files (.txt .md .html .htm) found in " + ", ".join(args.paths))
        return EXIT_FAILED
    print(
        f"{total} file(s): {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.failed} failed; "
        f"{summary.quantities} quantities stored → {db}",
        file=sys.stderr,
    )
    return EXIT_FAILED if summary.failed else EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from extract import extract_quantities
    from extract.ingest import context_year
    from extract.notice import parse_notice
    from extract.reading import load_notice

    if args.file == "-":
        raw = sys.stdin.read()
        if args.raw:
            text = raw
        else:
            from extract.noise import strip_noise
            from extract.normalize import normalize_text

            text = normalize_text(strip_noise(normalize_text(raw)))
    else:
        path = Path(args.file)
        if args.raw:
            from extract.reading import decode_file

            text = decode_file(path)[0]
        else:
            text = load_notice(path).text
    year = (
        args.year
        if args.year is not None
        else (None if args.raw else context_year(parse_notice(text)))
    )
    out = sys.stdout
    for q in extract_quantities(text, context_year=year):
        out.write(json.dumps(q.to_dict(), ensure_ascii=False) + "\n")
    return EXIT_OK


def _read_sql(args: argparse.Namespace) -> str | None:
    if args.file is not None:
        if str(args.file) == "-":
            return sys.stdin.read()
        try:
            return args.file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            _err(f"{args.file}: cannot read ({exc.strerror})")
            return None
    return args.query


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb
    import pandas as pd

    from extract.store import open_readonly, resolve_db_path

    sql = _read_sql(args)
    if sql is None:
        return EXIT_FAILED
    if not sql.strip():
        _err("sql: give a query, or -f FILE")
        return EXIT_USAGE
    con = open_readonly(resolve_db_path(args.db))
    try:
        df = con.execute(sql).df()
    except duckdb.Error as exc:
        _err(f"sql: {exc}")
        return EXIT_FAILED
    finally:
        con.close()
    if args.csv:
        sys.stdout.write(df.to_csv(index=False))
    elif args.json:
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, date_format="iso") + "\n")
    else:
        shown = df.head(args.max_rows) if args.max_rows else df
        with pd.option_context(
            "display.unicode.east_asian_width",
            True,
            "display.max_columns",
            None,
            "display.width",
            200,
            "display.max_colwidth",
            60,
        ):
            print(shown.to_string(index=False) if len(shown.columns) else "(no columns)")
        print(f"({len(df)} row{'s' if len(df) != 1 else ''})", file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from extract.export import export_all
    from extract.store import resolve_db_path

    files = export_all(resolve_db_path(args.db), args.out, since=args.since, bom=not args.no_bom)
    for f in files:
        print(f"{args.out / f.name}: {f.rows} rows", file=sys.stderr)
    return EXIT_OK


def dashboard_command(db: Path, port: int) -> tuple[list[str], dict[str, str]]:
    """The ``streamlit run`` command line and environment for the dashboard on ``db``.

    Always headless: a non-headless first run makes Streamlit stop and ask for an e-mail
    address on the terminal; xuncha opens the browser itself once the server answers.
    """
    app = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
    if not app.exists():
        import dashboard

        app = Path(dashboard.__file__).resolve().parent / "app.py"
    env = dict(os.environ, XUNCHA_DB=str(db.resolve()))
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    return cmd, env


def _wait_until_serving(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> bool:
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def cmd_dashboard(args: argparse.Namespace) -> int:
    from extract.store import resolve_db_path

    db = resolve_db_path(args.db)
    cmd, env = dashboard_command(db, args.port)
    url = f"http://localhost:{args.port}"
    proc = subprocess.Popen(cmd, env=env)
    # A service manager or `kill` stops us with SIGTERM: treat it like Ctrl+C, so the Streamlit
    # child is stopped too instead of being orphaned with the port still held.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        if _wait_until_serving(url, proc):
            print(f"xuncha dashboard: {url}  (database {db}; Ctrl+C to stop)", file=sys.stderr)
            if not args.headless:
                import webbrowser

                webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_migrate(args: argparse.Namespace) -> int:
    from extract.store import create_database, resolve_db_path

    db = resolve_db_path(args.db)
    create_database(db)
    print(f"{db}: schema up to date", file=sys.stderr)
    return EXIT_OK


COMMANDS = {
    "ingest": cmd_ingest,
    "extract": cmd_extract,
    "sql": cmd_sql,
    "export": cmd_export,
    "dashboard": cmd_dashboard,
    "migrate": cmd_migrate,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``xuncha`` console script."""
    from extract.store import StoreError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from extract.reading import NoticeReadError

    try:
        return COMMANDS[args.command](args)
    except (StoreError, NoticeReadError) as exc:
        _err(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:  # `xuncha extract x | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
