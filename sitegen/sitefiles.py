"""Site files that are not pages: redirects, sitemap, robots.txt, uses.json, page weights
and copies."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .barcharts import KINDS, PageWeight
from .imageclean import cleaning_reader
from .model import Inventory, Job, Site
from .theme import Theme
from .usage import UseItem, Uses

_COPY_VERSION = "copy-1"


@dataclass(frozen=True, slots=True)
class Redirect:
    """A page at an old address that sends the reader to the post's URL."""

    language: str
    title: str
    url: str
    """The post's URL path, as links write it."""
    canonical: str
    """The post's absolute URL."""


@dataclass(frozen=True, slots=True)
class Sitemap:
    entries: tuple[tuple[str, dt.datetime | None], ...]
    """Absolute URL and last change of every page a search engine should know."""


@dataclass(frozen=True, slots=True)
class UsesData:
    url: str
    uses: Uses


def redirect(page: Redirect) -> bytes:
    return _REDIRECT.format(
        csp=_REDIRECT_CSP,
        lang=page.language,
        url=html.escape(page.url),
        canonical=html.escape(page.canonical),
        title=html.escape(page.title),
    ).encode("utf-8")


def sitemap(page: Sitemap) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc, when in page.entries:
        lastmod = f"<lastmod>{when.isoformat()}</lastmod>" if when else ""
        lines.append(f"  <url><loc>{html.escape(loc)}</loc>{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots(sitemap_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n".encode()


def uses_json(page: UsesData) -> bytes:
    """The uses page as data, for anyone who wants to compare or keep track."""
    uses = page.uses

    def item(i: UseItem) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": i.name,
            "category": i.category,
            "purpose": i.purpose,
            "since": i.since.isoformat(),
        }
        if i.until:
            data["until"] = i.until.isoformat()
        if i.cost is not None:
            data["cost"] = {"amount": i.cost, "currency": i.currency, "per": i.per}
        for key in ("paid_by", "url", "why", "verdict", "why_dropped", "replaced_by"):
            if getattr(i, key):
                data[key] = getattr(i, key)
        return data

    document = {
        "url": page.url,
        "as_of": uses.as_of.isoformat(),
        "monthly_costs": [{"currency": c, "amount": round(a, 2)} for c, a in uses.monthly_totals],
        "current": [item(i) for i in uses.current],
        "dropped": [item(i) for i in uses.dropped],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def weights_csv(pages: Sequence[PageWeight], url: Callable[[str], str]) -> bytes:
    """Every page's weight by kind, in bytes, a line a page: the transparency page in full.

    `url` turns an output path into the address links use.
    """
    lines = [",".join(("page", *KINDS, "total"))]
    for page in pages:
        address = url(page.path.removesuffix("index.html"))
        if _CSV_SPECIAL.search(address):  # quoted as RFC 4180 says, quotes doubled
            address = '"' + address.replace('"', '""') + '"'
        lines.append(f"{address},{page.html},{page.css},{page.images},{page.media},{page.total}")
    return ("\n".join(lines) + "\n").encode("utf-8")


_CSV_SPECIAL = re.compile(r'[",\r\n]')


def copies(
    site: Site, theme: Theme, inventory: Inventory, claimed: frozenset[str] = frozenset()
) -> Iterator[Job]:
    """Static files of the theme and the site, then the files of page bundles."""
    files: dict[str, tuple[Path, str]] = {
        out: (path, f"theme {theme.name}") for out, path in theme.static_files().items()
    }
    files.update({f.rel: (f.path, f"content/static/{f.rel}") for f in inventory.static})
    for post in (*site.posts, *site.pages):
        base = post.key.rsplit("/", 1)[0] + "/"
        for f in post.files:
            if f.rel in claimed:
                continue  # the images stage publishes it, cleaned
            files[post.url + f.rel.removeprefix(base)] = (f.path, f"content/{f.rel}")
    # Files are named below the site or their theme's folder, never by where either is.
    roots = (site.config.site_dir, *theme.folders)
    for output, (path, source) in files.items():
        st = path.stat()
        root = next((i for i, r in enumerate(roots) if path.is_relative_to(r)), None)
        name = path if root is None else f"{root}:{path.relative_to(roots[root]).as_posix()}"
        # A copy is its file: the same file, size and time stamp give the same bytes.
        key = f"{_COPY_VERSION}:{name}:{st.st_size}:{st.st_mtime_ns}"
        # An image published as it is loses its metadata on the way.
        yield Job(output, key, cleaning_reader(path), source)


_REDIRECT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'"
_REDIRECT = """<!doctype html>
<html lang="{lang}">
<head>
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="canonical" href="{canonical}">
<meta http-equiv="refresh" content="0; url={url}">
<meta name="robots" content="noindex">
</head>
<body><p><a href="{url}">{title}</a></p></body>
</html>
"""
