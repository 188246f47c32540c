"""Posts and pages: front matter, Markdown, slugs, bundles, and errors that name path:line."""

from __future__ import annotations

import pytest

from sitegen.errors import SitegenError
from sitegen.text import slugify

from .conftest import MakeSite, build_site, post, read, run_cli


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Über uns", "ueber-uns"),
        ("Straße", "strasse"),
        ("Größe & Äpfel", "groesse-aepfel"),
        ("U\u0308ber den Fluss", "ueber-den-fluss"),  # decomposed, as macOS file names arrive
        ("Çay in İstanbul, 6 Uhr", "cay-in-istanbul-6-uhr"),
        ("  --Hallo, Welt!--  ", "hallo-welt"),
    ],
)
def test_slugs_keep_german_words_readable(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_toml_and_yaml_front_matter_both_work(make_site: MakeSite) -> None:
    yaml_post = (
        "---\ntitle: Aus YAML\ndate: 2019-03-02T07:10:00+01:00\ntags: [Reise]\n---\n\nText.\n"
    )
    site = make_site(
        {
            "content/posts/2019-03-01-toml.md": post(
                "Aus TOML", "2019-03-01T06:00:00+01:00", tags=["Reise"]
            ),
            "content/posts/2019-03-02-yaml.md": yaml_post,
        }
    )
    build_site(site)
    assert "Aus YAML" in read(site, "2019/03/02/yaml/index.html")
    assert "Aus TOML" in read(site, "2019/03/01/toml/index.html")
    tag_page = read(site, "tags/reise/index.html")
    assert "Aus YAML" in tag_page and "Aus TOML" in tag_page


def test_markdown_has_tables_strikethrough_footnotes_and_heading_ids(make_site: MakeSite) -> None:
    body = """
    ## Größere Pläne

    | Werkzeug | Kosten |
    |---|---|
    | Falzbein | 4 € |

    Das war ~~teuer~~ günstig.[^1]

    [^1]: Gebraucht gekauft.
    """
    site = make_site(
        {"content/posts/2020-01-02-plaene.md": post("Pläne", "2020-01-02T08:00:00+01:00", body)}
    )
    build_site(site)
    page = read(site, "2020/01/02/plaene/index.html")
    assert '<h2 id="groessere-plaene">Größere Pläne</h2>' in page
    assert '<table tabindex="0">' in page and "<td>Falzbein</td>" in page
    assert "<s>teuer</s>" in page
    assert 'class="footnotes"' in page and "Gebraucht gekauft." in page


def test_links_to_markdown_files_become_urls_under_the_base_path(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": (make_site({}) / "site.toml")
            .read_text()
            .replace("https://example.org/", "https://user.github.io/blog/"),
            "content/posts/2020-01-01-erster.md": post("Erster", "2020-01-01T08:00:00+01:00"),
            "content/posts/2020-01-02-zweiter.md": post(
                "Zweiter",
                "2020-01-02T08:00:00+01:00",
                "Siehe [gestern](2020-01-01-erster.md#oben) und [uns](../pages/about.md).",
            ),
            "content/pages/about.md": '+++\ntitle = "Über uns"\nslug = "ueber-uns"\n+++\nHallo.\n',
        }
    )
    build_site(site)
    page = read(site, "2020/01/02/zweiter/index.html")
    assert 'href="/blog/2020/01/01/erster/#oben"' in page
    assert 'href="/blog/ueber-uns/"' in page


def test_a_link_to_a_missing_markdown_file_names_path_and_line(make_site: MakeSite) -> None:
    body = "Erste Zeile.\n\nZweiter Absatz mit [Link](2001-01-01-gibt-es-nicht.md)."
    site = make_site(
        {"content/posts/2020-01-02-x.md": post("X", "2020-01-02T08:00:00+01:00", body)}
    )
    with pytest.raises(SitegenError) as caught:
        build_site(site)
    assert "2020-01-02-x.md:8: links to posts/2001-01-01-gibt-es-nicht.md" in str(caught.value)


