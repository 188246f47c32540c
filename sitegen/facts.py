"""Read one output's bytes into its Facts: what it makes a browser load, link to and run.

HTML through libxml2's HTML parser, CSS through tinycss2, SVG and feeds through lxml, JSON Feed
through json. Every reference is resolved as a browser would (against the page's URL,
protocol-relative, backslashes, tabs), then sorted: another host, this site, or no
request at all (data:, mailto:). The audit and the transparency page work from these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import tinycss2
from lxml import etree

from .text import srcset_urls

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
CSS_SUFFIXES = (".css",)
XML_SUFFIXES = (".xml", ".svg", ".rss", ".atom", ".xsl")
JSON_SUFFIXES = (".json",)

# <link rel> values that make a browser fetch (or connect to) the URL in href.
_LOADING_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "mask-icon",
        "preload",
        "prefetch",
        "preconnect",
        "dns-prefetch",
        "modulepreload",
        "manifest",
        "prerender",
        "subresource",
    }
)
# (element, attribute) pairs of HTML whose URL a browser fetches on its own.
_FETCHED = {
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("portal", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("object", "data"),
    ("input", "src"),
    ("input", "formaction"),
    ("button", "formaction"),
    ("form", "action"),
    ("base", "href"),
    ("html", "manifest"),
    ("body", "background"),
    ("table", "background"),
    ("td", "background"),
    ("th", "background"),
}
_SRCSETS = {("img", "srcset"), ("source", "srcset"), ("link", "imagesrcset")}
# What counts towards a page's weight: the files a browser loads to show it.
_WEIGHED = {("img", "src"), ("link", "href"), ("input", "src")}
_SCRIPT_TYPES = ("", "module", "text/javascript", "application/javascript", "text/ecmascript")
_REFRESH_URL = re.compile(r"""^\s*\d*(?:\.\d*)?\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)""", re.I)

# Feeds: (element, attribute) whose URL a feed reader or podcast app fetches by itself.
_FEED_FETCHED = {
    ("enclosure", "url"),
    ("image", "href"),
    ("content", "url"),
    ("thumbnail", "url"),
    ("player", "url"),
    ("transcript", "url"),
    ("chapters", "url"),
    ("person", "img"),
    ("source", "uri"),
}
_FEED_HTML = {"description", "encoded", "summary", "content"}


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference in an output that makes a browser contact another host."""

    what: str
    """The kind of reference, as a reader of the output would find it: "<img srcset>"."""
    url: str
    """Absolute, as the browser resolves it."""
    host: str
    line: int


@dataclass(frozen=True, slots=True)
class Facts:
    """What one output makes a browser do, read from its bytes."""

    kind: str
    """page, redirect, feed, stylesheet, svg, xml or other."""
    size: int
    foreign: tuple[Reference, ...] = ()
    """References that make a browser contact another host, allowed or not."""
    loads: tuple[str, ...] = ()
    """Outputs of this site it makes a browser load (stylesheets, icons, images), sorted."""
    scripts: tuple[str, ...] = ()
    """Script files of this site it loads."""
    script_bytes: int = 0
    """JavaScript in the output itself: script elements, event handlers, javascript: URLs."""
    links: tuple[str, ...] = ()
    """The host of every outbound link, in order."""
    cookies: int = 0
    """Cookies it sets by itself (<meta http-equiv="set-cookie">)."""
    referrer: str = ""
    """Its referrer policy, as its meta element gives it."""


