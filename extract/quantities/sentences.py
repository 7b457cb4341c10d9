"""Sentence spans for the extractor: a re-export of :mod:`extract.text.sentences`.

Splitting moved to the text layer (the store, the repetition audit and the extractor share it);
this module keeps the existing imports working. New code imports :mod:`extract.text.sentences`.
"""

from __future__ import annotations

from extract.text.sentences import sentence_index_at, sentence_starts, split_sentences

__all__ = ["sentence_index_at", "sentence_starts", "split_sentences"]
