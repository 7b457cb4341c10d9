"""One analysis pipeline: a loaded notice in, everything the store keeps about it out.

``analyse(loaded)`` runs the notice parser (metadata, problem tree, completion, anomalies), the
quantity extractor (years completed from the parsed dates), the sentence splitter, the
repeated-text audit and the passage signatures, and assigns each quantity to the problem that
holds it. It is a pure function of the canonical text, so it runs the same in a pool worker,
in a shard on another machine, in ``xuncha extract`` and behind the dashboard's Import page;
before this module each of them re-did part of it (issue #10, item 4). Nothing here touches
the store: :mod:`extract.store.records` turns an :class:`AnalysedNotice` into table rows.

The two stages stay separate functions because ingest runs them stage by stage over a batch
(the parser over every notice, then the extractor), which keeps each stage's code and tables
hot in the CPU caches (see :func:`extract.ingest._analyse_batch`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from extract import __version__
from extract.audit.config import load_config
from extract.audit.repetition import (
    RepeatedPassage,
    Section,
    find_repeats,
    repeated_share,
    restated_quantities,
)
from extract.audit.shared import PassageSignature, passage_signatures
from extract.audit.units import text_units
from extract.model import Anomaly, NoticeMeta, ParsedNotice, Problem, Quantity
from extract.quantities.taxonomy import taxonomy
from extract.reading import LoadedNotice

# Bump when extraction or parsing changes what is stored: notices ingested by an older version
# are re-processed (status "updated") instead of being skipped as unchanged. The taxonomy's
# version is part of it, so a changed metrics.toml re-assigns metric ids on the next ingest.
EXTRACTOR_VERSION = f"xuncha-{__version__}+metrics-{taxonomy().version}"
TAXONOMY_VERSION = taxonomy().version


@dataclass
class AnalysedNotice:
    """Everything computed for one notice before it touches the database.

    Lists run parallel to ``quantities``: ``restates[i]`` is the index of the earlier figure
    quantity ``i`` restates (or None), ``owners[i]`` the index into ``parsed.problems`` of the
    deepest problem whose span holds it (or None outside the tree).
    """

    loaded: LoadedNotice
    notice_id: str
    parsed: ParsedNotice
    quantities: list[Quantity]
    sentence_spans: list[tuple[int, int]]
    restates: list[int | None] = field(default_factory=list)
    repeats: list[RepeatedPassage] = field(default_factory=list)
    repeated_share: float | None = None  # share of the text that repeats earlier text
    signatures: Sequence[PassageSignature] = field(default_factory=list)  # a SignatureTable
    owners: list[int | None] = field(default_factory=list)

    def quantity_sentence(self, i: int) -> tuple[int, int]:
        """(start, end) of the sentence holding quantity ``i``; the figure itself when the
        extractor's sentence index lies beyond the splitter's spans (never for real input,
        but a row must still point at text that exists)."""
        q = self.quantities[i]
        if q.sentence_index < len(self.sentence_spans):
            return self.sentence_spans[q.sentence_index]
        return (q.start, q.end)


def notice_id_for(text: str) -> str:
    """Content address of a canonical text (16 hex digits of sha256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def context_year(parsed: ParsedNotice) -> int | None:
    """The year a date written without one most plausibly belongs to: the notice's own dates."""
    meta = parsed.meta
    for d in (
        meta.feedback_date,
        meta.inspection_end,
        meta.inspection_start,
        meta.as_of_date,
        meta.signed_date,
        meta.published_date,
    ):
        if d is not None:
            return d.year
    return None


def parse_stage(loaded: LoadedNotice, *, parse: bool = True) -> ParsedNotice:
    """Stage 1 of analysis: the notice parser (an empty result with ``parse=False``)."""
    from extract.notice import parse_notice  # late: a worker imports it when it first parses

    parsed = parse_notice(loaded.text) if parse else ParsedNotice(NoticeMeta(), [], None, [])
    if not parsed.meta.title and loaded.title_hint:
        parsed.meta.title = loaded.title_hint
    return parsed


def extract_stage(
    loaded: LoadedNotice, parsed: ParsedNotice, *, year: int | None = None
) -> AnalysedNotice:
    """Stage 2 of analysis: quantities, sentences, repeated text, signatures and owners.

    ``year`` overrides the year given to dates written without one (``xuncha extract
    --year``); by default it comes from the notice's own dates (:func:`context_year`).
    """
    from extract.quantities.extractor import extract_quantities
    from extract.quantities.sentences import split_sentences

    text = loaded.text
    year = context_year(parsed) if year is None else year
    quantities = extract_quantities(text, context_year=year)
    bound_integers(parsed)
    spans = split_sentences(text)
    sections = [
        Section(p.start, p.end, p.is_problem, p.path.startswith("附件")) for p in parsed.problems
    ]
    # One set of sentence units for both audits (each used to compute its own: 2.6 ms of a
    # 30 KB notice); the shorter minimum, each keeps the units it needs.
    config = load_config()
    units = text_units(text, spans, config, min(config.exact_min_chars, config.cross_min_chars))
    repeats = find_repeats(text, spans, sections=sections, config=config, units=units)
    return AnalysedNotice(
        loaded,
        notice_id_for(text),
        parsed,
        quantities,
        spans,
        restates=restated_quantities(text, quantities, repeats),
        repeats=repeats,
        repeated_share=repeated_share(text, repeats),
        signatures=passage_signatures(text, spans, config=config, units=units),
        owners=assign_problems(parsed.problems, (q.start for q in quantities)),
    )


def analyse(loaded: LoadedNotice, *, parse: bool = True, year: int | None = None) -> AnalysedNotice:
    """The whole analysis of one loaded notice (both stages); see the module docstring."""
    return extract_stage(loaded, parse_stage(loaded, parse=parse), year=year)


_INT64 = range(-(2**63), 2**63)


def bound_integers(parsed: ParsedNotice) -> None:
    """Replace stated integers beyond BIGINT by NULL with an anomaly, so the notice is stored.

    ``第99999999999999999999巡察组`` is a typo or noise, not a reason to lose the notice; the
    anomaly keeps what was written so a reader can see why the field is empty.
    """
    targets: list[tuple[object, str]] = [
        (parsed.meta, f) for f in ("inspection_group", "inspection_round", "rectification_days")
    ]
    if parsed.completion is not None:
        targets += [
            (parsed.completion, f)
            for f in (
                "total",
                "completed",
                "basically_completed",
                "not_completed",
                "long_term",
                "in_progress",
            )
        ]
    for obj, name in targets:
        value = getattr(obj, name)
        if isinstance(value, int) and value not in _INT64:
            setattr(obj, name, None)
            parsed.anomalies.append(
                Anomaly(
                    "value_out_of_range",
                    name,
                    f"{str(value)[:30]} is too large to store / 数值过大,无法保存",
                )
            )


def assign_problems(problems: Sequence[Problem], offsets: Iterable[int]) -> list[int | None]:
    """Index (into ``problems``) of the deepest problem whose span holds each offset.

    Problem spans nest (children inside parents), so one sweep with a stack of open spans
    answers every offset in O((problems + offsets) log) instead of testing every pair.
    """
    order = sorted(range(len(problems)), key=lambda i: (problems[i].start, -problems[i].end))
    queries = sorted((off, k) for k, off in enumerate(offsets))
    out: list[int | None] = [None] * len(queries)
    stack: list[int] = []
    nxt = 0
    for off, k in queries:
        while nxt < len(order) and problems[order[nxt]].start <= off:
            i = order[nxt]
            while stack and problems[stack[-1]].end <= problems[i].start:
                stack.pop()
            stack.append(i)
            nxt += 1
        while stack and problems[stack[-1]].end <= off:
            stack.pop()
        # a later sibling may sit above an earlier one that still holds `off`: search down
        for i in reversed(stack):
            if problems[i].start <= off < problems[i].end:
                out[k] = i
                break
    return out
