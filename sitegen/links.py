"""Check a built site's internal links: every href, src, srcset candidate and anchor resolves."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .text import srcset_urls

# Attributes whose value is one URL, and those holding candidate lists.
_URL_ATTRS = {"href", "src", "poster", "data", "action", "cite"}
_SRCSET_ATTRS = {"srcset", "imagesrcset"}


@dataclass(frozen=True, slots=True)
class Problem:
    page: str
    """Output path of the page with the broken reference."""
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Page:
    ids: frozenset[str]
    refs: tuple[tuple[str, str], ...]
    """(attribute, URL) pairs in document order."""


def check_links(out_dir: Path, base_url: str) -> list[Problem]:
    """Every internal reference of every HTML page, checked against the files in `out_dir`."""
    origin = urlsplit(base_url)
    pages = {rel: _read(out_dir / rel) for rel in _html_files(out_dir)}
    problems: list[Problem] = []
    for rel, page in sorted(pages.items()):
        page_url = urljoin(base_url, _url_path(rel))
        for attr, raw in page.refs:
            url = urlsplit(urljoin(page_url, raw.strip()))
            if url.scheme not in ("http", "https") or url.netloc != origin.netloc:
                continue  # outbound links, mailto:, data: are not ours to check
            if not url.path.startswith(origin.path):
                problems.append(Problem(rel, f"{attr}={raw!r} points outside the site's path"))
                continue
            target = _resolve(out_dir, unquote(url.path[len(origin.path) :]))
            if target is None:
                problems.append(Problem(rel, f"{attr}={raw!r}: no such file in the built site"))
            elif url.fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else frozenset()
                if unquote(url.fragment) not in ids:
                    problems.append(
                        Problem(rel, f"{attr}={raw!r}: no element with id {url.fragment!r}")
                    )
    return problems


def built_base_url(out_dir: Path) -> str | None:
    """The address a built site was built for: its front page's canonical URL, if any."""
    try:
        text = (out_dir / "index.html").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    collector = _Collector()
    collector.feed(text)
    collector.close()
    canonical = collector.canonical
    return canonical if canonical and urlsplit(canonical).scheme in ("http", "https") else None


def _html_files(out_dir: Path) -> Iterator[str]:
    for root, dirs, names in os.walk(out_dir):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".html"):
                yield os.path.relpath(os.path.join(root, name), out_dir).replace(os.sep, "/")


def _url_path(rel: str) -> str:
    return rel.removesuffix("index.html")


def _resolve(out_dir: Path, path: str) -> str | None:
    """The output file a path below the site root serves, as a static host would."""
    path = posixpath.normpath("/" + path).lstrip("/") if path else ""
    candidates = [path] if path and not path.endswith("/") else []
    candidates.append(posixpath.join(path, "index.html") if path else "index.html")
    for candidate in candidates:
        if (out_dir / candidate).is_file():
            return candidate
    return None


def _read(path: Path) -> _Page:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    collector.close()
    return _Page(frozenset(collector.ids), tuple(collector.refs))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link" and ("rel", "canonical") in attrs:
            self.canonical = dict(attrs).get("href")
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in _URL_ATTRS and not (tag == "link" and ("rel", "canonical") in attrs):
                self.refs.append((name, value))
            elif name in _SRCSET_ATTRS:
                self.refs.extend((name, url) for url in srcset_urls(value))
