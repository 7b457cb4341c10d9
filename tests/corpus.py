"""The one definition of where the real corpus is, and the one policy when it is absent.

The five real notices live in ``../shared/corpus`` beside the checkout (never copied into the
repository). CI always has them, so there a missing corpus fails the run; on a user's machine
without ``../shared`` the tests that need it skip with this reason instead of failing. Tests
reach the corpus only through :func:`corpus_dir` / :func:`corpus_paths` (or the ``corpus_dir``
and ``corpus_files`` fixtures of ``conftest.py``, which call them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
MIN_FILES = 5


def missing_reason() -> str | None:
    """Why the corpus cannot be used here, or None when it is in place."""
    if not CORPUS.is_dir():
        return f"real corpus not found at {CORPUS} (expected ../shared/corpus)"
    if len(list(CORPUS.glob("*.txt"))) < MIN_FILES:
        return f"real corpus at {CORPUS} holds fewer than {MIN_FILES} notices"
    return None


def require() -> None:
    """Skip the calling test without the corpus; fail instead under ``CI=true``."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def corpus_dir() -> Path:
    """The corpus folder (after :func:`require`)."""
    require()
    return CORPUS


def corpus_paths() -> list[Path]:
    """The corpus notices, sorted (after :func:`require`)."""
    require()
    return sorted(CORPUS.glob("*.txt"))


def available_paths() -> list[Path]:
    """The notices for ``parametrize`` at collection time: empty (never an error) when absent.

    A parametrized test over an empty list is reported as skipped by pytest; pair it with a test
    that calls :func:`require`, so CI still fails loudly when the corpus is missing.
    """
    return sorted(CORPUS.glob("*.txt")) if missing_reason() is None else []


#: For tests parametrized over :func:`available_paths`: skipped without the corpus on a user's
#: machine; under ``CI=true`` not skipped, so the fixtures' :func:`require` fails the run instead.
needs_corpus = pytest.mark.skipif(
    missing_reason() is not None and os.environ.get("CI") != "true",
    reason=missing_reason() or "",
)
