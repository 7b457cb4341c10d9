"""Notices inside .zip archives: names decoded right, bombs and tricks reported, never followed.

Every archive is built in code. Names that Windows writes in GBK without the UTF-8 flag are made
by writing an ASCII placeholder of the same byte length and swapping the raw bytes in, since
``zipfile`` itself always sets the flag for a non-ASCII name.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

import extract.archive as archive
from extract.archive import decode_member_name, iter_archive
from extract.docx_text import read_docx
from extract.noise import strip_noise
from extract.normalize import normalize_text
from extract.notice import parse_notice
from extract.reading import NoticeReadError
from tests.docx_fixtures import NOTICE_TXT, docx_from_txt

ZIP = "通报.zip"
TEXT = "【虚构示例】一、整改情况\n开展集中学习17次。\n".encode()


def _zip(
    members: list[tuple[str | bytes, bytes]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    symlinks: frozenset[int] = frozenset(),
    extra: dict[int, bytes] | None = None,
) -> bytes:
    """A ZIP of ``(name, data)``; a ``bytes`` name is written raw, without the UTF-8 flag."""
    buf = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for i, (name, data) in enumerate(members):
            if isinstance(name, bytes):
                placeholder = f"{i:03d}".encode().rjust(len(name), b"~")
                assert len(name) >= 3 and len(placeholder) == len(name)
                swaps.append((placeholder, name))
                name = placeholder.decode()
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            if i in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            if extra and i in extra:
                info.extra = extra[i]
            zf.writestr(info, data)
    raw = buf.getvalue()
    for placeholder, name in swaps:
        assert raw.count(placeholder) == 2  # local header and central directory
        raw = raw.replace(placeholder, name)
    return raw


def _encrypt_flag(raw: bytes, index: int) -> bytes:
    """Set the "encrypted" bit of member ``index`` in both its headers (no cipher needed:
    the reader must refuse it before trying to decrypt)."""
    out = bytearray(raw)
    info = zipfile.ZipFile(io.BytesIO(raw)).infolist()[index]
    out[info.header_offset + 6] |= 0x1
    pos = -1
    for _ in range(index + 1):
        pos = raw.index(b"PK\x01\x02", pos + 1)
    out[pos + 8] |= 0x1
    return bytes(out)


def _unicode_path_extra(raw_name: bytes, name: str) -> bytes:
    body = b"\x01" + struct.pack("<I", zlib.crc32(raw_name)) + name.encode()
    return struct.pack("<HH", 0x7075, len(body)) + body


def _read(data: bytes) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    names = [name for name, _ in iter_archive(ZIP, data, problems)]
    return names, problems


GBK_NAME = "目录/通报.txt".encode("gbk")
CP437_JUNK = b"\x80\x81\x82.txt"  # neither UTF-8 nor GB18030


@pytest.mark.parametrize(
    ("members", "options", "names", "problem_words"),
    [
        pytest.param(
            [(GBK_NAME, TEXT)], {}, [f"{ZIP}!/目录/通报.txt"], [], id="gbk-name-without-flag"
        ),
        pytest.param(
            [("整改/通报.md", TEXT)], {}, [f"{ZIP}!/整改/通报.md"], [], id="utf8-name-with-flag"
        ),
        pytest.param(
            [("附件/清单.txt".encode(), TEXT)],
            {},
            [f"{ZIP}!/附件/清单.txt"],
            [],
            id="utf8-name-without-flag",
        ),
        pytest.param(
            [(b"\xcd\xa8.txt", TEXT)],
            {"extra": {0: _unicode_path_extra(b"\xcd\xa8.txt", "通报.txt")}},
            [f"{ZIP}!/通报.txt"],
            [],
            id="info-zip-unicode-path-field-wins",
        ),
        pytest.param(
            [(CP437_JUNK, TEXT)],
            {},
            [f"{ZIP}!/" + CP437_JUNK.decode("cp437")],
            [],
            id="undecodable-name-kept-as-cp437",
        ),
        pytest.param([("a\\b.txt", TEXT)], {}, [f"{ZIP}!/a/b.txt"], [], id="backslash-separators"),
        pytest.param(
            [("../evil.txt", TEXT), ("ok.txt", TEXT)],
            {},
            [f"{ZIP}!/ok.txt"],
            ["../evil.txt: unsafe member name"],
            id="traversal-dotdot",
        ),
        pytest.param(
            [("/etc/x.txt", TEXT), ("C:/x.txt", TEXT), ("a/../../b.txt", TEXT)],
            {},
            [],
            ["/etc/x.txt: unsafe", "C:/x.txt: unsafe", "a/../../b.txt: unsafe", "no notice"],
            id="traversal-absolute-drive-nested",
        ),
        pytest.param(
            [("..\\evil.txt", TEXT)],
            {},
            [],
            ["unsafe member name", "no notice"],
            id="traversal-backslash",
        ),
        pytest.param(
            [("inner.zip", b"PK\x05\x06" + b"\0" * 18), ("a.txt", TEXT)],
            {},
            [f"{ZIP}!/a.txt"],
            ["inner.zip: archive inside the archive is not opened"],
            id="nested-zip-not-followed",
        ),
        pytest.param(
            [("link.txt", b"/etc/passwd"), ("a.txt", TEXT)],
            {"symlinks": frozenset({0})},
            [f"{ZIP}!/a.txt"],
            ["link.txt: symbolic link"],
            id="symlink-member-refused",
        ),
        pytest.param(
            [("a.txt", TEXT), ("a.txt", TEXT)],
            {},
            [f"{ZIP}!/a.txt"],
            ["duplicate member name"],
            id="duplicate-name",
            marks=pytest.mark.filterwarnings("ignore:Duplicate name"),
        ),
        pytest.param(
            [("__MACOSX/._a.txt", b"x"), (".DS_Store", b"x"), ("~$a.docx", b"x"), ("a.txt", TEXT)],
            {},
            [f"{ZIP}!/a.txt"],
            [],
            id="archiver-junk-skipped-silently",
        ),
        pytest.param(
            [("photo.png", b"\x89PNG"), ("a.htm", TEXT), ("dir/", b"")],
            {},
            [f"{ZIP}!/a.htm"],
            ["1 member(s) skipped, not notice files"],
            id="non-notices-counted",
        ),
        pytest.param(
            [("big.txt", b"0" * (21 * 1024 * 1024)), ("a.txt", TEXT)],
            {},
            [f"{ZIP}!/a.txt"],
            ["big.txt: member too large"],
            id="member-over-20MB",
        ),
        pytest.param(
            [("bomb.txt", b"\0" * (5 * 1024 * 1024)), ("a.txt", TEXT)],
            {},
            [f"{ZIP}!/a.txt"],
            ["bomb.txt: compression ratio"],
            id="highly-compressible-member-is-a-bomb",
        ),
        pytest.param([], {}, [], ["no notice files found"], id="empty-archive"),
        pytest.param(
            [("a.txt", TEXT), ("b.pdf", b"%PDF-1.4"), ("c.docx", b"PK"), ("d.doc", b"\xd0")],
            {"compression": zipfile.ZIP_STORED},
            [f"{ZIP}!/a.txt", f"{ZIP}!/b.pdf", f"{ZIP}!/c.docx", f"{ZIP}!/d.doc"],
            [],
            id="every-notice-type-yielded-in-order",
        ),
    ],
)
def test_iter_archive(
    members: list[tuple[str | bytes, bytes]],
    options: dict[str, object],
    names: list[str],
    problem_words: list[str],
) -> None:
    found, problems = _read(_zip(members, **options))  # type: ignore[arg-type]
    assert found == names
    assert len(problems) == len(problem_words), problems
    for words, line in zip(problem_words, problems, strict=True):
        assert words in line and " / " in line and "\n" not in line


def test_member_bytes_are_the_members() -> None:
    """What is yielded is the member's content, byte for byte (GBK text stays GBK bytes)."""
    gbk = NOTICE_TXT.encode("gbk")
    got = dict(iter_archive(ZIP, _zip([(GBK_NAME, gbk), ("b.txt", TEXT)])))
    assert got == {f"{ZIP}!/目录/通报.txt": gbk, f"{ZIP}!/b.txt": TEXT}


