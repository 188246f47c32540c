"""What writers expect in a post: highlighted code, headings to link to, contents, reading time."""

from __future__ import annotations

import json
import re

import lxml.html
import tinycss2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygments.lexers import get_all_lexers

from sitegen.errors import ConfigError
from sitegen.links import check_links
from sitegen.markdown import Features, Typography, render

from .conftest import REPO, SITE_TOML, MakeSite, build_site, post, read

KNOWN = sorted({alias for _, aliases, _, _ in get_all_lexers() for alias in aliases})
"""Every language name Pygments knows: its own list decides what gets coloured."""

# Code as writers type it: any printable text and indentation, but no fence of its own.
CODE = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc", "Co", "Cn"), blacklist_characters="`~\r", min_codepoint=32
    )
    | st.sampled_from(["\n", "\t", " "]),
    max_size=200,
)


def html(text: str, **features: bool) -> str:
    rendered = render(
        text,
        typography=Typography(heading_link="Link zu diesem Abschnitt"),
        source_key="posts/a.md",
        line_offset=0,
        features=Features(**features),
    )
    return rendered.html


def fence(code: str, info: str) -> str:
    return f"```{info}\n{code}\n```\n"


def code_text(element: lxml.html.HtmlElement) -> str:
    """The text a reader copies out of a code block: everything but the line numbers."""
    for number in element.xpath('.//span[contains(concat(" ", @class, " "), " linenos ")]'):
        number.drop_tree()
    return str(element.text_content())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=CODE, language=st.sampled_from(KNOWN), numbered=st.booleans())
def test_highlighted_code_reads_back_as_its_source(
    code: str, language: str, numbered: bool
) -> None:
    """Colouring changes how code looks, never what it says: the text parsed back is the source."""
    options = " {linenos=true}" if numbered else ""
    page = lxml.html.fragment_fromstring(html(fence(code, language + options)), create_parent=True)
    (block,) = page.xpath('//div[@class="highlight"]')
    assert not block.xpath(".//*[@style]")
    numbers = [n.text_content().strip() for n in block.xpath('.//span[@class="linenos"]')]
    lines = code.count("\n") + 1
    assert numbers == ([str(n) for n in range(1, lines + 1)] if numbered else [])
    assert code_text(block) == code + "\n"


@settings(max_examples=25, deadline=None)
@given(code=CODE, language=st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True))
def test_code_in_a_language_pygments_does_not_know_stays_plain(code: str, language: str) -> None:
    made = html(fence(code, language))
    page = lxml.html.fragment_fromstring(made, create_parent=True)
    if language in KNOWN:
        assert page.xpath('//div[@class="highlight"]')
    else:
        assert not page.xpath('//div[@class="highlight"]') and not page.xpath("//pre//span")
        (pre,) = page.xpath("//pre")
        assert pre.text_content() == code + "\n"


def highlighted_lines(made: str) -> list[int]:
    page = lxml.html.fragment_fromstring(made, create_parent=True)
    return [
        int(marked.xpath('./span[@class="linenos"]')[0].text_content())
        for marked in page.xpath('//span[@class="hll"]')
    ]


def test_hugo_options_number_and_mark_the_lines_asked_for() -> None:
    code = "\n".join(f"x{n} = {n}" for n in range(1, 7))
    assert highlighted_lines(html(fence(code, "python {linenos=true hl_lines=[2,3]}"))) == [2, 3]
    assert highlighted_lines(html(fence(code, 'python {linenos=true hl_lines=["2-4"]}'))) == [
        2,
        3,
        4,
    ]
    assert highlighted_lines(
        html(fence(code, 'python {linenos=table, hl_lines=["1", "5-6"]}'))
    ) == [
        1,
        5,
        6,
    ]
    # Lines past the end and nonsense are ignored, never an error.
    assert highlighted_lines(html(fence(code, "python {linenos=true hl_lines=[9, x]}"))) == []
    numbered = lxml.html.fragment_fromstring(
        html(fence(code, "python {linenos=true linenostart=10}")), create_parent=True
    )
    assert numbered.xpath('//span[@class="linenos"]')[0].text_content() == "10"
    # Without a language, the options colour nothing.
    assert "highlight" not in html(fence(code, "{linenos=true}"))


def test_switched_off_code_stays_plain_and_headings_keep_their_ids() -> None:
    made = html(
        "## Über Größe\n\n" + fence("x = 1", "python"), highlight=False, heading_links=False
    )
    assert "highlight" not in made and "<span" not in made
    assert '<h2 id="ueber-groesse">' in made and "heading-anchor" not in made


def _declarations(rule: tinycss2.ast.QualifiedRule) -> dict[str, str]:
    found = tinycss2.parse_declaration_list(rule.content, skip_whitespace=True, skip_comments=True)
    return {
        d.lower_name: tinycss2.serialize(d.value).strip() for d in found if d.type == "declaration"
    }


def _luminance(colour: str) -> float:
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    channels = [int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_code_colour_the_theme_ships_reads_against_its_background_in_both_schemes() -> None:
    """WCAG 1.4.3 for every colour a code block uses, light and dark, on code and marked lines."""
    sheet = (REPO / "themes/default/static/assets/style.css").read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(sheet, skip_whitespace=True, skip_comments=True)
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    used: set[str] = set()
    for rule in rules:
        if rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            values = _declarations(rule)
            if selector == ":root":
                light.update(values)
            if selector.startswith(".highlight") and "color" in values:
                used.add(values["color"])
        elif rule.type == "at-rule" and "prefers-color-scheme: dark" in tinycss2.serialize(
            rule.prelude
        ):
            for inner in tinycss2.parse_rule_list(rule.content, True, True):
                dark.update(_declarations(inner))
    assert len(used) >= 7, used  # comments, keywords, strings, numbers, names, builtins, deletions
    for scheme in (light, {**light, **dark}):
        backgrounds = [scheme["--surface"], scheme["--code-mark"]]
        for colour in sorted(used):
            value = scheme[colour.removeprefix("var(").removesuffix(")")]
            for background in backgrounds:
                ratio = contrast(value, background)
                assert ratio >= 4.5, f"{colour} {value} on {background}: {ratio:.2f}"


HEADINGS = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=20)
    .map(lambda s: re.sub(r"[\\`*_\[\]<>&#!|{}()~]", "", s).strip())
    .filter(bool),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(titles=HEADINGS)
