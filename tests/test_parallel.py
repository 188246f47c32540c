"""Work handed to another process: its answer, or the same answer worked out here."""

from __future__ import annotations

import os
import threading

from sitegen.parallel import Background


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
