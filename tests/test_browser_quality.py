"""The demo site in a real browser: quiet towards other hosts, fine without script.

Accessibility is checked over every page of two sites in tests/test_gates.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .browser import chromium, local_page, static_server
from .conftest import REPO, build_site

BASE_PATH = "/tagebuch/"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "output"
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    build_site(REPO, out_dir=out, base_url=f"https://user.github.io{BASE_PATH}", now=now)
    return out


@pytest.fixture(scope="module")
def site_url(demo: Path) -> Iterator[str]:
    with static_server(demo, BASE_PATH) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def _pages(demo: Path) -> list[str]:
    """Every HTML page of the build, as a path below the base path."""
    return sorted(
        str(page.relative_to(demo)).removesuffix("index.html") for page in demo.rglob("*.html")
    )


def test_no_page_makes_the_browser_contact_another_host(
    demo: Path, site_url: str, browser: Browser
) -> None:
    # With the page's own Content-Security-Policy switched off, so that the markup
    # itself is on trial and not only the policy that would block it.
    with local_page(browser, bypass_csp=True) as (page, outside):
        pages = _pages(demo)
        assert len(pages) > 20
        for target in pages:
            page.goto(site_url + target, wait_until="networkidle")
        assert outside.urls == []
        # The control: the same recording does catch a request to another host.
        page.evaluate(
            "() => { const i = new Image(); i.src = 'https://tracker.example/p.gif';"
            " document.body.append(i); }"
        )
        page.wait_for_timeout(200)
        assert outside.urls == ["https://tracker.example/p.gif"]


def test_the_policy_would_block_a_request_to_another_host(
    demo: Path, site_url: str, browser: Browser
) -> None:
    blocked: list[str] = []
    with local_page(browser) as (page, outside):
        page.on("console", lambda message: blocked.append(message.text))
        page.goto(site_url)
        page.evaluate(
            "() => { const i = new Image(); i.src = 'https://tracker.example/p.gif';"
            " document.body.append(i); }"
        )
        page.wait_for_timeout(200)
        assert outside.urls == []
    assert any("Content Security Policy" in line for line in blocked), blocked


def test_pages_work_without_javascript(demo: Path, site_url: str, browser: Browser) -> None:
    with local_page(browser, java_script_enabled=False) as (page, _):
        page.goto(site_url)
        first = page.locator("main h2 a").first
        title = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text() == title
        assert re.search(r"Tag \d+", page.locator("main").inner_text())
        page.goto(site_url)
        older = page.locator("a[rel=next]").first
        older.click()
        page.wait_for_load_state()
        assert page.url.endswith("/page/2/")
        assert page.locator("main h2 a").count() > 0
