"""The Markdown renderer: CommonMark plus tables, strikethrough, footnotes and heading ids."""

from __future__ import annotations

import functools
import html as html_lib
import posixpath
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import highlight
from .body import Body, Image, Link, Segment, Text, source_html
from .headings import collect_headings, heading_id, link_headings
from .tracking import clean_url
from .videocards import video_cards

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
    video: str = "Video on {host}"
    """A video card's title when its link has no text of its own."""
    video_note: str = "Plays on {host}"
    """A video card's note: the video plays elsewhere, the page loads nothing."""
    heading_link: str = "Link to this section"
    """What screen readers say for a heading's link to itself."""


@dataclass(frozen=True, slots=True)
class Features:
    """What the renderer adds to plain Markdown, as site.toml's [writing] switches it."""

    highlight: bool = True
    """Fenced code with a language Pygments knows is coloured by classes."""
    heading_links: bool = True
    """Each heading is followed by a link to itself."""


@functools.cache
def markdown(typography: Typography, features: Features = Features()) -> MarkdownIt:
    """A renderer with the quotes, footnote heading and card words of the site's language."""
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
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_id)
    md.core.ruler.push("sitegen_headings", collect_headings)
    if features.heading_links:
        label = typography.heading_link
        md.core.ruler.push("sitegen_heading_links", lambda state: link_headings(state, label))
    md.core.ruler.push("sitegen_clean_links", _clean_links)
    words = (typography.video, typography.video_note)
    md.core.ruler.push("sitegen_video_cards", lambda state: video_cards(state, words))
    md.core.ruler.push("sitegen_refs", _resolve_markdown_links)
    md.core.ruler.push("sitegen_align", _alignment_as_class)
    md.core.ruler.push("sitegen_images", _collect_images)
    md.core.ruler.push("sitegen_scrollable", _scrollable_reachable)
    renderer = cast(RendererHTML, md.renderer)
    for rule in ("fence", "code_block"):
        md.add_render_rule(rule, _focusable_pre(renderer.rules[rule]))
    if features.highlight:
        md.add_render_rule("fence", _highlighted(renderer.rules["fence"]))
    heading = html_lib.escape(typography.footnotes)
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
    """A Markdown text as a body, with what it links to and shows."""

    body: Body
    refs: list[tuple[str, int]]
    """Markdown files it links to, with their lines."""
    images: list[tuple[str, int, str]]
    """Images it embeds: target, line, alt text (only when asked for)."""
    cleaned: int
    """Outbound links that lost tracking parameters."""
    headings: list[tuple[int, str, str]]
    """Every heading: level, id, plain text."""

    @property
    def html(self) -> str:
        """The body as HTML, links and pictures pointing at their sources (for its text)."""
        return source_html(self.body)


def render(
    text: str,
    *,
    typography: Typography,
    source_key: str,
    line_offset: int,
    images: bool = False,
    features: Features = Features(),
) -> Rendered:
    """Render Markdown; links lose their tracking parameters.

    `source_key` is the file's path below content/; relative links to `.md` files are
    resolved against it and their addresses left as `Link` segments that render time
    turns into URLs. With `images`, relative images in a format sitegen publishes become
    `Image` segments that render time turns into responsive markup.
    """
    env: dict[str, Any] = {"source_dir": posixpath.dirname(source_key), "refs": [], "cleaned": 0}
    if images:
        env["images"] = []
    md = markdown(typography, features)
    body = _segments(md, md.parse(text, env), env)
    return Rendered(
        body,
        [(target, line + line_offset) for target, line in env["refs"]],
        [(target, line + line_offset, alt) for target, line, alt in env.get("images", ())],
        env["cleaned"],
        env.get("headings", []),
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
            token.meta[_PICTURE] = target
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


def _scrollable_reachable(state: StateCore) -> None:
    """A table that may scroll sideways can be reached with the keyboard (WCAG 2.1.1)."""
    for token in state.tokens:
        if token.type == "table_open":
            token.attrSet("tabindex", "0")


def _focusable_pre(default: Any) -> Any:
    """A code block's renderer whose <pre>, which scrolls when a line is long, takes focus.

    Chromium lets the keyboard into a scrolling box by itself; Safari does not.
    """

    def render(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        made = str(default(tokens, idx, options, env))
        return made.replace("<pre>", '<pre tabindex="0">', 1)

    return render


def _highlighted(plain: Any) -> Any:
    """A fence renderer that colours code in a language Pygments knows and leaves the rest plain."""

    def render(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        made = highlight.highlight(token.content, highlight.read_fence(token.info))
        return made if made is not None else str(plain(tokens, idx, options, env))

    return render


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
            token.meta[_LINK] = Link(target, fragment)
            state.env["refs"].append((target, line))


_LINK = "sitegen_link"
"""Token meta: the `Link` a link to another document's address becomes."""
_PICTURE = "sitegen_picture"
"""Token meta: the content key of an image published as a picture."""


def _segments(md: MarkdownIt, tokens: list[Token], env: dict[str, Any]) -> Body:
    """The tokens rendered as markdown-it renders them, cut where a link's address or a
    picture depends on another file."""
    renderer = cast(RendererHTML, md.renderer)
    options, rules = md.options, renderer.rules
    body: list[Segment] = []
    html: list[str] = []

    def cut(segment: Segment) -> None:
        if text := "".join(html):
            body.append(Text(text))
        html.clear()
        body.append(segment)

    def rendered(siblings: list[Token], i: int) -> str:
        rule = rules.get(siblings[i].type)
        if rule is not None:
            return str(rule(siblings, i, options, env))
        return renderer.renderToken(siblings, i, options, env)

    for i, token in enumerate(tokens):
        if token.type != "inline":
            html.append(rendered(tokens, i))
            continue
        children = token.children or []
        for j, child in enumerate(children):
            if _LINK in child.meta:
                # No rule renders link_open: it is written as markdown-it's renderToken would.
                html.append("<a")
                for name, value in child.attrItems():
                    if name == "href":
                        html.append(' href="')
                        cut(child.meta[_LINK])
                        html.append('"')
                    else:
                        html.append(f' {escapeHtml(name)}="{escapeHtml(str(value))}"')
                html.append(">")
            elif _PICTURE in child.meta:
                alt = renderer.renderInlineAsText(child.children or [], options, env)
                title = str(child.attrGet("title") or "")
                cut(Image(child.meta[_PICTURE], alt, title))
            else:
                html.append(rendered(children, j))
    if text := "".join(html):
        body.append(Text(text))
    return tuple(body)
