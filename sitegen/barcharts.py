"""Draw measures over a scale as inline SVG: page weights, and the uses over the years.

Like charts.py: plain functions from data to deterministic SVG text, colours from the
theme's CSS classes, words and number formats from the caller.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .charts import label, num, svg, tooltip

_W = 400
"""Every chart here is 400 units wide: 13-unit text stays readable at 320 px."""

KINDS = ("html", "css", "images", "media")


@dataclass(frozen=True, slots=True)
class PageWeight:
    """What a browser loads for one page, by kind, in bytes."""

    path: str
    html: int
    css: int
    images: int
    media: int

    @property
    def total(self) -> int:
        return self.html + self.css + self.images + self.media

    def part(self, kind: str) -> int:
        return int(getattr(self, kind))


@dataclass(frozen=True, slots=True)
class Marker:
    """A named value drawn as a line across the distribution."""

    label: str
    value: int
    kind: str = "marker"
    """marker, or reference for a figure from outside the site."""


def median_page(pages: Sequence[PageWeight]) -> PageWeight:
    """The page in the middle when sorted by weight (the lighter of two middles)."""
    ordered = sorted(pages, key=lambda p: (p.total, p.path))
    return ordered[(len(ordered) - 1) // 2]


PER_DECADE = 6
"""The weight histogram's bins to a power of ten: each about 47 % wider than the last."""


@functools.cache
def edge(step: int) -> int:
    """Where histogram bin `step` begins, in bytes: 10 ** (step / 6), rounded up."""
    return math.ceil(10 ** (step / PER_DECADE))


@dataclass(frozen=True, slots=True)
class Bin:
    """The pages whose total lies from `low` up to, not including, `high` bytes."""

    low: int
    high: int
    pages: int


def histogram(totals: Iterable[int]) -> tuple[Bin, ...]:
    """Totals counted into bins on a log scale, from the lightest's bin to the heaviest's.

    The empty bins between are there too, so the bins say all the picture does. A total
    of 0 counts as 1 byte (a log scale has no 0).
    """
    counts: dict[int, int] = {}
    for total in totals:
        total = max(total, 1)
        # The logarithm finds the bin; whole numbers settle the edges exactly.
        step = math.floor(math.log10(total) * PER_DECADE)
        while total < edge(step):
            step -= 1
        while total >= edge(step + 1):
            step += 1
        counts[step] = counts.get(step, 0) + 1
    if not counts:
        return ()
    steps = range(min(counts), max(counts) + 1)
    return tuple(Bin(edge(s), edge(s + 1), counts.get(s, 0)) for s in steps)


def weight_chart(
    ident: str,
    bins: Sequence[Bin],
    markers: Sequence[Marker],
    rows: Sequence[tuple[str, PageWeight]],
    kind_names: Sequence[str],
    size: Callable[[int], str],
    title: str,
    desc: str,
) -> str:
    """A histogram of page weights on a log scale with marked values, then bars by kind."""
    low = math.floor(math.log10(bins[0].low if bins else 1))
    right = max([bins[-1].high if bins else 10, *(m.value for m in markers)])
    high = max(math.ceil(math.log10(max(right, 1))), low + 1)

    def x(value: float) -> float:
        return 10 + (math.log10(max(value, 1)) - low) / (high - low) * (_W - 20)

    most = max((b.pages for b in bins), default=1)
    parts = []
    for b in bins:
        if not b.pages:
            continue
        height = max(2.0, 60 * b.pages / most)
        parts.append(
            f'<rect class="chart-bar" x="{num(x(b.low))}" y="{num(90 - height)}" '
            f'width="{num(x(b.high) - x(b.low) - 1)}" height="{num(height)}" '
            f'data-count="{b.pages}" data-low="{b.low}" data-high="{b.high}">'
            f"{tooltip(f'{b.pages}: {size(b.low)} – {size(b.high)}')}</rect>"
        )
    parts.append(f'<line class="chart-axis" x1="10" y1="90" x2="{_W - 10}" y2="90"/>')
    for decade in range(low, high + 1):
        anchor = "start" if decade == low else "end" if decade == high else "middle"
        parts.append(label(x(10**decade), 106, size(10**decade), anchor=anchor))
    for row, marker in enumerate(sorted(markers, key=lambda m: (m.value, m.label))):
        at, y = x(marker.value), 124 + row * 16
        anchor = "end" if at > _W / 2 else "start"
        shift = -3 if anchor == "end" else 3
        parts.append(
            f'<line class="chart-{marker.kind}" x1="{num(at)}" y1="20" x2="{num(at)}" '
            f'y2="{y - 4}" data-value="{marker.value}"/>'
        )
        parts.append(label(at + shift, y, f"{marker.label}: {size(marker.value)}", anchor=anchor))
    top = 124 + len(markers) * 16 + 8
    parts.append(_stacks(top, rows, kind_names, size))
    height = top + len(rows) * 36 + 24
    return svg(ident, (0, 0, _W, height), title, desc, "".join(parts), "weights")


