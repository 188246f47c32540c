"""A body's segments, joined, give the HTML the earlier placeholder-and-regex path gave.

The reference below is that path, kept brief: every link to another document and every
picture is written into the HTML as a placeholder (`sitegen-ref:<key><fragment>` and
`<img src="sitegen-image:<key>" alt=.. title=..>`), markdown-it renders the whole token
stream as a string, and regexes put the URLs and the <picture> markup in. The new path
renders the same tokens into segments and `Templates.joined` resolves them.
"""

from __future__ import annotations

import html
import itertools
import re
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.body import Image, Link, Text
from sitegen.cache import ParseCache
from sitegen.config import load_config
from sitegen.inputs import Shown
from sitegen.markdown import _LINK, _PICTURE, Typography, markdown, render
from sitegen.model import Document, Picture, SourceFile, Variant
from sitegen.parse import parse_document
from sitegen.picture import picture_html
from sitegen.templating import Templates
from sitegen.theme import load_theme

SOURCE = "posts/2013/a.md"

# Link targets as writers name files (never with & < > ": the old path could not find those).
NAMES = ("b.md", "../c.md", "Über uns.md", "d'e.md", "x/f.markdown", "2013-06-26-ein-tag.md")
FRAGMENTS = ("", "#teil-2", "#Ab'c", "#ä")
IMAGES = ("foto.jpg", "bilder/ä b.png", "x.webp", "../y.jpeg")
WORD = st.sampled_from(("Leim", "Papier", "&", "a<b", "Öl", "“Zitat”", "x_y", "**fett**"))


@st.composite
def inline(draw: st.DrawFn) -> str:
    """A line of Markdown: words, links to documents and elsewhere, pictures, code, HTML."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 8))
        words = " ".join(draw(st.lists(WORD, min_size=1, max_size=3)))
        name = draw(st.sampled_from(NAMES))
        target = f"<{name}>" if " " in name else name
        fragment = draw(st.sampled_from(FRAGMENTS))
        image = draw(st.sampled_from(IMAGES))
        image = f"<{image}>" if " " in image else image
        title = draw(st.sampled_from(("", ' "Ein \\"Titel\\""', " 'kurz & gut'")))
        parts.append(
            [
                words,
                f"[{words}]({target}{fragment}{title})",
                f"![{words}]({image}{title})",
                f"[![{words}]({image})]({target}{fragment})",
                f"[{words}](https://example.org/x?utm_source=a&b=1)",
                f"*{words} [{words}]({target})*",
                f"`{words}`",
                f'<span class="x">{words}</span>',
                f"<https://example.org/{fragment.lstrip('#')}>",
            ][kind]
        )
    return " ".join(parts)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Markdown of several blocks, each holding inline parts."""
    blocks: list[str] = []
    footnote = False
    for line in draw(st.lists(inline(), min_size=1, max_size=5)):
        form = draw(st.integers(0, 5))
        if form == 5 and not footnote:
            footnote = True
            blocks.append(f"Mit Fußnote.[^1]\n\n[^1]: {line}")
            continue
        blocks.append(["{}", "## {}", "- {}\n- {}", "> {}", "| a |\n|---|\n| {} |"][form % 5])
        blocks[-1] = blocks[-1].replace("{}", line)
    return "\n\n".join(blocks) + "\n"


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    site = tmp_path_factory.mktemp("site")
    (site / "site.toml").write_text(
        'title = "T"\nbase_url = "https://example.org/blog/"\nlanguage = "de"\n', encoding="utf-8"
    )
    config = load_config(site)
    return Templates(config, load_theme(config))


def shown_for(refs: list[tuple[str, int]], images: list[tuple[str, int, str]]) -> Shown:
    """URLs with characters that need escaping, and pictures in two formats."""
    links = {target: f"n&'{i}/ü/" for i, (target, _) in enumerate(refs)}
    pictures = {target: _picture(target) for target, _, _ in images}
    return Shown(links, pictures, "(min-width: 40rem) 38rem, 100vw")


