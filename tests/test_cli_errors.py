"""Input and environment faults give one English / Chinese line, never a traceback (D9).

Each row builds one fault — a store path that is a folder, a damaged store, a full disk, a
read-only folder — and runs one command on it. Real faults where the machine allows them (a
tiny or read-only tmpfs needs root: skipped elsewhere, but required under ``CI=true``), and
the same errors raised in-process so every machine checks the mapping. The dashboard rows show
that a damaged file gives an error message on every page instead of a traceback.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from extract.cli import COMMANDS, main
from tests.notice_factory import write_notice

CJK = re.compile(r"[\u3400-\u9fff]")


def assert_one_fault_line(err: str, names: str) -> None:
    """stderr is exactly one line that names ``names`` and has Chinese and English."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert names in lines[0], err
    assert CJK.search(lines[0]) and re.search(r"[A-Za-z]{4}", lines[0]), err
    assert "Traceback" not in err


@pytest.fixture()
def notices(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write_notice(folder, "a.txt", unit="云岭开发区")
    write_notice(folder, "b.txt", unit="青禾园区", study=30, money=5000)
    return folder


@pytest.fixture()
def good_store(tmp_path: Path, notices: Path) -> Path:
    path = tmp_path / "good.duckdb"
    assert main(["ingest", str(notices), "--db", str(path)]) == 0
    return path


# ------------------------------------------------------------------ damaged or odd stores
def _folder(store: Path, good: Path) -> None:
    store.mkdir()


def _random_bytes(store: Path, good: Path) -> None:
    store.write_bytes(os.urandom(300 * 1024))


def _truncated(store: Path, good: Path) -> None:
    shutil.copyfile(good, store)
    os.truncate(store, store.stat().st_size // 3)


def _corrupt_block(store: Path, good: Path) -> None:
    """Overwrite the data block holding ``notices.title``: the file opens, reading fails."""
    shutil.copyfile(good, store)
    corrupt_notice_block(store)


def corrupt_notice_block(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    try:
        block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        block = con.execute(
            "SELECT max(block_id) FROM pragma_storage_info('notices') WHERE column_name = 'title'"
        ).fetchone()[0]
    finally:
        con.close()
    assert block is not None and block >= 0
    with open(store, "r+b") as fh:
        fh.seek(3 * 4096 + block * block_size + 64)  # after the file and database headers
        fh.write(os.urandom(4096))


STORES: dict[str, Callable[[Path, Path], None]] = {
    "folder": _folder,
    "random-bytes": _random_bytes,
    "truncated": _truncated,
    "corrupt-block": _corrupt_block,
}


@pytest.mark.parametrize(
    ("store_kind", "command"),
    [
        pytest.param(kind, command, id=f"{kind}-{command}")
        for kind in STORES
        for command in ("sql", "export", "ingest")
    ],
)
def test_damaged_store_is_one_line(
    store_kind: str,
    command: str,
    tmp_path: Path,
    good_store: Path,
    notices: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = tmp_path / "bad.duckdb"
    STORES[store_kind](store, good_store)
    argv = {
        "sql": ["sql", "SELECT * FROM notices"],
        "export": ["export", "--out", str(tmp_path / "out")],
        "ingest": ["ingest", str(notices)],
    }[command]
    capsys.readouterr()
    assert main([*argv, "--db", str(store)]) == 1
    captured = capsys.readouterr()
    assert_one_fault_line(captured.err, str(store))
    assert captured.out == ""  # no summary claims anything was stored or exported


# ----------------------------------------------------------- full disk, read-only folders
@pytest.fixture()
def tmpfs(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Mount small tmpfs folders (root only); skip where mounting is not permitted."""
    mounted: list[Path] = []

    def mount(name: str, size: str, *, read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        opts = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(point)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            if os.environ.get("CI") == "true":
                pytest.fail(f"cannot mount a tmpfs under CI: {done.stderr.strip()}")
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.mark.parametrize(
    ("case", "size", "read_only", "reason"),
    [
        pytest.param("export", "4k", False, "disk full|No space left", id="export-disk-full"),
        pytest.param("export", "1m", True, "read-only|Read-only", id="export-read-only-folder"),
        pytest.param("ingest", "300k", False, "disk full|No space left", id="ingest-disk-full"),
        pytest.param("ingest", "1m", True, "read-only|Read-only", id="ingest-read-only-folder"),
    ],
)
def test_real_environment_faults(
    case: str,
    size: str,
    read_only: bool,
    reason: str,
    tmpfs: Callable[..., Path],
    good_store: Path,
    notices: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A command-wide fault is one stderr line; an ingest may instead report it per file on
    stdout (D19: each failed file one line, then a summary storing nothing)."""
    mnt = tmpfs("mnt", size, read_only=read_only)
    if case == "export":
        argv = ["export", "--out", str(mnt / "out"), "--db", str(good_store)]
    else:
        argv = ["ingest", str(notices), "--db", str(mnt / "x.duckdb")]
    capsys.readouterr()
    assert main(argv) == 1
    captured = capsys.readouterr()
    if captured.err:
        assert_one_fault_line(captured.err, str(mnt))
    else:
        *failures, summary = captured.out.strip().splitlines()
        assert case == "ingest" and failures and " 0 new," in summary
        for line in failures:
            assert str(notices) in line and CJK.search(line)
    assert re.search(reason, captured.out + captured.err)
    assert "Traceback" not in captured.out + captured.err


def _raise(exc: BaseException) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise exc

    return fail


@pytest.mark.parametrize(
    ("target", "exc", "command", "needle"),
    [
        pytest.param(
            "extract.export.write_atomic",
            OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/srv/out/notices.csv"),
            "export",
            "disk full",
            id="export-ENOSPC-in-process",
        ),
        pytest.param(
            "extract.export.write_atomic",
            PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/srv/out/notices.csv"),
            "export",
            "permission denied",
            id="export-EACCES-in-process",
        ),
        pytest.param(
            "extract.store.writer.StoreWriter._connect",
            OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/srv/data/x.duckdb.wal"),
            "ingest",
            "disk full",
            id="ingest-ENOSPC-opening-the-store",
        ),
        pytest.param(
            "extract.export.open_readonly",
            duckdb.IOException('IO Error: Could not write file "x": No space left on device'),
            "export",
            "disk full",
            id="duckdb-ENOSPC",
        ),
    ],
)
def test_environment_faults_in_process(
    target: str,
    exc: BaseException,
    command: str,
    needle: str,
    tmp_path: Path,
    good_store: Path,
    notices: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a notice the store does not hold yet: an ingest with nothing to write copies nothing
    fresh = write_notice(tmp_path / "more", "new.txt", unit="新到单位")
    monkeypatch.setattr(target, _raise(exc))
    argv = {
        "export": ["export", "--out", str(tmp_path / "out")],
        "ingest": ["ingest", str(notices), str(fresh)],
    }[command]
    capsys.readouterr()
    assert main([*argv, "--db", str(good_store)]) == 1
    captured = capsys.readouterr()
    named = exc.filename if isinstance(exc, OSError) and exc.filename else str(tmp_path)
    if command == "ingest" and not captured.err:
        # The batch's session is the run's only read-write open (the schema check runs in it):
        # its fault is reported per file (D19), the new file not stored, naming the cause.
        *failures, summary = captured.out.strip().splitlines()
        assert " 0 new," in summary and " 1 failed" in summary, captured.out
        assert len(failures) == 1 and str(fresh) in failures[0], captured.out
        assert str(named) in failures[0] and os.strerror(errno.ENOSPC) in failures[0]
        assert CJK.search(failures[0]) and "Traceback" not in captured.out
        return
    assert_one_fault_line(captured.err, str(named))
    assert needle in captured.err


# --------------------------------------------------------- interrupts, pipes and real bugs
@pytest.mark.parametrize(
    ("exc", "code", "shows"),
    [
        pytest.param(KeyboardInterrupt(), 130, "interrupted / 已中断", id="ctrl-c"),
        pytest.param(BrokenPipeError(errno.EPIPE, "Broken pipe"), 0, "", id="closed-pipe"),
        pytest.param(MemoryError(), 1, "out of memory / 内存不足", id="out-of-memory"),
        pytest.param(RuntimeError("boom"), 1, "this is a bug in xuncha", id="bug"),
    ],
)
def test_interrupts_pipes_and_bugs(
    exc: BaseException,
    code: int,
    shows: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setitem(COMMANDS, "sql", _raise(exc))
    assert main(["sql", "SELECT 1", "--db", str(tmp_path / "x.duckdb")]) == code
    err = capsys.readouterr().err
    assert shows in err
    # A bug keeps its traceback (it must be reportable); nothing else shows one.
    assert ("Traceback" in err) == isinstance(exc, RuntimeError)


# ------------------------------------------------------------------------------- dashboard
@pytest.mark.parametrize("page", ["overview", "compare", "explorer", "detail", "sql"])
def test_dashboard_pages_on_a_corrupt_block(
    page: str, good_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file opens (its headers are fine) but a data block fails its checksum."""
    from tests.test_dashboard_app import open_page

    store = tmp_path / "damaged.duckdb"
    _corrupt_block(store, good_store)
    at = open_page(page, store, monkeypatch)  # asserts no exception reached the page
    # The status check may already meet the damaged block (it reads the notices' names): then
    # the page is the error screen. Otherwise the SQL page's schema browser reads no data, and
    # running a query shows the error.
    if page == "sql" and any(ta.key == "sql_text" for ta in at.text_area):
        at.text_area(key="sql_text").set_value("SELECT * FROM notices")
        at.button(key="sql_run").click().run()
        assert not at.exception
    assert at.error, "a damaged file must show an error, not an empty page"
    assert not at.dataframe or page == "sql"


def test_detail_page_when_a_query_hits_a_corrupt_block(
    good_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detail page's own query fails after the status check passed: one bilingual error."""
    from dashboard import data
    from tests.test_dashboard_app import open_page

    message = "Corrupt database file: computed checksum 1 does not match stored checksum 2"
    monkeypatch.setattr(data, "notice_meta", _raise(duckdb.Error(message)))
    at = open_page("detail", good_store, monkeypatch)
    shown = "\n".join(e.value for e in at.error)
    assert str(good_store) in shown and "Corrupt database file" in shown
    assert "无法" in shown and "Cannot" in shown
