"""Load notice files: detect the encoding, turn HTML/Markdown into text, clean and normalise.

Notices arrive as whatever a site served: UTF-8 or GBK text, UTF-16 from Windows editors,
HTML pages with a ``<meta charset>``, Markdown written by hand. ``load_notice`` turns any of
them into the canonical text (``extract.normalize.normalize_text`` after
``extract.noise.strip_noise``) that every offset in xuncha refers to, and records how it got
there (encoding, format, SHA-256 of the raw bytes) so a stored figure can be traced back.

Bad input (missing file, binary data, undecodable bytes, nothing left after cleaning) raises
:class:`NoticeReadError`, a ``ValueError`` whose message names the file and the reason in
English and Chinese — the CLI prints it instead of a traceback.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from extract import settings
from extract.noise import strip_noise
from extract.normalize import normalize_text

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "LoadedNotice",
    "NoticeReadError",
    "decode_bytes",
    "decode_bytes_with_warnings",
    "decode_file",
    "display_path",
    "iter_notice_files",
    "load_notice",
    "scan_paths",
    "title_from_text",
]

SourceFormat = Literal["txt", "md", "html", "pdf", "docx", "doc"]
SUPPORTED_EXTENSIONS: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "doc",
}
# Archives whose members are read as notices (extract.archive); the ingest expands them.
ARCHIVE_EXTENSIONS = frozenset({".zip"})
# Formats read from their bytes by a document reader, not decoded as text.
_DOCUMENT_FORMATS = frozenset({"pdf", "docx", "doc"})
# Documentation that sits next to notices in a folder (data/README.md) is not a notice.
_NOT_NOTICES = frozenset({"readme", "changelog", "license", "licence"})
# A notice is a few dozen KB; anything this big is not one (and would stall the pipeline).
MAX_FILE_BYTES: int = settings.get_int("max_file_bytes")  # extract/settings.py

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Signatures of files people drop into a notice folder by mistake, to name them in the error.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document / PDF 文档"),
    (b"PK\x03\x04", "ZIP archive or Word/Excel .docx/.xlsx / 压缩包或 Office 文档"),
    (b"\xd0\xcf\x11\xe0", "Word/Excel .doc/.xls / Office 文档"),
    (b"\x89PNG", "PNG image / 图片"),
    (b"\xff\xd8\xff", "JPEG image / 图片"),
    (b"GIF8", "GIF image / 图片"),
    (b"\x1f\x8b", "gzip archive / 压缩包"),
    (b"Rar!", "RAR archive / 压缩包"),
    (b"7z\xbc\xaf", "7z archive / 压缩包"),
)
# The GB family is decoded with GB18030, its superset: pages that declare gb2312 routinely
# contain GBK-only characters (人名、地名 such as 镕 or 堃).
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "euc-cn", "x-gbk", "cp936", "hz-gb-2312"})
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE | re.DOTALL
)
# Control characters that never occur in text; a decoded file full of them is binary.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


class NoticeReadError(ValueError):
    """A notice file could not be read; ``str(err)`` is a message fit for the user."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        # display_path: a name with undecodable bytes must not crash the terminal printing it.
        super().__init__(f"cannot read notice {display_path(self.path)}: {reason}")


@dataclass(frozen=True)
class LoadedNotice:
    """A notice file turned into canonical text, with where it came from."""

    path: Path
    text: str
    encoding: str
    source_format: SourceFormat
    title_hint: str | None
    file_sha256: str
    # Problems that did not stop the read (a cut last character…), bilingual, without the
    # path: the ingest prints each as ``<path>: <warning>``.
    warnings: tuple[str, ...] = ()
    # PDF pages whose text came from OCR (1-based): figures from them deserve a second look.
    ocr_pages: tuple[int, ...] = ()


# --------------------------------------------------------------------------- files


