"""Assemble parsed documents into the site: order, drafts, tags, years, link checks."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from .config import Config
from .errors import BuildErrors, ContentError, SitegenError
from .model import Notice, Post, Site, Tag, Year
from .places import Place, Points, gather_places
from .related import Relations, gather_series, relate
from .text import slugify
from .usage import Uses


def assemble(
    config: Config,
    documents: list[Post],
    now: dt.datetime,
    drafts: bool,
    uses: Uses | None = None,
    relations: Callable[[tuple[Post, ...]], Relations] = relate,
    points: Points | None = None,
) -> Site:
    """Decide what is published and index it; `now` decides which posts are still future.

    `relations` finds each post's related entries, `points` the map points of places not in
    [places] (the build passes ones that keep what they found).
    """
    urls = {d.key: d.url for d in documents}
    published: list[Post] = []
    pages: list[Post] = []
    skipped_drafts = skipped_future = 0
    for doc in documents:
        if doc.draft and not drafts:
            skipped_drafts += 1
        elif doc.kind == "post" and doc.date > now:
            skipped_future += 1
        elif doc.kind == "post":
            published.append(doc)
        else:
            pages.append(doc)
    posts = tuple(sorted(published, key=lambda p: (p.date.astimezone(dt.UTC), p.key), reverse=True))
    live = {p.key for p in (*posts, *pages)}
    notices = [n for d in documents for n in d.warnings if d.key in live]
    _check_links(documents, live, urls, notices)
    _check_unique_urls([*posts, *pages])

    by_tag: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    by_year: dict[int, list[int]] = defaultdict(list)
    by_day: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, post in enumerate(posts):
        by_day[post.date.month, post.date.day].append(index)
        slugs = {slugify(name): name for name in reversed(post.tags)}
        for slug, name in slugs.items():
            names.setdefault(slug, name)
            by_tag[slug].append(index)
        by_year[post.date.year].append(index)
    _check_tag_slugs(posts)
    tags = tuple(Tag(names[s], s, tuple(by_tag[s])) for s in sorted(by_tag))
    years = tuple(Year(y, tuple(by_year[y])) for y in sorted(by_year, reverse=True))
    places = _places(config, posts, notices, points)
    return Site(
        config=config,
        posts=posts,
        pages=tuple(sorted(pages, key=lambda p: p.key)),
        tags=tags,
        years=years,
        earlier_same_day=_earlier_same_day(posts, by_day.values()),
        series=gather_series(posts),
        related=relations(posts) if config.writing.related else {},
        urls=urls,
        skipped_drafts=skipped_drafts,
        skipped_future=skipped_future,
        warnings=tuple(notices),
        uses=uses,
        places=places,
    )


def _places(
    config: Config, posts: tuple[Post, ...], notices: list[Notice], points: Points | None
) -> tuple[Place, ...]:
    """The places posts were written at; each one that is on no map named once."""
    if not config.charts.places:
        return ()
    places = gather_places([(p.location, p.date.date()) for p in posts], config.places, points)
    for place in places:
        if place.point is None:
            newest = posts[place.posts[0]]
            message = (
                f"location {place.name!r} is on no map: add it to [places] in site.toml "
                "as [latitude, longitude]"
            )
            notices.append(Notice(newest.source, None, message))
    return places


EARLIER_SHOWN = 30
"""At most this many entries "on this day", the nearest years first: thirty years of a
daily diary. Without a bound each page would list one more entry for every year the
diary runs, and the site's size would grow faster than its number of posts."""


def _earlier_same_day(
    posts: tuple[Post, ...], days: Iterable[list[int]]
) -> dict[int, tuple[int, ...]]:
    """For each post, the posts of the same calendar day in earlier years, newest first
    (at most `EARLIER_SHOWN`)."""
    earlier: dict[int, tuple[int, ...]] = {}
    for indexes in days:  # each newest first, so earlier years are a tail
        years = [posts[i].date.year for i in indexes]
        start = 0
        while start < len(indexes):
            end = start
            while end < len(indexes) and years[end] == years[start]:
                end += 1
            tail = tuple(indexes[end : end + EARLIER_SHOWN])
            for i in indexes[start:end]:
                earlier[i] = tail
            start = end
    return earlier


def _check_links(
    documents: list[Post], live: set[str], urls: dict[str, str], notices: list[Notice]
) -> None:
    errors: list[SitegenError] = []
    for doc in documents:
        if doc.key not in live:
            continue
        for ref in doc.refs:
            if ref.target not in urls:
                errors.append(
                    ContentError(
                        f"links to {ref.target}, which does not exist", doc.source, ref.line
                    )
                )
            elif ref.target not in live:
                notices.append(
                    Notice(
                        doc.source,
                        ref.line,
                        f"links to {ref.target}, which is not published in this build",
                    )
                )
    if errors:
        raise BuildErrors(errors)


def _check_tag_slugs(posts: tuple[Post, ...]) -> None:
    """Stop when a tag has no page address, or two tags would share one ("C++" and "C#")."""
    errors: list[SitegenError] = []
    first: dict[str, tuple[str, Post]] = {}
    reported: set[tuple[str, str]] = set()
    slugs: dict[str, str] = {}  # a few dozen names, written on thousands of posts
    for post in reversed(posts):  # oldest first: the tag that came first is named first
        for name in post.tags:
            slug = slugs.get(name)
            if slug is None:
                slug = slugs[name] = slugify(name)
            if not slug:
                errors.append(
                    ContentError(
                        f"the tag {name!r} has no letter or digit to name its page", post.source
                    )
                )
                continue
            other, where = first.setdefault(slug, (name, post))
            if other == name:
                continue
            if _same_tag(other) != _same_tag(name) and (slug, _same_tag(name)) not in reported:
                reported.add((slug, _same_tag(name)))  # once for each pair, not for each post
                errors.append(
                    ContentError(
                        f"the tag {name!r} would share the page /tags/{slug}/ with the tag "
                        f"{other!r} of {where.source}; rename one of them",
                        post.source,
                    )
                )
    if errors:
        raise BuildErrors(errors)


def _same_tag(name: str) -> str:
    # "Reise" and "reise" are one tag written two ways; "C++" and "C#" are two.
    return unicodedata.normalize("NFC", name).casefold()


def _check_unique_urls(documents: list[Post]) -> None:
    seen: dict[str, Post] = {}
    for doc in documents:
        for url in (doc.url, *doc.aliases):
            other = seen.setdefault(url, doc)
            if other is not doc:
                raise ContentError(
                    f"/{url} is also the URL of {other.source}; give one a different slug",
                    doc.source,
                )
