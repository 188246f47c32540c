"""Draw the site's pictures as inline SVG text: plain functions, data in, markup out.

Every chart is deterministic bytes (coordinates rounded, data sorted by the caller or
here), scales to its container through its viewBox, and takes its colours from CSS
classes that the theme's stylesheet defines for light and dark. Words come in from the
caller, already in the site's language; nothing here formats dates or numbers for people.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

# The land outline's projection (equirectangular, 2 units a degree), cut off below
# 60° south: no diary is written from Antarctica, and the map needs the room.
LAT_TOP = 84.0
LAT_BOTTOM = -60.0
SCALE = 2.0
WORLD = (0.0, 0.0, 360 * SCALE, (LAT_TOP - LAT_BOTTOM) * SCALE)


def num(value: float) -> str:
    """A coordinate with at most one decimal and no "-0": the same number, the same text."""
    text = f"{round(value, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def svg(
    ident: str, box: tuple[float, float, float, float], title: str, desc: str, body: str, kind: str
) -> str:
    """Wrap `body` in an accessible, scalable <svg>: its title and description name it."""
    view = " ".join(num(v) for v in box)
    return (
        f'<svg class="chart chart-{kind}" viewBox="{view}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def tooltip(text: str) -> str:
    """A hover text for the mark it is put in."""
    return f"<title>{escape(text)}</title>"


def label(x: float, y: float, text: str, cls: str = "chart-label", anchor: str = "") -> str:
    """Words drawn at x, y (the baseline's start, middle or end as `anchor` says)."""
    where = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text class="{cls}" x="{num(x)}" y="{num(y)}"{where}>{escape(text)}</text>'


# The map ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A place to mark: where it is and how many entries were written there."""

    name: str
    lat: float
    lon: float
    count: int


def project(lat: float, lon: float) -> tuple[float, float]:
    """The map's x and y of a latitude and longitude (the outline uses the same)."""
    return (lon + 180) * SCALE, (LAT_TOP - min(max(lat, LAT_BOTTOM), LAT_TOP)) * SCALE


def frame(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    """The part of the world the points need, padded, 2:1, and at least 40° wide."""
    if not points:
        return WORLD
    xs = [project(p.lat, p.lon)[0] for p in points]
    ys = [project(p.lat, p.lon)[1] for p in points]
    width = max((max(xs) - min(xs)) * 1.3, 40 * SCALE)
    height = max((max(ys) - min(ys)) * 1.3, width / 2)
    width = max(width, height * 2)
    width, height = min(width, WORLD[2]), min(height, WORLD[3])
    x = min(max((max(xs) + min(xs) - width) / 2, 0), WORLD[2] - width)
    y = min(max((max(ys) + min(ys) - height) / 2, 0), WORLD[3] - height)
    return (round(x), round(y), round(width), round(height))


def place_map(
    ident: str,
    outline: str,
    points: Sequence[MapPoint],
    title: str,
    desc: str,
    tips: Mapping[str, str],
) -> str:
    """The places as dots on the land; a bigger dot where more entries were written."""
    box = frame(points)
    unit = box[2] / 150
    dots = []
    for point in sorted(points, key=lambda p: (-p.count, p.name)):
        x, y = project(point.lat, point.lon)
        r = unit * (1.5 + min(math.sqrt(point.count), 6) * 0.5)
        dots.append(
            f'<circle class="chart-point" cx="{num(x)}" cy="{num(y)}" r="{num(r)}">'
            f"{tooltip(tips.get(point.name, point.name))}</circle>"
        )
    land = f'<path class="chart-land" d="{outline}"/>' if outline else ""
    return svg(ident, box, title, desc, land + "".join(dots), "map")


# The writing calendar ---------------------------------------------------------------

_CELL = 12
_MONTH_W = 7 * _CELL
_HEAD = 27
"""Above a month's grid: its name, and the weekdays' initials."""
_MONTH_H = _HEAD + 6 * _CELL
_GAP = 14


def longest_run(days: Iterable[dt.date]) -> tuple[int, dt.date | None, dt.date | None]:
    """The most days written one after another: how many, the first and the last."""
    best: tuple[int, dt.date | None, dt.date | None] = (0, None, None)
    start = previous = None
    for day in sorted(set(days)):
        if previous is None or (day - previous).days != 1:
            start = day
        previous = day
        assert start is not None
        length = (day - start).days + 1
        if length > best[0]:
            best = (length, start, day)
    return best


def year_calendar(
    ident: str,
    year: int,
    entries: Mapping[dt.date, str],
    dreams: Iterable[dt.date],
    months: Sequence[str],
    title: str,
    desc: str,
    weekdays: Sequence[str] = (),
) -> str:
    """Twelve month grids (weeks by weekday), the days with an entry filled, dreams dotted.

    `entries` maps each day written to its tooltip; `months` holds twelve names and
    `weekdays` seven initials from Monday on, the grids' columns.
    """
    dream_days = set(dreams)
    parts = []
    empty = []
    for month in range(1, 13):
        left = (month - 1) % 3 * (_MONTH_W + _GAP)
        top = (month - 1) // 3 * (_MONTH_H + _GAP)
        parts.append(label(left, top + 10, months[month - 1]))
        for column, initial in enumerate(weekdays):
            x = left + column * _CELL + 5
            parts.append(label(x, top + _HEAD - 4, initial, "chart-label chart-small", "middle"))
        first_weekday, length = calendar.monthrange(year, month)
        for index in range(length):
            day = dt.date(year, month, index + 1)
            cell = first_weekday + index
            x = left + cell % 7 * _CELL
            y = top + _HEAD + cell // 7 * _CELL
            if day in entries:
                parts.append(
                    f'<rect class="chart-entry" x="{x}" y="{y}" width="10" height="10" '
                    f'data-day="{day.isoformat()}">{tooltip(entries[day])}</rect>'
                )
                if day in dream_days:
                    parts.append(
                        f'<circle class="chart-dream" cx="{x + 5}" cy="{y + 5}" r="2.5" '
                        f'data-day="{day.isoformat()}"/>'
                    )
            else:
                empty.append(f"M{x} {y}h10v10h-10z")
    # The days not written are one path, a square each: a year page stays light.
    parts.insert(0, f'<path class="chart-day" d="{"".join(empty)}"/>')
    box = (0.0, 0.0, 3 * _MONTH_W + 2 * _GAP, 4 * _MONTH_H + 3 * _GAP)
    return svg(ident, box, title, desc, "".join(parts), "calendar")


def month_grid(
    ident: str, counts: Mapping[tuple[int, int], int], months: Sequence[str], title: str, desc: str
) -> str:
    """The whole diary: a row a year, a column a month, a dot sized by its entries."""
    if not counts:
        return svg(ident, (0, 0, 100, 10), title, desc, "", "months")
    years = range(min(y for y, _ in counts), max(y for y, _ in counts) + 1)
    most = max(counts.values())
    step, left, top = 24, 44, 18
    parts = [
        label(left + (m - 0.5) * step, 12, months[m - 1][:1], anchor="middle") for m in range(1, 13)
    ]
    for row, year in enumerate(years):
        y = top + row * step + step / 2
        parts.append(label(0, y + 4, str(year)))
        for month in range(1, 13):
            n = counts.get((year, month), 0)
            if n:
                r = 2 + 8 * math.sqrt(n / most)
                parts.append(
                    f'<circle class="chart-point" cx="{num(left + (month - 0.5) * step)}" '
                    f'cy="{num(y)}" r="{num(r)}" data-month="{year}-{month:02d}" '
                    f'data-count="{n}">{tooltip(f"{months[month - 1]} {year}: {n}")}</circle>'
                )
    box = (0.0, 0.0, left + 12 * step, top + len(years) * step)
    return svg(ident, box, title, desc, "".join(parts), "months")
