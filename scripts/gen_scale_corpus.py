"""Write N fictional rectification notices for scale tests, with their ground truth (issue 12).

Why: the scale figures of issue 12 (fresh, unchanged and incremental ingest, export, page times
at 1k/10k/100k notices) need a corpus far larger than the five real notices, and one that can be
published with the repository. Copying real notices would redistribute their text and would not
vary the metadata; so every notice here is composed from the templates and word lists in
``scripts/scale_corpus.toml`` (our own sentences, in the register and structure of real notices:
title, opening with inspecting body and dates, an overview, a completion summary, a numbered
problem tree with statuses and quantity-rich measures, next steps, contact line, signature).

Deterministic: notice ``i`` depends only on ``--seed`` and ``i`` (its own ``random.Random``), so
the bytes are the same for any ``--jobs`` and a 100k corpus starts with the 10k one. Files are
sharded into folders of 1,000 (``shard_0000/n0000000.txt``) and every file opens with the
fictional marker of ``data/`` samples. ``truth.jsonl`` beside the shards holds, per notice, what
the generator wrote (unit, body, level, dates, problem count, completion parts and stated rate,
a few money figures), so the corpus is also an oracle for the parser.

Each file's mtime is set to its signature date (deterministic, in the past), so an ingest right
after generation does not take every file for "modified within a second" and hash it.

    .venv/bin/python scripts/gen_scale_corpus.py --out /tmp/scale --notices 10000
    .venv/bin/python scripts/gen_scale_corpus.py --out /tmp/s --notices 100 --size-kb 10 --seed 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# the repository for ``extract``; this folder so that spawned workers can import this module
for _folder in (REPO, Path(__file__).resolve().parent):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from extract.lexicon import LexiconError, line_of, read_toml  # noqa: E402

VOCABULARY = Path(__file__).with_name("scale_corpus.toml")
SHARD = 1000  # files per folder: no folder ever holds 100k entries
COPIED_POOL = 200  # measures shared verbatim across notices ("copied_measure" passages)
COPY_SHARE = 0.04  # chance that a measure is taken from that pool
MONEY_TRUTH = 5  # money figures recorded per notice in truth.jsonl
NUMBERED_SHARE = 0.35  # problems whose measures are numbered (1)(2)…
FIRST_DAY = date(2019, 1, 3)
LAST_START = date(2025, 6, 30)  # so that every date of a notice falls in 2019-2026
LEVEL = {"省": "省", "市": "市", "县": "县区"}  # generator level -> NoticeMeta.inspection_level
PARTY = {"省": "省委", "市": "市委", "县": "县委"}
KIND = {"省": "巡视", "市": "巡察", "县": "巡察"}
ISSUER_OF_ORG = {"党组": "党组", "党委": "委员会", "党工委": "工作委员会"}
_SLOT = re.compile(r"\{([a-z]+)((?::[^{}:]*)*)\}")
_NAMED = {
    "unit", "short", "body", "kind", "party", "issuer", "start", "end", "feedback", "type",
    "asof", "total", "completed", "basic", "notdone", "longterm", "rate", "problems", "status",
    "title", "place", "town",
}  # fmt: skip


class GenError(Exception):
    """A fault of the vocabulary file or the arguments: one line for the user, no traceback."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One ``{…}`` of a template: its kind and arguments (see scale_corpus.toml)."""

    kind: str
    args: tuple[str, ...]


Piece = str | Slot
Template = tuple[Piece, ...]


class Context:
    """Per-notice state a template can read: names, the period, and the money figures written."""

    __slots__ = ("money", "names", "period", "rng")

    def __init__(self, rng: random.Random, names: dict[str, str], period: tuple[date, date]):
        self.rng = rng
        self.names = names
        self.period = period
        self.money: list[tuple[str, float]] = []


def _cn_date(d: date, *, year: bool = True) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"


def _number(x: float, decimals: int) -> str:
    """``12.50`` stays ``12.50`` (as written in notices); an integer has no point."""
    return f"{x:.{decimals}f}" if decimals > 0 else str(round(x))


def _between(rng: random.Random, period: tuple[date, date]) -> date:
    span = (period[1] - period[0]).days
    return period[0] + timedelta(days=rng.randint(0, max(0, span)))


