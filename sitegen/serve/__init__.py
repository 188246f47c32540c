"""`sitegen serve`: build, serve the output, rebuild on every save, reload the browser.

The server builds with the same `build()` as `sitegen build`, into its own folder
(SITE/.sitegen-cache/serve) rather than output/: a preview with drafts must never end
up in what `sitegen build` made for publishing, and a deploy checkout in output/ is
left alone. The parse and image caches are shared, so the first build is quick after
a `sitegen build`, and the folder keeps its own manifest, so later builds write only
what changed. The live-reload script is added to pages as they are sent; the built
files never hold it.

A save of a post is shown twice: at once as a preview of that post's page (made from the
new text and the last good build's plan, see `sitegen.preview`), then as the build that
makes everything the save touched. The browser reloads a second time only if the built
page differs from the preview.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..build import CACHE_DIR, BuildOptions, BuildReport, build
from ..config import load_config
from ..errors import BuildErrors, SitegenError
from ..preview import Preview
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
        self.watcher: Watcher | None = None
        """Made once the first build is done: watchdog starts a thread as it makes its
        observer, and the build may fork its workers only while no other thread runs."""
        self.threads: list[threading.Thread] = []
        self.stopped = threading.Event()
        self.builds = 0
        self.preview: Preview | None = None
        """What the last good build planned, to preview the next save; None while a build
        runs (two plans of a large site are not held at once)."""

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
        self.watcher = Watcher(self.site_dir, self.state, self.options.poll)
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
        if self.watcher is not None:
            self.watcher.stop()
        if self.httpd is not None:
            if self.threads:
                self.httpd.shutdown()
            self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=60)

    def _rebuild_loop(self) -> None:
        if self.preview is None and self.builds == 1 and self.state.error is None:
            self._plan()
        self._settle()
        quiet = self.options.quiet
        while self.state.next_build(quiet, early=self.preview is not None):
            self._preview(self.state.take_changes())
            self.state.quiet_for(quiet)
            self._build()
            self._settle()

    def _plan(self) -> None:
        """Plan the site once more when the first build had nothing to do (its stamp was
        fresh), so that the first save is previewed too; requests are answered meanwhile."""
        options = BuildOptions(
            self.site_dir, self.out_dir, self.options.drafts, force=True, replan=True
        )
        try:
            report = build(options, keep=self._keep)
        except Exception:  # the next build reports whatever it is; only the preview waits
            log.debug("planning for previews failed", exc_info=True)
            return
        if report.written or report.pruned:  # a save came before the watcher saw it
            self._succeeded(report)

    def _preview(self, changes: frozenset[str] | None) -> None:
        preview, self.preview = self.preview, None
        if preview is None or not changes:
            return
        started = time.perf_counter()
        try:
            pages = preview.pages(changes)
        except Exception:
            log.exception("the preview failed unexpectedly; please report this")
            return
        if pages and self.state.show_preview({p.output: p.data for p in pages}):
            shown = ", ".join(p.output for p in pages)
            print(f"preview: {shown} in {time.perf_counter() - started:.3f} s", flush=True)
            self.state.preview_read(quiet=0.05, limit=0.5)

    def _keep(self, preview: Preview) -> None:
        self.preview = preview

    def _settle(self) -> None:
        """Collect what the last build left, then set the rest aside from the collector.

        The plan held for previews lives until the next build, and a full collection
        walking it (and the whole model) would land inside the next preview: a tenth of
        a second at 10,000 posts, against a few milliseconds for the preview itself.
        """
        gc.collect()
        gc.freeze()
        if self.preview is not None:
            self.preview.warm()

    def _build(self) -> None:
        # The folder is the server's own, inside the cache: no user file can be in it.
        options = BuildOptions(self.site_dir, self.out_dir, self.options.drafts, force=True)
        try:
            report = build(options, keep=self._keep)
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
        # A page the browser shows as previewed reloads only if the build made it otherwise.
        previewed = self.state.previewed()
        same = {
            o for o in report.written if o in previewed and _holds(report.out_dir / o, previewed[o])
        }
        self.state.finish(frozenset((*report.written, *report.pruned)) - same, None)

    def _failed(self, message: str) -> None:
        self.builds += 1
        print(message, file=sys.stderr)
        print("build failed; still serving the last good build", file=sys.stderr, flush=True)
        self.state.finish(frozenset(), message)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _message(e: SitegenError) -> str:
    # As the command line prints it: `path:line: what is wrong`, one problem a line.
    return str(e) if e.path is not None or isinstance(e, BuildErrors) else f"error: {e}"
