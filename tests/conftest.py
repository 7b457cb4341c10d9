"""Shared fixtures: where the real corpus and the sample notices live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs property tests with a fixed seed so a landing never depends on luck; local runs keep
# exploring new examples (and hypothesis' database replays any failure they find).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

from tests import corpus  # noqa: E402  (the one corpus location and skip/fail policy)

REPO = Path(__file__).resolve().parents[1]
CORPUS = corpus.CORPUS
SAMPLES = REPO / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The five real notices (../shared/corpus); skipped without them, except under CI."""
    return corpus.corpus_dir()


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    """The corpus notices, sorted (same policy as ``corpus_dir``)."""
    return corpus.corpus_paths()


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLES
