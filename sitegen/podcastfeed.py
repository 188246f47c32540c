"""The podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 tags apps read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from .feeds import (
    CHAPTERS_MIME,
    ITUNES_NS,
    PODCAST_NS,
    Channel,
    EpisodeTags,
    _sub,
    _xml_safe,
    rss,
)
from .podcastconfig import Voice


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


def podcast(channel: Channel, show: Show) -> bytes:
    """The channel as a podcast: RSS 2.0 with iTunes and Podcasting 2.0 tags."""
    channel, show = _xml_safe(channel), _xml_safe(show)

    def extend(fg: FeedGenerator) -> None:
        fg.register_extension("show", _ShowExtension, _NoEntryExtension, atom=False)
        fg.show.show = show
        fg.image(url=show.image, title=channel.title, link=channel.home_url)
        if show.copyright:
            fg.copyright(show.copyright)

    return rss(channel, extend, _episode)


def _episode(item: Any, episode: EpisodeTags) -> None:
    """An episode's own tags: what Apple recommends for each episode, and Podcasting 2.0's."""
    if episode.author:
        _sub(item, ITUNES_NS, "author", episode.author)
    if episode.image:
        _sub(item, ITUNES_NS, "image", href=episode.image)
    _sub(item, ITUNES_NS, "duration", str(episode.duration))
    _sub(item, ITUNES_NS, "explicit", "true" if episode.explicit else "false")
    if episode.season is not None:
        _sub(item, ITUNES_NS, "season", str(episode.season))
    if episode.episode is not None:
        _sub(item, ITUNES_NS, "episode", str(episode.episode))
    _sub(item, ITUNES_NS, "episodeType", episode.type)
    if episode.transcript is not None:
        url, mime = episode.transcript
        _sub(item, PODCAST_NS, "transcript", url=url, type=mime, rel="captions")
    if episode.chapters:
        _sub(item, PODCAST_NS, "chapters", url=episode.chapters, type=CHAPTERS_MIME)
    _persons(item, episode.persons)


def _persons(parent: Any, persons: tuple[Voice, ...]) -> None:
    for voice in persons:
        attributes = {"role": voice.role}
        if voice.href:
            attributes["href"] = voice.href
        if voice.img:
            attributes["img"] = voice.img
        _sub(parent, PODCAST_NS, "person", voice.name, **attributes)


class _NoEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """The entry half of the show extension: episodes are written by `_episode`."""


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
        _persons(channel, show.persons)
        return feed
