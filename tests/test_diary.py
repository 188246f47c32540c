"""Diary entries: location, local time of writing, day N, the dream, and the diary's own views."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tomllib
import zoneinfo
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from .conftest import (
    SITE_TOML,
    MakeSite,
    build_site,
    check_html,
    missing,
    only_data_blocks,
    post,
    read,
    run_cli,
)

ENGLISH = SITE_TOML.replace('language = "de"', 'language = "en"')

MEASURED = {"transparenz/index.html", "transparenz/page-weights.csv"}
"""The transparency page and its list of every page's weight, measured from the others."""


def diary_line(page: str) -> str:
    """The text of the first diary line on a page, as a reader sees it."""
    line = re.search(r'<p class="diary-line">(.*?)</p>', page, re.S)
    assert line is not None, "no diary line"
    return re.sub(r"<[^>]+>", "", line.group(1))


def dream_aside(page: str) -> str:
    aside = re.search(r'<aside class="dream"[^>]*>(.*?)</aside>', page, re.S)
    assert aside is not None, "no dream"
    return aside.group(1)


def body(page: str) -> str:
    content = re.search(r'<div class="e-content">(.*?)</div>', page, re.S)
    assert content is not None
    return content.group(1)


# Fields and the diary line ------------------------------------------------------------


def test_day_is_counted_from_day_zero_in_the_local_date(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin"
            ),
            # 23:30 in New York is already the next day in Berlin: the local date counts.
            "content/posts/2013-06-27-b.md": post(
                "B", "2013-06-27T23:30:00-04:00", location="New York"
            ),
        }
    )
    report = build_site(site)
    assert diary_line(read(site, "2013/06/26/a/index.html")) == "Berlin, 6:25, Tag 627"
    assert diary_line(read(site, "2013/06/27/b/index.html")) == "New York, 23:30, Tag 628"
    assert report.warnings == ()


def test_a_given_day_is_shown_and_a_disagreeing_one_warns_naming_the_file(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin", day=627
            ),
            "content/posts/2016-08-09-istanbul.md": post(
                "Istanbul", "2016-08-09T06:05:00+03:00", location="Istanbul", day=570
            ),
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    # The imported archive kept its own count: shown as given, with a warning naming path:line.
    assert diary_line(read(site, "2016/08/09/istanbul/index.html")) == "Istanbul, 6:05, Tag 570"
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1
    assert re.search(r"content/posts/2016-08-09-istanbul\.md:5: warning: day = 570", warnings[0])
    assert "day 1767" in warnings[0]


def test_zone_label_follows_the_local_time_which_is_never_converted(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2016-08-09-istanbul.md": post(
                "Istanbul",
                "2016-08-09T06:05:00+01:00",
                location="Istanbul",
                zone="CET",
                day=570,
            ),
        }
    )
    build_site(site)
    page = read(site, "2016/08/09/istanbul/index.html")
    # Berlin (the site's zone) was at 7:05; the entry says what the writer's clock said.
    assert diary_line(page) == "Istanbul, 6:05 CET, Tag 570"
    assert '<time datetime="2016-08-09T06:05:00+01:00">6:05</time>' in page


def test_an_english_site_says_day(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": ENGLISH,
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin"
            ),
        }
    )
    build_site(site)
    assert diary_line(read(site, "2013/06/26/a/index.html")) == "Berlin, 6:25, Day 627"


def test_listings_show_the_diary_line_under_each_title(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin"
            ),
            "content/posts/2013-06-27-b.md": post(
                "B", "2013-06-27T07:00:00+02:00", location="Leipzig", tags=["Werkstatt"]
            ),
        }
    )
    build_site(site)
    for output in ("index.html", "tags/werkstatt/index.html"):
        page = read(site, output)
        entries = re.findall(r'<article class="h-entry entry">.*?</article>', page, re.S)
        assert entries, output
        for entry in entries:
            title = entry.index('class="p-name"')
            assert entry.index('class="diary-line"') > title
    index = read(site, "index.html")
    assert "Leipzig, 7:00, Tag 628" in re.sub(r"<[^>]+>", "", index)


