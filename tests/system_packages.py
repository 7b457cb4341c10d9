"""Debian packages that some tests need: installed when the tests may, else skip or fail.

The policy of the developers' guide in one place: a test that needs a system package
installs it with apt-get when running as root (CI runs as root); on a user's machine without
the package the test is skipped, but under ``CI=true`` a missing package is a failure, so a
green CI never hides a skipped browser, font or PDF test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable

import pytest


def in_ci() -> bool:
    """True under CI (``CI=true``), where a missing package fails instead of skipping."""
    return os.environ.get("CI", "").lower() == "true"


def can_install() -> bool:
    """apt-get is there and we are root."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(packages: list[str]) -> None:
    """``apt-get install`` the packages (after one ``apt-get update``); failures are silent,
    the caller checks for what it needs afterwards."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=False, env=env, capture_output=True, timeout=900)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *packages],
        check=False,
        env=env,
        capture_output=True,
        timeout=1800,
    )


def require(present: Callable[[], object], package: str) -> None:
    """Install the Debian ``package`` when ``present()`` is false and we may; else skip/fail."""
    if not present() and can_install():
        apt_install([package])
    if not present():
        message = f"Debian package {package} is not installed (apt-get install {package})"
        if in_ci():
            pytest.fail(message + "; CI must not skip this test")
        pytest.skip(message)
