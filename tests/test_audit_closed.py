"""The audit fails closed: URLs as browsers resolve them, every file type, every parser limit."""

from __future__ import annotations

import pytest

from sitegen import audit
from sitegen.errors import BuildErrors, SitegenError
from sitegen.facts import UNPROVEN, Facts, read_output

from .conftest import MakeSite, build_site, post, read

BASE = "https://example.org/blog/"


def page(body: str, head: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="de"><head><meta charset="utf-8"><title>t</title>{head}'
        f"</head><body>\n{body}\n</body></html>"
    ).encode()


def hosts(facts: Facts) -> set[str]:
    return {r.host for r in facts.foreign if r.host != UNPROVEN}


def problems(facts: Facts) -> list[str]:
    return [r.what for r in facts.foreign if r.host == UNPROVEN]


@pytest.mark.parametrize(
    "url",
    [
        "http:evil.example/x.gif",  # a scheme without slashes still names a host
        "//evil.example/x.gif",
        "\\\\evil.example/x.gif",
        "/\\evil.example/x.gif",
        "https:\\\\evil.example/x.gif",
        "ht\ttp://evil.example/x.gif",
        "h\nttps://evil.example/x.gif",
        " \x0c//evil.example/x.gif",
        "HTTPS://EVIL.EXAMPLE/x.gif",
        "&#x2F;&#x2F;evil.example/x.gif",
        "&sol;&sol;evil.example/x.gif",
        "//%65vil.example/x.gif",
        "//evil%2Eexample/x.gif",
        "//evil。example/x.gif",
        "//ｅvil.example/x.gif",
        "https://user:pw@evil.example/x.gif",
        "//evil.example:443/x.gif",
    ],
)
def test_a_url_is_resolved_as_a_browser_resolves_it(url: str) -> None:
    facts = read_output("a/index.html", page(f'<img src="{url}" alt="">'), BASE)
    assert hosts(facts) == {"evil.example"}, facts.foreign


@pytest.mark.parametrize(
    "url", ["/x.gif", "x.gif", "../x.gif", "data:image/gif;base64,R0lGOD", "#a", "mailto:a@b.c"]
)
def test_own_and_hostless_urls_are_no_request(url: str) -> None:
    assert read_output("a/index.html", page(f'<img src="{url}" alt="">'), BASE).foreign == ()


def test_a_reference_after_two_thousand_nested_elements_is_not_missed() -> None:
    deep = "<div>" * 3000 + '<img src="/ok.gif" alt="">' + "</div>" * 3000
    facts = read_output("a/index.html", page(deep + '<img src="//evil.example/x" alt="">'), BASE)
    assert any("stopped reading" in p for p in problems(facts)), facts.foreign


@pytest.mark.parametrize(
    ("output", "data"),
    [
        (
            "a.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg">'
            + b"<g>" * 3000
            + b"</g>" * 3000
            + b"</svg>",
        ),
        ("a.css", b"p{color:" + b"(" * 5000 + b"}"),
        ("a.html", page("<p style='color:" + "[" * 5000 + "'>a</p>")),
        (
            "feed.json",
            b'{"version": "https://jsonfeed.org/version/1.1", "items": '
            + b"[" * 100000
            + b"]" * 100000
            + b"}",
        ),
    ],
)
def test_no_nesting_depth_ends_reading_silently(output: str, data: bytes) -> None:
    facts = read_output(output, data, BASE)
    assert problems(facts), facts.foreign


@pytest.mark.parametrize(
    ("snippet", "says"),
    [
        ("<script>document.title = 1</script>", "<script> runs JavaScript"),
        ('<script type="module">1</script>', "<script> runs JavaScript"),
        ('<p onclick="x()">a</p>', "<p onclick> runs JavaScript"),
        ('<a href="javascript:alert(1)">a</a>', "runs JavaScript"),
        ('<image src="//evil.example/x">', "<image> is not an element"),
        ("<blink>a</blink>", "<blink> is not an element"),
        ('<img src="/a.png" attributionsrc="//evil.example/x" alt="">', "<img attributionsrc>"),
        ('<object data="/a.svg" codebase="//evil.example/"></object>', "<object codebase>"),
        ('<p style="-moz-binding: url(/x.xml)">a</p>', "CSS property -moz-binding"),
        ('<p style="background: cross-fade(url(/a), url(/b))">a</p>', "function cross-fade()"),
        ("<style>@-moz-document url-prefix() { p { color: red } }</style>", "at-rule"),
        ('<p style="content: attr(data-u type(&lt;url&gt;))">a</p>', "function attr()"),
        ('<meta http-equiv="origin-trial" content="x">', "origin-trial"),
        ('<math><mi href="//evil.example/">x</mi></math>', "<mi href>"),
        ('<body background="//evil.example/b.png">', "a second <body> tag"),
    ],
)
def test_what_the_audit_does_not_know_is_an_error(snippet: str, says: str) -> None:
    found = problems(read_output("a/index.html", page(snippet), BASE))
    assert any(says in p for p in found), found


