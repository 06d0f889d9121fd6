"""Browser tests: Debian's Chromium driven by Playwright, with axe-core checking every page visited."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE_PATHS = [ROOT / "consult/static/vendor/axe.min.js", ROOT / "node_modules/axe-core/axe.min.js"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is needed for browser tests: apt-get install chromium (see README).")
    return path


@pytest.fixture(scope="session")
def axe_source() -> str:
    for path in AXE_PATHS:
        if path.exists():
            return path.read_text()
    pytest.fail("axe-core is missing: run `make assets` (npm install) first.")


@pytest.fixture(scope="session")
def server_url(_live_app):
    server = make_server("127.0.0.1", 0, _live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AxePage:
    """A Playwright page that checks each page it lands on with axe-core (WCAG 2.2 AA)."""

    def __init__(self, page, base_url: str, axe_source: str, checker=None):
        self.page, self.base_url, self.axe_source = page, base_url, axe_source
        #: With JavaScript off axe cannot run in the page itself (its timers never fire), so the page's
        #: HTML, scripts removed, is checked in a separate JavaScript-enabled page with the same styles.
        self.checker = checker
        self.checked: list[str] = []

    def __getattr__(self, name):
        return getattr(self.page, name)

    def visit(self, path: str):
        self.page.goto(self.base_url + path)
        self.axe()
        return self

    def axe(self):
        """Run axe on the current page and fail with a readable list of violations."""
        self.page.wait_for_load_state("load")
        target = self.page
        if self.checker is not None:
            html = re.sub(r"<script\b.*?</script>", "", self.page.content(), flags=re.S | re.I)
            html = html.replace("<head>", f'<head><base href="{self.page.url}">', 1)
            self.checker.set_content(html, wait_until="load")
            target = self.checker
        if not target.evaluate("() => typeof window.axe !== 'undefined'"):
            target.add_script_tag(content=self.axe_source)
        result = target.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert not violations, f"axe violations on {self.page.url}:\n" + "\n".join(violations)
        self.checked.append(self.page.url)

    def click_and_check(self, selector: str):
        with self.page.expect_navigation():
            self.page.click(selector)
        self.axe()


@pytest.fixture(params=["js", "no-js"])
def page(request, browser, server_url, axe_source, live_app):
    javascript = request.param == "js"
    context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
    checker_context = None if javascript else browser.new_context()
    wrapped = AxePage(context.new_page(), server_url, axe_source,
                      checker=checker_context.new_page() if checker_context else None)
    wrapped.javascript = javascript
    yield wrapped
    context.close()
    if checker_context:
        checker_context.close()
