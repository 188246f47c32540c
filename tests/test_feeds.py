"""Blog feeds: RSS, Atom and JSON Feed as a feed reader sees them."""

from __future__ import annotations

import datetime as dt
import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from .conftest import SITE_TOML, MakeSite, build_site, post, read, run_cli

BASE = "https://user.github.io/blog/"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


def blog(make_site: MakeSite, extra_toml: str = "", count: int = 3) -> Path:
    files: dict[str, str | bytes] = {
        "site.toml": SITE_TOML.replace('name = "Ada"', 'name = "Ada"\nemail = "ada@example.org"')
        + extra_toml,
        "content/posts/2020-01-01-anfang/index.md": post(
            "Anfang",
            "2020-01-01T08:00:00+01:00",
            "Text mit [Anhang](liste.txt), [dem Zweiten](../2020-01-02-zweiter.md#teil) "
            "und einer Fußnote.[^1]\n\n[^1]: Unten.",
            tags=["Werkstatt"],
            dream="Ich träumte von Leim.",
            location="Leipzig",
        ),
        "content/posts/2020-01-01-anfang/liste.txt": "eins\nzwei\n",
        "content/posts/2020-01-02-zweiter.md": post(
            "Zweiter", "2020-01-02T09:30:00+01:00", "## Teil\n\nÄrger & Ölfarbe.", tags=["Papier"]
        ),
    }
    for i in range(count - 2):
        files[f"content/posts/2020-02-{i + 1:02d}-mehr-{i}.md"] = post(
            f"Mehr {i}", f"2020-02-{i + 1:02d}T07:00:00+01:00", f"Absatz {i}.", tags=["Werkstatt"]
        )
    return make_site(files)


def xml(site: Path, output: str) -> etree._Element:
    return etree.fromstring((site / "output" / output).read_bytes())


def test_a_reader_sees_every_post_with_absolute_links(make_site: MakeSite) -> None:
    site = blog(make_site)
    build_site(site, base_url=BASE)
    for output, version in (("feed.xml", "rss20"), ("atom.xml", "atom10")):
        feed = feedparser.parse((site / "output" / output).read_bytes())
        assert not feed.bozo, (output, feed.get("bozo_exception"))
        assert feed.version == version
        assert feed.feed.title == "Testtagebuch"
        assert feed.feed.link == BASE
        assert [e.title for e in feed.entries] == ["Mehr 0", "Zweiter", "Anfang"]
        first = feed.entries[-1]
        assert first.link == BASE + "2020/01/01/anfang/"
        assert first.id == BASE + "2020/01/01/anfang/"
        assert first.published_parsed[:5] == (2020, 1, 1, 7, 0)  # 08:00 in Berlin, as UTC
        assert [t.term for t in first.tags] == ["Werkstatt"]
        content = first.content[0].value
        assert f'href="{BASE}2020/01/01/anfang/liste.txt"' in content
        assert f'href="{BASE}2020/01/02/zweiter/#teil"' in content
        assert f'href="{BASE}2020/01/01/anfang/#fn1"' in content
        assert "Ich träumte von Leim." in content
        # The diary line reaches the reader too: where and at what local time it was written.
        assert re.search(r"Leipzig</span>, <time[^>]*>8:00</time>", content)
        # No URL in any content is left relative to a page the reader does not have.
        for entry in feed.entries:
            for url in re.findall(r'(?:href|src)="([^"]*)"', entry.content[0].value):
                assert url.startswith(BASE), url
        assert "Ärger &amp; Ölfarbe" in feed.entries[1].content[0].value


