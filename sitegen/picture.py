"""The markup of a responsive image: <picture> with a typed source a format, then <img>."""

from __future__ import annotations

import html
from collections.abc import Callable

from .model import Picture


def picture_html(
    picture: Picture,
    url: Callable[[str], str],
    *,
    alt: str,
    sizes: str,
    lazy: bool,
    title: str = "",
    css_class: str = "",
) -> str:
    """`alt` and `title` are plain text; `url` turns an output path into a link."""

    def srcset(mime: str) -> str:
        return ", ".join(f"{html.escape(url(v.output))} {v.width}w" for v in picture.of(mime))

    sizes_attr = html.escape(sizes)
    lines = [f'<picture class="{html.escape(css_class)}">' if css_class else "<picture>"]
    for mime in dict.fromkeys(v.mime for v in picture.variants):
        if mime != picture.fallback:
            lines.append(f'<source type="{mime}" srcset="{srcset(mime)}" sizes="{sizes_attr}">')
    largest = picture.largest
    attributes = [
        f'src="{html.escape(url(largest.output))}"',
        f'srcset="{srcset(picture.fallback)}"',
        f'sizes="{sizes_attr}"',
        f'width="{largest.width}"',
        f'height="{largest.height}"',
        f'alt="{html.escape(alt)}"',
        *([f'title="{html.escape(title)}"'] if title else []),
        'decoding="async"',
        *(['loading="lazy"'] if lazy else []),
    ]
    lines.append(f"<img {' '.join(attributes)}>")
    lines.append("</picture>")
    return "".join(lines)
