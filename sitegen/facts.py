"""Read one output's bytes into its Facts: what it makes a browser load, link to and run.

A file is read as a static host serves it, by its extension: HTML, CSS, SVG and other
XML, JSON feeds and web manifests; a JavaScript file is refused (sitegen publishes no
script). Bytes are decoded as browsers decode them (BOM, declared charset), and where
two readings could differ the file is an error. Every reference is resolved by the
WHATWG URL Standard, then sorted: another host, this site, or no request at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

import webencodings
from lxml import etree

from .cssfacts import decode_css
from .found import UNPROVEN, Facts, Found, Reference
from .htmlfacts import HTML, MATH, SVG, element, read_html

__all__ = ["UNPROVEN", "Facts", "Reference", "is_read", "read_output"]

HTML_SUFFIXES = (".html", ".htm", ".shtml")
XHTML_SUFFIXES = (".xhtml", ".xht")
CSS_SUFFIXES = (".css",)
XML_SUFFIXES = (".xml", ".svg", ".rss", ".atom", ".rdf", ".mml", *XHTML_SUFFIXES)
JSON_SUFFIXES = (".json", ".webmanifest")
# Served as something a browser runs or reads for references, which the audit cannot vouch for.
REFUSED_SUFFIXES = (".js", ".mjs", ".cjs", ".xsl", ".xslt", ".svgz", ".wasm")

_NAMESPACES = {
    "http://www.w3.org/1999/xhtml": HTML,
    "http://www.w3.org/2000/svg": SVG,
    "http://www.w3.org/1998/Math/MathML": MATH,
}
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*["']([^"']+)""")

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


def read_output(output: str, data: bytes, base_url: str) -> Facts:
    """The facts of one output, read from its bytes."""
    found = Found(base_url, output)
    kind = _read(found, output.lower(), data)
    # Documents inside data: URLs (a stylesheet, a frame) are read as the browser reads them.
    while found.documents:
        mime, inner, _ = found.documents.pop()
        _read(found, _SUFFIX_OF[mime], inner)
    return found.facts(kind, len(data))


_SUFFIX_OF = {
    "text/css": ".css",
    "text/html": ".html",
    "image/svg+xml": ".svg",
    "application/xhtml+xml": ".xhtml",
    "text/xml": ".xml",
    "application/xml": ".xml",
}


def _read(found: Found, lower: str, data: bytes) -> str:
    """Read one document into `found` by its file name's suffix; return its kind."""
    if lower.endswith(HTML_SUFFIXES):
        text, problem = decode_html(data)
        if problem:
            found.problem(problem, 1)
        read_html(found, text)
        return "page"
    if lower.endswith(CSS_SUFFIXES):
        text, problem = decode_css(data)
        if problem:
            found.problem(problem, 1)
        found.css(text, 1)
        return "stylesheet"
    if lower.endswith(XML_SUFFIXES):
        kind = _read_xml(found, data)
        return "page" if lower.endswith(XHTML_SUFFIXES) else kind
    if lower.endswith(JSON_SUFFIXES):
        return _read_json(found, data, manifest=lower.endswith("manifest"))
    if lower.endswith(REFUSED_SUFFIXES):
        suffix = lower.rsplit(".", 1)[-1]
        found.problem(
            f"a .{suffix} file is run or read by browsers and the audit cannot read it", 1
        )
    return "other"


def is_read(output: str) -> bool:
    """Is the output a kind the audit reads (or refuses): HTML, CSS, XML, JSON, scripts?"""
    suffixes = HTML_SUFFIXES + CSS_SUFFIXES + XML_SUFFIXES + JSON_SUFFIXES + REFUSED_SUFFIXES
    return output.lower().endswith(suffixes)


