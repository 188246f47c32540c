"""The transparency page: figures measured from the build's own output, and a privacy statement."""

from __future__ import annotations

import csv
import io
import re
import statistics
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from sitegen.errors import BuildErrors

from .conftest import SITE_TOML, MakeSite, build_site, fresh_build, post, read


def jpeg(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


LINKS = """\
Papier von [der Mühle](https://www.papiermuehle.example/shop?utm_source=blog),
Leim von [hier](https://leim.example/) und [dort](https://leim.example/kleister).
Noch einmal [die Mühle](https://papiermuehle.example/ueber).
"""


def figure(page: str, name: str) -> int:
    m = re.search(rf'<div id="{name}"><dt>[^<]*</dt><dd><data value="(\d+)">', page)
    assert m, f"no figure {name}"
    return int(m.group(1))


def served(out: Path, url: str) -> Path:
    rel = url.removeprefix("/")
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def weight(out: Path, page: Path) -> int:
    """What a browser loads for a page: the HTML, its stylesheet and icon, each image's src."""
    html = page.read_text()
    loaded = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]*)"', html)
    loaded += re.findall(r'<img src="([^"]*)"', html)
    return page.stat().st_size + sum(served(out, url).stat().st_size for url in set(loaded))


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", LINKS),
            "content/posts/2013-06-27-b/index.md": post(
                "B", "2013-06-27T06:25:00+02:00", "![Die Presse](presse.jpg)"
            ),
            "content/posts/2013-06-27-b/presse.jpg": jpeg(),
            "content/posts/2013-06-28-c.md": post(
                "C", "2013-06-28T06:25:00+02:00", aliases=["/alt/c/"]
            ),
            "content/pages/ueber.md": '+++\ntitle = "Über"\nupdated = 2014-02-03\n+++\nText.\n',
        }
    )


def test_the_figures_are_measured_from_the_output(site: Path) -> None:
    build_site(site)
    out = site / "output"
    page = read(site, "transparenz/index.html")
    pages = [
        p
        for p in out.rglob("*.html")
        if p != out / "transparenz/index.html" and 'http-equiv="refresh"' not in p.read_text()
    ]
    weights = sorted(weight(out, p) for p in pages)
    assert figure(page, "requests") == 0
    assert figure(page, "cookies") == 0
    assert figure(page, "script") == 0
    assert figure(page, "pages") == len(pages)
    assert figure(page, "weight-max") == weights[-1]
    assert figure(page, "weight-median") == int(statistics.median(weights))
    heaviest = re.search(r'<div id="weight-max">.*?<a href="([^"]*)"', page)
    # The heaviest by the oracle's count: the year page with its calendar outweighs the
    # post with the (tiny) photo.
    top = max(pages, key=lambda p: weight(out, p)).parent.relative_to(out).as_posix()
    assert heaviest and heaviest.group(1) == f"/{top}/"
    assert "Dazu kommen 1 Weiterleitungen von alten Adressen." in page
    assert "Diese Seite selbst ist nicht mitgezählt" in page


def test_every_page_weight_is_in_the_data_file_beside_the_page(site: Path) -> None:
    build_site(site)
    out = site / "output"
    tree = lxml.html.fromstring((out / "transparenz/index.html").read_bytes())
    link = tree.xpath('//details[@class="chart-data"]//a[@type="text/csv"]')[0]
    data = served(out, link.get("href")).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(data)))
    pages = [
        p
        for p in out.rglob("*.html")
        if p != out / "transparenz/index.html" and 'http-equiv="refresh"' not in p.read_text()
    ]
    # The oracle: each page's weight, added up by hand from the built files.
    wanted = {
        "/" + p.relative_to(out).as_posix().removesuffix("index.html"): weight(out, p)
        for p in pages
    }
    assert {r["page"]: int(r["total"]) for r in rows} == wanted
    kinds = ("html", "css", "images", "media")
    assert all(sum(int(r[k]) for k in kinds) == int(r["total"]) for r in rows)
    # The heaviest page by the oracle's count heads the list of the heaviest on the page.
    named = tree.xpath('//details[@class="chart-data"]//table[2]/tbody/tr/th/a/@href')
    heaviest = max(wanted, key=lambda url: (wanted[url], url))
    assert named[2] == heaviest


