"""The Import page's two guards (issue #11): a text that is not a notice is imported with a
bilingual warning, not without a word; and the importer itself refuses to write in read-only
mode, whatever calls it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.importer import ImportRefused, Upload, ingest_uploads
from tests.dashboard_fixtures import APP, PAGES, require_ingest
from tests.notice_factory import notice_text

#: Texts that are not rectification notices, one reason per row.
NOT_NOTICES = [
    pytest.param("今天天气很好,我们去公园散步,看到了很多花。\n" * 5, id="everyday-prose"),
    pytest.param("会议纪要\n一、会议时间:2024年3月1日\n二、参会人员:张三、李四\n", id="minutes"),
    pytest.param("第一章 总则\n第一条 为了规范管理,制定本办法。\n", id="regulation"),
]


@pytest.mark.parametrize("text", NOT_NOTICES)
def test_a_text_that_is_not_a_notice_is_flagged(text: str, tmp_path: Path) -> None:
    require_ingest()
    frame = ingest_uploads([Upload("x.txt", text.encode("utf-8"))], tmp_path / "s.duckdb")
    assert list(frame["status"]) == ["new"]
    assert list(frame["not_a_notice"]) == [True]


def test_a_notice_is_not_flagged(tmp_path: Path) -> None:
    require_ingest()
    upload = Upload("n.txt", notice_text("测试开发区").encode("utf-8"))
    frame = ingest_uploads([upload], tmp_path / "s.duckdb")
    assert list(frame["status"]) == ["new"] and list(frame["not_a_notice"]) == [False]


def test_the_page_warns_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_ingest()
    monkeypatch.setenv("XUNCHA_DB", str(tmp_path / "live.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGES["import"]).run()
    text = NOT_NOTICES[0].values[0]
    at.file_uploader(key="import_files").set_value(
        [("散文.txt", text.encode("utf-8"), "text/plain")]
    ).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(
        "散文.txt" in w and "不像巡视巡察整改通报" in w and "does not read like" in w
        for w in warnings
    )


@pytest.mark.parametrize("value", ["1", "yes", "true", "typo"])
def test_read_only_refuses_before_writing(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XUNCHA_READ_ONLY", value)
    db = tmp_path / "s.duckdb"
    with pytest.raises(ImportRefused) as err:
        ingest_uploads([Upload("n.txt", notice_text("测试").encode("utf-8"))], db)
    assert "只读" in str(err.value) and "read-only" in str(err.value)
    assert not db.exists()
