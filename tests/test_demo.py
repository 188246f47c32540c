"""The demo site in this repository: it builds, under a base path, into valid HTML."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from .conftest import REPO, build_site, check_html


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "output"
    # A fixed "now" keeps the demo's future post waiting, whatever today is.
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    build_site(REPO, out_dir=out, base_url="https://user.github.io/tagebuch/", now=now)
    return out


def test_demo_site_shows_its_features(demo: Path) -> None:
    posts = sorted(p for p in demo.glob("20*/*/*/*/index.html"))
    assert len(posts) >= 8
    pages = [p.read_text() for p in posts]
    assert any('class="dream"' in p for p in pages)
    assert any("<table>" in p for p in pages)
    assert any('class="footnotes"' in p for p in pages)
    assert any(
        "<picture>" in p and 'type="image/webp"' in p for p in pages
    )  # the photo, responsive
    assert (demo / "ueber-uns/index.html").exists()
    assert (demo / "tags/index.html").exists()
    uses = (demo / "uses/index.html").read_text()
    assert "Falz &amp; Faden" in uses and "Aufgegeben" in uses and "seit 14 Jahren" in uses
    assert (demo / "uses.json").exists()
    transparency = (demo / "transparenz/index.html").read_text()
    assert (
        '<div id="requests"><dt>Anfragen an andere Server</dt><dd><data value="0">' in transparency
    )


def test_demo_site_links_stay_under_the_base_path(demo: Path) -> None:
    for page in demo.rglob("*.html"):
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text()):
            assert url.startswith("/tagebuch/"), f"{page}: {url}"


def test_demo_site_is_valid_html(demo: Path) -> None:
    report = check_html(demo)
    assert report.endswith("No errors found."), report
    assert "Warning" not in report and "Error" not in report, report


def test_golden_site_is_valid_html() -> None:
    report = check_html(REPO / "tests/golden/expected")
    assert report.endswith("No errors found."), report
    assert "Warning" not in report and "Error" not in report, report
