"""The demo site in this repository: it builds, under a base path, into valid HTML."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, build_site

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


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
    assert any("<img" in p for p in pages)
    assert (demo / "ueber-uns/index.html").exists()
    assert (demo / "tags/index.html").exists()


def test_demo_site_links_stay_under_the_base_path(demo: Path) -> None:
    for page in demo.rglob("*.html"):
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text()):
            assert url.startswith("/tagebuch/"), f"{page}: {url}"


def test_demo_site_is_valid_html(demo: Path) -> None:
    java = shutil.which("java")
    if not (VNU.exists() and java):
        if os.environ.get("CI"):
            pytest.fail("the HTML checker is missing: run `npm install` (and install Java)")
        pytest.skip("the HTML checker is not installed: run `npm install`")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--skip-non-html", "--format", "text", str(demo)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "Error" not in report and "Warning" not in report, report
