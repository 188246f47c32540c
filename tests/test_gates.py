"""Quality gates over EVERY page of the demo site and of a site with one post of each shape.

axe-core in Chromium (light and dark), the W3C Nu HTML checker, unique titles, a
description on every page, and a microformats parser reading each post back against
its source file. Both sites are built once for the module; the browser visits every
page in one context and the checker runs once over all of them.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import mf2py
import pytest
import yaml
from playwright.sync_api import Browser

from sitegen.feedcheck import check_feeds
from sitegen.feedlint import rss_warnings
from sitegen.meta import og_locale
from sitegen.text import plain_text

from .browser import chromium, local_page, static_server
from .conftest import (
    REPO,
    SITE_TOML,
    MakeSite,
    build_site,
    check_html,
    post,
    read,
    run_cli,
    snapshot,
)
from .shapes import COMPOUND, write_shapes_site

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
# The rules whose outcome depends on the colour scheme: run again in dark mode.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


class Built:
    """A built site: its source folder, output folder and base path."""

    def __init__(self, source: Path, out: Path, base_path: str) -> None:
        self.source, self.out, self.base_path = source, out, base_path

    def pages(self) -> list[Path]:
        """Every HTML page a reader can open; redirects from old addresses left out."""
        return [
            page
            for page in sorted(self.out.rglob("*.html"))
            if 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")
        ]

    def path(self, page: Path) -> str:
        return str(page.relative_to(self.out)).removesuffix("index.html")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    demo_out = tmp_path_factory.mktemp("demo") / "output"
    build_site(REPO, out_dir=demo_out, base_url="https://user.github.io/tagebuch/", now=NOW)
    shapes = write_shapes_site(tmp_path_factory.mktemp("shapes"))
    build_site(shapes, base_url="https://user.github.io/werkbank/", now=NOW)
    return {
        "demo": Built(REPO, demo_out, "/tagebuch/"),
        "shapes": Built(shapes, shapes / "output", "/werkbank/"),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def _axe(browser: Browser, site: Built, scheme: str, rules: list[str] | None) -> list[str]:
    found: list[str] = []
    options = "{resultTypes: ['violations']" + (f", runOnly: {rules}" if rules else "") + "}"
    # axe is injected as a script, which the pages' own policy rightly forbids.
    with (
        static_server(site.out, site.base_path) as url,
        local_page(browser, bypass_csp=True, color_scheme=scheme) as (page, _),
    ):
        page.context.add_init_script(path=str(AXE))
        for target in map(site.path, site.pages()):
            page.goto(url + target)
            result = page.evaluate(f"axe.run(document, {options})")
            for violation in result["violations"]:
                nodes = ", ".join(str(node["target"]) for node in violation["nodes"])
                found.append(f"/{target} ({scheme}): {violation['id']}: {nodes}")
    return found


@pytest.mark.parametrize("name", ["demo", "shapes"])
def test_no_page_has_an_accessibility_violation_light_or_dark(
    sites: dict[str, Built], browser: Browser, name: str
) -> None:
    site = sites[name]
    assert len(site.pages()) > 20
    found = _axe(browser, site, "light", None) + _axe(browser, site, "dark", COLOUR_RULES)
    assert found == []


def test_axe_sees_a_violation_when_there_is_one(
    sites: dict[str, Built], browser: Browser, tmp_path: Path
) -> None:
    # The control: the same run flags a footnote back-link told apart by colour alone.
    site = sites["shapes"]
    broken = tmp_path / "output"
    page = next(p for p in site.pages() if "footnote-backref" in p.read_text(encoding="utf-8"))
    target = broken / page.relative_to(site.out)
    target.parent.mkdir(parents=True)
    target.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    css = (site.out / "assets" / "style.css").read_text(encoding="utf-8")
    (broken / "assets").mkdir()
    (broken / "assets" / "style.css").write_text(
        css + "\n.footnote-backref { text-decoration: none; }\n", encoding="utf-8"
    )
    found = _axe(browser, Built(site.source, broken, site.base_path), "light", COLOUR_RULES)
    assert any("link-in-text-block" in f for f in found), found


def test_every_page_is_valid_html(sites: dict[str, Built]) -> None:
    golden = REPO / "tests" / "golden" / "expected"
    report = check_html(sites["demo"].out, sites["shapes"].out, golden)
    assert report.endswith("No errors found."), report
    assert "Warning" not in report and "Error" not in report, report


def _head(page: Path) -> Any:
    return lxml.html.fromstring(page.read_bytes())


@pytest.mark.parametrize("name", ["demo", "shapes"])
def test_every_page_has_its_own_title_and_a_description(sites: dict[str, Built], name: str) -> None:
    site = sites[name]
    titles: dict[str, str] = {}
    for page in site.pages():
        doc = _head(page)
        where = site.path(page)
        description = doc.xpath('string(//meta[@name="description"]/@content)').strip()
        assert description, f"/{where} has no meta description"
        assert doc.xpath('string(//meta[@property="og:description"]/@content)') == description
        assert doc.xpath('//meta[@property="og:image"]/@content'), f"/{where} has no og:image"
        if doc.xpath('//meta[@name="robots" and @content="noindex"]'):
            assert not doc.xpath('//link[@rel="canonical"]'), f"/{where}: noindex but canonical"
            continue
        title = doc.findtext(".//title")
        assert title not in titles, f"/{where} has the title of /{titles.get(title)}: {title}"
        titles[title] = where
    assert len(titles) == len(site.pages()) - 1  # only the 404 page is not indexed


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    fence = text.split("\n", 1)[0]
    _, head, body = text.split(fence + "\n", 2)
    values = tomllib.loads(head) if fence == "+++" else yaml.safe_load(head)
    return values, body


def _sources(site: Built) -> Iterator[tuple[Path, dict[str, Any], str]]:
    """Every published post: its file, front matter and body, read without sitegen."""
    for path in sorted((site.source / "content" / "posts").rglob("*.md")):
        values, body = _front_matter(path)
        when = values["date"]
        if values.get("draft") or when.astimezone(dt.UTC) > NOW:
            continue
        yield path, values, body


_DREAM_BLOCK = re.compile(r"^::: ?dream\n(.*?)\n:::\s*$", re.M | re.S)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", ["demo", "shapes"])
def test_a_microformats_parser_reads_every_post_back(sites: dict[str, Built], name: str) -> None:
    site = sites[name]
    settings = tomllib.loads((site.source / "site.toml").read_text(encoding="utf-8"))
    day_zero = settings["diary"]["day_zero"]
    entries: dict[str, dict[str, Any]] = {}
    for page in site.pages():
        parsed = mf2py.parse(doc=page.read_text(encoding="utf-8"), html_parser="lxml")
        for item in parsed["items"]:
            if "h-entry" in item["type"] and "content" in item["properties"]:
                entries[item["properties"]["name"][0]] = item["properties"]
    sources = list(_sources(site))
    assert len(sources) >= 9 and len(entries) == len(sources)
    for path, values, body in sources:
        found = entries.get(values["title"])
        assert found is not None, f"{path}: no h-entry named {values['title']!r}"
        when: dt.datetime = values["date"]
        published = dt.datetime.fromisoformat(found["published"][0])
        # The local time of writing, with its own offset: not converted to another zone.
        assert (published, published.utcoffset()) == (when, when.utcoffset()), path
        assert found.get("location", [""])[0] == values.get("location", ""), path
        day = values.get("day", (when.date() - day_zero).days)
        assert found["day"] == [str(day)], path
        block = _DREAM_BLOCK.search(body)
        dream = values.get("dream") or (block.group(1) if block else "")
        if dream:
            shown = _words(found["dream"][0]["value"])
            assert _words(plain_text(dream))[:40] in shown, path
        else:
            assert "dream" not in found, path
        text = _words(found["content"][0]["value"])
        # The text's first plain words, before any Markdown syntax, as the reader sees them.
        opening = re.match(r"(?:[^\W\d_]+[.,:]? ){1,3}", _words(_DREAM_BLOCK.sub("", body)) + " ")
        if opening:
            first = opening.group(0).strip().rstrip(".,:")
            assert first in text, f"{path}: {first!r} not in {text[:200]!r}"


def test_the_uses_page_names_each_item_in_use_or_dropped(sites: dict[str, Built]) -> None:
    page = sites["shapes"].out / "uses" / "index.html"
    items = mf2py.parse(doc=page.read_text(encoding="utf-8"), html_parser="lxml")["items"]
    names = sorted(i["properties"]["name"][0] for i in items if "h-item" in i["type"])
    assert names == [
        "Falzbein aus Knochen",
        "Gehostetes Blog mit kostenlosem Tarif",
        "eigener Webspace und sitegen",
    ]
    history = _words(lxml.html.fromstring(page.read_bytes()).xpath("string(//ol)"))
    assert "Aufgegeben: Gehostetes Blog mit kostenlosem Tarif (stattdessen: eigener" in history


def test_the_front_page_is_an_h_feed_and_an_episode_names_its_audio(
    sites: dict[str, Built],
) -> None:
    out = sites["shapes"].out
    items = mf2py.parse(doc=(out / "index.html").read_text(encoding="utf-8"))["items"]
    feed = next(i for i in items if "h-feed" in i["type"])
    assert feed["properties"]["name"] == ["Werkbank & Papier"]
    assert len(feed["children"]) == 2
    page = out / "2024" / "03" / "15" / "folge-2" / "index.html"
    entry = mf2py.parse(doc=page.read_text(encoding="utf-8"))["items"][0]
    assert entry["properties"]["audio"] == ["/werkbank/2024/03/15/folge-2/folge-2.m4a"]


def test_a_long_compound_word_does_not_widen_the_page(
    sites: dict[str, Built], browser: Browser
) -> None:
    site = sites["shapes"]
    with (
        static_server(site.out, site.base_path) as url,
        local_page(browser, viewport={"width": 320, "height": 640}) as (page, _),
    ):
        page.goto(url + "2024/05/05/langes-wort/")
        assert COMPOUND in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_generated_sites_feeds_pass_every_offline_check(sites: dict[str, Built]) -> None:
    site = sites["shapes"]
    assert check_feeds(site.out, "https://user.github.io/werkbank/") == []
    podcast = (site.out / "podcast.xml").read_bytes()
    assert b"<title>Kleister &#x26; Leim &#x3C;im Test&gt;</title>" in podcast
    assert b'type="audio/x-m4a"' in podcast


def test_the_offline_feed_rules_catch_what_the_validator_warns_about() -> None:
    feed = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>A &amp; B</title><link>https://example.org/</link><description>d</description>
<atom:link rel="self" href="https://example.org/other.xml"/>
<itunes:owner><itunes:email>a@example.org</itunes:email></itunes:owner>
<item><title>Fett: &lt;b&gt;ja&lt;/b&gt;</title><author>Ada</author></item>
</channel></rss>"""
    found = "\n".join(rss_warnings(feed, "https://example.org/podcast.xml"))
    for warning in (
        "<title>: encode & and <",
        'atom:link rel="self" should name https://example.org/podcast.xml',
        "<title> holds HTML",
        "no <guid>",
        "<author> must be an e-mail address",
        "would show the e-mail address",
        "no itunes:explicit",
        "no itunes:image",
    ):
        assert warning in found, warning


