"""The uses page: what the owners use and pay for, and what they dropped and why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen.errors import BuildErrors

from .conftest import MakeSite, build_site, check_html, post, read, run_cli, snapshot

USES = """\
intro = "Was in der Werkstatt steht."

[[item]]
name = "Leinenzwirn"
category = "Material"
purpose = "Heften"
since = 2012-03-01
cost = 96
per = "year"
paid_by = "die Werkstatt"
url = "https://zwirnerei.example/zwirn"
why = "Reißt nicht."

[[item]]
name = "Stockpresse"
category = "Werkzeug"
purpose = "Pressen"
since = 2019-11-02
cost = 420
per = "once"

[[item]]
name = "Webspace"
category = "Tagebuch"
purpose = "Liefert die Seiten aus"
since = 2024-05-04
cost = 4.5
per = "month"

[[item]]
name = "Knochenleim"
category = "Material"
purpose = "Rücken leimen"
since = 2012-03-01
until = 2016-08-01
why_dropped = "Der Topf musste den ganzen Tag warm bleiben."
replaced_by = "Weizenstärkekleister"
verdict = "Schön, aber nicht für uns."
"""


@pytest.fixture
def site(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21
    return make_site(
        {
            "content/uses.toml": USES,
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
        }
    )


def text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace(" ,", ",")


def test_the_page_shows_items_grouped_with_costs_and_durations(site: Path) -> None:
    build_site(site)
    page = read(site, "uses/index.html")
    shown = text(page)
    assert shown.index("Im Einsatz") < shown.index("Material") < shown.index("Tagebuch")
    assert shown.index("Tagebuch") < shown.index("Werkzeug") < shown.index("Aufgegeben")
    assert "Seit März 2012, seit 14 Jahren" in shown
    assert "Seit November 2019, seit 6 Jahren" in shown
    assert "Seit Mai 2024, seit 2 Jahren" in shown
    assert "96,00 € im Jahr, es zahlt die Werkstatt" in shown
    assert "420,00 € einmalig" in shown
    assert "Genutzt März 2012 – August 2016, 4 Jahre lang" in shown
    assert "Warum nicht mehr Der Topf musste den ganzen Tag warm bleiben." in shown
    assert "Ersetzt durch Weizenstärkekleister" in shown
    # 96 € a year is 8 € a month, plus 4,50 €; the press was bought once.
    assert "Laufende Kosten von allem, was wir nutzen: 12,50 € im Monat" in shown
    assert '<a href="https://zwirnerei.example/zwirn">Leinenzwirn</a>' in page


def test_durations_follow_the_day_of_the_build_even_with_nothing_else_changed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(site)
    assert "seit 14 Jahren" in text(read(site, "uses/index.html"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830000000")  # 2027-12-28
    assert "uses/index.html" in build_site(site).written
    assert "seit 15 Jahren" in text(read(site, "uses/index.html"))


def test_the_history_is_sorted_newest_first(site: Path) -> None:
    build_site(site)
    history = re.findall(r"<li><time[^>]*>([^<]*)</time> · ([^<(]*)", read(site, "uses/index.html"))
    assert [(when, what.strip()) for when, what in history] == [
        ("Mai 2024", "Neu im Einsatz: Webspace"),
        ("November 2019", "Neu im Einsatz: Stockpresse"),
        ("August 2016", "Aufgegeben: Knochenleim"),
        ("März 2012", "Neu im Einsatz: Knochenleim"),
        ("März 2012", "Neu im Einsatz: Leinenzwirn"),
    ]


def test_the_same_facts_are_published_as_json(site: Path) -> None:
    build_site(site)
    data = json.loads(read(site, "uses.json"))
    assert data["as_of"] == "2026-09-21"
    assert data["monthly_costs"] == [{"currency": "EUR", "amount": 12.5}]
    assert [i["name"] for i in data["current"]] == ["Leinenzwirn", "Stockpresse", "Webspace"]
    assert data["dropped"][0]["until"] == "2016-08-01"
    assert data["dropped"][0]["why_dropped"].startswith("Der Topf")
    assert data["current"][0]["cost"] == {"amount": 96, "currency": "EUR", "per": "year"}


def test_the_page_is_in_the_navigation_and_valid_html(site: Path) -> None:
    build_site(site)
    assert '<a href="/uses/">Was wir nutzen</a>' in read(site, "index.html")
    assert '<a href="/uses/" aria-current="page">' in read(site, "uses/index.html")
    assert "https://example.org/uses/" in read(site, "sitemap.xml")
    # The outside domains of the uses page count on the transparency page.
    assert "<tr><td>zwirnerei.example</td>" in read(site, "transparenz/index.html")
    report = check_html(site / "output")
    assert report.endswith("No errors found."), report
    assert "Warning" not in report and "Error" not in report, report


def test_without_uses_toml_there_is_no_uses_page(make_site: MakeSite) -> None:
    site = make_site({"content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00")})
    build_site(site)
    assert not (site / "output/uses").exists()
    assert "/uses/" not in read(site, "index.html")


BROKEN = """\
[[item]]
name = "Zwirn"
category = "Material"
purpose = "Heften"
since = "2012-03"
farbe = "weiß"

