"""Plan the feeds as jobs: the site's, each tag's and the podcast's, keyed by the print of each."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urljoin

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
from .inputs import FeedItem, Prints
from .model import Episode, Episodes, Job, Post, Site
from .podcastconfig import Voice
from .podcastfeed import Show, podcast
from .templating import Templates
from .weburl import sent


@dataclass(frozen=True, slots=True)
class Feed:
    """Everything one feed shows: its channel and its items."""

    output: str
    title: str
    description: str
    home: str
    """The page the feed belongs to, below the site root."""
    items: tuple[FeedItem, ...]
    podcast: tuple[str, str] | None = None
    """The podcast's guid and artwork, for the podcast feed."""


class Feeds:
    """Every feed of the site as a job keyed by the print of its `Feed`."""

    def __init__(
        self,
        site: Site,
        episodes: Episodes,
        templates: Templates,
        item: Callable[[Post, bool], FeedItem],
        prints: Prints,
    ) -> None:
        self.site = site
        self.config = site.config
        self.episodes = episodes
        self.templates = templates
        self.item = item
        self.prints = prints
        self.bodies: dict[str, str] = {}
        """A post's feed body, kept: it stands in the site's feed and in its tags' feeds."""

    def jobs(self) -> Iterator[Job]:
        config = self.config
        count = config.feeds.items
        posts = self.site.posts[:count]
        title, description = config.title, config.description
        for output, write in (("feed.xml", rss), ("atom.xml", atom), ("feed.json", json_feed)):
            yield self._feed(Feed(output, title, description, "", self._items(posts)), write)
        if config.feeds.tags:
            for tag in self.site.tags:
                tagged = tuple(self.site.posts[i] for i in tag.posts[:count])
                tag_title = f"{title} · {self.templates.translate('tag_title', name=tag.name)}"
                home = f"tags/{tag.slug}/"
                feed = Feed(f"{home}feed.xml", tag_title, description, home, self._items(tagged))
                yield self._feed(feed, rss)
        if config.podcast is not None:
            yield self._podcast()

    def _items(self, posts: Sequence[Post]) -> tuple[FeedItem, ...]:
        return tuple(self.item(p, self.config.feeds.full_content) for p in posts)

    def _feed(self, feed: Feed, write: Callable[[Channel], bytes]) -> Job:
        def produce() -> bytes:
            return write(self._channel(feed))

        return Job(feed.output, self.prints.of(feed), produce, "feeds")

    def _podcast(self) -> Job:
        show = self.config.podcast
        assert show is not None
        posts = [p for p in self.site.posts if p.key in self.episodes.by_post]
        feed = Feed(
            PODCAST_FEED,
            show.title or self.config.title,
            show.description or self.config.description,
            "",
            self._items(posts),
            (self.episodes.guid, self.episodes.artwork),
        )

        def produce() -> bytes:
            return podcast(self._channel(feed, episodes=True), self._show(feed))

        return Job(PODCAST_FEED, self.prints.of(feed), produce, "[podcast] in site.toml")

    def _show(self, feed: Feed) -> Show:
        show = self.config.podcast
        assert show is not None
        return Show(
            image=self.templates.abs_url(self.episodes.artwork),
            category=show.category,
            subcategory=show.subcategory,
            explicit=show.explicit,
            author=self._author(),
            owner_name=show.owner.name,
            owner_email=show.owner.email,
            type=show.type,
            guid=self.episodes.guid,
            locked=show.locked,
            funding=(show.funding.url, show.funding.text or show.funding.url)
            if show.funding
            else None,
            persons=self._persons(),
            copyright=show.copyright or self._copyright(feed),
        )

    def _persons(self) -> tuple[Voice, ...]:
        """The podcast's persons, their pages and pictures as absolute URLs."""
        assert self.config.podcast is not None
        home = self.templates.abs_url()
        return tuple(
            replace(
                v,
                href=urljoin(home, v.href) if v.href else "",
                img=urljoin(home, v.img) if v.img else "",
            )
            for v in self.config.podcast.persons
        )

    def _author(self) -> str:
        """Who the podcast names as its author: [podcast] author, the site's, else the owner."""
        show = self.config.podcast
        assert show is not None
        return show.author or self.config.author.name or show.owner.name

    def _copyright(self, feed: Feed) -> str:
        """The copyright line site.toml leaves out: "© 2024–2026 Jana", the episodes' years."""
        show = self.config.podcast
        assert show is not None
        years = sorted(i.post.date.year for i in feed.items)
        span = f"{years[0]}–{years[-1]}" if years else ""
        span = span.removesuffix(f"–{years[0]}") if years else ""
        who = self._author()
        return " ".join(part for part in ("©", span, who) if part)

    def _channel(self, feed: Feed, episodes: bool = False) -> Channel:
        return Channel(
            title=feed.title,
            description=feed.description,
            home_url=sent(self.templates.abs_url(feed.home)),
            feed_url=sent(self.templates.abs_url(feed.output)),
            language=self.config.language,
            author_name=self.config.author.name,
            author_email=self.config.author.email,
            generator="sitegen",
            items=tuple(self._item(i, episodes) for i in feed.items),
        )

    def _body(self, item: FeedItem) -> str:
        """The post as its page shows it: diary line, dream, cover and text."""
        post = item.post
        if post.key not in self.bodies:
            made = self.templates.render("partials/feed_item.html", post.source, item)
            self.bodies[post.key] = made.decode("utf-8")
        return self.bodies[post.key]

    def _item(self, item: FeedItem, episodes: bool) -> Item:
        """The post as a feed item; in the podcast, with the episode's own guid and tags."""
        post, episode = item.post, item.episode
        address = self.templates.abs_url(post.url)
        url = sent(address)
        # Readers show this HTML without any CSP: only what the allowlist knows stays.
        body = sanitize(absolute_urls(self._body(item), url)) if item.body else ""
        return Item(
            # The id an old blog gave the post stays, in every feed (README: guid is kept);
            # a post's own is its address as it always was (a reader keys items by it).
            id=episode.guid if episode and episodes else post.guid or address,
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
        url = sent(self.templates.abs_url(episode.audio))
        return Enclosure(url, episode.size, episode.mime, episode.duration)

    def _episode_tags(self, post: Post, episode: Episode) -> EpisodeTags:
        transcript = episode.transcript
        show = self.config.podcast
        assert show is not None
        return EpisodeTags(
            duration=episode.duration,
            episode=post.episode,
            season=post.season,
            transcript=(self.templates.abs_url(transcript.output), transcript.mime)
            if transcript
            else None,
            chapters=self.templates.abs_url(episode.chapters.output) if episode.chapters else "",
            type=post.episode_type,
            explicit=show.explicit if post.explicit is None else post.explicit,
            image=self.templates.abs_url(self.episodes.artwork),
            author=self._author(),
            persons=self._persons() + tuple(Voice(name, "guest") for name in post.guests),
        )
