#!/usr/bin/env python3
"""Save-to-reload latency of a live preview: from writing a post to the browser showing it.

    python3 bench/serve_latency.py [--posts 1000] [--runs 15] [--tools sitegen,hugo]
                                   [--workdir /tmp/sitegen-bench]

The corpus comes from shared/bench/make_corpus.py (made once and kept in the work
directory, as bench/run.py does) and is copied, so edits never touch it. Each tool's
real preview server runs as its own process on 127.0.0.1:

- sitegen: `sitegen serve --port 0` on a copy of the corpus;
- hugo: `hugo server` with its live reload, on the site bench/run.py writes for Hugo
  (same posts, the bench's Hugo layouts), rendering in memory as it does by default
  (fast render on: Hugo re-renders the pages the browser has visited first).

Headless Chromium (Debian's, driven by Playwright) opens the newest post. Each run
appends a sentence to that post's Markdown and times, from just before the write until
the reloaded page's first paint (the browser's own clock): the watcher's event, the
server's quiet period that gathers a burst of saves (sitegen 50 ms; Hugo batches file
events too), the rebuild, the event to the browser, its reload and its rendering. Beside
it: the server's own rebuild time (from its terminal line), the moment the browser began
to reload, when the harness saw the text (which adds Playwright's polling across the
navigation), and when the server said its build was done (save to the exact build: sitegen
shows a preview of the saved post's page first, and its build lands after, see
sitegen/preview.py; Hugo's fast render mode does the like). With several tools, a
side-by-side table of the medians and of every run follows.

Nothing leaves the machine: the servers bind to 127.0.0.1, Hugo has no modules or
themes to fetch (and its module proxy is off), and Chromium resolves no host name but
localhost.

Needs: `pip install -e '.[test]'` (Playwright), /usr/bin/chromium, and for Hugo
`hugo` on PATH (`bash bench/setup.sh`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # the benchmark harness beside this file
    DEFAULT_CORPUS_SCRIPT,
    FAR_FUTURE,
    cpu_model,
    ensure_corpus,
    read_posts,
    setup_hugo,
    version_of,
)

CHROMIUM = "/usr/bin/chromium"
WAIT_S = 30.0
TOOLS = ("sitegen", "hugo")
# Chromium resolves no host but localhost and 127.0.0.1: nothing on the pages may reach the network.
NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
PAINTED = """() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const nav = performance.getEntriesByType("navigation")[0];
    const shown = paint ? paint.startTime : nav.domContentLoadedEventEnd;
    return [performance.timeOrigin, performance.timeOrigin + shown];
}"""


class Server:
    """A preview server in its own process; its terminal lines are read in a thread."""

    name = ""
    ready = re.compile(r"")  # the line that gives the address, as group 1
    first = ""  # how the line reporting the first build begins
    rebuilt = re.compile(r"")  # the line reporting a rebuild, its time as group 1
    previewed = re.compile(r"(?!)")  # the line reporting a preview, its time as group 1
    unit = 1.0  # seconds per unit of that time
    failed = re.compile(r"")
    ready_selector = ""  # in the page: the reload script, there once the page can reload

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        self.command = cmd
        self.process = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.line_at = 0.0
        """When the last line read was printed (seen by the reader thread), epoch seconds."""
        threading.Thread(target=self._read, daemon=True).start()
        started = time.monotonic()
        self.first_build = ""
        while True:
            line = self.next_line(started + 600)
            if line.lstrip().startswith(self.first):
                self.first_build = line.strip()
            found = self.ready.search(line)
            if found:
                self.url = found.group(1)
                return

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.time(), line.rstrip("\n")))
        self.lines.put((time.time(), ""))  # end of output: the server has stopped

    def next_line(self, deadline: float) -> str:
        if self.process.poll() is not None and self.lines.empty():
            raise SystemExit(f"{self.name} stopped (exit {self.process.returncode})")
        try:
            self.line_at, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise SystemExit(f"{self.name} said nothing in time") from None
        return line

    def forget_output(self) -> None:
        """Drop the lines so far, so the next rebuild line read belongs to the next save."""
        while not self.lines.empty():
            self.lines.get_nowait()

    def rebuild_seconds(self) -> tuple[float, float, float | None]:
        """The next rebuild the server reports: its time, when it was reported (epoch
        seconds), and the time of the preview reported before it (None for none)."""
        deadline = time.monotonic() + WAIT_S
        preview = None
        while True:
            line = self.next_line(deadline).strip()
            shown = self.previewed.search(line)
            if shown:
                preview = float(shown.group(1)) * self.unit
            found = self.rebuilt.search(line)
            if found:
                return float(found.group(1)) * self.unit, self.line_at, preview
            if self.failed.search(line):
                raise SystemExit(f"{self.name}: the rebuild failed: {line}")

    def stop(self) -> None:
        self.process.send_signal(2)  # Ctrl-C
        try:
            self.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class SitegenServer(Server):
    name = "sitegen serve"
    ready = re.compile(r"^serving (http://\S+)")
    first = "built: "
    rebuilt = re.compile(r"^rebuilt: .* in ([0-9.]+) s$")
    previewed = re.compile(r"^preview: .* in ([0-9.]+) s$")
    failed = re.compile(r"failed")
    ready_selector = "script[data-since]"


class HugoServer(Server):
    name = "hugo server"
    ready = re.compile(r"Web Server is available at (http://\S+)")
    first = "Built in "
    rebuilt = re.compile(r"^Total in ([0-9.]+) ms$")
    unit = 0.001
    failed = re.compile(r"^Error\b|ERROR")
    ready_selector = 'script[src*="livereload.js"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sitegen(workdir: Path, corpus: Path, posts: int) -> tuple[Server, Path, str]:
    site = workdir / f"serve-{posts}"
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(corpus, site)
    newest = read_posts(site)[-1]
    env = {**os.environ, "SOURCE_DATE_EPOCH": FAR_FUTURE}
    cmd = [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"]
    server = SitegenServer(cmd, env)
    return server, site / "content" / "posts" / newest.rel, newest.url_path()


def start_hugo(workdir: Path, corpus: Path, posts: int) -> tuple[Server, Path, str]:
    hugo = shutil.which("hugo")
    if hugo is None:
        raise SystemExit("hugo is not on PATH: bash bench/setup.sh installs it")
    root = workdir / f"serve-hugo-{posts}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    entries = read_posts(corpus)
    newest = entries[-1]
    setup = setup_hugo(root, corpus, entries, newest)
    # No module, theme or remote resource is used; the proxy is off all the same.
    env = {**os.environ, "HUGO_MODULE_PROXY": "off", "GOPROXY": "off"}
    cmd = [
        hugo,
        "server",
        "--source",
        str(setup.cwd),
        "--bind",
        "127.0.0.1",
        "--baseURL",
        "http://127.0.0.1/",
        "--port",
        str(free_port()),
        "--buildFuture",  # every post published, as bench/run.py does
    ]
    server = HugoServer(cmd, env)
    return server, setup.edit_file, newest.url_path()


STARTERS = {"sitegen": start_sitegen, "hugo": start_hugo}


def measure(tool: str, posts: int, runs: int, workdir: Path, corpus_script: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    corpus = ensure_corpus(posts, workdir, corpus_script)
    server, source, path = STARTERS[tool](workdir, corpus, posts)
    address = server.url.rstrip("/") + "/" + path.removesuffix("index.html")
    latencies: list[float] = []
    builds: list[float] = []
    reloads: list[float] = []
    seen: list[float] = []
    exact: list[float] = []
    previews: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=[NO_NETWORK]
            )
            page = browser.new_page()
            page.set_default_timeout(WAIT_S * 1000)
            response = page.goto(address)
            if response is None or not response.ok:
                status = "no response" if response is None else f"HTTP {response.status}"
                raise SystemExit(f"{server.name}: {address} gave {status}")
            page.wait_for_selector(server.ready_selector, state="attached")
            page.wait_for_timeout(1000)  # the reload channel is open; the page is idle
            for run in range(runs):
                marker = f"Messpunkt {run} um {time.time_ns()}."
                text = source.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n"
                server.forget_output()
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
                build, built_at, preview = server.rebuild_seconds()
                builds.append(build)
                exact.append(built_at - wall)
                if preview is not None:
                    previews.append(preview)
                page.wait_for_timeout(700)  # let the machine settle between saves
            browser.close()
    finally:
        server.stop()
    return {
        "tool": tool,
        "name": server.name,
        "command": " ".join(server.command),
        "posts": posts,
        "runs": runs,
        "latencies_ms": [x * 1000 for x in latencies],
        "median_ms": statistics.median(latencies) * 1000,
        "min_ms": min(latencies) * 1000,
        "max_ms": max(latencies) * 1000,
        "build_median_ms": statistics.median(builds) * 1000,
        "reload_start_median_ms": statistics.median(reloads) * 1000,
        "seen_median_ms": statistics.median(seen) * 1000,
        "exact_median_ms": statistics.median(exact) * 1000,
        "previews": len(previews),
        "preview_median_ms": statistics.median(previews) * 1000 if previews else None,
        "first_build": server.first_build,
    }


def print_one(result: dict[str, Any]) -> None:
    print(f"{result['name']}, {result['posts']} posts, {result['runs']} saves")
    print(f"  command: {result['command']}")
    print(f"  first build: {result['first_build']}")
    print(
        f"  save to the new page painted: median {result['median_ms']:.0f} ms "
        f"(min {result['min_ms']:.0f}, max {result['max_ms']:.0f})"
    )
    if result["previews"]:
        print(
            f"  previews shown: {result['previews']} of {result['runs']} saves, made in "
            f"median {result['preview_median_ms']:.1f} ms (server's figure)"
        )
    print(f"  the rebuild (server's figure): median {result['build_median_ms']:.0f} ms")
    print(f"  save to the exact build reported done: median {result['exact_median_ms']:.0f} ms")
    print(
        f"  save to the browser starting its reload: median "
        f"{result['reload_start_median_ms']:.0f} ms (the rest is the browser's reload)"
    )
    print(
        f"  save to the harness seeing the text (adds Playwright's polling): median "
        f"{result['seen_median_ms']:.0f} ms"
    )


def print_side_by_side(results: list[dict[str, Any]]) -> None:
    """Medians and every run, one column a tool, as a Markdown table."""
    rows = [
        ("save to paint, median ms", "median_ms"),
        ("min ms", "min_ms"),
        ("max ms", "max_ms"),
        ("rebuild (server's figure), median ms", "build_median_ms"),
        ("save to reload start, median ms", "reload_start_median_ms"),
        ("save to text seen by the harness, median ms", "seen_median_ms"),
        ("save to the exact build done, median ms", "exact_median_ms"),
    ]
    print(f"\nSide by side, {results[0]['posts']} posts:\n")
    print("| | " + " | ".join(r["name"] for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for label, key in rows:
        print(f"| {label} | " + " | ".join(f"{r[key]:.0f}" for r in results) + " |")
    for i in range(max(len(r["latencies_ms"]) for r in results)):
        cells = [
            f"{r['latencies_ms'][i]:.0f}" if i < len(r["latencies_ms"]) else "–" for r in results
        ]
        print(f"| run {i + 1}: save to paint, ms | " + " | ".join(cells) + " |")
    if len(results) > 1:
        base = results[0]
        for other in results[1:]:
            print(
                f"\n{base['name']} ÷ {other['name']}, median save to paint: "
                f"{base['median_ms'] / other['median_ms']:.2f}×"
            )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--posts", type=int, default=1000, help="posts in the corpus (default 1000)")
    ap.add_argument("--runs", type=int, default=15, help="saves to time (default 15)")
    ap.add_argument(
        "--tools", default=",".join(TOOLS), help=f"any of {','.join(TOOLS)} (default both)"
    )
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/sitegen-bench"))
    ap.add_argument("--corpus-script", type=Path, default=DEFAULT_CORPUS_SCRIPT)
    args = ap.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown or not tools:
        ap.error(f"unknown tool(s) {', '.join(unknown)}" if unknown else "no tool given")
    if args.runs < 1:
        ap.error("need at least one run")
    if not Path(CHROMIUM).exists():
        ap.error(f"{CHROMIUM} is missing: apt-get install chromium")
    if not args.corpus_script.exists():
        ap.error(f"corpus generator not found: {args.corpus_script}")
    if "hugo" in tools and not shutil.which("hugo"):
        ap.error("hugo is not on PATH: bash bench/setup.sh installs it")
    load_before = os.getloadavg()
    results: list[dict[str, Any]] = []
    for tool in tools:
        result = measure(tool, args.posts, args.runs, args.workdir, args.corpus_script)
        print_one(result)
        results.append(result)
    load_after = os.getloadavg()
    print_side_by_side(results)
    print(
        f"\nmachine: {len(os.sched_getaffinity(0))} cores, {cpu_model()}, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    if "hugo" in tools:
        print(f"hugo: {version_of('hugo')}")
    print(
        f"load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"date: {dt.date.today().isoformat()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
