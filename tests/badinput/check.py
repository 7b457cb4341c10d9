"""Play one bad-input case and list every invariant the run broke.

The invariants are the issue's, checked after every run:

* ``new + updated + unchanged + failed`` equals the files and problem paths the case gives;
  the summary is on stdout (D19); exit code 0 exactly when nothing failed.
* The store holds exactly what the summary reports: one source row per stored path, no
  orphan notice or dangling source, as many new notices and quantities as reported.
* Every file that is not stored is named by exactly one output line, which gives the reason
  in Chinese and English; no traceback, ever.
* The seeded sample notices stay byte-identical; no ``.next``/``.tmp`` is left behind.

Problems are collected, not asserted one by one, so a case that breaks several invariants
(today: D19 everywhere) still shows all of them.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tests.badinput.cases import PID_TOKEN, Case, Outcome
from tests.badinput.runner import (
    SAMPLES,
    SUMMARY,
    TIMEOUT_SECONDS,
    Run,
    StoreView,
    connect_readonly,
    is_bilingual,
    lines_naming,
    read_store,
    rows_digest,
    run_xuncha,
    sha256_file,
    stray_files,
    text_contains,
)

DB_NAME = "x.duckdb"


@dataclass(frozen=True)
class Template:
    """A store holding the fictional samples, copied into every case (ingested once)."""

    db: Path
    seed_ids: frozenset[str]
    digest: dict[str, str]


def make_template(folder: Path) -> Template:
    """Ingest ``data/*.txt`` and ``data/*.html`` once; raises if even that does not work."""
    db = folder / DB_NAME
    samples = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    run = run_xuncha(["ingest", *samples, "--db", db, "--quiet"])
    if run.returncode != 0 or not db.exists():
        raise RuntimeError(f"could not build the seeded template store:\n{run.tail()}")
    con = connect_readonly(db)
    try:
        ids = frozenset(r[0] for r in con.execute("SELECT notice_id FROM notices").fetchall())
        digest = rows_digest(con, ids)
    finally:
        con.close()
    if len(ids) != len(samples):
        raise RuntimeError(f"template holds {len(ids)} notices for {len(samples)} samples")
    return Template(db, ids, digest)


@dataclass
class Played:
    """The runs of one case and what they broke."""

    case: Case
    template: Template
    runs: list[Run] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unenforced_permissions: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs)

    @property
    def peak_rss_mb(self) -> float:
        return max((r.peak_rss_mb for r in self.runs), default=0.0)


def _walk(root: Path) -> list[str]:
    """Every entry under ``root`` (files, folders, links, FIFOs), relative, links not followed."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return out


def resolve_expect(case: Case, root: Path) -> dict[str, Outcome]:
    """Expectation per concrete relative path: patterns matched against what ``build`` wrote."""
    listing = _walk(root)
    out: dict[str, Outcome] = {}
    for key, outcome in case.expect.items():
        if any(ch in key for ch in "*?["):
            matched = [rel for rel in listing if fnmatch.fnmatchcase(rel, key)]
            if not matched:
                raise AssertionError(f"{case.name}: pattern {key!r} matches nothing it built")
            for rel in matched:
                out.setdefault(rel, outcome)
        else:
            out.setdefault(key, outcome)
    return out


def _permission_unenforced(root: Path, rel: str) -> bool:
    """True when a chmod-000 path is still readable: root (as in CI) ignores permissions."""
    path = root / rel
    mode = os.R_OK | (os.X_OK if path.is_dir() else 0)
    return os.access(path, mode)


def _restore_permissions(root: Path, rels: tuple[str, ...]) -> None:
    for rel in rels:  # so that pytest can clean the folder up
        with contextlib.suppress(OSError):
            (root / rel).chmod(0o755)


def _store_fingerprint(db: Path) -> str:
    if db.is_dir():
        return "dir:" + ",".join(sorted(os.listdir(db)))
    if db.exists():
        return sha256_file(db)
    return "missing"


def play(case: Case, root: Path, template: Template) -> Played:
    """Build the case under ``root``, run it (twice if it has ``between``) and check it."""
    played = Played(case, template)
    store_dir = root / "store"
    store_dir.mkdir(parents=True)
    db = store_dir / DB_NAME
    shutil.copyfile(template.db, db)
    args = case.build(root)
    try:
        expect = resolve_expect(case, root)
        for rel in case.permission:
            if _permission_unenforced(root, rel):
                # root reads it anyway: only that assertion is dropped (see the test)
                played.unenforced_permissions.append(rel)
                if (root / rel).is_dir():
                    del expect[rel]
                    for inner in _walk(root / rel):
                        expect[f"{rel}/{inner}"] = "either"
                else:
                    expect[rel] = "either"
        if case.store is not None:
            case.store(db)
        before = _store_fingerprint(db)
        damaged_before = case.refused_or_unspread and _damaged(db)
        argv: list[str | os.PathLike[str]]
        if case.command == "export":
            argv = ["export", "--out", root / "out", "--db", db]
        else:
            argv = ["ingest", *args, "--db", db]
        timeout = case.timeout or TIMEOUT_SECONDS
        run = run_xuncha(argv, fsize_limit=case.fsize_limit, timeout=timeout)
        played.runs.append(run)
        if case.refused or (case.refused_or_unspread and run.returncode != 0):
            _check_refused(played, run, root, db, before)
            return played
        if case.refused_or_unspread:
            _check_unspread(played, run, db, damaged_before)
            return played
        ids_before = set(template.seed_ids)
        view = _check_ingest(played, run, root, db, expect, ids_before, case.counts, first=True)
        if case.between is not None and view is not None and not run.timed_out:
            digest_before = _all_rows_digest(db)
            case.between(root)
            run2 = run_xuncha(argv, timeout=timeout)
            played.runs.append(run2)
            expect2 = resolve_expect(case, root)
            view2 = _check_ingest(
                played, run2, root, db, expect2, view.notice_ids, case.rerun_counts, first=False
            )
            kept = view2 is None or _all_rows_digest(db) == digest_before
            if case.rerun_keeps_store and not kept:
                played.problems.append(
                    "second run: stored notices changed, but it had nothing to store"
                )
        return played
    finally:
        _restore_permissions(root, case.permission)


def _all_rows_digest(db: Path) -> dict[str, str]:
    con = connect_readonly(db)
    try:
        ids = [r[0] for r in con.execute("SELECT notice_id FROM notices").fetchall()]
        return rows_digest(con, ids)
    finally:
        con.close()


def _common(played: Played, run: Run, label: str) -> bool:
    """Hang and traceback checks; False when the run is beyond further checking."""
    if run.timed_out:
        played.problems.append(
            f"{label}: hung — killed after {run.seconds:.0f} s (timeout)\n{run.tail(600)}"
        )
        return False
    if "Traceback" in run.stdout or "Traceback" in run.stderr:
        played.problems.append(f"{label}: traceback in the output\n{_traceback_tail(run)}")
    if run.returncode < 0:
        played.problems.append(f"{label}: killed by signal {-run.returncode}\n{run.tail(600)}")
        return False
    return True


def _traceback_tail(run: Run) -> str:
    """The last lines of the traceback: enough to see where, short enough for a report."""
    text = run.stderr if "Traceback" in run.stderr else run.stdout
    return "\n".join(text[text.index("Traceback") :].splitlines()[-6:])


def _check_ingest(
    played: Played,
    run: Run,
    root: Path,
    db: Path,
    expect: dict[str, Outcome],
    ids_before: set[str],
    counts: tuple[int, int, int, int] | None,
    *,
    first: bool,
) -> StoreView | None:
    label = "first run" if first else "second run"
    problems = played.problems
    if not _common(played, run, label):
        return None
    summary = run.summary()
    if summary is None:
        summary = run.summary_on_stderr()
        if summary is not None:
            problems.append(f"{label}: D19: the summary is on stderr, not stdout")
        else:
            died = "Traceback" in run.stdout + run.stderr
            problems.append(f"{label}: no summary line" + ("" if died else "\n" + run.tail(800)))
    if summary is not None:
        new, updated, unchanged, failed, quantities = summary
        total = new + updated + unchanged + failed
        optional = sum(1 for v in expect.values() if v == "optional")
        if not len(expect) - optional <= total <= len(expect):
            problems.append(
                f"{label}: new+updated+unchanged+failed = {total}, but the case gives "
                f"{len(expect)} files/problem paths: {sorted(expect)[:8]}"
            )
        want_rc = 1 if failed else 0
        if run.returncode != want_rc:
            problems.append(f"{label}: exit code {run.returncode} with {failed} failed")
        if counts is not None and (new, updated, unchanged, failed) != counts:
            problems.append(
                f"{label}: counts (new, updated, unchanged, failed) = "
                f"{(new, updated, unchanged, failed)}, expected {counts}"
            )
    if any(v == "failed" for v in expect.values()) and run.returncode != 1:
        problems.append(f"{label}: a file must fail, but the exit code is {run.returncode}")
    try:
        view = read_store(db, root)
    except duckdb.Error as exc:
        problems.append(f"{label}: store unreadable after the run: {exc}")
        return None
    if summary is None:  # the run died early: per-file checks would only repeat that
        _check_seed(played, db, label)
        _check_strays(played, db.parent, label)
        return view
    lines = run.lines
    stored_paths = 0
    for rel, outcome in sorted(expect.items()):
        path = str(root / rel)
        stored = view.stored(path) is not None
        stored_paths += stored
        if outcome == "stored" and not stored:
            problems.append(f"{label}: {rel!r} must be stored, is not")
        elif outcome == "failed" and stored:
            problems.append(f"{label}: {rel!r} must fail, was stored")
        if not stored:
            naming = lines_naming(lines, rel, inside=os.path.isdir(root / rel))
            if outcome == "optional" and not naming:
                continue
            if len(naming) != 1:
                problems.append(
                    f"{label}: {rel!r} not stored; named by {len(naming)} output lines "
                    f"(want exactly 1): {naming[:3]}"
                )
            elif not is_bilingual(naming[0], str(root)):
                problems.append(f"{label}: reason not in Chinese and English: {naming[0]!r}")
        elif (
            first
            and rel in played.case.contains
            and not text_contains(db, path, played.case.contains[rel])
        ):
            problems.append(
                f"{label}: {rel!r} stored without {played.case.contains[rel]!r}: "
                "decoded wrongly (mojibake) or text lost"
            )
    for rel in played.case.warn:
        naming = lines_naming(lines, rel)
        if not naming:
            problems.append(f"{label}: {rel!r} read with its tail dropped, but no warning names it")
        elif not any(is_bilingual(line, str(root)) for line in naming):
            problems.append(f"{label}: warning not in Chinese and English: {naming[0]!r}")
    if summary is not None:
        new, updated, unchanged, failed, quantities = summary
        if first and len(view.sources) != new + updated + unchanged:
            problems.append(
                f"{label}: the store holds {len(view.sources)} source rows for this case, "
                f"the summary reports {new + updated + unchanged} files stored"
            )
        appeared = view.notice_ids - ids_before
        if len(appeared) != new + updated:
            problems.append(
                f"{label}: {len(appeared)} notices appeared in the store, the summary reports "
                f"{new} new + {updated} updated"
            )
        q = sum(view.quantities.get(i, 0) for i in appeared)
        if q != quantities:
            problems.append(
                f"{label}: the store holds {q} quantities for the notices this run stored, "
                f"the summary reports {quantities}"
            )
    if view.source_ids - view.notice_ids:
        problems.append(f"{label}: source rows point at missing notices")
    if view.notice_ids - view.source_ids:
        problems.append(f"{label}: notices without any source row (orphans)")
    _check_seed(played, db, label)
    _check_strays(played, db.parent, label)
    return view


def _check_seed(played: Played, db: Path, label: str) -> None:
    template = played.template
    try:
        con = connect_readonly(db)
    except duckdb.Error as exc:
        played.problems.append(f"{label}: store unreadable: {exc}")
        return
    try:
        if rows_digest(con, template.seed_ids) != template.digest:
            played.problems.append(f"{label}: the seeded sample notices changed")
    finally:
        con.close()


def _check_strays(played: Played, folder: Path, label: str) -> None:
    keep = {k.replace(PID_TOKEN, str(os.getpid())) for k in played.case.keep}
    for name in keep:
        if not (folder / name).exists():
            played.problems.append(f"{label}: {name} (a live process' copy) was removed")
    stray = [n for n in stray_files(folder) if n not in keep]
    if stray:
        played.problems.append(f"{label}: left behind next to the store: {stray}")


def _damaged(db: Path) -> bool:
    """Whether the full block scan (``xuncha check``) finds damage in live blocks."""
    from extract.store import StoreError, check_store

    try:
        check_store(db)
    except StoreError:
        return True
    return False


def _check_unspread(played: Played, run: Run, db: Path, damaged_before: bool) -> None:
    """A run that did not meet the store's damage: every file stored, the damage unchanged.

    In-place writes read only the blocks a batch touches (extract/store/writer.py), so the run
    may never meet the garbage; then it must have stored every file, and the full block scan
    must find damage exactly when it did before the run (garbage that landed in free space
    damages nothing, and a batch may reuse that space).
    """
    counts = run.summary()
    if counts is None or counts[0] == 0 or counts[3] != 0:  # (new, updated, unchanged, failed)
        played.problems.append(f"did not store every file: {counts}\n{run.tail(600)}")
    if _damaged(db) != damaged_before:
        played.problems.append(
            f"damage found by xuncha check before the run: {damaged_before}, after: "
            f"{not damaged_before}"
        )


def _check_refused(played: Played, run: Run, root: Path, db: Path, before: str) -> None:
    """A store (or output folder) the command cannot use: exit 1, one line, nothing touched."""
    problems = played.problems
    if not _common(played, run, "run"):
        return
    if run.returncode != 1:
        problems.append(f"exit code {run.returncode}, want 1 (refused)\n{run.tail(600)}")
    if run.summary() or run.summary_on_stderr():
        problems.append("did not refuse: it ran and printed a summary\n" + run.tail(600))
    targets = [str(db), str(root / "out")]
    naming = [
        line for line in run.lines if any(t in line for t in targets) and not SUMMARY.search(line)
    ]
    if not naming:
        problems.append(f"no output line names {db.name} or the output folder")
    elif not any(is_bilingual(line, str(root)) for line in naming):
        problems.append(f"reason not in Chinese and English: {naming[0]!r}")
    if _store_fingerprint(db) != before:
        problems.append("the store was modified although the run had to refuse it")
    _check_strays(played, db.parent, "run")
    out = root / "out"
    if out.is_dir():
        tmp = [n for n in os.listdir(out) if n.endswith(".tmp")]
        if tmp:
            problems.append(f"half-written files left in the output folder: {tmp}")
        problems.extend(manifest_problems(out))


def manifest_problems(out: Path) -> list[str]:
    """An export folder must hold a complete set: every file the manifest lists, hashes equal."""
    import hashlib

    manifest = out / "manifest.json"
    csvs = sorted(n for n in os.listdir(out) if n.endswith(".csv")) if out.is_dir() else []
    if not manifest.exists():
        return [f"CSV files without a manifest.json: {csvs}"] if csvs else []
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError) as exc:
        return [f"manifest.json unreadable: {exc}"]
    problems = []
    for entry in listed:
        path = out / entry["name"]
        if not path.exists():
            problems.append(f"manifest lists {entry['name']}, which is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{entry['name']} does not match manifest.json (a mixed set)")
    extra = set(csvs) - {e["name"] for e in listed}
    if extra:
        problems.append(f"CSVs not in manifest.json: {sorted(extra)}")
    return problems