def decode_html(data: bytes) -> tuple[str, str | None]:
    """A page's text as browsers read it, and a problem when their readings could differ.

    The BOM wins; else the server's charset (UTF-8 or none on static hosts) or a declared
    charset anywhere in the page (a late <meta> makes the browser read it again). Every
    reading must give the same text, and a page without ASCII-only bytes must say its charset.
    """
    for bom, name in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16le"),
        (b"\xfe\xff", "utf-16be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return data.decode("utf-8", errors="replace"), f"not valid UTF-8 (byte {e.start})"
    declared = {m.group(1).decode("ascii").lower() for m in _CHARSET.finditer(data)}
    if not declared and not data.isascii():
        return (
            text,
            "no charset declared: a browser may guess another one; add <meta charset=utf-8>",
        )
    for label in sorted(declared):
        encoding = webencodings.lookup(label)
        if encoding is None or encoding.name in ("utf-8", "utf-16le", "utf-16be"):
            continue  # unknown labels are ignored; UTF-16 declared in the page means UTF-8
        if webencodings.decode(data, encoding, "replace")[0] != text:
            return text, f"charset {label}: a browser may read this page otherwise; use UTF-8"
    return text, None


def _read_xml(found: Found, data: bytes) -> str:
    """Read an SVG, feed or other XML document; return its kind."""
    declared = _XML_ENCODING.match(data)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in ("utf-8", "utf8"):
        found.problem("declares an encoding other than UTF-8: a browser may read it otherwise", 1)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        # What cannot be read cannot be vouched for (a browser shows what it read up to there).
        found.problem(f"unreadable XML ({e.msg}): the audit cannot read it", e.lineno or 1)
        return "xml"
    for sibling in root.itersiblings(preceding=True):
        if isinstance(sibling, etree._ProcessingInstruction) and sibling.target == "xml-stylesheet":
            href = sibling.get("href")
            if href:
                found.request("<?xml-stylesheet href?>", href, sibling.sourceline or 1, True)
    name = etree.QName(root).localname
    if name in ("rss", "feed", "RDF") and etree.QName(root).namespace not in _NAMESPACES:
        _read_feed(found, root, atom=name == "feed")
        return "feed"
    _read_xml_elements(found, root)
    return "svg" if name == "svg" else "xml"


def _read_xml_elements(found: Found, root: etree._Element) -> None:
    """Every element of XHTML, SVG and MathML in an XML document, judged as in HTML."""
    for node in root.iter():
        line = node.sourceline or 1
        if isinstance(node, etree._Entity):
            found.problem(f"entity reference {node.text}: the audit does not expand entities", line)
            continue
        if not isinstance(node.tag, str):
            continue
        qname = etree.QName(node)
        space = _NAMESPACES.get(qname.namespace or "")
        attrs: dict[str, str] = {}
        for key, value in node.attrib.items():
            attr = etree.QName(key)
            if attr.namespace == _XML and attr.localname == "base":
                found.problem("xml:base: the audit does not follow it", line)
            elif attr.namespace in (_XLINK, _XML):
                attrs[f"{'xlink' if attr.namespace == _XLINK else 'xml'}:{attr.localname}"] = value
            elif attr.namespace is None:
                attrs[attr.localname.lower()] = str(value)
            # Attributes of other namespaces (an editor's own) mean nothing to a browser.
        if space is not None:
            element(found, space, qname.localname.lower(), attrs, line, node.text or "")


def _read_feed(found: Found, root: etree._Element, atom: bool) -> None:
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
                _read_xml_elements(found, el)
            elif kind in ("html", "text/html") and el.text:
                read_html(found, el.text, line)


def _read_json(found: Found, data: bytes, manifest: bool) -> str:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        if manifest or b"jsonfeed.org" in data:
            kind = "web manifest" if manifest else "JSON Feed"
            found.problem(f"unreadable {kind}: the audit cannot read it", 1)
        return "other"
    if manifest:
        _read_manifest(found, doc)
        return "other"
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        return "other"
    for key in ("icon", "favicon"):
        if isinstance(doc.get(key), str):
            found.request(f'JSON Feed "{key}"', doc[key], 1, weighed=True)
    items = doc.get("items")
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
            read_html(found, item["content_html"], 1)
    return "feed"


def _read_manifest(found: Found, value: Any) -> None:
    """A web manifest's icons and screenshots are fetched by the browser that reads it."""
    todo = [value]
    while todo:
        current = todo.pop()
        if isinstance(current, dict):
            if isinstance(current.get("src"), str):
                found.request('web manifest "src"', current["src"], 1, weighed=True)
            todo.extend(current.values())
        elif isinstance(current, list):
            todo.extend(current)
