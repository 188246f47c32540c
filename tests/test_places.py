"""Places: where each location is, from site.toml first, then from the offline gazetteer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import ConfigError
from sitegen.places import gather_places, lookup

from .conftest import SITE_TOML, MakeSite, build_site, fresh_build, kept, post, snapshot, tamper


def test_places_table_is_read_and_checked(make_site: MakeSite) -> None:
    good = make_site({"site.toml": SITE_TOML + "\n[places]\nWerkstatt = [51.33, 12.33]\n"})
    assert load_config(good).places == {"Werkstatt": (51.33, 12.33)}
    bad = SITE_TOML + '\n[places]\nNirgends = [91, 0]\n"Halb" = [1]\nText = "hier"\n'
    bad += "\n[charts]\nplaces = false\nmaps = true\n"
    with pytest.raises(ConfigError) as caught:
        load_config(make_site({"site.toml": bad}))
    assert "charts.maps: unknown key" in caught.value.problems
    fixed = bad.replace("maps = true\n", "")
    with pytest.raises(ConfigError) as caught_again:
        load_config(make_site({"site.toml": fixed}))
    shape = "must be [latitude, longitude] in degrees, like [52.52, 13.40]"
    assert caught_again.value.problems == [
        f"places.Halb: {shape}",
        f"places.Nirgends: {shape}",
        f"places.Text: {shape}",
    ]


def test_the_table_wins_then_the_gazetteer_then_no_point() -> None:
    day = dt.date(2024, 5, 1)
    posts = [
        ("Leipzig", day),
        ("Werkstatt", day - dt.timedelta(1)),
        ("Lisboa", day - dt.timedelta(2)),
        ("Leipzig", day - dt.timedelta(3)),
        ("", day - dt.timedelta(4)),
        ("Im Zug zwischen zwei Orten", day - dt.timedelta(5)),
    ]
    places = gather_places(posts, {"Werkstatt": (51.33, 12.33)})
    by_name = {p.name: p for p in places}
    assert places[0].name == "Leipzig" and places[0].posts == (0, 3)
    assert (places[0].first, places[0].last) == (day - dt.timedelta(3), day)
    assert by_name["Werkstatt"].point == (51.33, 12.33)
    leipzig, lisboa = by_name["Leipzig"].point, by_name["Lisboa"].point
    assert leipzig and abs(leipzig[0] - 51.34) < 0.05 and abs(leipzig[1] - 12.37) < 0.05
    assert lisboa and abs(lisboa[0] - 38.72) < 0.05 and abs(lisboa[1] + 9.14) < 0.05
    assert by_name["Im Zug zwischen zwei Orten"].point is None
    assert "" not in by_name
    assert sum(len(p.posts) for p in places) == 5


def test_a_city_beats_a_town_named_after_it() -> None:
    found = lookup(frozenset({"Berlin", "Paris", "Leipzig, Plagwitz"}))
    assert abs(found["Berlin"][1] - 13.4) < 0.1
    assert abs(found["Paris"][1] - 2.35) < 0.1
    assert abs(found["Leipzig, Plagwitz"][0] - 51.34) < 0.05


def test_a_place_found_nowhere_is_named_once_in_the_warnings(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Hinterm Mond"
            ),
            "content/posts/2013-06-27-b.md": post(
                "B", "2013-06-27T06:25:00+02:00", location="Hinterm Mond"
            ),
            "content/posts/2013-06-28-c.md": post(
                "C", "2013-06-28T06:25:00+02:00", location="Berlin"
            ),
        }
    )
    report = build_site(site)
    lines = [str(w) for w in report.warnings]
    assert len(lines) == 1
    assert "2013-06-27-b.md" in lines[0] and "'Hinterm Mond' is on no map" in lines[0]
    # Switched off, nothing is looked up and nothing is said.
    (site / "site.toml").write_text(SITE_TOML + "\n[charts]\nplaces = false\n", encoding="utf-8")
    assert build_site(site).warnings == ()


def _travels(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", location="Wien"
            ),
            "content/posts/2013-06-27-b.md": post(
                "B", "2013-06-27T06:25:00+02:00", location="Hinterm Mond"
            ),
        }
    )


def test_points_kept_by_the_last_build_are_what_the_gazetteer_says(make_site: MakeSite) -> None:
    site = _travels(make_site)
    build_site(site)
    found = json.loads(kept(site, "places")["places"])
    assert found["data"] == {"Wien": list(lookup(frozenset({"Wien"}))["Wien"])}
    # A new place is looked up: what was kept was for other names.
    (site / "content/posts/2013-06-28-c.md").write_text(
        post("C", "2013-06-28T06:25:00+02:00", location="Graz"), encoding="utf-8"
    )
    build_site(site)
    assert set(json.loads(kept(site, "places")["places"])["data"]) == {"Wien", "Graz"}


@pytest.mark.parametrize(
    "garbage",
    [
        "{not json",
        "[" * 100_000,
        '{"key": 1, "data": {"Wien": [48.2, 16.37]}}',
        "KEY:" + json.dumps({"Wien": [91.0, 16.37]}),
        "KEY:" + json.dumps({"Wien": [48.2, "16.37"]}),
        "KEY:" + json.dumps({"Wien": [48.2, 16.37], "Atlantis": [0, 0]}),
        "KEY:" + json.dumps({"Wien": [float("nan"), 16.37]}),
        "KEY:" + json.dumps([["Wien", 48.2, 16.37]]),
    ],
)
def test_points_kept_by_the_last_build_are_checked_before_use(
    make_site: MakeSite, tmp_path: Path, garbage: str
) -> None:
    site = _travels(make_site)
    build_site(site)
    if garbage.startswith("KEY:"):  # under the right key: only the points are wrong
        key = json.loads(kept(site, "places")["places"])["key"]
        garbage = json.dumps({"key": key, "data": json.loads(garbage.removeprefix("KEY:"))})
    tamper(site, "places", garbage)
    (site / "content/posts/2013-06-26-a.md").write_text(
        post("A", "2013-06-26T06:25:00+02:00", "Ein neuer Satz.", location="Wien"), encoding="utf-8"
    )
    build_site(site)
    assert snapshot(site / "output") == fresh_build(site, tmp_path / "fresh")
