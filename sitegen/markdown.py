"""The Markdown renderer: CommonMark plus tables, strikethrough, footnotes and heading ids."""

from __future__ import annotations

import functools
import html
import posixpath
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .text import slugify

REF_SCHEME = "sitegen-ref:"
"""Placeholder prefix for links to other Markdown files, replaced at render time."""

IMAGE_SCHEME = "sitegen-image:"
"""Placeholder prefix for embedded images, replaced by responsive markup at render time."""

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
"""Images published in several widths and formats."""
UNSUPPORTED_IMAGES = (".heic", ".heif", ".avif", ".bmp", ".tif", ".tiff", ".psd", ".dng", ".raw")
"""Image files a browser cannot show or sitegen cannot clean: an error when embedded."""


@dataclass(frozen=True, slots=True)
class Typography:
    """What rendered Markdown says in the site's language; from the theme's translation file."""

    quotes: str = "“”‘’"
    """Double and single quotes, opening and closing: four characters."""
    footnotes: str = "Footnotes"
    """The (visually hidden) heading of the footnotes."""


@functools.cache
def markdown(typography: Typography) -> MarkdownIt:
    """A renderer with the quotes and footnote heading of the site's language."""
    md = MarkdownIt(
        "commonmark",
        {
            "typographer": True,
            "quotes": typography.quotes,
            "xhtmlOut": False,  # HTML, not XHTML: no "/>" on void elements
        },
    )
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=lambda s: slugify(s) or "section")
    md.core.ruler.push("sitegen_refs", _resolve_markdown_links)
    md.core.ruler.push("sitegen_align", _alignment_as_class)
    md.core.ruler.push("sitegen_images", _collect_images)
    heading = html.escape(typography.footnotes)
    # A section needs a heading; readers of the page see the rule, screen readers the name.
    md.add_render_rule(
        "footnote_block_open",
        lambda *_: (
            '<hr class="footnotes-sep">\n<section class="footnotes">\n'
            f'<h2 class="visually-hidden">{heading}</h2>\n<ol class="footnotes-list">\n'
        ),
    )
    return md


def render(
    text: str, *, typography: Typography, source_key: str, line_offset: int
) -> tuple[str, list[tuple[str, int]]]:
    """Render Markdown; return HTML and the Markdown files it links to, with their lines.

    `source_key` is the file's path below content/; relative links to `.md` files are
    resolved against it and left as placeholders that render time turns into URLs.
    """
    env: dict[str, Any] = {"source_dir": posixpath.dirname(source_key), "refs": []}
    rendered = markdown(typography).render(text, env)
    return rendered, [(target, line + line_offset) for target, line in env["refs"]]


def render_with_images(
    text: str, *, typography: Typography, source_key: str, line_offset: int
) -> tuple[str, list[tuple[str, int]], list[tuple[str, int, str]]]:
    """Render Markdown as `render` does; also return the embedded images (target, line, alt).

    Relative images in a format sitegen publishes become placeholders that render time
    turns into responsive markup.
    """
    env: dict[str, Any] = {"source_dir": posixpath.dirname(source_key), "refs": [], "images": []}
    rendered = markdown(typography).render(text, env)
    refs = [(target, line + line_offset) for target, line in env["refs"]]
    images = [(target, line + line_offset, alt) for target, line, alt in env["images"]]
    return rendered, refs, images


def _collect_images(state: StateCore) -> None:
    source_dir = state.env.get("source_dir")
    if source_dir is None or "images" not in state.env:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] + 1 if block.map else 1
        for token in block.children:
            if token.type != "image":
                continue
            parts = urlsplit(str(token.attrGet("src") or ""))
            suffix = posixpath.splitext(parts.path.lower())[1]
            if (
                parts.scheme
                or parts.netloc
                or parts.path.startswith("/")
                or suffix not in IMAGE_EXTENSIONS + UNSUPPORTED_IMAGES
            ):
                continue
            target = posixpath.normpath(posixpath.join(source_dir, unquote(parts.path)))
            token.attrSet("src", f"{IMAGE_SCHEME}{target}")
            state.env["images"].append((target, line, _alt_text(token)))


def _alt_text(token: Token) -> str:
    """The alt text as the default renderer makes it: the text of the children, no markup."""
    return "".join(
        child.content if child.type in ("text", "code_inline") else _alt_text(child)
        for child in token.children or ()
        if child.type in ("text", "code_inline", "image")
    )


def _alignment_as_class(state: StateCore) -> None:
    """Table alignment as a class: the pages' Content-Security-Policy forbids style attributes."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if style.startswith("text-align:"):
                token.attrs.pop("style")
                token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _resolve_markdown_links(state: StateCore) -> None:
    source_dir = state.env.get("source_dir")
    if source_dir is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] + 1 if block.map else 1
        for token in block.children:
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            parts = urlsplit(href)
            if (
                parts.scheme
                or parts.netloc
                or not parts.path.lower().endswith((".md", ".markdown"))
            ):
                continue
            target = posixpath.normpath(posixpath.join(source_dir, unquote(parts.path)))
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            token.attrSet("href", f"{REF_SCHEME}{target}{fragment}")
            state.env["refs"].append((target, line))
