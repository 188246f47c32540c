"""The build: stop at once when nothing changed since the last one; else run the stages
(`pipeline`), which read everything, assemble the site and write only what changed."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, output, stamp
from .config import load_config
from .errors import SitegenError
from .libraries import versions
from .report import BuildReport as BuildReport  # the build's, for its callers
from .store import Store, tree_name
from .text import digest
from .theme import load_theme

if TYPE_CHECKING:  # the stages are imported only when there is something to build
    from .preview import Preview

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
    force: bool = False
    """Replace the contents of an --out folder that sitegen did not make."""
    replan: bool = False
    """Run every stage even when nothing changed since the last build (the dev server
    does, once, to hold a plan that previews saves)."""


def build(options: BuildOptions, keep: Callable[[Preview], None] | None = None) -> BuildReport:
    """Build the site; on any error raise before touching the output folder.

    `keep`, if given, is handed what previews the next save (`preview.Preview`) when the
    stages ran; a build that stops at once because nothing changed does not call it.
    """
    try:
        with contextlib.ExitStack() as cleanup:
            return _build(options, cleanup, keep)
    finally:
        gc.unfreeze()  # see `pipeline.uncollected`: what it set aside is the collector's again


def _build(
    options: BuildOptions, cleanup: contextlib.ExitStack, keep: Callable[[Preview], None] | None
) -> BuildReport:
    started = time.perf_counter()
    site_dir = options.site_dir.resolve()
    config = load_config(site_dir, options.base_url)
    out_dir = (options.out_dir or site_dir / "output").resolve()
    _check_out_dir(out_dir, site_dir)
    output.claim(out_dir, options.force, explicit=options.out_dir is not None)
    theme = load_theme(config)
    now = options.now or build_time()
    today = now.astimezone(config.zone).date() if config.zone else now.date()
    # One store for all that builds keep; no key in it says where the site is.
    store = Store(site_dir / CACHE_DIR, digest(code_digest(), versions()))
    tree = tree_name(out_dir, site_dir)
    inputs = stamp.fingerprint(
        config, (config.content_dir, *theme.folders), tree, str(options.drafts)
    )
    last = stamp.load(store.get(f"stamp:{tree}"))
    if not options.replan and last is not None and last.still_fresh(inputs, now, today, out_dir):
        store.close()
        return BuildReport(
            out_dir=out_dir,
            outputs=len(last.outputs),
            written=(),
            unchanged=len(last.outputs),
            pruned=(),
            parsed=0,
            seconds=time.perf_counter() - started,
            warnings=last.warnings,
            **last.figures,
        )

    from . import pipeline  # the stages: imported only when there is something to build

    return pipeline.run(
        config,
        theme,
        store,
        out_dir,
        tree,
        inputs,
        now,
        today,
        options.drafts,
        cleanup,
        started,
        keep,
    )


@functools.cache
def code_digest() -> str:
    """Changes whenever sitegen's own code does, so caches never outlive the code that made them."""
    package = Path(__file__).parent
    return digest(__version__, *(p.read_bytes() for p in sorted(package.glob("*.py"))))


def build_time() -> dt.datetime:
    """Now, unless SOURCE_DATE_EPOCH fixes it (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except ValueError:
            raise SitegenError(f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}") from None
    return dt.datetime.now(dt.UTC)


def _check_out_dir(out_dir: Path, site_dir: Path) -> None:
    # Everything in the output folder that this build does not make is deleted,
    # so it must never be a folder that holds anything else of the site.
    content = site_dir / "content"
    if out_dir in (site_dir, content) or out_dir in site_dir.parents or content in out_dir.parents:
        raise SitegenError(f"{out_dir} cannot be the output folder: it holds the site's own files")
