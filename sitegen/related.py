"""Series and related entries: which posts belong together, computed from the posts alone."""

from __future__ import annotations

import heapq
import unicodedata
from collections import defaultdict

from .model import Post, Series
from .text import slugify

RELATED = 3
"""Related entries shown under a post, at most."""


def gather_series(posts: tuple[Post, ...]) -> tuple[Series, ...]:
    """Each series named in front matter with its posts, oldest first; sorted by address.

    Names that give one address ("Umzug", "umzug") are one series, named as its first post
    names it.
    """
    members: dict[str, list[int]] = defaultdict(list)
    for index in reversed(range(len(posts))):  # posts are newest first
        name = posts[index].series
        if name and slugify(name):
            members[slugify(name)].append(index)
    return tuple(
        Series(posts[indexes[0]].series, slug, tuple(indexes))
        for slug, indexes in sorted(members.items())
    )


def relate(posts: tuple[Post, ...], limit: int = RELATED) -> dict[int, tuple[int, ...]]:
    """For each post, up to `limit` others: most shared tags, then the same place, then nearest.

    A post shares a tag or its place with each of them; posts of its own series are left
    out (the series lists them already). Ties end with the file name, so the result is the
    same for the same posts, whatever order they came in.
    """
    tags = [frozenset(slugify(t) for t in post.tags) - {""} for post in posts]
    places = [_place(post.location) for post in posts]
    series = [slugify(post.series) for post in posts]
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_place: dict[str, list[int]] = defaultdict(list)
    for index in range(len(posts)):
        for tag in tags[index]:
            by_tag[tag].append(index)
        if places[index]:
            by_place[places[index]].append(index)
    found: dict[int, tuple[int, ...]] = {}
    for index, post in enumerate(posts):
        candidates = {j for tag in tags[index] for j in by_tag[tag]}
        candidates.update(by_place.get(places[index], ()) if places[index] else ())
        candidates.discard(index)
        if series[index]:
            candidates = {j for j in candidates if series[j] != series[index]}
        ranked = heapq.nsmallest(
            limit,
            candidates,
            key=lambda j: (
                -len(tags[index] & tags[j]),
                not (places[index] and places[index] == places[j]),
                abs((posts[j].date - post.date).total_seconds()),
                posts[j].key,
            ),
        )
        if ranked:
            found[index] = tuple(ranked)
    return found


def _place(location: str) -> str:
    # "Leipzig" and "leipzig " are one place.
    return unicodedata.normalize("NFC", location).strip().casefold()
