"""The store: everything a build keeps for the next one, in one SQLite file, written once.

It holds the parsed posts (one row each) and, as named JSON texts, the stamp and the
output manifest of each output folder, the audit's facts, the image index and the
related entries. A build reads what it needs at the start and queues what it learns;
`commit` writes it all in one transaction once the new output is in place, so a build
that fails or is killed writes nothing. The whole store carries one version (sitegen's
code, the libraries that shape the output); a store of another version, a damaged one,
or anything that is not one is only a slower build: it is read as empty and replaced.
No key holds an absolute path, so a site moved or checked out elsewhere with its
`.sitegen-cache/` finds everything again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar, cast
from urllib.parse import quote

from .text import digest

log = logging.getLogger(__name__)
T = TypeVar("T")

FILE = "cache.sqlite"
_SCHEMA = "2"
_ASKED_BY_KEY = 200
"""Up to this many posts' bodies are asked for by key; more are read with all the others."""
_BUSY_SECONDS = 30.0
"""How long a write waits for another build (or `sitegen serve`) to finish its own."""
_HALF_MADE_SECONDS = 3600
_OLD = ("parsed.sqlite", "stamp-*.json", "outputs-*.json", "facts-*.json", "related.json")
"""Cache files of earlier versions, replaced by the store (and images/index.json)."""
_TABLES = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)",
    # The small columns first: a row's head is read without the pages its body fills.
    "CREATE TABLE posts (key TEXT PRIMARY KEY, setting TEXT, stat TEXT, digest TEXT,"
    " print TEXT, data TEXT, html TEXT)",
    "CREATE TABLE kept (name TEXT PRIMARY KEY, data TEXT)",
)

PostRow = tuple[str, str, str, str, str, str, str]
"""A parsed post: content key, setting, stat, source digest, JSON, HTML body, print."""


def tree_name(out_dir: Path, site_dir: Path) -> str:
    """How the store names an output folder: relative to the site when inside it."""
    try:
        return out_dir.relative_to(site_dir).as_posix()
    except ValueError:
        return str(out_dir)


