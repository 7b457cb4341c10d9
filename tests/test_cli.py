"""The xuncha command line: exit codes, messages, output formats, help for every command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from extract.cli import COMMANDS, build_parser, main
from tests.notice_factory import write_notice

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "x.duckdb"
    write_notice(tmp_path / "in", "a.txt", unit="云岭开发区")
    write_notice(tmp_path / "in", "b.txt", unit="青禾园区", study=30, money=5000)
    assert main(["ingest", str(tmp_path / "in"), "--db", str(path)]) == 0
    return path


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        ([], 2),  # no command: help on stderr, usage error
        (["frobnicate"], 2),  # unknown command
        (["ingest"], 2),  # missing PATH
        (["export"], 2),  # missing --out
        (["export", "--out", "x", "--since", "yesterday"], 2),  # bad date
        (["sql", "--csv", "--json", "SELECT 1"], 2),  # exclusive flags
    ],
)
def test_usage_errors_exit_2(argv: list[str], code: int) -> None:
    with pytest.raises(SystemExit) as exc:
        rc = main(argv)
        raise SystemExit(rc)
    assert exc.value.code == code


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("xuncha ")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    sub = build_parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    text = sub.format_help()
    assert sub.description and len(sub.description) > 20
    assert "usage: xuncha " + command in text


def test_ingest_summary_and_failed_file_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    write_notice(folder, "good.txt")
    (folder / "bad.html").write_bytes(b"\x00\x00\x00\x00binary")
    rc = main(["ingest", str(folder), str(tmp_path / "nope"), "--db", str(tmp_path / "x.duckdb")])
    captured = capsys.readouterr()
    assert rc == 1
    out = captured.out.splitlines()  # D19: results on stdout, one line per failed file
    assert any("bad.html" in line for line in out) and any("nope" in line for line in out)
    assert "1 new" in out[-1] and "2 failed" in out[-1]
    assert "Traceback" not in captured.out + captured.err


def test_ingest_nothing_found_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "x.duckdb")]) == 1
    captured = capsys.readouterr()  # a failed result (stdout) or the CLI's own error (stderr)
    assert "no notice files" in captured.out + captured.err


def test_sql_table_csv_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = "SELECT inspected_unit, quantity_count FROM v_notices ORDER BY inspected_unit"
    assert main(["sql", q, "--db", str(db)]) == 0
    assert "青禾园区" in capsys.readouterr().out
    assert main(["sql", q, "--csv", "--db", str(db)]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(df.columns) == ["inspected_unit", "quantity_count"] and len(df) == 2
    assert main(["sql", q, "--json", "--db", str(db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["inspected_unit"] for r in rows} == {"云岭开发区党工委", "青禾园区党工委"}


def test_sql_from_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.sql"
    f.write_text("SELECT count(*) AS n FROM notices", encoding="utf-8")
    assert main(["sql", "-f", str(f), "--json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 2}]


def test_ingest_results_on_stdout_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D19: a script reading stdout gets the summary; a clean run prints nothing else."""
    write_notice(tmp_path / "in", "a.txt")
    assert main(["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "x.duckdb")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert "1 new, 0 updated, 0 unchanged, 0 failed;" in out[0] and "quantities stored" in out[0]


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("SELEC nonsense", "syntax"),  # a typo: readable error, exit 1
        ("DELETE FROM notices", "read-only"),  # the CLI never writes
        ("SELECT * FROM no_such_table", "no_such_table"),
        # D16: the CLI runs the locked-down runner, not a plain connection
        ("SELECT 1; SELECT 2", "one statement"),  # several statements
        ("COPY notices TO 'out.csv'", "read-only"),  # COPY … TO writes a file
        ("EXPORT DATABASE 'dump'", "read-only"),  # EXPORT writes a folder
        ("SELECT * FROM read_text('/etc/passwd')", "query failed"),  # no file access
        ("SELECT * FROM duckdb_databases()", "duckdb_databases"),  # reveals the store path
    ],
)
def test_sql_errors_exit_1(
    db: Path,
    query: str,
    needle: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["sql", query, "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert needle.lower() in err.lower() and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and " / " in err  # one English / Chinese line
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "dump").exists()


@pytest.mark.parametrize(
    ("argv", "rows", "note"),
    [
        (["SELECT * FROM range(5)"], 5, None),
        (["SELECT * FROM range(5000)"], 1000, "truncated"),  # the runner's default row cap
        (["SELECT * FROM range(5000)", "--max-rows", "2000"], 2000, "truncated"),
        (["SELECT * FROM range(5)", "--max-rows", "2"], 2, "truncated"),
    ],
)
def test_sql_row_cap(
    db: Path, argv: list[str], rows: int, note: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", *argv, "--csv", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert len(pd.read_csv(io.StringIO(captured.out))) == rows
    assert (note in captured.err) if note else captured.err == ""


@pytest.mark.parametrize("value", ["0", "-1", "many", "100001"])
def test_sql_max_rows_out_of_range_is_a_usage_error(value: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sql", "SELECT 1", "--max-rows", value])
    assert exc.value.code == 2


def test_sql_without_database_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "SELECT 1", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "xuncha ingest" in capsys.readouterr().err


def test_db_from_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XUNCHA_DB", str(db))
    assert main(["sql", "SELECT count(*) AS n FROM notices", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 2}]


def test_extract_json_lines_trace_to_the_stored_text(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in" / "a.txt"
    assert main(["extract", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines
    fields = {
        "surface",
        "start",
        "end",
        "kind",
        "value",
        "value_high",
        "unit",
        "approx",
        "year_inferred",
        "metric",
        "sentence_index",
    }
    assert all(fields <= set(obj) for obj in lines)
    assert (
        main(
            [
                "sql",
                "SELECT text FROM notices WHERE source_path LIKE '%a.txt'",
                "--json",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    text = json.loads(capsys.readouterr().out)[0]["text"]
    for obj in lines:
        assert text[obj["start"] : obj["end"]] == obj["surface"]
    assert any(o["surface"] == "17次" and o["value"] == 17 for o in lines)


def test_extract_stdin_raw(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "设立2000万元技术改造专项扶持资金,开展学习17次。"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["extract", "-", "--raw"]) == 0
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["surface"], o["value"], o["unit"]) for o in got] == [
        ("2000万元", 20000000.0, "元"),
        ("17次", 17.0, "次"),
    ]
    assert all(text[o["start"] : o["end"]] == o["surface"] for o in got)


STDIN_CASES = [
    # (stdin bytes, extra args, expected surfaces, what it covers)
    (
        "<html><body><div>首页 | 网站地图</div><p>开展学习17次。</p></body></html>".encode(),
        [],
        ["17次"],
        "an HTML page on stdin is recognised and read as a page, not as text with tags",
    ),
    (
        "# 整改情况\n\n**设立**2000万元专项资金。".encode(),
        ["--as", "md"],
        ["2000万元"],
        "Markdown on stdin with --as md: markup removed before extraction",
    ),
    (
        "开展学习17次。".encode("gb18030"),
        [],
        ["17次"],
        "a GB18030 text on stdin: the encoding is detected like a file's",
    ),
]


@pytest.mark.parametrize(("data", "extra", "surfaces", "why"), STDIN_CASES)
def test_extract_stdin_reads_like_a_file(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    extra: list[str],
    surfaces: list[str],
    why: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["extract", "-", *extra]) == 0
    got = [json.loads(line)["surface"] for line in capsys.readouterr().out.splitlines()]
    assert got == surfaces, why


def test_extract_output_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "设立2000万元技术改造专项扶持资金,开展学习17次。"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["extract", "-", "--raw", "--csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame["surface"]) == ["2000万元", "17次"] and "start" in frame.columns
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["extract", "-", "--raw", "--table", "--no-headers"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("2000万元") and "nan" not in out and "None" not in out


def test_settings_command_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--setting", "sql_timeout_s=7", "settings", "--json"]) == 0
    rows = {r["setting"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["sql_timeout_s"]["value"] == "7.0"
    assert rows["sql_timeout_s"]["source"] == "--setting sql_timeout_s"
    assert main(["--setting", "no_such=1", "settings"]) == 2
    assert "unknown setting" in capsys.readouterr().err


def test_evaluate_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["overall"]["exact"]["f1"] >= 0.99, "the gold set's exact F1 (1.000 today)"
    assert main(["evaluate", "--gold", "/nonexistent-gold"]) == 2
    assert "gold folder not found" in capsys.readouterr().err


def test_extract_missing_file_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt" in capsys.readouterr().err


def test_export_bom_roundtrip_and_since(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    assert main(["export", "--out", str(out), "--db", str(db)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {
        "notices.csv",
        "completion.csv",
        "quantities.csv",
        "metrics.csv",
        "metrics_wide.csv",
        "problems.csv",
        "manifest.json",
    } <= names
    for name in names - {"manifest.json"}:
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r\n" in raw and not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    notices = pd.read_csv(out / "notices.csv", encoding="utf-8-sig")
    assert set(notices["inspected_unit"]) == {"云岭开发区党工委", "青禾园区党工委"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = {f["name"]: f["rows"] for f in manifest["files"]}
    assert rows["notices.csv"] == 2
    q = pd.read_csv(out / "quantities.csv", encoding="utf-8-sig")
    assert rows["quantities.csv"] == len(q) > 0
    assert main(["export", "--out", str(out), "--since", "2999-01-01", "--db", str(db)]) == 0
    assert len(pd.read_csv(out / "notices.csv", encoding="utf-8-sig")) == 0


def test_export_without_database_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--out", str(tmp_path / "o"), "--db", str(tmp_path / "no.duckdb")]) == 1
    assert "no database" in capsys.readouterr().err


def test_console_script_is_installed(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("xuncha")
    assert exe.exists(), "pip install -e . should install the xuncha console script"
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "xuncha ingest" in out.stdout


def test_dashboard_command_runs_streamlit_on_the_same_database(tmp_path: Path) -> None:
    from extract.cli import dashboard_command

    db = tmp_path / "x.duckdb"
    cmd, env = dashboard_command(db, 8765)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("dashboard/app.py")
    assert Path(cmd[4]).exists()
    assert cmd[cmd.index("--server.port") + 1] == "8765"
    assert cmd[cmd.index("--server.headless") + 1] == "true"  # never the e-mail prompt
    assert env["XUNCHA_DB"] == str(db.resolve())


@pytest.mark.slow
def test_dashboard_command_serves_the_app(tmp_path: Path) -> None:
    """`xuncha dashboard --headless` really starts a server that answers on its port."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).with_name("xuncha")
    proc = subprocess.Popen(
        [
            str(exe),
            "dashboard",
            "--headless",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "x.duckdb"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        seen = []
        for _ in range(200):  # streamlit logs too; ours is printed once the server is healthy
            line = proc.stderr.readline().decode()
            seen.append(line)
            if line.startswith("xuncha dashboard:") or not line:
                break
        assert f"xuncha dashboard: http://localhost:{port}" in seen[-1], seen
        with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.terminate()  # SIGTERM, as a service manager would send
        proc.wait(timeout=30)
    # The Streamlit child must stop with us, not linger holding the port.
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1)
        except OSError:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"Streamlit still serving on port {port} after xuncha dashboard stopped")
