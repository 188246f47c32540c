"""The immutable site model: what each stage hands to the next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .barcharts import PageWeight
from .body import Body
from .config import Config
from .places import Place
from .usage import Uses

Kind = Literal["post", "page"]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file under content/, as found on disk."""

    path: Path
    """Absolute path."""
    rel: str
    """Path relative to content/, with forward slashes."""
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown file that becomes a page: a post or a page outside the timeline."""

    source: SourceFile
    kind: Kind
    bundle: tuple[SourceFile, ...] = ()
    """Files beside index.md in a page bundle, published next to the page."""


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything discover() found, sorted by path."""

    documents: tuple[Document, ...]
    static: tuple[SourceFile, ...]
    """Files under content/static/, with `rel` relative to that folder."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A link in Markdown to another Markdown file, resolved once all URLs are known."""

    target: str
    """The linked file, relative to content/."""
    line: int


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image a post shows: embedded in its Markdown or named as its cover."""

    target: str
    """The image file, relative to content/."""
    line: int
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: warning: {self.message}"


@dataclass(frozen=True, slots=True)
class Subheading:
    """An h3 of a post as its table of contents lists it, under its h2."""

    id: str
    text: str
    """Plain text, without markup."""


@dataclass(frozen=True, slots=True)
class Heading:
    """An h2 of a post as its table of contents lists it (two levels: no recursive type)."""

    id: str
    text: str
    """Plain text, without markup."""
    children: tuple[Subheading, ...] = ()
    """The h3 headings after it, up to the next h2."""


EPISODE_TYPES = ("full", "trailer", "bonus")
"""The kinds of episode podcast apps know (itunes:episodeType)."""


@dataclass(frozen=True, slots=True)
class Post:
    """A parsed post or page: metadata, rendered body and where it is published."""

    source: str
    """Path relative to the site folder, for messages: content/posts/x.md."""
    key: str
    """Path relative to content/, the name other files link to."""
    kind: Kind
    title: str
    date: dt.datetime
    """When it was written, in the local time (and offset) of where it was written."""
    url: str
    """Path below the site root, without a leading slash: "2013/06/26/slug/"."""
    slug: str
    html: Body
    """The rendered body: its links to other documents and its pictures are segments that
    render time joins (sitegen.body)."""
    summary: str
    """Plain text for listings and meta descriptions."""
    digest: str
    """Digest of everything this post's own page shows."""
    updated: dt.datetime | None = None
    has_time: bool = True
    """False when the front matter gave only a date."""
    location: str = ""
    zone: str = ""
    """A time zone label shown after the time of writing, like "CET"; only a label."""
    day: int | None = None
    """Day N of the diary: given in front matter, or counted from day_zero."""
    dream: Body = ()
    """Last night's dream, rendered as the body is; empty for none."""
    tags: tuple[str, ...] = ()
    draft: bool = False
    description: str = ""
    words: int = 0
    reading_minutes: int = 0
    """Minutes it takes to read, shown beside the diary line; 0 when the site shows none."""
    toc: tuple[Heading, ...] = ()
    """The table of contents shown at the top; empty when the post shows none."""
    series: str = ""
    """The name of the series the post is part of; empty for none."""
    refs: tuple[Ref, ...] = ()
    files: tuple[SourceFile, ...] = ()
    """Bundle files published beside the page."""
    aliases: tuple[str, ...] = ()
    """Old URLs that redirect here."""
    nav: bool = False
    """Pages only: listed in the site navigation."""
    weight: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[Notice, ...] = ()
    images: tuple[ImageRef, ...] = ()
    """Images embedded in the body, in order; their markup is filled in at render time."""
    cover: ImageRef | None = None
    """The post's own picture, shown above it and in previews (og:image)."""
    audio: Ref | None = None
    """Posts only: the episode's audio file, which makes the post a podcast episode."""
    guid: str = ""
    """The id feeds give the post, when front matter fixes it (kept from an old blog)."""
    episode: int | None = None
    season: int | None = None
    episode_type: str = "full"
    """itunes:episodeType: full, trailer or bonus."""
    explicit: bool | None = None
    """itunes:explicit of this episode; None: as the podcast's."""
    guests: tuple[str, ...] = ()
    """Guests heard in this episode, besides the podcast's own persons (podcast:person)."""
    cleaned_links: int = 0
    """Outbound links in the body and the dream that lost tracking parameters."""


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    posts: tuple[int, ...]
    """Indexes into Site.posts, newest first."""


@dataclass(frozen=True, slots=True)
class Series:
    """Posts that belong together in order, named by `series = "..."` in their front matter."""

    name: str
    slug: str
    posts: tuple[int, ...]
    """Indexes into Site.posts, oldest first: part 1 is the first written."""

    @property
    def url(self) -> str:
        """The series' own page, listing its parts in order."""
        return f"series/{self.slug}/"


