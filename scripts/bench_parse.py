"""Print the notice parser's throughput (chars/s) over the corpus notices, repeated.

Usage: python scripts/bench_parse.py [--repeat N] [--corpus DIR]

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
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for t in texts:
            parse_notice(t)
    elapsed = time.perf_counter() - t0
    total = chars * args.repeat
    print(f"notices: {len(texts)}  chars/pass: {chars}  passes: {args.repeat}")
    print(f"first parse (incl. loading data files): {cold * 1000:.1f} ms")
    print(f"steady state: {total / elapsed:,.0f} chars/s  "
          f"({elapsed / (len(texts) * args.repeat) * 1000:.2f} ms per notice)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