[[item]]
name = "Leim"
category = "Material"
purpose = "Kleben"
since = 2016-08-01
until = 2012-03-01
why_dropped = "zu warm"

[[item]]
name = "Pinsel"
category = "Werkzeug"
purpose = "Kleister auftragen"
since = 2014-01-19
url = "https://www.amazon.de/dp/B0001?tag=werkstatt-21"
cost = 12
"""


def test_every_mistake_in_uses_toml_is_named_with_line_and_path(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/uses.toml": BROKEN,
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    numbers = [int(n) for n in re.findall(r"uses\.toml:(\d+):", result.stderr)]
    assert numbers == sorted(numbers) and len(numbers) == 5
    assert any(line.endswith("content/uses.toml:6: item[0].farbe: unknown key") for line in lines)
    assert any(
        line.endswith("content/uses.toml:5: item[0].since: must be a date like 2011-10-08")
        for line in lines
    )
    assert any(
        line.endswith(
            "content/uses.toml:13: item[1].until: 2012-03-01 is before since = 2016-08-01"
        )
        for line in lines
    )
    assert any(
        "content/uses.toml:21: item[2].url: carries tracking or affiliate parameters; "
        "link to https://www.amazon.de/dp/B0001 instead" in line
        for line in lines
    )
    assert any(
        "content/uses.toml:22: item[2].cost: say what it is for: add per = " in line
        for line in lines
    )


@pytest.mark.parametrize(
    ("toml", "wanted"),
    [
        ('[[item]]\nname = "x"\n', "content/uses.toml:1: item[0].category: missing (required)"),
        ("[[item]\n", "content/uses.toml:1: not valid TOML"),
        (
            '[[item]]\nname = "x"\ncategory = "y"\npurpose = "z"\nsince = 2012-01-01\nuntil = 2013-01-01\n',
            'content/uses.toml:6: item[0].until: something dropped needs why_dropped = "..."',
        ),
        ('waehrung = "EUR"\n', "content/uses.toml:1: waehrung: unknown key"),
    ],
)
def test_a_broken_uses_toml_stops_the_build_and_keeps_the_output(
    make_site: MakeSite, toml: str, wanted: str
) -> None:
    site = make_site({"content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00")})
    build_site(site)
    before = snapshot(site / "output")
    (site / "content/uses.toml").write_text(toml)
    with pytest.raises(BuildErrors if "TOML" not in wanted else Exception) as failure:
        build_site(site)
    assert wanted.removeprefix("content/uses.toml") in str(failure.value)
    assert "uses.toml" in str(failure.value)
    assert snapshot(site / "output") == before


def test_an_english_site_counts_in_english(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    site = make_site(
        {
            "site.toml": 'title = "Diary"\nbase_url = "https://example.org/"\nlanguage = "en"\n',
            "content/uses.toml": USES.replace('intro = "Was in der Werkstatt steht."\n', ""),
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
        }
    )
    build_site(site)
    shown = text(read(site, "uses/index.html"))
    assert "Since March 2012, for 14 years" in shown
    assert "€96.00 a year, paid by die Werkstatt" in shown
    assert "The links carry no affiliate or tracking tags." in shown