def test_encrypted_member_reported_and_others_read() -> None:
    raw = _encrypt_flag(_zip([("secret.txt", TEXT), ("a.txt", TEXT)]), 0)
    found, problems = _read(raw)
    assert found == [f"{ZIP}!/a.txt"]
    assert len(problems) == 1 and "secret.txt: encrypted" in problems[0]


def test_damaged_member_reported_and_others_read() -> None:
    """A member whose compressed bytes were overwritten fails its CRC; the next one is read."""
    raw = bytearray(_zip([("bad.txt", TEXT * 50), ("a.txt", TEXT)]))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).infolist()[0]
    data_start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[data_start : data_start + 8] = b"\xff" * 8
    found, problems = _read(bytes(raw))
    assert found == [f"{ZIP}!/a.txt"]
    assert len(problems) == 1 and "bad.txt: damaged entry" in problems[0]


def test_total_budget_stops_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_TOTAL_BYTES of inflated data the remaining members are skipped, once said."""
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", len(TEXT) * 2 + 1)
    found, problems = _read(_zip([(f"{i}.txt", TEXT) for i in range(5)]))
    assert found == [f"{ZIP}!/0.txt", f"{ZIP}!/1.txt"]
    assert len(problems) == 1 and "2.txt: archive expands beyond" in problems[0]


def test_lying_declared_size_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A member that declares fewer bytes than it inflates to never gets past the cap."""
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 1000)
    raw = bytearray(_zip([("a.txt", b"x" * 5000)]))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).infolist()[0]
    central = bytes(raw).index(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 10)  # uncompressed size in the central directory
    struct.pack_into("<I", raw, info.header_offset + 22, 10)  # …and in the local header
    found, problems = _read(bytes(raw))
    assert found == [] and any("a.txt: damaged entry" in p for p in problems), problems


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"PK\x03\x04" + os.urandom(2000), id="random-after-signature"),
        pytest.param(_zip([("a.txt", TEXT * 100)])[:200], id="truncated-no-central-directory"),
        pytest.param(b"not a zip at all", id="text"),
    ],
)
def test_unreadable_archive_one_line(data: bytes) -> None:
    with pytest.raises(NoticeReadError) as err:
        list(iter_archive(ZIP, data))
    assert ZIP in str(err.value) and "\n" not in str(err.value) and " / " in err.value.reason


