"""The build: read everything, assemble the site, then write only what changed."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import output
from .assemble import assemble
from .config import load_config
from .discover import discover
from .errors import BuildErrors, SitegenError
from .images import keep_cache, make_images, plan_images
from .model import Notice, Post
from .parse import parse_document
from .render import plan
from .text import digest
from .theme import load_theme

log = logging.getLogger(__name__)

CACHE_DIR = ".sitegen-cache"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None
    """Defaults to SITE_DIR/output."""
    drafts: bool = False
    base_url: str | None = None
    now: dt.datetime | None = None
    """Posts dated after this wait; defaults to SOURCE_DATE_EPOCH or the clock."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    out_dir: Path
    outputs: int
    written: tuple[str, ...]
    unchanged: int
    pruned: tuple[str, ...]
    posts: int
    pages: int
    skipped_drafts: int
    skipped_future: int
    seconds: float
    warnings: tuple[Notice, ...] = field(default=())

    def summary(self) -> str:
        skipped = []
        if self.skipped_drafts:
            skipped.append(f"{self.skipped_drafts} draft{'s' * (self.skipped_drafts != 1)}")
        if self.skipped_future:
            skipped.append(f"{self.skipped_future} future post{'s' * (self.skipped_future != 1)}")
        skipped_text = f", skipped {' and '.join(skipped)}" if skipped else ""
        return (
            f"{self.posts} posts, {self.pages} pages: {len(self.written)} files written, "
            f"{self.unchanged} unchanged, {len(self.pruned)} removed{skipped_text} "
            f"in {self.seconds:.2f} s"
        )


def build(options: BuildOptions) -> BuildReport:
    """Build the site; on any error raise before touching the output folder."""
    started = time.perf_counter()
    site_dir = options.site_dir.resolve()
    config = load_config(site_dir, options.base_url)
    out_dir = (options.out_dir or site_dir / "output").resolve()
    _check_out_dir(out_dir, site_dir)
    inventory = discover(config)
    theme = load_theme(config)

    documents: list[Post] = []
    errors: list[SitegenError] = []
    for document in inventory.documents:
        try:
            documents.append(parse_document(document, config))
        except SitegenError as e:
            errors.append(e)
    if errors:
        raise BuildErrors(errors)

    site = assemble(config, documents, options.now or build_time(), options.drafts)
    images = plan_images(site, site_dir / CACHE_DIR / "images")
    make_images(images, progress=_progress_bar("images") if sys.stderr.isatty() else None)
    jobs = sorted(
        [*plan(site, theme, inventory, images.pictures), *images.jobs], key=lambda j: j.output
    )
    output.check_plan(jobs)
    manifest = site_dir / CACHE_DIR / f"outputs-{digest(str(out_dir))}.json"
    produced = output.produce(jobs, out_dir, manifest)
    report = output.write(jobs, produced, out_dir, manifest)
    keep_cache(images)
    return BuildReport(
        out_dir=out_dir,
        outputs=len(jobs),
        written=report.written,
        unchanged=report.unchanged,
        pruned=report.pruned,
        posts=len(site.posts),
        pages=len(site.pages),
        skipped_drafts=site.skipped_drafts,
        skipped_future=site.skipped_future,
        seconds=time.perf_counter() - started,
        warnings=site.warnings,
    )


def build_time() -> dt.datetime:
    """Now, unless SOURCE_DATE_EPOCH fixes it (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except ValueError:
            raise SitegenError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return dt.datetime.now(dt.UTC)


def _progress_bar(label: str) -> Callable[[int, int], None]:
    """A one-line bar on stderr for long work (only asked for on a terminal)."""

    def show(done: int, total: int) -> None:
        if total < 8:
            return
        filled = 30 * done // total
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def _check_out_dir(out_dir: Path, site_dir: Path) -> None:
    # Everything in the output folder that this build does not make is deleted,
    # so it must never be a folder that holds anything else of the site.
    content = site_dir / "content"
    if out_dir in (site_dir, content) or out_dir in site_dir.parents or content in out_dir.parents:
        raise SitegenError(f"{out_dir} cannot be the output folder: it holds the site's own files")
