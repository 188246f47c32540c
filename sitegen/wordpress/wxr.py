"""Read a WordPress export (WXR 1.0 to 1.2) as a stream of items, in bounded memory."""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from ..errors import SitegenError

_CHUNK = 1 << 16
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")

# Characters XML 1.0 forbids; WordPress exports them anyway (pasted from Word, old databases).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Stand-ins, valid in XML and never typed by anyone, that let each item say what was removed.
STRIPPED = "\ufdd0"
REPLACED = "\ufdd1"
_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']"""
)
_DECLARED = re.compile(r"""(<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._-]+(["'])""")


def _replace_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return REPLACED, error.end


codecs.register_error("sitegen-wxr", _replace_bad_bytes)


class ExportError(SitegenError):
    """The export as a whole cannot be read: not WXR, cut off, or damaged."""


@dataclass(frozen=True, slots=True)
class Comment:
    """An approved comment: who, when and what; never an e-mail or IP address."""

    id: int
    parent: int
    author: str
    date: str
    """Local time as WordPress stored it: "2013-06-27 08:14:00"."""
    date_gmt: str
    html: str


@dataclass(frozen=True, slots=True)
class Item:
    """One <item> of the export: a post, page, attachment or anything else WordPress keeps."""

    line: int
    id: int
    type: str
    status: str
    title: str
    link: str
    slug: str
    date: str
    date_gmt: str
    pub_date: str
    creator: str
    content: str
    excerpt: str
    parent: int
    password: bool
    attachment_url: str
    categories: tuple[tuple[str, str, str], ...]
    """(domain, nicename, name): domain is "category" or "post_tag"."""
    meta: tuple[tuple[str, str], ...]
    comments: tuple[Comment, ...]
    cleaned: int = 0
    """Characters that were not allowed in XML and were removed."""
    replaced: int = 0
    """Byte sequences that were not UTF-8, replaced by U+FFFD."""


@dataclass(frozen=True, slots=True)
class Channel:
    """What the export says about the blog itself."""

    title: str = ""
    link: str = ""
    base_blog_url: str = ""
    version: str = ""
    description: str = ""
    language: str = ""
    image: str = ""
    """The blog's icon (`<image><url>`), when it has one."""
    authors: tuple[tuple[str, str], ...] = ()
    """(login, display name) of every author; their e-mail addresses are not kept."""


def read_export(path: Path) -> Iterator[Channel | Item]:
    """Yield the channel once, before the first item, then every item in export order.

    Raise ExportError naming the file and line when it is not WXR or is cut off.
    """
    try:
        raw = path.open("rb")
    except OSError as e:
        raise ExportError(f"cannot read: {e.strerror}", path) from None
    with raw:
        yield from _parse(_Cleaner(raw, path), path)


def _parse(source: _Cleaner, path: Path) -> Iterator[Channel | Item]:
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        # A DOCTYPE is refused before parsing and entities are never expanded, so libxml2's
        # size limits would only stop honest exports: a post with a pasted base64 image
        # easily holds a text node over its 10 MB limit.
        huge_tree=True,
    )
    fields: dict[str, str] = {}
    authors: list[tuple[str, str]] = []
    channel: Channel | None = None
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise _not_wxr(path, f"its root element is <{_local(element)}>, not <rss>")
                continue
            depth -= 1
            if depth != 2:  # only the channel's own children matter here
                continue
            name = _name(element)
            if name == "item":
                if channel is None:
                    channel = _channel(fields, authors, path)
                    yield channel
                yield _item(element)
            elif name == "wp:author":
                login = _child_text(element, "wp:author_login")
                authors.append((login, _child_text(element, "wp:author_display_name") or login))
            elif name in ("title", "link", "description", "language", "wp:wxr_version",
                          "wp:base_blog_url"):  # fmt: skip
                fields.setdefault(name, (element.text or "").strip())
            elif name == "image":
                fields.setdefault("image", _child_text(element, "url"))
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                # Drop finished siblings so that memory stays flat however big the export.
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as e:
        if source.started_root:
            line = e.lineno or None
            raise ExportError(
                f"the export is cut off or damaged ({e.msg}); "
                "export it again from WordPress (Tools → Export → All content)",
                path,
                line,
            ) from None
        raise _not_wxr(path, f"not XML ({e.msg})") from None
    if channel is None:
        # An export without items is still an export: say so rather than fail.
        yield _channel(fields, authors, path)


