"""Series and related entries: which posts belong together, computed from the posts alone."""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import unicodedata
from collections import defaultdict

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
    read = [[p.key, p.date.timestamp(), p.location, p.series, p.tags] for p in posts]
    return digest(str(limit), json.dumps(read))  # one call: 10,000 calls cost 0.1 s


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


def relate(posts: tuple[Post, ...], limit: int = RELATED, budget: int | None = None) -> Relations:
    """For each post, up to `limit` others: most shared tags, then the same place, then nearest.

    A post shares a tag or its place with each of them; posts of its own series are left
    out (the series lists them already). Posts as near as each other come in the order of
    their file names (then of their index), so the result is the same for the same posts,
    whatever order they came in. Each rank (tags shared, same place) is searched outward
    in time from the post, in lists of the posts that hold those tags, so a large diary is
    not compared post by post with every other.

    For a post with many tags (dozens, as WordPress blogs have), or where that search
    would cost more than reading the lists of its tags once, the posts sharing a tag with
    it are counted instead: the same result, found in time linear in those lists. `budget`
    sets the cost allowed before that, for every post (tests use it to take either way).
    """
    if limit < 0:
        raise ValueError(f"related entries: limit {limit} is negative")
    finder = _Finder(posts)
    found: Relations = {}
    for i in range(len(posts)):
        many = budget is None and len(finder.tags[i]) > _FEW_TAGS
        try:
            if many:
                raise _OverBudget
            kept = finder.nearest(i, limit, finder.counting_cost(i) if budget is None else budget)
        except _OverBudget:
            kept = finder.counted(i, limit)
        if kept:
            found[i] = kept
    return found


_FEW_TAGS = 8
"""Tags of a post searched set by set (at most 2 ** 8 sets a rank); more are counted."""


class _OverBudget(Exception):
    """The search by sets of tags would take longer than counting shared tags."""


_Entry = tuple[list[int], list[float], list[int], list[int]]
"""Posts with some tags (and a place), oldest first; when they were written; for each, the
first and last position of the run of its series' posts around it (to step over a series)."""


