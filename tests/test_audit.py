"""The audit: a build fails when any output would make a browser contact another host."""

from __future__ import annotations

import pytest

from sitegen.errors import BuildErrors

from .conftest import (
    SITE_TOML,
    MakeSite,
    build_site,
    kept,
    post,
    read,
    run_cli,
    snapshot,
    tamper,
)

PAGE = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Probe</title>
{head}
</head>
<body>
{body}
</body>
</html>
"""

# (file under content/static/, its text, the URL the audit must name, the line it is on)
CASES: dict[str, tuple[str, str, str, int]] = {
    "script": (
        "probe.html",
        PAGE.format(head='<script src="https://cdn.example.net/app.js"></script>', body=""),
        "https://cdn.example.net/app.js",
        6,
    ),
    "stylesheet": (
        "probe.html",
        PAGE.format(head='<link rel="stylesheet" href="https://fonts.example.net/css">', body=""),
        "https://fonts.example.net/css",
        6,
    ),
    "icon": (
        "probe.html",
        PAGE.format(head='<link rel="icon" href="https://cdn.example.net/i.png">', body=""),
        "https://cdn.example.net/i.png",
        6,
    ),
    "preload": (
        "probe.html",
        PAGE.format(
            head='<link rel="preload" as="font" href="https://cdn.example.net/f.woff2">', body=""
        ),
        "https://cdn.example.net/f.woff2",
        6,
    ),
    "prefetch": (
        "probe.html",
        PAGE.format(head='<link rel="prefetch" href="https://cdn.example.net/next">', body=""),
        "https://cdn.example.net/next",
        6,
    ),
    "preconnect": (
        "probe.html",
        PAGE.format(head='<link rel="preconnect" href="https://cdn.example.net">', body=""),
        "https://cdn.example.net",
        6,
    ),
    "dns-prefetch": (
        "probe.html",
        PAGE.format(head='<link rel="dns-prefetch" href="//cdn.example.net">', body=""),
        "https://cdn.example.net",
        6,
    ),
    "modulepreload": (
        "probe.html",
        PAGE.format(head='<link rel="modulepreload" href="https://cdn.example.net/m.js">', body=""),
        "https://cdn.example.net/m.js",
        6,
    ),
    "manifest": (
        "probe.html",
        PAGE.format(head='<link rel="manifest" href="https://cdn.example.net/app.json">', body=""),
        "https://cdn.example.net/app.json",
        6,
    ),
    "img src": (
        "probe.html",
        PAGE.format(head="", body='<p>\n<img src="https://pix.example.net/a.jpg" alt="">\n</p>'),
        "https://pix.example.net/a.jpg",
        10,
    ),
    "img srcset": (
        "probe.html",
        PAGE.format(
            head="",
            body='<img src="/a.jpg" srcset="/a.jpg 1x, https://pix.example.net/a2.jpg 2x" alt="">',
        ),
        "https://pix.example.net/a2.jpg",
        9,
    ),
    "picture source srcset": (
        "probe.html",
        PAGE.format(
            head="",
            body='<picture><source srcset="https://pix.example.net/a.avif" type="image/avif">'
            '<img src="/a.jpg" alt=""></picture>',
        ),
        "https://pix.example.net/a.avif",
        9,
    ),
    "iframe": (
        "probe.html",
        PAGE.format(head="", body='<iframe src="https://video.example.net/embed/1"></iframe>'),
        "https://video.example.net/embed/1",
        9,
    ),
    "iframe srcdoc": (
        "probe.html",
        PAGE.format(
            head="", body="<iframe srcdoc=\"<img src='https://pix.example.net/s.gif'>\"></iframe>"
        ),
        "https://pix.example.net/s.gif",
        9,
    ),
    "video src": (
        "probe.html",
        PAGE.format(head="", body='<video src="https://media.example.net/v.mp4"></video>'),
        "https://media.example.net/v.mp4",
        9,
    ),
    "video poster": (
        "probe.html",
        PAGE.format(
            head="", body='<video src="/v.mp4" poster="https://media.example.net/p.jpg"></video>'
        ),
        "https://media.example.net/p.jpg",
        9,
    ),
    "audio src": (
        "probe.html",
        PAGE.format(head="", body='<audio controls src="https://media.example.net/e.mp3"></audio>'),
        "https://media.example.net/e.mp3",
        9,
    ),
    "source src": (
        "probe.html",
        PAGE.format(
            head="",
            body='<audio controls>\n<source src="https://media.example.net/e.ogg" type="audio/ogg">\n</audio>',
        ),
        "https://media.example.net/e.ogg",
        10,
    ),
    "track": (
        "probe.html",
        PAGE.format(
            head="",
            body='<video src="/v.mp4"><track kind="captions" src="https://media.example.net/c.vtt"></video>',
        ),
        "https://media.example.net/c.vtt",
        9,
    ),
    "object": (
        "probe.html",
        PAGE.format(head="", body='<object data="https://media.example.net/x.pdf"></object>'),
        "https://media.example.net/x.pdf",
        9,
    ),
    "embed": (
        "probe.html",
        PAGE.format(head="", body='<embed src="https://media.example.net/x.swf">'),
        "https://media.example.net/x.swf",
        9,
    ),
    "svg href": (
        "probe.html",
        PAGE.format(
            head="",
            body='<svg width="10" height="10"><image href="https://pix.example.net/s.png"/></svg>',
        ),
        "https://pix.example.net/s.png",
        9,
    ),
    "svg xlink:href": (
        "probe.html",
        PAGE.format(
            head="",
            body='<svg><use xlink:href="https://pix.example.net/sprite.svg#i"></use></svg>',
        ),
        "https://pix.example.net/sprite.svg#i",
        9,
    ),
    "svg file": (
        "logo.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<image xlink:href="https://pix.example.net/l.png" width="5" height="5"/>\n</svg>\n',
        "https://pix.example.net/l.png",
        2,
    ),
    "css url()": (
        "extra.css",
        "body {\n  background: url(https://pix.example.net/bg.png);\n}\n",
        "https://pix.example.net/bg.png",
        2,
    ),
    "css @import": (
        "extra.css",
        '/* fonts */\n@import "https://fonts.example.net/css2?family=X";\n',
        "https://fonts.example.net/css2?family=X",
        2,
    ),
    "css @font-face": (
        "extra.css",
        '@font-face {\n  font-family: X;\n  src: url("https://fonts.example.net/x.woff2") format("woff2");\n}\n',
        "https://fonts.example.net/x.woff2",
        3,
    ),
    "css image-set()": (
        "extra.css",
        'h1 { background-image: image-set("/a.png" 1x, "https://pix.example.net/a2.png" 2x); }\n',
        "https://pix.example.net/a2.png",
        1,
    ),
    "style attribute": (
        "probe.html",
        PAGE.format(
            head="", body="<div style=\"background: url('https://pix.example.net/d.png')\"></div>"
        ),
        "https://pix.example.net/d.png",
        9,
    ),
    "style element": (
        "probe.html",
        PAGE.format(
            head="<style>\nbody { color: red; }\np { background: url(//pix.example.net/p.png) }\n</style>",
            body="",
        ),
        "https://pix.example.net/p.png",
        8,
    ),
    "meta refresh": (
        "probe.html",
        PAGE.format(
            head='<meta http-equiv="refresh" content="0; url=https://elsewhere.example.net/">',
            body="",
        ),
        "https://elsewhere.example.net/",
        6,
    ),
    "form action": (
        "probe.html",
        PAGE.format(
            head="",
            body='<form action="https://forms.example.net/send" method="post"><button>Los</button></form>',
        ),
        "https://forms.example.net/send",
        9,
    ),
    "a ping": (
        "probe.html",
        PAGE.format(
            head="", body='<a href="/ok/" ping="https://beacon.example.net/p">ein Link</a>'
        ),
        "https://beacon.example.net/p",
        9,
    ),
    "base href": (
        "probe.html",
        PAGE.format(head='<base href="https://mirror.example.net/">', body=""),
        "https://mirror.example.net/",
        6,
    ),
    "protocol-relative": (
        "probe.html",
        PAGE.format(head="", body='<img src="//pix.example.net/a.jpg" alt="">'),
        "https://pix.example.net/a.jpg",
        9,
    ),
    "backslashes": (
        "probe.html",
        PAGE.format(head="", body='<img src="\\\\pix.example.net/b.jpg" alt="">'),
        "https://pix.example.net/b.jpg",
        9,
    ),
    "feed enclosure": (
        "episodes.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title>\n'
        '<item><title>1</title>\n<enclosure url="https://cdn.example.net/1.mp3" length="1" type="audio/mpeg"/>\n'
        "</item></channel></rss>\n",
        "https://cdn.example.net/1.mp3",
        4,
    ),
    "feed content": (
        "episodes.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>t</title>\n'
        "<item><title>1</title>\n"
        "<description>&lt;p&gt;&lt;img src=&quot;https://pix.example.net/f.jpg&quot;&gt;&lt;/p&gt;</description>\n"
        "</item></channel></rss>\n",
        "https://pix.example.net/f.jpg",
        4,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_reference_to_another_host_fails_the_build(
    make_site: MakeSite, case: str
) -> None:
    name, text, url, line = CASES[case]
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
            f"content/static/{name}": text,
        }
    )
    with pytest.raises(BuildErrors) as failure:
        build_site(site)
    message = str(failure.value)
    assert f"output/{name}:{line}: " in message
    assert f"(made from content/static/{name})" in message
    assert url in message
    assert not (site / "output").exists()


def test_links_and_own_files_are_not_requests(make_site: MakeSite) -> None:
    body = """<a href="https://elsewhere.example.net/text?x=1">ein Link</a>
