"""The URLs an import must leave alone: pages sitegen makes itself, and the site's own content.

An imported post that wanted `/tags/` or `/feed.xml/` would stop every build (two outputs
at one path, or a folder where a file is); so would a redirect from an old URL that is
now another page. Every URL an import gives out is checked here first.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ..chartviews import WEIGHTS_FILE
from ..config import Config
from ..discover import discover
from ..errors import SitegenError
from ..feeds import PODCAST_FEED
from ..images import _OUTPUT_FOLDER as IMAGE_FOLDER
from ..inputs import feed_links
from ..parse import parse_document
from ..paths import output_of
from ..scaffold import placeholders
from ..theme import load_theme

_YEAR = re.compile(r"^\d{4}/index\.html$")
_LISTING_PAGE = re.compile(r"^(?:.+/)?page/\d+/index\.html$")
_IMPORTED = re.compile(r"^wordpress_id = (\d+)$", re.M)
_UNSAFE_SEGMENT = re.compile(r"[\x00-\x1f\x7f\\]")


@dataclass(slots=True)
class Taken:
    """Output paths already spoken for, each with what holds it, as a report names it."""

    files: dict[str, str] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)
    """Folders whose every output sitegen makes ("tags/": the tag pages and their feeds)."""
    holders: dict[str, str] = field(default_factory=dict)
    """Folders that hold a taken file, to refuse a file of the same name."""

    def add(self, url: str, holder: str) -> None:
        output = output_of(url)
        self.files.setdefault(output, holder)
        parts = output.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            self.holders.setdefault("/".join(parts[:n]), holder)

    def holder(self, url: str) -> str | None:
        """What already holds this URL (or a path it needs), or None when it is free."""
        output = output_of(url)
        if output in self.files:
            return self.files[output]
        if _YEAR.match(output):
            return "a year archive"
        if _LISTING_PAGE.match(output):
            return "a page of a listing"
        if output in self.holders:
            return self.holders[output]  # a file where a folder of outputs is
        parts = output.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            prefix = "/".join(parts[:n])
            if prefix + "/" in self.folders:
                return self.folders[prefix + "/"]
            if prefix in self.files:
                return self.files[prefix]  # a folder where a file is
        return None


def safe_path(path: str) -> bool:
    """Whether a path stays below the site root: no "..", no empty or odd segments."""
    segments = path.strip("/").split("/")
    return path.strip("/") != "" and all(
        s not in ("", ".", "..") and not _UNSAFE_SEGMENT.search(s) for s in segments
    )


@dataclass(slots=True)
class Survey:
    """What the site holds before the import: taken URLs and the files the import must spare."""

    taken: Taken
    blocked: dict[str, str]
    """The user's own content files (relative to content/), with why none may replace them."""
    placeholders: set[str]
    """Untouched placeholders of `sitegen init`, which an imported page may replace."""
    imported: dict[str, int]
    """Files an import wrote (by their wordpress_id) although its record of them is lost."""


def survey(config: Config, ours: set[str]) -> Survey:
    """The pages sitegen makes for this site and the URLs and files of its own content.

    `ours` are the documents (relative to content/) an earlier import wrote: this import
    decides their URLs again.
    """
    taken = Taken()
    theme = load_theme(config)
    language = config.language
    transparency = theme.page_url(language, "transparency_slug", "transparency")
    made = {
        "": "the home page",
        theme.page_url(language, "dreams_slug", "dreams"): "the dreams page",
        transparency: "the transparency page",
        transparency + WEIGHTS_FILE: "the page weights of the transparency page",
        "uses/": "the uses page",
        "uses.json": "the uses data",
        "404.html": "the page for missing pages",
        "sitemap.xml": "the sitemap",
        "robots.txt": "robots.txt",
        PODCAST_FEED: "the podcast feed",
    }
    made.update({link.url: "a feed" for link in feed_links(config)})
    for url, holder in made.items():
        taken.add(url, holder)
    taken.folders["tags/"] = "the tag pages"
    taken.folders["series/"] = "the series pages"
    taken.folders[IMAGE_FOLDER] = "the published images"
    for output in theme.static_files():
        taken.add(output, f"a file of theme {theme.name}")
    inventory = discover(config)
    for static in inventory.static:
        taken.add(static.rel, f"content/static/{static.rel}")
    found = Survey(taken, {}, set(), {})
    initial = {rel.removeprefix("content/"): text for rel, text in placeholders().items()}
    for document in inventory.documents:
        rel = document.source.rel
        if rel in ours:
            continue
        try:
            text = document.source.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        if _digest(text) == _digest(initial.get(rel, "")):
            found.placeholders.add(rel)
        elif m := _IMPORTED.search(text):
            found.imported[rel] = int(m.group(1))
        else:
            found.blocked[rel] = f"content/{rel} is the site's own"
        try:
            post = parse_document(document, config)
        except SitegenError:
            continue  # the build names it; its URL is unknown here
        taken.add(post.url, f"content/{rel}")
        for alias in post.aliases:
            taken.add(alias, f"a redirect of content/{rel}")
    return found


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
