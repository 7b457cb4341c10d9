"""Time and peak memory of every bad-input case, against the issue's targets.

The issue ("Ingest never loses data silently, stays bounded in time and memory …") sets the
targets: every case under 10 s and under 1.5 GB peak RSS. They are read from this script,
not from timed tests, because a shared CI machine makes timings in tests flaky. Each case of
``tests/badinput/cases.py`` is built in a temporary folder and played exactly as
``tests/test_bad_input.py`` plays it (same child process, same 3 GB address-space limit and
timeout); the time is the child's wall time (summed over a case's runs) and the peak RSS the
child's own ``ru_maxrss`` from ``os.wait4``. Cases run one at a time so they do not disturb
each other's figures.

Run: ``python scripts/bench_bad_input.py [-k SUBSTRING ...]``. Exit code 1 if any case
misses a target (or hangs); invariant problems are counted in the last column for
information — the tests are where they fail.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the corpus lives in tests/, which is not installed

from tests.badinput.cases import CASES  # noqa: E402
from tests.badinput.check import make_template, play  # noqa: E402
from tests.badinput.runner import TARGET_RSS_MB, TARGET_SECONDS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-k", action="append", default=[], help="only cases whose name contains this"
    )
    args = parser.parse_args(argv)
    cases = [c for c in CASES if not args.k or any(k in c.name for k in args.k)]
    work = Path(tempfile.mkdtemp(prefix="xuncha-bench-bad-"))
    missed = 0
    try:
        template = make_template(work / "template")
        width = max(len(c.name) for c in cases)
        print(f"{'case':<{width}}  {'seconds':>8}  {'peak MB':>8}  target  invariants")
        for case in cases:
            root = work / case.name
            root.mkdir()
            played = play(case, root, template)
            hung = any(r.timed_out for r in played.runs)
            ok = not hung and played.seconds < TARGET_SECONDS and played.peak_rss_mb < TARGET_RSS_MB
            missed += not ok
            verdict = "pass" if ok else ("HUNG" if hung else "MISS")
            problems = f"{len(played.problems)} problem(s)" if played.problems else "ok"
            print(
                f"{case.name:<{width}}  {played.seconds:8.2f}  {played.peak_rss_mb:8.0f}  "
                f"{verdict:<6}  {problems}",
                flush=True,
            )
            shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n{len(cases) - missed}/{len(cases)} cases within targets "
        f"(< {TARGET_SECONDS:.0f} s, < {TARGET_RSS_MB:.0f} MB peak RSS)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
