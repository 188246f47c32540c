"""The parse cache: parsed documents kept between builds, found by stat first and digest second.

Kept as JSON in the store (no pickle): one row a document, keyed by its path under
content/ and stamped with the settings parsing depends on (the store's own version
covers sitegen's code and libraries), so a stale entry can never be taken for a fresh
one. A row that does not decode is parsed again, never trusted.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable

from .codec import decode, encode
from .model import Document, Post
from .text import digest

_SCHEMA = 5

Entry = tuple[str, str, str, str, str, str, str]
"""A cache row: key, setting, stat, source digest, JSON of the post, its HTML body, its print."""


_DECODED: dict[str, tuple[str, str, Post, str]] = {}
"""Posts decoded from the cache in this process, so `sitegen serve` decodes each stored post
once: by content key, the setting and source digest it was decoded from, the post, its print.
One entry a document, and after `forget_others` only documents that exist, in their current
version: a long session of edits holds no more posts than the site has."""


class ParseCache:
    """Parsed posts by content key; `lookup` answers only for an unchanged source.

    The rows come without their bodies (`Store.posts`); `read_bodies`, called before any
    `lookup`, fetches those that will be decoded: all in a new process, only the changed
    files' in a long-lived one that holds the others decoded (`sitegen serve`).
    """

    def __init__(
        self,
        rows: dict[str, tuple[str, str, str]],
        version: str,
        bodies: Callable[[dict[str, str]], dict[str, tuple[str, str]]],
    ) -> None:
        self.version = version
        """The setting: what parsing depends on besides the source (see `setting`)."""
        self.rows = rows
        """Content key -> stat, source digest, print."""
        self._bodies = bodies
        self.bodies: dict[str, tuple[str, str]] = {}
        """Content key -> JSON of the post and its HTML body, as `read_bodies` fetched them."""
        self.pending: list[Entry] = []
        self.prints: dict[str, str] = {}
        """Content key -> print of every post looked up or stored (see `post_print`)."""

    def read_bodies(self, documents: Iterable[Document]) -> None:
        """Fetch the stored bodies that `lookup` will need: of posts this process does not
        hold decoded from the same source, and of those stored again with a new stat."""
        wanted = {}
        for document in documents:
            rel = document.source.rel
            row = self.rows.get(rel)
            if row is None:
                continue
            stat, source_digest, _ = row
            held = _DECODED.get(rel)
            if (
                stat != stat_key(document)
                or held is None
                or held[:2] != (self.version, source_digest)
            ):
                wanted[rel] = source_digest
        self.bodies = self._bodies(wanted) if wanted else {}

    def lookup(self, document: Document) -> Post | None:
        """The cached post when the file (and its bundle) is unchanged: stat first, bytes second."""
        rel = document.source.rel
        row = self.rows.get(rel)
        if row is None:
            return None
        stat, source_digest, known = row
        moved = stat != stat_key(document)
        if moved and source_digest != content_digest(document):
            return None
        # A long-lived process (`sitegen serve`) decodes each stored post once.
        found = _DECODED.get(rel)
        body = self.bodies.get(rel)
        if found is None or found[:2] != (self.version, source_digest):
            if body is None:
                return None  # not read (`read_bodies`), or gone from the store since: parsed
            # The body is stored as it is, outside the JSON: decoding it is most of the cost.
            try:
                fields = json.loads(body[0])
                fields["html"] = _joined(fields["html"], body[1])
                post = decode(Post, fields)
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
                return None  # a damaged row: parsed again
            if not isinstance(post, Post) or post.key != rel:
                return None
            found = (self.version, source_digest, post, known)
            _DECODED[rel] = found
        post = found[2]
        if post.files != document.bundle:
            # Bundle files are the document's, where the site is now (never stored).
            post = dataclasses.replace(post, files=document.bundle)
        if moved:  # the same bytes with a new stat (a checkout, a copy): kept with the new one
            if body is None:
                return None
            self.pending.append(
                (rel, self.version, stat_key(document), source_digest, *body, known)
            )
        self.prints[rel] = known
        return post

    def entry(self, document: Document, post: Post) -> Entry:
        """The row that stores `post`; made apart from `store` so workers can make it."""
        fields = encode(post)
        fields["html"], html = _cut(fields["html"])
        # No absolute path in the cache: a site moved elsewhere with its cache parses nothing.
        fields["files"] = []
        data = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        rel = document.source.rel
        made = (rel, self.version, stat_key(document), content_digest(document), data, html)
        return (*made, post_print(data, html))

    def store(self, entry: Entry) -> None:
        self.pending.append(entry)
        self.prints[entry[0]] = entry[6]
        _DECODED.pop(entry[0], None)  # decoded from a version of the file that is gone


def forget_others(keep: set[str]) -> None:
    """Let go of decoded posts whose documents are gone (`keep`: the content keys there are)."""
    for key in _DECODED.keys() - keep:
        del _DECODED[key]


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
