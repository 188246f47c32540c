"""`sitegen import wordpress`: plan every item, then convert and write them one at a time."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..config import Config, load_config
from ..errors import SitegenError, display_path
from ..markdown import IMAGE_EXTENSIONS
from ..model import Document, SourceFile
from ..parse import front_matter_keys, parse_document
from ..podcast import artwork_problem
from ..text import plain_text
from . import document
from .convert import Converted, Links, source_url, to_markdown
from .diary import DREAM_PHRASES, recognise
from .files import Bundle, State, file_digest, find_upload, write_atomically
from .media import prepare
from .plan import ItemError, Plan, Planned, describe, finish, plan_item, relative_link, tags_of
from .report import ImportReport, Tally
from .show import podcast_section
from .urls import survey
from .wxr import Channel, Item, read_export

STATE_FILE = ".sitegen-cache/wordpress-import.json"

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    export: Path
    site_dir: Path
    media_dir: Path | None = None
    """The blog's wp-content/uploads folder, as downloaded."""
    comments: bool = True
    force: bool = False
    """Overwrite files edited since the last import."""
    dream_phrases: tuple[str, ...] = DREAM_PHRASES
    keep_metadata: bool = False
    """Copy images with their location, serials and comments (removed by default)."""


def import_wordpress(options: ImportOptions, progress: Progress | None = None) -> ImportReport:
    """Import a WordPress export into the site's content/; return what was done."""
    site_dir = options.site_dir.resolve()
    config = load_config(site_dir)
    if options.media_dir is not None and not options.media_dir.is_dir():
        raise SitegenError("no such folder (given as --media)", display_path(options.media_dir))
    shown = display_path(options.export)
    state = State.load(site_dir / STATE_FILE)
    ours = {key.removeprefix("content/") for key in state.files if key.startswith("content/")}
    plan = Plan(site=survey(config, ours))
    for entry in read_export(options.export):
        if isinstance(entry, Channel):
            plan.add_channel(entry)
        else:
            plan_item(entry, plan, config, shown)
    finish(plan)
    tally = Tally(failed=list(plan.failed))
    importer = _Importer(options, config, plan, state, tally, shown, site_dir)
    total, done = len(plan.items), 0
    try:
        with tempfile.TemporaryDirectory(prefix="sitegen-import-") as scratch:
            importer.scratch = Path(scratch)
            for entry in read_export(options.export):
                planned = None if isinstance(entry, Channel) else plan.items.get(entry.id)
                if isinstance(entry, Channel) or planned is None or planned.kind != entry.type:
                    continue
                try:
                    importer.run(entry, planned)
                except SitegenError as e:
                    tally.failed.append(e)
                done += 1
                if progress is not None:
                    progress(done, total)
        podcast = importer.podcast()
    finally:
        state.save()
    return ImportReport(
        posts=tally.posts,
        drafts=tally.drafts,
        pages=tally.pages,
        written=tuple(tally.written),
        unchanged=tally.unchanged,
        kept=tuple(tally.kept),
        unrecorded=tuple(tally.unrecorded),
        media_copied=tally.media_copied,
        media_missing=tuple(tally.missing),
        removed=tuple(sorted(tally.removed.items())),
        redirects=tally.redirects,
        comments=tally.comments,
        skipped=tuple(sorted(plan.skipped.items())),
        failed=tuple(tally.failed),
        warnings=tuple(tally.warnings),
        moved=tuple(plan.moved),
        replaced=tuple(tally.replaced),
        media_damaged=tuple(tally.damaged),
        covers=tuple(tally.covers),
        metadata_removed=not options.keep_metadata,
        podcast=podcast,
        dropped=tuple(tally.dropped),
    )