_REASON_NOT_REGULAR = "not a regular file (FIFO/device) / 不是普通文件(管道或设备)"
_REASON_LOOP = "symbolic link loop / 符号链接循环"
_REASON_DANGLING = "symbolic link points to nothing / 符号链接指向的文件不存在"
_REASON_MISSING = "no such file or folder / 文件或文件夹不存在"
_REASON_EMPTY_FOLDER = "no notice files found in folder / 文件夹中没有通报文件"


def display_path(path: str | Path) -> str:
    """``path`` as text that any terminal can print.

    A name made of bytes that are not UTF-8 (GBK names from unzipping a Windows archive)
    comes back from the OS with lone surrogates (PEP 383); printing those raises
    ``UnicodeEncodeError``. Such bytes are shown as ``\\xNN`` escapes instead.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _bad_name_reason(raw_name: str, *, folder: bool) -> str | None:
    """Why a name cannot be used (not UTF-8), with a guess at what it says, else None.

    Such a name cannot be stored (the database holds UTF-8 text) nor printed, so the file is
    reported, not read; a GB18030 reading of the bytes is offered, it is usually right.
    """
    try:
        raw_name.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return None
    raw = os.fsencode(raw_name)
    try:
        guess = f"; as GBK it reads {raw.decode('gb18030')!r}"
    except UnicodeDecodeError:
        guess = ""
    what = "folder" if folder else "file"
    return (
        f"{what} name is not valid UTF-8{guess}; rename it / "
        f"{'文件夹' if folder else '文件'}名编码无效,请重命名"
    )


def _os_reason(exc: OSError, *, folder: bool = False) -> str:
    """One bilingual line for an OS error met while looking at a path."""
    if exc.errno == errno.ELOOP:
        return _REASON_LOOP
    if exc.errno == errno.ENOENT:
        return _REASON_MISSING
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            "folder cannot be read (permission denied) / 文件夹无法读取(没有权限)"
            if folder
            else "cannot be accessed (permission denied) / 无权访问"
        )
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long / 文件名过长"
    what = "folder cannot be read" if folder else "cannot be accessed"
    return f"{what} ({exc.strerror or exc}) / {'文件夹无法读取' if folder else '无法访问'}"


def _stat_reason(path: Path) -> tuple[os.stat_result | None, str | None]:
    """``os.stat`` (following links) of ``path``, or why it failed as a bilingual line."""
    try:
        return os.stat(path), None
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return None, _REASON_DANGLING
        return None, _os_reason(exc)
    except ValueError:  # embedded NUL: no such name can exist
        return None, _REASON_MISSING


def _is_candidate(name: str) -> bool:
    suffix = os.path.splitext(name)[1].lower()
    stem = name[: len(name) - len(suffix)].lower()
    return (
        suffix in SUPPORTED_EXTENSIONS or suffix in ARCHIVE_EXTENSIONS
    ) and stem not in _NOT_NOTICES


def _scan_folder(
    root: Path, root_stat: os.stat_result, problems: list[tuple[Path, str]]
) -> list[tuple[Path, os.stat_result]]:
    """Notice files under ``root`` (sorted like a file manager) with their ``os.stat``.

    Symlinked folders are followed, with the (device, inode) of every folder on the current
    branch kept so that a link back to an ancestor is reported as a loop instead of walked
    forever; a folder reached twice by different links is walked once. Hidden entries
    (``.name``) are skipped as before; everything that cannot be looked at is reported in
    ``problems`` and the walk goes on.
    """
    found: list[tuple[tuple[str, ...], Path, os.stat_result]] = []
    walked: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    # (folder, parts relative to root, (dev, inode) of the folders on its branch)
    todo: list[tuple[Path, tuple[str, ...], frozenset[tuple[int, int]]]] = [
        (root, (), frozenset(walked))
    ]
    while todo:
        folder, parts, branch = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda entry: entry.name)  # which link wins is stable
        except OSError as exc:
            problems.append((folder, _os_reason(exc, folder=True)))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = folder / name
            try:
                is_dir = entry.is_dir()  # follows links; False for a dangling one
            except OSError:
                is_dir = False
            if is_dir:
                bad = _bad_name_reason(name, folder=True)
                if bad is not None:
                    problems.append((Path(display_path(path)), bad))
                    continue
                st, why = _stat_reason(path)
                if st is None:
                    problems.append((path, why or _REASON_MISSING))
                    continue
                key = (st.st_dev, st.st_ino)
                if key in branch:
                    problems.append((path, _REASON_LOOP))
                elif key not in walked:
                    walked.add(key)
                    todo.append((path, (*parts, name), branch | {key}))
                continue
            if not _is_candidate(name):
                # Not a notice name: ignored whatever it is, even a broken link (which cannot be
                # told from a broken link to a file that is no notice).
                continue
            bad = _bad_name_reason(name, folder=False)
            if bad is not None:
                problems.append((Path(display_path(path)), bad))
                continue
            st, why = _stat_reason(path)
            if st is None:
                problems.append((path, why or _REASON_MISSING))
            elif not stat.S_ISREG(st.st_mode):
                problems.append((path, _REASON_NOT_REGULAR))
            else:
                found.append(((*parts, name), path, st))
    found.sort(key=lambda item: item[0])
    return [(path, st) for _, path, st in found]


def scan_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The notice files named by ``paths`` (files or folders), and what could not be used.

    Folders are searched recursively for ``.txt .md .html .htm`` files (any letter case),
    skipping hidden files and folders (names starting with ``.``) and folder documentation
    (``README.md``, ``CHANGELOG.txt``…, see ``_NOT_NOTICES``); each folder's files come
    sorted by path (folder by folder, like a file manager). A file named explicitly is kept
    whatever its extension (``load_notice`` then reports an unsupported one, so a batch goes
    on with the others). Each file is listed once, however many links lead to it.

    Only regular files are returned: a FIFO or device (even behind a symlink, even named
    ``*.txt``) is reported and never opened, since reading it could block forever. Every
    problem is ``(path, reason)`` with a bilingual one-line reason: missing paths, dangling
    links, link loops, unreadable folders, names that are not UTF-8 (their path is then the
    escaped :func:`display_path` form, safe to print), folders without any notice file.
    Nothing here raises for a bad path.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen: set[tuple[int, int]] = set()
    for given in paths:
        path = Path(given)
        st, why = _stat_reason(path)
        if st is None:
            problems.append((Path(display_path(path)), why or _REASON_MISSING))
            continue
        if stat.S_ISDIR(st.st_mode):
            before = len(problems)
            candidates = _scan_folder(path, st, problems)
            if not candidates and len(problems) == before:
                problems.append((path, _REASON_EMPTY_FOLDER))
        elif stat.S_ISREG(st.st_mode):
            bad = _bad_name_reason(str(path), folder=False)
            if bad is not None:
                problems.append((Path(display_path(path)), bad))
                continue
            candidates = [(path, st)]
        else:
            problems.append((path, _REASON_NOT_REGULAR))
            continue
        for candidate, cst in candidates:
            key = (cst.st_dev, cst.st_ino)
            if key not in seen:
                seen.add(key)
                files.append(candidate)
    return files, problems


def iter_notice_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the notice files named by ``paths``, each once (see :func:`scan_paths`).

    Kept for callers that want only the files. A path that cannot be used at all (missing,
    a FIFO, a link loop…) raises :class:`NoticeReadError`, as before; problems found inside
    folders (FIFOs, loops, unreadable subfolders) are skipped here — call :func:`scan_paths`
    to report them.
    """
    seen: set[Path] = set()
    for given in paths:
        files, problems = scan_paths([given])
        top = {Path(given), Path(display_path(given))}
        for path, reason in problems:
            # A folder's own problems (unreadable, empty) never raised here: only paths that
            # are no folder at all did.
            if path in top and not os.path.isdir(path):
                raise NoticeReadError(path, reason)
        for candidate in files:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _format_of(path: Path) -> SourceFormat:
    fmt = SUPPORTED_EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        allowed = " ".join(SUPPORTED_EXTENSIONS)
        raise NoticeReadError(
            path,
            f"unsupported extension {path.suffix or '(none)'!r}, expected one of "
            f"{allowed} / 不支持的文件类型",
        )
    return fmt