def render(template: Template, ctx: Context) -> str:
    """The template with every slot filled from ``ctx`` (money figures recorded in ctx.money)."""
    out: list[str] = []
    rng = ctx.rng
    for at, piece in enumerate(template):
        if isinstance(piece, str):
            out.append(piece)
            continue
        kind, a = piece.kind, piece.args
        if kind == "i":
            out.append(str(rng.randint(int(a[0]), int(a[1]))))
        elif kind in ("d", "pct"):
            out.append(_number(rng.uniform(float(a[0]), float(a[1])), int(a[2])))
        elif kind in ("wan", "yi"):
            text = _number(rng.uniform(float(a[0]), float(a[1])), int(a[2]))
            scale = 1e4 if kind == "wan" else 1e8
            # the template writes the unit after the slot, perhaps with 余 ("2300余万元")
            after = template[at + 1] if at + 1 < len(template) else ""
            about = "余" if isinstance(after, str) and after.startswith("余") else ""
            unit = "万元" if kind == "wan" else "亿元"
            ctx.money.append((f"{text}{about}{unit}", float(text) * scale))
            out.append(text)
        elif kind == "w":
            out.append(rng.choice(WORDS[a[0]]))
        elif kind == "date":
            out.append(_cn_date(_between(rng, ctx.period)))
        elif kind == "month":
            out.append(f"{_between(rng, ctx.period).month}月")
        elif kind == "months":
            first, second = sorted((_between(rng, ctx.period), _between(rng, ctx.period)))
            second = max(second, first + timedelta(days=31))
            out.append(f"{first.month}月至{second.month}月")
        else:
            out.append(ctx.names[kind])
    return "".join(out)


def _line_containing(path: Path, text: str) -> int | None:
    """The line of ``path`` that holds the template ``text`` (tomllib keeps no positions)."""
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return lineno
    return None


def compile_template(
    text: str, key: str, words: dict[str, list[str]], path: Path = VOCABULARY
) -> Template:
    """Split ``text`` into literal pieces and slots; an unknown slot is a file:line error."""
    pieces: list[Piece] = []
    pos = 0
    for m in _SLOT.finditer(text):
        if m.start() > pos:
            pieces.append(text[pos : m.start()])
        kind, args = m.group(1), tuple(x for x in m.group(2).split(":") if x)
        arity = {"i": 2, "d": 3, "pct": 3, "wan": 3, "yi": 3, "w": 1}
        if kind in arity:
            bad = len(args) != arity[kind]
            if kind == "w":
                bad = bad or args[0] not in words
            else:
                try:
                    [float(x) for x in args]
                except ValueError:
                    bad = True
        else:
            bad = bool(args) or kind not in _NAMED | {"date", "month", "months"}
        if bad:
            line = _line_containing(path, text) or line_of(path, key.rsplit(".", 1)[-1]) or 0
            raise GenError(
                f"{path.name}:{line}: 模板 {key} 的占位符 {m.group(0)} 无效 / "
                f"template {key} has an invalid slot {m.group(0)}"
            )
        pieces.append(Slot(kind, args))
        pos = m.end()
    if pos < len(text):
        pieces.append(text[pos:])
    return tuple(pieces)


def load_vocabulary(path: Path = VOCABULARY) -> dict[str, Any]:
    """Read and check scale_corpus.toml; templates come back compiled."""
    try:
        data = read_toml(path)
    except LexiconError as exc:
        raise GenError(str(exc)) from None
    try:
        words: dict[str, list[str]] = {k: list(v) for k, v in data["words"].items()}
        templates = {
            name: [compile_template(t, f"templates.{name}", words, path) for t in value]
            for name, value in data["templates"].items()
        }
        vocab: dict[str, Any] = {
            "marker": str(data["marker"]["line"]),
            "places": {k: list(v) for k, v in data["places"].items()},
            "departments": {k: [tuple(x) for x in v] for k, v in data["departments"].items()},
            "inspection": dict(data["inspection"]),
            "templates": templates,
            "words": words,
        }
        for level in ("city", "province", "county"):
            for _dept, org in vocab["departments"][level]:
                if org not in ISSUER_OF_ORG:
                    raise GenError(
                        f"{path.name}:{line_of(path, level) or 0}: 未知党组织 {org} / "
                        f"unknown party organisation {org!r} (use {sorted(ISSUER_OF_ORG)})"
                    )
    except KeyError as exc:
        raise GenError(f"{path.name}: 缺少键 {exc} / missing key {exc}") from None
    return vocab


VOCAB: dict[str, Any] = {}
WORDS: dict[str, list[str]] = {}


def _setup() -> None:
    """Load the vocabulary once per process (workers call it too)."""
    if not VOCAB:
        VOCAB.update(load_vocabulary())
        WORDS.update(VOCAB["words"])


