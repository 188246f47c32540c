"""Lighthouse scores of the default theme over EVERY page of two sites.

    python3 bench/lighthouse.py [--prefix DIR] [--markdown bench/RESULTS.md] [--all]

Builds the demo site (under /tagebuch/) and the site of every post shape from
tests/shapes.py (under /werkbank/), serves each on 127.0.0.1, and runs Lighthouse
in Debian's headless Chromium over every HTML page of both (redirects from old
addresses left out): the four categories, mobile, Lighthouse's default throttling.
One Chromium and one Node process (bench/lighthouse-pages.mjs) serve all runs, so a
page costs one Lighthouse run, not a browser and a Node start.

Lighthouse is the npm package, version 12.2.3 (13 needs Node 22), installed once
where --prefix says (default: this repository; offline afterwards):
`npm i -E --no-save --prefix DIR lighthouse@12.2.3`.

Performance depends on timing, the more so on a shared machine: a page scoring
below 100 there is measured twice more and the median of the three is kept, as
Lighthouse's documentation advises for variance. Prints, per site, the lowest
score of each category among the pages to be indexed, and every page below 100
with the audits that cost points; with --all, every page's scores. Never asserted
in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from sitegen.build import BuildOptions, build  # noqa: E402
from tests.browser import CHROMIUM, static_server  # noqa: E402
from tests.shapes import write_shapes_site  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
VERSION = "12.2.3"


def pages(out: Path) -> list[str]:
    """Every HTML page a reader can open, as a path below the base path."""
    return sorted(
        str(p.relative_to(out)).removesuffix("index.html")
        for p in out.rglob("*.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    )


@contextlib.contextmanager
def browser() -> Iterator[int]:
    """One headless Chromium for every Lighthouse run; yields its debugging port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    with tempfile.TemporaryDirectory() as profile:
        process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                    break
                time.sleep(0.1)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


Row = tuple[str, bool, dict[str, float], list[str]]
"""A page, whether it asks not to be indexed, its scores, and the audits that cost points."""
Result = tuple[dict[str, float], list[str]]


def run(entry: Path, port: int, urls: list[str]) -> dict[str, Result]:
    """Lighthouse over `urls` in one Node process: each one's scores and audits losing points."""
    found: dict[str, Result] = {}
    command = ["node", str(HERE / "lighthouse-pages.mjs"), str(entry), str(port), *urls]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        assert process.stdout is not None
        for line in process.stdout:
            page = json.loads(line)
            scores = {c: (page["scores"][c] or 0) * 100 for c in CATEGORIES}
            found[page["url"]] = (scores, page["failing"])
            print(page["url"], *(f"{v:.0f}" for v in scores.values()), flush=True)
    if process.returncode:
        raise SystemExit(f"lighthouse-pages.mjs failed with exit code {process.returncode}")
    return found


def measure(entry: Path, port: int, source: Path, base_path: str, work: Path) -> list[Row]:
    out = work / "output"
    shutil.rmtree(out, ignore_errors=True)
    # Served from a port chosen by the server, so the site is built for it afterwards.
    with static_server(out, base_path) as site_url:
        build(BuildOptions(site_dir=source, out_dir=out, base_url=site_url, now=_now()))
        paths = pages(out)
        urls = [site_url + p for p in paths]
        first = run(entry, port, urls)
        slow = [u for u in urls if first[u][0]["performance"] < 100]
        again = [run(entry, port, slow), run(entry, port, slow)] if slow else []
    rows = []
    for path, url in zip(paths, urls, strict=True):
        runs = [first[url], *(r[url] for r in again if url in r)]
        scores = {c: statistics.median(r[0][c] for r in runs) for c in CATEGORIES}
        failing = sorted({f for r in runs for f in r[1]})
        page = out / path if path.endswith(".html") else out / path / "index.html"
        noindex = '<meta name="robots" content="noindex">' in page.read_text(encoding="utf-8")
        rows.append((path, noindex, scores, failing))
    return rows


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def table(name: str, base_path: str, rows: list[Row], every: bool) -> str:
    # A page that asks not to be indexed (the 404 page) fails SEO's is-crawlable by design.
    indexed = [s for _, noindex, s, _ in rows if not noindex]
    lowest = {c: min(s[c] for s in indexed) for c in CATEGORIES}
    shown = rows if every else [r for r in rows if min(r[2].values()) < 100]
    lines = [
        f"**{name}** (`{base_path}`, {len(rows)} pages, {len(indexed)} of them to be indexed): "
        "lowest score of those " + ", ".join(f"{c} {lowest[c]:.0f}" for c in CATEGORIES) + "."
    ]
    if shown:
        lines += ["", "| page | " + " | ".join(CATEGORIES) + " |", "|---|" + "---:|" * 4]
        lines += [
            f"| `{base_path}{p}`{' (noindex)' if noindex else ''} | "
            + " | ".join(f"{s[c]:.0f}" for c in CATEGORIES)
            + " |"
            for p, noindex, s, _ in shown
        ]
    below = [(p, f) for p, _, s, f in rows if min(s.values()) < 100 and f]
    if below:
        lines += ["", *(f"- `{base_path}{p}`: {'; '.join(f)}" for p, f in below)]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prefix", type=Path, default=REPO, help="where lighthouse is installed")
    ap.add_argument("--markdown", type=Path, help="append the results to this Markdown file")
    ap.add_argument("--all", action="store_true", help="list every page, not only those below 100")
    args = ap.parse_args()
    package = args.prefix / "node_modules" / "lighthouse"
    entry = package / "core" / "index.js"
    if not entry.exists():
        raise SystemExit(
            f"no Lighthouse in {args.prefix}: npm i -E --no-save --prefix {args.prefix} "
            f"lighthouse@{VERSION}"
        )
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]

    sections = []
    with tempfile.TemporaryDirectory() as tmp, browser() as port:
        work = Path(tmp)
        shapes = write_shapes_site(work / "shapes")
        for name, source, base_path in (
            ("Demo site", REPO, "/tagebuch/"),
            ("Every shape of post", shapes, "/werkbank/"),
        ):
            rows = measure(entry, port, source, base_path, work)
            sections.append(table(name, base_path, rows, args.all))

    text = (
        f"Lighthouse {version}, Chromium headless (mobile, default throttling), every page, "
        f"{dt.date.today().isoformat()} (`python3 bench/lighthouse.py`):\n\n"
        + "\n\n".join(sections)
        + "\n"
    )
    print(text)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
