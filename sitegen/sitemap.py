"""sitemap.xml: every page a search engine should index, and nothing else.

In it: the front page, every post and page, the dreams page, the tag list, each tag's
first page, each year's archive, the places page and each place's first page, the uses
and transparency pages. These are the pages
that say something no other page says (a tag page gathers a topic, a year archive the
year's day numbers), so a reader may well arrive at them from a search. Left out: later
pages of a listing (/page/2/), whose posts move on with every new one and are all found
on their own pages; the 404 page and the redirects from old addresses, which carry
`noindex`. A listing's date is that of the newest change among the posts it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Post, Site


@dataclass(frozen=True, slots=True)
class Entry:
    """One page of the sitemap: its path below the site root and when it last changed."""

    path: str
    modified: dt.datetime | None = None


def sitemap_entries(
    site: Site, dreams_url: str, transparency_url: str, places_url: str = ""
) -> list[Entry]:
    """Every page that belongs in the sitemap, in the order a reader meets them."""
    changed = [p.updated or p.date for p in site.posts]
    moments = [d.timestamp() for d in changed]  # the order of astimezone(UTC), read once

    def newest(indexes: Iterable[int]) -> dt.datetime | None:
        found = max(indexes, key=moments.__getitem__, default=None)
        return None if found is None else changed[found]

    latest = newest(range(len(changed)))
    entries = [Entry("", latest)]
    entries += [Entry(p.url, p.updated or p.date) for p in (*site.posts, *site.pages)]
    if dreams_url and site.dreams:
        entries.append(Entry(dreams_url, _newest(site.dreams)))
    if site.tags:
        entries.append(Entry("tags/", latest))
        for tag in site.tags:
            entries.append(Entry(f"tags/{tag.slug}/", newest(tag.posts)))
    for year in site.years:
        entries.append(Entry(f"{year.year}/", newest(year.posts)))
    if places_url:
        entries.append(Entry(places_url, latest))
        for place in site.places:
            entries.append(Entry(f"{places_url}{place.slug}/", newest(place.posts)))
    for series in site.series:
        entries.append(Entry(series.url, newest(series.posts)))
    if site.uses is not None:
        entries.append(Entry("uses/"))
    entries.append(Entry(transparency_url))
    return entries


def _newest(posts: Iterable[Post]) -> dt.datetime | None:
    dates = [p.updated or p.date for p in posts]
    return max(dates, key=lambda d: d.astimezone(dt.UTC)) if dates else None