def _copied_pool(seed: int) -> list[str]:
    """Measures written once per corpus and copied verbatim into several notices."""
    rng = random.Random(seed * 7919 + 1)
    period = (date(2022, 1, 1), date(2024, 12, 31))
    ctx = Context(rng, {}, period)
    return [render(rng.choice(VOCAB["templates"]["measures"]), ctx) for _ in range(COPIED_POOL)]


def _who(rng: random.Random) -> dict[str, str]:
    """Inspecting body and inspected unit for one notice, with their level and kind."""
    ins = VOCAB["inspection"]
    places = VOCAB["places"]
    levels = [lv for lv, _ in ins["level_weights"]]
    level = rng.choices(levels, weights=[w for _, w in ins["level_weights"]])[0]
    group = rng.randrange(len(ins["numerals"]))
    ci = rng.randrange(len(places["cities"]))
    city = places["cities"][ci]
    province = places["provinces"][ci % len(places["provinces"])]
    county = places["counties"][rng.randrange(len(places["counties"]))]
    if level == "省":
        if rng.random() < 0.6:
            dept, org = rng.choice(VOCAB["departments"]["province"])
            base, short = f"{province}{dept}", f"厅{org}" if dept.endswith("厅") else f"委{org}"
        else:
            place = rng.choice((city, county))
            base, org, short = place, "党委", f"{place[-1]}委"
            unit, issuer = f"{place}委", f"{place}委员会"
    elif level == "市":
        dept, org = rng.choice(VOCAB["departments"]["city"])
        base, short = f"{city}{dept}", f"{dept}{org}"
    else:
        if rng.random() < 0.2:
            town = rng.choice(places["towns"])
            dept, org = town, "党委"
        else:
            dept, org = rng.choice(VOCAB["departments"]["county"])
        base, short = f"{county}{dept}", f"{dept}{org}"
    if not (level == "省" and org == "党委" and base in (city, county)):
        unit, issuer = f"{base}{org}", f"{base}{ISSUER_OF_ORG[org]}"
    kind = KIND[level]
    place = county if level == "县" or (level == "省" and unit.startswith(county)) else city
    return {
        "place": place,
        "town": rng.choice(places["towns"]),
        "level": level,
        "party": PARTY[level],
        "kind": kind,
        "group": str(group + 1),
        "body": f"{PARTY[level]}第{ins['numerals'][group]}{kind}组",
        "unit": unit,
        "issuer": issuer,
        "short": short,
        "type": rng.choice(ins["types"]),
    }


def _dates(rng: random.Random) -> dict[str, date]:
    start = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_START - FIRST_DAY).days))
    end = start + timedelta(days=rng.randint(35, 80))
    feedback = end + timedelta(days=rng.randint(20, 100))
    asof = feedback + timedelta(days=rng.randint(60, 200))
    signed = asof + timedelta(days=rng.randint(3, 25))
    return {"start": start, "end": end, "feedback": feedback, "asof": asof, "signed": signed}


def _statuses(rng: random.Random, n: int) -> list[str]:
    """Per-problem states: mostly done, a few basically done, not done or long-term."""
    weights = [rng.uniform(60, 95), rng.uniform(0, 20), rng.uniform(0, 8), rng.uniform(0, 8)]
    states = ["completed", "basic", "notdone", "longterm"]
    return rng.choices(states, weights=weights, k=n)


def _rate_text(rate: float) -> str:
    text = f"{rate:.1f}"
    return text[:-2] if text.endswith(".0") else text


