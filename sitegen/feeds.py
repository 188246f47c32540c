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

from .config import Voice

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


@dataclass(frozen=True, slots=True)
class Show:
    """What a podcast feed says of the podcast beyond what every feed says."""

    image: str
    """Absolute URL of the artwork."""
    category: str
    subcategory: str
    explicit: bool
    author: str
    owner_name: str
    owner_email: str
    type: str
    guid: str
    locked: bool
    funding: tuple[str, str] | None = None
    """URL and text."""
    persons: tuple[Voice, ...] = ()
    """With absolute URLs."""
    copyright: str = ""


# Formats -------------------------------------------------------------------


def rss(channel: Channel, extend: Callable[[FeedGenerator], None] | None = None) -> bytes:
    """The channel as RSS 2.0; `extend` may load more extensions before items are added."""
    channel = _xml_safe(channel)
    fg = _generator(channel)
    fg.link(href=channel.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=channel.home_url, rel="alternate")  # the last link is RSS's <link>
    fg.docs(RSS_DOCS)
    if channel.author_email:
        fg.managingEditor(_mailbox(channel.author_name, channel.author_email))
    if extend is not None:
        extend(fg)
    _add_items(fg, channel, episodes=extend is not None, rss=True)
    return _serialize(fg.rss_str(pretty=True))


def podcast(channel: Channel, show: Show) -> bytes:
    """The channel as a podcast: RSS 2.0 with iTunes and Podcasting 2.0 tags."""
    channel, show = _xml_safe(channel), _xml_safe(show)

    def extend(fg: FeedGenerator) -> None:
        fg.register_extension("show", _ShowExtension, _NoEntryExtension, atom=False)
        fg.show.show = show
        fg.image(url=show.image, title=channel.title, link=channel.home_url)
        if show.copyright:
            fg.copyright(show.copyright)

    return rss(channel, extend)


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
        episode = self.episode
        if episode is not None:
            _sub(item, ITUNES_NS, "duration", str(episode.duration))
            if episode.season is not None:
                _sub(item, ITUNES_NS, "season", str(episode.season))
            if episode.episode is not None:
                _sub(item, ITUNES_NS, "episode", str(episode.episode))
            _sub(item, ITUNES_NS, "episodeType", "full")
            if episode.transcript is not None:
                url, mime = episode.transcript
                _sub(item, PODCAST_NS, "transcript", url=url, type=mime, rel="captions")
            if episode.chapters:
                _sub(item, PODCAST_NS, "chapters", url=episode.chapters, type=CHAPTERS_MIME)
        return item


class _NoFeedExtension(BaseExtension):  # type: ignore[misc]
    """The channel half of the entry extension: it adds nothing to the channel."""


class _NoEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """The entry half of the show extension: episodes are written by EntryExtension."""


class _ShowExtension(BaseExtension):  # type: ignore[misc]
    """The podcast's own tags, iTunes and Podcasting 2.0, in the channel."""

    def __init__(self) -> None:
        self.show: Show | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"itunes": ITUNES_NS, "podcast": PODCAST_NS}

    def extend_rss(self, feed: Any) -> Any:
        show = self.show
        assert show is not None
        channel = feed[0]
        _sub(channel, ITUNES_NS, "author", show.author)
        owner = _sub(channel, ITUNES_NS, "owner")
        _sub(owner, ITUNES_NS, "name", show.owner_name)
        _sub(owner, ITUNES_NS, "email", show.owner_email)
        _sub(channel, ITUNES_NS, "image", href=show.image)
        category = _sub(channel, ITUNES_NS, "category", text=show.category)
        if show.subcategory:
            _sub(category, ITUNES_NS, "category", text=show.subcategory)
        # Apple wants true or false; feedgen would write yes or no.
        _sub(channel, ITUNES_NS, "explicit", "true" if show.explicit else "false")
        _sub(channel, ITUNES_NS, "type", show.type)
        _sub(channel, PODCAST_NS, "guid", show.guid)
        locked = "yes" if show.locked else "no"
        _sub(channel, PODCAST_NS, "locked", locked, owner=show.owner_email)
        if show.funding is not None:
            _sub(channel, PODCAST_NS, "funding", show.funding[1], url=show.funding[0])
        for voice in show.persons:
            attributes = {"role": voice.role}
            if voice.href:
                attributes["href"] = voice.href
            if voice.img:
                attributes["img"] = voice.img
            _sub(channel, PODCAST_NS, "person", voice.name, **attributes)
        return feed


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
    fg: FeedGenerator, channel: Channel, episodes: bool = False, rss: bool = False
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
        if channel.author_email:
            entry.author(name=channel.author_name or channel.title, email=channel.author_email)
        entry.sitegen.enclosure = item.enclosure
        if episodes:
            entry.sitegen.episode = item.episode


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


def _mailbox(name: str, email: str) -> str:
    return f"{email} ({name})" if name else email


def _rfc3339(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")
