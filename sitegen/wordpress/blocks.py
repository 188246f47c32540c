"""The block editor's markup reduced to the plain HTML its meaning needs.

Block posts are stored as the HTML each block saves, wrapped in `<!-- wp:name -->`
comments. Most blocks are plain HTML already (paragraph, heading, list, table, code);
the rest carry layout that a Markdown page has no use for (columns, groups, cover
backgrounds, spacers, button styling) or an element Markdown cannot write (details).
This pass leaves the text and its structure, so that the converter sees ordinary HTML.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString

_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*['\"]?([^'\")]+)", re.I)
# Block elements in which a leading or trailing line break shows nothing.
_BREAK_ENDS = {"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption", "summary",
               "h1", "h2", "h3", "h4", "h5", "h6", "div", "figure", "pre"}  # fmt: skip
_BOUNDARIES = _BREAK_ENDS | {"ul", "ol", "dl", "table", "hr", "details"}


def simplify(soup: BeautifulSoup) -> None:
    """Rewrite block-editor markup in place into the plain HTML it stands for."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for element in soup.find_all(True):
        if element.decomposed:
            continue
        classes = set(element.get_attribute_list("class")) - {None}
        if "wp-block-spacer" in classes or "wp-block-cover__background" in classes:
            element.decompose()
        elif "wp-block-file__button" in classes:
            element.decompose()  # the same link again, styled as a button
        elif "wp-block-verse" in classes and element.name == "pre":
            element.name = "p"  # a poem: its lines, not code
            element.attrs = {}
        elif "wp-block-cover" in classes:
            _cover(soup, element)
        elif element.name == "cite" and element.find_parent("blockquote") is not None:
            _attribution(soup, element)
    for pre in soup.find_all("pre"):
        for br in pre.find_all("br"):
            br.replace_with("\n")  # the preformatted block saves its newlines as <br>
    trim_breaks(soup)


def trim_breaks(soup: BeautifulSoup) -> None:
    """Remove line breaks that open or close a block: they show nothing, in Markdown a `\\`."""
    for br in soup.find_all("br"):
        if not _shows(br, "previous_siblings") or not _shows(br, "next_siblings"):
            br.decompose()


def _shows(br: Tag, siblings: str) -> bool:
    """Whether anything shown lies between the break and the edge of its block."""
    node: Tag | None = br
    while node is not None and node.name not in _BREAK_ENDS | {"[document]"}:
        for sibling in getattr(node, siblings):
            if isinstance(sibling, Comment):
                continue
            if isinstance(sibling, NavigableString):
                if sibling.strip():
                    return True
            elif isinstance(sibling, Tag):
                if sibling.name in _BOUNDARIES:
                    return False
                if (
                    sibling.name in ("br", "img")
                    or sibling.find("img")
                    or sibling.get_text(strip=True)
                ):
                    return True
        node = node.parent
    return False


def _cover(soup: BeautifulSoup, cover: Tag) -> None:
    """A cover block: its background image first, then what was written over it."""
    image = cover.find("img", class_="wp-block-cover__image-background")
    if image is None and (m := _BACKGROUND.search(str(cover.get("style") or ""))):
        image = soup.new_tag("img", src=m.group(1), alt="")
        cover.insert(0, image)
    if isinstance(image, Tag):
        paragraph = soup.new_tag("p")
        image.replace_with(paragraph)
        paragraph.append(image)
    cover.attrs = {}


def _attribution(soup: BeautifulSoup, cite: Tag) -> None:
    """A quote's source, as a line of its own under the quote."""
    paragraph = soup.new_tag("p")
    paragraph.append("— ")
    cite.replace_with(paragraph)
    paragraph.append(cite)
    cite.unwrap()