def test_every_heading_has_a_unique_id_its_link_points_at(titles: list[str]) -> None:
    text = "\n\n".join(f"## {title}" for title in titles) + "\n\nText[^1]\n\n[^1]: Note\n"
    page = lxml.html.fragment_fromstring(html(text), create_parent=True)
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids)) and "main" not in ids and "toc-title" not in ids
    headings = page.xpath("//h2[not(@class)]")
    assert len(headings) == len(titles)
    for heading in headings:
        (link,) = heading.xpath('following-sibling::a[@class="heading-anchor"]')
        assert link.get("href") == "#" + heading.get("id")
        assert link.xpath('string(span[@class="visually-hidden"])') == "Link zu diesem Abschnitt"
        assert link.xpath('span[@aria-hidden="true"]')


WRITING = """
Vorweg ein Absatz.

## Über Größe

Text.

### Maße und Gewichte

Text, siehe [oben](#ueber-groesse).

## Über Größe

```python
print("hallo")
```
"""


def test_a_post_shows_contents_reading_time_and_headings_to_link_to(make_site: MakeSite) -> None:
    long = " ".join(["Wort"] * 450)
    site = make_site(
        {
            "content/posts/a.md": post(
                "Mit Inhalt", "2024-05-04T09:20:00+02:00", WRITING, toc=True
            ),
            "content/posts/b.md": post("Lang", "2024-05-05T09:20:00+02:00", long),
        }
    )
    build_site(site)
    assert check_links(site / "output", "https://example.org/") == []
    page = lxml.html.fromstring(read(site, "2024/05/04/a/index.html"))
    (toc,) = page.xpath('//nav[@class="toc"]')
    assert toc.xpath("string(h2)") == "Inhalt"
    assert [(a.get("href"), a.text_content()) for a in toc.xpath(".//a")] == [
        ("#ueber-groesse", "Über Größe"),
        ("#masse-und-gewichte", "Maße und Gewichte"),
        ("#ueber-groesse-1", "Über Größe"),
    ]
    assert toc.xpath(".//ol/li/ol/li/a/@href") == ["#masse-und-gewichte"]
    assert page.xpath('string(//span[@class="reading-time"])') == "1 Min. Lesezeit"
    assert (
        lxml.html.fromstring(read(site, "2024/05/05/b/index.html")).xpath(
            'string(//span[@class="reading-time"])'
        )
        == "2 Min. Lesezeit"
    )
    # Feeds carry the code and the headings plain: no classes a reader cannot style.
    feed = json.loads(read(site, "feed.json"))
    body = next(i["content_html"] for i in feed["items"] if i["title"] == "Mit Inhalt")
    parsed = lxml.html.fragment_fromstring(body, create_parent=True)
    assert not parsed.xpath("//pre//*[@class] | //pre[@class] | //pre//span | //h2/../a")
    assert "Link zu diesem Abschnitt" not in body and "highlight" not in body
    assert '<pre><code>print("hallo")\n</code></pre>' in body.replace("&quot;", '"')
    assert '<h2 id="ueber-groesse">Über Größe</h2>' in body


