"""Feeds as bytes: RSS 2.0, Atom 1.0 and the podcast through feedgen, JSON Feed 1.1 by hand.

feedgen is wrapped so that its known flaws cannot reach a reader: it stamps the
current time into every feed and entry unless told otherwise (we always tell it,
with dates from the posts); it writes an Atom entry's enclosure as a bare link
that readers take for the post's own address, and itunes:explicit as yes/no,
where Apple's specification asks for true or false. Enclosures, iTunes and Podcasting 2.0 tags go in
through its extension mechanism, written by us.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .podcastconfig import Voice

RSS_DOCS = "https://www.rssboard.org/rss-specification"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
CHAPTERS_MIME = "application/json+chapters"
PODCAST_FEED = "podcast.xml"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The date of a feed that has nothing in it yet: fixed, never the clock."""


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media file attached to an item (a podcast episode's audio)."""

    url: str
    """Absolute URL."""
    length: int
    """Bytes."""
    mime: str
    duration: int | None = None
    """Whole seconds, when known."""


@dataclass(frozen=True, slots=True)
class EpisodeTags:
    """What a podcast feed says of an episode beyond its enclosure."""

    duration: int
    """Whole seconds."""
    episode: int | None = None
    season: int | None = None
    transcript: tuple[str, str] | None = None
    """Absolute URL and MIME type."""
    chapters: str = ""
    """Absolute URL of the chapters file."""
    type: str = "full"
    """full, trailer or bonus."""
    explicit: bool = False
    image: str = ""
    """Absolute URL of the episode's artwork."""
    author: str = ""
    """Who apps name as its author (never an e-mail address)."""
    persons: tuple[Voice, ...] = ()
    """Everyone heard in it, with absolute URLs."""


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a feed, with every URL absolute."""

    id: str
    """Never changes once published."""
    url: str
    title: str
    published: dt.datetime
    updated: dt.datetime
    summary: str
    """Plain text."""
    content_html: str = ""
    """The whole post as HTML; empty for feeds of summaries."""
    tags: tuple[str, ...] = ()
    enclosure: Enclosure | None = None
    episode: EpisodeTags | None = None

    @property
    def id_is_url(self) -> bool:
        return self.id == self.url


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed says about itself, and its items, newest first."""

    title: str
    description: str
    home_url: str
    """The site's (or the tag page's) absolute URL."""
    feed_url: str
    """The absolute URL the feed is published at."""
    language: str
    author_name: str
    author_email: str
    generator: str
    items: tuple[Item, ...]

    @property
    def updated(self) -> dt.datetime:
        """When anything in the feed last changed: the newest item's date, never the clock."""
        return max((i.updated for i in self.items), default=EPOCH)


# Formats -------------------------------------------------------------------


EpisodeWriter = Callable[[Any, EpisodeTags], None]
"""Writes a podcast episode's own tags into its RSS <item>."""


def rss(
    channel: Channel,
    extend: Callable[[FeedGenerator], None] | None = None,
    episode: EpisodeWriter | None = None,
) -> bytes:
    """The channel as RSS 2.0; `extend` may load more extensions before items are added.

    With `episode`, the feed is a podcast: each item's episode tags are written by it.
    """
    channel = _xml_safe(channel)
    fg = _generator(channel)
    fg.link(href=channel.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=channel.home_url, rel="alternate")  # the last link is RSS's <link>
    fg.docs(RSS_DOCS)
    if channel.author_email:
        fg.managingEditor(_mailbox(channel.author_name, channel.author_email))
    if extend is not None:
        extend(fg)
    _add_items(fg, channel, episode, rss=True)
    return _plain_text_references(_serialize(fg.rss_str(pretty=True)))


def atom(channel: Channel) -> bytes:
    """The channel as Atom 1.0."""
    channel = _xml_safe(channel)
    fg = _generator(channel)
    fg.link(href=channel.home_url, rel="alternate", type="text/html")
    fg.link(href=channel.feed_url, rel="self", type="application/atom+xml")
    _add_items(fg, channel)
    return _serialize(fg.atom_str(pretty=True))


def json_feed(channel: Channel) -> bytes:
    """The channel as JSON Feed 1.1."""
    author = {"name": channel.author_name or channel.title}
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.feed_url,
        "description": channel.description,
        "language": channel.language,
        "authors": [author],
        "items": [],
    }
    for item in channel.items:
        entry: dict[str, Any] = {"id": item.id, "url": item.url, "title": item.title}
        if item.content_html:
            entry["content_html"] = item.content_html
            entry["summary"] = item.summary
        else:
            entry["content_text"] = item.summary
        entry["date_published"] = _rfc3339(item.published)
        if item.updated != item.published:
            entry["date_modified"] = _rfc3339(item.updated)
        if item.tags:
            entry["tags"] = list(item.tags)
        if item.enclosure is not None:
            attachment: dict[str, Any] = {
                "url": item.enclosure.url,
                "mime_type": item.enclosure.mime,
                "size_in_bytes": item.enclosure.length,
            }
            if item.enclosure.duration is not None:
                attachment["duration_in_seconds"] = item.enclosure.duration
            entry["attachments"] = [attachment]
        feed["items"].append(entry)
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# feedgen, wrapped ------------------------------------------------------------


class EntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """What sitegen writes into each entry itself: the enclosure, in both formats."""

    def __init__(self) -> None:
        self.enclosure: Enclosure | None = None
        self.episode: EpisodeTags | None = None
        """Set in podcast feeds only, where the namespaces are declared."""
        self.write_episode: EpisodeWriter | None = None

    def extend_atom(self, entry: Any) -> Any:
        if self.enclosure is not None:
            etree.SubElement(
                entry,
                "link",  # feedgen's Atom elements carry the namespace as a plain xmlns
                rel="enclosure",
                href=self.enclosure.url,
                type=self.enclosure.mime,
                length=str(self.enclosure.length),
            )
        return entry

    def extend_rss(self, item: Any) -> Any:
        if self.enclosure is not None:
            etree.SubElement(
                item,
                "enclosure",
                url=self.enclosure.url,
                length=str(self.enclosure.length),
                type=self.enclosure.mime,
            )
        if self.episode is not None and self.write_episode is not None:
            self.write_episode(item, self.episode)
        return item


class _NoFeedExtension(BaseExtension):  # type: ignore[misc]
    """The channel half of the entry extension: it adds nothing to the channel."""


def _sub(parent: Any, ns: str, tag: str, value: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attributes)
    if value is not None:
        element.text = value
    return element


def _generator(channel: Channel) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("sitegen", _NoFeedExtension, EntryExtension)
    fg.id(channel.home_url)
    fg.title(channel.title)
    fg.description(channel.description or channel.title)
    fg.subtitle(channel.description or channel.title)
    fg.language(channel.language)
    # Atom needs an author for the feed or for every entry; the site's title stands in.
    author = {"name": channel.author_name or channel.title}
    if channel.author_email:
        author["email"] = channel.author_email
    fg.author(author)
    # No version: an upgrade of sitegen alone is no reason for readers to fetch again.
    fg.generator(channel.generator)
    # feedgen would stamp the clock here: a feed changes only when its content does.
    fg.updated(channel.updated)
    return fg


def _add_items(
    fg: FeedGenerator,
    channel: Channel,
    episode: EpisodeWriter | None = None,
    rss: bool = False,
) -> None:
    for item in channel.items:
        entry = fg.add_entry(order="append")
        entry.guid(item.id, permalink=item.id_is_url)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.published(item.published)
        entry.updated(item.updated)  # feedgen's default is the clock
        if item.content_html:
            entry.content(item.content_html, type="html")
        summary = item.summary or item.title
        # RSS's <description> is HTML to every reader: plain text must be escaped to stay text.
        entry.summary(html.escape(summary, quote=False) if rss else summary)
        for tag in item.tags:
            entry.category(term=tag)
        # Podcast apps show an item's <author> as it is, e-mail address and all: episodes
        # name their author in itunes:author instead.
        if channel.author_email and episode is None:
            entry.author(name=channel.author_name or channel.title, email=channel.author_email)
        entry.sitegen.enclosure = item.enclosure
        if episode is not None:
            entry.sitegen.episode = item.episode
            entry.sitegen.write_episode = episode


# Control characters XML 1.0 cannot hold at all (lxml would refuse the whole feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_Value = TypeVar("_Value")


def _xml_safe(value: _Value) -> _Value:
    """A copy with every string freed of characters XML cannot hold."""
    if isinstance(value, str):
        return cast(_Value, _NOT_XML.sub("", value))
    if isinstance(value, tuple):
        return cast(_Value, tuple(_xml_safe(v) for v in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _xml_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return cast(_Value, dataclasses.replace(value, **fields))
    return value


def _serialize(data: bytes) -> bytes:
    # feedgen declares the encoding with single quotes; the usual form reads better in diffs.
    return data.replace(
        b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1
    )


# The text of an element holding plain text (not a description's escaped HTML).
_PLAIN_TEXT = re.compile(
    rb"(<(?!description\b|content:encoded\b)([\w:]+)(?:\s[^>]*)?>)([^<]*)(</\2>)"
)


def _plain_text_references(xml: bytes) -> bytes:
    """& and < in plain text as hexadecimal references, as the RSS Best Practices Profile asks.

    Readers differ in whether a title's `&amp;` is text or the start of markup; `&#x26;`
    is read the same by all (the W3C feed validator warns about the other form).
    """

    def text(m: re.Match[bytes]) -> bytes:
        value = m.group(3).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return m.group(1) + value + m.group(4)

    return _PLAIN_TEXT.sub(text, xml)


def _mailbox(name: str, email: str) -> str:
    return f"{email} ({name})" if name else email


def _rfc3339(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")
