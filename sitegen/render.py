"""Plan every page of the site as a job: its typed input, the input's print as its key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from .chartviews import (
    WEIGHTS_FILE,
    diary_months,
    place_rows,
    places_url,
    weights_of,
    year_days,
)
from .feedjobs import Feeds
from .inputs import (
    Chrome,
    DreamsPage,
    Entry,
    FeedItem,
    Listing,
    ListPage,
    NavLink,
    Page,
    PlacesPage,
    PlainPage,
    PostPage,
    Prints,
    SeriesPlace,
    Shown,
    TagsPage,
    TransparencyPage,
    UsesPage,
    feed_links,
)
from .libraries import versions
from .model import Episodes, Figures, Inventory, Job, Pictures, Post, Site
from .parallel import parallel_map
from .paths import output_of
from .sitefiles import (
    Redirect,
    Sitemap,
    UsesData,
    copies,
    redirect,
    robots,
    sitemap,
    uses_json,
    weights_csv,
)
from .sitemap import sitemap_entries
from .templating import Templates
from .text import slugify
from .theme import Theme
from .weburl import sent


class Plan:
    """Every output of the site as a job keyed by the print of what it is made from.

    `jobs` are known up front; the pages that show figures measured from those
    outputs (the transparency page) come from `measured` once the outputs are staged
    and measured, and are not part of their own figures.
    """

    def __init__(
        self,
        site: Site,
        theme: Theme,
        inventory: Inventory,
        pictures: Pictures | None = None,
        episodes: Episodes | None = None,
        prints: Prints | None = None,
    ) -> None:
        self.site = site
        self.pictures = pictures or Pictures()
        self.episodes = episodes or Episodes()
        self.prints = prints or Prints()
        self.templates = Templates(site.config, theme)
        self.theme = theme
        self.chrome = chrome(site, theme, self.templates.strings)
        self.places = place_rows(site.places, self.chrome.places_url)
        self.place_urls = {p.name: r.url for p, r in zip(site.places, self.places, strict=True)}
        # Entries print by their own fields, not their post's: a body edit that leaves
        # title, date and summary as they were re-keys no listing and no neighbour's page.
        # Printed here, before the prints are shared out to workers that would each print them.
        self.entries = {p.key: self.prints.of_post(p, Entry.of) for p in site.posts}
        self.at = tuple(self.entries[p.key] for p in site.posts)
        """The entries by index into the posts."""
        self.feeds = Feeds(site, self.episodes, self.templates, self.feed_item, self.prints)
        jobs = [
            # Files first: the sitemap's input, made from every page, is the one slow item,
            # and one taken last would keep the others waiting for it.
            *self._keyed([*self.files(), *self.pages()]),
            *self.feeds.jobs(),
            *copies(site, theme, inventory, self.pictures.claimed),
        ]
        self.jobs = sorted(jobs, key=lambda j: j.output)

    def measured(self, figures: Figures) -> list[Job]:
        dates = [d for p in (*self.site.posts, *self.site.pages) if (d := p.updated or p.date)]
        newest = max(dates, key=lambda d: d.astimezone(dt.UTC)) if dates else None
        url, source = self.chrome.transparency_url, "the measured output"
        jobs = []
        weights = None
        file = ""
        if self.site.config.charts.weights and figures.page_weights:
            weights = weights_of(figures.page_weights, "index.html")
            file = f"{url}{WEIGHTS_FILE}"
            data = weights_csv(figures.page_weights, self.templates.url)
            # Made already, so its text is its input: cheaper than a print of every page.
            jobs.append(Job(file, self.prints.of(file, data.decode()), lambda: data, source))
        # The page shows a summary of the weights, not each: an edit that moves none of
        # its figures leaves the page as it is.
        shown = dataclasses.replace(figures, page_weights=())
        page = TransparencyPage(self.chrome, url, shown, newest, weights, file)
        made = self._page(f"{url}index.html", "transparency.html", source, lambda: page)
        jobs += self._keyed([made])
        return jobs

    def shown(self, posts: Sequence[Post]) -> Shown:
        """The link targets and pictures of the posts' bodies, dreams and covers."""
        urls = self.site.urls
        links = {r.target: urls[r.target] for p in posts for r in p.refs if r.target in urls}
        by_source = self.pictures.by_source
        refs = [r for p in posts for r in (*p.images, *([p.cover] if p.cover else []))]
        pictures = {r.target: by_source[r.target] for r in refs if r.target in by_source}
        return Shown(links, pictures, self.pictures.sizes)

    def feed_item(self, post: Post, body: bool) -> FeedItem:
        episode = self.episodes.by_post.get(post.key)
        return FeedItem(self.chrome, post, self.shown([post]), episode, body)

    def pages(self) -> Iterator[Unkeyed]:
        site, chrome = self.site, self.chrome
        for index, post in enumerate(site.posts):
            make = functools.partial(self.post_page, index, post)
            yield self._page(output_of(post.url), "post.html", post.source, make)
        for post in site.pages:
            make = functools.partial(self.plain_post_page, post)
            yield self._page(output_of(post.url), "page.html", post.source, make)
        at = self.at.__getitem__
        yield from self._listings("index", "", "", self.at, paginate=True)
        for tag in site.tags:
            entries = tuple(map(at, tag.posts))
            feed = f"tags/{tag.slug}/feed.xml" if site.config.feeds.tags else None
            url = f"tags/{tag.slug}/"
            yield from self._listings("tag", tag.name, url, entries, paginate=True, feed_url=feed)
        years = tuple(y.year for y in site.years)
        calendars = site.config.charts.calendar
        # The whole diary's months are drawn on the newest year's archive, which the others
        # link to: drawn on each, the archives would grow with the square of the years.
        months = diary_months(site.posts) if calendars else ()
        for year in site.years:
            entries = tuple(map(at, year.posts))
            days = year_days([site.posts[i] for i in year.posts], year.year) if calendars else None
            title, url = str(year.year), f"{year.year}/"
            drawn = months if year is site.years[0] else ()
            yield from self._listings(
                "year", title, url, entries, years=years, calendar=days, diary_months=drawn
            )
        for series in site.series:
            entries = tuple(map(at, series.posts))
            yield from self._listings("series", series.name, series.url, entries)
        yield from self._places()
        if chrome.dreams_url:
            output = f"{chrome.dreams_url}index.html"
            yield self._page(output, "dreams.html", "dreams", self._dreams_page)
        if chrome.tags_url:
            tags = functools.partial(TagsPage, chrome, chrome.tags_url, site.tags)
            yield self._page(f"{chrome.tags_url}index.html", "tags.html", "tags", tags)
        plain = functools.partial(PlainPage, chrome, "404.html")
        yield self._page("404.html", "404.html", "404", plain)
        if site.uses is not None:
            uses = functools.partial(UsesPage, chrome, chrome.uses_url, site.uses)
            yield self._page(f"{chrome.uses_url}index.html", "uses.html", site.uses.source, uses)

    def files(self) -> Iterator[Unkeyed]:
        """The site's files that are not pages: redirects, sitemap, robots.txt, uses.json."""
        site, abs_url = self.site, self.templates.abs_url
        for post in (*site.posts, *site.pages):
            for alias in post.aliases:
                output = output_of(alias)
                target = functools.partial(
                    Redirect,
                    site.config.language,
                    post.title,
                    self.templates.url(post.url),
                    abs_url(post.url),
                )
                yield self._file(output, post.source, redirect, target)
        if site.uses is not None:
            data = functools.partial(UsesData, abs_url(self.chrome.uses_url), site.uses)
            yield self._file("uses.json", site.uses.source, uses_json, data)
        yield self._file("sitemap.xml", "sitemap", sitemap, self._sitemap)
        robots_of = functools.partial(abs_url, "sitemap.xml")
        yield self._file("robots.txt", "robots.txt", robots, robots_of)

    def _listings(
        self,
        kind: str,
        title: str,
        url: str,
        entries: Sequence[Entry],
        paginate: bool = False,
        feed_url: str | None = None,
        **extra: Any,
    ) -> Iterator[Unkeyed]:
        """The pages of a list of entries; `extra` holds the ListPage fields of its kind."""
        size = self.site.config.paginate if paginate else max(len(entries), 1)
        chunks = [tuple(entries[i : i + size]) for i in range(0, len(entries), size)] or [()]

        def page_url(n: int) -> str:
            return url if n == 1 else f"{url}page/{n}/"

        def list_page(number: int, chunk: tuple[Entry, ...]) -> ListPage:
            listing = Listing(
                kind,
                title,
                page_url(number),
                chunk,
                number,
                len(chunks),
                newer_url=page_url(number - 1) if number > 1 else None,
                older_url=page_url(number + 1) if number < len(chunks) else None,
                feed_url=feed_url,
            )
            return ListPage(self.chrome, listing.url, listing, **extra)

        for number, chunk in enumerate(chunks, start=1):
            make = functools.partial(list_page, number, chunk)
            yield self._page(f"{page_url(number)}index.html", f"{kind}.html", kind, make)

    def _places(self) -> Iterator[Unkeyed]:
        """The places page with its map, and a paginated page of entries for each place."""
        url = self.chrome.places_url
        if not url:
            return
        page = PlacesPage(self.chrome, url, self.places, self.theme.data("land.txt"))
        yield self._page(f"{url}index.html", "places.html", "places", lambda: page)
        for place, row in zip(self.site.places, self.places, strict=True):
            entries = tuple(map(self.at.__getitem__, place.posts))
            yield from self._listings(
                "place", place.name, row.url, entries, paginate=True, place=row
            )

    def post_page(self, index: int, post: Post) -> PostPage:
        """The page of the post at `index` of the site's posts, showing `post` (that one,
        or the dev server's newer parse of its file: see `preview`)."""
        site, chrome = self.site, self.chrome
        at = self.at.__getitem__
        return PostPage(
            chrome,
            post.url,
            post,
            self.shown([post]),
            self._entry(site.newer(index)),
            self._entry(site.older(index)),
            tuple(map(at, site.earlier_same_day.get(index, ()))),
            self.episodes.by_post.get(post.key),
            self.place_urls.get(post.location, "") if chrome.places_url else "",
            self._series_place(index),
            tuple(map(at, site.related.get(index, ()))),
        )

    def plain_post_page(self, post: Post) -> PostPage:
        return PostPage(self.chrome, post.url, post, self.shown([post]))

    def _dreams_page(self) -> DreamsPage:
        dreams = self.site.dreams
        return DreamsPage(self.chrome, self.chrome.dreams_url, dreams, self.shown(dreams))

    def _sitemap(self) -> Sitemap:
        chrome, abs_url = self.chrome, self.templates.abs_url
        found = sitemap_entries(
            self.site, chrome.dreams_url, chrome.transparency_url, chrome.places_url
        )
        return Sitemap(tuple((sent(abs_url(e.path)), e.modified) for e in found))

    def _series_place(self, index: int) -> SeriesPlace | None:
        series = self.site.series_of(index)
        if series is None:
            return None
        parts = tuple(map(self.at.__getitem__, series.posts))
        return SeriesPlace(series.name, series.url, series.posts.index(index) + 1, parts)

    def _entry(self, post: Post | None) -> Entry | None:
        return None if post is None else self.entries[post.key]

    def _page(self, output: str, template: str, source: str, page: Callable[[], Page]) -> Unkeyed:
        def produce() -> bytes:
            return self.templates.render(template, source, page())

        return Unkeyed(output, lambda: (output, template, page()), produce, source)

    def _file(
        self, output: str, source: str, make: Callable[[Any], bytes], value: Callable[[], object]
    ) -> Unkeyed:
        """A file `make` makes from what `value` gives."""
        return Unkeyed(output, lambda: (output, value()), lambda: make(value()), source)

    def _keyed(self, unkeyed: Sequence[Unkeyed]) -> list[Job]:
        """The jobs, each keyed by the print of what it is made of: on every core when
        there are thousands (making and printing a page input takes some 50 us)."""
        keys = parallel_map(self._print, unkeyed, min_items=PRINTS_APART)
        return [Job(u.output, k, u.produce, u.source) for u, k in zip(unkeyed, keys, strict=True)]

    def _print(self, unkeyed: Unkeyed) -> str:
        return self.prints.of(*unkeyed.made_of())


