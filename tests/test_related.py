"""Series and related entries, computed from the posts alone, the same whatever their order."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.errors import BuildErrors
from sitegen.links import check_links
from sitegen.model import Post
from sitegen.related import RELATED, gather_series, relate
from sitegen.text import slugify

from .conftest import MakeSite, build_site, fresh_build, post, read, snapshot, tamper
from .conftest import kept as stored

TAGS = ["Papier", "papier", "Werkstatt", "Leim", "Reise"]
PLACES = ["", "Leipzig", "leipzig ", "Hamburg"]
SERIES = ["", "", "Umzug", "umzug", "Messe"]
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def make(
    number: int, day: int, tags: list[str], place: str, series: str, at: dt.datetime = START
) -> Post:
    return Post(
        source=f"content/posts/{number}.md",
        key=f"posts/{number}.md",
        kind="post",
        title=f"Eintrag {number}",
        date=at + dt.timedelta(days=day),
        url=f"{number}/",
        slug=str(number),
        html=(),
        summary="",
        digest="",
        tags=tuple(dict.fromkeys(tags)),
        location=place,
        series=series,
    )


# Few days, so that posts written at the same time (ties in nearness) are common.
POSTS = st.lists(
    st.tuples(
        st.integers(0, 12),
        st.lists(st.sampled_from(TAGS), max_size=3),
        st.sampled_from(PLACES),
        st.sampled_from(SERIES),
    ),
    max_size=14,
).map(lambda rows: [make(n, *row) for n, row in enumerate(rows)])

# Names that one slug or one place join ("Über", "ueber"), that have no slug ("!!"), places
# apart only in case, spaces or Unicode normalisation; moments the same in other time zones,
# microseconds apart, or a century apart (where seconds as floats round).
MANY_TAGS = ["Papier", "papier", "Über", "ueber", "Leim", "Reise", "Werk statt", "!!"]
MANY_PLACES = ["", " ", "Köln", "Ko\u0308ln", "KÖLN ", "köln", "Leipzig", "leipzig", "Rom"]
MANY_SERIES = ["", "", "", "Umzug", "umzug ", "Umzug!", "Messe", "!!"]
MOMENTS = [
    START,
    START.astimezone(dt.timezone(dt.timedelta(hours=2))),
    START + dt.timedelta(microseconds=1),
    START - dt.timedelta(microseconds=1),
    START + dt.timedelta(hours=12),
    dt.datetime(1925, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC),
]
CROWDED = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.lists(st.sampled_from(MANY_TAGS), max_size=5),
        st.sampled_from(MANY_PLACES),
        st.sampled_from(MANY_SERIES),
        st.sampled_from(MOMENTS),
    ),
    max_size=40,
).map(lambda rows: [make(n, *row) for n, row in enumerate(rows)])


def newest_first(posts: list[Post]) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=lambda p: (p.date, p.key), reverse=True))


def brute_force(posts: tuple[Post, ...], limit: int) -> dict[int, tuple[int, ...]]:
    """The rule written out pair by pair, every candidate sorted by the whole key: the oracle."""
    tags = [{slugify(t) for t in p.tags} - {""} for p in posts]
    places = [unicodedata.normalize("NFC", p.location).strip().casefold() for p in posts]
    series = [slugify(p.series) for p in posts]
    times = [p.date.timestamp() for p in posts]
    found = {}
    for i in range(len(posts)):
        ranked = []
        for j in range(len(posts)):
            shared = len(tags[i] & tags[j])
            here = bool(places[i]) and places[j] == places[i]
            if j != i and (shared or here) and not (series[i] and series[j] == series[i]):
                ranked.append((-shared, not here, abs(times[j] - times[i]), posts[j].key, j))
        if ranked and limit:
            found[i] = tuple(j for *_, j in sorted(ranked)[:limit])
    return found


def by_key(posts: tuple[Post, ...], found: dict[int, tuple[int, ...]]) -> dict[str, list[str]]:
    return {posts[i].key: [posts[j].key for j in js] for i, js in found.items()}


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(posts=CROWDED, limit=st.integers(0, RELATED + 1), seed=st.randoms(use_true_random=False))
def test_related_entries_are_the_best_ranked_of_all_candidates(
    posts: list[Post], limit: int, seed: random.Random
) -> None:
    ordered = newest_first(posts)
    found = relate(ordered, limit)
    assert found == brute_force(ordered, limit)
    assert relate(ordered, limit, budget=0) == found  # every post counted instead
    # In whatever order the posts come, each gets the same others.
    shuffled = list(ordered)
    seed.shuffle(shuffled)
    assert by_key(tuple(shuffled), relate(tuple(shuffled), limit)) == by_key(ordered, found)


# Posts with dozens of tags, most of them shared: WordPress blogs tag like this. Every set
# of a post's tags that another post holds is a candidate rank, so a search that tried each
# would try millions for two posts that share thirty tags.
LONG_TAGS = [f"Schlagwort {n}" for n in range(34)]
TAGGED = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.lists(st.sampled_from(LONG_TAGS), min_size=20, max_size=34),
        st.sampled_from(PLACES),
        st.sampled_from(SERIES),
    ),
    max_size=8,
).map(lambda rows: [make(n, *row) for n, row in enumerate(rows)])


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(posts=TAGGED, limit=st.integers(1, RELATED + 1))
def test_posts_with_dozens_of_tags_are_related_as_the_rule_says(
    posts: list[Post], limit: int
) -> None:
    ordered = newest_first(posts)
    expected = brute_force(ordered, limit)
    assert relate(ordered, limit) == expected
    # Searched set by set until that costs more than 300 steps, then counted.
    assert relate(ordered, limit, budget=300) == expected


@settings(max_examples=40, deadline=None)
@given(posts=POSTS)
def test_a_series_lists_its_posts_oldest_first(posts: list[Post]) -> None:
    ordered = newest_first(posts)
    gathered = gather_series(ordered)
    named = {p.series.casefold() for p in posts if p.series}
    assert sorted(s.slug for s in gathered) == sorted(named)
    for series in gathered:
        members = [ordered[i] for i in series.posts]
        assert members == sorted(
            (p for p in posts if p.series.casefold() == series.slug), key=lambda p: (p.date, p.key)
        )
        assert series.name == members[0].series  # named as its first part names it


def test_related_entries_prefer_tags_then_place_then_time() -> None:
    this = make(0, 10, ["Papier", "Leim"], "Leipzig", "")
    both_tags = make(1, 50, ["Leim", "Papier"], "Hamburg", "")
    one_tag_here = make(2, 40, ["Papier"], "Leipzig", "")
    one_tag_near = make(3, 11, ["Papier"], "Hamburg", "")
    one_tag_far = make(4, 30, ["Papier"], "Hamburg", "")
    only_here = make(5, 10, [], "Leipzig", "")
    nothing = make(6, 10, ["Reise"], "Rom", "")
    ordered = newest_first(
        [this, both_tags, one_tag_here, one_tag_near, one_tag_far, only_here, nothing]
    )
    related = relate(ordered)
    index = ordered.index(this)
    assert [ordered[j] for j in related[index]] == [both_tags, one_tag_here, one_tag_near]
    assert ordered.index(nothing) not in related


def _site_posts() -> dict[str, str | bytes]:
    return {
        "content/posts/2024-05-04-umzug.md": post(
            "Umzug", "2024-05-04T09:20:00+02:00", series="Umzug", tags=["Blog"]
        ),
        "content/posts/2024-05-11-adressen.md": post(
            "Die alten Adressen", "2024-05-11T08:40:00+02:00", series="Umzug", tags=["Blog"]
        ),
        "content/posts/2024-05-25-weggelassen.md": post(
            "Was wir weggelassen haben", "2024-05-25T19:05:00+02:00", series="umzug"
        ),
        "content/posts/2024-06-01-blog.md": post(
            "Noch ein Blogeintrag", "2024-06-01T10:00:00+02:00", tags=["Blog"], location="Leipzig"
        ),
        "content/posts/2024-06-02-leipzig.md": post(
            "In Leipzig", "2024-06-02T10:00:00+02:00", location="Leipzig"
        ),
    }


def test_a_post_shows_its_place_in_the_series_and_its_related_entries(
    make_site: MakeSite,
) -> None:
    site = make_site(_site_posts())
    build_site(site)
    assert check_links(site / "output", "https://example.org/") == []
    page = lxml.html.fromstring(read(site, "2024/05/11/adressen/index.html"))
    (series,) = page.xpath('//nav[@class="series"]')
    assert series.xpath('string(p[@class="series-place"])') == "Teil 2 von 3: Serie „Umzug“"
    assert [li.text_content() for li in series.xpath(".//li")] == [
        "Umzug",
        "Die alten Adressen",
        "Was wir weggelassen haben",
    ]
    assert series.xpath(".//li/a/@href") == ["/2024/05/04/umzug/", "/2024/05/25/weggelassen/"]
    assert series.xpath('string(.//span[@aria-current="page"])') == "Die alten Adressen"
    # Its series is listed already: related are the others that share its tag.
    assert page.xpath('//nav[@class="related"]//a/text()') == ["Noch ein Blogeintrag"]
    listing = lxml.html.fromstring(read(site, "series/umzug/index.html"))
    assert listing.xpath("string(//h1)") == "Serie „Umzug“"
    assert listing.xpath('//ol[@class="series-list"]//h2/a/text()') == [
        "Umzug",
        "Die alten Adressen",
        "Was wir weggelassen haben",
    ]
    assert "/series/umzug/" in read(site, "sitemap.xml")
    blog = lxml.html.fromstring(read(site, "2024/06/01/blog/index.html"))
    assert not blog.xpath('//nav[@class="series"]')
    # The same tag first, then the same place: the series' posts share the tag.
    assert blog.xpath('//nav[@class="related"]//a/text()') == [
        "Die alten Adressen",
        "Umzug",
        "In Leipzig",
    ]


def test_joining_and_leaving_a_series_builds_as_a_clean_build_does(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(_site_posts())
    build_site(site)
    path = site / "content/posts/2024-05-11-adressen.md"
    path.write_text(post("Die alten Adressen", "2024-05-11T08:40:00+02:00", tags=["Reise"]))
    (site / "content/posts/2024-06-02-leipzig.md").write_text(
        post("In Leipzig", "2024-06-02T10:00:00+02:00", location="Leipzig", series="Umzug")
    )
    report = build_site(site)
    assert "2024/05/04/umzug/index.html" in report.written  # its series lost a part
    assert "2024/06/01/blog/index.html" in report.written  # its related entries changed
    build_site(site, out_dir=tmp_path / "clean")
    assert snapshot(site / "output") == snapshot(tmp_path / "clean")
    page = lxml.html.fromstring(read(site, "2024/05/04/umzug/index.html"))
    assert page.xpath('string(//p[@class="series-place"])') == "Teil 1 von 3: Serie „Umzug“"


def test_a_series_without_a_letter_is_reported(make_site: MakeSite) -> None:
    site = make_site({"content/posts/2024-05-04-a.md": post("A", "2024-05-04", series="!!")})
    with pytest.raises(BuildErrors, match="series name has no letter"):
        build_site(site)


@pytest.mark.parametrize(
    "kept",
    [
        b"{not json",
        b'{"key": 1, "data": {"0": [1]}}',
        b"[" * 100_000,
        b'{"key": "x", "data": [[0, 99999], [1, "2"]]}',
    ],
)
def test_related_entries_kept_by_the_last_build_are_checked_before_use(
    make_site: MakeSite, tmp_path: Path, kept: bytes
) -> None:
    site = make_site(_site_posts())
    build_site(site)
    assert stored(site, "related")  # a body edit need not find them again
    tamper(site, "related", kept.decode())
    (site / "content/posts/2024-05-11-adressen.md").write_text(
        post("Die alten Adressen", "2024-05-11T08:40:00+02:00", tags=["Reise", "Umzug"])
    )
    build_site(site)
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")
