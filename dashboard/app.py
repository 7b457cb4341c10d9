"""Entry point: ``streamlit run dashboard/app.py`` (or ``xuncha dashboard --db FILE``).

Builds the sidebar (language switch, database path) and the page menu with ``st.navigation``;
the pages live in ``views/`` — not ``pages/``, which would switch Streamlit to its legacy
multipage mode and break AppTest (streamlit PR #14217).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # running from a checkout without the editable install
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard import db  # noqa: E402
from dashboard.i18n import LANGS, label  # noqa: E402

# (script, label key, icon, url path); the first page is the default.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("views/overview.py", "nav.overview", ":material/dashboard:", "overview"),
    ("views/compare.py", "nav.compare", ":material/bar_chart:", "compare"),
    ("views/explorer.py", "nav.explorer", ":material/table_rows:", "quantities"),
    ("views/detail.py", "nav.detail", ":material/description:", "notice"),
    ("views/sql.py", "nav.sql", ":material/terminal:", "sql"),
    ("views/upload.py", "nav.import", ":material/upload_file:", "import"),
)

st.set_page_config(
    page_title="xuncha 巡察整改数据", page_icon=":material/fact_check:", layout="wide"
)

with st.sidebar:
    lang = st.radio(
        "语言 / Language",
        LANGS,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        horizontal=True,
        key="lang",
    )

pages = [
    st.Page(script, title=label(key, lang), icon=icon, url_path=slug, default=(i == 0))
    for i, (script, key, icon, slug) in enumerate(PAGES)
]
page = st.navigation(pages)

with st.sidebar:
    st.caption(label("sidebar.db", lang, path=str(db.db_path())))

page.run()
