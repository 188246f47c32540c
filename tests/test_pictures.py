"""The pictures on built pages carry the content they are drawn from, and can be switched off.

Each test builds a site and reads the SVG back out of the page (lxml), comparing its
marks with the posts, places and uses it was made from.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import lxml.html

from .conftest import SITE_TOML, MakeSite, build_site, post

USES = """\
currency = "EUR"

[[item]]
name = "Zwirn"
category = "Material"
purpose = "Heften"
since = 2012-03-01
cost = 96
per = "year"

[[item]]
name = "Knochenleim"
category = "Material"
purpose = "Leimen"
since = 2012-03-01
until = 2016-08-01
cost = 4
per = "month"
why_dropped = "Zu warm."

[[item]]
name = "Webspace"
category = "Technik"
purpose = "Website"
since = 2019-05-01
cost = 4.5
per = "month"
"""


def _site(make_site: MakeSite, toml: str = SITE_TOML) -> Path:
    return make_site(
        {
            "site.toml": toml,
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Leipzig"
            ),
            "content/posts/2013-06-27-b.md": post(
                "B", "2013-06-27T07:00:00+02:00", location="Leipzig", dream="Ein Traum."
            ),
            "content/posts/2013-06-27-c.md": post(
                "C", "2013-06-27T21:00:00+02:00", location="Berlin"
            ),
            "content/posts/2013-09-01-d.md": post(
                "D", "2013-09-01T08:00:00+02:00", location="Leipzig"
            ),
            "content/posts/2014-01-02-e.md": post(
                "E", "2014-01-02T08:00:00+01:00", location="Im Zug"
            ),
            "content/uses.toml": USES,
        }
    )


def _tree(site: Path, output: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / "output" / output).read_bytes())


def _marks(tree: lxml.html.HtmlElement, chart: str, mark: str) -> list[lxml.html.HtmlElement]:
    return tree.xpath(
        f'//svg[contains(@class, "chart-{chart}")]//*[contains(concat(" ", @class, " "), " {mark} ")]'
    )


def test_places_a_point_per_located_place_a_row_per_place_a_page_per_place(
    make_site: MakeSite,
) -> None:
    site = _site(make_site)
    report = build_site(site)
    assert [str(w).split("warning: ")[1].split(" is")[0] for w in report.warnings] == [
        "location 'Im Zug'"
    ]
    places = _tree(site, "orte/index.html")
    points = sorted(p.findtext("title") for p in _marks(places, "map", "chart-point"))
    assert points == ["Berlin: 1 Einträge", "Leipzig: 3 Einträge"]
    svg = places.xpath('//svg[contains(@class, "chart-map")]')[0]
    assert svg.get("role") == "img" and svg.findtext("title") and svg.findtext("desc")
    rows = places.xpath('//table[@class="place-list"]/tbody/tr')
    assert [(r.xpath("th/a")[0].text, r.xpath("td")[0].text) for r in rows] == [
        ("Leipzig", "3"),
        ("Berlin", "1"),
        ("Im Zug", "1"),
    ]
    assert "Im Zug" in places.xpath('string(//p[contains(., "keiner Karte")])')
    # A page per place, paginated as the site is (two entries a page), newest first.
    leipzig = _tree(site, "orte/leipzig/index.html")
    titles = [a.text for a in leipzig.xpath('//h2[@class="p-name"]/a')]
    assert titles == ["D", "B"]
    page_two = _tree(site, "orte/leipzig/page/2/index.html")
    assert [a.text for a in page_two.xpath('//h2[@class="p-name"]/a')] == ["A"]
    # The diary line of a post links to its place's page.
    line = _tree(site, "2013/06/27/c/index.html").xpath('//p[@class="diary-line"]/a')[0]
    assert line.text == "Berlin" and line.get("href") == "/orte/berlin/"
    sitemap = (site / "output/sitemap.xml").read_text(encoding="utf-8")
    for path in ("orte/", "orte/leipzig/", "orte/berlin/", "orte/im-zug/"):
        assert f"<loc>https://example.org/{path}</loc>" in sitemap
    assert "orte/leipzig/page/2/" not in sitemap


def test_the_calendar_marks_every_day_written_and_every_dream(make_site: MakeSite) -> None:
    site = _site(make_site)
    build_site(site)
    year = _tree(site, "2013/index.html")
    days = sorted(m.get("data-day") for m in _marks(year, "calendar", "chart-entry"))
    assert days == ["2013-06-26", "2013-06-27", "2013-09-01"]
    dreams = [m.get("data-day") for m in _marks(year, "calendar", "chart-dream")]
    assert dreams == ["2013-06-27"]
    empty = _marks(year, "calendar", "chart-day")[0].get("d").count("M")
    assert empty + len(_marks(year, "calendar", "chart-entry")) == 365
    # The numbers beside it say the same: entries per month.
    table = year.xpath('//details[@class="chart-data"]//table')[0]
    counts = [int(td.text) for td in table.xpath("tbody/tr/td[1]")]
    assert counts[5] == 3 and counts[8] == 1 and sum(counts) == 4
    # The whole diary, month by month, on the newest year's archive; the others link there.
    assert _marks(year, "months", "chart-point") == []
    assert year.xpath('//p[@class="whole-diary"]/a/@href') == ["/2014/#whole-diary"]
    newest = _tree(site, "2014/index.html")
    months = {
        m.get("data-month"): int(m.get("data-count"))
        for m in _marks(newest, "months", "chart-point")
    }
    assert months == {"2013-06": 3, "2013-09": 1, "2014-01": 1}
    assert newest.xpath('//*[@id="whole-diary"]') and not newest.xpath('//p[@class="whole-diary"]')


def test_a_long_diary_draws_its_months_once_not_once_a_year(make_site: MakeSite) -> None:
    # Forty years of entries, some months twice: the months picture is on one archive only,
    # so the archives together grow with the diary, not with the square of its years.
    written = [dt.date(1977 + n, 1 + n % 12, 1 + n % 28) for n in range(40)]
    written += [dt.date(1990, 3, 2), dt.date(2016, 4, 30)]
    files = {"site.toml": SITE_TOML}
    for n, day in enumerate(written):
        files[f"content/posts/{day}-e{n}.md"] = post(f"Eintrag {n}", day.isoformat())
    site = make_site(files)
    build_site(site)
    drawn: dict[str, list[tuple[str, int]]] = {}
    for year in sorted({d.year for d in written}):
        page = _tree(site, f"{year}/index.html")
        points = _marks(page, "months", "chart-point")
        drawn[str(year)] = [(m.get("data-month"), int(m.get("data-count"))) for m in points]
        if year != 2016:
            assert page.xpath('//p[@class="whole-diary"]/a/@href') == ["/2016/#whole-diary"]
    expected: dict[str, int] = {}
    for day in written:
        expected[f"{day:%Y-%m}"] = expected.get(f"{day:%Y-%m}", 0) + 1
    assert {y: p for y, p in drawn.items() if p} == {"2016": sorted(expected.items())}


def test_uses_a_bar_per_item_and_a_step_per_change_of_costs(make_site: MakeSite) -> None:
    site = _site(make_site)
    build_site(site)
    uses = _tree(site, "uses/index.html")
    bars = sorted(
        (b.get("data-since"), b.get("data-until")) for b in _marks(uses, "timeline", "chart-span")
    )
    # The site counts to its own day (Europe/Berlin), which may be ahead of the machine's.
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Berlin")).date().isoformat()
    assert bars[0] == ("2012-03-01", "2016-08-01")
    assert bars[1][0] == "2012-03-01" and bars[1][1] >= "2026-01-01" and bars[1][1] <= today
    assert bars[2][0] == "2019-05-01"
    steps = [
        (p.get("data-date"), p.get("data-value")) for p in _marks(uses, "costs", "chart-point")
    ]
    assert steps == [("2012-03-01", "12"), ("2016-08-01", "8"), ("2019-05-01", "12.5")]


def test_transparency_every_page_counted_once(make_site: MakeSite) -> None:
    site = _site(make_site)
    build_site(site)
    page = _tree(site, "transparenz/index.html")
    bars = _marks(page, "weights", "chart-bar")
    counted = sum(int(b.get("data-count")) for b in bars)
    assert counted == int(page.xpath('//div[@id="pages"]//data')[0].get("value"))
    # The numbers beside it say the same: a row a bin, with the bars' ranges and counts.
    table = page.xpath('//details[@class="chart-data"]//table')[0]
    rows = [
        (*(int(d.get("value")) for d in r.xpath("th/data")), int(r.findtext("td")))
        for r in table.xpath("tbody/tr")
    ]
    drawn = [tuple(int(b.get(k)) for k in ("data-low", "data-high", "data-count")) for b in bars]
    assert [r for r in rows if r[2]] == drawn
    assert sum(r[2] for r in rows) == counted
    assert "Web Almanac 2024" in page.text_content()


def test_every_picture_can_be_switched_off(make_site: MakeSite) -> None:
    off = "\n[charts]\nplaces = false\ncalendar = false\nweights = false\nuses = false\n"
    site = _site(make_site, SITE_TOML + off)
    report = build_site(site)
    assert report.warnings == ()
    assert not (site / "output/orte").exists()
    assert not (site / "output/transparenz/page-weights.csv").exists()
    for output in ("2013/index.html", "uses/index.html", "transparenz/index.html"):
        assert not _tree(site, output).xpath("//svg"), output
    assert not _tree(site, "2013/06/27/c/index.html").xpath('//p[@class="diary-line"]/a')