class _Finder:
    """The posts' tags, places, series and times, and lists of them found as they are asked for."""

    def __init__(self, posts: tuple[Post, ...]) -> None:
        names = {name for post in posts for name in (*post.tags, post.series)}
        slugs = {name: slugify(name) for name in names}
        self.tags = [frozenset(slugs[t] for t in post.tags) - {""} for post in posts]
        self.places = [_place(post.location) for post in posts]
        self.series = [slugs[post.series] for post in posts]
        self.times = [post.date.timestamp() for post in posts]
        self.keys = [post.key for post in posts]
        self.any_series = any(self.series)
        self.members: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
        """(tags, place or "") -> the posts with all those tags (and that place), oldest first.

        Filled here for one tag or two, and for more as they are asked for."""
        for j in sorted(range(len(posts)), key=lambda j: (self.times[j], self.keys[j], j)):
            mine = sorted(self.tags[j])
            for subset in itertools.chain(
                itertools.combinations(mine, 1), itertools.combinations(mine, 2)
            ):
                self.members[subset, ""].append(j)
                if self.places[j]:
                    self.members[subset, self.places[j]].append(j)
            if self.places[j]:
                self.members[(), self.places[j]].append(j)
        self.entries: dict[tuple[tuple[str, ...], str], _Entry] = {}
        self.budget = 0
        """How many more posts the sets of tags tried for the post at hand may hold."""

    def posts_with(self, tags: tuple[str, ...], place: str) -> list[int]:
        """The posts with all of `tags` (sorted) and `place` (any, if empty), oldest first."""
        among = self.members.get((tags, place))
        if among is None:
            wider = self.posts_with(tags[:-1], place) if len(tags) > 2 else []
            self.budget -= len(wider)  # the work of a list made now, not of one made before
            among = self.members[tags, place] = [j for j in wider if tags[-1] in self.tags[j]]
        return among

    def _entry(self, tags: tuple[str, ...], place: str) -> _Entry:
        """`posts_with`, their times and, for each, where the run of its series begins and ends."""
        entry = self.entries.get((tags, place))
        if entry is None:
            among = self.posts_with(tags, place)
            first, last = list(range(len(among))), list(range(len(among)))
            if self.any_series:
                series = [self.series[j] for j in among]
                start = 0
                for end in range(1, len(among) + 1):
                    if end == len(among) or series[end] != series[start]:
                        first[start:end] = [start] * (end - start)
                        last[start:end] = [end - 1] * (end - start)
                        start = end
            entry = self.entries[tags, place] = (among, [self.times[j] for j in among], first, last)
        return entry

    def counting_cost(self, i: int) -> int:
        """How many list entries `counted` reads for post `i` (and a little more)."""
        lists = [self.members.get(((tag,), ""), ()) for tag in self.tags[i]]
        return 64 + sum(map(len, lists)) + len(self.members.get(((), self.places[i]), ()))

    def counted(self, i: int, limit: int) -> tuple[int, ...]:
        """`nearest` by counting the tags each post shares with post `i`, one list a tag."""
        shared: dict[int, int] = defaultdict(int)
        for tag in self.tags[i]:
            for j in self.members.get(((tag,), ""), ()):
                shared[j] += 1
        place, series, at = self.places[i], self.series[i], self.times[i]
        if place:
            for j in self.members.get(((), place), ()):
                shared[j] += 0
        ranked = (
            (
                -count,
                not (place and self.places[j] == place),
                abs(self.times[j] - at),
                self.keys[j],
                j,
            )
            for j, count in shared.items()
            if j != i and not (series and self.series[j] == series)
        )
        return tuple(j for *_, j in heapq.nsmallest(limit, ranked))

    def nearest(self, i: int, limit: int, budget: int) -> tuple[int, ...]:
        """The `limit` posts most related to post `i`, the most related first.

        Raises _OverBudget once the sets of tags tried, and the lists made for them, have
        cost `budget` steps.
        """
        self.budget = budget
        kept: list[int] = []
        place, tags = self.places[i], sorted(self.tags[i])
        for shared in range(len(self.tags[i]), -1, -1):
            for here in (True, False):
                if len(kept) == limit or (here and not place) or (not shared and not here):
                    continue
                found: list[tuple[float, str, int]] = []
                passed = {i, *kept}
                where = place if here else ""
                for subset in self._subsets(tags, shared, where, passed, self.series[i]):
                    found += self._closest(i, subset, here, limit - len(kept))
                    if self.budget < 0:
                        raise _OverBudget
                found.sort()
                kept += [j for _, _, j in found[: limit - len(kept)]]
        return tuple(kept)

    def _subsets(
        self, tags: list[str], size: int, place: str, passed: set[int], series: str
    ) -> list[tuple[str, ...]]:
        """The `size` of `tags` that some other post holds too (at `place`, if not empty).

        Those nobody else holds are never tried, nor any that contain them. Nor are those
        that only posts `passed` (the post itself and those kept) or of its own series hold:
        every post of a higher rank is one of them, so two posts sharing twenty tags do not
        make the search try each of the million sets of those tags.
        """
        found: list[tuple[str, ...]] = []
        stack: list[tuple[str, ...]] = [()]
        while stack:
            prefix = stack.pop()
            if len(prefix) == size:
                found.append(prefix)
                continue
            start = tags.index(prefix[-1]) + 1 if prefix else 0
            for k in range(start, len(tags) - (size - len(prefix)) + 1):
                longer = (*prefix, tags[k])
                self.budget -= 1
                if self.budget < 0:
                    raise _OverBudget
                holders = self.posts_with(longer, place)
                if any(
                    j not in passed and not (series and self.series[j] == series) for j in holders
                ):
                    stack.append(longer)
        return found

    def _closest(
        self, i: int, subset: tuple[str, ...], here: bool, count: int
    ) -> list[tuple[float, str, int]]:
        """Posts sharing exactly `subset` of post `i`'s tags, in its place or not (`here`).

        At least the `count` nearest on either side in time (with all as near as the last
        one), as (distance, file key, index). The posts passed over on the way rank higher
        (shared more, or as much and the place: all kept already, so fewer than the limit),
        or are `i` itself and whole runs of its series.
        """
        among, stamps, first, last = self._entry(subset, self.places[i] if here else "")
        tags, places, keys, series_of = self.tags, self.places, self.keys, self.series
        mine, place, series, shared = tags[i], self.places[i], series_of[i], len(subset)
        at, end = self.times[i], len(among)
        middle = bisect.bisect_left(stamps, at)
        found: list[tuple[float, str, int]] = []
        for step in (-1, 1):
            k = middle - 1 if step < 0 else middle
            taken, last_gap = 0, 0.0
            while 0 <= k < end:
                self.budget -= 1
                j = among[k]
                if series and series_of[j] == series:
                    k = first[k] - 1 if step < 0 else last[k] + 1
                    continue
                # Either way the float abs(stamps[k] - at): IEEE subtraction rounds symmetrically.
                gap = at - stamps[k] if step < 0 else stamps[k] - at
                if taken >= count and gap != last_gap:
                    break
                if (
                    j != i
                    and len(mine & tags[j]) == shared
                    and (here or not (place and places[j] == place))
                ):
                    found.append((gap, keys[j], j))
                    taken, last_gap = taken + 1, gap
                k += step
        return found


def _place(location: str) -> str:
    # "Leipzig" and "leipzig " are one place.
    return unicodedata.normalize("NFC", location).strip().casefold()