def test_contents_from_a_site_default_and_switches_off(make_site: MakeSite) -> None:
    settings_on = "\n[writing]\ntoc_min_headings = 3\n"
    three = "## Eins\n\n## Zwei\n\n### Drei\n"
    two = "## Eins\n\n## Zwei\n"
    site = make_site(
        {
            "site.toml": SITE_TOML + settings_on + "reading_time = false\nheading_links = false\n",
            "content/posts/a.md": post("Drei", "2024-05-04T09:20:00+02:00", three),
            "content/posts/b.md": post("Zwei", "2024-05-05T09:20:00+02:00", two),
            "content/posts/c.md": post("Ohne", "2024-05-06T09:20:00+02:00", three, toc=False),
        }
    )
    build_site(site)
    shown = {
        name: bool(
            lxml.html.fromstring(read(site, f"2024/05/0{day}/{name}/index.html")).xpath(
                '//nav[@class="toc"]'
            )
        )
        for day, name in ((4, "a"), (5, "b"), (6, "c"))
    }
    assert shown == {"a": True, "b": False, "c": False}
    page = read(site, "2024/05/04/a/index.html")
    assert "reading-time" not in page and "heading-anchor" not in page and 'id="eins"' in page


def test_english_sites_say_it_in_english(make_site: MakeSite) -> None:
    site = make_site(
        {
            "site.toml": SITE_TOML.replace('language = "de"', 'language = "en"'),
            "content/posts/a.md": post("Hello", "2024-05-04T09:20:00+02:00", WRITING, toc=True),
        }
    )
    build_site(site)
    page = lxml.html.fromstring(read(site, "2024/05/04/a/index.html"))
    assert page.xpath('string(//span[@class="reading-time"])') == "1 min read"
    assert page.xpath('string(//nav[@class="toc"]/h2)') == "Contents"
    assert page.xpath('string(//a[@class="heading-anchor"]/span[@class="visually-hidden"])') == (
        "Link to this section"
    )


def test_unknown_writing_settings_are_reported(make_site: MakeSite) -> None:
    site = make_site({"site.toml": SITE_TOML + "\n[writing]\nhighlite = true\n"})
    try:
        build_site(site)
    except ConfigError as e:
        assert "writing.highlite: unknown key" in str(e)
    else:
        raise AssertionError("a misspelt [writing] key was accepted")
