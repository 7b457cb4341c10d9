"""What each view column means (``sql/columns.toml``), for the SQL page's schema browser.

Kept as data beside the views rather than as ``COMMENT ON COLUMN``: a view is re-created by
every writer, which would drop its comments, and the descriptions need two languages.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from extract.store.paths import sql_dir

LANGS = ("zh", "en")


def columns_file() -> Path:
    return sql_dir() / "columns.toml"


@cache
def load_column_docs(path: Path | None = None) -> dict[tuple[str, str], dict[str, str]]:
    """(view, column) → {lang: text}; a malformed entry raises ``ValueError`` naming it."""
    path = path or columns_file()
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    out: dict[tuple[str, str], dict[str, str]] = {}
    for view, columns in raw.items():
        if not isinstance(columns, dict):
            raise ValueError(f"{path}: [{view}] must be a table of columns")
        for column, text in columns.items():
            if not (isinstance(text, dict) and all(isinstance(text.get(k), str) for k in LANGS)):
                raise ValueError(f"{path}: {view}.{column} needs zh and en texts")
            out[(view, column)] = {k: text[k] for k in LANGS}
    return out


def column_descriptions(lang: str) -> dict[tuple[str, str], str]:
    """(view, column) → description in ``lang`` (Chinese for any other code)."""
    code = lang if lang in LANGS else "zh"
    return {key: texts[code] for key, texts in load_column_docs().items()}
