"""Fetching notices from the web (extract/fetch.py) against a local HTTP server.

The server runs on 127.0.0.1 in a thread for the whole module (CI has no other network):
a gb2312-declared notice page holding a GB18030-only character (镕) and attachment links, a
page whose charset is only in the HTTP header, redirects, a 404, slow and trickling
endpoints, oversize bodies, attachments served as PDF/Word/octet-stream, and an image.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from extract import fetch as fetch_mod
from extract.fetch import NoticeFetchError, attachment_links, decode_html, fetch_notice
from extract.reading import NoticeReadError, load_notice

# 虚构示例 notice; 镕 is in GBK/GB18030 but not in GB2312, the charset the page declares.
NOTICE_TEXT = (
    "【虚构示例】中共某县林业局党组关于县委第二巡察组反馈意见整改进展情况的通报\n"
    "根据县委统一部署,县委第二巡察组对局党组开展了常规巡察,组长朱镕同志。\n"
    "一、整改工作总体情况\n"
    "开展集中学习17次,投入资金2000万元,整治土地1000亩,完成率95.2%。\n"
    "二、具体问题整改情况\n"
    "(一)关于学习贯彻不深入的问题\n"
    "1.理论学习不够深入。整改情况:已完成。\n"
)
DOCX_BYTES = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml word/document.xml" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _page(charset_meta: str | None, links: str = "") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
    paragraphs = "".join(f"<p>{line}</p>" for line in NOTICE_TEXT.splitlines())
    return (
        f"<!DOCTYPE html><html><head>{meta if charset_meta else ''}"
        "<title>整改进展情况的通报_某县人民政府(虚构)</title></head><body>"
        f'<div class="nav"><a href="/">首页</a></div><div class="article">{paragraphs}'
        f"{links}</div></body></html>"
    )


ATTACHMENT_LINKS = (
    '<p><a href="/files/%E9%99%84%E4%BB%B61.docx">附件1:整改任务清单.docx</a></p>'
    '<p><a href="files/report.pdf" title="整改通报全文">下载全文.pdf</a></p>'
    '<p><a href="/download?id=7">附件3:整改台账.pdf</a></p>'
    '<p><a href="/files/form.doc">申请表下载.doc</a></p>'  # no notice word: not followed
    '<p><a href="/files/missing-附件4.pdf">附件4.pdf</a></p>'  # 404: a warning, not a failure
    '<p><a href="/files/%E9%99%84%E4%BB%B61.docx#top">附件1(重复)</a></p>'  # same URL once
)

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


def _send(
    handler: http.server.BaseHTTPRequestHandler,
    body: bytes,
    content_type: str,
    *,
    status: int = 200,
    length: bool = True,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(target: str, status: int = 302) -> Route:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Location", target)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def _slow(h: http.server.BaseHTTPRequestHandler) -> None:
    time.sleep(1.5)  # longer than the tests' timeout of 0.5 s
    _send(h, b"<html><body>late</body></html>", "text/html")


def _trickle(h: http.server.BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(20):  # one byte every 0.1 s: each read is quick, the whole is 2 s
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.1)


def _chained(n: int) -> Route:
    return _redirect(f"/chain/{n + 1}")


ROUTES: dict[str, Route] = {
    "/notice.html": lambda h: _send(
        h, _page("gb2312", ATTACHMENT_LINKS).encode("gb18030"), "text/html"
    ),
    "/header-charset.html": lambda h: _send(
        h, _page(None).encode("gb18030"), "text/html; charset=GB2312"
    ),
    "/plain.html": lambda h: _send(h, _page("utf-8").encode("utf-8"), "text/html; charset=utf-8"),
    "/redirect": _redirect("/plain.html"),
    "/to-file": _redirect("file:///etc/passwd"),
    "/missing": lambda h: _send(h, b"not here", "text/plain", status=404),
    "/error": lambda h: _send(h, b"oops", "text/plain", status=500),
    "/slow": _slow,
    "/trickle": _trickle,
    "/big": lambda h: _send(h, b"<html>" + b"x" * 5000, "text/html"),
    "/big-unsized": lambda h: _send(h, b"<html>" + b"x" * 5000, "text/html", length=False),
    "/image.png": lambda h: _send(h, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
    "/files/附件1.docx": lambda h: _send(
        h,
        DOCX_BYTES,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "/files/report.pdf": lambda h: _send(h, PDF_BYTES, "application/pdf"),
    "/download": lambda h: _send(h, PDF_BYTES + b"%3", "application/octet-stream"),
    "/files/form.doc": lambda h: _send(h, b"\xd0\xcf\x11\xe0form", "application/msword"),
    "/report.pdf": lambda h: _send(h, PDF_BYTES, "application/pdf"),
    **{f"/chain/{n}": _chained(n) for n in range(20)},
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        from urllib.parse import unquote, urlsplit

        route = ROUTES.get(unquote(urlsplit(self.path).path))
        if route is None:
            _send(self, b"no such page", "text/plain", status=404)
        else:
            # The client may give up (time-out, size cap): expected, not an error.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output clean


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's proxy settings must not send the local requests elsewhere."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the notice page


def test_notice_page_archived_with_attachments(server: str, tmp_path: Path) -> None:
    """The gb2312 page: bytes archived as sent, sidecar written, attachments followed."""
    got = fetch_notice(f"{server}/notice.html", archive_dir=tmp_path, timeout=5)
    raw = got.path.read_bytes()
    assert got.sha256 == hashlib.sha256(raw).hexdigest()
    assert got.path.name == f"{got.sha256[:16]}.html"
    assert got.content_type == "text/html" and got.charset is None
    sidecar = json.loads(got.path.with_name(got.path.name + ".json").read_text(encoding="utf-8"))
    assert sidecar["url"] == f"{server}/notice.html"
    assert sidecar["sha256"] == got.sha256 and sidecar["bytes"] == len(raw)
    assert sidecar["fetched_at"].endswith("+00:00") and len(sidecar["fetches"]) == 1
    assert sidecar["content_type"] == "text/html" and sidecar["final_url"] == sidecar["url"]
    # Attachments: in page order, each once; the form is no notice; the 404 is a warning.
    names = [a.url.rsplit("/", 1)[-1] for a in got.attachments]
    assert names == ["%E9%99%84%E4%BB%B61.docx", "report.pdf", "download?id=7"]
    assert [a.path.suffix for a in got.attachments] == [".docx", ".pdf", ".pdf"]
    for attachment in got.attachments:
        assert attachment.path.read_bytes() in (DOCX_BYTES, PDF_BYTES, PDF_BYTES + b"%3")
        side = json.loads(attachment.path.with_name(attachment.path.name + ".json").read_text())
        assert side["attachment_of"] == f"{server}/notice.html"
    assert len(got.warnings) == 1 and "missing-" in got.warnings[0] and "404" in got.warnings[0]
    page_side = json.loads(got.path.with_name(got.path.name + ".json").read_text())
    assert page_side["attachments"] == [a.path.name for a in got.attachments]
    # What the lead's ingest will do with it: the reader decodes gb2312 as GB18030.
    notice = load_notice(got.path)
    assert "朱镕" in notice.text and notice.encoding == "gb18030"


def test_refetch_keeps_history(server: str, tmp_path: Path) -> None:
    """Same bytes fetched twice: one file, the sidecar lists both fetches."""
    first = fetch_notice(f"{server}/plain.html", archive_dir=tmp_path, timeout=5)
    second = fetch_notice(f"{server}/redirect", archive_dir=tmp_path, timeout=5)
    assert first.path == second.path
    assert second.final_url == f"{server}/plain.html" and second.url == f"{server}/redirect"
    sidecar = json.loads(first.path.with_name(first.path.name + ".json").read_text())
    assert [f["url"] for f in sidecar["fetches"]] == [f"{server}/plain.html", f"{server}/redirect"]
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".html", ".json"]


def test_header_charset_wins(server: str, tmp_path: Path) -> None:
    """charset only in the HTTP header (gb2312): recorded; decode_html reads it as GB18030."""
    got = fetch_notice(f"{server}/header-charset.html", archive_dir=tmp_path, timeout=5)
    assert got.charset == "gb2312"
    assert "朱镕" in decode_html(got.path.read_bytes(), got.charset)


def test_pdf_url_is_archived_directly(server: str, tmp_path: Path) -> None:
    got = fetch_notice(f"{server}/report.pdf", archive_dir=tmp_path, timeout=5)
    assert got.path.suffix == ".pdf" and got.attachments == () and got.warnings == ()


# --------------------------------------------------------------------------- errors

ERROR_ROWS = [
    # (case, path or URL, kwargs, expected words in the reason, why)
    ("404", "/missing", {}, "HTTP 404", "page not found"),
    ("500", "/error", {}, "HTTP 500", "server error"),
    ("slow", "/slow", {"timeout": 0.5}, "timed out", "no answer within the timeout"),
    ("trickle", "/trickle", {"timeout": 0.5}, "timed out", "overall deadline, not per read"),
    ("too large", "/big", {"max_bytes": 1000}, "larger than", "Content-Length over the cap"),
    ("too large, unsized", "/big-unsized", {"max_bytes": 1000}, "larger than", "counted"),
    ("image", "/image.png", {}, "not a web page, PDF or Word", "image/png is no notice"),
    ("redirect loop", "/chain/0", {}, "redirects", "more than 5 redirects"),
    ("redirect to file", "/to-file", {}, "non-web address", "file:// via Location refused"),
    ("refused", f"http://127.0.0.1:{_closed_port()}/x", {}, "refused", "nothing listening"),
    ("file scheme", "file:///etc/passwd", {}, "only http:// and https://", "local files"),
    ("ftp scheme", "ftp://example.org/a.pdf", {}, "only http:// and https://", "ftp"),
    ("relative", "notice.html", {}, "only http:// and https://", "no scheme at all"),
    ("no host", "http:///x.html", {}, "no host name", "scheme without host"),
    ("bad port", "http://127.0.0.1:99999/x", {}, "invalid port", "port out of range"),
    ("bad IDNA host", f"http://{'a' * 70}例.cn/", {}, "invalid host name", "label over 63"),
    ("empty", "", {}, "empty address", "nothing given"),
    ("newline", "http://127.0.0.1/a\nb", {}, "control characters", "header injection"),
]


@pytest.mark.parametrize(("case", "target", "kwargs", "words", "why"), ERROR_ROWS)
def test_errors_are_one_line(
    server: str, tmp_path: Path, case: str, target: str, kwargs: dict, words: str, why: str
) -> None:
    url = f"{server}{target}" if target.startswith("/") else target
    options = {"timeout": 5, **kwargs}
    start = time.monotonic()
    with pytest.raises(NoticeFetchError) as info:
        fetch_notice(url, archive_dir=tmp_path / "raw", **options)
    message = str(info.value)
    assert words in message, why
    assert "\n" not in message and " / " in message  # one bilingual line
    assert message.startswith("cannot fetch notice ")
    assert isinstance(info.value, NoticeReadError)  # the CLI's existing handler prints it
    assert time.monotonic() - start < 4, "a time-out must not wait for the server"
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").iterdir())


def test_dns_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A host that does not resolve (getaddrinfo faked: no DNS query leaves the machine)."""

    def no_such_host(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    with pytest.raises(NoticeFetchError, match="DNS"):
        fetch_notice("https://no-such-host.example/x.html", archive_dir=tmp_path)


def test_archive_folder_not_writable(server: str, tmp_path: Path) -> None:
    blocker = tmp_path / "raw"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(NoticeFetchError, match="cannot archive"):
        fetch_notice(f"{server}/plain.html", archive_dir=blocker, timeout=5)


# --------------------------------------------------------------------------- helpers

LINK_ROWS = [
    # (case, anchor HTML, expected URLs relative to the base, why)
    ("附件 text", '<a href="a.pdf">附件1</a>', ["a.pdf"], "link text names an attachment"),
    ("通报 in name", '<a href="/f/整改通报.docx">下载</a>', ["/f/整改通报.docx"], "file name"),
    ("title attr", '<a href="x.doc" title="巡察整改情况">查看</a>', ["x.doc"], "title"),
    ("upper case", '<a href="X.PDF">附件</a>', ["X.PDF"], "extension in any case"),
    ("script link", '<a href="dl.jsp?id=3">附件:整改台账.pdf</a>', ["dl.jsp?id=3"], "text"),
    ("no words", '<a href="form.doc">申请表</a>', [], "a form is not the notice"),
    ("not a document", '<a href="附件.html">附件</a>', [], "an HTML link is no attachment"),
    ("javascript", "<a href=\"javascript:open('a.pdf')\">附件.pdf</a>", [], "no URL"),
    ("mailto", '<a href="mailto:a@b.c">附件.pdf</a>', [], "no URL"),
    ("ftp", '<a href="ftp://h/附件.pdf">附件</a>', [], "http(s) only"),
]


@pytest.mark.parametrize(("case", "anchor", "expected", "why"), LINK_ROWS)
def test_attachment_links(case: str, anchor: str, expected: list[str], why: str) -> None:
    from urllib.parse import urljoin

    base = "https://www.example.gov.cn/xc/2024/notice.html"
    found = attachment_links(f"<html><body><p>{anchor}</p></body></html>", base)
    assert found == [urljoin(base, e) for e in expected], why


def test_attachment_links_base_href_and_garbage() -> None:
    page = '<html><head><base href="https://files.example.gov.cn/up/"></head><body>'
    page += '<a href="附件1.pdf">附件1</a></body></html>'
    assert attachment_links(page, "https://www.example.gov.cn/a.html") == [
        "https://files.example.gov.cn/up/附件1.pdf"
    ]
    for garbage in ("", "\x00\x00", "<a href=", "<" * 10_000, "\ud800"):
        assert attachment_links(garbage, "https://x.example/") == []


def test_attachment_cap(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More attachment links than MAX_ATTACHMENTS: the first ones, and a warning."""
    monkeypatch.setattr(fetch_mod, "MAX_ATTACHMENTS", 1)
    got = fetch_notice(f"{server}/notice.html", archive_dir=tmp_path, timeout=5)
    assert len(got.attachments) == 1
    assert any("only the first 1" in w for w in got.warnings)


DECODE_ROWS = [
    # (case, bytes, header charset, expected substring, why)
    ("gb2312 header", "朱镕".encode("gb18030"), "gb2312", "朱镕", "GB family read as GB18030"),
    ("gbk meta", '<meta charset="gbk">朱镕'.encode("gb18030"), None, "朱镕", "meta, GB18030"),
    ("gb2312 meta", '<meta charset="gb2312">镕'.encode("gb18030"), None, "镕", "reading.py rule"),
    ("utf-8 header", "镕".encode(), "utf-8", "镕", "header charset"),
    ("wrong header", "镕".encode(), "iso-8859-8-i-bogus", "镕", "unknown charset: detected"),
    ("BOM beats header", b"\xef\xbb\xbf" + "镕".encode(), "gbk", "镕", "BOM first"),
    ("binary", b"\x00\xff\x00\xfe" * 8, None, "", "never raises"),
]


@pytest.mark.parametrize(("case", "raw", "charset", "expected", "why"), DECODE_ROWS)
def test_decode_html(case: str, raw: bytes, charset: str | None, expected: str, why: str) -> None:
    assert expected in decode_html(raw, charset), why
