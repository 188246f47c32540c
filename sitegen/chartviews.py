"""What the theme's pictures show, as typed values, and the words they are drawn with.

The values (a year's days, the diary's months, the places) are parts of a page's input,
so a page's key covers every mark of its pictures. `Drawings` is what templates call:
it turns such a value into SVG with the theme's words and the site's number formats.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import babel.dates
from markupsafe import Markup

from . import barcharts, charts
from .barcharts import Bin, Marker, PageWeight, Span
from .model import Post, Site
from .places import Place
from .text import slugify
from .usage import UseItem, Uses

REFERENCE_BYTES = 2311 * 1024
"""The median web page (mobile) of HTTP Archive's Web Almanac 2024, chapter Page Weight."""
REFERENCE_SOURCE = "HTTP Archive, Web Almanac 2024, Page Weight"
HEAVIEST = 10
"""How many of the heaviest pages the transparency page names."""
WEIGHTS_FILE = "page-weights.csv"
"""Beside the transparency page: every page's weight, which the page sums up."""


@dataclass(frozen=True, slots=True)
class Day:
    """A day written: the titles of its entries, and whether one of them holds a dream."""

    date: dt.date
    titles: tuple[str, ...]
    dream: bool


@dataclass(frozen=True, slots=True)
class YearDays:
    """The days of one year with entries: what the writing calendar draws."""

    year: int
    days: tuple[Day, ...]
    """Oldest first."""

    @property
    def months(self) -> tuple[tuple[int, int, int], ...]:
        """For each month: entries, days written, and days with a dream."""
        rows = []
        for month in range(1, 13):
            days = [d for d in self.days if d.date.month == month]
            rows.append((sum(len(d.titles) for d in days), len(days), sum(d.dream for d in days)))
        return tuple(rows)

    @property
    def run(self) -> tuple[int, dt.date | None, dt.date | None]:
        """The longest run of days written one after another."""
        return charts.longest_run(d.date for d in self.days)


def year_days(posts: Iterable[Post], year: int) -> YearDays:
    """The writing calendar of `year` from the posts (their local dates)."""
    by_day: dict[dt.date, list[Post]] = {}
    for post in posts:
        if post.date.year == year:
            by_day.setdefault(post.date.date(), []).append(post)
    days = []
    for date in sorted(by_day):
        ordered = sorted(by_day[date], key=lambda p: (p.date, p.key))
        days.append(Day(date, tuple(p.title for p in ordered), any(p.dream for p in ordered)))
    return YearDays(year, tuple(days))


