"""The ``xuncha`` command line: ingest, extract, sql, export, dashboard, migrate.

Exit codes: 0 success, 1 a file or query failed (the rest was still done), 2 usage error,
130 interrupted. Results go to stdout, progress and errors to stderr.

A fault of the input or the environment — a damaged or missing database, a store path that is
a folder, a full disk, a read-only output folder, a denied permission, Ctrl+C — prints one line
naming the file and the reason in English and Chinese, never a traceback (:func:`describe_fault`
maps each kind). Anything else is a bug in xuncha: its traceback is shown, under a line that
says so, because hiding it would make it unreportable.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import re
import signal
import socket
import subprocess
import sys
import traceback
from dataclasses import fields
from datetime import date
from pathlib import Path

from extract import __version__, settings
from extract.output import add_output_options

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: Where ``xuncha dashboard`` listens unless ``--host`` says otherwise: this machine only,
#: since the dashboard has no login and (without --read-only) its Import page writes the store.
DASHBOARD_HOST = str(settings.setting("dashboard_host").default)
_WILDCARD_HOSTS = frozenset({"0.0.0.0", "::"})
# errno → (English, Chinese) reason when the dashboard cannot listen on its address.
_LISTEN_REASONS: dict[int, tuple[str, str]] = {
    errno.EADDRINUSE: ("port already in use", "端口已被占用"),
    errno.EADDRNOTAVAIL: ("not an address of this machine", "不是本机的地址"),
    errno.EACCES: ("permission denied (ports below 1024 need root)", "没有权限(1024 以下需 root)"),
}
#: Most rows ``xuncha sql --max-rows`` may ask for; the byte and time caps still apply.
SQL_MAX_ROWS_LIMIT = int(settings.setting("sql_max_rows").maximum or 0)  # the table's bound
#: Display columns a cell of ``xuncha sql``'s table shows before it is clipped with "…".
SQL_TABLE_CELL = 60

# errno → (English, Chinese) reason for the OS faults users meet; others use strerror.
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk full", "磁盘已满"),
    errno.EDQUOT: ("disk quota exceeded", "超出磁盘配额"),
    errno.EACCES: ("permission denied", "没有访问权限"),
    errno.EPERM: ("operation not permitted", "操作不被允许"),
    errno.EROFS: ("read-only file system", "文件系统只读"),
    errno.EISDIR: ("is a folder, not a file", "这是文件夹,不是文件"),
    errno.ENOTDIR: ("a part of the path is not a folder", "路径中有一部分不是文件夹"),
    errno.ENOENT: ("no such file or folder", "文件或文件夹不存在"),
    errno.EEXIST: ("already exists", "已存在"),
    errno.EIO: ("input/output error (failing disk?)", "读写错误(磁盘可能故障)"),
    errno.EMFILE: ("too many open files", "打开的文件过多"),
}
_CJK = re.compile(r"[\u3400-\u9fff]")

DESCRIPTION = """\
xuncha turns Chinese inspection-rectification notices (巡视/巡察整改进展情况通报) into
numbers you can compare: every quantity with its unit, value and source sentence, each
notice's metadata, problem tree and completion figures, stored in one DuckDB file.

typical use:
  xuncha ingest data/                 read notices (text, web pages, PDF, Word, .zip, URLs)
  xuncha dashboard                    browse and compare them in the browser
  xuncha sql --saved funds_recovered  a saved query (or any read-only SELECT)
  xuncha export --out exports/        metric CSVs for Excel (UTF-8 with BOM), or --format parquet
  xuncha extract notice.pdf | jq .    quantities of one notice as JSON lines
  xuncha evaluate                     the extractor's scores on the gold set

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


