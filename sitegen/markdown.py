"""The Markdown renderer: CommonMark plus tables, strikethrough, footnotes and heading ids."""

from __future__ import annotations

import functools
import html as html_lib
import posixpath
import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from . import highlight
from .headings import collect_headings, heading_id, link_headings
from .tracking import clean_url

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
    md.core.ruler.push("sitegen_video_cards", lambda state: _video_cards(state, words))
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
    """A Markdown text as HTML, with what it links to and shows."""

    html: str
    refs: list[tuple[str, int]]
    """Markdown files it links to, with their lines."""
    images: list[tuple[str, int, str]]
    """Images it embeds: target, line, alt text (only when asked for)."""
    cleaned: int
    """Outbound links that lost tracking parameters."""
    headings: list[tuple[int, str, str]]
    """Every heading: level, id, plain text."""


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
    resolved against it and left as placeholders that render time turns into URLs.
    With `images`, relative images in a format sitegen publishes become placeholders
    that render time turns into responsive markup.
    """
    env: dict[str, Any] = {"source_dir": posixpath.dirname(source_key), "refs": [], "cleaned": 0}
    if images:
        env["images"] = []
    html = markdown(typography, features).render(text, env)
    return Rendered(
        html,
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


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")
_YOUTUBE_HOSTS = ("youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com")


def video_link(url: str) -> tuple[str, str] | None:
    """(site name, canonical watch URL) of a YouTube or Vimeo video URL; None for others."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        if host == "youtu.be":
            video = segments[0] if len(segments) == 1 else ""
        elif segments == ["watch"]:
            video = query.get("v", [""])[0]
        elif len(segments) == 2 and segments[0] in ("shorts", "live", "embed", "v"):
            video = segments[1]
        else:
            video = ""
        if not _YOUTUBE_ID.fullmatch(video):
            return None
        start = query.get("t", query.get("start", [""]))[0]
        at = f"&t={start}" if re.fullmatch(r"\d+s?|(\d+h)?(\d+m)?(\d+s)?", start) and start else ""
        return "YouTube", f"https://www.youtube.com/watch?v={video}{at}"
    if host in ("vimeo.com", "player.vimeo.com"):
        numbers = [s for s in segments if s.isdigit()]
        if len(numbers) != 1 or segments[-1] != numbers[0]:
            return None
        return "Vimeo", f"https://vimeo.com/{numbers[0]}"
    return None


def _video_cards(state: StateCore, words: tuple[str, str]) -> None:
    """A YouTube or Vimeo link alone in its paragraph becomes a card: a link, no player.

    A player would be a frame from the video site, loaded with every visit; the card
    loads nothing and tells the reader where the video plays.
    """
    tokens = state.tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        card = _video_card(tokens[i : i + 3], words)
        if card is None:
            out.append(tokens[i])
            i += 1
        else:
            out.append(card)
            i += 3
    state.tokens = out


def _video_card(tokens: list[Token], words: tuple[str, str]) -> Token | None:
    """The card for a paragraph (open, inline, close) holding a lone video link, or None."""
    if len(tokens) < 3 or tokens[0].type != "paragraph_open" or tokens[2].type != "paragraph_close":
        return None
    found = _lone_link(tokens[1].children or [])
    video = video_link(found[0]) if found else None
    if found is None or video is None:
        return None
    href, text, title = found
    site, url = video
    label = words[0].format(host=site)
    shown = text if text.strip() and text.strip() != href.strip() else title or label
    card = Token("html_block", "", 0)
    card.map = tokens[0].map
    card.content = (
        f'<p class="video-card"><a href="{html_lib.escape(url)}">'
        f'<span class="video-card-title">{html_lib.escape(shown)}</span> '
        f'<span class="video-card-note">{html_lib.escape(words[1].format(host=site))}</span>'
        "</a></p>\n"
    )
    return card


def _lone_link(children: list[Token]) -> tuple[str, str, str] | None:
    """(href, link text, title) when a paragraph holds one link or one bare URL, nothing else."""
    if len(children) == 1 and children[0].type == "text":
        text = children[0].content.strip()
        return (text, "", "") if text.startswith(("https://", "http://")) else None
    if (
        len(children) >= 2
        and children[0].type == "link_open"
        and children[-1].type == "link_close"
        and not any(c.type == "link_open" for c in children[1:])
    ):
        text = "".join(c.content for c in children[1:-1] if c.type in ("text", "code_inline"))
        link = children[0]
        return str(link.attrGet("href") or ""), text, str(link.attrGet("title") or "")
    return None


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
            token.attrSet("href", f"{REF_SCHEME}{target}{fragment}")
            state.env["refs"].append((target, line))
