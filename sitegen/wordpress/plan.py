"""Decide, before anything is written, where each post and page of an export goes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, unquote, urlsplit

from ..config import Config
from ..errors import SitegenError
from ..paths import page_path
from ..text import plain_text, slugify
from .urls import Survey, Taken, safe_path
from .wxr import Channel, Item

IMPORTED_TYPES = {"post": "posts", "page": "pages"}
_PUBLISHED = {"publish", "future"}
_DRAFTS = {"draft", "pending", "private"}
_MEDIA_HINT = re.compile(r"wp-content/uploads/|\.files\.wordpress\.com/|i[0-3]\.wp\.com/|\[gallery")
_DEFAULT_CATEGORIES = {
    "uncategorized",
    "allgemein",
    "unkategorisiert",
    "non-classe",
    "sin-categoria",
}


class ItemError(SitegenError):
    """One item of the export cannot be imported; the others can."""


@dataclass(frozen=True, slots=True)
class Planned:
    """Where one post or page goes, and under which URLs."""

    id: int
    kind: str
    """"post" or "page"."""
    rel: str
    """The Markdown file, relative to content/: posts/2013-06-26-slug/index.md."""
    date: dt.datetime | None
    url: str
    """The URL sitegen will give it, relative to the site root."""
    old_path: str
    """Its path on the old blog, relative to the blog's root; "" when unknown."""
    draft: bool
    bundle: bool
    page_url: str = ""
    """For a nested page, the `url` front matter that keeps its old address."""
    aliases: tuple[str, ...] = ()
    """Old URLs that get a redirect page: the ones the new URL does not keep, if free."""
    replaces: str = ""
    """The untouched placeholder of `sitegen init` this page takes the place of."""


