"""Fetch a published notice from the web and archive exactly what the server sent.

``xuncha ingest https://…`` reads a notice where it is published. What was read must stay
traceable after the site changes or disappears, so the raw bytes are archived before
anything is parsed: ``<archive_dir>/<sha256[:16]>.<ext>`` plus a JSON sidecar
``<sha256[:16]>.<ext>.json`` (URL asked, final URL after redirects, time, SHA-256, the
response's content type and charset, and every fetch of the same bytes). A notice page often
carries the notice itself as a PDF or Word attachment (附件); those links are followed and
archived too, and the caller ingests the page and its attachments.

Only the standard library's urllib: one GET per document, redirects (at most
``MAX_REDIRECTS``, http/https only), a byte cap checked against ``Content-Length`` and while
reading, and an overall deadline (urllib's ``timeout`` is per socket operation; a server
trickling one byte a second would never trip it). Proxies from the environment
(``https_proxy``, ``no_proxy``) are honoured as urllib does.

Errors are :class:`NoticeFetchError`, a :class:`extract.reading.NoticeReadError` (so the CLI
already prints it as one line) naming the URL and the reason in English and Chinese: DNS,
connection refused, HTTP status, time-out, too large, too many redirects, not a web page / PDF
/ Word file, scheme other than http(s). An attachment that fails is a warning on the page,
not a failure: the page itself was read.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from extract import __version__
from extract.reading import MAX_FILE_BYTES, NoticeReadError, decode_bytes

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_REDIRECTS",
    "FetchedNotice",
    "NoticeFetchError",
    "attachment_links",
    "decode_html",
    "fetch_notice",
]

MAX_REDIRECTS = 5
MAX_ATTACHMENTS = 10
DEFAULT_MAX_BYTES = MAX_FILE_BYTES  # the max_file_bytes setting, as for a file on disk
_CHUNK = 64 * 1024
_USER_AGENT = f"xuncha/{__version__} (inspection-notice reader)"

# Content types we ingest, with the extension the archived file gets.
_TYPE_EXT = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
# Servers label attachments loosely (octet-stream, x-download…): the bytes and the link decide.
_GENERIC_TYPES = frozenset(
    {"application/octet-stream", "application/x-download", "application/force-download", ""}
)
_ATTACHMENT_EXT = (".pdf", ".docx", ".doc")
# Words in a link's text or file name that mark it as the notice's attachment, not a form or
# an unrelated download. (Candidates for extract/data/ once the lead owns a data file for it.)
_ATTACHMENT_WORDS = ("附件", "通报", "整改", "巡察", "巡视", "反馈")
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "euc-cn", "x-gbk", "cp936", "csgb2312"})


class NoticeFetchError(NoticeReadError):
    """A notice could not be fetched; ``str(err)`` is one line naming the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        # NoticeReadError's message is built from a path; a URL must be shown as written.
        ValueError.__init__(self, f"cannot fetch notice {url}: {reason}")
        self.url = url
        self.path = Path(_safe_name(url))
        self.reason = reason


@dataclass(frozen=True)
class FetchedNotice:
    """One archived download: the file to ingest and where it came from.

    ``attachments`` are the notice page's PDF/Word attachments, each a ``FetchedNotice`` of
    its own (never nested further); ``warnings`` are bilingual one-liners (an attachment that
    could not be fetched…).
    """

    path: Path
    url: str
    final_url: str
    fetched_at: str  # ISO 8601, UTC
    sha256: str
    content_type: str
    charset: str | None
    attachments: tuple[FetchedNotice, ...] = ()
    warnings: tuple[str, ...] = ()


def _safe_name(url: str) -> str:
    return url.replace("\n", " ").replace("\r", " ")


