"""Headings with stable ids, a link to themselves, and the outline a table of contents shows."""

from __future__ import annotations

import html
import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .model import Heading, Subheading
from .text import slugify

HEADING_CLASS = "heading"
"""The class of the element around a heading and its link; feeds unwrap it."""
ANCHOR_CLASS = "heading-anchor"
"""The class of a heading's link to itself."""

# Ids the page around a post's body gives to its own elements: the skip link's target, the
# table of contents' title and the footnotes' markers. A heading must not take one of them.
_RESERVED = re.compile(r"main|toc-title|fn\d+|fnref\d+(?:-\d+)?")
TOC_LEVELS = (2, 3)
"""Heading levels a table of contents lists (a post's own title is its h1)."""


def heading_id(text: str) -> str:
    """The id of a heading with this text: its slug, kept apart from the page's own ids."""
    slug = slugify(text) or "section"
    return f"section-{slug}" if _RESERVED.fullmatch(slug) else slug


def collect_headings(state: StateCore) -> None:
    """Note each heading's level, id and text, for the table of contents."""
    found = state.env.setdefault("headings", [])
    for i, token in enumerate(state.tokens):
        if token.type == "heading_open" and token.attrGet("id"):
            text = "".join(
                child.content
                for child in state.tokens[i + 1].children or ()
                if child.type in ("text", "code_inline")
            )
            found.append((int(token.tag[1]), str(token.attrGet("id")), text))


def link_headings(state: StateCore, label: str) -> None:
    """Put a link to itself after each heading, shown on hover and focus, named for screen readers.

    The link stands beside the heading, not inside it, so that the heading's name in a
    screen reader's list of headings stays its text alone.
    """
    words = html.escape(label)
    out: list[Token] = []
    for token in state.tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            out.append(_html(f'<div class="{HEADING_CLASS}">', token))
        out.append(token)
        if token.type == "heading_close" and out[-3].type == "heading_open":
            target = html.escape(str(out[-3].attrGet("id")), quote=True)
            out.append(
                _html(
                    f'<a class="{ANCHOR_CLASS}" href="#{target}"><span aria-hidden="true">#</span>'
                    f'<span class="visually-hidden">{words}</span></a></div>\n',
                    token,
                )
            )
    state.tokens = out


def _html(content: str, near: Token) -> Token:
    made = Token("html_block", "", 0, content=content, block=True)
    made.map = near.map
    made.level = near.level
    return made


def outline(found: list[tuple[int, str, str]]) -> tuple[Heading, ...]:
    """The headings a table of contents lists, h3 nested under the h2 before them."""
    top: list[Heading] = []
    for level, target, text in found:
        if level not in TOC_LEVELS:
            continue
        if level == TOC_LEVELS[1] and top:
            last = top[-1]
            top[-1] = Heading(last.id, last.text, (*last.children, Subheading(target, text)))
        else:
            top.append(Heading(target, text))
    return tuple(top)


_WRAPPED = re.compile(
    rf'<div class="{HEADING_CLASS}">(<h([1-6])\b.*?</h\2>)\s*<a class="{ANCHOR_CLASS}" [^>]*>'
    r"<span[^>]*>#</span><span[^>]*>[^<]*</span></a></div>",
    re.S,
)


def plain_headings(fragment: str) -> str:
    """Headings without their links to themselves, which a feed reader would show as text."""
    return _WRAPPED.sub(lambda found: found.group(1), fragment)
