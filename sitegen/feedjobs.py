"""Plan the feeds as jobs: the site's, each tag's and the podcast's, keyed by what they show."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import urljoin

from .config import Config, Voice
from .feedhtml import absolute_urls, sanitize
from .feeds import (
    PODCAST_FEED,
    Channel,
    Enclosure,
    EpisodeTags,
    Item,
    atom,
    json_feed,
    rss,
)
from .model import Episode, Episodes, Job, Post, Site
from .podcastfeed import Show, podcast
from .text import digest


class Pages(Protocol):
    """What the feeds need of the page renderer."""

    def abs_url(self, path: str = "") -> str: ...

    def translate(self, key: str, **values: Any) -> str: ...

    def feed_body(self, post: Post) -> str:
        """The post as its page shows it (cover, dream, text), URLs relative to the site."""
        ...

    def item_key(self, post: Post) -> str:
        """Changes when anything a feed shows of the post does."""
        ...


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed as a page's head announces it."""

    type: str
    title: str
    url: str


def feed_links(config: Config) -> list[FeedLink]:
    """The site's feeds, announced in every page's head."""
    title = config.title
    links = [
        FeedLink("application/rss+xml", f"{title} (RSS)", "feed.xml"),
        FeedLink("application/atom+xml", f"{title} (Atom)", "atom.xml"),
        FeedLink("application/feed+json", f"{title} (JSON Feed)", "feed.json"),
    ]
    if config.podcast is not None:
        name = config.podcast.title or title
        links.append(FeedLink("application/rss+xml", f"{name} (Podcast)", PODCAST_FEED))
    return links


def plan_feeds(site: Site, episodes: Episodes, pages: Pages, key: str) -> Iterator[Job]:
    """Every feed of the site as a job; `key` covers what all of them show of the site."""
    return _Planner(site, episodes, pages, key).jobs()


