"""Typed page inputs: one frozen value per output holding everything it shows, and its print.

Every page is made by a template from one of these values and nothing else (templates
get no `Site`), so the digest of the value, `Prints.of`, is the output's key: whatever a
page shows is in its input, and whatever is in its input is in its key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import operator
import os
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from .chartviews import Day, PlaceRow, Weights, YearDays
from .codec import encode
from .config import Config
from .feeds import PODCAST_FEED
from .model import Episode, Figures, Picture, Post, Tag
from .text import digest
from .usage import Uses


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


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every page shows of the whole site (head, navigation, footer) and what makes it."""

    config: Config
    theme: str
    """Digest of the theme's templates and translations."""
    versions: str
    feeds: tuple[FeedLink, ...]
    archive_url: str
    """The newest year's archive; empty without posts."""
    tags_url: str
    """Empty without tags."""
    dreams_url: str
    """Empty without dreams."""
    nav: tuple[NavLink, ...]
    uses_url: str
    """Empty without uses.toml."""
    transparency_url: str
    places_url: str = ""
    """Empty without places, or with [charts] places off."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What listings and a post's neighbours show of a post: never its text."""

    key: str
    url: str
    title: str
    date: dt.datetime
    updated: dt.datetime | None
    has_time: bool
    summary: str
    location: str
    zone: str
    day: int | None
    tags: tuple[str, ...]

    @classmethod
    def of(cls, post: Post) -> Entry:
        return cls(
            post.key,
            post.url,
            post.title,
            post.date,
            post.updated,
            post.has_time,
            post.summary,
            post.location,
            post.zone,
            post.day,
            post.tags,
        )


@dataclass(frozen=True, slots=True)
class Listing:
    """One page of a list of posts: the index, a tag or a year."""

    kind: str
    title: str
    url: str
    posts: tuple[Entry, ...]
    number: int = 1
    total: int = 1
    newer_url: str | None = None
    older_url: str | None = None
    feed_url: str | None = None
    """The listing's own feed (a tag's), for autodiscovery."""


@dataclass(frozen=True, slots=True)
class Shown:
    """What resolves the body of the posts a page shows: link targets and pictures."""

    links: dict[str, str]
    """Content key of every linked document -> its URL path."""
    pictures: dict[str, Picture]
    """Content key of every image shown (cover included) -> its picture."""
    sizes: str = "100vw"


@dataclass(frozen=True, slots=True)
class SeriesPlace:
    """A post's place in its series: "part 2 of 4", with every part in order."""

    name: str
    url: str
    number: int
    """The post's part, counted from 1."""
    parts: tuple[Entry, ...]
    """Every part, oldest first, the post itself among them."""


@dataclass(frozen=True, slots=True)
class PostPage:
    chrome: Chrome
    page_url: str
    post: Post
    shown: Shown
    newer: Entry | None = None
    older: Entry | None = None
    on_this_day: tuple[Entry, ...] = ()
    episode: Episode | None = None
    place_url: str = ""
    """The page of the place the post was written at; empty without one."""
    series: SeriesPlace | None = None
    """Its place in its series; part of the input, so a post joining one re-keys the others."""
    related: tuple[Entry, ...] = ()
    """Up to three related entries, the most related first."""


@dataclass(frozen=True, slots=True)
class ListPage:
    chrome: Chrome
    page_url: str
    listing: Listing
    years: tuple[int, ...] = ()
    """Every year with posts, newest first (the year archives link to each other)."""
    calendar: YearDays | None = None
    """A year archive's writing calendar."""
    diary_months: tuple[tuple[int, int, int], ...] = ()
    """The newest year archive's picture of the whole diary: year, month, entries (the
    others link to it)."""
    place: PlaceRow | None = None
    """A place's page: the place."""


@dataclass(frozen=True, slots=True)
class PlacesPage:
    """Every place the diary was written at, and the map."""

    chrome: Chrome
    page_url: str
    places: tuple[PlaceRow, ...]
    outline: str
    """The land on the map, an SVG path (from the theme)."""


@dataclass(frozen=True, slots=True)
class DreamsPage:
    chrome: Chrome
    page_url: str
    dreams: tuple[Post, ...]
    shown: Shown


@dataclass(frozen=True, slots=True)
class TagsPage:
    chrome: Chrome
    page_url: str
    tags: tuple[Tag, ...]


@dataclass(frozen=True, slots=True)
class UsesPage:
    chrome: Chrome
    page_url: str
    uses: Uses


@dataclass(frozen=True, slots=True)
class TransparencyPage:
    chrome: Chrome
    page_url: str
    figures: Figures
    """Without the weight of each page: `weights` sums them up, the data file lists them."""
    newest: Any
    """The newest date of any content (a datetime), or None."""
    weights: Weights | None = None
    weights_file: str = ""
    """The output path of the data file with every page's weight, or ""."""