def _stacks(
    top: float,
    rows: Sequence[tuple[str, PageWeight]],
    kind_names: Sequence[str],
    size: Callable[[int], str],
) -> str:
    """A bar a page, split into its kinds, all on one linear scale; then the legend."""
    widest = max((page.total for _, page in rows), default=1) or 1
    parts = []
    for row, (name, page) in enumerate(rows):
        y = top + row * 36
        parts.append(label(10, y + 12, f"{name}: {size(page.total)}"))
        left = 10.0
        for kind, kind_name in zip(KINDS, kind_names, strict=True):
            width = page.part(kind) / widest * (_W - 20)
            if page.part(kind):
                parts.append(
                    f'<rect class="chart-kind chart-{kind}" x="{num(left)}" y="{num(y + 16)}" '
                    f'width="{num(width)}" height="12" data-bytes="{page.part(kind)}">'
                    f"{tooltip(f'{kind_name}: {size(page.part(kind))}')}</rect>"
                )
            left += width
    y = top + len(rows) * 36 + 8
    for index, (kind, name) in enumerate(zip(KINDS, kind_names, strict=True)):
        left = 10 + index * (_W - 20) / 4
        parts.append(
            f'<rect class="chart-kind chart-{kind}" x="{num(left)}" y="{num(y)}" width="10" '
            f'height="10"/>'
        )
        parts.append(label(left + 14, y + 10, name))
    return "".join(parts)


# Uses over time ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """One thing used from `since` until `until` (None: still in use)."""

    label: str
    category: str
    since: dt.date
    until: dt.date | None


def _years(first: dt.date, today: dt.date) -> tuple[dt.date, dt.date, Callable[[dt.date], float]]:
    start, end = dt.date(first.year, 1, 1), dt.date(today.year + 1, 1, 1)
    days = (end - start).days

    def x(day: dt.date) -> float:
        return 10 + (day - start).days / days * (_W - 20)

    return start, end, x


def _year_ticks(
    start: dt.date, end: dt.date, x: Callable[[dt.date], float], y: float, bottom: float
) -> str:
    """A light rule and a label at the start of years, at most about seven labels."""
    years = range(start.year, end.year)
    every = max(1, math.ceil(len(years) / 7))
    parts = []
    for year in years:
        if (year - start.year) % every == 0:
            at = x(dt.date(year, 1, 1))
            parts.append(
                f'<line class="chart-grid" x1="{num(at)}" y1="{num(y + 4)}" '
                f'x2="{num(at)}" y2="{num(bottom)}"/>'
            )
            parts.append(label(at + 2, y, str(year)))
    return "".join(parts)


def timeline(ident: str, spans: Sequence[Span], today: dt.date, title: str, desc: str) -> str:
    """A bar an item from `since` to `until` or today, grouped by category under its name."""
    if not spans:
        return svg(ident, (0, 0, _W, 20), title, desc, "", "timeline")
    start, end, x = _years(min(s.since for s in spans), today)
    ordered = sorted(spans, key=lambda s: (s.category, s.since, s.label))
    parts, y, category = [], 36.0, None
    for span in ordered:
        if span.category != category:
            category = span.category
            parts.append(label(10, y + 13, category, "chart-label chart-heading"))
            y += 22
        until = span.until or today
        state = "dropped" if span.until else "current"
        parts.append(label(10, y + 12, span.label))
        parts.append(
            f'<rect class="chart-span chart-{state}" x="{num(x(span.since))}" y="{num(y + 16)}" '
            f'width="{num(max(x(until) - x(span.since), 1.5))}" height="8" '
            f'data-since="{span.since.isoformat()}" data-until="{until.isoformat()}"/>'
        )
        y += 32
    ticks = _year_ticks(start, end, x, 14, y)
    today_x = x(today)
    mark = (
        f'<line class="chart-today" x1="{num(today_x)}" y1="20" x2="{num(today_x)}" y2="{num(y)}"/>'
    )
    return svg(ident, (0, 0, _W, y + 4), title, desc, ticks + mark + "".join(parts), "timeline")


def cost_line(
    ident: str,
    steps: Sequence[tuple[dt.date, float]],
    today: dt.date,
    money: Callable[[float], str],
    title: str,
    desc: str,
) -> str:
    """The running cost a month as a step line: each value holds from its date on."""
    if not steps:
        return svg(ident, (0, 0, _W, 20), title, desc, "", "costs")
    ordered = sorted(steps)
    start, end, x = _years(ordered[0][0], today)
    most = max(v for _, v in ordered) or 1.0
    top, bottom = 30.0, 150.0

    def y(value: float) -> float:
        return bottom - value / most * (bottom - top)

    parts = [_year_ticks(start, end, x, 14, bottom)]
    for value in (0.0, most / 2, most):
        parts.append(
            f'<line class="chart-grid" x1="10" y1="{num(y(value))}" x2="{_W - 10}" '
            f'y2="{num(y(value))}"/>'
        )
        parts.append(label(_W - 12, y(value) - 3, money(value), anchor="end"))
    path = [f"M{num(x(ordered[0][0]))} {num(y(ordered[0][1]))}"]
    for day, value in ordered[1:]:
        path.append(f"H{num(x(day))}V{num(y(value))}")
    path.append(f"H{num(x(today))}")
    parts.append(f'<path class="chart-line" d="{"".join(path)}"/>')
    for day, value in ordered:
        parts.append(
            f'<circle class="chart-point" cx="{num(x(day))}" cy="{num(y(value))}" r="3" '
            f'data-date="{day.isoformat()}" data-value="{num(value)}">'
            f"{tooltip(f'{day.isoformat()}: {money(value)}')}</circle>"
        )
    return svg(ident, (0, 0, _W, bottom + 6), title, desc, "".join(parts), "costs")