class _Cleaner:
    """A byte stream that decodes the export, marks invalid characters and re-encodes UTF-8."""

    def __init__(self, raw: IO[bytes], path: Path) -> None:
        self.raw = raw
        self.path = path
        self.decoder: codecs.IncrementalDecoder | None = None
        self.started_root = False

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(_CHUNK)
        if self.decoder is None:
            return self._first(data)
        text = self.decoder.decode(data, final=not data)
        self.started_root = self.started_root or "<rss" in text
        return self._mark(text)

    def _first(self, data: bytes) -> bytes:
        match = _ENCODING.match(data)
        encoding = match.group(1).decode("ascii") if match else "utf-8"
        try:
            self.decoder = codecs.getincrementaldecoder(encoding)("sitegen-wxr")
        except LookupError:
            raise _not_wxr(self.path, f"unknown encoding {encoding!r}") from None
        text = self.decoder.decode(data, final=not data).lstrip("\ufeff")
        # The bytes handed on are UTF-8 whatever the file said.
        text = _DECLARED.sub(r"\1UTF-8\2", text, count=1)
        prolog = text.split("<rss", 1)[0] if "<rss" in text else text[:2000]
        if "<!DOCTYPE" in prolog.upper():
            raise _not_wxr(self.path, "it declares a DOCTYPE, which WordPress exports never do")
        if not text.strip():
            raise _not_wxr(self.path, "the file is empty")
        self.started_root = "<rss" in text
        return self._mark(text)

    @staticmethod
    def _mark(text: str) -> bytes:
        return _INVALID_XML.sub(STRIPPED, text).encode("utf-8", "surrogatepass")


def _not_wxr(path: Path, why: str) -> ExportError:
    return ExportError(
        f"not a WordPress export (WXR): {why}. "
        "Export one in WordPress under Tools → Export → All content",
        path,
    )


def _channel(fields: dict[str, str], authors: list[tuple[str, str]], path: Path) -> Channel:
    if not fields.get("wp:wxr_version"):
        raise _not_wxr(path, "an RSS feed or other XML without wp:wxr_version")
    return Channel(
        title=fields.get("title", ""),
        link=fields.get("link", ""),
        base_blog_url=fields.get("wp:base_blog_url", ""),
        version=fields["wp:wxr_version"],
        description=fields.get("description", ""),
        language=fields.get("language", ""),
        image=fields.get("image", ""),
        authors=tuple(authors),
    )


def _item(element: etree._Element) -> Item:
    values: dict[str, str] = {}
    categories: list[tuple[str, str, str]] = []
    meta: list[tuple[str, str]] = []
    comments: list[Comment] = []
    for child in element:
        name = _name(child)
        if name == "category":
            categories.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "wp:postmeta":
            meta.append((_child_text(child, "wp:meta_key"), _child_text(child, "wp:meta_value")))
        elif name == "wp:comment":
            comment = _comment(child)
            if comment is not None:
                comments.append(comment)
        else:
            values.setdefault(name, child.text or "")
    texts = [*values.values(), *(c.html + c.author for c in comments), *(v for _, v in meta)]
    item = Item(
        line=element.sourceline or 0,
        id=_int(values.get("wp:post_id")),
        type=values.get("wp:post_type", "").strip(),
        status=values.get("wp:status", "").strip(),
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        slug=values.get("wp:post_name", "").strip(),
        date=values.get("wp:post_date", "").strip(),
        date_gmt=values.get("wp:post_date_gmt", "").strip(),
        pub_date=values.get("pubDate", "").strip(),
        creator=values.get("dc:creator", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        parent=_int(values.get("wp:post_parent")),
        password=bool(values.get("wp:post_password", "").strip()),
        attachment_url=values.get("wp:attachment_url", "").strip(),
        categories=tuple(categories),
        meta=tuple(meta),
        comments=tuple(comments),
        cleaned=sum(t.count(STRIPPED) for t in texts),
        replaced=sum(t.count(REPLACED) for t in texts),
    )
    return _unmarked(item) if item.cleaned or item.replaced else item


def _comment(element: etree._Element) -> Comment | None:
    values = {_name(child): child.text or "" for child in element}
    approved = values.get("wp:comment_approved", "").strip() == "1"
    kind = values.get("wp:comment_type", "").strip()
    if not approved or kind not in ("", "comment"):
        return None
    # Only these fields are read: e-mail, IP and website of commenters never enter memory.
    return Comment(
        id=_int(values.get("wp:comment_id")),
        parent=_int(values.get("wp:comment_parent")),
        author=values.get("wp:comment_author", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        html=values.get("wp:comment_content", ""),
    )


def _unmarked(item: Item) -> Item:
    def fix(text: str) -> str:
        return text.replace(STRIPPED, "").replace(REPLACED, "\ufffd")

    return dataclasses.replace(
        item,
        title=fix(item.title),
        content=fix(item.content),
        excerpt=fix(item.excerpt),
        slug=fix(item.slug),
        creator=fix(item.creator),
        categories=tuple((d, fix(n), fix(t)) for d, n, t in item.categories),
        meta=tuple((k, fix(v)) for k, v in item.meta),
        comments=tuple(
            dataclasses.replace(c, author=fix(c.author), html=fix(c.html)) for c in item.comments
        ),
    )


def _name(element: etree._Element) -> str:
    """A namespaced tag as the export writes it: wp:post_id, content:encoded, title."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return str(tag)
    namespace, local = tag[1:].split("}", 1)
    if namespace == _CONTENT_NS:
        return f"content:{local}"
    if namespace == _DC_NS:
        return f"dc:{local}"
    if _EXCERPT_NS.match(namespace):
        return f"excerpt:{local}"
    if _WP_NS.match(namespace):
        return f"wp:{local}"
    return f"{{{namespace}}}{local}"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _child_text(element: etree._Element, name: str) -> str:
    for child in element:
        if _name(child) == name:
            return (child.text or "").strip()
    return ""


def _int(value: str | None) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return 0