@dataclass(slots=True)
class Plan:
    """Everything the first pass over the export learned."""

    channel: Channel = field(default_factory=Channel)
    items: dict[int, Planned] = field(default_factory=dict)
    by_old_path: dict[str, int] = field(default_factory=dict)
    attachments: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Attachment id -> (URL, caption)."""
    children: dict[int, list[int]] = field(default_factory=dict)
    """Post id -> ids of the attachments uploaded to it, in export order."""
    hosts: set[str] = field(default_factory=set)
    """Hosts that served the old blog and its uploads."""
    skipped: Counter[str] = field(default_factory=Counter)
    failed: list[SitegenError] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    site: Survey = field(default_factory=lambda: Survey(Taken(), {}, set(), {}))
    """URLs spoken for (pages sitegen makes, the site's content, earlier items) and files."""
    moved: list[str] = field(default_factory=list)
    """Every URL an item could not have, and where it went instead; every refused redirect."""

    @property
    def base_path(self) -> str:
        return urlsplit(self.channel.base_blog_url or self.channel.link).path.rstrip("/") + "/"

    def add_channel(self, channel: Channel) -> None:
        self.channel = channel
        for url in (channel.link, channel.base_blog_url):
            host = (urlsplit(url).hostname or "").lower()
            if host:
                self.hosts.update({host, host.removeprefix("www."), "www." + host})
                if host.endswith(".wordpress.com"):
                    self.hosts.add(host.replace(".wordpress.com", ".files.wordpress.com"))

    def old_path(self, url: str) -> str:
        """A URL of the old blog as a path below its root ("2013/06/26/slug/"), or ""."""
        parts = urlsplit(url.strip())
        if parts.hostname and parts.hostname.lower() not in self.hosts:
            return ""
        query = parse_qs(parts.query)
        for key in ("p", "page_id", "attachment_id"):
            if key in query:
                return f"?{key}={query[key][0]}"
        path = unquote(parts.path)
        base = self.base_path
        if not path.startswith(base):
            return ""
        path = path[len(base) :].strip("/")
        return f"{path}/" if path else ""


def finish(plan: Plan) -> None:
    """Give each item the redirects from its old URL that are free and stay inside the site."""
    for item_id, planned in list(plan.items.items()):
        old = planned.old_path
        if planned.draft or not old or old == planned.url:
            continue
        name = planned.rel
        if not safe_path(old):
            plan.moved.append(f"content/{name}: no redirect from /{old}: it leaves the site")
            continue
        # Where the build will write it: the front matter's alias, read as every alias is.
        holder = plan.site.taken.holder(page_path(old))
        stem = name.removesuffix("/index.md").removesuffix(".md")
        earlier = [
            r for r in (f"{stem}.md", f"{stem}/index.md") if plan.site.imported.get(r) == item_id
        ]
        if holder in {f"a redirect of content/{r}" for r in earlier}:
            holder = None  # its own redirect, from an import this one does again
        if holder is not None:
            plan.moved.append(f"content/{name}: no redirect from /{old}: it is {holder}")
            continue
        plan.site.taken.add(page_path(old), f"a redirect of content/{name}")
        plan.items[item_id] = dataclasses.replace(planned, aliases=(old,))


def plan_item(item: Item, plan: Plan, config: Config, export: str) -> None:
    """Add a post or page to the plan, an attachment to the index; count everything else."""
    if item.type == "attachment":
        plan.attachments[item.id] = (item.attachment_url, plain_text(item.excerpt))
        plan.children.setdefault(item.parent, []).append(item.id)
        host = (urlsplit(item.attachment_url).hostname or "").lower()
        if host:
            plan.hosts.add(host)
        return
    if item.type not in IMPORTED_TYPES:
        plan.skipped[f"{item.type or 'untyped'} items"] += 1
        return
    if item.status not in _PUBLISHED | _DRAFTS:
        plan.skipped[f"{item.type}s with status {item.status or 'none'}"] += 1
        return
    try:
        planned = _place(item, plan, config, export)
    except ItemError as e:
        plan.failed.append(e)
        return
    plan.items[item.id] = planned
    plan.used.add(planned.rel)
    for path in (planned.old_path, f"?p={item.id}", f"?page_id={item.id}"):
        if path:
            plan.by_old_path.setdefault(path, item.id)


def item_date(item: Item, config: Config) -> dt.datetime | None:
    """When the item was written, in the offset WordPress stored; None when it has no date."""
    local, gmt = _wp_time(item.date), _wp_time(item.date_gmt)
    if local and gmt:
        seconds = round((local - gmt).total_seconds() / 900) * 900
        if abs(seconds) <= 14 * 3600:
            return local.replace(tzinfo=dt.timezone(dt.timedelta(seconds=seconds)))
    zone = config.zone
    if local and zone:
        offset = local.replace(tzinfo=zone).utcoffset() or dt.timedelta()
        return local.replace(tzinfo=dt.timezone(offset))
    try:
        published = parsedate_to_datetime(item.pub_date) if item.pub_date else None
    except (TypeError, ValueError, IndexError):
        published = None
    if published is not None and published.year > 1970:
        return published.astimezone(zone) if zone else published
    if local:
        return local.replace(tzinfo=dt.UTC)
    return None


def describe(item: Item) -> str:
    """How messages name an item: its type, title and WordPress id."""
    title = plain_text(item.title) or "(untitled)"
    return f'{item.type or "item"} "{title}" (id {item.id})'


def _place(item: Item, plan: Plan, config: Config, export: str) -> Planned:
    kind = item.type
    date = item_date(item, config)
    if date is None and kind == "post":
        raise ItemError(
            f"{describe(item)} has no date (wp:post_date, wp:post_date_gmt and pubDate "
            "are empty or zero); give it a date in WordPress and export again",
            export,
            item.line,
        )
    # Titles in scripts slugify cannot spell yet (Greek, Chinese) fall back to the id.
    base = slugify(unquote(item.slug)) or slugify(plain_text(item.title)) or f"{kind}-{item.id}"
    folder = IMPORTED_TYPES[kind]
    bundle = bool(
        _MEDIA_HINT.search(item.content)
        or any(key in ("enclosure", "_thumbnail_id") for key, _ in item.meta)
    )
    old_path = plan.old_path(item.link)
    if old_path.startswith("?"):
        old_path = ""  # a query URL cannot be a static page, so no redirect can catch it
    nested = kind == "page" and "/" in old_path.strip("/") and safe_path(old_path)
    nested = nested and all(slugify(p) == p for p in old_path.strip("/").split("/"))
    reasons: list[str] = []
    for number in itertools.count(1):
        slug = base if number == 1 else f"{base}-{number}"
        stem = f"{date:%Y-%m-%d}-{slug}" if kind == "post" and date else slug
        rel = f"{folder}/{stem}/index.md" if bundle else f"{folder}/{stem}.md"
        page_url = ""
        if nested and number == 1:  # a nested page keeps its path as it is
            page_url = url = old_path
        elif kind == "page":
            url = f"{slug}/"
        else:
            assert date is not None
            url = config.permalink.format(
                year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}", slug=slug
            ).lstrip("/")
        forms = (f"{folder}/{stem}.md", f"{folder}/{stem}/index.md")
        replaces = next((r for r in forms if r in plan.site.placeholders), "")
        # Its own earlier file, or the placeholder it replaces, may keep holding its URL.
        own = {
            f"content/{r}" for r in forms if r == replaces or plan.site.imported.get(r) == item.id
        }
        why = _file_blocked(plan, folder, stem, item.id)
        holder = plan.site.taken.holder(url)
        if holder is not None and holder not in own:
            why = why or f"/{url} is {holder}"
        if why is None:
            break
        reasons.append(why)
        if number > 999:  # only a permalink without {slug} gets here
            raise ItemError(f"{describe(item)}: no free URL: {reasons[0]}", export, item.line)
    if reasons:
        plan.moved.append(f"{describe(item)}: {reasons[0]}; imported as content/{rel} at /{url}")
    plan.site.taken.add(url, f"content/{rel}")
    draft = item.status in _DRAFTS or item.password
    return Planned(
        item.id, kind, rel, date, url, old_path, draft, bundle, page_url, replaces=replaces
    )


def _file_blocked(plan: Plan, folder: str, stem: str, item_id: int) -> str | None:
    """Why no file may be written for this stem: another item's, or the user's own."""
    for end in ("/index.md", ".md"):
        rel = f"{folder}/{stem}{end}"
        if rel in plan.used:
            return f"content/{rel} is another item of the export"
        if rel in plan.site.blocked:
            return plan.site.blocked[rel]
        if plan.site.imported.get(rel, item_id) != item_id:
            return f"content/{rel} was imported from another item"
    return None


def relative_link(source_rel: str, target_rel: str) -> str:
    """A Markdown link from one content file to another, as sitegen resolves them."""
    return posixpath.relpath(target_rel, posixpath.dirname(source_rel))


def tags_of(item: Item) -> list[str]:
    """Categories and tags, WordPress's default category left out."""
    names: dict[str, None] = {}
    for domain, nicename, name in item.categories:
        if domain == "category" and nicename.lower() in _DEFAULT_CATEGORIES:
            continue
        if domain in ("category", "post_tag") and plain_text(name):
            names.setdefault(plain_text(name), None)
    return list(names)


def _wp_time(value: str) -> dt.datetime | None:
    if not value or value.startswith("0000"):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        return None
