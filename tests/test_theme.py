"""Themes: a site's own theme extends the default and overrides single templates."""

from __future__ import annotations

from pathlib import Path

from .conftest import SITE_TOML, MakeSite, build_site, post, read, run_cli

MINE = SITE_TOML.replace("paginate = 2", 'paginate = 2\ntheme = "mine"')


def with_theme(make_site: MakeSite, files: dict[str, str]) -> Path:
    return make_site(
        {
            "site.toml": MINE,
            "themes/mine/theme.toml": 'extends = "default"\n',
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin"
            ),
            "content/pages/about.md": '+++\ntitle = "Über"\n+++\nText.\n',
            **files,
        }
    )


def test_an_override_replaces_one_template_and_keeps_the_rest(make_site: MakeSite) -> None:
    site = with_theme(
        make_site,
        {
            "themes/mine/templates/partials/diary_line.html": '<p class="mine">{{ post.location }} !</p>\n',
        },
    )
    build_site(site)
    page = read(site, "2013/06/26/a/index.html")
    assert '<p class="mine">Berlin !</p>' in page
    assert (
        '<link rel="stylesheet" href="/assets/style.css">' in page
    )  # base.html still the default's


def test_an_override_can_extend_the_template_it_replaces(make_site: MakeSite) -> None:
    site = with_theme(
        make_site,
        {
            "themes/mine/templates/base.html": (
                '{% extends "default!base.html" %}\n'
                '{% block head %}{{ super() }}<meta name="theme-color" content="#123456">{% endblock %}\n'
            ),
        },
    )
    build_site(site)
    assert '<meta name="theme-color" content="#123456">' in read(site, "about/index.html")
    assert '<meta name="theme-color" content="#123456">' in read(site, "index.html")


def test_theme_static_files_override_the_default_ones(make_site: MakeSite) -> None:
    site = with_theme(make_site, {"themes/mine/static/assets/style.css": "body { color: red }\n"})
    build_site(site)
    assert read(site, "assets/style.css") == "body { color: red }\n"
    assert (site / "output/favicon.svg").exists()  # still the default's


def test_a_changed_template_rerenders_its_users(make_site: MakeSite) -> None:
    site = with_theme(make_site, {})
    build_site(site)
    override = site / "themes/mine/templates/page.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "default!page.html" %}{% block main %}<p>eigene Seite</p>{% endblock %}\n'
    )
    report = build_site(site)
    assert "about/index.html" in report.written
    assert "<p>eigene Seite</p>" in read(site, "about/index.html")


def test_a_template_syntax_error_names_the_template_and_line(make_site: MakeSite) -> None:
    site = with_theme(make_site, {"themes/mine/templates/page.html": "<p>\n{% if %}\n</p>\n"})
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "themes/mine/templates/page.html:2:" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_english_site_gets_english_theme_strings_and_dates(make_site: MakeSite) -> None:
    toml = SITE_TOML.replace('language = "de"', 'language = "en"')
    site = make_site(
        {
            "site.toml": toml,
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Berlin"
            ),
        }
    )
    build_site(site)
    page = read(site, "2013/06/26/a/index.html")
    assert '<html lang="en">' in page
    assert "Wednesday, June 26, 2013" in page
    assert "Day 627" in page and "Skip to the text" in page
