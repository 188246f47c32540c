"""What an import did, as a person reads it at the end: counts, then every exception by name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import SitegenError
from ..text import count


@dataclass(frozen=True, slots=True)
class ImportReport:
    posts: int
    drafts: int
    pages: int
    written: tuple[str, ...]
    """Content files written (new or updated), relative to the site."""
    unchanged: int
    kept: tuple[str, ...]
    """Files edited since the last import, left as they are."""
    media_copied: int
    media_missing: tuple[tuple[str, str], ...]
    """(post file, URL) of every upload that could not be found."""
    removed: tuple[tuple[str, int], ...]
    """Boilerplate left behind, by kind."""
    redirects: int
    comments: int
    skipped: tuple[tuple[str, int], ...]
    failed: tuple[SitegenError, ...]
    warnings: tuple[str, ...]
    unrecorded: tuple[str, ...] = ()
    """Files of the export's items with no record of an earlier import, left as they are."""
    moved: tuple[str, ...] = ()
    """Every URL an item could not have and where it went; every redirect not kept."""
    replaced: tuple[str, ...] = ()
    """Untouched placeholders of `sitegen init` that an imported page took the place of."""
    media_damaged: tuple[tuple[str, str, str], ...] = ()
    """(post file, URL, why) of every upload found but unreadable: it stays a link."""
    covers: tuple[str, ...] = ()
    """Featured images that could not become a cover, and why."""
    metadata_removed: bool = True
    podcast: tuple[str, ...] = ()
    """The [podcast] section to add to site.toml, and what the export could not tell."""
    dropped: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    """(post file, (kind, count) ...) of everything left behind, post by post."""

    def lines(self) -> list[str]:
        """The report a person reads at the end of an import."""
        out = [
            f"imported {self.posts} posts, {self.drafts} drafts and {self.pages} pages: "
            f"{count(len(self.written), 'file')} written, {self.unchanged} unchanged, "
            f"{len(self.kept)} kept because they were edited since the last import",
            f"media: {self.media_copied} copied, {len(self.media_missing)} missing"
            + (f", {len(self.media_damaged)} damaged" if self.media_damaged else ""),
            f"redirects for old URLs: {self.redirects}",
            f"comments kept: {self.comments}",
        ]
        if self.metadata_removed and self.media_copied:
            out.append(
                "  images copied without location (GPS), camera serials, comments and XMP, "
                "turned upright, colour profiles kept (--keep-metadata keeps everything)"
            )
        elif self.media_copied:
            out.append("  images copied with all their metadata (--keep-metadata)")
        out += [f"  missing: {url} (for {post})" for post, url in self.media_missing]
        out += [
            f"  damaged: {url} (for {post}): {why}; it stays a link to its old address"
            for post, url, why in self.media_damaged
        ]
        out += [f"  kept: {path}" for path in self.kept]
        out += [
            f"  kept: {path} (no record of an earlier import to tell whether it was edited; "
            "--force replaces it)"
            for path in self.unrecorded
        ]
        out += [f"  replaced: {path}" for path in self.replaced]
        if self.moved:
            out.append("URLs that were taken, and where the items went:")
            out += [f"  {line}" for line in self.moved]
        if self.covers:
            out.append("featured images not made covers:")
            out += [f"  {line}" for line in self.covers]
        total = sum(n for _, n in self.removed)
        out.append(f"left behind: {total} pieces of boilerplate")
        out += [f"  {kind}: {n}" for kind, n in self.removed]
        out += [
            f"  in {post}: " + ", ".join(f"{kind} {n}" for kind, n in kinds)
            for post, kinds in self.dropped
        ]
        if self.skipped:
            out.append("not imported:")
            out += [f"  {what}: {n}" for what, n in self.skipped]
        out += list(self.podcast)
        if self.failed:
            out.append(f"failed: {len(self.failed)} items (see the messages above)")
        return out


@dataclass(slots=True)
class Tally:
    """The report while it is being counted."""

    posts: int = 0
    drafts: int = 0
    pages: int = 0
    redirects: int = 0
    comments: int = 0
    media_copied: int = 0
    unchanged: int = 0
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    damaged: list[tuple[str, str, str]] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)
    dropped: list[tuple[str, tuple[tuple[str, int], ...]]] = field(default_factory=list)
    failed: list[SitegenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    episodes: int = 0
