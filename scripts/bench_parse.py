"""Print the notice parser's throughput (chars/s) over the corpus notices, repeated.

Usage: python scripts/bench_parse.py [--repeat N] [--corpus DIR] [--compare-quantities]

The parser must not slow ingest by more than 20% next to the quantity extractor (~2 MB/s), so
this is the number to watch after changing extract/notice/. The first parse (data files,
regex compilation) is timed separately from the steady state.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _texts(corpus: Path) -> list[str]:
    try:
        from extract.reading import load_notice  # type: ignore[import-not-found]
    except ImportError:
        load_notice = None
    paths = sorted(corpus.glob("*.txt"))
    if load_notice is not None:
        return [load_notice(p).text for p in paths]
    return [p.read_text("utf-8") for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpus")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of .txt")
    parser.add_argument(
        "--compare-quantities",
        action="store_true",
        help="also time extract_quantities on the same texts",
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"error: corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    texts = _texts(args.corpus)
    if not texts:
        print(f"error: no .txt notices in {args.corpus}", file=sys.stderr)
        return 2
    from extract.notice import parse_notice

    t0 = time.perf_counter()
    parse_notice(texts[0])
    cold = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)
    # Best pass, in CPU time: the machine is shared, and wall time mostly measures neighbours.
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.process_time()
        for t in texts:
            parse_notice(t)
        best = min(best, time.process_time() - t0)
    print(f"notices: {len(texts)}  chars/pass: {chars}  passes: {args.repeat}")
    print(f"first parse (incl. loading data files): {cold * 1000:.1f} ms")
    print(
        f"best pass: {best * 1000:.1f} ms CPU = {chars / best:,.0f} chars/s "
        f"({chars * 3 / best / 1e6:.1f} MB/s as UTF-8, ~3 bytes per Chinese character)"
    )
    if args.compare_quantities:
        from extract import extract_quantities

        extract_quantities(texts[0])
        q_best = float("inf")
        for _ in range(max(3, args.repeat // 4)):
            t0 = time.process_time()
            for t in texts:
                extract_quantities(t)
            q_best = min(q_best, time.process_time() - t0)
        print(
            f"quantity extractor best pass: {q_best * 1000:.1f} ms CPU; "
            f"parser adds {best / q_best:.0%} of its time"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
