#!/usr/bin/env python3
"""Time the related-entries computation on a synthetic diary of many posts.

    python3 bench/related_scale.py [--posts 5000]

Posts get one to three of twenty tags, most also a common one, and one of four places:
the case where most posts share something with most others (the computation's worst).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.model import Post
from sitegen.related import relate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    count = parser.parse_args().posts
    rnd = random.Random(1)
    tags = [f"T{i}" for i in range(20)]
    start = dt.datetime(2012, 1, 1, tzinfo=dt.UTC)
    posts = [
        Post(
            source=f"content/posts/{n}.md",
            key=f"posts/{n}.md",
            kind="post",
            title=str(n),
            date=start + dt.timedelta(hours=rnd.randrange(count * 24)),
            url=f"{n}/",
            slug=str(n),
            html="",
            summary="",
            digest="",
            tags=tuple(rnd.sample(tags, rnd.randint(1, 3)) + ["Werkstatt"] * (rnd.random() < 0.7)),
            location=rnd.choice(["Leipzig", "Leipzig", "Berlin", "Hamburg", ""]),
        )
        for n in range(count)
    ]
    ordered = tuple(sorted(posts, key=lambda p: (p.date, p.key), reverse=True))
    began = time.perf_counter()
    relate(ordered)
    print(f"{count} posts: related entries in {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main()
