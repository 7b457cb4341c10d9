"""导入 Import: upload notice files and ingest them with the same code as ``xuncha ingest``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import db
from dashboard.i18n import LANGS, label, labels
from dashboard.importer import (
    ACCEPTED_SUFFIXES,
    MAX_UPLOAD_BYTES,
    Upload,
    ingest_uploads,
    refusal_text,
)
from dashboard.ui import code_label, download, dropzone_css, headers, lang, t
from extract.store import StoreError


def _refusal(code: str) -> str:
    """The refusal reason in the current language; a code labels.toml lacks shows bilingual."""
    key = f"import.refused.{code}"
    return t(key) if key in labels() else (refusal_text(code) or code)


st.title(t("import.title"))
st.markdown(t("import.caption", path=str(db.db_path())))

files = st.file_uploader(
    t("import.files"),
    type=[s.lstrip(".") for s in ACCEPTED_SUFFIXES],
    accept_multiple_files=True,
    key="import_files",
    help=t("import.files_help", mb=MAX_UPLOAD_BYTES // (1024 * 1024)),
    # The real limit, so the drop zone's own "… per file" text does not say 200MB.
    max_upload_size=max(1, MAX_UPLOAD_BYTES // (1024 * 1024)),
)
_style = dropzone_css(
    lang(),
    max(1, MAX_UPLOAD_BYTES // (1024 * 1024)),
    # as the drop zone lists them: upper case, in order, .htm under HTML
    [x.lstrip(".").upper() for x in ACCEPTED_SUFFIXES if x != ".htm"],
)
if _style:
    st.html(_style)

if st.button(t("import.run"), type="primary", key="import_run", disabled=not files):
    uploads = [Upload(f.name, f.getvalue()) for f in files or []]
    bar = st.progress(0.0, text=t("import.starting"))

    def _progress(done: int, total: int, path: Path) -> None:
        bar.progress(
            done / max(total, 1), text=t("import.progress", done=done, total=total, name=path.name)
        )

    try:
        results = ingest_uploads(uploads, db.db_path(), progress=_progress)
    except StoreError as exc:
        st.error(t("import.store_error", message=str(exc)))
    else:
        bar.progress(1.0, text=t("import.done"))
        db.refresh()
        st.session_state["import_results"] = results

results = st.session_state.get("import_results")
if results is not None:
    counts = results["status"].value_counts()
    st.success(
        t(
            "import.summary",
            new=int(counts.get("new", 0)),
            updated=int(counts.get("updated", 0)),
            unchanged=int(counts.get("unchanged", 0)),
            failed=int(counts.get("failed", 0) + counts.get("refused", 0)),
        )
    )
    shown = results.drop(columns=["not_a_notice"], errors="ignore")
    shown["status"] = shown["status"].map(lambda s: code_label("import_status", s))
    shown["error"] = [
        _refusal(e) if s == "refused" else e
        for s, e in zip(results["status"], results["error"], strict=True)
    ]
    st.dataframe(headers(shown), hide_index=True, placeholder="—")
    download(headers(shown), "import", key="dl_import")
    failed = results[results["status"].isin(["failed", "refused"])]
    for row in failed.itertuples():
        st.error(f"{row.file}: {shown.loc[row.Index, 'error']}")
    if "not_a_notice" in results.columns:
        for row in results[results["not_a_notice"]].itertuples():
            # Both languages: the uploader may not read the interface language's note.
            st.warning(
                "\n\n".join(label("import.check.not_a_notice", c, file=row.file) for c in LANGS)
            )
    if (results["status"].isin(["new", "updated"])).any():
        st.page_link(
            "views/overview.py", label=t("import.to_overview"), icon=":material/dashboard:"
        )