# --------------------------------------------------------------------------- HTTP


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling with our cap and http/https only (no ftp, no file)."""

    max_redirections = MAX_REDIRECTS
    max_repeats = MAX_REDIRECTS

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> Any:
        """Refuse a redirect to anything but http(s) before urllib looks at it.

        urllib itself refuses ``file:`` but allows ``ftp:``, and says so with an HTTPError
        that cannot be told from a redirect loop; this names the target instead.
        """
        target = headers.get("Location") or headers.get("URI") or ""
        scheme = urlsplit(urljoin(req.full_url, target)).scheme.lower()
        if target and scheme not in ("http", "https"):
            raise NoticeFetchError(
                req.full_url, f"redirected to a non-web address {target!r} / 被重定向到非网页地址"
            )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_LimitedRedirects())


def _check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host, else :class:`NoticeFetchError`."""
    if not isinstance(url, str) or not url.strip():
        raise NoticeFetchError(str(url), "empty address / 地址为空")
    url = url.strip()
    if any(c in url for c in "\r\n\t ") or any(ord(c) < 32 for c in url):
        raise NoticeFetchError(
            _safe_name(url), "address contains spaces or control characters / 地址含空白或控制字符"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise NoticeFetchError(
            url,
            f"only http:// and https:// addresses can be fetched, not {scheme or 'a relative path'}"
            " / 只能读取 http:// 或 https:// 地址",
        )
    if not parts.hostname:
        raise NoticeFetchError(url, "address has no host name / 地址缺少主机名")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise NoticeFetchError(url, "invalid port in address / 地址端口无效") from None
    # Non-ASCII paths (附件名) must be percent-encoded for http.client.
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="=&%:@!$'()*+,;/?-._~")
    host = parts.netloc
    if not host.isascii():  # 例子.政务.cn: the IDNA form, port and user info kept
        try:
            ascii_host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise NoticeFetchError(url, "invalid host name / 主机名无效") from None
        userinfo = host.rpartition("@")[0]
        port = f":{parts.port}" if parts.port is not None else ""
        host = (f"{userinfo}@" if userinfo else "") + ascii_host + port
    return urlunsplit((scheme, host, path, query, ""))


def _reason_of(exc: BaseException) -> str:
    """One bilingual line for a network failure."""
    if isinstance(exc, urllib.error.HTTPError):
        if 300 <= exc.code < 400 and "infinite loop" in str(exc.reason):
            return f"more than {MAX_REDIRECTS} redirects / 重定向次数过多"
        phrase = (exc.reason or "").strip() if isinstance(exc.reason, str) else ""
        zh = "页面不存在" if exc.code in (404, 410) else "服务器拒绝或出错"
        return f"HTTP {exc.code} {phrase}".rstrip() + f" / 服务器返回 {exc.code}({zh})"
    if isinstance(exc, urllib.error.URLError):
        inner = exc.reason
        if isinstance(inner, BaseException):
            return _reason_of(inner)
        return f"cannot connect ({inner}) / 无法连接"
    if isinstance(exc, socket.gaierror):
        return "host name not found (DNS) / 域名无法解析"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out / 连接或读取超时"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused / 连接被拒绝"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server / 连接被服务器重置"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not valid ({exc.verify_message}) / 证书无效"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc}) / 加密连接出错"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"network error ({text[:160]}) / 网络错误"


@dataclass(frozen=True)
class _Download:
    body: bytes
    final_url: str
    content_type: str  # lower-case media type, no parameters
    charset: str | None
    headers: dict[str, str]


def _too_large(max_bytes: int) -> str:
    return f"larger than {max_bytes / 1024 / 1024:.0f} MB / 文件过大"


def _download(url: str, *, timeout: float, max_bytes: int) -> _Download:
    """GET ``url`` within ``timeout`` seconds overall and ``max_bytes``; errors as one line."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url, headers={"User-Agent": _USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
    )
    try:
        response = _opener().open(request, timeout=timeout)
    except NoticeFetchError:
        raise
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        raise NoticeFetchError(url, _reason_of(exc)) from None
    with response:
        headers = response.headers
        length = headers.get("Content-Length")
        if length and length.strip().isdigit() and int(length) > max_bytes:
            raise NoticeFetchError(url, _too_large(max_bytes))
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise NoticeFetchError(url, "timed out / 连接或读取超时")
                _set_socket_timeout(response, remaining)
                # read1: at most one socket read, so the deadline is checked between them.
                chunk = response.read1(min(_CHUNK, max_bytes + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise NoticeFetchError(url, _too_large(max_bytes))
        except NoticeFetchError:
            raise
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise NoticeFetchError(url, _reason_of(exc)) from None
        media = (headers.get_content_type() or "").lower() if headers.get("Content-Type") else ""
        charset = headers.get_content_charset()
        return _Download(
            body=b"".join(chunks),
            final_url=response.geturl(),
            content_type=media,
            charset=charset.lower() if charset else None,
            headers={k.lower(): v for k, v in headers.items()},
        )


def _set_socket_timeout(response: Any, seconds: float) -> None:
    """Shrink the socket timeout to what is left of the overall deadline (best effort)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(seconds, 0.01))