def diary_months(posts: Iterable[Post]) -> tuple[tuple[int, int, int], ...]:
    """Year, month and number of entries of every month written, oldest first."""
    counts: dict[tuple[int, int], int] = {}
    for post in posts:
        key = (post.date.year, post.date.month)
        counts[key] = counts.get(key, 0) + 1
    return tuple((y, m, n) for (y, m), n in sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """A place as the places page lists and maps it."""

    name: str
    url: str
    point: tuple[float, float] | None
    count: int
    first: dt.date
    last: dt.date


def places_url(site: Site, strings: dict[str, str]) -> str:
    """The places page's URL ("orte/", "places/": a theme string), or "" without one."""
    if not site.config.charts.places or not site.places:
        return ""
    return (slugify(strings.get("places_slug", "")) or "places") + "/"


def place_rows(places: Sequence[Place], base: str) -> tuple[PlaceRow, ...]:
    """The places with their pages' URLs below `base` ("orte/")."""
    return tuple(
        PlaceRow(p.name, f"{base}{p.slug}/", p.point, len(p.posts), p.first, p.last) for p in places
    )


def cost_steps(uses: Uses) -> tuple[tuple[str, tuple[tuple[dt.date, float], ...]], ...]:
    """For each currency, the running cost a month from each date it changed on."""
    found = []
    for currency in sorted({i.currency for i in uses.items if i.monthly}):
        items = [i for i in uses.items if i.currency == currency and i.monthly]
        dates = sorted({i.since for i in items} | {i.until for i in items if i.until})
        steps: list[tuple[dt.date, float]] = []
        for date in dates:
            running = [i for i in items if i.since <= date and (i.until is None or date < i.until)]
            total = round(sum(i.monthly for i in running), 2)
            if not steps or steps[-1][1] != total:
                steps.append((date, total))
        found.append((currency, tuple(steps)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Weights:
    """Every page's weight as the transparency page shows it, at a size no site outgrows.

    A histogram's bins, the median page, the heaviest pages and the page marked as
    "this page"; the list of every page is a data file beside it.
    """

    pages: int
    bins: tuple[Bin, ...]
    median: PageWeight
    heaviest: tuple[PageWeight, ...]
    """The heaviest pages, heaviest first."""
    home: PageWeight | None
    """The page marked where the transparency page stands (it cannot weigh itself)."""


def weights_of(pages: Sequence[PageWeight], home: str) -> Weights | None:
    """The summary of the pages' weights; `home` is the output path of the marked page."""
    if not pages:
        return None
    # Of two pages alike, the one the figures name as the heaviest (the later path) first.
    heaviest = heapq.nlargest(HEAVIEST, pages, key=lambda p: (p.total, p.path))
    marked = [p for p in pages if p.path == home]
    return Weights(
        len(pages),
        barcharts.histogram(p.total for p in pages),
        barcharts.median_page(pages),
        tuple(heaviest),
        marked[0] if marked else None,
    )


class Drawings:
    """The pictures as templates ask for them, in the site's language."""

    def __init__(
        self,
        translate: Callable[..., str],
        size: Callable[[int], str],
        money: Callable[[float, str], str],
        format_date: Callable[..., str],
        locale: str,
    ) -> None:
        self.t = translate
        self.size = size
        self.money = money
        self.format_date = format_date
        names = babel.dates.get_month_names("abbreviated", locale=locale)
        self.months = [str(names[m]) for m in range(1, 13)]
        days = babel.dates.get_day_names("narrow", locale=locale)
        self.weekdays = [str(days[d]) for d in range(7)]
        """Monday first, as Babel counts them."""

    def calendar(self, days: YearDays) -> Markup:
        """The writing calendar of a year."""
        t, year = self.t, days.year
        entries = {d.date: f"{self.format_date(d.date)}: {' · '.join(d.titles)}" for d in days.days}
        dreams = [d.date for d in days.days if d.dream]
        desc = t("calendar_desc", days=len(days.days), dreams=len(dreams))
        title = t("calendar_title", year=year)
        svg = charts.year_calendar(
            f"calendar-{year}", year, entries, dreams, self.months, title, desc, self.weekdays
        )
        return Markup(svg)

    def diary(self, months: Sequence[tuple[int, int, int]]) -> Markup:
        """Every month of the diary, a dot sized by its entries."""
        counts = {(y, m): n for y, m, n in months}
        title = self.t("diary_months_title")
        desc = self.t("diary_months_desc", entries=sum(counts.values()), months=len(counts))
        return Markup(charts.month_grid("diary-months", counts, self.months, title, desc))

    def map(self, rows: Sequence[PlaceRow], outline: str) -> Markup:
        """The places on the land."""
        located = [r for r in rows if r.point is not None]
        points = [
            charts.MapPoint(r.name, r.point[0], r.point[1], r.count)
            for r in located
            if r.point is not None
        ]
        tips = {r.name: self.t("map_tip", name=r.name, n=r.count) for r in located}
        title = self.t("map_title")
        desc = self.t("map_desc", places=len(located), unplaced=len(rows) - len(located))
        return Markup(charts.place_map("places-map", outline, points, title, desc, tips))

    def weights(self, weights: Weights) -> Markup:
        """Every page's weight, the median, the heaviest and the web's median page."""
        t = self.t
        median, heaviest = weights.median, weights.heaviest[0]
        markers = [
            Marker(t("weight_median"), median.total),
            Marker(t("weight_heaviest"), heaviest.total),
            Marker(t("weight_web"), REFERENCE_BYTES, "reference"),
        ]
        kinds = [t(f"weight_{k}") for k in barcharts.KINDS]
        desc = t(
            "weights_desc",
            pages=weights.pages,
            median=self.size(median.total),
            heaviest=self.size(heaviest.total),
            web=self.size(REFERENCE_BYTES),
        )
        svg = barcharts.weight_chart(
            "weights",
            weights.bins,
            markers,
            self.weight_rows(weights),
            kinds,
            self.size,
            t("weights_title"),
            desc,
        )
        return Markup(svg)

    def weight_rows(self, weights: Weights) -> list[tuple[str, PageWeight]]:
        """The pages the picture splits into their kinds, each with its name."""
        t = self.t
        rows = [(t("weight_median_page"), weights.median)]
        rows.append((t("weight_heaviest_page"), weights.heaviest[0]))
        if weights.home is not None:
            rows.insert(0, (t("weight_home"), weights.home))
        return rows

    def timeline(self, uses: Uses) -> Markup:
        """What was used when, per category."""
        spans = [Span(self._span_label(i), i.category, i.since, i.until) for i in uses.items]
        desc = self.t("timeline_desc", items=len(spans), dropped=len(uses.dropped))
        svg = barcharts.timeline("uses-timeline", spans, uses.as_of, self.t("timeline_title"), desc)
        return Markup(svg)

    def _span_label(self, item: UseItem) -> str:
        if item.until:
            return f"{item.name} ({item.since.year}–{item.until.year})"
        return f"{item.name} ({self.t('timeline_since', year=item.since.year)})"

    def costs_in(self, uses: Uses, currency: str) -> Markup:
        """The running costs a month in one currency over the years, as a step line."""
        steps = dict(cost_steps(uses)).get(currency, ())
        title = self.t("costs_title", currency=currency)
        now = self.money(steps[-1][1], currency) if steps else ""
        desc = self.t("costs_desc", changes=len(steps), now=now)
        ident = f"uses-costs-{currency.lower()}"
        return Markup(
            barcharts.cost_line(ident, steps, uses.as_of, self._in(currency), title, desc)
        )

    def _in(self, currency: str) -> Callable[[float], str]:
        return lambda amount: self.money(amount, currency)


def template_globals(
    translate: Callable[..., str],
    size: Callable[[int], str],
    money: Callable[[float, str], str],
    format_date: Callable[..., str],
    locale: str,
) -> dict[str, object]:
    """What the theme's chart macros call, to be added to a template environment."""
    return {
        "drawings": Drawings(translate, size, money, format_date, locale),
        "cost_steps": cost_steps,
        "reference_bytes": REFERENCE_BYTES,
        "reference_source": REFERENCE_SOURCE,
    }
