"""The audit against its oracle: whatever makes real Chromium contact another host was refused.

Hostile snippets (tests/data/audit_corpus.txt, and combinations Hypothesis generates) are
put into a page, a static file (.html, .svg, .css) and a feed, each with a host of its
own. The files are audited as a build audits its output, then served from 127.0.0.1 and
opened in headless Chromium with CSP bypassed, many at once as iframes of one page;
every request to another host is recorded and traced back to its snippet by its host.
Every snippet Chromium fetched for must have been refused. The audit may refuse more.

SITEGEN_AUDIT_FUZZ=N runs N batches of generated snippets instead of 2
(bench/audit_fuzz.sh runs a long one).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from playwright.sync_api import Browser, Route

from sitegen.facts import read_output
from sitegen.feedhtml import sanitize
from sitegen.feeds import Channel, Item, rss

from .browser import chromium, static_server

CORPUS = Path(__file__).parent / "data" / "audit_corpus.txt"
BATCH = 40
"""Snippets opened at once, each in an iframe of one page."""
FUZZ_BATCHES = int(os.environ.get("SITEGEN_AUDIT_FUZZ", "2"))
_HOST = re.compile(r"^h(\d+)x\.test\.?$")
SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="100" height="100">'
)
TARGETS = '<div class="t">x</div><ul><li>x</li></ul><p>text</p>'


@dataclass
class Case:
    """One snippet in one context: the files the audit reads and the page Chromium opens."""

    number: int
    kind: str
    context: str
    snippet: str
    audited: dict[str, bytes]
    shown: dict[str, bytes] = field(default_factory=dict)
    top: str = ""

    @property
    def host(self) -> str:
        return f"h{self.number}x.test"


def corpus() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, snippet = line.split("\t", 1)
            rows.append((kind, snippet))
    return rows


def _page(body: str, head: str = "", encoding: str = "utf-8") -> bytes:
    """A page in `encoding`: utf-8, utf-16 (with its BOM) or one its meta element declares."""
    declared = "utf-8" if encoding == "utf-16" else encoding
    text = (
        f'<!doctype html><html lang="en"><head><meta charset="{declared}"><title>t</title>{head}'
        f"</head><body>{body}</body></html>"
    )
    if encoding == "utf-16":
        return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    if encoding == "iso-2022-jp":
        # Switched to JIS-Roman, where the byte of a backslash is a yen sign.
        return text.replace("<body>", "<body>\x1b(J", 1).encode("ascii", "xmlcharrefreplace")
    return text.encode(encoding, "xmlcharrefreplace")


def _feed(content: str, number: int) -> bytes:
    when = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    item = Item(f"urn:case:{number}", "http://127.0.0.1/a/", "A", when, when, "s", content)
    channel = Channel(
        "T", "d", "http://127.0.0.1/", "http://127.0.0.1/feed.xml", "en", "", "", "t", (item,)
    )
    return rss(channel)


def _reader(feed: bytes) -> bytes:
    """The item as a feed reader shows it: its HTML in a page, with no CSP at all."""
    root = etree.fromstring(feed)
    encoded = root.findtext(".//{http://purl.org/rss/1.0/modules/content/}encoded") or ""
    return _page(encoded)


def contexts(number: int, kind: str, template: str) -> Iterator[Case]:
    """The snippet in each place a build could put it, numbered from `number` on."""
    kind, _, encoding = kind.partition(":")
    made = {"html": ("page", "static", "feed", "rawfeed"), "css": ("style", "file")}
    made |= {"decl": ("attribute", "file"), "svg": ("inline", "file")}
    for offset, context in enumerate(made[kind]):
        n = number + offset
        host = f"h{n}x.test"
        snippet = template.replace("{HOST}", host.upper()).replace(
            "{dotted}", host.replace(".", "%2E")
        )
        snippet = snippet.replace("{ideo}", host.replace(".", "\u3002")).replace("{host}", host)
        name = f"c{n}"
        case = Case(n, f"{kind}:{encoding}" if encoding else kind, context, snippet, {})
        if kind == "html" and context == "page":
            case.audited[f"{name}.html"] = _page(snippet, encoding=encoding or "utf-8")
        elif kind == "html" and context == "static":
            case.audited[f"{name}.html"] = snippet.encode()
        elif kind == "html":
            content = sanitize(snippet) if context == "feed" else snippet
            feed = _feed(content, n)
            case.audited[f"{name}.xml"] = feed
            case.shown[f"{name}.html"] = _reader(feed)
        elif kind == "css" and context == "style":
            case.audited[f"{name}.html"] = _page(TARGETS, f"<style>{snippet}</style>")
        elif kind == "css" or (kind == "decl" and context == "file"):
            rule = snippet if kind == "css" else f"*,*::before,*::after{{{snippet}}}"
            case.audited[f"{name}.css"] = rule.encode()
            case.audited[f"{name}.html"] = _page(
                TARGETS, f'<link rel="stylesheet" href="{name}.css">'
            )
        elif kind == "decl":
            style = html.escape(snippet)
            body = f'<div style="{style}">x</div><ul><li style="{style}">x</li></ul>'
            case.audited[f"{name}.html"] = _page(body)
        elif kind == "svg" and context == "inline":
            case.audited[f"{name}.html"] = _page(f"{SVG_OPEN}{snippet}</svg>")
        else:
            case.audited[f"{name}.svg"] = f"{SVG_OPEN}{snippet}</svg>".encode()
        case.top = f"{name}.html" if f"{name}.html" in case.audited | case.shown else f"{name}.svg"
        yield case


def refused(case: Case, base: str) -> bool:
    """Does the audit fail a build holding this case's files?"""
    return any(read_output(name, data, base).foreign for name, data in case.audited.items())


