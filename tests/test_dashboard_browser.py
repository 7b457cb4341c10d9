"""The dashboard in a real browser: ``streamlit run`` in a subprocess, headless Chromium on top.

AppTest never runs the frontend, so this is what proves the pages actually render (charts
draw, Chinese text shows, the SQL box answers) the way a user sees them. Screenshots go to
``test-artifacts/screenshots/`` (git-ignored) for a human look.

Chromium is the Debian package. The session installs it when it is missing and we may
(root + apt-get); otherwise the test is skipped, except under ``CI=true`` where a missing
browser is a failure, not a silent skip.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard_fixtures import REPO, build_fixture_db
from tests.system_packages import apt_install, can_install, in_ci

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
STARTUP_TIMEOUT_S = 60
UI_TIMEOUT_MS = 30_000


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium binary, installed with apt-get once per session when missing and allowed.

    A CJK font (fonts-noto-cjk) is added the same way when none is installed: without one the
    screenshots show boxes instead of Chinese, though the DOM assertions would still pass.
    """
    if not CHROMIUM.exists() and can_install():
        apt_install(["chromium"])
    if CHROMIUM.exists() and can_install() and not _has_cjk_font():
        apt_install(["fonts-noto-cjk"])
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found and could not be installed"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s")


@contextlib.contextmanager
def serving(
    cmd: list[str], env: dict[str, str], port: int, log: Path, cwd: Path | None = None
) -> Iterator[str]:
    """Run a Streamlit command until the block ends; yields its URL once it is healthy.

    A server that never gets healthy fails the test with the end of its log.
    """
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    except RuntimeError as exc:
        pytest.fail(f"{exc}\n{log.read_text(errors='replace')[-3000:]}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def dashboard_server(db: Path, log: Path, *, read_only: bool = False) -> Iterator[str]:
    """The dashboard exactly as ``xuncha dashboard`` starts it (``cli.dashboard_command``: the
    viewer toolbar, loopback, headless), on a free port; yields its URL once healthy."""
    from extract import cli

    port = _free_port()
    cmd, env = cli.dashboard_command(db, port, read_only=read_only)
    with serving([*cmd, "--server.fileWatcherType", "none"], env, port, log, cwd=REPO) as url:
        yield url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real dashboard server on the fixture store, stopped in teardown."""
    db = build_fixture_db(tmp_path_factory.mktemp("browser") / "fixture.duckdb")
    with dashboard_server(db, tmp_path_factory.getbasetemp() / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(UI_TIMEOUT_MS)
    yield tab
    context.close()


def _settle(tab) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished the run (no running indicator, no spinner)."""
    tab.wait_for_load_state("networkidle")
    tab.wait_for_selector("[data-testid='stApp']")
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=UI_TIMEOUT_MS
    )


def _shot(tab, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_overview_in_chromium(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/")
    page.get_by_role("heading", name="总览").wait_for()
    _settle(page)
    # KPI values are DOM text; unit names appear as chart tick labels (SVG text).
    page.get_by_test_id("stMetricValue").first.wait_for()
    assert "20" in page.get_by_test_id("stMetric").nth(2).inner_text()
    # Notices are the bars' categories (horizontal bars since the completion chart shows the
    # stated and computed rates beside them); long names are cut, so match the name's start.
    page.locator(".js-plotly-plot .ytick text", has_text="示例县").first.wait_for()
    assert page.locator(".js-plotly-plot .bars path").count() > 0, "stacked bars drawn"
    _shot(page, "overview")


def test_compare_in_chromium(page, server: str) -> None:  # type: ignore[no-untyped-def]
    """Canonical metric bars: ranked horizontal bars with unit names as tick labels, a total in
    万元 that never mixes units, and a click on the total lists the sentences highlighted."""
    page.goto(server + "/compare?m=funds.recovered&m=study.collective")
    page.get_by_role("heading", name="对比").wait_for()
    _settle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text="合计(元)")
    metric.wait_for()
    assert "2500万元" in metric.inner_text()
    page.locator(".js-plotly-plot .ytick text", has_text="示例市财政局").first.wait_for()
    assert page.locator(".js-plotly-plot").count() >= 2, "one chart per metric"
    page.get_by_role("button", name="查看合计的原文").first.click()
    _settle(page)
    page.locator("mark", has_text="2000万元").first.wait_for()
    _shot(page, "compare")


def test_sql_in_chromium(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/sql")
    page.get_by_role("heading", name="SQL 查询").wait_for()
    _settle(page)
    box = page.get_by_role("textbox", name="SQL 语句")
    box.fill("SELECT inspected_unit || '·结果' AS 单位 FROM notices ORDER BY 1 LIMIT 1")
    page.get_by_role("button", name="运行").click()
    page.get_by_text("返回 1 行").wait_for()
    _settle(page)
    # The grid draws on a canvas; its accessible table mirrors the cells.
    page.locator("[data-testid='stDataFrame'] table", has_text="示例区教育局·结果").first.wait_for(
        state="attached"
    )
    _shot(page, "sql")

    box.fill("DELETE FROM notices")
    page.get_by_role("button", name="运行").click()
    page.get_by_text("只允许只读的 SELECT 查询").wait_for()
    _shot(page, "sql_refused")


# ------------------------------------------------------------------ over the real corpus


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory, corpus_files: list[Path]) -> Path:
    """The five real notices ingested with the real pipeline (what a user sees)."""
    from tests.dashboard_fixtures import build_ingested_db

    return build_ingested_db(tmp_path_factory.mktemp("corpus") / "corpus.duckdb", corpus_files)


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory, corpus_store: Path) -> Iterator[str]:
    """The dashboard on the corpus store."""
    log = tmp_path_factory.getbasetemp() / "streamlit-corpus.log"
    with dashboard_server(corpus_store, log) as url:
        yield url