# --------------------------------------------------------------------------- decoding


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _canonical_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def _declared_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:4096])
    if match is None:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "replace")
    return _canonical_name(name)


def _frequent_hanzi_share(text: str) -> float:
    """Share of CJK ideographs that are everyday characters in GB2312 or Big5 level 1.

    A wrong multi-byte decoding (Big5 read as GB18030 or the reverse) yields mostly rare
    characters, a right one mostly frequent ones, in simplified or traditional script.
    """
    hanzi = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return 1.0
    frequent = 0
    for char in hanzi:
        try:
            if 0xB0 <= char.encode("gb2312")[0] <= 0xD7:
                frequent += 1
                continue
        except UnicodeEncodeError:
            pass
        try:
            if 0xA440 <= int.from_bytes(char.encode("big5"), "big") <= 0xC67E:
                frequent += 1
        except UnicodeEncodeError:
            pass
    return frequent / len(hanzi)


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a BOM: NULs sit mostly on one side of the code units.

    ASCII digits and punctuation put a NUL in their high byte; a few frequent hanzi (一 U+4E00,
    开 U+5F00) put one in the low byte, hence a ratio rather than "all on one side".
    """
    if len(raw) % 2:
        return None
    even_nuls = raw[0::2].count(0)
    odd_nuls = raw[1::2].count(0)
    half = len(raw) // 2
    for nuls, other, encoding in (
        (odd_nuls, even_nuls, "utf-16-le"),
        (even_nuls, odd_nuls, "utf-16-be"),
    ):
        if nuls >= 0.05 * half and nuls >= 4 * other:
            text = _strict(raw, encoding)
            if text is not None and not _CONTROL.search(text):
                return text, encoding
    return None


def _cut_warning(dropped: int, encoding: str) -> str:
    return (
        f"last character cut off: {dropped} incomplete {encoding} byte(s) at the end dropped"
        f" / 文件末尾的字符不完整,已舍弃末尾 {dropped} 个字节"
    )


def _utf8_cut_short(raw: bytes) -> tuple[str, int] | None:
    """UTF-8 bytes whose only fault is a last character cut short: (text, bytes dropped).

    Downloads and copies cut at a byte count often split the final character; refusing the
    whole notice for it would lose everything else. Not applied when everything before the
    cut is ASCII and the bytes read cleanly as GB18030: then it is a GBK file, not a cut one.
    """
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason != "unexpected end of data" or len(raw) - exc.start > 3:
            return None
        head = raw[: exc.start]
        if head.isascii() and _strict(raw, "gb18030") is not None:
            return None
        text = _strict(head, "utf-8")
        return None if text is None else (text, len(raw) - exc.start)
    return None


def decode_bytes(raw: bytes, *, is_html: bool = False) -> tuple[str, str]:
    """Decode a notice's bytes; return ``(text, encoding name)``.

    Order: BOM; for HTML a declared ``<meta charset>`` that decodes cleanly; strict UTF-8
    (a last character cut short is dropped, see :func:`decode_bytes_with_warnings`);
    GB18030 (or Big5 when that reads as far more plausible Chinese); charset-normalizer.
    Raises ``ValueError`` with a bilingual reason when the bytes are not text.
    """
    text, encoding, _ = decode_bytes_with_warnings(raw, is_html=is_html)
    return text, encoding


def decode_bytes_with_warnings(
    raw: bytes, *, is_html: bool = False
) -> tuple[str, str, tuple[str, ...]]:
    """:func:`decode_bytes`, plus the bilingual warnings of what was repaired on the way."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom) :]
            name = encoding.removesuffix("-sig")
            text = _strict(body, name)
            if text is not None:
                return text, encoding, ()
            if name == "utf-8" and (cut := _utf8_cut_short(body)) is not None:
                return cut[0], encoding, (_cut_warning(cut[1], "UTF-8"),)
            raise ValueError(
                f"could not decode as {encoding} despite its byte-order mark / 按字节序标记解码失败"
            )
    for signature, kind in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            raise ValueError(
                f"not a text file ({kind}); convert it to text or HTML first"
                " / 不是文本文件,请先转换为文本"
            )
    if b"\x00" in raw:
        utf16 = _utf16_without_bom(raw)
        if utf16 is None:
            raise ValueError("not a text file (binary data) / 不是文本文件(二进制数据)")
        return (*utf16, ())
    if is_html:
        declared = _declared_charset(raw)
        if declared:
            text = _strict(raw, declared)
            if text is None and declared in _GB_FAMILY:
                text, declared = _strict(raw, "gb18030"), "gb18030"
            if text is not None:
                return text, declared, ()
    text = _strict(raw, "utf-8")
    if text is not None:
        return text, "utf-8", ()
    cut = _utf8_cut_short(raw)
    if cut is not None:
        return cut[0], "utf-8", (_cut_warning(cut[1], "UTF-8"),)
    options = [(t, name) for name in ("gb18030", "big5") if (t := _strict(raw, name)) is not None]
    if options:
        text, name = max(options, key=lambda o: _frequent_hanzi_share(o[0]))  # ties: gb18030
        if name == "gb18030" and _strict(raw, "gbk") == text:
            name = "gbk"  # report the narrower encoding the file really uses
        return text, name, ()
    from charset_normalizer import from_bytes  # imported late: only odd files get here

    guess = from_bytes(raw).best()
    if guess is None:
        raise ValueError(
            "could not decode: not UTF-8, GB18030 or a known encoding / 无法识别文件编码"
        )
    return str(guess), _canonical_name(guess.encoding), ()


