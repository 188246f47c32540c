"""Links as the audit counts them, against the URL Standard applied to every one (ada)."""

from __future__ import annotations

import ada_url
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.found import Found

SITES = ("https://example.org/", "https://tagebuch.example/blog/", "http://xn--mnchen-3ya.de/")
PAGES = ("index.html", "2013/06/26/zug/index.html", "tags/reise/2/index.html", "feed.xml")

# The characters that decide how a reference resolves, and some that do not.
hrefs = st.one_of(
    st.text(alphabet="/\\.:?#%@ \t\n-_~=&+abcjJsw0ü", max_size=24),
    st.tuples(
        st.sampled_from(
            (
                "",
                "/",
                "//",
                "\\\\",
                "/\\",
                "../",
                "./",
                "?",
                "#",
                " ",
                "\t/",
                "javascript:",
                "JavaScript:",
                "java\nscript:",
                "https:",
                "http://",
                "https://www.andere.example",
                "http:andere.example",
                "mailto:",
                "example.org/",
                "%2F%2F",
            )
        ),
        st.text(alphabet="/\\.:abcw-ü%", max_size=12),
    ).map("".join),
)


def by_the_standard(raw: str, page: str, host: str) -> tuple[list[str], int]:
    """What a link counts for, read from the URL a browser resolves it to."""
    try:
        url = ada_url.URL(raw, page)
    except ValueError:
        return [], 0
    if url.protocol == "javascript:":
        return [], 1
    other = url.hostname and url.hostname != host and url.protocol in ("http:", "https:")
    return ([url.hostname.removeprefix("www.")] if other else []), 0


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(SITES), st.sampled_from(PAGES), st.lists(hrefs, max_size=6))
def test_a_link_counts_for_the_host_a_browser_would_reach(
    site: str, page: str, raws: list[str]
) -> None:
    found = Found(site, page)
    expected: list[str] = []
    scripts = 0
    for raw in raws:
        hosts, runs = by_the_standard(raw, found.page_url, found.host)
        expected += hosts
        scripts += runs
        found.link(raw, 1)
    assert found.links == expected
    assert len(found.foreign) == scripts  # a javascript: link is a problem, nothing else is