class _Found:
    """Collects the facts of one output while it is read."""

    def __init__(self, base_url: str, output: str) -> None:
        base = urlsplit(base_url)
        self.host = (base.hostname or "").lower()
        self.base_path = base.path or "/"
        self.scheme = base.scheme.lower()
        self.origin = f"{base.scheme}://{base.netloc}"
        self.page_url = urljoin(base_url, output.removesuffix("index.html"))
        self.foreign: list[Reference] = []
        self.loads: set[str] = set()
        self.scripts: set[str] = set()
        self.script_bytes = 0
        self.links: list[str] = []
        self.cookies = 0
        self.referrer = ""
        self.redirect = False

    def request(self, what: str, raw: str, line: int, weighed: bool = False) -> None:
        """A URL the browser fetches without being asked: from elsewhere it is a violation."""
        resolved = self._resolve(raw)
        if resolved is None:
            return
        scheme, url, host, own = resolved
        if scheme == "javascript":
            self.script_bytes += len(url.encode("utf-8"))
        elif host is not None and host != self.host:
            self.foreign.append(Reference(what, url, host, line))
        elif own is not None and weighed:
            self.loads.add(own)

    def srcset(self, what: str, value: str, line: int) -> None:
        for url in srcset_urls(value):
            self.request(what, url, line)

    def link(self, raw: str) -> None:
        """A link the reader may follow: counted by host, never a violation."""
        resolved = self._resolve(raw)
        if resolved is None:
            return
        scheme, url, host, _ = resolved
        if scheme == "javascript":
            self.script_bytes += len(url.encode("utf-8"))
        elif host is not None and host != self.host and scheme in ("http", "https"):
            self.links.append(host.removeprefix("www."))

    def script(self, raw: str, line: int) -> None:
        resolved = self._resolve(raw)
        if resolved and resolved[3] is not None and resolved[2] == self.host:
            self.scripts.add(resolved[3])
        self.request("<script src>", raw, line)

    def css(self, text: str, line: int, declarations: bool = False) -> None:
        """References in a stylesheet, a <style> element or a style attribute."""
        parse = tinycss2.parse_blocks_contents if declarations else tinycss2.parse_stylesheet
        nodes = parse(text, skip_comments=True, skip_whitespace=True)
        for what, raw, offset in _css_urls(nodes, "CSS url()"):
            self.request(what, raw, line + offset - 1, weighed=True)

    def facts(self, kind: str, size: int) -> Facts:
        return Facts(
            kind="redirect" if kind == "page" and self.redirect else kind,
            size=size,
            foreign=tuple(self.foreign),
            loads=tuple(sorted(self.loads)),
            scripts=tuple(sorted(self.scripts)),
            script_bytes=self.script_bytes,
            links=tuple(self.links),
            cookies=self.cookies,
            referrer=self.referrer,
        )

    def _resolve(self, raw: str) -> tuple[str, str, str | None, str | None] | None:
        """(scheme, absolute URL, host, own output path) of a reference; None when empty."""
        # Browsers drop tabs and newlines inside URLs and read "\" as "/" in web URLs.
        text = raw.strip()
        if "\t" in text or "\n" in text or "\r" in text:
            text = re.sub(r"[\t\n\r]", "", text)
        if not text:
            return None
        if text[:11].lower().startswith("javascript:"):
            return "javascript", text, None, None
        text = text.replace("\\", "/")
        if text[0] == "/" and text[1:2] != "/" and "/." not in text:
            # A path on this site, by far the most common reference: nothing to join.
            path = unquote(text.split("#", 1)[0].split("?", 1)[0])
            return self.scheme, self.origin + text, self.host, self._own(path)
        try:
            absolute = text[:8].lower().startswith(("https://", "http://"))
            url = text if absolute else urljoin(self.page_url, text)
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            # Unreadable to us; a browser may still try: report it rather than wave it through.
            return "http", text, "(unreadable URL)", None
        scheme = parts.scheme.lower()
        if not parts.netloc:
            return scheme, url, None, None  # data:, mailto:, tel:, about:
        return scheme, url, host, self._own(unquote(parts.path)) if host == self.host else None

    def _own(self, path: str) -> str | None:
        """The output a path on this site's host names; None outside the base path."""
        if not path.startswith(self.base_path):
            return None
        own = path[len(self.base_path) :]
        return own + "index.html" if own == "" or own.endswith("/") else own


def _css_urls(nodes: Sequence[Any], what: str) -> Iterator[tuple[str, str, int]]:
    """(kind, URL, line) of every url(), @import and image-set() string in CSS nodes."""
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "url":
            yield what, node.value, node.source_line
        elif kind == "at-rule":
            name = node.lower_at_keyword
            if name == "import":
                for token in node.prelude:
                    if token.type == "string":
                        yield "CSS @import", token.value, token.source_line
                yield from _css_urls(node.prelude, "CSS @import")
            else:
                yield from _css_urls(node.prelude, what)
            inner = "@font-face src" if name == "font-face" else what
            if node.content is not None:
                yield from _css_urls(
                    tinycss2.parse_blocks_contents(node.content, skip_comments=True), inner
                )
        elif kind == "qualified-rule":
            yield from _css_urls(node.prelude, what)
            yield from _css_urls(
                tinycss2.parse_blocks_contents(node.content, skip_comments=True), what
            )
        elif kind == "declaration":
            yield from _css_urls(node.value, what)
        elif kind == "function":
            name = node.lower_name
            if name in ("url", "src"):
                for token in node.arguments:
                    if token.type == "string":
                        yield what, token.value, token.source_line
            elif name in ("image-set", "-webkit-image-set"):
                for token in node.arguments:
                    if token.type == "string":
                        yield "CSS image-set()", token.value, token.source_line
                yield from _css_urls(node.arguments, "CSS image-set()")
            else:
                yield from _css_urls(node.arguments, what)
        elif kind in ("() block", "[] block", "{} block"):
            yield from _css_urls(node.content, what)


