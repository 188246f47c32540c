"""The parse cache: parsed documents kept between builds, found by stat first and digest second.

Stored as JSON in SQLite (no pickle): one row a document, keyed by its path under
content/ and stamped with a version that covers sitegen's own code and the settings
parsing depends on, so a stale entry can never be taken for a fresh one.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

from .codec import decode, encode
from .model import Document, Post
from .text import digest

_SCHEMA = 4

Entry = tuple[str, str, str, str, str, str, str]
"""A cache row: key, version, stat, source digest, JSON of the post, its body's HTML, its print."""


_DECODED: dict[str, tuple[str, str, Post, str]] = {}
"""Posts decoded from the cache in this process, so `sitegen serve` decodes each stored post
once: by content key, the version and source digest it was decoded from, the post, its print.
One entry a document, and after `save` only documents that exist, in their current version:
a long session of edits holds no more posts than the site has."""


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
            "SELECT key, stat, digest, data, html, print FROM posts WHERE version = ?",
            (self.version,),
        )
        self.rows: dict[str, tuple[str, str, str, str, str]] = {
            key: (stat, dg, data, html, pr) for key, stat, dg, data, html, pr in rows
        }
        self.pending: list[Entry] = []
        self.prints: dict[str, str] = {}
        """Content key -> print of every post looked up or stored (see `post_print`)."""

    def lookup(self, document: Document) -> Post | None:
        """The cached post when the file (and its bundle) is unchanged: stat first, bytes second."""
        row = self.rows.get(document.source.rel)
        if row is None:
            return None
        stat, source_digest, data, html, known = row
        if stat != stat_key(document):
            if source_digest != content_digest(document):
                return None
            rel, version = document.source.rel, self.version
            self.pending.append(
                (rel, version, stat_key(document), source_digest, data, html, known)
            )
        # A long-lived process (`sitegen serve`) decodes each stored post once.
        rel = document.source.rel
        found = _DECODED.get(rel)
        if found is None or found[:2] != (self.version, source_digest):
            # The body is stored as it is, outside the JSON: decoding it is most of the cost.
            fields = json.loads(data)
            fields["html"] = _joined(fields["html"], html)
            found = (self.version, source_digest, decode(Post, fields), known)
            _DECODED[rel] = found
        post = found[2]
        if post.files != document.bundle:
            # Bundle files are the document's, where the site is now (never stored).
            post = dataclasses.replace(post, files=document.bundle)
        self.prints[rel] = found[3]
        return post

    def entry(self, document: Document, post: Post) -> Entry:
        """The row that stores `post`; made apart from `store` so workers can make it."""
        fields = encode(post)
        fields["html"], html = _cut(fields["html"])
        # No absolute path in the cache: a site moved elsewhere with its cache parses nothing.
        fields["files"] = []
        data = _dumps(fields)
        rel = document.source.rel
        made = (rel, self.version, stat_key(document), content_digest(document), data, html)
        return (*made, post_print(data, html))

    def store(self, entry: Entry) -> None:
        self.pending.append(entry)
        self.prints[entry[0]] = entry[6]
        _DECODED.pop(entry[0], None)  # decoded from a version of the file that is gone

    def save(self, keep: set[str]) -> None:
        """Write new entries; forget documents that no longer exist."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?)", self.pending
            )
            gone = [(key,) for key in self.rows.keys() - keep]
            self.db.executemany("DELETE FROM posts WHERE key = ?", gone)
            self.db.execute("DELETE FROM posts WHERE version != ?", (self.version,))
        self.pending = []
        for key in _DECODED.keys() - keep:
            del _DECODED[key]

    def close(self) -> None:
        self.db.close()


def decoded_posts() -> int:
    """Posts this process holds decoded (tests check that the number stays bounded)."""
    return len(_DECODED)


def _cut(body: list[dict[str, str]]) -> tuple[list[int | dict[str, str]], str]:
    """An encoded body as its shape, each HTML segment by its length, and the HTML itself.

    The HTML is stored as it is, outside the JSON: decoding it as JSON strings would be
    most of the cost of reading a post back.
    """
    shape: list[int | dict[str, str]] = []
    html: list[str] = []
    for segment in body:
        if segment.keys() == {"html"}:
            shape.append(len(segment["html"]))
            html.append(segment["html"])
        else:
            shape.append(segment)
    return shape, "".join(html)


def _joined(shape: list[int | dict[str, str]], html: str) -> list[dict[str, str]]:
    """The encoded body `_cut` took apart."""
    body: list[dict[str, str]] = []
    at = 0
    for part in shape:
        if isinstance(part, int):
            body.append({"html": html[at : at + part]})
            at += part
        else:
            body.append(part)
    return body


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def post_print(data: str, html: str) -> str:
    """The print of a post: the digest of its whole encoding, every field (see inputs.py)."""
    return digest(data, html)


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
    db.execute("DROP TABLE IF EXISTS docs")  # the table of cache schema 2
    db.execute(
        "CREATE TABLE IF NOT EXISTS posts (key TEXT PRIMARY KEY, version TEXT, stat TEXT,"
        " digest TEXT, data TEXT, html TEXT, print TEXT)"
    )
    return db
