"""The dashboard is safe to deploy by default (issue 11, item 8).

- ``xuncha dashboard`` listens on 127.0.0.1 unless ``--host`` says otherwise, passes the
  viewer toolbar (no Deploy button, no developer menu) and turns ``--read-only`` into
  ``XUNCHA_READ_ONLY=1``: checked on the command line and environment it really starts.
- An address it cannot listen on is one bilingual line, not a Streamlit traceback.
- In read-only mode the Import page is refused even when its URL is typed in (AppTest), and
  absent from the menu (browser).
- A real server, opened in headless Chromium on every page, makes no request to another host:
  the page icon is local, so a closed network sees no failed fetch to a font CDN.
"""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from extract import cli
from tests.dashboard_fixtures import APP, PAGES, build_fixture_db
from tests.test_dashboard_browser import (  # one Chromium set-up for every browser test
    CHROMIUM_ARGS,
    UI_TIMEOUT_MS,
    _free_port,
    _settle,
    chromium,  # noqa: F401  (pytest fixture, used by name)
    dashboard_server,
)

TIMEOUT = 60


# ------------------------------------------------------------------ CLI → Streamlit wiring
class _ExitedProc:
    """Stands in for the Streamlit child: already exited, so cmd_dashboard returns at once."""

    returncode = 0

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def _run_dashboard(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[int, list[str], dict[str, str]]:
    """Run ``xuncha dashboard ARGV`` with Popen captured: (exit code, command, environment)."""
    seen: dict[str, object] = {}

    def popen(cmd: list[str], env: dict[str, str]) -> _ExitedProc:
        seen.update(cmd=cmd, env=env)
        return _ExitedProc()

    monkeypatch.setattr(cli.subprocess, "Popen", popen)
    monkeypatch.delenv("XUNCHA_READ_ONLY", raising=False)
    argv = ["dashboard", "--headless", "--db", str(tmp_path / "x.duckdb"), *argv]
    code = cli.main(argv)
    return code, seen.get("cmd", []), seen.get("env", {})  # type: ignore[return-value]


def _option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


@pytest.mark.parametrize(
    ("argv", "address", "read_only", "warns"),
    [
        pytest.param([], "127.0.0.1", None, False, id="default-listens-on-loopback-only"),
        pytest.param(["--host", "0.0.0.0"], "0.0.0.0", None, True, id="host-exposes-and-warns"),
        pytest.param(["--host", "localhost"], "localhost", None, False, id="host-localhost-quiet"),
        pytest.param(["--read-only"], "127.0.0.1", "1", False, id="read-only-reaches-the-app"),
        pytest.param(
            ["--host", "0.0.0.0", "--read-only"], "0.0.0.0", "1", True, id="exposed-read-only"
        ),
    ],
)
def test_dashboard_options_reach_streamlit(
    argv: list[str],
    address: str,
    read_only: str | None,
    warns: bool,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = _free_port()
    code, cmd, env = _run_dashboard([*argv, "--port", str(port)], monkeypatch, tmp_path)
    assert code == 0
    assert _option(cmd, "--server.address") == address
    assert _option(cmd, "--server.port") == str(port)
    assert _option(cmd, "--client.toolbarMode") == "viewer"  # no Deploy button or dev menu
    assert _option(cmd, "--browser.gatherUsageStats") == "false"  # no telemetry requests
    assert env.get("XUNCHA_READ_ONLY") == read_only
    err = capsys.readouterr().err
    assert ("anyone on the network can open it" in err) is warns, err
    assert ("网络上任何人都能打开" in err) is warns, err


def test_an_inherited_read_only_setting_is_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A service that sets XUNCHA_READ_ONLY=1 stays read-only without the flag."""
    monkeypatch.setenv("XUNCHA_READ_ONLY", "1")
    _, env = cli.dashboard_command(tmp_path / "x.duckdb", 8501)
    assert env["XUNCHA_READ_ONLY"] == "1"


@pytest.mark.parametrize(
    ("host", "urls"),
    [
        pytest.param(
            "127.0.0.1",
            ("http://localhost:8501", "http://127.0.0.1:8501"),
            id="loopback-shown-as-localhost",
        ),
        pytest.param(
            "0.0.0.0",
            ("http://localhost:8501", "http://127.0.0.1:8501"),
            id="every-ipv4-interface-probed-on-loopback",
        ),
        pytest.param(
            "::", ("http://localhost:8501", "http://[::1]:8501"), id="every-ipv6-interface"
        ),
        pytest.param(
            "192.168.1.20",
            ("http://192.168.1.20:8501", "http://192.168.1.20:8501"),
            id="one-lan-address-only-answers-there",
        ),
        pytest.param(
            "fd00::5", ("http://[fd00::5]:8501", "http://[fd00::5]:8501"), id="ipv6-bracketed"
        ),
    ],
)
def test_dashboard_urls(host: str, urls: tuple[str, str]) -> None:
    assert cli._dashboard_urls(host, 8501) == urls


@pytest.mark.parametrize(
    ("argv", "code", "reason"),
    [
        pytest.param(
            ["--host", "no-such-host.invalid"], 2, "unknown address", id="unresolvable-host"
        ),
        pytest.param(
            ["--host", "192.0.2.1"], 1, "not an address of this machine", id="foreign-address"
        ),
        pytest.param(["--port", "BUSY"], 1, "port already in use", id="port-in-use"),
    ],
)
def test_an_address_it_cannot_listen_on_is_one_bilingual_line(
    argv: list[str],
    code: int,
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as busy:  # a port some other server already listens on
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        argv = [str(busy.getsockname()[1]) if a == "BUSY" else a for a in argv]
        if "--port" not in argv:
            argv = [*argv, "--port", str(_free_port())]
        got, cmd, _ = _run_dashboard(argv, monkeypatch, tmp_path)
    assert got == code and not cmd, "Streamlit must not be started"
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert reason in lines[0] and "无法监听" in lines[0], lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--port", "0"], id="port-zero"),
        pytest.param(["--port", "70000"], id="port-too-large"),
        pytest.param(["--port", "web"], id="port-not-a-number"),
        pytest.param(["--host", " "], id="empty-host"),
    ],
)
def test_bad_host_or_port_is_a_usage_error(argv: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["dashboard", "--db", str(tmp_path / "x.duckdb"), *argv])
    assert exc.value.code == 2


def test_help_says_where_it_listens(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["dashboard", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for said in ("127.0.0.1", "--host", "0.0.0.0", "--read-only", "Deploying the dashboard"):
        assert said in out, said


# ------------------------------------------------------------------ read-only mode (AppTest)
@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("deploy") / "fixture.duckdb")


def _open(page: str, db: Path, monkeypatch: pytest.MonkeyPatch, read_only: str) -> AppTest:
    monkeypatch.setenv("XUNCHA_DB", str(db))
    monkeypatch.setenv("XUNCHA_READ_ONLY", read_only)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page != "overview":
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        pytest.param("1", True, id="one-as-the-cli-sets-it"),
        pytest.param("true", True, id="true"),
        pytest.param("YES", True, id="yes-any-case"),
        pytest.param("readonly", True, id="unknown-value-fails-closed"),
        pytest.param("", False, id="empty-is-writable"),
        pytest.param("0", False, id="zero-is-writable"),
        pytest.param("off", False, id="off-is-writable"),
    ],
)
def test_import_page_refused_in_read_only_mode(
    value: str, refused: bool, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reaching the Import page by URL in read-only mode never runs it: no uploader at all."""
    at = _open("import", fixture_db, monkeypatch, value)
    uploaders = at.get("file_uploader")
    if refused:
        assert [t.value for t in at.title] == ["导入已关闭"]
        assert not uploaders, "the upload script must not run"
        message = at.error[0].value
        assert "--read-only" in message and "只读" in message and "read-only" in message
        assert "只读模式" in "\n".join(str(c.value) for c in at.sidebar.caption)
    else:
        assert uploaders, "the Import page works when not read-only"
        assert not any("只读模式" in str(c.value) for c in at.sidebar.caption)


@pytest.mark.parametrize("page", ["overview", "compare", "explorer", "detail", "sql"])
def test_other_pages_unchanged_in_read_only_mode(
    page: str, fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(page, fixture_db, monkeypatch, "1")
    assert at.title and at.title[0].value != "导入已关闭"


def test_first_run_page_still_renders_in_read_only_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its link to the (hidden) Import page must still resolve, not crash the page."""
    at = _open("overview", tmp_path / "none.duckdb", monkeypatch, "1")
    assert at.title[0].value == "欢迎使用 xuncha"


# ------------------------------------------------------------------ no outside requests
@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server exactly as ``xuncha dashboard --read-only`` starts it, on a free port."""
    base = tmp_path_factory.mktemp("deployed")
    db = build_fixture_db(base / "fixture.duckdb")
    with dashboard_server(db, base / "streamlit.log", read_only=True) as url:
        yield url


@pytest.mark.browser
@pytest.mark.slow
def test_no_request_leaves_the_server(chromium: Path, deployed: str) -> None:  # noqa: F811
    """Every page, loaded in Chromium, fetches only from the dashboard's own origin (or
    inline ``data:``/``blob:`` URLs); the viewer toolbar has no Deploy button and no developer
    items (Rerun, Clear cache); the favicon is inline; Import is not in the menu and is refused
    by URL."""
    from playwright.sync_api import sync_playwright

    origin = urllib.parse.urlsplit(deployed).netloc
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.on(
            "request",
            lambda req: (
                outside.append(req.url)
                if urllib.parse.urlsplit(req.url).scheme in {"http", "https", "ws", "wss"}
                and urllib.parse.urlsplit(req.url).netloc != origin
                else None
            ),
        )
        tab = context.new_page()
        tab.set_default_timeout(UI_TIMEOUT_MS)
        for slug in ("", "compare", "quantities", "notice", "sql"):
            tab.goto(f"{deployed}/{slug}")
            _settle(tab)
            tab.get_by_role("heading").first.wait_for()
        nav = tab.get_by_test_id("stSidebarNav").inner_text()
        assert "对比" in nav and "导入" not in nav, nav
        assert tab.get_by_test_id("stAppDeployButton").count() == 0
        tab.get_by_test_id("stMainMenu").click()
        menu = tab.get_by_test_id("stMainMenuPopover")
        menu.wait_for()
        assert "Print" in menu.inner_text() and "Clear cache" not in menu.inner_text()
        tab.keyboard.press("Escape")
        # Headless Chromium may never fetch a favicon, so the request log alone cannot prove
        # the icon is local: its href must be inline (or on this server).
        icons = tab.locator("link[rel*='icon']").evaluate_all("els => els.map(e => e.href)")
        assert icons and all(not h.startswith("http") or origin in h for h in icons), icons
        assert any(h.startswith("data:image/svg+xml") for h in icons), icons
        tab.goto(f"{deployed}/import")
        _settle(tab)
        tab.get_by_role("heading", name="导入已关闭").wait_for()
        assert tab.get_by_test_id("stFileUploader").count() == 0
        browser.close()
    assert not outside, outside
