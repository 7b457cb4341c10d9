"""The bad-input corpus (tests/badinput/cases.py): one case per row, each run in a child.

Issue "Ingest never loses data silently, stays bounded in time and memory, and one bad file
never stops a run": every case runs ``xuncha ingest`` (or ``export``) in a subprocess under a
3 GB address-space limit and a timeout, so a hang or a memory blow-up fails its case instead
of the session, then checks the invariants listed in tests/badinput/check.py. Time and memory
targets are read from ``scripts/bench_bad_input.py``, not asserted here.

Two store-level scenarios need several processes at once and are separate tests below:
an export killed mid-way (D12) and a lock file deleted while an ingest runs (D13).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.badinput.cases import CASES, Case, good_bytes, goods, write
from tests.badinput.check import (
    DB_NAME,
    Played,
    Template,
    make_template,
    manifest_problems,
    play,
)
from tests.badinput.runner import (
    ADDRESS_SPACE_LIMIT,
    REPO,
    TIMEOUT_SECONDS,
    connect_readonly,
    run_xuncha,
)

# Cases played at once (each in its own child process); CI has two cores.
JOBS = int(os.environ.get("XUNCHA_BADINPUT_JOBS", str(min(2, os.cpu_count() or 1))))


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The seeded store, ingested once per session and copied into each case (keeps it fast)."""
    try:
        return make_template(tmp_path_factory.mktemp("badinput-template"))
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_corpus_is_large_and_covers_every_defect() -> None:
    """The issue asks for ≥ 60 cases including every listed defect; each cites what it covers."""
    assert len(CASES) >= 60
    covered = " ".join(c.covers for c in CASES)
    for defect in ("D1", "D2", "D3", "D4", "D5", "D7", "D8", "D9", "D11", "D14", "D18"):
        assert defect in covered, defect
    assert all(c.covers and c.name for c in CASES)
    good_mixed = sum(1 for c in CASES if any("good_" in k for k in c.expect))
    assert good_mixed >= 50, "mix good files into most cases"


@pytest.fixture(scope="session")
def outcomes(
    request: pytest.FixtureRequest, template: Template, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Future[Played]]:
    """Every selected case, played in ``JOBS`` threads (each case is one child process).

    Why a pool: a case is mostly the child's start-up (about 1 s of imports), so running two
    at once halves the file's wall time on CI's two cores. Results are reported per case by
    ``test_bad_input`` below, one test per row as before.
    """
    wanted: list[Case] = []
    for item in request.session.items:
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")  # type: ignore[attr-defined]
        if isinstance(case, Case):
            wanted.append(case)
    pool = ThreadPoolExecutor(max_workers=JOBS, thread_name_prefix="badinput")
    request.addfinalizer(pool.shutdown)
    return {c.name: pool.submit(play, c, tmp_path_factory.mktemp(c.name), template) for c in wanted}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input(case: Case, outcomes: dict[str, Future[Played]]) -> None:
    result = outcomes[case.name].result()
    if result.problems:
        pytest.fail(f"{case.name} ({case.covers}):\n" + "\n".join(result.problems), pytrace=False)
    if result.unenforced_permissions:
        pytest.skip(
            "every other invariant held; the permission assertion for "
            f"{result.unenforced_permissions} was not checked: running as root, where "
            "chmod 000 does not deny reading"
        )


# ----------------------------------------------------------------------------- D12


