#!/usr/bin/env python3
"""CPU time the audit takes to read one page's facts, over the pages of a built site.

    python3 bench/audit_facts.py OUTPUT_FOLDER [--pages 1500] [--repeat 6] [--profile]

Every n-th HTML file of the folder is read into memory (up to --pages), then
`audit.facts_of` reads all of them --repeat times; the best pass's process time per page
is printed (process time, not wall time: the figure does not move with other load).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen import audit

BASE_URL = "https://example.org/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--profile", action="store_true", help="then print a profile of one pass")
    args = parser.parse_args()
    files = sorted(args.folder.rglob("*.html"))
    if not files:
        raise SystemExit(f"{args.folder}: no HTML files; build a site into it first")
    chosen = files[:: max(1, len(files) // args.pages)]
    pages = [(f.relative_to(args.folder).as_posix(), f.read_bytes()) for f in chosen]

    def one_pass() -> float:
        started = time.process_time()
        for output, data in pages:
            audit.facts_of(output, data, BASE_URL)
        return time.process_time() - started

    one_pass()  # imports and first-use caches
    best = min(one_pass() for _ in range(args.repeat))
    print(
        f"{len(pages)} pages of {len(files)}: {best * 1000 / len(pages):.3f} ms CPU a page "
        f"(best of {args.repeat} passes, {best:.2f} s)"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(one_pass)
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