# --------------------------------------------------------------------------- markdown


# Every rule is linear in the line length: no repeated group can match the same characters two
# ways, and the spans a rule scans (link text, bold, code) stop at the next delimiter instead
# of running to the end of the line from every opener (100,000 ``[`` took 48 s before).
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),  # horizontal rule
    (
        re.compile(
            r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*(?:\n|\Z)",
            re.MULTILINE,
        ),
        "",
    ),  # table separator row
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE), r"\1"),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),  # blockquote
    (re.compile(r"^[ \t]*[-*+][ \t]+", re.MULTILINE), ""),  # bullet (numbering is content)
    (re.compile(r"!\[([^\[\]]*)\]\([^()]*\)"), r"\1"),  # image
    (re.compile(r"\[([^\[\]]+)\]\([^()]*\)"), r"\1"),  # link (innermost brackets)
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])"), r"\1"),  # italic
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.MULTILINE), r"\1"),  # table row borders
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),  # backslash escapes
)
_MD_CELL_SEPARATOR = re.compile(r"[ \t]*\|[ \t]*")


def _drop_html_comments(text: str) -> str:
    """Remove ``<!-- … -->`` comments; an unclosed one is kept as text.

    A scan with ``str.find`` rather than a lazy ``<!--.*?-->`` regex, which re-scanned the rest
    of the text from every unclosed ``<!--`` (quadratic).
    """
    pieces: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pieces.append(text[pos:start])
        pos = end + 3
    pieces.append(text[pos:])
    return "".join(pieces)