<a href="//elsewhere.example.net/">noch einer</a>
<a href="mailto:a@example.org">Post</a>
<img src="https://example.org/favicon.svg" alt="">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
<img src="/favicon.svg" srcset="/favicon.svg 1x" alt="">
<svg><a href="https://elsewhere.example.net/"><text>x</text></a></svg>
<form action="/suche/"><button>Suchen</button></form>"""
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
            "content/static/probe.html": PAGE.format(head="", body=body),
            "content/static/extra.css": "p { background: url(/favicon.svg); }\n",
        }
    )
    build_site(site)
    assert "elsewhere.example.net" in read(site, "probe.html")


def test_a_raw_iframe_in_markdown_fails_the_build_naming_both_files(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A",
                "2013-06-26T06:25:00+02:00",
                'Schaut mal:\n\n<iframe src="https://www.youtube.com/embed/abc123"></iframe>\n',
            ),
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(x for x in result.stderr.splitlines() if "youtube" in x)
    assert "output/2013/06/26/a/index.html:" in line
    assert "content/posts/2013-06-26-a.md" in line
    assert "https://www.youtube.com/embed/abc123" in line
    assert "<iframe src> makes the browser contact www.youtube.com" in line
    assert "[audit] allow" in result.stderr
    assert not (site / "output").exists()


def test_a_script_in_markdown_fails_the_build(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A",
                "2013-06-26T06:25:00+02:00",
                'Zähler:\n\n<script async src="https://stats.example.net/count.js"></script>\n',
            ),
        }
    )
    with pytest.raises(BuildErrors, match=r"stats\.example\.net/count\.js"):
        build_site(site)


ALLOWING = SITE_TOML + '\n[audit]\nallow = ["media.example.net"]\n'


def test_an_allowed_host_passes_and_only_that_host(make_site: MakeSite) -> None:
    image = '<img src="https://media.example.net/bild.jpg" alt="Bild">'
    site = make_site(
        {
            "site.toml": ALLOWING,
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", image),
        }
    )
    build_site(site)
    assert "https://media.example.net/bild.jpg" in read(site, "2013/06/26/a/index.html")
    (site / "content/posts/2013-06-27-b.md").write_text(
        post("B", "2013-06-27T06:25:00+02:00", '<img src="https://pix.example.net/b.jpg" alt="">')
    )
    with pytest.raises(BuildErrors, match=r"pix\.example\.net") as failure:
        build_site(site)
    assert "media.example.net" not in str(failure.value)


def test_withdrawing_an_allowed_host_fails_the_next_build(make_site: MakeSite) -> None:
    image = '<img src="https://media.example.net/bild.jpg" alt="Bild">'
    site = make_site(
        {
            "site.toml": ALLOWING,
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", image),
        }
    )
    build_site(site)
    (site / "site.toml").write_text(SITE_TOML)
    with pytest.raises(BuildErrors, match=r"media\.example\.net/bild\.jpg"):
        build_site(site)


@pytest.mark.parametrize("whole", [True, False], ids=["new post", "edited post"])
def test_a_violation_leaves_the_previous_output_untouched(make_site: MakeSite, whole: bool) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00"),
            "content/posts/2013-06-27-b.md": post("B", "2013-06-27T06:25:00+02:00"),
        }
    )
    build_site(site)
    before = snapshot(site / "output")
    frame = '<iframe src="https://maps.example.net/embed"></iframe>'
    name = "2013-06-28-c.md" if whole else "2013-06-26-a.md"
    (site / "content/posts" / name).write_text(post("C", "2013-06-26T06:25:00+02:00", frame))
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "maps.example.net" in result.stderr
    assert snapshot(site / "output") == before
    # No staging folder is left; .output.spare, the tree the next build starts from, stays.
    assert not [p for p in site.iterdir() if p.name.startswith(".output.staging")]


def test_an_allowed_host_must_be_a_host_name(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": SITE_TOML
            + '\n[audit]\nallow = ["media.example.net", "https://pix.example.net/"]\n'
        }
    )
    result = run_cli("build", "--site", site)
    assert result.returncode == 1
    assert "site.toml: audit.allow[1]: must be a host name like" in result.stderr
    assert "'https://pix.example.net/'" in result.stderr


def test_sitegen_check_audits_a_built_site_as_it_lies(make_site: MakeSite) -> None:
    site = make_site({"content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00")})
    build_site(site)
    assert run_cli("check", "--site", site).returncode == 0
    page = site / "output/2013/06/26/a/index.html"
    page.write_text(
        page.read_text().replace(
            "</head>", '<script src="https://stats.example.net/s.js"></script>\n</head>'
        )
    )
    result = run_cli("check", "--site", site)
    assert result.returncode == 1
    assert "output/2013/06/26/a/index.html:" in result.stderr
    assert "<script src> makes the browser contact stats.example.net" in result.stderr


def test_a_damaged_facts_cache_is_read_again_not_trusted(make_site: MakeSite) -> None:
    image = '<img src="https://pix.example.net/a.jpg" alt="">'
    site = make_site(
        {
            "site.toml": ALLOWING.replace("media.example.net", "pix.example.net"),
            "content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", image),
        }
    )
    build_site(site)
    (name,) = kept(site, "facts:")
    tamper(site, name, '{"version": 3, "facts": {"index.html": ["k", {"kind": 3}]}}')
    (site / "site.toml").write_text(SITE_TOML)
    with pytest.raises(BuildErrors, match=r"pix\.example\.net"):
        build_site(site)