def test_page_bundle_publishes_its_files_beside_the_page(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-dschungel/index.md": post(
                "Dschungel", "2013-06-26T06:25:00+02:00", "![Blätter](blatt.txt)"
            ),
            "content/posts/2013-06-26-dschungel/blatt.txt": "grün",
            "content/posts/2013-06-26-dschungel/notizen/liste.txt": "eins",
        }
    )
    build_site(site)
    assert read(site, "2013/06/26/dschungel/blatt.txt") == "grün"
    assert read(site, "2013/06/26/dschungel/notizen/liste.txt") == "eins"
    assert 'src="blatt.txt"' in read(site, "2013/06/26/dschungel/index.html")


def test_static_folder_is_copied_as_is(make_site: MakeSite) -> None:
    site = make_site(
        {"content/static/CNAME": "tagebuch.example.org\n", "content/static/favicon.svg": "<svg/>"}
    )
    build_site(site)
    assert read(site, "CNAME") == "tagebuch.example.org\n"
    assert read(site, "favicon.svg") == "<svg/>"  # the site's own icon wins over the theme's


def test_date_from_file_name_and_slug_from_front_matter(make_site: MakeSite) -> None:
    text = '+++\ntitle = "Ohne Datum"\nslug = "Mein Weg"\n+++\nText.\n'
    site = make_site({"content/posts/2014-02-03-egal.md": text})
    build_site(site)
    assert "Ohne Datum" in read(site, "2014/02/03/mein-weg/index.html")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('+++\ntitle = "x\n+++\n', ":2:", "not valid TOML"),
        ("---\ntitle: x\n  date: [2013\n---\n", ":3:", "not valid YAML"),
        (
            '+++\ntitle = "x"\ndate = 2013-06-26T06:25:00+02:00\nfarbe = "rot"\n+++\n',
            ":4:",
            "unknown front matter key 'farbe'",
        ),
        (
            '+++\ntitle = "x"\ndate = 2013-06-26T06:25:00+02:00\ntags = "eins"\n+++\n',
            ":4:",
            "tags must be a list",
        ),
        ('+++\ntitle = "x"\ndate = "gestern"\n+++\n', ":3:", "not a date"),
        ('+++\ntitle = "x"\n', ":1:", "never closed"),
        ("Nur Text.\n", ":1:", "no front matter"),
        ("+++\ndate = 2013-06-26T06:25:00+02:00\n+++\n", ":1:", "no title"),
    ],
)
def test_bad_front_matter_names_file_and_line(
    make_site: MakeSite, text: str, where: str, message: str
) -> None:
    site = make_site({"content/posts/2013-06-26-kaputt.md": text})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert f"2013-06-26-kaputt.md{where}" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_all_broken_posts_are_reported_in_one_run(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/a.md": "kaputt\n",
            "content/posts/b.md": '+++\ntitle = "b"\n',
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "a.md:1:" in result.stderr and "b.md:1:" in result.stderr


def test_date_without_offset_needs_a_site_timezone(make_site: MakeSite) -> None:
    toml = (make_site({}) / "site.toml").read_text().replace('timezone = "Europe/Berlin"\n', "")
    site = make_site(
        {
            "site.toml": toml,
            "content/posts/x.md": '+++\ntitle = "x"\ndate = 2013-06-26T06:25:00\n+++\n',
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "x.md:3: the date has no UTC offset and site.toml sets no timezone" in result.stderr


def test_same_url_twice_is_an_error_naming_both(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2020-01-01-a.md": post("A", "2020-01-01T08:00:00+01:00", slug="gleich"),
            "content/posts/2020-01-01-b.md": post("B", "2020-01-01T09:00:00+01:00", slug="gleich"),
        }
    )
    with pytest.raises(SitegenError) as caught:
        build_site(site)
    assert "2020-01-01-a.md" in str(caught.value) and "2020-01-01-b.md" in str(caught.value)


def test_table_alignment_survives_the_content_security_policy(make_site: MakeSite) -> None:
    body = "| Posten | Preis |\n|:---|---:|\n| Leim | 4,10 € |"
    site = make_site(
        {"content/posts/2020-01-02-preise.md": post("Preise", "2020-01-02T08:00:00+01:00", body)}
    )
    build_site(site)
    page = read(site, "2020/01/02/preise/index.html")
    assert '<td class="align-right">4,10 €</td>' in page
    assert "style=" not in page  # inline styles would be blocked by style-src 'self'