def _markdown_to_text(text: str) -> str:
    """Drop Markdown syntax (headings, emphasis, links, table borders) and keep the words.

    Table rows become ``a | b | c`` lines like HTML tables do. Numbered items (``1.``) are
    kept: they are the notice's own numbering.
    """
    text = _drop_html_comments(text)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return "\n".join(
        _MD_CELL_SEPARATOR.sub(" | ", line) if "|" in line else line for line in text.split("\n")
    )


# --------------------------------------------------------------------------- titles


_SENTENCE_END = tuple("。;;,,::!!??")
_LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.]|[((][一二三四五六七八九十百\d]+[))]|\d+[.、.]|"
    r"[①-⑳]|[一二三四五六七八九十]+是)"
)
_METADATA_LINE = re.compile(r"^(?:发布时间|发布日期|发文日期|来源|作者|日期|时间|信息来源)\s*[::]")
_TITLE_MIN, _TITLE_MAX = 6, 100
_LEADING_TAG = re.compile(r"^【[^】]{1,30}】")


def title_from_text(text: str) -> str | None:
    """The first title-like line above the first sentence, or ``None``.

    Title-like: 6–100 characters, not ending in sentence punctuation, not a list item or a
    ``发布时间:``/``来源:`` metadata line. A leading ``【…】`` tag (``【虚构示例…】``) is set
    aside: the rest of its line is the title if title-like, else the line is skipped. Only
    lines before the first sentence (a line ending in punctuation or longer than 100
    characters) are looked at, so a heading such as ``一、整改工作基本情况`` further down
    is never taken for the title.
    """
    for line in text.split("\n"):
        line = line.strip()
        tag = _LEADING_TAG.match(line)
        if tag:  # an editor's note or tag: its rest may be the title, else skip the line
            rest = line[tag.end() :].strip()
            if _is_title_like(rest):
                return rest
            continue
        if not line:
            continue
        if len(line) > _TITLE_MAX or line.endswith(_SENTENCE_END):
            return None
        if _is_title_like(line):
            return line
    return None