class _Importer:
    def __init__(
        self,
        options: ImportOptions,
        config: Config,
        plan: Plan,
        state: State,
        tally: Tally,
        shown: str,
        site_dir: Path,
    ) -> None:
        self.site_dir = site_dir
        self.options = options
        self.config = config
        self.plan = plan
        self.state = state
        self.tally = tally
        self.shown = shown
        self.scratch = Path(tempfile.gettempdir())
        self.authors = dict(plan.channel.authors)
        self.voices: set[str] = set()
        """Who wrote the episodes: one of them is the podcast's owner."""

    def run(self, item: Item, planned: Planned) -> None:
        """Convert one item and write its files; on failure write none of them."""
        where = f"{self.shown}:{item.line}"
        if item.cleaned:
            self.tally.warnings.append(
                f"{where}: warning: {describe(item)}: removed {item.cleaned} characters "
                "that XML does not allow"
            )
        if item.replaced:
            self.tally.warnings.append(
                f"{where}: warning: {describe(item)}: {item.replaced} byte sequences were not "
                "UTF-8 and show as �"
            )
        if item.password or item.status == "private":
            why = "password-protected" if item.password else "private"
            self.tally.warnings.append(
                f"{where}: warning: {describe(item)} was {why} in WordPress; "
                "imported as a draft, so it stays unpublished until you decide"
            )
        bundle = Bundle(
            self.options.media_dir, planned, self._upload_path, self.options.keep_metadata
        )
        links = Links(
            media=bundle.name_for,
            is_upload=lambda url: self._upload_path(url) is not None,
            post=lambda url: self._link_to(url, planned.rel),
            gallery=lambda ids: self._gallery(ids, item.id),
        )
        converted = to_markdown(item.content, links, _stored_footnotes(item))
        text, comments = self._document(item, planned, converted, links, bundle)
        self._validate(item, planned, text)
        placeholder = self.site_dir / "content" / planned.replaces if planned.replaces else None
        if placeholder is not None and placeholder.is_file():
            # The untouched page `sitegen init` wrote: the imported page takes its place.
            self.state.record(placeholder, file_digest(placeholder))
        try:
            outcome = bundle.write(self.site_dir / "content", text, self.state, self.options)
        except SitegenError as e:
            raise ItemError(f"{describe(item)}: {e}", self.shown, item.line) from None
        if converted.unknown_shortcodes:
            self.tally.warnings.append(
                f"{where}: warning: {describe(item)}: unknown shortcodes kept as text: "
                + ", ".join(converted.unknown_shortcodes)
            )
        prefix = "content/"
        if placeholder is not None and outcome.written:
            self.tally.replaced.append(
                f"content/{planned.replaces}, the placeholder sitegen init wrote, by {prefix}"
                f"{planned.rel} ({describe(item)})"
            )
        if outcome.kept and not self.state.knows(self.site_dir / "content" / planned.rel):
            self.tally.unrecorded.append(prefix + planned.rel)
        elif outcome.kept:
            self.tally.kept.append(prefix + planned.rel)
        elif outcome.written:
            self.tally.written.append(prefix + planned.rel)
        else:
            self.tally.unchanged += 1
        self.tally.media_copied += outcome.copied
        self.tally.missing += [(prefix + planned.rel, url) for url in bundle.missing]
        self.tally.damaged += [(prefix + planned.rel, url, why) for url, why in bundle.damaged]
        self.tally.removed.update(converted.removed)
        if kinds := tuple(sorted((k, n) for k, n in converted.removed.items() if n)):
            self.tally.dropped.append((prefix + planned.rel, kinds))
        self.tally.comments += comments
        self.tally.redirects += len(planned.aliases)
        if planned.draft:
            self.tally.drafts += 1
        elif planned.kind == "page":
            self.tally.pages += 1
        else:
            self.tally.posts += 1

    def _document(
        self, item: Item, planned: Planned, converted: Converted, links: Links, bundle: Bundle
    ) -> tuple[str, int]:
        keys = front_matter_keys(planned.kind)
        entry = recognise(converted.markdown, self.options.dream_phrases)
        values: list[tuple[str, Any]] = [("title", _title(item, entry.location, entry.day))]
        extra: list[tuple[str, Any]] = []
        date = planned.date
        if date is not None and entry.time is not None and planned.kind == "post":
            date = document.written_at(date, entry.time, entry.zone)
        if date is not None:
            values.append(("date", date))
        if planned.page_url:
            values.append(("url", "/" + planned.page_url))
        for key, value in (
            ("location", entry.location),
            ("zone", entry.zone),
            ("day", entry.day),
            ("dream", entry.dream),
        ):
            if value:
                (values if key in keys else extra).append((key, value))
        if planned.kind == "post" and (tags := tags_of(item)):
            values.append(("tags", tags))
        if description := plain_text(item.excerpt):
            values.append(("description", description))
        if planned.draft:
            values.append(("draft", True))
        if planned.aliases:
            values.append(("aliases", ["/" + a for a in planned.aliases]))
        if cover := self._cover(item, planned, bundle):
            values.append(("cover", cover))
        audio = self._audio(item, bundle)
        if audio:
            (values if audio[0] in keys else extra).append(audio)
            if planned.kind == "post" and audio[0] == "audio":
                self.tally.episodes += 1
                self.voices.add(self.authors.get(item.creator, item.creator))
        extra.append(("wordpress_id", item.id))
        if len(self.authors) > 1 and item.creator:
            extra.append(("author", self.authors.get(item.creator, item.creator)))
        body = entry.body
        comments = 0
        if self.options.comments and item.comments:
            comments = len(item.comments)

            def convert(html: str) -> str:
                result = to_markdown(html, links, comment=True)
                converted.removed.update(result.removed)
                return result.markdown

            section = document.comments_section(item.comments, self.config.language, convert)
            body = f"{body.rstrip()}\n\n{section}\n"
        return document.render(values, extra, body), comments

    def _cover(self, item: Item, planned: Planned, bundle: Bundle) -> str:
        """The featured image as the post's cover: its file in the bundle, or "" (reported)."""
        ids = [v.strip() for k, v in item.meta if k == "_thumbnail_id" and v.strip().isdigit()]
        if not ids:
            return ""
        where = f"content/{planned.rel}"
        attachment = self.plan.attachments.get(int(ids[0]))
        if attachment is None:
            self.tally.covers.append(f"{where}: attachment {ids[0]} is not in the export")
            return ""
        url = attachment[0]
        if not urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS):
            self.tally.covers.append(f"{where}: {url} is not a JPEG, PNG or WebP image")
            return ""
        name = bundle.name_for(source_url(url))
        if name is None:
            why = "cannot be read" if bundle.damaged else "is not in --media"
            self.tally.covers.append(f"{where}: {url} {why}")
        return name or ""

    def podcast(self) -> tuple[str, ...]:
        """The [podcast] section to add, with the blog's icon as artwork if it qualifies."""
        channel = self.plan.channel
        if self.tally.episodes == 0 or self.config.podcast is not None:
            return ()
        artwork, why = "", "the export names no blog icon"
        rel = self._upload_path(channel.image) if channel.image else None
        if channel.image and rel is None:
            why = f"the blog icon {channel.image} is not one of the blog's uploads"
        elif rel is not None:
            source = find_upload(self.options.media_dir, rel)
            problem = artwork_problem(source) if source else f"{channel.image} is not in --media"
            if source is not None and not problem:
                artwork = source.name
                target = self.site_dir / "content" / "static" / artwork
                data = prepare(source, self.options.keep_metadata).data
                try:
                    if not target.exists():
                        write_atomically(target, data)
                        self.state.record(target, file_digest(target))
                    elif target.read_bytes() != data:
                        artwork, problem = "", f"content/static/{artwork} is another file"
                except OSError as e:
                    artwork, problem = "", f"cannot write content/static/{artwork}: {e.strerror}"
            why = problem or ""
        owner = next(iter(self.voices)) if len(self.voices) == 1 else ""
        return podcast_section(channel, self.config, self.tally.episodes, owner, artwork, why)

    def _audio(self, item: Item, bundle: Bundle) -> tuple[str, str] | None:
        for key, value in item.meta:
            if key != "enclosure" or not value.strip():
                continue
            url = value.strip().split("\n", 1)[0].strip()
            if name := bundle.name_for(source_url(url)):
                return ("audio", name)
            if url not in bundle.missing:
                bundle.missing.append(url)
            return ("audio_url", url)
        return None

    def _validate(self, item: Item, planned: Planned, text: str) -> None:
        """Parse the document as a build will, so that an import never breaks a build."""
        path = self.scratch / "check.md"
        path.write_text(text, encoding="utf-8")
        st = path.stat()
        source = SourceFile(path, planned.rel, st.st_size, st.st_mtime_ns)
        try:
            parse_document(
                Document(source, "post" if planned.kind == "post" else "page"), self.config
            )
        except SitegenError as e:
            raise ItemError(
                f"{describe(item)} converts to a document sitegen cannot read: {e.message}",
                self.shown,
                item.line,
            ) from None

    def _upload_path(self, url: str) -> str | None:
        """The path below wp-content/uploads of one of the blog's uploads, or None."""
        parts = urlsplit(source_url(url))
        host = (parts.hostname or "").lower()
        if host and host not in self.plan.hosts:
            return None
        path = unquote(parts.path)
        if "/wp-content/uploads/" in path:
            return path.split("/wp-content/uploads/", 1)[1]
        if host.endswith(".files.wordpress.com"):
            return path.lstrip("/")
        return None

    def _link_to(self, url: str, source_rel: str) -> str | None:
        parts = urlsplit(url)
        if not parts.hostname and not parts.path.startswith("/") and not parts.query:
            return None
        old = self.plan.old_path(url)
        target_id = self.plan.by_old_path.get(old) if old else None
        if target_id is None:
            return None
        target = self.plan.items[target_id]
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return relative_link(source_rel, target.rel) + fragment

    def _gallery(self, ids: list[int], post_id: int) -> list[tuple[str, str]]:
        chosen = ids or self.plan.children.get(post_id, [])
        return [self.plan.attachments[i] for i in chosen if i in self.plan.attachments]


def _stored_footnotes(item: Item) -> dict[str, str]:
    """Footnotes of the block editor, kept in post meta as JSON."""
    for key, value in item.meta:
        if key == "footnotes" and value.strip():
            try:
                notes = json.loads(value)
            except ValueError:
                return {}
            if isinstance(notes, list):
                return {
                    str(n.get("id")): str(n.get("content", ""))
                    for n in notes
                    if isinstance(n, dict)
                }
    return {}


def _title(item: Item, location: str, day: int | None) -> str:
    title = plain_text(item.title)
    if title:
        return title
    if location and day:
        return f"{location}, {day}"
    words = plain_text(item.content).split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "") if words else f"#{item.id}"
