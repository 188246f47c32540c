"""Feeds are read without any CSP: item HTML is allowlisted, text stays text, ids stay put."""

from __future__ import annotations

import html
import json

import feedparser
from lxml import etree

from sitegen.feedhtml import sanitize

from .conftest import SITE_TOML, MakeSite, build_site, post, read

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def test_a_front_matter_guid_is_the_id_in_every_feed(make_site: MakeSite) -> None:
    old = "http://alt.example.org/?p=1234"
    site = make_site(
        {
            "content/posts/2020-01-01-alt.md": post("Alt", "2020-01-01T08:00:00+01:00", guid=old),
            "content/posts/2020-01-02-neu.md": post("Neu", "2020-01-02T08:00:00+01:00"),
        }
    )
    build_site(site)
    rss = etree.fromstring((site / "output/feed.xml").read_bytes())
    guids = {i.findtext("title"): i.find("guid") for i in rss.iter("item")}
    assert guids["Alt"] is not None and guids["Alt"].text == old
    assert guids["Alt"].get("isPermaLink") == "false"
    assert guids["Neu"] is not None and guids["Neu"].text == "https://example.org/2020/01/02/neu/"
    atom = etree.fromstring((site / "output/atom.xml").read_bytes())
    ids = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")}
    assert ids["Alt"] == old
    items = json.loads(read(site, "feed.json"))["items"]
    assert {i["title"]: i["id"] for i in items}["Alt"] == old
    # A reader keeps the post it has already shown: the id feedparser sees is the old one.
    assert feedparser.parse((site / "output/feed.xml").read_bytes()).entries[-1].id == old


def test_a_plain_text_description_is_not_read_as_html(make_site: MakeSite) -> None:
    text = "Warum <b>fett</b> & <img src=x> hier Text bleibt"
    site = make_site(
        {
            "site.toml": SITE_TOML + "\n[feeds]\nfull_content = false\n",
            "content/posts/2020-01-01-a.md": post(
                "A", "2020-01-01T08:00:00+01:00", description=text
            ),
        }
    )
    build_site(site)
    item = etree.fromstring((site / "output/feed.xml").read_bytes()).find("channel/item")
    assert item is not None and item.findtext("description") == html.escape(text, quote=False)
    # feedparser reads <description> as HTML, as readers do: the reader shows the text itself.
    shown = feedparser.parse((site / "output/feed.xml").read_bytes()).entries[0].summary
    assert "<b>" not in shown and "<img" not in shown and html.unescape(shown) == text


def test_item_html_keeps_only_allowlisted_markup(make_site: MakeSite) -> None:
    body = (
        'Vorher <span style="background:url(/x.png)">Text</span>\n\n'
        '<video poster="/p.png" src="/v.mp4"></video><math><mi>x</mi></math>'
        '<object data="/o.svg"></object><form action="/f"><button>b</button></form>\n\n'
        '<a href="https://example.net/" ping="/p">da</a>'
    )
    site = make_site(
        {"content/posts/2020-01-01-a.md": post("A", "2020-01-01T08:00:00+01:00", body)}
    )
    build_site(site)
    rss = etree.fromstring((site / "output/feed.xml").read_bytes())
    encoded = rss.findtext(f"channel/item/{CONTENT}") or ""
    content = json.loads(read(site, "feed.json"))["items"][0]["content_html"]
    for made in (encoded, content):
        assert "Vorher <span>Text</span>" in made
        for gone in (
            "style",
            "video",
            "poster",
            "object",
            "form",
            "ping",
            "math",
        ):
            assert gone not in made, (gone, made)
        assert '<a href="https://example.net/">da</a>' in made
    # The page keeps what the author wrote (its own CSP and the audit hold it back there).
    assert "<video" in read(site, "2020/01/01/a/index.html")


def test_sanitize_keeps_what_posts_are_made_of() -> None:
    made = (
        '<figure><picture><source srcset="https://s.org/a.webp 480w" type="image/webp" sizes="1px">'
        '<img src="https://s.org/a.jpg" alt="A" width="4" height="3" decoding="async"></picture>'
        '<figcaption>Bild</figcaption></figure><p class="diary"><time datetime="2020-01-01">1.</time>'
        '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup></p>'
        "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>"
    )
    assert sanitize(made) == made


def test_sanitize_removes_scripts_frames_and_handlers() -> None:
    hostile = (
        '<p onclick="x()">a<script>alert(1)</script><iframe src="/f"></iframe>'
        '<a href="javascript:alert(1)">b</a><svg><image href="/i.png"/></svg>'
        '<img src="/a.png" onerror="x()" alt="c"><embed src="/e"><link rel="stylesheet" href="/s">'
        '<meta http-equiv="refresh" content="0;url=/r"><base href="/"><style>p{}</style></p>'
    )
    assert sanitize(hostile) == '<p>a<a>b</a><img src="/a.png" alt="c"></p>'
