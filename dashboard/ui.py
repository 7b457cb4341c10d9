"""Streamlit pieces every page shares: the language, labels, CSV downloads, the first-run screen.

Pages stay short by calling these; nothing here queries the database except through ``db``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.i18n import DEFAULT_LANG, LANGS, label, value_label
from extract.csvout import csv_bytes

IMPORT_PAGE = "views/upload.py"


def lang() -> str:
    """The interface language chosen in the sidebar (Chinese unless switched)."""
    chosen = st.session_state.get("lang", DEFAULT_LANG)
    return chosen if chosen in LANGS else DEFAULT_LANG


def t(key: str, **fmt: object) -> str:
    """The label ``key`` in the current language."""
    return label(key, lang(), **fmt)


def code_label(group: str, value: object) -> str:
    """A stored code (status, kind…) in the current language."""
    return value_label(group, value, lang())


def headers(df: pd.DataFrame, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``df`` with column names translated through ``col.<name>`` labels (for display/CSV)."""
    names = {
        c: t(f"col.{c}") if not columns or c not in columns else columns[c] for c in df.columns
    }
    return df.rename(columns=names)


def download(df: pd.DataFrame, file_stem: str, key: str, *, note: str | None = None) -> None:
    """A CSV download button (UTF-8 BOM, CRLF, formula-safe) for ``df``.

    ``on_click="ignore"``: downloading must not rerun the page and lose the user's place.
    """
    st.download_button(
        t("download_csv"),
        data=csv_bytes(df),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
        help=note,
    )


#: Values of ``XUNCHA_READ_ONLY`` that leave the Import page on; anything else (``1``, ``yes``,
#: a typo) turns read-only on: a misspelt safety switch must fail closed, not open.
_WRITABLE_VALUES = frozenset({"", "0", "false", "no", "off"})


def read_only() -> bool:
    """Whether this server must not write the store (``XUNCHA_READ_ONLY``, set by the CLI)."""
    return os.environ.get("XUNCHA_READ_ONLY", "").strip().lower() not in _WRITABLE_VALUES


def first_run(status: db.DbStatus) -> None:
    """The helpful screen shown instead of an error when there is nothing to show yet."""
    st.title(t("first_run.title"))
    st.markdown(t("first_run.what"))
    if status.state == "error":
        st.error(t("first_run.error", path=str(status.path), message=status.message))
    elif status.state == "empty":
        st.info(t("first_run.empty", path=str(status.path)))
    else:
        st.info(t("first_run.missing", path=str(status.path)))
    st.markdown(t("first_run.how"))
    st.code(f"xuncha ingest data/ --db {status.path}", language="bash")
    if not read_only():  # a read-only server has no Import page to send anyone to
        st.page_link(IMPORT_PAGE, label=t("first_run.import_link"), icon=":material/upload_file:")


def stop_on_store_error(path: Path, exc: BaseException) -> NoReturn:
    """Show why the database cannot be read, in Chinese and English, and stop the page.

    Both languages whatever the switch says: the message is what a user copies into a report
    to whoever runs the server. The store's own message (already bilingual) follows.
    """
    reason = str(exc).removeprefix(f"{path}: ")
    texts = [label("first_run.error", code, path=str(path), message=reason) for code in LANGS]
    st.error("\n\n".join(texts))
    st.stop()


def require_data() -> db.DbStatus:
    """Return the database status when there is data; otherwise show the first-run screen and
    stop the page (``st.stop``), so no page ever renders a traceback for an empty store."""
    status = db.status()
    if not status.ok:
        first_run(status)
        st.stop()
    return status


def query_param_list(name: str) -> list[str]:
    """A list-valued URL parameter (``?n=a&n=b``), for shareable filter state."""
    return [v for v in st.query_params.get_all(name) if v]


def set_query_param(name: str, values: list[str] | str | None) -> None:
    """Write a filter back to the URL, removing it when empty, so the view can be shared."""
    if values in (None, "", []):
        if name in st.query_params:
            del st.query_params[name]
        return
    if st.query_params.get_all(name) != (values if isinstance(values, list) else [values]):
        st.query_params[name] = values
