"""Entry point: ``streamlit run dashboard/app.py`` (or ``xuncha dashboard --db FILE``).

Builds the sidebar (language switch, database path) and the page menu with ``st.navigation``;
the pages live in ``views/`` — not ``pages/``, which would switch Streamlit to its legacy
multipage mode and break AppTest (streamlit PR #14217).

Read-only mode (``xuncha dashboard --read-only``, i.e. ``XUNCHA_READ_ONLY=1``) is for a
dashboard shared with colleagues: the Import page, the only page that writes the store, leaves
the menu and is refused when its URL is typed in. It stays registered (hidden) so links to it
from other pages still resolve instead of crashing them.

The language is the ``lang`` URL parameter as well as the radio's state: a reload or a shared
link keeps it, and a page switch (which drops the URL's parameters) puts it back. The sidebar's
复制链接 button copies the page's address with every parameter, so any view is a link.

The page icon is a local SVG, sent inline as a ``data:`` URL: a ``:material/…:`` icon makes the
browser fetch it from fonts.gstatic.com, an outside request a closed network cannot answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # running from a checkout without the editable install
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import db  # noqa: E402
from dashboard.facets import copy_link_button  # noqa: E402
from dashboard.i18n import LANGS, label  # noqa: E402
from dashboard.ui import read_only, sync_lang_from_url, sync_lang_to_url  # noqa: E402

IMPORT_SLUG = "import"
PAGE_ICON = Path(__file__).resolve().parent / "assets" / "favicon.svg"


# (script, label key, icon, url path); the first page is the default.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("views/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("views/compare.py", "nav.compare", ":material/bar_chart:", "compare"),
    ("views/explorer.py", "nav.explorer", ":material/table_rows:", "quantities"),
    ("views/detail.py", "nav.detail", ":material/description:", "notice"),
    ("views/sql.py", "nav.sql", ":material/terminal:", "sql"),
    ("views/source.py", "nav.source", ":material/article:", "source"),
    ("views/unit.py", "nav.unit", ":material/apartment:", "unit"),
    ("views/units.py", "nav.units", ":material/leaderboard:", "units"),
    ("views/trends.py", "nav.trends", ":material/show_chart:", "trends"),
    ("views/map.py", "nav.map", ":material/map:", "map"),
    ("views/report.py", "nav.report", ":material/print:", "report"),
    ("views/upload.py", "nav.import", ":material/upload_file:", "import"),
)

st.set_page_config(page_title="xuncha 巡察整改数据", page_icon=str(PAGE_ICON), layout="wide")
READ_ONLY = read_only()

sync_lang_from_url()
with st.sidebar:
    lang = st.radio(
        "语言 / Language",
        LANGS,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        horizontal=True,
        key="lang",
    )
    sync_lang_to_url(lang)
    copy_link_button()

pages = [
    st.Page(
        script,
        title=label(key, lang),
        icon=icon,
        url_path=slug,
        default=(i == 0),
        visibility="hidden" if READ_ONLY and slug == IMPORT_SLUG else "visible",
    )
    for i, (script, key, icon, slug) in enumerate(PAGES)
]
page = st.navigation(pages)

with st.sidebar:
    st.caption(label("sidebar.db", lang, path=str(db.db_path())))
    if READ_ONLY:
        st.caption(label("deploy.read_only_badge", lang))

if READ_ONLY and page.url_path == IMPORT_SLUG:
    # Never run the upload script: no uploader widget exists, so nothing can reach the store.
    # Both languages, like the store errors: it is what a user forwards to whoever runs it.
    st.title(label("deploy.import_refused_title", lang))
    st.error("\n\n".join(label("deploy.import_refused", code) for code in LANGS))
else:
    page.run()