class Store:
    """One build's view of the store: read at the start, written by one `commit`."""

    def __init__(self, folder: Path, version: str) -> None:
        self.folder = folder
        self.path = folder / FILE
        self.version = digest(_SCHEMA, version)
        self.usable = False
        """The file is a store of this version: its rows may be read and updated in place."""
        self.db: sqlite3.Connection | None = None
        self.later: dict[str, str] = {}
        self.posts_later: list[PostRow] = []
        self.posts_kept: tuple[frozenset[str], str] | None = None
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)  # a sign that a build has begun
        problem = self._open()
        if problem:
            log.warning("%s: %s; ignored: this build does everything again", self._shown, problem)

    @property
    def _shown(self) -> str:
        return f"{self.folder.name}/{FILE}"

    def _open(self) -> str | None:
        try:
            mode = os.lstat(self.path).st_mode
        except FileNotFoundError:
            return None
        except OSError as e:
            return f"cannot be read ({e.strerror})"
        if not stat.S_ISREG(mode):
            return "not a file"  # never opened, so never written through
        try:
            self.db = _connect(self.path, "rw")
            found = self.db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        except sqlite3.Error as e:
            self.close()
            return f"damaged ({e})"
        self.usable = found == (self.version,)
        if not self.usable:
            self.close()  # another version of sitegen or of a library: read as empty
        return None

    def _rows(self, sql: str, *params: str) -> list[tuple[object, ...]]:
        if self.db is None:
            return []
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as e:
            log.warning("%s: damaged (%s); it is made anew", self._shown, e)
            self.close()
            self.usable = False
            return []

    def get(self, name: str) -> str | None:
        """The text kept under `name`, or None."""
        for (data,) in self._rows("SELECT data FROM kept WHERE name = ?", name):
            return data if isinstance(data, str) else None
        return None

    def put(self, name: str, data: str) -> None:
        """Keep `data` under `name` once the build commits."""
        self.later[name] = data

    def remembered(
        self,
        name: str,
        key: str,
        read: Callable[[object], T | None],
        make: Callable[[], T],
        dump: Callable[[T], object],
    ) -> T:
        """What `make` gives, kept under `name` for the next build that asks with the same `key`.

        What was kept is read back through `read`, which returns None for anything not well
        formed: a damaged or tampered store only means `make` runs again.
        """
        try:
            kept = json.loads(self.get(name) or "null")
        except (ValueError, RecursionError):
            kept = None
        if isinstance(kept, dict) and kept.get("key") == key:
            found = read(kept.get("data"))
            if found is not None:
                return found
        found = make()
        data = {"key": key, "data": dump(found)}
        self.put(name, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        return found

    def posts(self, setting: str) -> dict[str, tuple[str, str, str]]:
        """Parsed posts made with this setting, without their bodies (`bodies` reads those):
        key -> stat, source digest, print."""
        found = {}
        sql = "SELECT key, stat, digest, print FROM posts WHERE setting = ?"
        for key, *rest in self._rows(sql, setting):
            if isinstance(key, str) and all(isinstance(v, str) for v in rest):
                found[key] = cast(tuple[str, str, str], tuple(rest))
        return found

    def bodies(self, setting: str, wanted: dict[str, str]) -> dict[str, tuple[str, str]]:
        """The JSON and HTML of the posts `wanted` names (key -> source digest), where the
        store still holds them made from that source."""
        if len(wanted) > _ASKED_BY_KEY:
            sql = "SELECT key, digest, data, html FROM posts WHERE setting = ?"
            rows = self._rows(sql, setting)
        else:
            marks = ", ".join("?" * len(wanted))
            sql = (
                f"SELECT key, digest, data, html FROM posts WHERE setting = ? AND key IN ({marks})"
            )
            rows = self._rows(sql, setting, *wanted)
        return {
            key: (data, html)
            for key, source, data, html in rows
            if isinstance(key, str)
            and wanted.get(key) == source
            and isinstance(data, str)
            and isinstance(html, str)
        }

    def put_posts(self, rows: Iterable[PostRow], keep: Iterable[str], setting: str) -> None:
        """Store these posts once the build commits; forget every other key and setting."""
        self.posts_later = list(rows)
        self.posts_kept = (frozenset(keep), setting)

    def forget_now(self, *names: str) -> None:
        """Drop these texts at once, before the output changes: none may vouch for the new one.

        The only write before `commit`. When the store cannot be written, it is removed.
        """
        _remove_old(self.folder)  # an earlier version must not trust its files either
        if self.usable:
            try:
                db = _connect(self.path, "rw")
                try:
                    db.execute("BEGIN IMMEDIATE")
                    db.executemany("DELETE FROM kept WHERE name = ?", [(n,) for n in names])
                    db.execute("COMMIT")
                finally:
                    db.close()
                return
            except sqlite3.Error:
                self.close()
                self.usable = False
        # Replaced whole by `commit` anyway; until then no version of sitegen may trust it.
        _remove(self.path)

    def commit(self) -> None:
        """Write everything queued in one transaction; failing to is no error."""
        self.close()
        try:
            if self.usable:
                try:
                    self._write(_connect(self.path, "rw"), fresh=False)
                except sqlite3.Error:
                    self._replace()  # tables of another shape, or busy for too long
            else:
                self._replace()
        except (sqlite3.Error, OSError) as e:
            log.warning("%s: not saved (%s); the next build does more work", self._shown, e)
            return
        _remove_old(self.folder)

    def _replace(self) -> None:
        """A new store in a file beside it, put in its place in one step."""
        try:
            mode: int | None = os.lstat(self.path).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISLNK(mode):
            raise OSError(f"{FILE} is not a file")  # a folder or a device: left alone
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".cache-", suffix=".tmp")
        os.close(fd)
        try:
            db = _connect(Path(tmp), "rw")
            for table in _TABLES:
                db.execute(table)
            self._write(db, fresh=True)
            os.chmod(tmp, 0o644)
            os.replace(tmp, self.path)  # a link in its place is replaced, never followed
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _write(self, db: sqlite3.Connection, fresh: bool) -> None:
        try:
            db.execute("BEGIN IMMEDIATE")
            if not fresh:
                db.execute("DELETE FROM meta")
            db.execute("INSERT INTO meta VALUES ('version', ?)", (self.version,))
            db.executemany(
                "INSERT OR REPLACE INTO posts (key, setting, stat, digest, data, html, print)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                self.posts_later,
            )
            if self.posts_kept is not None and not fresh:
                keep, setting = self.posts_kept
                db.execute("DELETE FROM posts WHERE setting IS NOT ?", (setting,))
                gone = [(k,) for (k,) in db.execute("SELECT key FROM posts") if k not in keep]
                db.executemany("DELETE FROM posts WHERE key = ?", gone)
            db.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?)", self.later.items())
            db.execute("COMMIT")
        finally:
            db.close()

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    """A connection that never creates the file (mode rw) and waits for other writers."""
    uri = f"file:{quote(str(path))}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=_BUSY_SECONDS, isolation_level=None)


def _remove_old(folder: Path) -> None:
    """Remove the cache files of earlier versions, and stores a killed build left half made."""
    for pattern in _OLD:
        for old in folder.glob(pattern):
            _remove(old)
    _remove(folder / "images" / "index.json")
    for half in folder.glob(".cache-*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - half.lstat().st_mtime > _HALF_MADE_SECONDS:
                _remove(half)  # not one another build is making right now


def _remove(path: Path) -> None:
    """Remove a cache file of ours (a link: the link, never what it names); never a folder."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            path.unlink()