@dataclass(frozen=True, slots=True)
class PlainPage:
    """A page that shows nothing but the chrome (the 404 page)."""

    chrome: Chrome
    page_url: str


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A post as a feed shows it; `body` says whether the full text is part of it."""

    chrome: Chrome
    post: Post
    shown: Shown
    episode: Episode | None = None
    body: bool = True


Page = (
    PostPage
    | ListPage
    | PlacesPage
    | DreamsPage
    | TagsPage
    | UsesPage
    | TransparencyPage
    | PlainPage
)


class Prints:
    """Digests of values: the one place an output's key is made.

    A value's print covers every field of it, through frozen dataclasses, tuples and
    dicts alike. A post's print is known from the parse cache (the digest of its whole
    stored encoding); values used on many pages (the chrome) are printed once.
    """

    def __init__(
        self,
        posts: dict[str, str] | None = None,
        site_dir: Path | None = None,
        kept: dict[str, str] | None = None,
    ) -> None:
        self.posts = posts or {}
        """Content key -> print of the post parsed from it."""
        self.site_dir = site_dir
        """Paths print relative to it: where the site is changes no page (config.site_dir)."""
        self.memo: dict[int, str] = {}
        """id() of a value printed apart -> its print; `alive` keeps each such value, so no
        other value can have its id while the memo holds it."""
        self.alive: list[object] = []
        self.kept = kept or {}
        """The last build's `derived`: what it printed for values made from a post."""
        self.derived: dict[str, str] = {}
        """"<post print> <kind>" -> print of the value of that kind made from that post."""

    def of_post(self, post: Post, made: Callable[[Post], Any]) -> Any:
        """`made(post)`, printed now: a value made from nothing but the post (an entry) has
        the print the last build found for the same post's print, and is not printed again
        (ten thousand entries would be). `made` is the one way values of its kind are made
        from a post; the code's version, part of the store's, covers what it does."""
        value = made(post)
        known = self.posts.get(post.key)
        if not known:
            return value
        name = f"{known} {type(value).__name__}"
        ref = self.kept.get(name)
        if ref is None:
            ref = self._tree(value)
            assert isinstance(ref, str), "a value printed inside its page has no print of its own"
        else:
            self._keep(value, ref)
        self.derived[name] = ref
        return value

    def of(self, *values: object) -> str:
        """The digest of the values, every field of each."""
        return digest(_dumps([self._tree(v) for v in values]))

    def _keep(self, value: object, ref: str) -> str:
        self.memo[id(value)] = ref
        self.alive.append(value)
        return ref

    def _tree(self, value: object) -> Any:
        """The value as JSON; a value shared by pages as its own digest, made once a build."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        memo = self.memo
        found = memo.get(id(value))
        if found is not None:
            return found
        if kind is dt.datetime and isinstance(value, dt.datetime):  # as the codec keeps it
            zone = value.tzinfo
            return [value.isoformat(), zone.key if isinstance(zone, zoneinfo.ZoneInfo) else None]
        read = _READERS.get(kind, _UNREAD)
        if read is _UNREAD:
            read = _reader(kind)
        if read is not None:
            known = self.posts.get(value.key) if kind is Post else None  # type: ignore[attr-defined]
            if known:
                return self._keep(value, f"Post {known}")
            # Its kind and its fields in declared order (the code, part of every key, names them).
            tree = [kind.__name__, *self._items(read(value))]
            if kind in _ONCE:
                return tree
            return self._keep(value, f"{kind.__name__} {digest(_dumps(tree))}")
        if kind is tuple or kind is list or isinstance(value, tuple | list):
            return self._items(value)  # type: ignore[arg-type]
        if isinstance(value, dict):
            return {str(k): v if type(v) in _PLAIN else self._tree(v) for k, v in value.items()}
        if isinstance(value, PurePath):
            where = self.site_dir if value.is_absolute() else None
            return {"$path": os.path.relpath(value, where) if where else str(value)}
        return encode(value)

    def _items(self, values: tuple[Any, ...] | list[Any]) -> list[Any]:
        """Each value's tree: most are printed already (entries in a list) or plain, and are
        looked up in one pass before any is walked."""
        found = list(map(self.memo.get, map(id, values)))
        if None not in found:
            return found
        for at, ref in enumerate(found):
            if ref is None:
                value = values[at]
                found[at] = value if type(value) in _PLAIN else self._tree(value)
        return found


_PLAIN = frozenset((str, int, float, bool, type(None)))

_ONCE = frozenset(
    (PostPage, ListPage, Listing, Shown, SeriesPlace, DreamsPage, TagsPage, YearDays, Day)
)
"""Values made for one output: written into its print as they are, not printed apart
(which would cost a digest each and find nothing to share)."""

# Fields are written in their declared order and dicts in the order they were made
# (from sorted or ordered sources), so the same value always gives the same text.
_dumps = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, separators=(",", ":"), default=str
).encode

_READERS: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}
"""Each type met so far: what reads a dataclass's fields, or None for any other type."""
_UNREAD: Any = object()  # a type not met yet


def _reader(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """What reads every field of a dataclass at once, in declared order; None for other types."""
    if not dataclasses.is_dataclass(kind):
        _READERS[kind] = None
        return None
    names = [f.name for f in dataclasses.fields(kind)]
    if len(names) >= 2:  # attrgetter gives a tuple for two names or more
        read: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)
    else:

        def read(value: Any) -> tuple[Any, ...]:
            return tuple(getattr(value, n) for n in names)

    _READERS[kind] = read
    return read
