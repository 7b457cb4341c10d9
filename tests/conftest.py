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

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The five real notices (../shared/corpus); CI has them beside the clone."""
    if not CORPUS.is_dir():
        pytest.fail(f"real corpus not found at {CORPUS} (expected ../shared/corpus)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_files(corpus_dir: Path) -> list[Path]:
    files = sorted(corpus_dir.glob("*.txt"))
    assert len(files) >= 5
    return files


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLES
