"""A post's body as typed segments: HTML, the address of a link to another document, a picture.

The Markdown renderer cuts its HTML where what it writes depends on another file (the URL
of a linked post, the published variants of a photo) and leaves a segment there, so the
body stays a value that knows its own targets; `join` puts it together once a page knows
where everything is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """HTML as it stands in the page."""

    html: str


@dataclass(frozen=True, slots=True)
class Link:
    """The address of a link to another content document: the segments around it carry
    `<a href="` and `">…`."""

    target: str
    """The linked document's content key: posts/2013-06-26-a.md."""
    fragment: str = ""
    """"#id" as the Markdown wrote it (URL-encoded), or ""."""


@dataclass(frozen=True, slots=True)
class Image:
    """A picture the page shows in several widths and formats."""

    target: str
    """The image file's content key."""
    alt: str
    """Plain text."""
    title: str = ""
    """Plain text; empty for none."""


Segment = Text | Link | Image
Body = tuple[Segment, ...]


def join(body: Body, link: Callable[[Link], str], image: Callable[[Image], str]) -> str:
    """The body as HTML: `link` gives each link's address as HTML, `image` each picture's markup."""
    parts: list[str] = []
    for segment in body:
        if isinstance(segment, Text):
            parts.append(segment.html)
        elif isinstance(segment, Link):
            parts.append(link(segment))
        else:
            parts.append(image(segment))
    return "".join(parts)


def source_html(body: Body) -> str:
    """The body as HTML whose links and pictures point at their source files.

    For what is read from a body's text and markup (its summary, its words), never for a page.
    """
    return join(body, lambda s: attribute(s.target + s.fragment), _plain_image)


def attribute(text: str) -> str:
    """Text as an attribute value between double quotes, escaped as the Markdown renderer does."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _plain_image(image: Image) -> str:
    title = f' title="{attribute(image.title)}"' if image.title else ""
    return f'<img src="{attribute(image.target)}" alt="{attribute(image.alt)}"{title}>'
