"""The parse cache: parsed documents kept between builds, found by stat first and digest second.

Stored as JSON in SQLite (no pickle): one row a document, keyed by its path under
content/ and stamped with a version that covers sitegen's own code and the settings
parsing depends on, so a stale entry can never be taken for a fresh one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import sqlite3
import types
import typing
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .model import Document, Post
from .text import digest

_SCHEMA = 2

Entry = tuple[str, str, str, str, str, str]
"""A cache row: key, version, stat, source digest, JSON of the post, its HTML body."""


_DECODED: dict[tuple[str, str, str], Post] = {}
"""Posts decoded from the cache in this process, by schema and version, file and its digest."""


class ParseCache:
    """Parsed posts by content key; `lookup` answers only for an unchanged source."""

    def __init__(self, path: Path, version: str) -> None:
        self.version = digest(str(_SCHEMA), version)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = _open(path)
        except sqlite3.DatabaseError:
            # A damaged cache is only a slower build: start afresh.
            path.unlink(missing_ok=True)
            self.db = _open(path)
        rows = self.db.execute(
            "SELECT key, stat, digest, data, html FROM docs WHERE version = ?", (self.version,)
        )
        self.rows: dict[str, tuple[str, str, str, str]] = {
            key: (stat, dg, data, html) for key, stat, dg, data, html in rows
        }
        self.pending: list[Entry] = []

    def lookup(self, document: Document) -> Post | None:
        """The cached post when the file (and its bundle) is unchanged: stat first, bytes second."""
        row = self.rows.get(document.source.rel)
        if row is None:
            return None
        stat, source_digest, data, html = row
        if stat != stat_key(document):
            if source_digest != content_digest(document):
                return None
            self.pending.append(
                (document.source.rel, self.version, stat_key(document), source_digest, data, html)
            )
        # A long-lived process (`sitegen serve`) decodes each stored post once.
        memo = (self.version, document.source.rel, source_digest)
        post = _DECODED.get(memo)
        if post is None:
            # The body is stored as it is, outside the JSON: decoding it is most of the cost.
            fields = json.loads(data)
            fields["html"] = html
            post = _DECODED[memo] = typing.cast(Post, _decode(Post, fields))
        return post

    def entry(self, document: Document, post: Post) -> Entry:
        """The row that stores `post`; made apart from `store` so workers can make it."""
        fields = _encode(post)
        html = fields.pop("html")
        data = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        rel = document.source.rel
        return (rel, self.version, stat_key(document), content_digest(document), data, html)

    def store(self, entry: Entry) -> None:
        self.pending.append(entry)

    def save(self, keep: set[str]) -> None:
        """Write new entries; forget documents that no longer exist."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?)", self.pending
            )
            gone = [(key,) for key in self.rows.keys() - keep]
            self.db.executemany("DELETE FROM docs WHERE key = ?", gone)
            self.db.execute("DELETE FROM docs WHERE version != ?", (self.version,))
        self.pending = []

    def close(self) -> None:
        self.db.close()


def stat_key(document: Document) -> str:
    files = (document.source, *document.bundle)
    return ";".join(f"{f.rel}:{f.size}:{f.mtime_ns}" for f in files)


def content_digest(document: Document) -> str:
    # Bundle files count by name and size only: their bytes are not part of the parse.
    return digest(
        document.source.path.read_bytes(), *(f"{f.rel}:{f.size}" for f in document.bundle)
    )


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE IF NOT EXISTS docs"
        " (key TEXT PRIMARY KEY, version TEXT, stat TEXT, digest TEXT, data TEXT, html TEXT)"
    )
    return db


# A small, typed JSON codec for the frozen model: the type hints say how to read back.


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        zone = value.tzinfo.key if isinstance(value.tzinfo, zoneinfo.ZoneInfo) else None
        return {"$dt": value.isoformat(), "zone": zone}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(hint: Any, value: Any) -> Any:
    decoder = _decoder(hint)
    return value if decoder is None else decoder(value)


Decoder = Callable[[Any], Any]


@functools.cache
def _decoder(hint: Any) -> Decoder | None:
    """A function rebuilding a value of type `hint` from JSON; None where JSON is already right."""
    origin = typing.get_origin(hint)
    if hint is dt.datetime:
        return _datetime
    if hint is dt.date:
        return lambda v: dt.date.fromisoformat(v["$date"])
    if origin in (types.UnionType, typing.Union):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _decoder(options[0])
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        fields = [(name, _decoder(h)) for name, h in hints.items()]

        def make(v: dict[str, Any]) -> Any:
            return hint(
                **{n: (v[n] if d is None or v[n] is None else d(v[n])) for n, d in fields if n in v}
            )

        return make
    if hint is Path:
        return Path
    if origin is tuple:
        item = _decoder(typing.get_args(hint)[0])
        return tuple if item is None else (lambda v: tuple(item(x) for x in v))
    if origin is dict or hint is Any:
        return _any
    return None


def _datetime(value: dict[str, Any]) -> dt.datetime:
    when = dt.datetime.fromisoformat(value["$dt"])
    return when.replace(tzinfo=zoneinfo.ZoneInfo(value["zone"])) if value["zone"] else when


def _any(value: Any) -> Any:
    """Values of free-form tables: dates are tagged, everything else is plain JSON."""
    if isinstance(value, dict):
        if "$dt" in value:
            return _datetime(value)
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {k: _any(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_any(v) for v in value]
    return value


def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}
