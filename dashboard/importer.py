"""The Import page's work, without Streamlit: save uploads to a temp folder, run the ingest.

It calls :func:`extract.ingest.ingest_paths`, the same code as ``xuncha ingest``, so a file
imported here and one ingested from the command line end up identical.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

ACCEPTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave and its bytes."""

    name: str
    content: bytes


def safe_name(name: str, taken: set[str]) -> str:
    """A plain file name (no folders, no leading dots), unique within ``taken``.

    Browsers send bare names, but a crafted request could send ``../../x.txt``; only the last
    component is kept, and clashes get ``-2``, ``-3`` … so two ``通报.txt`` both survive.

    >>> safe_name("../../a/通报.txt", set())
    '通报.txt'
    >>> safe_name("通报.txt", {"通报.txt"})
    '通报-2.txt'
    """
    base = PurePath(name.replace("\\", "/")).name.lstrip(".") or "upload.txt"
    stem, suffix = PurePath(base).stem, PurePath(base).suffix
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    taken.add(candidate)
    return candidate


def precheck(upload: Upload) -> str | None:
    """Why an upload cannot be ingested (a reason code), or None when it may be tried."""
    if PurePath(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
        return "suffix"
    if not upload.content:
        return "empty"
    if len(upload.content) > MAX_UPLOAD_BYTES:
        return "too_large"
    return None


def ingest_uploads(
    uploads: Sequence[Upload],
    db_path: Path,
    *,
    progress: Callable[[int, int, Path], None] | None = None,
) -> pd.DataFrame:
    """Write ``uploads`` to a temp folder under their names, ingest them, return one row each.

    Columns: ``file``, ``status`` (new/updated/unchanged/failed/refused), ``notice_id``,
    ``quantities``, ``error``. Refused files (wrong type, empty) never reach the ingest; a
    failing file is reported and does not stop the others.
    """
    from extract.ingest import ingest_paths  # imported late: the page works without it

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="xuncha-upload-") as tmp:
        folder = Path(tmp)
        taken: set[str] = set()
        paths: list[Path] = []
        for upload in uploads:
            reason = precheck(upload)
            if reason is not None:
                rows.append(
                    {
                        "file": upload.name,
                        "status": "refused",
                        "notice_id": None,
                        "quantities": 0,
                        "error": reason,
                    }
                )
                continue
            target = folder / safe_name(upload.name, taken)
            target.write_bytes(upload.content)
            paths.append(target)
        if paths:
            summary = ingest_paths(paths, db_path, progress=progress)
            for result in summary.results:
                rows.append(
                    {
                        "file": Path(result.path).name,
                        "status": result.status,
                        "notice_id": result.notice_id,
                        "quantities": result.quantities,
                        "error": result.error,
                    }
                )
    return pd.DataFrame(rows, columns=["file", "status", "notice_id", "quantities", "error"])
