"""Watch the site's sources (content/, themes/, site.toml) and nothing it writes itself."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from .state import LiveState

log = logging.getLogger(__name__)

SOURCES = ("content", "themes")
"""Folders of the site whose files feed the build."""
SITE_FILE = "site.toml"

# Only events that change a file's bytes or names: opening and closing (the build
# reads every source) and attribute changes must not start another build. A file closed
# after writing starts none either: it tells that a save is done (see `LiveState.saved`).
_EVENTS: list[type[FileSystemEvent]] = [
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

_EDITOR_TEMP = re.compile(
    r"""
    \.sw[a-px]$              # vim swap files: .x.md.swp, .swo, ..., .swx
    | ~$                     # vim and emacs backups: x.md~
    | ^\.\#                  # emacs lock links: .#x.md
    | ^\#.*\#$               # emacs auto-saves: #x.md#
    | ___jb_(tmp|old)___$    # JetBrains safe writes
    | \.kate-swp$            # kate
    | ^\.goutputstream-      # gedit and other GIO editors
    | \.tmp$                 # atomic writers' temporary files (renamed into place when done)
    | ^\.DS_Store$
    """,
    re.VERBOSE,
)


def is_editor_temp(name: str) -> bool:
    """Is this a file an editor makes beside the one being edited, never a source itself?"""
    if name.isdigit():
        # Vim probes whether it may write a folder by creating 4913 (or 5036, 5159, ...).
        return int(name) >= 4913 and (int(name) - 4913) % 123 == 0
    return bool(_EDITOR_TEMP.search(name))


def is_source(site_dir: Path, path: str) -> bool:
    """Does a change to `path` concern the build (and is it no editor's temporary file)?"""
    site = str(site_dir)
    if not path.startswith(site + os.sep):
        return False
    parts = path[len(site) + 1 :].split(os.sep)
    if parts[0] == SITE_FILE and len(parts) == 1:
        return True
    return parts[0] in SOURCES and not is_editor_temp(parts[-1])


class Watcher:
    """Tells `state` of every change to a source, with the changed files' paths (none when
    a folder changed: anything below it may have); runs in watchdog's threads."""

    def __init__(self, site_dir: Path, state: LiveState, poll: bool) -> None:
        self.site_dir = site_dir
        self.state = state
        # Polling, for file systems that send no events (WSL, Docker volumes, network shares).
        self.observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
        self.handler = _Handler(self)
        self.watched: set[str] = set()

    def start(self) -> None:
        # Not the site folder recursively: output/ and .sitegen-cache/ live there, and a
        # checkout may hold .venv/ or node_modules/ with thousands of folders.
        self.observer.schedule(self.handler, str(self.site_dir), event_filter=_EVENTS)
        for name in SOURCES:
            self.watch_folder(name)
        self.observer.start()

    def watch_folder(self, name: str) -> None:
        folder = self.site_dir / name
        if name in self.watched or not folder.is_dir():
            return
        self.observer.schedule(self.handler, str(folder), recursive=True, event_filter=_EVENTS)
        self.watched.add(name)

    def stop(self) -> None:
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=5)

    def event(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        if event.dest_path:
            # A save by rename: the temporary file's name says nothing, the new one does.
            paths.append(os.fsdecode(event.dest_path))
        relevant = [p for p in paths if is_source(self.site_dir, p)]
        if not relevant:
            return
        if isinstance(event, FileClosedEvent):
            self.state.saved(relevant[0])
            return
        log.debug("changed: %s", ", ".join(relevant))
        for path in relevant:
            if event.is_directory and os.path.dirname(path) == str(self.site_dir):
                # content/ or themes/ appeared (a checkout, a restore): watch it from now on.
                self.watch_folder(os.path.basename(path))
        if event.is_directory:
            self.state.changed(None)
        elif isinstance(event, FileMovedEvent | FileDeletedEvent):
            self.state.changed(relevant, saved=relevant)  # in place, or gone
        else:
            self.state.changed(relevant)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.event(event)


def changed_since(site_dir: Path, start_ns: int) -> bool:
    """Did a source change at or after `start_ns` (while the first build ran, unwatched)?"""
    paths = [site_dir / SITE_FILE]
    for name in SOURCES:
        for root, _, names in os.walk(site_dir / name):
            paths.extend(Path(root, n) for n in names if not is_editor_temp(n))
    for path in paths:
        try:
            if path.stat().st_mtime_ns >= start_ns:
                return True
        except OSError:
            continue
    return False
