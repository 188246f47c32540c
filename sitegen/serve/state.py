"""What the dev server knows between builds: whether one is due, and what each one changed.

One condition variable guards it all. The watcher closes the gate as soon as a
watched file changes, so a request that arrives while a build is due or running
waits for it instead of being served a stale or half-written page. Every finished
build (good or failed) is a new generation; browsers ask for the changes since the
generation of the page they show.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_KEEP = 500
"""Generations remembered; a page older than that reloads whole."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One finished build."""

    generation: int
    changed: frozenset[str]
    """Output files written or removed, relative to the output folder."""
    error: str | None
    """The failure's message (`path:line: what is wrong` lines), or None for a good build."""


@dataclass(frozen=True, slots=True)
class News:
    """What a browser showing generation `since` needs to hear."""

    generation: int
    changed: tuple[str, ...]
    """Sorted; empty when nothing it could show changed."""
    error: str | None
    """The current failure, if the last build failed."""
    reload: bool = False
    """The page comes from another server run or is too old to tell: reload it whole."""


class LiveState:
    def __init__(self) -> None:
        self.token = secrets.token_hex(6)
        """Tells this server run apart from the last one, so old pages reload."""
        self._cond = threading.Condition()
        self._history: deque[Outcome] = deque(maxlen=_KEEP)
        self._generation = 0
        self._error: str | None = None
        self._closed = False
        """A build is due or running: requests wait."""
        self._closings = 0
        """How often the gate has closed; a new value means a build started."""
        self._readers = 0
        self._pending = False
        self._last_change = 0.0
        self.stopping = False

    # The watcher's side --------------------------------------------------

    def changed(self) -> None:
        """A watched file changed: close the gate and ask for a build."""
        with self._cond:
            self._pending = True
            self._last_change = time.monotonic()
            if not self._closed:
                self._closed = True
                self._closings += 1
            self._cond.notify_all()

    # The builder's side --------------------------------------------------

    def next_build(self, quiet: float) -> bool:
        """Wait until changes came and then `quiet` seconds passed without one; False on stop.

        Returns once no request is reading the output, with the gate closed.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._pending or self.stopping)
            while not self.stopping:
                left = self._last_change + quiet - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            self._cond.wait_for(lambda: not self._readers or self.stopping)
            self._pending = False
            return not self.stopping

    def finish(self, changed: frozenset[str], error: str | None) -> Outcome:
        """Record a finished build; open the gate unless more changes came meanwhile."""
        with self._cond:
            self._generation += 1
            outcome = Outcome(self._generation, changed, error)
            self._history.append(outcome)
            self._error = error
            if not self._pending:
                self._closed = False
            self._cond.notify_all()
            return outcome

    def stop(self) -> None:
        with self._cond:
            self.stopping = True
            self._closed = False
            self._cond.notify_all()

    # The requests' side --------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[int]:
        """Wait while a build is due or running; then hold it off and give the generation."""
        with self._cond:
            self._cond.wait_for(lambda: not self._closed or self.stopping)
            self._readers += 1
            generation = self._generation
        try:
            yield generation
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @property
    def generation(self) -> int:
        with self._cond:
            return self._generation

    def news(self, token: str, since: int) -> News:
        """Everything that changed after generation `since` of the server run `token`."""
        with self._cond:
            current = self._generation
            if token != self.token or since > current:
                return News(current, (), self._error, reload=True)
            newer = [o for o in self._history if o.generation > since]
            if len(newer) < current - since:
                return News(current, (), self._error, reload=True)
            changed = sorted(set().union(*(o.changed for o in newer)))
            return News(current, tuple(changed), self._error)

    def wait_news(self, generation: int, closings: int, timeout: float) -> tuple[int, int]:
        """Wait until a build starts or ends (or the timeout passes); give the new marks.

        The marks are (generation, closings); a changed `closings` while `building` is
        true means a build has started.
        """
        with self._cond:
            self._cond.wait_for(
                lambda: (
                    self.stopping
                    or self._generation != generation
                    or (self._closed and self._closings != closings)
                ),
                timeout,
            )
            return self._generation, self._closings

    @property
    def marks(self) -> tuple[int, int]:
        with self._cond:
            return self._generation, self._closings

    @property
    def building(self) -> bool:
        with self._cond:
            return self._closed
