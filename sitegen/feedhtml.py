"""A post's HTML as feed readers get it: every URL absolute, only allowlisted markup left."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import nh3

from .headings import plain_headings
from .highlight import plain_code

# A start tag, its attribute values quoted or not ('>' may stand inside quotes).
_START_TAG = re.compile(
    r"<[a-zA-Z][^\s/>]*(?:\s+[^\s\"'=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
)
_URL_ATTR = re.compile(
    r"(\s(?:href|src|poster|cite|srcset|imagesrcset)\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+)",
    re.I,
)
_CANDIDATE = re.compile(r"(\s*)([^\s,]+)((?:\s+[^,]*)?)(,|$)")


def absolute_urls(fragment: str, base: str) -> str:
    """Every URL in an HTML fragment made absolute against `base` (feed readers have no page)."""

    def attr(m: re.Match[str]) -> str:
        name = m.group(1).strip().split("=")[0].strip().lower()
        raw = m.group(2)
        value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        if name.endswith("srcset"):
            value = _CANDIDATE.sub(
                lambda c: c.group(1) + urljoin(base, c.group(2)) + c.group(3) + c.group(4), value
            )
        else:
            value = urljoin(base, value.strip())
        return f'{m.group(1)}"{html.escape(value, quote=True)}"'

    return _START_TAG.sub(lambda tag: _URL_ATTR.sub(attr, tag.group(0)), fragment)


# Elements and attributes a feed item may carry; everything else is removed (readers have
# no CSP, so the site's own header cannot hold anything back there).
_FEED_TAGS = frozenset(
    {
        *("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup"),
        *("data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption"),
        *("figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li"),
        *("mark", "ol", "p", "picture", "pre", "q", "s", "samp", "section", "small", "source"),
        *("span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th"),
        *("thead", "time", "tr", "u", "ul", "var", "wbr"),
    }
)
_FEED_ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "decoding", "loading"},
    "source": {"srcset", "sizes", "type", "media"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
_FEED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def sanitize(fragment: str) -> str:
    """An item's HTML reduced to elements and attributes that make a reader fetch nothing else.

    URLs that stay (img src, srcset) are left to the audit, which proves their host. Code
    loses its colours and headings their links to themselves: a reader has no stylesheet
    to colour the one or hide the other.
    """
    return nh3.clean(
        plain_headings(plain_code(fragment)),
        tags=set(_FEED_TAGS),
        attributes={k: set(v) for k, v in _FEED_ATTRIBUTES.items()},
        url_schemes=set(_FEED_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