def _is_title_like(line: str) -> bool:
    return (
        _TITLE_MIN <= len(line) <= _TITLE_MAX
        and not line.endswith(_SENTENCE_END)
        and not _LIST_MARKER.match(line)
        and not _METADATA_LINE.match(line)
    )


# --------------------------------------------------------------------------- loading


def _read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing anything that could block or exhaust memory.

    ``os.stat`` first so that a FIFO or device is never opened; then the file is opened with
    ``O_NONBLOCK`` (it may have been swapped for a FIFO in between) and checked again with
    ``fstat`` on that very descriptor before reading at most ``MAX_FILE_BYTES + 1`` bytes
    (a file growing while read is still caught).
    """
    st, why = _stat_reason(path)
    if st is None:
        if why == _REASON_MISSING:
            why = "no such file / 文件不存在"
        raise NoticeReadError(path, why or "no such file / 文件不存在")
    if stat.S_ISDIR(st.st_mode):
        raise NoticeReadError(path, "is a folder, not a file / 这是文件夹,不是文件")
    if not stat.S_ISREG(st.st_mode):
        raise NoticeReadError(path, _REASON_NOT_REGULAR)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise NoticeReadError(path, f"cannot open ({exc.strerror or exc}) / 无法打开文件") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NoticeReadError(path, _REASON_NOT_REGULAR)
        if st.st_size > limit:
            raise NoticeReadError(path, _too_large(st.st_size, limit))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise NoticeReadError(path, _too_large(total, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise NoticeReadError(path, f"cannot read ({exc.strerror or exc}) / 无法读取文件") from exc
    finally:
        os.close(fd)


def _too_large(size: int, limit: int = MAX_FILE_BYTES) -> str:
    mib = 1024 * 1024
    return f"file too large ({size / mib:.1f} MB > {limit // mib} MB) / 文件过大"


def read_archive_bytes(path: str | Path) -> bytes:
    """The bytes of an archive of notices (``.zip``), with the same guards as a notice file.

    An archive may hold many notices, so its cap is the archive reader's total
    (``extract.archive.MAX_TOTAL_BYTES``) rather than one notice's.
    """
    from extract.archive import MAX_TOTAL_BYTES

    return _read_bytes(Path(path), MAX_TOTAL_BYTES)


def decode_file(path: str | Path) -> tuple[str, str]:
    """Decoded text of a notice file, untouched otherwise, and the encoding detected.

    For ``xuncha extract --raw``: no HTML extraction, normalisation or noise stripping.
    """
    path = Path(path)
    raw = _read_bytes(path)
    try:
        return decode_bytes(
            raw, is_html=path.suffix.lower() in {".html", ".htm"} or _looks_like_html(raw)
        )
    except ValueError as exc:
        raise NoticeReadError(path, str(exc)) from exc


def load_notice(path: str | Path, data: bytes | None = None) -> LoadedNotice:
    """Read one notice file into canonical text.

    decode → (HTML or Markdown to text) → ``normalize_text`` → ``strip_noise`` (whose
    output is canonical again). A ``.txt`` file that is really an HTML page is read as
    HTML; PDF and Word files go through their document readers (``extract.pdf_text``,
    ``extract.docx_text``) and then the same cleaning. ``data`` gives the bytes of a file
    that is not on disk (a member of a ``.zip``; ``path`` is then its display name).
    Raises :class:`NoticeReadError` for anything that is not a readable notice.
    """
    path = Path(path)
    fmt = _format_of(path)
    if data is None:
        raw = _read_bytes(path)
    elif len(data) > MAX_FILE_BYTES:
        raise NoticeReadError(path, _too_large(len(data)))
    else:
        raw = data
    if not raw.strip():
        raise NoticeReadError(path, "empty file / 文件为空")
    if fmt == "txt" and raw.startswith(b"%PDF-"):
        fmt = "pdf"  # an attachment saved under the wrong name
    if fmt in _DOCUMENT_FORMATS:
        return _load_document(path, raw, fmt)
    try:
        decoded, encoding, warnings = decode_bytes_with_warnings(
            raw, is_html=fmt == "html" or _looks_like_html(raw)
        )
    except ValueError as exc:
        raise NoticeReadError(path, str(exc)) from exc
    if len(_CONTROL.findall(decoded)) > _MAX_CONTROL_SHARE * len(decoded):
        raise NoticeReadError(path, "not a text file (binary data) / 不是文本文件(二进制数据)")
    if fmt != "html" and _HTML_START.match(decoded[:2048]):
        fmt = "html"
    title: str | None = None
    if fmt == "html":
        from extract.web_article import article_from_html  # late: trafilatura is slow to import

        article = article_from_html(decoded)  # never raises (the built-in reader is its fallback)
        decoded, title = article.text, article.title
        warnings = (*warnings, *article.warnings)
    elif fmt == "md":
        decoded = _markdown_to_text(decoded)
    text = strip_noise(decoded)  # strip_noise normalises first: no second pass here
    if not text:
        raise NoticeReadError(path, "empty after cleaning (no notice text left) / 清理后没有正文")
    if title is not None:
        title = normalize_text(title).replace("\n", " ") or None
    return LoadedNotice(
        path=path,
        text=text,
        encoding=encoding,
        source_format=fmt,
        title_hint=title or title_from_text(text),
        file_sha256=hashlib.sha256(raw).hexdigest(),
        warnings=warnings,
    )


def _load_document(path: Path, raw: bytes, fmt: str) -> LoadedNotice:
    """A PDF or Word file through its reader, then the cleaning every notice gets."""
    ocr_pages: tuple[int, ...] = ()
    source_format: SourceFormat = "pdf"
    if fmt == "pdf":
        from extract.pdf_text import pdf_to_text

        pdf = pdf_to_text(raw, path)
        body, title, warnings, ocr_pages = pdf.text, pdf.title, pdf.warnings, pdf.ocr_pages
    else:
        from extract.docx_text import read_word

        word = read_word(path, raw)
        body, title, warnings = word.text, word.title, word.warnings
        source_format = word.source_format
    text = strip_noise(body)
    if not text:
        raise NoticeReadError(path, "empty after cleaning (no notice text left) / 清理后没有正文")
    # The text's own title first: a document's metadata title is often "Microsoft Word - x".
    meta_title = normalize_text(title).replace("\n", " ") if title else ""
    return LoadedNotice(
        path=path,
        text=text,
        encoding=source_format,
        source_format=source_format,
        title_hint=title_from_text(text) or meta_title or None,
        file_sha256=hashlib.sha256(raw).hexdigest(),
        warnings=tuple(warnings),
        ocr_pages=tuple(ocr_pages),
    )


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--"))