def test_a_post_without_location_time_or_day_shows_no_empty_line(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace("[diary]\nday_zero = 2011-10-08\n", "")
    site = make_site({"site.toml": toml, "content/posts/2013-06-26-a.md": post("A", "2013-06-26")})
    build_site(site)
    assert "diary-line" not in read(site, "2013/06/26/a/index.html")


# The dream ------------------------------------------------------------------------------


def test_a_dream_in_front_matter_is_set_apart_from_the_text(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A",
                "2013-06-26T06:25:00+02:00",
                "Der Tag.",
                dream="Heute Nacht war das Regal *leer*.",
            ),
        }
    )
    build_site(site)
    page = read(site, "2013/06/26/a/index.html")
    aside = dream_aside(page)
    assert '<p class="dream-label">Traum</p>' in aside
    assert "<em>leer</em>" in aside
    assert "Regal" not in body(page) and "Der Tag." in body(page)


def test_a_dream_block_at_the_top_of_the_body_is_the_dream(make_site: MakeSite) -> None:
    text = """
    ::: dream
    Letzte Nacht lief ich über eine Brücke, die beim Gehen länger wurde.

    Am Ende stand [der erste Eintrag](2013-06-26-a.md).
    :::

    Heute früh in der Werkstatt.
    """
    site = make_site(
        {
            "site.toml": ENGLISH,
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T07:00:00+02:00", text),
        }
    )
    report = build_site(site)
    page = read(site, "2013/06/27/b/index.html")
    aside = dream_aside(page)
    assert '<p class="dream-label">Dream</p>' in aside
    assert "Brücke" in aside and '<a href="/2013/06/26/a/">der erste Eintrag</a>' in aside
    assert ":::" not in page
    assert body(page).strip() == "<p>Heute früh in der Werkstatt.</p>"
    # The summary (listings, meta description) is the text's, not the dream's.
    assert '<meta name="description" content="Heute früh in der Werkstatt.">' in page
    assert report.warnings == ()


def test_a_dream_block_keeps_code_fences_whole(make_site: MakeSite) -> None:
    text = """
    ::: dream
    Ich träumte in Markdown:

    ```
    :::
    ```
    :::

    Wach.
    """
    site = make_site(
        {"content/posts/2013-06-27-b.md": post("B", "2013-06-27T07:00:00+02:00", text)}
    )
    build_site(site)
    page = read(site, "2013/06/27/b/index.html")
    assert "<code>:::\n</code>" in dream_aside(page)
    assert body(page).strip() == "<p>Wach.</p>"


