"""Run independent work items on every core, or in this process when that is cheaper."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar, cast

from .signals import HELD, signals_held

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
    progress = Progress(label, len(items))
    if count < 2 or len(items) < min_items or not can_fork():
        return list(progress.follow(func(item) for item in items))
    global _work
    _work = (func, items)
    try:
        return _forked(len(items), count, progress)
    finally:
        _work = None


def can_fork() -> bool:
    """Whether work may go to forked processes: not where other threads run (a child would
    inherit their locks), nor where the system cannot fork."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _forked(total: int, count: int, progress: Progress) -> list[Any]:
    """Run `_work` on this process and `count - 1` forked workers, each taking chunks of
    indexes as it gets free.

    This process works too: it reads its share without copying pages a forked worker
    copies on touching them (a tenth of a second at 10,000 posts). Its slices take a few
    milliseconds, and it reads what workers sent between them, so no worker waits long
    on a full pipe.

    Not multiprocessing.Pool: a pool whose worker was killed (Ctrl-C, SIGTERM to the group)
    can wait forever for a lock that worker held. Here every worker has its own pipe, this
    process never waits long for the counter's lock (`_take`), and on any exception it
    kills them all.
    """
    assert _work is not None
    func, items = _work
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, total // (count * 8)))
    taken = context.Value("q", 0)
    workers: list[Any] = []
    pipes: list[Connection] = []
    try:
        for _ in range(count - 1):
            receiving, sending = context.Pipe(duplex=False)
            worker = context.Process(target=_worker, args=(sending, taken, chunk, total))
            worker.daemon = True
            with signals_held():
                worker.start()
            sending.close()
            workers.append(worker)
            pipes.append(receiving)
        results: list[Any] = [None] * total
        waiting = list(pipes)
        size = 1  # this process's slices: as many items as take some milliseconds
        while (start := _take(taken, size, total, workers)) is not None:
            end = min(start + size, total)
            began = time.perf_counter()
            results[start:end] = [func(items[i]) for i in range(start, end)]
            took = time.perf_counter() - began
            if took < 0.002:
                size = min(chunk, size * 2)
            elif took > 0.008:
                size = max(1, size // 2)
            progress.advance(end - start)
            for begin, done in _receive(waiting, pipes, workers, timeout=0):
                results[begin : begin + len(done)] = done
                progress.advance(len(done))
        for begin, done in _receive(waiting, pipes, workers):
            results[begin : begin + len(done)] = done
            progress.advance(len(done))
        progress.clear()
        return results
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        for worker in workers:
            worker.join()
        for pipe in pipes:
            pipe.close()


def _take(taken: Any, size: int, total: int, workers: Sequence[Any] = ()) -> int | None:
    """The first index of the next `size` items, or None when all are taken.

    Given the `workers`, this is the parent, which must not wait for ever on a lock a
    worker killed while holding it (the out-of-memory killer) will never give back.
    """
    lock = taken.get_lock()
    while not lock.acquire(timeout=0.1):
        for worker in workers:
            if worker.exitcode not in (None, 0):
                raise _ended(worker.exitcode)
    try:
        start = int(taken.value)
        taken.value = start + size
    finally:
        lock.release()
    return start if start < total else None


class Background(Generic[R]):
    """`func()` worked out in a forked process while this one goes on; `result` waits for it.

    Where forking is not possible or not safe (other threads run: the dev server), or the
    process fails, `result` runs `func` itself. Leaving the `with` block ends the process.
    """

    def __init__(self, func: Callable[[], R]) -> None:
        self.func = func
        self.process: Any = None
        self.pipe: Connection | None = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            self.pipe, sending = context.Pipe(duplex=False)
            self.process = context.Process(target=_background, args=(sending, func), daemon=True)
            with signals_held():
                self.process.start()
            sending.close()

    def result(self) -> R:
        if self.pipe is None:
            return self.func()
        try:
            found = self.pipe.recv()
        except (EOFError, OSError):
            found = None
        finally:
            self.close()
        return cast(R, found[0]) if isinstance(found, tuple) else self.func()

    def close(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.process = None
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None

    def __enter__(self) -> Background[R]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _background(pipe: Connection, func: Callable[[], Any]) -> None:
    quiet_worker()
    try:
        pipe.send((func(),))
    except Exception:
        pipe.send(None)  # the parent does it itself, and sees the error there


class Stopped(KeyboardInterrupt):
    """The workers were stopped by a signal to the whole process group (SIGTERM, SIGHUP)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _receive(
    waiting: list[Connection],
    pipes: list[Connection],
    workers: list[Any],
    timeout: float | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    """What the workers still `waiting` sent: until each has said it is done, or with
    `timeout=0`, only what has arrived already."""
    while waiting:
        ready = multiprocessing.connection.wait(waiting, timeout)
        if not ready:
            return
        for found in ready:
            pipe = cast(Connection, found)
            try:
                message: tuple[int, Any] | None = pipe.recv()
            except EOFError:
                worker = workers[pipes.index(pipe)]
                worker.join(1)
                raise _ended(worker.exitcode) from None
            if message is None:
                waiting.remove(pipe)
            elif isinstance(message[1], BaseException):
                raise message[1]
            else:
                yield message


_STOPPING = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}


def _ended(exitcode: int | None) -> BaseException:
    """What a worker's end without its results means here."""
    if exitcode is not None and -exitcode in _STOPPING:
        return Stopped(-exitcode)  # this process is told next
    return RuntimeError(
        f"a worker process ended unexpectedly (exit code {exitcode}; out of memory?)"
    )


def _worker(pipe: Connection, taken: Any, chunk: int, total: int) -> None:
    quiet_worker()
    assert _work is not None
    func, items = _work
    try:
        while (start := _take(taken, chunk, total)) is not None:
            pipe.send((start, [func(items[i]) for i in range(start, min(start + chunk, total))]))
        pipe.send(None)
    except Exception as e:
        try:
            pipe.send((0, e))
        except Exception:  # not picklable: its text then
            pipe.send((0, RuntimeError(f"{type(e).__name__}: {e}")))


class Progress:
    """A one-line counter on stderr while long work runs, shown only on a terminal."""

    MIN_ITEMS = 500

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.shown = bool(label) and total >= self.MIN_ITEMS and sys.stderr.isatty()
        self.done = 0
        self.last = 0.0

    def advance(self, items: int) -> None:
        self.done += items
        now = time.monotonic()
        if self.shown and now - self.last > 0.1:
            self.last = now
            sys.stderr.write(f"\r{self.label} {self.done}/{self.total}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    def follow(self, results: Iterable[R]) -> Iterator[R]:
        for result in results:
            self.advance(1)
            yield result
        self.clear()


def quiet_worker() -> None:
    """Leave Ctrl-C to the parent, and let SIGTERM end a worker without a word.

    A terminal sends Ctrl-C to every process of the group; workers that took it would each
    print a traceback, and a pool whose worker died that way waits for its result forever.
    The parent, told once, stops the workers with SIGTERM. Workers are forked with both
    signals held back (`signals_held`), so one that comes while the child starts waits
    until it is ignored here.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
