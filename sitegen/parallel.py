"""Run independent work items on every core, or in this process when that is cheaper."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 200
"""Below this many items, starting worker processes costs more than it saves."""

_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers() -> int:
    """How many processes to use: SITEGEN_WORKERS, or the cores this process may run on."""
    wanted = os.environ.get("SITEGEN_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Sequence[T], min_items: int = MIN_ITEMS) -> list[R]:
    """`[func(x) for x in items]`, spread over forked worker processes when it pays.

    Workers are forked, so `func` and `items` need not be picklable; only results
    travel back. Forking is skipped when other threads run (the dev server), since
    a forked child would inherit their locks.
    """
    count = min(workers(), len(items) // max(min_items // 4, 1))
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if count < 2 or len(items) < min_items or not forkable or threading.active_count() > 1:
        return [func(item) for item in items]
    global _work
    _work = (func, items)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            chunk = max(1, min(64, len(items) // (count * 8)))
            return pool.map(_call, range(len(items)), chunksize=chunk)
    finally:
        _work = None


def _call(index: int) -> Any:
    assert _work is not None
    func, items = _work
    return func(items[index])
