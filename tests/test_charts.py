"""The drawing functions: the SVG they write carries the data they were given, no more, no less."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from sitegen import audit, barcharts, charts, chartviews
from sitegen.barcharts import Marker, PageWeight, Span
from sitegen.body import Text
from sitegen.charts import MapPoint
from sitegen.facts import read_output
from sitegen.found import Facts
from sitegen.model import Post
from sitegen.usage import UseItem, Uses

from .conftest import MakeSite, build_site, post

ROOT = Path(__file__).resolve().parent.parent
STYLE = ROOT / "themes/default/static/assets/style.css"
LAND = (ROOT / "themes/default/data/land.txt").read_text(encoding="utf-8").strip()


def parse(svg: str) -> etree._Element:
    """The chart as an XML tree (inline SVG written by sitegen is well-formed XML)."""
    return etree.fromstring(svg)


def marks(svg: str, cls: str) -> list[etree._Element]:
    return [e for e in parse(svg).iter() if cls in (e.get("class") or "").split()]


def test_a_point_per_place_with_its_name_and_nothing_else() -> None:
    points = [MapPoint("Leipzig", 51.34, 12.37, 40), MapPoint("Lisboa", 38.72, -9.14, 3)]
    svg = charts.place_map("map", LAND, points, "Orte", "Zwei Orte", {"Lisboa": "Lisboa: 3"})
    dots = marks(svg, "chart-point")
    assert [d.findtext("title") for d in dots] == ["Leipzig", "Lisboa: 3"]
    # Each dot stands where its place is, inside the part of the world shown.
    x, y, w, h = (float(v) for v in parse(svg).get("viewBox").split())
    for dot, point in zip(dots, points, strict=True):
        cx, cy = float(dot.get("cx")), float(dot.get("cy"))
        px, py = charts.project(point.lat, point.lon)
        assert abs(cx - px) <= 0.05 and abs(cy - py) <= 0.05
        assert x <= cx <= x + w and y <= cy <= y + h
    assert parse(svg).findtext("title") == "Orte"
    assert parse(svg).get("aria-labelledby") == "map-title map-desc"


def test_the_map_shows_the_world_without_places_and_is_the_same_bytes_twice() -> None:
    assert charts.frame([]) == charts.WORLD
    points = [MapPoint("B", 52.52, 13.4, 2), MapPoint("A", -33.9, 151.2, 2)]
    one = charts.place_map("m", LAND, points, "t", "d", {})
    assert one == charts.place_map("m", LAND, list(reversed(points)), "t", "d", {})
    # A map spanning half the world keeps both places inside.
    x, _, w, _ = (float(v) for v in parse(one).get("viewBox").split())
    assert x <= charts.project(52.52, 13.4)[0] and charts.project(-33.9, 151.2)[0] <= x + w


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1990, 2030),
    st.sets(st.integers(0, 365), max_size=80),
    st.sets(st.integers(0, 365), max_size=20),
)
def test_a_mark_per_day_written_and_a_dot_per_dream(
    year: int, written: set[int], dreamt: set[int]
) -> None:
    start = dt.date(year, 1, 1)
    days = {start + dt.timedelta(n) for n in written if (start + dt.timedelta(n)).year == year}
    dreams = {d for d in (start + dt.timedelta(n) for n in dreamt) if d in days}
    months = [f"M{n}" for n in range(1, 13)]
    svg = charts.year_calendar(
        "c", year, {d: d.isoformat() for d in days}, dreams, months, "t", "d"
    )
    entry = marks(svg, "chart-entry")
    assert {dt.date.fromisoformat(e.get("data-day")) for e in entry} == days
    assert len(entry) == len(days)
    assert {dt.date.fromisoformat(e.get("data-day")) for e in marks(svg, "chart-dream")} == dreams
    # Every day of the year has a cell, written or not.
    empty = marks(svg, "chart-day")[0].get("d").count("M")
    assert len(entry) + empty == (dt.date(year + 1, 1, 1) - start).days
    assert svg == charts.year_calendar(
        "c", year, {d: d.isoformat() for d in sorted(days)}, sorted(dreams), months, "t", "d"
    )


def test_monday_is_the_first_column_and_weeks_go_down() -> None:
    day = dt.date(2024, 1, 1)  # a Monday
    svg = charts.year_calendar(
        "c", 2024, {day: "", day + dt.timedelta(7): ""}, (), ["M"] * 12, "t", "d"
    )
    first, week_later = marks(svg, "chart-entry")
    assert first.get("x") == week_later.get("x") == "0"
    assert int(week_later.get("y")) == int(first.get("y")) + 12
    assert int(first.get("y")) == 27  # below the name and the weekdays of January


def test_longest_run() -> None:
    days = [dt.date(2024, 1, d) for d in (1, 2, 3, 5, 6, 7, 8, 10)]
    assert charts.longest_run(days) == (4, dt.date(2024, 1, 5), dt.date(2024, 1, 8))
    assert charts.longest_run([]) == (0, None, None)


def test_month_grid_a_dot_per_month_written_with_its_count() -> None:
    counts = {(2011, 10): 5, (2012, 1): 1, (2013, 12): 9}
    svg = charts.month_grid("g", counts, [f"M{n}" for n in range(1, 13)], "t", "d")
    found = {e.get("data-month"): int(e.get("data-count")) for e in marks(svg, "chart-point")}
    assert found == {"2011-10": 5, "2012-01": 1, "2013-12": 9}
    labels = [e.text for e in marks(svg, "chart-label")]
    assert {"2011", "2012", "2013"} <= set(labels)


def _size(n: int) -> str:
    return f"{n} B"


def test_weights_every_page_counted_once_and_the_marks_where_the_values_are() -> None:
    pages = [PageWeight(f"p{i}.html", 3000 + i * 900, 4000, i * 5000, 0) for i in range(30)]
    median = barcharts.median_page(pages)
    heaviest = max(pages, key=lambda p: p.total)
    markers = [
        Marker("median", median.total),
        Marker("heaviest", heaviest.total),
        Marker("web", 2_366_000, "reference"),
    ]
    rows = [("median", median), ("heaviest", heaviest)]
    bins = barcharts.histogram(p.total for p in pages)
    kinds = ["HTML", "CSS", "Bilder", "Medien"]
    svg = barcharts.weight_chart("w", bins, markers, rows, kinds, _size, "t", "d")
    bars = marks(svg, "chart-bar")
    assert sum(int(b.get("data-count")) for b in bars) == len(pages)
    # Each bar is a bin with pages in it, and holds the pages whose totals lie in its range.
    for bar in bars:
        low, high = int(bar.get("data-low")), int(bar.get("data-high"))
        assert int(bar.get("data-count")) == sum(low <= p.total < high for p in pages) > 0
    assert sorted(int(m.get("data-value")) for m in marks(svg, "chart-marker")) == sorted(
        [median.total, heaviest.total]
    )
    assert [int(m.get("data-value")) for m in marks(svg, "chart-reference")] == [2_366_000]
    parts = [int(b.get("data-bytes")) for b in marks(svg, "chart-kind") if b.get("data-bytes")]
    expected = [v for _, p in rows for v in (p.html, p.css, p.images, p.media) if v]
    assert parts == expected
    # A lighter page's marker stands left of a heavier one's, and of the bars' too.
    by_value = {int(m.get("data-value")): float(m.get("x1")) for m in marks(svg, "chart-marker")}
    assert by_value[median.total] < by_value[heaviest.total]
    lefts = [float(b.get("x")) for b in bars]
    assert lefts == sorted(lefts)
    again = barcharts.histogram(p.total for p in reversed(pages))
    assert svg == barcharts.weight_chart("w", again, markers, rows, kinds, _size, "t", "d")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=60))
def test_the_histogram_bins_hold_every_total_once_in_its_range(totals: list[int]) -> None:
    bins = barcharts.histogram(totals)
    # The oracle: count by hand which totals lie in each bin's range (0 counts as 1 byte).
    for b in bins:
        assert b.low < b.high
        assert b.pages == sum(b.low <= max(t, 1) < b.high for t in totals)
    assert sum(b.pages for b in bins) == len(totals)
    assert all(a.high == b.low for a, b in itertools.pairwise(bins))
    assert bins[0].pages and bins[-1].pages
    # Six bins to a power of ten: a bin's edges are the same wherever it is drawn.
    assert all(b.high <= b.low * 1.5 + 1 for b in bins)


def test_the_summary_of_page_weights_does_not_grow_with_the_pages() -> None:
    pages = [
        PageWeight(f"p{i:05d}.html", 2000 + (i * 7919) % 90_000, 1000, 0, 0) for i in range(5000)
    ]
    pages.append(PageWeight("index.html", 5000, 1000, 0, 0))
    weights = chartviews.weights_of(pages, "index.html")
    assert weights is not None
    assert weights.pages == len(pages)
    assert weights.home == pages[-1]
    assert weights.median == barcharts.median_page(pages)
    ordered = sorted(pages, key=lambda p: (p.total, p.path), reverse=True)
    assert weights.heaviest == tuple(ordered[: chartviews.HEAVIEST])
    assert sum(b.pages for b in weights.bins) == len(pages)
    assert len(weights.bins) <= 2 * barcharts.PER_DECADE
    assert chartviews.weights_of([], "index.html") is None


_FILES = ("a.html", "b.html", "c.html", "s.css", "t.css", "f.woff2", "i.png", "x.js", "m.mp3")


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            name: st.tuples(
                st.integers(0, 10**6),
                st.lists(st.sampled_from((*_FILES, "gone.css")), max_size=4),
                st.lists(st.sampled_from(("x.js", "a.html", "gone.js")), max_size=2),
            )
            for name in _FILES
        }
    )
)
def test_page_weights_walked_together_are_those_walked_one_by_one(
    graph: dict[str, tuple[int, list[str], list[str]]],
) -> None:
    # The oracle: the files reachable from each page, as a set, added up by kind.
    facts = {
        name: Facts(
            "page" if name.endswith(".html") else "other",
            size,
            loads=tuple(sorted(loads)),
            scripts=tuple(scripts),
        )
        for name, (size, loads, scripts) in graph.items()
    }
    kinds = {".html": "html", ".js": "html", ".css": "css", ".woff2": "css", ".png": "images"}

    def reached(page: str) -> PageWeight:
        found, frontier = {page}, {page}
        while frontier:
            frontier = {
                load
                for path in frontier
                if path in facts
                for load in (*facts[path].loads, *facts[path].scripts)
            } - found
            found |= frontier
        sizes = dict.fromkeys(barcharts.KINDS, 0)
        for path in found & set(facts):
            sizes[kinds.get(Path(path).suffix, "media")] += facts[path].size
        return PageWeight(page, **sizes)

    pages = sorted(n for n in facts if n.endswith(".html"))
    assert audit.page_weights(pages, facts) == tuple(reached(p) for p in pages)


def test_a_bar_per_thing_used_from_since_to_until_or_today() -> None:
    today = dt.date(2026, 12, 1)
    spans = [
        Span("Editor", "Werkzeug", dt.date(2015, 3, 1), None),
        Span("Altes Hosting", "Server", dt.date(2012, 1, 1), dt.date(2019, 6, 30)),
        Span("Hosting", "Server", dt.date(2019, 7, 1), None),
    ]
    svg = barcharts.timeline("u", spans, today, "t", "d")
    bars = marks(svg, "chart-span")
    assert sorted((b.get("data-since"), b.get("data-until")) for b in bars) == sorted(
        (s.since.isoformat(), (s.until or today).isoformat()) for s in spans
    )
    assert len(marks(svg, "chart-dropped")) == 1
    labels = [e.text for e in marks(svg, "chart-label")]
    assert {"Werkzeug", "Server", "Editor", "Hosting", "Altes Hosting"} <= set(labels)
    # A later start is further right.
    x = {b.get("data-since"): float(b.get("x")) for b in bars}
    assert x["2012-01-01"] < x["2015-03-01"] < x["2019-07-01"]


def test_the_cost_line_steps_through_every_change() -> None:
    steps = [(dt.date(2014, 1, 1), 5.0), (dt.date(2018, 5, 1), 12.5), (dt.date(2020, 1, 1), 8.0)]
    svg = barcharts.cost_line("k", steps, dt.date(2026, 12, 1), lambda v: f"{v:.2f} €", "t", "d")
    points = [(p.get("data-date"), float(p.get("data-value"))) for p in marks(svg, "chart-point")]
    assert points == [(d.isoformat(), v) for d, v in steps]
    path = marks(svg, "chart-line")[0].get("d")
    assert path.count("H") == len(steps) and path.count("V") == len(steps) - 1


def _variables(css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The custom properties of the light :root and the dark one, as the stylesheet ships them."""
    light = re.search(r":root \{(.*?)\}", css, re.S)
    dark = re.search(r"prefers-color-scheme: dark\) \{\s*:root \{(.*?)\}", css, re.S)
    assert light and dark

    def read(block: str) -> dict[str, str]:
        return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block))

    base = read(light.group(1))
    return base, {**base, **read(dark.group(1))}


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_mark_colour_stands_out_3_to_1_in_light_and_dark() -> None:
    for scheme in _variables(STYLE.read_text(encoding="utf-8")):
        for mark in ("--chart-1", "--chart-2", "--chart-3", "--chart-4", "--text"):
            for ground in ("--bg", "--land"):
                ratio = contrast(scheme[mark], scheme[ground])
                assert ratio >= 3, (mark, ground, scheme[mark], ratio)
        # The dream dot is drawn in the page's background on an entry's colour.
        assert contrast(scheme["--chart-1"], scheme["--bg"]) >= 3