# --------------------------------------------------------------------------- kinds


def _sniff(body: bytes) -> str | None:
    """The extension the bytes themselves say, or ``None``."""
    if body.startswith(b"%PDF"):
        return ".pdf"
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"
    if body.startswith(b"PK\x03\x04"):
        return (
            ".docx" if b"word/" in body[:65536] or b"[Content_Types].xml" in body[:4096] else None
        )
    head = body[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--", b"<body")):
        return ".html"
    return None


def _extension(download: _Download, url: str) -> str:
    """Which kind of document this is (``.html .txt .pdf .doc .docx``), else the error."""
    ext = _TYPE_EXT.get(download.content_type)
    sniffed = _sniff(download.body)
    if ext is None and download.content_type in _GENERIC_TYPES:
        path_ext = os.path.splitext(unquote(urlsplit(download.final_url).path))[1].lower()
        ext = sniffed or (path_ext if path_ext in _ATTACHMENT_EXT else None)
    if ext in (".pdf", ".doc", ".docx") and sniffed is not None and sniffed != ext:
        ext = sniffed  # a .doc that is really a .docx (or a PDF served as Word): trust the bytes
    if ext == ".txt" and sniffed == ".html":
        ext = ".html"
    if ext is None:
        shown = download.content_type or "no content type"
        raise NoticeFetchError(
            url,
            f"not a web page, PDF or Word file ({shown}) / 不是网页、PDF 或 Word 文件",
        )
    return ext


# --------------------------------------------------------------------------- HTML


def decode_html(body: bytes, charset: str | None = None) -> str:
    """A fetched page's text: the HTTP charset first (as browsers do), then the page's own.

    The GB family is always decoded as GB18030, its superset: pages declared gb2312 routinely
    hold GBK/GB18030-only characters (镕, 堃). Without a usable HTTP charset this is
    ``extract.reading.decode_bytes`` (BOM, ``<meta charset>``, UTF-8, GB18030…); bytes that
    are no text at all come back with replacement characters rather than an error, since the
    page was already archived and the reader reports what it cannot use.
    """
    if charset:
        name = "gb18030" if charset.lower() in _GB_FAMILY else charset
        if not body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            try:
                return body.decode(name)
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return decode_bytes(body, is_html=True)[0]
    except ValueError:
        return body.decode("utf-8", "replace")


_BASE_HREF = re.compile(r"<base\s[^>]*href\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)


def attachment_links(page: str, base_url: str) -> list[str]:
    """Absolute http(s) URLs of the page's notice attachments, in page order, each once.

    An attachment is an ``<a href>`` whose path ends in ``.pdf .doc .docx`` (or whose text
    does, for download scripts such as ``download.jsp?id=12``) and whose text, title or file
    name holds one of ``_ATTACHMENT_WORDS`` (附件, 通报, 整改 …) — a notice page also links
    application forms and unrelated downloads, which must not be ingested as notices.
    Parsed with lxml (robust on any markup); a page lxml cannot parse has no attachments.
    """
    try:
        import lxml.html
        from lxml import etree

        root = lxml.html.document_fromstring(page) if page.strip() else None
    except (ValueError, etree.LxmlError, TypeError):
        return []
    if root is None:
        return []
    base = base_url
    match = _BASE_HREF.search(page[:65536])
    if match:
        base = urljoin(base_url, match.group(1))
    found: list[str] = []
    seen: set[str] = set()
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        text = " ".join((anchor.text_content() or "").split())
        title = anchor.get("title") or ""
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            continue
        name = unquote(parts.path.rsplit("/", 1)[-1])
        lowered = (name.lower(), text.lower(), title.lower())
        if not any(s.endswith(_ATTACHMENT_EXT) for s in lowered):
            continue
        if not any(word in s for s in (name, text, title) for word in _ATTACHMENT_WORDS):
            continue
        absolute = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        if absolute not in seen:
            seen.add(absolute)
            found.append(absolute)
    return found


# --------------------------------------------------------------------------- archive


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _archive(
    download: _Download, *, url: str, ext: str, archive_dir: Path, parent: str | None
) -> FetchedNotice:
    """Store the bytes and their sidecar; return the record (the sidecar keeps every fetch)."""
    digest = hashlib.sha256(download.body).hexdigest()
    path = archive_dir / f"{digest[:16]}{ext}"
    sidecar = path.with_name(path.name + ".json")
    fetched_at = _now()
    fetch = {
        "url": url,
        "final_url": download.final_url,
        "fetched_at": fetched_at,
        "content_type": download.content_type,
        "charset": download.charset,
        "attachment_of": parent,
    }
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
        if not (path.is_file() and path.stat().st_size == len(download.body)):
            _write_atomic(path, download.body)
        history: list[dict[str, Any]] = []
        if sidecar.is_file():
            try:
                old = json.loads(sidecar.read_text(encoding="utf-8"))
                if isinstance(old, dict) and isinstance(old.get("fetches"), list):
                    history = [f for f in old["fetches"] if isinstance(f, dict)]
            except (OSError, ValueError):
                history = []  # a damaged sidecar is rewritten; the bytes are what count
        record = {
            **fetch,
            "sha256": digest,
            "bytes": len(download.body),
            "file": path.name,
            "fetches": [*history, fetch],
        }
        _write_atomic(sidecar, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError as exc:
        raise NoticeFetchError(
            url, f"cannot archive into {archive_dir} ({exc.strerror or exc}) / 无法保存下载的文件"
        ) from None
    return FetchedNotice(
        path=path,
        url=url,
        final_url=download.final_url,
        fetched_at=fetched_at,
        sha256=digest,
        content_type=download.content_type,
        charset=download.charset,
    )


def _note_attachments(path: Path, names: list[str]) -> None:
    """Record in the page's sidecar which archived files are its attachments (best effort)."""
    sidecar = path.with_name(path.name + ".json")
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        record["attachments"] = names
        _write_atomic(sidecar, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
    except (OSError, ValueError, TypeError):
        pass  # the files themselves and their own sidecars are archived; this is a cross-link


# --------------------------------------------------------------------------- entry point


def fetch_notice(
    url: str,
    *,
    archive_dir: Path,
    timeout: float = 30,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FetchedNotice:
    """Fetch ``url``, archive it under ``archive_dir``, follow its attachments; see the module.

    Returns the page's :class:`FetchedNotice` with its ``attachments``; the caller ingests
    ``result.path`` and each ``attachment.path``. ``timeout`` bounds each download as a whole,
    ``max_bytes`` each body. Raises :class:`NoticeFetchError` (one line) when the page itself
    cannot be fetched or archived; attachment failures become ``warnings``.
    """
    asked = url
    url = _check_url(url)
    download = _download(url, timeout=timeout, max_bytes=max_bytes)
    ext = _extension(download, asked)
    notice = _archive(download, url=asked, ext=ext, archive_dir=archive_dir, parent=None)
    if ext != ".html":
        return notice
    page = decode_html(download.body, download.charset)
    attachments: list[FetchedNotice] = []
    warnings: list[str] = []
    links = attachment_links(page, download.final_url)
    if len(links) > MAX_ATTACHMENTS:
        warnings.append(
            f"{len(links)} attachments linked, only the first {MAX_ATTACHMENTS} fetched"
            f" / 附件过多,只读取前 {MAX_ATTACHMENTS} 个"
        )
    for link in links[:MAX_ATTACHMENTS]:
        try:
            got = _download(_check_url(link), timeout=timeout, max_bytes=max_bytes)
            kind = _extension(got, link)
            if kind not in _ATTACHMENT_EXT:
                raise NoticeFetchError(
                    link,
                    f"attachment is not a PDF or Word file ({got.content_type})"
                    " / 附件不是 PDF 或 Word 文件",
                )
            attachments.append(
                _archive(got, url=link, ext=kind, archive_dir=archive_dir, parent=asked)
            )
        except NoticeFetchError as exc:
            warnings.append(f"attachment skipped: {exc} / 附件未能读取")
    if attachments:
        _note_attachments(notice.path, [a.path.name for a in attachments])
    return FetchedNotice(
        path=notice.path,
        url=notice.url,
        final_url=notice.final_url,
        fetched_at=notice.fetched_at,
        sha256=notice.sha256,
        content_type=notice.content_type,
        charset=notice.charset,
        attachments=tuple(attachments),
        warnings=tuple(warnings),
    )