class _Planner:
    def __init__(self, site: Site, episodes: Episodes, pages: Pages, key: str) -> None:
        self.site = site
        self.config = site.config
        self.episodes = episodes
        self.pages = pages
        self.key = key

    def jobs(self) -> Iterator[Job]:
        config = self.config
        count = config.feeds.items
        posts = self.site.posts[:count]
        title, description = config.title, config.description
        for output, write in (("feed.xml", rss), ("atom.xml", atom), ("feed.json", json_feed)):
            yield self._feed(output, write, title, description, "", posts)
        if config.feeds.tags:
            for tag in self.site.tags:
                tagged = tuple(self.site.posts[i] for i in tag.posts[:count])
                tag_title = f"{title} · {self.pages.translate('tag_title', name=tag.name)}"
                home = f"tags/{tag.slug}/"
                yield self._feed(f"{home}feed.xml", rss, tag_title, description, home, tagged)
        if config.podcast is not None:
            yield self._podcast()

    def _feed(
        self,
        output: str,
        write: Callable[[Channel], bytes],
        title: str,
        description: str,
        home: str,
        posts: Sequence[Post],
    ) -> Job:
        # A feed changes only when what it shows of its posts does.
        key = digest(self.key, output, title, home, *(self._item_key(p) for p in posts))

        def produce() -> bytes:
            return write(self._channel(output, title, description, home, posts))

        return Job(output, key, produce, "feeds")

    def _podcast(self) -> Job:
        show = self.config.podcast
        assert show is not None
        posts = [p for p in self.site.posts if p.key in self.episodes.by_post]
        title = show.title or self.config.title
        description = show.description or self.config.description
        key = digest(self.key, PODCAST_FEED, repr(self.episodes.guid), self.episodes.artwork)
        key = digest(key, *(self._item_key(p) for p in posts))

        def produce() -> bytes:
            channel = self._channel(PODCAST_FEED, title, description, "", posts, episodes=True)
            return podcast(channel, self._show())

        return Job(PODCAST_FEED, key, produce, "[podcast] in site.toml")

    def _show(self) -> Show:
        show = self.config.podcast
        assert show is not None
        return Show(
            image=self.pages.abs_url(self.episodes.artwork),
            category=show.category,
            subcategory=show.subcategory,
            explicit=show.explicit,
            author=show.author or self.config.author.name or show.owner.name,
            owner_name=show.owner.name,
            owner_email=show.owner.email,
            type=show.type,
            guid=self.episodes.guid,
            locked=show.locked,
            funding=(show.funding.url, show.funding.text or show.funding.url)
            if show.funding
            else None,
            persons=self._persons(),
            copyright=show.copyright or self._copyright(),
        )

    def _persons(self) -> tuple[Voice, ...]:
        """The podcast's persons, their pages and pictures as absolute URLs."""
        assert self.config.podcast is not None
        home = self.pages.abs_url()
        return tuple(
            replace(
                v,
                href=urljoin(home, v.href) if v.href else "",
                img=urljoin(home, v.img) if v.img else "",
            )
            for v in self.config.podcast.persons
        )

    def _copyright(self) -> str:
        """The copyright line site.toml leaves out: "© 2024–2026 Jana", the episodes' years."""
        show = self.config.podcast
        assert show is not None
        years = sorted(p.date.year for p in self.site.posts if p.key in self.episodes.by_post)
        span = f"{years[0]}–{years[-1]}" if years else ""
        span = span.removesuffix(f"–{years[0]}") if years else ""
        who = show.author or self.config.author.name or show.owner.name
        return " ".join(part for part in ("©", span, who) if part)

    def _channel(
        self,
        output: str,
        title: str,
        description: str,
        home: str,
        posts: Sequence[Post],
        episodes: bool = False,
    ) -> Channel:
        return Channel(
            title=title,
            description=description,
            home_url=self.pages.abs_url(home),
            feed_url=self.pages.abs_url(output),
            language=self.config.language,
            author_name=self.config.author.name,
            author_email=self.config.author.email,
            generator="sitegen",
            items=tuple(self._item(p, episodes) for p in posts),
        )

    def _item_key(self, post: Post) -> str:
        episode = self.episodes.by_post.get(post.key)
        return digest(self.pages.item_key(post), episode.digest if episode else "")

    def _item(self, post: Post, episodes: bool) -> Item:
        """The post as a feed item; in the podcast, with the episode's own guid and tags."""
        url = self.pages.abs_url(post.url)
        body = ""
        if self.config.feeds.full_content:
            # Readers show this HTML without any CSP: only what the allowlist knows stays.
            body = sanitize(absolute_urls(self.pages.feed_body(post), url))
        episode = self.episodes.by_post.get(post.key)
        return Item(
            # The id an old blog gave the post stays, in every feed (README: guid is kept).
            id=episode.guid if episode and episodes else post.guid or url,
            url=url,
            title=post.title,
            published=post.date,
            updated=post.updated or post.date,
            summary=post.summary,
            content_html=body,
            tags=post.tags,
            enclosure=self._enclosure(episode) if episode else None,
            episode=self._episode_tags(post, episode) if episode and episodes else None,
        )

    def _enclosure(self, episode: Episode) -> Enclosure:
        url = self.pages.abs_url(episode.audio)
        return Enclosure(url, episode.size, episode.mime, episode.duration)

    def _episode_tags(self, post: Post, episode: Episode) -> EpisodeTags:
        show = self.config.podcast
        assert show is not None
        transcript = episode.transcript
        return EpisodeTags(
            duration=episode.duration,
            episode=post.episode,
            season=post.season,
            transcript=(self.pages.abs_url(transcript.output), transcript.mime)
            if transcript
            else None,
            chapters=self.pages.abs_url(episode.chapters.output) if episode.chapters else "",
            type=post.episode_type,
            explicit=show.explicit if post.explicit is None else post.explicit,
            image=self.pages.abs_url(self.episodes.artwork),
            author=show.author or self.config.author.name or show.owner.name,
            persons=self._persons() + tuple(Voice(name, "guest") for name in post.guests),
        )
