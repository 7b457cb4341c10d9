"""The Import page's work, without Streamlit: save uploads to a temp folder, run the ingest.

It calls :func:`extract.ingest.ingest_paths`, the same code as ``xuncha ingest``: files are
read by the same readers, analysed by the one pipeline (:func:`extract.pipeline.analyse`) and
written through the one record ↔ table mapping (:mod:`extract.store.records`), so a file
imported here and one ingested from the command line end up identical. There is deliberately
no second path (no analysis of an upload in the page's own process).

Two guards beyond the CLI's:

* In read-only mode (``XUNCHA_READ_ONLY``) :func:`ingest_uploads` refuses before saving or
  writing anything. The app already never runs the Import page then; this is the second lock,
  in the code that writes, so a future page or a test calling it cannot write either.
* A file that imports fine but does not read like a rectification notice — the parser found
  no inspecting body, no 巡视/巡察 kind and no feedback problem (:data:`NOTICE_SIGNS`) — is
  flagged (``not_a_notice``), so the page can warn instead of importing it without a word.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

from extract.reading import ARCHIVE_EXTENSIONS, MAX_FILE_BYTES, SUPPORTED_EXTENSIONS
from extract.store import StoreError

# What the CLI reads (extract.reading): notice formats and archives of them.
ACCEPTED_SUFFIXES: tuple[str, ...] = (*SUPPORTED_EXTENSIONS, *sorted(ARCHIVE_EXTENSIONS))
MAX_UPLOAD_BYTES: int = MAX_FILE_BYTES  # one limit for a file however it arrives
#: What the parser must find for a stored text to count as a notice: any one of these is enough
#: (a v_notices predicate; a short notice may lack a body, but not all three).
NOTICE_SIGNS = "inspection_body IS NOT NULL OR inspection_kind IS NOT NULL OR problem_count > 0"


class ImportRefused(StoreError):
    """The import was refused as a whole (read-only mode); the message is bilingual."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave and its bytes."""

    name: str
    content: bytes


# Longest file name the usual file systems (ext4, APFS, NTFS via UTF-8) accept, in bytes.
MAX_NAME_BYTES = 255
# Reason codes that have no entry in labels.toml yet fall back to these bilingual lines.
REFUSAL_TEXT: dict[str, str] = {
    "no_name": (
        "The file name has nothing before its extension; rename it / 文件名只有扩展名,请重命名"
    ),
}
# Control characters (C0, DEL, C1) and the separators of every platform never reach the disk.
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]")


def _clean_name(name: str) -> str:
    """The last path component of ``name`` without unsafe characters or leading dots.

    Lone surrogates (a browser can send any string) become ``?``: they cannot be written.
    """
    name = name.encode("utf-8", "replace").decode("utf-8")
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_CHARS.sub("", last).strip().lstrip(".").strip()


def _fit(stem: str, tail: str) -> str:
    """``stem + tail`` shortened (in the stem, whole characters) to ``MAX_NAME_BYTES`` bytes."""
    room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > room:
        stem = encoded[:room].decode("utf-8", "ignore").rstrip()
    return stem + tail


def safe_name(name: str, taken: set[str]) -> str:
    """A plain file name (no folders, no leading dots), unique within ``taken``.

    Browsers send bare names, but a crafted request could send ``../../x.txt``; only the last
    component is kept, and clashes get ``-2``, ``-3`` … so two ``通报.txt`` both survive. NULs,
    control characters and separators are removed, and a name longer than 255 UTF-8 bytes
    (about 85 Chinese characters — a full title can be) is shortened keeping its extension,
    since the disk would refuse it and the page would crash.

    >>> safe_name("../../a/通报.txt", set())
    '通报.txt'
    >>> safe_name("通报.txt", {"通报.txt"})
    '通报-2.txt'
    """
    base = _clean_name(name) or "upload.txt"
    stem, suffix = PurePath(base).stem, PurePath(base).suffix
    if not stem:
        stem, suffix = "upload", suffix or ".txt"
    candidate, n = _fit(stem, suffix), 1
    while candidate in taken:
        n += 1
        candidate = _fit(stem, f"-{n}{suffix}")
    taken.add(candidate)
    return candidate


def precheck(upload: Upload) -> str | None:
    """Why an upload cannot be ingested (a reason code), or None when it may be tried.

    Codes: ``suffix`` (not a notice type), ``no_name`` (``.txt``, ``...txt``: nothing but an
    extension), ``empty``, ``too_large``; see ``import.refused`` in labels.toml and
    ``REFUSAL_TEXT``.
    """
    cleaned = _clean_name(upload.name)
    if PurePath(cleaned).suffix.lower() not in ACCEPTED_SUFFIXES:
        raw = upload.name.strip().lower()
        return "no_name" if raw.endswith(ACCEPTED_SUFFIXES) else "suffix"
    if not upload.content:
        return "empty"
    if len(upload.content) > MAX_UPLOAD_BYTES:
        return "too_large"
    return None


def refusal_text(code: str) -> str | None:
    """The built-in bilingual line for a refusal ``code`` that labels.toml may not have yet."""
    return REFUSAL_TEXT.get(code)


def ingest_uploads(
    uploads: Sequence[Upload],
    db_path: Path,
    *,
    progress: Callable[[int, int, Path], None] | None = None,
) -> pd.DataFrame:
    """Write ``uploads`` to a temp folder under their names, ingest them, return one row each.

    Columns: ``file``, ``status`` (new/updated/unchanged/failed/refused), ``notice_id``,
    ``quantities``, ``error``, ``not_a_notice``. Refused files (wrong type, empty) never reach
    the ingest; a failing file is reported and does not stop the others. Raises
    :class:`ImportRefused` in read-only mode, before anything is saved.
    """
    from dashboard.ui import read_only  # the one definition of the switch (fails closed)
    from extract.ingest import ingest_paths  # imported late: the page works without it

    if read_only():
        raise ImportRefused(
            f"{db_path}: this dashboard runs read-only (XUNCHA_READ_ONLY); nothing was imported"
            " / 仪表盘以只读模式运行,未导入任何文件"
        )

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
            try:
                target.write_bytes(upload.content)
            except OSError as exc:  # disk full, quota: this file fails, the others go on
                rows.append(
                    {
                        "file": upload.name,
                        "status": "failed",
                        "notice_id": None,
                        "quantities": 0,
                        "error": f"cannot save ({exc.strerror or exc}) / 无法保存上传文件",
                    }
                )
                continue
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
    frame = pd.DataFrame(rows, columns=["file", "status", "notice_id", "quantities", "error"])
    frame["not_a_notice"] = frame["notice_id"].isin(non_notices(db_path, frame["notice_id"]))
    return frame


def non_notices(db_path: Path, notice_ids: Sequence[object]) -> set[str]:
    """Those of ``notice_ids`` whose stored notice shows none of :data:`NOTICE_SIGNS`."""
    from extract.store import open_readonly

    ids = [str(n) for n in notice_ids if isinstance(n, str) and n]
    if not ids or not Path(db_path).exists():
        return set()
    con = open_readonly(Path(db_path))
    try:
        rows = con.execute(
            f"SELECT notice_id FROM v_notices WHERE list_contains(?, notice_id) "
            f"AND NOT ({NOTICE_SIGNS})",
            [ids],
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}