def _read_html(found: _Found, text: str | bytes, line: int | None = None) -> None:
    """Feed what an HTML document references into `found`.

    `line` is set for a document inside another (iframe srcdoc, feed content): every
    reference in it is reported on that line.
    """
    if not text.strip():
        return
    # libxml2's HTML parser: several times faster than html.parser, and it keeps lines.
    root = etree.fromstring(text, _HTML_PARSER)
    if root is not None:
        _html_tree(found, root, line)


# Elements read even without attributes: their text is CSS or script.
_READ_BARE = frozenset({"style", "script"})

_HTML_PARSER = etree.HTMLParser(
    encoding="utf-8", recover=True, no_network=True, remove_comments=True, huge_tree=True
)


def _html_tree(found: _Found, root: etree._Element, fixed: int | None) -> None:
    # Elements inside an <svg>, where href loads a resource rather than being a link.
    in_svg = {node for svg in root.iter("svg") for node in svg.iter()}
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        # Most elements of a page (p, li, em) carry no attribute: nothing to read there.
        if tag and (el.attrib or tag in _READ_BARE):
            _html_element(found, el, tag, fixed, el in in_svg)


def _html_element(
    found: _Found, el: etree._Element, tag: str, fixed: int | None, svg: bool
) -> None:
    line = fixed if fixed is not None else el.sourceline or 1
    values = {str(k): str(v) for k, v in el.attrib.items()}
    for name, value in values.items():
        if name.startswith("on"):
            found.script_bytes += len(value.encode("utf-8"))
        elif name == "style":
            found.css(value, line, declarations=True)
    if svg and tag != "a":
        for name in ("href", "xlink:href"):
            if name in values:
                found.request(f"<svg {tag} {name}>", values[name], line, weighed=True)
    for name, value in values.items():
        if (tag, name) in _FETCHED:
            if tag == "script":
                found.script(value, line)
            else:
                found.request(f"<{tag} {name}>", value, line, (tag, name) in _WEIGHED)
        elif (tag, name) in _SRCSETS:
            found.srcset(f"<{tag} {name}>", value, line)
    if tag == "link":
        rels = set(values.get("rel", "").lower().split())
        loading = sorted(rels & _LOADING_RELS)
        if loading and "href" in values:
            weighed = bool(rels & {"stylesheet", "icon"})
            found.request(f'<link rel="{loading[0]}">', values["href"], line, weighed)
    elif tag in ("a", "area"):
        if "href" in values:
            found.link(values["href"])
        for target in values.get("ping", "").split():
            found.request(f"<{tag} ping>", target, line)
    elif tag == "meta":
        _meta(found, values, line)
    elif tag == "iframe" and values.get("srcdoc"):
        _read_html(found, values["srcdoc"], line)
    elif tag == "style" and el.text:
        found.css(el.text, line)
    elif tag == "script" and el.text and values.get("type", "").lower() in _SCRIPT_TYPES:
        found.script_bytes += len(el.text.strip().encode("utf-8"))


def _meta(found: _Found, values: dict[str, str], line: int) -> None:
    equiv = values.get("http-equiv", "").lower()
    content = values.get("content", "")
    if equiv == "refresh":
        m = _REFRESH_URL.match(content)
        if m and m.group(1).strip():
            found.redirect = True
            found.request('<meta http-equiv="refresh">', m.group(1), line)
    elif equiv == "set-cookie":
        found.cookies += 1
    elif values.get("name", "").lower() == "referrer":
        found.referrer = content.strip().lower()