def test_json_ld_is_data_not_a_script() -> None:
    data = '<script type="application/ld+json">{"@type": "BlogPosting"}</script>'
    facts = read_output("a/index.html", page("", head=data), BASE)
    assert facts.foreign == () and facts.script_bytes == 0


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ('<img srcset="/a.png 1x, //evil.example/b.png 2x" src="/a.png" alt="">', "<img srcset>"),
        ('<video poster="//evil.example/p.png"></video>', "<video poster>"),
        ('<object data="//evil.example/o"></object>', "<object data>"),
        ('<embed src="//evil.example/e">', "<embed src>"),
        ('<iframe srcdoc="&lt;img src=//evil.example/i&gt;"></iframe>', "<img src>"),
        ('<svg><use href="//evil.example/s.svg#a"/></svg>', "<svg use href>"),
        ('<svg><image xlink:href="//evil.example/i.png"/></svg>', "<svg image xlink:href>"),
        ('<svg><rect fill="url(//evil.example/f.svg#p)"/></svg>', "CSS url()"),
        (
            '<svg><image href="/a.png"><set attributeName="href" to="//evil.example/x"/></image></svg>',
            "<svg set to>",
        ),
        ('<svg><foreignObject><img src="//evil.example/f"></foreignObject></svg>', "<img src>"),
        ('<meta http-equiv="refresh" content="0; URL=\'//evil.example/\'">', "refresh"),
        ('<link rel="preload" href="//evil.example/p">', "preload"),
        ('<link rel="search" href="//evil.example/o.xml">', "search"),
        ('<link rel="compression-dictionary" href="//evil.example/d">', "compression-dictionary"),
        ('<a href="/a" ping="//evil.example/p">a</a>', "<a ping>"),
        ('<table background="//evil.example/b.png"></table>', "<table background>"),
        ('<button formaction="//evil.example/f">b</button>', "<button formaction>"),
        ("<style>@import '//evil.example/a.css';</style>", "CSS @import"),
        ("<style>p { background: image-set('//evil.example/a.png' 1x) }</style>", "image-set"),
        (
            "<style>@font-face { font-family: f; src: url(//evil.example/f.woff2) }</style>",
            "@font-face src",
        ),
        ("<style>p { background: u\\72l(//evil.example/e.png) }</style>", "CSS url()"),
        ('<p style="--x: url(//evil.example/v.png)">a</p>', "CSS url()"),
        ("<p>a<!--x--!><img src=//evil.example/c alt=''>", "<img src>"),
        ("<img/src=//evil.example/s alt=''>", "<img src>"),
    ],
)
def test_every_kind_of_request_is_found(snippet: str, what: str) -> None:
    facts = read_output("a/index.html", page(snippet), BASE)
    found = [r for r in facts.foreign if r.host == "evil.example"]
    assert found and any(what in r.what for r in found), facts.foreign


@pytest.mark.parametrize(
    ("data", "says"),
    [
        # UTF-16 with a BOM: the browser reads UTF-16 whatever the page says.
        ('\ufeff<p><img src="//evil.example/x" alt=""></p>'.encode("utf-16-le"), None),
        (b'<meta charset="iso-2022-jp"><p>\x1b(J<img src=x alt=""></p>', "charset iso-2022-jp"),
        (b"<p>caf\xe9</p>", "not valid UTF-8"),
        ("<p>Straße</p>".encode(), "no charset declared"),
    ],
)
def test_pages_are_decoded_as_browsers_decode_them(data: bytes, says: str | None) -> None:
    facts = read_output("a.html", data, BASE)
    if says is None:
        assert hosts(facts) == {"evil.example"}
    else:
        assert any(says in p for p in problems(facts)), facts.foreign


