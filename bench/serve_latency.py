#!/usr/bin/env python3
"""Save-to-reload latency of `sitegen serve`: from writing a post to the browser showing it.

    python3 bench/serve_latency.py [--posts 1000] [--runs 15] [--workdir /tmp/sitegen-bench]

The corpus comes from shared/bench/make_corpus.py (made once and kept in the work
directory, as bench/run.py does) and is copied, so edits never touch it. The real
command, `sitegen serve --port 0`, runs as its own process; headless Chromium
(Debian's, driven by Playwright) opens the newest post. Each run appends a sentence to
that post's Markdown and times, from just before the write until the reloaded page's
first paint (the browser's own clock): the watcher's event, the quiet period that
gathers a burst of saves (50 ms), the rebuild, the event to the browser, its reload
and its rendering. Beside it: the server's own rebuild time (from its terminal line),
the moment the browser began to reload, and when the harness saw the text (which adds
Playwright's polling across the navigation).

Needs: `pip install -e '.[test]'` (Playwright) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # the benchmark harness beside this file
    DEFAULT_CORPUS_SCRIPT,
    FAR_FUTURE,
    cpu_model,
    ensure_corpus,
    read_posts,
)

CHROMIUM = "/usr/bin/chromium"
WAIT_S = 30.0
PAINTED = """() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const nav = performance.getEntriesByType("navigation")[0];
    const shown = paint ? paint.startTime : nav.domContentLoadedEventEnd;
    return [performance.timeOrigin, performance.timeOrigin + shown];
}"""
REBUILT = re.compile(r"^rebuilt: .* in ([0-9.]+) s$")


class Server:
    """`sitegen serve` in its own process; its terminal lines are read in a thread."""

    def __init__(self, site: Path) -> None:
        env = {**os.environ, "SOURCE_DATE_EPOCH": FAR_FUTURE}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        started = time.monotonic()
        self.first_build = ""
        while True:
            line = self.next_line(started + 600)
            if line.startswith("built: "):
                self.first_build = line
            found = re.match(r"serving (http://\S+)", line)
            if found:
                self.url = found.group(1)
                return

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, deadline: float) -> str:
        try:
            return self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise SystemExit("sitegen serve said nothing in time") from None

    def rebuild_seconds(self) -> float:
        """The build time of the next rebuild the server reports."""
        deadline = time.monotonic() + WAIT_S
        while True:
            line = self.next_line(deadline)
            found = REBUILT.match(line)
            if found:
                return float(found.group(1))
            if "failed" in line:
                raise SystemExit(f"the rebuild failed: {line}")

    def stop(self) -> None:
        self.process.send_signal(2)  # Ctrl-C
        try:
            self.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()


def measure(posts: int, runs: int, workdir: Path, corpus_script: Path) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    corpus = ensure_corpus(posts, workdir, corpus_script)
    site = workdir / f"serve-{posts}"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(corpus, site)
    newest = read_posts(site)[-1]
    source = site / "content" / "posts" / newest.rel
    address = newest.url_path().removesuffix("index.html")

    server = Server(site)
    latencies: list[float] = []
    builds: list[float] = []
    reloads: list[float] = []
    seen: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = browser.new_page()
            page.set_default_timeout(WAIT_S * 1000)
            page.goto(server.url.rstrip("/") + "/" + address)
            page.wait_for_selector("script[data-since]", state="attached")
            page.wait_for_timeout(1000)  # the event stream is open; the page is idle
            for run in range(runs):
                marker = f"Messpunkt {run} um {time.time_ns()}."
                text = source.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n"
                wall = time.time()
                started = time.perf_counter()
                source.write_text(text, encoding="utf-8")
                page.wait_for_function(
                    "marker => document.body && document.body.innerText.includes(marker)",
                    arg=marker,
                    polling=5,
                )
                seen.append(time.perf_counter() - started)
                # Browser clocks (ms since the epoch) tell when the reloaded page began and
                # when it was first painted, without the harness's own polling delay.
                began, painted = page.evaluate(PAINTED)
                reloads.append(began / 1000 - wall)
                latencies.append(painted / 1000 - wall)
                builds.append(server.rebuild_seconds())
                page.wait_for_timeout(700)  # let the machine settle between saves
            browser.close()
    finally:
        server.stop()
    return {
        "posts": posts,
        "runs": runs,
        "median_ms": statistics.median(latencies) * 1000,
        "min_ms": min(latencies) * 1000,
        "max_ms": max(latencies) * 1000,
        "build_median_ms": statistics.median(builds) * 1000,
        "reload_start_median_ms": statistics.median(reloads) * 1000,
        "seen_median_ms": statistics.median(seen) * 1000,
        "first_build": server.first_build,
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--posts", type=int, default=1000, help="posts in the corpus (default 1000)")
    ap.add_argument("--runs", type=int, default=15, help="saves to time (default 15)")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/sitegen-bench"))
    ap.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS_SCRIPT)
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        ap.error(f"{CHROMIUM} is missing: apt-get install chromium")
    load_before = os.getloadavg()
    result = measure(args.posts, args.runs, args.workdir, args.corpus_script)
    load_after = os.getloadavg()
    print(f"sitegen serve, {result['posts']} posts, {result['runs']} saves")
    print(f"  first build: {result['first_build']}")
    print(
        f"  save to the new page painted: median {result['median_ms']:.0f} ms "
        f"(min {result['min_ms']:.0f}, max {result['max_ms']:.0f})"
    )
    print(f"  of which the rebuild (server's figure): median {result['build_median_ms']:.0f} ms")
    print(
        f"  save to the browser starting its reload: median "
        f"{result['reload_start_median_ms']:.0f} ms (the rest is the browser's reload)"
    )
    print(
        f"  save to the harness seeing the text (adds Playwright's polling): median "
        f"{result['seen_median_ms']:.0f} ms"
    )
    print(
        f"  machine: {len(os.sched_getaffinity(0))} cores, {cpu_model()}, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    print(
        f"  load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"date: {dt.date.today().isoformat()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