def _read_xml(found: _Found, data: bytes) -> str:
    """Read an SVG, feed or other XML document; return its kind."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
    )
    root = etree.fromstring(data, parser)
    for sibling in root.itersiblings(preceding=True):
        if isinstance(sibling, etree._ProcessingInstruction) and sibling.target == "xml-stylesheet":
            href = sibling.get("href")
            if href:
                found.request("<?xml-stylesheet href?>", href, sibling.sourceline or 1, True)
    name = etree.QName(root).localname
    if name == "svg":
        _read_svg(found, root)
        return "svg"
    if name in ("rss", "feed", "RDF"):
        _read_feed(found, root, atom=name == "feed")
        return "feed"
    return "xml"


def _read_svg(found: _Found, root: etree._Element) -> None:
    for el in root.iter(etree.Element):
        local = etree.QName(el).localname
        line = el.sourceline or 1
        for attr, value in el.attrib.items():
            name = etree.QName(attr).localname
            if name.startswith("on"):
                found.script_bytes += len(value.encode("utf-8"))
            elif name == "style":
                found.css(value, line, declarations=True)
            elif name == "href" and local == "a":
                found.link(value)
            elif name in ("href", "src"):
                found.request(f"<svg {local} {name}>", value, line, weighed=True)
        if local == "style" and el.text:
            found.css(el.text, line)
        elif local == "script" and el.text:
            found.script_bytes += len(el.text.strip().encode("utf-8"))


def _read_feed(found: _Found, root: etree._Element, atom: bool) -> None:
    for el in root.iter(etree.Element):
        local = etree.QName(el).localname
        line = el.sourceline or 1
        for attr, value in el.attrib.items():
            name = etree.QName(attr).localname
            if (local, name) in _FEED_FETCHED:
                found.request(f"<{local} {name}>", value, line, weighed=True)
            elif (local, name) == ("images", "srcset"):
                found.srcset(f"<{local} {name}>", value, line)
        if local == "link" and el.get("rel") == "enclosure" and el.get("href"):
            found.request('<link rel="enclosure">', el.get("href", ""), line, weighed=True)
        parent = el.getparent()
        if (local == "url" and parent is not None and etree.QName(parent).localname == "image") or (
            atom and local in ("icon", "logo")
        ):
            found.request(f"<{local}>", el.text or "", line, weighed=True)
        if local in _FEED_HTML:
            kind = el.get("type", "html" if not atom else "text")
            if kind == "xhtml":
                html = "".join(etree.tostring(c, encoding="unicode") for c in el)
                _read_html(found, html, line)
            elif kind in ("html", "text/html") and el.text:
                _read_html(found, el.text, line)


def _read_json_feed(found: _Found, data: bytes) -> str:
    try:
        feed = json.loads(data)
    except ValueError:
        return "other"
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        return "other"
    for key in ("icon", "favicon"):
        if isinstance(feed.get(key), str):
            found.request(f'JSON Feed "{key}"', feed[key], 1, weighed=True)
    items = feed.get("items")
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        for key in ("image", "banner_image"):
            if isinstance(item.get(key), str):
                found.request(f'JSON Feed "{key}"', item[key], 1, weighed=True)
        attachments = item.get("attachments")
        for attachment in attachments if isinstance(attachments, list) else ():
            if isinstance(attachment, dict) and isinstance(attachment.get("url"), str):
                found.request('JSON Feed "attachments"', attachment["url"], 1, weighed=True)
        if isinstance(item.get("content_html"), str):
            _read_html(found, item["content_html"], 1)
    return "feed"


def read_output(output: str, data: bytes, base_url: str) -> Facts:
    """The facts of one output, read from its bytes."""
    found = _Found(base_url, output)
    lower = output.lower()
    if lower.endswith(HTML_SUFFIXES):
        _read_html(found, data)
        return found.facts("page", len(data))
    if lower.endswith(CSS_SUFFIXES):
        found.css(data.decode("utf-8", errors="replace"), 1)
        return found.facts("stylesheet", len(data))
    if lower.endswith(XML_SUFFIXES):
        try:
            kind = _read_xml(found, data)
        except etree.XMLSyntaxError as e:
            # What cannot be read cannot be vouched for.
            line = e.lineno or 1
            found.foreign.append(Reference(f"unreadable XML ({e.msg})", "", "?", line))
            kind = "xml"
        return found.facts(kind, len(data))
    if lower.endswith(JSON_SUFFIXES):
        return found.facts(_read_json_feed(found, data), len(data))
    return Facts("other", len(data))


def is_read(output: str) -> bool:
    """Is the output a kind the audit reads (HTML, CSS, XML, JSON)?"""
    return output.lower().endswith(HTML_SUFFIXES + CSS_SUFFIXES + XML_SUFFIXES + JSON_SUFFIXES)