@pytest.mark.parametrize(
    ("output", "data", "host"),
    [
        (
            "a.xhtml",
            b'<html xmlns="http://www.w3.org/1999/xhtml"><body><img src="//evil.example/x"/></body></html>',
            True,
        ),
        (
            "a.xml",
            b'<r><p xmlns="http://www.w3.org/1999/xhtml"><img src="//evil.example/x"/></p></r>',
            True,
        ),
        (
            "a.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><image x:href="//evil.example/i"/></svg>',
            True,
        ),
        (
            "a.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:url(//evil.example/f#a)}</style></svg>',
            True,
        ),
        ("site.webmanifest", b'{"icons": [{"src": "//evil.example/i.png"}]}', True),
        ("app.js", b"fetch('//evil.example/')", False),
        ("app.mjs", b"export {}", False),
        ("a.xsl", b"<x/>", False),
        (
            "a.svg",
            b'<!DOCTYPE svg [<!ENTITY e "x">]><svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>',
            False,
        ),
        (
            "a.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="/a.png" xml:base="//evil.example/"/></svg>',
            False,
        ),
        ("a.css", "\ufeffp{background:url(//evil.example/c)}".encode("utf-16-le"), True),
        ("a.css", b'@charset "windows-1252"; p::after{content:"\xe9"}', False),
    ],
)
def test_every_file_a_host_serves_as_markup_style_or_script_is_read_or_refused(
    output: str, data: bytes, host: bool
) -> None:
    facts = read_output(output, data, BASE)
    if host:
        assert hosts(facts) == {"evil.example"}, facts.foreign
    else:
        assert problems(facts), facts.foreign


def test_a_problem_names_the_output_line_and_source(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2020-01-01-a.md": post(
                "A", "2020-01-01T08:00:00+01:00", 'Absatz.\n\n<p onmouseover="x()">b</p>'
            ),
            "content/static/tool.js": "console.log(1)\n",
        }
    )
    with pytest.raises(BuildErrors) as failure:
        build_site(site)
    message = str(failure.value)
    assert (
        "output/2020/01/01/a/index.html:" in message
        and "<p onmouseover> runs JavaScript" in message
    )
    assert "content/posts/2020-01-01-a.md)" in message
    assert (
        "output/tool.js:1: a .js file" in message
        and "(made from content/static/tool.js)" in message
    )
    assert "the audit cannot vouch for" in message
    assert not (site / "output").exists()


def test_no_figures_come_from_a_site_the_audit_could_not_vouch_for() -> None:
    # The transparency page would claim "0 requests" for what it never read: it gets no figures.
    facts = read_output("a.js", b"fetch('//evil.example/')", BASE)
    with pytest.raises(SitegenError, match="not audited"):
        audit.summarize({"a.js": facts, "index.html": read_output("index.html", page("a"), BASE)})


def test_an_allowed_host_never_excuses_a_problem(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": (
                'title = "T"\nbase_url = "https://example.org/"\nlanguage = "en"\n'
                '[audit]\nallow = ["evil.example"]\n'
            ),
            "content/posts/2020-01-01-a.md": post(
                "A",
                "2020-01-01T08:00:00+01:00",
                '<img src="//evil.example/a.png" onload="x()" alt="a">',
            ),
        }
    )
    with pytest.raises(BuildErrors, match="runs JavaScript"):
        build_site(site)


def test_the_transparency_page_counts_what_the_audit_measured(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": (
                'title = "T"\nbase_url = "https://example.org/"\nlanguage = "en"\n'
                '[audit]\nallow = ["media.example.net"]\n'
            ),
            "content/posts/2020-01-01-a.md": post(
                "A", "2020-01-01T08:00:00+01:00", '<img src="http:media.example.net/a.png" alt="a">'
            ),
        }
    )
    build_site(site)
    text = read(site, "transparency/index.html")
    # The slash-less spelling is a request to that host, and the page says so.
    assert 'id="requests"' in text and "media.example.net" in text
    assert '<data value="0">' not in text.split('id="requests"')[1].split("</div>")[0]