def make_notice(
    seed: int, index: int, size_bytes: int, pool: Sequence[str]
) -> tuple[str, dict[str, Any]]:
    """Notice ``index`` of corpus ``seed``: its text and its ground-truth record."""
    rng = random.Random(seed * 1_000_003 + index)
    T = VOCAB["templates"]
    who = _who(rng)
    when = _dates(rng)
    period = (when["feedback"], when["asof"])
    names = dict(who)
    ctx = Context(rng, names, period)
    same_year = when["start"].year == when["end"].year
    names["start"] = _cn_date(when["start"])
    names["end"] = _cn_date(when["end"], year=not (same_year and rng.random() < 0.5))
    # "8月29日反馈": a feedback in the year the inspection ended is often written without it
    late_same_year = when["feedback"].year == when["end"].year
    names["feedback"] = _cn_date(when["feedback"], year=not (late_same_year and rng.random() < 0.3))
    names["asof"] = _cn_date(when["asof"])

    # Problems first: the summary states their count and statuses.
    n = max(3, min(40, int(size_bytes / rng.uniform(1100, 2100))))
    states = _statuses(rng, n)
    variant = rng.randrange(len(T["summary"]))
    tasks_scope = any(isinstance(p, Slot) and p.kind == "longterm" for p in T["summary"][variant])
    if tasks_scope:
        total = n * rng.randint(2, 4)
        longterm = rng.randint(0, max(1, total // 10))
        counts = {"completed": total - longterm, "basic": 0, "notdone": 0, "longterm": longterm}
    else:
        total = n
        counts = {s: states.count(s) for s in ("completed", "basic", "notdone", "longterm")}
        # a long-term problem is reported as not completed in a problems-scope summary
        counts["notdone"] += counts.pop("longterm")
        counts["longterm"] = 0
    computed = counts["completed"] / total * 100
    stated = round(computed, 1)
    consistent = True
    if index % int(VOCAB["inspection"]["inconsistent_every"]) == 5:
        # a stated rate that cannot follow from its parts (up when there is room, else down)
        shift = rng.uniform(1.5, 6)
        stated = round(stated + shift if stated <= 94 else stated - shift, 1)
        consistent = False
    names.update(
        total=str(total),
        problems=str(n),
        completed=str(counts["completed"]),
        basic=str(counts["basic"]),
        notdone=str(counts["notdone"]),
        longterm=str(counts["longterm"]),
        rate=_rate_text(stated),
    )

    marker = VOCAB["marker"]
    head = [
        marker,
        "",
        render(rng.choice(T["title"]), ctx),
        "",
        render(rng.choice(T["opening"]), ctx),
        "",
        render(rng.choice(T["overview_heading"]), ctx),
        "",
    ]
    overview = [render(t, ctx) for t in rng.sample(T["overview"], rng.randint(2, 4))]
    overview += [render(t, ctx) for t in rng.sample(T["shared"], rng.randint(1, 2))]
    head.append("".join(overview))
    head.append("")
    summary_at = len(head)
    head.append("")  # the summary, written once the body's figures are known
    head += ["", render(rng.choice(T["section2"]), ctx), ""]

    tail = [
        render(rng.choice(T["section3"]), ctx),
        "",
        render(rng.choice(T["next_steps"]), ctx),
        "",
        render(rng.choice(T["closing"]), ctx),
        "",
        who["issuer"],
        _cn_date(when["signed"]),
        "",
    ]
    fixed = sum(len(x.encode("utf-8")) for x in head + tail) + 300
    budget = max(200, (size_bytes - fixed) // n)
    ctx.money.clear()  # the truth lists the body's money figures
    areas = rng.sample(T["areas"], min(len(T["areas"]), rng.randint(2, 5)))
    cuts = sorted(rng.sample(range(1, n), min(len(areas) - 1, n - 1)))
    bounds = [0, *cuts, n]
    titles = (
        rng.sample(WORDS["problem_titles"], n)
        if n <= len(WORDS["problem_titles"])
        else [rng.choice(WORDS["problem_titles"]) for _ in range(n)]
    )
    status_words = {
        "completed": T["status_completed"],
        "basic": T["status_basic"],
        "notdone": T["status_notdone"],
        "longterm": T["status_longterm"],
    }
    body: list[str] = []
    first_measure = ""
    numerals = VOCAB["inspection"]["numerals"]
    prose_share = float(VOCAB["inspection"]["prose_share"])
    for a, area in enumerate(areas[: len(bounds) - 1]):
        body += [f"({numerals[a]}){render(area, ctx)}", ""]
        for p in range(bounds[a], bounds[a + 1]):
            heading = f"{p + 1}.{titles[p]}。{render(rng.choice(T['problem_detail']), ctx)}"
            body += [heading, ""]
            names["status"] = render(rng.choice(status_words[states[p]]), ctx)
            parts = [render(rng.choice(T["status_line"]), ctx)]
            used = len(parts[0].encode("utf-8")) + len(heading.encode("utf-8"))
            numbered = rng.random() < NUMBERED_SHARE  # "(1)…(2)…" as many notices write
            while True:
                money_before = len(ctx.money)
                if pool and rng.random() < COPY_SHARE:
                    measure = rng.choice(pool)
                elif rng.random() < prose_share:
                    measure = render(rng.choice(T["measures_prose"]), ctx)
                else:
                    measure = render(rng.choice(T["measures"]), ctx)
                # stop before a measure that would overshoot the budget by more than its half
                if len(parts) > 1 and used + len(measure.encode("utf-8")) // 2 > budget:
                    del ctx.money[money_before:]  # not written: not in the truth either
                    break
                first_measure = first_measure or measure
                parts.append(f"({len(parts)}){measure}" if numbered else measure)
                used += len(parts[-1].encode("utf-8"))
            body += ["".join(parts), ""]
    money = ctx.money[:MONEY_TRUTH]
    # The summary restates one measure of the body, as notices do in their opening section.
    summary = render(T["summary"][variant], ctx) + "其中," + first_measure
    head[summary_at] = summary
    text = "\n".join(head + body + tail)
    truth = {
        "index": index,
        "title": head[2],
        "inspected_unit": who["unit"],
        "issuer": who["issuer"],
        "inspection_body": who["body"],
        "inspection_level": LEVEL[who["level"]],
        "inspection_kind": who["kind"],
        "inspection_group": int(who["group"]),
        "inspection_start": when["start"].isoformat(),
        "inspection_end": when["end"].isoformat(),
        "feedback_date": when["feedback"].isoformat(),
        "as_of_date": when["asof"].isoformat(),
        "signed_date": when["signed"].isoformat(),
        "problems": n,
        "problem_states": states,
        "completion": {
            "total": total,
            "completed": counts["completed"],
            "basically_completed": counts["basic"] if not tasks_scope else None,
            "not_completed": counts["notdone"] if not tasks_scope else None,
            "long_term": counts["longterm"] if tasks_scope else None,
            "stated_rate": stated,
            "computed_rate": round(computed, 4),
            "consistent": consistent,
            "scope": "tasks" if tasks_scope else "problems",
        },
        "money": [[surface, value] for surface, value in money],
    }
    return text, truth


def relative_path(index: int) -> str:
    """Where notice ``index`` lives under the output folder."""
    return f"shard_{index // SHARD:04d}/n{index:07d}.txt"


def write_range(out: Path, seed: int, first: int, last: int, size_bytes: int) -> list[str]:
    """Write notices ``first..last-1``; returns their truth records as JSON lines."""
    _setup()
    pool = _copied_pool(seed)
    lines: list[str] = []
    made: set[Path] = set()
    for i in range(first, last):
        text, truth = make_notice(seed, i, size_bytes, pool)
        rel = relative_path(i)
        path = out / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = text.encode("utf-8")
        path.write_bytes(data)
        signed = datetime.fromisoformat(truth["signed_date"]).replace(tzinfo=UTC)
        ns = int(signed.timestamp()) * 1_000_000_000
        os.utime(path, ns=(ns, ns))
        truth = {"file": rel, "bytes": len(data), **truth}
        lines.append(json.dumps(truth, ensure_ascii=False))
    return lines


def generate(
    out: Path,
    notices: int,
    *,
    seed: int = 1,
    size_kb: float = 30.0,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write the corpus into ``out`` (shards + truth.jsonl); returns the truth file's path."""
    if notices < 0:
        raise GenError("--notices 须 ≥ 0 / --notices must be ≥ 0")
    if size_kb < 2:
        raise GenError("--size-kb 须 ≥ 2 / --size-kb must be ≥ 2")
    _setup()
    out.mkdir(parents=True, exist_ok=True)
    size_bytes = int(size_kb * 1024)
    ranges = [(s, min(s + SHARD, notices)) for s in range(0, notices, SHARD)]
    truth_path = out / "truth.jsonl"
    tmp = truth_path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        if jobs <= 1 or len(ranges) <= 1:
            for first, last in ranges:
                fh.write("".join(x + "\n" for x in write_range(out, seed, first, last, size_bytes)))
                if progress:
                    progress(last)
        else:
            with ProcessPoolExecutor(jobs) as pool:
                futures = [
                    pool.submit(write_range, out, seed, first, last, size_bytes)
                    for first, last in ranges
                ]
                for (_, last), future in zip(ranges, futures, strict=True):
                    fh.write("".join(x + "\n" for x in future.result()))
                    if progress:
                        progress(last)
    tmp.replace(truth_path)
    return truth_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--notices", "-n", type=int, default=1000, help="how many (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--size-kb", type=float, default=30.0, help="bytes per notice, in KiB")
    parser.add_argument(
        "--jobs", "-j", type=int, default=os.cpu_count() or 1, help="processes (default: cores)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        truth = generate(
            args.out, args.notices, seed=args.seed, size_kb=args.size_kb, jobs=args.jobs
        )
    except (GenError, OSError) as exc:
        print(f"gen_scale_corpus: {exc}", file=sys.stderr)
        return 1
    total = sum(json.loads(line)["bytes"] for line in truth.open(encoding="utf-8"))
    print(
        f"{args.notices:,} notices, {total / 1e6:.1f} MB in {args.out} "
        f"({time.perf_counter() - started:.1f} s); truth: {truth}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