def _max_rows(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= SQL_MAX_ROWS_LIMIT:
        raise argparse.ArgumentTypeError(f"want a whole number from 1 to {SQL_MAX_ROWS_LIMIT}")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; kept separate so tests can check every command has help."""
    # Imported here, after main() applied --setting, so the limits shown are the ones in force.
    from extract.store.sql_runner import MAX_RESULT_BYTES, MAX_ROWS, TIMEOUT_S

    host = str(settings.get("dashboard_host"))

    parser = argparse.ArgumentParser(
        prog="xuncha",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xuncha {__version__}")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a setting for this run (repeatable; `xuncha settings` lists them)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        help="read notice files/folders into the database",
        description="Read notice files or folders (recursively) into the database: text, "
        "Markdown and web pages (.txt .md .html .htm; UTF-8, UTF-16, GBK/GB18030 detected; pages "
        "through trafilatura with the built-in reader as fallback), PDF (text layer via PDFium, "
        "pdftotext as fallback; scanned pages need the optional [ocr] extra), Word (.docx with "
        "its auto-numbered headings; .doc through LibreOffice when installed) and .zip archives "
        "of them (each member counts as a file, named archive.zip!/path). A http(s):// URL is "
        "fetched and archived under raw/ beside the database, its PDF/Word attachments followed. "
        "On stdout: one line per failed file and per warning (the file and the reason, in "
        "English and Chinese), then 'N new, N updated, N unchanged, N failed; N quantities "
        "stored', which adds up to the files given and is what the store holds. Only regular "
        "files are read; one bad file never stops the run; a damaged database is refused. "
        "Re-ingesting unchanged files changes nothing (a file whose path, size and mtime match "
        "is skipped unread); a changed file replaces its notice. Analysis runs on every core; "
        "notices are written in place in batches, one transaction each, so a killed run keeps "
        "the batches it committed.",
        epilog="exit status: 0 all stored, 1 a file failed (the others were still stored), "
        "2 usage error",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="notice files (.txt .md .html .htm .pdf .docx .doc), .zip archives of them, "
        "folders, or http(s):// URLs (fetched and archived under raw/ beside the database, "
        "PDF/Word attachments followed)",
    )
    _db_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors and the summary")
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="N",
        help="analysis processes (default: every core; 1 = in this process, no pool). "
        "Unchanged files are recognised by size and mtime without being read",
    )
    p.add_argument(
        "--shard",
        metavar="I/N",
        help="analyse only shard I of N (0 <= I < N) into Parquet files under --out, without "
        "touching the database; load them with `xuncha merge DIR` (see the README, "
        "'Running on a cluster')",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="where --shard writes shard-I-of-N/")

    p = sub.add_parser(
        "extract",
        help="print the quantities of one notice as JSON lines",
        description="Print every quantity of one notice, by default as a JSON object per "
        "line (surface, start, end, kind, value, value_high, unit, approx, "
        "year_inferred, metric, sentence_index, qualifier). The notice is read exactly as "
        "ingest reads it (any format and encoding; standard input too, with --as). Offsets "
        "refer to the notice's canonical text (as stored), or to the input as given with --raw.",
    )
    p.add_argument("file", metavar="FILE|-", help="a notice file, or - for standard input")
    p.add_argument(
        "--raw",
        action="store_true",
        help="extract from the text exactly as given (no cleaning), offsets into it",
    )
    p.add_argument("--year", type=int, help="year for dates written without one")
    p.add_argument(
        "--as",
        dest="as_format",
        choices=("txt", "md", "html", "pdf", "docx"),
        default="txt",
        help="how to read standard input (default txt; an HTML or PDF input is recognised)",
    )
    add_output_options(p, default="nl")

    p = sub.add_parser(
        "sql",
        help="run a read-only SQL query and print the result",
        description="Run one read-only SELECT against the database, in the same locked-down "
        "engine as the dashboard's SQL page: one statement, no file or network access (no "
        f"COPY, EXPORT, ATTACH, read_csv), at most --max-rows rows and "
        f"{MAX_RESULT_BYTES // 2**20} MB, {TIMEOUT_S:g} s time limit; a truncated result says so "
        "on stderr. Functions that reveal server paths (duckdb_settings, current_setting, "
        "duckdb_databases ...) are refused. For whole tables use `xuncha export`. Tables: "
        "notices, problems, quantities, completion, anomalies; views: see the README.",
        epilog="exit status: 0 printed, 1 the query was refused or failed (one line on "
        "stderr), 2 no query given or bad option",
    )
    p.add_argument("query", nargs="?", help="the SQL text (or use -f)")
    p.add_argument("-f", "--file", type=Path, help="read the SQL from this file ('-' for stdin)")
    p.add_argument(
        "--saved",
        metavar="NAME",
        help="run the saved query sql/queries/NAME.sql (as the SQL page lists them)",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="K=V",
        help="a parameter of the saved query (repeatable); others keep their defaults",
    )
    add_output_options(p)
    p.add_argument(
        "--max-rows",
        type=_max_rows,
        default=MAX_ROWS,
        metavar="N",
        help=f"return at most N rows (default {MAX_ROWS}, at most {SQL_MAX_ROWS_LIMIT})",
    )
    _db_arg(p)

    p = sub.add_parser(
        "merge",
        help="load the shards of `ingest --shard` into the database",
        description="Validate every shard-I-of-N folder under DIR (its _SUCCESS marker, "
        "extractor version and table schemas; one line per bad shard, nothing written then) "
        "and load them through the one writer: the store equals a local ingest of the same "
        "files. Merging twice changes nothing.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="the --out folder of the shards")
    _db_arg(p)

    p = sub.add_parser(
        "export",
        help="write the metric CSVs (for Excel and cron)",
        description="Write notices.csv, completion.csv, quantities.csv, metrics.csv, "
        "metrics_wide.csv, problems.csv and manifest.json (row counts, sha256) into --out, as "
        "UTF-8 with BOM and CRLF (Excel-friendly; a table longer than one Excel sheet is split "
        "into name-001.csv, name-002.csv …), streamed with bounded memory; the whole set is "
        "replaced in one step, so a cron job never leaves a half-written set.",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="csv (for Excel, default) or parquet (one zstd file per view, for machines)",
    )
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
        description=(
            f"Start the dashboard (Streamlit) on the database; stop with Ctrl+C. It listens on "
            f"{DASHBOARD_HOST} only, so only this machine can open it. --host 0.0.0.0 exposes it "
            "to the network, and it has no login of its own: put a reverse proxy with a login "
            "in front (README, 'Deploying the dashboard') and add --read-only."
        ),
    )
    _db_arg(p)
    port = settings.get_int("dashboard_port")
    p.add_argument("--port", type=_port, default=port, help=f"port (default {port})")
    p.add_argument(
        "--host",
        type=_host,
        default=host,
        metavar="ADDRESS",
        help=(
            f"address to listen on (default {host}; {DASHBOARD_HOST}: this machine only; "
            "0.0.0.0: every interface, with no login)"
        ),
    )
    p.add_argument(
        "--read-only",
        action="store_true",
        help="hide and refuse the Import page, the only page that writes the database "
        "(also XUNCHA_READ_ONLY=1)",
    )
    p.add_argument("--headless", action="store_true", help="do not open a browser")

    p = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Create the database if missing, or upgrade an older one.",
    )
    _db_arg(p)

    p = sub.add_parser(
        "check",
        help="read every block of the database and verify its checksums",
        description="Read every column of every table once, read-only (DuckDB verifies each "
        "block's checksum), and report a damaged database; safe beside the dashboard and an "
        "ingest.",
    )
    _db_arg(p)

    from extract import evaluate_options

    p = sub.add_parser(
        "evaluate",
        help="score the extractor against the gold set (F1, metric-id accuracy)",
        description=evaluate_options.DESCRIPTION
        + " Run from a checkout: the gold files live in tests/gold and tests/heldout.",
    )
    evaluate_options.add_arguments(p)

    p = sub.add_parser(
        "settings",
        help="list every setting, its value and where the value came from",
        description="List every setting (extract/settings.py) with its effective value and its "
        "source: default, xuncha.toml, the environment, or --setting.",
    )
    add_output_options(p)

    from extract.store import aliases

    p = sub.add_parser(
        "aliases",
        help="check the aliases file and apply it to the database now",
        description="Check aliases.toml (preferred unit names, fixed notice names; see the "
        "comments in data/aliases.toml) and load it into the database, so every page and "
        "export shows the fixed names. Ingest and the dashboard also apply it when it changed.",
    )
    aliases.add_arguments(p)
    _db_arg(p)

    p = sub.add_parser(
        "report",
        help="write the printable HTML report of a notice or a unit",
        description="Write one self-contained HTML report (print CSS, no outside requests) of a "
        "notice or an inspected unit: metadata, metrics with their sentences, the completion "
        "audit and findings. Open it in a browser to print or save as PDF.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--notice", metavar="ID", help="a notice id (v_notices.notice_id)")
    which.add_argument("--unit", metavar="NAME", help="an inspected unit, as v_notices names it")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.html", help="file to write")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    _db_arg(p)
    return parser


def _err(msg: str) -> None:
    print(f"xuncha: {msg}", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from extract.ingest import ingest_paths
    from extract.progress import ProgressBar
    from extract.store import resolve_db_path

    if args.jobs is not None and args.jobs < 1:
        _err(f"--jobs {args.jobs}: give 1 or more / --jobs 须为正整数")
        return EXIT_USAGE
    if args.shard is not None or args.out is not None:
        return _ingest_shard(args)
    db = resolve_db_path(args.db)
    bar = ProgressBar()
    if args.quiet:
        bar.enabled = False
    try:
        jobs = args.jobs if args.jobs is not None else (settings.get_int("ingest_jobs") or None)
        summary = ingest_paths(args.paths, db, progress=bar, workers=jobs)
    finally:
        bar.close()
    total = len(summary.results)
    if total == 0:
        _err(
            "no notice files (.txt .md .html .htm .pdf .docx .doc .zip) found in "
            + ", ".join(args.paths)
        )
        return EXIT_FAILED
    # Results on stdout (progress went to stderr): failures and warnings, then the summary.
    for r in summary.results:
        if r.status == "failed":
            print(_one_line(r.error or f"{r.path}: failed / 导入失败"))
        for warning in getattr(r, "warnings", None) or []:
            line = _one_line(warning)
            print(line if str(r.path) in line else f"{r.path}: {line}")
    for note in summary.notes:
        print(_one_line(note))
    print(
        f"{total} file(s): {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.failed} failed; "
        f"{summary.quantities} quantities stored → {db}"
    )
    return EXIT_FAILED if summary.failed else EXIT_OK


def _ingest_shard(args: argparse.Namespace) -> int:
    """``ingest --shard I/N --out DIR``: analyse one shard into Parquet (extract.shards)."""
    from extract.progress import ProgressBar
    from extract.shards import parse_shard, write_shard

    if args.shard is None or args.out is None:
        _err("--shard and --out go together / --shard 与 --out 须同时给出")
        return EXIT_USAGE
    try:
        shard = parse_shard(args.shard)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    bar = ProgressBar()
    if args.quiet:
        bar.enabled = False
    try:
        result = write_shard(args.paths, args.out, shard, progress=bar)
    finally:
        bar.close()
    for line in result.failed:
        print(_one_line(line))
    done = "already finished, skipped" if result.skipped else "written"
    print(f"{result.folder}: {done}; {result.sources} source(s), {len(result.failed)} failed")
    return EXIT_FAILED if result.failed else EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    """``merge DIR``: load finished shards into the database through the one writer."""
    from extract.shards import ShardError, merge_shards
    from extract.store import resolve_db_path

    db = resolve_db_path(args.db)
    try:
        summary = merge_shards(args.dir, db)
    except ShardError as exc:
        for line in exc.lines:
            _err(_one_line(line))
        _err(f"{args.dir}: nothing merged / 未合并任何分片")
        return EXIT_FAILED
    for r in summary.results:
        if r.status == "failed":
            print(_one_line(r.error or f"{r.path}: failed / 导入失败"))
        for warning in r.warnings:
            print(_one_line(warning))
    print(
        f"{len(summary.results)} file(s): {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.failed} failed; "
        f"{summary.quantities} quantities stored → {db}"
    )
    return EXIT_FAILED if summary.failed else EXIT_OK


def _one_line(text: str) -> str:
    """``text`` on one line: a per-file message must stay one line for grep and log readers."""
    return " ".join(text.split())


def cmd_extract(args: argparse.Namespace) -> int:
    from extract import extract_quantities
    from extract.model import Quantity
    from extract.output import render_records
    from extract.pipeline import analyse
    from extract.reading import LoadedNotice, NoticeReadError, decode_bytes, load_notice

    text = ""
    loaded: LoadedNotice | None = None
    if args.file == "-":
        stdin = getattr(sys.stdin, "buffer", None)  # bytes, so any encoding is detected
        raw = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8")
        if args.raw:
            text = decode_bytes(raw)[0]
        else:
            # The same reader as for files (HTML, Markdown, PDF, Word, noise rules): the format
            # comes from --as, since standard input has no file name to tell it.
            try:
                loaded = load_notice(Path(f"stdin.{args.as_format}"), raw)
            except NoticeReadError as exc:
                _err(f"<stdin>: {exc.reason}")
                return EXIT_FAILED
    else:
        path = Path(args.file)
        if args.raw:
            from extract.reading import decode_file

            text = decode_file(path)[0]
        else:
            loaded = load_notice(path)
    if loaded is None:  # --raw: the input exactly as given, without the notice's own dates
        quantities = extract_quantities(text, context_year=args.year)
    else:  # the one analysis ingest runs (extract/pipeline.py): the figures the store holds
        quantities = analyse(loaded, year=args.year).quantities
    records = [q.to_dict() for q in quantities]
    columns = [f.name for f in fields(Quantity)] if not records else list(records[0])
    sys.stdout.write(
        render_records(records, columns, args.output_format, headers=not args.no_headers)
    )
    return EXIT_OK


def _read_sql(args: argparse.Namespace) -> str | None:
    """The query from the argument, ``-f FILE`` or stdin; None (after one line) if unreadable."""
    if args.file is None:
        return args.query
    name = "<stdin>" if str(args.file) == "-" else str(args.file)
    try:
        if str(args.file) == "-":
            return sys.stdin.read()
        return args.file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _err(f"{name}: not UTF-8 text / 不是 UTF-8 编码的文本")
    except OSError as exc:
        _err(f"{name}: cannot read ({_os_reason(exc)})")
    return None


def cmd_sql(args: argparse.Namespace) -> int:

    from extract.store import resolve_db_path
    from extract.store.sql_runner import MAX_RESULT_BYTES, TIMEOUT_S, SqlBox, SqlFailed, SqlRefused

    if args.saved:  # a bad name or value raises SavedQueryError: one line, exit 1
        if args.query or args.file:
            _err("sql: give --saved NAME or a query, not both / --saved 与查询语句只能二选一")
            return EXIT_USAGE
        from extract.store.saved_queries import saved_sql

        sql: str | None = saved_sql(args.saved, args.param)
    else:
        if args.param:
            _err("sql: --param needs --saved NAME / --param 须与 --saved 一起使用")
            return EXIT_USAGE
        sql = _read_sql(args)
    if sql is None:
        return EXIT_FAILED
    if not sql.strip():
        _err("sql: give a query, or -f FILE / 请给出查询语句,或用 -f 指定文件")
        return EXIT_USAGE
    db = resolve_db_path(args.db)
    box = SqlBox(db)
    try:
        result = box.run(sql, max_rows=args.max_rows)
    except SqlRefused as exc:
        _err(f"sql: {exc}")
        return EXIT_FAILED
    except SqlFailed as exc:  # the runner hides the path from queries; the CLI user owns it
        if exc.timed_out:
            _err(
                f"sql: time limit of {TIMEOUT_S:g} s reached / 查询超过 {TIMEOUT_S:g} 秒时限,已中止"
            )
        else:
            _err(f"sql: {db}: query failed / 查询失败: {_one_line(str(exc).splitlines()[0])}")
        return EXIT_FAILED
    finally:
        box.close()
    df = result.frame
    from extract.output import render

    # A table clips long cells (a notice's text) to one line's worth; the other formats never do.
    sys.stdout.write(
        render(df, args.output_format, headers=not args.no_headers, max_cell=SQL_TABLE_CELL)
    )
    if args.output_format == "table":
        print(f"({len(df)} row{'s' if len(df) != 1 else ''})", file=sys.stderr)
    if result.truncation == "rows":
        _err(
            f"sql: result truncated to the first {len(df)} rows (--max-rows) / "
            f"结果已截断,仅输出前 {len(df)} 行"
        )
    elif result.truncation == "bytes":
        _err(
            f"sql: result truncated to the first {len(df)} rows "
            f"({MAX_RESULT_BYTES // 2**20} MB cap) / 结果超过 {MAX_RESULT_BYTES // 2**20} MB,"
            f"仅输出前 {len(df)} 行"
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from extract.export import export_all
    from extract.store import resolve_db_path

    files = export_all(
        resolve_db_path(args.db), args.out, since=args.since, bom=not args.no_bom, fmt=args.format
    )
    for f in files:
        print(f"{args.out / f.name}: {f.rows} rows", file=sys.stderr)
    return EXIT_OK


def dashboard_command(
    db: Path, port: int, *, host: str = DASHBOARD_HOST, read_only: bool = False
) -> tuple[list[str], dict[str, str]]:
    """The ``streamlit run`` command line and environment for the dashboard on ``db``.

    Always headless: a non-headless first run makes Streamlit stop and ask for an e-mail
    address on the terminal; xuncha opens the browser itself once the server answers.
    Streamlit listens on every interface unless told otherwise, so ``host`` is always passed.
    The viewer toolbar drops the Deploy button and the developer menu, which only confuse a
    reader. ``read_only`` reaches the app as ``XUNCHA_READ_ONLY=1``; without it an inherited
    ``XUNCHA_READ_ONLY`` is kept, so a service that sets it stays read-only.
    """
    app = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
    if not app.exists():
        import dashboard

        app = Path(dashboard.__file__).resolve().parent / "app.py"
    env = dict(os.environ, XUNCHA_DB=str(db.resolve()))
    if read_only:
        env["XUNCHA_READ_ONLY"] = "1"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--client.toolbarMode",
        "viewer",
        "--browser.gatherUsageStats",
        "false",
    ]
    return cmd, env


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (want 1-65535): {value!r}")
    return port


def _host(value: str) -> str:
    host = value.strip().removeprefix("[").removesuffix("]")  # [::1] as in a URL
    if not host:
        raise argparse.ArgumentTypeError("empty address (want e.g. 127.0.0.1 or 0.0.0.0)")
    return host


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _dashboard_urls(host: str, port: int) -> tuple[str, str]:
    """(URL to show and open, URL to probe for health) for a server listening on ``host``.

    A server on 127.0.0.1 or on every interface is opened as ``localhost`` and probed on the
    loopback address; one bound to another address only answers there, so that address is
    used for both (bracketed when IPv6).
    """
    if host in _WILDCARD_HOSTS:
        return (
            f"http://localhost:{port}",
            f"http://{'[::1]' if host == '::' else '127.0.0.1'}:{port}",
        )
    literal = f"[{host}]" if ":" in host else host
    shown = "localhost" if host in {"127.0.0.1", "localhost"} else literal
    return f"http://{shown}:{port}", f"http://{literal}:{port}"


def _listen_problem(host: str, port: int) -> tuple[int, str] | None:
    """(exit code, bilingual reason) when Streamlit could not listen on ``host:port``.

    Checked before starting it, because Streamlit reports an unknown address or a busy port
    with a traceback, and on a busy port may even keep running without serving.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        return EXIT_USAGE, "unknown address / 无法识别的地址"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno in _LISTEN_REASONS:
                en, zh = _LISTEN_REASONS[exc.errno]
                return EXIT_FAILED, f"{en} / {zh}"
            return EXIT_FAILED, _os_reason(exc)
    return None


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
    problem = _listen_problem(args.host, args.port)
    if problem is not None:
        code, reason = problem
        _err(f"dashboard: {args.host}:{args.port}: cannot listen / 无法监听 ({reason})")
        return code
    cmd, env = dashboard_command(db, args.port, host=args.host, read_only=args.read_only)
    url, probe = _dashboard_urls(args.host, args.port)
    if not _is_loopback(args.host):
        _err(
            f"dashboard: listening on {args.host}: anyone on the network can open it, with no "
            "login; put a login in front (README, 'Deploying the dashboard') / "
            f"正在监听 {args.host}:网络上任何人都能打开,且无需登录;请在前面加登录"
            "(见 README「Deploying the dashboard」)"
        )
    from extract.store.aliases import aliases_path, refresh_if_changed

    # The app opens the store read-only, so a changed aliases.toml is applied here, before it.
    note = refresh_if_changed(db, aliases_path(db), write=not args.read_only)
    if note:
        _err(f"dashboard: {note}")
    proc = subprocess.Popen(cmd, env=env)
    # A service manager or `kill` stops us with SIGTERM: treat it like Ctrl+C, so the Streamlit
    # child is stopped too instead of being orphaned with the port still held.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        if _wait_until_serving(probe, proc):
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


def cmd_check(args: argparse.Namespace) -> int:
    """``xuncha check``: the full block scan ingest no longer runs (extract/store/writer.py)."""
    from extract.store import resolve_db_path
    from extract.store.writer import check_store

    db = resolve_db_path(args.db)
    rows = check_store(db)
    print(f"{db}: every block read back intact ({rows:,} rows) / 数据库完好", file=sys.stderr)
    return EXIT_OK


def cmd_aliases(args: argparse.Namespace) -> int:
    """``xuncha aliases``: check aliases.toml and apply it now (extract/store/aliases.py)."""
    from extract.store import aliases

    return aliases.run(args)


def cmd_report(args: argparse.Namespace) -> int:
    """``xuncha report``: one notice's or unit's printable HTML (extract/report.py)."""
    from extract import report

    return report.run(args)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``xuncha evaluate``: the gold-set scores (see extract/evaluate.py)."""
    from extract import evaluate

    return evaluate.run(args)


def cmd_settings(args: argparse.Namespace) -> int:
    """Print name, value and source of every setting, tab-separated, one per line."""
    from extract import settings
    from extract.output import render_records

    rows = [
        {"setting": name, "value": value, "source": source}
        for name, value, source in settings.describe()
    ]
    columns = ["setting", "value", "source"]
    sys.stdout.write(render_records(rows, columns, args.output_format, headers=not args.no_headers))
    return EXIT_OK


COMMANDS = {
    "settings": cmd_settings,
    "evaluate": cmd_evaluate,
    "ingest": cmd_ingest,
    "extract": cmd_extract,
    "sql": cmd_sql,
    "export": cmd_export,
    "merge": cmd_merge,
    "dashboard": cmd_dashboard,
    "migrate": cmd_migrate,
    "check": cmd_check,
    "aliases": cmd_aliases,
    "report": cmd_report,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``xuncha`` console script."""
    from extract.settings import SettingError, Settings, apply_overrides

    # --setting first: the parser's defaults and help show the limits in force.
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--setting", action="append", default=[])
    try:
        apply_overrides(early.parse_known_args(argv)[0].setting)
        Settings()  # a bad xuncha.toml or variable stops here, before any work
    except SettingError as exc:
        _err(str(exc))
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        _err("interrupted / 已中断")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `xuncha extract x | head`: the reader has all it wanted
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        store, output = _context_paths(args)
        line = describe_fault(exc, store=store, output=output)
        if line is None:
            _err(
                "internal error: this is a bug in xuncha, please report it with the traceback "
                "below / 内部错误:这是 xuncha 的缺陷,请连同以下回溯信息一起报告"
            )
            traceback.print_exc()
        else:
            _err(line)
        return EXIT_FAILED


def _context_paths(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    """(database, output folder) of the command, to name when an error itself names no file."""
    store = None
    if "db" in args:
        from extract.store import resolve_db_path

        store = resolve_db_path(args.db)
    output = Path(args.out) if getattr(args, "out", None) is not None else None
    return store, output


def describe_fault(
    exc: BaseException, *, store: Path | None = None, output: Path | None = None
) -> str | None:
    """One English / Chinese line for an input or environment fault, or None for a bug.

    ``store`` names the database for a DuckDB error (DuckDB rarely says which file), and
    ``output`` (else ``store``) the file of an OS error that carries no file name.
    """
    import duckdb

    from extract.reading import NoticeReadError
    from extract.store import StoreError

    if isinstance(exc, StoreError):
        return _bilingual(_one_line(str(exc)), "数据库错误")
    if isinstance(exc, NoticeReadError):
        return _bilingual(_one_line(str(exc)), "无法读取通报文件")
    if isinstance(exc, UnicodeDecodeError):
        return f"{output or store or 'input'}: not valid UTF-8 text / 输入不是有效的 UTF-8 文本"
    if isinstance(exc, duckdb.Error):
        detail = _one_line((str(exc).strip().splitlines() or [type(exc).__name__])[0])
        prefix = f"{store}: " if store is not None and str(store) not in detail else ""
        if "No space left on device" in detail:
            return f"{prefix}disk full ({detail}) / 磁盘已满"
        return f"{prefix}database error ({detail}) / 数据库出错,文件可能已损坏"
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else (output or store)
        prefix = f"{os.fsdecode(name)}: " if name is not None else ""
        return f"{prefix}{_os_reason(exc)}"
    if isinstance(exc, MemoryError):
        return f"{store or 'xuncha'}: out of memory / 内存不足"
    return None


def _os_reason(exc: OSError) -> str:
    """``disk full / 磁盘已满``-style reason for an OS error, with strerror for the rest."""
    if exc.errno in _OS_REASONS:
        en, zh = _OS_REASONS[exc.errno]
        return f"{en} / {zh}"
    return f"{exc.strerror or type(exc).__name__} / 系统错误"


def _bilingual(message: str, zh: str) -> str:
    """``message``, with a Chinese tag appended when it has no Chinese of its own."""
    return message if _CJK.search(message) else f"{message} / {zh}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (tests capture it)
        pass


if __name__ == "__main__":
    sys.exit(main())
