"""`sitegen check`'s link checks: internal links, anchors and srcset candidates must resolve."""

from __future__ import annotations

from pathlib import Path

from sitegen.links import check_links

from .conftest import MakeSite, build_site, post, run_cli


def write(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def page(body: str) -> str:
    return f'<!doctype html><html lang="de"><head><title>t</title></head><body>{body}</body></html>'


def test_every_kind_of_broken_reference_is_named(tmp_path: Path) -> None:
    out = write(
        tmp_path,
        {
            "index.html": page(
                '<a href="/blog/a/">gut</a> <a href="/blog/fehlt/">kaputt</a>'
                '<a href="/blog/a/#da">Anker gut</a> <a href="/blog/a/#weg">Anker kaputt</a>'
                '<a href="#oben" id="oben">hier</a>'
                '<img src="bild-480.webp" srcset="/blog/bild-480.webp 480w, /blog/bild-960.webp 960w" alt="">'
                '<a href="https://example.com/fehlt">draußen</a> <a href="mailto:a@example.org">Post</a>'
                '<a href="/anderswo/">außerhalb</a>'
            ),
            "a/index.html": page('<h2 id="da">Da</h2><a href="../">zurück</a>'),
            "bild-480.webp": "x",
        },
    )
    problems = [str(p) for p in check_links(out, "https://example.org/blog/")]
    assert problems == [
        "index.html: href='/blog/fehlt/': no such file in the built site",
        "index.html: href='/blog/a/#weg': no element with id 'weg'",
        "index.html: srcset='/blog/bild-960.webp': no such file in the built site",
        "index.html: href='/anderswo/' points outside the site's path",
    ]


def test_a_built_site_has_no_broken_links(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2020-01-01-a.md": post(
                "A",
                "2020-01-01T08:00:00+01:00",
                "## Teil\n\nText [b](2020-01-02-b.md#teil).",
                tags=["X"],
            ),
            "content/posts/2020-01-02-b.md": post(
                "B", "2020-01-02T08:00:00+01:00", "## Teil\n\nText.[^1]\n\n[^1]: Fuß.", tags=["X"]
            ),
            "content/posts/2020-01-03-c.md": post("C", "2020-01-03T08:00:00+01:00"),
            "content/pages/about.md": '+++\ntitle = "Über"\n+++\nText.\n',
        }
    )
    build_site(site, base_url="https://user.github.io/blog/")
    assert check_links(site / "output", "https://user.github.io/blog/") == []


def test_check_command_exits_non_zero_and_names_each_page(make_site: MakeSite) -> None:
    site = make_site({"content/posts/2020-01-01-a.md": post("A", "2020-01-01T08:00:00+01:00")})
    assert run_cli("build", "--site", site).returncode == 0
    assert run_cli("check", "--site", site).returncode == 0
    (site / "output/2020/01/01/a/index.html").unlink()
    result = run_cli("check", "--site", site)
    assert result.returncode == 1
    assert "index.html: href='/2020/01/01/a/': no such file in the built site" in result.stderr
    assert "problem" in result.stderr