@pytest.mark.parametrize(
    ("language", "locale"),
    [("de", "de_DE"), ("en", "en_US"), ("de-AT", "de_AT"), ("fr", "fr_FR"), ("pt-BR", "pt_BR")],
)
def test_og_locale_names_language_and_territory(language: str, locale: str) -> None:
    assert og_locale(language) == locale


def test_the_site_names_its_own_preview_image_and_a_missing_one_is_an_error(
    make_site: MakeSite,
) -> None:
    toml = SITE_TOML.replace('description = "Ein Tagebuch für Tests"\n', 'image = "teilen.png"\n')
    site = make_site(
        {
            "site.toml": toml,
            "content/posts/2024-01-02-a.md": post("A", "2024-01-02T08:00:00+01:00"),
            "content/static/teilen.png": (
                REPO / "themes/default/static/assets/preview.png"
            ).read_bytes(),
        }
    )
    build_site(site)
    page = read(site, "2024/01/02/a/index.html")
    assert '<meta property="og:image" content="https://example.org/teilen.png">' in page
    # No site description: the front page describes itself by what it lists.
    assert '<meta name="description" content="Einträge auf dieser Seite: A">' in read(
        site, "index.html"
    )
    (site / "content/static/teilen.png").unlink()
    before = snapshot(site / "output")
    result = run_cli("build", "--site", site)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "site.toml: image: no such file in content/static/: teilen.png" in result.stderr
    assert snapshot(site / "output") == before


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "„Still“, ein Eintrag vom Dienstag, 2. Januar 2024"),
        ("en", "“Still”, an entry from Tuesday, January 2, 2024"),
    ],
)
def test_a_post_without_words_is_described_by_its_title_and_date(
    make_site: MakeSite, language: str, expected: str
) -> None:
    toml = SITE_TOML.replace('language = "de"', f'language = "{language}"')
    site = make_site(
        {
            "site.toml": toml,
            "content/posts/2024-01-02-still.md": '+++\ntitle = "Still"\n'
            "date = 2024-01-02T08:00:00+01:00\n+++\n",
        }
    )
    build_site(site)
    assert f'<meta name="description" content="{expected}">' in read(
        site, "2024/01/02/still/index.html"
    )
