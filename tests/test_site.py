"""The site a reader sees: order, drafts, future posts, tags, archives, pagination, meta."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

import feedparser

from .browser import chromium, local_page, static_server
from .conftest import SITE_TOML, MakeSite, build_site, post, read

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def five_posts(make_site: MakeSite, toml: str = SITE_TOML) -> object:
    return make_site(
        {
            "site.toml": toml,
            "content/posts/2013-06-26-dschungel.md": post(
                "Es ist ein Dschungel",
                "2013-06-26T06:25:00+02:00",
                location="Berlin",
                tags=["Werkstatt"],
            ),
            "content/posts/2013-07-01-leim.md": post(
                "Leim", "2013-07-01T07:00:00+02:00", tags=["Werkstatt", "Bücher"]
            ),
            "content/posts/2014-03-05-papier.md": post(
                "Papier", "2014-03-05T21:10:00+01:00", tags=["Bücher"]
            ),
            "content/posts/2015-05-05-entwurf.md": post(
                "Entwurf", "2015-05-05T10:00:00+02:00", draft=True
            ),
            "content/posts/2030-01-01-zukunft.md": post("Zukunft", "2030-01-01T10:00:00+01:00"),
            "content/posts/2016-08-09-istanbul.md": post(
                "Istanbul", "2016-08-09T06:05:00+03:00", location="Istanbul", day=1700
            ),
            "content/pages/about.md": '+++\ntitle = "Über uns"\nslug = "ueber-uns"\n+++\nWir.\n',
        }
    )


def test_index_lists_posts_newest_first_with_pagination(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    report = build_site(site, now=NOW)
    first = read(site, "index.html")
    titles = re.findall(r'<a class="u-url" href="[^"]+">([^<]+)</a>', first)
    assert titles == ["Istanbul", "Papier"]
    second = read(site, "page/2/index.html")
    assert re.findall(r'<a class="u-url" href="[^"]+">([^<]+)</a>', second) == [
        "Leim",
        "Es ist ein Dschungel",
    ]
    assert 'href="/page/2/" rel="next"' in first
    assert 'href="/" rel="prev"' in second
    assert report.posts == 4


def test_drafts_only_with_drafts_and_future_posts_wait(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    report = build_site(site, now=NOW)
    assert report.skipped_drafts == 1 and report.skipped_future == 1
    assert "skipped 1 draft and 1 future post" in report.summary()
    assert not (site / "output/2015/05/05/entwurf").exists()
    assert not (site / "output/2030").exists()

    report = build_site(site, now=NOW, drafts=True)
    assert (site / "output/2015/05/05/entwurf/index.html").exists()
    report = build_site(site, now=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    assert (site / "output/2030/01/01/zukunft/index.html").exists()
    assert not (site / "output/2015/05/05/entwurf").exists()  # pruned again without --drafts


def test_tags_years_and_neighbours(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    build_site(site, now=NOW)
    tag = read(site, "tags/buecher/index.html")
    assert (
        "Schlagwort „Bücher“" in tag and "Papier" in tag and "Leim" in tag and "Istanbul" not in tag
    )
    tags = read(site, "tags/index.html")
    assert 'href="/tags/werkstatt/"' in tags and "2 Einträge" in tags
    year = read(site, "2013/index.html")
    assert "Leim" in year and "Dschungel" in year and "Papier" not in year
    leim = read(site, "2013/07/01/leim/index.html")
    assert 'href="/2014/03/05/papier/" rel="next"' in leim
    assert 'href="/2013/06/26/dschungel/" rel="prev"' in leim


def test_diary_line_shows_local_time_of_writing_and_day(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    report = build_site(site, now=NOW)
    page = read(site, "2013/06/26/dschungel/index.html")
    line = re.search(r'<p class="diary-line">(.*?)</p>', page, re.S)
    assert line is not None
    assert re.sub(r"<[^>]+>", "", line.group(1)) == "Berlin, 6:25, Tag 627"
    assert "Mittwoch, 26. Juni 2013" in page
    istanbul = read(site, "2016/08/09/istanbul/index.html")
    # 6:05 in Istanbul, not converted to Berlin's 5:05; the given day wins over the count.
    assert (
        "Istanbul</a>, <time" in istanbul and ">6:05</time>" in istanbul and "Tag 1700" in istanbul
    )
    assert any("day = 1700" in str(w) and "istanbul.md:5" in str(w) for w in report.warnings)


def test_pages_sitemap_robots_and_404(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    build_site(site, now=NOW)
    assert "<h1>Über uns</h1>" in read(site, "ueber-uns/index.html")
    assert 'href="/ueber-uns/"' in read(site, "index.html")  # pages are in the navigation
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.fromstring(read(site, "sitemap.xml")).findall("s:url/s:loc", ns)]
    assert "https://example.org/2013/06/26/dschungel/" in locs
    assert "https://example.org/ueber-uns/" in locs
    assert not any("entwurf" in (loc or "") or "zukunft" in (loc or "") for loc in locs)
    assert "Sitemap: https://example.org/sitemap.xml" in read(site, "robots.txt")
    assert "Nicht gefunden" in read(site, "404.html")


def test_canonical_and_opengraph_on_every_page(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    build_site(site, now=NOW)
    for page in (site / "output").rglob("*.html"):
        html = page.read_text()
        assert '<meta property="og:title"' in html, page
        if page.name == "404.html":
            # It answers every missing address: no page of its own to index.
            assert '<meta name="robots" content="noindex">' in html
            assert "canonical" not in html and "og:url" not in html
            continue
        assert re.search(r'<link rel="canonical" href="https://example.org/[^"]*">', html), page
        assert '<meta property="og:url"' in html, page
    post_page = read(site, "2013/06/26/dschungel/index.html")
    assert '<meta property="og:type" content="article">' in post_page
    assert '<link rel="canonical" href="https://example.org/2013/06/26/dschungel/">' in post_page


def test_every_url_honours_the_base_path(make_site: MakeSite) -> None:
    site = five_posts(make_site)
    build_site(site, now=NOW, base_url="https://user.github.io/blog/")
    for page in (site / "output").rglob("*.html"):
        html = page.read_text()
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', html):
            assert url.startswith("/blog/"), f"{page}: {url}"
        assert "https://example.org" not in html
    assert "https://user.github.io/blog/2013/06/26/dschungel/" in read(site, "sitemap.xml")
    assert "Sitemap: https://user.github.io/blog/sitemap.xml" in read(site, "robots.txt")


def test_custom_permalink(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace(
        'timezone = "Europe/Berlin"', 'timezone = "Europe/Berlin"\npermalink = "/{year}/{slug}/"'
    )
    site = five_posts(make_site, toml)
    build_site(site, now=NOW)
    assert "Leim" in read(site, "2013/leim/index.html")


def test_aliases_redirect_to_the_post(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", aliases=["/alt/a.html", "/2013/06/a-alt/"]
            ),
        }
    )
    build_site(site)
    redirect = read(site, "alt/a.html")
    assert 'content="0; url=/2013/06/26/a/"' in redirect
    assert 'content="0; url=/2013/06/26/a/"' in read(site, "2013/06/a-alt/index.html")


def test_addresses_naming_files_lead_to_their_page_in_a_browser(make_site: MakeSite) -> None:
    """A page's own address ending in .html, and old addresses ending in .html, .php or
    nothing, open the page in Chromium from a plain static server (as a host serves it)."""
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "Angekommen",
                "2013-06-26T06:25:00+02:00",
                aliases=["/feed.php", "/alt/a.html", "/index.php/2013/a", "/2013/06/a-alt"],
            ),
            "content/pages/impressum.md": post(
                "Impressum", "2013-06-26T06:25:00+02:00", url="/impressum.html"
            ),
        }
    )
    build_site(site)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = ET.fromstring(read(site, "sitemap.xml")).findall("s:url/s:loc", ns)
    own = [(loc.text or "").removeprefix("https://example.org") for loc in listed]
    assert "/impressum.html" in own
    old = ["/feed.php", "/alt/a.html", "/index.php/2013/a", "/2013/06/a-alt"]
    with chromium() as browser, static_server(site / "output") as address:
        for path in own + old:
            with local_page(browser) as (page, outside):
                answer = page.goto(address.rstrip("/") + path)
                assert answer is not None and answer.ok, path
                page.wait_for_load_state()
                if path in old:
                    page.wait_for_url("**/2013/06/26/a/")
                    assert page.title().startswith("Angekommen"), path
                assert page.locator("h1").count() >= 1, path
                assert not outside.urls
    assert read(site, "impressum.html").count("<h1>Impressum</h1>") == 1


def test_addresses_in_other_scripts_are_sent_encoded_by_sitemap_and_feeds(
    make_site: MakeSite,
) -> None:
    """A file named in Chinese keeps its letters in the slug; the sitemap and every feed
    give the address percent-encoded, as a URL must be, and that address opens the post."""
    site = make_site(
        {"content/posts/2013-06-26-你好世界.md": post("你好世界", "2013-06-26T06:25:00+02:00")}
    )
    build_site(site)
    assert (site / "output/2013/06/26/你好世界/index.html").is_file()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = ET.fromstring(read(site, "sitemap.xml")).findall("s:url/s:loc", ns)
    locs = [loc.text or "" for loc in listed]
    links = [
        entry.link
        for name in ("feed.xml", "atom.xml")  # read as a feed reader reads them
        for entry in feedparser.parse(read(site, name)).entries
    ]
    links += [item["url"] for item in json.loads(read(site, "feed.json"))["items"]]
    wanted = "https://example.org/2013/06/26/你好世界/"
    assert wanted in [urllib.parse.unquote(u) for u in locs]
    assert len(links) == 3 and all(urllib.parse.unquote(u) == wanted for u in links)
    assert all(u.isascii() for u in locs + links)
    with (
        chromium() as browser,
        static_server(site / "output") as address,
        local_page(browser) as (page, outside),
    ):
        path = urllib.parse.urlsplit(links[0]).path
        answer = page.goto(address.rstrip("/") + path)
        assert answer is not None and answer.ok
        assert page.title().startswith("你好世界") and not outside.urls
