"""The dev server's preview of a saved post: its page made at once from the new text and
the last good build's everything else, shown while the exact build runs.

A save changes one post, and the writer looks at that post's page. Re-making that page
takes milliseconds; the build that makes everything the save touched (listings, feeds,
neighbours' pages, the audit of the whole site) takes seconds in a large diary. The
server shows the preview first and the exact build's output once it is in place: the
browser reloads again only where the two differ. The preview never goes into the output
folder, and it is made only where it can be the page the build will make: the post
keeps its address, date and draft state, every document it links to and every picture
it shows is known, and its page passes the audit (anything else waits for the build).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from pathlib import Path

from . import audit
from .config import Config
from .errors import SitegenError
from .markdown import Typography
from .model import Document, Job, Post
from .parse import parse_document
from .paths import output_of
from .render import Plan


@dataclasses.dataclass(frozen=True, slots=True)
class Made:
    """One previewed page."""

    output: str
    """Its output path, as the build names it."""
    data: bytes


class Preview:
    """What the last good build planned, kept by the server to preview the next save."""

    def __init__(
        self,
        config: Config,
        typography: Typography,
        plan: Plan,
        documents: tuple[Document, ...],
        out_dir: Path,
    ) -> None:
        self.config = config
        self.typography = typography
        self.plan = plan
        self.documents = documents
        self.out_dir = out_dir

    def warm(self) -> None:
        """Compile the templates a preview renders with before the save, not after it (a
        tenth of a second; the build compiles them only for pages it makes itself)."""
        self.plan.templates.prepare("post.html", "page.html")

    def pages(self, paths: Collection[str]) -> list[Made]:
        """The pages of the posts saved at `paths` (absolute); none unless each path is a
        published post's or page's file and each page can be previewed (see the module)."""
        made: list[Made] = []
        for path in sorted(paths):
            found = self._find(path)
            if found is None:
                return []  # a new, removed or other file: only the build knows what it does
            page = self._page(*found)
            if page is None:
                return []
            made.append(page)
        return made

    def _find(self, path: str) -> tuple[Document, Post, int | None] | None:
        """The published document saved at `path`, the post it was, and its place among
        the site's posts (None for a page). A scan, not a table: a table of every file
        would cost more than the preview itself, made anew after every build."""
        try:
            rel = Path(path).relative_to(self.config.content_dir).as_posix()
        except ValueError:
            return None
        document = next((d for d in self.documents if d.source.rel == rel), None)
        if document is None:
            return None
        site = self.plan.site
        for index, post in enumerate(site.posts):
            if post.key == rel:
                return document, post, index
        for post in site.pages:
            if post.key == rel:
                return document, post, None
        return None

    def _page(self, document: Document, old: Post, index: int | None) -> Made | None:
        plan = self.plan
        try:
            post = parse_document(document, self.config, self.typography)
        except SitegenError:
            return None  # the build reports it, file and line
        placed = (post.url, post.date, post.draft, post.aliases)
        if placed != (old.url, old.date, old.draft, old.aliases):
            return None
        if any(r.target not in plan.site.urls for r in post.refs):
            return None
        pictures = plan.pictures.by_source
        shown = (*post.images, *([post.cover] if post.cover else []))
        if any(r.target not in pictures for r in shown):
            return None
        if index is None:
            template, value = "page.html", plan.plain_post_page(post)
        else:
            template, value = "post.html", plan.post_page(index, post)
        try:
            data = plan.templates.render(template, post.source, value)
        except SitegenError:
            return None
        output = output_of(post.url)
        job = Job(output, "", lambda: data, post.source)
        facts = {output: audit.facts_of(output, data, self.config.base_url)}
        try:
            audit.check([job], facts, self.config, self.out_dir)
        except SitegenError:
            return None  # the build says what makes the browser contact another host
        return Made(output, data)
