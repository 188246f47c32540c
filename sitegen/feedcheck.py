"""Check a built site's feeds as readers and podcast apps read them.

Every feed must be well-formed, parse cleanly in feedparser, carry the tags its
format requires with valid dates and unique ids, link only to pages that exist,
and announce each enclosure with the exact length of its file. RSS feeds also draw
none of the W3C feed validator's warnings that can be checked offline (feedlint).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
from lxml import etree

from .feedlint import rss_warnings
from .feeds import ITUNES_NS, JSON_FEED_VERSION, PODCAST_NS
from .podcast import artwork_problem
from .podcastconfig import APPLE_CATEGORIES

_NAMES = ("feed.xml", "atom.xml", "feed.json", "podcast.xml")
_ATOM = "{http://www.w3.org/2005/Atom}"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class FeedProblem:
    feed: str
    """Output path of the feed."""
    message: str

    def __str__(self) -> str:
        return f"{self.feed}: {self.message}"


def check_feeds(out_dir: Path, base_url: str) -> list[FeedProblem]:
    """Every feed in `out_dir`, checked; the problems found, each naming feed and item."""
    problems: list[FeedProblem] = []
    for rel in _feed_files(out_dir):
        check = _Check(out_dir, base_url, rel)
        check.run()
        problems.extend(FeedProblem(rel, message) for message in check.problems)
    return problems


def _feed_files(out_dir: Path) -> Iterator[str]:
    for root, dirs, names in os.walk(out_dir):
        dirs.sort()
        for name in sorted(names):
            if name in _NAMES:
                yield os.path.relpath(os.path.join(root, name), out_dir).replace(os.sep, "/")


@dataclass
class _Check:
    out_dir: Path
    base_url: str
    rel: str
    problems: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def run(self) -> None:
        data = (self.out_dir / self.rel).read_bytes()
        if self.rel.endswith(".json"):
            self.json_feed(data)
            return
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError as e:
            self.problems.append(f"not well-formed XML: {e}")
            return
        parsed = feedparser.parse(data)
        if parsed.bozo:
            self.problems.append(f"feedparser cannot read it cleanly: {parsed.bozo_exception}")
        if root.tag == "rss" and root.find("channel") is not None:
            self.rss(root.find("channel"))
            self.problems.extend(rss_warnings(data, self.base_url + self.rel))
        elif root.tag == f"{_ATOM}feed":
            self.atom(root)
        else:
            self.problems.append(f"neither RSS 2.0 nor Atom: the root is <{root.tag!s}>")

    # RSS and the podcast ----------------------------------------------------

    def rss(self, channel: Any) -> None:
        for tag in ("title", "link", "description"):
            if not (channel.findtext(tag) or "").strip():
                self.problems.append(f"the channel has no <{tag}>")
        for tag in ("lastBuildDate", "pubDate"):
            if channel.find(tag) is not None:
                self.rfc822("the channel", tag, channel.findtext(tag))
        podcast = channel.find(f"{{{ITUNES_NS}}}owner") is not None or self.rel == "podcast.xml"
        if podcast:
            self.show(channel)
        for item in channel.findall("item"):
            name = _name(item.findtext("title"), item.findtext("link"))
            if not (item.findtext("title") or item.findtext("description")):
                self.problems.append(f"{name}: neither <title> nor <description>")
            self.unique(name, "guid", item.findtext("guid"))
            self.rfc822(name, "pubDate", item.findtext("pubDate"))
            self.page(name, item.findtext("link"))
            enclosure = item.find("enclosure")
            if enclosure is not None:
                self.enclosure(name, enclosure.get("url"), enclosure.get("length"))
                if not enclosure.get("type"):
                    self.problems.append(f"{name}: the enclosure has no type")
            elif podcast:
                self.problems.append(f"{name}: an episode without an <enclosure>")
            if podcast:
                self.episode(name, item)

    def show(self, channel: Any) -> None:
        """The podcast's own tags, as Apple and the Podcasting 2.0 namespace require them."""
        it, pc = f"{{{ITUNES_NS}}}", f"{{{PODCAST_NS}}}"
        explicit = channel.findtext(f"{it}explicit")
        if explicit not in ("true", "false"):
            self.problems.append(f"itunes:explicit must be true or false, not {explicit!r}")
        if not channel.findtext(f"{it}owner/{it}email"):
            self.problems.append("itunes:owner has no email")
        if not channel.findtext(f"{it}author"):
            self.problems.append("no itunes:author")
        category = channel.find(f"{it}category")
        name = category.get("text") if category is not None else None
        if name not in APPLE_CATEGORIES:
            self.problems.append(f"itunes:category {name!r} is not one of Apple's categories")
        elif category is not None:
            for sub in category.findall(f"{it}category"):
                if sub.get("text") not in APPLE_CATEGORIES[name]:
                    self.problems.append(f"{sub.get('text')!r} is no subcategory of {name!r}")
        image = channel.find(f"{it}image")
        path = self.local(image.get("href") if image is not None else None)
        if path is None:
            self.problems.append("itunes:image does not name artwork in the built site")
        elif problem := artwork_problem(self.out_dir / path):
            self.problems.append(f"{path}: {problem}")
        if not _UUID.fullmatch(channel.findtext(f"{pc}guid") or ""):
            self.problems.append("podcast:guid is missing or not a UUID")

    def episode(self, name: str, item: Any) -> None:
        it, pc = f"{{{ITUNES_NS}}}", f"{{{PODCAST_NS}}}"
        duration = item.findtext(f"{it}duration") or ""
        if not re.fullmatch(r"\d+|(\d+:)?\d{1,2}:\d{2}", duration):
            self.problems.append(f"{name}: itunes:duration {duration!r} is not a length")
        for tag in ("transcript", "chapters"):
            for element in item.findall(f"{pc}{tag}"):
                self.page(name, element.get("url"), f"podcast:{tag}")

    # Atom ---------------------------------------------------------------------

    def atom(self, feed: Any) -> None:
        for tag in ("id", "title"):
            if not feed.findtext(f"{_ATOM}{tag}"):
                self.problems.append(f"the feed has no <{tag}>")
        self.rfc3339("the feed", "updated", feed.findtext(f"{_ATOM}updated"))
        authored = feed.find(f"{_ATOM}author/{_ATOM}name") is not None
        for entry in feed.findall(f"{_ATOM}entry"):
            links = entry.findall(f"{_ATOM}link")
            pages = [x.get("href") for x in links if x.get("rel", "alternate") == "alternate"]
            name = _name(entry.findtext(f"{_ATOM}title"), pages[0] if pages else None)
            if not entry.findtext(f"{_ATOM}title"):
                self.problems.append(f"{name}: no <title>")
            self.unique(name, "id", entry.findtext(f"{_ATOM}id"))
            self.rfc3339(name, "updated", entry.findtext(f"{_ATOM}updated"))
            if entry.find(f"{_ATOM}published") is not None:
                self.rfc3339(name, "published", entry.findtext(f"{_ATOM}published"))
            if not authored and entry.find(f"{_ATOM}author/{_ATOM}name") is None:
                self.problems.append(f"{name}: no author, and the feed names none")
            if len(pages) != 1:
                self.problems.append(f"{name}: {len(pages)} alternate links, not one")
            for page in pages:
                self.page(name, page)
            for link in links:
                if link.get("rel") == "enclosure":
                    self.enclosure(name, link.get("href"), link.get("length"))

    # JSON Feed -------------------------------------------------------------------

    def json_feed(self, data: bytes) -> None:
        try:
            feed = json.loads(data)
        except ValueError as e:
            self.problems.append(f"not valid JSON: {e}")
            return
        if not isinstance(feed, dict) or feed.get("version") != JSON_FEED_VERSION:
            self.problems.append(f"not a JSON Feed: version must be {JSON_FEED_VERSION}")
            return
        if not isinstance(feed.get("title"), str) or not feed["title"]:
            self.problems.append("the feed has no title")
        items = feed.get("items")
        if not isinstance(items, list):
            self.problems.append("the feed has no list of items")
            return
        for item in items:
            if not isinstance(item, dict):
                self.problems.append("an item that is not an object")
                continue
            name = _name(item.get("title"), item.get("url"))
            self.unique(name, "id", item.get("id") if isinstance(item.get("id"), str) else None)
            if not (item.get("content_html") or item.get("content_text")):
                self.problems.append(f"{name}: neither content_html nor content_text")
            for key in ("date_published", "date_modified"):
                if key in item:
                    self.rfc3339(name, key, item[key])
            self.page(name, item.get("url"))
            for attachment in item.get("attachments", []):
                self.enclosure(name, attachment.get("url"), str(attachment.get("size_in_bytes")))

    # Shared checks -----------------------------------------------------------------

    def unique(self, name: str, what: str, value: str | None) -> None:
        if not value:
            self.problems.append(f"{name}: no {what}")
        elif value in self.ids:
            self.problems.append(f"{name}: {what} {value!r} is given to another item too")
        else:
            self.ids.add(value)

    def rfc822(self, name: str, tag: str, value: str | None) -> None:
        try:
            when = parsedate_to_datetime(value or "")
        except (TypeError, ValueError):
            when = None
        if when is None or when.tzinfo is None:
            self.problems.append(f"{name}: {tag} {value!r} is not an RFC 822 date with a zone")

    def rfc3339(self, name: str, tag: str, value: Any) -> None:
        try:
            when = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None or "T" not in value:
            self.problems.append(f"{name}: {tag} {value!r} is not an RFC 3339 date and time")

    def page(self, name: str, url: str | None, what: str = "link") -> None:
        if not url:
            self.problems.append(f"{name}: no {what}")
        elif _inside(url, self.base_url) and self.local(url) is None:
            self.problems.append(f"{name}: {what} {url} is not in the built site")

    def enclosure(self, name: str, url: str | None, length: str | None) -> None:
        """An enclosure must name a file of the site with exactly its length in bytes."""
        path = self.local(url)
        if path is None:
            if url and not _inside(url, self.base_url):
                return  # hosted elsewhere: nothing here to measure
            self.problems.append(f"{name}: the enclosure {url} is not in the built site")
            return
        size = (self.out_dir / path).stat().st_size
        if length != str(size):
            self.problems.append(
                f"{name}: the enclosure says {length} bytes, but {path} has {size}"
            )

    def local(self, url: str | None) -> str | None:
        """The output file an absolute URL of the site serves, or None."""
        if not url or not _inside(url, self.base_url):
            return None
        path = unquote(urlsplit(url).path)[len(urlsplit(self.base_url).path) :]
        path = posixpath.normpath("/" + path).lstrip("/") if path else ""
        candidates = [path] if path and not path.endswith("/") else []
        candidates.append(posixpath.join(path, "index.html") if path else "index.html")
        for candidate in candidates:
            if (self.out_dir / candidate).is_file():
                return candidate
        return None


def _inside(url: str, base_url: str) -> bool:
    parts, base = urlsplit(url), urlsplit(base_url)
    return parts.netloc == base.netloc and parts.path.startswith(base.path)


def _name(title: str | None, url: str | None) -> str:
    return f"item {title!r}" + (f" ({url})" if url else "") if title else f"item {url}"
