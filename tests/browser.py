"""A real headless Chromium for the tests, and a plain static server for a built site.

The browser is Debian's chromium driven by Playwright. Every request to a host
other than the local server is refused and recorded, so a test can prove that a
page contacts nobody else.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"


class _BasePathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site at the path of its base_url, as static hosting would."""

    def __init__(self, *args: object, directory: str, prefix: str, **kwargs: object) -> None:
        self.prefix = prefix
        super().__init__(*args, directory=directory, **kwargs)  # type: ignore[arg-type]

    def translate_path(self, path: str) -> str:
        bare = urllib.parse.urlsplit(path).path
        if not bare.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + bare[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        missing = Path(self.directory) / "404.html"
        if code != 404 or not missing.is_file():
            super().send_error(code, message, explain)
            return
        body = missing.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def static_server(folder: Path, prefix: str = "/") -> Iterator[str]:
    """Serve folder at http://127.0.0.1:PORT{prefix}; yield that address."""
    handler = functools.partial(_BasePathHandler, directory=str(folder), prefix=prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Outside:
    """Requests the browser tried to send to another host (all refused)."""

    urls: list[str] = field(default_factory=list)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        from .conftest import missing

        missing("Chromium, which the browser tests drive", "apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def local_page(browser: Browser, **options: object) -> Iterator[tuple[Page, Outside]]:
    """A fresh page that may only talk to 127.0.0.1; other requests are refused and kept."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    outside = Outside()

    def route(route: Route) -> None:
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.urls.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    try:
        yield context.new_page(), outside
    finally:
        context.close()
