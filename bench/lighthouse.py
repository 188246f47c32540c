"""Lighthouse scores of the default theme, measured on the demo site.

    python3 bench/lighthouse.py [--lighthouse PATH] [--markdown bench/RESULTS.md]

Builds the demo site under a base path, serves it on 127.0.0.1, and runs
Lighthouse (npm package `lighthouse`, through npx unless --lighthouse names a
binary) in Debian's headless Chromium over the index, a post, a tag page, the
tag list, a year archive and every top-level page (about, uses, transparency,
dreams: whatever the demo has). Prints the four category scores per page.
Scores that depend on timing are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.build import BuildOptions, build  # noqa: E402
from tests.browser import CHROMIUM, static_server  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BASE_PATH = "/tagebuch/"


def pages(out: Path) -> list[str]:
    def first(pattern: str) -> list[str]:
        found = sorted(out.glob(pattern))
        return [str(found[0].relative_to(out)).removesuffix("index.html")] if found else []

    top = sorted(
        str(p.relative_to(out)).removesuffix("index.html")
        for p in out.glob("*/index.html")
        if not p.parent.name.isdigit() and p.parent.name not in {"tags", "page"}
    )
    posts = sorted(out.glob("20*/*/*/*/index.html"))
    featured = [p for p in posts if "<picture" in p.read_text(encoding="utf-8")][:1]
    featured += [p for p in posts if "<audio" in p.read_text(encoding="utf-8")][:1]
    return [
        "",
        *first("20*/*/*/*/index.html"),
        *(str(p.relative_to(out)).removesuffix("index.html") for p in featured),
        *first("tags/*/index.html"),
        "tags/",
        *first("20[0-9][0-9]/index.html"),
        *top,
    ]


def score(lighthouse: list[str], url: str, work: Path) -> dict[str, float]:
    report = work / "report.json"
    subprocess.run(
        [
            *lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    return {name: data["categories"][name]["score"] * 100 for name in CATEGORIES}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lighthouse", help="path of the lighthouse binary (default: npx)")
    ap.add_argument("--markdown", type=Path, help="append the table to this Markdown file")
    args = ap.parse_args()
    lighthouse = [args.lighthouse] if args.lighthouse else ["npx", "--yes", "lighthouse@12"]

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "output"
        # Served from a port chosen by the server, so the site is built for it afterwards.
        with static_server(out, BASE_PATH) as site_url:
            build(
                BuildOptions(
                    site_dir=REPO,
                    out_dir=out,
                    base_url=site_url,
                    now=dt.datetime.now(dt.UTC),
                )
            )
            rows = [(page, score(lighthouse, site_url + page, work)) for page in pages(out)]

    version = subprocess.run(
        [*lighthouse, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        f"Lighthouse {version}, Chromium headless, demo site under `{BASE_PATH}`, "
        f"{dt.date.today().isoformat()} (`python3 bench/lighthouse.py`):",
        "",
        "| page | " + " | ".join(CATEGORIES) + " |",
        "|---|" + "---:|" * len(CATEGORIES),
    ]
    for page, scores in rows:
        lines.append(f"| `/{page}` | " + " | ".join(f"{scores[c]:.0f}" for c in CATEGORIES) + " |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as f:
            f.write("\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
