"""The first day of a new diary: init, new, build, check, and the messages a newcomer meets."""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.scaffold import PLACEHOLDER_BASE_URL
from sitegen.text import slugify
from sitegen.wordpress.importer import ImportOptions, import_wordpress

from .conftest import SITE_TOML, MakeSite, post, read, run_cli

UTC = {"TZ": "UTC"}


def init(folder: Path, *options: str, env: dict[str, str] | None = None) -> Path:
    result = run_cli("init", folder, *options, env=env or UTC)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Es ist ein Dschungel da draußen", "es-ist-ein-dschungel-da-draussen"),
        ("Über uns", "ueber-uns"),
        ("Καλημέρα κόσμε", "kalimera-kosme"),
        ("Ο ουρανός του Αυγούστου", "o-ouranos-tou-avgoustou"),
        ("Привет, мир!", "privet-mir"),
        ("Щука и ёж", "shchuka-i-ezh"),
        ("你好世界", "你好世界"),
        ("東京で ラーメン", "東京で-ラーメン"),
        ("Ærø og Øresund", "aeroe-og-oeresund"),
        ("C++ lernen", "c-lernen"),
    ],
)
def test_titles_in_any_script_get_a_slug(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert slugify(slug) == slug  # a slug is its own slug: file names stay put


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.text())
def test_every_title_with_a_letter_or_digit_has_a_stable_slug(title: str) -> None:
    slug = slugify(title)
    assert slugify(slug) == slug
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug
    for char in slug:  # lowercase ASCII, digits, hyphens, and letters of scripts kept as they are
        if char.isascii():
            assert char.islower() or char.isdigit() or char == "-", slug
        else:
            assert unicodedata.category(char)[0] in "LMN", slug
    # A modifier letter alone (an apostrophe-like ʼ) is no word; any other letter or digit is.
    if any(unicodedata.category(c)[0] in "LN" and unicodedata.category(c) != "Lm" for c in title):
        assert slug


@pytest.mark.parametrize("title", ["Καλημέρα κόσμε", "Привет мир", "你好世界"])
def test_new_builds_and_checks_an_entry_in_any_script(tmp_path: Path, title: str) -> None:
    site = init(tmp_path / "blog")
    made = run_cli("new", title, "--site", site)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    slug = slugify(title)
    assert path.name.endswith(f"-{slug}.md") and not slug.isdigit()
    built = run_cli("build", "--site", site, "--base-url", "https://example.org/blog/")
    assert built.returncode == 0, built.stderr
    date = path.name[:10].replace("-", "/")
    page = (site / "output" / date / slug / "index.html").read_text(encoding="utf-8")
    assert title in page and "Day 1" in page
    # The front page links to it by that address (an IRI; browsers encode it), and
    # `sitegen check` finds the link resolves.
    assert f'href="/blog/{date}/{slug}/"' in read(site, "index.html")
    checked = run_cli("check", "--site", site)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(("language", "day"), [("de", "Tag 1"), ("en", "Day 1")])
def test_the_first_day_is_day_one(tmp_path: Path, language: str, day: str) -> None:
    site = init(tmp_path / "blog", "--language", language)
    settings = tomllib.loads((site / "site.toml").read_text())
    today = dt.datetime.now(ZoneInfo(settings["timezone"])).date()
    assert settings["diary"]["day_zero"] == today - dt.timedelta(days=1)
    made = run_cli("new", "Noch einer", "--site", site)
    assert made.returncode == 0, made.stderr
    assert "\nday = 1\n" in Path(made.stdout.strip()).read_text()
    built = run_cli("build", "--site", site)
    assert built.returncode == 0, built.stderr
    first = next(
        (site / "output").glob(
            "*/*/*/hallo/index.html" if language == "de" else "*/*/*/hello/index.html"
        )
    )
    assert day in first.read_text(encoding="utf-8")


def test_a_post_on_day_zero_has_no_day_and_day_zero_given_still_fails(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/posts/2011-10-08-null.md": post("Null", "2011-10-08T09:00:00+02:00"),
            "content/posts/2011-10-09-eins.md": post("Eins", "2011-10-09T09:00:00+02:00"),
        }
    )
    assert run_cli("build", "--site", site).returncode == 0
    assert "Tag 1" in read(site, "2011/10/09/eins/index.html")
    assert "Tag 0" not in read(site, "2011/10/08/null/index.html")
    (site / "content/posts/2011-10-08-null.md").write_text(
        post("Null", "2011-10-08T09:00:00+02:00", day=0)
    )
    failed = run_cli("build", "--site", site)
    assert failed.returncode == 1
    assert "2011-10-08-null.md:4: day must be a positive integer, not 0" in failed.stderr


def test_tags_that_would_share_a_page_stop_the_build_naming_both_posts(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/posts/2013-01-01-a.md": post("A", "2013-01-01T09:00:00+01:00", tags=["C++"]),
            "content/posts/2013-01-02-b.md": post("B", "2013-01-02T09:00:00+01:00", tags=["C#"]),
            "content/posts/2013-01-03-c.md": post("C", "2013-01-03T09:00:00+01:00", tags=["!!!"]),
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert (
        "2013-01-02-b.md: the tag 'C#' would share the page /tags/c/ with the tag 'C++' of "
    ) in result.stderr
    assert "2013-01-01-a.md; rename one of them" in result.stderr
    assert "2013-01-03-c.md: the tag '!!!' has no letter or digit to name its page" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (site / "output").exists()


def test_one_tag_written_two_ways_is_still_one_tag(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-01-01-a.md": post("A", "2013-01-01T09:00:00+01:00", tags=["Reise"]),
            "content/posts/2013-01-02-b.md": post("B", "2013-01-02T09:00:00+01:00", tags=["reise"]),
        }
    )
    assert run_cli("build", "--site", site).returncode == 0
    listing = read(site, "tags/reise/index.html")
    assert "2013/01/01/a/" in listing and "2013/01/02/b/" in listing


