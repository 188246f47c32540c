"""Clean links: outbound links in content lose tracking and affiliate parameters."""

from __future__ import annotations

import pytest

from sitegen.tracking import clean_url

from .conftest import MakeSite, build_site, post, read, run_cli

CLEANED = [
    ("https://example.com/a?utm_source=news&utm_medium=mail", "https://example.com/a"),
    ("https://example.com/a?id=7&utm_campaign=x#teil-2", "https://example.com/a?id=7#teil-2"),
    ("https://example.com/?fbclid=IwAR0abc", "https://example.com/"),
    ("https://example.com/?q=leim&gclid=Cj0&dclid=1&msclkid=2", "https://example.com/?q=leim"),
    ("https://example.com/?mc_cid=1&mc_eid=2&p=3", "https://example.com/?p=3"),
    ("https://example.com/?igshid=x&yclid=y&_hsenc=z", "https://example.com/"),
    ("https://example.com/shop?ref=blog&page=2", "https://example.com/shop?page=2"),
    ("https://www.amazon.de/dp/3446/?tag=werkstatt-21&th=1", "https://www.amazon.de/dp/3446/?th=1"),
    (
        "https://www.amazon.de/Leim/dp/3446/ref=sr_1_1?keywords=leim",
        "https://www.amazon.de/Leim/dp/3446?keywords=leim",
    ),
    ("https://youtu.be/dQw4w9WgXcQ?si=AbCdEf", "https://youtu.be/dQw4w9WgXcQ"),
    ("https://example.com/?UTM_Source=x&b=%20c", "https://example.com/?b=%20c"),
]
KEPT = [
    "https://example.com/suche?q=leim+und+kleister&seite=2",
    "https://github.com/owner/repo/blob/main/x.py?ref=v2",
    "https://example.com/?tag=buchbinden",  # "tag" is an affiliate tag only at Amazon
    "mailto:werkstatt@example.org?subject=utm_source",
    "/2013/06/26/a/?utm_source=x",
]


@pytest.mark.parametrize(("url", "wanted"), CLEANED)
def test_tracking_parameters_are_removed_and_the_rest_kept_as_written(
    url: str, wanted: str
) -> None:
    assert clean_url(url)[0] == wanted


@pytest.mark.parametrize("url", KEPT)
def test_links_without_tracking_stay_as_they_are(url: str) -> None:
    assert clean_url(url) == (url, 0)


def test_links_in_posts_are_cleaned_and_counted(make_site: MakeSite) -> None:
    body = """\
Wir kaufen Leim [hier](https://example.com/leim?utm_source=blog&sorte=3) und
Pinsel [dort](https://www.amazon.de/dp/B00X?tag=werkstatt-21).
<https://example.com/?fbclid=abc>

Ein sauberer Link: [Papier](https://example.com/papier?farbe=weiss).
"""
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A",
                "2013-06-26T06:25:00+02:00",
                body,
                dream="Ich träumte von [Kleister](https://example.com/k?gclid=1).",
            ),
        }
    )
    report = build_site(site)
    page = read(site, "2013/06/26/a/index.html")
    assert 'href="https://example.com/leim?sorte=3"' in page
    assert 'href="https://www.amazon.de/dp/B00X"' in page
    assert 'href="https://example.com/"' in page
    assert 'href="https://example.com/k"' in page
    assert 'href="https://example.com/papier?farbe=weiss"' in page
    assert "utm_source" not in page and "tag=werkstatt" not in page and "clid" not in page
    assert report.cleaned_links == 4
    assert "4 links cleaned of tracking parameters" in report.summary()


def test_the_count_survives_the_parse_cache(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/posts/2013-06-26-a.md": post(
                "A", "2013-06-26T06:25:00+02:00", "[x](https://example.com/?utm_medium=rss)"
            ),
        }
    )
    build_site(site)
    result = run_cli("build", "--site", site)
    assert result.returncode == 0
    assert "1 link cleaned of tracking parameters" in result.stdout