@dataclass(frozen=True, slots=True)
class Year:
    year: int
    posts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """The whole site, gathered before anything is written."""

    config: Config
    posts: tuple[Post, ...]
    """Published posts, newest first."""
    pages: tuple[Post, ...]
    tags: tuple[Tag, ...]
    """Sorted by slug."""
    years: tuple[Year, ...]
    """Newest first."""
    urls: dict[str, str]
    """Content key (posts/x.md) -> URL path, for every parsed document."""
    earlier_same_day: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Index into posts -> the posts of the same calendar day in earlier years, newest first."""
    series: tuple[Series, ...] = ()
    """Sorted by slug."""
    related: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Index into posts -> up to three related posts, the most related first."""
    skipped_drafts: int = 0
    skipped_future: int = 0
    warnings: tuple[Notice, ...] = ()
    uses: Uses | None = None
    """From content/uses.toml, when the site has one."""
    places: tuple[Place, ...] = ()
    """Where the posts were written, most written first (empty with [charts] places off)."""

    def newer(self, index: int) -> Post | None:
        return self.posts[index - 1] if index > 0 else None

    def older(self, index: int) -> Post | None:
        return self.posts[index + 1] if index + 1 < len(self.posts) else None

    def series_of(self, index: int) -> Series | None:
        """The series posts[index] is part of, if any."""
        return next((s for s in self.series if index in s.posts), None)

    @property
    def dreams(self) -> tuple[Post, ...]:
        """Posts with a dream, newest first."""
        return tuple(p for p in self.posts if p.dream)

    @property
    def nav_pages(self) -> tuple[Post, ...]:
        return tuple(sorted((p for p in self.pages if p.nav), key=lambda p: (p.weight, p.title)))


@dataclass(frozen=True, slots=True)
class Job:
    """One output file: where it goes, what it depends on, and how to make it."""

    output: str
    """Path below the output folder, with forward slashes."""
    key: str
    """Digest of everything the output depends on; an unchanged key means unchanged bytes."""
    produce: Callable[[], bytes]
    source: str
    """What the output is made from, for messages."""


@dataclass(frozen=True, slots=True)
class Figures:
    """What the built site makes a reader's browser do, measured from its output."""

    pages: int
    """HTML pages, not counting redirects from old addresses."""
    feeds: int
    redirects: int
    requests: int
    """References that make a browser contact another host (only allowed hosts get here)."""
    request_hosts: tuple[tuple[str, int], ...]
    """Each other host contacted, with its number of references, sorted by host."""
    cookies: int
    script_max: int
    """Bytes of JavaScript on the page that has the most."""
    weight_median: int
    """Bytes a browser loads for a page (HTML, stylesheets, icon, images), the median page."""
    weight_max: int
    heaviest: str
    """Output path of the heaviest page."""
    link_domains: tuple[tuple[str, int], ...]
    """Outside domains the pages link to, with the number of links, most linked first."""
    no_referrer: int
    """Pages that tell the browser to send no referrer when a link is followed."""
    page_weights: tuple[PageWeight, ...] = ()
    """What each page loads, by kind, sorted by output path."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One published rendition of an image: a width in a format."""

    output: str
    """Path below the output folder."""
    width: int
    height: int
    mime: str


@dataclass(frozen=True, slots=True)
class Picture:
    """Everything the markup of one source image needs: its variants, biggest last."""

    source: str
    """The image file, relative to content/."""
    width: int
    """Width of the biggest variant, after EXIF orientation."""
    height: int
    variants: tuple[Variant, ...]
    """Sorted by format (most efficient first, the fallback last), then by width."""
    fallback: str
    """MIME type of the fallback format (the source's own)."""
    digest: str
    """Changes when any variant's name changes."""

    def of(self, mime: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.mime == mime)

    @property
    def largest(self) -> Variant:
        """The biggest variant in the fallback format."""
        return self.of(self.fallback)[-1]


@dataclass(frozen=True, slots=True)
class Pictures:
    """The images stage's answer to the renderer: markup data and files it publishes."""

    by_source: dict[str, Picture] = field(default_factory=dict)
    """Content key of an image -> its Picture."""
    claimed: frozenset[str] = frozenset()
    """Bundle files (content keys) the images stage publishes in place of a plain copy."""
    sizes: str = "100vw"
    """The `sizes` attribute: how wide an image is shown, for the browser's choice."""


@dataclass(frozen=True, slots=True)
class Cue:
    """One timed line of a transcript, or one chapter."""

    start: float
    """Seconds from the start of the audio."""
    text: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file published beside an episode's audio: its transcript or chapters."""

    output: str
    """Path below the output folder."""
    mime: str
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True, slots=True)
class Episode:
    """A post's audio, measured: everything the episode page and the feeds say of it."""

    post: str
    """Content key of the post."""
    audio: str
    """Path below the output folder."""
    mime: str
    size: int
    """Bytes, exactly."""
    duration: int
    """Whole seconds."""
    guid: str
    """Never changes once published, whatever happens to title or slug."""
    transcript: Attachment | None = None
    chapters: Attachment | None = None
    digest: str = ""
    """Changes when anything above does."""


@dataclass(frozen=True, slots=True)
class Episodes:
    """The podcast stage's answer to the renderer."""

    by_post: dict[str, Episode] = field(default_factory=dict)
    """Content key of a post -> its episode."""
    guid: str = ""
    """The podcast's own podcast:guid."""
    artwork: str = ""
    """Path below the output folder of the podcast's artwork; empty without a podcast."""