@pytest.fixture
def corpus_page(browser, corpus_server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(UI_TIMEOUT_MS)
    yield tab
    context.close()


def _corpus_notice(store: Path) -> tuple[str, str, int]:
    """(notice id, its unit, its quantity count) of the corpus notice with the most figures."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute(
            "SELECT n.notice_id, trim(n.inspected_unit), count(*) FROM notices n "
            "JOIN quantities q USING (notice_id) WHERE nullif(trim(n.inspected_unit), '') "
            "IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, n.notice_id LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return str(row[0]), str(row[1]), int(row[2])


def test_source_page_over_corpus_in_chromium(  # type: ignore[no-untyped-def]
    corpus_page, corpus_server: str, corpus_store: Path
) -> None:
    """原文: every figure of a real notice is highlighted; clicking one opens its details (value,
    metric) and emphasises it; the problem tree sits beside the text."""
    notice_id, _, count = _corpus_notice(corpus_store)
    corpus_page.goto(f"{corpus_server}/source?n={notice_id}")
    corpus_page.get_by_role("heading", name="原文").first.wait_for()
    _settle(corpus_page)
    figures = corpus_page.locator(".xs-text a.q")
    figures.first.wait_for()
    assert figures.count() == count, "every stored figure highlighted once"
    corpus_page.get_by_text("问题清单").first.wait_for()
    target = figures.nth(count // 2)
    surface = target.inner_text()
    target.click()
    _settle(corpus_page)
    corpus_page.locator(".xs-text a.q-sel").wait_for()
    assert corpus_page.locator(".xs-text a.q-sel").first.inner_text() == surface.split("\n")[0]
    panel = corpus_page.get_by_text("指标规则")
    panel.first.wait_for()
    assert "qid=" in corpus_page.url
    _shot(corpus_page, "source_corpus")


def test_unit_page_over_corpus_in_chromium(  # type: ignore[no-untyped-def]
    corpus_page, corpus_server: str, corpus_store: Path
) -> None:
    """单位详情 of a real unit: its notices, metrics and findings render, no nan anywhere."""
    _, unit, _ = _corpus_notice(corpus_store)
    corpus_page.goto(f"{corpus_server}/unit?u={urllib.parse.quote(unit)}")
    corpus_page.get_by_role("heading", name=unit).wait_for()
    _settle(corpus_page)
    corpus_page.get_by_text("通报(1 份)").wait_for()
    corpus_page.get_by_role("heading", name="指标").wait_for()
    corpus_page.locator("[data-testid='stDataFrame']").first.wait_for()
    body = corpus_page.locator("[data-testid='stMain']").inner_text()
    for missing in ("nan", "None", "NaT", "<NA>"):
        assert f" {missing} " not in f" {body} ", missing
    _shot(corpus_page, "unit_corpus")


def test_import_drop_zone_in_chinese(page, server: str) -> None:  # type: ignore[no-untyped-def]
    """导入: Streamlit writes the drop zone's button and limit line in English only; in Chinese
    the page paints its own labels over them (the text a user reads is the ::after content)."""
    page.goto(server + "/import")
    page.get_by_role("heading", name="导入通报").wait_for()
    _settle(page)
    zone = page.get_by_test_id("stFileUploaderDropzone")
    zone.wait_for()
    shown = zone.evaluate(
        """z => [z.querySelector("button [data-testid='stMarkdownContainer'] p"),
                  z.querySelector("[data-testid='stFileUploaderDropzoneInstructions'] span")]
                 .map(e => [getComputedStyle(e, '::after').content,
                            getComputedStyle(e).fontSize])"""
    )
    (button, button_size), (limit, limit_size) = shown
    assert button == '"选择文件"', button
    assert limit.startswith('"单个文件不超过') and "TXT、MD" in limit, limit
    assert button_size == limit_size == "0px", "the English text underneath takes no room"
    _shot(page, "import")