def fetched(browser: Browser, cases: list[Case], folder: Path) -> dict[int, list[str]]:
    """Serve the cases and open them in Chromium: {case number: URLs it requested elsewhere}."""
    requested: dict[int, list[str]] = {}
    with static_server(folder) as address:
        for case in cases:
            for name, data in (case.audited | case.shown).items():
                (folder / name).write_bytes(data)
        context = browser.new_context(bypass_csp=True, viewport={"width": 1600, "height": 1200})

        def route(route: Route) -> None:
            url = route.request.url
            host = urllib.parse.urlsplit(url).hostname or ""
            if host == "127.0.0.1" or url.startswith(("data:", "blob:")):
                route.continue_()
                return
            if urllib.parse.urlsplit(url).scheme not in ("http", "https", "ws", "wss", "ftp"):
                route.abort()  # javascript: and the like reach no host
                return
            match = _HOST.match(host)
            keys = [int(match.group(1))] if match else [c.number for c in batch]
            for key in keys:
                requested.setdefault(key, []).append(url)
            route.abort()

        context.route("**/*", route)
        page = context.new_page()
        for start in range(0, len(cases), BATCH):
            batch = cases[start : start + BATCH]
            frames = "".join(
                f'<iframe src="{c.top}" width="320" height="200" title="c"></iframe>' for c in batch
            )
            (folder / f"batch{start}.html").write_bytes(_page(frames))
            page.goto(f"{address}batch{start}.html", wait_until="load", timeout=60_000)
            page.wait_for_timeout(400)  # late requests: refresh, fonts, style recalculation
        context.close()
    return requested


def differential(browser: Browser, rows: list[tuple[str, str]], folder: Path) -> tuple[int, int]:
    """Run the rows through both; return (cases, cases Chromium fetched for)."""
    cases: list[Case] = []
    for kind, template in rows:
        cases.extend(contexts(len(cases) + 1000, kind, template))
    base = "http://127.0.0.1:1/"  # the port differs from the server's: the host is what counts
    verdicts = {c.number: refused(c, base) for c in cases}
    requested = fetched(browser, cases, folder)
    missed = [
        f"{c.kind}/{c.context}: {c.snippet!r} -> {requested[c.number][0]}"
        for c in cases
        if c.number in requested and not verdicts[c.number]
    ]
    assert not missed, "Chromium contacted another host, the audit let it pass:\n" + "\n".join(
        missed
    )
    return len(cases), len(requested)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def test_the_corpus_every_snippet_chromium_fetches_for_fails_the_audit(
    browser: Browser, tmp_path: Path
) -> None:
    rows = corpus()
    total, caught = differential(browser, rows, tmp_path)
    # The oracle works: most hand-written snippets do make Chromium reach out.
    assert caught >= len(rows) // 2, (total, caught)
    print(
        f"\ncorpus: {len(rows)} snippets in {total} placements, Chromium fetched for {caught}, all refused"
    )


# Generated: elements x URL attributes x URL spellings x page encodings; CSS property x url.

