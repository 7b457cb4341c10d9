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
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from extract.html_text import html_to_text
from extract.noise import strip_noise
from extract.normalize import normalize_text

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "LoadedNotice",
    "NoticeReadError",
    "decode_bytes",
    "decode_file",
    "iter_notice_files",
    "load_notice",
    "title_from_text",
]

SourceFormat = Literal["txt", "md", "html"]
SUPPORTED_EXTENSIONS: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
}
# Documentation that sits next to notices in a folder (data/README.md) is not a notice.
_NOT_NOTICES = frozenset({"readme", "changelog", "license", "licence"})
# A notice is a few dozen KB; anything this big is not one (and would stall the pipeline).
MAX_FILE_BYTES = 20 * 1024 * 1024

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
        super().__init__(f"cannot read notice {self.path}: {reason}")


@dataclass(frozen=True)
class LoadedNotice:
    """A notice file turned into canonical text, with where it came from."""

    path: Path
    text: str
    encoding: str
    source_format: SourceFormat
    title_hint: str | None
    file_sha256: str


# --------------------------------------------------------------------------- files


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def iter_notice_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the notice files named by ``paths`` (files or folders), each once.

    Folders are searched recursively for ``.txt .md .html .htm`` files (any letter case),
    skipping hidden files and folders (names starting with ``.``) and folder documentation
    (``README.md``, ``CHANGELOG.txt``…, see ``_NOT_NOTICES``); each folder's files come
    sorted by path (folder by folder, like a file manager). A file named explicitly is
    yielded as is (``load_notice`` then rejects an unsupported extension); a path that does
    not exist raises :class:`NoticeReadError`.
    """
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for name in filenames:
                    candidate = Path(dirpath) / name
                    if (
                        candidate.suffix.lower() in SUPPORTED_EXTENSIONS
                        and candidate.stem.lower() not in _NOT_NOTICES
                        and not _is_hidden(candidate, path)
                    ):
                        found.append(candidate)
            candidates = sorted(found, key=lambda p: p.relative_to(path).parts)
        elif path.is_file():
            # Named explicitly: yielded whatever its extension, so that load_notice reports
            # an unsupported one for this file while a batch goes on with the others.
            candidates = [path]
        else:
            raise NoticeReadError(path, "no such file or folder / 文件或文件夹不存在")
        for candidate in candidates:
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


def decode_bytes(raw: bytes, *, is_html: bool = False) -> tuple[str, str]:
    """Decode a notice's bytes; return ``(text, encoding name)``.

    Order: BOM; for HTML a declared ``<meta charset>`` that decodes cleanly; strict UTF-8;
    GB18030 (or Big5 when that reads as far more plausible Chinese); charset-normalizer.
    Raises ``ValueError`` with a bilingual reason when the bytes are not text.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw[len(bom) :], encoding.removesuffix("-sig"))
            if text is None:
                raise ValueError(
                    f"could not decode as {encoding} despite its byte-order mark"
                    " / 按字节序标记解码失败"
                )
            return text, encoding
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
        return utf16
    if is_html:
        declared = _declared_charset(raw)
        if declared:
            text = _strict(raw, declared)
            if text is None and declared in _GB_FAMILY:
                text, declared = _strict(raw, "gb18030"), "gb18030"
            if text is not None:
                return text, declared
    text = _strict(raw, "utf-8")
    if text is not None:
        return text, "utf-8"
    options = [(t, name) for name in ("gb18030", "big5") if (t := _strict(raw, name)) is not None]
    if options:
        text, name = max(options, key=lambda o: _frequent_hanzi_share(o[0]))  # ties: gb18030
        if name == "gb18030" and _strict(raw, "gbk") == text:
            name = "gbk"  # report the narrower encoding the file really uses
        return text, name
    from charset_normalizer import from_bytes  # imported late: only odd files get here

    guess = from_bytes(raw).best()
    if guess is None:
        raise ValueError(
            "could not decode: not UTF-8, GB18030 or a known encoding / 无法识别文件编码"
        )
    return str(guess), _canonical_name(guess.encoding)


# --------------------------------------------------------------------------- markdown


_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
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
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # image
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # link
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])"), r"\1"),  # italic
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.MULTILINE), r"\1"),  # table row borders
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),  # backslash escapes
)
_MD_CELL_SEPARATOR = re.compile(r"[ \t]*\|[ \t]*")


def _markdown_to_text(text: str) -> str:
    """Drop Markdown syntax (headings, emphasis, links, table borders) and keep the words.

    Table rows become ``a | b | c`` lines like HTML tables do. Numbered items (``1.``) are
    kept: they are the notice's own numbering.
    """
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


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise NoticeReadError(path, "no such file / 文件不存在")
    if path.is_dir():
        raise NoticeReadError(path, "is a folder, not a file / 这是文件夹,不是文件")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise NoticeReadError(
                path,
                f"file too large ({size // 1024 // 1024} MB > "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB) / 文件过大",
            )
        return path.read_bytes()
    except OSError as exc:
        raise NoticeReadError(path, f"cannot open ({exc.strerror or exc}) / 无法打开文件") from exc


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


def load_notice(path: str | Path) -> LoadedNotice:
    """Read one notice file into canonical text.

    decode → (HTML or Markdown to text) → ``normalize_text`` → ``strip_noise`` (whose
    output is canonical again). A ``.txt`` file that is really an HTML page is read as
    HTML. Raises :class:`NoticeReadError` for anything that is not a readable notice.
    """
    path = Path(path)
    fmt = _format_of(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise NoticeReadError(path, "empty file / 文件为空")
    try:
        decoded, encoding = decode_bytes(raw, is_html=fmt == "html" or _looks_like_html(raw))
    except ValueError as exc:
        raise NoticeReadError(path, str(exc)) from exc
    if len(_CONTROL.findall(decoded)) > _MAX_CONTROL_SHARE * len(decoded):
        raise NoticeReadError(path, "not a text file (binary data) / 不是文本文件(二进制数据)")
    if fmt != "html" and _HTML_START.match(decoded[:2048]):
        fmt = "html"
    title: str | None = None
    if fmt == "html":
        try:
            article = html_to_text(decoded)
        except RecursionError as exc:
            raise NoticeReadError(
                path, "HTML nested too deeply to read / 网页嵌套层级过深"
            ) from exc
        decoded, title = article.text, article.title
    elif fmt == "md":
        decoded = _markdown_to_text(decoded)
    text = strip_noise(normalize_text(decoded))
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
    )


def _looks_like_html(raw: bytes) -> bool:
    head = raw[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--"))