def test_contrast_is_computed_as_wcag_says() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def _uses(*items: UseItem) -> Uses:
    return Uses(items=items, as_of=dt.date(2026, 12, 1))


def test_cost_steps_follow_what_is_in_use_a_month() -> None:
    uses = _uses(
        UseItem(
            "Zwirn", "Material", "Heften", dt.date(2012, 3, 1), cost=96, per="year", currency="EUR"
        ),
        UseItem(
            "Pappe",
            "Material",
            "Deckel",
            dt.date(2013, 1, 15),
            cost=38,
            per="month",
            currency="EUR",
        ),
        UseItem(
            "Server",
            "Technik",
            "Website",
            dt.date(2014, 1, 1),
            dt.date(2019, 1, 1),
            cost=5,
            per="month",
            currency="EUR",
        ),
        UseItem(
            "Presse",
            "Werkzeug",
            "Pressen",
            dt.date(2015, 1, 1),
            cost=400,
            per="once",
            currency="EUR",
        ),
        UseItem(
            "Domain", "Technik", "Name", dt.date(2014, 1, 1), cost=12, per="year", currency="USD"
        ),
    )
    steps = dict(chartviews.cost_steps(uses))
    assert steps["EUR"] == (
        (dt.date(2012, 3, 1), 8.0),
        (dt.date(2013, 1, 15), 46.0),
        (dt.date(2014, 1, 1), 51.0),
        (dt.date(2019, 1, 1), 46.0),
    )
    assert steps["USD"] == ((dt.date(2014, 1, 1), 1.0),)


