"""Streamlit pieces every page shares: the language, labels, CSV downloads, the first-run screen.

Pages stay short by calling these; nothing here queries the database except through ``db``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import pandas as pd
import streamlit as st

from dashboard import data, db
from dashboard.i18n import DEFAULT_LANG, LANGS, label, value_label
from extract.csvout import csv_bytes

IMPORT_PAGE = "views/upload.py"


def lang() -> str:
    """The interface language chosen in the sidebar (Chinese unless switched)."""
    chosen = st.session_state.get("lang", DEFAULT_LANG)
    return chosen if chosen in LANGS else DEFAULT_LANG


#: Session key of the language last written to the URL (to tell a typed-in ``lang`` from ours).
_LANG_SYNCED = "_lang_synced"


def sync_lang_from_url() -> None:
    """Before the language radio is drawn: adopt the URL's ``lang`` when it is new.

    A URL without ``lang`` (a page switch drops the parameters) keeps the session's choice; an
    unknown value is ignored rather than shown as an error, a link is not a form.
    """
    wanted = st.query_params.get("lang")
    if wanted in LANGS and wanted != st.session_state.get(_LANG_SYNCED):
        st.session_state["lang"] = wanted


def sync_lang_to_url(chosen: str) -> None:
    """After the radio: write the language into the URL, so a reload or a link keeps it."""
    st.session_state[_LANG_SYNCED] = chosen
    if st.query_params.get("lang") != chosen:
        st.query_params["lang"] = chosen


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


def notice_picker(
    key: str,
    *,
    facet_args: tuple[str, tuple[object, ...]] = ("TRUE", ()),
    param: str = "n",
    columns: tuple[float, float] = (1, 3),
) -> tuple[str, ...]:
    """A search box and a multiselect of notices; no choice means every notice.

    The server searches (``data.notice_search``, at most ``NOTICE_PICK_LIMIT`` matches among
    the notices the facets leave) and only the matches plus the chosen notices reach the
    browser: a picker of every notice sent 4.2 MB to each browser at 100k notices. The choice
    is the ``param`` URL parameter (notice ids); unknown ids in a link are dropped.
    """
    from dashboard.data import NOTICE_PICK_LIMIT  # ui is imported by data's users only

    widget = f"{key}_notices"
    url = query_param_list(param)
    if widget not in st.session_state or url != st.session_state.get(f"_{widget}_synced", url):
        known = db.query(data.notice_labels, tuple(url)) if url else None
        st.session_state[widget] = [] if known is None else list(known["notice_id"])
    chosen = list(st.session_state[widget])
    c1, c2 = st.columns(list(columns))
    text = c1.text_input(
        t("picker.search"), key=f"{key}_search", placeholder=t("picker.search_placeholder")
    )
    found = db.query(data.notice_search, text.strip(), NOTICE_PICK_LIMIT, *facet_args)
    picked = db.query(data.notice_labels, tuple(chosen)) if chosen else found.iloc[0:0]
    names = dict(zip(picked["notice_id"], picked["label"], strict=True))
    names.update(zip(found["notice_id"], found["label"], strict=True))
    options = list(dict.fromkeys([*chosen, *found["notice_id"]]))
    total = db.query(data.notice_count)
    values = c2.multiselect(
        t("picker.notices"),
        options,
        format_func=lambda nid: names.get(nid, nid),
        key=widget,
        placeholder=t("picker.all", n=f"{total:,}"),
        help=t("picker.help", n=NOTICE_PICK_LIMIT),
    )
    set_query_param(param, list(values))
    st.session_state[f"_{widget}_synced"] = list(values)
    return tuple(values)


def anomaly_rows(df: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """``data.anomalies`` for display: the kind as its label, the detail in the interface
    language (extract/ writes most details in English only, a few as ``中文 / English``).

    In Chinese a detail written in English only shows as ``—`` (the kind's label says what it
    is); the CSV keeps the stored text. Missing values are ``—``.
    """
    from dashboard.i18n import BILINGUAL_SEP, _has_han, bilingual_part

    chosen = language or lang()
    out = df.copy()
    out["kind"] = [value_label("anomaly", k, chosen) or "—" for k in out["kind"]]

    def detail(text: object) -> str:
        raw = str(text or "")
        # English (it may quote a marker: "'(三)' missing"): the kind's label says it in
        # Chinese. Chinese only ("编号从(一)跳到(三)"): shown as written.
        english = re.search(r"[A-Za-z]{3,}", raw) is not None or not _has_han(raw)
        if chosen != "en" and BILINGUAL_SEP not in raw and english:
            return "—"
        return bilingual_part(text, chosen)

    out["detail"] = [detail(v) for v in out["detail"]]
    out["location"] = out["location"].fillna("—").astype(str)
    return out


def page_control(total: int, page_size: int, key: str, label_key: str) -> int:
    """A page number box for a table paged in SQL, kept in the URL as ``page``; returns it.

    A page taken from the URL is clamped to the pages there are, and a narrower filter that
    leaves fewer pages moves to the last one. Only a table with more than one page owns the
    ``page`` parameter; a one-page table leaves the URL alone.
    """
    import math

    pages = max(1, math.ceil(total / page_size))
    if key not in st.session_state:
        raw = st.query_params.get("page", "")
        st.session_state[key] = min(max(1, int(raw) if raw.isdigit() else 1), pages)
    st.session_state[key] = min(int(st.session_state[key]), pages)
    if pages == 1:
        return 1
    p1, p2 = st.columns([1, 4])
    page = int(p1.number_input(t(label_key), min_value=1, max_value=pages, step=1, key=key))
    p2.caption(
        t(
            "explorer.page_of",
            page=f"{page:,}",
            pages=f"{pages:,}",
            first=f"{(page - 1) * page_size + 1:,}",
            last=f"{min(page * page_size, total):,}",
            total=f"{total:,}",
        )
    )
    set_query_param("page", str(page) if page > 1 else None)
    return page


# Streamlit writes the drop zone's button ("Upload") and its limit line ("20MB per file • TXT,
# …") in English whatever the page's language, with no parameter to change them. In any other
# language the labels are painted over them: the English text is shrunk to nothing and the
# label shown in its place (a CSS ::after, so the widget itself is untouched and keeps working).
_DROPZONE = "[data-testid='stFileUploaderDropzone']"
_DROPZONE_CSS = f"""<style>
{_DROPZONE} button [data-testid='stMarkdownContainer'] p {{ font-size: 0; }}
{_DROPZONE} button [data-testid='stMarkdownContainer'] p::after {{
    content: {{button}}; font-size: 0.875rem; }}
[data-testid='stFileUploaderDropzoneInstructions'] span {{ font-size: 0; }}
[data-testid='stFileUploaderDropzoneInstructions'] span::after {{
    content: {{limit}}; font-size: 0.75rem; }}
</style>"""


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quoted, with quotes, backslashes and newlines escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    escaped = escaped.replace("<", "\\3c ")  # never a "</style>" that ends the block
    return f'"{escaped}"'


def dropzone_css(language: str, mb: int, types: list[str]) -> str:
    """The style that shows the drop zone's texts in ``language`` ("" in English)."""
    if language == "en":
        return ""
    return _DROPZONE_CSS.replace(
        "{button}", css_string(label("import.dropzone_button", language))
    ).replace(
        "{limit}",
        css_string(label("import.dropzone_limit", language, mb=mb, types="、".join(types))),
    )