def test_a_dream_block_that_is_never_closed_names_path_and_line(make_site: MakeSite) -> None:
    text = "::: dream\nHeute Nacht ...\n\nDer Tag."
    site = make_site(
        {"content/posts/2013-06-27-b.md": post("B", "2013-06-27T07:00:00+02:00", text)}
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "content/posts/2013-06-27-b.md:6: the ::: dream block is never closed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site / "output").exists()


def test_two_dreams_are_an_error(make_site: MakeSite) -> None:
    text = "::: dream\nHeute Nacht ...\n:::\n\nDer Tag."
    site = make_site(
        {
            "content/posts/2013-06-27-b.md": post(
                "B", "2013-06-27T07:00:00+02:00", text, dream="Auch geträumt."
            )
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "2013-06-27-b.md:7: two dreams: one in the front matter (line 4)" in result.stderr


def test_a_dream_block_below_the_top_warns(make_site: MakeSite) -> None:
    text = "Erst der Tag.\n\n::: dream\nDann der Traum.\n:::\n"
    site = make_site(
        {"content/posts/2013-06-27-b.md": post("B", "2013-06-27T07:00:00+02:00", text)}
    )
    report = build_site(site)
    assert [str(w).split("content/")[-1] for w in report.warnings] == [
        "posts/2013-06-27-b.md:8: warning: a ::: dream block counts only at the top "
        "of the text, before anything else; this one is shown as text"
    ]
    assert 'class="dream"' not in read(site, "2013/06/27/b/index.html")


# Bad input ------------------------------------------------------------------------------


def test_bad_day_and_date_without_zone_name_path_and_line(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace('timezone = "Europe/Berlin"\n', "")
    site = make_site(
        {
            "site.toml": toml,
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", day=0),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T07:00:00"),
            "content/posts/2013-06-28-c.md": post("C", "2013-06-28T07:00:00+02:00", day="3"),
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "2013-06-26-a.md:4: day must be a positive integer, not 0" in result.stderr
    assert "2013-06-27-b.md:3: the date has no UTC offset and site.toml sets no timezone" in (
        result.stderr
    )
    assert "2013-06-28-c.md:4: day must be a positive integer, not '3'" in result.stderr
    assert "Traceback" not in result.stderr


# Machine-readable -----------------------------------------------------------------------


def json_ld(page: str) -> dict[str, object]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    data: dict[str, object] = json.loads(blocks[0])
    return data


def test_a_post_carries_json_ld_blogposting(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "Es ist ein Dschungel",
                "2013-06-26T06:25:00+02:00",
                location="Berlin",
                tags=["Werkstatt"],
            ),
        }
    )
    build_site(site)
    data = json_ld(read(site, "2013/06/26/a/index.html"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "Es ist ein Dschungel"
    assert data["dateCreated"] == data["datePublished"] == "2013-06-26T06:25:00+02:00"
    assert data["contentLocation"] == {"@type": "Place", "name": "Berlin"}
    assert data["position"] == 627  # day 627 of the diary
    assert data["url"] == "https://example.org/2013/06/26/a/"
    assert data["author"] == {"@type": "Person", "name": "Ada", "url": "https://example.org/"}
    assert data["inLanguage"] == "de" and data["keywords"] == ["Werkstatt"]


def test_json_ld_cannot_be_broken_out_of(make_site: MakeSite) -> None:
    title = "Über </script><b>fett</b> & 'so'"
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                title.replace("'", "\\u0027"), "2013-06-26T06:25:00+02:00", location="Köln"
            ),
        }
    )
    build_site(site)
    page = read(site, "2013/06/26/a/index.html")
    data = json_ld(page)
    assert data["headline"] == title
    assert '"name": "Köln"' in page  # readable, not \\u00f6


def test_h_entry_names_location_date_url_and_content(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", "Der Tag.", location="Berlin", tags=["Reise"]
            ),
        }
    )
    build_site(site)
    page = BeautifulSoup(read(site, "2013/06/26/a/index.html"), "html.parser")
    entry = page.select_one(".h-entry")
    assert entry is not None

    def prop(name: str) -> Tag:
        found = entry.select_one(f".{name}")
        assert isinstance(found, Tag), name
        return found

    assert prop("p-name").get_text() == "A"
    assert prop("p-location").get_text() == "Berlin"
    assert prop("dt-published")["datetime"] == "2013-06-26T06:25:00+02:00"
    assert prop("u-url")["href"] == "/2013/06/26/a/"
    assert prop("e-content").get_text().strip() == "Der Tag."
    assert prop("p-category").get_text() == "Reise"
    assert prop("p-author").get_text() == "Ada"


