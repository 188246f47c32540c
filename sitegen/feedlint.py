"""The W3C feed validator's warnings about RSS that can be checked without the validator.

Each rule is one the validator (validator.w3.org/feed) reports as a warning, restated
from its documentation: plain text with `&amp;` or `&lt;` instead of hexadecimal
references (the RSS Best Practices Profile), HTML in an element meant for plain text,
an item without a guid, a missing or misplaced `atom:link rel="self"`, an item author
that is not an e-mail address, and, for podcasts, episode tags Apple recommends.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
# A leaf element with plain text; the description and content:encoded hold escaped HTML.
_PLAIN = re.compile(rb"<(?!description\b|content:encoded\b)([\w:]+)(?:\s[^>]*)?>([^<]*)</\1>")
_END_TAG = re.compile(r"</\w+>")
_MAILBOX = re.compile(r"[^@\s()]+@[^@\s()]+\.[A-Za-z]{2,}(\s+\(.*\))?")


def rss_warnings(data: bytes, feed_url: str) -> list[str]:
    """What the W3C validator would warn about in an RSS 2.0 feed, as far as known offline."""
    found = [
        f"<{m.group(1).decode()}>: encode & and < in plain text as &#x26; and &#x3C;"
        for m in _PLAIN.finditer(data)
        if b"&amp;" in m.group(2) or b"&lt;" in m.group(2)
    ]
    channel = etree.fromstring(data).find("channel")
    if channel is None:
        return found
    selves = [a.get("href") for a in channel.findall(_ATOM_LINK) if a.get("rel") == "self"]
    if selves != [feed_url]:
        found.append(f'atom:link rel="self" should name {feed_url}, not {selves}')
    for element in channel.iter("title", f"{_ITUNES}title", f"{_ITUNES}author"):
        if _END_TAG.search(element.text or ""):
            found.append(f"<{etree.QName(element).localname}> holds HTML: {element.text!r}")
    podcast = channel.find(f"{_ITUNES}owner") is not None
    for item in channel.findall("item"):
        found += _item(item, podcast)
    return found


def _item(item: Any, podcast: bool) -> list[str]:
    name = item.findtext("title") or item.findtext("link") or "an item"
    found = []
    if item.find("guid") is None:
        found.append(f"{name}: no <guid>")
    author = item.findtext("author")
    if author is not None and not _MAILBOX.fullmatch(author.strip()):
        found.append(f"{name}: <author> must be an e-mail address, not {author!r}")
    if podcast:
        if author is not None:
            found.append(f"{name}: podcast apps would show the e-mail address in <author>")
        for tag in ("explicit", "image", "episodeType", "duration"):
            if item.find(f"{_ITUNES}{tag}") is None:
                found.append(f"{name}: no itunes:{tag}, which Apple recommends for each episode")
        href = item.find(f"{_ITUNES}image")
        if href is not None and not str(href.get("href", "")).endswith((".jpg", ".png")):
            found.append(f"{name}: itunes:image must end in .jpg or .png")
    return found