def test_imported_greek_pages_get_readable_paths(make_site: MakeSite, tmp_path: Path) -> None:
    export = Path(__file__).parent / "data/wordpress/export.xml"
    text = export.read_text(encoding="utf-8")
    for german, greek in (("Über mich", "Σχετικά με μένα"), ("Kontakt", "Επικοινωνία")):
        slug = {"Über mich": "ueber-mich", "Kontakt": "kontakt"}[german]
        text = text.replace(f"<title>{german}</title>", f"<title>{greek}</title>")
        text = text.replace(
            f"<wp:post_name><![CDATA[{slug}]]>", f"<wp:post_name><![CDATA[{quote(greek.lower())}]]>"
        )
    greek_export = tmp_path / "export.xml"
    greek_export.write_text(text, encoding="utf-8")
    site = make_site({})
    import_wordpress(ImportOptions(export=greek_export, site_dir=site))
    pages = sorted(
        p.relative_to(site / "content/pages").as_posix()
        for p in (site / "content/pages").rglob("*.md")
    )
    assert pages == ["epikoinonia.md", "schetika-me-mena.md"]


def test_a_bare_word_in_site_toml_is_quoted_with_a_caret(tmp_path: Path) -> None:
    site = init(tmp_path / "blog")
    toml = site / "site.toml"
    lines = toml.read_text().split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("title = "))
    lines[number - 1] = "title = Mein Tagebuch"
    toml.write_text("\n".join(lines))
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:3] == [
        f"{site / 'site.toml'}:{number}: Invalid value (column 9):",
        "    title = Mein Tagebuch",
        '            ^ text goes in quotes: "..."',
    ]


def test_front_matter_and_uses_toml_errors_point_at_their_line(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-01-01-a.md": '+++\ntitle = "A"\ndate = 2013-01-01 9 Uhr\n+++\n',
            "content/uses.toml": 'intro = "x"\n\n[[item]]\nname = Zwirn\n',
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "2013-01-01-a.md:3: front matter is not valid TOML: " in result.stderr
    assert "    date = 2013-01-01 9 Uhr\n                      ^" in result.stderr
    (site / "content/posts/2013-01-01-a.md").write_text(post("A", "2013-01-01T09:00:00+01:00"))
    result = run_cli("build", "--site", site)
    assert "content/uses.toml:4: not valid TOML: Invalid value (column 8):" in result.stderr
    assert '    name = Zwirn\n           ^ text goes in quotes: "..."' in result.stderr


@pytest.mark.parametrize(
    ("language", "tz", "zone"),
    [
        ("en", "America/New_York", "America/New_York"),
        ("en", ":Asia/Tokyo", "Asia/Tokyo"),
        ("en", "UTC", "UTC"),
        ("de", "UTC", "Europe/Berlin"),
        ("de", "Europe/Vienna", "Europe/Vienna"),
        ("en", "/usr/share/zoneinfo/Europe/Lisbon", "Europe/Lisbon"),
    ],
)
def test_init_takes_the_machines_time_zone(
    tmp_path: Path, language: str, tz: str, zone: str
) -> None:
    site = init(tmp_path / "blog", "--language", language, env={"TZ": tz})
    assert tomllib.loads((site / "site.toml").read_text())["timezone"] == zone


def test_the_placeholder_base_url_is_warned_about(tmp_path: Path) -> None:
    site = init(tmp_path / "blog")
    assert f'base_url = "{PLACEHOLDER_BASE_URL}"' in (site / "site.toml").read_text()
    built = run_cli("build", "--site", site)
    assert built.returncode == 0
    assert f"warning: base_url is still {PLACEHOLDER_BASE_URL}" in built.stderr
    published = run_cli("build", "--site", site, "--base-url", "https://grete.example/")
    assert published.returncode == 0 and "warning" not in published.stderr


def test_check_knows_the_base_url_of_the_last_build(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": SITE_TOML,
            "content/posts/2013-01-01-a.md": post("A", "2013-01-01T09:00:00+01:00"),
            "content/posts/2013-01-02-b.md": post(
                "B", "2013-01-02T09:00:00+01:00", body="[A](2013-01-01-a.md)"
            ),
        }
    )
    assert run_cli("build", "--site", site, "--base-url", "https://x.example/sub/").returncode == 0
    checked = run_cli("check", "--site", site)
    assert checked.returncode == 0, checked.stderr
    # Told another address, it still finds that the links do not fit it.
    wrong = run_cli("check", "--site", site, "--base-url", "https://example.org/")
    assert wrong.returncode == 1


def test_a_missing_tool_is_named_with_its_install_line_and_fails_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import check_html, make_audio

    monkeypatch.setenv("PATH", str(tmp_path))  # no java, no sox
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        check_html(tmp_path)
    assert "Java" in str(skipped.value) and "apt-get install default-jre-headless" in str(
        skipped.value
    )
    assert "npm" not in str(skipped.value)
    with pytest.raises(pytest.skip.Exception, match="apt-get install sox libsox-fmt-mp3"):
        make_audio(tmp_path / "a.mp3", 1)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Java"):
        check_html(tmp_path)