PRINTS_APART = 4000
"""From this many outputs on, their prints are made in worker processes."""


class Unkeyed(NamedTuple):
    """A job before its key: what makes the values its key is the print of.

    They are made where they are printed (on another core, when there are thousands), and
    made again where the output is, if it is: the same values, from the same frozen site.
    """

    output: str
    made_of: Callable[[], tuple[object, ...]]
    produce: Callable[[], bytes]
    source: str


def chrome(site: Site, theme: Theme, strings: dict[str, str]) -> Chrome:
    """What every page shows of the whole site, and what makes every page."""
    # The dreams page's URL is a theme string: /traeume/, /dreams/, /reves/.
    dreams = (slugify(strings.get("dreams_slug", "")) or "dreams") + "/"
    # So is the transparency page's: /transparenz/, /transparency/.
    transparency = (slugify(strings.get("transparency_slug", "")) or "transparency") + "/"
    return Chrome(
        config=site.config,
        theme=theme.digest,
        versions=versions(),
        feeds=tuple(feed_links(site.config)),
        archive_url=f"{site.years[0].year}/" if site.years else "",
        tags_url="tags/" if site.tags else "",
        dreams_url=dreams if site.dreams else "",
        nav=tuple(NavLink(p.title, p.url) for p in site.nav_pages),
        uses_url="uses/" if site.uses is not None else "",
        transparency_url=transparency,
        places_url=places_url(site, strings),
    )
