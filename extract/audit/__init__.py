"""Audits of one notice's text that need no store: repeated text and restated figures.

Pure functions of the canonical text and its sentence spans (``split_sentences``), so they run
the same in ingest, in a worker process or in a test. Within a notice: :func:`find_repeats`,
:func:`restated_quantities`, :func:`repeated_share`. Across notices (the store keeps the band
keys and calls the rest): :func:`passage_signatures` (a :class:`SignatureTable`),
:func:`confirm_shared`, :func:`clusters`, :func:`label_cluster`. Thresholds live in
``extract/data/repetition.toml``.
"""

from extract.audit.config import RepetitionConfig, load_config
from extract.audit.repetition import (
    RepeatedPassage,
    Section,
    find_repeats,
    repeated_share,
    restated_quantities,
)
from extract.audit.shared import (
    ClusterMember,
    PassageSignature,
    SignatureTable,
    clusters,
    confirm_shared,
    label_cluster,
    passage_signatures,
)

__all__ = [
    "ClusterMember",
    "PassageSignature",
    "RepeatedPassage",
    "RepetitionConfig",
    "Section",
    "SignatureTable",
    "clusters",
    "confirm_shared",
    "find_repeats",
    "label_cluster",
    "load_config",
    "passage_signatures",
    "repeated_share",
    "restated_quantities",
]