def test_rss_and_atom_are_dated_by_their_newest_post(make_site: MakeSite) -> None:
    site = blog(make_site)
    build_site(site)
    rss = xml(site, "feed.xml")
    channel = rss.find("channel")
    assert channel is not None
    assert rss.get("version") == "2.0"
    assert channel.findtext("title") == "Testtagebuch"
    assert channel.findtext("link") == "https://example.org/"
    assert channel.findtext("description") == "Ein Tagebuch für Tests"
    assert channel.findtext("language") == "de"
    self_link = channel.find("atom:link", NS)
    assert self_link is not None and self_link.get("rel") == "self"
    assert self_link.get("href") == "https://example.org/feed.xml"
    assert channel.findtext("lastBuildDate") == "Sat, 01 Feb 2020 07:00:00 +0100"
    items = channel.findall("item")
    assert len(items) == 3
    for item in items:
        for tag in ("title", "link", "description", "guid", "pubDate"):
            assert item.findtext(tag), tag
        parsedate_to_datetime(item.findtext("pubDate") or "")
        assert item.find("guid").get("isPermaLink") == "true"  # type: ignore[union-attr]
        assert item.find("content:encoded", NS) is not None
        assert item.findtext("author") == "ada@example.org (Ada)"

    atom = xml(site, "atom.xml")
    a = "{http://www.w3.org/2005/Atom}"
    assert atom.tag == f"{a}feed"
    assert atom.findtext(f"{a}id") == "https://example.org/"
    assert atom.findtext(f"{a}updated") == "2020-02-01T07:00:00+01:00"
    assert atom.find(f"{a}author/{a}name").text == "Ada"  # type: ignore[union-attr]
    rels = {link.get("rel"): link.get("href") for link in atom.findall(f"{a}link")}
    assert rels == {"alternate": "https://example.org/", "self": "https://example.org/atom.xml"}
    for entry in atom.findall(f"{a}entry"):
        for tag in ("id", "title", "updated", "published", "summary"):
            assert entry.findtext(f"{a}{tag}"), tag
        assert entry.find(f"{a}content").get("type") == "html"  # type: ignore[union-attr]
        links = entry.findall(f"{a}link")
        assert len(links) == 1 and links[0].get("rel", "alternate") == "alternate"


