"""A dependency-free progress bar for stderr (only drawn when stderr is a terminal)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO


class ProgressBar:
    """``[#####.....] 12/40 name.txt`` redrawn in place; silent off a TTY so logs stay clean."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = False

    def __call__(self, done: int, total: int, path: Path) -> None:
        if not self.enabled or total <= 0:
            return
        filled = int(self.width * done / total)
        name = path.name if len(path.name) <= 40 else "…" + path.name[-39:]
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {name}"
        self.stream.write(line.ljust(self.width + 60))
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line so the summary starts on a fresh one."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
