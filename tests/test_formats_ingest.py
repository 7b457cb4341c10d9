"""One notice, published four ways, ingests to the same tree and figures (issue 13, done-when).

The fictional notice of tests/pdf_fixtures.py is written as a .txt, as a .docx whose headings
are Word auto-numbering (tests/docx_fixtures.py), as a text PDF typeset with a CJK font, as a
CMS web page (tests/web_fixtures.py) and inside a .zip; each goes through the real
``xuncha ingest`` path (load_notice -> parser -> extractor -> store) and is compared with the
.txt on the problem tree and the quantities.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extract.ingest import ingest_paths
from extract.store import open_readonly
from tests.docx_fixtures import docx_from_txt
from tests.pdf_fixtures import notice_pdf, notice_txt
from tests.test_pdf_text import cjk_font  # noqa: F401  (fixture: installs fonts-noto-cjk)
from tests.web_fixtures import notice_page


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def _stored(db: Path) -> dict[str, tuple[str, list[tuple[str, str | None]], list[str]]]:
    """Per source path: format, the problem tree (path, status) and the quantity surfaces."""
    con = open_readonly(db)
    try:
        out = {}
        for notice_id, source, fmt in con.execute(
            "SELECT n.notice_id, s.source_path, n.source_format"
            " FROM notice_sources s JOIN notices n USING (notice_id)"
        ).fetchall():
            tree = con.execute(
                "SELECT path, status FROM problems WHERE notice_id = ? ORDER BY problem_id",
                [notice_id],
            ).fetchall()
            figures = [
                r[0]
                for r in con.execute(
                    "SELECT surface FROM quantities WHERE notice_id = ? ORDER BY quantity_id",
                    [notice_id],
                ).fetchall()
            ]
            out[str(source).rsplit("/in/", 1)[-1]] = (fmt, tree, figures)
        return out
    finally:
        con.close()


@pytest.mark.slow
def test_one_notice_four_formats_same_tree_and_figures(
    tmp_path: Path,
    cjk_font: Path,  # noqa: F811
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = notice_txt()
    # each copy gets its own marker line, so the store keeps them as separate notices
    (folder / "n.txt").write_text(text, encoding="utf-8")
    (folder / "n.docx").write_bytes(docx_from_txt(text + "(Word 版)\n"))
    (folder / "n.pdf").write_bytes(notice_pdf(font=cjk_font))
    page = notice_page(text)
    (folder / "n.html").write_text(page.html, encoding="utf-8")
    (folder / "page.txt").write_text(page.text, encoding="utf-8")  # the page's own .txt
    (folder / "pack.zip").write_bytes(_zip("通报/n.txt", (text + "(压缩包)\n").encode("utf-8")))
    summary = ingest_paths([folder], tmp_path / "x.duckdb")
    assert summary.failed == 0, [r.error for r in summary.results if r.error]
    stored = _stored(tmp_path / "x.duckdb")
    _, base_tree, base_figures = stored["n.txt"]
    assert len(base_tree) >= 5 and len(base_figures) >= 20
    zipped = stored["pack.zip!/通报/n.txt"]
    for name, (fmt, tree, figures) in {
        "docx": stored["n.docx"],
        "pdf": stored["n.pdf"],
        "txt": zipped,
    }.items():
        assert fmt == name, (name, fmt)
        assert tree == base_tree, name
        assert abs(len(figures) - len(base_figures)) <= 2, (name, figures, base_figures)
    # the web page carries a data table the plain notice lacks: compare with its own .txt
    html_format, html_tree, html_figures = stored["n.html"]
    _, page_tree, page_figures = stored["page.txt"]
    assert html_format == "html"
    assert html_tree == page_tree
    assert abs(len(html_figures) - len(page_figures)) <= 2
