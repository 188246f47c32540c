"""`sitegen serve`: build, serve the output, rebuild on every save, reload the browser.

The server builds with the same `build()` as `sitegen build`, into its own folder
(SITE/.sitegen-cache/serve) rather than output/: a preview with drafts must never end
up in what `sitegen build` made for publishing, and a deploy checkout in output/ is
left alone. The parse and image caches are shared, so the first build is quick after
a `sitegen build`, and the folder keeps its own manifest, so later builds write only
what changed. The live-reload script is added to pages as they are sent; the built
files never hold it.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..build import CACHE_DIR, BuildOptions, BuildReport, build
from ..config import load_config
from ..errors import BuildErrors, SitegenError
from .handler import DevHTTPServer, Site
from .watch import Watcher, changed_since

log = logging.getLogger(__name__)

SERVE_DIR = "serve"
"""The server's output folder, inside the site's cache folder."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    """0 picks a free port."""
    drafts: bool = False
    poll: bool = False
    """Poll the files instead of waiting for the system's change events."""
    quiet: float = 0.05
    """Seconds without a change before a rebuild starts: one rebuild for a burst of saves."""


def serve(options: ServeOptions) -> int:
    """Run the server until Ctrl-C; return the exit code."""
    server = DevServer(options)
    try:
        server.start()
        print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
        server.wait()
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr, flush=True)
    finally:
        server.stop()
    return 0


class DevServer:
    """The server, its watcher and its builder; `start()` returns once it answers requests."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.site_dir = options.site_dir.resolve()
        config = load_config(self.site_dir)  # not a site at all: stop before listening
        self.out_dir = self.site_dir / CACHE_DIR / SERVE_DIR
        self.site = Site(self.out_dir, config.base_path)
        self.state = self.site.state
        self.httpd: DevHTTPServer | None = None
        self.watcher = Watcher(self.site_dir, self.state.changed, options.poll)
        self.threads: list[threading.Thread] = []
        self.stopped = threading.Event()
        self.builds = 0

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return self.httpd.url

    def start(self) -> None:
        # Listen first, so a busy port is reported before a long first build.
        self.httpd = DevHTTPServer(self.options.host, self.options.port, self.site)
        started = time.time_ns()
        # Before any thread starts: the build may fork its workers only while none run.
        self._build()
        self.watcher.start()
        if changed_since(self.site_dir, started):
            self.state.changed()  # saved while the first build ran, before the watcher
        for target, name in ((self._rebuild_loop, "builder"), (self.httpd.serve_forever, "http")):
            thread = threading.Thread(target=target, name=f"sitegen-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def wait(self) -> None:
        while not self.stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, let a running build finish, close every connection."""
        self.stopped.set()
        self.state.stop()
        self.watcher.stop()
        if self.httpd is not None:
            if self.threads:
                self.httpd.shutdown()
            self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=60)

    def _rebuild_loop(self) -> None:
        while self.state.next_build(self.options.quiet):
            self._build()

    def _build(self) -> None:
        # The folder is the server's own, inside the cache: no user file can be in it.
        options = BuildOptions(self.site_dir, self.out_dir, self.options.drafts, force=True)
        try:
            report = build(options)
        except SitegenError as e:
            self._failed(_message(e))
            return
        except Exception as e:
            log.exception("sitegen failed unexpectedly; please report this")
            self._failed(f"sitegen failed unexpectedly: {type(e).__name__}: {e} (see the terminal)")
            return
        self._succeeded(report)

    def _succeeded(self, report: BuildReport) -> None:
        # site.toml may break right after the build: the next build will say so.
        with contextlib.suppress(SitegenError):
            self.site.base_path = load_config(self.site_dir).base_path
        for notice in report.warnings:
            print(notice, file=sys.stderr)
        self.builds += 1
        print(("built: " if self.builds == 1 else "rebuilt: ") + report.summary(), flush=True)
        self.state.finish(frozenset((*report.written, *report.pruned)), None)

    def _failed(self, message: str) -> None:
        self.builds += 1
        print(message, file=sys.stderr)
        print("build failed; still serving the last good build", file=sys.stderr, flush=True)
        self.state.finish(frozenset(), message)


def _message(e: SitegenError) -> str:
    # As the command line prints it: `path:line: what is wrong`, one problem a line.
    return str(e) if e.path is not None or isinstance(e, BuildErrors) else f"error: {e}"