def test_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    with pytest.raises(NoticeReadError, match="entries"):
        list(iter_archive(ZIP, _zip([(f"{i}.txt", TEXT) for i in range(4)])))


def test_decode_member_name_keeps_flagged_names() -> None:
    info = zipfile.ZipInfo("通报.txt")
    info.flag_bits |= 0x800
    assert decode_member_name(info) == "通报.txt"


def test_windows_archive_of_a_notice_reads_like_the_txt(tmp_path: Path) -> None:
    """The fictional notice zipped on "Windows" (GBK names) as .txt and .docx: same tree."""
    raw = _zip(
        [
            ("整改/通报.txt".encode("gbk"), NOTICE_TXT.encode("gbk")),
            ("整改/通报.docx".encode("gbk"), docx_from_txt(NOTICE_TXT)),
        ]
    )
    members = dict(iter_archive(tmp_path / ZIP, raw))
    txt_name = f"{tmp_path / ZIP}!/整改/通报.txt"
    docx_name = f"{tmp_path / ZIP}!/整改/通报.docx"
    assert list(members) == [txt_name, docx_name]
    txt = strip_noise(normalize_text(members[txt_name].decode("gb18030")))
    word = strip_noise(normalize_text(read_docx(docx_name, members[docx_name]).text))
    tree = [(p.path, p.status) for p in parse_notice(txt).problems]
    assert tree and tree == [(p.path, p.status) for p in parse_notice(word).problems]
