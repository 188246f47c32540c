"""The Markdown renderer: CommonMark plus tables, strikethrough, footnotes and heading ids."""

from __future__ import annotations

import functools
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
from .tracking import clean_url

REF_SCHEME = "sitegen-ref:"
"""Placeholder prefix for links to other Markdown files, replaced at render time."""

IMAGE_SCHEME = "sitegen-image:"
"""Placeholder prefix for embedded images, replaced by responsive markup at render time."""

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
"""Images published in several widths and formats."""
UNSUPPORTED_IMAGES = (".heic", ".heif", ".avif", ".bmp", ".tif", ".tiff", ".psd", ".dng", ".raw")
"""Image files a browser cannot show or sitegen cannot clean: an error when embedded."""

_QUOTES = {"de": "„“‚‘", "en": "“”‘’", "fr": "«»‹›"}
_FOOTNOTES = {"de": "Fußnoten", "en": "Footnotes", "fr": "Notes"}


@functools.cache
def markdown(language: str) -> MarkdownIt:
    """A renderer with the typographic quotes of `language`."""
    md = MarkdownIt(
        "commonmark",
        {
            "typographer": True,
            "quotes": _QUOTES.get(language.split("-")[0], _QUOTES["en"]),
            "xhtmlOut": False,  # HTML, not XHTML: no "/>" on void elements
        },
    )
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=lambda s: slugify(s) or "section")
    md.core.ruler.push("sitegen_clean_links", _clean_links)
    md.core.ruler.push("sitegen_refs", _resolve_markdown_links)
    md.core.ruler.push("sitegen_align", _alignment_as_class)
    md.core.ruler.push("sitegen_images", _collect_images)
    heading = _FOOTNOTES.get(language.split("-")[0], _FOOTNOTES["en"])
    # A section needs a heading; readers of the page see the rule, screen readers the name.
    md.add_render_rule(
        "footnote_block_open",
        lambda *_: (
            '<hr class="footnotes-sep">\n<section class="footnotes">\n'
            f'<h2 class="visually-hidden">{heading}</h2>\n<ol class="footnotes-list">\n'
        ),
    )
    return md


@dataclass(frozen=True, slots=True)
class Rendered:
    """A Markdown text as HTML, with what it links to and shows."""

    html: str
    refs: list[tuple[str, int]]
    """Markdown files it links to, with their lines."""
    images: list[tuple[str, int, str]]
    """Images it embeds: target, line, alt text (only when asked for)."""
    cleaned: int
    """Outbound links that lost tracking parameters."""


def render(
    text: str, *, language: str, source_key: str, line_offset: int, images: bool = False
) -> Rendered:
    """Render Markdown; links lose their tracking parameters.

    `source_key` is the file's path below content/; relative links to `.md` files are
    resolved against it and left as placeholders that render time turns into URLs.
    With `images`, relative images in a format sitegen publishes become placeholders
    that render time turns into responsive markup.
    """
    env: dict[str, Any] = {"source_dir": posixpath.dirname(source_key), "refs": [], "cleaned": 0}
    if images:
        env["images"] = []
    html = markdown(language).render(text, env)
    return Rendered(
        html,
        [(target, line + line_offset) for target, line in env["refs"]],
        [(target, line + line_offset, alt) for target, line, alt in env.get("images", ())],
        env["cleaned"],
    )


def _clean_links(state: StateCore) -> None:
    """Outbound links lose tracking and affiliate parameters; the count goes to the build report."""
    for block in state.tokens:
        children = block.children or []
        for i, token in enumerate(children):
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            cleaned, removed = clean_url(href)
            if not removed:
                continue
            token.attrSet("href", cleaned)
            state.env["cleaned"] = state.env.get("cleaned", 0) + 1
            # An autolink shows its URL: the reader should see the clean one too.
            text = children[i + 1] if i + 1 < len(children) else None
            if token.markup == "autolink" and text is not None and text.type == "text":
                text.content = clean_url(text.content)[0]


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