def _export(db: Path, out: Path) -> subprocess.Popen[bytes]:
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))

    return subprocess.Popen(
        [sys.executable, "-m", "extract.cli", "export", "--out", str(out), "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
    )


def _snapshot(out: Path) -> dict[str, tuple[int, int]]:
    try:
        return {e.name: (e.stat().st_mtime_ns, e.stat().st_size) for e in os.scandir(out)}
    except FileNotFoundError:
        return {}


def _kill_when_writing(db: Path, out: Path, deadline: float) -> bool:
    """Start an export, SIGKILL it as soon as the folder changes; False if it finished first."""
    before = _snapshot(out)
    proc = _export(db, out)
    end = time.monotonic() + deadline
    while time.monotonic() < end and proc.poll() is None:
        if _snapshot(out) != before:
            proc.kill()
            proc.wait()
            return True
        time.sleep(0.0005)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    return False


def test_d12_export_killed_midway_leaves_a_complete_set(template: Template, tmp_path: Path) -> None:
    """D12: after SIGKILL at any point, the folder holds the old or the new set, never a mix.

    The exporter has no hook to stop at, so the export is killed (a) the moment its output
    folder first changes, and (b) after delays spread over a measured export's duration.
    """
    db = tmp_path / DB_NAME
    db.write_bytes(template.db.read_bytes())
    out = tmp_path / "out"
    first = run_xuncha(["export", "--out", out, "--db", db])
    assert first.returncode == 0, first.tail()
    assert not manifest_problems(out)
    ingest = run_xuncha(["ingest", *goods(tmp_path / "more", 3), "--db", db])
    assert "Traceback" not in ingest.stderr, ingest.tail()
    scratch = run_xuncha(["export", "--out", tmp_path / "scratch", "--db", db])
    duration = scratch.seconds
    problems: list[str] = []

    def check(label: str) -> None:
        tmp = [n for n in os.listdir(out) if n.endswith(".tmp")]
        if tmp:
            problems.append(f"{label}: .tmp files left: {tmp}")
        problems.extend(f"{label}: {p}" for p in manifest_problems(out))

    for attempt in range(2):
        if _kill_when_writing(db, out, deadline=TIMEOUT_SECONDS):
            check(f"killed at the first write (attempt {attempt + 1})")
    for fraction in (0.6, 0.85, 0.95, 1.0):
        proc = _export(db, out)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check(f"killed after {fraction:.0%} of an export")
    final = run_xuncha(["export", "--out", out, "--db", db])
    assert final.returncode == 0, final.tail()
    check("after a clean export")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- D13


def test_d13_lock_file_deleted_while_an_ingest_runs(template: Template, tmp_path: Path) -> None:
    """D13: deleting ``<db>.lock`` mid-ingest must not let a second writer lose the first's work.

    Ingest A (many notices) starts; once it holds the write lock, the lock file is deleted and
    ingest B runs. Whatever each reports, every file a run reports stored must be in the final
    store, and a run that cannot go on must say so in one line, exit 1, without a traceback.
    """
    db = tmp_path / "store" / DB_NAME
    db.parent.mkdir()
    db.write_bytes(template.db.read_bytes())
    folder_a = tmp_path / "a"
    for i in range(250):
        write(folder_a / f"a{i:03d}.txt", good_bytes(1000 + i))
    folder_b = tmp_path / "b"
    goods(folder_b, 3, start=2000)
    proc_a = subprocess.Popen(
        [sys.executable, "-m", "extract.cli", "ingest", str(folder_a), "--db", str(db)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lock = db.with_name(db.name + ".lock")
    started = lock  # it appears once A takes the write lock
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not started.exists() and proc_a.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc_a.poll() is None, "ingest A finished before its lock could be deleted"
    lock.unlink()
    run_b = run_xuncha(["ingest", folder_b, "--db", db])
    a_running_when_b_ended = proc_a.poll() is None
    try:
        out_a, err_a = proc_a.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        proc_a.kill()
        pytest.fail("ingest A hung after its lock file was deleted")
    text_a = (out_a + err_a).decode("utf-8", "replace")
    problems = []
    for label, rc, text in (
        ("A", proc_a.returncode, text_a),
        ("B", run_b.returncode, run_b.stdout + run_b.stderr),
    ):
        if "Traceback" in text:
            problems.append(f"ingest {label}: traceback\n{text[-800:]}")
        if rc not in (0, 1):
            problems.append(f"ingest {label}: exit code {rc}")
    con = connect_readonly(db)
    try:
        stored = {r[0] for r in con.execute("SELECT source_path FROM notice_sources").fetchall()}
    finally:
        con.close()
    for label, rc, folder in (
        ("A", proc_a.returncode, folder_a),
        ("B", run_b.returncode, folder_b),
    ):
        missing = [p.name for p in sorted(folder.iterdir()) if str(p) not in stored]
        if rc == 0 and missing:
            problems.append(
                f"ingest {label} exited 0 but {len(missing)} of its files are not in the store "
                f"(lost update; A still running when B ended: {a_running_when_b_ended})"
            )
    assert not problems, "\n".join(problems)