_ELEMENTS = [
    '<img src="{u}" alt="">',
    '<img srcset="{u} 1x" alt="">',
    '<img src="/x.gif" srcset="/x.gif 1x, {u} 2x" alt="">',
    '<picture><source srcset="{u}"><img src="/x.gif" alt=""></picture>',
    '<video poster="{u}"></video>',
    '<video src="{u}" preload="auto"></video>',
    '<audio src="{u}" preload="auto"></audio>',
    '<iframe src="{u}"></iframe>',
    '<embed src="{u}">',
    '<object data="{u}"></object>',
    '<input type="image" src="{u}" alt="">',
    '<link rel="stylesheet" href="{u}">',
    '<link rel="icon" href="{u}">',
    '<link rel="preload" as="image" href="{u}">',
    '<link rel="prefetch" href="{u}">',
    '<script src="{u}"></script>',
    '<table background="{u}"><tr><td>x</td></tr></table>',
    '<meta http-equiv="refresh" content="0;url={u}">',
    '<svg><image href="{u}" width="9" height="9"/></svg>',
    '<svg><image xlink:href="{u}" width="9" height="9"/></svg>',
    '<svg><use href="{u}#a"/></svg>',
    '<div style="background:url({u});width:9px;height:9px"></div>',
    '<div style="background-image:image-set(&quot;{u}&quot; 1x);width:9px;height:9px"></div>',
    '<a href="{u}">a link</a>',
    '<img src="/x.gif" lowsrc="{u}" alt="">',
    '<div background="{u}">x</div>',
]
_SCHEMES = [
    "http://",
    "https://",
    "//",
    "http:",
    "\\\\",
    "/\\",
    "http:\\\\",
    "ht\ttp://",
    "h\nttp://",
    " http://",
    "HTTP://",
    "&#104;ttp://",
    "&#x2f;/",
    "&sol;/",
    "http:/",
    "ws://",
    "ftp://",
    "http:\\/",
    "\\/",
    "%2F%2F",
    "javascript://",
    "blob:http://",
]
_HOSTS = ["{host}", "{HOST}", "{host}.", "u@{host}", "{host}:81", "{dotted}", "{ideo}"]
_CSS_PROPERTIES = [
    "background",
    "background-image",
    "list-style-image",
    "border-image-source",
    "cursor",
    "content",
    "mask-image",
    "-webkit-mask-image",
    "shape-outside",
    "filter",
    "clip-path",
]
_CSS_URLS = [
    "url({u})",
    "url('{u}')",
    'url("{u}")',
    "URL({u})",
    "u\\72l({u})",
    "image-set('{u}' 1x)",
    "-webkit-image-set(url({u}) 1x)",
    "image-set(url({u}) 1x)",
    "url( {u} )",
    "url(\\{u})",
]


def _url(scheme: str, host: str) -> str:
    return scheme + host + "/x.png"


@st.composite
def _html_snippet(draw: st.DrawFn) -> tuple[str, str]:
    element = draw(st.sampled_from(_ELEMENTS))
    scheme = draw(st.sampled_from(_SCHEMES))
    if draw(st.booleans()):  # some characters of the scheme as character references
        scheme = "".join(
            f"&#{ord(c)};" if c in "/:ht" and draw(st.booleans()) else c for c in scheme
        )
    url = _url(scheme, draw(st.sampled_from(_HOSTS)))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "windows-1252", "iso-2022-jp"]))
    return f"html:{encoding}", element.replace("{u}", url)


@st.composite
def _css_snippet(draw: st.DrawFn) -> tuple[str, str]:
    prop = draw(st.sampled_from(_CSS_PROPERTIES))
    value = draw(st.sampled_from(_CSS_URLS))
    url = _url(draw(st.sampled_from(_SCHEMES[:10])), draw(st.sampled_from(_HOSTS)))
    declaration = f"{prop}:{value.replace('{u}', url)}"
    if draw(st.booleans()):
        return "decl", declaration
    return "css", f"div,li,p,*::before{{{declaration}}}"


@settings(
    max_examples=FUZZ_BATCHES,
    deadline=None,
    database=None,
    derandomize="SITEGEN_AUDIT_FUZZ" not in os.environ,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(
    rows=st.lists(st.one_of(_html_snippet(), _css_snippet()), min_size=60, max_size=60, unique=True)
)
def test_generated_snippets_every_one_chromium_fetches_for_fails_the_audit(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    total, caught = differential(browser, rows, folder)
    print(
        f"\ngenerated: {len(rows)} snippets in {total} placements, Chromium fetched for {caught}, all refused"
    )
