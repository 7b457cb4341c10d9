"""The notice parser's word lists (extract/notice/lexicon.py): loading errors and the shared
status-word pattern. One row per case, each naming what it covers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract import lexicon as loader
from extract.lexicon import DATA_DIR, LexiconError
from extract.notice import lexicon as notice_lexicon
from extract.notice.lexicon import lexicon

NOTICE_FILES = ("notice_status.toml", "notice_sections.toml", "notice_meta.toml")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the packaged notice data files that a test may break."""
    for name in (*NOTICE_FILES, "notice_places.toml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(loader, "data_path", lambda name: tmp_path / name)
    lexicon.cache_clear()
    yield tmp_path
    lexicon.cache_clear()


# (covers, file, text replaced, replacement, words the message must contain); the error must
# name the line the replacement is on.
BROKEN = [
    (
        "unknown status name",
        "notice_status.toml",
        "long_term = [",
        "someday = [",
        "unknown status 'someday'",
    ),
    (
        "a word under two statuses",
        "notice_status.toml",
        '"长期整改", ',
        '"长期整改", "已办结", ',
        "listed under two statuses",
    ),
    ("TOML syntax error", "notice_status.toml", "[status]", "[status", "not valid TOML"),
]


@pytest.mark.parametrize(
    ("covers", "name", "old", "new", "words"), BROKEN, ids=[r[0] for r in BROKEN]
)
def test_broken_file_names_file_and_line(
    data_dir: Path, covers: str, name: str, old: str, new: str, words: str
) -> None:
    path = data_dir / name
    source = path.read_text(encoding="utf-8")
    assert old in source, covers
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    line = next(i for i, text in enumerate(path.read_text("utf-8").splitlines(), 1) if new in text)
    with pytest.raises(LexiconError) as info:
        lexicon()
    message = str(info.value)
    assert message.startswith(f"{name}:{line}: "), message
    assert words in message and " / " in message and "\n" not in message


# (covers, text, the status word the shared pattern finds first, or None)
FREE_STATUS = [
    ("longest word wins: 未完成 over 完成", "该问题尚未完成", "尚未完成"),
    ("a qualified form: 基本完成", "目前已基本完成", "基本完成"),
    ("marker-only word is not read from running text", "任务全部完成", None),
    ("long-term wording", "需长期坚持", "需长期坚持"),
]


@pytest.mark.parametrize(("covers", "text", "word"), FREE_STATUS, ids=[r[0] for r in FREE_STATUS])
def test_free_status_pattern(covers: str, text: str, word: str | None) -> None:
    """classify.py (headings) and rectification.py (closing sentences) share this pattern."""
    found = lexicon().free_status.search(text)
    assert (found.group() if found else None) == word


def test_free_status_excludes_every_marker_only_word() -> None:
    lx = lexicon()
    for word in lx.marker_only:
        found = lx.free_status.fullmatch(word)
        assert found is None, word


def test_notice_data_files_go_through_the_loader() -> None:
    """read_toml here is the shared loader's (so errors carry file:line), not a copy."""
    assert notice_lexicon.read_toml("notice_status.toml") == loader.read_toml(
        DATA_DIR / "notice_status.toml"
    )
