"""Build guarantees: nothing half-built, reproducible, incremental, content/ untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import SitegenError

from .conftest import MakeSite, build_site, fresh_build, post, read, run_cli, snapshot


def small_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", tags=["Eins"]),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T06:25:00+02:00", tags=["Eins"]),
            "content/posts/2013-06-28-c.md": post("C", "2013-06-28T06:25:00+02:00"),
            "content/posts/2013-06-29-d/index.md": post(
                "D", "2013-06-29T06:25:00+02:00", "![x](bild.txt)"
            ),
            "content/posts/2013-06-29-d/bild.txt": "bild",
            "content/pages/about.md": '+++\ntitle = "Über"\n+++\nText.\n',
        }
    )


def test_a_failed_build_leaves_the_previous_output_untouched(make_site: MakeSite) -> None:
    site = small_site(make_site)
    build_site(site)
    before = snapshot(site / "output")
    (site / "content/posts/2013-06-26-a.md").write_text(post("A neu", "2013-06-26T06:25:00+02:00"))
    (site / "content/posts/2013-06-30-kaputt.md").write_text('+++\ntitle = "kaputt\n+++\n')
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "2013-06-30-kaputt.md:2:" in result.stderr
    assert snapshot(site / "output") == before


def test_an_unknown_template_variable_fails_before_anything_is_written(make_site: MakeSite) -> None:
    site = small_site(make_site)
    build_site(site)
    before = snapshot(site / "output")
    (site / "content/posts/2013-06-26-a.md").write_text(post("A neu", "2013-06-26T06:25:00+02:00"))
    (site / "themes/mine").mkdir(parents=True)
    (site / "themes/mine/theme.toml").write_text('extends = "default"\n')
    (site / "site.toml").write_text(
        (site / "site.toml").read_text().replace("paginate", 'theme = "mine"\npaginate')
    )
    override = site / "themes/mine/templates/page.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "default!page.html" %}\n{% block main %}\n{{ post.colour }}\n{% endblock %}\n'
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "templates/page.html:3:" in result.stderr and "colour" in result.stderr
    assert "about.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(site / "output") == before


def test_two_builds_of_the_same_input_give_the_same_bytes(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site = small_site(make_site)
    build_site(site)
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "copy")


def test_source_date_epoch_decides_what_is_future(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/posts/2020-05-01-mai.md": post("Mai", "2020-05-01T08:00:00+02:00")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1577836800))  # 2020-01-01
    assert build_site(site).skipped_future == 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1609459200))  # 2021-01-01
    assert build_site(site).skipped_future == 0


def test_second_build_writes_nothing(make_site: MakeSite) -> None:
    site = small_site(make_site)
    first = build_site(site)
    assert len(first.written) == first.outputs
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    second = build_site(site)
    assert second.written == ()
    assert second.unchanged == second.outputs
    assert mtimes == {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}


def test_editing_one_post_rewrites_it_its_neighbours_and_listings_only(make_site: MakeSite) -> None:
    site = small_site(make_site)
    build_site(site)
    path = site / "content/posts/2013-06-28-c.md"
    path.write_text(post("C geändert", "2013-06-28T06:25:00+02:00"))
    report = build_site(site)
    assert set(report.written) == {
        "2013/06/28/c/index.html",
        "2013/06/27/b/index.html",  # neighbours show its title
        "2013/06/29/d/index.html",
        "index.html",  # page 2 of the index shows only A and B: unchanged
        "2013/index.html",
        "feed.xml",  # the feeds show every post's title and text
        "atom.xml",
        "feed.json",
        "transparenz/page-weights.csv",  # the page weights, measured from the pages above
    } | (set(report.written) & {"transparenz/index.html"})  # if a weight it shows moved


def test_body_edit_leaves_neighbours_alone(make_site: MakeSite) -> None:
    site = small_site(make_site)
    build_site(site)
    path = site / "content/posts/2013-06-28-c.md"
    path.write_text(path.read_text() + "\nNoch ein Satz weiter unten.\n")
    report = build_site(site)
    # The feeds carry the whole text; nothing else shows it but the list of what every
    # page weighs (and the transparency page, if a weight it names moved).
    shown = {"2013/06/28/c/index.html", "feed.xml", "atom.xml", "feed.json"}
    assert set(report.written) - {"transparenz/index.html"} == shown | {
        "transparenz/page-weights.csv"
    }
    (site / "site.toml").write_text(
        (site / "site.toml").read_text() + "\n[charts]\nweights = false\n"
    )
    build_site(site)
    path.write_text(path.read_text() + "\nUnd noch einer.\n")
    assert set(build_site(site).written) == shown


def test_a_deleted_post_is_pruned(make_site: MakeSite) -> None:
    site = small_site(make_site)
    build_site(site)
    (site / "content/posts/2013-06-28-c.md").unlink()
    report = build_site(site)
    assert "2013/06/28/c/index.html" in report.pruned
    assert not (site / "output/2013/06/28").exists()
    assert "2013-06-28" not in read(site, "sitemap.xml")


def test_incremental_output_equals_a_clean_build(make_site: MakeSite, tmp_path: Path) -> None:
    site = small_site(make_site)
    build_site(site)
    (site / "content/posts/2013-06-27-b.md").write_text(
        post("B neu", "2013-06-27T06:25:00+02:00", tags=["Zwei"])
    )
    build_site(site)
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")


def test_sitegen_never_writes_into_content(make_site: MakeSite) -> None:
    site = small_site(make_site)
    before = snapshot(site / "content")
    stats = {p: p.stat().st_mtime_ns for p in (site / "content").rglob("*")}
    build_site(site)
    build_site(site, drafts=True)
    assert snapshot(site / "content") == before
    assert stats == {p: p.stat().st_mtime_ns for p in (site / "content").rglob("*")}


def test_the_output_folder_may_not_hold_the_site(make_site: MakeSite) -> None:
    site = small_site(make_site)
    with pytest.raises(SitegenError, match="cannot be the output folder"):
        build_site(site, out_dir=site)
    with pytest.raises(SitegenError, match="cannot be the output folder"):
        build_site(site, out_dir=site / "content")
    assert (site / "content/posts/2013-06-26-a.md").exists()


def test_cli_build_prints_one_summary_line(make_site: MakeSite) -> None:
    site = small_site(make_site)
    (site / "content/posts/2013-07-01-e.md").write_text(
        post("E", "2013-07-01T06:25:00+02:00", draft=True)
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("4 posts, 1 page:") and "skipped 1 draft" in lines[0]
    assert " in " in lines[0] and lines[0].endswith(" s")


def test_cli_base_url_and_out(make_site: MakeSite, tmp_path: Path) -> None:
    site = small_site(make_site)
    out = tmp_path / "public"
    result = run_cli(
        "build", "--site", site, "--out", out, "--base-url", "https://user.github.io/blog/"
    )
    assert result.returncode == 0, result.stderr
    assert (
        'href="/blog/2013/06/26/a/"' in (out / "index.html").read_text()
        or 'href="/blog/2013/06/29/d/"' in (out / "index.html").read_text()
    )


@pytest.mark.parametrize("command", [["--help"], ["build", "--help"], ["init", "--help"]])
def test_help(command: list[str]) -> None:
    result = run_cli(*command)
    assert result.returncode == 0
    assert "usage: sitegen" in result.stdout


def test_init_creates_a_site_that_builds(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "neu", "--language", "de")
    assert result.returncode == 0, result.stderr
    built = run_cli("build", "--site", tmp_path / "neu")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "neu/output/ueber-uns/index.html").exists()
    assert (tmp_path / "neu/output/transparenz/index.html").exists()
    assert not (tmp_path / "neu/output/uses").exists()  # uses.toml lists nothing yet
    again = run_cli("init", tmp_path / "neu")
    assert again.returncode == 1 and "not empty" in again.stderr


def test_init_uses_toml_example_makes_the_uses_page(tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "neu", "--language", "de").returncode == 0
    uses = tmp_path / "neu/content/uses.toml"
    # Uncomment the example item as a user would, all but its `until` line.
    lines = uses.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [[item]]")
    example = [line.removeprefix("# ") for line in lines[start:] if "until" not in line]
    uses.write_text("\n".join([*lines[:start], *example]) + "\n", encoding="utf-8")
    built = run_cli("build", "--site", tmp_path / "neu")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "neu/output/uses/index.html").read_text(encoding="utf-8")
    assert "Leinenzwirn 18/3" in page and "96,00" in page


def test_missing_theme_is_named(make_site: MakeSite) -> None:
    site = small_site(make_site)
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace("paginate = 2", 'paginate = 2\ntheme = "fehlt"'))
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "theme 'fehlt' not found" in result.stderr and "site.toml" in result.stderr


def test_posts_are_sorted_by_instant_not_by_local_clock(make_site: MakeSite) -> None:
    # 6:00 in Istanbul is 5:00 in Berlin: earlier than 5:30 in Berlin.
    site = make_site(
        {
            "content/posts/x-istanbul.md": post("Istanbul", "2020-01-01T06:00:00+03:00"),
            "content/posts/x-berlin.md": post("Berlin", "2020-01-01T05:30:00+01:00"),
        }
    )
    build_site(site)
    index = read(site, "index.html")
    assert index.index("Berlin") < index.index("Istanbul")


def test_a_deploy_checkout_inside_output_survives(make_site: MakeSite) -> None:
    site = small_site(make_site)
    git = site / "output/.git"
    git.mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "output/alt.html").write_text("von Hand")
    build_site(site)
    assert (git / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert not (site / "output/alt.html").exists()  # everything else is sitegen's
    build_site(site, base_url="https://example.org/neu/")  # every page changes
    assert (git / "HEAD").exists()


def test_init_site_toml_shows_every_key(tmp_path: Path) -> None:
    import tomllib

    # On a machine set to UTC a German site gets Germany's zone.
    assert run_cli("init", tmp_path / "blog", "--language", "de", env={"TZ": "UTC"}).returncode == 0
    text = (tmp_path / "blog/site.toml").read_text()
    settings = tomllib.loads(text)
    assert settings["language"] == "de" and settings["timezone"] == "Europe/Berlin"
    keys = ("[images]", "# [podcast]", "[diary]", "[audit]", "[extra]", "permalink", "paginate")
    for key in keys:
        assert key in text
