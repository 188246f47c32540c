"""Incremental and parallel builds give the same bytes as a clean, serial build, doing less work."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import SITE_TOML, MakeSite, build_site, fresh_build, post, run_cli, snapshot


def many_posts(make_site: MakeSite, count: int = 260) -> Path:
    files: dict[str, str | bytes] = {}
    for i in range(count):
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        year = 2012 + i // (28 * 12)
        files[f"content/posts/{year}-{month:02d}-{day:02d}-eintrag-{i}.md"] = post(
            f"Eintrag {i}",
            f"{year}-{month:02d}-{day:02d}T07:{i % 60:02d}:00+01:00",
            f"Absatz *{i}* über [den ersten](2012-01-01-eintrag-0.md).\n\n## Teil {i}\n\n- eins\n- zwei",
            location="Leipzig",
            tags=[f"Thema {i % 7}"],
        )
    return make_site(files)


def test_parallel_build_equals_serial_build(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = many_posts(make_site)
    monkeypatch.setenv("SITEGEN_WORKERS", "1")
    serial = build_site(site, out_dir=tmp_path / "serial")
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    (site / ".sitegen-cache").rename(tmp_path / "old-cache")  # parse everything again, in parallel
    parallel = build_site(site, out_dir=tmp_path / "parallel")
    assert serial.parsed == parallel.parsed == 260
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_an_error_in_a_worker_still_names_file_and_line(make_site: MakeSite) -> None:
    site = many_posts(make_site)
    (site / "content/posts/2013-05-05-kaputt.md").write_text('+++\ntitle = "x"\nday = -3\n+++\n')
    result = run_cli("build", "--site", site, env={"SITEGEN_WORKERS": "2"})
    assert result.returncode == 1
    assert "2013-05-05-kaputt.md:3: day must be a positive integer" in result.stderr
    assert "Traceback" not in result.stderr


def test_unchanged_posts_are_not_parsed_again(make_site: MakeSite) -> None:
    site = many_posts(make_site, count=5)
    assert build_site(site).parsed == 5
    assert build_site(site).parsed == 0
    # Touched but unchanged: the stat differs, the bytes do not.
    path = site / "content/posts/2012-01-02-eintrag-1.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    report = build_site(site)
    assert report.parsed == 0 and report.written == ()
    path.write_text(path.read_text().replace("Absatz", "Ein Absatz"))
    assert build_site(site).parsed == 1


def test_changing_site_toml_rebuilds_every_page(make_site: MakeSite) -> None:
    site = many_posts(make_site, count=5)
    first = build_site(site)
    (site / "site.toml").write_text(SITE_TOML.replace("Testtagebuch", "Neues Tagebuch"))
    report = build_site(site)
    assert report.parsed == 5
    html = {o for o in first.written if o.endswith(".html")}
    assert html and html <= set(report.written)


def test_a_damaged_cache_only_costs_time(make_site: MakeSite, tmp_path: Path) -> None:
    site = many_posts(make_site, count=5)
    build_site(site, out_dir=tmp_path / "one")
    for cached in (site / ".sitegen-cache").rglob("*"):
        if cached.is_file():
            cached.write_bytes(b"\x00garbage")
    report = build_site(site, out_dir=tmp_path / "two")
    assert report.parsed == 5
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_a_title_edit_rewrites_only_the_pages_that_show_the_title(make_site: MakeSite) -> None:
    site = many_posts(make_site, count=30)
    build_site(site)
    path = site / "content/posts/2012-01-10-eintrag-9.md"
    path.write_text(path.read_text().replace('title = "Eintrag 9"', 'title = "Eintrag neun"'))
    report = build_site(site)
    assert set(report.written) == {
        "2012/01/10/eintrag-9/index.html",
        "2012/01/09/eintrag-8/index.html",  # its neighbours link to it by title
        "2012/01/11/eintrag-10/index.html",
        "2012/01/03/eintrag-2/index.html",  # these list it as related (same tag, nearest)
        "2012/01/17/eintrag-16/index.html",
        "2012/01/24/eintrag-23/index.html",
        "page/11/index.html",  # the index page that lists it (two a page, newest first)
        "2012/index.html",
        "tags/thema-2/page/2/index.html",  # tag pages are paginated like the index
        "tags/thema-2/feed.xml",  # the tag's feed; the site's feeds show only the newest 20
        "transparenz/page-weights.csv",  # page weights changed, and it lists them all
        "orte/leipzig/page/11/index.html",  # its place's page lists it like the index
    } | (set(report.written) & {"transparenz/index.html"})  # if a weight it shows moved


def test_progress_shows_on_a_terminal_and_nowhere_else(make_site: MakeSite) -> None:
    import pty
    import subprocess
    import sys

    site = many_posts(make_site, count=520)
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(primary)
    text = seen.decode()
    assert "parsing" in text and "/520" in text
    assert "520 posts" in text
    quiet = run_cli("build", "--site", site, "--out", site / "quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_build_with_nothing_to_do_parses_nothing_and_says_the_same(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", day=1),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T06:25:00+02:00", draft=True),
        }
    )
    first = build_site(site)
    again = build_site(site)
    assert again.parsed == 0 and again.written == ()
    assert (again.posts, again.skipped_drafts, again.outputs) == (1, 1, first.outputs)
    assert again.warnings == first.warnings != ()  # the day that disagrees, said again


def test_a_missing_output_or_a_new_day_is_never_skipped(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
            "content/posts/2020-05-01-mai.md": post("Mai", "2020-05-01T08:00:00+02:00"),
        }
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1577836800))  # 2020-01-01: "Mai" waits
    build_site(site)
    (site / "output/2013/06/26/a/index.html").unlink()
    assert build_site(site).written == ("2013/06/26/a/index.html",)
    assert build_site(site).written == ()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1609459200))  # 2021-01-01: its day has come
    report = build_site(site)
    assert report.skipped_future == 0
    assert "2020/05/01/mai/index.html" in report.written
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1577836800))  # the clock set back again
    assert build_site(site).skipped_future == 1
    assert not (site / "output/2020/05/01/mai/index.html").exists()


def test_a_changed_theme_file_is_never_skipped(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
            "themes/eigen/theme.toml": 'extends = "default"\n',
            "themes/eigen/static/assets/eigen.css": "body { color: black; }\n",
        }
    )
    (site / "site.toml").write_text('theme = "eigen"\n' + SITE_TOML)
    build_site(site)
    (site / "themes/eigen/static/assets/eigen.css").write_text("body { color: navy; }\n")
    assert build_site(site).written == ("assets/eigen.css",)


def test_a_site_moved_with_its_cache_parses_nothing_again(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = many_posts(make_site, count=5)
    (site / "content/posts/2013-01-01-mappe").mkdir()
    (site / "content/posts/2013-01-01-mappe/index.md").write_text(
        post("Mappe", "2013-01-01T07:00:00+01:00", "[Liste](liste.txt)")
    )
    (site / "content/posts/2013-01-01-mappe/liste.txt").write_text("eins\n")
    build_site(site)
    moved = tmp_path / "anderswo" / "site"
    shutil.copytree(site, moved)  # time stamps kept, as `mv` or `cp -a` keep them
    shutil.rmtree(site)
    assert build_site(moved).parsed == 0
    assert snapshot(moved / "output") == fresh_build(moved, tmp_path / "fresh")
    # A checkout elsewhere (CI) has new time stamps: the bytes still match.
    checkout = tmp_path / "checkout"
    shutil.copytree(moved, checkout, copy_function=shutil.copy)
    assert build_site(checkout).parsed == 0
