"""URLs resolved as browsers resolve them: the WHATWG URL Standard, through ada.

urllib follows RFC 3986, where `http:evil.example/x` has no host and `\\\\evil` is a path;
a browser reads both as another host. ada implements the standard browsers follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

import ada_url


@dataclass(frozen=True, slots=True)
class WebURL:
    """A reference resolved against its document's URL."""

    scheme: str
    """Without the colon, lower case."""
    href: str
    host: str
    """Lower case, IDNA-mapped; empty for data:, mailto:, about: and the like."""
    path: str
    """Percent-decoded."""


def sent(url: str) -> str:
    """An absolute URL as a browser sends it: letters of other scripts in the path
    ("/2013/06/26/你好/") percent-encoded, as sitemaps and feed readers expect."""
    try:
        return ada_url.normalize_url(url)  # the href of ada_url.URL(url), a third faster
    except ValueError:
        return url


def resolve(raw: str, base: str) -> WebURL | None:
    """`raw` resolved against `base` as a browser does; None when a browser finds no URL in it."""
    try:
        url = ada_url.URL(raw, base)
    except ValueError:
        return None  # the browser fails to parse it too, and fetches nothing
    return WebURL(
        scheme=url.protocol.removesuffix(":"),
        href=url.href,
        host=url.hostname,
        path=unquote(url.pathname),
    )
