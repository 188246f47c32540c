"""The dev server's HTTP side: the built files, the live-reload script and its event stream."""

from __future__ import annotations

import dataclasses
import errno
import html
import json
import logging
import os
import re
import secrets
import socket
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..errors import SitegenError
from .headers import TYPES, allowed_host, content_type
from .state import LiveState, News

log = logging.getLogger(__name__)

INTERNAL = "/__sitegen/"
"""URL prefix of the server's own files; no site has a folder of that name."""
_ASSETS = {"live.js": "text/javascript; charset=utf-8", "live.css": "text/css; charset=utf-8"}
_KEEPALIVE_S = 15.0

_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_CSP_EQUIV = re.compile(r"""http-equiv\s*=\s*["']?content-security-policy["'\s>]""", re.I)
_CONTENT = re.compile(r"""(\bcontent\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)

# A page shown when the site has no 404.html yet (the first build failed, or a theme lacks one).
_FALLBACK_404 = b"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Not found</title>
</head>
<body>
<h1>Not found</h1>
<p>Nothing is built at this address (yet).</p>
</body>
</html>
"""


@dataclass(slots=True)
class Site:
    """What the server serves; `base_path` follows site.toml after each good build."""

    out_dir: Path
    base_path: str
    state: LiveState = field(default_factory=LiveState)


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    """Event streams stay open; they must not hold up the end of the process."""

    def __init__(self, host: str, port: int, site: Site) -> None:
        self.site = site
        if ":" in host:
            self.address_family = socket.AF_INET6
        try:
            super().__init__((host, port), _Handler)
        except OSError as e:
            raise SitegenError(_bind_problem(host, port, e)) from None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}{self.site.base_path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a connection early (a reload, a closed tab) is no news.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            log.exception("error while answering %s", client_address)


def _bind_problem(host: str, port: int, e: OSError) -> str:
    if e.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another `sitegen serve`?): "
            f"stop that server or choose another port with --port"
        )
    if e.errno == errno.EACCES:
        return f"not allowed to listen on port {port}: choose one above 1023 with --port"
    if isinstance(e, socket.gaierror) or e.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host!r}: no such address on this machine (see --host)"
    return f"cannot listen on {host}:{port}: {e.strerror or e}"


@dataclass(frozen=True, slots=True)
class Reply:
    status: HTTPStatus
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    location: str | None = None
    output: str = ""
    """The output file shown, relative to the output folder (for live reload)."""
    wanted: str = ""
    """The output file the address asks for, shown or not."""
    content_range: str = ""
    injected: bool = False
    """The body is a page with the live-reload script added."""


class _Handler(BaseHTTPRequestHandler):
    server_version = "sitegen"
    protocol_version = "HTTP/1.0"

    @property
    def site(self) -> Site:
        return cast(DevHTTPServer, self.server).site

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _answer(self, head: bool) -> None:
        if not allowed_host(self.headers.get("Host", ""), self.server.server_address):
            # DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
            self._send(Reply(HTTPStatus.MISDIRECTED_REQUEST, b"unknown host\n"), head)
            return
        url = urlsplit(self.path)
        if url.path == INTERNAL + "events" and not head:
            self._events(url.query)
            return
        if url.path.startswith(INTERNAL):
            self._send(_asset(url.path[len(INTERNAL) :]), head)
            return
        try:
            path = unquote(url.path, errors="strict")
        except UnicodeDecodeError:
            self._send(Reply(HTTPStatus.BAD_REQUEST, b"bad request\n"), head)
            return
        with self.site.state.reading() as reading:
            reply = _lookup(self.site.out_dir, self.site.base_path, path, reading.previewed)
            if reply.output in reading.previewed:
                self.site.state.read_preview()
        if reply.content_type.startswith("text/html"):
            reply = _with_live_script(reply, self.site, reading.generation)
        elif reply.status == HTTPStatus.OK and self.headers.get("Range"):
            reply = _part(reply, self.headers["Range"])
        self._send(reply, head)

    def _send(self, reply: Reply, head: bool) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if reply.location:
            self.send_header("Location", reply.location)
        if reply.content_range:
            self.send_header("Content-Range", reply.content_range)
        if reply.status in (HTTPStatus.OK, HTTPStatus.PARTIAL_CONTENT) and reply.output:
            self.send_header("Accept-Ranges", "none" if reply.injected else "bytes")
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)

    def _events(self, query: str) -> None:
        """A Server-Sent Events stream: a `build` event after each build, `building` before,
        and `preview` when a preview is shown while a build runs."""
        state = self.site.state
        asked = parse_qs(query)
        since = self.headers.get("Last-Event-ID") or asked.get("since", [""])[0]
        with state.showing(asked.get("page", [""])[0]):
            self._stream(state, since)

    def _stream(self, state: LiveState, since: str) -> None:
        token, _, number = since.partition(":")
        marks = state.marks
        if number.isdigit():
            news = state.news(token, int(number))
        else:  # not asked by our script: nothing to catch up on
            news = state.news(state.token, state.generation)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            self._event("build", news)
            seen = news.generation
            while True:
                generation, closings = state.wait_news(seen, marks[1], _KEEPALIVE_S)
                if state.stopping:
                    return
                if closings != marks[1] and state.building:
                    self.wfile.write(b"event: building\ndata: {}\n\n")
                if generation != seen:
                    news = state.news(state.token, seen)
                    self._event("preview" if news.preview else "build", news)
                    seen = news.generation
                if (generation, closings) == marks:
                    self.wfile.write(b": still here\n\n")
                marks = (generation, closings)
        except (ConnectionError, TimeoutError, ValueError):
            return  # the page went away (ValueError: the stream was closed at shutdown)

    def _event(self, name: str, news: News) -> None:
        data = {"changed": news.changed, "error": news.error, "reload": news.reload}
        token = self.site.state.token
        self.wfile.write(
            f"event: {name}\nid: {token}:{news.generation}\ndata: {json.dumps(data)}\n\n".encode()
        )


