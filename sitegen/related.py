"""Series and related entries: which posts belong together, computed from the posts alone."""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator

from .model import Post, Series
from .text import digest, slugify

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


Relations = dict[int, tuple[int, ...]]
"""Post index -> the indexes of its related posts, the most related first."""


def relation_digest(posts: tuple[Post, ...], limit: int = RELATED) -> str:
    """Changes whenever anything `relate` reads of the posts does (never on a body edit)."""
    return digest(
        str(limit),
        *(json.dumps([p.key, p.date.timestamp(), p.location, p.series, p.tags]) for p in posts),
    )


def read_relations(data: object, count: int) -> Relations | None:
    """Relations kept in the cache, if they are well formed for `count` posts; else None."""
    if not isinstance(data, list):
        return None
    found: Relations = {}
    for row in data:
        if not (isinstance(row, list) and row and all(type(x) is int for x in row)):
            return None
        if not all(0 <= x < count for x in row) or len(row) > RELATED + 1 or row[0] in row[1:]:
            return None
        found[row[0]] = tuple(row[1:])
    return found


def relate(posts: tuple[Post, ...], limit: int = RELATED) -> Relations:
    """For each post, up to `limit` others: most shared tags, then the same place, then nearest.

    A post shares a tag or its place with each of them; posts of its own series are left
    out (the series lists them already). Ties end with the file name, so the result is the
    same for the same posts, whatever order they came in. Each rank (tags shared, same
    place) is searched outward in time from the post, so a large diary is not compared
    post by post with every other.
    """
    tags = [frozenset(slugify(t) for t in post.tags) - {""} for post in posts]
    places = [_place(post.location) for post in posts]
    series = [slugify(post.series) for post in posts]
    times = [post.date.timestamp() for post in posts]
    lists: dict[tuple[str, str], list[int]] = defaultdict(list)
    """(tag or "", place or "") -> the posts with both, oldest first."""
    for j in sorted(range(len(posts)), key=lambda j: (times[j], posts[j].key)):
        for tag in tags[j]:
            lists[tag, ""].append(j)
            if places[j]:
                lists[tag, places[j]].append(j)
        if places[j]:
            lists["", places[j]].append(j)
    stamps = {key: [times[j] for j in among] for key, among in lists.items()}
    found: dict[int, tuple[int, ...]] = {}
    for i in range(len(posts)):
        kept: list[int] = []
        for shared in range(len(tags[i]), -1, -1):
            for here in (True, False):
                if len(kept) == limit or (here and not places[i]) or (not shared and not here):
                    continue
                walks = []
                for subset in itertools.combinations(sorted(tags[i]), shared):
                    place = places[i] if here else ""
                    starts = [(tag, place) for tag in subset] or [("", place)]
                    start = min(starts, key=lambda k: len(lists.get(k, ())))
                    wanted = frozenset(subset)

                    def fits(
                        j: int, i: int = i, wanted: frozenset[str] = wanted, here: bool = here
                    ) -> bool:
                        same = bool(places[i]) and places[j] == places[i]
                        return (
                            j != i
                            and tags[i] & tags[j] == wanted
                            and same == here
                            and not (series[i] and series[j] == series[i])
                        )

                    among = lists.get(start, [])
                    walks.append(_nearest(among, stamps.get(start, []), posts, times[i], fits))
                for _, _, j in itertools.islice(heapq.merge(*walks), limit - len(kept)):
                    kept.append(j)
        if kept:
            found[i] = tuple(kept)
    return found


def _nearest(
    among: list[int],
    stamps: list[float],
    posts: tuple[Post, ...],
    at: float,
    fits: Callable[[int], bool],
) -> Iterator[tuple[float, str, int]]:
    """The posts of `among` (oldest first, written at `stamps`) that fit, nearest to `at` first.

    Posts as near as each other come in the order of their names.
    """
    right = bisect.bisect_left(stamps, at)
    left = right - 1
    while left >= 0 or right < len(among):
        gaps = []
        if left >= 0:
            gaps.append(at - stamps[left])
        if right < len(among):
            gaps.append(stamps[right] - at)
        gap = min(gaps)
        level: list[tuple[float, str, int]] = []
        while left >= 0 and at - stamps[left] == gap:
            level.append((gap, posts[among[left]].key, among[left]))
            left -= 1
        while right < len(among) and stamps[right] - at == gap:
            level.append((gap, posts[among[right]].key, among[right]))
            right += 1
        yield from sorted(entry for entry in level if fits(entry[2]))


def _place(location: str) -> str:
    # "Leipzig" and "leipzig " are one place.
    return unicodedata.normalize("NFC", location).strip().casefold()