def _post(title: str, when: str, dream: str = "") -> Post:
    date = dt.datetime.fromisoformat(when)
    return Post(
        key=f"posts/{title}.md",
        source=f"content/posts/{title}.md",
        kind="post",
        title=title,
        date=date,
        slug=title,
        url=f"{title}/",
        html=(),
        summary="",
        digest=title,
        dream=(Text(dream),) if dream else (),
    )


def test_year_days_count_entries_days_and_dreams_by_local_date() -> None:
    posts = [
        _post("a", "2024-01-01T08:00:00+01:00"),
        _post("b", "2024-01-01T21:00:00+01:00", dream="<p>Traum</p>"),
        # Late at night in New York is still the 2nd there: the local date counts.
        _post("c", "2024-01-02T23:30:00-05:00"),
        _post("d", "2024-03-05T10:00:00+01:00"),
        _post("e", "2023-12-31T10:00:00+01:00"),
    ]
    days = chartviews.year_days(posts, 2024)
    assert [(d.date.isoformat(), d.titles, d.dream) for d in days.days] == [
        ("2024-01-01", ("a", "b"), True),
        ("2024-01-02", ("c",), False),
        ("2024-03-05", ("d",), False),
    ]
    assert days.months[0] == (3, 2, 1) and days.months[2] == (1, 1, 0)
    assert days.run == (2, dt.date(2024, 1, 1), dt.date(2024, 1, 2))
    assert chartviews.diary_months(posts) == ((2023, 12, 1), (2024, 1, 3), (2024, 3, 1))


