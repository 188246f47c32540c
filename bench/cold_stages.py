#!/usr/bin/env python3
"""Where a cold build's time goes, stage by stage, in the process that runs it.

    python3 bench/cold_stages.py SITE OUTPUT_FOLDER

Builds SITE into OUTPUT_FOLDER as `sitegen build` does (workers forked as it forks them)
and prints each stage's wall time and the main process's CPU time in it, and the main
process's time in the garbage collector. Delete the output folder and SITE/.sitegen-cache
first for a cold build. SOURCE_DATE_EPOCH defaults to 3000-01-01, so every post of the
benchmark corpus is published (as bench/run.py does).
"""

from __future__ import annotations

import collections
import functools
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen import audit, output, pipeline, store
from sitegen.build import BuildOptions, build

STAGES: list[tuple[Any, str, str]] = [
    (pipeline, "discover", "discover content/"),
    (pipeline, "_parse_all", "parse (all cores)"),
    (pipeline, "_kept_relations", "related entries"),
    (pipeline, "_kept_points", "places"),
    (pipeline, "assemble", "assemble the site"),
    (pipeline, "plan_images", "plan images"),
    (pipeline, "Plan", "plan: page inputs and keys (all cores)"),
    (output, "produce", "render and read facts (all cores)"),
    (audit, "measure", "audit: measure"),
    (audit, "check", "audit: check"),
    (audit, "summarize", "audit: summarize"),
    (output, "write", "complete the tree and swap"),
    (store.Store, "commit", "store: commit"),
]


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "32503680000")
    wall: dict[str, float] = collections.defaultdict(float)
    cpu: dict[str, float] = collections.defaultdict(float)

    def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            began, began_cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                wall[label] += time.perf_counter() - began
                cpu[label] += time.process_time() - began_cpu

        return run

    for owner, name, label in STAGES:
        setattr(owner, name, timed(getattr(owner, name), label))
    collected = [0.0, 0]
    began_gc = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began_gc[0] = time.perf_counter()
        else:
            collected[0] += time.perf_counter() - began_gc[0]
            collected[1] += info["generation"] == 2

    gc.callbacks.append(watch)
    began, began_cpu = time.perf_counter(), time.process_time()
    report = build(BuildOptions(Path(sys.argv[1]), Path(sys.argv[2])))
    print(report.summary())
    print(
        f"wall {time.perf_counter() - began:.1f} s, main process CPU "
        f"{time.process_time() - began_cpu:.1f} s, of which collecting garbage "
        f"{collected[0]:.1f} s ({collected[1]} full collections)"
    )
    for label in sorted(wall, key=wall.__getitem__, reverse=True):
        print(f"  {label:42s} wall {wall[label]:7.1f} s   main CPU {cpu[label]:7.1f} s")


if __name__ == "__main__":
    main()
