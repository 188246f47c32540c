"""Lighthouse scores of the default theme over EVERY page of two sites.

    python3 bench/lighthouse.py [--lighthouse PATH] [--markdown bench/RESULTS.md] [--all]

Builds the demo site (under /tagebuch/) and the site of every post shape from
tests/shapes.py (under /werkbank/), serves each on 127.0.0.1, and runs Lighthouse
in Debian's headless Chromium over every HTML page of both (redirects from old
addresses left out): the four categories, mobile, Lighthouse's default throttling.
One Chromium serves all runs (Lighthouse connects to it with --port), so a page
costs one Lighthouse run, not a browser start.

Lighthouse is the npm package, version 12.2.3 (13 needs Node 22). Without
--lighthouse it is taken from node_modules/.bin, else run through npx; to install
it once, offline afterwards: `npm i -E --no-save lighthouse@12.2.3`.

Prints, per site, the lowest score of each category and every page below 100;
with --all, every page's scores. Scores that depend on timing are measured here,
never asserted in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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


def score(lighthouse: list[str], url: str, port: int, work: Path) -> dict[str, float]:
    report = work / "report.json"
    subprocess.run(
        [
            *lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--port={port}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    return {name: (data["categories"][name]["score"] or 0) * 100 for name in CATEGORIES}


Row = tuple[str, bool, dict[str, float]]
"""A page, whether it asks not to be indexed, and its scores."""


def measure(
    lighthouse: list[str], port: int, source: Path, base_path: str, work: Path
) -> list[Row]:
    out = work / "output"
    shutil.rmtree(out, ignore_errors=True)
    # Served from a port chosen by the server, so the site is built for it afterwards.
    with static_server(out, base_path) as site_url:
        build(BuildOptions(site_dir=source, out_dir=out, base_url=site_url, now=_now()))
        rows = []
        for page in pages(out):
            text = out / page / "index.html" if not page.endswith(".html") else out / page
            noindex = '<meta name="robots" content="noindex">' in text.read_text(encoding="utf-8")
            rows.append((page, noindex, score(lighthouse, site_url + page, port, work)))
            print(f"{base_path}{page}", *(f"{v:.0f}" for v in rows[-1][2].values()), flush=True)
    return rows


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def table(name: str, base_path: str, rows: list[Row], every: bool) -> str:
    # A page that asks not to be indexed (the 404 page) fails SEO's is-crawlable by design.
    indexed = [s for _, noindex, s in rows if not noindex]
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
            for p, noindex, s in shown
        ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lighthouse", help="path of the lighthouse binary")
    ap.add_argument("--markdown", type=Path, help="append the results to this Markdown file")
    ap.add_argument("--all", action="store_true", help="list every page, not only those below 100")
    args = ap.parse_args()
    local = REPO / "node_modules" / ".bin" / "lighthouse"
    if args.lighthouse:
        lighthouse = [args.lighthouse]
    elif local.exists():
        lighthouse = [str(local)]
    else:
        lighthouse = ["npx", "--yes", f"lighthouse@{VERSION}"]

    sections = []
    with tempfile.TemporaryDirectory() as tmp, browser() as port:
        work = Path(tmp)
        shapes = write_shapes_site(work / "shapes")
        for name, source, base_path in (
            ("Demo site", REPO, "/tagebuch/"),
            ("Every shape of post", shapes, "/werkbank/"),
        ):
            rows = measure(lighthouse, port, source, base_path, work)
            sections.append(table(name, base_path, rows, args.all))

    version = subprocess.run(
        [*lighthouse, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
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
