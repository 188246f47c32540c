"""The demo site in this repository: it builds, under a base path, into valid HTML."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sitegen.feedcheck import check_feeds

from .conftest import REPO, build_site, only_data_blocks


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
    block_dream = (demo / "2017/06/26/vier-jahre-nach-dem-dschungel/index.html").read_text()
    assert 'class="dream"' in block_dream and ":::" not in block_dream  # a ::: dream block
    assert any('<span class="diary-zone">EEST</span>' in p for p in pages)
    assert 'class="on-this-day"' in block_dream  # four years after the 26 June 2013 entry
    assert block_dream.count('class="dream"') == 1
    dreams = (demo / "traeume/index.html").read_text()
    assert dreams.count('<div class="dream">') >= 4  # front matter dreams and the block
    assert any('<table tabindex="0">' in p for p in pages)
    assert any('class="footnotes"' in p for p in pages)
    assert any(
        "<picture>" in p and 'type="image/webp"' in p for p in pages
    )  # the photo, responsive
    assert any('<script type="application/ld+json">' in p for p in pages)
    assert only_data_blocks(demo)  # JSON-LD is the only <script>: nothing runs
    assert (demo / "ueber-uns/index.html").exists()
    assert (demo / "tags/index.html").exists()
    assert any(
        '<audio class="u-audio" controls preload="none"' in p for p in pages
    )  # the podcast's episode
    uses = (demo / "uses/index.html").read_text()
    assert "Falz &amp; Faden" in uses and "Aufgegeben" in uses and "seit 14 Jahren" in uses
    assert (demo / "uses.json").exists()
    transparency = (demo / "transparenz/index.html").read_text()
    assert (
        '<div id="requests"><dt>Anfragen an andere Server</dt><dd><data value="0">' in transparency
    )


def test_demo_site_feeds_read_cleanly(demo: Path) -> None:
    for name in ("feed.xml", "atom.xml", "feed.json", "podcast.xml", "tags/werkstatt/feed.xml"):
        assert (demo / name).is_file(), name
    assert "<itunes:duration>25</itunes:duration>" in (demo / "podcast.xml").read_text()
    assert check_feeds(demo, "https://user.github.io/tagebuch/") == []


def test_demo_site_links_stay_under_the_base_path(demo: Path) -> None:
    for page in demo.rglob("*.html"):
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text()):
            assert url.startswith("/tagebuch/"), f"{page}: {url}"


def test_every_demo_page_opens_its_head_with_the_policy(demo: Path) -> None:
    pages = list(demo.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[text.index("<head>") + len("<head>") :].lstrip()
        # The policy is in force before anything else in the head can ask for a file.
        assert head.startswith('<meta http-equiv="Content-Security-Policy"'), page
        assert "default-src 'self'" in head.split(">", 1)[0], page
        assert '<meta name="referrer" content="no-referrer">' in text, page
