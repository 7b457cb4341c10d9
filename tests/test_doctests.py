"""Every docstring example in ``extract/`` runs, as ``--doctest-modules`` would run it.

Examples in docstrings are the first thing a reader trusts, and nothing ran the quantities'
ones before (issue 10 item 8). One test per module, so a failure names the module; a module
whose import fails is a failure too, not a skip. The total is checked against a floor so that
examples silently dropping out of the run (a module no longer found) is noticed.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import extract

MODULES = sorted(info.name for info in pkgutil.walk_packages(extract.__path__, prefix="extract."))
# Examples counted when this file was written (issue 10): 71 in 13 modules. A lower count means
# examples stopped running; raise the floor when you add some.
MIN_EXAMPLES = 60
_attempted: dict[str, int] = {}


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False, report=False)
    _attempted[name] = result.attempted
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_examples_still_run() -> None:
    """The examples counted over every module reach the floor (run after the module tests)."""
    missing = [name for name in MODULES if name not in _attempted]
    for name in missing:  # this test run alone (-k): count without the per-module tests
        _attempted[name] = doctest.testmod(importlib.import_module(name), report=False).attempted
    total = sum(_attempted.values())
    assert total >= MIN_EXAMPLES, f"only {total} doctest examples ran (floor {MIN_EXAMPLES})"
