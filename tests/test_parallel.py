"""Work handed to another process: its answer, or the same answer worked out here."""

from __future__ import annotations

import os
import threading
import time

import pytest

from sitegen.parallel import Background, parallel_map


def test_background_work_runs_in_another_process_and_comes_back() -> None:
    here = os.getpid()
    with Background(lambda: (os.getpid(), list(range(100_000)))) as work:
        where, numbers = work.result()
    assert where != here  # worked out beside this process
    assert numbers == list(range(100_000))  # more than a pipe holds at once


def test_background_work_that_dies_is_done_here_instead() -> None:
    here = os.getpid()

    def work() -> str:
        if os.getpid() != here:
            os._exit(9)  # the forked process dies without an answer
        return "done here"

    with Background(work) as background:
        assert background.result() == "done here"


def test_background_work_is_done_here_while_other_threads_run() -> None:
    # A forked child would inherit the other threads' locks: the dev server's case.
    here = os.getpid()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with Background(os.getpid) as background:
            assert background.result() == here
    finally:
        stop.set()
        thread.join()


def test_parallel_map_gives_what_a_loop_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three processes (this one and two forked) on items of every size: the answer is the
    # loop's, in order, however the work was shared out, and no result waits on a full pipe.
    monkeypatch.setenv("SITEGEN_WORKERS", "3")
    here = os.getpid()

    def work(n: int) -> tuple[int, bytes, bool]:
        return n * n, b"x" * (n % 97 * 1000), os.getpid() == here

    items = list(range(3000))
    found = parallel_map(work, items, min_items=100)
    assert [(a, b) for a, b, _ in found] == [(a, b) for a, b, _ in map(work, items)]
    here_too = sum(1 for *_, mine in found if mine)
    assert 0 < here_too < len(items)  # this process took part, and so did the workers


def test_a_worker_that_dies_stops_the_map_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    here = os.getpid()

    def work(n: int) -> int:
        time.sleep(0.001)
        if os.getpid() != here:
            os._exit(9)  # killed, as the out-of-memory killer would
        return n

    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        parallel_map(work, list(range(2000)), min_items=100)


def test_an_error_in_any_process_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    here = os.getpid()
    for failing_here in (True, False):

        def work(n: int, failing_here: bool = failing_here) -> int:
            if n >= 500 and (os.getpid() == here) == failing_here:
                raise ValueError(f"item {n}")
            time.sleep(0.0005)
            return n

        with pytest.raises(ValueError, match="item"):
            parallel_map(work, list(range(2000)), min_items=100)
