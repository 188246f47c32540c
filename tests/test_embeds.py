"""Embeds without requests: a video link alone on its line becomes a card, not a player."""

from __future__ import annotations

import re

import pytest

from .conftest import MakeSite, build_site, post, read

BODY = """\
Wie wir Fälze brechen, zeigt Emre hier:

[Falzbein richtig halten](https://www.youtube.com/watch?v=abcdefghijk&si=Xy12 "Ein Titel")

<https://youtu.be/dQw4w9WgXcQ?si=geteilt>

https://vimeo.com/76979871

Und mitten im Satz bleibt [ein Video](https://youtu.be/dQw4w9WgXcQ) ein Link.
"""


@pytest.fixture
def page(make_site: MakeSite) -> str:
    site = make_site(
        {"content/posts/2013-06-26-a.md": post("A", "2013-06-26T06:25:00+02:00", BODY)}
    )
    build_site(site)  # the audit passes: the cards make no request
    return read(site, "2013/06/26/a/index.html")


def cards(page: str) -> list[tuple[str, str, str]]:
    return re.findall(
        r'<p class="video-card"><a href="([^"]*)"><span class="video-card-title">([^<]*)</span> '
        r'<span class="video-card-note">([^<]*)</span></a></p>',
        page,
    )


def test_a_lone_video_link_becomes_a_card_with_its_title(page: str) -> None:
    assert cards(page) == [
        (
            "https://www.youtube.com/watch?v=abcdefghijk",
            "Falzbein richtig halten",
            "Wird auf YouTube abgespielt",
        ),
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "Video auf YouTube",
            "Wird auf YouTube abgespielt",
        ),
        ("https://vimeo.com/76979871", "Video auf Vimeo", "Wird auf Vimeo abgespielt"),
    ]


def test_nothing_is_loaded_from_the_video_site(page: str) -> None:
    assert "<iframe" not in page and "<img" not in page and "ytimg" not in page
    assert "si=" not in page


def test_a_video_link_inside_a_sentence_stays_a_link(page: str) -> None:
    assert 'bleibt <a href="https://youtu.be/dQw4w9WgXcQ">ein Video</a> ein Link' in page


def test_the_card_speaks_the_site_language(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": 'title = "T"\nbase_url = "https://example.org/"\nlanguage = "en"\n',
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", "<https://vimeo.com/76979871>"
            ),
        }
    )
    build_site(site)
    assert cards(read(site, "2013/06/26/a/index.html")) == [
        ("https://vimeo.com/76979871", "Video on Vimeo", "Plays on Vimeo")
    ]
