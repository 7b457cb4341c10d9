"""Throughput of ``extract_quantities`` on one core: the five corpus notices repeated to ≥ 20 MB.

Why: issue 12 asks for ≥ 5 MB/s on one core, so that a backlog of thousands of notices
re-extracts in minutes and extraction stops being half of an ingest. The text is processed in
notice-sized chunks (as the ingest does) and, with ``--single``, as one string. ``--plain``
also times a bare ``regex`` numeral scan over the same text, the floor issue 12 compares the
extractor with (its figure: the extractor ran at 5.5 % of it). CPU time is printed beside wall
time: on a shared machine it is the better figure of what one core delivers. Usage::

    python scripts/bench_extract.py [--corpus DIR] [--mb 20] [--single] [--plain]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def load_corpus(folder: Path) -> list[str]:
    """The corpus notices as text (UTF-8); exits with a message when there are none."""
    files = sorted(folder.glob("*.txt"))
    if not files:
        sys.exit(f"bench_extract: no .txt notices in {folder}")
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print characters/second and MB/s (UTF-8 bytes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mb", type=float, default=20.0, help="target size in MB (UTF-8)")
    parser.add_argument("--single", action="store_true", help="also time one big string")
    parser.add_argument("--plain", action="store_true", help="also time a bare numeral scan")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    from extract.quantities.extractor import extract_quantities

    notices = load_corpus(args.corpus)
    unit_bytes = sum(len(t.encode("utf-8")) for t in notices)
    repeats = max(1, int(args.mb * 1_000_000 // unit_bytes) + 1)
    docs = notices * repeats
    total_bytes = unit_bytes * repeats
    total_chars = sum(len(t) for t in notices) * repeats
    extract_quantities(notices[0])  # warm up: compile the grammar, load the lexicons

    print(f"notices: {len(docs)}  size: {total_bytes / 1e6:.1f} MB, {total_chars:,} chars")
    wall, cpu = time.perf_counter(), time.process_time()
    found = sum(len(extract_quantities(doc)) for doc in docs)
    report("per notice", total_chars, total_bytes, wall, cpu, found)
    if args.single:
        big = "\n".join(docs)
        wall, cpu = time.perf_counter(), time.process_time()
        found = len(extract_quantities(big))
        report("one string", len(big), len(big.encode("utf-8")), wall, cpu, found)
    if args.plain:
        import regex

        numeral = regex.compile(r"[0-9零〇一二三四五六七八九十百千万亿两]+")
        wall, cpu = time.perf_counter(), time.process_time()
        found = sum(1 for doc in docs for _ in numeral.finditer(doc))
        report("plain numeral scan", total_chars, total_bytes, wall, cpu, found)
    return 0


def report(label: str, chars: int, nbytes: int, wall0: float, cpu0: float, found: int) -> None:
    """Print wall-clock and CPU-time throughput (CPU time is what one core delivers even when
    other processes share the machine)."""
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    print(
        f"{label}: wall {wall:.2f} s = {chars / wall:,.0f} chars/s = "
        f"{nbytes / 1e6 / wall:.2f} MB/s; cpu {cpu:.2f} s = {chars / cpu:,.0f} chars/s = "
        f"{nbytes / 1e6 / cpu:.2f} MB/s"
        f"  ({found:,} quantities)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
