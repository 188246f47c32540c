"""Series and related entries, computed from the posts alone, the same whatever their order."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Post
from sitegen.related import RELATED, gather_series, relate

TAGS = ["Papier", "papier", "Werkstatt", "Leim", "Reise"]
PLACES = ["", "Leipzig", "leipzig ", "Hamburg"]
SERIES = ["", "", "Umzug", "umzug", "Messe"]
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def make(number: int, day: int, tags: list[str], place: str, series: str) -> Post:
    return Post(
        source=f"content/posts/{number}.md",
        key=f"posts/{number}.md",
        kind="post",
        title=f"Eintrag {number}",
        date=START + dt.timedelta(days=day, minutes=number),
        url=f"{number}/",
        slug=str(number),
        html="",
        summary="",
        digest="",
        tags=tuple(dict.fromkeys(tags)),
        location=place,
        series=series,
    )


POSTS = st.lists(
    st.tuples(
        st.integers(0, 60),
        st.lists(st.sampled_from(TAGS), max_size=3),
        st.sampled_from(PLACES),
        st.sampled_from(SERIES),
    ),
    max_size=14,
).map(lambda rows: [make(n, *row) for n, row in enumerate(rows)])


def newest_first(posts: list[Post]) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=lambda p: (p.date, p.key), reverse=True))


def rank(post: Post, other: Post) -> tuple[int, bool, float, str]:
    """The rule as the issue states it, written out for one pair: the oracle."""
    shared = {t.casefold() for t in post.tags} & {t.casefold() for t in other.tags}
    same_place = bool(post.location.strip()) and (
        post.location.strip().casefold() == other.location.strip().casefold()
    )
    return (-len(shared), not same_place, abs((other.date - post.date).total_seconds()), other.key)


@settings(max_examples=60, deadline=None)
@given(posts=POSTS, seed=st.randoms())
def test_related_entries_follow_the_rule_whatever_the_order(
    posts: list[Post], seed: random.Random
) -> None:
    ordered = newest_first(posts)
    found = {ordered[i].key: [ordered[j].key for j in js] for i, js in relate(ordered).items()}
    by_key = {p.key: p for p in posts}
    for post in ordered:
        series = post.series.casefold()
        wanted = sorted(
            (
                other
                for other in ordered
                if other is not post
                and not (series and other.series.casefold() == series)
                and rank(post, other)[:2] != (0, True)
            ),
            key=lambda other: rank(post, other),
        )[:RELATED]
        assert found.get(post.key, []) == [o.key for o in wanted]
        assert all(by_key[k] is not post for k in found.get(post.key, []))
    shuffled = list(posts)
    seed.shuffle(shuffled)
    # The index is newest first by date, then by name: the same posts, the same order.
    again = newest_first(shuffled)
    assert {again[i].key: [again[j].key for j in js] for i, js in relate(again).items()} == found


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
