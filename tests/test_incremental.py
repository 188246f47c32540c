"""Incremental and parallel builds give the same bytes as a clean, serial build, doing less work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import SITE_TOML, MakeSite, build_site, post, run_cli, snapshot


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
        "page/11/index.html",  # the index page that lists it (two a page, newest first)
        "2012/index.html",
        "tags/thema-2/page/2/index.html",  # tag pages are paginated like the index
        "tags/thema-2/feed.xml",  # the tag's feed; the site's feeds show only the newest 20
        "transparenz/index.html",  # page weights changed, and it shows them
    }


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
