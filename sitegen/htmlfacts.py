"""Read HTML, SVG and MathML elements as a browser does, against the allowlist.

Pages go through libxml2's HTML parser, whose tokenizer follows the HTML standard
(comments, raw text, attribute spellings) and which keeps source lines. Where its tree
differs from a browser's (HTML elements inside <svg> break out of it there), each element
is judged by the stricter reading. A parser limit that ends reading early (nesting past
2,048 elements) is an error, never a page read in part.
"""

from __future__ import annotations

import re

from lxml import etree

from .found import Found
from .safelist import (
    DATA_SCRIPTS,
    FETCH,
    GLOBAL_ATTRIBUTES,
    HTML_ELEMENTS,
    LINK,
    MATHML_ATTRIBUTES,
    MATHML_ELEMENTS,
    QUIET_EQUIVS,
    QUIET_RELS,
    SRCSET,
    SVG_ATTRIBUTES,
    SVG_ELEMENTS,
)

HTML, SVG, MATH = "html", "svg", "math"
_REFRESH_URL = re.compile(r"""^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(['"]?)(.*)""", re.I | re.S)
# Elements of SVG and MathML whose content is HTML again.
_HTML_INSIDE = frozenset({"foreignobject", "annotation-xml", "mi", "mo", "mn", "ms", "mtext"})
_ANIMATIONS = frozenset({"animate", "set", "animatetransform", "animatemotion"})
_WEIGHED = frozenset({("img", "src"), ("input", "src")})


def read_html(found: Found, text: str, line: int | None = None) -> None:
    """Feed what an HTML document references into `found`.

    `line` is set for a document inside another (iframe srcdoc, feed content): every
    reference in it is reported on that line.
    """
    if not text.strip():
        return
    parser = etree.HTMLParser(
        encoding="utf-8", recover=True, no_network=True, remove_comments=True, huge_tree=True
    )
    root = etree.fromstring(text.encode("utf-8", errors="surrogatepass"), parser)
    for error in parser.error_log:
        if "misplaced <body>" in error.message or "misplaced <html>" in error.message:
            # A browser adds a second <body>'s or <html>'s attributes to the first; lxml drops them.
            tag = "body" if "<body>" in error.message else "html"
            found.problem(
                f"a second <{tag}> tag: a browser reads its attributes, the audit cannot",
                line or error.line,
            )
        elif error.level == etree.ErrorLevels.FATAL:
            # The parser stopped here (nesting too deep): what follows was never read.
            found.problem(
                f"the HTML parser stopped reading ({error.message}); "
                "the audit cannot vouch for the rest",
                line or error.line,
            )
    if root is None:
        return
    spaces: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):
            continue
        if event == "end":
            spaces.pop()
            continue
        tag = el.tag.lower()
        space = _space(tag, spaces[-1] if spaces else HTML, el.getparent())
        spaces.append(space)
        attrs = {str(k).lower(): str(v) for k, v in el.attrib.items()}
        element(found, space, tag, attrs, line or el.sourceline or 1, el.text or "")


def _space(tag: str, outer: str, parent: etree._Element | None) -> str:
    """Which rules an element is read by, as the browser's tree builder would place it."""
    if outer != HTML and parent is not None and str(parent.tag).lower() in _HTML_INSIDE:
        outer = HTML
    if outer == HTML:
        return SVG if tag == "svg" else MATH if tag == "math" else HTML
    if outer == SVG and tag in SVG_ELEMENTS:
        return SVG
    if outer == MATH and tag in MATHML_ELEMENTS:
        return MATH
    return HTML  # an HTML element breaks out of SVG and MathML there


def element(
    found: Found, space: str, tag: str, attrs: dict[str, str], line: int, text: str
) -> None:
    """Judge one element and its attributes; `text` is its first text (for style, script)."""
    if space == HTML:
        known = HTML_ELEMENTS.get(tag)
        if known is None:
            found.problem(f"<{tag}> is not an element the audit knows to be safe", line)
            known = {}
    elif space == SVG:
        known = dict.fromkeys(SVG_ATTRIBUTES, "")
    else:
        known = dict.fromkeys(MATHML_ATTRIBUTES, "")
    for name, value in attrs.items():
        if name.startswith("on"):
            found.run(f"<{tag} {name}>", value, line)
        elif name == "style":
            found.css(value, line, declarations=True)
        elif name.startswith(("aria-", "data-")) or name in GLOBAL_ATTRIBUTES:
            continue
        elif name not in known:
            found.problem(f"<{tag} {name}> is not an attribute the audit knows to be safe", line)
        elif space == SVG:
            _svg_attribute(found, tag, name, value, line)
        elif tag == "link" and name == "href":
            _link(found, attrs, line)
        elif known[name] == FETCH:
            found.request(f"<{tag} {name}>", value, line, (tag, name) in _WEIGHED)
        elif known[name] == SRCSET:
            found.srcset(f"<{tag} {name}>", value, line)
        elif known[name] == LINK:
            found.link(value, line)
    if space == SVG and tag in _ANIMATIONS:
        _animation(found, tag, attrs, line)
    if tag == "meta":
        _meta(found, attrs, line)
    elif tag == "script":
        kind = attrs.get("type", "").strip().lower()
        if kind not in DATA_SCRIPTS:
            found.run("<script>", text or attrs.get("src", " "), line)
    elif tag == "style" and text:
        found.css(text, line)
    elif tag == "iframe" and attrs.get("srcdoc"):
        read_html(found, attrs["srcdoc"], line)


def _svg_attribute(found: Found, tag: str, name: str, value: str, line: int) -> None:
    if name in ("href", "xlink:href"):
        if tag == "a":
            found.link(value, line)
        else:
            found.request(f"<svg {tag} {name}>", value, line, weighed=True)
    elif "url" in value.lower() or "(" in value:
        # Presentation attributes are CSS values: fill="url(...)", filter, mask, clip-path.
        found.css(f"--value:{value}", line, declarations=True)


def _animation(found: Found, tag: str, attrs: dict[str, str], line: int) -> None:
    """An animation that sets href fetches each value it sets."""
    if attrs.get("attributename", "").strip().lower() not in ("href", "xlink:href"):
        return
    for name in ("from", "to", "by", "values"):
        for value in attrs.get(name, "").split(";"):
            if value.strip():
                found.request(f"<svg {tag} {name}>", value, line)


def _link(found: Found, attrs: dict[str, str], line: int) -> None:
    rels = set(attrs.get("rel", "").lower().split())
    loading = sorted(rels - QUIET_RELS) or ([] if rels else ["(no rel)"])
    if loading:
        weighed = bool(rels & {"stylesheet", "icon"})
        found.request(f'<link rel="{loading[0]}">', attrs["href"], line, weighed)


def _meta(found: Found, attrs: dict[str, str], line: int) -> None:
    equiv = attrs.get("http-equiv", "").strip().lower()
    content = attrs.get("content", "")
    if equiv and equiv not in QUIET_EQUIVS:
        found.problem(f'<meta http-equiv="{equiv}"> is not one the audit knows to be safe', line)
    if equiv == "refresh":
        m = _REFRESH_URL.match(content)
        url = m.group(2) if m else content
        if m and m.group(1) and m.group(1) in url:
            url = url[: url.index(m.group(1))]
        if url.strip():
            found.redirect = True
            found.request('<meta http-equiv="refresh">', url, line)
    elif equiv == "set-cookie":
        found.cookies += 1
    elif attrs.get("name", "").strip().lower() == "referrer":
        found.referrer = content.strip().lower()