def test_the_csp_leaves_json_ld_alone_and_the_checker_accepts_it(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin", dream="Geträumt."
            ),
        }
    )
    build_site(site)
    assert only_data_blocks(site / "output")  # no page has a script that would run
    report = check_html(site / "output")
    assert report.endswith("No errors found."), report
    assert "Warning" not in report, report
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing("Chromium, which loads the page", "apt-get install chromium")
    page = site / "output/2013/06/26/a/index.html"
    result = subprocess.run(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "application/ld+json" in result.stdout  # the page loaded
    # A data block is never run, so the policy has nothing to block or report.
    assert "Content Security Policy" not in result.stderr, result.stderr


# Language -------------------------------------------------------------------------------

FRENCH = """\
skip_to_content = "Aller au texte"
home = "Accueil"
site_navigation = "Site"
tags = "Mots-clés"
all_tags = "Tous les mots-clés"
archive = "Archives"
tag_title = "Mot-clé « {name} »"
year_title = "{year}"
posts_count = "{count} entrées"
post_count_one = "1 entrée"
newer = "Plus récent"
older = "Plus ancien"
newer_posts = "Entrées plus récentes"
older_posts = "Entrées plus anciennes"
page_of = "Page {number} sur {total}"
pagination = "Pages"
post_navigation = "Autres entrées"
day = "Jour {day}"
dream = "Rêve"
time_format = "H:mm"
date_format = "full"
short_date_format = "medium"
reading_time = "{minutes} min"
updated = "mis à jour"
tagged = "Mots-clés :"
written_by = "Écrit par"
not_found_title = "Introuvable"
not_found_text = "Il n'y a rien à cette adresse."
back_home = "Vers l'accueil"
no_posts = "Rien de publié pour l'instant."
footer_note = "Ni publicité, ni traceurs, ni cookies."
quotes = "«»‹›"
footnotes = "Notes"
dreams = "Rêves"
dreams_slug = "rêves"
dreams_description = "Tous les rêves du journal."
on_this_day = "Ce jour-là"
"""


def test_a_new_language_needs_only_its_translation_file(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace('language = "de"', 'language = "fr"').replace(
        "paginate = 2", 'paginate = 2\ntheme = "mine"'
    )
    text = 'Il a dit "bonjour".[^1]\n\n[^1]: Une note.'
    site = make_site(
        {
            "site.toml": toml,
            "themes/mine/theme.toml": 'extends = "default"\n',
            "themes/mine/i18n/fr.toml": FRENCH,
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", text, location="Paris", dream="Un rêve."
            ),
        }
    )
    build_site(site)
    page = read(site, "2013/06/26/a/index.html")
    assert '<html lang="fr">' in page
    assert "mercredi 26 juin 2013" in page  # Babel's French date
    assert diary_line(page) == "Paris, 6:25, Jour 627"
    assert '<p class="dream-label">Rêve</p>' in page
    assert "Il a dit «bonjour»." in page  # French quotes in the text
    assert '<h2 class="visually-hidden">Notes</h2>' in page
    assert "Aller au texte" in page and "Ni publicité" in page
    for english in ("Skip to the text", "Day 627", "Dream", "Footnotes", "Home"):
        assert english not in page
    dreams = read(site, "reves/index.html")
    assert "<h1>Rêves</h1>" in dreams and "Un rêve." in dreams


def test_a_regional_language_falls_back_to_its_base_language(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace('language = "de"', 'language = "de-AT"')
    site = make_site(
        {
            "site.toml": toml,
            "content/posts/2013-01-02-a.md": post("A", "2013-01-02T06:25:00+01:00"),
        }
    )
    build_site(site)
    page = read(site, "2013/01/02/a/index.html")
    assert "Mittwoch, 2. Jänner 2013" in page  # Austrian month name, from Babel
    assert "Zum Text springen" in page and "Tag 452" in page  # strings of de.toml


def test_a_language_without_dates_is_a_config_error(make_site: MakeSite) -> None:
    site = make_site({"site.toml": SITE_TOML.replace('language = "de"', 'language = "xq"')})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "site.toml: language: no dates known for 'xq'" in result.stderr
    assert "Traceback" not in result.stderr


def test_quotes_in_a_translation_must_be_four_characters(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace("paginate = 2", 'paginate = 2\ntheme = "mine"')
    site = make_site(
        {
            "site.toml": toml,
            "themes/mine/theme.toml": 'extends = "default"\n',
            "themes/mine/i18n/de.toml": 'quotes = "„“"\n',
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "themes/mine/i18n/de.toml: quotes must be four characters" in result.stderr


# Diary views ----------------------------------------------------------------------------


def dream_site(make_site: MakeSite, toml: str = SITE_TOML) -> Path:
    return make_site(
        {
            "site.toml": toml,
            "content/posts/2013-06-26-dschungel.md": post(
                "Dschungel", "2013-06-26T06:25:00+02:00", dream="Ein Regal bis zum Himmel."
            ),
            "content/posts/2013-06-27-regen.md": post("Regen", "2013-06-27T21:40:00+02:00"),
            "content/posts/2014-06-26-werkbank.md": post(
                "Werkbank",
                "2014-06-26T07:00:00+02:00",
                "::: dream\nEine Brücke, die länger wurde.\n:::\n\nDer Tag.",
            ),
            # 23:30 in New York: still the 26th where it was written.
            "content/posts/2015-06-26-new-york.md": post(
                "New York", "2015-06-26T23:30:00-04:00", location="New York"
            ),
            "content/posts/2016-06-26-heute.md": post("Heute", "2016-06-26T06:00:00+02:00"),
        }
    )


def test_the_dreams_page_lists_every_dream_with_date_and_link(make_site: MakeSite) -> None:
    site = dream_site(make_site)
    build_site(site)
    page = read(site, "traeume/index.html")
    assert "<h1>Träume</h1>" in page
    items = re.findall(r"<li>(.*?)</li>", page.split('class="dream-list"')[1], re.S)
    assert len(items) == 2  # newest first, each with its date, day and entry
    assert "Donnerstag, 26. Juni 2014" in items[0] and "Tag 992" in items[0]
    assert '<a href="/2014/06/26/werkbank/">Werkbank</a>' in items[0]
    assert "Eine Brücke, die länger wurde." in items[0]
    assert "Mittwoch, 26. Juni 2013" in items[1] and "Ein Regal bis zum Himmel." in items[1]
    # Every page leads there.
    nav = '<a href="/traeume/">Träume</a>'
    assert nav in read(site, "index.html") and nav in read(site, "2013/06/27/regen/index.html")


def test_an_english_site_has_a_dreams_page(make_site: MakeSite) -> None:
    site = dream_site(make_site, ENGLISH)
    build_site(site)
    assert "<h1>Dreams</h1>" in read(site, "dreams/index.html")
    assert '<a href="/dreams/">Dreams</a>' in read(site, "index.html")
    assert not (site / "output/traeume").exists()


def test_no_dreams_no_dreams_page(make_site: MakeSite) -> None:
    plain = make_site(
        {"content/posts/2013-06-27-regen.md": post("Regen", "2013-06-27T21:40:00+02:00")}
    )
    build_site(plain)
    assert not (plain / "output/traeume").exists()
    assert "/traeume/" not in read(plain, "index.html")


def test_on_this_day_links_entries_of_the_same_day_in_earlier_years(make_site: MakeSite) -> None:
    site = dream_site(make_site)
    build_site(site)

    def on_this_day(output: str) -> list[str]:
        page = read(site, output)
        nav = re.search(r'<nav class="on-this-day"[^>]*>(.*?)</nav>', page, re.S)
        return re.findall(r'<a href="([^"]+)">', nav.group(1)) if nav else []

    assert on_this_day("2016/06/26/heute/index.html") == [
        "/2015/06/26/new-york/",
        "/2014/06/26/werkbank/",
        "/2013/06/26/dschungel/",
    ]
    assert on_this_day("2014/06/26/werkbank/index.html") == ["/2013/06/26/dschungel/"]
    assert on_this_day("2013/06/26/dschungel/index.html") == []  # nothing earlier
    assert on_this_day("2013/06/27/regen/index.html") == []
    assert "An diesem Tag" in read(site, "2016/06/26/heute/index.html")


def test_on_this_day_shows_the_nearest_thirty_of_a_long_diary(make_site: MakeSite) -> None:
    # 26 June in every year from 1976 to 2016, twice in 2000: each page's list is what the
    # dates alone say, the newest first, cut at thirty (and the 27 June post has none).
    written = [dt.datetime(year, 6, 26, 7, tzinfo=dt.UTC) for year in range(1976, 2017)]
    written.append(dt.datetime(2000, 6, 26, 22, tzinfo=dt.UTC))
    written.append(dt.datetime(1999, 6, 27, 7, tzinfo=dt.UTC))
    files = {"site.toml": SITE_TOML}
    for when in written:
        name = f"{when:%Y-%m-%d}-{when:%H}"
        files[f"content/posts/{name}.md"] = post(f"Um {when:%H} Uhr", when.isoformat())
    site = make_site(files)
    build_site(site)
    for when in written:
        earlier = sorted(
            (
                d
                for d in written
                if (d.month, d.day) == (when.month, when.day) and d.year < when.year
            ),
            reverse=True,
        )
        expected = [f"/{d:%Y/%m/%d/%H}/" for d in earlier[:30]]
        page = read(site, f"{when:%Y/%m/%d/%H}/index.html")
        nav = re.search(r'<nav class="on-this-day"[^>]*>(.*?)</nav>', page, re.S)
        shown = re.findall(r'<a href="([^"]+)">', nav.group(1)) if nav else []
        assert shown == expected, when


def test_the_year_archive_shows_day_numbers(make_site: MakeSite) -> None:
    site = dream_site(make_site)
    build_site(site)
    archive = re.sub(r"<[^>]+>", "", read(site, "2013/index.html"))
    assert re.search(r"26\.06\.2013\s+Tag 627\s+Dschungel", archive)
    assert re.search(r"27\.06\.2013\s+Tag 628\s+Regen", archive)


def test_diary_views_are_rebuilt_exactly_when_what_they_show_changes(make_site: MakeSite) -> None:
    site = dream_site(make_site)
    build_site(site)
    assert build_site(site).written == ()

    dschungel = site / "content/posts/2013-06-26-dschungel.md"
    dschungel.write_text(dschungel.read_text().replace("bis zum Himmel", "bis zum Mond"))
    # The feeds carry the dream with the post's text.
    written_now = set(build_site(site).written)
    assert {
        "2013/06/26/dschungel/index.html",
        "traeume/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
    } <= written_now
    # The measured page weights too: the list of all, and the page when a figure it
    # shows moved.
    assert written_now - MEASURED == {
        "2013/06/26/dschungel/index.html",
        "traeume/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
    }

    dschungel.write_text(dschungel.read_text().replace('"Dschungel"', '"Im Dschungel"'))
    written = set(build_site(site).written)
    # Its own page, its neighbour, listings, the dreams page, and the later entries of its day.
    assert {
        "2013/06/26/dschungel/index.html",
        "2013/06/27/regen/index.html",
        "traeume/index.html",
        "2014/06/26/werkbank/index.html",
        "2015/06/26/new-york/index.html",
        "2016/06/26/heute/index.html",
    } <= written
    assert "Im Dschungel" in read(site, "2016/06/26/heute/index.html")

    heute = site / "content/posts/2016-06-26-heute.md"
    heute.write_text(heute.read_text() + "\nNoch ein Absatz, unter dem ersten.\n")
    # Its page and the feeds that carry its text; no listing shows the body.
    written = set(build_site(site).written)
    # The measured page weights follow (the page only if a figure it shows moved).
    assert written - MEASURED == {
        "2016/06/26/heute/index.html",
        "feed.xml",
        "atom.xml",
        "feed.json",
    }


# sitegen new ----------------------------------------------------------------------------


def written(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("+++\n")
    return tomllib.loads(text.split("+++\n")[1])


def new_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin"
            ),
            # The newest by date, though not by file name.
            "content/posts/2012-01-01-b.md": post(
                "B", "2016-08-09T06:05:00+03:00", location="Istanbul", day=1767
            ),
            "content/posts/2017-01-01-ohne-ort.md": post("Ohne Ort", "2017-01-01T10:00:00+01:00"),
            "content/posts/2999-01-01-zukunft.md": post(
                "Zukunft", "2999-01-01T10:00:00+01:00", location="Mars"
            ),
        }
    )


def test_new_writes_an_entry_dated_now_with_location_and_day(make_site: MakeSite) -> None:
    site = new_site(make_site)
    before = dt.datetime.now(dt.UTC)
    result = run_cli("new", "Über „das“ Wetter", "--site", site, cwd=site)
    after = dt.datetime.now(dt.UTC)
    assert result.returncode == 0, result.stderr
    shown = result.stdout.strip()
    path = site / shown
    assert path.is_file() and shown.startswith("content/posts/")
    values = written(path)
    date = values["date"]
    assert isinstance(date, dt.datetime)
    # Now, to the minute, in the site's zone with its offset.
    assert before - dt.timedelta(minutes=1) <= date <= after
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert date.utcoffset() == date.astimezone(berlin).utcoffset()
    assert shown == f"content/posts/{date:%Y-%m-%d}-ueber-das-wetter.md"
    assert values["title"] == "Über „das“ Wetter"
    # The latest entry up to now that names a place; the future one does not count.
    assert values["location"] == "Istanbul"
    assert values["day"] == (date.date() - dt.date(2011, 10, 8)).days

    report = build_site(site)  # it builds, and its day agrees with the count
    assert report.warnings == ()
    url = f"{date:%Y/%m/%d}/ueber-das-wetter/index.html"
    assert diary_line(read(site, url)) == f"Istanbul, {date:%-H:%M}, Tag {values['day']}"


def test_new_takes_a_location_and_makes_a_bundle(make_site: MakeSite) -> None:
    site = new_site(make_site)
    result = run_cli("new", "Werkbank", "--location", "Leipzig", "--bundle", "--site", site)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.name == "index.md" and path.parent.name.endswith("-werkbank")
    assert path.parent.parent == site / "content/posts"
    assert written(path)["location"] == "Leipzig"


def test_new_never_overwrites(make_site: MakeSite) -> None:
    site = new_site(make_site)
    first = run_cli("new", "Zweimal", "--site", site, cwd=site)
    path = site / first.stdout.strip()
    path.write_text(path.read_text() + "Schon geschrieben.\n")
    for extra in ((), ("--bundle",)):
        again = run_cli("new", "Zweimal", *extra, "--site", site, cwd=site)
        assert again.returncode == 1
        assert f"{first.stdout.strip()}: already exists; sitegen new never replaces" in again.stderr
        assert "Traceback" not in again.stderr
    assert path.read_text().endswith("Schon geschrieben.\n")
    assert not (site / first.stdout.strip().removesuffix(".md")).exists()


def test_new_without_a_usable_title_or_site_fails_clearly(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = new_site(make_site)
    result = run_cli("new", "!!!", "--site", site)
    assert result.returncode == 1 and "cannot make a file name from the title" in result.stderr
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    result = run_cli("new", "Titel", "--site", nowhere)
    assert result.returncode == 1 and "no site.toml here" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_in_a_site_without_day_zero_or_entries(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace("[diary]\nday_zero = 2011-10-08\n", "")
    site = make_site({"site.toml": toml})
    result = run_cli("new", "Der erste Tag", "--site", site, cwd=site)
    assert result.returncode == 0, result.stderr
    values = written(site / result.stdout.strip())
    assert "location" not in values and "day" not in values
    assert values["title"] == "Der erste Tag"
