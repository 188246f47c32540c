"""What a page tells machines about itself: its locale, preview image and description."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from babel.core import get_global

from .config import Config
from .model import Post
from .text import shorten

THEME_PREVIEW = "assets/preview.png"
"""The default theme's preview image, for a site whose site.toml names none."""


@functools.cache
def og_locale(language: str) -> str:
    """OpenGraph's language_TERRITORY for a site language: "de" -> "de_DE", "de-AT" -> "de_AT"."""
    parts = language.replace("-", "_").split("_")
    if len(parts) > 1 and parts[-1].isalpha() and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    # CLDR's likely subtags name the territory a bare language most likely means.
    likely = str(get_global("likely_subtags").get(parts[0].lower(), ""))
    territory = [p for p in likely.split("_")[1:] if len(p) == 2 and p.isalpha()]
    return f"{parts[0].lower()}_{territory[0]}" if territory else parts[0].lower()


def image_text(post: Post) -> str:
    """What the post's images show, in their alt texts: the words of a photo-only post."""
    return shorten(" · ".join(i.alt.strip() for i in post.images if i.alt.strip()))


def listed(names: Iterable[str]) -> str:
    """Names (a listing's titles, the tags) as a description, cut to a search snippet's length."""
    return shorten(", ".join(names), 150)


def site_image(config: Config) -> str:
    """The site's preview image below the output root: site.toml's `image`, or the theme's."""
    return config.image.strip("/") or THEME_PREVIEW
