"""What the dev server knows between builds: whether one is due, and what each one changed.

One condition variable guards it all. The watcher closes the gate as soon as a
watched file changes, so a request that arrives while a build is due or running
waits for it instead of being served a stale or half-written page. Every finished
build (good or failed) is a new generation; browsers ask for the changes since the
generation of the page they show.

A preview of the saved posts' pages (`sitegen.preview`) is a generation too. It opens
the gate while the build runs: the previewed pages are answered from memory, everything
else from the last good build, whose tree the running build replaces in one step. A
newer save closes the gate again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Collection, Iterator
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
    preview: bool = False
    """A preview shown while the build runs, not a finished build."""


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
    preview: bool = False
    """The newest generation is a preview; its build is still running."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What a request may read: the generation it belongs to, and the previewed pages."""

    generation: int
    previewed: dict[str, bytes]
    """Output path -> the preview's bytes, served instead of the file; empty without one."""


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
        self._paths: set[str] | None = set()
        """Files changed since the last build began; None when that is not known."""
        self._unsaved: set[str] = set()
        """Those of them that may still be half written (see `changed`)."""
        self._previewed: dict[str, bytes] = {}
        """The preview being shown while the build runs (see the module)."""
        self._last_read = 0.0
        """When a request last finished reading (monotonic seconds)."""
        self._preview_read = False
        """A previewed page has been asked for since the preview was shown."""
        self._shown: Counter[str] = Counter()
        """Output files the open pages show (one for each event stream)."""
        self.stopping = False

    # The watcher's side --------------------------------------------------

    def changed(self, paths: list[str] | None = None, saved: Collection[str] = ()) -> None:
        """Watched files changed (None: some, not known which): close the gate and ask for
        a build. `saved` are those of `paths` whose writer is done with them (closed after
        writing, renamed into place, removed); the others may be half written still."""
        with self._cond:
            if paths is None or self._paths is None:
                self._paths = None
            else:
                self._paths.update(paths)
                self._unsaved.update(p for p in paths if p not in saved)
                self._unsaved.difference_update(saved)
            self._previewed = {}  # shows an older save now: requests wait again
            self._pending = True
            self._last_change = time.monotonic()
            if not self._closed:
                self._closed = True
                self._closings += 1
            self._cond.notify_all()

    # The builder's side --------------------------------------------------

    def saved(self, path: str) -> None:
        """A file was closed after writing: its save is done, if it was changed at all."""
        with self._cond:
            if self._paths is not None and path in self._paths and path in self._unsaved:
                self._unsaved.discard(path)
                self._last_change = time.monotonic()
                self._cond.notify_all()

    def next_build(self, quiet: float, early: bool = False) -> bool:
        """Wait until changes came and then `quiet` seconds passed without one; False on stop.
        With `early`, return as soon as every changed file is known to be saved (for a
        preview: the build that follows waits out the rest, see `quiet_for`).

        Returns once no request is reading the output, with the gate closed.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._pending or self.stopping)
            self._wait_quiet(quiet, early)
            self._cond.wait_for(lambda: not self._readers or self.stopping)
            self._pending = False
            return not self.stopping

    def quiet_for(self, quiet: float) -> None:
        """Wait until `quiet` seconds passed without a change (`next_build` may have
        returned early): the files of a burst of saves join the build about to run."""
        with self._cond:
            self._wait_quiet(quiet, early=False)
            self._pending = False
            self._paths, self._unsaved = set(), set()

    def _wait_quiet(self, quiet: float, early: bool) -> None:
        """Wait, holding the lock's condition, until `quiet` seconds passed without a change
        (with `early`: or every changed file is known to be saved)."""
        while not self.stopping:
            if early and self._paths and not self._unsaved:
                return
            left = self._last_change + quiet - time.monotonic()
            if left <= 0:
                return
            self._cond.wait(left)

    def take_changes(self) -> frozenset[str] | None:
        """The files changed since the last call (None: not known which), for a build
        that has just begun."""
        with self._cond:
            paths, self._paths, self._unsaved = self._paths, set(), set()
            return None if paths is None else frozenset(paths)

    def show_preview(self, pages: dict[str, bytes]) -> bool:
        """Show previewed pages as a new generation while the build runs; False (and
        nothing shown) when a newer save came meanwhile."""
        with self._cond:
            if self._pending or self.stopping:
                return False
            self._generation += 1
            outcome = Outcome(self._generation, frozenset(pages), self._error, preview=True)
            self._history.append(outcome)
            self._previewed = dict(pages)
            self._preview_read = False
            self._cond.notify_all()
            return True

    def preview_read(self, quiet: float, limit: float) -> None:
        """Wait until a browser has read the preview and what its page asks for (no request
        for `quiet` seconds since), at most `limit` seconds: a build started at once would
        share the interpreter with those requests and slow the browser's reload. No wait
        when no open page shows a previewed file."""
        end = time.monotonic() + limit
        with self._cond:
            if not any(self._shown[output] for output in self._previewed):
                return
            while not self.stopping and self._previewed and not self._pending:
                now = time.monotonic()
                if now >= end:
                    return
                if self._preview_read and not self._readers and now - self._last_read >= quiet:
                    return
                wait = end - now
                if self._preview_read and not self._readers:
                    wait = min(wait, self._last_read + quiet - now)
                self._cond.wait(wait)

    def previewed(self) -> dict[str, bytes]:
        """The preview shown now (empty for none)."""
        with self._cond:
            return self._previewed

    def finish(self, changed: frozenset[str], error: str | None) -> Outcome:
        """Record a finished build; open the gate unless more changes came meanwhile."""
        with self._cond:
            self._generation += 1
            outcome = Outcome(self._generation, changed, error)
            self._history.append(outcome)
            self._error = error
            self._previewed = {}
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
    def reading(self) -> Iterator[Reading]:
        """Wait while a build is due or running and no preview is shown; then hold off the
        next build and give the generation."""
        with self._cond:
            self._cond.wait_for(lambda: not self._closed or self._previewed or self.stopping)
            self._readers += 1
            reading = Reading(self._generation, self._previewed)
        try:
            yield reading
        finally:
            with self._cond:
                self._readers -= 1
                self._last_read = time.monotonic()
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def showing(self, output: str) -> Iterator[None]:
        """An open page showing `output` listens for news meanwhile."""
        with self._cond:
            self._shown[output] += 1
        try:
            yield
        finally:
            with self._cond:
                self._shown[output] -= 1
                if not self._shown[output]:
                    del self._shown[output]

    def read_preview(self) -> None:
        """A request was answered with a previewed page (see `preview_read`)."""
        with self._cond:
            self._preview_read = True
            self._cond.notify_all()

    @property
    def error(self) -> str | None:
        """The last build's failure; None after a good build."""
        with self._cond:
            return self._error

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
            preview = bool(newer) and newer[-1].preview
            return News(current, tuple(changed), self._error, preview=preview)

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