def test_the_page_names_a_few_pages_and_the_data_file_all(make_site: MakeSite) -> None:
    posts = {
        f"content/posts/2013-06-{day:02d}-p.md": post(
            f"P{day}", f"2013-06-{day:02d}T06:25:00+02:00"
        )
        for day in range(1, 29)
    }
    site = make_site(posts)
    build_site(site)
    tree = lxml.html.fromstring(read(site, "transparenz/index.html"))
    pages = figure(read(site, "transparenz/index.html"), "pages")
    data = (site / "output/transparenz/page-weights.csv").read_text(encoding="utf-8")
    assert pages > 40 and len(data.splitlines()) == pages + 1
    # The home page, the median page and the ten heaviest: no list that grows with the site.
    named = tree.xpath('//details[@class="chart-data"]//table[2]/tbody/tr')
    assert len(named) == 12
    # The ten heaviest, heaviest first; the first is the page the figures name.
    totals = [int(r.xpath("td[last()]/data")[0].get("value")) for r in named[2:]]
    assert totals == sorted(totals, reverse=True)
    heaviest = tree.xpath('//div[@id="weight-max"]//a/@href')[0]
    assert named[2].xpath("th/a/@href")[0] == heaviest
    assert totals[0] == figure(read(site, "transparenz/index.html"), "weight-max")
    bins = tree.xpath('//details[@class="chart-data"]//table[1]/tbody/tr')
    assert sum(int(r.findtext("td")) for r in bins) == pages


def test_every_outside_domain_linked_is_listed_with_its_count(site: Path) -> None:
    build_site(site)
    page = read(site, "transparenz/index.html")
    rows = re.findall(r'<tr><td>([^<]*)</td><td class="align-right">(\d+)</td></tr>', page)
    assert rows == [("leim.example", "2"), ("papiermuehle.example", "2")]
    assert '<a href="https://leim.example' not in page  # named, not linked


def test_the_newest_content_date_comes_from_the_content_not_the_clock(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_site(site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    one = (site / "output/transparenz/index.html").read_bytes()
    assert one == fresh_build(site, tmp_path / "later")["transparenz/index.html"]
    assert "Neuester Inhalt: Montag, 3. Februar 2014." in one.decode()
    assert "sitegen 0." in one.decode()


def test_the_privacy_statement_follows_the_facts(site: Path) -> None:
    build_site(site)
    page = read(site, "transparenz/index.html")
    statement = page[page.index('id="privacy"') :]
    assert "Verantwortlich für diese Website: Ada." in statement
    assert "Diese Website lädt nichts von anderen Servern" in statement
    assert "Die Website setzt keine Cookies" in statement
    assert "Sie enthält kein JavaScript" in statement
    assert "teilt Ihr Browser dieser nicht mit" in statement
    assert "Keine. Die Website darf nichts von anderen Servern laden" in page


def test_an_allowed_host_is_named_counted_and_disclosed(make_site: MakeSite) -> None:
    image = '<img src="https://media.example.net/bild.jpg" alt="Bild">'
    site = make_site(
        {
            "site.toml": SITE_TOML + '\n[audit]\nallow = ["media.example.net"]\n',
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", image),
        }
    )
    build_site(site)
    page = read(site, "transparenz/index.html")
    # The post's page and the three feeds that carry its text: four places.
    assert figure(page, "requests") == 4
    assert "<li>media.example.net: 4 Stellen</li>" in page
    assert "von diesen anderen Servern: media.example.net." in page
    assert "Diese Website lädt nichts von anderen Servern" not in page
    assert "Darüber hinaus erhebt" not in page


def test_the_page_is_in_the_navigation_and_in_english_at_transparency(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "site.toml": 'title = "Diary"\nbase_url = "https://example.org/blog/"\nlanguage = "en"\n',
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
        }
    )
    build_site(site)
    assert '<a href="/blog/transparency/">Transparency</a>' in read(site, "index.html")
    page = read(site, "transparency/index.html")
    assert '<a href="/blog/transparency/" aria-current="page">Transparency</a>' in page
    assert "Privacy statement" in page and "The site sets no cookies" in page
    assert "https://example.org/blog/transparency/" in read(site, "sitemap.xml")


def test_the_page_is_audited_too(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": SITE_TOML.replace("paginate", 'theme = "mine"\npaginate'),
            "themes/mine/theme.toml": 'extends = "default"\n',
            "themes/mine/templates/transparency.html": (
                '{% extends "default!transparency.html" %}\n{% block main %}'
                '<img src="https://stats.example.net/p.gif" alt="">{% endblock %}\n'
            ),
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
        }
    )
    with pytest.raises(BuildErrors, match=r"transparenz/index\.html:\d+: <img src>.*stats"):
        build_site(site)
    assert not (site / "output").exists()


def test_a_new_post_changes_the_figures_and_the_page(site: Path) -> None:
    build_site(site)
    before = figure(read(site, "transparenz/index.html"), "pages")
    (site / "content/posts/2013-06-29-d.md").write_text(post("D", "2013-06-29T06:25:00+02:00"))
    report = build_site(site)
    assert "transparenz/index.html" in report.written
    assert figure(read(site, "transparenz/index.html"), "pages") > before
    again = build_site(site)
    assert again.written == ()
