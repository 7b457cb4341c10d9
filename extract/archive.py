"""Notices inside a .zip archive, read in place: names decoded right, bombs and tricks refused.

Notices are often handed around as a .zip made on Windows, whose member names are GBK bytes
without the ZIP "UTF-8" flag (bit 11). Python's ``zipfile`` decodes such names as CP437
(``ͨ±¨.txt`` for ``通报.txt``); they are re-decoded here — UTF-8 first (tools that write UTF-8
but forget the flag), then GB18030 — and an Info-ZIP Unicode Path field (0x7075), when
present, wins over both.

Nothing is extracted to disk: members are read into memory one at a time, with caps on each
member's size, on the total uncompressed bytes and on the compression ratio (a zip bomb
expands 1000:1), counting the bytes actually inflated rather than trusting the sizes the
archive declares. Nested archives are not followed, names that climb out of the archive
(``../``, absolute, drive letters) and symbolic links are refused, encrypted members are
reported. Every member-level problem is one bilingual line in ``problems``; the walk goes on.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from extract.reading import MAX_FILE_BYTES, NoticeReadError, display_path

__all__ = [
    "ARCHIVE_SIGNATURE",
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "NOTICE_EXTENSIONS",
    "decode_member_name",
    "is_zip",
    "iter_archive",
]

ARCHIVE_SIGNATURE = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
# What an archive member may be to be read as a notice (the lead's readers take it from there).
NOTICE_EXTENSIONS = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".doc", ".pdf"})
# Archives inside the archive: reported, never opened (a quine zip nests forever).
NESTED_ARCHIVE_EXTENSIONS = frozenset(
    {".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst", ".cab", ".jar"}
)
MAX_MEMBER_BYTES = MAX_FILE_BYTES  # the same cap as a notice file on disk (20 MB)
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Deflate packs Chinese text 2-4x and XML 10-20x; 100x on a member of a megabyte or more is
# filler built to exhaust memory. Small members are let through whatever their ratio.
MAX_RATIO = 100
_RATIO_MIN_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
_CHUNK = 1 << 20
# Junk that archivers add next to the files a person packed: skipped without a word.
_JUNK = re.compile(r"(?:^|/)(?:__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|~\$)", re.I)
_DRIVE = re.compile(r"^[A-Za-z]:")
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_UNICODE_PATH_EXTRA = 0x7075


def is_zip(data: bytes) -> bool:
    """Whether ``data`` starts like a ZIP file (a .docx does too: check the extension first)."""
    return data.startswith(ARCHIVE_SIGNATURE) or data.startswith(_EMPTY_ZIP)


def _unicode_path(info: zipfile.ZipInfo, raw_name: bytes) -> str | None:
    """The name from an Info-ZIP Unicode Path extra field, if present and matching the header."""
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind != _UNICODE_PATH_EXTRA or len(body) < 5 or body[0] != 1:
            continue
        (crc,) = struct.unpack_from("<I", body, 1)
        if crc != zlib.crc32(raw_name):
            return None  # the name was changed after the field was written: stale
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def decode_member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it.

    With bit 11 set ``zipfile`` already decoded UTF-8. Without it the bytes were read as
    CP437; they are recovered (CP437 maps all 256 bytes, so this is lossless) and tried as
    the Unicode Path field, then UTF-8, then GB18030 (Windows' Chinese code page, a superset
    of GBK); when none decodes, the CP437 reading is kept.
    """
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # not from a CP437 decode (a ZipInfo made in memory)
        return info.filename
    if raw.isascii():
        return info.filename
    unicode_name = _unicode_path(info, raw)
    if unicode_name is not None:
        return unicode_name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unsafe(name: str) -> bool:
    """A name that would land outside a folder it was unpacked into."""
    if name.startswith("/") or _DRIVE.match(name) or "\x00" in name:
        return True
    return ".." in name.split("/")


def _problem(display: str, reason: str) -> str:
    return f"{display}: {reason}"