def test_each_page_weight_splits_into_what_the_page_loads(make_site: MakeSite) -> None:
    # The oracle: the files in the built folder, read again and added up by hand.
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 90, 40)).save(photo, "PNG")
    site = make_site(
        {
            "content/posts/2020-01-01-a.md": post(
                "A", "2020-01-01T08:00:00+01:00", "Ein Bild:\n\n![Ein Quadrat](quadrat.png)"
            ),
            "content/posts/quadrat.png": photo.getvalue(),
            "content/posts/2020-01-02-b.md": post("B", "2020-01-02T08:00:00+01:00"),
        }
    )
    build_site(site)
    out = site / "output"
    facts = {
        p.relative_to(out).as_posix(): read_output(
            p.relative_to(out).as_posix(), p.read_bytes(), "https://example.org/"
        )
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }
    figures = audit.summarize(facts)
    weights = {w.path: w for w in figures.page_weights}
    assert set(weights) == {o for o, f in facts.items() if f.kind == "page"}
    css = (out / "assets/style.css").stat().st_size
    for path, weight in weights.items():
        assert weight.html == (out / path).stat().st_size
        assert weight.css == css
        assert weight.media == 0
    with_photo = weights["2020/01/01/a/index.html"]
    assert (
        with_photo.images > 0
        and weights["2020/01/02/b/index.html"].images == (out / "favicon.svg").stat().st_size
    )
    assert figures.weight_max == max(w.total for w in weights.values())
    assert weights[figures.heaviest].total == figures.weight_max
