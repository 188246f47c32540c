"""The parse cache: parsed documents kept between builds, found by stat first and digest second.

Kept as JSON in the store (no pickle): one row a document, keyed by its path under
content/ and stamped with the settings parsing depends on (the store's own version
covers sitegen's code and libraries), so a stale entry can never be taken for a fresh
one. A row that does not decode is parsed again, never trusted.
"""

from __future__ import annotations

import dataclasses
import json

from .codec import decode, encode
from .model import Document, Post
from .text import digest

_SCHEMA = 4

Entry = tuple[str, str, str, str, str, str, str]
"""A cache row: key, setting, stat, source digest, JSON of the post, its HTML body, its print."""


_DECODED: dict[tuple[str, str, str], tuple[Post, str]] = {}
"""Posts decoded from the cache in this process (with their prints), by version, file, digest."""
_DECODED_MAX = 50_000
"""Decoded posts kept at most: a long `sitegen serve` session must not grow without end."""


class ParseCache:
    """Parsed posts by content key; `lookup` answers only for an unchanged source."""

    def __init__(self, rows: dict[str, tuple[str, str, str, str, str]], version: str) -> None:
        self.version = version
        """The setting: what parsing depends on besides the source (see `setting`)."""
        self.rows = rows
        """Content key -> stat, source digest, JSON of the post, HTML body, print."""
        self.pending: list[Entry] = []
        self.prints: dict[str, str] = {}
        """Content key -> print of every post looked up or stored (see `post_print`)."""

    def lookup(self, document: Document) -> Post | None:
        """The cached post when the file (and its bundle) is unchanged: stat first, bytes second."""
        row = self.rows.get(document.source.rel)
        if row is None:
            return None
        stat, source_digest, data, html, known = row
        moved = stat != stat_key(document)
        if moved and source_digest != content_digest(document):
            return None
        # A long-lived process (`sitegen serve`) decodes each stored post once.
        memo = (self.version, document.source.rel, source_digest)
        found = _DECODED.pop(memo, None)
        if found is None:
            # The body is stored as it is, outside the JSON: decoding it is most of the cost.
            try:
                fields = json.loads(data)
                fields["html"] = html
                post = decode(Post, fields)
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
                return None  # a damaged row: parsed again
            if not isinstance(post, Post) or post.key != document.source.rel:
                return None
            if document.bundle:
                # Bundle files are the document's, where the site is now (never stored).
                post = dataclasses.replace(post, files=document.bundle)
            found = (post, known)
            while len(_DECODED) >= _DECODED_MAX:
                del _DECODED[next(iter(_DECODED))]  # the one used longest ago
        _DECODED[memo] = found
        if moved:  # the same bytes with a new stat (a checkout, a copy): kept with the new one
            rel, version = document.source.rel, self.version
            self.pending.append(
                (rel, version, stat_key(document), source_digest, data, html, known)
            )
        self.prints[document.source.rel] = found[1]
        return found[0]

    def entry(self, document: Document, post: Post) -> Entry:
        """The row that stores `post`; made apart from `store` so workers can make it."""
        fields = encode(post)
        html = fields.pop("html")
        # No absolute path in the cache: a site moved elsewhere with its cache parses nothing.
        fields["files"] = []
        data = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        rel = document.source.rel
        made = (rel, self.version, stat_key(document), content_digest(document), data, html)
        return (*made, post_print(data, html))

    def store(self, entry: Entry) -> None:
        self.pending.append(entry)
        self.prints[entry[0]] = entry[6]


def setting(*parts: str) -> str:
    """The setting of a cache: its schema and what parsing depends on."""
    return digest(str(_SCHEMA), *parts)


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
