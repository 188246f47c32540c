"""In a real headless Chromium that logs every request: no page of the demo contacts another host.

The browser is driven over the DevTools protocol on a pipe (no extra packages). Every
other host resolves to nothing (--host-resolver-rules), so nothing leaves the machine
even if a page tried; the attempt is still logged, and that is what the test reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import REPO, build_site

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")


class Browser:
    """A headless Chromium and one tab, spoken to over --remote-debugging-pipe."""

    def __init__(self, profile: Path) -> None:
        to_browser = os.pipe()
        from_browser = os.pipe()
        # Out of the way of fds 3 and 4, where the browser expects its pipe ends.
        self.reader = _high(from_browser[0])
        self.writer = _high(to_browser[1])
        child_in, child_out = _high(to_browser[0]), _high(from_browser[1])
        for fd in (*to_browser, *from_browser):
            os.close(fd)

        def pipes() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--remote-debugging-pipe",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=pipes,  # safe: the browser starts before the server's thread
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(child_in)
        os.close(child_out)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.call("Network.enable", session=True)
        self.call("Page.enable", session=True)
        # A very tall window: lazy images are all "in view" and load at once.
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 20000, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = False
    ) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(30)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def requests_of(self, url: str) -> list[str]:
        """Open a page; every URL the browser asked for while loading it."""
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + 20
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            assert time.monotonic() < deadline, f"{url} did not load"
            self.events.append(self._receive(deadline - time.monotonic()))
        settle = time.monotonic() + 0.3  # beacons and late fetches
        while (left := settle - time.monotonic()) > 0:
            event = self._receive(left, wait=False)
            if event:
                self.events.append(event)
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def cookies(self) -> list[dict[str, Any]]:
        return list(self.call("Storage.getCookies")["cookies"])

    def close(self) -> None:
        with contextlib.suppress(AssertionError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.reader)
        os.close(self.writer)

    def _receive(self, timeout: float, wait: bool = True) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.reader], [], [], max(left, 0))
            if not ready:
                if not wait:
                    return {}
                raise AssertionError("the browser stopped answering")
            chunk = os.read(self.reader, 1 << 16)
            assert chunk, "the browser went away"
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed


def _high(fd: int) -> int:
    return fcntl.fcntl(fd, fcntl.F_DUPFD, 10)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A folder served on 127.0.0.1, and its base URL."""
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("profile"))
    try:
        yield chromium
    finally:
        chromium.close()


def test_the_browser_log_catches_a_request_to_another_host(
    browser: Browser, served: tuple[str, Path]
) -> None:
    """The harness itself: a page that does contact another host is seen doing it."""
    base, root = served
    (root / "control.html").write_text(
        '<!doctype html><title>x</title><img src="http://pix.example.net/x.png" alt="">'
    )
    requests = browser.requests_of(base + "control.html")
    assert "http://pix.example.net/x.png" in requests


def test_no_page_of_the_demo_site_contacts_another_host(
    browser: Browser, served: tuple[str, Path]
) -> None:
    base, root = served
    site_url = base + "tagebuch/"
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    build_site(REPO, out_dir=root / "tagebuch", base_url=site_url, now=now)
    pages = sorted(root.glob("tagebuch/**/*.html"))
    assert len(pages) > 20
    own = urlsplit(base).netloc
    seen = 0
    for page in pages:
        url = base + page.relative_to(root).as_posix().removesuffix("index.html")
        requests = browser.requests_of(url)
        assert requests and requests[0] == url
        seen += len(requests)
        foreign = [r for r in requests if not r.startswith("data:") and urlsplit(r).netloc != own]
        assert foreign == [], f"{url} contacted {foreign}"
    assert seen > 2 * len(pages)  # the page, its stylesheet and icon at least; images too
    assert browser.cookies() == []