def _picture(target: str) -> Picture:
    stem = target.rsplit(".", 1)[0]
    variants = (
        Variant(f"img/{stem}-480.webp", 480, 320, "image/webp"),
        Variant(f"img/{stem}-480.jpg", 480, 320, "image/jpeg"),
        Variant(f"img/{stem}-960.jpg", 960, 640, "image/jpeg"),
    )
    return Picture(target, 960, 640, variants, "image/jpeg", stem)


def placeholder_path(text: str, templates: Templates, shown: Shown) -> str:
    """The page's HTML as the placeholders and regexes made it."""
    md = markdown(Typography())
    env: dict[str, Any] = {"source_dir": "posts/2013", "refs": [], "cleaned": 0, "images": []}
    tokens = md.parse(text, env)
    for token in _inline_children(tokens):
        if _LINK in token.meta:
            link: Link = token.meta[_LINK]
            token.attrSet("href", f"sitegen-ref:{link.target}{link.fragment}")
        if _PICTURE in token.meta:
            token.attrSet("src", f"sitegen-image:{token.meta[_PICTURE]}")
    made = md.renderer.render(tokens, md.options, env)
    made = re.sub(
        r"sitegen-ref:([^\"#]*)",
        lambda m: html.escape(templates.url(shown.links[m.group(1)])),
        made,
    )
    first = [True]

    def picture(m: re.Match[str]) -> str:
        lazy, first[0] = not first[0], False
        return picture_html(
            shown.pictures[html.unescape(m.group(1))],
            templates.url,
            alt=html.unescape(m.group(2)),
            title=html.unescape(m.group(3) or ""),
            sizes=shown.sizes,
            lazy=lazy,
        )

    image = r'<img src="sitegen-image:([^"]*)" alt="([^"]*)"(?: title="([^"]*)")? ?/?>'
    return re.sub(image, picture, made)


def _inline_children(tokens: list[Any]) -> Iterator[Any]:
    for token in tokens:
        yield from token.children or ()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(documents())
def test_joined_segments_equal_the_placeholder_path(templates: Templates, text: str) -> None:
    rendered = render(text, typography=Typography(), source_key=SOURCE, line_offset=0, images=True)
    shown = shown_for(rendered.refs, rendered.images)
    templates.eager = True
    assert str(templates.joined(rendered.body, shown)) == placeholder_path(text, templates, shown)
    # Segments are cut where a target is, never empty, and text never stands beside text.
    body = rendered.body
    assert all(s.html for s in body if isinstance(s, Text))
    assert not any(isinstance(a, Text) and isinstance(b, Text) for a, b in itertools.pairwise(body))
    assert [s.target for s in body if isinstance(s, Link)] == [t for t, _ in rendered.refs]
    assert [s.target for s in body if isinstance(s, Image)] == [t for t, _, _ in rendered.images]


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(documents(), st.sampled_from(("", "Im Traum [dort](b.md#x) und ![Bild](foto.jpg).")))
def test_a_body_comes_back_from_the_parse_cache_as_it_was_stored(text: str, dream: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n')
        path = site / "content" / SOURCE
        path.parent.mkdir(parents=True)
        front = f'title = "A"\ndate = 2013-06-26T07:00:00+02:00\ndream = """{dream}"""\n'
        path.write_text(f"+++\n{front}+++\n\n{text}", encoding="utf-8")
        stat = path.stat()
        document = Document(SourceFile(path, SOURCE, stat.st_size, stat.st_mtime_ns), "post")
        post = parse_document(document, load_config(site))
        entry = ParseCache({}, "v", lambda _: {}).entry(document, post)
        # The row as the store keeps it: stat, source digest and print; JSON and HTML apart.
        rel, _, stat, source, data, html, known = entry
        again = ParseCache({rel: (stat, source, known)}, "v", lambda _: {rel: (data, html)})
        again.read_bodies([document])
        found = again.lookup(document)
    # `source` names the file where it was first read (the cache's memo is per process).
    assert found is not None and replace(found, source=post.source) == post
