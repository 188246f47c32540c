"""The facts of one output, and the collector that gathers them while it is read."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from .cssfacts import css_findings
from .text import srcset_urls
from .weburl import resolve

# data: URLs a browser shows without fetching anything they name (SVG as an image does not).
_INERT_DATA = ("image/", "font/", "audio/", "video/", "text/plain", "application/octet-stream")
DOCUMENT_TYPES = frozenset(
    {
        "text/css",
        "text/html",
        "image/svg+xml",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
    }
)

# A reference with no scheme and no host of its own ("../tags/zug/", "/2013/#top"):
# a browser resolves it to the document's own host and scheme, whatever the base.
_SAME_HOST = re.compile(r"(?!//)[\w.~%/?#=&+-]*", re.ASCII)

UNPROVEN = "?"
"""The host of a Reference that is a problem: something the audit cannot vouch for."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference in an output that makes a browser contact another host, or a problem."""

    what: str
    """The kind of reference, as a reader of the output would find it: "<img srcset>";
    for a problem (host UNPROVEN), the whole message."""
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
    """References that make a browser contact another host, allowed or not, and problems."""
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

    @property
    def unproven(self) -> int:
        """How many things in it the audit could not vouch for."""
        return sum(1 for r in self.foreign if r.host == UNPROVEN)


class Found:
    """Collects the facts of one output while it is read."""

    def __init__(self, base_url: str, output: str) -> None:
        base = resolve(base_url, base_url)
        assert base is not None, base_url
        self.host = base.host
        self.base_path = base.path or "/"
        page = resolve(output.removesuffix("index.html"), base.href)
        self.page_url = page.href if page else base.href
        self.foreign: list[Reference] = []
        self.loads: set[str] = set()
        self.scripts: set[str] = set()
        self.script_bytes = 0
        self.links: list[str] = []
        self.cookies = 0
        self.referrer = ""
        self.redirect = False
        self.documents: list[tuple[str, bytes, int]] = []
        """Documents inside data: URLs (MIME type, bytes, line), to be read as documents too."""

    def problem(self, message: str, line: int) -> None:
        """Something the audit cannot vouch for: an error, as if it contacted another host."""
        self.foreign.append(Reference(message, "", UNPROVEN, line))

    def run(self, what: str, code: str, line: int) -> None:
        """JavaScript in a page: measured for the transparency page, and an error."""
        self.script_bytes += len(code.strip().encode("utf-8"))
        self.problem(f"{what} runs JavaScript: sitegen's pages hold no script", line)

    def request(self, what: str, raw: str, line: int, weighed: bool = False) -> None:
        """A URL the browser fetches without being asked: from elsewhere it is a violation."""
        url = resolve(raw, self.page_url)
        if url is None:
            return
        if url.scheme == "javascript":
            self.run(what, url.href, line)
        elif url.scheme == "data":
            self._data(what, url.href, line)
        elif url.host and url.host != self.host:
            self.foreign.append(Reference(what, url.href, url.host, line))
        elif url.host and weighed:
            own = self._own(url.path)
            if own is not None:
                self.loads.add(own)

    def _data(self, what: str, href: str, line: int) -> None:
        """A data: URL holds a document of its own (a stylesheet, an SVG): it is read too."""
        header, _, body = href[5:].partition(",")
        mime = header.split(";", 1)[0].strip().lower() or "text/plain"
        svg_image = mime == "image/svg+xml" and what in ("<img src>", "<img srcset>")
        if mime.startswith(_INERT_DATA) and (mime != "image/svg+xml" or svg_image):
            return
        if mime not in DOCUMENT_TYPES:
            self.problem(f"{what}: a data: URL of type {mime} the audit cannot read", line)
            return
        try:
            if header.lower().rstrip().endswith(";base64"):
                data = base64.b64decode(unquote_to_bytes(body), validate=False)
            else:
                data = unquote_to_bytes(body)
        except (ValueError, binascii.Error):
            self.problem(f"{what}: a data: URL the audit cannot decode", line)
            return
        self.documents.append((mime, data, line))

    def srcset(self, what: str, value: str, line: int) -> None:
        for url in srcset_urls(value):
            self.request(what, url, line)

    def link(self, raw: str, line: int) -> None:
        """A link the reader may follow: counted by host, never a violation."""
        if _SAME_HOST.fullmatch(raw):
            return  # most links of a page: no host to count, nothing run
        url = resolve(raw, self.page_url)
        if url is None:
            return
        if url.scheme == "javascript":
            self.run("a javascript: link", url.href, line)
        elif url.host and url.host != self.host and url.scheme in ("http", "https"):
            self.links.append(url.host.removeprefix("www."))

    def css(self, text: str, line: int, declarations: bool = False) -> None:
        """References in a stylesheet, a <style> element or a style attribute."""
        try:
            findings = list(css_findings(text, declarations))
        except RecursionError:
            self.problem("CSS nested too deeply for the audit to read", line)
            return
        for finding in findings:
            at = line + finding.line - 1
            if finding.url is None:
                self.problem(finding.what, at)
            else:
                self.request(finding.what, finding.url, at, weighed=True)

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

    def _own(self, path: str) -> str | None:
        """The output a path on this site's host names; None outside the base path."""
        if not path.startswith(self.base_path):
            return None
        own = path[len(self.base_path) :]
        return own + "index.html" if own == "" or own.endswith("/") else own
