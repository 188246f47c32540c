"""Run independent work items on every core, or in this process when that is cheaper."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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


def parallel_map(
    func: Callable[[T], R], items: Sequence[T], min_items: int = MIN_ITEMS, label: str = ""
) -> list[R]:
    """`[func(x) for x in items]`, spread over forked worker processes when it pays.

    With a `label`, long runs show their progress on a terminal (and nothing elsewhere).

    Workers are forked, so `func` and `items` need not be picklable; only results
    travel back. Forking is skipped when other threads run (the dev server), since
    a forked child would inherit their locks.
    """
    count = min(workers(), len(items) // max(min_items // 4, 1))
    forkable = "fork" in multiprocessing.get_all_start_methods()
    progress = Progress(label, len(items))
    if count < 2 or len(items) < min_items or not forkable or threading.active_count() > 1:
        return list(progress.follow(func(item) for item in items))
    global _work
    _work = (func, items)
    try:
        with multiprocessing.get_context("fork").Pool(count, initializer=quiet_worker) as pool:
            chunk = max(1, min(64, len(items) // (count * 8)))
            try:
                return list(progress.follow(pool.imap(_call, range(len(items)), chunksize=chunk)))
            except BaseException:
                # Ctrl-C or an error: the work is lost anyway, so end the workers at once
                # rather than let the pool's SIGTERM wait for busy ones.
                for child in multiprocessing.active_children():
                    child.kill()
                raise
    finally:
        _work = None


class Progress:
    """A one-line counter on stderr while long work runs, shown only on a terminal."""

    MIN_ITEMS = 500

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.shown = bool(label) and total >= self.MIN_ITEMS and sys.stderr.isatty()

    def follow(self, results: Iterable[R]) -> Iterator[R]:
        last = 0.0
        for done, result in enumerate(results, start=1):
            now = time.monotonic()
            if self.shown and now - last > 0.1:
                last = now
                sys.stderr.write(f"\r{self.label} {done}/{self.total}")
                sys.stderr.flush()
            yield result
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def quiet_worker() -> None:
    """Leave Ctrl-C to the parent, and let SIGTERM end a worker without a word.

    A terminal sends Ctrl-C to every process of the group; workers that took it would each
    print a traceback, and a pool whose worker died that way waits for its result forever.
    The parent, told once, stops the workers with SIGTERM.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _call(index: int) -> Any:
    assert _work is not None
    func, items = _work
    return func(items[index])