def test_json_feed_has_every_required_field(make_site: MakeSite) -> None:
    site = blog(make_site)
    build_site(site, base_url=BASE)
    feed = json.loads(read(site, "feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Testtagebuch"
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == BASE + "feed.json"
    assert feed["language"] == "de"
    assert feed["authors"] == [{"name": "Ada"}]
    assert [i["title"] for i in feed["items"]] == ["Mehr 0", "Zweiter", "Anfang"]
    for item in feed["items"]:
        assert item["id"] and item["url"].startswith(BASE)
        assert item["content_html"].startswith("<")
        dt.datetime.fromisoformat(item["date_published"])
    assert feed["items"][2]["tags"] == ["Werkstatt"]
    assert feed["items"][2]["date_published"] == "2020-01-01T08:00:00+01:00"


def test_feeds_are_not_stamped_with_the_build_time(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = blog(make_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    build_site(site, out_dir=tmp_path / "one")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # a year later
    (site / ".sitegen-cache").rename(tmp_path / "old-cache")
    build_site(site, out_dir=tmp_path / "two")
    for name in ("feed.xml", "atom.xml", "feed.json", "tags/werkstatt/feed.xml"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert b"2026" not in (tmp_path / "one/feed.xml").read_bytes()
    assert build_site(site, out_dir=tmp_path / "two").written == ()


def test_a_feed_changes_only_when_what_it_shows_changes(make_site: MakeSite) -> None:
    site = blog(make_site, "[feeds]\nitems = 2\n")
    build_site(site)
    oldest = site / "content/posts/2020-01-01-anfang/index.md"
    oldest.write_text(oldest.read_text().replace("Text mit", "Ein Text mit"))
    written = set(build_site(site).written)
    # Not among the two newest: only the feed of its tag shows it.
    assert "tags/werkstatt/feed.xml" in written
    assert not written & {"feed.xml", "atom.xml", "feed.json", "tags/papier/feed.xml"}
    newest = site / "content/posts/2020-02-01-mehr-0.md"
    newest.write_text(newest.read_text().replace("Absatz", "Ein Absatz"))
    written = set(build_site(site).written)
    assert {"feed.xml", "atom.xml", "feed.json", "tags/werkstatt/feed.xml"} <= written
    assert "tags/papier/feed.xml" not in written


def test_item_count_and_summaries_are_settings(make_site: MakeSite) -> None:
    site = blog(make_site, "[feeds]\nitems = 2\nfull_content = false\n", count=5)
    build_site(site)
    rss = feedparser.parse(read(site, "feed.xml"))
    assert [e.title for e in rss.entries] == ["Mehr 2", "Mehr 1"]
    assert "content" not in rss.entries[0]
    assert rss.entries[0].summary == "Absatz 2."
    atom = xml(site, "atom.xml")
    assert (
        atom.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content") is None
    )
    feed = json.loads(read(site, "feed.json"))
    assert [i["content_text"] for i in feed["items"]] == ["Absatz 2.", "Absatz 1."]
    assert len(feedparser.parse(read(site, "tags/werkstatt/feed.xml")).entries) == 2


def test_each_tag_has_a_feed_announced_on_its_page(make_site: MakeSite) -> None:
    site = blog(make_site)
    build_site(site, base_url=BASE)
    feed = feedparser.parse(read(site, "tags/papier/feed.xml"))
    assert not feed.bozo
    assert feed.feed.title == "Testtagebuch · Schlagwort „Papier“"
    assert feed.feed.link == BASE + "tags/papier/"
    assert [e.title for e in feed.entries] == ["Zweiter"]
    page = read(site, "tags/papier/index.html")
    assert (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Testtagebuch · Schlagwort „Papier“ (RSS)" href="/blog/tags/papier/feed.xml">'
    ) in page
    site_toml = site / "site.toml"
    site_toml.write_text(site_toml.read_text() + "\n[feeds]\ntags = false\n")
    report = build_site(site, base_url=BASE)
    assert "tags/papier/feed.xml" in report.pruned
    assert "tags/papier/feed.xml" not in read(site, "tags/papier/index.html")


def test_every_page_announces_the_feeds_under_the_base_path(make_site: MakeSite) -> None:
    site = blog(make_site)
    build_site(site, base_url=BASE)
    pages = list((site / "output").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text()
        if 'http-equiv="refresh"' in text:
            continue
        for kind, name in (
            ("application/rss+xml", "feed.xml"),
            ("application/atom+xml", "atom.xml"),
            ("application/feed+json", "feed.json"),
        ):
            assert re.search(
                rf'<link rel="alternate" type="{re.escape(kind)}" title="[^"]+" href="/blog/{name}">',
                text,
            ), (page, kind)


def test_feed_settings_are_checked(make_site: MakeSite) -> None:
    site = make_site(
        {"site.toml": SITE_TOML + '\n[feeds]\nitems = 0\nfull_content = "ja"\nformat = "rss"\n'}
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "site.toml: feeds.items: must be a positive integer" in result.stderr
    assert "site.toml: feeds.full_content: must be true or false" in result.stderr
    assert "site.toml: feeds.format: unknown key" in result.stderr
    assert not (site / "output").exists()


def test_characters_xml_cannot_hold_are_left_out_of_the_feeds(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/a.md": '+++\ntitle = "Steuer\\u000bzeichen"\ndate = 2024-01-01T10:00:00+01:00\n+++\n\n'
            "Ein \x0c Seitenvorschub.\n"
        }
    )
    build_site(site)
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(read(site, name))
        assert not feed.bozo and feed.entries[0].title == "Steuerzeichen"
        assert "Ein  Seitenvorschub." in feed.entries[0].content[0].value
    assert json.loads(read(site, "feed.json"))["items"][0]["title"] == "Steuer\x0bzeichen"