def iter_archive(
    path: str | Path, data: bytes, problems: list[str] | None = None
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(display name, bytes)`` for each notice member of the ZIP ``data``, in order.

    The display name is ``<archive path>!/<member name>`` (``通报.zip!/目录/通报.txt``), fit
    to store as a notice's source path. Members are yielded in the archive's order, each
    read only when the caller asks for the next one. Problems with single members (encrypted,
    too big, a bomb, a nested archive, an unsafe name, a damaged entry, a duplicate name)
    are appended to ``problems`` as ``"<display name>: English / 中文"`` lines and the member is
    skipped; one line also says how many members were not notices, and one when the archive
    holds no notice at all.

    Raises :class:`NoticeReadError` when ``data`` is not a readable ZIP at all or lists more
    than ``MAX_MEMBERS`` entries.
    """
    path = Path(path)
    sink: list[str] = problems if problems is not None else []
    shown = display_path(path)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise NoticeReadError(
            path, f"damaged or not a ZIP archive ({exc}) / 压缩包已损坏或不是 ZIP 格式"
        ) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise NoticeReadError(
                path,
                f"archive lists {len(infos)} entries (more than {MAX_MEMBERS}) / 压缩包文件数过多",
            )
        total = 0
        found = 0
        not_notices = 0
        seen: set[str] = set()
        for info in infos:
            name = decode_member_name(info).replace("\\", "/")
            display = f"{shown}!/{name}"
            if name.endswith("/") or _JUNK.search(name):
                continue
            if _unsafe(name):
                sink.append(
                    _problem(
                        display, "unsafe member name (path traversal), skipped / 路径不安全,已跳过"
                    )
                )
                continue
            name = posixpath.normpath(name)
            display = f"{shown}!/{name}"
            suffix = posixpath.splitext(name)[1].lower()
            if stat.S_ISLNK(info.external_attr >> 16):
                sink.append(
                    _problem(display, "symbolic link in archive, skipped / 符号链接,已跳过")
                )
                continue
            if suffix in NESTED_ARCHIVE_EXTENSIONS:
                sink.append(
                    _problem(
                        display,
                        "archive inside the archive is not opened; unpack it first"
                        " / 压缩包内的压缩包不会被打开,请先解压",
                    )
                )
                continue
            if suffix not in NOTICE_EXTENSIONS or posixpath.basename(name).startswith("."):
                not_notices += 1
                continue
            if name in seen:
                sink.append(_problem(display, "duplicate member name, skipped / 文件名重复,已跳过"))
                continue
            seen.add(name)
            if info.flag_bits & _ENCRYPTED_FLAG:
                sink.append(
                    _problem(display, "encrypted (password-protected), skipped / 文件已加密,已跳过")
                )
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                sink.append(_problem(display, _too_big(info.file_size)))
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= _RATIO_MIN_BYTES and ratio > MAX_RATIO:
                sink.append(_problem(display, _bomb(ratio)))
                continue
            if total + info.file_size > MAX_TOTAL_BYTES:
                sink.append(_problem(display, _total_exceeded()))
                break
            member, stop = _read_member(zf, info, display, MAX_TOTAL_BYTES - total, sink)
            if stop:
                break
            if member is None:
                continue
            total += len(member)
            found += 1
            yield display, member
        if not_notices:
            sink.append(
                f"{shown}: {not_notices} member(s) skipped, not notice files"
                f" ({' '.join(sorted(NOTICE_EXTENSIONS))}) / {not_notices} 个文件不是通报,已跳过"
            )
        if not found:
            sink.append(f"{shown}: no notice files found in archive / 压缩包中没有可读取的通报文件")


def _too_big(size: int) -> str:
    mib = 1024 * 1024
    return (
        f"member too large ({size / mib:.1f} MB > {MAX_MEMBER_BYTES // mib} MB), skipped"
        " / 文件过大,已跳过"
    )


def _bomb(ratio: float) -> str:
    return f"compression ratio {ratio:.0f}:1 (zip bomb?), skipped / 压缩比异常(疑似压缩炸弹),已跳过"


def _total_exceeded() -> str:
    return (
        f"archive expands beyond {MAX_TOTAL_BYTES // (1024 * 1024)} MB; the remaining members"
        " are skipped / 压缩包解压后过大,其余文件已跳过"
    )


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, budget: int, sink: list[str]
) -> tuple[bytes | None, bool]:
    """(The member's bytes or None when skipped, whether the total budget ran out).

    Bytes are counted as they are inflated: the sizes an archive declares can lie.
    """
    cap = min(MAX_MEMBER_BYTES, budget)
    chunks: list[bytes] = []
    got = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(min(_CHUNK, cap + 1 - got))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
                if got > cap:
                    over_total = cap < MAX_MEMBER_BYTES
                    reason = _total_exceeded() if over_total else _too_big(got)
                    sink.append(_problem(display, reason))
                    return None, over_total
                if got >= _RATIO_MIN_BYTES and got / max(info.compress_size, 1) > MAX_RATIO:
                    sink.append(_problem(display, _bomb(got / max(info.compress_size, 1))))
                    return None, False
    except RuntimeError as exc:  # "File is encrypted" when the flag sits in one header only
        sink.append(_problem(display, f"cannot be read ({exc}) / 无法读取,已跳过"))
        return None, False
    except NotImplementedError as exc:
        sink.append(_problem(display, f"unsupported compression ({exc}) / 不支持的压缩方式,已跳过"))
        return None, False
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        sink.append(_problem(display, f"damaged entry ({exc}) / 文件已损坏,已跳过"))
        return None, False
    return b"".join(chunks), False