def _asset(name: str) -> Reply:
    if name not in _ASSETS:
        return Reply(HTTPStatus.NOT_FOUND, b"not found\n")
    body = resources.files(__package__).joinpath(name).read_bytes()
    return Reply(HTTPStatus.OK, body, _ASSETS[name])


def output_for(base_path: str, path: str) -> str | None:
    """The output file (relative to the output folder) an address asks for; None if outside."""
    if not path.startswith(base_path):
        return None
    rel = path[len(base_path) :]
    parts = rel.split("/")
    if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts) or "" in parts[:-1]:
        return None
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def _lookup(
    out_dir: Path, base_path: str, path: str, previewed: dict[str, bytes] | None = None
) -> Reply:
    """Read the file an address asks for (inside the output folder only), or the 404 page;
    a previewed page is answered from memory."""
    rel = output_for(base_path, path)
    if rel is None:
        if path in ("/", base_path.rstrip("/")):
            return Reply(HTTPStatus.FOUND, location=base_path)
        return _not_found(out_dir, "")
    if previewed and rel in previewed:
        return Reply(HTTPStatus.OK, previewed[rel], content_type(rel), output=rel, wanted=rel)
    root = os.path.realpath(out_dir)
    file = os.path.realpath(os.path.join(root, rel))
    if not file.startswith(root + os.sep):
        return _not_found(out_dir, "")
    if os.path.isdir(file):
        # As static hosts do: a folder's address ends in a slash, so relative links work.
        return Reply(HTTPStatus.MOVED_PERMANENTLY, location=quote(path) + "/", wanted=rel)
    try:
        with open(file, "rb") as f:
            body = f.read()
    except OSError:  # missing, a name too long for the file system, unreadable
        return _not_found(out_dir, rel)
    return Reply(HTTPStatus.OK, body, content_type(rel), output=rel, wanted=rel)


def _not_found(out_dir: Path, wanted: str) -> Reply:
    try:
        body = (out_dir / "404.html").read_bytes()
    except OSError:
        body = _FALLBACK_404
    return Reply(HTTPStatus.NOT_FOUND, body, TYPES[".html"], output="404.html", wanted=wanted)


def _with_live_script(reply: Reply, site: Site, generation: int) -> Reply:
    """The page with the live-reload script, its CSP letting that script (and nothing else) in."""
    nonce = secrets.token_urlsafe(16)
    text = reply.body.decode("utf-8", errors="replace")
    text = _META.sub(lambda m: _serving_meta(m.group(0), nonce), text)
    attributes = {
        "nonce": nonce,
        "data-since": f"{site.state.token}:{generation}",
        "data-base": site.base_path,
        "data-output": reply.output,
        "data-wanted": reply.wanted,
    }
    shown = " ".join(f'{k}="{html.escape(v)}"' for k, v in attributes.items())
    tag = f'<script src="{INTERNAL}live.js" {shown} defer></script>\n'
    end = _HEAD_END.search(text) or _BODY_END.search(text)
    text = text[: end.start()] + tag + text[end.start() :] if end else text + tag
    return dataclasses.replace(reply, body=text.encode("utf-8"), injected=True)


_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")
"""18 digits: more bytes than any file has; longer numbers are no range worth answering."""


def _part(reply: Reply, header: str) -> Reply:
    """One byte range of a file, as audio and video players ask for to seek."""
    found = _RANGE.fullmatch(header.strip())
    size = len(reply.body)
    if not found or found.groups() == ("", ""):
        return reply  # several ranges or another unit: the whole file is a valid answer
    first, last = found.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:
        start, end = max(size - int(last), 0), size - 1
    if start >= size or start > end:
        return Reply(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, content_range=f"bytes */{size}")
    return dataclasses.replace(
        reply,
        status=HTTPStatus.PARTIAL_CONTENT,
        body=reply.body[start : end + 1],
        content_range=f"bytes {start}-{end}/{size}",
    )


def _serving_meta(tag: str, nonce: str) -> str:
    if not _CSP_EQUIV.search(tag):
        return tag

    def rewrite(m: re.Match[str]) -> str:
        mark = m.group(2)
        policy = serving_policy(html.unescape(m.group(3)), nonce)
        escaped = html.escape(policy, quote=False).replace(mark, f"&#{ord(mark)};")
        return f"{m.group(1)}{mark}{escaped}{mark}"

    return _CONTENT.sub(rewrite, tag, count=1)


def serving_policy(policy: str, nonce: str) -> str:
    """The page's Content-Security-Policy, widened just enough for the live-reload script.

    The script comes with a fresh nonce, so no other script gets in; the event stream and
    the error overlay's stylesheet come from this server ('self').
    """
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])

    def allow(name: str, source: str) -> None:
        values = directives.get(name)
        if values is None:
            fallback = directives.get("default-src")
            if fallback is None:
                return  # nothing restricts it
            values = directives[name] = list(fallback)
        values[:] = [v for v in values if v.lower() != "'none'"]
        if source not in values:
            values.append(source)

    for name in ("script-src", *(["script-src-elem"] if "script-src-elem" in directives else [])):
        allow(name, f"'nonce-{nonce}'")
    for name in ("style-src", *(["style-src-elem"] if "style-src-elem" in directives else [])):
        allow(name, "'self'")
    allow("connect-src", "'self'")
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())
